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
#include <asiows/core/client_handshake.hpp>
#include <asiows/core/http.hpp>
#include <asiows/core/options.hpp>
#include <asiows/detail/handoff.hpp>
#include <asiows/endpoint_statistics.hpp>
#include <asiows/url.hpp>

#include <asiows/detail/asio.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
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
/// Its members are defined in <asiows/impl/client.hpp>; with ASIOWS_SEPARATE_COMPILATION,
/// client<void>'s are compiled once, where <asiows/src.hpp> is included (see src.hpp).
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
  explicit client(asio::any_io_executor executor, config_type config = {});

  /// Runs on `context`'s executor (an io_context, a thread_pool).
  template <class ExecutionContext,
            std::enable_if_t<std::is_convertible_v<ExecutionContext&, asio::execution_context&>, int> = 0>
  explicit client(ExecutionContext& context, config_type config = {})
      : client(asio::any_io_executor(context.get_executor()), std::move(config)) {}

  /// Stops (stop()): closes its connection, if any.
  ~client();
  /// Takes the other's connection; the other does nothing after.
  client(client&&) noexcept = default;
  /// Stops its own connection, then takes the other's.
  client& operator=(client&& other) noexcept;
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Starts connecting to `url` (ws:// or wss://). A URL that cannot be used is
  /// refused at once; everything after is reported through the handlers. One
  /// connection at a time: while the client is active (until stop(), or,
  /// without reconnect, until its connection or attempt ends), another
  /// connect() returns asio::error::already_started.
  [[nodiscard]] error_code connect(std::string_view url);

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
        [st = state_, text = std::string(url)](auto handler) { connect_queue(st, text)->take(std::move(handler)); },
        token);
  }

  /// Lets connect() take wss:// URLs, over TLS with `tls` (an asio::ssl::context
  /// from asiows::ssl::make_client_context, which verifies the server), which
  /// must outlive the client. Call it before connect(). Needs <asiows/ssl.hpp>.
  template <class TlsContext>
  void enable_wss(TlsContext& tls);

  /// The open connection, or null.
  connection_ptr current() const;

  /// Sends through the open connection; closed when there is none.
  send_status send(std::string_view message, message_kind kind = message_kind::text);

  /// Stops reconnecting and closes the connection (Close 1000). Safe from any thread.
  void stop(std::uint16_t code = close_code::normal, std::string_view reason = {});

  /// Counters over its connections.
  endpoint_statistics statistics() const;

private:
  using connection_queue = detail::handoff<connection_ptr>;

  /// async_connect's work: starts connecting to `text` unless the client is active, and
  /// returns the queue its connections are offered to (one that reports why, for a refused URL).
  static std::shared_ptr<connection_queue> connect_queue(const std::shared_ptr<state>& st, std::string_view text);
  static error_code check_url(const state& st, std::string_view text, url& where);
  static void start(const std::shared_ptr<state>& st, const url& where);
  static void attempt_connection(const std::shared_ptr<state>& st);
  template <class Transport>
  static void attempt_over(const std::shared_ptr<state>& st, const Transport& transport);
  template <class Connection, class Transport>
  static void resolve_and_connect(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c,
                                  const Transport& transport);
  template <class Connection, class Transport>
  static void secure_then_handshake(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c,
                                    const Transport& transport);
  template <class Connection>
  static void websocket_handshake(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c);
  static void failed_later(const std::shared_ptr<state>& st, error_code ec);
  static void failed(const std::shared_ptr<state>& st, error_code ec);
  static void schedule_retry(const std::shared_ptr<state>& st);

  std::shared_ptr<state> state_;
};

} // namespace asiows

#include <asiows/impl/client.hpp>

#if defined(ASIOWS_SEPARATE_COMPILATION)
#include <asiows/detail/separate_compilation.hpp>
namespace asiows {
// Compiled once, where <asiows/src.hpp> is included; other units only call it.
extern template class client<void>;
#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
extern template void client<void>::enable_wss(asio::ssl::context&);
#endif
} // namespace asiows
#endif

#endif
