// Compile-time subject: the README's echo server through <asiows/asiows.hpp> (ws://).
#include <asiows/asiows.hpp>

#include <iostream>

int main() {
  asio::io_context io;
  asiows::server_config<> config;
  config.on_message = [](const asiows::connection_ptr& c, std::string_view m, asiows::message_kind k) { c->send(m, k); };
  asiows::server server(io, std::move(config));
  if (auto ec = server.listen("127.0.0.1", 9001)) {
    std::cerr << "listen: " << ec.message() << "\n";
    return 1;
  }
  io.run();
}
