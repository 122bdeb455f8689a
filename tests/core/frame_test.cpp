#include <asiows/core/frame.hpp>

#include "catch.hpp"

#include <cstdint>
#include <vector>

using namespace asiows;
using bytes = std::vector<std::uint8_t>;

namespace {

frame_parse_result parse(const bytes& input, frame_header& header) {
  return parse_frame_header(input.data(), input.size(), header);
}

bytes serialize(const frame_header& header) {
  bytes out(max_frame_header_size);
  out.resize(serialize_frame_header(header, out.data()));
  return out;
}

} // namespace

TEST_CASE("frame headers of the RFC 6455 5.7 examples") {
  frame_header header;

  SECTION("a single-frame unmasked text message") {
    const bytes wire{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
    const auto parsed = parse(wire, header);
    REQUIRE(parsed.status == parse_status::complete);
    CHECK(parsed.size == 2);
    CHECK(header.fin);
    CHECK(header.op == opcode::text);
    CHECK_FALSE(header.masked);
    CHECK(header.payload_length == 5);
    CHECK(serialize(header) == bytes(wire.begin(), wire.begin() + 2));
  }
  SECTION("a single-frame masked text message") {
    const bytes wire{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
    const auto parsed = parse(wire, header);
    REQUIRE(parsed.status == parse_status::complete);
    CHECK(parsed.size == 6);
    CHECK(header.masked);
    CHECK(header.key == mask_key{0x37, 0xfa, 0x21, 0x3d});
    CHECK(serialize(header) == bytes(wire.begin(), wire.begin() + 6));
  }
  SECTION("a fragmented unmasked text message") {
    REQUIRE(parse({0x01, 0x03, 0x48, 0x65, 0x6c}, header).status == parse_status::complete);
    CHECK_FALSE(header.fin);
    CHECK(header.op == opcode::text);
    CHECK(header.payload_length == 3);
    REQUIRE(parse({0x80, 0x02, 0x6c, 0x6f}, header).status == parse_status::complete);
    CHECK(header.fin);
    CHECK(header.op == opcode::continuation);
    CHECK(header.payload_length == 2);
  }
  SECTION("unmasked ping and masked pong") {
    REQUIRE(parse({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, header).status == parse_status::complete);
    CHECK(header.op == opcode::ping);
    REQUIRE(parse({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, header).status ==
            parse_status::complete);
    CHECK(header.op == opcode::pong);
    CHECK(header.masked);
  }
  SECTION("256 bytes of binary data with a 16-bit length") {
    const bytes wire{0x82, 0x7E, 0x01, 0x00};
    const auto parsed = parse(wire, header);
    REQUIRE(parsed.status == parse_status::complete);
    CHECK(parsed.size == 4);
    CHECK(header.op == opcode::binary);
    CHECK(header.payload_length == 256);
    CHECK(serialize(header) == wire);
  }
  SECTION("64 KiB of binary data with a 64-bit length") {
    const bytes wire{0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};
    const auto parsed = parse(wire, header);
    REQUIRE(parsed.status == parse_status::complete);
    CHECK(parsed.size == 10);
    CHECK(header.payload_length == 65536);
    CHECK(serialize(header) == wire);
  }
}

TEST_CASE("frame header lengths at the encoding boundaries round-trip") {
  for (std::uint64_t length : {0ull, 1ull, 125ull, 126ull, 127ull, 65535ull, 65536ull, 1ull << 32,
                               (1ull << 63) - 1}) {
    for (bool masked : {false, true}) {
      frame_header header;
      header.op = opcode::binary;
      header.fin = false;
      header.rsv1 = true;
      header.masked = masked;
      header.key = {1, 2, 3, 4};
      header.payload_length = length;
      const bytes wire = serialize(header);
      CHECK(wire.size() == frame_header_size(length, masked));
      frame_header back;
      const auto parsed = parse(wire, back);
      REQUIRE(parsed.status == parse_status::complete);
      CHECK(parsed.size == wire.size());
      CHECK(back.payload_length == length);
      CHECK(back.masked == masked);
      CHECK(back.rsv1);
      CHECK_FALSE(back.rsv2);
      CHECK_FALSE(back.fin);
      if (masked) CHECK(back.key == header.key);
    }
  }
}

TEST_CASE("a partial frame header asks for the bytes it needs") {
  frame_header header;
  CHECK(parse({}, header).status == parse_status::need_more);
  CHECK(parse({0x82}, header).size == 2);
  auto parsed = parse({0x82, 0xFF, 0, 0}, header); // masked, 64-bit length: 14 bytes
  CHECK(parsed.status == parse_status::need_more);
  CHECK(parsed.size == 14);
  parsed = parse({0x82, 0x7E, 0x01}, header);
  CHECK(parsed.status == parse_status::need_more);
  CHECK(parsed.size == 4);
}

TEST_CASE("frame header errors") {
  frame_header header;
  auto failure_of = [&](const bytes& wire) {
    const auto parsed = parse(wire, header);
    CHECK(parsed.status == parse_status::error);
    return parsed.failure;
  };
  for (int reserved : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    CHECK(failure_of({static_cast<std::uint8_t>(0x80 | reserved), 0x00}) == error::reserved_opcode);
  CHECK(failure_of({0x89, 0x7E}) == error::control_frame_too_large); // known from 2 bytes
  CHECK(failure_of({0x88, 126, 0x00, 0x7E}) == error::control_frame_too_large);
  CHECK(failure_of({0x09, 0x00}) == error::fragmented_control_frame);
  CHECK(failure_of({0x82, 126, 0x00, 0x7D}) == error::non_minimal_length);
  CHECK(failure_of({0x82, 127, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}) == error::non_minimal_length);
  CHECK(failure_of({0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}) == error::length_top_bit_set);
}
