/// \file
/// Sec-WebSocket-Extensions values (RFC 6455 9.1): a comma-separated list of
/// extensions, each a token with ;-separated parameters, each parameter a token
/// with an optional value that is a token or a quoted-string whose content
/// is a token.
#ifndef ASIOWS_CORE_EXTENSIONS_HPP
#define ASIOWS_CORE_EXTENSIONS_HPP

#include <asiows/core/http.hpp>
#include <asiows/core/detail/ascii.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asiows {

/// One parameter of an extension offer or answer: `name` or `name=value`.
struct extension_parameter {
  std::string name;                 ///< the parameter's name
  std::optional<std::string> value; ///< without quotes
};

/// One extension of a Sec-WebSocket-Extensions header (RFC 6455 9.1) with its parameters.
struct extension {
  std::string name;                            ///< the extension's token, e.g. permessage-deflate
  std::vector<extension_parameter> parameters; ///< in the order given
};

namespace detail {

class extension_list_parser {
public:
  explicit extension_list_parser(std::string_view text) : rest_(text) {}

  /// Parses the whole text into `out`; false if it is malformed.
  bool parse(std::vector<extension>& out) {
    for (;;) {
      skip_whitespace();
      if (rest_.empty()) return true;
      if (take(',')) continue; // empty list elements are allowed (RFC 7230 7)
      extension item;
      if (!read_token(item.name)) return false;
      for (;;) {
        skip_whitespace();
        if (!take(';')) break;
        skip_whitespace();
        extension_parameter parameter;
        if (!read_token(parameter.name)) return false;
        skip_whitespace();
        if (take('=')) {
          skip_whitespace();
          std::string value;
          if (!(rest_.size() > 0 && rest_.front() == '"' ? read_quoted(value) : read_token(value))) return false;
          parameter.value = std::move(value);
        }
        item.parameters.push_back(std::move(parameter));
      }
      out.push_back(std::move(item));
      skip_whitespace();
      if (rest_.empty()) return true;
      if (!take(',')) return false;
    }
  }

private:
  void skip_whitespace() noexcept {
    while (!rest_.empty() && is_optional_whitespace(rest_.front())) rest_.remove_prefix(1);
  }

  bool take(char c) noexcept {
    if (rest_.empty() || rest_.front() != c) return false;
    rest_.remove_prefix(1);
    return true;
  }

  bool read_token(std::string& out) {
    std::size_t length = 0;
    while (length < rest_.size() && is_token_char(rest_[length])) ++length;
    if (length == 0) return false;
    out.assign(rest_.substr(0, length));
    rest_.remove_prefix(length);
    return true;
  }

  /// A quoted-string whose unescaped content must be a token (RFC 6455 9.1).
  bool read_quoted(std::string& out) {
    rest_.remove_prefix(1);
    while (!rest_.empty() && rest_.front() != '"') {
      if (rest_.front() == '\\') {
        rest_.remove_prefix(1);
        if (rest_.empty()) return false;
      }
      out += rest_.front();
      rest_.remove_prefix(1);
    }
    if (!take('"')) return false;
    return is_token(out);
  }

  std::string_view rest_;
};

} // namespace detail

/// Parses one header value; std::nullopt if it is malformed.
inline std::optional<std::vector<extension>> parse_extensions(std::string_view value) {
  std::vector<extension> out;
  if (!detail::extension_list_parser(value).parse(out)) return std::nullopt;
  return out;
}

/// Parses every Sec-WebSocket-Extensions field, in order; std::nullopt if any is malformed.
inline std::optional<std::vector<extension>> parse_extensions(const http_fields& fields) {
  std::vector<extension> out;
  for (const auto& field : fields) {
    if (!detail::iequals(field.name, "Sec-WebSocket-Extensions")) continue;
    if (!detail::extension_list_parser(field.value).parse(out)) return std::nullopt;
  }
  return out;
}

} // namespace asiows

#endif
