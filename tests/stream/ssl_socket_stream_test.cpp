// asiows::ssl::socket_stream on its own: TLS on the socket's descriptor,
// gathered writes, waiting without a buffer, and how a connection ends.
#include <asiows/ssl.hpp>

#include "await.hpp"
#include "catch.hpp"
#include "loopback.hpp"

#include <string>
#include <vector>

using namespace test;
using tls_stream = asiows::ssl::socket_stream<tcp::socket>;

namespace {

const std::string cert_dir = ASIOWS_TEST_CERT_DIR;

// Two socket_streams connected over TCP, their TLS handshake done.
struct tls_pair {
  tls_pair()
      : server_context(asiows::ssl::make_server_context(cert_dir + "/server.pem", cert_dir + "/server-key.pem")),
        client_context(asiows::ssl::make_client_context(cert_dir + "/ca.pem")),
        server(tcp::socket(io), server_context), client(tcp::socket(io), client_context) {
    auto [server_socket, client_socket] = connected_pair(io);
    server.next_layer() = std::move(server_socket);
    client.next_layer() = std::move(client_socket);
    REQUIRE_FALSE(asiows::ssl::prepare_client(client, "localhost"));
    pending accepted;
    server.async_handshake(asio::ssl::stream_base::server, accepted.handler());
    const completion connected = run(io, [&](auto done) { client.async_handshake(asio::ssl::stream_base::client, done); });
    REQUIRE_FALSE(connected.error);
    REQUIRE_FALSE(accepted.wait(io).error);
  }

  // Reads on `reader` until `size` bytes came or it fails.
  std::string read_exactly(tls_stream& reader, std::size_t size) {
    std::string got(size, '\0');
    const completion read = run(io, [&](auto done) { asio::async_read(reader, asio::buffer(got), done); });
    REQUIRE_FALSE(read.error);
    return got;
  }

  asio::io_context io;
  asio::ssl::context server_context, client_context;
  tls_stream server, client;
};

} // namespace

TEST_CASE("ssl::socket_stream: one write_some sends a whole gather of small pieces") {
  tls_pair p;
  // 200 pieces of 7 bytes: asio::ssl::stream would send the first piece only.
  std::vector<std::string> pieces;
  for (int i = 0; i < 200; ++i) pieces.push_back("piece" + std::to_string(i % 10) + ".");
  std::vector<asio::const_buffer> gather;
  std::string expected;
  for (const auto& piece : pieces) {
    gather.push_back(asio::buffer(piece));
    expected += piece;
  }
  const completion wrote = run(p.io, [&](auto done) { p.client.async_write_some(gather, done); });
  REQUIRE_FALSE(wrote.error);
  CHECK(wrote.bytes == expected.size());
  CHECK(p.read_exactly(p.server, expected.size()) == expected);
}

TEST_CASE("ssl::socket_stream: a gather longer than a record goes out intact") {
  tls_pair p;
  // Pieces that straddle the 16 KiB record boundary, large and small mixed.
  std::vector<std::string> pieces = {std::string(10000, 'a'), std::string(9000, 'b'), std::string(3, 'c'),
                                     std::string(40000, 'd'), std::string(1, 'e'), std::string(20000, 'f')};
  std::vector<asio::const_buffer> gather;
  std::string expected;
  for (auto& piece : pieces) {
    for (std::size_t i = 0; i < piece.size(); ++i) piece[i] = static_cast<char>(piece[i] + static_cast<char>(i % 7));
    gather.push_back(asio::buffer(piece));
    expected += piece;
  }
  pending wrote;
  asio::async_write(p.client, gather, wrote.handler());
  CHECK(p.read_exactly(p.server, expected.size()) == expected);
  CHECK(wrote.wait(p.io).bytes == expected.size());
}

TEST_CASE("ssl::socket_stream: a wait for reading ends at once while decrypted bytes are left") {
  tls_pair p;
  const std::string message = "one record of forty bytes, give or take";
  REQUIRE_FALSE(run(p.io, [&](auto done) { asio::async_write(p.client, asio::buffer(message), done); }).error);
  REQUIRE(run(p.io, [&](auto done) { p.server.async_wait(asio::socket_base::wait_read, done); }).error == asiows::error_code());
  char first[5];
  asiows::error_code ec;
  REQUIRE(p.server.read_some(asio::buffer(first), ec) == 5);
  REQUIRE_FALSE(ec);
  // The socket has nothing more: the rest is inside OpenSSL, and the wait must not sleep on the socket.
  pending waited;
  p.server.async_wait(asio::socket_base::wait_read, waited.handler());
  CHECK_FALSE(waited.wait(p.io).error);
  char rest[64];
  const std::size_t n = p.server.read_some(asio::buffer(rest), ec);
  REQUIRE_FALSE(ec);
  CHECK(std::string(first, 5) + std::string(rest, n) == message);
  // Nothing is left now: a read without blocking says so.
  p.server.read_some(asio::buffer(rest), ec);
  CHECK(ec == asio::error::would_block);
}

TEST_CASE("ssl::socket_stream: the peer's close_notify reads as eof, a cut TCP connection as truncated") {
  SECTION("close_notify") {
    tls_pair p;
    REQUIRE_FALSE(run(p.io, [&](auto done) { p.client.async_shutdown(done); }).error);
    char byte;
    const completion read = run(p.io, [&](auto done) { p.server.async_read_some(asio::buffer(&byte, 1), done); });
    CHECK(read.error == asio::error::eof);
  }
  SECTION("TCP closed without it") {
    tls_pair p;
    p.client.lowest_layer().shutdown(tcp::socket::shutdown_send); // a FIN, no close_notify
    char byte;
    const completion read = run(p.io, [&](auto done) { p.server.async_read_some(asio::buffer(&byte, 1), done); });
    CHECK(read.error == asio::ssl::error::stream_truncated);
  }
}

TEST_CASE("ssl::socket_stream: a handshake with a peer that is not TLS fails with a clear error") {
  asio::io_context io;
  auto server_context = asiows::ssl::make_server_context(cert_dir + "/server.pem", cert_dir + "/server-key.pem");
  auto [server_socket, client_socket] = connected_pair(io);
  tls_stream server(std::move(server_socket), server_context);
  asio::write(client_socket, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  const completion accepted = run(io, [&](auto done) { server.async_handshake(asio::ssl::stream_base::server, done); });
  REQUIRE(accepted.error);
  CHECK(accepted.error.category() == asio::error::get_ssl_category());
  CHECK_FALSE(accepted.error.message().empty());
}

TEST_CASE("ssl::socket_stream: an error another connection left on the thread does not fail this one") {
  tls_pair p;
  // What a failed OpenSSL call elsewhere leaves behind (SSL_get_error reads the whole queue).
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  ERR_raise(ERR_LIB_SSL, SSL_R_UNEXPECTED_EOF_WHILE_READING);
#else
  ERR_put_error(ERR_LIB_SSL, 0, SSL_R_BAD_LENGTH, __FILE__, __LINE__);
#endif
  char byte;
  asiows::error_code ec;
  p.server.read_some(asio::buffer(&byte, 1), ec); // nothing was sent: it would block, no more
  CHECK(ec == asio::error::would_block);
  const std::string message = "still fine";
  pending read;
  std::string got(message.size(), '\0');
  asio::async_read(p.server, asio::buffer(got), read.handler());
  REQUIRE_FALSE(run(p.io, [&](auto done) { asio::async_write(p.client, asio::buffer(message), done); }).error);
  CHECK_FALSE(read.wait(p.io).error);
  CHECK(got == message);
}

TEST_CASE("ssl::socket_stream: writing to a peer that has gone fails with an error, raising no SIGPIPE") {
  // SIGPIPE's default action ends the process, which fails this test run: nothing here ignores it.
  tls_pair p;
  p.client.next_layer().close(); // the peer goes: its kernel answers what comes with a reset
  const std::string record(16 * 1024, 'x');
  asiows::error_code write_error;
  for (int attempt = 0; attempt < 20; ++attempt) {
    // A read that meets the reset takes its error; the writes after it get EPIPE from the kernel.
    char byte = 0;
    run(p.io, [&](auto done) { p.server.async_read_some(asio::buffer(&byte, 1), done); });
    write_error = run(p.io, [&](auto done) { asio::async_write(p.server, asio::buffer(record), done); }).error;
  }
  CHECK(write_error);
}
