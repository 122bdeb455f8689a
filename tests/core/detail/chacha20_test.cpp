#include <asiows/core/detail/chacha20.hpp>
#include <asiows/core/detail/random.hpp>

#include "catch.hpp"

#include <array>
#include <cstdint>
#include <set>

// RFC 8439 section 2.3.2, the block function test vector.
TEST_CASE("chacha20 block matches RFC 8439 2.3.2") {
  std::array<std::uint32_t, 8> key{};
  for (std::uint32_t i = 0; i < 8; ++i) {
    const std::uint32_t b = 4 * i; // key bytes are 00 01 02 ... 1f, words little-endian
    key[i] = b | (b + 1) << 8 | (b + 2) << 16 | (b + 3) << 24;
  }
  const std::array<std::uint32_t, 3> nonce{0x09000000, 0x4a000000, 0x00000000};
  const std::array<std::uint8_t, 64> expected{
      0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
      0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
      0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
      0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e};
  CHECK(asiows::detail::chacha20_block(key, 1, nonce) == expected);
}

TEST_CASE("random_bytes does not repeat itself") {
  // 10,000 32-bit keys from a working generator collide with probability ~1e-2;
  // 64-bit values essentially never do.
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    std::uint64_t value = 0;
    asiows::detail::random_bytes(&value, sizeof value);
    seen.insert(value);
  }
  CHECK(seen.size() == 10000);
}
