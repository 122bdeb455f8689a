// Test helper: an in-memory AsyncStream pair that fails on demand, as Beast's
// test stream does. Two fault_streams connected to each other carry bytes both
// ways on one executor. A shared fail_counter makes the Nth read or write (of
// the streams that share it) fail with an error; max_read and max_write cut
// every read and write short, to any size. stream<fault_stream> runs over it
// like over a socket, so every operation can be failed at every step.
#ifndef ASIOWS_TESTS_FAULT_STREAM_HPP
#define ASIOWS_TESTS_FAULT_STREAM_HPP

#include "test_asio.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

namespace test {

// Fails the operation that finds it at zero (and every one after), with `error`.
class fail_counter {
public:
  explicit fail_counter(std::size_t n = std::numeric_limits<std::size_t>::max(),
                        asiows::error_code error = asio::error::connection_reset)
      : left_(n), error_(error) {}

  // Whether this operation fails (and with what, into ec); counts it otherwise.
  bool fails(asiows::error_code& ec) {
    if (left_ == 0) {
      ec = error_;
      ++failures_;
      return true;
    }
    --left_;
    return false;
  }
  // From now on, the Nth operation fails (0: the next).
  void arm(std::size_t n) noexcept { left_ = n; }
  bool reached() const noexcept { return failures_ > 0; }
  std::size_t failures() const noexcept { return failures_; }

private:
  std::size_t left_;
  asiows::error_code error_;
  std::size_t failures_ = 0;
};

class fault_stream {
  // A read waiting for bytes: its handler, type-erased (composed operations are move-only).
  struct waiting_read {
    virtual ~waiting_read() = default;
    virtual void complete(asiows::error_code ec) = 0; // reads what is there now, or fails with ec
  };

  // One direction: what the writer put in and the reader has not taken yet.
  struct pipe {
    std::string bytes;
    bool closed = false;
    std::unique_ptr<waiting_read> reader;

    void wake(asiows::error_code ec = {}) {
      if (auto r = std::move(reader)) r->complete(ec);
    }
  };

public:
  using executor_type = asio::any_io_executor;
  using lowest_layer_type = fault_stream;

  explicit fault_stream(asio::any_io_executor executor, std::shared_ptr<fail_counter> counter = {})
      : executor_(std::move(executor)), counter_(counter ? std::move(counter) : std::make_shared<fail_counter>()),
        in_(std::make_shared<pipe>()), out_(std::make_shared<pipe>()) {}

  // Joins two ends: what one writes, the other reads.
  static void connect(fault_stream& a, fault_stream& b) {
    b.in_ = a.out_;
    b.out_ = a.in_;
  }

  executor_type get_executor() const { return executor_; }
  fault_stream& lowest_layer() noexcept { return *this; }

  std::size_t max_read = std::numeric_limits<std::size_t>::max();  // bytes one read takes at most
  std::size_t max_write = std::numeric_limits<std::size_t>::max(); // bytes one write puts in at most
  fail_counter& counter() noexcept { return *counter_; }

  template <class MutableBufferSequence, class CompletionToken>
  auto async_read_some(const MutableBufferSequence& buffers, CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void(asiows::error_code, std::size_t)>(
        [this](auto handler, const MutableBufferSequence& into) {
          asiows::error_code ec;
          if (counter_->fails(ec)) return finish(std::move(handler), ec, 0);
          using handler_type = decltype(handler);
          struct read final : waiting_read {
            read(fault_stream* s, handler_type h, MutableBufferSequence b)
                : stream(s), handler(std::move(h)), buffers(std::move(b)) {}
            void complete(asiows::error_code failure) override {
              if (failure) return stream->finish(std::move(handler), failure, 0);
              stream->take_into(std::move(handler), buffers);
            }
            fault_stream* stream;
            handler_type handler;
            MutableBufferSequence buffers;
          };
          if (!in_->bytes.empty() || in_->closed) return take_into(std::move(handler), into);
          in_->reader = std::make_unique<read>(this, std::move(handler), into);
        },
        token, buffers);
  }

  template <class ConstBufferSequence, class CompletionToken>
  auto async_write_some(const ConstBufferSequence& buffers, CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void(asiows::error_code, std::size_t)>(
        [this](auto handler, const ConstBufferSequence& from) {
          asiows::error_code ec;
          if (counter_->fails(ec)) return finish(std::move(handler), ec, 0);
          if (out_->closed) return finish(std::move(handler), asio::error::broken_pipe, 0);
          const std::size_t n = std::min(asio::buffer_size(from), max_write);
          const std::size_t old_size = out_->bytes.size();
          out_->bytes.resize(old_size + n);
          asio::buffer_copy(asio::buffer(&out_->bytes[old_size], n), from, n);
          out_->wake();
          finish(std::move(handler), {}, n);
        },
        token, buffers);
  }

  // Both directions end: the peer reads what was written, then EOF; a read of ours waiting is aborted.
  void close(asiows::error_code& ec) {
    ec = {};
    out_->closed = true;
    out_->wake();
    in_->closed = true;
    in_->bytes.clear();
    in_->wake(asio::error::operation_aborted);
  }

  // This end's writing ends: the peer reads what was written, then EOF.
  void shutdown(asio::socket_base::shutdown_type, asiows::error_code& ec) {
    ec = {};
    out_->closed = true;
    out_->wake();
  }

private:
  // Completes a read with what the pipe holds now (never inside the initiating call).
  template <class Handler, class MutableBufferSequence>
  void take_into(Handler handler, const MutableBufferSequence& into) {
    if (in_->bytes.empty()) return finish(std::move(handler), asio::error::eof, 0);
    const std::size_t n = std::min({in_->bytes.size(), asio::buffer_size(into), max_read});
    asio::buffer_copy(into, asio::buffer(in_->bytes.data(), n));
    in_->bytes.erase(0, n);
    finish(std::move(handler), {}, n);
  }

  template <class Handler>
  void finish(Handler handler, asiows::error_code ec, std::size_t n) {
    const auto executor = asio::get_associated_executor(handler, executor_);
    asio::post(asio::bind_executor(executor, [handler = std::move(handler), ec, n]() mutable { handler(ec, n); }));
  }

  asio::any_io_executor executor_;
  std::shared_ptr<fail_counter> counter_;
  std::shared_ptr<pipe> in_;
  std::shared_ptr<pipe> out_;
};

} // namespace test

#endif
