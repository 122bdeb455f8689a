// echo_client: connects to a WebSocket URL, sends each line of its input as
// a text message and prints what comes back. Written as a C++20 coroutine
// on the client endpoint.
//
// Shows: the coroutine style (client::async_connect, connection::async_receive),
// wss with verification (enable_wss), and the end of a connection as the end
// of a receive loop.
//
// Run:  ./build/gcc-cxx20/examples/echo_client ws://127.0.0.1:9001/ [--ca ca.pem]
//       (type lines; end with Ctrl-D)
#include <asiows/asiows.hpp>
#include <asiows/ssl.hpp>

#include <asio.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#if defined(ASIOWS_HAS_CO_AWAIT)

// Sends each line and prints its echo, then closes and waits for the close to finish.
asio::awaitable<void> converse(asiows::client<>& client, const std::string& url) {
  const asiows::connection_ptr ws = co_await client.async_connect(url, asio::use_awaitable);
  std::printf("connected to %s\n", url.c_str());
  for (std::string line; std::getline(std::cin, line);) {
    ws->send(line);
    const asiows::message reply = co_await ws->async_receive(asio::use_awaitable);
    std::printf("< %s\n", reply.payload.c_str());
  }
  ws->close(asiows::close_code::normal, "bye");
  try {
    for (;;) co_await ws->async_receive(asio::use_awaitable); // until the close handshake ends
  } catch (const std::system_error& end) {
    if (end.code() != asiows::error::closed) throw;
  }
}

int main(int argc, char** argv) {
  const std::string url = argc > 1 ? argv[1] : "";
  const std::string ca_file = argc > 3 && std::string(argv[2]) == "--ca" ? argv[3] : "";
  asio::io_context io;
  asio::ssl::context tls = asiows::ssl::make_client_context(ca_file); // verifies the server
  asiows::client client(io);                                         // no on_message: read with async_receive
  client.enable_wss(tls);
  int status = 0;
  asio::co_spawn(io, converse(client, url), [&](std::exception_ptr failure) {
    client.stop();
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      std::fprintf(stderr, "usage: %s ws[s]://host[:port]/path [--ca ca.pem]\n", argv[0]);
      status = 1;
    }
  });
  io.run();
  return status;
}

#else
int main() {
  std::fprintf(stderr, "echo_client needs C++20 coroutines (build with the gcc-cxx20 preset)\n");
  return 1;
}
#endif
