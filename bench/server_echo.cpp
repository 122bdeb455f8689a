// server_echo: the echo of bench/compare.sh written with the asiows::server
// endpoint (handlers, a send queue per connection), as most applications
// would; examples/echo_server is the same echo on the low-level stream<>.
//   server_echo --port P [--tls cert.pem key.pem]   (0: any free port; prints its URL)
#include <asiows/asiows.hpp>
#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
#include <asiows/ssl.hpp>
#endif

#include <asio.hpp>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

int main(int argc, char** argv) {
  unsigned short port = 0;
  std::string cert, key;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) port = static_cast<unsigned short>(std::stoi(argv[++i]));
    else if (std::strcmp(argv[i], "--tls") == 0 && i + 2 < argc) cert = argv[++i], key = argv[++i];
  }

  asio::io_context io(1);
  asiows::server_config<> config;
  config.connection.max_message_size = 64 * 1024 * 1024; // the 1 MiB workload and more
  config.connection.max_frame_size = config.connection.max_message_size;
  config.max_send_queue_bytes = 2 * config.connection.max_message_size;
  config.single_threaded = true; // io.run() below is the only thread
  config.on_message = [](const asiows::connection_ptr& c, std::string_view message, asiows::message_kind kind) {
    c->send(message, kind);
  };
  asiows::server server(io, std::move(config));
  std::error_code ec;
#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
  std::unique_ptr<asio::ssl::context> tls;
  if (!cert.empty()) {
    tls = std::make_unique<asio::ssl::context>(asiows::ssl::make_server_context(cert, key));
    ec = server.listen_tls("127.0.0.1", port, *tls);
  } else
#endif
  {
    if (!cert.empty()) std::fprintf(stderr, "built without TLS: --tls ignored\n");
    ec = server.listen("127.0.0.1", port);
  }
  if (ec) {
    std::fprintf(stderr, "listen: %s\n", ec.message().c_str());
    return 1;
  }
  std::printf("server_echo listening on %s://127.0.0.1:%u/\n", cert.empty() ? "ws" : "wss", server.port());
  std::fflush(stdout);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) { io.stop(); });
  io.run();
}
