// A server and a client of the installed package exchange one message on
// 127.0.0.1, compressed when permessage-deflate is built in. Exit status 0 when
// the echo came back.
#include <asiows/asiows.hpp>

#include <chrono>
#include <cstdio>
#include <string>

int main() {
  asiows::asio::io_context io; // standalone Asio's, or Boost's with the boost_asio option
  asiows::server_config<> server_config;
  server_config.connection.enable_deflate = true;
  server_config.on_message = [](const asiows::connection_ptr& c, std::string_view m, asiows::message_kind k) {
    c->send(m, k);
  };
  asiows::server server(io, std::move(server_config));
  if (auto ec = server.listen("127.0.0.1", 0)) {
    std::fprintf(stderr, "listen: %s\n", ec.message().c_str());
    return 1;
  }

  const std::string sent = "hello from the asiows package, hello from the asiows package";
  std::string echoed;
  asiows::client_config<> client_config;
  client_config.connection.enable_deflate = true;
  client_config.on_open = [&](const asiows::connection_ptr& c) { c->send(sent); };
  client_config.on_message = [&](const asiows::connection_ptr& c, std::string_view m, asiows::message_kind) {
    echoed = m;
    c->close(asiows::close_code::normal, "done");
  };
  client_config.on_close = [&](const asiows::connection_ptr&, std::uint16_t, std::string_view) { server.shutdown(); };
  asiows::client client(io, std::move(client_config));
  if (auto ec = client.connect("ws://127.0.0.1:" + std::to_string(server.port()) + "/")) {
    std::fprintf(stderr, "connect: %s\n", ec.message().c_str());
    return 1;
  }
  io.run_for(std::chrono::seconds(10));
  std::printf("asiows test_package: %s\n", echoed == sent ? "the echo came back" : "no echo");
  return echoed == sent ? 0 : 1;
}
