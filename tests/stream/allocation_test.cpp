// The steady state of a connection allocates nothing: once buffers have
// grown, a pipelining client and a batching echo server exchange messages over
// TCP (read, try_read, async_write_batch, and Asio's operations under them)
// without a heap allocation, on stream<> and through the endpoints, plain and
// with TLS (where OpenSSL's own allocations count too). Its own runner,
// because it replaces the global operator new.
#include <asiows/asiows.hpp>
#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
#include <asiows/ssl.hpp>
#include <openssl/crypto.h>
#endif

#include "await.hpp"
#include "catch.hpp"
#include "counting_new.hpp"
#include "endpoint/echo_config.hpp"
#include "loopback.hpp"

#include <atomic>
#include <functional>
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
    ws.async_read(asio::dynamic_buffer(next()), [this](asiows::error_code ec, std::size_t) {
      if (ec) return;
      kinds[count++] = ws.got_text() ? message_kind::text : message_kind::binary;
      while (count < messages.size() && ws.message_ready()) {
        ws.try_read(asio::dynamic_buffer(next()), ec);
        if (ec) return;
        kinds[count++] = ws.got_text() ? message_kind::text : message_kind::binary;
      }
      for (std::size_t i = 0; i < count; ++i) batch[i] = {kinds[i], asio::buffer(messages[i])};
      ws.async_write_batch(batch.data(), count, [this](asiows::error_code write_error, std::size_t) {
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
    ws.async_write_batch(batch.data(), batch.size(), [this](asiows::error_code ec, std::size_t) {
      if (ec) return fail();
      received = 0;
      read();
    });
  }

  void read() {
    reply.clear();
    ws.async_read(asio::dynamic_buffer(reply), [this](asiows::error_code ec, std::size_t) {
      if (ec) return fail();
      check();
      while (received < payloads.size() && ws.message_ready()) {
        reply.clear();
        ws.try_read(asio::dynamic_buffer(reply), ec);
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

// OpenSSL's allocations (with TLS), counted apart from operator new's.
std::atomic<long> openssl_allocations{0};

#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
// OpenSSL's allocations, counted apart from operator new's: installed before
// main, while OpenSSL has allocated nothing yet (it refuses later).
void* counted_malloc(std::size_t size, const char*, int) {
  openssl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size);
}
void* counted_realloc(void* p, std::size_t size, const char*, int) {
  openssl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(p, size);
}
void counted_free(void* p, const char*, int) { std::free(p); }
const bool openssl_counted = CRYPTO_set_mem_functions(counted_malloc, counted_realloc, counted_free) == 1;
#endif

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
  server.ws.async_accept([&](asiows::error_code ec) {
    accepted = !ec;
    if (!ec) server.read();
  });
  client.ws.async_handshake("127.0.0.1", "/", [&](asiows::error_code ec) { connected = !ec; });
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

TEST_CASE("a quiet stream gives its write buffers back, and a busy one keeps them") {
  asio::io_context io;
  auto [server_socket, client_socket] = test::connected_pair(io);
  asiows::options quick_keepalive;
  quick_keepalive.keepalive_interval = std::chrono::milliseconds(200); // the idle deadline comes quickly
  quick_keepalive.idle_timeout = std::chrono::milliseconds(0);
  ws_stream server(std::move(server_socket));
  server.set_options(quick_keepalive);
  ws_stream client(std::move(client_socket));
  bool accepted = false, connected = false;
  server.async_accept([&](asiows::error_code ec) { accepted = !ec; });
  client.async_handshake("127.0.0.1", "/", [&](asiows::error_code ec) { connected = !ec; });
  run_until(io, connected);
  run_until(io, accepted);

  // The allocations of one message written by the server (the client does not read: it waits in the socket).
  const std::string payload(100, 'p');
  const auto allocations_of_a_write = [&] {
    bool written = false;
    const long before = test::allocations.load();
    server.async_write(message_kind::text, asio::buffer(payload), [&](asiows::error_code ec, std::size_t) { written = !ec; });
    run_until(io, written);
    return test::allocations.load() - before;
  };
  allocations_of_a_write(); // warm: the buffers are made
  CHECK(allocations_of_a_write() == 0);
  // Quiet for longer than the keepalive interval: a ping goes out, and the buffers go back.
  io.run_for(std::chrono::milliseconds(600));
  io.restart();
  CHECK(allocations_of_a_write() > 0); // made again
  CHECK(allocations_of_a_write() == 0);
}

namespace {

struct allocation_counts {
  long by_operator_new = 0;
  long by_openssl = 0;
};

// Pipelined rounds of messages from a client endpoint to an echoing server
// endpoint at `url`, warm first; the allocations of the measured rounds.
// The server echoes (test::echo_config).
allocation_counts endpoint_echo_allocations(asio::io_context& io, asiows::server<>& server, const std::string& url,
                                            const std::function<void(asiows::client<>&)>& prepare = {},
                                            const asiows::options& client_options = {}) {
  asiows::client_config<> client_config;
  client_config.connection = client_options;
  const std::vector<std::string> payloads{"tick", std::string(200, 'x'), "{\"price\":101.5}", std::string(3000, 'y')};
  std::size_t received = 0, mismatches = 0;
  int rounds_left = 50; // warm-up first
  bool done = false;
  const auto send_round = [&](const asiows::connection_ptr& c) {
    for (const auto& p : payloads) c->send(p, message_kind::text);
  };
  asiows::connection_ptr client_side;
  client_config.on_open = [&](const asiows::connection_ptr& c) {
    client_side = c;
    send_round(c);
  };
  client_config.on_message = [&](const asiows::connection_ptr& c, std::string_view m, message_kind) {
    if (m != payloads[received % payloads.size()]) ++mismatches;
    if (++received % payloads.size() != 0) return;
    if (--rounds_left > 0) return send_round(c);
    done = true;
  };
  asiows::client client(io, std::move(client_config));
  if (prepare) prepare(client);
  REQUIRE_FALSE(client.connect(url));
  run_until(io, done);

  done = false;
  rounds_left = 300;
  const long before = test::allocations.load(), openssl_before = openssl_allocations.load();
  send_round(client_side);
  run_until(io, done);
  const allocation_counts during{test::allocations.load() - before, openssl_allocations.load() - openssl_before};
  CHECK(mismatches == 0);
  server.shutdown();
  return during;
}

} // namespace

TEST_CASE("the server and client endpoints echo pipelined messages without allocating once warm") {
  asio::io_context io;
  asiows::server server(io, test::echo_config());
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));
  const auto during = endpoint_echo_allocations(io, server, "ws://127.0.0.1:" + std::to_string(server.port()) + "/");
  INFO(during.by_operator_new << " allocations for 1200 messages each way");
  CHECK(during.by_operator_new == 0);
}

#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
TEST_CASE("with permessage-deflate the endpoints echo pipelined messages without allocating once warm") {
  // Each side keeping its zlib state, or both resetting after every message and
  // borrowing states from the thread's pool (zlib's own memory is malloc'd once per state).
  const bool shared = GENERATE(false, true);
  asiows::options deflating;
  deflating.enable_deflate = true;
  deflating.deflate.server_no_context_takeover = deflating.deflate.client_no_context_takeover = shared;
  asio::io_context io;
  asiows::server_config<> config;
  config.connection = deflating;
  asiows::server server(io, test::echo_config(std::move(config)));
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));
  const auto during =
      endpoint_echo_allocations(io, server, "ws://127.0.0.1:" + std::to_string(server.port()) + "/", {}, deflating);
  INFO(during.by_operator_new << " allocations for 1200 messages each way, half of them compressed");
  CHECK(during.by_operator_new == 0);
}
#endif

#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
TEST_CASE("wss: the endpoints echo pipelined messages without allocating once warm, OpenSSL included") {
  REQUIRE(openssl_counted);
  const std::string cert_dir = ASIOWS_TEST_CERT_DIR;
  asio::io_context io;
  auto tls = asiows::ssl::make_server_context(cert_dir + "/server.pem", cert_dir + "/server-key.pem");
  asiows::server server(io, test::echo_config());
  REQUIRE_FALSE(server.listen_tls("127.0.0.1", 0, tls));
  auto client_tls = asiows::ssl::make_client_context(cert_dir + "/ca.pem");
  const auto during = endpoint_echo_allocations(io, server, "wss://localhost:" + std::to_string(server.port()) + "/",
                                                [&](asiows::client<>& client) { client.enable_wss(client_tls); });
  INFO(during.by_operator_new << " allocations by operator new, " << during.by_openssl
                              << " by OpenSSL, for 1200 messages each way");
  CHECK(during.by_operator_new == 0);
  // OpenSSL 3.0 allocates a little bookkeeping for every record it writes
  // (WPACKET), about one per message here, but never its buffers: with them
  // freed and taken again around every record (SSL_MODE_RELEASE_BUFFERS) it
  // makes 1.5 per message.
  CHECK(during.by_openssl <= 1200 * 2 * 5 / 4);
}
#endif
