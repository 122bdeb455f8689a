// One translation unit of the ODR test: the endpoints without <asiows/ssl.hpp>.
#include <asiows/asiows.hpp>

#include "odr_units.hpp"

#include <chrono>
#include <string>

std::string plain_echo() {
  asio::io_context io;
  asiows::server_config<> server_config;
  server_config.on_message = [](const asiows::connection_ptr& c, std::string_view m, asiows::message_kind k) {
    c->send(m, k);
  };
  asiows::server server(io, std::move(server_config));
  if (server.listen("127.0.0.1", 0)) return "listen failed";
  std::string reply;
  asiows::client_config<> config;
  config.on_open = [](const asiows::connection_ptr& c) { c->send("plain"); };
  config.on_message = [&](const asiows::connection_ptr& c, std::string_view m, asiows::message_kind) {
    reply = m;
    c->close(asiows::close_code::normal, {});
    server.shutdown();
  };
  asiows::client client(io, std::move(config));
  if (client.connect("ws://127.0.0.1:" + std::to_string(server.port()) + "/")) return "connect failed";
  io.run_for(std::chrono::seconds(5));
  return reply;
}
