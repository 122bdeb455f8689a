// Test helpers for the Asio layer: connected socket pairs on 127.0.0.1, an
// io_context run with a time bound, and a "raw peer" that speaks WebSocket
// with the sans-I/O core over a blocking socket (reads give up after 5 s), to
// check the stream from outside.
#ifndef ASIOWS_TESTS_LOOPBACK_HPP
#define ASIOWS_TESTS_LOOPBACK_HPP

#include <asiows/core.hpp>
#include <asiows/stream.hpp>

#include "test_asio.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <poll.h>

namespace test {

using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A server socket and a client socket connected to each other.
inline std::pair<tcp::socket, tcp::socket> connected_pair(asio::io_context& io) {
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket server = acceptor.accept();
  // As a WebSocket server and client should (the endpoints do): without it, a
  // small write after a large one may wait for the peer's delayed ACK (40 ms).
  server.set_option(tcp::no_delay(true));
  client.set_option(tcp::no_delay(true));
  return {std::move(server), std::move(client)};
}

// A TCP port nothing listens on (bound, then released).
inline unsigned short free_port(asio::io_context& io) {
  tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return probe.local_endpoint().port();
}

// Runs `io` until it has no work, failing the test run if that takes longer than `limit`.

inline void run_bounded(asio::io_context& io, std::chrono::milliseconds limit = 20s) {
  io.run_for(limit);
  if (!io.stopped()) throw std::runtime_error("io_context still had work after the time limit");
}

// A peer that speaks WebSocket through the core, synchronously.
class raw_peer {
public:
  raw_peer(tcp::socket socket, asiows::role role) : socket_(std::move(socket)), engine_(role) {}

  tcp::socket& socket() { return socket_; }
  asiows::protocol& engine() { return engine_; }

  void send_raw(const std::string& data) { asio::write(socket_, asio::buffer(data)); }
  void send_raw(const std::vector<std::uint8_t>& data) { asio::write(socket_, asio::buffer(data)); }

  // Reads until `done(reply)` or EOF; returns what was read.
  template <class Done>
  std::string read_raw_until(Done&& done) {
    std::string reply;
    char chunk[4096];
    while (!done(reply)) {
      asiows::error_code ec;
      const std::size_t n = read_bounded(asio::buffer(chunk), ec);
      if (ec) break;
      reply.append(chunk, n);
    }
    return reply;
  }

  // Client side of the handshake: sends `request` (or a valid one) and reads the response head.
  std::string handshake(const std::string& request = {}) {
    asiows::client_handshake hs;
    hs.start("127.0.0.1", "/");
    send_raw(request.empty() ? hs.request() : request);
    const std::string reply = read_raw_until([](const std::string& r) { return r.find("\r\n\r\n") != std::string::npos; });
    const std::size_t end = reply.find("\r\n\r\n");
    if (end != std::string::npos) pending_.assign(reply.begin() + static_cast<std::ptrdiff_t>(end + 4), reply.end());
    return reply.substr(0, end == std::string::npos ? reply.size() : end + 4);
  }

  void send(asiows::message_kind kind, const std::string& payload) {
    std::vector<std::uint8_t> out;
    engine_.serialize_message(kind, payload, out);
    send_raw(out);
  }

  // Reads until the next event that is not need_more; type need_more means EOF or timeout.
  asiows::event next_event(std::string& payload) {
    payload.clear();
    for (;;) {
      // Until need_more, even with nothing buffered: a compressed message may owe more output.
      for (;;) {
        const asiows::event ev = engine_.receive(pending_.data(), pending_.size());
        current_.assign(ev.data, ev.data + ev.size);
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(ev.consumed));
        if (ev.type == asiows::event_type::need_more) break;
        payload.assign(current_.begin(), current_.end());
        return ev;
      }
      std::uint8_t chunk[65536];
      asiows::error_code ec;
      const std::size_t n = read_bounded(asio::buffer(chunk), ec);
      if (ec) return {};
      pending_.insert(pending_.end(), chunk, chunk + n); // after any partial frame left unparsed
    }
  }

  // Whether the peer closed TCP (reads EOF) within the receive timeout.
  bool sees_eof() {
    char byte;
    asiows::error_code ec;
    read_bounded(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

private:
  // A read that gives up (timed_out) after five seconds of silence, so a test
  // fails rather than hangs. (SO_RCVTIMEO does not do it: Asio's blocking
  // read waits again in poll() when the socket reports it would block.)
  std::size_t read_bounded(asio::mutable_buffer buffer, asiows::error_code& ec) {
    pollfd watch{socket_.native_handle(), POLLIN, 0};
    if (::poll(&watch, 1, 5000) == 0) {
      ec = std::make_error_code(std::errc::timed_out);
      return 0;
    }
    return socket_.read_some(buffer, ec);
  }

  tcp::socket socket_;
  asiows::protocol engine_;
  std::vector<std::uint8_t> pending_;
  std::vector<std::uint8_t> current_;
};

} // namespace test

#endif
