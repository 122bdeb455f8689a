// The server config of an echo: every message goes back as it came.
#ifndef ASIOWS_TESTS_ECHO_CONFIG_HPP
#define ASIOWS_TESTS_ECHO_CONFIG_HPP

#include <asiows/server.hpp>

namespace test {

// `config` with an echo for on_message, unless it has one.
inline asiows::server_config<> echo_config(asiows::server_config<> config = {}) {
  if (!config.on_message)
    config.on_message = [](const asiows::connection_ptr& c, std::string_view m, asiows::message_kind k) {
      c->send(m, k);
    };
  return config;
}

} // namespace test

#endif
