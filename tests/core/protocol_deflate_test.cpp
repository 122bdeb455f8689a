// The protocol with permessage-deflate on: RSV1 rules, compressed messages in
// and out, limits on the inflated size.
#include <asiows/core/deflate_codec.hpp>
#include <asiows/core/protocol.hpp>

#include "catch.hpp"
#include "protocol_driver.hpp"

#include <memory>
#include <random>
#include <string>

using namespace asiows;
using test::bytes;
using test::feed;
using test::operator+;
using test::raw_frame;

namespace {

protocol with_deflate(role r, options opts = {}, deflate_params params = {}, std::size_t threshold = 0) {
  protocol p(r, opts);
  p.enable_compression(std::make_unique<deflate_codec>(params, deflate_options{}), threshold);
  return p;
}

bytes compressed(const std::string& message) {
  deflate_codec codec(deflate_params{}, deflate_options{});
  bytes out;
  codec.compress(reinterpret_cast<const std::uint8_t*>(message.data()), message.size(), true, out);
  return out;
}

std::string as_string(const bytes& b) { return std::string(b.begin(), b.end()); }

} // namespace

TEST_CASE("deflate protocol: the RFC 7692 7.2.3 frames") {
  protocol client = with_deflate(role::client);
  const bytes hello{0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00};          // 7.2.3.1
  const bytes fragmented{0x41, 0x03, 0xf2, 0x48, 0xcd, 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00};
  const bytes shared_window{0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00};               // 7.2.3.2
  const bytes stored{0xc1, 0x0b, 0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00}; // 7.2.3.3
  const bytes empty{0xc1, 0x01, 0x00};                                               // 7.2.3.6
  const auto got = feed(client, hello + fragmented + shared_window + stored + empty, [] { return 1; });
  CHECK_FALSE(got.failure);
  CHECK(got.messages == std::vector<std::string>{"Hello", "Hello", "Hello", "Hello", ""});
}

TEST_CASE("deflate protocol: RSV1 only on a message's first frame, and only when negotiated") {
  const role r = GENERATE(role::client, role::server);
  const bool masked = r == role::server;
  auto failure_of = [&](const bytes& wire, bool negotiated) {
    protocol receiver = negotiated ? with_deflate(r) : protocol(r);
    return feed(receiver, wire).failure;
  };
  const std::string hello = as_string(compressed("Hello"));
  CHECK(failure_of(raw_frame(0xc1, hello, masked), false) == error::reserved_bits_set); // not negotiated
  CHECK_FALSE(failure_of(raw_frame(0xc1, hello, masked), true));
  CHECK(failure_of(raw_frame(0x41, hello.substr(0, 2), masked) + raw_frame(0xc0, hello.substr(2), masked), true) ==
        error::reserved_bits_set); // RSV1 on a continuation
  CHECK(failure_of(raw_frame(0xc9, "", masked), true) == error::reserved_bits_set); // RSV1 on a ping
  CHECK(failure_of(raw_frame(0xa1, hello, masked), true) == error::reserved_bits_set); // RSV2 stays reserved
}

TEST_CASE("deflate protocol: a bomb is stopped at the message limit with 1009") {
  options opts;
  opts.max_message_size = 1 << 20;
  protocol server = with_deflate(role::server, opts);
  const std::string bomb = as_string(compressed(std::string(64 << 20, 'a'))); // about 64 KiB on the wire
  const auto got = feed(server, raw_frame(0xc2, bomb, true));
  CHECK(got.failure == error::message_too_big);
  CHECK(got.failure_close_code == 1009);
  CHECK(got.events <= (1 << 20) / (16 * 1024) + 2); // pieces of 16 KiB up to the limit, then the failure
}

TEST_CASE("deflate protocol: bad data inside compressed messages") {
  protocol a = with_deflate(role::client);
  CHECK(feed(a, raw_frame(0xc1, as_string(compressed("ok \xC0\xAF")), false)).failure == error::invalid_utf8);
  protocol b = with_deflate(role::client);
  const auto got = feed(b, raw_frame(0xc1, "\xff\xff\xff\xff\x13\x37", false));
  CHECK(got.failure == error::bad_compressed_data);
  CHECK(got.failure_close_code == 1007);
}

TEST_CASE("deflate protocol: compressed messages round-trip at any split, in both roles") {
  const role sender_role = GENERATE(role::client, role::server);
  const role receiver_role = sender_role == role::client ? role::server : role::client;
  const bool reset = GENERATE(false, true);
  deflate_params params;
  params.local_no_context_takeover = params.remote_no_context_takeover = reset;
  options opts;
  opts.auto_fragment_size = GENERATE(0u, 100u);
  protocol sender = with_deflate(sender_role, opts, params, 64);
  protocol receiver = with_deflate(receiver_role, {}, params);
  std::mt19937 random(11);
  std::vector<std::uint8_t> wire;
  std::vector<std::string> expected;
  std::size_t plain_bytes = 0;
  for (int m = 0; m < 60; ++m) {
    std::string message;
    const std::size_t size = m % 7 == 0 ? 10 : random() % 40000;
    while (message.size() < size) message += R"({"id":)" + std::to_string(random() % 100) + R"(,"name":"x"},)";
    message.resize(size);
    const auto mode = m % 5 == 0 ? compress_mode::never : compress_mode::automatic;
    REQUIRE_FALSE(sender.serialize_message(message_kind::text, message, wire, mode));
    expected.push_back(message);
    plain_bytes += size;
  }
  CHECK(wire.size() * 2 < plain_bytes); // JSON-like messages shrink on the wire
  const auto got = feed(receiver, wire, [&] { return 1 + random() % 3000; });
  CHECK_FALSE(got.failure);
  CHECK(got.messages == expected);
}

TEST_CASE("deflate protocol: short messages go uncompressed unless asked") {
  protocol server = with_deflate(role::server, {}, {}, 64);
  std::vector<std::uint8_t> out;
  REQUIRE_FALSE(server.serialize_message(message_kind::text, "short", out));
  CHECK(out[0] == 0x81); // no RSV1
  CHECK(server.compression_memory() == 0); // nothing compressed or inflated yet: nothing held
  out.clear();
  REQUIRE_FALSE(server.serialize_message(message_kind::text, "short", out, compress_mode::always));
  CHECK(out[0] == 0xc1); // RSV1: compressed
  out.clear();
  REQUIRE_FALSE(server.serialize_message(message_kind::text, std::string(1000, 'y'), out));
  CHECK(out[0] == 0xc1);
  CHECK(out.size() < 100);
  CHECK(server.compression_memory() > 0);
}

TEST_CASE("deflate protocol: empty frames inside a compressed message do not swallow what follows") {
  // Found by fuzz_protocol: an empty non-final frame of a compressed message left the
  // protocol in the frame's payload, and every later byte was taken as more of it.
  const bytes hello{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}; // "Hello", RFC 7692 7.2.3.1
  const bytes empty_first{0x41, 0x00};                         // RSV1, text, no FIN, no payload
  const bytes empty_middle{0x00, 0x00};                        // continuation, no FIN, no payload
  bytes rest{0x80, static_cast<std::uint8_t>(hello.size())};  // continuation, FIN
  rest.insert(rest.end(), hello.begin(), hello.end());
  const bytes after{0x81, 0x02, 'o', 'k'};                     // an uncompressed message next
  for (const std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{100}}) {
    protocol client = with_deflate(role::client);
    const auto got = feed(client, empty_first + empty_middle + rest + after, [piece] { return piece; });
    CHECK_FALSE(got.failure);
    CHECK(got.messages == std::vector<std::string>{"Hello", "ok"});
  }
}

TEST_CASE("deflate protocol: an 8-bit window for our side sends uncompressed, holds no compressor, still inflates") {
  const role r = GENERATE(role::client, role::server);
  deflate_params eight; // what was agreed: we compress with at most 8 bits, the peer with 15
  eight.local_window_bits = 8;
  protocol endpoint = with_deflate(r, {}, eight, 0);
  CHECK(endpoint.compression_enabled());
  const std::string large(4000, 'z');
  for (const auto mode : {compress_mode::automatic, compress_mode::always}) {
    CHECK_FALSE(endpoint.will_compress(large.size(), mode));
    std::vector<std::uint8_t> out;
    REQUIRE_FALSE(endpoint.serialize_message(message_kind::text, large, out, mode));
    CHECK((out[0] & 0x40) == 0); // RSV1 clear: RFC 7692 6 lets a sender leave any message uncompressed
    CHECK(out[0] == 0x81);
    const auto sent = test::read_as_peer(r, out.data(), out.size());
    CHECK(sent.messages == std::vector<std::string>{large});
  }
  CHECK(endpoint.compression_memory() == 0); // no compressor was ever made

  // What the peer compresses still arrives inflated.
  const bytes wire = raw_frame(0xc1, as_string(compressed(large)), r == role::server);
  const auto got = feed(endpoint, wire);
  CHECK_FALSE(got.failure);
  CHECK(got.messages == std::vector<std::string>{large});
  // Only the decompressor and the inflate buffer: no 2^(w+2) + 2^(memLevel+9) compressor.
  CHECK(endpoint.compression_memory() > 0);
  CHECK(endpoint.compression_memory() < 64 * 1024);
}

TEST_CASE("deflate protocol: between messages a side without context takeover holds no zlib state and no inflate buffer") {
  const role r = GENERATE(role::client, role::server);
  deflate_params resetting;
  resetting.local_no_context_takeover = resetting.remote_no_context_takeover = true;
  protocol endpoint = with_deflate(r, {}, resetting, 0);
  const std::string large(4000, 'z');

  // A compressed message in: while its last piece is being taken the buffer is
  // held; the next receive() gives it back to the thread.
  const bytes wire = raw_frame(0xc1, as_string(compressed(large)), r == role::server);
  bytes in = wire;
  const event ev = endpoint.receive(in.data(), in.size());
  REQUIRE(ev.type == event_type::message_data);
  REQUIRE(ev.message_complete);
  CHECK(std::string(reinterpret_cast<const char*>(ev.data), ev.size) == large);
  CHECK(endpoint.compression_memory() >= 16 * 1024); // the event's bytes are still in it
  CHECK(endpoint.receive(in.data() + ev.consumed, in.size() - ev.consumed).type == event_type::need_more);
  CHECK(endpoint.compression_memory() == 0);
  CHECK_FALSE(detail::spare_read_blocks().empty());

  // A compressed message out: the compressor goes back to the thread's pool at the message's end.
  std::vector<std::uint8_t> out;
  REQUIRE_FALSE(endpoint.serialize_message(message_kind::text, large, out, compress_mode::always));
  CHECK(endpoint.compression_memory() == 0);
  protocol peer = with_deflate(r == role::server ? role::client : role::server);
  CHECK(feed(peer, out).messages == std::vector<std::string>{large});
}
