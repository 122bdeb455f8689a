// SHA-1 (FIPS 180-4, RFC 3174), needed only to compute Sec-WebSocket-Accept
// (RFC 6455 4.2.2), so that ws:// works without OpenSSL.
// SHA-1 is not used for anything that needs collision resistance here.
#ifndef ASIOWS_CORE_DETAIL_SHA1_HPP
#define ASIOWS_CORE_DETAIL_SHA1_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace asiows::detail {

class sha1 {
public:
  static constexpr std::size_t digest_size = 20;
  using digest = std::array<std::uint8_t, digest_size>;

  void update(const void* data, std::size_t size) noexcept {
    auto bytes = static_cast<const std::uint8_t*>(data);
    total_bytes_ += size;
    while (size > 0) {
      std::size_t take = block_size - buffered_;
      if (take > size) take = size;
      std::memcpy(block_.data() + buffered_, bytes, take);
      buffered_ += take;
      bytes += take;
      size -= take;
      if (buffered_ == block_size) {
        compress(block_.data());
        buffered_ = 0;
      }
    }
  }

  digest finish() noexcept {
    const std::uint64_t bit_length = total_bytes_ * 8;
    // Padding: a 1 bit, zeros up to 56 mod 64, then the 64-bit big-endian length.
    static constexpr std::uint8_t padding[block_size] = {0x80};
    const std::size_t pad = buffered_ < 56 ? 56 - buffered_ : 120 - buffered_;
    update(padding, pad);
    std::uint8_t length_bytes[8];
    for (int i = 0; i < 8; ++i)
      length_bytes[i] = static_cast<std::uint8_t>(bit_length >> (56 - 8 * i));
    update(length_bytes, 8);
    digest out{};
    for (std::size_t i = 0; i < 5; ++i) {
      out[4 * i] = static_cast<std::uint8_t>(state_[i] >> 24);
      out[4 * i + 1] = static_cast<std::uint8_t>(state_[i] >> 16);
      out[4 * i + 2] = static_cast<std::uint8_t>(state_[i] >> 8);
      out[4 * i + 3] = static_cast<std::uint8_t>(state_[i]);
    }
    return out;
  }

private:
  static constexpr std::size_t block_size = 64;

  static std::uint32_t rotate_left(std::uint32_t value, int bits) noexcept {
    return (value << bits) | (value >> (32 - bits));
  }

  void compress(const std::uint8_t* block) noexcept {
    std::uint32_t w[80];
    for (std::size_t i = 0; i < 16; ++i)
      w[i] = std::uint32_t{block[4 * i]} << 24 | std::uint32_t{block[4 * i + 1]} << 16 |
             std::uint32_t{block[4 * i + 2]} << 8 | std::uint32_t{block[4 * i + 3]};
    for (std::size_t i = 16; i < 80; ++i)
      w[i] = rotate_left(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);

    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4];
    for (std::size_t i = 0; i < 80; ++i) {
      std::uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      const std::uint32_t next = rotate_left(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = rotate_left(b, 30);
      b = a;
      a = next;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
  }

  std::array<std::uint32_t, 5> state_{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::array<std::uint8_t, block_size> block_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

} // namespace asiows::detail

#endif
