// A handoff from an endpoint to a coroutine (or any completion token): values
// offered on one strand, taken with async_take, then an end that every later
// take reports. The coroutine style of the endpoints is built on it: a
// connection's messages (connection::async_receive), a client's opened
// connections (client::async_connect), a server's (server::async_accept).
// It is Asio's channel, plus the end it lacks (a closed channel says only
// "closed", not why).
#ifndef ASIOWS_DETAIL_HANDOFF_HPP
#define ASIOWS_DETAIL_HANDOFF_HPP

#include <asiows/detail/asio.hpp>
#if defined(ASIOWS_USE_BOOST_ASIO)
#include <boost/asio/experimental/channel.hpp>
#else
#include <asio/experimental/channel.hpp>
#endif

#include <cstddef>
#include <memory>
#include <system_error>
#include <utility>

namespace asiows::detail {

template <class T>
class handoff : public std::enable_shared_from_this<handoff<T>> {
public:
  // `strand` runs every operation on it; at most `capacity` values wait to be taken.
  handoff(asio::any_io_executor strand, std::size_t capacity) : strand_(strand), channel_(strand, capacity) {}

  // On the strand: offers a value; false when `capacity` values already wait, or it has ended.
  bool try_offer(T value) { return !ended_ && channel_.try_send(error_code{}, std::move(value)); }

  // On the strand: offers a value, and calls done() once it is taken or has room (for
  // a producer that waits for its consumer: the read loop of a connection).
  template <class Done>
  void offer(T value, Done done) {
    channel_.async_send(error_code{}, std::move(value), [done = std::move(done)](error_code) mutable { done(); });
  }

  // On the strand: offers a value in place of the oldest when full (a stale one nobody took).
  void offer_newest(T value) {
    if (ended_) return;
    if (!channel_.try_send(error_code{}, value)) {
      channel_.try_receive([](error_code, T) {});
      channel_.try_send(error_code{}, std::move(value));
    }
  }

  // On the strand: offers an error in place of a value (the next take reports it); it does not end.
  void offer_error(error_code reason) {
    if (!ended_) channel_.try_send(reason, T{});
  }

  // On the strand: no more values; takes report `reason` once those offered before are taken.
  void end(error_code reason) {
    if (ended_) return;
    ended_ = reason;
    if (!channel_.ready()) channel_.try_send(reason, T{}); // to a taker already waiting
  }

  // From any thread: the next value. Completion: void(error_code, T).
  template <class CompletionToken>
  auto async_take(CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void(error_code, T)>(
        [self = this->shared_from_this()](auto handler) { self->take(std::move(handler)); }, token);
  }

  // async_take's work, for a handler already made.
  template <class Handler>
  void take(Handler handler) {
    asio::dispatch(strand_, [self = this->shared_from_this(), handler = std::move(handler)]() mutable {
      if (self->ended_ && !self->channel_.ready()) return complete_now(std::move(handler), self->strand_, self->ended_);
      self->channel_.async_receive(std::move(handler));
    });
  }

  // Completes `handler` with `reason` and no value, through its own executor (never inside the caller).
  template <class Handler>
  static void complete_now(Handler handler, const asio::any_io_executor& fallback, error_code reason) {
    const auto executor = asio::get_associated_executor(handler, fallback);
    asio::post(asio::bind_executor(executor, [handler = std::move(handler), reason]() mutable { handler(reason, T{}); }));
  }

private:
  asio::any_io_executor strand_;
  asio::experimental::channel<void(error_code, T)> channel_;
  error_code ended_;
};

} // namespace asiows::detail

#endif
