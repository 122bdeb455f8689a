/// \file
/// The HTTP/1.1 that a WebSocket opening handshake needs (RFC 7230 as RFC 6455 4
/// uses it): read a header block from bytes that arrive in pieces, without
/// buffering past a limit or consuming the bytes that follow it; parse a
/// request or a status line and header fields; look fields up by name,
/// case-insensitively, including comma-separated token lists.
///
/// Parsing is strict: CRLF line endings, no whitespace before a field's colon,
/// no obsolete line folding, no control characters in values. Lenient HTTP
/// parsing is how request smuggling starts, and browsers never need it.
#ifndef ASIOWS_CORE_HTTP_HPP
#define ASIOWS_CORE_HTTP_HPP

#include <asiows/core/error.hpp>
#include <asiows/core/frame.hpp>
#include <asiows/core/detail/ascii.hpp>
#include <asiows/core/detail/percent_decode.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace asiows {

/// One HTTP header field.
struct http_field {
  std::string name;  ///< as received (compare it case-insensitively)
  std::string value; ///< with surrounding whitespace removed
};

/// Header fields in the order they came, with case-insensitive look-up.
class http_fields {
public:
  /// Appends a field (a repeated name adds another field, as HTTP allows).
  void add(std::string name, std::string value) { fields_.push_back({std::move(name), std::move(value)}); }

  /// The value of the first field called `name`, if there is one.
  std::optional<std::string_view> find(std::string_view name) const noexcept {
    for (const auto& field : fields_)
      if (detail::iequals(field.name, name)) return std::string_view(field.value);
    return std::nullopt;
  }

  /// How many fields are called `name`.
  std::size_t count(std::string_view name) const noexcept {
    std::size_t n = 0;
    for (const auto& field : fields_)
      if (detail::iequals(field.name, name)) ++n;
    return n;
  }

  /// Calls visit(item) for each element of the comma-separated lists in every
  /// field called `name` (RFC 7230 7), with surrounding whitespace trimmed and
  /// empty elements skipped. visit returns false to stop early.
  template <class Visitor>
  void for_each_list_item(std::string_view name, Visitor&& visit) const {
    for (const auto& field : fields_) {
      if (!detail::iequals(field.name, name)) continue;
      std::string_view rest = field.value;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = detail::trim_whitespace(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (!item.empty() && !visit(item)) return;
      }
    }
  }

  /// Whether any field called `name` lists `token` (compared case-insensitively).
  bool has_token(std::string_view name, std::string_view token) const {
    bool found = false;
    for_each_list_item(name, [&](std::string_view item) {
      found = detail::iequals(item, token);
      return !found;
    });
    return found;
  }

  /// Whether there are no fields.
  bool empty() const noexcept { return fields_.empty(); }
  /// The number of fields.
  std::size_t size() const noexcept { return fields_.size(); }
  /// The first field (http_field), in the order they came.
  auto begin() const noexcept { return fields_.begin(); }
  /// Past the last field.
  auto end() const noexcept { return fields_.end(); }

private:
  std::vector<http_field> fields_;
};

/// An HTTP/1.1 request's head: the request line and header fields.
struct http_request {
  std::string method;         ///< GET for an upgrade
  std::string target;         ///< as sent: path and query, e.g. "/chat?room=1"
  unsigned version_major = 1; ///< the 1 of HTTP/1.1
  unsigned version_minor = 1; ///< the second 1 of HTTP/1.1
  http_fields fields;         ///< the header fields

  /// The target without its query: "/chat" for "/chat?room=1".
  std::string_view path() const noexcept {
    const std::string_view whole = target;
    return whole.substr(0, whole.find('?'));
  }

  /// The part after '?', without it; empty when there is none.
  std::string_view query() const noexcept {
    const std::string_view whole = target;
    const std::size_t mark = whole.find('?');
    return mark == std::string_view::npos ? std::string_view{} : whole.substr(mark + 1);
  }

  /// The value of query parameter `name` ("/feed?token=a%20b" gives "a b" for
  /// "token"), percent-decoded, '+' read as a space; the first if it repeats.
  /// Nothing when it is absent or its encoding is broken ("%zz"). A parameter
  /// with no '=' ("?debug") has an empty value.
  std::optional<std::string> query_param(std::string_view name) const {
    std::string_view rest = query();
    while (!rest.empty()) {
      const std::size_t amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      const std::size_t equals = pair.find('=');
      const auto key = detail::percent_decode_query(pair.substr(0, equals));
      if (!key || *key != name) continue;
      if (equals == std::string_view::npos) return std::string();
      return detail::percent_decode_query(pair.substr(equals + 1));
    }
    return std::nullopt;
  }

  /// Whether the request's method is `m` ("GET", "POST"...; methods are case-sensitive).
  /// on_http sees every method: check it before answering with a page.
  bool method_is(std::string_view m) const noexcept { return method == m; }

  /// The Origin header (RFC 6454), which browsers always send: check it against
  /// the origins you serve before accepting (RFC 6455 10.2).
  std::optional<std::string_view> origin() const noexcept { return fields.find("Origin"); }

  /// The value of cookie `name` from the Cookie header(s) (RFC 6265 5.4), if any.
  std::optional<std::string_view> cookie(std::string_view name) const {
    for (const auto& field : fields) {
      if (!detail::iequals(field.name, "Cookie")) continue;
      std::string_view rest = field.value;
      while (!rest.empty()) {
        const std::size_t semicolon = rest.find(';');
        const std::string_view pair = detail::trim_whitespace(rest.substr(0, semicolon));
        rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
        const std::size_t equals = pair.find('=');
        if (equals != std::string_view::npos && detail::trim_whitespace(pair.substr(0, equals)) == name)
          return detail::trim_whitespace(pair.substr(equals + 1));
      }
    }
    return std::nullopt;
  }
};

/// An HTTP/1.1 response's head: the status line and header fields.
struct http_response {
  unsigned status = 0;        ///< 101 for an accepted upgrade
  std::string reason;         ///< the reason phrase, e.g. Switching Protocols
  unsigned version_major = 1; ///< the 1 of HTTP/1.1
  unsigned version_minor = 1; ///< the second 1 of HTTP/1.1
  http_fields fields;         ///< the header fields
};

/// Gathers one header block (a start line, fields and the blank line) from
/// bytes that may arrive one at a time, up to `limit` bytes in all.
class http_block_reader {
public:
  /// A reader that refuses blocks over `limit` bytes (error::header_block_too_large).
  explicit http_block_reader(std::size_t limit = 8 * 1024) : limit_(limit) {}

  /// What feed() did.
  struct result {
    parse_status status = parse_status::need_more; ///< complete once the blank line is in
    std::size_t consumed = 0;                      ///< bytes of the input that belong to the block
    error failure{};                               ///< parse_status::error: header_block_too_large
  };

  /// Takes bytes up to the end of the block; the bytes after the blank line are
  /// not consumed (in a handshake they are already WebSocket frames).
  result feed(const char* data, std::size_t size) {
    if (complete_) return {parse_status::complete, 0, {}};
    const std::size_t old_size = buffer_.size();
    const std::size_t take = std::min(size, limit_ - old_size);
    buffer_.append(data, take);
    // The terminator may straddle the old and new bytes.
    const std::size_t search_from = old_size < 3 ? 0 : old_size - 3;
    const std::size_t end = buffer_.find("\r\n\r\n", search_from);
    if (end != std::string::npos) {
      buffer_.resize(end + 4);
      complete_ = true;
      return {parse_status::complete, buffer_.size() - old_size, {}};
    }
    if (buffer_.size() >= limit_) return {parse_status::error, take, error::header_block_too_large};
    return {parse_status::need_more, take, {}};
  }

  /// The whole block, blank line included, once feed() said complete.
  std::string_view block() const noexcept { return buffer_; }

private:
  std::string buffer_;
  std::size_t limit_;
  bool complete_ = false;
};

namespace detail {

/// "HTTP/x.y" with one digit each (RFC 7230 2.6).
inline bool parse_http_version(std::string_view text, unsigned& major, unsigned& minor) noexcept {
  if (text.size() != 8 || text.substr(0, 5) != "HTTP/" || text[6] != '.') return false;
  if (text[5] < '0' || text[5] > '9' || text[7] < '0' || text[7] > '9') return false;
  major = static_cast<unsigned>(text[5] - '0');
  minor = static_cast<unsigned>(text[7] - '0');
  return true;
}

/// A field value may hold visible characters, obs-text, spaces and tabs (RFC 7230 3.2).
inline bool is_field_value(std::string_view value) noexcept {
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7F) return false;
  }
  return true;
}

/// Splits off the next CRLF-terminated line; false if there is no CRLF.
inline bool next_line(std::string_view& rest, std::string_view& line) noexcept {
  const std::size_t end = rest.find("\r\n");
  if (end == std::string_view::npos) return false;
  line = rest.substr(0, end);
  rest.remove_prefix(end + 2);
  return true;
}

/// Parses the fields that follow the start line, up to the blank line.
inline std::error_code parse_fields(std::string_view rest, http_fields& fields) {
  std::string_view line;
  while (next_line(rest, line)) {
    if (line.empty()) return {};
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return error::malformed_http;
    const std::string_view name = line.substr(0, colon);
    // A token, so no whitespace before the colon and no obsolete folding (RFC 7230 3.2.4).
    if (!is_token(name)) return error::malformed_http;
    const std::string_view value = trim_whitespace(line.substr(colon + 1));
    if (!is_field_value(value)) return error::malformed_http;
    fields.add(std::string(name), std::string(value));
  }
  return error::malformed_http; // no blank line
}

} // namespace detail

/// Parses a complete request header block (from http_block_reader::block()).
inline std::error_code parse_http_request(std::string_view block, http_request& out) {
  std::string_view line;
  if (!detail::next_line(block, line)) return error::malformed_http;
  const std::size_t first_space = line.find(' ');
  const std::size_t second_space =
      first_space == std::string_view::npos ? std::string_view::npos : line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos) return error::malformed_http;
  const std::string_view method = line.substr(0, first_space);
  const std::string_view target = line.substr(first_space + 1, second_space - first_space - 1);
  if (!detail::is_token(method) || target.empty()) return error::malformed_http;
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return error::malformed_http;
  if (!detail::parse_http_version(line.substr(second_space + 1), out.version_major, out.version_minor))
    return error::malformed_http;
  out.method = std::string(method);
  out.target = std::string(target);
  return detail::parse_fields(block, out.fields);
}

/// Parses a complete response header block.
inline std::error_code parse_http_response(std::string_view block, http_response& out) {
  std::string_view line;
  if (!detail::next_line(block, line)) return error::malformed_http;
  // "HTTP/1.1 101 Switching Protocols"; tolerate a missing reason phrase.
  if (line.size() < 12 || line[8] != ' ' || (line.size() > 12 && line[12] != ' ')) return error::malformed_http;
  if (!detail::parse_http_version(line.substr(0, 8), out.version_major, out.version_minor))
    return error::malformed_http;
  unsigned status = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return error::malformed_http;
    status = status * 10 + static_cast<unsigned>(line[i] - '0');
  }
  const std::string_view reason = line.size() > 12 ? line.substr(13) : std::string_view{};
  if (!detail::is_field_value(reason)) return error::malformed_http;
  out.status = status;
  out.reason = std::string(reason);
  return detail::parse_fields(block, out.fields);
}

/// Reads one HTTP message head (an http_request or an http_response) from bytes
/// that arrive in pieces: gathers the header block up to `limit`, then parses it.
/// Bytes after the blank line are not consumed.
template <class Message>
class http_message_reader {
public:
  /// A reader that refuses heads over `limit` bytes.
  explicit http_message_reader(std::size_t limit) : reader_(limit) {}

  /// What feed() did.
  struct result {
    parse_status status = parse_status::need_more; ///< complete: message() is parsed; error: see failure()
    std::size_t consumed = 0;                      ///< bytes of the input that belong to the head
  };

  /// Takes the next bytes; call again with the rest while the status is need_more.
  result feed(const char* data, std::size_t size) {
    const http_block_reader::result read = reader_.feed(data, size);
    if (read.status == parse_status::need_more) return {parse_status::need_more, read.consumed};
    if (read.status == parse_status::error) failure_ = read.failure;
    else if constexpr (std::is_same_v<Message, http_request>) failure_ = parse_http_request(reader_.block(), message_);
    else failure_ = parse_http_response(reader_.block(), message_);
    return {failure_ ? parse_status::error : parse_status::complete, read.consumed};
  }

  /// The parsed head, once feed() completed.
  const Message& message() const noexcept { return message_; }
  /// Why feed() failed (error::malformed_http, error::header_block_too_large), or nothing.
  std::error_code failure() const noexcept { return failure_; }

private:
  http_block_reader reader_;
  Message message_;
  std::error_code failure_;
};

namespace detail {

/// Appends "name: value\r\n", refusing what would inject a header or a line.
inline std::error_code append_field(std::string& out, std::string_view name, std::string_view value) {
  if (!is_token(name) || !is_field_value(value)) return error::invalid_header_value;
  out.append(name).append(": ").append(value).append("\r\n");
  return {};
}

inline std::error_code append_fields(std::string& out, const http_fields& fields) {
  for (const auto& field : fields)
    if (auto failure = append_field(out, field.name, field.value)) return failure;
  return {};
}

} // namespace detail

} // namespace asiows

#endif
