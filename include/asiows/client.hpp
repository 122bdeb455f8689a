/// \file
/// client: connects to a ws:// or wss:// URL and keeps the connection,
/// optionally reconnecting with exponential backoff and jitter.
///
///   asiows::client_config<> config;
///   config.on_open = [](const asiows::connection_ptr& c) { c->send("hello"); };
///   config.on_message = [](const asiows::connection_ptr&, std::string_view m, asiows::message_kind) { ... };
///   asiows::client client(io, std::move(config));  // C++20: client(io, {.on_open = ..., .on_message = ...})
///   if (auto ec = client.connect("wss://example.com/feed")) ...
///   io.run();
///
/// wss:// needs enable_wss(context) first, with a context from
/// <asiows/ssl.hpp> (asiows::ssl::make_client_context: the server's
/// certificate and host name are verified); without it a wss URL is refused.
#ifndef ASIOWS_CLIENT_HPP
#define ASIOWS_CLIENT_HPP

#include <asiows/connection.hpp>
#include <asiows/detail/endpoint_connection.hpp>
#include <asiows/detail/endpoint_transport.hpp>
#include <asiows/detail/handoff.hpp>
#include <asiows/stream.hpp>
#include <asiows/url.hpp>

#include <asiows/detail/asio.hpp>
#if defined(ASIOWS_USE_BOOST_ASIO)
#include <boost/asio/connect.hpp>
#else
#include <asio/connect.hpp>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace asiows {

/// Everything a client is given: limits, connecting and reconnecting, then
/// handlers. The handlers run on the connection's strand; each may be left empty.
template <class UserData = void>
struct client_config {
  /// What the handlers get: a shared connection (with data() when UserData is not void).
  using connection_ptr = std::shared_ptr<connection_of<UserData>>;

  options connection;                 ///< limits and timeouts (core/options.hpp)
  client_handshake_options handshake; ///< Origin, subprotocols, extra headers (tokens, cookies)
  /// Bytes a connection may have queued; past it, on_queue_full applies.
  std::size_t max_send_queue_bytes = 4 * 1024 * 1024;
  backpressure_policy on_queue_full = backpressure_policy::report;      ///< a client usually wants to know
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10); ///< resolve + TCP connect + TLS handshake
  /// Reconnect after a failed attempt or a lost connection (not after stop()).
  bool reconnect = false;
  std::chrono::milliseconds reconnect_delay{500};                           ///< the first wait; doubles each attempt
  std::chrono::milliseconds reconnect_max_delay = std::chrono::seconds(30); ///< the cap

  /// The connection opened (after the 101).
  std::function<void(const connection_ptr&)> on_open;
  /// A whole message; leave it empty to read with connection::async_receive.
  std::function<void(const connection_ptr&, std::string_view, message_kind)> on_message;
  /// The connection ended, whatever the way: the peer's close code and reason (close_code::abnormal for a drop).
  std::function<void(const connection_ptr&, std::uint16_t code, std::string_view reason)> on_close;
  /// Errors: a connection attempt that failed (connection is null then), or a connection that ended badly.
  /// An attempt that ran out of connect_timeout or handshake_timeout is error::timeout.
  std::function<void(const connection_ptr&, error_code)> on_error;
  /// The send queue fell back to a quarter of max_send_queue_bytes after refusing a message
  /// (queue_full): a producer that paused may resume.
  std::function<void(const connection_ptr&)> on_drain;
  /// A ping or pong from the peer (pings are answered for you). A pong's round trip is the
  /// time since our last ping (connection::ping, or options::keepalive_interval's).
  std::function<void(const connection_ptr&, std::string_view payload)> on_ping;
  std::function<void(const connection_ptr&, std::string_view payload, std::chrono::steady_clock::duration round_trip)>
      on_pong; ///< a pong, with the round trip since our last ping
  /// The server answered the upgrade with something else than 101 (401, 403, 429, 503...): its
  /// status line and header fields, before on_error reports error::bad_status.
  std::function<void(const http_response&)> on_refused;
};

/// A WebSocket client: connects to a ws:// or wss:// URL and keeps the connection; see the description of this file.
template <class UserData = void>
class client {
  struct state;

public:
  /// The config it is built with.
  using config_type = client_config<UserData>;
  /// Its connection's type.
  using connection_type = connection_of<UserData>;
  /// What its handlers get.
  using connection_ptr = std::shared_ptr<connection_type>;

  /// Runs on `executor`; each connection gets a strand on it.
  explicit client(asio::any_io_executor executor, config_type config = {})
      : state_(std::make_shared<state>(std::move(executor), config)) {}

  /// Runs on `context`'s executor (an io_context, a thread_pool).
  template <class ExecutionContext,
            std::enable_if_t<std::is_convertible_v<ExecutionContext&, asio::execution_context&>, int> = 0>
  explicit client(ExecutionContext& context, config_type config = {})
      : client(asio::any_io_executor(context.get_executor()), std::move(config)) {}

  ~client() {
    if (state_) stop();
  }
  /// Takes the other's connection; the other does nothing after.
  client(client&&) noexcept = default;
  /// Stops its own connection, then takes the other's.
  client& operator=(client&& other) noexcept {
    if (this != &other) {
      if (state_) stop();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Starts connecting to `url` (ws:// or wss://). A URL that cannot be used is
  /// refused at once; everything after is reported through the handlers. One
  /// connection at a time: while the client is active (until stop(), or,
  /// without reconnect, until its connection or attempt ends), another
  /// connect() returns asio::error::already_started.
  [[nodiscard]] error_code connect(std::string_view url) {
    asiows::url where;
    if (auto refused = check_url(*state_, url, where)) return refused;
    if (state_->active.exchange(true)) return asio::error::already_started;
    auto st = state_;
    asio::post(st->control, [st, where] { start(st, where); });
    return {};
  }

  /// The coroutine style: connects to `url` unless the client is already active,
  /// and completes with the next connection that opens:
  /// void(error_code, connection_ptr). With reconnect, failed attempts are
  /// retried with backoff (each reported to on_error) and a lost connection is
  /// replaced: call it again for the next one. Without, a failed attempt
  /// completes it with why. operation_aborted after stop(). Leave on_message
  /// empty to read with connection::async_receive.
  template <class CompletionToken = asio::default_completion_token_t<asio::any_io_executor>>
  auto async_connect(std::string_view url,
                     CompletionToken&& token = asio::default_completion_token_t<asio::any_io_executor>()) {
    return asio::async_initiate<CompletionToken, void(error_code, connection_ptr)>(
        [st = state_, text = std::string(url)](auto handler) {
          asiows::url where;
          if (auto refused = check_url(*st, text, where))
            return detail::handoff<connection_ptr>::complete_now(std::move(handler), st->control, refused);
          const bool start_now = !st->active.exchange(true);
          asio::dispatch(st->control, [st, where, start_now, handler = std::move(handler)]() mutable {
            // A fresh start forgets what an earlier session left untaken (its end, say).
            if (!st->opened || start_now) st->opened = std::make_shared<detail::handoff<connection_ptr>>(st->control, 1);
            if (start_now) start(st, where);
            st->opened->take(std::move(handler));
          });
        },
        token);
  }

  /// Lets connect() take wss:// URLs, over TLS with `tls` (an asio::ssl::context
  /// from asiows::ssl::make_client_context, which verifies the server), which
  /// must outlive the client. Call it before connect(). Needs <asiows/ssl.hpp>.
  template <class TlsContext>
  void enable_wss(TlsContext& tls) {
    state_->attempt_wss = [transport = typename detail::tls_transport_of<TlsContext>::type(tls)](
                              const std::shared_ptr<state>& st) { attempt_over(st, transport); };
  }

  /// The open connection, or null.
  connection_ptr current() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->current;
  }

  /// Sends through the open connection; closed when there is none.
  send_status send(std::string_view message, message_kind kind = message_kind::text) {
    auto c = current();
    return c ? c->send(message, kind) : send_status::closed;
  }

  /// Stops reconnecting and closes the connection (Close 1000). Safe from any thread.
  void stop(std::uint16_t code = close_code::normal, std::string_view reason = {}) {
    state_->active = false;
    auto st = state_;
    asio::post(st->control, [st, code, reason = std::string(reason)] {
      st->stopped = true;
      st->retry_timer.cancel();
      st->connect_timer.cancel();
      if (st->pending_abort) st->pending_abort();
      if (st->opened) st->opened->offer_error(asio::error::operation_aborted);
      if (auto c = st->take_current()) c->close(code, reason);
    });
  }

  /// Counters over its connections.
  endpoint_statistics statistics() const { return state_->shared->snapshot(); }

private:
  struct state {
    // Takes the handlers out of `config`; keeps the rest.
    state(asio::any_io_executor ex, config_type& config)
        : executor(std::move(ex)), control(asio::make_strand(executor)),
          shared(std::make_shared<detail::endpoint_shared<UserData>>(config)), on_refused(std::move(config.on_refused)),
          options(std::move(config)),
          retry_timer(control), connect_timer(control), random(std::random_device{}()) {}

    asio::any_io_executor executor;
    asio::strand<asio::any_io_executor> control; // connecting, retrying, stopping
    std::shared_ptr<detail::endpoint_shared<UserData>> shared;
    std::function<void(const http_response&)> on_refused;
    config_type options; // all but the handlers (moved out)
    asio::steady_timer retry_timer;
    asio::steady_timer connect_timer;
    std::minstd_rand random; // jitter only
    asiows::url where;
    std::atomic<bool> active{false}; // between connect() and stop()
    bool stopped = false;
    unsigned attempt = 0;
    bool attempt_timed_out = false; // connect_timeout ended the attempt in progress
    std::function<void()> pending_abort; // drops the connection attempt in progress
    std::uint64_t next_id = 1;
    std::function<void(const std::shared_ptr<state>&)> attempt_wss; // set by enable_wss
    std::shared_ptr<detail::handoff<connection_ptr>> opened;         // async_connect's, once it is used

    mutable std::mutex mutex;
    connection_ptr current; // guarded by mutex

    connection_ptr take_current() {
      std::lock_guard<std::mutex> lock(mutex);
      connection_ptr c = std::move(current);
      current.reset();
      return c;
    }
  };

  /// Whether `text` is a URL this client can connect to (into `where`), or why not.
  static error_code check_url(const state& st, std::string_view text, url& where) {
    auto parsed = parse_url(text);
    if (!parsed) return make_error_code(error::invalid_url);
    if (parsed->secure && !st.attempt_wss) return std::make_error_code(std::errc::protocol_not_supported);
    where = *parsed;
    return {};
  }

  /// On the control strand: the first attempt at `where`.
  static void start(const std::shared_ptr<state>& st, const url& where) {
    st->where = where;
    st->stopped = false;
    st->attempt = 0;
    attempt_connection(st);
  }

  static void attempt_connection(const std::shared_ptr<state>& st) {
    if (st->where.secure) return st->attempt_wss(st); // connect() refused wss:// without it
    attempt_over(st, detail::plain_transport{});
  }

  template <class Transport>
  static void attempt_over(const std::shared_ptr<state>& st, const Transport& transport) {
    resolve_and_connect(st, transport.unconnected(st->shared, detail::make_connection_strand(st->executor)), transport);
  }

  template <class Connection, class Transport>
  static void resolve_and_connect(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c,
                                  const Transport& transport) {
    c->ws().set_options(st->options.connection);
    st->pending_abort = [c] { c->abort(); };
    st->attempt_timed_out = false;
    st->connect_timer.expires_after(st->options.connect_timeout);
    st->connect_timer.async_wait([st, c](error_code ec) {
      if (ec) return;
      st->attempt_timed_out = true; // resolving, connecting or the TLS handshake took too long
      c->abort();
    });
    auto resolver = std::make_shared<asio::ip::tcp::resolver>(c->ws().get_executor());
    resolver->async_resolve(st->where.host, st->where.port,
                            [st, c, resolver, transport](error_code ec, auto endpoints) {
                              if (ec) return failed_later(st, ec);
                              asio::async_connect(c->ws().next_layer().lowest_layer(), endpoints,
                                                  [st, c, transport](error_code connect_error, const auto&) {
                                                    if (connect_error) return failed_later(st, connect_error);
                                                    secure_then_handshake(st, c, transport);
                                                  });
                            });
  }

  /// After TCP connect: TLS first, when the transport has it, then the WebSocket handshake.
  template <class Connection, class Transport>
  static void secure_then_handshake(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c,
                                    const Transport& transport) {
    error_code ignored;
    c->ws().next_layer().lowest_layer().set_option(asio::ip::tcp::no_delay(true), ignored);
    transport.client_handshake(c, st->where.host, [st, c](error_code ec) {
      if (ec) return failed_later(st, ec);
      websocket_handshake(st, c);
    });
  }

  template <class Connection>
  static void websocket_handshake(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c) {
    c->ws().async_handshake(st->where.host_header(), st->where.target, st->options.handshake,
                            [st, c](error_code ec) {
                              asio::post(st->control, [st, c, ec] {
                                st->connect_timer.cancel();
                                st->pending_abort = nullptr;
                                if (ec == error::bad_status && st->on_refused && c->ws().handshake_response())
                                  st->on_refused(*c->ws().handshake_response());
                                if (ec) return failed(st, ec);
                                if (st->stopped) return c->close(close_code::normal, {});
                                st->attempt = 0;
                                {
                                  std::lock_guard<std::mutex> lock(st->mutex);
                                  st->current = c;
                                }
                                // When this connection ends, forget it and maybe reconnect.
                                st->shared->on_finished = [weak = std::weak_ptr<state>(st)](std::uint64_t) {
                                  if (auto s = weak.lock()) asio::post(s->control, [s] {
                                    s->take_current();
                                    schedule_retry(s);
                                  });
                                };
                                const std::string path(st->where.target.substr(0, st->where.target.find('?')));
                                const std::uint64_t id = st->next_id++;
                                asio::post(c->ws().get_executor(),
                                           [st, c, path, id] { c->open(id, path, st->where.host_header()); });
                                if (st->opened) st->opened->offer_newest(c);
                              });
                            });
  }

  /// failed(), from a connection's strand.
  static void failed_later(const std::shared_ptr<state>& st, error_code ec) {
    asio::post(st->control, [st, ec] { failed(st, ec); });
  }

  /// A connection attempt failed: report it, then maybe try again.
  static void failed(const std::shared_ptr<state>& st, error_code ec) {
    st->connect_timer.cancel();
    st->pending_abort = nullptr;
    if (st->stopped) return;
    if (st->attempt_timed_out) ec = error::timeout; // what the abort cut short says operation_aborted
    if (st->opened && !st->options.reconnect) st->opened->offer_error(ec);
    if (st->shared->on_error) st->shared->on_error(nullptr, ec);
    schedule_retry(st);
  }

  /// Exponential backoff with a cap, and +-20% jitter so many clients do not retry in step.
  /// Without reconnect the client is done: it is no longer active, and connect() may start again.
  static void schedule_retry(const std::shared_ptr<state>& st) {
    if (st->stopped) return;
    if (!st->options.reconnect) {
      st->active = false;
      return;
    }
    const double base = static_cast<double>(st->options.reconnect_delay.count()) *
                        static_cast<double>(1u << std::min(st->attempt, 16u));
    const double capped = std::min(base, static_cast<double>(st->options.reconnect_max_delay.count()));
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    st->retry_timer.expires_after(std::chrono::milliseconds(static_cast<long long>(capped * jitter(st->random))));
    ++st->attempt;
    st->retry_timer.async_wait([st](error_code ec) {
      if (!ec && !st->stopped) attempt_connection(st);
    });
  }

  std::shared_ptr<state> state_;
};

} // namespace asiows

#endif
