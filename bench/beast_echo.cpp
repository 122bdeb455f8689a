// beast_echo: the same echo server as examples/echo_server, written with
// Boost.Beast (Debian libboost-dev), for the side-by-side runs of
// bench/compare.sh: one thread, one session per connection, read then write.
//   beast_echo --port P [--deflate]   (prints ws://127.0.0.1:PORT/)
// --deflate: permessage-deflate as asiows' echo_server has it (zlib level 6, memLevel 4).
// Built with BEAST_ECHO_WSS (bench/compile/beast_echo_wss.cpp, a compile-time
// subject), it serves wss:// with server.pem and server-key.pem instead.
#include <utility> // first: Boost 1.74's awaitable.hpp uses std::exchange without it (g++ 12, C++20)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#if defined(BEAST_ECHO_WSS)
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>
#endif

#include <cstdio>
#include <cstring>
#include <memory>

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
public:
  template <class... TlsContext>
  session(tcp::socket socket, bool deflate, TlsContext&... tls) : ws_(std::move(socket), tls...) {
    if (!deflate) return;
    beast::websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    pmd.compLevel = 6;
    pmd.memLevel = 4;
    ws_.set_option(pmd);
  }

  void start() {
    ws_.read_message_max(64 * 1024 * 1024);
    ws_.auto_fragment(false);
#if defined(BEAST_ECHO_WSS)
    ws_.next_layer().async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) self->accept();
    });
#else
    accept();
#endif
  }

private:
  void accept() {
    ws_.async_accept([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) self->read();
    });
  }

  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->ws_.text(self->ws_.got_text());
      self->ws_.async_write(self->buffer_.data(), [self](beast::error_code written, std::size_t) {
        if (written) return;
        self->buffer_.consume(self->buffer_.size());
        self->read();
      });
    });
  }

  beast::websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
};

#if defined(BEAST_ECHO_WSS)
using echo_session = session<beast::ssl_stream<tcp::socket>>;
#else
using echo_session = session<tcp::socket>;
#endif

// Accepts for ever; `tls...` is the TLS context when there is one.
template <class... TlsContext>
void accept_next(tcp::acceptor& acceptor, bool deflate, TlsContext&... tls) {
  acceptor.async_accept([&acceptor, deflate, &tls...](beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<echo_session>(std::move(socket), deflate, tls...)->start();
    }
    accept_next(acceptor, deflate, tls...);
  });
}

} // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  bool deflate = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) port = static_cast<unsigned short>(std::atoi(argv[++i]));
    else if (std::strcmp(argv[i], "--deflate") == 0) deflate = true;
  }
  net::io_context io(1);
  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
#if defined(BEAST_ECHO_WSS)
  net::ssl::context tls(net::ssl::context::tls_server);
  tls.use_certificate_chain_file("server.pem");
  tls.use_private_key_file("server-key.pem", net::ssl::context::pem);
  std::printf("wss://127.0.0.1:%d/\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  accept_next(acceptor, deflate, tls);
#else
  std::printf("ws://127.0.0.1:%d/\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  accept_next(acceptor, deflate);
#endif
  io.run();
}
