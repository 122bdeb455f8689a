// stream<NextLayer>::async_read and async_read_some: parse every complete
// frame already received before going back to the socket; copy message bytes
// into the caller's dynamic buffer; answer pings in the background; on the
// peer's Close or a protocol failure, finish the close handshake (send what is
// owed, then the server closes TCP and a client waits for the server to).
#ifndef ASIOWS_DETAIL_STREAM_READ_OP_HPP
#define ASIOWS_DETAIL_STREAM_READ_OP_HPP

#include <asiows/detail/op_allocator.hpp>
#include <asiows/detail/stream_impl.hpp>
#include <asiows/message_buffer.hpp>

#include <asiows/detail/asio.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace asiows::detail {

// Message data goes nowhere: used while closing.
struct discard_sink {};

// Turns the received bytes buffered in a stream into message bytes in a
// sink, until a message (or, for async_read_some, a piece of one) is complete,
// the bytes run out, or reading ends (the peer's Close, a failure).
template <class NextLayer, class Sink>
class buffered_parser {
public:
  enum class outcome : std::uint8_t { need_read, done, closing };

  // Whether growing the sink leaves the new bytes uninitialised, so room for a
  // whole frame costs nothing until it is filled.
  static constexpr bool sink_grows_uninitialised = std::is_same_v<Sink, message_dynamic_buffer>;

  buffered_parser(Sink sink, bool return_after_piece) : sink_(std::move(sink)), return_after_piece_(return_after_piece) {}

  // A read straight into the sink asks for at most this much (reserved_ holds it).
  static constexpr std::size_t in_place_socket_limit = 4 * 1024 * 1024;

  // Parses what is buffered; gives the read buffer back if nothing is left in it.
  outcome parse(stream_impl<NextLayer>& s) {
    const outcome result = parse_events(s);
    s.release_read_buffer_if_parsed();
    return result;
  }

  // Room at the end of the sink for `wanted` payload bytes to be read into
  // directly; empty when the sink cannot take them so (not one contiguous
  // buffer, or no room): then they are read into the stream's buffer.
  asio::mutable_buffer reserve_in_place(std::size_t wanted) {
    if constexpr (std::is_same_v<Sink, discard_sink>) {
      (void)wanted;
      return {};
    } else if constexpr (!std::is_same_v<typename Sink::mutable_buffers_type, asio::mutable_buffer>) {
      (void)wanted;
      return {};
    } else {
      const std::size_t old_size = sink_.size();
      if (wanted > sink_.max_size() - old_size) return {};
      sink_.grow(wanted);
      reserved_ = static_cast<std::uint32_t>(wanted);
      return sink_.data(old_size, wanted);
    }
  }

  // Hands the `bytes` read into the reserved room to the protocol, which
  // unmasks and checks them where they are; the unused room is given back.
  outcome take_in_place(stream_impl<NextLayer>& s, std::size_t bytes) {
    if constexpr (std::is_same_v<Sink, discard_sink>) {
      (void)s;
      (void)bytes;
      return outcome::need_read;
    } else {
      sink_.shrink(reserved_ - bytes);
      reserved_ = 0;
      if (bytes == 0) return outcome::need_read;
      const asio::mutable_buffer region = sink_.data(sink_.size() - bytes, bytes);
      const event ev = s.engine->receive(static_cast<std::uint8_t*>(region.data()), bytes);
      if (ev.type != event_type::message_data) sink_.shrink(bytes); // a failure (invalid UTF-8)
      return handle(s, ev, false).value_or(outcome::need_read);
    }
  }

  // Gives back the room reserve_in_place() took, when the read failed.
  void cancel_in_place() {
    if constexpr (!std::is_same_v<Sink, discard_sink>) sink_.shrink(reserved_);
    reserved_ = 0;
  }

  error_code& result() noexcept { return result_; }
  std::size_t transferred() const noexcept { return transferred_; }

private:
  outcome parse_events(stream_impl<NextLayer>& s) {
    // Until need_more, even with no bytes left: a compressed message may
    // still have inflated output to give after its last input byte.
    for (;;) {
      const event ev = s.engine->receive(s.unparsed(), s.unparsed_size());
      s.parsed(ev.consumed);
      if (const std::optional<outcome> result = handle(s, ev, true)) return *result;
    }
  }

  // What an event means for the read: an outcome, or nothing (parse on).
  // Message bytes are appended to the sink unless they are there already.
  std::optional<outcome> handle(stream_impl<NextLayer>& s, const event& ev, bool copy_data) {
    switch (ev.type) {
    case event_type::need_more: // every byte was consumed
      return outcome::need_read;
    case event_type::message_data:
      if (copy_data && !store(ev.data, ev.size)) {
        result_ = asio::error::no_buffer_space;
        s.close_transport();
        return outcome::done;
      }
      transferred_ += ev.size;
      s.last_message_kind = ev.kind;
      if (ev.message_complete || (return_after_piece_ && ev.size > 0)) {
        s.message_done = ev.message_complete;
        return outcome::done;
      }
      return std::nullopt;
    case event_type::ping:
      if (s.control) s.control->received(control_frame::ping, ev.text());
      s.flush_control_in_background();
      return std::nullopt;
    case event_type::pong:
      if (s.control) s.control->received(control_frame::pong, ev.text());
      return std::nullopt;
    case event_type::close:
      s.peer_close_code = ev.close_code;
      s.set_peer_close_reason(ev.text());
      result_ = s.reading_ended = error::closed;
      return outcome::closing;
    case event_type::failure:
      result_ = s.reading_ended = ev.error;
      return outcome::closing;
    }
    return outcome::closing; // not reached: every event type is handled above
  }

  // Appends message bytes to the sink; false if it has no room.
  bool store(const std::uint8_t* data, std::size_t size) {
    if constexpr (std::is_same_v<Sink, discard_sink>) {
      (void)data;
      (void)size;
      return true;
    } else {
      const std::size_t old_size = sink_.size();
      if (size > sink_.max_size() - old_size) return false;
      sink_.grow(size);
      asio::buffer_copy(sink_.data(old_size, size), asio::buffer(data, size));
      return true;
    }
  }

  // Ordered, and reserved_ sized, to keep a pending read small: it waits for every idle connection.
  Sink sink_;
  error_code result_;
  std::size_t transferred_ = 0;
  std::uint32_t reserved_ = 0; // sink bytes grown for a read straight into it (at most in_place_socket_limit)
  bool return_after_piece_;
};

template <class NextLayer, class Sink>
class read_op : asio::coroutine {
  using parser_type = buffered_parser<NextLayer, Sink>;
  using outcome = typename parser_type::outcome;

public:
  read_op(std::shared_ptr<stream_impl<NextLayer>> impl, Sink sink, bool return_after_piece)
      : impl_(std::move(impl)), parser_(std::move(sink), return_after_piece) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}, std::size_t bytes = 0) {
    stream_impl<NextLayer>& s = *impl_;
    error_code& result = parser_.result();
    ASIOWS_CORO_REENTER(*this) {
      if (s.read_active) {
        result = asio::error::in_progress; // one read at a time, as for any Asio stream
      } else if (!(result = s.unusable())) {
        owns_read_ = true;
        s.read_active = true;
        read_again_ = first_try_ = waits_unbuffered && s.speculation.worth_trying();
        if (s.reading_ended) { // try_read() met a failure: say it again, and finish closing
          result = s.reading_ended;
          outcome_ = outcome::closing;
        }
        while (outcome_ == outcome::need_read) {
          outcome_ = parser_.parse(s);
          if (outcome_ != outcome::need_read) break;
          if (read_again_) {
            // The message is still arriving: try for more before asking the reactor
            // (nothing yet: the loop comes back here and waits).
            read_again_ = false;
            ec = {};
            bytes = finish_receive(s, ec, 0);
            if (std::exchange(first_try_, false)) s.speculation.tried(bytes > 0);
          } else {
            ASIOWS_CORO_YIELD start_receive(s, std::move(self));
            did_io_ = true;
            bytes = finish_receive(s, ec, bytes);
          }
          // A socket read that filled the room it asked for may have left more behind;
          // one that did not found the socket drained, and the next would find nothing.
          read_again_ = waits_unbuffered && !ec && bytes > 0 && (!short_read_drains || bytes == asked_);
          if (in_place_) {
            in_place_ = false;
            if (ec) {
              parser_.cancel_in_place();
            } else {
              if (bytes > 0) s.note_received();
              outcome_ = parser_.take_in_place(s, bytes); // gives back the room it did not fill
              if (outcome_ != outcome::need_read) break;
              continue;
            }
          }
          if (ec) {
            // EOF after the close handshake (a client waiting for the server) is the clean end.
            const bool clean = s.engine->state() == close_state::closed && ec == asio::error::eof;
            result = clean ? error_code(error::closed) : s.translate(ec);
            s.close_transport();
            outcome_ = outcome::done;
            break;
          }
          if (bytes == 0) continue; // woken with nothing to read after all: wait again
          s.received(bytes); // after a parse that took every byte: the buffer held none
          s.note_received();
        }
        if (outcome_ == outcome::closing) {
          s.start_closing_timer();
          // The Close we owe (echo or failure) goes after the replies to the
          // messages before it: handlers already queued on the executor (an
          // endpoint's send queue) run first and start their writes, and any
          // write in flight ends, before it is taken.
          ASIOWS_CORO_YIELD asio::post(s.next_layer.get_executor(), std::move(self));
          did_io_ = true;
          s.close_released = true;
          // In line for the write lock, behind the writes already waiting (the
          // replies), then the owed Close. Cancelled in line: whoever holds the
          // lock sends it when done (flush_or_close).
          if (!s.writer.try_lock()) {
            ASIOWS_CORO_YIELD s.writer.async_lock(std::move(self), s.next_layer.get_executor());
            did_io_ = true;
          }
          if (!ec) {
            if (!s.transport_closed && s.engine->has_pending_control()) {
              s.refill_control_out();
              ASIOWS_CORO_YIELD asio::async_write(s.next_layer, asio::buffer(s.out().control_out), std::move(self));
              if (ec) s.close_transport();
            }
            s.writer.unlock();
          }
          if (s.engine->should_close_transport() || s.transport_closed) {
            s.close_transport();
          } else {
            // A client after the close handshake: the server closes TCP first (RFC 6455 7.1.1).
            s.drop_unparsed(); // what comes now is read only to be dropped
            while (!s.transport_closed) {
              ASIOWS_CORO_YIELD s.next_layer.async_read_some(s.read_space(), std::move(self));
              did_io_ = true;
              if (ec) s.close_transport();
            }
          }
          s.release_read_buffer();
        }
      }
      if (!did_io_) {
        // Never complete inside the initiating call. Deferred, as a continuation
        // of the running handler: it runs after it on this thread, without
        // waking the reactor (a post would interrupt epoll_wait, a syscall).
        ASIOWS_CORO_YIELD asio::defer(s.next_layer.get_executor(), std::move(self));
      }
      if (owns_read_) s.read_active = false;
      self.complete(result, parser_.transferred());
    }
  }

private:
  // A socket is waited on without a buffer, and read once readable (into a
  // block lent for as long as its bytes last); any other stream is read
  // the usual way, holding the buffer while it waits.
  static constexpr bool waits_unbuffered = std::is_base_of_v<asio::socket_base, NextLayer>;
  // A plain socket that gave less than asked is drained. A TLS stream gives what
  // OpenSSL's read-ahead took, with more perhaps still in the socket.
  static constexpr bool short_read_drains = is_basic_stream_socket<NextLayer>::value;

  template <class Self>
  void start_receive(stream_impl<NextLayer>& s, Self&& self) {
    if constexpr (waits_unbuffered) // an idle connection's one pending operation: in a block of its size
      s.next_layer.async_wait(asio::socket_base::wait_read, asio::bind_allocator(op_allocator<void>(), std::forward<Self>(self)));
    else
      s.next_layer.async_read_some(read_target(s, in_place_chunk), std::forward<Self>(self));
  }

  // The bytes received: for a socket that became readable, reads them now
  // (0 when another reader took them first, or the wake-up was spurious).
  std::size_t finish_receive(stream_impl<NextLayer>& s, error_code& ec, std::size_t bytes) {
    if constexpr (waits_unbuffered) {
      if (ec) return 0;
      if (!s.next_layer.non_blocking()) s.next_layer.non_blocking(true, ec);
      // A frame's payload goes straight into a sink that grows without
      // initialising, sized to the whole frame; a sink that zero-fills what it
      // grows is given only what the socket holds (asked with FIONREAD).
      std::size_t readable = 0;
      if (!ec && s.engine->payload_ahead() >= in_place_minimum)
        readable = parser_type::sink_grows_uninitialised ? parser_type::in_place_socket_limit
                                                          : std::min(s.next_layer.available(ec), parser_type::in_place_socket_limit);
      if (!ec) {
        const asio::mutable_buffer target = read_target(s, readable);
        asked_ = static_cast<std::uint32_t>(target.size());
        bytes = s.next_layer.read_some(target, ec);
      }
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        ec = {};
        bytes = 0;
      }
      if (bytes == 0) s.read_buffer.release();
    }
    return bytes;
  }

  // Where a read goes: straight into the caller's buffer when it brings
  // only payload of the current frame (up to `at_most` bytes, and at least
  // in_place_minimum), or else into the stream's read buffer.
  asio::mutable_buffer read_target(stream_impl<NextLayer>& s, std::size_t at_most) {
    const std::uint64_t ahead = s.engine->payload_ahead();
    if (ahead >= in_place_minimum && at_most >= in_place_minimum) {
      const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(ahead, at_most));
      const asio::mutable_buffer room = parser_.reserve_in_place(wanted);
      if (room.size() > 0) {
        in_place_ = true;
        return room;
      }
    }
    return s.read_space();
  }

  // Payload shorter than this goes through the read buffer: a read of its own would cost more than the copy.
  static constexpr std::size_t in_place_minimum = 4 * 1024;
  // How much a read into the caller's buffer asks for when it cannot know
  // what has arrived (a TLS record carries at most 16 KiB). A socket asks for all it has.
  static constexpr std::size_t in_place_chunk = 16 * 1024;
  // The small members first, beside asio::coroutine's int: a pending read waits for every idle connection.
  bool owns_read_ = false;
  bool did_io_ = false;
  bool in_place_ = false;   // the read in flight goes into the caller's buffer
  bool read_again_ = false; // try the socket again before waiting
  bool first_try_ = false;  // the next socket read is this operation's speculative first
  outcome outcome_ = outcome::need_read;
  std::uint32_t asked_ = 0; // the room the last socket read offered (reads ask for at most 4 MiB)
  std::shared_ptr<stream_impl<NextLayer>> impl_;
  parser_type parser_;
};

// stream<NextLayer>::try_read: a message message_ready() found already
// received, taken without waiting. A failure in it (invalid UTF-8, over the
// size limit) fails the connection: the Close owed goes out in the
// background, and the transport closes after it, or at close_timeout.
template <class NextLayer, class Sink>
std::size_t try_read_message(stream_impl<NextLayer>& s, Sink sink, error_code& ec) {
  using parser_type = buffered_parser<NextLayer, Sink>;
  if (s.read_active) {
    ec = asio::error::in_progress;
    return 0;
  }
  if (!s.message_ready()) { // nothing is taken: the next async_read starts where this would have
    const error_code unusable = s.unusable();
    ec = unusable ? unusable : make_error_code(asio::error::would_block);
    return 0;
  }
  parser_type parser(std::move(sink), false);
  if (parser.parse(s) == parser_type::outcome::closing) {
    s.release_read_buffer();
    s.start_closing_timer();
    // The Close owed goes out once the caller has had its turn: the replies it
    // writes now, to the messages read before this one, go ahead of it.
    asio::post(s.next_layer.get_executor(), [self = s.shared_from_this()] { self->release_close(); });
  }
  ec = parser.result();
  return parser.transferred();
}

} // namespace asiows::detail

#endif
