#include <asiows/asiows.hpp>
#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
#include <asiows/ssl.hpp>
#endif

#include "await.hpp"
#include "background.hpp"
#include "catch.hpp"
#include "core/protocol_driver.hpp"
#include "endpoint/echo_config.hpp"
#include "loopback.hpp"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace test;
using asiows::connection_ptr;
using asiows::message_kind;

namespace {

// A server on 127.0.0.1 (any free port): `config`'s handlers, and an echo unless it has on_message.
struct echo_server {
  explicit echo_server(asio::io_context& io, asiows::server_config<> config = {})
      : server(io, echo_config(std::move(config))) {
    REQUIRE_FALSE(server.listen("127.0.0.1", 0));
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(server.port()) + "/room?x=1"; }
  asiows::server<> server;
};

// A low-level client stream connected to a port, handshake done.
std::unique_ptr<asiows::stream<tcp::socket>> open_stream(asio::io_context& io, unsigned short port,
                                                         asiows::client_handshake_options offer = {}) {
  auto ws = std::make_unique<asiows::stream<tcp::socket>>(io);
  ws->next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  const auto ec = run(io, [&](auto done) { ws->async_handshake("127.0.0.1", "/", offer, done); }).error;
  REQUIRE_FALSE(ec);
  return ws;
}

// Sends a raw HTTP request and returns the response: all of it when the
// server closes after it, or just its head when it upgrades.
std::string http_exchange(unsigned short port, const std::string& request) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(socket, asio::buffer(request));
  std::string response;
  asiows::error_code ec;
  asio::read_until(socket, asio::dynamic_buffer(response), "\r\n\r\n", ec);
  if (!ec && response.rfind("HTTP/1.1 101 ", 0) != 0) asio::read(socket, asio::dynamic_buffer(response), ec);
  return response;
}

} // namespace

TEST_CASE("server + client endpoints: echo, path, remote address, statistics") {
  asio::io_context io;
  asiows::server_config<> opts;
  opts.single_threaded = GENERATE(false, true); // a strand per connection, or none
  std::string seen_path;
  std::string seen_remote;
  opts.on_open = [&](const connection_ptr& c) {
    seen_path = c->path();
    seen_remote = c->remote_address();
  };
  echo_server s(io, std::move(opts));
  asiows::client_config<> client_config;
  std::vector<std::string> replies;
  client_config.on_open = [](const connection_ptr& c) {
    c->send("hello");
    c->send(std::string(100'000, 'b'), message_kind::binary);
  };
  client_config.on_message = [&](const connection_ptr& c, std::string_view m, message_kind) {
    replies.emplace_back(m);
    if (replies.size() == 2) c->close(asiows::close_code::normal, "thanks");
  };
  std::uint16_t close_code = 0;
  client_config.on_close = [&](const connection_ptr&, std::uint16_t code, std::string_view) { close_code = code; };
  asiows::client client(io, std::move(client_config));
  REQUIRE_FALSE(client.connect(s.url()));
  REQUIRE(run_until(io, [&] { return close_code != 0 && s.server.statistics().open_connections == 0; }));
  REQUIRE(replies.size() == 2);
  CHECK(replies[0] == "hello");
  CHECK(replies[1] == std::string(100'000, 'b'));
  CHECK(close_code == 1000);
  CHECK(seen_path == "/room");
  CHECK(seen_remote.rfind("127.0.0.1:", 0) == 0);
  const auto stats = s.server.statistics();
  CHECK(stats.messages_in == 2);
  CHECK(stats.messages_out == 2);
  CHECK(stats.bytes_in == 100'005);
  CHECK(stats.open_connections == 0);
  CHECK(stats.queued_bytes == 0);
}

TEST_CASE("server: the handshake hook refuses a bad origin with 403") {
  asio::io_context io;
  asiows::server_config<> config;
  config.on_handshake = [](const asiows::http_request& request, asiows::handshake_answer& answer) {
    if (request.origin().value_or("") != "https://good.example") {
      answer.refuse(403, "origin not allowed\n");
    }
  };
  echo_server s(io, std::move(config));
  std::thread runner([&] { run_bounded(io, 10s); });
  asiows::client_handshake bad;
  bad.start("127.0.0.1", "/");
  const std::string refused = http_exchange(s.server.port(), bad.request());
  CHECK(refused.rfind("HTTP/1.1 403 Forbidden\r\n", 0) == 0);
  CHECK(refused.find("\r\n\r\norigin not allowed\n") != std::string::npos);

  asiows::client_handshake good;
  asiows::client_handshake_options offer;
  offer.origin = "https://good.example";
  good.start("127.0.0.1", "/", offer);
  const std::string accepted = http_exchange(s.server.port(), good.request() /* then we hang up */);
  CHECK(accepted.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
  s.server.shutdown();
  runner.join();
}

TEST_CASE("server: one port serves a page over plain HTTP and its WebSocket") {
  asio::io_context io;
  asiows::server_config<> config;
  config.on_http = [](const asiows::http_request& request) {
    if (request.path() == "/") return asiows::http_reply{200, "text/html; charset=utf-8", "<h1>chat</h1>", {}};
    return asiows::http_reply{404, "text/plain", "not found\n", {}};
  };
  echo_server s(io, std::move(config));
  std::thread runner([&] { run_bounded(io, 10s); });
  const std::string page = http_exchange(s.server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(page.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(page.find("Content-Type: text/html; charset=utf-8\r\n") != std::string::npos);
  CHECK(page.find("\r\n\r\n<h1>chat</h1>") != std::string::npos);
  CHECK(http_exchange(s.server.port(), "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 404 ", 0) == 0);
  CHECK(http_exchange(s.server.port(), "GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(20000, 'x') + "\r\n\r\n")
            .rfind("HTTP/1.1 431 ", 0) == 0);
  s.server.shutdown();
  runner.join();

  asio::io_context io2;
  echo_server plain(io2); // no on_http
  std::thread runner2([&] { run_bounded(io2, 10s); });
  CHECK(http_exchange(plain.server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 426 ", 0) == 0);
  plain.server.shutdown();
  runner2.join();
}

TEST_CASE("server: broadcast reaches every connection, broadcast_if a chosen set") {
  asio::io_context io;
  echo_server s(io);
  std::vector<std::unique_ptr<asiows::stream<tcp::socket>>> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(open_stream(io, s.server.port()));
  REQUIRE(run_until(io, [&] { return s.server.connections().size() == 3; }));
  CHECK(s.server.broadcast("to all") == 3);
  const std::uint64_t first_id = s.server.connections().front()->id();
  CHECK(s.server.broadcast_if("to one", message_kind::text,
                              [&](const asiows::connection& c) { return c.id() == first_id; }) == 1);
  int got_one = 0;
  for (auto& ws : clients) {
    std::string message;
    REQUIRE_FALSE(run(io, [&](auto done) { ws->async_read(asio::dynamic_buffer(message), done); }).error);
    CHECK(message == "to all");
    message.clear();
    pending second;
    ws->async_read(asio::dynamic_buffer(message), second.handler());
    run_for(io, 50ms);
    if (message == "to one") ++got_one;
    ws->abort();
    second.wait(io);
  }
  CHECK(got_one == 1);
}

TEST_CASE("server: graceful shutdown sends 1001 and lets io.run() return") {
  asio::io_context io;
  asiows::server_config<> opts;
  opts.shutdown_timeout = 2s;
  std::atomic<int> closed_on_server{0};
  opts.on_close = [&](const connection_ptr&, std::uint16_t, std::string_view) { ++closed_on_server; };
  echo_server s(io, std::move(opts));
  std::vector<std::unique_ptr<asiows::stream<tcp::socket>>> clients;
  std::vector<std::unique_ptr<pending>> reads;
  std::vector<std::string> buffers(3);
  for (int i = 0; i < 3; ++i) {
    clients.push_back(open_stream(io, s.server.port()));
    reads.push_back(std::make_unique<pending>());
    clients.back()->async_read(asio::dynamic_buffer(buffers[static_cast<std::size_t>(i)]), reads.back()->handler());
  }
  REQUIRE(run_until(io, [&] { return s.server.connections().size() == 3; }));
  s.server.shutdown();
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(reads[i]->wait(io).error == asiows::error::closed);
    CHECK(clients[i]->close_code() == asiows::close_code::going_away);
  }
  const auto start = std::chrono::steady_clock::now();
  run_bounded(io, 5s); // returns once nothing is left: listeners closed, connections gone
  CHECK(std::chrono::steady_clock::now() - start < 1500ms); // not the whole shutdown_timeout
  CHECK(closed_on_server == 3);
}

TEST_CASE("server: a peer that never reads cannot grow the send queue past its bound") {
  const auto policy = GENERATE(asiows::backpressure_policy::close_connection, asiows::backpressure_policy::report);
  asio::io_context io;
  asiows::server_config<> opts;
  opts.max_send_queue_bytes = 1 << 20;
  opts.on_queue_full = policy;
  connection_ptr server_side;
  opts.on_open = [&](const connection_ptr& c) { server_side = c; };
  std::vector<asiows::error_code> errors;
  opts.on_error = [&](const connection_ptr&, asiows::error_code ec) { errors.push_back(ec); };
  int closes = 0;
  opts.on_close = [&](const connection_ptr&, std::uint16_t, std::string_view) { ++closes; };
  const std::size_t bound = opts.max_send_queue_bytes;
  echo_server s(io, std::move(opts));
  auto reader_that_never_reads = open_stream(io, s.server.port());
  REQUIRE(run_until(io, [&] { return bool(server_side); }));
  const std::string chunk(64 * 1024, 'q');
  std::size_t queued = 0, refused = 0, peak = 0;
  std::vector<asiows::send_status> refusals;
  for (int i = 0; i < 2000; ++i) { // 128 MiB offered in all
    const auto status = server_side->send(chunk, message_kind::binary);
    (status == asiows::send_status::queued ? queued : refused)++;
    if (status != asiows::send_status::queued && refusals.size() < 2) refusals.push_back(status);
    peak = std::max(peak, s.server.statistics().queued_bytes);
    if (i % 50 == 0) run_for(io, 5ms); // let the socket buffers fill
  }
  CHECK(refused > 0);
  CHECK(peak <= bound + chunk.size());
  if (policy == asiows::backpressure_policy::close_connection) {
    // The first refusal says the connection is being closed for it; later sends find it closed.
    CHECK(refusals == std::vector<asiows::send_status>{asiows::send_status::queue_full_closing,
                                                       asiows::send_status::closed});
    // Long before the close timeout (5 s), the application knows why.
    REQUIRE(run_until(io, [&] { return !errors.empty(); }, 1s));
    CHECK(errors == std::vector<asiows::error_code>{asiows::error::send_queue_full});
    CHECK(closes == 0);
    reader_that_never_reads->abort(); // it would never read the Close either
    REQUIRE(run_until(io, [&] { return s.server.connections().empty(); }));
    CHECK(s.server.statistics().queued_bytes == 0);
    CHECK(closes == 1);
    CHECK(errors.size() == 1); // one error per connection: the reason, not its consequences
  } else {
    CHECK(refusals == std::vector<asiows::send_status>{asiows::send_status::queue_full,
                                                       asiows::send_status::queue_full});
    CHECK(errors.empty());
    CHECK(s.server.connections().size() == 1); // the caller decides what to do
    CHECK(server_side->queued_bytes() <= bound);
    reader_that_never_reads->abort();
    run_for(io, 200ms);
  }
}

TEST_CASE("server: many threads sending on one connection deliver every message, each thread's in order") {
  // On strands with two io threads, and without strands with one.
  const bool single_threaded = GENERATE(false, true);
  asio::io_context io;
  asiows::server_config<> opts;
  opts.single_threaded = single_threaded;
  connection_ptr server_side;
  opts.on_open = [&](const connection_ptr& c) { server_side = c; };
  echo_server s(io, std::move(opts));
  auto ws = open_stream(io, s.server.port());
  REQUIRE(run_until(io, [&] { return bool(server_side); }));
  std::thread io_thread_a([&] { io.run_for(10s); });
  std::thread io_thread_b([&] {
    if (!single_threaded) io.run_for(10s);
  });
  constexpr int senders = 4, per_sender = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < senders; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_sender; ++i)
        server_side->send(std::to_string(t) + ":" + std::to_string(i));
    });
  for (auto& thread : threads) thread.join();
  // The client stream is not thread-safe: stop the io threads, then read on this one.
  io.stop();
  io_thread_a.join();
  io_thread_b.join();
  io.restart();
  std::vector<int> next(senders, 0);
  int received = 0;
  bool in_order = true;
  while (received < senders * per_sender) {
    std::string message;
    const auto result = run(io, [&](auto done) { ws->async_read(asio::dynamic_buffer(message), done); });
    if (result.error) break;
    const auto colon = message.find(':');
    const int t = std::stoi(message.substr(0, colon)), i = std::stoi(message.substr(colon + 1));
    in_order = in_order && i == next[static_cast<std::size_t>(t)];
    next[static_cast<std::size_t>(t)] = i + 1;
    ++received;
  }
  CHECK(received == senders * per_sender);
  CHECK(in_order);
}

TEST_CASE("server: over a Unix domain socket") {
  asio::io_context io;
  asiows::server server(io, echo_config());
  const std::string path = "/tmp/asiows-test-" + std::to_string(::getpid()) + ".sock";
  ::unlink(path.c_str());
  REQUIRE_FALSE(server.listen_unix(path));
  asiows::stream<asio::local::stream_protocol::socket> ws(io);
  ws.next_layer().connect(asio::local::stream_protocol::endpoint(path));
  REQUIRE_FALSE(run(io, [&](auto done) { ws.async_handshake("localhost", "/", done); }).error);
  REQUIRE_FALSE(run(io, [&](auto done) { ws.async_write(message_kind::text, asio::buffer("unix", 4), done); }).error);
  std::string reply;
  REQUIRE_FALSE(run(io, [&](auto done) { ws.async_read(asio::dynamic_buffer(reply), done); }).error);
  CHECK(reply == "unix");
  ::unlink(path.c_str());
}

TEST_CASE("server: upgrades past max_connections get 503") {
  asio::io_context io;
  asiows::server_config<> opts;
  opts.max_connections = 1;
  echo_server s(io, std::move(opts));
  auto first = open_stream(io, s.server.port());
  REQUIRE(run_until(io, [&] { return s.server.connections().size() == 1; }));
  asiows::stream<tcp::socket> second(io);
  second.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.server.port()));
  const auto ec = run(io, [&](auto done) { second.async_handshake("127.0.0.1", "/", done); }).error;
  CHECK(ec == asiows::error::bad_status);
  REQUIRE(second.handshake_response());
  CHECK(second.handshake_response()->status == 503);
}

#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
TEST_CASE("server: send's compress override, and compressor memory in the statistics") {
  asio::io_context io;
  asiows::server_config<> opts;
  opts.connection.enable_deflate = true;
  const std::string json(5000, 'j');
  opts.on_message = [&](const connection_ptr& c, std::string_view m, message_kind) {
    if (m == "never") c->send(json, message_kind::text, asiows::compress_mode::never);
    if (m == "always") c->send("tiny", message_kind::text, asiows::compress_mode::always);
  };
  asiows::server server(io, std::move(opts));
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));
  background_run background(io); // the server's thread; this one plays a blocking peer
  asio::io_context peer_io;
  tcp::socket socket(peer_io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  raw_peer peer(std::move(socket), asiows::role::client);
  asiows::client_handshake request;
  asiows::client_handshake_options offer;
  offer.extensions = "permessage-deflate";
  request.start("127.0.0.1", "/", offer);
  REQUIRE(peer.handshake(request.request()).find("Sec-WebSocket-Extensions: permessage-deflate") != std::string::npos);

  // 5000 bytes, well past the threshold, go out uncompressed: FIN + text, RSV1 clear.
  peer.send(message_kind::text, "never");
  const std::string plain = peer.read_raw_until([&](const std::string& r) { return r.size() >= 4 + json.size(); });
  REQUIRE(plain.size() == 4 + json.size());
  CHECK(plain.substr(0, 4) == std::string("\x81\x7e\x13\x88", 4));
  CHECK(plain.substr(4) == json);
  CHECK(server.statistics().compression_memory_bytes == 0); // no message compressed or inflated yet

  // 4 bytes, under the threshold, go out compressed: RSV1 set.
  peer.send(message_kind::text, "always");
  const std::string compressed = peer.read_raw_until([](const std::string& r) {
    return r.size() >= 2 && r.size() >= 2 + (static_cast<std::size_t>(r[1]) & 0x7f);
  });
  REQUIRE(compressed.size() >= 2);
  CHECK(static_cast<unsigned char>(compressed[0]) == 0xc1);
  asiows::deflate_codec inflater(asiows::deflate_params{}, {});
  std::uint8_t out[64];
  const auto step = inflater.decompress(reinterpret_cast<const std::uint8_t*>(compressed.data()) + 2,
                                        compressed.size() - 2, true, out, sizeof out);
  CHECK(step.message_done);
  CHECK(std::string(reinterpret_cast<const char*>(out), step.produced) == "tiny");

  // The compressor now exists (window 15, memory level 4: 2^17 + 2^13); it is released with the connection.
  CHECK(eventually([&] { return server.statistics().compression_memory_bytes == (1u << 17) + (1u << 13); }));
  std::vector<std::uint8_t> close_frame;
  peer.engine().serialize_close(1000, "", close_frame);
  peer.send_raw(close_frame);
  std::string reason;
  CHECK(peer.next_event(reason).type == asiows::event_type::close);
  CHECK(peer.sees_eof());
  CHECK(eventually([&] {
    const auto stats = server.statistics();
    return stats.open_connections == 0 && stats.compression_memory_bytes == 0;
  }));
}
#endif

TEST_CASE("server: pipelined messages reach the handler in order, and a bad one fails the connection after the good ones are handled") {
  asio::io_context io;
  asiows::server_config<> config;
  std::vector<std::string> handled;
  config.on_message = [&](const connection_ptr& c, std::string_view m, message_kind k) {
    handled.emplace_back(m);
    c->send(m, k);
  };
  asiows::error_code server_error;
  config.on_error = [&](const connection_ptr&, asiows::error_code ec) { server_error = ec; };
  echo_server s(io, std::move(config));
  auto ws = open_stream(io, s.server.port());

  std::vector<std::string> payloads;
  std::vector<asiows::outgoing_message> batch;
  for (int i = 0; i < 100; ++i) payloads.push_back("message " + std::to_string(i));
  for (const auto& p : payloads) batch.push_back({message_kind::text, asio::buffer(p)});
  REQUIRE_FALSE(run(io, [&](auto done) { ws->async_write_batch(batch.data(), batch.size(), done); }).error);
  for (const auto& expected : payloads) {
    std::string reply;
    REQUIRE_FALSE(run(io, [&](auto done) { ws->async_read(asio::dynamic_buffer(reply), done); }).error);
    CHECK(reply == expected);
  }
  CHECK(handled == payloads);

  const std::string good = "still fine", bad("\xc3\x28", 2);
  const asiows::outgoing_message last[] = {{message_kind::text, asio::buffer(good)},
                                           {message_kind::text, asio::buffer(bad)}};
  REQUIRE_FALSE(run(io, [&](auto done) { ws->async_write_batch(last, 2, done); }).error);
  // The reply to the good message goes out before the Close that fails the connection.
  std::string reply;
  CHECK_FALSE(run(io, [&](auto done) { ws->async_read(asio::dynamic_buffer(reply), done); }).error);
  CHECK(reply == good);
  const auto read_error = run(io, [&](auto done) { ws->async_read(asio::dynamic_buffer(reply), done); }).error;
  CHECK(read_error == asiows::error::closed);
  CHECK(ws->close_code() == 1007);
  CHECK(handled.back() == good);
  CHECK(server_error == asiows::error::invalid_utf8);
}

TEST_CASE("server: replies to the messages before a bad frame or the peer's Close go out ahead of our Close") {
  asio::io_context io;
  asiows::server_config<> opts;
  opts.single_threaded = GENERATE(false, true);
  const bool single_threaded = opts.single_threaded;
  echo_server s(io, std::move(opts));
  background_run background(io);
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.server.port()));
  raw_peer peer(std::move(socket), asiows::role::client);
  REQUIRE(peer.handshake().rfind("HTTP/1.1 101 ", 0) == 0);

  // In one write: a ping, two messages, then what ends the connection, then a ping that must go unanswered.
  const bool bad_frame = GENERATE(false, true);
  CAPTURE(single_threaded, bad_frame);
  const test::bytes ending = bad_frame ? test::raw_frame(0xA1, "RSV2", true) // text with RSV2: 1002
                                       : test::raw_frame(0x88, test::close_payload(1000), true);
  peer.send_raw(test::raw_frame(0x89, "before", true) + test::raw_frame(0x81, "one", true) +
                test::raw_frame(0x82, "two", true) + ending + test::raw_frame(0x89, "after", true));

  std::vector<std::string> seen;
  std::string payload;
  for (;;) {
    const asiows::event ev = peer.next_event(payload);
    if (ev.type == asiows::event_type::need_more) break; // EOF (or nothing for 5 s)
    if (ev.type == asiows::event_type::message_data) seen.push_back("message:" + payload);
    if (ev.type == asiows::event_type::pong) seen.push_back("pong:" + payload);
    if (ev.type == asiows::event_type::close) seen.push_back("close:" + std::to_string(ev.close_code));
    if (ev.type == asiows::event_type::close || ev.type == asiows::event_type::failure) break;
  }
  CHECK(seen == std::vector<std::string>{"pong:before", "message:one", "message:two",
                                         bad_frame ? "close:1002" : "close:1000"});
  CHECK(peer.sees_eof());
}

#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
TEST_CASE("server: over wss too, the reply to a message before a bad frame goes out ahead of the Close") {
  const std::string cert_dir = ASIOWS_TEST_CERT_DIR;
  asio::io_context io;
  auto tls = asiows::ssl::make_server_context(cert_dir + "/server.pem", cert_dir + "/server-key.pem");
  auto client_tls = asiows::ssl::make_client_context(cert_dir + "/ca.pem");
  asiows::server server(io, echo_config());
  REQUIRE_FALSE(server.listen_tls("127.0.0.1", 0, tls));

  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  asiows::stream<asiows::ssl::socket_stream<tcp::socket>> ws(std::move(socket), client_tls);
  REQUIRE_FALSE(asiows::ssl::prepare_client(ws.next_layer(), "localhost"));
  REQUIRE_FALSE(run(io, [&](auto done) { ws.next_layer().async_handshake(asio::ssl::stream_base::client, done); }).error);
  REQUIRE_FALSE(run(io, [&](auto done) { ws.async_handshake("localhost", "/", done); }).error);

  // Raw frames through the TLS layer: a message, then a continuation with nothing to continue.
  const test::bytes wire = test::raw_frame(0x81, "fragment1", true) + test::raw_frame(0x80, "orphan", true);
  REQUIRE_FALSE(run(io, [&](auto done) { asio::async_write(ws.next_layer(), asio::buffer(wire), done); }).error);
  std::string reply;
  CHECK_FALSE(run(io, [&](auto done) { ws.async_read(asio::dynamic_buffer(reply), done); }).error);
  CHECK(reply == "fragment1");
  CHECK(run(io, [&](auto done) { ws.async_read(asio::dynamic_buffer(reply), done); }).error == asiows::error::closed);
  CHECK(ws.close_code() == 1002);
  server.shutdown();
  run_for(io, 100ms);
}
#endif
