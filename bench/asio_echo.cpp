// asio_echo: a TCP byte echo on Asio, one thread, with nothing of WebSocket in
// it: what any server on Asio costs before its protocol (bench/compare.sh puts
// it beside raw_echo, the epoll ceiling). It is built the way asiows' stream
// is: a connection waits for readability with no buffer (async_wait), reads
// into the thread's buffer, and after a write tries the socket before waiting,
// as long as such tries find bytes (after two misses, one read in eight
// tries); its pending wait is allocated with Asio's default (recycling)
// allocator. So an idle connection costs Asio's floor: the socket,
// its reactor registration, a pending wait, and a small session.
//   asio_echo --port P   (0: any free port; prints ws://127.0.0.1:PORT/ like the other servers)
#include <asiows/detail/asio.hpp>
#include <asiows/detail/read_speculation.hpp>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

using asiows::error_code;
namespace asio = asiows::asio;
using tcp = asio::ip::tcp;

class session : public std::enable_shared_from_this<session> {
public:
  explicit session(tcp::socket socket) : socket_(std::move(socket)) {}

  void start() {
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    socket_.non_blocking(true, ignored);
    wait();
  }

private:
  void wait() {
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](error_code ec) {
      if (!ec) self->read();
    });
  }

  // Reads what arrived and writes it back; waits again when a read finds nothing.
  void read() {
    static thread_local char buffer[1 << 16];
    error_code ec;
    const std::size_t got = socket_.read_some(asio::buffer(buffer), ec);
    speculation_.tried(ec != asio::error::would_block);
    if (ec == asio::error::would_block) return wait();
    if (ec) return; // the peer left: the session goes with its last handler
    unsent_.assign(buffer, buffer + got);
    asio::async_write(socket_, asio::buffer(unsent_), [self = shared_from_this()](error_code write_error, std::size_t) {
      if (write_error) return;
      if (self->unsent_.capacity() > 4096) std::vector<char>().swap(self->unsent_); // a big echo's memory goes back
      if (self->speculation_.worth_trying()) return self->read(); // more may have come meanwhile
      self->wait();
    });
  }

  tcp::socket socket_;
  std::vector<char> unsent_;
  asiows::detail::read_speculation speculation_; // the stream's own policy
};

void accept_loop(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<session>(std::move(socket))->start();
    accept_loop(acceptor);
  });
}

} // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--port") == 0) port = static_cast<unsigned short>(std::stoi(argv[++i]));
  asio::io_context io(1);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::printf("asio_echo listening on ws://127.0.0.1:%u/\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  accept_loop(acceptor);
  io.run();
}
