// Test helper: a server-side echo connection on stream<Socket>, written with
// plain callbacks, that records how it ended.
#ifndef ASIOWS_TESTS_ECHO_SESSION_HPP
#define ASIOWS_TESTS_ECHO_SESSION_HPP

#include <asiows/stream.hpp>

#include "test_asio.hpp"

#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace test {

template <class Socket>
struct echo_session : std::enable_shared_from_this<echo_session<Socket>> {
  explicit echo_session(Socket socket, asiows::options opts = {}) : ws(std::move(socket)) { ws.set_options(opts); }

  asiows::stream<Socket> ws;
  std::string message;
  asiows::error_code accept_error;
  asiows::error_code end; // how the read loop ended
  bool ended = false;
  std::size_t echoed = 0;
  std::function<void(const asiows::http_request&, asiows::handshake_answer&)> decide =
      [](const asiows::http_request&, asiows::handshake_answer&) {};

  void start() {
    ws.async_accept([self = this->shared_from_this()](const asiows::http_request& request,
                                                       asiows::handshake_answer& answer) { self->decide(request, answer); },
                    [self = this->shared_from_this()](asiows::error_code ec) {
                      self->accept_error = ec;
                      if (ec) {
                        self->ended = true;
                        return;
                      }
                      self->read();
                    });
  }

  void read() {
    message.clear();
    ws.async_read(asio::dynamic_buffer(message), [self = this->shared_from_this()](asiows::error_code ec, std::size_t) {
      if (ec) {
        self->end = ec;
        self->ended = true;
        return;
      }
      const auto kind = self->ws.got_text() ? asiows::message_kind::text : asiows::message_kind::binary;
      self->ws.async_write(kind, asio::buffer(self->message), [self](asiows::error_code write_error, std::size_t) {
        if (write_error) return;
        ++self->echoed;
        self->read();
      });
    });
  }
};

} // namespace test

#endif
