// Test helpers for protocol.hpp: build raw frames by hand (independently of
// the code under test), and feed bytes to a protocol in pieces, gathering
// what it reports.
#ifndef ASIOWS_TESTS_PROTOCOL_DRIVER_HPP
#define ASIOWS_TESTS_PROTOCOL_DRIVER_HPP

#include <asiows/core/protocol.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace test {

using bytes = std::vector<std::uint8_t>;

// One frame, encoded by hand: `first` holds FIN, RSV and the opcode;
// `claimed_length` overrides the length field (for lying frames).
inline bytes raw_frame(std::uint8_t first, const std::string& payload, bool masked,
                       std::optional<std::uint64_t> claimed_length = std::nullopt) {
  const std::uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
  const std::uint64_t length = claimed_length.value_or(payload.size());
  bytes out{first};
  const std::uint8_t mask_bit = masked ? 0x80 : 0x00;
  if (length < 126) {
    out.push_back(static_cast<std::uint8_t>(mask_bit | length));
  } else if (length <= 0xFFFF) {
    out.push_back(mask_bit | 126);
    out.push_back(static_cast<std::uint8_t>(length >> 8));
    out.push_back(static_cast<std::uint8_t>(length));
  } else {
    out.push_back(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(length >> shift));
  }
  if (masked) out.insert(out.end(), key, key + 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(static_cast<std::uint8_t>(static_cast<std::uint8_t>(payload[i]) ^ (masked ? key[i % 4] : 0)));
  return out;
}

// The frame a peer of `receiver_role` would send: masked when it comes from a client.
inline bytes peer_frame(asiows::role receiver_role, std::uint8_t first, const std::string& payload) {
  return raw_frame(first, payload, receiver_role == asiows::role::server);
}

inline bytes operator+(bytes a, const bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline std::string close_payload(std::uint16_t code, const std::string& reason = {}) {
  return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)} + reason;
}

struct received {
  // Everything in order, e.g. "text:Hello", "ping:", "close:1000:bye".
  std::vector<std::string> log;
  std::vector<std::string> messages; // payloads of complete messages
  std::optional<std::uint16_t> close_code;
  std::string close_reason;
  std::error_code failure;
  std::uint16_t failure_close_code = 0;
  std::size_t events = 0;
};

// Feeds `wire` in pieces of next_piece() bytes (at least 1), to the end or to a failure.
inline received feed(asiows::protocol& receiver, const bytes& wire, const std::function<std::size_t()>& next_piece) {
  using asiows::event_type;
  received out;
  std::string message;
  std::size_t position = 0;
  while (position < wire.size()) {
    const std::size_t piece = std::min(std::max<std::size_t>(next_piece(), 1), wire.size() - position);
    bytes buffer(wire.begin() + static_cast<std::ptrdiff_t>(position),
                 wire.begin() + static_cast<std::ptrdiff_t>(position + piece));
    position += piece;
    std::size_t offset = 0;
    for (;;) {
      const asiows::event ev = receiver.receive(buffer.data() + offset, buffer.size() - offset);
      offset += ev.consumed;
      if (ev.type == event_type::need_more) {
        if (offset != buffer.size()) throw std::logic_error("need_more left bytes unconsumed");
        break;
      }
      ++out.events;
      switch (ev.type) {
      case event_type::message_data:
        message.append(ev.text());
        if (ev.message_complete) {
          out.log.push_back((ev.kind == asiows::message_kind::text ? "text:" : "binary:") + message);
          out.messages.push_back(message);
          message.clear();
        }
        break;
      case event_type::ping: out.log.push_back("ping:" + std::string(ev.text())); break;
      case event_type::pong: out.log.push_back("pong:" + std::string(ev.text())); break;
      case event_type::close:
        out.close_code = ev.close_code;
        out.close_reason = std::string(ev.text());
        out.log.push_back("close:" + std::to_string(ev.close_code) + ":" + out.close_reason);
        break;
      case event_type::failure:
        out.failure = ev.error;
        out.failure_close_code = ev.close_code;
        out.log.push_back("failure:" + ev.error.message());
        return out;
      default: break;
      }
    }
  }
  return out;
}

inline received feed(asiows::protocol& receiver, const bytes& wire) {
  return feed(receiver, wire, [&] { return wire.size(); });
}

// Decodes frames that a protocol wrote (e.g. take_pending_control output) with
// a fresh protocol of the other role, the way the peer would read them.
inline received read_as_peer(asiows::role writer_role, const std::uint8_t* data, std::size_t size) {
  asiows::protocol peer(writer_role == asiows::role::client ? asiows::role::server : asiows::role::client);
  return feed(peer, bytes(data, data + size));
}

inline received take_control_as_peer(asiows::protocol& writer) {
  std::uint8_t out[asiows::max_pending_control_size];
  const std::size_t size = writer.take_pending_control(out);
  return read_as_peer(writer.role(), out, size);
}

} // namespace test

#endif
