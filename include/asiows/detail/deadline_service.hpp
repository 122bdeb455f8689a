// The deadlines of every stream on one execution context (handshake, idle,
// keepalive, close), kept in one heap and waited for with one timer. A timer of
// its own per connection cost an idle connection about 300 bytes (the timer,
// and its pending wait); a place in the heap costs a pointer.
//
// A due deadline is handed to its owner's executor (deadline_owner::expire),
// never run on the service's: a stream's state is touched only there. The
// service's own timer waits only while some deadline is set, so a context
// with none runs out of work as before.
#ifndef ASIOWS_DETAIL_DEADLINE_SERVICE_HPP
#define ASIOWS_DETAIL_DEADLINE_SERVICE_HPP

#include <asiows/detail/asio.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace asiows::detail {

// Something with a deadline: a stream's state. Its place in the service's
// heap is kept here, under the service's lock.
class deadline_owner {
public:
  using clock = std::chrono::steady_clock;

  // The owner, kept alive while its expiry is handed over; empty once it is
  // being destroyed. Called under the service's lock.
  virtual std::shared_ptr<deadline_owner> keep_alive() noexcept = 0;
  // The deadline set with `generation` has come (called on any thread: the
  // owner moves to its own executor to act on it).
  virtual void expire(std::uint64_t generation) = 0;

protected:
  deadline_owner() = default;
  deadline_owner(const deadline_owner&) = delete;
  deadline_owner& operator=(const deadline_owner&) = delete;
  ~deadline_owner() = default;

private:
  friend class deadline_service;
  static constexpr std::size_t unqueued = static_cast<std::size_t>(-1);
  clock::time_point when_{};
  std::uint64_t generation_ = 0;
  std::size_t heap_index_ = unqueued;
};

class deadline_service : public asio::execution_context::service {
public:
  using clock = deadline_owner::clock;
  using key_type = deadline_service;
  inline static asio::execution_context::id id;

  explicit deadline_service(asio::execution_context& context) : asio::execution_context::service(context) {}

  // The service of the execution context `executor` belongs to.
  template <class Executor>
  static deadline_service& of(const Executor& executor) {
    return asio::use_service<deadline_service>(asio::query(executor, asio::execution::context));
  }

  // Sets `owner`'s deadline (replacing any it had); it expires with
  // `generation`. `executor` is the owner's: the service's own timer is made
  // from the first one it is given.
  template <class Executor>
  void set(deadline_owner& owner, clock::time_point when, std::uint64_t generation, const Executor& executor) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shut_down_) return;
    if (!timer_) timer_.emplace(executor);
    owner.when_ = when;
    owner.generation_ = generation;
    if (owner.heap_index_ == deadline_owner::unqueued) {
      owner.heap_index_ = heap_.size();
      heap_.push_back(&owner);
    }
    restore_heap(owner.heap_index_);
    wait_for_earliest();
  }

  // Clears `owner`'s deadline, if it has one.
  void clear(deadline_owner& owner) {
    std::lock_guard<std::mutex> lock(mutex_);
    remove(owner);
    if (heap_.empty() && timer_) {
      timer_->cancel(); // nothing left to wait for: the context may run out of work
      waiting_until_ = clock::time_point::max();
    }
  }

  // How many deadlines are set (for tests).
  std::size_t size() {
    std::lock_guard<std::mutex> lock(mutex_);
    return heap_.size();
  }

private:
  void shutdown() override {
    std::lock_guard<std::mutex> lock(mutex_);
    shut_down_ = true;
    for (deadline_owner* owner : heap_) owner->heap_index_ = deadline_owner::unqueued;
    heap_.clear();
    timer_.reset(); // while the timer's own service still exists (destroyed after every shutdown)
  }

  // Arms the timer for the earliest deadline, unless it waits for that already or earlier.
  void wait_for_earliest() {
    if (heap_.empty() || heap_.front()->when_ >= waiting_until_) return;
    waiting_until_ = heap_.front()->when_;
    timer_->expires_at(waiting_until_); // cancels the wait for a later moment
    timer_->async_wait([this, wait = ++wait_count_](error_code) { on_timer(wait); });
  }

  // Hands every due deadline to its owner, then waits for the next.
  void on_timer(std::uint64_t wait) {
    std::vector<std::pair<std::shared_ptr<deadline_owner>, std::uint64_t>> due;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (shut_down_ || wait != wait_count_) return; // a later wait replaced this one
      waiting_until_ = clock::time_point::max();
      const clock::time_point now = clock::now();
      while (!heap_.empty() && heap_.front()->when_ <= now) {
        deadline_owner& owner = *heap_.front();
        const std::uint64_t generation = owner.generation_;
        remove(owner);
        if (std::shared_ptr<deadline_owner> alive = owner.keep_alive()) due.emplace_back(std::move(alive), generation);
      }
      wait_for_earliest();
    }
    // Outside the lock: an owner released here may be destroyed, and clears its deadline.
    for (auto& [owner, generation] : due) owner->expire(generation);
  }

  void remove(deadline_owner& owner) {
    const std::size_t index = owner.heap_index_;
    if (index == deadline_owner::unqueued) return;
    owner.heap_index_ = deadline_owner::unqueued;
    deadline_owner* last = heap_.back();
    heap_.pop_back();
    if (last == &owner) return;
    heap_[index] = last;
    last->heap_index_ = index;
    restore_heap(index);
  }

  // Moves the entry at `index` up or down to where its deadline belongs.
  void restore_heap(std::size_t index) {
    while (index > 0 && heap_[index]->when_ < heap_[(index - 1) / 2]->when_) {
      swap_entries(index, (index - 1) / 2);
      index = (index - 1) / 2;
    }
    for (;;) {
      const std::size_t left = 2 * index + 1;
      const std::size_t right = left + 1;
      std::size_t earliest = index;
      if (left < heap_.size() && heap_[left]->when_ < heap_[earliest]->when_) earliest = left;
      if (right < heap_.size() && heap_[right]->when_ < heap_[earliest]->when_) earliest = right;
      if (earliest == index) return;
      swap_entries(index, earliest);
      index = earliest;
    }
  }

  void swap_entries(std::size_t a, std::size_t b) noexcept {
    std::swap(heap_[a], heap_[b]);
    heap_[a]->heap_index_ = a;
    heap_[b]->heap_index_ = b;
  }

  std::mutex mutex_;
  bool shut_down_ = false;
  std::vector<deadline_owner*> heap_; // a binary min-heap on when_
  std::optional<asio::steady_timer> timer_;
  clock::time_point waiting_until_ = clock::time_point::max();
  std::uint64_t wait_count_ = 0; // which wait is current: an earlier one's handler does nothing
};

} // namespace asiows::detail

#endif
