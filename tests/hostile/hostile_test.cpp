// Hostile peers against a running asiows::server: slowloris handshakes, header
// floods, frames announcing absurd lengths, endless fragments, connection
// floods and abrupt drops at every stage, garbage instead of TLS. The server
// runs on its own thread; the test thread plays the attackers with blocking
// sockets. Every wait is bounded.
#include <asiows/asiows.hpp>
#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
#include <asiows/ssl.hpp>
#endif

#include "await.hpp"
#include "background.hpp"
#include "catch.hpp"
#include "endpoint/echo_config.hpp"
#include "loopback.hpp"

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <dirent.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace test;
using asiows::connection_ptr;
using asiows::message_kind;

namespace {

const std::string valid_request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

// An echo server on its own thread, counting what its handlers see.
struct hostile_fixture {
  explicit hostile_fixture(asiows::server_config<> config = {}) : server(io, counting_echo(std::move(config))) {
    REQUIRE_FALSE(server.listen("127.0.0.1", 0));
    background = std::make_unique<background_run>(io);
  }
  ~hostile_fixture() { background.reset(); }

  tcp::socket connect() {
    tcp::socket socket(peer_io);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    return socket;
  }

  // A well-behaved client: handshake, one echo, close. True if all of it worked.
  bool serves_a_client() {
    raw_peer peer(connect(), asiows::role::client);
    if (peer.handshake().rfind("HTTP/1.1 101", 0) != 0) return false;
    peer.send(message_kind::text, "still serving?");
    std::string reply;
    return peer.next_event(reply).type == asiows::event_type::message_data && reply == "still serving?";
  }

  // `config` with handlers that echo and count opens and closes.
  asiows::server_config<> counting_echo(asiows::server_config<> config) {
    config.on_open = [this](const connection_ptr&) { ++opened; };
    config.on_close = [this](const connection_ptr&, std::uint16_t, std::string_view) { ++closed; };
    return test::echo_config(std::move(config));
  }

  std::atomic<int> opened{0}, closed{0};
  asio::io_context io;
  asio::io_context peer_io;
  asiows::server<> server;
  std::unique_ptr<background_run> background;
};

// Whether the server has closed `socket` (EOF or reset) within `limit`, reading and dropping what comes.
bool dropped_within(tcp::socket& socket, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd watch{socket.native_handle(), POLLIN, 0};
    if (::poll(&watch, 1, static_cast<int>(left.count())) <= 0) return false;
    asiows::error_code ec;
    socket.read_some(asio::buffer(buffer), ec);
    if (ec) return true;
  }
}

// Sends as much of `bytes` as the peer takes (it may close or reset midway).
void send_what_fits(tcp::socket& socket, const std::string& bytes) {
  asiows::error_code ec;
  asio::write(socket, asio::buffer(bytes), ec);
}

std::string read_response(tcp::socket& socket) {
  std::string response;
  char buffer[4096];
  while (response.find("\r\n\r\n") == std::string::npos) {
    pollfd watch{socket.native_handle(), POLLIN, 0};
    if (::poll(&watch, 1, 2000) <= 0) break;
    asiows::error_code ec;
    const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
    if (ec) break;
    response.append(buffer, n);
  }
  return response;
}

std::size_t open_fds() {
  std::size_t count = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (::readdir(dir)) ++count;
    ::closedir(dir);
  }
  return count;
}

// Sanitizers keep freed memory in quarantine and shadow it: RSS then says
// nothing about the server, so memory bounds are checked in plain builds only
// (the sanitizer builds check for leaks themselves).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool rss_is_meaningful = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool rss_is_meaningful = false;
#else
constexpr bool rss_is_meaningful = true;
#endif
#else
constexpr bool rss_is_meaningful = true;
#endif

std::size_t resident_bytes() {
  long pages_total = 0, pages_resident = 0;
  if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(statm);
  }
  return static_cast<std::size_t>(pages_resident) * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// Whether the process's resident memory grew by less than `bound` since `before` (always, under sanitizers).
bool grew_less_than(std::size_t before, std::size_t bound) {
  return !rss_is_meaningful || resident_bytes() < before + bound;
}

// A client frame header (masked, zero key) announcing `length` bytes.
std::string frame_header(std::uint8_t first, std::uint64_t length) {
  std::string header(1, static_cast<char>(first));
  if (length < 126) {
    header += static_cast<char>(0x80 | length);
  } else if (length <= 0xFFFF) {
    header += static_cast<char>(0x80 | 126);
    header += static_cast<char>(length >> 8);
    header += static_cast<char>(length & 0xFF);
  } else {
    header += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) header += static_cast<char>((length >> shift) & 0xFF);
  }
  return header + std::string(4, '\0'); // a zero key: the payload goes as it is
}

// The close code in the next Close the server sends, or 0.
std::uint16_t close_code_from(raw_peer& peer) {
  std::string payload;
  for (int i = 0; i < 100; ++i) {
    const asiows::event ev = peer.next_event(payload);
    if (ev.type == asiows::event_type::close) return ev.close_code;
    if (ev.type == asiows::event_type::need_more || ev.type == asiows::event_type::failure) return 0;
  }
  return 0;
}

} // namespace

TEST_CASE("hostile: slowloris handshakes are dropped at the handshake timeout, others served meanwhile") {
  asiows::server_config<> opts;
  opts.connection.handshake_timeout = 300ms;
  hostile_fixture f(std::move(opts));
  tcp::socket dribbler = f.connect();
  tcp::socket stalled = f.connect();
  send_what_fits(stalled, valid_request.substr(0, 40)); // half a request, then nothing
  const auto start = std::chrono::steady_clock::now();
  send_what_fits(dribbler, valid_request.substr(0, 1));
  CHECK(f.serves_a_client()); // while both attackers hold their connections
  bool dropped = false;
  for (std::size_t i = 1; i < valid_request.size() - 1 && !dropped; ++i) { // a byte every 20 ms
    send_what_fits(dribbler, valid_request.substr(i, 1));
    dropped = dropped_within(dribbler, 20ms);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(dropped);
  CHECK(elapsed >= 250ms);
  CHECK(elapsed < 2s);
  CHECK(dropped_within(stalled, 1s));
  CHECK(f.serves_a_client());
  CHECK(f.opened == 2); // only the good clients ever opened
}

TEST_CASE("hostile: header floods are refused quickly with 431, and the server does not buffer them") {
  hostile_fixture f;
  std::string many_headers = "GET / HTTP/1.1\r\nHost: x\r\n";
  while (many_headers.size() < 100 * 1024) many_headers += "X-Filler-" + std::to_string(many_headers.size()) + ": v\r\n";
  std::string tiny_headers = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 5000; ++i) tiny_headers += "A: b\r\n";
  const std::string huge_line = "GET /" + std::string(1 << 20, 'a') + " HTTP/1.1\r\n\r\n";
  const std::size_t before = resident_bytes();
  for (int round = 0; round < 10; ++round) {
    for (const std::string* flood : {&std::as_const(many_headers), &std::as_const(tiny_headers), &huge_line}) {
      tcp::socket socket = f.connect();
      const auto start = std::chrono::steady_clock::now();
      send_what_fits(socket, *flood);
      const std::string response = read_response(socket);
      CHECK(response.rfind("HTTP/1.1 431 ", 0) == 0);
      CHECK(std::chrono::steady_clock::now() - start < 2s);
    }
  }
  // 10 rounds offered about 12 MiB; the server holds at most 8 KiB of a request head at a time.
  CHECK(grew_less_than(before, 8 * 1024 * 1024));
  CHECK(f.serves_a_client());
}

TEST_CASE("hostile: frames announcing absurd lengths and endless fragments end with 1002 or 1009") {
  asiows::server_config<> opts;
  opts.connection.max_message_size = 1 << 20;
  opts.connection.max_frame_size = 1 << 20;
  hostile_fixture f(std::move(opts));
  const auto open_peer = [&] {
    auto peer = std::make_unique<raw_peer>(f.connect(), asiows::role::client);
    REQUIRE(peer->handshake().rfind("HTTP/1.1 101", 0) == 0);
    return peer;
  };
  SECTION("2^63 bytes: the top bit of a 64-bit length must be 0") {
    auto peer = open_peer();
    peer->send_raw(frame_header(0x82, std::uint64_t{1} << 63));
    CHECK(close_code_from(*peer) == asiows::close_code::protocol_error);
    CHECK(peer->sees_eof());
  }
  SECTION("1 GiB announced and never sent: refused at once, before any payload") {
    auto peer = open_peer();
    peer->send_raw(frame_header(0x82, std::uint64_t{1} << 30));
    CHECK(close_code_from(*peer) == asiows::close_code::message_too_big);
    CHECK(peer->sees_eof());
  }
  SECTION("endless continuation frames: stopped at the message limit") {
    auto peer = open_peer();
    const std::size_t memory_before = resident_bytes();
    const std::string chunk(64 * 1024, 'a');
    asiows::error_code ec;
    asio::write(peer->socket(), asio::buffer(frame_header(0x01, chunk.size()) + chunk), ec); // text, not fin
    std::size_t sent = chunk.size();
    while (!ec && sent < (64u << 20)) { // the server must stop us long before 64 MiB
      asio::write(peer->socket(), asio::buffer(frame_header(0x00, chunk.size()) + chunk), ec);
      if (!ec) sent += chunk.size();
      pollfd watch{peer->socket().native_handle(), POLLIN, 0};
      if (::poll(&watch, 1, 0) > 0) break; // the server answered: its Close
    }
    // The Close came while we were still sending (socket buffers hold a few MiB of what we sent),
    // and the server kept no more than its 1 MiB limit of it.
    CHECK(sent < (16u << 20));
    CHECK(close_code_from(*peer) == asiows::close_code::message_too_big);
    CHECK(grew_less_than(memory_before, 4 * 1024 * 1024));
  }
  CHECK(f.serves_a_client());
}

TEST_CASE("hostile: a ping flood from a peer that does not read costs bounded memory and output") {
  hostile_fixture f;
  raw_peer peer(f.connect(), asiows::role::client);
  REQUIRE(peer.handshake().rfind("HTTP/1.1 101", 0) == 0);
  // 100,000 full-size pings (13 MB), each naming its number, sent without reading a byte.
  constexpr int pings = 100000;
  std::string flood;
  for (int i = 0; i < pings; ++i) {
    std::string payload = std::to_string(i);
    payload.resize(125, '.');
    flood += frame_header(0x89, payload.size()) + payload;
  }
  const std::size_t memory_before = resident_bytes();
  asiows::error_code ec;
  asio::write(peer.socket(), asio::buffer(flood), ec);
  REQUIRE_FALSE(ec);
  // The server read it all and kept at most 16 pongs owed beyond what its socket took.
  CHECK(grew_less_than(memory_before, 4 * 1024 * 1024));

  // Now read: pongs in the order of their pings, each at most once, the last ping answered.
  int last = -1, pongs = 0;
  std::string payload;
  while (last != pings - 1) {
    const asiows::event ev = peer.next_event(payload);
    if (ev.type != asiows::event_type::pong) break;
    const int number = std::stoi(payload);
    REQUIRE(number > last);
    last = number;
    ++pongs;
  }
  CHECK(last == pings - 1);
  CHECK(pongs <= pings);
  CHECK(f.serves_a_client());
}

TEST_CASE("hostile: a connection flood, dropped at once at every stage, leaks nothing") {
  // Twice the descriptors: our side and the server's, in one process.
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  const std::size_t wanted = 5000;
  if (limit.rlim_cur < wanted && limit.rlim_max >= wanted) {
    limit.rlim_cur = wanted;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  const std::size_t flood = std::min<std::size_t>(2000, (limit.rlim_cur - 100) / 2);
  hostile_fixture f;
  REQUIRE(f.serves_a_client());
  REQUIRE(eventually([&] { return f.closed == 1; }));
  const std::size_t fds_before = open_fds();

  // Opens `flood` connections, takes each to a different stage, and drops them all at once.
  const auto flood_once = [&] {
    std::vector<tcp::socket> sockets;
    sockets.reserve(flood);
    for (std::size_t i = 0; i < flood; ++i) {
      sockets.push_back(f.connect());
      switch (i % 4) {
      case 0: break;                                                              // connect only
      case 1: send_what_fits(sockets.back(), valid_request.substr(0, 30)); break; // mid-request
      default: send_what_fits(sockets.back(), valid_request); break;             // a whole handshake
      }
    }
    // Half of the full handshakes go on into a frame: a header, part of a payload.
    for (std::size_t i = 3; i < flood; i += 4) send_what_fits(sockets[i], frame_header(0x81, 100) + "partial");
    for (std::size_t i = 0; i < flood; ++i) {
      if (i % 3 == 0) sockets[i].set_option(asio::socket_base::linger(true, 0)); // a reset, not a FIN
      asiows::error_code ignored;
      sockets[i].close(ignored);
    }
    CHECK(f.serves_a_client());
    CHECK(eventually([&] { return f.server.statistics().open_connections == 0; }, 10s));
    CHECK(eventually([&] { return open_fds() <= fds_before; }, 10s)); // every socket closed
    CHECK(eventually([&] { return f.opened == f.closed; }));          // on_close once for each that opened
  };
  // Two floods bring the heap to its working size (here it grows by about 2 MiB from
  // the first to the second, then stays, give or take the malloc arenas' noise). A
  // connection leaked would keep growing it: 16 MiB over the next two floods is
  // 4 KB per connection, a fifth of what an open connection holds. (LeakSanitizer,
  // in the sanitize build, finds smaller leaks.)
  flood_once();
  flood_once();
  const std::size_t memory_warm = resident_bytes();
  flood_once();
  flood_once();
  CHECK(grew_less_than(memory_warm, 16 * 1024 * 1024));
}

TEST_CASE("hostile: abrupt drops mid-handshake, mid-frame and mid-close call each handler once") {
  hostile_fixture f;
  const std::string close_frame = frame_header(0x88, 2) + std::string("\x03\xe8", 2);
  const std::vector<std::string> stages = {
      "",                                         // connected, nothing sent
      valid_request.substr(0, 50),                // mid-request
      valid_request,                              // handshake sent, the answer not read
      valid_request + frame_header(0x81, 1000).substr(0, 3), // mid-header
      valid_request + frame_header(0x81, 1000) + "abc",      // mid-payload
      valid_request + close_frame,                           // our Close sent, the echo not read
  };
  int expected_opens = 0;
  for (std::size_t s = 0; s < stages.size(); ++s) {
    for (const bool reset : {false, true}) {
      tcp::socket socket = f.connect();
      send_what_fits(socket, stages[s]);
      if (s >= 2) {
        ++expected_opens;
        CHECK(eventually([&] { return f.opened == expected_opens; }));
      }
      if (reset) socket.set_option(asio::socket_base::linger(true, 0));
      socket.close();
    }
  }
  CHECK(eventually([&] { return f.closed == expected_opens && f.server.statistics().open_connections == 0; }));
  CHECK(f.opened == expected_opens);
  CHECK(f.serves_a_client());
}

#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
TEST_CASE("hostile: garbage instead of a ClientHello, and a TLS handshake that stops, are dropped") {
  const std::string cert_dir = ASIOWS_TEST_CERT_DIR;
  asio::io_context io, peer_io;
  auto tls = asiows::ssl::make_server_context(cert_dir + "/server.pem", cert_dir + "/server-key.pem");
  asiows::server_config<> opts;
  opts.connection.handshake_timeout = 300ms;
  asiows::server server(io, test::echo_config(std::move(opts)));
  REQUIRE_FALSE(server.listen_tls("127.0.0.1", 0, tls));
  background_run background(io);
  const auto connect = [&] {
    tcp::socket socket(peer_io);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    return socket;
  };

  tcp::socket garbage = connect();
  send_what_fits(garbage, std::string(1024, '\x5a'));
  CHECK(dropped_within(garbage, 1s));

  tcp::socket halfway = connect(); // a TLS record header announcing 512 bytes of handshake, then silence
  send_what_fits(halfway, std::string("\x16\x03\x01\x02\x00\x01", 6));
  const auto start = std::chrono::steady_clock::now();
  CHECK(dropped_within(halfway, 2s));
  CHECK(std::chrono::steady_clock::now() - start >= 200ms); // by the handshake timeout, not at once

  // A real wss client is still served.
  asiows::client_config<> client_opts;
  auto client_tls = asiows::ssl::make_client_context(cert_dir + "/ca.pem");
  std::string reply;
  client_opts.on_open = [](const connection_ptr& c) { c->send("after the garbage"); };
  client_opts.on_message = [&](const connection_ptr& c, std::string_view m, message_kind) {
    reply = m;
    c->close(1000, {});
  };
  asiows::client client(peer_io, std::move(client_opts));
  client.enable_wss(client_tls);
  REQUIRE_FALSE(client.connect("wss://localhost:" + std::to_string(server.port()) + "/"));
  run_for(peer_io, 1000ms);
  CHECK(reply == "after the garbage");
}
#endif
