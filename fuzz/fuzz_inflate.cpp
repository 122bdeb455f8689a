// permessage-deflate's decompressor fed arbitrary data in arbitrary pieces,
// into output chunks of arbitrary size, with a message limit. Invariants: it
// never consumes more than it is given nor writes past its chunk; it stops
// (by the caller's limit) however far the data would inflate; and, as a
// round trip, compressing the input and inflating that gives the input back.
#include <asiows/core/deflate_codec.hpp>

#include "fuzz_input.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace {

constexpr std::size_t message_limit = 64 * 1024;

// Inflates one message; returns false on bad data. `out` gets at most message_limit + one chunk.
bool inflate_message(asiows::deflate_codec& codec, const std::uint8_t* data, std::size_t size, fuzz::input& splits,
                     std::size_t chunk, std::vector<std::uint8_t>& out) {
  std::vector<std::uint8_t> room(chunk);
  std::size_t at = 0;
  for (int guard = 0;; ++guard) {
    FUZZ_CHECK(guard < 1'000'000); // every call makes progress
    const std::size_t piece = std::min(splits.next_piece(size - at), size - at);
    const bool ends = at + piece == size;
    const auto step = codec.decompress(data + at, piece, ends, room.data(), room.size());
    if (step.failure) return false;
    FUZZ_CHECK(step.consumed <= piece && step.produced <= room.size());
    out.insert(out.end(), room.begin(), room.begin() + static_cast<std::ptrdiff_t>(step.produced));
    at += step.consumed;
    if (step.message_done) {
      FUZZ_CHECK(ends && at == size);
      return true;
    }
    if (out.size() > message_limit) return true; // where the protocol stops a bomb (1009)
    if (step.consumed == 0 && step.produced == 0 && piece > 0 && !ends) return false; // the protocol's 1007
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::input in(data, size);
  const std::uint8_t setup = in.take_byte();
  std::uint8_t split_bytes[16];
  for (auto& b : split_bytes) b = in.take_byte();
  asiows::deflate_params params;
  params.local_no_context_takeover = params.remote_no_context_takeover = (setup & 1) != 0;
  params.local_window_bits = 9 + (setup >> 1) % 7;
  params.remote_window_bits = params.local_window_bits;
  const std::size_t chunk = std::size_t{1} << (setup >> 4) % 15; // 1 byte to 16 KiB

  // Arbitrary bytes as a compressed message: bounded output, no crash.
  {
    asiows::deflate_codec codec(params, {});
    fuzz::input splits(split_bytes, sizeof split_bytes);
    std::vector<std::uint8_t> out;
    inflate_message(codec, in.data(), in.size(), splits, chunk, out);
    FUZZ_CHECK(out.size() <= message_limit + chunk);
  }
  // Round trip, twice (the second message uses the shared window unless reset).
  if (in.size() <= message_limit) {
    asiows::deflate_codec sender(params, {}), receiver(params, {});
    for (int round = 0; round < 2; ++round) {
      std::vector<std::uint8_t> compressed, out;
      FUZZ_CHECK(!sender.compress(in.data(), in.size(), true, compressed));
      fuzz::input splits(split_bytes, sizeof split_bytes);
      FUZZ_CHECK(inflate_message(receiver, compressed.data(), compressed.size(), splits, chunk, out));
      FUZZ_CHECK(out.size() == in.size() && std::equal(out.begin(), out.end(), in.data()));
    }
  }
  return 0;
}
