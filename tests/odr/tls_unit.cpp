// The other translation unit of the ODR test: the same endpoint types, with <asiows/ssl.hpp>.
#include <asiows/asiows.hpp>
#include <asiows/ssl.hpp>

#include "odr_units.hpp"

#include <chrono>
#include <string>

std::string tls_echo(const std::string& cert_dir) {
  asio::io_context io;
  auto tls = asiows::ssl::make_server_context(cert_dir + "/server.pem", cert_dir + "/server-key.pem");
  auto client_tls = asiows::ssl::make_client_context(cert_dir + "/ca.pem");
  asiows::server_config<> server_config;
  server_config.on_message = [](const asiows::connection_ptr& c, std::string_view m, asiows::message_kind k) {
    c->send(m, k);
  };
  asiows::server server(io, std::move(server_config));
  if (server.listen_tls("127.0.0.1", 0, tls)) return "listen failed";
  std::string reply;
  asiows::client_config<> config;
  config.on_open = [](const asiows::connection_ptr& c) { c->send("secure"); };
  config.on_message = [&](const asiows::connection_ptr& c, std::string_view m, asiows::message_kind) {
    reply = m;
    c->close(asiows::close_code::normal, {});
    server.shutdown();
  };
  asiows::client client(io, std::move(config));
  client.enable_wss(client_tls);
  if (client.connect("wss://localhost:" + std::to_string(server.port()) + "/")) return "connect failed";
  io.run_for(std::chrono::seconds(5));
  return reply;
}
