// The frame header parser: never reads past its input, and a header it
// accepts serializes back to the very same bytes (every length it accepts is
// in its shortest form), with the size frame_header_size() predicts.
#include <asiows/core/frame.hpp>

#include "fuzz_input.hpp"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  asiows::frame_header header;
  const asiows::frame_parse_result parsed = asiows::parse_frame_header(data, size, header);
  switch (parsed.status) {
  case asiows::parse_status::need_more:
    FUZZ_CHECK(parsed.size > size && parsed.size <= asiows::max_frame_header_size);
    break;
  case asiows::parse_status::error:
    FUZZ_CHECK(parsed.failure != asiows::error{});
    break;
  case asiows::parse_status::complete: {
    FUZZ_CHECK(parsed.size <= size);
    FUZZ_CHECK(parsed.size == asiows::frame_header_size(header.payload_length, header.masked));
    FUZZ_CHECK(header.payload_length >> 63 == 0);
    std::uint8_t again[asiows::max_frame_header_size];
    const std::size_t written = asiows::serialize_frame_header(header, again);
    FUZZ_CHECK(written == parsed.size);
    FUZZ_CHECK(std::memcmp(again, data, written) == 0);
    if (asiows::is_control(header.op)) FUZZ_CHECK(header.fin && header.payload_length <= asiows::max_control_payload);
    break;
  }
  }
  return 0;
}
