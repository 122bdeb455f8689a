// The steady state of a connection allocates nothing: once buffers have
// grown, a pipelining client and a batching echo server exchange messages over
// TCP (read, read_ready, async_write_batch, and Asio's operations under them)
// without a heap allocation, on stream<> and through the endpoints. Its own
// runner, because it replaces the global operator new.
#include <asiows/asiows.hpp>

#include "await.hpp"
#include "catch.hpp"
#include "counting_new.hpp"
#include "loopback.hpp"

#include <string>
#include <vector>

namespace {

using test::tcp;
using ws_stream = asiows::stream<tcp::socket>;
using asiows::message_kind;

// Echoes every message already received in one batch write (as examples/echo_server does).
struct batching_echo {
  explicit batching_echo(tcp::socket socket) : ws(std::move(socket)) {}

  void read() {
    ws.async_read(asio::dynamic_buffer(next()), [this](std::error_code ec, std::size_t) {
      if (ec) return;
      kinds[count++] = ws.got_text() ? message_kind::text : message_kind::binary;
      while (count < messages.size() && ws.message_ready()) {
        ws.read_ready(asio::dynamic_buffer(next()), ec);
        if (ec) return;
        kinds[count++] = ws.got_text() ? message_kind::text : message_kind::binary;
      }
      for (std::size_t i = 0; i < count; ++i) batch[i] = {kinds[i], asio::buffer(messages[i])};
      ws.async_write_batch(batch.data(), count, [this](std::error_code write_error, std::size_t) {
        count = 0;
        if (!write_error) read();
      });
    });
  }

  std::string& next() {
    messages[count].clear();
    return messages[count];
  }

  ws_stream ws;
  std::vector<std::string> messages = std::vector<std::string>(64);
  std::vector<message_kind> kinds = std::vector<message_kind>(64);
  std::vector<asiows::outgoing_message> batch = std::vector<asiows::outgoing_message>(64);
  std::size_t count = 0;
};

// Sends `payloads` in one batch per round and reads their echoes, checking each.
struct pipelining_client {
  pipelining_client(tcp::socket socket, std::vector<std::string> messages)
      : ws(std::move(socket)), payloads(std::move(messages)) {
    for (std::size_t i = 0; i < payloads.size(); ++i)
      batch.push_back({i % 2 ? message_kind::binary : message_kind::text, asio::buffer(payloads[i])});
  }

  void run_rounds(int rounds) {
    rounds_left = rounds;
    round();
  }

  void round() {
    ws.async_write_batch(batch.data(), batch.size(), [this](std::error_code ec, std::size_t) {
      if (ec) return fail();
      received = 0;
      read();
    });
  }

  void read() {
    reply.clear();
    ws.async_read(asio::dynamic_buffer(reply), [this](std::error_code ec, std::size_t) {
      if (ec) return fail();
      check();
      while (received < payloads.size() && ws.message_ready()) {
        reply.clear();
        ws.read_ready(asio::dynamic_buffer(reply), ec);
        if (ec) return fail();
        check();
      }
      if (received < payloads.size()) return read();
      if (--rounds_left > 0) return round();
      done = true;
    });
  }

  void check() {
    if (reply != payloads[received] || ws.got_text() != (batch[received].kind == message_kind::text)) ++mismatches;
    ++received;
  }

  void fail() {
    ++mismatches;
    done = true;
  }

  ws_stream ws;
  std::vector<std::string> payloads;
  std::vector<asiows::outgoing_message> batch;
  std::string reply;
  std::size_t received = 0;
  int rounds_left = 0;
  int mismatches = 0;
  bool done = false;
};

void run_until(asio::io_context& io, const bool& flag) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!flag && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(50));
  REQUIRE(flag);
}

} // namespace

TEST_CASE("a pipelined echo over TCP allocates nothing per message once warm") {
  asio::io_context io;
  auto [server_socket, client_socket] = test::connected_pair(io);
  batching_echo server(std::move(server_socket));
  std::vector<std::string> payloads;
  for (const std::size_t size : {16u, 16u, 3u, 200u, 16u, 1000u, 70000u, 16u}) payloads.emplace_back(size, 'a');
  pipelining_client client(std::move(client_socket), payloads);

  bool accepted = false, connected = false;
  server.ws.async_accept([&](std::error_code ec) {
    accepted = !ec;
    if (!ec) server.read();
  });
  client.ws.async_handshake("127.0.0.1", "/", [&](std::error_code ec) { connected = !ec; });
  run_until(io, connected);
  REQUIRE(accepted);

  client.run_rounds(50); // warm-up: buffers and Asio's handler memory grow to their size
  run_until(io, client.done);
  client.done = false;

  const long before = test::allocations.load();
  const int rounds = 500;
  client.run_rounds(rounds);
  run_until(io, client.done);
  const long during = test::allocations.load() - before;
  CHECK(client.mismatches == 0);
  INFO(during << " allocations for " << rounds * payloads.size() << " messages each way");
  CHECK(during == 0);
}

TEST_CASE("the server and client endpoints echo pipelined messages without allocating once warm") {
  asio::io_context io;
  asiows::server server(io);
  server.on_message = [](const asiows::connection_ptr& c, std::string_view m, message_kind k) { c->send(m, k); };
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));

  const std::vector<std::string> payloads{"tick", std::string(200, 'x'), "{\"price\":101.5}", std::string(3000, 'y')};
  std::size_t received = 0, mismatches = 0;
  int rounds_left = 50; // warm-up first
  bool done = false;
  const auto send_round = [&](const asiows::connection_ptr& c) {
    for (const auto& p : payloads) c->send(p, message_kind::text);
  };
  asiows::client client(io);
  asiows::connection_ptr client_side;
  client.on_open = [&](const asiows::connection_ptr& c) {
    client_side = c;
    send_round(c);
  };
  client.on_message = [&](const asiows::connection_ptr& c, std::string_view m, message_kind) {
    if (m != payloads[received % payloads.size()]) ++mismatches;
    if (++received % payloads.size() != 0) return;
    if (--rounds_left > 0) return send_round(c);
    done = true;
  };
  REQUIRE_FALSE(client.connect("ws://127.0.0.1:" + std::to_string(server.port()) + "/"));
  run_until(io, done);

  done = false;
  rounds_left = 300;
  const long before = test::allocations.load();
  send_round(client_side);
  run_until(io, done);
  const long during = test::allocations.load() - before;
  CHECK(mismatches == 0);
  INFO(during << " allocations for " << 300 * payloads.size() << " messages each way");
  CHECK(during == 0);
  server.shutdown();
}
