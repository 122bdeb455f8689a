// The steady state allocates nothing: once buffers have grown, encoding and
// decoding messages (with pings and their pongs) does no heap allocation.
// Its own runner, because it replaces the global operator new.
#include <asiows/core/protocol.hpp>

#include "catch.hpp"
#include "counting_new.hpp"

#include <string>
#include <vector>

namespace {

// One round: `sender` encodes a text message, a ping and a binary message into
// `wire`; `receiver` decodes them in place; the pong it owes goes back.
void exchange(asiows::protocol& sender, asiows::protocol& receiver, std::vector<std::uint8_t>& wire,
              const std::string& text, const std::string& binary, std::size_t& messages) {
  wire.clear();
  sender.serialize_message(asiows::message_kind::text, text, wire);
  sender.serialize_ping("tick", 4, wire);
  sender.serialize_message(asiows::message_kind::binary, binary, wire);
  std::size_t position = 0;
  for (;;) {
    const asiows::event ev = receiver.receive(wire.data() + position, wire.size() - position);
    position += ev.consumed;
    if (ev.type == asiows::event_type::need_more) break;
    if (ev.type == asiows::event_type::message_data && ev.message_complete) ++messages;
  }
  std::uint8_t control[asiows::max_pending_control_size];
  std::size_t control_size = receiver.take_pending_control(control);
  for (std::size_t done = 0; done < control_size;) done += sender.receive(control + done, control_size - done).consumed;
}

} // namespace

TEST_CASE("encoding and decoding allocate nothing per message once warm") {
  for (const auto sender_role : {asiows::role::client, asiows::role::server}) {
    const auto receiver_role = sender_role == asiows::role::client ? asiows::role::server : asiows::role::client;
    asiows::protocol sender(sender_role), receiver(receiver_role);
    std::vector<std::uint8_t> wire;
    const std::string text(3000, 'a'), binary(70000, '\x01');
    std::size_t messages = 0;
    exchange(sender, receiver, wire, text, binary, messages); // warm-up: wire grows once

    const long before = test::allocations.load();
    for (int i = 0; i < 1000; ++i) exchange(sender, receiver, wire, text, binary, messages);
    const long during = test::allocations.load() - before;
    CHECK(messages == 2002);
    CHECK(during == 0);
  }
}

TEST_CASE("a control frame that arrives whole is read where it is, and one split across reads borrows room until reported") {
  asiows::protocol client(asiows::role::client), server(asiows::role::server);
  std::vector<std::uint8_t> wire;
  REQUIRE_FALSE(client.serialize_pong("beat", 4, wire));

  long before = test::allocations.load();
  asiows::event ev = server.receive(wire.data(), wire.size());
  CHECK(test::allocations.load() - before == 0);
  REQUIRE(ev.type == asiows::event_type::pong);
  CHECK(ev.text() == "beat");
  CHECK(ev.data == wire.data() + wire.size() - 4); // unmasked in the input, not copied

  wire.clear();
  REQUIRE_FALSE(client.serialize_pong("beat", 4, wire));
  before = test::allocations.load();
  ev = server.receive(wire.data(), wire.size() - 2);
  CHECK(ev.type == asiows::event_type::need_more);
  ev = server.receive(wire.data() + wire.size() - 2, 2);
  REQUIRE(ev.type == asiows::event_type::pong);
  CHECK(ev.text() == "beat");
  CHECK(test::allocations.load() - before == 1); // the payload gathered from two reads
}
