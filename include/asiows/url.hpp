/// \file
/// WebSocket URLs (RFC 6455 3): ws://host[:port][/path][?query] and wss://.
#ifndef ASIOWS_URL_HPP
#define ASIOWS_URL_HPP

#include <asiows/core/detail/ascii.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace asiows {

/// A parsed ws:// or wss:// URL (parse_url).
struct url {
  bool secure = false;      ///< wss
  std::string host;         ///< a name, an IPv4 address, or an IPv6 address without brackets
  std::string port;         ///< "80" or "443" unless the URL names another
  std::string target = "/"; ///< path and query, as sent in the request line

  /// Whether the port is the scheme's default (80 for ws, 443 for wss).
  bool has_default_port() const { return port == (secure ? "443" : "80"); }

  /// The Host header: the port only when it is not the scheme's default.
  std::string host_header() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    std::string out = ipv6 ? "[" + host + "]" : host;
    if (!has_default_port()) out += ":" + port;
    return out;
  }
};

/// Parses a ws:// or wss:// URL; std::nullopt if it is not one. A fragment
/// (#...) is refused, as RFC 6455 3 says, and so is user information (user@).
inline std::optional<url> parse_url(std::string_view text) {
  url out;
  const std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  const std::string_view scheme = text.substr(0, scheme_end);
  if (detail::iequals(scheme, "wss")) out.secure = true;
  else if (!detail::iequals(scheme, "ws")) return std::nullopt;
  std::string_view rest = text.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) return std::nullopt;

  const std::size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view port;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
    if (out.host.empty() || out.host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos)
      return std::nullopt;
  } else {
    const std::size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    if (out.host.empty()) return std::nullopt;
    for (char c : out.host)
      if (!(detail::is_token_char(c) && c != '%' && c != '\'' && c != '`' && c != '|')) return std::nullopt;
  }
  if (port.empty()) {
    out.port = out.secure ? "443" : "80";
  } else {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    const unsigned long number = std::stoul(std::string(port));
    if (number == 0 || number > 65535) return std::nullopt;
    out.port = std::to_string(number);
  }
  if (!rest.empty()) out.target = rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
  for (char c : out.target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return std::nullopt;
  return out;
}

} // namespace asiows

#endif
