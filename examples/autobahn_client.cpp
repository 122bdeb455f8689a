// autobahn_client: lets an Autobahn-compatible fuzzing server test asiows'
// client. It follows the Autobahn TestSuite's client protocol:
//   ws://HOST:PORT/getCaseCount             one text message: the number of cases
//   ws://HOST:PORT/runCase?case=N&agent=A   echo every message until the server closes
//   ws://HOST:PORT/updateReports?agent=A    the server writes its report
// permessage-deflate is offered, so the compression cases run too.
//
// Run:  ./build/gcc/examples/autobahn_client --url ws://127.0.0.1:9001 --agent asiows
//       (against `wstest -m fuzzingserver`, or tests/conformance/fuzzing_server.py)
#include <asiows/asiows.hpp>

#include <asio.hpp>

#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

using tcp = asio::ip::tcp;

namespace {

class autobahn_client {
public:
  autobahn_client(asio::io_context& io, asiows::url server, std::string agent)
      : io_(io), server_(std::move(server)), agent_(std::move(agent)), resolver_(io) {}

  void start() {
    open("/getCaseCount", [this] { read_case_count(); });
  }

  int exit_code() const { return finished_ ? 0 : 1; }

private:
  // Connects a fresh stream and shakes hands for `target`; then calls next (or reports and moves on).
  void open(const std::string& target, std::function<void()> next) {
    ws_ = std::make_unique<asiows::stream<tcp::socket>>(io_);
    asiows::options opts;
    opts.max_message_size = opts.max_frame_size = 64 * 1024 * 1024; // the large-message cases
    opts.enable_deflate = true;
    ws_->set_options(opts);
    resolver_.async_resolve(server_.host, server_.port, [this, target, next](std::error_code ec, auto endpoints) {
      if (ec) return fail("resolve", ec);
      asio::async_connect(ws_->next_layer(), endpoints, [this, target, next](std::error_code connected, const auto&) {
        if (connected) return fail("connect", connected);
        ws_->async_handshake(server_.host_header(), target, [this, target, next](std::error_code shook) {
          if (shook) {
            std::fprintf(stderr, "%s: handshake failed: %s\n", target.c_str(), shook.message().c_str());
            return after_case();
          }
          next();
        });
      });
    });
  }

  void fail(const char* what, std::error_code ec) {
    std::fprintf(stderr, "%s failed: %s\n", what, ec.message().c_str());
    io_.stop();
  }

  void read_case_count() {
    message_.clear();
    ws_->async_read(asio::dynamic_buffer(message_), [this](std::error_code ec, std::size_t) {
      if (ec) return fail("reading the case count", ec);
      case_count_ = std::atoi(message_.c_str());
      std::printf("%d cases\n", case_count_);
      drain([this] { next_case(); });
    });
  }

  // Reads (and drops) until the server closes, then calls next.
  void drain(std::function<void()> next) {
    message_.clear();
    ws_->async_read(asio::dynamic_buffer(message_), [this, next](std::error_code ec, std::size_t) {
      if (ec) return next();
      drain(next);
    });
  }

  void next_case() {
    if (++current_case_ > case_count_) {
      open("/updateReports?agent=" + agent_, [this] {
        drain([this] {
          finished_ = true;
          std::printf("reports updated\n");
        });
      });
      return;
    }
    open("/runCase?case=" + std::to_string(current_case_) + "&agent=" + agent_, [this] { echo(); });
  }

  void after_case() {
    if (current_case_ == 0) return io_.stop(); // not even the case count: nothing to run
    next_case();
  }

  // Echoes every message, as it came (text or binary), until the connection ends.
  void echo() {
    message_.clear();
    ws_->async_read(asio::dynamic_buffer(message_), [this](std::error_code ec, std::size_t) {
      if (ec) return next_case(); // the case is over: closed by the server, or failed by us
      const auto kind = ws_->got_text() ? asiows::message_kind::text : asiows::message_kind::binary;
      ws_->async_write(kind, asio::buffer(message_), [this](std::error_code written, std::size_t) {
        if (written) return next_case();
        echo();
      });
    });
  }

  asio::io_context& io_;
  asiows::url server_;
  std::string agent_;
  tcp::resolver resolver_;
  std::unique_ptr<asiows::stream<tcp::socket>> ws_;
  std::string message_;
  int case_count_ = 0;
  int current_case_ = 0;
  bool finished_ = false;
};

} // namespace

int main(int argc, char** argv) {
  std::string url = "ws://127.0.0.1:9001", agent = "asiows";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--url") == 0) url = argv[i + 1];
    else if (std::strcmp(argv[i], "--agent") == 0) agent = argv[i + 1];
  }
  const auto server = asiows::parse_url(url);
  if (!server || server->secure) {
    std::fprintf(stderr, "usage: %s [--url ws://host:port] [--agent name]\n", argv[0]);
    return 2;
  }
  asio::io_context io;
  autobahn_client client(io, *server, agent);
  client.start();
  io.run();
  return client.exit_code();
}
