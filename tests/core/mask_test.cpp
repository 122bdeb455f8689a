#include <asiows/core/mask.hpp>

#include "catch.hpp"

#include <cstdint>
#include <random>
#include <vector>

using namespace asiows;

namespace {

std::vector<std::uint8_t> reference_mask(std::vector<std::uint8_t> data, const mask_key& key, std::size_t offset) {
  for (std::size_t i = 0; i < data.size(); ++i) data[i] ^= key[(offset + i) % 4];
  return data;
}

} // namespace

TEST_CASE("masking the RFC 6455 5.7 example") {
  std::vector<std::uint8_t> payload{0x48, 0x65, 0x6c, 0x6c, 0x6f}; // "Hello"
  const mask_key key{0x37, 0xfa, 0x21, 0x3d};
  CHECK(apply_mask(payload.data(), payload.size(), key) == 1);
  CHECK(payload == std::vector<std::uint8_t>{0x7f, 0x9f, 0x4d, 0x51, 0x58});
  apply_mask(payload.data(), payload.size(), key);
  CHECK(payload == std::vector<std::uint8_t>{0x48, 0x65, 0x6c, 0x6c, 0x6f});
}

TEST_CASE("masking agrees with the byte-wise definition for any length, alignment and offset") {
  std::mt19937 random(12345);
  std::vector<std::uint8_t> storage(200);
  for (auto& byte : storage) byte = static_cast<std::uint8_t>(random());
  const mask_key key{0xA1, 0x5C, 0x03, 0xF7};
  for (std::size_t alignment = 0; alignment < 8; ++alignment) {
    for (std::size_t length = 0; length < 80; ++length) {
      for (std::size_t offset = 0; offset < 4; ++offset) {
        std::vector<std::uint8_t> in_place = storage;
        std::uint8_t* data = in_place.data() + alignment;
        const std::vector<std::uint8_t> original(data, data + length);
        CHECK(apply_mask(data, length, key, offset) == (offset + length) % 4);
        REQUIRE(std::vector<std::uint8_t>(data, data + length) == reference_mask(original, key, offset));

        std::vector<std::uint8_t> copy(length + 8);
        copy_masked(copy.data() + alignment % 4, original.data(), length, key, offset);
        const std::uint8_t* copied = copy.data() + alignment % 4;
        CHECK(std::vector<std::uint8_t>(copied, copied + length) ==
              reference_mask(original, key, offset));
      }
    }
  }
}

TEST_CASE("masking in pieces continues the key where the last piece stopped") {
  std::vector<std::uint8_t> data(1000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
  const mask_key key{1, 2, 3, 4};
  const auto expected = reference_mask(data, key, 0);
  std::mt19937 random(7);
  std::size_t position = 0, offset = 0;
  while (position < data.size()) {
    const std::size_t piece = std::min<std::size_t>(random() % 37, data.size() - position);
    offset = apply_mask(data.data() + position, piece, key, offset);
    position += piece;
  }
  CHECK(data == expected);
}
