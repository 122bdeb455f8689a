// Every operation takes any completion token: callbacks (echo_session),
// use_future (stream_test.cpp), deferred, and C++20 coroutines.
#include <asiows/stream.hpp>

#include "await.hpp"
#include "catch.hpp"
#include "echo_session.hpp"
#include "loopback.hpp"
#include "test_asio.hpp"

using namespace test;

TEST_CASE("stream: the deferred token") {
#if ASIOWS_ASIO_VERSION >= 102400
  constexpr auto deferred = asio::deferred;
#else
  constexpr auto deferred = asio::experimental::deferred;
#endif
  asio::io_context io;
  auto [server_socket, client_socket] = connected_pair(io);
  auto session = std::make_shared<echo_session<tcp::socket>>(std::move(server_socket));
  session->start();
  asiows::stream<tcp::socket> client(std::move(client_socket));
  auto handshake = client.async_handshake("127.0.0.1", "/", deferred); // nothing happens yet
  run_for(io, 20ms);
  CHECK_FALSE(client.is_open());
  asiows::error_code result = asio::error::would_block;
  std::move(handshake)([&](asiows::error_code ec) { result = ec; });
  REQUIRE(run_until(io, [&] { return result != asio::error::would_block; }));
  CHECK_FALSE(result);
  CHECK(client.is_open());
}

#if defined(ASIOWS_HAS_CO_AWAIT)
TEST_CASE("stream: C++20 coroutines with use_awaitable") {
  asio::io_context io;
  auto [server_socket, client_socket] = connected_pair(io);
  auto session = std::make_shared<echo_session<tcp::socket>>(std::move(server_socket));
  session->start();
  std::string reply;
  auto client_task = [&](tcp::socket socket) -> asio::awaitable<void> {
    asiows::stream<tcp::socket> ws(std::move(socket));
    co_await ws.async_handshake("127.0.0.1", "/", asio::use_awaitable);
    co_await ws.async_write(asiows::message_kind::text, asio::buffer(std::string_view("coroutine")), asio::use_awaitable);
    co_await ws.async_read(asio::dynamic_buffer(reply), asio::use_awaitable);
    co_await ws.async_close(asiows::close_code::normal, "", asio::use_awaitable);
  };
  auto done = asio::co_spawn(io, client_task(std::move(client_socket)), asio::use_future);
  await(io, std::move(done)); // rethrows what the coroutine threw
  CHECK(reply == "coroutine");
}
#endif

#if defined(ASIOWS_HAS_CO_AWAIT)
TEST_CASE("stream: with no token, an operation takes the executor's default (use_awaitable here)") {
  using awaitable_socket = asio::use_awaitable_t<>::as_default_on_t<tcp::socket>;
  asio::io_context io;
  auto [server_socket, client_socket] = connected_pair(io);
  auto session = std::make_shared<echo_session<tcp::socket>>(std::move(server_socket));
  session->start();
  std::string reply;
  std::size_t written = 0;
  auto client_task = [&](awaitable_socket socket) -> asio::awaitable<void> {
    asiows::stream<awaitable_socket> ws(std::move(socket));
    co_await ws.async_handshake("127.0.0.1", "/");
    written = co_await ws.async_write(asiows::message_kind::text, asio::buffer(std::string_view("default")));
    co_await ws.async_ping("");
    co_await ws.async_read(asio::dynamic_buffer(reply));
    co_await ws.async_close(asiows::close_code::normal, "");
  };
  auto done = asio::co_spawn(io, client_task(awaitable_socket(std::move(client_socket))), asio::use_future);
  await(io, std::move(done));
  CHECK(written == 7);
  CHECK(reply == "default");
}
#endif
