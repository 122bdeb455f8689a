// An incremental UTF-8 validator (RFC 3629) for text messages (RFC 6455 8.1).
//
// Feed it a message in pieces of any size; it fails at the first byte that can
// no longer be part of valid UTF-8: overlong forms (C0, C1, E0 80-9F, F0 80-8F),
// UTF-16 surrogates (ED A0-BF), code points above U+10FFFF (F4 90-BF, F5-FF),
// stray continuation bytes. A sequence left unfinished is reported by finish().
//
// It is a small state machine over byte classes. Runs of ASCII between
// characters are skipped 8 bytes at a time.
#ifndef ASIOWS_CORE_UTF8_HPP
#define ASIOWS_CORE_UTF8_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace asiows {

class utf8_validator {
public:
  // Validates the next piece. Returns false once the input is known to be
  // invalid; the validator then stays failed until reset().
  bool feed(const std::uint8_t* data, std::size_t size) noexcept {
    std::uint8_t state = state_;
    std::size_t i = 0;
    while (i < size) {
      if (state == accept) {
        // ASCII fast path: skip whole words whose bytes all have the top bit clear.
        while (i + 8 <= size) {
          std::uint64_t word;
          std::memcpy(&word, data + i, 8);
          if ((word & 0x8080808080808080ULL) != 0) break;
          i += 8;
        }
        if (i == size) break;
      }
      state = transition(state, data[i++]);
      if (state == reject) break;
    }
    state_ = state;
    return state != reject;
  }

  bool feed(std::string_view text) noexcept {
    return feed(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  }

  // True when everything fed so far is valid and ends on a character boundary.
  bool finish() const noexcept { return state_ == accept; }
  bool failed() const noexcept { return state_ == reject; }
  void reset() noexcept { state_ = accept; }

private:
  // States: what the next byte must be.
  enum : std::uint8_t {
    accept = 0,     // at a character boundary
    reject,         // invalid; sticky
    tail1,          // one more continuation byte (80-BF)
    tail2,          // two more
    tail3,          // three more
    after_e0,       // 3-byte form after E0: A0-BF (else overlong)
    after_ed,       // 3-byte form after ED: 80-9F (else a surrogate)
    after_f0,       // 4-byte form after F0: 90-BF (else overlong)
    after_f4,       // 4-byte form after F4: 80-8F (else above U+10FFFF)
  };

  static std::uint8_t transition(std::uint8_t state, std::uint8_t byte) noexcept {
    const bool continuation = (byte & 0xC0) == 0x80;
    switch (state) {
    case accept:
      if (byte < 0x80) return accept;
      if (byte < 0xC2) return reject;  // stray continuation, or overlong C0/C1
      if (byte < 0xE0) return tail1;
      if (byte == 0xE0) return after_e0;
      if (byte == 0xED) return after_ed;
      if (byte < 0xF0) return tail2;
      if (byte == 0xF0) return after_f0;
      if (byte < 0xF4) return tail3;
      if (byte == 0xF4) return after_f4;
      return reject;                    // F5-FF
    case tail1: return continuation ? accept : reject;
    case tail2: return continuation ? tail1 : reject;
    case tail3: return continuation ? tail2 : reject;
    case after_e0: return byte >= 0xA0 && byte <= 0xBF ? tail1 : reject;
    case after_ed: return byte >= 0x80 && byte <= 0x9F ? tail1 : reject;
    case after_f0: return byte >= 0x90 && byte <= 0xBF ? tail2 : reject;
    case after_f4: return byte >= 0x80 && byte <= 0x8F ? tail2 : reject;
    default: return reject;
    }
  }

  std::uint8_t state_ = accept;
};

// Validates a complete piece of text at once.
inline bool is_valid_utf8(const std::uint8_t* data, std::size_t size) noexcept {
  utf8_validator validator;
  return validator.feed(data, size) && validator.finish();
}

inline bool is_valid_utf8(std::string_view text) noexcept {
  return is_valid_utf8(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

} // namespace asiows

#endif
