// core_demo: a WebSocket client and server talking through two byte buffers,
// with no sockets at all. It shows the sans-I/O core: the opening handshake,
// messages both ways (one fragmented), a ping answered by a pong, and the
// close handshake, printing every byte that would cross the wire.
//
// Run: ./build/examples/core_demo
#include <asiows/asiows.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace {

using wire = std::vector<std::uint8_t>;

void print_bytes(const char* direction, const std::uint8_t* data, std::size_t size) {
  std::printf("  %s %3zu bytes:", direction, size);
  for (std::size_t i = 0; i < size && i < 24; ++i) std::printf(" %02x", data[i]);
  std::printf(size > 24 ? " ...\n" : "\n");
}

// Delivers `bytes` to `receiver`, prints what it reports, then moves the
// replies it owes (pong, Close echo) into `replies`.
void deliver(const char* name, asiows::protocol& receiver, wire bytes, wire& replies) {
  std::string message;
  std::size_t position = 0;
  for (;;) {
    const asiows::event ev = receiver.receive(bytes.data() + position, bytes.size() - position);
    position += ev.consumed;
    switch (ev.type) {
    case asiows::event_type::need_more:
      if (receiver.has_pending_control()) {
        std::uint8_t control[asiows::max_pending_control_size];
        replies.insert(replies.end(), control, control + receiver.take_pending_control(control));
      }
      return;
    case asiows::event_type::message_data:
      message.append(ev.text());
      if (ev.message_complete) {
        std::printf("  %s got a %s message: \"%s\"\n", name,
                    ev.kind == asiows::message_kind::text ? "text" : "binary", message.c_str());
        message.clear();
      }
      break;
    case asiows::event_type::ping: std::printf("  %s got a ping: \"%s\"\n", name, std::string(ev.text()).c_str()); break;
    case asiows::event_type::pong: std::printf("  %s got a pong: \"%s\"\n", name, std::string(ev.text()).c_str()); break;
    case asiows::event_type::close:
      std::printf("  %s got Close %u \"%s\"\n", name, ev.close_code, std::string(ev.text()).c_str());
      break;
    case asiows::event_type::failure:
      std::printf("  %s failed the connection: %s\n", name, ev.error.message().c_str());
      break;
    }
  }
}

} // namespace

int main() {
  // 1. The opening handshake.
  asiows::client_handshake client_hello;
  asiows::client_handshake_options offer;
  offer.origin = "http://localhost";
  offer.subprotocols = {"chat"};
  if (auto failure = client_hello.start("localhost:8080", "/chat", offer)) {
    std::printf("cannot build the request: %s\n", failure.message().c_str());
    return 1;
  }
  std::printf("client -> server, the upgrade request:\n%s", client_hello.request().c_str());

  asiows::server_handshake server_hello;
  server_hello.feed(client_hello.request().data(), client_hello.request().size());
  if (server_hello.failure()) {
    std::printf("%s", asiows::build_error_response(server_hello.failure()).c_str());
    return 1;
  }
  asiows::accept_options answer;
  answer.subprotocol = "chat";
  std::string response;
  if (auto failure = asiows::build_accept_response(server_hello.request(), answer, response)) {
    std::printf("cannot answer: %s\n", failure.message().c_str());
    return 1;
  }
  std::printf("server -> client, the answer:\n%s", response.c_str());
  client_hello.feed(response.data(), response.size());
  if (client_hello.failure()) {
    std::printf("client refused the answer: %s\n", client_hello.failure().message().c_str());
    return 1;
  }
  std::printf("handshake done, subprotocol \"%s\"\n\n", std::string(client_hello.subprotocol()).c_str());

  // 2. Messages, a ping and the close handshake.
  asiows::protocol client(asiows::role::client);
  asiows::protocol server(asiows::role::server);
  wire to_server, to_client;

  client.serialize_message(asiows::message_kind::text, "Hello, server", to_server);
  client.serialize_ping("are you there?", 14, to_server);
  std::printf("client -> server:\n");
  print_bytes("masked", to_server.data(), to_server.size());
  deliver("server", server, std::move(to_server), to_client);
  to_server.clear();

  server.serialize_frame(asiows::message_kind::text, "Hello, ", 7, false, to_client);
  server.serialize_frame(asiows::message_kind::text, "client", 6, true, to_client);
  std::printf("server -> client (its pong, then a message in two frames):\n");
  print_bytes("plain ", to_client.data(), to_client.size());
  deliver("client", client, std::move(to_client), to_server);
  to_client.clear();

  client.serialize_close(asiows::close_code::normal, "bye", to_server);
  std::printf("client -> server:\n");
  print_bytes("masked", to_server.data(), to_server.size());
  deliver("server", server, std::move(to_server), to_client);
  std::printf("server -> client (the Close echo):\n");
  print_bytes("plain ", to_client.data(), to_client.size());
  wire unused;
  deliver("client", client, std::move(to_client), unused);

  const bool clean = client.state() == asiows::close_state::closed && server.state() == asiows::close_state::closed;
  std::printf("\nclose handshake %s; the server closes TCP first: %s\n", clean ? "complete" : "INCOMPLETE",
              server.should_close_transport() ? "yes" : "no");
  return clean ? 0 : 1;
}
