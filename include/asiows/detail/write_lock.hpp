// A stream's write lock: one write to the next layer at a time. Operations
// that find it taken wait in line and are handed it one by one, in the order
// they asked; a waiting operation honours per-operation cancellation (it leaves
// the line and completes with operation_aborted; nothing was written).
//
// The waiting operations are kept here, and each holds its stream's state,
// which holds the lock: if their execution context shuts down first (the
// holder's I/O destroyed, never completed), write_lock_service destroys them,
// as Asio destroys its own pending operations.
#ifndef ASIOWS_DETAIL_WRITE_LOCK_HPP
#define ASIOWS_DETAIL_WRITE_LOCK_HPP

#include <asiows/detail/asio.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <system_error>
#include <utility>

namespace asiows::detail {

// An operation waiting in a write lock's line.
struct write_waiter {
  write_waiter* next = nullptr;
  write_waiter* prev = nullptr;
  void (*resume)(write_waiter*, error_code) = nullptr; // posts the operation; frees the node
  void (*destroy)(write_waiter*) = nullptr;                 // frees the node and the operation unrun
};

class write_lock;

class write_lock_service : public asio::execution_context::service {
public:
  inline static asio::execution_context::id id;

  explicit write_lock_service(asio::execution_context& context) : asio::execution_context::service(context) {}

  void enlist(write_lock& lock);
  void delist(write_lock& lock);

private:
  void shutdown() override;

  std::mutex mutex_;
  write_lock* first_ = nullptr;
};

class write_lock {
public:
  write_lock() = default;
  write_lock(const write_lock&) = delete;
  write_lock& operator=(const write_lock&) = delete;
  ~write_lock() {
    if (service_) service_->delist(*this);
  }

  // Whether a write holds the lock (or it is being handed to the first in line).
  bool held() const noexcept { return held_; }
  // Takes the lock if it is free (nobody waits for a free lock: unlock hands it on).
  bool try_lock() noexcept {
    if (held_) return false;
    held_ = true;
    return true;
  }

  // Puts the composed operation `self` in line. It is resumed with no error
  // once the lock is its, or with operation_aborted (not holding the lock)
  // when its cancellation slot is emitted first.
  template <class Self, class IoExecutor>
  void async_lock(Self&& self, const IoExecutor& io_executor) {
    using node_type = waiter_node<std::decay_t<Self>, IoExecutor>;
    asio::recycling_allocator<node_type> allocator;
    node_type* node = allocator.allocate(1);
    new (node) node_type(std::forward<Self>(self), io_executor);
    auto slot = asio::get_associated_cancellation_slot(node->self);
    if (slot.is_connected()) slot.template emplace<cancel_wait>(this, node);
    if (!first_ && !service_) enlist_with(io_executor);
    append(node);
  }

  // Hands the lock to the first in line, or frees it.
  void unlock() {
    if (write_waiter* next = first_) {
      unlink(next);
      next->resume(next, {}); // held_ stays true: it is the next holder's
    } else {
      held_ = false;
    }
    if (!first_ && service_) {
      service_->delist(*this);
      service_ = nullptr;
    }
  }

private:
  friend class write_lock_service;

  template <class Self, class IoExecutor>
  struct waiter_node final : write_waiter {
    waiter_node(Self&& op, const IoExecutor& io_executor) : self(std::move(op)), io(io_executor) {
      resume = &resume_node;
      destroy = &destroy_node;
    }
    Self self;
    IoExecutor io;

    // The operation out of its node, which is freed; its cancellation slot is
    // cleared unless this runs inside it (a cancellation).
    static Self take(write_waiter* base, bool clear_slot) {
      auto* node = static_cast<waiter_node*>(base);
      if (clear_slot) asio::get_associated_cancellation_slot(node->self).clear();
      Self op(std::move(node->self));
      node->~waiter_node();
      asio::recycling_allocator<waiter_node>().deallocate(node, 1);
      return op;
    }
    static void resume_node(write_waiter* base, error_code ec) {
      const IoExecutor io_executor = static_cast<waiter_node*>(base)->io;
      Self op = take(base, !ec);
      const auto executor = asio::get_associated_executor(op, io_executor);
      asio::post(asio::bind_executor(executor, resumption<Self>{std::move(op), ec}));
    }
    static void destroy_node(write_waiter* base) { (void)take(base, true); }
  };

  template <class Self>
  struct resumption {
    Self op;
    error_code ec;
    void operator()() { op(ec); }
  };

  // Installed in a waiting operation's cancellation slot.
  struct cancel_wait {
    cancel_wait(write_lock* l, write_waiter* w) noexcept : lock(l), waiter(w) {}
    void operator()(asio::cancellation_type) {
      if (write_waiter* leaving = std::exchange(waiter, nullptr)) lock->leave(leaving);
    }
    write_lock* lock;
    write_waiter* waiter;
  };

  // A waiting operation cancelled: out of line, resumed with operation_aborted.
  void leave(write_waiter* waiter) {
    unlink(waiter);
    waiter->resume(waiter, asio::error::operation_aborted);
    if (!first_ && service_) {
      service_->delist(*this);
      service_ = nullptr;
    }
  }

  template <class IoExecutor>
  void enlist_with(const IoExecutor& io_executor) {
    asio::execution_context& context = asio::query(io_executor, asio::execution::context);
    service_ = &asio::use_service<write_lock_service>(context);
    service_->enlist(*this);
  }

  void append(write_waiter* waiter) noexcept {
    waiter->prev = last_;
    waiter->next = nullptr;
    (last_ ? last_->next : first_) = waiter;
    last_ = waiter;
  }

  void unlink(write_waiter* waiter) noexcept {
    (waiter->prev ? waiter->prev->next : first_) = waiter->next;
    (waiter->next ? waiter->next->prev : last_) = waiter->prev;
    waiter->next = waiter->prev = nullptr;
  }

  write_waiter* detach_waiters() noexcept {
    write_waiter* line = first_;
    first_ = last_ = nullptr;
    return line;
  }

  static void destroy_waiters(write_waiter* line) {
    while (line) {
      write_waiter* next = line->next;
      line->destroy(line);
      line = next;
    }
  }

  bool held_ = false;
  write_waiter* first_ = nullptr;
  write_waiter* last_ = nullptr;
  write_lock_service* service_ = nullptr; // enlisted there while operations wait
  write_lock* next_enlisted_ = nullptr;
  write_lock* prev_enlisted_ = nullptr;
};

inline void write_lock_service::enlist(write_lock& lock) {
  std::lock_guard<std::mutex> guard(mutex_);
  lock.prev_enlisted_ = nullptr;
  lock.next_enlisted_ = first_;
  if (first_) first_->prev_enlisted_ = &lock;
  first_ = &lock;
}

inline void write_lock_service::delist(write_lock& lock) {
  std::lock_guard<std::mutex> guard(mutex_);
  (lock.prev_enlisted_ ? lock.prev_enlisted_->next_enlisted_ : first_) = lock.next_enlisted_;
  if (lock.next_enlisted_) lock.next_enlisted_->prev_enlisted_ = lock.prev_enlisted_;
  lock.next_enlisted_ = lock.prev_enlisted_ = nullptr;
}

inline void write_lock_service::shutdown() {
  // The waiting operations are taken out of every lock first: destroying one
  // may destroy its stream, and the lock with it.
  write_waiter* lines = nullptr;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    for (write_lock* lock = first_; lock;) {
      write_lock* next = lock->next_enlisted_;
      lock->service_ = nullptr;
      lock->next_enlisted_ = lock->prev_enlisted_ = nullptr;
      if (write_waiter* line = lock->detach_waiters()) {
        write_waiter* tail = line;
        while (tail->next) tail = tail->next;
        tail->next = lines;
        lines = line;
      }
      lock = next;
    }
    first_ = nullptr;
  }
  write_lock::destroy_waiters(lines);
}

} // namespace asiows::detail

#endif
