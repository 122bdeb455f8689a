// Microbenchmarks of the sans-I/O core (Google Benchmark). Each byte-moving
// benchmark reports bytes per second, next to memcpy of the same sizes on
// the same machine: the ceiling any pass over a payload is measured against.
//
//   bench/run-micro.sh            (builds the release preset, runs everything)
#include <asiows/core.hpp>
#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
#include <asiows/core/deflate_codec.hpp>
#endif

#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using bytes = std::vector<std::uint8_t>;

bytes random_bytes(std::size_t size, std::uint32_t seed) {
  std::mt19937 random(seed);
  bytes out(size);
  for (auto& b : out) b = static_cast<std::uint8_t>(random());
  return out;
}

// Text of `size` bytes drawn from `alphabet` (whole UTF-8 sequences, cut to size at a boundary).
std::string text_from(const std::vector<std::string>& alphabet, std::size_t size) {
  std::mt19937 random(7);
  std::string text;
  for (;;) {
    const std::string& next = alphabet[random() % alphabet.size()];
    if (text.size() + next.size() > size) break;
    text += next;
  }
  text.append(size - text.size(), 'a');
  return text;
}

// JSON-like messages, the kind permessage-deflate is for: repeated keys, varying numbers.
std::string json_like(std::size_t size, std::uint32_t seed = 11) {
  std::mt19937 random(seed);
  std::string text = "[";
  while (text.size() < size) {
    text += R"({"symbol":"ASW)" + std::to_string(random() % 50) + R"(","price":)" + std::to_string(random() % 100000) +
            "." + std::to_string(random() % 100) + R"(,"qty":)" + std::to_string(random() % 1000) +
            R"(,"side":")" + (random() % 2 ? "buy" : "sell") + R"(","ts":)" + std::to_string(1700000000000 + random()) +
            "},";
  }
  text.resize(size);
  return text;
}

// 64 different JSON-like messages of `size` bytes: cycled through, none is a copy
// of one still in a 32 KiB window once they are 512 bytes or more.
std::vector<std::string> json_messages(std::size_t size) {
  std::vector<std::string> messages;
  for (std::uint32_t seed = 0; seed < 64; ++seed) messages.push_back(json_like(size, seed));
  return messages;
}

void set_bytes(benchmark::State& state, std::size_t per_iteration) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(per_iteration));
}

void BM_memcpy(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const bytes source = random_bytes(size, 1);
  bytes destination(size);
  for (auto _ : state) {
    std::memcpy(destination.data(), source.data(), size);
    benchmark::DoNotOptimize(destination.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state, size);
}
BENCHMARK(BM_memcpy)->Arg(16)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);

void BM_mask_in_place(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  bytes data = random_bytes(size, 2);
  const asiows::mask_key key{0x12, 0x34, 0x56, 0x78};
  for (auto _ : state) {
    asiows::apply_mask(data.data(), size, key);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state, size);
}
BENCHMARK(BM_mask_in_place)->Arg(16)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);

// The portable code the vector path replaced, for the ratio in the same run.
void BM_mask_in_place_portable(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  bytes data = random_bytes(size, 2);
  const asiows::mask_key key{0x12, 0x34, 0x56, 0x78};
  for (auto _ : state) {
    asiows::detail::mask_bytes_portable(data.data(), data.data(), size, key, 0);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state, size);
}
BENCHMARK(BM_mask_in_place_portable)->Arg(64 << 10)->Arg(1 << 20);

void BM_copy_masked(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const bytes source = random_bytes(size, 3);
  bytes destination(size);
  const asiows::mask_key key{0x12, 0x34, 0x56, 0x78};
  for (auto _ : state) {
    asiows::copy_masked(destination.data(), source.data(), size, key);
    benchmark::DoNotOptimize(destination.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state, size);
}
BENCHMARK(BM_copy_masked)->Arg(16)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);

void utf8_validation(benchmark::State& state, const std::string& text) {
  for (auto _ : state) benchmark::DoNotOptimize(asiows::is_valid_utf8(text));
  set_bytes(state, text.size());
}
void BM_utf8_ascii(benchmark::State& state) {
  utf8_validation(state, text_from({"a", "b", "{", "\"", "7", " "}, static_cast<std::size_t>(state.range(0))));
}
void BM_utf8_mixed(benchmark::State& state) { // mostly ASCII with Latin, Greek and CJK
  utf8_validation(state, text_from({"a", "e", " ", "t", "\xC3\xA9", "\xCE\xBA", "\xE4\xB8\xAD"},
                                   static_cast<std::size_t>(state.range(0))));
}
void BM_utf8_4byte(benchmark::State& state) { // emoji: every character 4 bytes
  utf8_validation(state, text_from({"\xF0\x9F\x98\x80", "\xF0\x9F\x8E\x89", "\xF0\x9F\x9A\x80"},
                                   static_cast<std::size_t>(state.range(0))));
}
BENCHMARK(BM_utf8_ascii)->Arg(16)->Arg(64 << 10)->Arg(1 << 20);

// The ASCII skip under the validator, vector path and portable code side by side.
void ascii_skip(benchmark::State& state, std::size_t (*run)(const std::uint8_t*, std::size_t)) {
  const std::string text = text_from({"a", "b", "{", "\"", "7", " "}, static_cast<std::size_t>(state.range(0)));
  const auto* data = reinterpret_cast<const std::uint8_t*>(text.data());
  for (auto _ : state) benchmark::DoNotOptimize(run(data, text.size()));
  set_bytes(state, text.size());
}
void BM_ascii_run(benchmark::State& state) { ascii_skip(state, asiows::detail::ascii_run); }
void BM_ascii_run_portable(benchmark::State& state) { ascii_skip(state, asiows::detail::ascii_run_portable); }
BENCHMARK(BM_ascii_run)->Arg(64 << 10);
BENCHMARK(BM_ascii_run_portable)->Arg(64 << 10);
BENCHMARK(BM_utf8_mixed)->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK(BM_utf8_4byte)->Arg(64 << 10)->Arg(1 << 20);

void BM_frame_header_parse(benchmark::State& state) {
  asiows::frame_header header;
  header.masked = true;
  header.payload_length = static_cast<std::uint64_t>(state.range(0));
  header.key = {1, 2, 3, 4};
  std::uint8_t wire[asiows::max_frame_header_size];
  const std::size_t size = asiows::serialize_frame_header(header, wire);
  asiows::frame_header parsed;
  for (auto _ : state) {
    benchmark::DoNotOptimize(asiows::parse_frame_header(wire, size, parsed));
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_frame_header_parse)->Arg(16)->Arg(1000)->Arg(1 << 20);

void BM_frame_header_serialize(benchmark::State& state) {
  asiows::frame_header header;
  header.payload_length = static_cast<std::uint64_t>(state.range(0));
  std::uint8_t wire[asiows::max_frame_header_size];
  for (auto _ : state) {
    benchmark::DoNotOptimize(asiows::serialize_frame_header(header, wire));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_frame_header_serialize)->Arg(16)->Arg(1000)->Arg(1 << 20);

// A whole masked 16-byte text message through the server's protocol: parse, unmask, validate.
void BM_protocol_receive_small(benchmark::State& state) {
  asiows::protocol client(asiows::role::client), server(asiows::role::server);
  bytes wire;
  client.serialize_message(asiows::message_kind::text, std::string_view("{\"tick\":12345678}"), wire);
  bytes scratch(wire.size());
  for (auto _ : state) {
    std::memcpy(scratch.data(), wire.data(), wire.size()); // receive() unmasks in place
    const asiows::event ev = server.receive(scratch.data(), scratch.size());
    benchmark::DoNotOptimize(ev.data);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_protocol_receive_small);

void BM_protocol_receive_large(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  asiows::options opts;
  opts.max_message_size = size + 1;
  opts.max_frame_size = size + 1;
  asiows::protocol client(asiows::role::client, opts), server(asiows::role::server, opts);
  bytes wire;
  client.serialize_message(asiows::message_kind::text, json_like(size), wire);
  bytes scratch(wire.size());
  for (auto _ : state) {
    state.PauseTiming(); // the copy stands in for the socket read
    std::memcpy(scratch.data(), wire.data(), wire.size());
    state.ResumeTiming();
    std::size_t at = 0;
    for (;;) {
      const asiows::event ev = server.receive(scratch.data() + at, scratch.size() - at);
      at += ev.consumed;
      if (ev.type != asiows::event_type::message_data || ev.message_complete) break;
    }
  }
  set_bytes(state, size);
}
BENCHMARK(BM_protocol_receive_large)->Arg(64 << 10)->Arg(1 << 20);

void BM_protocol_serialize_small(benchmark::State& state) {
  asiows::protocol server(asiows::role::server);
  bytes wire;
  wire.reserve(64);
  for (auto _ : state) {
    wire.clear();
    server.serialize_message(asiows::message_kind::text, std::string_view("{\"tick\":12345678}"), wire);
    benchmark::DoNotOptimize(wire.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_protocol_serialize_small);

void BM_handshake_request_parse(benchmark::State& state) {
  const std::string request = "GET /chat?room=7 HTTP/1.1\r\n"
                              "Host: example.com:8080\r\n"
                              "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\r\n"
                              "Upgrade: websocket\r\n"
                              "Connection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                              "Sec-WebSocket-Version: 13\r\n"
                              "Origin: https://example.com\r\n"
                              "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                              "Cookie: session=0123456789abcdef0123456789abcdef\r\n\r\n";
  for (auto _ : state) {
    asiows::server_handshake handshake;
    benchmark::DoNotOptimize(handshake.feed(request.data(), request.size()));
    benchmark::DoNotOptimize(handshake.request().target.data());
  }
  state.SetItemsProcessed(state.iterations());
  set_bytes(state, request.size());
}
BENCHMARK(BM_handshake_request_parse);

#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
// permessage-deflate on a stream of different JSON-like messages (window 15,
// memory level 4) at a zlib level, with or without context takeover. Bytes are
// uncompressed bytes; "ratio" is uncompressed / compressed over the stream.
void BM_deflate_json(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  asiows::deflate_options opts;
  opts.compression_level = static_cast<int>(state.range(1));
  asiows::deflate_params params;
  params.local_no_context_takeover = state.range(2) == 0;
  asiows::deflate_codec codec(params, opts);
  const std::vector<std::string> messages = json_messages(size);
  bytes out;
  std::size_t next = 0, compressed_bytes = 0;
  for (auto _ : state) {
    out.clear();
    const std::string& message = messages[next++ % messages.size()];
    codec.compress(reinterpret_cast<const std::uint8_t*>(message.data()), size, true, out);
    compressed_bytes += out.size();
  }
  set_bytes(state, size);
  state.counters["ratio"] = static_cast<double>(size * next) / static_cast<double>(compressed_bytes);
}
// {size, level, takeover}
BENCHMARK(BM_deflate_json)
    ->Args({1 << 10, 1, 1})
    ->Args({1 << 10, 6, 1})
    ->Args({1 << 10, 6, 0})
    ->Args({64 << 10, 1, 1})
    ->Args({64 << 10, 6, 1});

// Inflates the same stream; one iteration is the 64 messages in order.
void BM_inflate_json(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  asiows::deflate_params params;
  params.local_no_context_takeover = params.remote_no_context_takeover = state.range(1) == 0;
  asiows::deflate_codec sender(params, {});
  std::vector<bytes> stream;
  std::size_t compressed_bytes = 0;
  for (const std::string& message : json_messages(size)) {
    stream.emplace_back();
    sender.compress(reinterpret_cast<const std::uint8_t*>(message.data()), size, true, stream.back());
    compressed_bytes += stream.back().size();
  }
  bytes out(16 * 1024);
  for (auto _ : state) {
    asiows::deflate_codec receiver(params, {});
    for (const bytes& compressed : stream) {
      std::size_t at = 0;
      for (;;) {
        const auto step = receiver.decompress(compressed.data() + at, compressed.size() - at, true, out.data(),
                                              out.size());
        at += step.consumed;
        if (step.message_done || step.failure) break;
      }
    }
  }
  set_bytes(state, size * stream.size());
  state.counters["ratio"] = static_cast<double>(size * stream.size()) / static_cast<double>(compressed_bytes);
}
// {size, takeover}
BENCHMARK(BM_inflate_json)->Args({1 << 10, 1})->Args({1 << 10, 0})->Args({64 << 10, 1});
#endif

} // namespace

BENCHMARK_MAIN();
