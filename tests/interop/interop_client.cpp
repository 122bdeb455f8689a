// Checks a WebSocket echo server written with another library, through
// asiows' client stream: echoes of every kind, fragments both ways, pings
// answered (keepalive survives a silence), and both close directions.
// The server must send "fragments-please" back in three frames and answer
// "close-please" with a Close of code 4001.
//
// Usage: interop_client ws://127.0.0.1:PORT/ [--deflate default|takeover|window|all|eight|cmwb8|cmwb9|cmwb15]
//        (exit 0 when every check passes)
#include <asiows/asiows.hpp>

#include "await.hpp"

#include <cstdio>
#include <string>
#include <vector>

using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

int passed = 0, failed = 0;
asiows::deflate_options deflate_choice; // from --deflate
std::vector<std::string> deflate_expected; // what the server's answer must then say
bool held_to_eight_bits = false;           // the server answers client_max_window_bits=8

void choose_deflate(const std::string& combo) {
  if (combo == "takeover" || combo == "all") {
    deflate_choice.server_no_context_takeover = deflate_choice.client_no_context_takeover = true;
    deflate_expected.insert(deflate_expected.end(), {"server_no_context_takeover", "client_no_context_takeover"});
  }
  if (combo == "window" || combo == "all") {
    deflate_choice.server_max_window_bits = 10;
    deflate_choice.client_max_window_bits = 11;
    deflate_expected.insert(deflate_expected.end(), {"server_max_window_bits=10", "client_max_window_bits=11"});
  }
  if (combo == "eight") { // the peer compresses with zlib's 8-bit window, which is really 9 bits
    deflate_choice.server_max_window_bits = 8;
    deflate_expected.emplace_back("server_max_window_bits=8");
  }
  // The server picks our window: we offer client_max_window_bits (bare) by default.
  if (combo.rfind("cmwb", 0) == 0) deflate_expected.push_back("client_max_window_bits=" + combo.substr(4));
  held_to_eight_bits = combo == "cmwb8";
}

void check(const char* name, bool ok) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", name);
  (ok ? passed : failed)++;
}

struct client {
  asio::io_context& io;
  asiows::stream<tcp::socket> ws{io};

  bool connect(const asiows::url& where, asiows::options opts = {}) {
    tcp::resolver resolver(io);
    asio::connect(ws.next_layer(), resolver.resolve(where.host, where.port));
    opts.enable_deflate = true; // offered: servers that accept it exercise compression
    opts.deflate = deflate_choice;
    ws.set_options(opts);
    return !test::run(io, [&](auto done) { ws.async_handshake(where.host_header(), where.target, done); }).error;
  }

  bool send(asiows::message_kind kind, const std::string& message, bool fin = true) {
    return !test::run(io, [&](auto done) { ws.async_write_some(kind, fin, asio::buffer(message), done); }).error;
  }

  std::string receive() {
    std::string reply;
    const auto result = test::run(io, [&](auto done) { ws.async_read(asio::dynamic_buffer(reply), done); });
    return result.error ? "<" + result.error.message() + ">" : reply;
  }
};

} // namespace

int main(int argc, char** argv) {
  const auto where = argc > 1 ? asiows::parse_url(argv[1]) : std::nullopt;
  if (argc > 3 && std::string(argv[2]) == "--deflate") choose_deflate(argv[3]);
  if (!where) {
    std::fprintf(stderr, "usage: %s ws://host:port/\n", argv[0]);
    return 2;
  }
  asio::io_context io;
  try {
    client c{io};
    check("handshake", c.connect(*where));
    const std::string answer(c.ws.handshake_response()->fields.find("Sec-WebSocket-Extensions").value_or("none"));
    std::printf("     (extensions in use: %s)\n", answer.c_str());
    bool as_chosen = c.ws.compression_enabled();
    for (const auto& parameter : deflate_expected) as_chosen = as_chosen && answer.find(parameter) != std::string::npos;
    if (!deflate_expected.empty()) check("permessage-deflate negotiated with the chosen parameters", as_chosen);
    const std::vector<std::pair<asiows::message_kind, std::string>> messages = {
        {asiows::message_kind::text, "hello from asiows"},
        {asiows::message_kind::text, ""},
        {asiows::message_kind::binary, std::string(1024, '\x01') + std::string("\x00\xff", 2)},
        {asiows::message_kind::binary, std::string(1 << 20, 'b')},
        {asiows::message_kind::text, "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5 \xF0\x9F\x98\x80"},
    };
    for (const auto& [kind, message] : messages) {
      c.send(kind, message);
      const std::string reply = c.receive();
      check("message echoed", reply == message && c.ws.got_text() == (kind == asiows::message_kind::text));
    }
    if (held_to_eight_bits) {
      // We sent uncompressed (zlib has no 8-bit window): no compressor was ever made, only the
      // decompressor and its buffer (2^15 + 7 KiB + 16 KiB), not a compressor's 2^17 + 2^13 more.
      const std::size_t held = c.ws.compression_memory_bytes();
      std::printf("     (compression memory held: %zu bytes)\n", held);
      check("an 8-bit window for us: we compress nothing", held > 0 && held < 64 * 1024);
    }
    c.send(asiows::message_kind::text, "frag", false);
    c.send(asiows::message_kind::text, "ment", false);
    c.send(asiows::message_kind::text, "ed", true);
    check("our fragments echoed as one message", c.receive() == "fragmented");
    c.send(asiows::message_kind::text, "fragments-please");
    check("their fragments read as one message", c.receive() == "fragmented");
    const auto closed = test::run(io, [&](auto done) { c.ws.async_close(4000, "asiows says bye", done); });
    check("our close completes", !closed.error);
    check("our close code echoed", c.ws.close_code() == 4000);

    // Keepalive: the peer must answer our pings, or the idle timeout drops it.
    asiows::options quick;
    quick.keepalive_interval = 100ms;
    quick.idle_timeout = 400ms;
    client k{io};
    check("second handshake", k.connect(*where, quick));
    std::string unused;
    test::pending read;
    k.ws.async_read(asio::dynamic_buffer(unused), read.handler());
    test::run_for(io, 1000ms);
    check("pings answered through a silence", k.ws.is_open());
    k.send(asiows::message_kind::text, "close-please");
    const auto ended = read.wait(io);
    check("their close ends our read", ended.error == asiows::error::closed);
    check("their close code", k.ws.close_code() == 4001 && k.ws.close_reason() == "as asked");
  } catch (const std::exception& e) {
    check(e.what(), false);
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
