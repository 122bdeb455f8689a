#include <asiows/core/close_code.hpp>
#include <asiows/core/error.hpp>

#include "catch.hpp"

#include <string>
#include <system_error>

TEST_CASE("asiows errors are std::error_codes of a named category") {
  const std::error_code code = asiows::error::invalid_utf8;
  CHECK(code.category().name() == std::string("asiows"));
  CHECK(code.message() == "text message is not valid UTF-8");
  CHECK(code == asiows::error::invalid_utf8);
  CHECK(code != asiows::error::message_too_big);
  // Every enumerator has a message of its own.
  for (int value = 1; value <= static_cast<int>(asiows::error::send_queue_full); ++value)
    CHECK(std::error_code(value, asiows::error_category()).message() != "unknown asiows error");
}

TEST_CASE("protocol errors map to the close codes RFC 6455 7.4.1 names") {
  using asiows::close_code_for;
  using asiows::error;
  CHECK(close_code_for(error::reserved_opcode) == 1002);
  CHECK(close_code_for(error::unmasked_client_frame) == 1002);
  CHECK(close_code_for(error::invalid_close_reason) == 1002);
  CHECK(close_code_for(error::invalid_utf8) == 1007);
  CHECK(close_code_for(error::message_too_big) == 1009);
  CHECK(close_code_for(error::frame_too_big) == 1009);
  CHECK(close_code_for(error::closed) == 0);
  CHECK(close_code_for(error::bad_accept_key) == 0);
}

TEST_CASE("close codes allowed on the wire") {
  using asiows::is_valid_wire_close_code;
  for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
                             4000, 4999})
    CHECK(is_valid_wire_close_code(static_cast<std::uint16_t>(code)));
  // Autobahn's case 7.9.x list of invalid codes, and the ones reserved for local use.
  for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    CHECK_FALSE(is_valid_wire_close_code(static_cast<std::uint16_t>(code)));
}
