// Test helper: runs an io_context on its own thread (a server under test)
// while the test thread plays blocking peers. Stopped and joined on every way
// out of the test, a failed REQUIRE included.
#ifndef ASIOWS_TESTS_BACKGROUND_HPP
#define ASIOWS_TESTS_BACKGROUND_HPP

#include "test_asio.hpp"

#include <chrono>
#include <thread>

namespace test {

class background_run {
public:
  explicit background_run(asio::io_context& io, std::chrono::seconds limit = std::chrono::seconds(60))
      : io_(io), busy_(asio::make_work_guard(io)), runner_([this, limit] { io_.run_for(limit); }) {}

  ~background_run() {
    busy_.reset();
    io_.stop();
    runner_.join();
  }

  background_run(const background_run&) = delete;
  background_run& operator=(const background_run&) = delete;

private:
  asio::io_context& io_;
  asio::executor_work_guard<asio::io_context::executor_type> busy_;
  std::thread runner_;
};

// Polls `holds()` (state another thread writes) until it is true or `limit` passes.
template <class Predicate>
bool eventually(Predicate&& holds, std::chrono::milliseconds limit = std::chrono::seconds(2)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!holds()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

} // namespace test

#endif
