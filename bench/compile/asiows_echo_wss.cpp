// Compile-time subject: the same echo server over wss:// (<asiows/ssl.hpp>).
#include <asiows/asiows.hpp>
#include <asiows/ssl.hpp>

#include <iostream>

int main() {
  asio::io_context io;
  auto tls = asiows::ssl::make_server_context("server.pem", "server-key.pem");
  asiows::server_config<> config;
  config.on_message = [](const asiows::connection_ptr& c, std::string_view m, asiows::message_kind k) { c->send(m, k); };
  asiows::server server(io, std::move(config));
  if (auto ec = server.listen_tls("127.0.0.1", 9443, tls)) {
    std::cerr << "listen: " << ec.message() << "\n";
    return 1;
  }
  io.run();
}
