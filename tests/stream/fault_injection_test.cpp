// Every stream<> operation, failed at every step: the Nth read or write of the
// next layer fails, for N = 0, 1, 2... until the operation completes without
// reaching the failure. Each time the operation's handler must run exactly
// once, with an error when the failure was reached, and nothing may hang or
// leak (ASan). The same with every read and write cut short (1 and 7 bytes).
// In memory and on one thread: no sleeps, the same steps every run.
#include <asiows/stream.hpp>

#include "catch.hpp"
#include "fault_stream.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

using test::fail_counter;
using test::fault_stream;
using asiows::message_kind;
using ws = asiows::stream<fault_stream>;

namespace {

// A server and a client stream<> joined in memory; `faulty` picks the side whose I/O fails.
struct joined_pair {
  explicit joined_pair(std::size_t max_io)
      : server_faults(std::make_shared<fail_counter>()), client_faults(std::make_shared<fail_counter>()),
        server(io.get_executor(), server_faults), client(io.get_executor(), client_faults) {
    fault_stream::connect(server.next_layer(), client.next_layer());
    for (fault_stream* end : {&server.next_layer(), &client.next_layer()}) end->max_read = end->max_write = max_io;
  }

  // Runs handlers until `done` holds, within a bound (an operation that never completes fails the test).
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (io.stopped()) io.restart();
      io.run_one_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  // Runs what is ready now (a second completion of a handler would show here).
  void settle() {
    for (int i = 0; i < 20; ++i) {
      if (io.stopped()) io.restart();
      io.poll();
    }
  }

  bool handshake() {
    int done = 0;
    asiows::error_code server_error, client_error;
    server.async_accept([&](asiows::error_code ec) { server_error = ec, ++done; });
    client.async_handshake("test", "/", [&](asiows::error_code ec) { client_error = ec, ++done; });
    return run_until([&] { return done == 2; }) && !server_error && !client_error;
  }

  asio::io_context io;
  std::shared_ptr<fail_counter> server_faults, client_faults;
  ws server, client;
};

// What the operation under test did.
struct outcome {
  int completions = 0;
  asiows::error_code error;
};

// Starts the operation under test on a pair (after its set-up), the failing
// side's counter armed; returns once it has completed (or the bound passed).
using scenario = std::function<void(joined_pair&, outcome&)>;

// Injects a failure at every step of `run`; returns how many steps there were.
std::size_t inject_everywhere(bool server_fails, bool open_first, const scenario& run, std::size_t max_io) {
  for (std::size_t n = 0; n < 10'000; ++n) {
    joined_pair pair(max_io);
    if (open_first) REQUIRE(pair.handshake());
    fail_counter& faults = server_fails ? *pair.server_faults : *pair.client_faults;
    faults.arm(n);
    INFO("failing at I/O step " << n << ", reads and writes of at most " << max_io << " bytes");
    outcome result;
    run(pair, result);
    REQUIRE(pair.run_until([&] { return result.completions > 0; }));
    pair.settle();
    REQUIRE(result.completions == 1);
    if (!faults.reached()) {
      CHECK_FALSE(result.error);
      return n;
    }
    CHECK(result.error);
  }
  FAIL("the operation never completed without reaching the failure");
  return 0;
}

void once(outcome& result, asiows::error_code ec) {
  ++result.completions;
  if (!result.error) result.error = ec;
}

// The peer reads and answers what the operation under test needs from it (Close echo, pongs).
void keep_reading(ws& peer, std::shared_ptr<std::string> into) {
  into->clear();
  peer.async_read(asio::dynamic_buffer(*into), [&peer, into](asiows::error_code ec, std::size_t) {
    if (!ec) keep_reading(peer, into);
  });
}

// The payloads: large ones when reads and writes are whole; with every read and write cut to a few bytes,
// 300 (a 16-bit length) keeps the steps to a few hundred.
std::string big;

} // namespace

TEST_CASE("fault injection: every step of every stream<> operation, failed, completes once with the error") {
  const std::size_t max_io = GENERATE(std::numeric_limits<std::size_t>::max(), std::size_t{7}, std::size_t{1});
  big.assign(max_io > 1000 ? 100'000 : 300, 'b');
  std::vector<std::uint8_t> three_messages;
  {
    asiows::protocol framer(asiows::role::client);
    for (const char* m : {"one", "two", "three"}) REQUIRE_FALSE(framer.serialize_message(message_kind::text, m, three_messages));
  }
  const scenario accept = [](joined_pair& p, outcome& r) {
    p.server.async_accept([&r](asiows::error_code ec) { once(r, ec); });
    p.client.async_handshake("test", "/", [](asiows::error_code) {});
  };
  const scenario handshake = [](joined_pair& p, outcome& r) {
    p.server.async_accept([](asiows::error_code) {});
    p.client.async_handshake("test", "/", [&r](asiows::error_code ec) { once(r, ec); });
  };
  const scenario read = [](joined_pair& p, outcome& r) {
    p.client.async_write(message_kind::binary, asio::buffer(big), [](asiows::error_code, std::size_t) {});
    auto message = std::make_shared<std::string>();
    p.server.async_read(asio::dynamic_buffer(*message), [&r, message](asiows::error_code ec, std::size_t n) {
      once(r, ec);
      if (!ec) CHECK(n == big.size());
    });
  };
  const scenario batch_read = [&three_messages](joined_pair& p, outcome& r) {
    // The client's frames, already masked, in one write; then async_read and try_read take them.
    asio::async_write(p.client.next_layer(), asio::buffer(three_messages), [](asiows::error_code, std::size_t) {});
    auto message = std::make_shared<std::string>();
    p.server.async_read(asio::dynamic_buffer(*message), [&r, &p, message](asiows::error_code ec, std::size_t) {
      std::size_t taken = ec ? 0 : 1;
      while (!ec && p.server.message_ready()) {
        message->clear();
        p.server.try_read(asio::dynamic_buffer(*message), ec);
        if (!ec) ++taken;
      }
      once(r, ec);
      if (!ec) CHECK(taken >= 1); // as many as had arrived: all three when reads are whole
    });
  };
  const scenario write = [](joined_pair& p, outcome& r) {
    keep_reading(p.client, std::make_shared<std::string>());
    p.server.async_write(message_kind::binary, asio::buffer(big), [&r](asiows::error_code ec, std::size_t) { once(r, ec); });
  };
  const scenario batch_write = [](joined_pair& p, outcome& r) {
    keep_reading(p.client, std::make_shared<std::string>());
    static const std::string a = "first", b(200, 'x');
    auto batch = std::make_shared<std::vector<asiows::outgoing_message>>(std::vector<asiows::outgoing_message>{
        {message_kind::text, asio::buffer(a)}, {message_kind::binary, asio::buffer(b)},
        {message_kind::binary, asio::buffer(big)}});
    p.server.async_write_batch(batch->data(), batch->size(),
                               [&r, batch](asiows::error_code ec, std::size_t) { once(r, ec); });
  };
  const scenario ping = [](joined_pair& p, outcome& r) {
    keep_reading(p.client, std::make_shared<std::string>());
    p.server.async_ping("are you there", [&r](asiows::error_code ec) { once(r, ec); });
  };
  const scenario close = [](joined_pair& p, outcome& r) {
    keep_reading(p.client, std::make_shared<std::string>()); // sees the Close and answers it
    p.server.async_close(1000, "bye", [&r](asiows::error_code ec) { once(r, ec); });
  };

  SECTION("server: async_accept") { CHECK(inject_everywhere(true, false, accept, max_io) >= 2); }
  SECTION("client: async_handshake") { CHECK(inject_everywhere(false, false, handshake, max_io) >= 2); }
  SECTION("async_read") { CHECK(inject_everywhere(true, true, read, max_io) >= 1); }
  SECTION("async_read, then try_read") { CHECK(inject_everywhere(true, true, batch_read, max_io) >= 1); }
  SECTION("async_write") { CHECK(inject_everywhere(true, true, write, max_io) >= 1); }
  SECTION("async_write_batch") { CHECK(inject_everywhere(true, true, batch_write, max_io) >= 1); }
  SECTION("async_ping") { CHECK(inject_everywhere(true, true, ping, max_io) >= 1); }
  SECTION("async_close") { CHECK(inject_everywhere(true, true, close, max_io) >= 2); }
}
