/// \file
/// An incremental UTF-8 validator (RFC 3629) for text messages (RFC 6455 8.1).
///
/// Feed it a message in pieces of any size; it fails at the first byte that can
/// no longer be part of valid UTF-8: overlong forms (C0, C1, E0 80-9F, F0 80-8F),
/// UTF-16 surrogates (ED A0-BF), code points above U+10FFFF (F4 90-BF, F5-FF),
/// stray continuation bytes. A sequence left unfinished is reported by finish().
///
/// It is a small automaton, run as shifts of a table row per byte, 16 bytes
/// at a time without a branch per byte. Runs of ASCII between characters are
/// skipped a block at a time: 64 bytes with AVX2, 32 with SSE2 or NEON
/// (simd.hpp), 8 in the portable code.
#ifndef ASIOWS_CORE_UTF8_HPP
#define ASIOWS_CORE_UTF8_HPP

#include <asiows/core/simd.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace asiows {

namespace detail {

/// How many of the first bytes are ASCII (below 0x80), looking 8 bytes at a time.
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

#if defined(ASIOWS_SIMD_AVX2) || defined(ASIOWS_SIMD_SSE2)
/// The index of the lowest set bit of a non-zero mask.
inline std::size_t lowest_set_bit(std::uint32_t mask) noexcept {
#if defined(_MSC_VER) && !defined(__clang__)
  unsigned long index;
  _BitScanForward(&index, mask);
  return index;
#else
  return static_cast<std::size_t>(__builtin_ctz(mask));
#endif
}
#endif

/// As ascii_run_portable, a vector block at a time where the build has vector
/// instructions. On x86 the block that ends the run also says where (the
/// lowest bit of its byte mask), so a short run between characters costs one
/// block, not a walk over its bytes.
inline std::size_t ascii_run(const std::uint8_t* data, std::size_t size) noexcept {
  std::size_t i = 0;
#if defined(ASIOWS_SIMD_AVX2)
  for (; i + 64 <= size; i += 64) {
    const __m256i first = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i));
    const __m256i second = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i + 32));
    if (_mm256_movemask_epi8(_mm256_or_si256(first, second)) == 0) continue;
    if (const auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(first))) return i + lowest_set_bit(mask);
    return i + 32 + lowest_set_bit(static_cast<std::uint32_t>(_mm256_movemask_epi8(second)));
  }
#endif
#if defined(ASIOWS_SIMD_SSE2)
  for (; i + 32 <= size; i += 32) {
    const __m128i first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const __m128i second = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + 16));
    if (_mm_movemask_epi8(_mm_or_si128(first, second)) == 0) continue;
    const auto mask = static_cast<std::uint32_t>(_mm_movemask_epi8(first)) |
                      static_cast<std::uint32_t>(_mm_movemask_epi8(second)) << 16;
    return i + lowest_set_bit(mask);
  }
#elif defined(ASIOWS_SIMD_NEON)
  for (; i + 32 <= size; i += 32) {
    const uint8x16_t either = vorrq_u8(vld1q_u8(data + i), vld1q_u8(data + i + 16));
    if (vmaxvq_u8(either) >= 0x80) break;
  }
#endif
  return i + ascii_run_portable(data + i, size - i);
}

/// The validator's automaton. States say what the next byte must be.
enum utf8_state : std::uint8_t {
  utf8_at_boundary = 0, ///< at a character boundary
  utf8_invalid,         ///< invalid; sticky
  utf8_tail1,           ///< one more continuation byte (80-BF)
  utf8_tail2,           ///< two more
  utf8_tail3,           ///< three more
  utf8_after_e0,        ///< 3-byte form after E0: A0-BF (else overlong)
  utf8_after_ed,        ///< 3-byte form after ED: 80-9F (else a surrogate)
  utf8_after_f0,        ///< 4-byte form after F0: 90-BF (else overlong)
  utf8_after_f4,        ///< 4-byte form after F4: 80-8F (else above U+10FFFF)
  utf8_state_count
};

constexpr utf8_state utf8_transition(std::uint8_t state, std::uint8_t byte) noexcept {
  const bool continuation = (byte & 0xC0) == 0x80;
  switch (state) {
  case utf8_at_boundary:
    if (byte < 0x80) return utf8_at_boundary;
    if (byte < 0xC2) return utf8_invalid; // stray continuation, or overlong C0/C1
    if (byte < 0xE0) return utf8_tail1;
    if (byte == 0xE0) return utf8_after_e0;
    if (byte == 0xED) return utf8_after_ed;
    if (byte < 0xF0) return utf8_tail2;
    if (byte == 0xF0) return utf8_after_f0;
    if (byte < 0xF4) return utf8_tail3;
    if (byte == 0xF4) return utf8_after_f4;
    return utf8_invalid;                  // F5-FF
  case utf8_tail1: return continuation ? utf8_at_boundary : utf8_invalid;
  case utf8_tail2: return continuation ? utf8_tail1 : utf8_invalid;
  case utf8_tail3: return continuation ? utf8_tail2 : utf8_invalid;
  case utf8_after_e0: return byte >= 0xA0 && byte <= 0xBF ? utf8_tail1 : utf8_invalid;
  case utf8_after_ed: return byte >= 0x80 && byte <= 0x9F ? utf8_tail1 : utf8_invalid;
  case utf8_after_f0: return byte >= 0x90 && byte <= 0xBF ? utf8_tail2 : utf8_invalid;
  case utf8_after_f4: return byte >= 0x80 && byte <= 0x8F ? utf8_tail2 : utf8_invalid;
  default: return utf8_invalid;
  }
}

/// The automaton as shifts (a "shift-based DFA"): a state is held as 6 times
/// its number, and row[byte] keeps, at bit 6*s, 6 times the number of the
/// state `byte` leads to from state s. A step is then a load that does not
/// wait for the state, and a shift.
constexpr unsigned utf8_bits_per_state = 6;
static_assert(utf8_state_count * utf8_bits_per_state <= 64, "every state's next state fits in one row");
constexpr std::uint64_t utf8_accept = utf8_at_boundary * utf8_bits_per_state;
constexpr std::uint64_t utf8_reject = utf8_invalid * utf8_bits_per_state;

struct utf8_shift_rows {
  std::uint64_t row[256] = {};
  constexpr utf8_shift_rows() {
    for (unsigned byte = 0; byte < 256; ++byte)
      for (std::uint8_t state = 0; state < utf8_state_count; ++state)
        row[byte] |= std::uint64_t{utf8_transition(state, static_cast<std::uint8_t>(byte))} * utf8_bits_per_state
                     << (state * utf8_bits_per_state);
  }
};
inline constexpr utf8_shift_rows utf8_shift_table{};

} // namespace detail

/// Checks UTF-8 (RFC 3629) incrementally, across a message's pieces: no copy, no allocation.
class utf8_validator {
public:
  /// Validates the next piece. Returns false once the input is known to be
  /// invalid; the validator then stays failed until reset().
  bool feed(const std::uint8_t* data, std::size_t size) noexcept {
    std::uint64_t state = state_;
    std::size_t i = 0;
    while (i < size) {
      if (state == accept) {
        i += detail::ascii_run(data + i, size - i); // the fast path: ASCII between characters
        if (i == size) break;
      }
      // Up to 16 bytes through the automaton without a branch per byte (a
      // branch on every character of mixed text is mostly mispredicted).
      // Only the low 6 bits of `state` count: the shift instruction ignores
      // the rest, so a step costs one shift on the chain from byte to byte.
      const std::size_t block_end = size - i < 16 ? size : i + 16;
      for (; i < block_end; ++i) state = detail::utf8_shift_table.row[data[i]] >> (state & 63);
      state &= 63;
      if (state == reject) break;
    }
    state_ = static_cast<std::uint8_t>(state);
    return state != reject;
  }

  /// feed() for a string_view.
  bool feed(std::string_view text) noexcept {
    return feed(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  }

  /// True when everything fed so far is valid and ends on a character boundary.
  bool finish() const noexcept { return state_ == accept; }
  /// True once the input is known to be invalid.
  bool failed() const noexcept { return state_ == reject; }
  /// Starts over, for the next message.
  void reset() noexcept { state_ = accept; }

private:
  static constexpr std::uint64_t accept = detail::utf8_accept;
  static constexpr std::uint64_t reject = detail::utf8_reject;

  std::uint8_t state_ = accept;
};

/// Validates a complete piece of text at once.
inline bool is_valid_utf8(const std::uint8_t* data, std::size_t size) noexcept {
  utf8_validator validator;
  return validator.feed(data, size) && validator.finish();
}

/// is_valid_utf8() for a string_view.
inline bool is_valid_utf8(std::string_view text) noexcept {
  return is_valid_utf8(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

} // namespace asiows

#endif
