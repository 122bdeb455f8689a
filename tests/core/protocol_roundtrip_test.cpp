// Property test: whatever one side encodes, the other decodes to the same
// events, however the bytes are split on the way.
#include <asiows/core/protocol.hpp>

#include "catch.hpp"
#include "protocol_driver.hpp"

#include <random>
#include <string>
#include <vector>

using namespace asiows;

namespace {

std::size_t random_size(std::mt19937& random) {
  // Around every length-encoding boundary, and some small random ones.
  static const std::size_t boundaries[] = {0, 1, 125, 126, 127, 65535, 65536, 65537};
  if (random() % 3 == 0) return random() % 300;
  return boundaries[random() % 8];
}

std::string random_text(std::mt19937& random, std::size_t size) {
  // Valid UTF-8 of about `size` bytes, with 1- to 4-byte characters.
  static const std::string characters[] = {"a", "z", " ", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
  std::string text;
  while (text.size() < size) text += characters[random() % 6];
  return text;
}

std::string random_binary(std::mt19937& random, std::size_t size) {
  std::string data(size, '\0');
  for (auto& c : data) c = static_cast<char>(random());
  return data;
}

// A printable summary of a logged event: its kind, size and first bytes in hex.
std::string describe(const std::string& entry) {
  const std::size_t colon = entry.find(':');
  std::string out = entry.substr(0, colon) + " of " + std::to_string(entry.size() - colon - 1) + " bytes:";
  static constexpr char digits[] = "0123456789abcdef";
  for (std::size_t i = colon + 1; i < entry.size() && i < colon + 17; ++i) {
    const auto byte = static_cast<unsigned char>(entry[i]);
    out += ' ';
    out += digits[byte >> 4];
    out += digits[byte & 15];
  }
  return out;
}

} // namespace

TEST_CASE("encoded messages decode to the same events at any split, in both roles") {
  const role sender_role = GENERATE(role::client, role::server);
  const role receiver_role = sender_role == role::client ? role::server : role::client;
  const std::uint32_t seed = GENERATE(1u, 2u, 3u, 4u);
  std::mt19937 random(seed);

  options opts;
  opts.auto_fragment_size = seed % 2 == 0 ? 0 : 1000;
  protocol sender(sender_role, opts);
  std::vector<std::uint8_t> wire;
  std::vector<std::string> expected;

  for (int m = 0; m < 40; ++m) {
    const bool text = random() % 2 == 0;
    const message_kind kind = text ? message_kind::text : message_kind::binary;
    const std::size_t size = random_size(random);
    const std::string payload = text ? random_text(random, size) : random_binary(random, size);
    const int style = static_cast<int>(random() % 3);
    if (style == 0) {
      REQUIRE_FALSE(sender.serialize_message(kind, payload, wire));
    } else {
      // Fragmented by hand at random points, with control frames in between.
      std::size_t position = 0;
      do {
        const std::size_t piece = std::min<std::size_t>(random() % 400, payload.size() - position);
        const bool fin = position + piece == payload.size() && random() % 4 != 0;
        REQUIRE_FALSE(sender.serialize_frame(kind, payload.data() + position, piece, fin, wire));
        position += piece;
        if (fin) break;
        if (random() % 3 == 0) {
          const std::string ping = random_binary(random, random() % 126);
          REQUIRE_FALSE(sender.serialize_ping(ping.data(), ping.size(), wire));
          expected.push_back("ping:" + ping);
        }
      } while (true);
    }
    expected.push_back((text ? "text:" : "binary:") + payload);
    if (random() % 5 == 0) {
      REQUIRE_FALSE(sender.serialize_pong("beat", 4, wire));
      expected.push_back("pong:beat");
    }
  }
  REQUIRE_FALSE(sender.serialize_close(close_code::normal, "bye", wire));
  expected.push_back("close:1000:bye");

  const std::size_t max_piece = GENERATE(1u, 7u, 1500u, 100000u);
  protocol receiver(receiver_role);
  const auto got = test::feed(receiver, wire, [&] { return 1 + random() % max_piece; });
  CHECK_FALSE(got.failure);
  REQUIRE(got.log.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (got.log[i] == expected[i]) continue;
    CAPTURE(i, describe(got.log[i]), describe(expected[i]));
    FAIL("events differ");
  }
  CHECK(receiver.state() == close_state::closed);
  // The receiver owes the pong for the last ping, if no Close came after it,
  // and the Close echo.
  const auto owed = test::take_control_as_peer(receiver);
  CHECK(owed.close_code == close_code::normal);
}
