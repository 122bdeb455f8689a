#include <asiows/message_buffer.hpp>
#include <asiows/stream.hpp>
#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
#include <asiows/core/deflate_codec.hpp>
#endif

#include "accepted_pair.hpp"
#include "await.hpp"
#include "catch.hpp"
#include "echo_session.hpp"
#include "loopback.hpp"

#include <array>
#include <memory>
#include <string>
#include <thread>

using namespace test;
using asiows::message_kind;
using ws_stream = asiows::stream<tcp::socket>;

namespace {

// A client stream connected to an echo session on the same io_context.
struct echo_fixture {
  explicit echo_fixture(asiows::options server_options = {}, asiows::options client_options = {}) {
    auto [server_socket, client_socket] = connected_pair(io);
    session = std::make_shared<echo_session<tcp::socket>>(std::move(server_socket), server_options);
    session->start();
    client = std::make_unique<ws_stream>(std::move(client_socket));
    client->set_options(client_options);
  }

  void handshake() {
    const auto ec = run(io, [&](auto done) { client->async_handshake("127.0.0.1", "/echo", done); }).error;
    REQUIRE_FALSE(ec);
  }

  std::string echo(message_kind kind, const std::string& payload) {
    auto [write_error, written] = run(io, [&](auto done) { client->async_write(kind, asio::buffer(payload), done); });
    REQUIRE_FALSE(write_error);
    CHECK(written == payload.size());
    std::string reply;
    auto [read_error, read] = run(io, [&](auto done) { client->async_read(asio::dynamic_buffer(reply), done); });
    REQUIRE_FALSE(read_error);
    CHECK(read == reply.size());
    CHECK(client->got_text() == (kind == message_kind::text));
    return reply;
  }

  asio::io_context io;
  std::shared_ptr<echo_session<tcp::socket>> session;
  std::unique_ptr<ws_stream> client;
};

// An echo session served on a background thread, and a raw peer (the test
// thread, blocking) connected to it.
struct raw_fixture {
  explicit raw_fixture(asiows::options opts = {}) {
    auto [server_socket, client_socket] = connected_pair(io);
    session = std::make_shared<echo_session<tcp::socket>>(std::move(server_socket), opts);
    peer = std::make_unique<raw_peer>(std::move(client_socket), asiows::role::client);
  }
  // Starts serving; `session->decide` may be set before.
  void start() {
    session->start();
    server = std::thread([this] { run_bounded(io, 10s); });
  }
  // Waits for the server side to finish (the test made it end).
  void join() {
    if (server.joinable()) server.join();
  }
  ~raw_fixture() {
    peer->socket().close();
    join();
  }

  asio::io_context io;
  std::shared_ptr<echo_session<tcp::socket>> session;
  std::unique_ptr<raw_peer> peer;
  std::thread server;
};

// One masked frame as a client sends it; `first` holds FIN, RSV and the opcode.
std::vector<std::uint8_t> raw_frame_for_test(std::uint8_t first, const std::string& payload) {
  std::vector<std::uint8_t> out{first};
  const std::uint8_t key[4] = {1, 2, 3, 4};
  if (payload.size() < 126) {
    out.push_back(static_cast<std::uint8_t>(0x80 | payload.size()));
  } else {
    out.push_back(0x80 | 126);
    out.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(payload.size()));
  }
  out.insert(out.end(), key, key + 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(static_cast<std::uint8_t>(static_cast<std::uint8_t>(payload[i]) ^ key[i % 4]));
  return out;
}

std::string pattern(std::size_t size) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>('a' + i % 26);
  return data;
}

} // namespace

TEST_CASE("stream: text and binary echo from 0 bytes to 16 MiB over TCP") {
  echo_fixture f;
  f.handshake();
  CHECK(f.client->is_open());
  for (std::size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 1u << 20, 16u << 20}) {
    CAPTURE(size);
    const std::string payload = pattern(size);
    CHECK(f.echo(message_kind::text, payload) == payload);
    CHECK(f.echo(message_kind::binary, payload) == payload);
  }
  CHECK(f.session->echoed == 16);
}

TEST_CASE("stream: fragmented sends arrive as one message, and read_some streams the pieces") {
  asiows::options fragmenting;
  fragmenting.auto_fragment_size = 1000;
  echo_fixture f({}, fragmenting);
  f.handshake();
  const std::string big = pattern(10'000); // ten frames from the client
  CHECK(f.echo(message_kind::text, big) == big);

  // Hand-made fragments.
  auto [e1, n1] = run(f.io, [&](auto done) { f.client->async_write_some(message_kind::binary, false, asio::buffer("Hel", 3), done); });
  auto [e2, n2] = run(f.io, [&](auto done) { f.client->async_write_some(message_kind::binary, true, asio::buffer("lo", 2), done); });
  REQUIRE_FALSE(e1);
  REQUIRE_FALSE(e2);
  std::string streamed;
  do {
    auto [ec, n] = run(f.io, [&](auto done) { f.client->async_read_some(asio::dynamic_buffer(streamed), done); });
    REQUIRE_FALSE(ec);
  } while (!f.client->is_message_done());
  CHECK(streamed == "Hello");
}

TEST_CASE("stream: the client closes, and both sides see the close handshake") {
  echo_fixture f;
  f.handshake();
  const auto ec = run(f.io, [&](auto done) { f.client->async_close(asiows::close_code::normal, "done", done); }).error;
  CHECK_FALSE(ec);
  CHECK(run_until(f.io, [&] { return f.session->ended; }));
  CHECK(f.session->end == asiows::error::closed);
  CHECK(f.session->ws.close_code() == 1000);
  CHECK(f.session->ws.close_reason() == "done");
  CHECK(f.client->close_code() == 1000); // the server echoed the code
  CHECK_FALSE(f.client->is_open());
  auto [write_error, n] = run(f.io, [&](auto done) { f.client->async_write(message_kind::text, asio::buffer("late", 4), done); });
  CHECK(write_error == asiows::error::closed);
}

TEST_CASE("stream: the server closes while the client reads") {
  echo_fixture f;
  f.handshake();
  std::string reply;
  pending read;
  f.client->async_read(asio::dynamic_buffer(reply), read.handler());
  run_for(f.io, 20ms);
  f.session->ws.async_close(asiows::close_code::going_away, "restarting", [](asiows::error_code) {});
  auto [ec, n] = read.wait(f.io);
  CHECK(ec == asiows::error::closed);
  CHECK(f.client->close_code() == asiows::close_code::going_away);
  CHECK(f.client->close_reason() == "restarting");
}

TEST_CASE("stream: a ping is answered while a read is pending") {
  raw_fixture f;
  f.start();
  CHECK(f.peer->handshake().rfind("HTTP/1.1 101 ", 0) == 0);
  std::vector<std::uint8_t> ping;
  f.peer->engine().serialize_ping("are you there", 13, ping);
  f.peer->send_raw(ping);
  std::string payload;
  const asiows::event ev = f.peer->next_event(payload);
  CHECK(ev.type == asiows::event_type::pong);
  CHECK(payload == "are you there");
  f.peer->socket().close(); // a drop without a Close
  f.join();
  CHECK(f.session->ended);
  CHECK(f.session->end == asio::error::eof);
}

TEST_CASE("stream: a protocol error gets its close code, then the server drops TCP") {
  raw_fixture f;
  f.start();
  f.peer->handshake();
  f.peer->send_raw(std::string("\x81\x02hi", 4)); // unmasked: clients must mask
  std::string payload;
  const asiows::event ev = f.peer->next_event(payload);
  CHECK(ev.type == asiows::event_type::close);
  CHECK(ev.close_code == 1002);
  CHECK(f.peer->sees_eof());
  f.join();
  CHECK(f.session->end == asiows::error::unmasked_client_frame);
}

TEST_CASE("stream: refused handshakes get clean HTTP answers") {
  struct refusal {
    std::string name;
    std::string request;
    std::string status_line;
  };
  asiows::client_handshake valid;
  valid.start("127.0.0.1", "/");
  const std::string good = valid.request();
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string copy = good;
    copy.replace(copy.find(from), from.size(), to);
    return copy;
  };
  const refusal cases[] = {
      {"bad origin", replaced("\r\n\r\n", "\r\nOrigin: http://evil.example\r\n\r\n"), "HTTP/1.1 403 Forbidden"},
      {"bad version", replaced("Version: 13", "Version: 8"), "HTTP/1.1 426 Upgrade Required"},
      {"not an upgrade", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 426 Upgrade Required"},
      {"header flood", "GET / HTTP/1.1\r\nX: " + std::string(20'000, 'x') + "\r\n\r\n",
       "HTTP/1.1 431 Request Header Fields Too Large"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    raw_fixture f;
    f.session->decide = [](const asiows::http_request& request, asiows::handshake_answer& answer) {
      if (request.origin() && *request.origin() != "https://good.example") {
        answer.refuse(403, "origin not allowed\n");
      }
    };
    f.start();
    const std::string reply = f.peer->handshake(c.request);
    CHECK(reply.rfind(c.status_line + "\r\n", 0) == 0);
    CHECK(f.peer->sees_eof());
    f.join();
    CHECK(f.session->accept_error);
  }
}

TEST_CASE("stream: a peer that never finishes the handshake is dropped at the handshake timeout") {
  asio::io_context io;
  auto [server_socket, client_socket] = connected_pair(io);
  asiows::options opts;
  opts.handshake_timeout = 200ms;
  auto session = std::make_shared<echo_session<tcp::socket>>(std::move(server_socket), opts);
  const auto start = std::chrono::steady_clock::now(); // before start() arms the deadline
  session->start();
  asio::write(client_socket, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: slow\r\n"))); // and nothing more
  CHECK(run_until(io, [&] { return session->ended; }));
  CHECK(session->accept_error == asiows::error::timeout);
  CHECK(std::chrono::steady_clock::now() - start >= 200ms);
}

TEST_CASE("stream: keepalive keeps a live peer and drops a silent one") {
  asiows::options opts;
  opts.keepalive_interval = 100ms;
  opts.idle_timeout = 400ms; // margins for slow sanitizer runs on a busy machine

  SECTION("a peer that answers pings stays") {
    echo_fixture f(opts, opts); // the asiows client answers pings while it reads
    f.handshake();
    std::string reply;
    pending read;
    f.client->async_read(asio::dynamic_buffer(reply), read.handler());
    run_for(f.io, 1000ms); // two and a half idle timeouts
    CHECK_FALSE(f.session->ended);
    CHECK(f.client->is_open());
    const auto ec = run(f.io, [&](auto done) { f.client->async_close(1000, "", done); }).error;
    CHECK_FALSE(ec);
    auto [read_error, n] = read.wait(f.io);
    CHECK(read_error == asiows::error::closed);
  }
  SECTION("a peer that never answers is dropped") {
    raw_fixture f(opts);
    f.start();
    f.peer->handshake(); // then silence: pings pile up unanswered
    f.join();
    CHECK(f.session->end == asiows::error::timeout);
  }
}

TEST_CASE("stream: over a Unix domain socket") {
  asio::io_context io;
  asio::local::stream_protocol::socket server_socket(io), client_socket(io);
  asio::local::connect_pair(server_socket, client_socket);
  auto session = std::make_shared<echo_session<asio::local::stream_protocol::socket>>(std::move(server_socket));
  session->start();
  asiows::stream<asio::local::stream_protocol::socket> client(std::move(client_socket));
  const auto ec = run(io, [&](auto done) { client.async_handshake("localhost", "/", done); }).error;
  REQUIRE_FALSE(ec);
  auto [write_error, n] = run(io, [&](auto done) { client.async_write(message_kind::text, asio::buffer("over unix", 9), done); });
  REQUIRE_FALSE(write_error);
  std::string reply;
  auto [read_error, m] = run(io, [&](auto done) { client.async_read(asio::dynamic_buffer(reply), done); });
  REQUIRE_FALSE(read_error);
  CHECK(reply == "over unix");
}

TEST_CASE("stream: a subprotocol chosen by the server reaches the client") {
  echo_fixture f;
  f.session->decide = [](const asiows::http_request& request, asiows::handshake_answer& answer) {
    for (const auto& offered : asiows::offered_subprotocols(request))
      if (offered == "chat.v2") answer.accept.subprotocol = offered;
  };
  asiows::client_handshake_options offer;
  offer.subprotocols = {"chat.v3", "chat.v2"};
  const auto ec = run(f.io, [&](auto done) { f.client->async_handshake("127.0.0.1", "/", offer, done); }).error;
  REQUIRE_FALSE(ec);
  CHECK(f.client->subprotocol() == "chat.v2");
  CHECK(f.session->ws.subprotocol() == "chat.v2");
}

TEST_CASE("stream: a client sees why the server refused") {
  echo_fixture f;
  f.session->decide = [](const asiows::http_request&, asiows::handshake_answer& answer) {
    answer.refuse(401);
    answer.accept.fields.add("WWW-Authenticate", "Bearer");
  };
  const auto ec = run(f.io, [&](auto done) { f.client->async_handshake("127.0.0.1", "/", done); }).error;
  CHECK(ec == asiows::error::bad_status);
  REQUIRE(f.client->handshake_response());
  CHECK(f.client->handshake_response()->status == 401);
  CHECK(f.client->handshake_response()->fields.find("WWW-Authenticate") == std::string_view("Bearer"));
}

TEST_CASE("stream: destroying a stream with operations pending completes them") {
  asio::io_context io;
  auto [server_socket, client_socket] = connected_pair(io);
  auto client = std::make_unique<ws_stream>(std::move(client_socket));
  pending handshake;
  client->async_handshake("127.0.0.1", "/", handshake.handler()); // the server never answers
  run_for(io, 20ms);
  client.reset();
  const auto ec = handshake.wait(io).error;
  CHECK(ec); // operation_aborted or bad_descriptor; what matters is that it completes, without ASan complaints
}

TEST_CASE("stream: a ping that arrives during a long batch write is answered when the write ends") {
  asio::io_context io;
  auto [server_socket, client_socket] = connected_pair(io);
  auto server = std::make_shared<ws_stream>(std::move(server_socket));
  const std::string big(8 << 20, 'z'); // far more than the socket buffers hold
  asiows::outgoing_message batch[] = {{message_kind::binary, asio::buffer(big)}};
  std::string unused;
  asiows::error_code write_result = asio::error::would_block;
  server->async_accept([&](asiows::error_code ec) {
    REQUIRE_FALSE(ec);
    // The write first: a read may find the ping already here (it tries the socket before
    // waiting), and a pong with the lock free would rightly go out at once.
    server->async_write_batch(batch, 1, [&](asiows::error_code ec2, std::size_t) { write_result = ec2; });
    server->async_read(asio::dynamic_buffer(unused), [](asiows::error_code, std::size_t) {}); // sees the ping
  });
  std::thread runner([&] { run_bounded(io, 10s); });
  raw_peer peer(std::move(client_socket), asiows::role::client);
  peer.handshake();
  std::vector<std::uint8_t> ping;
  peer.engine().serialize_ping("during", 6, ping);
  peer.send_raw(ping); // while the 8 MiB write is stuck
  std::this_thread::sleep_for(100ms);
  std::string payload, received;
  asiows::event ev;
  do {
    ev = peer.next_event(payload);
    if (ev.type == asiows::event_type::message_data) received += payload;
  } while (ev.type == asiows::event_type::message_data);
  CHECK(received.size() == big.size());
  CHECK(ev.type == asiows::event_type::pong);
  CHECK(payload == "during");
  peer.socket().close();
  runner.join();
  CHECK_FALSE(write_result);
}

TEST_CASE("stream: per-operation cancellation ends a pending read (terminal cancellation)") {
  echo_fixture f;
  f.handshake();
  asio::cancellation_signal signal;
  pending read;
  std::string message;
  f.client->async_read(asio::dynamic_buffer(message), asio::bind_cancellation_slot(signal.slot(), read.handler()));
  run_for(f.io, 20ms);
  signal.emit(asio::cancellation_type::terminal);
  CHECK(read.wait(f.io).error == asio::error::operation_aborted);
  CHECK_FALSE(f.client->is_open()); // a read cut mid-frame leaves nothing to resume: the connection ends
}

TEST_CASE("stream: after the peer's Close, writes fail and put nothing on the wire") {
  // A server that sends Close but keeps TCP open: the client waits for the server's FIN.
  asio::io_context io;
  auto [server_socket, client_socket] = connected_pair(io);
  ws_stream client(std::move(client_socket));
  pending handshake;
  client.async_handshake("127.0.0.1", "/", handshake.handler());
  std::string request;
  run_for(io, 20ms);
  asio::read_until(server_socket, asio::dynamic_buffer(request), "\r\n\r\n");
  asiows::server_handshake reader;
  reader.feed(request.data(), request.size());
  std::string response;
  REQUIRE_FALSE(asiows::build_accept_response(reader.request(), {}, response));
  asio::write(server_socket, asio::buffer(response + std::string("\x88\x02\x03\xe8", 4))); // 101, then Close 1000
  REQUIRE_FALSE(handshake.wait(io).error);

  std::string unused;
  pending read; // processes the Close, echoes it, then waits for the server's FIN
  client.async_read(asio::dynamic_buffer(unused), read.handler());
  run_for(io, 50ms);
  const std::string payload = "must not be sent";
  asiows::outgoing_message batch[] = {{message_kind::text, asio::buffer(payload)}};
  CHECK(run(io, [&](auto done) { client.async_write_batch(batch, 1, done); }).error == asiows::error::closed);
  CHECK(run(io, [&](auto done) { client.async_write(message_kind::text, asio::buffer(payload), done); }).error ==
        asiows::error::closed);

  // On the wire: only the client's masked Close echo (2 + 4 + 2 bytes), then our FIN ends it.
  server_socket.shutdown(tcp::socket::shutdown_send);
  CHECK(read.wait(io).error == asiows::error::closed);
  std::string rest;
  asiows::error_code ec;
  asio::read(server_socket, asio::dynamic_buffer(rest), ec);
  CHECK(rest.size() == 8);
  CHECK(static_cast<unsigned char>(rest[0]) == 0x88);
}

#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
TEST_CASE("stream: permessage-deflate negotiated and used both ways") {
  const bool client_wants = GENERATE(true, false);
  asiows::options server_options;
  server_options.enable_deflate = true;
  asiows::options client_options;
  client_options.enable_deflate = client_wants;
  client_options.deflate.client_no_context_takeover = true;
  echo_fixture f(server_options, client_options);
  f.handshake();
  CHECK(f.client->compression_enabled() == client_wants);
  CHECK(f.session->ws.compression_enabled() == client_wants);
  std::string json;
  while (json.size() < 300'000) json += R"({"symbol":"ASW","price":101.5,"qty":7},)";
  for (const std::string& message : {std::string("tiny"), std::string(), json}) {
    CHECK(f.echo(message_kind::text, message) == message);
  }
  // Several at once through the batch path, and a message in several buffers.
  const std::string a = "first " + json.substr(0, 1000), b = "second";
  asiows::outgoing_message batch[] = {{message_kind::text, asio::buffer(a)}, {message_kind::binary, asio::buffer(b)}};
  REQUIRE_FALSE(run(f.io, [&](auto done) { f.client->async_write_batch(batch, 2, done); }).error);
  for (const std::string& expected : {a, b}) {
    std::string reply;
    REQUIRE_FALSE(run(f.io, [&](auto done) { f.client->async_read(asio::dynamic_buffer(reply), done); }).error);
    CHECK(reply == expected);
  }
  const std::array<asio::const_buffer, 2> parts{asio::buffer(json.data(), 1000), asio::buffer(json.data() + 1000, 500)};
  REQUIRE_FALSE(run(f.io, [&](auto done) { f.client->async_write(message_kind::text, parts, done); }).error);
  std::string joined;
  REQUIRE_FALSE(run(f.io, [&](auto done) { f.client->async_read(asio::dynamic_buffer(joined), done); }).error);
  CHECK(joined == json.substr(0, 1500));
}
#endif

#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
TEST_CASE("stream: a compressed message whose output ends exactly with its input is delivered") {
  // Node's zlib compresses 16384 bytes of 0x07 so that the last input byte fills
  // the 16 KiB inflate chunk exactly: the end of the message comes one call later.
  const std::string node_payload_hex = "ecc12101000000c320b9fe8d1fe30628000000000000000000000000000000e06d00";
  std::string payload;
  for (std::size_t i = 0; i < node_payload_hex.size(); i += 2)
    payload += static_cast<char>(std::stoi(node_payload_hex.substr(i, 2), nullptr, 16));
  asiows::options opts;
  opts.enable_deflate = true;
  raw_fixture f(opts);
  f.start();
  asiows::client_handshake request;
  asiows::client_handshake_options offer;
  offer.extensions = "permessage-deflate";
  request.start("127.0.0.1", "/", offer);
  const std::string response = f.peer->handshake(request.request());
  REQUIRE(response.find("Sec-WebSocket-Extensions: permessage-deflate") != std::string::npos);
  f.peer->engine().enable_compression(
      std::make_unique<asiows::deflate_codec>(asiows::deflate_params{}, asiows::deflate_options{}), 0);
  f.peer->send_raw(raw_frame_for_test(0xc2, payload));
  // The echo comes back (compressed by the server, inflated by the peer's protocol).
  std::string echoed, piece;
  asiows::event ev;
  do {
    ev = f.peer->next_event(piece);
    echoed += piece;
  } while (ev.type == asiows::event_type::message_data && !ev.message_complete);
  CHECK(ev.type == asiows::event_type::message_data);
  CHECK(echoed == std::string(16384, '\x07'));
}
#endif

#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
TEST_CASE("stream: a decider that drops the permessage-deflate answer turns compression off") {
  asiows::options both;
  both.enable_deflate = true;
  echo_fixture f(both, both);
  f.session->decide = [](const asiows::http_request&, asiows::handshake_answer& answer) {
    answer.accept.extensions.clear(); // e.g. an application that does not want compression on this path
  };
  f.handshake();
  CHECK_FALSE(f.client->compression_enabled());
  CHECK_FALSE(f.session->ws.compression_enabled());
  const std::string json(5000, 'j');
  CHECK(f.echo(message_kind::text, json) == json);
}
#endif

#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
TEST_CASE("stream: compress_mode overrides the threshold, per write and per batch message") {
  asio::io_context io;
  auto [server_socket, client_socket] = connected_pair(io);
  ws_stream server(std::move(server_socket));
  asiows::options opts;
  opts.enable_deflate = true;
  server.set_options(opts);
  raw_peer peer(std::move(client_socket), asiows::role::client);
  pending accepted;
  server.async_accept(accepted.handler());
  std::thread handshake([&] {
    asiows::client_handshake request;
    asiows::client_handshake_options offer;
    offer.extensions = "permessage-deflate";
    request.start("127.0.0.1", "/", offer);
    peer.handshake(request.request());
  });
  const auto accept_result = accepted.wait(io);
  handshake.join();
  REQUIRE_FALSE(accept_result.error);
  REQUIRE(server.compression_enabled());

  // The peer reads later: all of this fits in the socket's buffers.
  const std::string big(5000, 'j'), tiny = "tiny";
  using asiows::compress_mode;
  REQUIRE_FALSE(run(io, [&](auto done) {
                  server.async_write(message_kind::text, asio::buffer(big), compress_mode::never, done);
                }).error);
  REQUIRE_FALSE(run(io, [&](auto done) {
                  server.async_write(message_kind::text, asio::buffer(tiny), compress_mode::always, done);
                }).error);
  const asiows::outgoing_message batch[] = {{message_kind::text, asio::buffer(tiny), compress_mode::always},
                                            {message_kind::binary, asio::buffer(big), compress_mode::never}};
  REQUIRE_FALSE(run(io, [&](auto done) { server.async_write_batch(batch, 2, done); }).error);

  // Splits unmasked frames (7- and 16-bit lengths) into first byte and payload.
  const auto frames_in = [](const std::string& bytes) {
    std::vector<std::pair<unsigned, std::string>> frames;
    std::size_t at = 0;
    while (at + 2 <= bytes.size()) {
      std::size_t length = static_cast<unsigned char>(bytes[at + 1]) & 0x7f, header = 2;
      if (length == 126) {
        if (at + 4 > bytes.size()) break;
        length = static_cast<std::size_t>(static_cast<unsigned char>(bytes[at + 2])) << 8 |
                 static_cast<unsigned char>(bytes[at + 3]);
        header = 4;
      }
      if (at + header + length > bytes.size()) break;
      frames.emplace_back(static_cast<unsigned char>(bytes[at]), bytes.substr(at + header, length));
      at += header + length;
    }
    return frames;
  };
  const auto frames = frames_in(peer.read_raw_until([&](const std::string& r) { return frames_in(r).size() == 4; }));
  REQUIRE(frames.size() == 4);
  asiows::deflate_codec inflater(asiows::deflate_params{}, {});
  const auto inflate = [&](const std::string& payload) {
    std::uint8_t out[64];
    const auto step = inflater.decompress(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size(), true,
                                          out, sizeof out);
    return step.message_done ? std::string(reinterpret_cast<const char*>(out), step.produced) : "<incomplete>";
  };
  CHECK(frames[0] == std::make_pair(0x81u, big)); // past the threshold, sent as it is
  CHECK(frames[1].first == 0xc1u);                // under it, compressed (RSV1)
  CHECK(inflate(frames[1].second) == tiny);
  CHECK(frames[2].first == 0xc1u);
  CHECK(inflate(frames[2].second) == tiny);
  CHECK(frames[3] == std::make_pair(0x82u, big));
}
#endif


TEST_CASE("stream: try_read takes the messages already received, and only those") {
  accepted_pair p;
  const std::vector<std::uint8_t> fourth = p.frames({"four"});
  std::vector<std::uint8_t> wire = p.frames({"one", "two", "three"});
  wire.insert(wire.end(), fourth.begin(), fourth.begin() + 3); // the fourth message's first bytes
  p.peer->send_raw(wire);

  std::string message;
  CHECK_FALSE(run(p.io, [&](auto done) { p.server->async_read(asio::dynamic_buffer(message), done); }).error);
  CHECK(message == "one");
  for (const std::string expected : {"two", "three"}) {
    REQUIRE(p.server->message_ready());
    message.clear();
    asiows::error_code ec;
    CHECK(p.server->try_read(asio::dynamic_buffer(message), ec) == expected.size());
    CHECK_FALSE(ec);
    CHECK(message == expected);
    CHECK(p.server->got_text());
  }
  // The fourth is incomplete: nothing is taken, and async_read then reads it whole.
  CHECK_FALSE(p.server->message_ready());
  message.clear();
  asiows::error_code ec;
  CHECK(p.server->try_read(asio::dynamic_buffer(message), ec) == 0);
  CHECK(ec == asio::error::would_block);
  CHECK(message.empty());
  p.peer->send_raw(std::vector<std::uint8_t>(fourth.begin() + 3, fourth.end()));
  CHECK_FALSE(run(p.io, [&](auto done) { p.server->async_read(asio::dynamic_buffer(message), done); }).error);
  CHECK(message == "four");
}

TEST_CASE("stream: try_read leaves a Close to async_read") {
  accepted_pair p;
  p.send_then_close({"one", "two"}, 1000, "bye");
  std::string message;
  CHECK_FALSE(run(p.io, [&](auto done) { p.server->async_read(asio::dynamic_buffer(message), done); }).error);
  asiows::error_code ec;
  message.clear();
  CHECK(p.server->try_read(asio::dynamic_buffer(message), ec) == 3);
  CHECK(message == "two");
  CHECK_FALSE(p.server->message_ready());
  CHECK(p.server->try_read(asio::dynamic_buffer(message), ec) == 0);
  CHECK(ec == asio::error::would_block);
  CHECK(run(p.io, [&](auto done) { p.server->async_read(asio::dynamic_buffer(message), done); }).error ==
        asiows::error::closed);
  CHECK(p.server->close_code() == 1000);
  std::string payload;
  CHECK(p.peer->next_event(payload).close_code == 1000); // the echo of the Close
}

TEST_CASE("stream: a message try_read finds invalid fails the connection with 1007") {
  accepted_pair p;
  std::vector<std::uint8_t> wire = p.frames({"fine", std::string("\xff", 1)});
  p.peer->send_raw(wire);
  std::string message;
  CHECK_FALSE(run(p.io, [&](auto done) { p.server->async_read(asio::dynamic_buffer(message), done); }).error);
  REQUIRE(p.server->message_ready()); // whole, though invalid: its bytes are checked as they are taken
  asiows::error_code ec;
  p.server->try_read(asio::dynamic_buffer(message), ec);
  CHECK(ec == asiows::error::invalid_utf8);
  CHECK_FALSE(p.server->is_open());
  run_for(p.io, 200ms); // the Close goes out in the background
  std::string payload;
  const asiows::event ev = p.peer->next_event(payload);
  CHECK(ev.type == asiows::event_type::close);
  CHECK(ev.close_code == 1007);
  CHECK(p.peer->sees_eof());
}


TEST_CASE("stream: the messages try_read took before a bad frame are answered ahead of the Close (Autobahn 5.15)") {
  accepted_pair p;
  std::vector<std::uint8_t> wire = p.frames({"one", "two"});
  for (const auto& frame : {raw_frame_for_test(0xA1, "RSV2"), raw_frame_for_test(0x89, "after")})
    wire.insert(wire.end(), frame.begin(), frame.end());
  p.peer->send_raw(wire); // one write: two messages, a text frame with RSV2 set, a ping

  std::vector<std::string> messages(3);
  REQUIRE_FALSE(run(p.io, [&](auto done) { p.server->async_read(asio::dynamic_buffer(messages[0]), done); }).error);
  asiows::error_code ec;
  CHECK(p.server->try_read(asio::dynamic_buffer(messages[1]), ec) == 3);
  REQUIRE_FALSE(ec);
  REQUIRE(p.server->message_ready()); // the bad frame is whole: taking it fails the connection
  CHECK(p.server->try_read(asio::dynamic_buffer(messages[2]), ec) == 0);
  CHECK(ec == asiows::error::reserved_bits_set);
  // The replies to what came before still go, then the Close; the next read says why it ended.
  const asiows::outgoing_message replies[] = {{message_kind::text, asio::buffer(messages[0])},
                                              {message_kind::text, asio::buffer(messages[1])}};
  CHECK_FALSE(run(p.io, [&](auto done) { p.server->async_write_batch(replies, 2, done); }).error);
  std::string ignored;
  CHECK(run(p.io, [&](auto done) { p.server->async_read(asio::dynamic_buffer(ignored), done); }).error ==
        asiows::error::reserved_bits_set);
  CHECK(peer_sees(*p.peer) == std::vector<std::string>{"text:one", "text:two", "close:1002"}); // no pong
  CHECK(p.peer->sees_eof());
}

TEST_CASE("stream: a reply posted before the read that meets the peer's Close goes ahead of the Close echo") {
  accepted_pair p;
  p.send_then_close({"one"}, 1000);
  std::string message, ignored;
  pending read_close, write_reply;
  // As an endpoint does: the reply is queued (its write starts in a handler of its own), then the next read starts.
  p.server->async_read(asio::dynamic_buffer(message), [&](asiows::error_code ec, std::size_t) {
    REQUIRE_FALSE(ec);
    asio::post(p.io, [&] { p.server->async_write(message_kind::text, asio::buffer(message), write_reply.handler()); });
    p.server->async_read(asio::dynamic_buffer(ignored), read_close.handler());
  });
  CHECK_FALSE(write_reply.wait(p.io).error);
  CHECK(read_close.wait(p.io).error == asiows::error::closed);
  CHECK(peer_sees(*p.peer) == std::vector<std::string>{"text:one", "close:1000"});
  CHECK(p.peer->sees_eof());
}

TEST_CASE("stream: writes queued at the gate before the read that meets the Close go ahead of the Close echo") {
  accepted_pair p;
  p.send_then_close({"one"}, 1000);
  std::string message, ignored;
  const std::string second = "two";
  pending first_write, second_write, read_close;
  p.server->async_read(asio::dynamic_buffer(message), [&](asiows::error_code ec, std::size_t) {
    REQUIRE_FALSE(ec);
    // The first write finishes at once but its completion waits its turn; the second waits at
    // the gate for it; then the read meets the Close. The gate wakes the second write just
    // before the read's own turn comes: the read must let it go first.
    p.server->async_write(message_kind::text, asio::buffer(message), first_write.handler());
    p.server->async_write(message_kind::text, asio::buffer(second), second_write.handler());
    p.server->async_read(asio::dynamic_buffer(ignored), read_close.handler());
  });
  CHECK_FALSE(first_write.wait(p.io).error);
  CHECK_FALSE(second_write.wait(p.io).error);
  CHECK(read_close.wait(p.io).error == asiows::error::closed);
  CHECK(peer_sees(*p.peer) == std::vector<std::string>{"text:one", "text:two", "close:1000"});
}

TEST_CASE("stream: a server's batch copies short payloads and gathers long ones, all intact and in order") {
  accepted_pair p;
  asiows::options opts;
  SECTION("whole messages") {}
  SECTION("fragmented at 100 bytes") { opts.auto_fragment_size = 100; }
  p.server->set_options(opts);
  std::vector<std::string> payloads;
  std::vector<asiows::outgoing_message> batch;
  for (const std::size_t size : {0u, 1u, 125u, 126u, 512u, 513u, 70000u, 3u, 511u, 65536u}) {
    payloads.push_back(pattern(size));
    if (size > 0) payloads.back()[0] = static_cast<char>('A' + payloads.size()); // each one different
  }
  for (std::size_t i = 0; i < payloads.size(); ++i)
    batch.push_back({i % 2 ? message_kind::binary : message_kind::text, asio::buffer(payloads[i])});
  const completion written = run(p.io, [&](auto done) { p.server->async_write_batch(batch.data(), batch.size(), done); });
  REQUIRE_FALSE(written.error);
  std::size_t total = 0;
  for (const auto& payload : payloads) total += payload.size();
  CHECK(written.bytes == total);
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    std::string received, piece;
    asiows::event ev;
    do { // one event per frame when fragmented
      ev = p.peer->next_event(piece);
      REQUIRE(ev.type == asiows::event_type::message_data);
      received += piece;
    } while (!ev.message_complete);
    CHECK(ev.kind == batch[i].kind);
    CHECK(received == payloads[i]);
  }
}

TEST_CASE("stream: invalid UTF-8 deep in a large text message fails it with 1007") {
  accepted_pair p;
  std::string text(100000, 'a');
  text[60000] = '\xff';
  p.peer->send(message_kind::text, text);
  std::string message;
  CHECK(run(p.io, [&](auto done) { p.server->async_read(asio::dynamic_buffer(message), done); }).error ==
        asiows::error::invalid_utf8);
  CHECK(message.size() <= 60000); // nothing from the invalid piece on is delivered
  run_for(p.io, 200ms);
  std::string payload;
  const asiows::event ev = p.peer->next_event(payload);
  CHECK(ev.type == asiows::event_type::close);
  CHECK(ev.close_code == 1007);
}

TEST_CASE("stream: async_read into a message_buffer, small and large messages, the buffer reused") {
  accepted_pair p;
  asiows::message_buffer message;
  for (const std::size_t size : {0u, 5u, 125u, 4096u, 70000u, 3u, 300000u}) {
    const std::string sent = pattern(size);
    p.peer->send(message_kind::binary, sent); // a large one is read partly straight into the buffer
    message.clear();
    const completion got = run(p.io, [&](auto done) { p.server->async_read(message, done); });
    REQUIRE_FALSE(got.error);
    CHECK(got.bytes == size);
    CHECK(message.view() == sent);
  }
}

TEST_CASE("stream: options shared by several streams hold for each, and null gives the defaults back") {
  auto limits = std::make_shared<asiows::options>();
  limits->max_message_size = 8;
  echo_fixture first, second;
  first.client->set_options(limits);
  second.client->set_options(limits);
  CHECK(&first.client->get_options() == &second.client->get_options()); // one copy for both
  for (echo_fixture* f : {&first, &second}) {
    f->handshake();
    CHECK(f->echo(message_kind::text, "short") == "short");
    const std::string longer(20, 'x');
    REQUIRE_FALSE(run(f->io, [&](auto done) { f->client->async_write(message_kind::text, asio::buffer(longer), done); }).error);
    std::string reply;
    const auto read_error = run(f->io, [&](auto done) { f->client->async_read(asio::dynamic_buffer(reply), done); }).error;
    CHECK(read_error == asiows::error::message_too_big); // the shared limit, not the default 16 MiB
  }
  ws_stream fresh{tcp::socket(first.io)};
  fresh.set_options(limits);
  fresh.set_options(std::shared_ptr<const asiows::options>());
  CHECK(fresh.get_options().max_message_size == asiows::options{}.max_message_size);
}
