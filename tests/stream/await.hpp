// Test helpers: run an io_context on this thread until an operation has
// completed, with a time bound, so tests read top to bottom and never hang.
#ifndef ASIOWS_TESTS_AWAIT_HPP
#define ASIOWS_TESTS_AWAIT_HPP

#include "test_asio.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace test {

// What an operation completed with.
struct completion {
  asiows::error_code error;
  std::size_t bytes = 0;
};

template <class T>
T await(asio::io_context& io, std::future<T> future, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("operation did not complete in time");
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(50));
  }
  return future.get();
}

// An operation started now and awaited later: pass handler() as its token.
class pending {
public:
  pending() : promise_(std::make_shared<std::promise<completion>>()), future_(promise_->get_future()) {}

  auto handler() const {
    return [promise = promise_](asiows::error_code ec, std::size_t bytes = 0) { promise->set_value({ec, bytes}); };
  }

  completion wait(asio::io_context& io) { return await(io, std::move(future_)); }

private:
  std::shared_ptr<std::promise<completion>> promise_;
  std::future<completion> future_;
};

// Starts an operation with start(handler) and runs io until it completes.
template <class Start>
completion run(asio::io_context& io, Start&& start) {
  pending operation;
  start(operation.handler());
  return operation.wait(io);
}

// Runs handlers for `duration` (e.g. to let timers fire).
inline void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_until(deadline);
  }
}

// Runs handlers until `done()` holds, for at most `limit`; returns whether it
// held. Tests wait for what they expect rather than for a fixed time, so they
// are quick on a quiet machine and still pass on a loaded one.
template <class Condition>
bool run_until(asio::io_context& io, Condition&& done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (io.stopped()) io.restart();
    io.run_one_until(std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(10)));
  }
  return true;
}

} // namespace test

#endif
