// Masking and unmasking of payload bytes (RFC 6455 5.3): byte i is XORed with
// key[(offset + i) % 4]. The same operation masks and unmasks.
//
// Word-at-a-time: after aligning the destination to 8 bytes, the loop XORs
// 8 bytes per step with the key repeated twice (compilers vectorize it further).
// `offset` lets a frame's payload be processed in pieces, as it arrives.
#ifndef ASIOWS_CORE_MASK_HPP
#define ASIOWS_CORE_MASK_HPP

#include <asiows/core/frame.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace asiows {

namespace detail {

// Copies from `source` to `destination` (which may be the same) applying the mask.
inline std::size_t mask_bytes(std::uint8_t* destination, const std::uint8_t* source, std::size_t size,
                              const mask_key& key, std::size_t offset) noexcept {
  offset &= 3;
  // Bytes up to the first 8-byte boundary of the destination, one at a time.
  while (size > 0 && (reinterpret_cast<std::uintptr_t>(destination) & 7) != 0) {
    *destination++ = static_cast<std::uint8_t>(*source++ ^ key[offset]);
    offset = (offset + 1) & 3;
    --size;
  }
  if (size >= 8) {
    // The key as it lines up with the next 8 bytes, in memory order.
    std::uint8_t rotated[8];
    for (std::size_t i = 0; i < 8; ++i) rotated[i] = key[(offset + i) & 3];
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

} // namespace detail

// Masks (or unmasks) `size` bytes at `data` in place. `offset` is the position
// of data[0] within the frame's payload (only its value mod 4 matters).
// Returns the offset for the bytes that follow.
inline std::size_t apply_mask(std::uint8_t* data, std::size_t size, const mask_key& key,
                              std::size_t offset = 0) noexcept {
  return detail::mask_bytes(data, data, size, key, offset);
}

// Copies `size` bytes from `source` to `destination` masking them on the way:
// one pass where a client would otherwise copy and then mask. The ranges must
// not overlap (unless they are the same).
inline std::size_t copy_masked(std::uint8_t* destination, const std::uint8_t* source, std::size_t size,
                               const mask_key& key, std::size_t offset = 0) noexcept {
  return detail::mask_bytes(destination, source, size, key, offset);
}

} // namespace asiows

#endif
