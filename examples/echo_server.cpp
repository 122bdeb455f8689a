// echo_server: sends every message back to its sender, text as text and
// binary as binary. Benchmarks and conformance runs use it.
//
// Shows: the low-level stream<> API with callbacks, replies batched with
// message_ready(), try_read() and async_write_batch, an accept loop, one
// strand per connection when several threads run the io_context (or, with
// --reuseport, an io_context per thread on one port), and wss with a certificate.
//
// Accepts permessage-deflate (compression) unless --no-deflate is given.
// --deflate-shared has both sides reset their compressor after each message
// (no context takeover): the server then borrows zlib's state per message from
// its thread's pool, and an idle connection holds none.
//
// Run:  ./build/gcc/examples/echo_server --port 9001 [--threads 2 [--reuseport]] [--tls cert.pem key.pem]
//                                        [--no-deflate | --deflate-shared]
// Try:  python3 -m websockets ws://127.0.0.1:9001/
#include <asiows/asiows.hpp>
#include <asiows/ssl.hpp>

#include <asio.hpp>

#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using tcp = asio::ip::tcp;
// wss: OpenSSL on the socket itself, lean in memory (see asiows/ssl_socket_stream.hpp).
using tls_socket = asiows::ssl::socket_stream<tcp::socket>;

// One connection: accept the upgrade, then read and write back until it ends.
template <class Socket>
class echo_connection : public std::enable_shared_from_this<echo_connection<Socket>> {
public:
  // Every connection shares one options (a copy each would cost 100-odd bytes per connection).
  echo_connection(Socket socket, const std::shared_ptr<const asiows::options>& opts) : ws_(std::move(socket)) {
    ws_.set_options(opts);
  }

  void start() {
    if constexpr (std::is_same_v<Socket, tls_socket>) {
      ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                       [self = this->shared_from_this()](std::error_code ec) {
                                         if (!ec) self->accept();
                                       });
    } else {
      accept();
    }
  }

private:
  void accept() {
    ws_.async_accept([self = this->shared_from_this()](std::error_code ec) {
      if (!ec) self->read();
    });
  }

  // Reads a message, takes every further one already received, then echoes
  // them all in one write: a peer that pipelines costs one read and one
  // write call per batch, not per message. Buffers are reused, so the
  // steady state allocates nothing.
  void read() {
    ws_.async_read(next_buffer(), [self = this->shared_from_this()](std::error_code ec, std::size_t) {
      if (ec) return; // closed by the peer, or failed: nothing left to do
      self->keep_received();
      while (self->count_ < max_batch && self->ws_.message_ready()) {
        self->ws_.try_read(self->next_buffer(), ec);
        // The connection failed on this message (e.g. invalid UTF-8): the ones
        // before it are still echoed, ahead of the Close; the next read reports it.
        if (ec) break;
        self->keep_received();
      }
      self->write();
    });
  }

  // The buffer the next message goes into.
  asiows::message_buffer& next_buffer() {
    if (count_ == messages_.size()) messages_.emplace_back();
    messages_[count_].payload.clear();
    return messages_[count_].payload;
  }

  void keep_received() { messages_[count_++].text = ws_.got_text(); }

  void write() {
    batch_.clear();
    for (std::size_t i = 0; i < count_; ++i) {
      const auto kind = messages_[i].text ? asiows::message_kind::text : asiows::message_kind::binary;
      batch_.push_back({kind, asio::buffer(messages_[i].payload.data(), messages_[i].payload.size())});
    }
    ws_.async_write_batch(batch_.data(), batch_.size(), [self = this->shared_from_this()](std::error_code ec, std::size_t) {
      self->count_ = 0;
      if (!ec) self->read();
    });
  }

  struct received {
    asiows::message_buffer payload; // grows without zeroing, unlike std::string
    bool text = false;
  };
  static constexpr std::size_t max_batch = 64;

  asiows::stream<Socket> ws_;
  std::vector<received> messages_; // [0, count_) are waiting to be echoed
  std::size_t count_ = 0;
  std::vector<asiows::outgoing_message> batch_;
};

// Accepts TCP connections for ever. With several threads, each connection
// gets a strand of its own; with one, the strand would only cost time.
void accept_loop(tcp::acceptor& acceptor, asio::ssl::context* tls, const std::shared_ptr<const asiows::options>& opts,
                 bool threaded) {
  const asio::any_io_executor executor =
      threaded ? asio::any_io_executor(asio::make_strand(acceptor.get_executor())) : acceptor.get_executor();
  acceptor.async_accept(executor, [&acceptor, tls, &opts, threaded](std::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      if (tls)
        std::make_shared<echo_connection<tls_socket>>(tls_socket(std::move(socket), *tls), opts)->start();
      else
        std::make_shared<echo_connection<tcp::socket>>(std::move(socket), opts)->start();
    }
    accept_loop(acceptor, tls, opts, threaded);
  });
}

#if defined(SO_REUSEPORT)
// Several acceptors on one port, the kernel spreading connections over them (Linux, BSD).
using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
#endif

// An acceptor on `address`:`port`; with `shared`, other acceptors may listen on that port too.
tcp::acceptor open_acceptor(asio::io_context& io, const std::string& address, unsigned short port, bool shared) {
  const tcp::endpoint where(asio::ip::make_address(address), port);
  tcp::acceptor acceptor(io);
  acceptor.open(where.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
#if defined(SO_REUSEPORT)
  if (shared) acceptor.set_option(reuse_port(true));
#else
  if (shared) throw std::runtime_error("--reuseport: this system has no SO_REUSEPORT");
#endif
  acceptor.bind(where);
  acceptor.listen();
  return acceptor;
}

int main(int argc, char** argv) {
  std::string address = "127.0.0.1", cert, key;
  unsigned short port = 9001;
  int threads = 1;
  bool reuseport = false;
  asiows::options opts;
  opts.enable_deflate = true;
  opts.max_message_size = 64 * 1024 * 1024; // large-message benchmarks and conformance cases
  opts.max_frame_size = opts.max_message_size;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--port" && i + 1 < argc) port = static_cast<unsigned short>(std::stoi(argv[++i]));
    else if (arg == "--address" && i + 1 < argc) address = argv[++i];
    else if (arg == "--threads" && i + 1 < argc) threads = std::max(1, std::stoi(argv[++i]));
    else if (arg == "--reuseport") reuseport = true;
    else if (arg == "--tls" && i + 2 < argc) cert = argv[++i], key = argv[++i];
    else if (arg == "--no-deflate") opts.enable_deflate = false;
    else if (arg == "--deflate-shared") opts.deflate.server_no_context_takeover = opts.deflate.client_no_context_takeover = true;
    else {
      std::fprintf(stderr,
                   "usage: %s [--port N] [--address A] [--threads N [--reuseport]] [--tls cert.pem key.pem]"
                   " [--no-deflate | --deflate-shared]\n",
                   argv[0]);
      return 2;
    }
  }

  // Without --reuseport: one io_context that every thread runs, a strand per
  // connection when there are several. With it: an io_context, an acceptor
  // and a thread each, no strands, nothing shared between threads.
  const int contexts = reuseport ? threads : 1;
  std::vector<std::unique_ptr<asio::io_context>> ios;
  for (int i = 0; i < contexts; ++i) ios.push_back(std::make_unique<asio::io_context>(reuseport ? 1 : threads));
  std::unique_ptr<asio::ssl::context> tls;
  if (!cert.empty()) tls = std::make_unique<asio::ssl::context>(asiows::ssl::make_server_context(cert, key));
  std::vector<tcp::acceptor> acceptors;
  for (int i = 0; i < contexts; ++i) {
    // The first acceptor picks the port (0: any free one); the others share it.
    const unsigned short where = i == 0 ? port : acceptors.front().local_endpoint().port();
    acceptors.push_back(open_acceptor(*ios[static_cast<std::size_t>(i)], address, where, reuseport));
  }
  const auto shared_opts = std::make_shared<const asiows::options>(opts);
  for (auto& acceptor : acceptors) accept_loop(acceptor, tls.get(), shared_opts, !reuseport && threads > 1);
  std::printf("echo_server listening on %s://%s:%u/ with %d thread(s)%s\n", tls ? "wss" : "ws", address.c_str(),
              acceptors.front().local_endpoint().port(), threads, reuseport ? ", one io_context each" : "");
  std::fflush(stdout);

  asio::signal_set signals(*ios.front(), SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) {
    for (auto& io : ios) io->stop();
  });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io = *ios[static_cast<std::size_t>(i % contexts)]] { io.run(); });
  ios.front()->run();
  for (auto& thread : pool) thread.join();
}
