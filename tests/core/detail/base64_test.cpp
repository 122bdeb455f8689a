#include <asiows/core/detail/base64.hpp>

#include "catch.hpp"

#include <string>

using asiows::detail::base64_decode;
using asiows::detail::base64_encode;

namespace {
std::string encode(const std::string& text) { return base64_encode(text.data(), text.size()); }
} // namespace

// RFC 4648 section 10.
TEST_CASE("base64 encodes the RFC 4648 test vectors") {
  CHECK(encode("") == "");
  CHECK(encode("f") == "Zg==");
  CHECK(encode("fo") == "Zm8=");
  CHECK(encode("foo") == "Zm9v");
  CHECK(encode("foob") == "Zm9vYg==");
  CHECK(encode("fooba") == "Zm9vYmE=");
  CHECK(encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 decodes what it encodes, for every byte value") {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t length = 0; length <= all.size(); length += 7) {
    const std::string input = all.substr(0, length);
    const auto decoded = base64_decode(encode(input));
    REQUIRE(decoded);
    CHECK(*decoded == input);
  }
}

TEST_CASE("base64 decoding is strict") {
  CHECK(base64_decode("Zm9vYg==") == std::string("foob"));
  CHECK_FALSE(base64_decode("Zm9vYg="));   // length not a multiple of 4
  CHECK_FALSE(base64_decode("Zm9v Yg=="));  // whitespace
  CHECK_FALSE(base64_decode("Zm=vYg=="));   // padding in the middle
  CHECK_FALSE(base64_decode("Zm9vYh=="));   // non-zero bits under the padding
  CHECK_FALSE(base64_decode("Zm9vYmF="));   // likewise with one '='
  CHECK_FALSE(base64_decode("Zm9v!g=="));   // not in the alphabet
  CHECK_FALSE(base64_decode("===="));
}
