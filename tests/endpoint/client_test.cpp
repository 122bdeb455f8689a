#include <asiows/asiows.hpp>
#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
#include <asiows/ssl.hpp>
#endif

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


TEST_CASE("client: reconnects with growing delays until a server appears, then stops cleanly") {
  asio::io_context io;
  const unsigned short port = free_port(io);
  asiows::client_config<> opts;
  opts.reconnect = true;
  opts.reconnect_delay = 20ms;
  opts.reconnect_max_delay = 160ms;
  std::vector<std::chrono::steady_clock::time_point> failures;
  opts.on_error = [&](const connection_ptr& c, asiows::error_code) {
    if (!c) failures.push_back(std::chrono::steady_clock::now());
  };
  int opened = 0;
  opts.on_open = [&](const connection_ptr& c) {
    ++opened;
    c->send("after reconnecting");
  };
  std::string reply;
  opts.on_message = [&](const connection_ptr&, std::string_view m, message_kind) { reply = m; };
  asiows::client client(io, std::move(opts));
  REQUIRE_FALSE(client.connect("ws://127.0.0.1:" + std::to_string(port) + "/"));
  CHECK(client.connect("ws://127.0.0.1:" + std::to_string(port) + "/") == asio::error::already_started);
  REQUIRE(run_until(io, [&] { return failures.size() >= 4; }));
  // Backoff: later gaps are longer than the first (with +-20% jitter), and capped.
  const auto first_gap = failures[1] - failures[0];
  const auto later_gap = failures[3] - failures[2];
  CHECK(later_gap > first_gap);
  CHECK(later_gap < 160ms * 1.2 + 50ms);

  asiows::server server(io, echo_config());
  REQUIRE_FALSE(server.listen("127.0.0.1", port));
  REQUIRE(run_until(io, [&] { return !reply.empty(); }));
  CHECK(opened == 1);
  CHECK(reply == "after reconnecting");
  CHECK(client.current());

  const std::size_t failures_before_stop = failures.size();
  client.stop();
  server.shutdown();
  run_bounded(io, 5s); // everything winds down: no retry timer left behind
  CHECK_FALSE(client.current());
  CHECK(failures.size() == failures_before_stop);
}

TEST_CASE("client: refuses URLs it cannot use") {
  asio::io_context io;
  asiows::client client(io);
  CHECK(client.connect("http://example.com/") == asiows::error::invalid_url);
  CHECK(client.connect("ws://host/#fragment") == asiows::error::invalid_url);
  CHECK(client.connect("wss://example.com/") == std::errc::protocol_not_supported); // no enable_wss
  CHECK(client.send("nobody to send to") == asiows::send_status::closed);
}

TEST_CASE("client: a server that never answers the handshake meets the timeout") {
  asio::io_context io;
  tcp::acceptor silent(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket accepted(io);
  silent.async_accept(accepted, [](asiows::error_code) {});
  asiows::client_config<> opts;
  opts.connection.handshake_timeout = 150ms;
  asiows::error_code failure;
  opts.on_error = [&](const connection_ptr&, asiows::error_code ec) { failure = ec; };
  asiows::client client(io, std::move(opts));
  REQUIRE_FALSE(client.connect("ws://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/"));
  REQUIRE(run_until(io, [&] { return bool(failure); }));
  CHECK(failure == asiows::error::timeout);
}

TEST_CASE("client: a refused upgrade reaches the application with its status and header fields") {
  asio::io_context io;
  asiows::server_config<> server_config;
  server_config.on_handshake = [](const asiows::http_request& request, asiows::handshake_answer& answer) {
    if (request.query_param("token") == std::string("letmein")) return;
    answer.accept.fields.add("WWW-Authenticate", "Bearer");
    answer.refuse(401, "a token, please\n");
  };
  asiows::server server(io, echo_config(std::move(server_config)));
  REQUIRE_FALSE(server.listen("127.0.0.1", 0));

  asiows::client_config<> config;
  unsigned status = 0;
  std::string challenge;
  std::vector<asiows::error_code> errors;
  config.on_refused = [&](const asiows::http_response& response) {
    status = response.status;
    challenge = std::string(response.fields.find("WWW-Authenticate").value_or(""));
  };
  config.on_error = [&](const connection_ptr& c, asiows::error_code ec) {
    CHECK_FALSE(c);
    errors.push_back(ec);
  };
  bool opened = false;
  config.on_open = [&](const connection_ptr&) { opened = true; };
  asiows::client client(io, std::move(config));
  const std::string base = "ws://127.0.0.1:" + std::to_string(server.port()) + "/feed";
  REQUIRE_FALSE(client.connect(base + "?token=wrong"));
  REQUIRE(run_until(io, [&] { return !errors.empty(); }));
  CHECK(status == 401);
  CHECK(challenge == "Bearer");
  CHECK(errors == std::vector<asiows::error_code>{asiows::error::bad_status});
  CHECK_FALSE(opened);
  client.stop();
  run_for(io, 50ms);

  asiows::client_config<> welcome;
  welcome.on_open = [&](const connection_ptr& c) {
    opened = true;
    c->close(asiows::close_code::normal, {});
  };
  asiows::client second(io, std::move(welcome));
  REQUIRE_FALSE(second.connect(base + "?token=letmein"));
  CHECK(run_until(io, [&] { return opened; }));
}

#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
TEST_CASE("client and server over wss, with verification") {
  const std::string cert_dir = ASIOWS_TEST_CERT_DIR;
  asio::io_context io;
  auto tls = asiows::ssl::make_server_context(cert_dir + "/server.pem", cert_dir + "/server-key.pem");
  asiows::server server(io, echo_config());
  REQUIRE_FALSE(server.listen_tls("127.0.0.1", 0, tls));
  const std::string port = std::to_string(server.port());

  SECTION("a trusted certificate for the name") {
    asiows::client_config<> opts;
    auto client_tls = asiows::ssl::make_client_context(cert_dir + "/ca.pem");
    std::string reply;
    opts.on_open = [](const connection_ptr& c) { c->send("secure"); };
    opts.on_message = [&](const connection_ptr& c, std::string_view m, message_kind) {
      reply = m;
      c->close(1000, {});
    };
    asiows::client client(io, std::move(opts));
    client.enable_wss(client_tls);
    REQUIRE_FALSE(client.connect("wss://localhost:" + port + "/"));
    REQUIRE(run_until(io, [&] { return !reply.empty(); }));
    CHECK(reply == "secure");
  }
  SECTION("an untrusted certificate, or the wrong name") {
    const std::string ca = GENERATE(std::string("/untrusted-ca.pem"), std::string("/ca.pem"));
    const std::string host = ca == "/ca.pem" ? "127.0.0.2" : "localhost"; // 127.0.0.2 is not in the certificate
    if (host == "127.0.0.2") REQUIRE_FALSE(server.listen_tls("127.0.0.2", server.port(), tls));
    asiows::client_config<> opts;
    auto client_tls = asiows::ssl::make_client_context(cert_dir + ca);
    asiows::error_code failure;
    bool opened = false;
    opts.on_error = [&](const connection_ptr&, asiows::error_code ec) { failure = ec; };
    opts.on_open = [&](const connection_ptr&) { opened = true; };
    asiows::client client(io, std::move(opts));
    client.enable_wss(client_tls);
    REQUIRE_FALSE(client.connect("wss://" + host + ":" + port + "/"));
    REQUIRE(run_until(io, [&] { return bool(failure) || opened; }));
    CHECK_FALSE(opened);
    CHECK(failure.message().find("certificate verify failed") != std::string::npos);
  }
  server.shutdown();
  run_for(io, 100ms);
}

// The close handshake reads for the peer's Close itself when no read is in flight; the
// connection's next read must then leave it to the handshake, not fail as a second read
// (it did over wss: on_error(in_progress) after every clean close).
TEST_CASE("endpoints: closing from on_message ends with on_close and the peer's code, never on_error") {
  const bool secure = GENERATE(false, true);
  const bool client_closes = GENERATE(true, false);
  CAPTURE(secure, client_closes);
  const std::string cert_dir = ASIOWS_TEST_CERT_DIR;
  asio::io_context io;
  std::vector<std::string> errors;
  int closes = 0;
  std::uint16_t client_saw = 0, server_saw = 0;
  const auto closer = [](const connection_ptr& c, std::string_view, message_kind) {
    c->close(asiows::close_code::normal, "done");
  };
  const auto echo = [](const connection_ptr& c, std::string_view m, message_kind k) { c->send(m, k); };

  auto tls = asiows::ssl::make_server_context(cert_dir + "/server.pem", cert_dir + "/server-key.pem");
  asiows::server_config<> server_config;
  if (client_closes) server_config.on_message = echo;
  else server_config.on_message = closer;
  server_config.on_error = [&](const connection_ptr&, asiows::error_code ec) { errors.push_back("server: " + ec.message()); };
  server_config.on_close = [&](const connection_ptr&, std::uint16_t code, std::string_view) {
    ++closes;
    server_saw = code;
  };
  asiows::server server(io, std::move(server_config));
  const asiows::error_code listening = secure ? server.listen_tls("127.0.0.1", 0, tls) : server.listen("127.0.0.1", 0);
  REQUIRE_FALSE(listening);

  asiows::client_config<> opts;
  auto client_tls = asiows::ssl::make_client_context(cert_dir + "/ca.pem");
  opts.on_open = [](const connection_ptr& c) { c->send("bye"); };
  if (client_closes) opts.on_message = closer;
  opts.on_error = [&](const connection_ptr&, asiows::error_code ec) { errors.push_back("client: " + ec.message()); };
  opts.on_close = [&](const connection_ptr&, std::uint16_t code, std::string_view) {
    ++closes;
    client_saw = code;
  };
  asiows::client client(io, std::move(opts));
  if (secure) client.enable_wss(client_tls);
  const std::string scheme = secure ? "wss://localhost:" : "ws://localhost:";
  REQUIRE_FALSE(client.connect(scheme + std::to_string(server.port()) + "/"));
  REQUIRE(run_until(io, [&] { return closes == 2; }));
  run_for(io, 50ms); // a late on_error would show here
  for (const auto& error : errors) FAIL_CHECK("on_error, " << error);
  CHECK(closes == 2);
  CHECK(client_saw == asiows::close_code::normal); // each side reports the code the other sent
  CHECK(server_saw == asiows::close_code::normal);
  server.shutdown();
  run_for(io, 100ms);
}

TEST_CASE("client: a TLS handshake that never ends meets connect_timeout as error::timeout") {
  asio::io_context io;
  tcp::acceptor silent(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)); // accepts, never speaks
  tcp::socket accepted(io);
  silent.async_accept(accepted, [](asiows::error_code) {});
  asiows::client_config<> config;
  config.connect_timeout = 150ms;
  std::vector<asiows::error_code> errors;
  config.on_error = [&](const connection_ptr&, asiows::error_code ec) { errors.push_back(ec); };
  asiows::client client(io, std::move(config));
  auto client_tls = asiows::ssl::make_client_context();
  client.enable_wss(client_tls);
  REQUIRE_FALSE(client.connect("wss://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/"));
  REQUIRE(run_until(io, [&] { return !errors.empty(); }));
  run_for(io, 50ms); // a second report would come now
  CHECK(errors == std::vector<asiows::error_code>{asiows::error::timeout});
}
#endif
