// The connection the server and client endpoints hand to applications: a
// stream<Socket>, a read loop that calls the handlers, and the bounded send
// queue. Everything runs on the socket's executor, which the endpoints make a
// strand; send() and close() post onto it from any thread.
#ifndef ASIOWS_DETAIL_ENDPOINT_CONNECTION_HPP
#define ASIOWS_DETAIL_ENDPOINT_CONNECTION_HPP

#include <asiows/connection.hpp>
#include <asiows/detail/handoff.hpp>
#include <asiows/detail/send_queue.hpp>
#include <asiows/endpoint_statistics.hpp>
#include <asiows/message_buffer.hpp>
#include <asiows/stream.hpp>

#include <asiows/detail/asio.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace asiows::detail {

// A strand for one connection on `executor`. On an io_context's executor the
// strand wraps that type itself: a strand over the type-erased executor would
// allocate for every handler it passes on.
inline asio::any_io_executor make_connection_strand(const asio::any_io_executor& executor) {
  if (const auto* io = executor.target<asio::io_context::executor_type>()) return asio::make_strand(*io);
  return asio::make_strand(executor);
}

// What connections share with their endpoint: handlers, limits, counters.
template <class UserData>
struct endpoint_shared {
  using connection_ptr = std::shared_ptr<connection_of<UserData>>;
  std::function<void(const connection_ptr&)> on_open;
  std::function<void(const connection_ptr&, std::string_view, message_kind)> on_message;
  std::function<void(const connection_ptr&, std::uint16_t, std::string_view)> on_close;
  std::function<void(const connection_ptr&, error_code)> on_error;
  std::function<void(const connection_ptr&)> on_drain;
  std::function<void(const connection_ptr&, std::string_view)> on_ping;
  std::function<void(const connection_ptr&, std::string_view, std::chrono::steady_clock::duration)> on_pong;

  // Takes the handlers and send-queue limits of an endpoint's config.
  template <class Config>
  explicit endpoint_shared(Config& config)
      : on_open(std::move(config.on_open)), on_message(std::move(config.on_message)),
        on_close(std::move(config.on_close)), on_error(std::move(config.on_error)),
        on_drain(std::move(config.on_drain)), on_ping(std::move(config.on_ping)), on_pong(std::move(config.on_pong)),
        max_send_queue_bytes(config.max_send_queue_bytes), on_queue_full(config.on_queue_full),
        connection_options(std::make_shared<const options>(config.connection)) {}

  // Called once when a connection that opened has ended (the server forgets it).
  std::function<void(std::uint64_t id)> on_finished;

  std::size_t max_send_queue_bytes = 4 * 1024 * 1024;
  backpressure_policy on_queue_full = backpressure_policy::close_connection;
  std::shared_ptr<const options> connection_options; // every connection's stream shares these

  std::atomic<std::size_t> open_connections{0};
  std::atomic<std::uint64_t> messages_in{0}, bytes_in{0}, messages_out{0}, bytes_out{0};
  std::atomic<std::size_t> queued_bytes{0};
  std::atomic<std::size_t> compression_memory_bytes{0};

  endpoint_statistics snapshot() const {
    return {open_connections.load(), messages_in.load(),  bytes_in.load(),
            messages_out.load(),     bytes_out.load(),    queued_bytes.load(),
            compression_memory_bytes.load()};
  }
};

template <class Socket, class UserData>
class endpoint_connection final : public connection_of<UserData>,
                                  public std::enable_shared_from_this<endpoint_connection<Socket, UserData>> {
  using shared_type = endpoint_shared<UserData>;

public:
  template <class... Args>
  explicit endpoint_connection(std::shared_ptr<shared_type> shared, Args&&... args)
      : ws_(std::forward<Args>(args)...), shared_(std::move(shared)) {
    // Without on_message, messages wait for async_receive; past inbox_capacity of them the
    // connection stops reading until one is taken (Python websockets' max_queue, 16, too).
    if (!shared_->on_message) this->inbox_ = std::make_shared<handoff<message>>(ws_.get_executor(), inbox_capacity);
  }

  stream<Socket>& ws() noexcept { return ws_; }

  // After a successful opening handshake: report it and start reading.
  void open(std::uint64_t id, std::string path, std::string remote_address) {
    this->id_ = id;
    this->path_ = std::move(path);
    this->subprotocol_ = std::string(ws_.subprotocol());
    this->remote_address_ = std::move(remote_address);
    opened_ = true;
    ++shared_->open_connections;
    if (shared_->on_ping || shared_->on_pong) watch_control_frames();
    if (shared_->on_open) shared_->on_open(this->shared_from_this());
    read();
  }

  using connection::send;
  send_status send(std::shared_ptr<const std::string> message, message_kind kind, compress_mode compress) override {
    const std::size_t size = message->size();
    return enqueue(size, [&] { pending_.push_shared(std::move(message), kind, compress); });
  }

  void close(std::uint16_t code, std::string_view reason) override {
    std::lock_guard<std::mutex> lock(mutex_);
    request_close_locked(code, reason);
  }

  asio::any_io_executor get_executor() const override { return ws_.get_executor(); }

  std::size_t queued_bytes() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return queued_;
  }

  void ping(std::string_view payload) override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), payload = std::string(payload)] {
      self->ws_.async_ping(payload, [self](error_code) {});
    });
  }

  void abort() override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->ws_.abort(); });
  }

protected:
  send_status send_copy(std::string_view message, message_kind kind, compress_mode compress) override {
    return enqueue(message.size(), [&] { pending_.push_copy(message, kind, compress); });
  }

private:
  // Queues a message of `size` bytes with push() unless closing or past the
  // bound; starts a pump when none is running.
  template <class Push>
  send_status enqueue(std::size_t size, Push&& push) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closing_) return send_status::closed;
      // The bound is on the backlog: a single message larger than it may still go when nothing waits.
      if (queued_ > 0 && queued_ + size > shared_->max_send_queue_bytes) {
        if (shared_->on_queue_full == backpressure_policy::report) {
          drain_wanted_ = true;
          return send_status::queue_full;
        }
        drop_queue_locked();
        request_close_locked(close_code::policy_violation, "send queue limit exceeded");
        // The peer is not reading: our Close may never get out. Bound the wait, and tell the application now.
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
          self->ws_.start_close_timeout();
          self->report_error(error::send_queue_full);
        });
        return send_status::queue_full_closing;
      }
      push();
      queued_ += size;
      shared_->queued_bytes += size;
      if (pumping_) return send_status::queued;
      pumping_ = true;
      pump_posted_ = true;
    }
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->pump(); });
    return send_status::queued;
  }

  // Reads a message, then hands the handler every further one already
  // received before reading again: the replies it queues meanwhile leave
  // in one write (pump() runs after this handler returns).
  void read() {
    // Our Close went out with no read of ours in flight, and the close handshake
    // reads for the peer's Close itself: its completion ends the connection.
    if (close_started_ && ws_.read_in_progress()) {
      read_left_to_close_ = true;
      return;
    }
    if (this->inbox_) return read_for_receive();
    message_.clear();
    ws_.async_read(message_, [self = this->shared_from_this()](error_code ec, std::size_t n) {
      if (ec) return self->finish(ec);
      self->deliver(n);
      while (self->ws_.message_ready()) {
        self->message_.clear();
        n = self->ws_.try_read(self->message_, ec);
        if (ec) return self->finish(ec);
        self->deliver(n);
      }
      // The next read starts behind the replies' write, when the handler
      // queued some, and behind what else is queued now (other connections'
      // handlers): by then the peer has often answered, and the read takes
      // the answer at once instead of waiting on the reactor (a syscall).
      {
        std::lock_guard<std::mutex> lock(self->mutex_);
        if (self->pump_posted_) {
          self->read_after_pump_ = true;
          return;
        }
      }
      self->read_later();
    });
  }

  void read_later() {
    asio::defer(ws_.get_executor(), [self = this->shared_from_this()] { self->read(); });
  }

  // The coroutine style: each message is handed to async_receive; with the inbox full the
  // next read waits until one is taken (the peer is then held back by TCP, as by a slow handler).
  void read_for_receive() {
    message_.clear();
    ws_.async_read(message_, [self = this->shared_from_this()](error_code ec, std::size_t n) {
      if (ec) return self->finish(ec);
      ++self->shared_->messages_in;
      self->shared_->bytes_in += n;
      self->report_compression_memory();
      message next{self->ws_.got_text() ? message_kind::text : message_kind::binary, std::string(self->message_.view())};
      self->inbox_->offer(std::move(next), [self] { self->read(); });
    });
  }

  void deliver(std::size_t size) {
    ++shared_->messages_in;
    shared_->bytes_in += size;
    report_compression_memory();
    if (shared_->on_message)
      shared_->on_message(this->shared_from_this(), message_.view(), ws_.got_text() ? message_kind::text : message_kind::binary);
  }

  // The pump send() posted: writes what is queued, then lets a read that waited for it start.
  void pump() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pump_posted_ = false;
    }
    write_queued();
    // Deferred now, the read comes after the write's completion (queued
    // already when the write went out at once), and it never waits for a
    // write that is stuck.
    if (std::exchange(read_after_pump_, false)) read_later();
  }

  // Writes everything queued in one batch, then looks again; closes when asked and drained.
  void write_queued() {
    std::unique_ptr<close_request> close_now;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (pending_.empty()) {
        pumping_ = false;
        close_now.swap(close_request_);
      } else {
        writing_.swap(pending_);
      }
    }
    if (close_now) { // started outside the lock: no I/O is initiated while holding it
      close_started_ = true;
      ws_.async_close(close_now->code, close_now->reason, [self = this->shared_from_this()](error_code ec) {
        // With a read of ours in flight, that read sees the end and finishes; else read() left it to this.
        if (std::exchange(self->read_left_to_close_, false)) self->finish(ec ? ec : error_code(error::closed));
      });
      return;
    }
    if (writing_.empty()) return;
    writing_.gather(batch_);
    ws_.async_write_batch(batch_.data(), batch_.size(), [self = this->shared_from_this()](error_code ec, std::size_t bytes) {
      const std::size_t written = self->writing_.payload_bytes();
      self->shared_->queued_bytes -= written;
      if (!ec) {
        self->shared_->messages_out += self->writing_.message_count();
        self->shared_->bytes_out += bytes;
        self->report_compression_memory();
      }
      self->writing_.clear();
      bool drained = false;
      {
        std::lock_guard<std::mutex> lock(self->mutex_);
        self->queued_ -= written;
        if (ec) { // the read loop sees the failure and reports it
          self->pumping_ = false;
          self->drop_queue_locked();
          return;
        }
        if (self->drain_wanted_ && self->queued_ <= self->shared_->max_send_queue_bytes / 4) {
          self->drain_wanted_ = false;
          drained = true;
        }
      }
      if (drained && self->shared_->on_drain && !self->finished_) self->shared_->on_drain(self);
      self->pump();
    });
  }

  void request_close_locked(std::uint16_t code, std::string_view reason) {
    if (closing_) return;
    closing_ = true;
    close_request_ = std::make_unique<close_request>(close_request{code, std::string(reason)});
    if (pumping_) return; // pump() closes once the queue is written
    pumping_ = true;
    pump_posted_ = true;
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->pump(); });
  }

  void drop_queue_locked() {
    const std::size_t dropped = pending_.payload_bytes();
    pending_.clear();
    queued_ -= dropped;
    shared_->queued_bytes -= dropped;
  }

  // Brings the endpoint's total up to date with this connection's zlib streams.
  void report_compression_memory() {
    if (finished_) return; // a write that completes after the read loop ended must not count again
    const std::size_t now = ws_.compression_memory_bytes();
    shared_->compression_memory_bytes += now;
    shared_->compression_memory_bytes -= compression_memory_reported_;
    compression_memory_reported_ = now;
  }

  // Hands the peer's pings and pongs to on_ping / on_pong, with the round trip of a pong.
  void watch_control_frames() {
    ws_.control_callback([this](control_frame kind, std::string_view payload) {
      // Runs inside this connection's read, which holds it alive.
      auto self = this->shared_from_this();
      if (kind == control_frame::ping) {
        if (shared_->on_ping) shared_->on_ping(self, payload);
      } else if (shared_->on_pong) {
        shared_->on_pong(self, payload, ws_.last_round_trip());
      }
    });
  }

  // on_error, once per connection: the first reason it is ending badly (strand only).
  void report_error(error_code ec) {
    if (!opened_ || error_reported_) return;
    error_reported_ = true;
    if (shared_->on_error) shared_->on_error(this->shared_from_this(), ec);
  }

  void finish(error_code ec) {
    finished_ = true;
    shared_->compression_memory_bytes -= compression_memory_reported_;
    compression_memory_reported_ = 0;
    {
      // No new sends. What is queued stays: after the peer's Close or a
      // protocol failure found by try_read(), replies to the messages
      // before it may still go ahead of our Close; a write that can no
      // longer go fails, and the pump drops the queue then.
      std::lock_guard<std::mutex> lock(mutex_);
      closing_ = true;
    }
    if (this->inbox_) this->inbox_->end(ec);
    if (!opened_) return;
    auto self = this->shared_from_this();
    if (ec == error::closed) {
      if (shared_->on_close) shared_->on_close(self, ws_.close_code(), ws_.close_reason());
    } else {
      report_error(ec);
      if (shared_->on_close) shared_->on_close(self, close_code::abnormal, ec.message());
    }
    --shared_->open_connections;
    if (shared_->on_finished) shared_->on_finished(this->id_);
  }

  static constexpr std::size_t inbox_capacity = 16;

  stream<Socket> ws_;
  std::shared_ptr<shared_type> shared_;
  message_buffer message_;
  bool opened_ = false;
  std::size_t compression_memory_reported_ = 0; // our share of shared_->compression_memory_bytes
  bool finished_ = false;                         // the read loop ended (strand only)
  bool error_reported_ = false;                   // on_error ran (strand only)

  mutable std::mutex mutex_;
  send_queue pending_;                  // guarded by mutex_
  std::size_t queued_ = 0;              // guarded by mutex_
  bool pumping_ = false;                // guarded by mutex_: a pump is posted or writing
  bool pump_posted_ = false;            // guarded by mutex_: a pump is posted and has not run
  bool read_after_pump_ = false;        // on the strand: the next read waits for the posted pump
  bool close_started_ = false;          // on the strand: our async_close was started
  bool read_left_to_close_ = false;     // on the strand: read() left the peer's Close to async_close
  bool closing_ = false;                // guarded by mutex_
  bool drain_wanted_ = false;           // guarded by mutex_: a send was refused (queue_full)
  struct close_request {
    std::uint16_t code;
    std::string reason;
  };
  std::unique_ptr<close_request> close_request_; // guarded by mutex_; made only when asked (most connections never are)

  send_queue writing_;                   // the batch in flight (strand only)
  std::vector<outgoing_message> batch_;  // its buffers (strand only)
};

} // namespace asiows::detail

#endif
