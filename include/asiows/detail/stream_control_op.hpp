// stream<NextLayer>::async_ping, async_pong and async_close: one control
// frame, after the replies owed. async_close then waits for the peer's Close,
// reading and discarding, unless a read in flight will see it.
#ifndef ASIOWS_DETAIL_STREAM_CONTROL_OP_HPP
#define ASIOWS_DETAIL_STREAM_CONTROL_OP_HPP

#include <asiows/detail/stream_read_op.hpp>
#include <asiows/detail/stream_write_op.hpp>

#include <asiows/detail/asio.hpp>

#include <memory>
#include <string>

namespace asiows::detail {

template <class NextLayer>
class control_op : asio::coroutine {
public:
  control_op(std::shared_ptr<stream_impl<NextLayer>> impl, opcode op, std::uint16_t code, std::string payload)
      : impl_(std::move(impl)), op_(op), code_(code), payload_(std::move(payload)) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}, std::size_t = 0) {
    stream_impl<NextLayer>& s = *impl_;
    ASIOWS_CORO_REENTER(*this) {
      if (!s.writer.try_lock()) { // in line for the write lock
        ASIOWS_CORO_YIELD s.writer.async_lock(std::move(self), s.next_layer.get_executor());
        did_io_ = true;
      }
      if (ec) {
        result_ = ec; // cancelled in line: nothing was written
      } else if (!(result_ = s.begin_write())) {
        s.refill_control_out();
        result_ = serialize(s);
        if (!result_ || !s.out().control_out.empty()) {
          ASIOWS_CORO_YIELD asio::async_write(s.next_layer, asio::buffer(s.out().control_out), std::move(self));
          did_io_ = true;
        }
        if (const error_code ended = s.end_write(ec); !result_) result_ = ended;
        if (!result_ && op_ == opcode::close) {
          s.start_closing_timer();
          if (!s.read_active) {
            ASIOWS_CORO_YIELD asio::async_compose<Self, void(error_code, std::size_t)>(
                read_op<NextLayer, discard_sink>(impl_, {}, false), self, s.next_layer);
            did_io_ = true;
            if (ec != error::closed) result_ = ec; // error::closed is the handshake's good end
          }
        }
      }
      if (!did_io_) {
        ASIOWS_CORO_YIELD asio::post(s.next_layer.get_executor(), std::move(self));
      }
      self.complete(result_);
    }
  }

private:
  error_code serialize(stream_impl<NextLayer>& s) {
    switch (op_) {
    case opcode::ping: {
      const error_code failure = s.engine->serialize_ping(payload_.data(), payload_.size(), s.out().control_out);
      if (!failure) s.note_ping_sent();
      return failure;
    }
    case opcode::pong: return s.engine->serialize_pong(payload_.data(), payload_.size(), s.out().control_out);
    default: return s.engine->serialize_close(code_, payload_, s.out().control_out);
    }
  }

  std::shared_ptr<stream_impl<NextLayer>> impl_;
  opcode op_;
  std::uint16_t code_;
  std::string payload_;
  bool did_io_ = false;
  error_code result_;
};

} // namespace asiows::detail

#endif
