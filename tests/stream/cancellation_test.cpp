// Per-operation cancellation (asio::bind_cancellation_slot) of stream<>
// operations: a write waiting in line for the write lock, a pending read, a
// handshake; and operations left waiting when their io_context goes away.
#include <asiows/stream.hpp>

#include "accepted_pair.hpp"
#include "await.hpp"
#include "catch.hpp"
#include "loopback.hpp"

#include <memory>
#include <string>
#include <thread>

using namespace test;
using asiows::message_kind;
using ws_stream = asiows::stream<tcp::socket>;

TEST_CASE("cancellation: a write waiting in line leaves it, completes with operation_aborted, and sends nothing") {
  accepted_pair p;
  const std::string one = "one", two = "two", three = "three";
  asio::cancellation_signal cancel_second;
  pending first, second, third;
  p.server->async_write(message_kind::text, asio::buffer(one), first.handler());
  p.server->async_write(message_kind::text, asio::buffer(two),
                        asio::bind_cancellation_slot(cancel_second.slot(), second.handler()));
  p.server->async_write(message_kind::text, asio::buffer(three), third.handler());
  // The first holds the write lock; the second and third wait in line for it.
  cancel_second.emit(asio::cancellation_type::terminal);
  CHECK(second.wait(p.io).error == asio::error::operation_aborted);
  CHECK_FALSE(first.wait(p.io).error);
  CHECK_FALSE(third.wait(p.io).error);
  CHECK(p.server->is_open());
  std::string payload;
  CHECK(p.peer->next_event(payload).type == asiows::event_type::message_data);
  CHECK(payload == "one");
  CHECK(p.peer->next_event(payload).type == asiows::event_type::message_data);
  CHECK(payload == "three");
}

TEST_CASE("cancellation: a write in line behind a stuck write is cancelled at once, and the stream goes on") {
  accepted_pair p;
  const std::string big(8 << 20, 'z'); // more than the socket buffers hold: stuck until the peer reads
  const std::string small = "after";
  asio::cancellation_signal cancel_waiting;
  pending stuck, waiting, next;
  p.server->async_write(message_kind::binary, asio::buffer(big), stuck.handler());
  p.server->async_write(message_kind::text, asio::buffer(small),
                        asio::bind_cancellation_slot(cancel_waiting.slot(), waiting.handler()));
  run_for(p.io, std::chrono::milliseconds(20)); // the big write is under way
  cancel_waiting.emit(asio::cancellation_type::terminal);
  CHECK(waiting.wait(p.io).error == asio::error::operation_aborted);
  p.server->async_write(message_kind::text, asio::buffer(small), next.handler());

  std::string seen; // checked after the join: Catch's assertions belong to the test's thread
  std::thread reader([&] {
    std::string payload, message;
    for (int messages = 0; messages < 2;) {
      const asiows::event ev = p.peer->next_event(payload);
      if (ev.type != asiows::event_type::message_data) break;
      message += payload;
      if (!ev.message_complete) continue;
      seen += message.size() == big.size() ? "big," : message + ",";
      message.clear();
      ++messages;
    }
  });
  CHECK_FALSE(stuck.wait(p.io).error);
  CHECK_FALSE(next.wait(p.io).error);
  reader.join();
  CHECK(seen == "big,after,");
}

TEST_CASE("cancellation: a pending read ends with operation_aborted, and so does the connection") {
  accepted_pair p;
  asio::cancellation_signal signal;
  pending read;
  std::string message;
  p.server->async_read(asio::dynamic_buffer(message), asio::bind_cancellation_slot(signal.slot(), read.handler()));
  run_for(p.io, std::chrono::milliseconds(20));
  signal.emit(asio::cancellation_type::terminal);
  CHECK(read.wait(p.io).error == asio::error::operation_aborted);
  CHECK_FALSE(p.server->is_open()); // what a cut read had taken cannot be resumed: the connection ends
}

TEST_CASE("cancellation: a client handshake the server never answers ends with operation_aborted, once") {
  asio::io_context io;
  auto [server_socket, client_socket] = connected_pair(io);
  ws_stream client(std::move(client_socket));
  asio::cancellation_signal signal;
  int completions = 0;
  asiows::error_code result;
  client.async_handshake("127.0.0.1", "/", asio::bind_cancellation_slot(signal.slot(), [&](asiows::error_code ec) {
                           ++completions;
                           result = ec;
                         }));
  run_for(io, std::chrono::milliseconds(20));
  CHECK(completions == 0);
  signal.emit(asio::cancellation_type::terminal);
  CHECK(run_until(io, [&] { return completions > 0; }));
  run_for(io, std::chrono::milliseconds(20)); // a second completion would come now
  CHECK(completions == 1);
  CHECK(result == asio::error::operation_aborted);
  CHECK_FALSE(client.is_open());
}

TEST_CASE("cancellation: writes left waiting in line when the io_context is destroyed are freed with it") {
  std::weak_ptr<ws_stream> left;
  const std::string big(8 << 20, 'z');
  {
    asio::io_context io;
    auto sockets = connected_pair(io);
    auto server = std::make_shared<ws_stream>(std::move(sockets.first));
    raw_peer peer(std::move(sockets.second), asiows::role::client);
    server->async_accept([](asiows::error_code) {});
    std::thread handshake([&] { peer.handshake(); });
    REQUIRE(run_until(io, [&] { return server->is_open(); }));
    handshake.join();
    // The handlers hold the stream: the big write stays stuck (the peer never
    // reads), the second waits in line for the lock, and nothing completes.
    server->async_write(message_kind::binary, asio::buffer(big), [server](asiows::error_code, std::size_t) {});
    server->async_write(message_kind::text, asio::buffer(big.data(), 3), [server](asiows::error_code, std::size_t) {});
    left = server;
    server.reset();
    run_for(io, std::chrono::milliseconds(20));
    REQUIRE_FALSE(left.expired());
  } // the io_context is destroyed here, with both operations pending
  CHECK(left.expired());
}
