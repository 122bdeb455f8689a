/// \file
/// Close status codes (RFC 6455 7.4, and the IANA "WebSocket Close Code Number"
/// registry), and the rule for which codes may appear in a Close frame.
#ifndef ASIOWS_CORE_CLOSE_CODE_HPP
#define ASIOWS_CORE_CLOSE_CODE_HPP

#include <cstdint>

namespace asiows {

/// Plain constants rather than an enum: applications send their own codes in
/// 3000-4999, and a Close frame carries any 16-bit value.
namespace close_code {
inline constexpr std::uint16_t normal = 1000;              ///< the purpose of the connection was fulfilled
inline constexpr std::uint16_t going_away = 1001;          ///< a server going down, a browser leaving the page
inline constexpr std::uint16_t protocol_error = 1002;      ///< the peer broke RFC 6455
inline constexpr std::uint16_t unsupported_data = 1003;    ///< data the endpoint cannot take
inline constexpr std::uint16_t no_status = 1005;           ///< never on the wire: the Close frame had no code
inline constexpr std::uint16_t abnormal = 1006;            ///< never on the wire: dropped without a Close frame
inline constexpr std::uint16_t invalid_payload = 1007;     ///< e.g. a text message that is not UTF-8
inline constexpr std::uint16_t policy_violation = 1008;    ///< against the endpoint's policy (the generic refusal)
inline constexpr std::uint16_t message_too_big = 1009;     ///< over the endpoint's limit (options::max_message_size)
inline constexpr std::uint16_t mandatory_extension = 1010; ///< the client needed an extension the server refused
inline constexpr std::uint16_t internal_error = 1011;      ///< the server met an unexpected condition
inline constexpr std::uint16_t service_restart = 1012;     ///< the service is restarting: reconnect later
inline constexpr std::uint16_t try_again_later = 1013;     ///< the service is overloaded: reconnect later
inline constexpr std::uint16_t bad_gateway = 1014;         ///< a gateway got a bad answer from upstream
inline constexpr std::uint16_t tls_handshake = 1015;       ///< never on the wire
} // namespace close_code

/// Whether `code` may be sent or received in a Close frame (RFC 6455 7.4.1, 7.4.2):
/// the defined codes that are not reserved for local use, the IANA-registered
/// 1012-1014, and 3000-4999 (libraries, frameworks and applications).
constexpr bool is_valid_wire_close_code(std::uint16_t code) noexcept {
  if (code >= 3000 && code <= 4999) return true;
  switch (code) {
  case close_code::normal:
  case close_code::going_away:
  case close_code::protocol_error:
  case close_code::unsupported_data:
  case close_code::invalid_payload:
  case close_code::policy_violation:
  case close_code::message_too_big:
  case close_code::mandatory_extension:
  case close_code::internal_error:
  case close_code::service_restart:
  case close_code::try_again_later:
  case close_code::bad_gateway:
    return true;
  default:
    return false;
  }
}

} // namespace asiows

#endif
