// UTF-8 validation, differential: the fast validator (whole input, and fed in
// arbitrary pieces) must agree with a plain reference written from RFC 3629
// section 4, and a failure must be reported no later than the byte that
// makes the input invalid (fail-fast, which Autobahn 6.x checks).
#include <asiows/core/utf8.hpp>

#include "fuzz_input.hpp"

namespace {

// Length of the valid prefix that cannot be extended to an invalid one:
// returns size if all valid (possibly ending mid-character), else the index
// of the first byte that cannot belong to valid UTF-8. Also tells whether the
// input ends on a character boundary.
std::size_t reference_first_bad(const std::uint8_t* s, std::size_t size, bool& complete) {
  std::size_t i = 0;
  complete = true;
  while (i < size) {
    const std::uint8_t b = s[i];
    std::size_t need = 0;
    std::uint8_t low = 0x80, high = 0xBF; // the allowed range of the second byte
    if (b < 0x80) {
      ++i;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      if (b == 0xE0) low = 0xA0;  // no overlong forms
      if (b == 0xED) high = 0x9F; // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      if (b == 0xF0) low = 0x90;  // no overlong forms
      if (b == 0xF4) high = 0x8F; // nothing past U+10FFFF
    } else {
      return i;
    }
    for (std::size_t k = 1; k <= need; ++k) {
      if (i + k >= size) {
        complete = false;
        return size;
      }
      const std::uint8_t c = s[i + k];
      const bool ok = k == 1 ? c >= low && c <= high : c >= 0x80 && c <= 0xBF;
      if (!ok) return i + k;
    }
    i += need + 1;
  }
  return size;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::input in(data, size);
  const std::uint8_t split_seed = in.take_byte();
  const std::uint8_t* text = in.data();
  const std::size_t length = in.size();

  bool complete = false;
  const std::size_t first_bad = reference_first_bad(text, length, complete);
  const bool valid = first_bad == length && complete;
  FUZZ_CHECK(asiows::is_valid_utf8(text, length) == valid);

  // Fed in pieces: fails exactly when the piece holding the first bad byte is fed.
  asiows::utf8_validator validator;
  std::size_t fed = 0;
  std::size_t step = std::size_t{split_seed} % 17 + 1;
  while (fed < length) {
    const std::size_t piece = step < length - fed ? step : length - fed;
    const bool ok = validator.feed(text + fed, piece);
    fed += piece;
    if (first_bad < length) FUZZ_CHECK(ok == (fed <= first_bad));
    else FUZZ_CHECK(ok);
    if (!ok) break;
    step = step * 5 % 23 + 1;
  }
  if (fed == length) FUZZ_CHECK(validator.finish() == valid);
  return 0;
}
