#include <asiows/core/protocol.hpp>

#include "catch.hpp"
#include "protocol_driver.hpp"

#include <string>

using namespace asiows;
using test::bytes;
using test::operator+;
using test::close_payload;
using test::feed;
using test::peer_frame;
using test::raw_frame;

namespace {

// Fails `receiver` with `wire` and checks the error and the Close it queues.
void check_failure(role receiver_role, const bytes& wire, error expected, std::uint16_t expected_code,
                   const options& opts = {}) {
  protocol receiver(receiver_role, opts);
  const test::received got = feed(receiver, wire);
  CHECK(got.failure == expected);
  CHECK(got.failure_close_code == expected_code);
  CHECK(receiver.state() == close_state::failed);
  CHECK(receiver.should_close_transport());
  const test::received sent = test::take_control_as_peer(receiver);
  CHECK(sent.close_code == expected_code);
  CHECK_FALSE(sent.failure);
}

} // namespace

TEST_CASE("protocol reads the RFC 6455 5.7 examples") {
  SECTION("a single-frame unmasked text message, read by a client") {
    protocol client(role::client);
    const auto got = feed(client, {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
    CHECK(got.log == std::vector<std::string>{"text:Hello"});
  }
  SECTION("a single-frame masked text message, read by a server") {
    protocol server(role::server);
    const auto got = feed(server, {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
    CHECK(got.log == std::vector<std::string>{"text:Hello"});
  }
  SECTION("a fragmented unmasked text message") {
    protocol client(role::client);
    const auto got = feed(client, {0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f});
    CHECK(got.log == std::vector<std::string>{"text:Hello"});
    CHECK(got.events == 2); // one piece per frame
  }
  SECTION("an unmasked ping, answered with a masked pong carrying its payload") {
    protocol client(role::client);
    CHECK(feed(client, {0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}).log == std::vector<std::string>{"ping:Hello"});
    REQUIRE(client.has_pending_control());
    std::uint8_t out[max_pending_control_size];
    const std::size_t size = client.take_pending_control(out);
    REQUIRE(size == 11);
    CHECK(out[0] == 0x8a);
    CHECK(out[1] == 0x85); // masked, 5 bytes
    CHECK(test::read_as_peer(role::client, out, size).log == std::vector<std::string>{"pong:Hello"});
    CHECK_FALSE(client.has_pending_control());
  }
  SECTION("a masked pong, read by a server") {
    protocol server(role::server);
    const auto got = feed(server, {0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
    CHECK(got.log == std::vector<std::string>{"pong:Hello"});
    CHECK_FALSE(server.has_pending_control());
  }
  SECTION("256 bytes and 64 KiB of binary data in single unmasked frames") {
    protocol client(role::client);
    const std::string small(256, 'x'), large(65536, 'y');
    bytes wire{0x82, 0x7E, 0x01, 0x00};
    wire.insert(wire.end(), small.begin(), small.end());
    const bytes large_header{0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};
    wire.insert(wire.end(), large_header.begin(), large_header.end());
    wire.insert(wire.end(), large.begin(), large.end());
    const auto got = feed(client, wire);
    CHECK(got.messages == std::vector<std::string>{small, large});
  }
}

TEST_CASE("message data is returned in place, without copies") {
  protocol server(role::server);
  bytes wire = raw_frame(0x82, "payload", true);
  const event ev = server.receive(wire.data(), wire.size());
  REQUIRE(ev.type == event_type::message_data);
  CHECK(ev.data == wire.data() + 6); // unmasked where it arrived
  CHECK(ev.text() == "payload");
  CHECK(ev.consumed == wire.size());
}

TEST_CASE("a server fails unmasked frames and a client masked ones, with 1002") {
  check_failure(role::server, raw_frame(0x81, "hi", false), error::unmasked_client_frame, 1002);
  check_failure(role::client, raw_frame(0x81, "hi", true), error::masked_server_frame, 1002);
}

TEST_CASE("reserved bits and opcodes fail with 1002") {
  const role r = GENERATE(role::client, role::server);
  for (int rsv : {0x40, 0x20, 0x10})
    check_failure(r, peer_frame(r, static_cast<std::uint8_t>(0x81 | rsv), "x"), error::reserved_bits_set, 1002);
  check_failure(r, peer_frame(r, 0xC9, ""), error::reserved_bits_set, 1002); // RSV1 on a ping
  for (int op : {0x3, 0x7, 0xB, 0xF})
    check_failure(r, peer_frame(r, static_cast<std::uint8_t>(0x80 | op), ""), error::reserved_opcode, 1002);
}

TEST_CASE("control frames: at most 125 bytes, never fragmented (1002)") {
  const role r = GENERATE(role::client, role::server);
  check_failure(r, peer_frame(r, 0x89, std::string(126, 'p')), error::control_frame_too_large, 1002);
  check_failure(r, peer_frame(r, 0x09, "p"), error::fragmented_control_frame, 1002);
  protocol receiver(r);
  CHECK(feed(receiver, peer_frame(r, 0x89, std::string(125, 'p'))).log.size() == 1);
}

TEST_CASE("fragmentation rules (1002)") {
  const role r = GENERATE(role::client, role::server);
  check_failure(r, peer_frame(r, 0x80, "orphan"), error::unexpected_continuation, 1002);
  check_failure(r, peer_frame(r, 0x00, "orphan"), error::unexpected_continuation, 1002);
  check_failure(r, peer_frame(r, 0x01, "start") + peer_frame(r, 0x81, "new message"), error::expected_continuation,
                1002);
  check_failure(r, peer_frame(r, 0x02, "start") + peer_frame(r, 0x82, "new message"), error::expected_continuation,
                1002);
}

TEST_CASE("control frames between the fragments of a message are handled") {
  const role r = GENERATE(role::client, role::server);
  protocol receiver(r);
  const bytes wire = peer_frame(r, 0x01, "Hel") + peer_frame(r, 0x89, "are you there") +
                     peer_frame(r, 0x00, "lo, ") + peer_frame(r, 0x8A, "pong") + peer_frame(r, 0x80, "world");
  const auto got = feed(receiver, wire, [] { return 1; });
  CHECK(got.log == std::vector<std::string>{"ping:are you there", "pong:pong", "text:Hello, world"});
  CHECK(test::take_control_as_peer(receiver).log == std::vector<std::string>{"pong:are you there"});
}

TEST_CASE("invalid UTF-8 in text fails with 1007, as early as possible") {
  const role r = GENERATE(role::client, role::server);
  check_failure(r, peer_frame(r, 0x81, "ok \xC0\xAF"), error::invalid_utf8, 1007);
  check_failure(r, peer_frame(r, 0x81, "cut \xE2\x82"), error::invalid_utf8, 1007);     // unfinished at the end
  check_failure(r, peer_frame(r, 0x01, "\xE2\x82") + peer_frame(r, 0x80, "x"), error::invalid_utf8, 1007);
  // Binary messages are not text: any bytes go.
  protocol binary_receiver(r);
  CHECK(feed(binary_receiver, peer_frame(r, 0x82, "\xC0\xAF")).messages.size() == 1);

  SECTION("fail-fast inside an unfinished fragment, before the rest arrives") {
    protocol receiver(r);
    // The first fragment holds a code point above U+10FFFF; the message's end never comes.
    const auto got = feed(receiver, peer_frame(r, 0x01, "fine so far \xF4\x90\x80\x80"));
    CHECK(got.failure == error::invalid_utf8);
  }
  SECTION("fail-fast inside one frame, before its payload is complete") {
    protocol receiver(r);
    bytes wire = peer_frame(r, 0x81, "abc\xFF" + std::string(1000, 'a'));
    wire.resize(wire.size() - 900); // most of the payload still to come
    CHECK(feed(receiver, wire).failure == error::invalid_utf8);
  }
  SECTION("a code point split across frames is fine") {
    protocol receiver(r);
    const auto got = feed(receiver, peer_frame(r, 0x01, "\xF0\x9F") + peer_frame(r, 0x80, "\x98\x80"));
    CHECK(got.log == std::vector<std::string>{"text:\xF0\x9F\x98\x80"});
  }
}

TEST_CASE("messages and frames over the limits fail with 1009 from the header") {
  const role r = GENERATE(role::client, role::server);
  options opts;
  opts.max_message_size = 1000;
  opts.max_frame_size = 600;
  check_failure(r, peer_frame(r, 0x82, std::string(601, 'x')), error::frame_too_big, 1009, opts);
  check_failure(r, peer_frame(r, 0x02, std::string(500, 'x')) + peer_frame(r, 0x80, std::string(501, 'x')),
                error::message_too_big, 1009, opts);
  {
    protocol receiver(r, opts);
    CHECK(feed(receiver, peer_frame(r, 0x02, std::string(500, 'x')) + peer_frame(r, 0x80, std::string(500, 'x')))
              .messages.size() == 1);
  }
  SECTION("a frame claiming 2^62 bytes fails before any payload") {
    protocol receiver(r);
    const bytes header = test::raw_frame(0x82, "", r == role::server, std::uint64_t{1} << 62);
    CHECK(feed(receiver, header).failure == error::frame_too_big);
  }
  SECTION("endless continuation frames stop at the message limit") {
    protocol receiver(r, opts);
    bytes wire = peer_frame(r, 0x02, "");
    for (int i = 0; i < 2000; ++i) wire = wire + peer_frame(r, 0x00, "x");
    const auto got = feed(receiver, wire);
    CHECK(got.failure == error::message_too_big);
    CHECK(got.events == 1000 + 1); // 1000 one-byte pieces, then the failure
  }
}

TEST_CASE("close frames must carry a valid code and a UTF-8 reason (1002)") {
  const role r = GENERATE(role::client, role::server);
  check_failure(r, peer_frame(r, 0x88, "\x03"), error::bad_close_payload, 1002);
  for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000})
    check_failure(r, peer_frame(r, 0x88, close_payload(static_cast<std::uint16_t>(code))), error::bad_close_code, 1002);
  check_failure(r, peer_frame(r, 0x88, close_payload(1000, "bad \xFF reason")), error::invalid_close_reason, 1002);
}

TEST_CASE("the peer closes first: we echo its code") {
  const role r = GENERATE(role::client, role::server);
  protocol receiver(r);
  const auto got = feed(receiver, peer_frame(r, 0x88, close_payload(4001, "done")));
  CHECK(got.close_code == 4001);
  CHECK(got.close_reason == "done");
  CHECK(receiver.state() == close_state::closed);
  // The server closes TCP first (RFC 6455 7.1.1); the client waits for it.
  CHECK(receiver.should_close_transport() == (r == role::server));
  const auto echo = test::take_control_as_peer(receiver);
  CHECK(echo.close_code == 4001);

  // Nothing may be sent after Close, and anything received after it is ignored.
  std::vector<std::uint8_t> out;
  CHECK(receiver.serialize_message(message_kind::text, "late", out) == error::closed);
  CHECK(receiver.serialize_ping("", 0, out) == error::closed);
  CHECK(receiver.serialize_close(close_code::normal, "", out) == error::closed);
  CHECK(out.empty());
  CHECK(feed(receiver, peer_frame(r, 0x81, "after close")).events == 0);
}

TEST_CASE("a close with no code is echoed with no code") {
  protocol server(role::server);
  const auto got = feed(server, peer_frame(role::server, 0x88, ""));
  CHECK(got.close_code == close_code::no_status);
  std::uint8_t out[max_pending_control_size];
  const std::size_t size = server.take_pending_control(out);
  CHECK(bytes(out, out + size) == bytes{0x88, 0x00});
}

TEST_CASE("we close first: messages still arrive until the peer's Close, which is not echoed") {
  const role r = GENERATE(role::client, role::server);
  protocol endpoint(r);
  std::vector<std::uint8_t> out;
  REQUIRE_FALSE(endpoint.serialize_close(close_code::going_away, "restart", out));
  CHECK(endpoint.state() == close_state::close_sent);
  const auto sent = test::read_as_peer(r, out.data(), out.size());
  CHECK(sent.close_code == close_code::going_away);
  CHECK(sent.close_reason == "restart");

  CHECK(endpoint.serialize_message(message_kind::text, "more", out) == error::closed);
  const auto got = feed(endpoint, peer_frame(r, 0x81, "in flight") + peer_frame(r, 0x89, "ping") +
                                      peer_frame(r, 0x88, close_payload(1001)));
  CHECK(got.log == std::vector<std::string>{"text:in flight", "ping:ping", "close:1001:"});
  CHECK(endpoint.state() == close_state::closed);
  CHECK_FALSE(endpoint.has_pending_control()); // no echo of an echo, no pong after our Close
}

TEST_CASE("a failure after our Close sends no second Close") {
  protocol server(role::server);
  std::vector<std::uint8_t> out;
  REQUIRE_FALSE(server.serialize_close(close_code::normal, "", out));
  CHECK(feed(server, raw_frame(0x81, "unmasked", false)).failure == error::unmasked_client_frame);
  CHECK(server.state() == close_state::failed);
  CHECK_FALSE(server.has_pending_control());
}

TEST_CASE("every ping gets its pong, in order (Autobahn 2.10)") {
  const role r = GENERATE(role::client, role::server);
  protocol endpoint(r);
  bytes wire;
  std::vector<std::string> expected;
  for (int i = 0; i < 10; ++i) {
    wire = wire + peer_frame(r, 0x89, "payload-" + std::to_string(i));
    expected.push_back("pong:payload-" + std::to_string(i));
  }
  CHECK(feed(endpoint, wire).events == 10);
  CHECK(endpoint.pending_control_size() <= max_pending_control_size);
  CHECK(test::take_control_as_peer(endpoint).log == expected);
  CHECK_FALSE(endpoint.has_pending_control());
}

TEST_CASE("a ping flood owes at most max_owed_pongs pongs: the latest ones, in order") {
  protocol server(role::server);
  const auto payload = [](int i) { return std::string(125, static_cast<char>('a' + i % 26)); };
  bytes wire;
  for (int i = 0; i < 1000; ++i) wire = wire + peer_frame(role::server, 0x89, payload(i));
  CHECK(feed(server, wire).events == 1000);
  CHECK(server.pending_control_size() <= max_pending_control_size);
  std::vector<std::string> expected;
  for (int i = 1000 - static_cast<int>(max_owed_pongs); i < 1000; ++i)
    expected.push_back("pong:" + payload(i));
  CHECK(test::take_control_as_peer(server).log == expected);
}

TEST_CASE("the pongs owed go before the Close echo, and a writer may take them alone") {
  protocol server(role::server);
  const auto got = feed(server, peer_frame(role::server, 0x89, "one") + peer_frame(role::server, 0x89, "two") +
                                    peer_frame(role::server, 0x88, close_payload(1000)));
  CHECK(got.log == std::vector<std::string>{"ping:one", "ping:two", "close:1000:"});
  std::uint8_t out[max_pending_control_size];
  const std::size_t pongs = server.take_owed_pongs(out);
  CHECK(test::read_as_peer(role::server, out, pongs).log == std::vector<std::string>{"pong:one", "pong:two"});
  CHECK(server.has_pending_close());
  CHECK(test::take_control_as_peer(server).log == std::vector<std::string>{"close:1000:"});
}

TEST_CASE("replies to the messages before the peer's Close or a failure may go out until our Close is taken") {
  const role r = GENERATE(role::client, role::server);
  const bool failure = GENERATE(false, true);
  protocol endpoint(r);
  const bytes ending = failure ? peer_frame(r, 0x81 | 0x20, "RSV2") : peer_frame(r, 0x88, close_payload(1000));
  const auto got = feed(endpoint, peer_frame(r, 0x81, "Hello") + ending);
  REQUIRE(got.messages == std::vector<std::string>{"Hello"});
  CHECK(endpoint.state() == (failure ? close_state::failed : close_state::closed));
  REQUIRE(endpoint.has_pending_close());
  CHECK(endpoint.may_send_data());

  std::vector<std::uint8_t> out;
  REQUIRE_FALSE(endpoint.serialize_message(message_kind::text, "Hello", out));
  CHECK(endpoint.serialize_ping("", 0, out) == error::closed); // only data: the reply, not a new exchange
  std::uint8_t control[max_pending_control_size];
  const std::size_t control_size = endpoint.take_pending_control(control);
  out.insert(out.end(), control, control + control_size);
  const auto sent = test::read_as_peer(r, out.data(), out.size());
  CHECK(sent.log == std::vector<std::string>{"text:Hello", failure ? "close:1002:" : "close:1000:"});

  // Once our Close is taken, nothing more.
  CHECK_FALSE(endpoint.may_send_data());
  std::vector<std::uint8_t> late;
  CHECK(endpoint.serialize_message(message_kind::text, "late", late) == error::closed);
  frame_prefix prefix;
  CHECK(endpoint.prepare_data_frame(message_kind::text, 4, true, prefix) == error::closed);
  CHECK(late.empty());
}

TEST_CASE("a failure still answers the pings before it, then sends the Close, and answers none after it") {
  protocol server(role::server);
  const auto got = feed(server, peer_frame(role::server, 0x89, "p") + raw_frame(0x81, "unmasked", false) +
                                    peer_frame(role::server, 0x89, "after"));
  CHECK(got.failure == error::unmasked_client_frame);
  const auto sent = test::take_control_as_peer(server);
  CHECK(sent.log == std::vector<std::string>{"pong:p", "close:1002:"});
}

TEST_CASE("after a failure, input is ignored") {
  protocol server(role::server);
  REQUIRE(feed(server, raw_frame(0x81, "unmasked", false)).failure);
  bytes more = peer_frame(role::server, 0x81, "ignored");
  const event ev = server.receive(more.data(), more.size());
  CHECK(ev.type == event_type::need_more);
  CHECK(ev.consumed == more.size());
}

TEST_CASE("sending checks its arguments") {
  protocol client(role::client);
  std::vector<std::uint8_t> out;
  CHECK(client.serialize_ping(std::string(126, 'p').data(), 126, out) == error::control_payload_too_large);
  CHECK(client.serialize_close(1005, "", out).value() == 0);
  protocol another(role::client);
  CHECK(another.serialize_close(1006, "", out) == error::invalid_close_code_to_send);
  CHECK(another.serialize_close(999, "", out) == error::invalid_close_code_to_send);
  CHECK(another.serialize_close(close_code::no_status, "reason without code", out) ==
        error::invalid_close_code_to_send);
  CHECK(another.serialize_close(1000, std::string(124, 'r'), out) == error::close_reason_too_long);
  CHECK(another.serialize_close(1000, "\xFF", out) == error::invalid_close_reason);
  CHECK(another.state() == close_state::open);
  CHECK_FALSE(another.serialize_close(1000, std::string(123, 'r'), out));
}

TEST_CASE("clients mask every frame with a fresh key, servers never mask") {
  protocol client(role::client);
  std::vector<std::uint8_t> out;
  REQUIRE_FALSE(client.serialize_message(message_kind::binary, "same", out));
  REQUIRE_FALSE(client.serialize_message(message_kind::binary, "same", out));
  REQUIRE(out.size() == 2 * 10);
  CHECK((out[1] & 0x80) != 0);
  CHECK(bytes(out.begin() + 2, out.begin() + 6) != bytes(out.begin() + 12, out.begin() + 16));
  CHECK(test::read_as_peer(role::client, out.data(), out.size()).messages ==
        std::vector<std::string>{"same", "same"});

  protocol server(role::server);
  std::vector<std::uint8_t> plain;
  REQUIRE_FALSE(server.serialize_message(message_kind::text, "Hello", plain));
  CHECK(plain == bytes{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}); // RFC 6455 5.7, byte for byte
}

TEST_CASE("auto-fragmentation splits long messages into frames of the configured size") {
  options opts;
  opts.auto_fragment_size = 4;
  protocol server(role::server, opts);
  std::vector<std::uint8_t> out;
  REQUIRE_FALSE(server.serialize_message(message_kind::text, "Hello, world", out)); // 12 bytes: 3 frames
  CHECK(out == bytes{0x01, 4, 'H', 'e', 'l', 'l', 0x00, 4, 'o', ',', ' ', 'w', 0x80, 4, 'o', 'r', 'l', 'd'});
  out.clear();
  REQUIRE_FALSE(server.serialize_message(message_kind::binary, "", 0, out));
  CHECK(out == bytes{0x82, 0x00}); // an empty message is one empty frame
}

TEST_CASE("manual fragmentation, with control frames between the fragments") {
  protocol server(role::server);
  std::vector<std::uint8_t> out;
  REQUIRE_FALSE(server.serialize_frame(message_kind::binary, "ab", 2, false, out));
  CHECK(server.sending_message());
  CHECK(server.serialize_message(message_kind::binary, "x", out) == error::message_in_progress);
  CHECK(server.serialize_frame(message_kind::text, "x", 1, true, out) == error::message_in_progress);
  REQUIRE_FALSE(server.serialize_ping("p", 1, out));
  REQUIRE_FALSE(server.serialize_frame(message_kind::binary, "cd", 2, true, out));
  CHECK_FALSE(server.sending_message());
  CHECK(out == bytes{0x02, 2, 'a', 'b', 0x89, 1, 'p', 0x80, 2, 'c', 'd'});
}

TEST_CASE("prepare_data_frame gives a header for a payload written separately") {
  protocol client(role::client);
  frame_prefix prefix;
  REQUIRE_FALSE(client.prepare_data_frame(message_kind::text, 70000, false, prefix));
  CHECK(prefix.size == 14);
  CHECK(prefix.masked);
  frame_header header;
  REQUIRE(parse_frame_header(prefix.bytes.data(), prefix.size, header).status == parse_status::complete);
  CHECK(header.op == opcode::text);
  CHECK_FALSE(header.fin);
  CHECK(header.payload_length == 70000);
  CHECK(header.key == prefix.key);
  REQUIRE_FALSE(client.prepare_data_frame(message_kind::text, 3, true, prefix));
  REQUIRE(parse_frame_header(prefix.bytes.data(), prefix.size, header).status == parse_status::complete);
  CHECK(header.op == opcode::continuation);
  CHECK(header.fin);
}

TEST_CASE("message_buffered tells whether the bytes hold the rest of a message") {
  protocol server(role::server);
  const bytes hello = peer_frame(role::server, 0x81, "hello");
  const bytes ping = peer_frame(role::server, 0x89, "p");
  const bytes first_half = peer_frame(role::server, 0x01, "hel");
  const bytes second_half = peer_frame(role::server, 0x80, "lo");
  const auto buffered = [&](const bytes& wire) { return server.message_buffered(wire.data(), wire.size()); };

  CHECK(buffered(hello));
  CHECK(buffered(hello + hello));
  CHECK(buffered(ping + first_half + ping + second_half)); // control frames between fragments
  CHECK_FALSE(buffered({}));
  CHECK_FALSE(buffered(bytes(hello.begin(), hello.end() - 1))); // payload cut short
  CHECK_FALSE(buffered(bytes(hello.begin(), hello.begin() + 1))); // header cut short
  CHECK_FALSE(buffered(ping));
  CHECK_FALSE(buffered(ping + first_half));
  CHECK_FALSE(buffered(peer_frame(role::server, 0x88, close_payload(1000)) + hello)); // a Close ends reading
  CHECK_FALSE(buffered(bytes{0x83, 0x80, 0, 0, 0, 0})); // reserved opcode: reading fails

  SECTION("only from a frame boundary") {
    bytes partial(hello.begin(), hello.begin() + 4);
    CHECK(feed(server, partial).log.empty());
    const bytes rest(hello.begin() + 4, hello.end());
    CHECK_FALSE(buffered(rest + hello)); // mid-header: it does not look
    CHECK(feed(server, rest).log == std::vector<std::string>{"text:hello"});
    CHECK(buffered(hello));
  }
  SECTION("and true means receive() delivers the whole message") {
    const bytes wire = ping + first_half + second_half + hello;
    REQUIRE(buffered(wire));
    CHECK(feed(server, wire).log == std::vector<std::string>{"ping:p", "text:hello", "text:hello"});
  }
}

TEST_CASE("payload_ahead counts the data frame payload that receive() would return in place") {
  protocol server(role::server);
  CHECK(server.payload_ahead() == 0); // between frames
  const bytes frame = peer_frame(role::server, 0x82, std::string(300, 'x'));
  const std::size_t header = 2 + 2 + 4; // 16-bit length, mask key
  bytes head(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(header + 100));
  feed(server, head);
  CHECK(server.payload_ahead() == 200);
  bytes rest(frame.begin() + static_cast<std::ptrdiff_t>(header + 100), frame.end());
  feed(server, rest);
  CHECK(server.payload_ahead() == 0);

  const bytes ping = peer_frame(role::server, 0x89, "abc");
  feed(server, bytes(ping.begin(), ping.begin() + 7));
  CHECK(server.payload_ahead() == 0); // a control frame's payload is gathered by the protocol
}
