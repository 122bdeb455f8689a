// detail::deadline_service: every stream's deadline on one context, one timer.
#include <asiows/detail/deadline_service.hpp>

#include "catch.hpp"
#include "test_asio.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

using asiows::detail::deadline_owner;
using asiows::detail::deadline_service;
using namespace std::chrono_literals;

namespace {

// Notes each expiry it is handed: its name and the generation it was set with.
class recording_owner final : public deadline_owner, public std::enable_shared_from_this<recording_owner> {
public:
  recording_owner(deadline_service& service, int name, std::vector<std::pair<int, std::uint64_t>>& expired)
      : service_(service), name_(name), expired_(expired) {}
  ~recording_owner() { service_.clear(*this); }
  recording_owner(const recording_owner&) = delete;
  recording_owner& operator=(const recording_owner&) = delete;

  std::shared_ptr<deadline_owner> keep_alive() noexcept override {
    std::shared_ptr<recording_owner> self = weak_from_this().lock();
    if (!self) return {};
    return {std::move(self), static_cast<deadline_owner*>(this)};
  }
  void expire(std::uint64_t generation) override {
    std::lock_guard<std::mutex> lock(mutex_);
    expired_.emplace_back(name_, generation);
  }

  void set_in(deadline_owner::clock::duration after, std::uint64_t generation, asio::io_context& io) {
    service_.set(*this, deadline_owner::clock::now() + after, generation, io.get_executor());
  }

  static inline std::mutex mutex_;

private:
  deadline_service& service_;
  int name_;
  std::vector<std::pair<int, std::uint64_t>>& expired_;
};

using expiries = std::vector<std::pair<int, std::uint64_t>>;

// A context, its service, and owners that note their expiries in one list.
struct deadline_fixture {
  std::shared_ptr<recording_owner> owner(int name) { return std::make_shared<recording_owner>(service, name, expired); }

  asio::io_context io;
  deadline_service& service = deadline_service::of(io.get_executor());
  expiries expired;
};

} // namespace

TEST_CASE_METHOD(deadline_fixture,
                 "deadline_service: deadlines expire in the order of their time, each with its generation") {
  std::vector<std::shared_ptr<recording_owner>> owners;
  for (int name = 0; name < 5; ++name) owners.push_back(owner(name));
  owners[0]->set_in(50ms, 7, io);
  owners[1]->set_in(10ms, 8, io);
  owners[2]->set_in(30ms, 9, io);
  owners[3]->set_in(1h, 10, io);
  owners[3]->set_in(20ms, 11, io); // set again, earlier: only the new deadline counts
  owners[4]->set_in(40ms, 12, io);
  CHECK(service.size() == 5);
  io.run_for(2s);
  CHECK(expired == expiries{{1, 8}, {3, 11}, {2, 9}, {4, 12}, {0, 7}});
  CHECK(service.size() == 0);
  CHECK(io.stopped()); // nothing left to wait for: the context ran out of work
}

TEST_CASE_METHOD(deadline_fixture,
                 "deadline_service: a cleared deadline never expires, and the last one cleared leaves no work behind") {
  auto early = owner(1);
  auto late = owner(2);
  early->set_in(10ms, 1, io);
  late->set_in(1h, 2, io);
  service.clear(*early);
  io.run_for(200ms);
  CHECK(expired.empty());
  CHECK_FALSE(io.stopped()); // the hour-long deadline is still waited for

  service.clear(*late);
  io.restart();
  const auto started = std::chrono::steady_clock::now();
  io.run_for(10s);
  CHECK(io.stopped());
  CHECK(std::chrono::steady_clock::now() - started < 5s); // did not wait for the hour, nor the limit
  CHECK(expired.empty());
}

TEST_CASE_METHOD(deadline_fixture,
                 "deadline_service: an owner destroyed before its deadline is forgotten") {
  auto kept = owner(1);
  auto dropped = owner(2);
  dropped->set_in(10ms, 1, io);
  kept->set_in(20ms, 2, io);
  dropped.reset();
  CHECK(service.size() == 1);
  io.run_for(2s);
  CHECK(expired == expiries{{1, 2}});
}

TEST_CASE("deadline_service: a context destroyed with deadlines set lets their owners go") {
  expiries expired;
  std::weak_ptr<recording_owner> watch;
  {
    asio::io_context io;
    auto& service = deadline_service::of(io.get_executor());
    auto owner = std::make_shared<recording_owner>(service, 1, expired);
    owner->set_in(1h, 1, io);
    watch = owner;
    // Held only by a handler that never runs: destroyed in the context's shutdown,
    // after the service's, and its destructor clears its deadline then.
    asio::post(io, [owner = std::move(owner)] {});
  }
  CHECK(watch.expired());
  CHECK(expired.empty());
}

TEST_CASE("deadline_service: set and cleared from many threads while deadlines expire") {
  asio::io_context io;
  auto& service = deadline_service::of(io.get_executor());
  expiries expired;
  constexpr int threads = 4, owners_per_thread = 50;
  auto work = asio::make_work_guard(io);
  std::thread runner([&io] { io.run(); });
  std::vector<std::thread> setters;
  for (int t = 0; t < threads; ++t) {
    setters.emplace_back([&, t] {
      std::vector<std::shared_ptr<recording_owner>> owners;
      for (int i = 0; i < owners_per_thread; ++i) {
        auto owner = std::make_shared<recording_owner>(service, t * owners_per_thread + i, expired);
        owner->set_in(1h, 1, io);
        if (i % 3 == 0) service.clear(*owner);
        if (i % 3 == 1) owner->set_in(std::chrono::milliseconds(i % 7), 2, io);
        if (i % 3 == 2) owner->set_in(std::chrono::milliseconds(i % 5), 3, io);
        owners.push_back(std::move(owner));
      }
      const auto limit = std::chrono::steady_clock::now() + 10s;
      while (service.size() > 0 && std::chrono::steady_clock::now() < limit) std::this_thread::sleep_for(1ms);
    });
  }
  for (auto& setter : setters) setter.join();
  work.reset();
  runner.join();
  // Every owner not cleared expired once, with the generation it was last set with.
  std::size_t expected = 0;
  for (int i = 0; i < owners_per_thread; ++i) expected += i % 3 == 0 ? 0 : 1;
  std::lock_guard<std::mutex> lock(recording_owner::mutex_);
  CHECK(expired.size() == expected * threads);
  for (const auto& [name, generation] : expired) CHECK(generation == (name % owners_per_thread % 3 == 1 ? 2u : 3u));
  CHECK(service.size() == 0);
}
