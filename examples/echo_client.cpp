// echo_client: connects to a WebSocket URL, sends each line of its input as
// a text message and prints what comes back. Written as a C++20 coroutine.
//
// Shows: resolving a ws:// or wss:// URL, TLS with verification, the
// handshake, and reading and writing with co_await.
//
// Run:  ./build/gcc-cxx20/examples/echo_client ws://127.0.0.1:9001/ [--ca ca.pem]
//       (type lines; end with Ctrl-D)
#include <asiows/asiows.hpp>
#include <asiows/ssl.hpp>

#include <asio.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#if defined(ASIO_HAS_CO_AWAIT)

using tcp = asio::ip::tcp;

// Sends each line, prints each echo, then closes the connection.
template <class Stream>
asio::awaitable<void> converse(Stream& ws, const asiows::url& where) {
  co_await ws.async_handshake(where.host_header(), where.target, asio::use_awaitable);
  std::printf("connected to %s://%s%s\n", where.secure ? "wss" : "ws", where.host_header().c_str(), where.target.c_str());
  for (std::string line; std::getline(std::cin, line);) {
    co_await ws.async_write(asiows::message_kind::text, asio::buffer(line), asio::use_awaitable);
    std::string reply;
    co_await ws.async_read(asio::dynamic_buffer(reply), asio::use_awaitable);
    std::printf("< %s\n", reply.c_str());
  }
  co_await ws.async_close(asiows::close_code::normal, "bye", asio::use_awaitable);
}

asio::awaitable<void> run(asiows::url where, std::string ca_file) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  const auto endpoints = co_await resolver.async_resolve(where.host, where.port, asio::use_awaitable);
  if (!where.secure) {
    asiows::stream<tcp::socket> ws(executor);
    co_await asio::async_connect(ws.next_layer(), endpoints, asio::use_awaitable);
    co_await converse(ws, where);
  } else {
    asio::ssl::context tls = asiows::ssl::make_client_context(ca_file); // verifies the server
    asiows::stream<asio::ssl::stream<tcp::socket>> ws(executor, tls);
    co_await asio::async_connect(ws.next_layer().next_layer(), endpoints, asio::use_awaitable);
    if (auto failure = asiows::ssl::prepare_client(ws.next_layer(), where.host)) throw std::system_error(failure);
    co_await ws.next_layer().async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    co_await converse(ws, where);
  }
}

int main(int argc, char** argv) {
  const auto where = argc > 1 ? asiows::parse_url(argv[1]) : std::nullopt;
  if (!where) {
    std::fprintf(stderr, "usage: %s ws[s]://host[:port]/path [--ca ca.pem]\n", argv[0]);
    return 2;
  }
  const std::string ca_file = argc > 3 && std::string(argv[2]) == "--ca" ? argv[3] : "";
  asio::io_context io;
  int status = 0;
  asio::co_spawn(io, run(*where, ca_file), [&](std::exception_ptr failure) {
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
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
