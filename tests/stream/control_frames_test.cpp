// stream::control_callback: the application sees the peer's pings and pongs,
// and the round trip from its ping to the pong.
#include <asiows/stream.hpp>

#include "accepted_pair.hpp"
#include "await.hpp"
#include "catch.hpp"
#include "echo_session.hpp"
#include "loopback.hpp"

#include <string>
#include <vector>

using namespace test;
using asiows::message_kind;

TEST_CASE("control frames: a pong reaches the callback with its payload, and its round trip is measured") {
  asio::io_context io;
  auto [server_socket, client_socket] = connected_pair(io);
  auto session = std::make_shared<echo_session<tcp::socket>>(std::move(server_socket));
  session->start();
  asiows::stream<tcp::socket> client(std::move(client_socket));
  REQUIRE_FALSE(run(io, [&](auto done) { client.async_handshake("127.0.0.1", "/", done); }).error);
  std::vector<std::string> seen;
  client.control_callback([&](asiows::control_frame kind, std::string_view payload) {
    seen.push_back((kind == asiows::control_frame::pong ? "pong:" : "ping:") + std::string(payload));
  });
  CHECK(client.last_round_trip() == std::chrono::steady_clock::duration::zero());
  REQUIRE_FALSE(run(io, [&](auto done) { client.async_ping("rtt", done); }).error);
  REQUIRE_FALSE(run(io, [&](auto done) { client.async_write(message_kind::text, asio::buffer("x", 1), done); }).error);
  std::string reply;
  REQUIRE_FALSE(run(io, [&](auto done) { client.async_read(asio::dynamic_buffer(reply), done); }).error);
  CHECK(reply == "x");
  CHECK(seen == std::vector<std::string>{"pong:rtt"});
  CHECK(client.last_round_trip() > std::chrono::steady_clock::duration::zero());
  CHECK(client.last_round_trip() < std::chrono::seconds(5));
}

TEST_CASE("control frames: a ping reaches the callback and is still answered") {
  accepted_pair p;
  std::vector<std::string> seen;
  p.server->control_callback([&](asiows::control_frame kind, std::string_view payload) {
    seen.push_back((kind == asiows::control_frame::ping ? "ping:" : "pong:") + std::string(payload));
  });
  std::vector<std::uint8_t> wire;
  REQUIRE_FALSE(p.peer->engine().serialize_ping("hello", 5, wire));
  REQUIRE_FALSE(p.peer->engine().serialize_message(message_kind::text, std::string("after"), wire));
  p.peer->send_raw(wire);
  std::string message;
  REQUIRE_FALSE(run(p.io, [&](auto done) { p.server->async_read(asio::dynamic_buffer(message), done); }).error);
  CHECK(message == "after");
  CHECK(seen == std::vector<std::string>{"ping:hello"});
  std::string payload;
  CHECK(p.peer->next_event(payload).type == asiows::event_type::pong);
  CHECK(payload == "hello");

  p.server->control_callback({}); // stops reporting
  wire.clear();
  REQUIRE_FALSE(p.peer->engine().serialize_ping("again", 5, wire));
  REQUIRE_FALSE(p.peer->engine().serialize_message(message_kind::text, std::string("more"), wire));
  p.peer->send_raw(wire);
  message.clear();
  REQUIRE_FALSE(run(p.io, [&](auto done) { p.server->async_read(asio::dynamic_buffer(message), done); }).error);
  CHECK(seen.size() == 1);
}
