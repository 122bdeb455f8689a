// server_echo: the echo of bench/compare.sh written with the asiows::server
// endpoint (handlers, a send queue per connection), as most applications
// would; examples/echo_server is the same echo on the low-level stream<>.
//   server_echo --port P   (0: any free port; prints its ws:// URL)
#include <asiows/asiows.hpp>

#include <asio.hpp>

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  unsigned short port = 0;
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::strcmp(argv[i], "--port") == 0) port = static_cast<unsigned short>(std::stoi(argv[i + 1]));

  asio::io_context io(1);
  asiows::server_options opts;
  opts.connection.max_message_size = 64 * 1024 * 1024; // the 1 MiB workload and more
  opts.connection.max_frame_size = opts.connection.max_message_size;
  opts.max_send_queue_bytes = 2 * opts.connection.max_message_size;
  asiows::server server(io, opts);
  server.on_message = [](const asiows::connection_ptr& c, std::string_view message, asiows::message_kind kind) {
    c->send(message, kind);
  };
  if (const auto ec = server.listen("127.0.0.1", port)) {
    std::fprintf(stderr, "listen: %s\n", ec.message().c_str());
    return 1;
  }
  std::printf("server_echo listening on ws://127.0.0.1:%u/\n", server.port());
  std::fflush(stdout);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) { io.stop(); });
  io.run();
}
