/// \file
/// The server's side of the opening handshake (RFC 6455 4.2): read the
/// client's request from bytes that arrive in pieces, check that it is a valid
/// WebSocket upgrade, and answer with 101 Switching Protocols or a clean 4xx.
#ifndef ASIOWS_CORE_SERVER_HANDSHAKE_HPP
#define ASIOWS_CORE_SERVER_HANDSHAKE_HPP

#include <asiows/core/error.hpp>
#include <asiows/core/extensions.hpp>
#include <asiows/core/handshake_key.hpp>
#include <asiows/core/http.hpp>
#include <asiows/core/options.hpp>

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace asiows {

/// Whether the request asks for a WebSocket upgrade at all (Upgrade: websocket).
/// A server that also serves plain HTTP on the port uses this to route.
inline bool is_websocket_upgrade(const http_request& request) {
  return request.fields.has_token("Upgrade", "websocket");
}

/// The subprotocols the client offers (Sec-WebSocket-Protocol), in its order of preference.
inline std::vector<std::string> offered_subprotocols(const http_request& request) {
  std::vector<std::string> out;
  request.fields.for_each_list_item("Sec-WebSocket-Protocol", [&](std::string_view item) {
    out.emplace_back(item);
    return true;
  });
  return out;
}

/// Checks a parsed request against RFC 6455 4.2.1. error{} means it is a valid upgrade.
inline std::error_code check_upgrade_request(const http_request& request) {
  const http_fields& fields = request.fields;
  if (request.method != "GET") return error::not_get_method;
  if (request.version_major < 1 || (request.version_major == 1 && request.version_minor < 1))
    return error::bad_http_version;
  if (fields.count("Host") != 1) return error::missing_host;
  if (!is_websocket_upgrade(request)) return error::not_upgrade_request;
  if (!fields.has_token("Connection", "Upgrade")) return error::missing_connection_upgrade;
  // The version first: a client of another version gets the 426 that names ours (RFC 6455 4.4).
  if (fields.count("Sec-WebSocket-Version") > 1) return error::duplicate_header;
  if (fields.find("Sec-WebSocket-Version").value_or("") != "13") return error::bad_websocket_version;
  if (fields.count("Sec-WebSocket-Key") > 1) return error::duplicate_header;
  if (!is_valid_websocket_key(fields.find("Sec-WebSocket-Key").value_or(""))) return error::bad_websocket_key;
  return {};
}

/// The HTTP status that answers a request rejected with `failure`.
inline unsigned http_status_for(std::error_code failure) noexcept {
  if (failure == error::header_block_too_large) return 431;       // Request Header Fields Too Large
  if (failure == error::bad_websocket_version) return 426;        // Upgrade Required, RFC 6455 4.4
  if (failure == error::not_upgrade_request) return 426;
  if (failure == error::not_get_method) return 405;
  return 400;
}

/// The reason phrase of an HTTP status ("Forbidden" for 403); "Client Error" or
/// "Server Error" for one it does not know.
inline std::string_view http_reason_phrase(unsigned status) noexcept {
  switch (status) {
  case 101: return "Switching Protocols";
  case 200: return "OK";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 426: return "Upgrade Required";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 503: return "Service Unavailable";
  default: return status < 500 ? "Client Error" : "Server Error";
  }
}

/// A complete HTTP/1.1 response after which the connection closes: status
/// line, Content-Type and Content-Length, `extra` fields, the body.
inline std::string build_http_response(unsigned status, std::string_view content_type, std::string_view body,
                                       const http_fields& extra = {}) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
  out.append(http_reason_phrase(status)).append("\r\n");
  if (status == 426) out.append("Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
  if (status == 405) out.append("Allow: GET\r\n");
  if (detail::append_field(out, "Content-Type", content_type)) return build_http_response(500, "text/plain", "");
  out.append("Connection: close\r\nContent-Length: ").append(std::to_string(body.size())).append("\r\n");
  if (detail::append_fields(out, extra)) {
    // An extra field would have injected a line: send the response without them.
    return build_http_response(status, content_type, body);
  }
  out.append("\r\n").append(body);
  return out;
}

/// A refusal: the fields `status` calls for (426 names version 13, 405 allows
/// GET), `extra` fields, a text/plain `body`.
inline std::string build_error_response(unsigned status, std::string_view body = {},
                                        const http_fields& extra = {}) {
  return build_http_response(status, "text/plain; charset=utf-8", body, extra);
}

/// The response to a request that check_upgrade_request() (or the header
/// reader) refused, with the error's message as the body.
inline std::string build_error_response(std::error_code failure) {
  return build_error_response(http_status_for(failure), failure.message() + "\n");
}

/// What the server answers a valid upgrade with, beyond what the RFC requires.
struct accept_options {
  std::string subprotocol; ///< one the client offered, or empty for none
  std::string extensions;  ///< the Sec-WebSocket-Extensions answer, or empty
  http_fields fields;      ///< extra fields, e.g. Set-Cookie
};

/// What a server answers a valid upgrade request with, decided by the
/// application once it has seen the request: origin and authentication checks,
/// the choice of subprotocol, extra response fields.
struct handshake_answer {
  accept_options accept; ///< accepting: subprotocol, extensions; its fields go out either way

  /// Refuses the upgrade with an HTTP error `status` (401, 403, 404, 429...) and
  /// a text/plain body. A status outside 400-599 is answered as 500: a refusal
  /// must not read as a success.
  void refuse(unsigned status, std::string body = {}) {
    refusal_status_ = status >= 400 && status <= 599 ? status : 500;
    refusal_body_ = std::move(body);
  }
  /// Whether refuse() was called.
  bool refused() const noexcept { return refusal_status_ != 0; }
  /// The HTTP status the refusal is answered with (0 when not refused).
  unsigned refusal_status() const noexcept { return refusal_status_; }
  /// The refusal's text/plain body.
  const std::string& refusal_body() const noexcept { return refusal_body_; }

private:
  unsigned refusal_status_ = 0;
  std::string refusal_body_;
};

/// Builds the 101 response to a request that passed check_upgrade_request().
inline std::error_code build_accept_response(const http_request& request, const accept_options& answer,
                                             std::string& out) {
  out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  out.append("Sec-WebSocket-Accept: ")
      .append(compute_accept_key(request.fields.find("Sec-WebSocket-Key").value_or("")))
      .append("\r\n");
  if (!answer.subprotocol.empty()) {
    // RFC 6455 4.2.2: the server picks one of the client's offers, or none.
    if (!request.fields.has_token("Sec-WebSocket-Protocol", answer.subprotocol)) return error::unexpected_subprotocol;
    if (auto failure = detail::append_field(out, "Sec-WebSocket-Protocol", answer.subprotocol)) return failure;
  }
  if (!answer.extensions.empty())
    if (auto failure = detail::append_field(out, "Sec-WebSocket-Extensions", answer.extensions)) return failure;
  if (auto failure = detail::append_fields(out, answer.fields)) return failure;
  out.append("\r\n");
  return {};
}

/// Reads and checks one upgrade request. Feed it bytes until it is done:
///   complete: request() holds a valid upgrade; answer with build_accept_response(),
///   error:    failure() says why; send build_error_response(failure()) and close.
/// Bytes after the request's blank line are not consumed: they are WebSocket frames.
class server_handshake {
public:
  /// A handshake that refuses requests over opts.max_handshake_size bytes.
  explicit server_handshake(const options& opts = {}) : reader_(opts.max_handshake_size) {}

  /// What feed() did: the status, and the bytes consumed.
  using result = http_message_reader<http_request>::result;

  /// Takes the next bytes of the request; call again with more while the status is need_more.
  result feed(const char* data, std::size_t size) {
    result progress = reader_.feed(data, size);
    failure_ = reader_.failure();
    if (progress.status == parse_status::complete) failure_ = check_upgrade_request(reader_.message());
    if (failure_) progress.status = parse_status::error;
    return progress;
  }

  /// The request, once complete (also on error, as far as it was parsed).
  const http_request& request() const noexcept { return reader_.message(); }
  /// Why the request was refused, or nothing.
  std::error_code failure() const noexcept { return failure_; }

private:
  http_message_reader<http_request> reader_;
  std::error_code failure_;
};

} // namespace asiows

#endif
