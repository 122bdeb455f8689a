// Compile-time subject: Boost.Beast's asynchronous echo over wss:// (the
// counterpart of asiows_echo_wss.cpp; bench/beast_echo.cpp is the ws:// one).
#include <utility> // first: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <memory>

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, net::ssl::context& tls) : ws_(std::move(socket), tls) {}

  void start() {
    ws_.next_layer().async_handshake(net::ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->ws_.async_accept([self](beast::error_code accepted) {
        if (!accepted) self->read();
      });
    });
  }

private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->ws_.text(self->ws_.got_text());
      self->ws_.async_write(self->buffer_.data(), [self](beast::error_code written, std::size_t) {
        if (written) return;
        self->buffer_.consume(self->buffer_.size());
        self->read();
      });
    });
  }

  beast::websocket::stream<beast::ssl_stream<tcp::socket>> ws_;
  beast::flat_buffer buffer_;
};

void accept_next(tcp::acceptor& acceptor, net::ssl::context& tls) {
  acceptor.async_accept([&acceptor, &tls](beast::error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<session>(std::move(socket), tls)->start();
    accept_next(acceptor, tls);
  });
}

int main() {
  net::io_context io;
  net::ssl::context tls(net::ssl::context::tls_server);
  tls.use_certificate_chain_file("server.pem");
  tls.use_private_key_file("server-key.pem", net::ssl::context::pem);
  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 9443));
  accept_next(acceptor, tls);
  io.run();
}
