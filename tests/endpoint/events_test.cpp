// The endpoints' events beyond open/message/close: drain after backpressure,
// pings and pongs with their round trip.
#include <asiows/asiows.hpp>

#include "await.hpp"
#include "catch.hpp"
#include "endpoint/echo_config.hpp"
#include "loopback.hpp"

#include <chrono>
#include <string>
#include <vector>

using namespace test;
using asiows::connection_ptr;
using asiows::message_kind;

TEST_CASE("events: a ping from connection::ping comes back as on_pong with its round trip, the other side sees on_ping") {
  asio::io_context io;
  asiows::server_config<> server_config;
  std::vector<std::string> server_pings;
  server_config.on_ping = [&](const connection_ptr&, std::string_view payload) { server_pings.emplace_back(payload); };
  asiows::server server(io, echo_config(std::move(server_config)));
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));

  asiows::client_config<> config;
  std::vector<std::string> pongs;
  std::chrono::steady_clock::duration round_trip{};
  config.on_open = [](const connection_ptr& c) { c->ping("are you there"); };
  config.on_pong = [&](const connection_ptr& c, std::string_view payload, std::chrono::steady_clock::duration rtt) {
    pongs.emplace_back(payload);
    round_trip = rtt;
    c->close(asiows::close_code::normal, {});
  };
  asiows::client client(io, std::move(config));
  REQUIRE_FALSE(client.connect("ws://127.0.0.1:" + std::to_string(server.port()) + "/"));
  REQUIRE(run_until(io, [&] { return !pongs.empty(); }));
  CHECK(server_pings == std::vector<std::string>{"are you there"});
  CHECK(pongs == std::vector<std::string>{"are you there"});
  CHECK(round_trip > std::chrono::steady_clock::duration::zero());
  CHECK(round_trip < std::chrono::seconds(2));
}

TEST_CASE("events: on_drain runs once the queue that refused a message has drained") {
  asio::io_context io;
  asiows::server_config<> config;
  config.max_send_queue_bytes = 1 << 20;
  config.on_queue_full = asiows::backpressure_policy::report;
  connection_ptr server_side;
  config.on_open = [&](const connection_ptr& c) { server_side = c; };
  int drains = 0;
  config.on_drain = [&](const connection_ptr& c) {
    ++drains;
    CHECK(c->queued_bytes() <= (1u << 20) / 4);
  };
  asiows::server server(io, echo_config(std::move(config)));
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));
  asiows::stream<tcp::socket> reader(io);
  reader.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  REQUIRE_FALSE(run(io, [&](auto done) { reader.async_handshake("127.0.0.1", "/", done); }).error);
  REQUIRE(run_until(io, [&] { return bool(server_side); }));

  // The reader does not read: the queue fills until a send is refused. (How much the kernel's
  // buffers, which grow, take meanwhile is the kernel's affair: the queue may drain into them.)
  const std::string chunk(64 * 1024, 'd');
  std::size_t sent = 0;
  bool refused = false;
  for (int i = 0; i < 5000 && !refused; ++i) {
    const auto status = server_side->send(chunk, message_kind::binary);
    refused = status == asiows::send_status::queue_full;
    if (refused) break;
    REQUIRE(status == asiows::send_status::queued);
    ++sent;
    if (i % 16 == 0) run_for(io, std::chrono::milliseconds(2));
  }
  REQUIRE(refused);

  // It reads everything: the queue drains, and on_drain has said so (once per refusal at most).
  for (std::size_t i = 0; i < sent; ++i) {
    std::string message;
    REQUIRE_FALSE(run(io, [&](auto done) { reader.async_read(asio::dynamic_buffer(message), done); }).error);
  }
  CHECK(drains == 1);

  // Sends that are not refused do not make it say so again.
  for (int i = 0; i < 3; ++i) {
    REQUIRE(server_side->send("resumed") == asiows::send_status::queued);
    std::string message;
    REQUIRE_FALSE(run(io, [&](auto done) { reader.async_read(asio::dynamic_buffer(message), done); }).error);
    CHECK(message == "resumed");
  }
  CHECK(drains == 1);
}
