// The endpoints as an application builds them: one config of limits and
// handlers at construction, typed per-connection data, any executor, and
// endpoints that move.
#include <asiows/asiows.hpp>

#include "await.hpp"
#include "background.hpp"
#include "catch.hpp"
#include "endpoint/echo_config.hpp"
#include "loopback.hpp"

#include "test_asio.hpp"

#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <vector>

using namespace test;
using asiows::message_kind;

namespace {

struct subscriber {
  std::string name;
  std::string topic;
  int messages = 0;
};

using feed_server = asiows::server<subscriber>;

// Connects a low-level client stream to `port` and opens it at `target`.
std::unique_ptr<asiows::stream<tcp::socket>> open_at(asio::io_context& io, unsigned short port,
                                                     const std::string& target) {
  auto ws = std::make_unique<asiows::stream<tcp::socket>>(io);
  ws->next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  REQUIRE_FALSE(run(io, [&](auto done) { ws->async_handshake("127.0.0.1", target, done); }).error);
  return ws;
}

std::string read_one(asio::io_context& io, asiows::stream<tcp::socket>& ws) {
  std::string message;
  REQUIRE_FALSE(run(io, [&](auto done) { ws.async_read(asio::dynamic_buffer(message), done); }).error);
  return message;
}

} // namespace

TEST_CASE("config: each connection carries typed data, which handlers use and broadcast_if selects by") {
  asio::io_context io;
  asiows::server_config<subscriber> config;
  config.on_open = [](const feed_server::connection_ptr& c) {
    c->data().topic = c->path() == "/prices" ? "prices" : "news";
    c->data().name = "subscriber-" + std::to_string(c->id());
  };
  config.on_message = [](const feed_server::connection_ptr& c, std::string_view m, message_kind) {
    ++c->data().messages;
    c->send(c->data().name + " said " + std::string(m) + " (" + std::to_string(c->data().messages) + ")");
  };
  feed_server server(io, std::move(config));
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));

  auto prices = open_at(io, server.port(), "/prices");
  auto news = open_at(io, server.port(), "/news");
  REQUIRE(run_until(io, [&] { return server.connections().size() == 2; }));

  REQUIRE_FALSE(run(io, [&](auto done) { prices->async_write(message_kind::text, asio::buffer("hi", 2), done); }).error);
  const std::string reply = read_one(io, *prices);
  CHECK(reply.find(" said hi (1)") != std::string::npos);
  CHECK(reply.rfind("subscriber-", 0) == 0);

  const auto to_prices = server.broadcast_if(
      "101.5", message_kind::text, [](const feed_server::connection_type& c) { return c.data().topic == "prices"; });
  CHECK(to_prices == 1);
  CHECK(read_one(io, *prices) == "101.5");
  CHECK(server.broadcast("to all") == 2);
  CHECK(read_one(io, *news) == "to all"); // news never got the price
  CHECK(read_one(io, *prices) == "to all");
}

TEST_CASE("config: a server and a client run on a thread pool's executor") {
  asio::thread_pool pool(2);
  asiows::server server(pool.get_executor(), echo_config());
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));
  std::promise<std::string> reply;
  asiows::client_config<> config;
  config.on_open = [](const asiows::connection_ptr& c) { c->send("pooled"); };
  config.on_message = [&](const asiows::connection_ptr& c, std::string_view m, message_kind) {
    reply.set_value(std::string(m));
    c->close(asiows::close_code::normal, {});
  };
  asiows::client client(pool, std::move(config));
  REQUIRE_FALSE(client.connect("ws://127.0.0.1:" + std::to_string(server.port()) + "/"));
  auto answer = reply.get_future();
  REQUIRE(answer.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(answer.get() == "pooled");
  client.stop();
  server.shutdown();
  pool.join();
}

TEST_CASE("config: endpoints move, and keep serving from where they were moved to") {
  asio::io_context io;
  std::vector<asiows::server<>> servers;
  {
    asiows::server local(io, echo_config());
    REQUIRE_FALSE(local.listen("127.0.0.1", 0));
    servers.push_back(std::move(local)); // the moved-from one is destroyed here: it must not stop anything
  }
  auto ws = open_at(io, servers.front().port(), "/");
  REQUIRE_FALSE(run(io, [&](auto done) { ws->async_write(message_kind::text, asio::buffer("moved", 5), done); }).error);
  CHECK(read_one(io, *ws) == "moved");

  asiows::client first(io), second(io);
  REQUIRE_FALSE(first.connect("ws://127.0.0.1:" + std::to_string(servers.front().port()) + "/"));
  second = std::move(first); // the connecting client goes on in `second`
  CHECK(eventually([&] {
    io.poll();
    return second.current() != nullptr;
  }));
  second.stop();
  servers.front().shutdown();
  run_for(io, std::chrono::milliseconds(100));
}

#if __cplusplus >= 202002L
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers" // g++ 12 warns on designated initializers
#endif
TEST_CASE("config: C++20 designated initializers, with handlers that use the server being made") {
  asio::io_context io;
  std::atomic<int> opened{0};
  asiows::server<subscriber> server(
      io, {.max_connections = 10,
           .on_open = [&](const feed_server::connection_ptr& c) {
             c->data().name = "n" + std::to_string(++opened);
             server.broadcast(c->data().name + " joined");
           }});
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));
  auto ws = open_at(io, server.port(), "/");
  CHECK(read_one(io, *ws) == "n1 joined");
}
#endif
