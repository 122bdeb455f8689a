#include <asiows/ssl.hpp>

#include "await.hpp"
#include "catch.hpp"
#include "echo_session.hpp"
#include "loopback.hpp"

#include <memory>
#include <string>

using namespace test;
// Every test runs on both TLS streams asiows works with.
using asio_ssl_stream = asio::ssl::stream<tcp::socket>;
using socket_stream = asiows::ssl::socket_stream<tcp::socket>;

namespace {

const std::string cert_dir = ASIOWS_TEST_CERT_DIR;

// An echo server over TLS and a wss client stream, on one io_context.
template <class tls_socket>
struct tls_fixture {
  explicit tls_fixture(const std::string& trusted_ca = cert_dir + "/ca.pem")
      : server_context(asiows::ssl::make_server_context(cert_dir + "/server.pem", cert_dir + "/server-key.pem")),
        client_context(asiows::ssl::make_client_context(trusted_ca)) {
    auto [server_socket, client_socket] = connected_pair(io);
    session = std::make_shared<echo_session<tls_socket>>(tls_socket(std::move(server_socket), server_context));
    session->ws.next_layer().async_handshake(asio::ssl::stream_base::server, [s = session](asiows::error_code ec) {
      if (ec) {
        s->accept_error = ec;
        s->ended = true;
        return;
      }
      s->start();
    });
    client = std::make_unique<asiows::stream<tls_socket>>(std::move(client_socket), client_context);
  }

  // TLS handshake for `host`, then the WebSocket handshake.
  asiows::error_code connect(const std::string& host) {
    if (auto failure = asiows::ssl::prepare_client(client->next_layer(), host)) return failure;
    const auto tls = run(io, [&](auto done) {
      client->next_layer().async_handshake(asio::ssl::stream_base::client, done);
    });
    if (tls.error) return tls.error;
    return run(io, [&](auto done) { client->async_handshake(host, "/", done); }).error;
  }

  asio::io_context io;
  asio::ssl::context server_context;
  asio::ssl::context client_context;
  std::shared_ptr<echo_session<tls_socket>> session;
  std::unique_ptr<asiows::stream<tls_socket>> client;
};

} // namespace

TEMPLATE_TEST_CASE("wss: echo over TLS with the certificate and host name verified", "", asio_ssl_stream,
                   socket_stream) {
  const std::string host = GENERATE(std::string("localhost"), std::string("127.0.0.1"));
  tls_fixture<TestType> f;
  REQUIRE_FALSE(f.connect(host));
  for (std::size_t size : {0u, 125u, 65536u, 1u << 20}) {
    const std::string payload(size, 'w');
    auto [write_error, n] = run(f.io, [&](auto done) {
      f.client->async_write(asiows::message_kind::binary, asio::buffer(payload), done);
    });
    REQUIRE_FALSE(write_error);
    std::string reply;
    auto [read_error, m] = run(f.io, [&](auto done) { f.client->async_read(asio::dynamic_buffer(reply), done); });
    REQUIRE_FALSE(read_error);
    CHECK(reply == payload);
  }
  const auto closed = run(f.io, [&](auto done) { f.client->async_close(asiows::close_code::normal, "tls bye", done); });
  CHECK_FALSE(closed.error);
  run_for(f.io, 50ms);
  CHECK(f.session->end == asiows::error::closed);
  CHECK(f.session->ws.close_reason() == "tls bye");
}

TEMPLATE_TEST_CASE("wss: a certificate from an untrusted authority fails with a clear error", "", asio_ssl_stream,
                   socket_stream) {
  tls_fixture<TestType> f(cert_dir + "/untrusted-ca.pem");
  const asiows::error_code ec = f.connect("localhost");
  REQUIRE(ec);
  CHECK(ec.message().find("certificate verify failed") != std::string::npos);
  CHECK_FALSE(f.client->is_open());
}

TEMPLATE_TEST_CASE("wss: a certificate for another host name fails with a clear error", "", asio_ssl_stream,
                   socket_stream) {
  tls_fixture<TestType> f;
  const asiows::error_code ec = f.connect("wrong.example");
  REQUIRE(ec);
  CHECK(ec.message().find("certificate verify failed") != std::string::npos);
}

TEST_CASE("wss: a server context refuses files it cannot load") {
  CHECK_THROWS_AS(asiows::ssl::make_server_context(cert_dir + "/missing.pem", cert_dir + "/server-key.pem"),
                  asiows::system_error);
}
