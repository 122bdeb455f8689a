#include <asiows/core/deflate_codec.hpp>

#include "catch.hpp"

#include <random>
#include <string>
#include <vector>

using namespace asiows;
using bytes = std::vector<std::uint8_t>;

namespace {

bytes compress_message(deflate_codec& codec, const std::string& message) {
  bytes out;
  REQUIRE_FALSE(codec.compress(reinterpret_cast<const std::uint8_t*>(message.data()), message.size(), true, out));
  return out;
}

// Inflates a whole compressed message fed in pieces of `piece` bytes, into output chunks of `room` bytes.
std::string inflate_message(deflate_codec& codec, const bytes& compressed, std::size_t piece = 1 << 20,
                            std::size_t room = 16 * 1024, std::size_t limit = std::size_t(-1)) {
  std::string message;
  std::vector<std::uint8_t> out(room);
  std::size_t position = 0;
  for (;;) {
    const std::size_t take = std::min(piece, compressed.size() - position);
    const bool ends = position + take == compressed.size();
    const auto step = codec.decompress(compressed.data() + position, take, ends, out.data(), out.size());
    REQUIRE_FALSE(step.failure);
    message.append(reinterpret_cast<const char*>(out.data()), step.produced);
    position += step.consumed;
    if (step.message_done || message.size() > limit) return message;
  }
}

deflate_params both(bool reset, int bits) {
  deflate_params params;
  params.local_no_context_takeover = params.remote_no_context_takeover = reset;
  params.local_window_bits = params.remote_window_bits = bits;
  return params;
}

} // namespace

TEST_CASE("deflate: the RFC 7692 7.2.3 examples, byte for byte") {
  deflate_codec sender(both(false, 15), {});
  // 7.2.3.1: "Hello" compressed.
  CHECK(compress_message(sender, "Hello") == bytes{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
  // 7.2.3.2: the same again, sharing the LZ77 window (context takeover).
  CHECK(compress_message(sender, "Hello") == bytes{0xf2, 0x00, 0x11, 0x00, 0x00});
  // Without context takeover the second message is compressed afresh.
  deflate_codec resetting(both(true, 15), {});
  CHECK(compress_message(resetting, "Hello") == bytes{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
  CHECK(compress_message(resetting, "Hello") == bytes{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
  // 7.2.3.6: an empty message is a single 0x00.
  deflate_codec empty(both(false, 15), {});
  CHECK(compress_message(empty, "") == bytes{0x00});

  deflate_codec receiver(both(false, 15), {});
  CHECK(inflate_message(receiver, {0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}) == "Hello");
  CHECK(inflate_message(receiver, {0xf2, 0x00, 0x11, 0x00, 0x00}) == "Hello"); // needs the shared window
  // 7.2.3.3: a stored (uncompressed) block; 7.2.3.4: a block with BFINAL; 7.2.3.5: two blocks.
  deflate_codec others(both(false, 15), {});
  CHECK(inflate_message(others, {0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00}) == "Hello");
  CHECK(inflate_message(others, {0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00}) == "Hello");
  CHECK(inflate_message(others, {0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00}) ==
        "Hello");
  CHECK(inflate_message(others, {0x00}).empty());
  // A compressed message with no payload at all is the empty message too, and
  // leaves the shared window as it was.
  deflate_codec shared(both(false, 15), {});
  CHECK(inflate_message(shared, {0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}) == "Hello");
  CHECK(inflate_message(shared, {}).empty());
  CHECK(inflate_message(shared, {0xf2, 0x00, 0x11, 0x00, 0x00}) == "Hello");
}

TEST_CASE("deflate: round trips with and without context takeover, every window, any split") {
  std::mt19937 random(99);
  const bool reset = GENERATE(false, true);
  const int bits = GENERATE(9, 12, 15);
  deflate_codec sender(both(reset, bits), {});
  deflate_codec receiver(both(reset, bits), {});
  for (std::size_t size : {0u, 1u, 100u, 5000u, 70000u, 1u << 20}) {
    std::string message;
    while (message.size() < size) message += R"({"user":"ada","event":"tick","seq":)" + std::to_string(random() % 1000) + "},";
    message.resize(size);
    const bytes compressed = compress_message(sender, message);
    if (size >= 5000) CHECK(compressed.size() * 3 < size); // JSON-like text compresses well
    const std::size_t piece = 1 + random() % 700, room = 1 + random() % 20000;
    CHECK(inflate_message(receiver, compressed, piece, room) == message);
  }
}

TEST_CASE("deflate: inflating into 1-byte chunks still ends the message on a block boundary") {
  // Found by fuzz_inflate: the input and tail are all taken while a match is
  // still being copied out, a byte per call; the call after the last byte has
  // nothing to do, and must not make the message look cut off mid-block.
  const std::uint8_t found[] = {0x03, 0xc8, 0x01, 0x11, 0x03, 0xc8, 0x01, 0xc8, 0x01, 0x00, 0x00,
                                0x03, 0xff, 0xff, 0xff, 0xc8, 0x01, 0xff, 0x11, 0x03, 0xc8, 0xc8,
                                0xc8, 0x11, 0x03, 0x11, 0xf2, 0x03, 0xc8, 0x01, 0x03, 0xc8, 0x04};
  const std::string message(reinterpret_cast<const char*>(found), sizeof found);
  deflate_codec sender(both(false, 9), {});
  deflate_codec receiver(both(false, 9), {});
  for (int round = 0; round < 2; ++round) CHECK(inflate_message(receiver, compress_message(sender, message), 1, 1) == message);
}

TEST_CASE("deflate: a message compressed in pieces equals the message") {
  deflate_codec sender(both(false, 15), {});
  deflate_codec receiver(both(false, 15), {});
  const std::string text(100000, 'x');
  bytes compressed;
  for (std::size_t position = 0; position < text.size(); position += 7000) {
    const std::size_t take = std::min<std::size_t>(7000, text.size() - position);
    REQUIRE_FALSE(sender.compress(reinterpret_cast<const std::uint8_t*>(text.data()) + position, take,
                                  position + take == text.size(), compressed));
  }
  CHECK(inflate_message(receiver, compressed, 13, 999) == text);
}

TEST_CASE("deflate: a 16 MiB message round-trips") {
  deflate_codec sender(both(false, 15), {});
  deflate_codec receiver(both(false, 15), {});
  std::string big(16 << 20, '\0');
  std::mt19937 random(5);
  for (auto& c : big) c = static_cast<char>('a' + random() % 4);
  CHECK(inflate_message(receiver, compress_message(sender, big)) == big);
}

TEST_CASE("deflate: a decompression bomb is stopped at the caller's limit") {
  deflate_codec sender(both(false, 15), {});
  const std::string zeros(64 << 20, '\0'); // 64 MiB of zeros
  const bytes bomb = compress_message(sender, zeros);
  CHECK(bomb.size() < 100 * 1024); // a tiny message...
  deflate_codec receiver(both(false, 15), {});
  const std::size_t limit = 1 << 20;
  const std::string inflated = inflate_message(receiver, bomb, 1 << 20, 16 * 1024, limit);
  CHECK(inflated.size() <= limit + 16 * 1024); // ...that costs no more than the limit and one chunk
  CHECK(receiver.memory_bytes() < 64 * 1024);
}

TEST_CASE("deflate: corrupt data is an error, not a crash") {
  deflate_codec receiver(both(false, 15), {});
  const bytes garbage{0xff, 0xff, 0xff, 0xff, 0x13, 0x37};
  std::uint8_t out[256];
  const auto step = receiver.decompress(garbage.data(), garbage.size(), true, out, sizeof out);
  CHECK(step.failure == error::bad_compressed_data);
  CHECK(close_code_for(error::bad_compressed_data) == close_code::invalid_payload);
}

TEST_CASE("deflate: a message cut off inside a block is bad data (1007)") {
  // A stored block announcing 10 bytes that carries 5: the restored tail fills
  // 4 more, and the message ends inside the block.
  const bytes truncated{0x00, 0x0a, 0x00, 0xf5, 0xff, 'H', 'e', 'l', 'l', 'o'};
  deflate_codec receiver(both(false, 15), {});
  std::uint8_t out[256];
  const auto step = receiver.decompress(truncated.data(), truncated.size(), true, out, sizeof out);
  CHECK(step.failure == error::bad_compressed_data);
  CHECK_FALSE(step.message_done);
}

TEST_CASE("deflate: a peer that agreed to an 8-bit window may reach back 9 bits") {
  // 300 letters with no long repeats inside: the second message is a match
  // 300 bytes back, past 256 bytes (8 bits) and within 512 (9 bits).
  std::string letters;
  std::uint32_t state = 12345;
  while (letters.size() < 300) {
    state = state * 1103515245u + 12345u;
    letters += static_cast<char>('a' + (state >> 16) % 26);
  }
  deflate_codec sender(both(false, 15), {});
  deflate_params eight = both(false, 8);
  deflate_codec receiver(eight, {});
  CHECK(inflate_message(receiver, compress_message(sender, letters)) == letters);
  const bytes second = compress_message(sender, letters);
  CHECK(second.size() < 20); // one back-reference
  CHECK(inflate_message(receiver, second) == letters);
}

TEST_CASE("deflate: streams are created on first use, and their memory is reported") {
  deflate_options opts;
  opts.memory_level = 4;
  deflate_codec codec(both(false, 15), opts);
  CHECK(codec.memory_bytes() == 0);
  compress_message(codec, "hello");
  CHECK(codec.memory_bytes() == (1u << 17) + (1u << 13));
}

TEST_CASE("deflate: a side without context takeover borrows zlib's state for one message, from its thread's pool") {
  deflate_options opts;
  opts.memory_level = 4;
  const std::size_t compressor_bytes = (1u << 17) + (1u << 13), decompressor_bytes = (1u << 15) + 7 * 1024;
  detail::zlib_stream_pool::release_spares(); // what earlier tests on this thread left
  const std::string message(3000, 'x');

  // Two connections that reset after every message hold nothing between messages,
  // and share one state: the second takes the state the first gave back.
  deflate_codec first(both(true, 15), opts), second(both(true, 15), opts);
  const bytes a = compress_message(first, message + "a");
  CHECK(first.memory_bytes() == 0);
  CHECK(detail::zlib_stream_pool::spares() == 1);
  const bytes b = compress_message(second, message + "b");
  CHECK(second.memory_bytes() == 0);
  CHECK(detail::zlib_stream_pool::spares() == 1);
  // Each message came out whole, as if compressed alone.
  deflate_codec alone(both(true, 15), opts);
  CHECK(compress_message(alone, message + "b") == b);

  // The receiving side borrows too; a message inflated in pieces holds its state until it ends.
  deflate_codec receiver(both(true, 15), opts);
  CHECK(inflate_message(receiver, a, 7, 512) == message + "a");
  CHECK(receiver.memory_bytes() == 0);
  std::vector<std::uint8_t> room(8192);
  const auto first_piece = receiver.decompress(b.data(), b.size() / 2, false, room.data(), room.size());
  REQUIRE_FALSE(first_piece.failure);
  CHECK(receiver.memory_bytes() == decompressor_bytes);

  // A message compressed in pieces holds the compressor until its last piece.
  bytes out;
  REQUIRE_FALSE(first.compress(reinterpret_cast<const std::uint8_t*>(message.data()), 100, false, out));
  CHECK(first.memory_bytes() == compressor_bytes);
  REQUIRE_FALSE(first.compress(reinterpret_cast<const std::uint8_t*>(message.data()) + 100, message.size() - 100, true, out));
  CHECK(first.memory_bytes() == 0);

  // With context takeover the state is the connection's own, kept between messages.
  deflate_codec keeping(both(false, 15), opts);
  compress_message(keeping, message);
  CHECK(keeping.memory_bytes() == compressor_bytes);

  // States are shared only between equal settings.
  deflate_options faster = opts;
  faster.compression_level = 1;
  deflate_codec other_level(both(true, 15), faster);
  detail::zlib_stream_pool::release_spares();
  compress_message(first, message);
  const std::size_t spares = detail::zlib_stream_pool::spares(); // first's compressor, level 6
  compress_message(other_level, message);
  CHECK(detail::zlib_stream_pool::spares() == spares + 1);
}
