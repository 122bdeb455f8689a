// A server stream<> that has accepted a raw peer's handshake, and what that
// peer sees: for tests of what a stream puts on the wire, and in which order.
#ifndef ASIOWS_TESTS_ACCEPTED_PAIR_HPP
#define ASIOWS_TESTS_ACCEPTED_PAIR_HPP

#include <asiows/stream.hpp>

#include "await.hpp"
#include "catch.hpp"
#include "loopback.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace test {

// A server stream that has accepted the raw peer's handshake; both on `io`, driven from this thread.
struct accepted_pair {
  accepted_pair() {
    auto [server_socket, client_socket] = connected_pair(io);
    server = std::make_unique<asiows::stream<tcp::socket>>(std::move(server_socket));
    peer = std::make_unique<raw_peer>(std::move(client_socket), asiows::role::client);
    pending accept;
    server->async_accept(accept.handler());
    asiows::error_code accept_error;
    std::thread serve([&] { accept_error = accept.wait(io).error; }); // the peer's handshake blocks this thread
    peer->handshake();
    serve.join();
    REQUIRE_FALSE(accept_error);
  }

  // The peer's messages, framed and masked, as one write's bytes.
  std::vector<std::uint8_t> frames(const std::vector<std::string>& messages) {
    std::vector<std::uint8_t> wire;
    for (const auto& m : messages) REQUIRE_FALSE(peer->engine().serialize_message(asiows::message_kind::text, m, wire));
    return wire;
  }

  // The peer sends `messages`, then its Close, in one write.
  void send_then_close(const std::vector<std::string>& messages, std::uint16_t code, const std::string& reason = {}) {
    std::vector<std::uint8_t> wire = frames(messages);
    REQUIRE_FALSE(peer->engine().serialize_close(code, reason, wire));
    peer->send_raw(wire);
  }

  asio::io_context io;
  std::unique_ptr<asiows::stream<tcp::socket>> server;
  std::unique_ptr<raw_peer> peer;
};

// What the raw peer reads until the connection ends: "text:...", "pong:...", "close:CODE".
inline std::vector<std::string> peer_sees(raw_peer& peer) {
  std::vector<std::string> seen;
  std::string payload;
  for (;;) {
    const asiows::event ev = peer.next_event(payload);
    if (ev.type == asiows::event_type::need_more || ev.type == asiows::event_type::failure) break;
    if (ev.type == asiows::event_type::message_data) seen.push_back("text:" + payload);
    if (ev.type == asiows::event_type::pong) seen.push_back("pong:" + payload);
    if (ev.type == asiows::event_type::close) {
      seen.push_back("close:" + std::to_string(ev.close_code));
      break;
    }
  }
  return seen;
}

} // namespace test

#endif
