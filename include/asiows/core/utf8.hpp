// An incremental UTF-8 validator (RFC 3629) for text messages (RFC 6455 8.1).
//
// Feed it a message in pieces of any size; it fails at the first byte that can
// no longer be part of valid UTF-8: overlong forms (C0, C1, E0 80-9F, F0 80-8F),
// UTF-16 surrogates (ED A0-BF), code points above U+10FFFF (F4 90-BF, F5-FF),
// stray continuation bytes. A sequence left unfinished is reported by finish().
//
// It is a small state machine over byte classes. Runs of ASCII between
// characters are skipped a block at a time: 64 bytes with AVX2, 32 with SSE2
// or NEON (simd.hpp), 8 in the portable code.
#ifndef ASIOWS_CORE_UTF8_HPP
#define ASIOWS_CORE_UTF8_HPP

#include <asiows/core/simd.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace asiows {

namespace detail {

// How many of the first bytes are ASCII (below 0x80), looking 8 bytes at a time.
inline std::size_t ascii_run_portable(const std::uint8_t* data, std::size_t size) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, 8);
    if ((word & 0x8080808080808080ULL) != 0) break;
  }
  while (i < size && data[i] < 0x80) ++i;
  return i;
}

// As ascii_run_portable, a vector block at a time where the build has vector instructions.
inline std::size_t ascii_run(const std::uint8_t* data, std::size_t size) noexcept {
  std::size_t i = 0;
#if defined(ASIOWS_SIMD_AVX2)
  for (; i + 64 <= size; i += 64) {
    const __m256i first = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i));
    const __m256i second = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i + 32));
    if (_mm256_movemask_epi8(_mm256_or_si256(first, second)) != 0) break;
  }
#endif
#if defined(ASIOWS_SIMD_SSE2)
  for (; i + 32 <= size; i += 32) {
    const __m128i first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const __m128i second = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + 16));
    if (_mm_movemask_epi8(_mm_or_si128(first, second)) != 0) break;
  }
#elif defined(ASIOWS_SIMD_NEON)
  for (; i + 32 <= size; i += 32) {
    const uint8x16_t either = vorrq_u8(vld1q_u8(data + i), vld1q_u8(data + i + 16));
    if (vmaxvq_u8(either) >= 0x80) break;
  }
#endif
  return i + ascii_run_portable(data + i, size - i);
}

} // namespace detail

class utf8_validator {
public:
  // Validates the next piece. Returns false once the input is known to be
  // invalid; the validator then stays failed until reset().
  bool feed(const std::uint8_t* data, std::size_t size) noexcept {
    std::uint8_t state = state_;
    std::size_t i = 0;
    while (i < size) {
      if (state == accept && data[i] < 0x80) {
        i += detail::ascii_run(data + i, size - i); // the fast path: ASCII between characters
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
