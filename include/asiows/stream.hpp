/// \file
/// stream<NextLayer>: a WebSocket connection over any Asio AsyncStream
/// (asio::ip::tcp::socket, asio::ssl::stream<tcp::socket>,
/// asio::local::stream_protocol::socket, or a stream of your own).
///
/// It moves bytes between the next layer and the sans-I/O core (protocol.hpp).
/// Every operation takes any Asio completion token: a callback, use_future,
/// use_awaitable, deferred. At most one read may be in flight. Writes
/// (async_write, async_write_some, async_write_batch, async_ping, async_close)
/// may be started while another is in flight: they wait in line and go out
/// in the order they were started. The stream is not thread-safe: use it from
/// one strand.
///
/// Cancellation follows Asio's per-operation rules (bind_cancellation_slot,
/// awaitable operators). A write still waiting in line for its turn leaves
/// the line and completes with operation_aborted, having sent nothing; the
/// connection goes on. Cancelling a read, a handshake, or a write under way
/// ends the connection, since what was cut short mid-frame cannot be resumed.
///
/// A socket next layer is put in non-blocking mode by the first read: reads
/// wait for readability without holding a buffer, then read what is there.
///
/// While a read is in flight, pings are answered and the close handshake is
/// completed for you; the read then finishes with error::closed (the peer's
/// code and reason: close_code(), close_reason()). Timeouts (options.hpp):
/// the handshake, idle with keepalive pings, and the close handshake.
#ifndef ASIOWS_STREAM_HPP
#define ASIOWS_STREAM_HPP

#include <asiows/detail/stream_control_op.hpp>
#include <asiows/detail/stream_handshake_ops.hpp>
#include <asiows/detail/stream_impl.hpp>
#include <asiows/detail/stream_read_op.hpp>
#include <asiows/detail/stream_write_op.hpp>
#include <asiows/message_buffer.hpp>

#include <asiows/detail/asio.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace asiows {

/// The decider async_accept uses by default: accept, no subprotocol.
struct accept_all {
  /// Accepts every request, as it is.
  void operator()(const http_request&, handshake_answer&) const noexcept {}
};

namespace detail {
/// Whether D decides an upgrade: decide(request, answer). It tells a decider
/// from a completion token, where both may come in the same place.
template <class D>
inline constexpr bool is_decider_v = std::is_invocable_v<std::decay_t<D>&, const http_request&, handshake_answer&>;
} // namespace detail

/// A WebSocket connection over any Asio AsyncStream; see the description of this file.
template <class NextLayer>
class stream {
  using impl_type = detail::stream_impl<NextLayer>;

public:
  /// The stream it runs on (a socket, a TLS stream).
  using next_layer_type = NextLayer;
  /// The next layer's executor type.
  using executor_type = typename NextLayer::executor_type;
  /// The completion token an operation uses when given none: the executor's
  /// (asio::use_awaitable for a socket made with use_awaitable_t<>::as_default_on).
  using default_token = asio::default_completion_token_t<executor_type>;

  /// Constructs the next layer from `args` (e.g. an io_context, or a socket to move in).
  template <class... Args>
  explicit stream(Args&&... args) : impl_(std::make_shared<impl_type>(std::forward<Args>(args)...)) {}

  /// Takes the other's connection; the other is left without one.
  stream(stream&&) noexcept = default;
  /// Closes its own transport, then takes the other's connection.
  stream& operator=(stream&& other) noexcept {
    if (impl_) impl_->close_transport();
    impl_ = std::move(other.impl_);
    return *this;
  }
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  /// Closes the transport: pending operations complete with an error.
  ~stream() {
    if (impl_) impl_->close_transport();
  }

  /// The next layer's executor, on which operations complete unless their token says otherwise.
  executor_type get_executor() const noexcept { return impl_->next_layer.get_executor(); }
  /// The stream it runs on.
  NextLayer& next_layer() noexcept { return impl_->next_layer; }
  /// The stream it runs on.
  const NextLayer& next_layer() const noexcept { return impl_->next_layer; }

  /// Limits and timeouts; set them before the handshake.
  void set_options(const options& opts) { impl_->shared_settings = std::make_shared<const options>(opts); }
  /// The same, shared with other streams rather than copied: many connections
  /// with one set of options hold one copy of them (the endpoints do this).
  /// Null restores the defaults.
  void set_options(std::shared_ptr<const options> opts) {
    impl_->shared_settings = opts ? std::move(opts) : detail::default_options();
  }
  /// The limits and timeouts in force.
  const options& get_options() const noexcept { return impl_->settings(); }

  /// True after the opening handshake until the close handshake starts or the connection fails.
  bool is_open() const noexcept {
    return impl_->engine && !impl_->transport_closed && impl_->engine->state() == close_state::open;
  }
  /// Whether permessage-deflate was agreed in the handshake.
  bool compression_enabled() const noexcept { return impl_->engine && impl_->engine->compression_enabled(); }
  /// Memory permessage-deflate holds now: none until a message is compressed
  /// or inflated (deflate_codec.hpp has the zlib figures, plus 16 KiB to inflate into while a
  /// message is inflated). A side without context takeover holds none between messages.
  std::size_t compression_memory_bytes() const noexcept {
    return impl_->engine ? impl_->engine->compression_memory() : 0;
  }
  /// The subprotocol agreed in the handshake, or empty.
  std::string_view subprotocol() const noexcept { return impl_->subprotocol(); }
  /// Whether the last message read was text (else binary).
  bool got_text() const noexcept { return impl_->last_message_kind == message_kind::text; }
  /// Whether the last async_read_some ended its message.
  bool is_message_done() const noexcept { return impl_->message_done; }
  /// Whether a whole message has already been received (after a whole-message
  /// read), so try_read() can take it now. False when unsure, never wrongly true.
  bool message_ready() const noexcept { return impl_->message_ready(); }
  /// Whether a read is in flight: one of yours, or the one async_close makes to
  /// wait for the peer's Close when you had none (a read started then would fail
  /// with asio::error::in_progress; the close's completion says how it ended).
  bool read_in_progress() const noexcept { return impl_->read_active; }
  /// The peer's Close: its code (close_code::no_status if none came) and reason.
  std::uint16_t close_code() const noexcept { return impl_->peer_close_code; }
  /// The reason in the peer's Close (valid until the stream changes).
  std::string_view close_reason() const noexcept { return impl_->peer_close_reason(); }
  /// Client: the server's response to the upgrade request (also when it refused), once read.
  const http_response* handshake_response() const noexcept { return impl_->handshake_response.get(); }

  /// Calls handler(kind, payload) for each ping and pong from the peer, while
  /// the read that meets it parses it (pings are still answered for you). It
  /// may start writes; it must not destroy the stream. An empty handler stops it.
  void control_callback(std::function<void(control_frame kind, std::string_view payload)> handler) {
    if (!handler) return impl_->control.reset();
    if (!impl_->control) impl_->control = std::make_unique<detail::control_observer>();
    impl_->control->handler = std::move(handler);
  }
  /// The time from our last ping (async_ping or keepalive) to the pong after
  /// it, as of that pong; zero before one. Measured only with a control callback set.
  std::chrono::steady_clock::duration last_round_trip() const noexcept {
    return impl_->control ? impl_->control->last_round_trip : std::chrono::steady_clock::duration{};
  }

  /// Closes the transport now, without a close handshake: pending operations
  /// complete with an error. For a graceful close, use async_close.
  void abort() { impl_->close_transport(); }

  /// Starts the handshake timeout now, for work on the next layer that comes
  /// before async_accept / async_handshake (a TLS handshake, say): a peer that
  /// stalls it is dropped when options::handshake_timeout passes.
  void start_handshake_timeout() { impl_->start_handshake_timer(); }

  /// Starts the close timeout now: if the connection is not closed when
  /// options::close_timeout passes (a peer that stopped reading blocks our
  /// Close behind a write that never ends), the transport is dropped.
  void start_close_timeout() { impl_->start_closing_timer(); }

  // ---- opening handshake (RFC 6455 4) ----

  /// Server: reads the upgrade request, answers 101 (no subprotocol) or the
  /// 4xx the request deserves. Completion: void(error_code).
  template <class CompletionToken = default_token>
  auto async_accept(CompletionToken&& token = default_token()) {
    return async_accept(accept_all{}, std::forward<CompletionToken>(token));
  }

  /// Server: reads the upgrade request; if it is valid, decide(request, answer)
  /// fills a handshake_answer: refuse with a status (origin or authentication
  /// checks), or choose a subprotocol and add response fields.
  template <class Decider, class CompletionToken = default_token,
            std::enable_if_t<detail::is_decider_v<Decider>, int> = 0>
  auto async_accept(Decider&& decide, CompletionToken&& token = default_token()) {
    return asio::async_compose<CompletionToken, void(error_code)>(
        detail::accept_op<NextLayer, std::decay_t<Decider>>(impl_, std::forward<Decider>(decide), std::nullopt),
        token, impl_->next_layer);
  }

  /// Server: hands over a request the application read itself (to route plain
  /// HTTP on the same port), with any bytes it read past the request's end.
  template <class Decider, class CompletionToken = default_token,
            std::enable_if_t<detail::is_decider_v<Decider>, int> = 0>
  auto async_accept(http_request request, asio::const_buffer already_received, Decider&& decide,
                    CompletionToken&& token = default_token()) {
    impl_->preload_received(already_received);
    return asio::async_compose<CompletionToken, void(error_code)>(
        detail::accept_op<NextLayer, std::decay_t<Decider>>(impl_, std::forward<Decider>(decide), std::move(request)),
        token, impl_->next_layer);
  }

  /// Server: reads an HTTP request's head without answering it, so the
  /// application can route it: an upgrade goes on to async_accept(request,
  /// decide, token), anything else to async_respond. `request` must stay valid
  /// until completion. Completion: void(error_code); a request too large
  /// or malformed completes with that error (answer it with
  /// async_respond(build_error_response(ec))).
  template <class CompletionToken = default_token>
  auto async_read_request(http_request& request, CompletionToken&& token = default_token()) {
    return asio::async_compose<CompletionToken, void(error_code)>(
        detail::accept_op<NextLayer, accept_all>(impl_, accept_all{}, std::nullopt, &request), token,
        impl_->next_layer);
  }

  /// Server: answers a request read by async_read_request (the bytes read
  /// past it are still buffered in the stream).
  template <class Decider, class CompletionToken = default_token,
            std::enable_if_t<detail::is_decider_v<Decider>, int> = 0>
  auto async_accept(http_request request, Decider&& decide, CompletionToken&& token = default_token()) {
    return asio::async_compose<CompletionToken, void(error_code)>(
        detail::accept_op<NextLayer, std::decay_t<Decider>>(impl_, std::forward<Decider>(decide), std::move(request)),
        token, impl_->next_layer);
  }

  /// Writes a complete HTTP response (e.g. build_error_response(), or a page)
  /// and closes the connection. Only before the opening handshake.
  template <class CompletionToken = default_token>
  auto async_respond(std::string response, CompletionToken&& token = default_token()) {
    return asio::async_compose<CompletionToken, void(error_code)>(
        detail::respond_op<NextLayer>(impl_, std::move(response)), token, impl_->next_layer);
  }

  /// Client: sends the upgrade request for `target` ("/path?query") to `host`
  /// (the Host header: "example.com" or "example.com:8080") and checks the
  /// response. Completion: void(error_code); on error::bad_status,
  /// handshake_response() shows what the server said.
  template <class CompletionToken = default_token>
  auto async_handshake(std::string_view host, std::string_view target, CompletionToken&& token = default_token()) {
    return async_handshake(host, target, client_handshake_options{}, std::forward<CompletionToken>(token));
  }

  /// Client: the opening handshake, with an offer: Origin, subprotocols, extensions, extra fields.
  template <class CompletionToken = default_token>
  auto async_handshake(std::string_view host, std::string_view target, client_handshake_options offer,
                       CompletionToken&& token = default_token()) {
    return asio::async_compose<CompletionToken, void(error_code)>(
        detail::handshake_op<NextLayer>(impl_, std::string(host), std::string(target), std::move(offer)), token,
        impl_->next_layer);
  }

  // ---- messages ----

  /// Reads one whole message, appending it to `buffer` (a DynamicBuffer_v2,
  /// e.g. asio::dynamic_buffer(a_string)); got_text() tells its kind.
  /// Completion: void(error_code, std::size_t bytes). After the close
  /// handshake: error::closed.
  template <class DynamicBuffer, class CompletionToken = default_token>
  auto async_read(DynamicBuffer buffer, CompletionToken&& token = default_token()) {
    return async_read_message(std::move(buffer), false, std::forward<CompletionToken>(token));
  }

  /// Reads one whole message into a message_buffer (which it appends to).
  template <class CompletionToken = default_token>
  auto async_read(message_buffer& buffer, CompletionToken&& token = default_token()) {
    return async_read(message_dynamic_buffer(buffer), std::forward<CompletionToken>(token));
  }

  /// Reads the next piece of a message (whatever has arrived), for streaming
  /// large messages; is_message_done() tells whether the message ended.
  template <class DynamicBuffer, class CompletionToken = default_token>
  auto async_read_some(DynamicBuffer buffer, CompletionToken&& token = default_token()) {
    return async_read_message(std::move(buffer), true, std::forward<CompletionToken>(token));
  }

  /// Takes a message that has already been received (see message_ready()),
  /// appending it to `buffer`, without waiting and without an asynchronous
  /// operation: after an async_read, a pipelining peer's further messages cost
  /// only their parsing. Handle each, then reply to all with one
  /// async_write_batch. Returns the message's size; when no whole message is
  /// here, takes nothing and sets `ec` to asio::error::would_block (use
  /// async_read). Other errors are async_read's (error::closed excepted: a
  /// Close is left for async_read).
  template <class DynamicBuffer>
  std::size_t try_read(DynamicBuffer buffer, error_code& ec) {
    static_assert(asio::is_dynamic_buffer_v2<DynamicBuffer>::value,
                  "try_read needs a DynamicBuffer_v2, such as asio::dynamic_buffer(std::string&)");
    return detail::try_read_message(*impl_, std::move(buffer), ec);
  }

  /// try_read() into a message_buffer, taken as it is.
  std::size_t try_read(message_buffer& buffer, error_code& ec) {
    return try_read(message_dynamic_buffer(buffer), ec);
  }

  /// The name try_read had before 1.0.
  template <class DynamicBuffer>
  [[deprecated("renamed try_read")]] std::size_t read_ready(DynamicBuffer buffer, error_code& ec) {
    return try_read(std::move(buffer), ec);
  }

  /// Writes `buffers` as one message of `kind` (in frames of
  /// options::auto_fragment_size if set). The buffers must stay valid until
  /// completion: a server writes them without copying.
  /// Completion: void(error_code, std::size_t bytes).
  template <class ConstBufferSequence, class CompletionToken = default_token>
  auto async_write(message_kind kind, const ConstBufferSequence& buffers,
                   CompletionToken&& token = default_token()) {
    return async_write(kind, buffers, compress_mode::automatic, std::forward<CompletionToken>(token));
  }

  /// As above; with permessage-deflate agreed, `compress` overrides the
  /// size threshold for this message (never: already compressed data, say).
  template <class ConstBufferSequence, class CompletionToken = default_token>
  auto async_write(message_kind kind, const ConstBufferSequence& buffers, compress_mode compress,
                   CompletionToken&& token = default_token()) {
    return start_write(kind, true, buffers, compress, std::forward<CompletionToken>(token));
  }

  /// Writes one fragment of a message: fin == false leaves it open for more
  /// fragments of the same kind; fin == true ends it.
  /// Only a whole message (the first call with fin == true) may be compressed.
  template <class ConstBufferSequence, class CompletionToken = default_token>
  auto async_write_some(message_kind kind, bool fin, const ConstBufferSequence& buffers,
                        CompletionToken&& token = default_token()) {
    return start_write(kind, fin, buffers, compress_mode::automatic, std::forward<CompletionToken>(token));
  }

  /// Writes several whole messages with one write call (a server gathers the
  /// payloads without copying them). messages[0 .. count) and what they point
  /// to must stay valid until completion.
  /// Completion: void(error_code, std::size_t payload_bytes).
  template <class CompletionToken = default_token>
  auto async_write_batch(const outgoing_message* messages, std::size_t count,
                         CompletionToken&& token = default_token()) {
    return asio::async_compose<CompletionToken, void(error_code, std::size_t)>(
        detail::write_batch_op<NextLayer>(impl_, messages, count), token, impl_->next_layer);
  }

  // ---- control ----

  /// Sends a ping (payload at most 125 bytes); the pong arrives through a read.
  template <class CompletionToken = default_token>
  auto async_ping(std::string_view payload, CompletionToken&& token = default_token()) {
    return async_control(opcode::ping, 0, payload, std::forward<CompletionToken>(token));
  }

  /// Starts the close handshake (RFC 6455 7.1.2) and completes when it is over:
  /// the peer answered and TCP is closed, or close_timeout passed. With a read
  /// in flight, that read sees the peer's Close (error::closed) and this
  /// completes once our Close is sent.
  template <class CompletionToken = default_token>
  auto async_close(std::uint16_t code, std::string_view reason, CompletionToken&& token = default_token()) {
    return async_control(opcode::close, code, reason, std::forward<CompletionToken>(token));
  }

private:
  template <class ConstBufferSequence, class CompletionToken>
  auto start_write(message_kind kind, bool fin, const ConstBufferSequence& buffers, compress_mode compress,
                   CompletionToken&& token) {
    static_assert(asio::is_const_buffer_sequence<ConstBufferSequence>::value,
                  "async_write needs a ConstBufferSequence, such as asio::buffer(data, size)");
    return asio::async_compose<CompletionToken, void(error_code, std::size_t)>(
        detail::write_op<NextLayer, ConstBufferSequence>(impl_, kind, fin, buffers, compress), token,
        impl_->next_layer);
  }

  template <class DynamicBuffer, class CompletionToken>
  auto async_read_message(DynamicBuffer buffer, bool return_after_piece, CompletionToken&& token) {
    static_assert(asio::is_dynamic_buffer_v2<DynamicBuffer>::value,
                  "async_read needs a DynamicBuffer_v2, such as asio::dynamic_buffer(std::string&)");
    return asio::async_compose<CompletionToken, void(error_code, std::size_t)>(
        detail::read_op<NextLayer, DynamicBuffer>(impl_, std::move(buffer), return_after_piece), token,
        impl_->next_layer);
  }

  template <class CompletionToken>
  auto async_control(opcode op, std::uint16_t code, std::string_view payload, CompletionToken&& token) {
    return asio::async_compose<CompletionToken, void(error_code)>(
        detail::control_op<NextLayer>(impl_, op, code, std::string(payload)), token, impl_->next_layer);
  }

  std::shared_ptr<impl_type> impl_;
};

} // namespace asiows

#endif
