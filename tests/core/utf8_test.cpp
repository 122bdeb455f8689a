#include <asiows/core/utf8.hpp>

#include "catch.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using asiows::is_valid_utf8;
using asiows::utf8_validator;

namespace {

// A plain reference, decoding code points one by one (RFC 3629 section 4).
bool reference_is_valid_utf8(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length;
    std::uint32_t code_point;
    if (lead < 0x80) { length = 1; code_point = lead; }
    else if ((lead & 0xE0) == 0xC0) { length = 2; code_point = lead & 0x1F; }
    else if ((lead & 0xF0) == 0xE0) { length = 3; code_point = lead & 0x0F; }
    else if ((lead & 0xF8) == 0xF0) { length = 4; code_point = lead & 0x07; }
    else return false;
    if (i + length > text.size()) return false;
    for (std::size_t j = 1; j < length; ++j) {
      const auto next = static_cast<unsigned char>(text[i + j]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = code_point << 6 | (next & 0x3F);
    }
    const std::uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < minimum[length] || code_point > 0x10FFFF) return false;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
    i += length;
  }
  return true;
}

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

} // namespace

TEST_CASE("utf8 accepts valid text") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("Hello, world"));
  CHECK(is_valid_utf8("κόσμε"));
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80 and \xE2\x82\xAC")); // emoji and euro sign
  CHECK(is_valid_utf8(bytes({0xED, 0x9F, 0xBF})));           // U+D7FF, just below the surrogates
  CHECK(is_valid_utf8(bytes({0xEE, 0x80, 0x80})));           // U+E000, just above them
  CHECK(is_valid_utf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})));     // U+10FFFF, the last code point
  CHECK(is_valid_utf8(bytes({0xEF, 0xBF, 0xBF})));           // U+FFFF (a noncharacter, but valid)
  CHECK(is_valid_utf8(std::string("\0", 1)));
}

TEST_CASE("utf8 rejects invalid text") {
  CHECK_FALSE(is_valid_utf8(bytes({0x80})));                   // lone continuation
  CHECK_FALSE(is_valid_utf8(bytes({0xC0, 0x80})));             // overlong NUL
  CHECK_FALSE(is_valid_utf8(bytes({0xC1, 0xBF})));             // overlong
  CHECK_FALSE(is_valid_utf8(bytes({0xE0, 0x9F, 0xBF})));       // overlong 3-byte
  CHECK_FALSE(is_valid_utf8(bytes({0xF0, 0x8F, 0xBF, 0xBF}))); // overlong 4-byte
  CHECK_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0x80})));       // U+D800, a surrogate
  CHECK_FALSE(is_valid_utf8(bytes({0xED, 0xBF, 0xBF})));       // U+DFFF
  CHECK_FALSE(is_valid_utf8(bytes({0xF4, 0x90, 0x80, 0x80}))); // U+110000
  CHECK_FALSE(is_valid_utf8(bytes({0xF5, 0x80, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(bytes({0xFF})));
  CHECK_FALSE(is_valid_utf8(bytes({0xE2, 0x82})));             // truncated
  CHECK_FALSE(is_valid_utf8(bytes({0xC2, 0x41})));             // lead then ASCII
  CHECK_FALSE(is_valid_utf8("Hello" + bytes({0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5,
                                             0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64})));
}

TEST_CASE("utf8 fails at the first byte that can no longer become valid") {
  utf8_validator validator;
  // 0xF4 0x90 can never start a valid sequence: the second byte already fails.
  CHECK(validator.feed(bytes({0x41, 0xF4})));
  CHECK_FALSE(validator.finish()); // unfinished, not yet invalid
  CHECK_FALSE(validator.feed(bytes({0x90})));
  CHECK(validator.failed());
  CHECK_FALSE(validator.feed("more ascii")); // failure is sticky
  validator.reset();
  CHECK(validator.feed("ok"));
  CHECK(validator.finish());
}

TEST_CASE("utf8 agrees with a reference on random input, however it is split") {
  std::mt19937 random(2024);
  // Pieces of valid text with random damage, so both verdicts occur often.
  const std::string pieces[] = {"a", "ascii text ", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                "\xED\x9F\xBF", "\xF4\x8F\xBF\xBF"};
  int valid_seen = 0, invalid_seen = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int count = static_cast<int>(random() % 12);
    for (int i = 0; i < count; ++i) text += pieces[random() % 7];
    if (!text.empty() && random() % 2 == 0) text[random() % text.size()] = static_cast<char>(random() % 256);
    const bool expected = reference_is_valid_utf8(text);
    (expected ? valid_seen : invalid_seen)++;
    REQUIRE(is_valid_utf8(text) == expected);

    utf8_validator split;
    std::size_t position = 0;
    bool ok = true;
    while (position < text.size() && ok) {
      const std::size_t piece = std::min<std::size_t>(random() % 5, text.size() - position);
      ok = split.feed(reinterpret_cast<const std::uint8_t*>(text.data()) + position, piece);
      position += piece;
    }
    REQUIRE((ok && split.finish()) == expected);
  }
  CHECK(valid_seen > 100);
  CHECK(invalid_seen > 100);
}

TEST_CASE("utf8 agrees with the reference on every 1-, 2- and 3-byte sequence with a non-ASCII lead") {
  std::string text;
  long compared = 0, disagreements = 0;
  auto compare = [&] {
    ++compared;
    if (is_valid_utf8(text) != reference_is_valid_utf8(text)) ++disagreements;
  };
  for (int a = 0x80; a < 0x100; ++a) {
    text.assign(1, static_cast<char>(a));
    compare();
    for (int b = 0; b < 0x100; ++b) {
      text.resize(2);
      text[1] = static_cast<char>(b);
      compare();
      for (int c = 0x7F; c < 0xC1; ++c) { // around the continuation range
        text.resize(3);
        text[2] = static_cast<char>(c);
        compare();
      }
    }
  }
  CHECK(compared > 2000000);
  CHECK(disagreements == 0);
}

TEST_CASE("utf8 agrees with the reference on every 2- to 4-byte lead and continuation, followed by ASCII") {
  // The automaton's 16-byte blocks, and the ASCII skip after them.
  const int third_bytes[] = {0x00, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
  const int fourth_bytes[] = {0x41, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0};
  std::string text(8, 'z');
  long compared = 0, disagreements = 0, valid = 0;
  for (int a = 0x80; a < 0x100; ++a) {
    text[0] = static_cast<char>(a);
    for (int b = 0; b < 0x100; ++b) {
      text[1] = static_cast<char>(b);
      for (int c : third_bytes) {
        text[2] = static_cast<char>(c);
        for (int d : fourth_bytes) {
          text[3] = static_cast<char>(d);
          const bool expected = reference_is_valid_utf8(text);
          ++compared;
          valid += expected;
          if (is_valid_utf8(text) != expected) ++disagreements;
        }
      }
    }
  }
  CHECK(compared == 128L * 256 * 8 * 7);
  CHECK(valid > 1000);
  CHECK(disagreements == 0);
}
