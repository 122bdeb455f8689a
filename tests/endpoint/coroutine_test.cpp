// The coroutine style of the endpoints: server::async_accept, client::async_connect
// (with the same reconnect policy as the handler style), connection::async_receive.
// Built twice where it can be: with the system's Asio, and (clang++) with the newest.
#include <asiows/asiows.hpp>

#include "await.hpp"
#include "catch.hpp"
#include "endpoint/echo_config.hpp"
#include "loopback.hpp"

#include <string>
#include <vector>

using namespace test;
using asiows::connection_ptr;
using asiows::message_kind;


TEST_CASE("coroutine style: async_receive on a connection with on_message fails with operation_not_supported") {
  asio::io_context io;
  asiows::server server(io, echo_config());
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));
  asiows::client_config<> config;
  connection_ptr opened;
  config.on_open = [&](const connection_ptr& c) { opened = c; };
  config.on_message = [](const connection_ptr&, std::string_view, message_kind) {};
  asiows::client client(io, std::move(config));
  REQUIRE_FALSE(client.connect("ws://127.0.0.1:" + std::to_string(server.port()) + "/"));
  REQUIRE(run_until(io, [&] { return bool(opened); }));
  asiows::error_code result;
  bool completed = false;
  opened->async_receive([&](asiows::error_code ec, asiows::message) {
    result = ec;
    completed = true;
  });
  CHECK_FALSE(completed); // never inside the call
  CHECK(run_until(io, [&] { return completed; }));
  CHECK(result == asio::error::operation_not_supported);
}

TEST_CASE("coroutine style with callbacks: accept, connect, receive until the close") {
  asio::io_context io;
  asiows::server server(io); // no on_message: connections are read with async_receive
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));
  std::vector<std::string> server_saw;
  asiows::error_code server_end;
  std::function<void(connection_ptr)> serve = [&](connection_ptr c) {
    c->async_receive([&, c](asiows::error_code ec, asiows::message m) {
      if (ec) {
        server_end = ec;
        return;
      }
      server_saw.push_back(m.payload);
      c->send("echo:" + m.payload, m.kind);
      serve(c);
    });
  };
  server.async_accept([&](asiows::error_code ec, connection_ptr c) {
    REQUIRE_FALSE(ec);
    serve(c);
  });

  asiows::client client(io);
  std::vector<std::string> client_saw;
  asiows::error_code client_end;
  std::function<void(connection_ptr)> receive = [&](connection_ptr c) {
    c->async_receive([&, c](asiows::error_code ec, asiows::message m) {
      if (ec) {
        client_end = ec;
        return;
      }
      client_saw.push_back(m.payload);
      if (client_saw.size() == 3) c->close(asiows::close_code::normal, "done");
      receive(c);
    });
  };
  client.async_connect("ws://127.0.0.1:" + std::to_string(server.port()) + "/", [&](asiows::error_code ec, connection_ptr c) {
    REQUIRE_FALSE(ec);
    for (const char* text : {"one", "two", "three"}) c->send(text);
    receive(c);
  });
  REQUIRE(run_until(io, [&] { return client_end && server_end; }));
  CHECK(server_saw == std::vector<std::string>{"one", "two", "three"});
  CHECK(client_saw == std::vector<std::string>{"echo:one", "echo:two", "echo:three"});
  CHECK(client_end == asiows::error::closed);
  CHECK(server_end == asiows::error::closed);
}

TEST_CASE("coroutine style: async_connect without reconnect reports a refused connection, and stop() ends a wait") {
  asio::io_context io;
  const unsigned short port = free_port(io);
  asiows::client client(io);
  asiows::error_code result;
  client.async_connect("ws://127.0.0.1:" + std::to_string(port) + "/",
                       [&](asiows::error_code ec, connection_ptr c) {
                         result = ec;
                         CHECK_FALSE(c);
                       });
  REQUIRE(run_until(io, [&] { return bool(result); }));
  CHECK(result == asio::error::connection_refused);
  // The attempt is over: the client may try again (it does not wait on the ended one).
  result = asio::error::would_block;
  client.async_connect("ws://127.0.0.1:" + std::to_string(port) + "/", [&](asiows::error_code ec, connection_ptr) { result = ec; });
  REQUIRE(run_until(io, [&] { return result != asio::error::would_block; }));
  CHECK(result == asio::error::connection_refused);

  asiows::client_config<> config;
  config.reconnect = true;
  config.reconnect_delay = std::chrono::milliseconds(20);
  asiows::client retrying(io, std::move(config));
  asiows::error_code waited = asio::error::would_block;
  retrying.async_connect("ws://127.0.0.1:" + std::to_string(port) + "/",
                         [&](asiows::error_code ec, connection_ptr) { waited = ec; });
  run_for(io, std::chrono::milliseconds(150));
  CHECK(waited == asio::error::would_block); // still retrying
  retrying.stop();
  REQUIRE(run_until(io, [&] { return waited != asio::error::would_block; }));
  CHECK(waited == asio::error::operation_aborted);
}

TEST_CASE("coroutine style: async_connect refuses a URL it cannot use through its handler, later, and stays idle") {
  asio::io_context io;
  asiows::client client(io);
  std::vector<asiows::error_code> results;
  const auto record = [&](asiows::error_code ec, connection_ptr c) {
    CHECK_FALSE(c);
    results.push_back(ec);
  };
  client.async_connect("http://example.com/", record);
  client.async_connect("wss://example.com/", record); // no enable_wss
  CHECK(results.empty());                              // never inside the call
  REQUIRE(run_until(io, [&] { return results.size() == 2; }));
  CHECK(results[0] == asiows::error::invalid_url);
  CHECK(results[1] == std::errc::protocol_not_supported);
  // Neither started anything: the client may connect.
  CHECK_FALSE(client.connect("ws://127.0.0.1:" + std::to_string(free_port(io)) + "/"));
}

TEST_CASE("coroutine style: a server keeps no connection before async_accept, then 64 for it, and refuses more with 1013") {
  asio::io_context io;
  asiows::server server(io);
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));
  const std::string url = "ws://127.0.0.1:" + std::to_string(server.port());
  std::vector<std::uint16_t> close_codes;
  std::size_t opened = 0;
  std::vector<std::unique_ptr<asiows::client<>>> clients;
  const auto connect = [&](const std::string& path) {
    asiows::client_config<> config;
    config.on_open = [&](const connection_ptr&) { ++opened; };
    config.on_close = [&](const connection_ptr&, std::uint16_t code, std::string_view) { close_codes.push_back(code); };
    clients.push_back(std::make_unique<asiows::client<>>(io, std::move(config)));
    REQUIRE_FALSE(clients.back()->connect(url + path));
  };

  // Before the first async_accept, a server keeps nothing for it: 70 open and stay open.
  for (int i = 0; i < 70; ++i) connect("/before");
  REQUIRE(run_until(io, [&] { return opened == 70; }));
  run_for(io, std::chrono::milliseconds(50));
  CHECK(close_codes.empty());

  // The first async_accept waits for the next connection, not one of those.
  std::string accepted_path;
  server.async_accept([&](asiows::error_code ec, connection_ptr c) {
    REQUIRE_FALSE(ec);
    accepted_path = c->path();
  });
  run_for(io, std::chrono::milliseconds(50));
  CHECK(accepted_path.empty());
  connect("/after");
  REQUIRE(run_until(io, [&] { return !accepted_path.empty(); }));
  CHECK(accepted_path == "/after");

  // Nobody takes the next ones: 64 wait, the 65th is closed with Try Again Later.
  for (int i = 0; i < 65; ++i) connect("/waiting");
  REQUIRE(run_until(io, [&] { return close_codes.size() == 1; }));
  run_for(io, std::chrono::milliseconds(50));
  CHECK(close_codes == std::vector<std::uint16_t>{asiows::close_code::try_again_later});
  std::size_t taken = 0;
  std::function<void()> take = [&] {
    server.async_accept([&](asiows::error_code ec, connection_ptr c) {
      if (ec) return;
      CHECK(c->path() == "/waiting");
      if (++taken < 64) take();
    });
  };
  take();
  REQUIRE(run_until(io, [&] { return taken == 64; }));
  server.shutdown();
  REQUIRE(run_until(io, [&] { return close_codes.size() == 1 + 70 + 1 + 64; }));
}

#if defined(ASIOWS_HAS_CO_AWAIT)
#include "test_asio.hpp"

namespace {

asio::awaitable<void> echo_each(connection_ptr c) {
  try {
    for (;;) {
      asiows::message m = co_await c->async_receive(asio::use_awaitable);
      c->send(m.payload, m.kind);
    }
  } catch (const asiows::system_error&) {
    // the end: error::closed, or why it failed
  }
}

asio::awaitable<void> accept_loop(asiows::server<>& server) {
  try {
    for (;;) {
      connection_ptr c = co_await server.async_accept(asio::use_awaitable);
      asio::co_spawn(co_await asio::this_coro::executor, echo_each(c), asio::detached);
    }
  } catch (const asiows::system_error&) {
    // operation_aborted: the server shut down
  }
}

} // namespace

TEST_CASE("coroutine style with co_await: a client that reconnects by itself, read as a loop of connections") {
  asio::io_context io;
  const unsigned short port = free_port(io);
  auto server = std::make_unique<asiows::server<>>(io);
  REQUIRE_FALSE(server->listen("127.0.0.1", port));
  asio::co_spawn(io, accept_loop(*server), asio::detached);

  asiows::client_config<> config;
  config.reconnect = true;
  config.reconnect_delay = std::chrono::milliseconds(20);
  config.reconnect_max_delay = std::chrono::milliseconds(40);
  asiows::client client(io, std::move(config));
  std::vector<std::string> log;
  bool finished = false;
  auto run_client = [&]() -> asio::awaitable<void> {
    const std::string url = "ws://127.0.0.1:" + std::to_string(port) + "/";
    for (int round = 0; round < 2; ++round) {
      connection_ptr ws = co_await client.async_connect(url, asio::use_awaitable);
      ws->send("round " + std::to_string(round));
      try {
        for (;;) {
          asiows::message m = co_await ws->async_receive(asio::use_awaitable);
          log.push_back(m.payload);
        }
      } catch (const asiows::system_error& e) {
        log.push_back(e.code() == asiows::error::closed ? "closed" : "failed: " + e.code().message());
      }
    }
    finished = true;
  };
  asio::co_spawn(io, run_client(), asio::detached);
  REQUIRE(run_until(io, [&] { return !log.empty(); }));
  REQUIRE(log == std::vector<std::string>{"round 0"});

  // The server goes away (its connections get 1001) and comes back: the client's loop reconnects.
  server->shutdown();
  REQUIRE(run_until(io, [&] { return log.size() == 2; }));
  server = std::make_unique<asiows::server<>>(io);
  REQUIRE_FALSE(server->listen("127.0.0.1", port));
  asio::co_spawn(io, accept_loop(*server), asio::detached);
  REQUIRE(run_until(io, [&] { return log.size() >= 3; }));
  CHECK(log[1] == "closed");
  CHECK(log[2] == "round 1");
  client.stop();
  CHECK(run_until(io, [&] { return finished; }));
  server->shutdown();
  run_for(io, std::chrono::milliseconds(50));
}
#endif
