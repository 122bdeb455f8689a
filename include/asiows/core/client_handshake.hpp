/// \file
/// The client's side of the opening handshake (RFC 6455 4.1): build the
/// upgrade request, then read and check the server's response.
#ifndef ASIOWS_CORE_CLIENT_HANDSHAKE_HPP
#define ASIOWS_CORE_CLIENT_HANDSHAKE_HPP

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

/// What a client offers in its upgrade request, beyond what the RFC requires.
struct client_handshake_options {
  std::string origin;                    ///< sent as Origin when not empty (browsers always send one)
  std::vector<std::string> subprotocols; ///< offered in this order of preference
  std::string extensions;                ///< the Sec-WebSocket-Extensions offer, or empty
  http_fields fields;                    ///< extra fields: Authorization, Cookie, ...
};

/// Usage: start() builds request(); send it. Then feed() the bytes that come
/// back until it is done; on complete, bytes after the response's blank line
/// (not consumed) are the first WebSocket frames.
class client_handshake {
public:
  /// A handshake that refuses responses over opts.max_handshake_size bytes.
  explicit client_handshake(const options& opts = {}) : reader_(opts.max_handshake_size) {}

  /// host: as for the Host header, with ":port" unless it is the scheme's
  /// default, and an IPv6 address in brackets. target: path and query, "/" at least.
  std::error_code start(std::string_view host, std::string_view target, client_handshake_options handshake = {}) {
    if (target.empty() || target.front() != '/') return error::invalid_header_value;
    for (char c : target)
      if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return error::invalid_header_value;
    offer_ = std::move(handshake);
    key_ = generate_websocket_key();
    request_ = "GET ";
    request_.append(target).append(" HTTP/1.1\r\n");
    if (auto failure = detail::append_field(request_, "Host", host); failure || host.empty())
      return error::invalid_header_value;
    request_.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
    request_.append("Sec-WebSocket-Key: ").append(key_).append("\r\n");
    if (!offer_.origin.empty())
      if (auto failure = detail::append_field(request_, "Origin", offer_.origin)) return failure;
    if (!offer_.subprotocols.empty()) {
      std::string list;
      for (const auto& name : offer_.subprotocols) {
        if (!detail::is_token(name)) return error::invalid_header_value;
        if (!list.empty()) list.append(", ");
        list.append(name);
      }
      detail::append_field(request_, "Sec-WebSocket-Protocol", list);
    }
    if (!offer_.extensions.empty()) {
      if (!parse_extensions(offer_.extensions)) return error::malformed_extension_header;
      if (auto failure = detail::append_field(request_, "Sec-WebSocket-Extensions", offer_.extensions))
        return failure;
    }
    if (auto failure = detail::append_fields(request_, offer_.fields)) return failure;
    request_.append("\r\n");
    return {};
  }

  /// The request to send, once start() succeeded.
  const std::string& request() const noexcept { return request_; }
  /// The Sec-WebSocket-Key sent: the response must answer it.
  const std::string& key() const noexcept { return key_; }

  /// What feed() did: the status, and the bytes consumed.
  using result = http_message_reader<http_response>::result;

  /// Takes the next bytes of the response; call again with more while the status is need_more.
  result feed(const char* data, std::size_t size) {
    result progress = reader_.feed(data, size);
    failure_ = reader_.failure();
    if (progress.status == parse_status::complete) failure_ = check_response();
    if (failure_) progress.status = parse_status::error;
    return progress;
  }

  /// The response, for inspection also when it refused (e.g. a 401 or 403).
  const http_response& response() const noexcept { return reader_.message(); }
  /// Why the response was refused (error::bad_status, error::bad_accept_key...), or nothing.
  std::error_code failure() const noexcept { return failure_; }
  /// The subprotocol the server chose, or empty.
  std::string_view subprotocol() const noexcept { return subprotocol_; }
  /// The extensions the server accepted, as it answered them.
  const std::vector<extension>& extensions() const noexcept { return extensions_; }

private:
  /// RFC 6455 4.1, the client's checks of the server's handshake.
  std::error_code check_response() {
    const http_fields& fields = reader_.message().fields;
    if (reader_.message().status != 101) return error::bad_status;
    if (!fields.has_token("Upgrade", "websocket")) return error::not_upgrade_request;
    if (!fields.has_token("Connection", "Upgrade")) return error::missing_connection_upgrade;
    if (fields.count("Sec-WebSocket-Accept") != 1 ||
        *fields.find("Sec-WebSocket-Accept") != compute_accept_key(key_))
      return error::bad_accept_key;

    if (const std::size_t protocols = fields.count("Sec-WebSocket-Protocol"); protocols > 0) {
      const std::string_view chosen = *fields.find("Sec-WebSocket-Protocol");
      bool offered = false;
      for (const auto& name : offer_.subprotocols) offered = offered || name == chosen;
      if (protocols > 1 || !offered) return error::unexpected_subprotocol;
      subprotocol_ = std::string(chosen);
    }

    auto accepted = parse_extensions(fields);
    if (!accepted) return error::malformed_extension_header;
    const auto offered = parse_extensions(offer_.extensions).value_or(std::vector<extension>{});
    for (const auto& answer : *accepted) {
      bool was_offered = false;
      for (const auto& offer : offered) was_offered = was_offered || detail::iequals(offer.name, answer.name);
      if (!was_offered) return error::unexpected_extension;
    }
    extensions_ = std::move(*accepted);
    return {};
  }

  http_message_reader<http_response> reader_;
  client_handshake_options offer_;
  std::string key_;
  std::string request_;
  std::error_code failure_;
  std::string subprotocol_;
  std::vector<extension> extensions_;
};

} // namespace asiows

#endif
