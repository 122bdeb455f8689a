// Percent-decoding (RFC 3986 2.1) of a query component, with '+' as a space
// as HTML forms encode it (application/x-www-form-urlencoded).
#ifndef ASIOWS_CORE_DETAIL_PERCENT_DECODE_HPP
#define ASIOWS_CORE_DETAIL_PERCENT_DECODE_HPP

#include <optional>
#include <string>
#include <string_view>

namespace asiows::detail {

inline int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The decoded text, or nothing when a '%' is not followed by two hex digits.
inline std::optional<std::string> percent_decode_query(std::string_view encoded) {
  std::string decoded;
  decoded.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '+') {
      decoded.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= encoded.size()) return std::nullopt;
      const int high = hex_digit_value(encoded[i + 1]), low = hex_digit_value(encoded[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      decoded.push_back(c);
    }
  }
  return decoded;
}

} // namespace asiows::detail

#endif
