/// \file
/// asiows' error codes: one enum, one std::error_category ("asiows"), readable
/// messages, and for protocol errors the close code the RFC names for them.
#ifndef ASIOWS_CORE_ERROR_HPP
#define ASIOWS_CORE_ERROR_HPP

#include <asiows/core/close_code.hpp>

#include <cstdint>
#include <string>
#include <system_error>

namespace asiows {

/// asiows' own errors (a std::error_code enum: compare codes with them, e.g. ec == asiows::error::closed).
enum class error {
  /// Framing (RFC 6455 5.2 - 5.5); the connection is failed with 1002.
  reserved_opcode = 1,
  reserved_bits_set,
  non_minimal_length,
  length_top_bit_set,
  control_frame_too_large,
  fragmented_control_frame,
  unexpected_continuation,
  expected_continuation,
  unmasked_client_frame,
  masked_server_frame,
  bad_close_payload,
  bad_close_code,
  invalid_close_reason,
  /// Data (RFC 6455 8.1); 1007.
  invalid_utf8,
  /// Limits; 1009.
  message_too_big,
  frame_too_big,
  /// Using the connection.
  closed,                 ///< the close handshake has started or the connection failed
  message_in_progress,    ///< a fragmented message is being sent; finish it first
  no_message_in_progress, ///< a continuation was asked for with no message started
  control_payload_too_large,
  invalid_close_code_to_send,
  close_reason_too_long,
  /// Handshake (RFC 6455 4).
  header_block_too_large,
  malformed_http,
  not_get_method,
  bad_http_version,
  missing_host,
  not_upgrade_request,
  missing_connection_upgrade,
  bad_websocket_key,
  bad_websocket_version,
  duplicate_header,
  bad_status,
  bad_accept_key,
  unexpected_subprotocol,
  unexpected_extension,
  malformed_extension_header,
  invalid_header_value, ///< a header we were asked to send contains CR, LF or NUL
  /// permessage-deflate (RFC 7692).
  bad_deflate_parameters, ///< an answer with parameters we did not offer or cannot honour
  bad_compressed_data,    ///< a compressed message that does not inflate
  /// The Asio layer.
  timeout,           ///< a handshake, idle or close timeout expired
  handshake_refused, ///< the server refused the upgrade request we read (we answered 4xx)
  invalid_url,       ///< not a ws:// or wss:// URL with a host (client::connect)
  send_queue_full,   ///< the peer read too slowly: its send queue passed the bound, and the endpoint closes it
};

namespace detail {

class error_category_impl final : public std::error_category {
public:
  const char* name() const noexcept override { return "asiows"; }

  std::string message(int value) const override {
    switch (static_cast<error>(value)) {
    case error::reserved_opcode: return "frame uses a reserved opcode";
    case error::reserved_bits_set: return "frame sets a reserved bit no extension negotiated";
    case error::non_minimal_length: return "frame payload length is not in its shortest encoding";
    case error::length_top_bit_set: return "frame 64-bit payload length has its most significant bit set";
    case error::control_frame_too_large: return "control frame payload is longer than 125 bytes";
    case error::fragmented_control_frame: return "control frame is fragmented";
    case error::unexpected_continuation: return "continuation frame without a message to continue";
    case error::expected_continuation: return "new data frame inside a fragmented message";
    case error::unmasked_client_frame: return "client frame is not masked";
    case error::masked_server_frame: return "server frame is masked";
    case error::bad_close_payload: return "close frame payload of one byte";
    case error::bad_close_code: return "close frame carries a code not allowed on the wire";
    case error::invalid_close_reason: return "close frame reason is not valid UTF-8";
    case error::invalid_utf8: return "text message is not valid UTF-8";
    case error::message_too_big: return "message is larger than the configured limit";
    case error::frame_too_big: return "frame is larger than the configured limit";
    case error::closed: return "the WebSocket connection is closing or closed";
    case error::message_in_progress: return "a fragmented message is being sent; finish it first";
    case error::no_message_in_progress: return "no fragmented message is being sent";
    case error::control_payload_too_large: return "control frame payload must be at most 125 bytes";
    case error::invalid_close_code_to_send: return "close code may not be sent on the wire";
    case error::close_reason_too_long: return "close reason must be at most 123 bytes";
    case error::header_block_too_large: return "HTTP header block is larger than the configured limit";
    case error::malformed_http: return "malformed HTTP message";
    case error::not_get_method: return "WebSocket upgrade request must use GET";
    case error::bad_http_version: return "WebSocket upgrade needs HTTP/1.1 or later";
    case error::missing_host: return "request has no Host header, or more than one";
    case error::not_upgrade_request: return "Upgrade header does not name websocket";
    case error::missing_connection_upgrade: return "Connection header does not contain Upgrade";
    case error::bad_websocket_key: return "Sec-WebSocket-Key is missing or not 16 bytes in base64";
    case error::bad_websocket_version: return "Sec-WebSocket-Version is missing or not 13";
    case error::duplicate_header: return "header that must appear once appears more than once";
    case error::bad_status: return "server did not answer 101 Switching Protocols";
    case error::bad_accept_key: return "Sec-WebSocket-Accept does not match the key sent";
    case error::unexpected_subprotocol: return "server chose a subprotocol the client did not offer";
    case error::unexpected_extension: return "server accepted an extension the client did not offer";
    case error::malformed_extension_header: return "malformed Sec-WebSocket-Extensions header";
    case error::invalid_header_value: return "header name or value contains characters HTTP forbids";
    case error::bad_deflate_parameters: return "permessage-deflate answer with parameters that cannot be accepted";
    case error::bad_compressed_data: return "compressed message is not valid DEFLATE data";
    case error::timeout: return "the peer did not respond in time";
    case error::handshake_refused: return "the upgrade request was refused";
    case error::invalid_url: return "not a ws:// or wss:// URL with a host";
    case error::send_queue_full: return "the peer reads too slowly: its send queue is full";
    }
    return "unknown asiows error";
  }
};

} // namespace detail

/// The category of asiows::error ("asiows").
inline const std::error_category& error_category() noexcept {
  static const detail::error_category_impl category;
  return category;
}

/// Makes an asiows::error a std::error_code (found by argument-dependent lookup).
inline std::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), error_category()}; }

/// The close code a connection failed with this error sends (RFC 6455 7.4.1),
/// or 0 for errors that do not fail an open connection.
constexpr std::uint16_t close_code_for(error e) noexcept {
  switch (e) {
  case error::invalid_utf8:
  case error::bad_compressed_data:
    return close_code::invalid_payload;
  case error::message_too_big:
  case error::frame_too_big:
    return close_code::message_too_big;
  default:
    return e <= error::invalid_close_reason ? close_code::protocol_error : 0;
  }
}

} // namespace asiows

namespace std {
template <>
struct is_error_code_enum<asiows::error> : true_type {};
} // namespace std

#endif
