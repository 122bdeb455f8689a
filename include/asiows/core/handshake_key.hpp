/// \file
/// Sec-WebSocket-Key and Sec-WebSocket-Accept (RFC 6455 4.1, 4.2.2).
#ifndef ASIOWS_CORE_HANDSHAKE_KEY_HPP
#define ASIOWS_CORE_HANDSHAKE_KEY_HPP

#include <asiows/core/detail/base64.hpp>
#include <asiows/core/detail/random.hpp>
#include <asiows/core/detail/sha1.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace asiows {

/// A fresh Sec-WebSocket-Key: 16 unpredictable bytes, base64-encoded.
inline std::string generate_websocket_key() {
  std::uint8_t nonce[16];
  detail::random_bytes(nonce, sizeof nonce);
  return detail::base64_encode(nonce, sizeof nonce);
}

/// Whether `key` is what RFC 6455 4.1 asks for: 16 bytes in base64.
inline bool is_valid_websocket_key(std::string_view key) {
  const auto decoded = detail::base64_decode(key);
  return decoded && decoded->size() == 16;
}

/// The Sec-WebSocket-Accept answer to `key`: base64(SHA-1(key + GUID)).
inline std::string compute_accept_key(std::string_view key) {
  static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  detail::sha1 hash;
  hash.update(key.data(), key.size());
  hash.update(guid.data(), guid.size());
  const auto digest = hash.finish();
  return detail::base64_encode(digest.data(), digest.size());
}

} // namespace asiows

#endif
