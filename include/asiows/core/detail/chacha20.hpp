// The ChaCha20 block function (RFC 8439 section 2.3), used as the keystream of
// a random generator for masking keys and handshake keys. RFC 6455 10.3 asks
// that masking keys be unpredictable to the application, so a plain PRNG such
// as a Mersenne twister, whose state can be recovered from its output, is not enough.
#ifndef ASIOWS_CORE_DETAIL_CHACHA20_HPP
#define ASIOWS_CORE_DETAIL_CHACHA20_HPP

#include <array>
#include <cstddef>
#include <cstdint>

namespace asiows::detail {

// key: 8 words, nonce: 3 words, as little-endian words of the RFC's byte strings.
inline std::array<std::uint8_t, 64> chacha20_block(const std::array<std::uint32_t, 8>& key,
                                                   std::uint32_t counter,
                                                   const std::array<std::uint32_t, 3>& nonce) noexcept {
  auto rotate_left = [](std::uint32_t value, int bits) { return (value << bits) | (value >> (32 - bits)); };
  auto quarter_round = [&](std::uint32_t& a, std::uint32_t& b, std::uint32_t& c, std::uint32_t& d) {
    a += b; d ^= a; d = rotate_left(d, 16);
    c += d; b ^= c; b = rotate_left(b, 12);
    a += b; d ^= a; d = rotate_left(d, 8);
    c += d; b ^= c; b = rotate_left(b, 7);
  };
  const std::array<std::uint32_t, 16> input{0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
                                            key[0], key[1], key[2], key[3],
                                            key[4], key[5], key[6], key[7],
                                            counter, nonce[0], nonce[1], nonce[2]};
  std::array<std::uint32_t, 16> x = input;
  for (int round = 0; round < 10; ++round) {
    quarter_round(x[0], x[4], x[8], x[12]);
    quarter_round(x[1], x[5], x[9], x[13]);
    quarter_round(x[2], x[6], x[10], x[14]);
    quarter_round(x[3], x[7], x[11], x[15]);
    quarter_round(x[0], x[5], x[10], x[15]);
    quarter_round(x[1], x[6], x[11], x[12]);
    quarter_round(x[2], x[7], x[8], x[13]);
    quarter_round(x[3], x[4], x[9], x[14]);
  }
  std::array<std::uint8_t, 64> out{};
  for (std::size_t i = 0; i < 16; ++i) {
    const std::uint32_t word = x[i] + input[i];
    out[4 * i] = static_cast<std::uint8_t>(word);
    out[4 * i + 1] = static_cast<std::uint8_t>(word >> 8);
    out[4 * i + 2] = static_cast<std::uint8_t>(word >> 16);
    out[4 * i + 3] = static_cast<std::uint8_t>(word >> 24);
  }
  return out;
}

} // namespace asiows::detail

#endif
