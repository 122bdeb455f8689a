/// \file
/// Masking and unmasking of payload bytes (RFC 6455 5.3): byte i is XORed with
/// key[(offset + i) % 4]. The same operation masks and unmasks.
///
/// With vector instructions (simd.hpp), 16 or 32 bytes per step with the key
/// repeated across a register; the portable code, after aligning the
/// destination to 8 bytes, XORs 8 bytes per step with the key repeated twice.
/// Both end in the byte loop. `offset` lets a frame's payload be processed in
/// pieces, as it arrives.
#ifndef ASIOWS_CORE_MASK_HPP
#define ASIOWS_CORE_MASK_HPP

#include <asiows/core/frame.hpp>
#include <asiows/core/simd.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace asiows {

namespace detail {

/// The key as it lines up with the next N bytes, in memory order.
template <std::size_t N>
void repeat_key(std::uint8_t (&out)[N], const mask_key& key, std::size_t offset) noexcept {
  for (std::size_t i = 0; i < N; ++i) out[i] = key[(offset + i) & 3];
}

/// Copies from `source` to `destination` (which may be the same) applying the
/// mask, without vector instructions.
inline std::size_t mask_bytes_portable(std::uint8_t* destination, const std::uint8_t* source, std::size_t size,
                                       const mask_key& key, std::size_t offset) noexcept {
  offset &= 3;
  // Bytes up to the first 8-byte boundary of the destination, one at a time.
  while (size > 0 && (reinterpret_cast<std::uintptr_t>(destination) & 7) != 0) {
    *destination++ = static_cast<std::uint8_t>(*source++ ^ key[offset]);
    offset = (offset + 1) & 3;
    --size;
  }
  if (size >= 8) {
    std::uint8_t rotated[8];
    repeat_key(rotated, key, offset);
    std::uint64_t key_word;
    std::memcpy(&key_word, rotated, 8);
    while (size >= 8) {
      std::uint64_t word;
      std::memcpy(&word, source, 8);
      word ^= key_word;
      std::memcpy(destination, &word, 8);
      source += 8;
      destination += 8;
      size -= 8;
    }
    // 8 is a multiple of 4: the offset is unchanged by whole words.
  }
  while (size > 0) {
    *destination++ = static_cast<std::uint8_t>(*source++ ^ key[offset]);
    offset = (offset + 1) & 3;
    --size;
  }
  return offset;
}

/// As mask_bytes_portable, with vector instructions where the build has them.
inline std::size_t mask_bytes(std::uint8_t* destination, const std::uint8_t* source, std::size_t size,
                              const mask_key& key, std::size_t offset) noexcept {
  offset &= 3;
  // 16 and 32 are multiples of 4: whole vectors leave the offset as it is.
#if defined(ASIOWS_SIMD_AVX2)
  if (size >= 32) {
    std::uint8_t repeated[32];
    repeat_key(repeated, key, offset);
    const __m256i key_vector = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(repeated));
    for (; size >= 32; size -= 32, source += 32, destination += 32) {
      const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(source));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(destination), _mm256_xor_si256(bytes, key_vector));
    }
  }
#endif
#if defined(ASIOWS_SIMD_SSE2)
  if (size >= 16) {
    std::uint8_t repeated[16];
    repeat_key(repeated, key, offset);
    const __m128i key_vector = _mm_loadu_si128(reinterpret_cast<const __m128i*>(repeated));
    for (; size >= 16; size -= 16, source += 16, destination += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(source));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(destination), _mm_xor_si128(bytes, key_vector));
    }
  }
#elif defined(ASIOWS_SIMD_NEON)
  if (size >= 16) {
    std::uint8_t repeated[16];
    repeat_key(repeated, key, offset);
    const uint8x16_t key_vector = vld1q_u8(repeated);
    for (; size >= 16; size -= 16, source += 16, destination += 16)
      vst1q_u8(destination, veorq_u8(vld1q_u8(source), key_vector));
  }
#endif
  return mask_bytes_portable(destination, source, size, key, offset);
}

} // namespace detail

/// Masks (or unmasks) `size` bytes at `data` in place. `offset` is the position
/// of data[0] within the frame's payload (only its value mod 4 matters).
/// Returns the offset for the bytes that follow.
inline std::size_t apply_mask(std::uint8_t* data, std::size_t size, const mask_key& key,
                              std::size_t offset = 0) noexcept {
  return detail::mask_bytes(data, data, size, key, offset);
}

/// Copies `size` bytes from `source` to `destination` masking them on the way:
/// one pass where a client would otherwise copy and then mask. The ranges must
/// not overlap (unless they are the same).
inline std::size_t copy_masked(std::uint8_t* destination, const std::uint8_t* source, std::size_t size,
                               const mask_key& key, std::size_t offset = 0) noexcept {
  return detail::mask_bytes(destination, source, size, key, offset);
}

} // namespace asiows

#endif
