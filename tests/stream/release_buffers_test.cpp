// A next layer with release_buffers() (ssl::socket_stream has one) is asked to
// give its buffers back once a connection has been quiet for a second: not
// while messages flow, and once per quiet spell.
#include "await.hpp"
#include "catch.hpp"
#include "echo_session.hpp"
#include "loopback.hpp"

#include <memory>
#include <string>

using namespace test;

namespace {

// A TCP socket that counts the stream's requests to release its buffers.
class releasing_socket : public tcp::socket {
public:
  explicit releasing_socket(tcp::socket socket) : tcp::socket(std::move(socket)) {}
  bool release_buffers() {
    ++*releases;
    return true;
  }
  std::shared_ptr<int> releases = std::make_shared<int>(0); // outlives moves of the socket
};

} // namespace

TEST_CASE("stream: a quiet connection asks its next layer to release buffers, once per quiet spell") {
  asio::io_context io;
  auto [server_socket, client_socket] = connected_pair(io);
  releasing_socket server(std::move(server_socket));
  const std::shared_ptr<int> releases = server.releases;
  auto session = std::make_shared<echo_session<releasing_socket>>(std::move(server));
  session->start();
  asiows::stream<tcp::socket> client(std::move(client_socket));
  REQUIRE_FALSE(run(io, [&](auto done) { client.async_handshake("127.0.0.1", "/", done); }).error);

  const auto echo = [&] {
    const std::string payload = "are you there";
    REQUIRE_FALSE(run(io, [&](auto done) { client.async_write(asiows::message_kind::text, asio::buffer(payload), done); }).error);
    std::string reply;
    REQUIRE_FALSE(run(io, [&](auto done) { client.async_read(asio::dynamic_buffer(reply), done); }).error);
    CHECK(reply == payload);
  };

  // Messages every 200 ms: never quiet for a second.
  for (int i = 0; i < 8; ++i) {
    echo();
    run_for(io, 200ms);
  }
  CHECK(*releases == 0);
  // Quiet: released after a second, and not again while the quiet lasts.
  run_for(io, 3000ms);
  CHECK(*releases == 1);
  // A message ends the quiet spell; the next one releases again.
  echo();
  run_for(io, 3000ms);
  CHECK(*releases == 2);
}
