#include <asiows/core/detail/sha1.hpp>

#include "catch.hpp"

#include <string>

namespace {

std::string hex_digest(const std::string& message, std::size_t repeat = 1) {
  asiows::detail::sha1 hash;
  for (std::size_t i = 0; i < repeat; ++i) hash.update(message.data(), message.size());
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (auto byte : hash.finish()) {
    out += digits[byte >> 4];
    out += digits[byte & 15];
  }
  return out;
}

} // namespace

// The four test cases of RFC 3174 section 7.3.
TEST_CASE("sha1 matches the RFC 3174 test vectors") {
  CHECK(hex_digest("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(hex_digest("a", 1000000) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  CHECK(hex_digest("0123456701234567012345670123456701234567012345670123456701234567", 10) ==
        "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}

TEST_CASE("sha1 handles the padding boundaries") {
  CHECK(hex_digest("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  // 55 and 56 bytes: the length fits in the last block, or needs one more.
  CHECK(hex_digest(std::string(55, 'a')) == "c1c8bbdc22796e28c0e15163d20899b65621d65a");
  CHECK(hex_digest(std::string(56, 'a')) == "c2db330f6083854c99d4b5bfb6e8f29f201be699");
  CHECK(hex_digest(std::string(64, 'a')) == "0098ba824b5c16427bd7a1122a5a442a25ec644d");
}

TEST_CASE("sha1 gives the same digest however the input is split") {
  const std::string message = "The quick brown fox jumps over the lazy dog, again and again and again.";
  asiows::detail::sha1 whole;
  whole.update(message.data(), message.size());
  const auto expected = whole.finish();
  for (std::size_t split = 0; split <= message.size(); ++split) {
    asiows::detail::sha1 pieces;
    pieces.update(message.data(), split);
    pieces.update(message.data() + split, message.size() - split);
    CHECK(pieces.finish() == expected);
  }
}
