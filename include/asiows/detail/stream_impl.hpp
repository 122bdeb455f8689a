// The state of a stream<NextLayer>, shared by its pending operations: each
// holds a shared_ptr to it, so destroying the stream while operations are
// pending is safe (they complete with operation_aborted). Its deadline is kept
// by the context's deadline_service, which holds no reference to it.
#ifndef ASIOWS_DETAIL_STREAM_IMPL_HPP
#define ASIOWS_DETAIL_STREAM_IMPL_HPP

#include <asiows/core/client_handshake.hpp>
#include <asiows/core/options.hpp>
#include <asiows/core/protocol.hpp>
#include <asiows/core/server_handshake.hpp>
#include <asiows/core/detail/read_block.hpp>
#include <asiows/detail/control_observer.hpp>
#include <asiows/detail/deadline_service.hpp>
#include <asiows/detail/op_allocator.hpp>
#include <asiows/detail/read_speculation.hpp>
#include <asiows/detail/write_lock.hpp>

#include <asiows/detail/asio.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace asiows::detail {

// A write's completion condition: everything, asking the transport for all of
// it in each call. asio::transfer_all caps a call at 64 KiB, so a 64 KiB
// message with its header would take two syscalls.
struct transfer_in_one_call {
  std::size_t operator()(const error_code& ec, std::size_t) const noexcept {
    return ec ? 0 : std::numeric_limits<std::size_t>::max();
  }
};

// Closes the lowest layer of a stream (the socket under TLS, say), which
// makes every pending operation on it complete.
template <class Stream, class = void>
struct has_lowest_layer : std::false_type {};
template <class Stream>
struct has_lowest_layer<Stream, std::void_t<decltype(std::declval<Stream&>().lowest_layer())>> : std::true_type {};

// Whether a next layer is a plain Asio stream socket (TCP, Unix).
template <class Stream>
struct is_basic_stream_socket : std::false_type {};
template <class Protocol, class Executor>
struct is_basic_stream_socket<asio::basic_stream_socket<Protocol, Executor>> : std::true_type {};

// A next layer that can give its buffers back while idle (ssl::socket_stream).
template <class Stream, class = void>
struct has_release_buffers : std::false_type {};
template <class Stream>
struct has_release_buffers<Stream, std::void_t<decltype(std::declval<Stream&>().release_buffers())>> : std::true_type {};

template <class Stream>
void close_lowest_layer(Stream& stream) {
  error_code ignored;
  if constexpr (has_lowest_layer<Stream>::value)
    stream.lowest_layer().close(ignored);
  else
    stream.close(ignored);
}

// Ends the sending direction of the lowest layer (TCP FIN), keeping the receiving one.
template <class Stream>
void shutdown_lowest_layer_send(Stream& stream) {
  error_code ignored;
  if constexpr (has_lowest_layer<Stream>::value)
    stream.lowest_layer().shutdown(asio::socket_base::shutdown_send, ignored);
  else
    stream.shutdown(asio::socket_base::shutdown_send, ignored);
}

// The buffers of a write, as a view: asio::async_write keeps a copy of the
// sequence it is given, and a copy of the vector would allocate per write.
struct buffers_view {
  using value_type = asio::const_buffer;
  using const_iterator = const asio::const_buffer*;
  const_iterator first;
  const_iterator last;
  const_iterator begin() const noexcept { return first; }
  const_iterator end() const noexcept { return last; }
};

// The options a stream has until it is given others: one copy for them all.
inline const std::shared_ptr<const options>& default_options() {
  static const std::shared_ptr<const options> defaults = std::make_shared<const options>();
  return defaults;
}

template <class NextLayer>
struct stream_impl final : std::enable_shared_from_this<stream_impl<NextLayer>>, deadline_owner {
  using clock = std::chrono::steady_clock;

  template <class... Args>
  explicit stream_impl(Args&&... args)
      : next_layer(std::forward<Args>(args)...),
        shared_settings(default_options()),
        deadlines(&deadline_service::of(next_layer.get_executor())) {}

  ~stream_impl() { deadlines->clear(*this); }

  stream_impl(const stream_impl&) = delete;
  stream_impl& operator=(const stream_impl&) = delete;

  NextLayer next_layer;
  // Shared, often by many streams (an endpoint's connections): they are not changed in place.
  std::shared_ptr<const options> shared_settings;
  const options& settings() const noexcept { return *shared_settings; }
  std::optional<protocol> engine; // exists once the opening handshake is done

  // Received bytes not yet parsed, in read_buffer, which is held only while
  // there are some, or a read is filling it (read_space, received, parsed).
  read_block read_buffer;
  bool read_active = false;
  // Whether a new read tries the socket before asking the reactor to wait.
  read_speculation speculation;

  // One write to the next layer at a time: operations that find the lock
  // taken wait in line (writer.async_lock), and are handed it in turn.
  write_lock writer;
  // The buffers of writes, used by the holder of the write lock. Made by the
  // first write and kept while the connection is busy; given back when it goes
  // quiet (the idle deadline), so an idle connection holds none.
  struct write_buffers {
    std::vector<std::uint8_t> control_out;  // control frames being written
    std::vector<std::uint8_t> scratch;      // masked payloads; a batch's headers and short payloads
    std::vector<asio::const_buffer> gather; // the buffers of the current write
    std::vector<std::uint8_t> flat;         // a message's buffers made contiguous, to compress it
  };
  write_buffers& out() {
    if (!write_buffers_) write_buffers_ = std::make_unique<write_buffers>();
    return *write_buffers_;
  }

  // The one deadline: handshake, then idle/keepalive, then close.
  enum class deadline { none, handshake, idle, closing };
  deadline_service* deadlines;
  deadline timer_purpose = deadline::none;
  std::uint64_t timer_generation = 0;
  clock::time_point last_received = clock::now();
  bool keepalive_ping_outstanding = false;
  // An idle connection gives its next layer's buffers back (has_release_buffers):
  // after this long without a read, once per quiet spell.
  static constexpr std::chrono::seconds release_buffers_after{1};
  bool buffers_released = false;

  // The application's view of pings and pongs, when it asked for one.
  std::unique_ptr<control_observer> control;
  void note_ping_sent() {
    if (control) control->ping_sent();
  }

  // Why the connection ended when it was not the peer's doing (a timeout).
  error_code fatal;
  // Why reading ended: error::closed for the peer's Close, or the failure.
  error_code reading_ended;
  // Whether the Close the protocol owes (echo or failure) may be written: set
  // once the application has had its turn to answer the messages before it
  // (see the read operation's closing path). Until then writes take the owed
  // pongs only, and data may still be framed ahead of the Close.
  bool close_released = false;
  bool transport_closed = false;

  // What the handshake settled and what the peer said when it closed. The
  // strings, which most connections never have, are kept apart until one is set.
  std::uint16_t peer_close_code = close_code::no_status;
  message_kind last_message_kind = message_kind::binary;
  bool message_done = true; // the last read ended its message (async_read_some may not)
  std::unique_ptr<http_response> handshake_response; // a client's, kept for inspection

  std::string_view subprotocol() const noexcept { return texts_ ? std::string_view(texts_->subprotocol) : std::string_view(); }
  std::string_view peer_close_reason() const noexcept {
    return texts_ ? std::string_view(texts_->peer_close_reason) : std::string_view();
  }
  void set_subprotocol(std::string_view name) {
    if (!name.empty() || texts_) texts_for_writing().subprotocol.assign(name);
  }
  void set_peer_close_reason(std::string_view reason) {
    if (!reason.empty() || texts_) texts_for_writing().peer_close_reason.assign(reason);
  }

  // Why an operation may not use the connection now (not open yet, closed,
  // timed out), or no error when it may.
  error_code unusable() const {
    if (engine && !transport_closed) return {};
    if (fatal) return fatal;
    return error::closed;
  }

  // ---- received bytes ----

  // The bytes received and not yet parsed (the protocol unmasks in place: mutable).
  std::uint8_t* unparsed() noexcept { return read_buffer.data() + read_begin_; }
  std::size_t unparsed_size() const noexcept { return read_end_ - read_begin_; }

  // `bytes` of them were parsed.
  void parsed(std::size_t bytes) noexcept { read_begin_ += bytes; }

  // A read into read_space() brought `bytes`.
  void received(std::size_t bytes) noexcept { read_end_ += bytes; }

  // Forgets what is buffered (after the close handshake, what comes is read only to be dropped).
  void drop_unparsed() noexcept { read_begin_ = read_end_ = 0; }

  // Forgets what is buffered and gives the buffer back.
  void release_read_buffer() noexcept {
    drop_unparsed();
    read_buffer.release();
  }

  // Where the next read puts its bytes: after those not yet parsed.
  asio::mutable_buffer read_space() {
    read_buffer.acquire();
    return asio::buffer(read_buffer.data() + read_end_, read_buffer.size() - read_end_);
  }

  // Bytes received before the stream took over (read by the application
  // while routing a request): they are parsed first.
  void preload_received(asio::const_buffer bytes) {
    read_buffer.assign(static_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    read_begin_ = 0;
    read_end_ = bytes.size();
  }

  // Gives the read buffer back once every byte in it is parsed.
  void release_read_buffer_if_parsed() noexcept {
    if (read_begin_ != read_end_) return;
    release_read_buffer();
  }

  // Whether the received bytes not yet parsed hold a whole message.
  bool message_ready() const noexcept {
    return engine && !transport_closed && engine->message_buffered(read_buffer.data() + read_begin_, read_end_ - read_begin_);
  }

  // Ends an opening handshake: the connection opens in `role`, or closes.
  void finish_opening(asiows::role role, error_code result) {
    if (result) return close_transport();
    engine.emplace(role, settings());
    last_received = clock::now();
    start_idle_timer();
  }

  // The error an operation reports for `ec`: a timeout that closed the
  // transport explains the aborted operations it caused.
  error_code translate(error_code ec) const { return fatal ? fatal : ec; }

  void close_transport() {
    if (transport_closed) return;
    transport_closed = true;
    cancel_timer();
    close_lowest_layer(next_layer);
  }

  void fail_with(error_code reason) {
    if (!fatal) fatal = reason;
    close_transport();
  }

  // ---- the write lock ----

  // An operation that holds the write lock starts its write, unless the
  // connection cannot be used: then it gives the lock up, and says why.
  error_code begin_write() {
    if (auto failure = unusable()) {
      end_write({});
      return failure;
    }
    return {};
  }

  // Ends a turn to write that ended with `ec`; returns what the operation
  // reports. Replies that fell due meanwhile (a pong) go out at once.
  error_code end_write(error_code ec) {
    const error_code result = ec ? translate(ec) : error_code{};
    if (ec) close_transport();
    writer.unlock();
    flush_or_close();
    return result;
  }

  // With the write lock free: sends the replies the protocol owes, or, when
  // none are owed and this side should close TCP (after the close handshake,
  // or a failure), closes it. While the lock is held, its holder does this
  // when it ends, and so does the last of the operations in line: the data
  // they carry (replies to messages before the peer's Close or a bad frame)
  // goes ahead of an owed Close.
  void flush_or_close() {
    if (writer.held() || transport_closed || !engine) return;
    if (close_held()) {
      if (engine->has_owed_pongs()) flush_control_in_background();
    } else if (engine->has_pending_control()) {
      flush_control_in_background();
    } else if (engine->should_close_transport()) {
      close_transport();
    }
  }

  // A Close is owed and must wait (close_released).
  bool close_held() const noexcept { return engine && engine->has_pending_close() && !close_released; }

  // Lets the owed Close go, and sends it unless a write in flight or waiting will.
  void release_close() {
    close_released = true;
    flush_or_close();
  }

  // Starts a write of the replies the protocol owes (pongs, Close echo), when
  // the write lock is free; its holder flushes them when it ends.
  void flush_control_in_background() {
    if (transport_closed || !engine || !engine->has_pending_control() || !writer.try_lock()) return;
    refill_control_out();
    asio::async_write(next_layer, asio::buffer(out().control_out),
                      [self = this->shared_from_this()](error_code ec, std::size_t) {
                        self->writer.unlock();
                        if (ec) return self->close_transport();
                        self->flush_or_close();
                      });
  }

  // Fills control_out with the replies the protocol owes (pongs, and the Close once released), if any.
  void refill_control_out() {
    if (close_held()) return refill_pongs_out();
    std::vector<std::uint8_t>& control_out = out().control_out;
    control_out.resize(engine ? engine->pending_control_size() : 0);
    if (!control_out.empty()) control_out.resize(engine->take_pending_control(control_out.data()));
  }

  // Fills control_out with the owed pongs only, for a write of data: an owed
  // Close waits until that data is out (the replies it carries come first).
  void refill_pongs_out() {
    std::vector<std::uint8_t>& control_out = out().control_out;
    control_out.resize(engine ? engine->pending_control_size() : 0);
    if (!control_out.empty()) control_out.resize(engine->take_owed_pongs(control_out.data()));
  }

  buffers_view gathered() {
    const std::vector<asio::const_buffer>& gather = out().gather;
    return {gather.data(), gather.data() + gather.size()};
  }

  // Starts the gather list of a write with control_out, so owed replies go first.
  void gather_control_first() {
    write_buffers& buffers = out();
    buffers.gather.clear();
    if (!buffers.control_out.empty()) buffers.gather.push_back(asio::buffer(buffers.control_out));
  }

  // ---- the deadline ----

  void cancel_timer() {
    ++timer_generation;
    timer_purpose = deadline::none;
    deadlines->clear(*this);
  }

  void arm_timer(deadline purpose, clock::duration after) {
    if (after <= clock::duration::zero() || transport_closed) return cancel_timer();
    ++timer_generation; // a deadline set before is replaced in the heap, and dropped if already handed over
    timer_purpose = purpose;
    deadlines->set(*this, clock::now() + after, timer_generation, next_layer.get_executor());
  }

  std::shared_ptr<deadline_owner> keep_alive() noexcept override {
    std::shared_ptr<stream_impl> self = this->weak_from_this().lock();
    if (!self) return {};
    return {std::move(self), static_cast<deadline_owner*>(this)};
  }

  // The deadline armed with `generation` came: acted on in the stream's executor, unless re-armed or cancelled since.
  void expire(std::uint64_t generation) override {
    asio::post(next_layer.get_executor(),
               asio::bind_allocator(op_allocator<void>(), [self = this->shared_from_this(), generation] {
                 if (generation == self->timer_generation) self->on_deadline();
               }));
  }

  void start_handshake_timer() { arm_timer(deadline::handshake, settings().handshake_timeout); }

  void start_closing_timer() {
    if (timer_purpose != deadline::closing) arm_timer(deadline::closing, settings().close_timeout);
  }

  // Arms the idle/keepalive deadline for the next moment something is due.
  void start_idle_timer() {
    const auto since = clock::now() - last_received;
    clock::duration next = clock::duration::max();
    if (settings().idle_timeout.count() > 0) next = settings().idle_timeout - since;
    if (settings().keepalive_interval.count() > 0 && !keepalive_ping_outstanding)
      next = std::min<clock::duration>(next, settings().keepalive_interval - since);
    if constexpr (has_release_buffers<NextLayer>::value)
      if (!buffers_released) next = std::min<clock::duration>(next, release_buffers_after - since);
    if (next == clock::duration::max()) return cancel_timer();
    arm_timer(deadline::idle, std::max<clock::duration>(next, std::chrono::milliseconds(1)));
  }

  void on_deadline() {
    switch (timer_purpose) {
    case deadline::handshake:
    case deadline::closing:
      return fail_with(error::timeout);
    case deadline::idle: {
      const auto since = clock::now() - last_received;
      if (settings().idle_timeout.count() > 0 && since >= settings().idle_timeout) return fail_with(error::timeout);
      if constexpr (has_release_buffers<NextLayer>::value) {
        if (!buffers_released && since >= release_buffers_after) {
          next_layer.release_buffers(); // tried once per quiet spell: bytes still waiting keep them
          buffers_released = true;
        }
      }
      if (settings().keepalive_interval.count() > 0 && since >= settings().keepalive_interval &&
          !keepalive_ping_outstanding && engine && engine->state() == close_state::open && writer.try_lock()) {
        keepalive_ping_outstanding = true;
        refill_control_out();
        engine->serialize_ping(nullptr, 0, out().control_out);
        note_ping_sent();
        asio::async_write(next_layer, asio::buffer(out().control_out),
                          [self = this->shared_from_this()](error_code ec, std::size_t) {
                            self->writer.unlock();
                            if (ec) return self->close_transport();
                            self->flush_or_close(); // pongs that fell due meanwhile
                            self->release_write_buffers_if_unused(); // quiet: given back once the ping is out
                          });
      } else {
        release_write_buffers_if_unused(); // quiet: the next write makes them again
      }
      return start_idle_timer();
    }
    case deadline::none:
      return;
    }
  }

  // On a quiet connection: the write buffers go back, unless a write holds them.
  void release_write_buffers_if_unused() noexcept {
    if (!writer.held()) write_buffers_.reset();
  }

  // Called for every read that brought bytes. The timer is not moved here (that
  // would cost a timer operation per read): when it fires it sees the recent
  // activity and re-arms for what remains.
  void note_received() {
    last_received = clock::now();
    keepalive_ping_outstanding = false;
    if (buffers_released) { // the first read after a quiet spell: the release is due again
      buffers_released = false;
      const bool idle_timing = timer_purpose == deadline::idle || timer_purpose == deadline::none;
      if (engine && idle_timing) start_idle_timer(); // open, and not closing
    }
  }

private:
  struct rare_texts {
    std::string subprotocol;
    std::string peer_close_reason;
  };
  rare_texts& texts_for_writing() {
    if (!texts_) texts_ = std::make_unique<rare_texts>();
    return *texts_;
  }
  std::unique_ptr<rare_texts> texts_;
  std::unique_ptr<write_buffers> write_buffers_;
  std::size_t read_begin_ = 0; // [read_begin_, read_end_) of read_buffer: received, not yet parsed
  std::size_t read_end_ = 0;
};

} // namespace asiows::detail

#endif
