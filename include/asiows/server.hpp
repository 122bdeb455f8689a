/// \file
/// server: a WebSocket server an application uses with a few handlers, given
/// with its limits in one server_config at construction.
///
///   asio::io_context io;
///   asiows::server_config<> config;
///   config.on_message = [](const asiows::connection_ptr& c, std::string_view m, asiows::message_kind k) {
///     c->send(m, k);                                  // echo
///   };
///   asiows::server server(io, std::move(config));   // C++20: server(io, {.on_message = ...})
///   if (auto ec = server.listen("127.0.0.1", 9001)) ...
///   io.run();                                         // on any number of threads
///
/// server<UserData> gives each connection a UserData (connection_with<UserData>::data()).
///
/// Each connection runs on a strand of its own (on the io_context's executor
/// with server_options::single_threaded); handlers for one connection never
/// run concurrently. One port serves WebSocket upgrades and, through
/// on_http, plain HTTP (a page and its WebSocket). on_handshake sees every
/// upgrade request first: origin and authentication checks, subprotocols.
/// TLS: include <asiows/ssl.hpp>, link asiows::ssl, and use listen_tls;
/// connections run OpenSSL on the socket itself (ssl::socket_stream).
#ifndef ASIOWS_SERVER_HPP
#define ASIOWS_SERVER_HPP

#include <asiows/connection.hpp>
#include <asiows/core/http.hpp>
#include <asiows/core/options.hpp>
#include <asiows/core/server_handshake.hpp>
#include <asiows/detail/handoff.hpp>
#include <asiows/endpoint_statistics.hpp>

#include <asiows/detail/asio.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace asiows {

/// The answer to a plain HTTP request (on_http).
struct http_reply {
  unsigned status = 200;                                  ///< the HTTP status
  std::string content_type = "text/plain; charset=utf-8"; ///< the Content-Type field
  std::string body;                                       ///< the body (Content-Length is set for it)
  http_fields fields;                                     ///< further fields
};

/// Everything a server is given: limits, then handlers. The handlers run on the
/// connection's strand; each may be left empty.
template <class UserData = void>
struct server_config {
  /// What the handlers get: a shared connection (with data() when UserData is not void).
  using connection_ptr = std::shared_ptr<connection_of<UserData>>;

  options connection; ///< each connection's limits and timeouts (core/options.hpp)
  /// Bytes a connection may have queued; past it, on_queue_full applies. Absorbs
  /// bursts; a reader this far behind is not keeping up.
  std::size_t max_send_queue_bytes = 4 * 1024 * 1024;
  /// What a send past max_send_queue_bytes does.
  backpressure_policy on_queue_full = backpressure_policy::close_connection;
  /// Open connections at most; upgrade requests past it are answered 503.
  std::size_t max_connections = 100000;
  /// shutdown(): how long connections get to finish their close handshake.
  std::chrono::milliseconds shutdown_timeout = std::chrono::seconds(5);
  /// Set when the executor runs on one thread only: connections then run on
  /// it directly instead of a strand each, which saves a lock and a queue
  /// hand-off per handler. send() and close() stay safe from any thread
  /// (they post onto that one thread). Wrong with several threads: handlers
  /// of one connection could then run concurrently.
  bool single_threaded = false;

  /// Sees each valid upgrade request before the 101: refuse it (answer.refuse(403)),
  /// choose a subprotocol, add response fields.
  std::function<void(const http_request&, handshake_answer&)> on_handshake;
  /// Answers requests that are not upgrades; without it they get 426 Upgrade Required.
  std::function<http_reply(const http_request&)> on_http;
  /// A connection opened (after the 101).
  std::function<void(const connection_ptr&)> on_open;
  /// A whole message; leave it empty to read with connection::async_receive.
  std::function<void(const connection_ptr&, std::string_view, message_kind)> on_message;
  /// A connection ended, whatever the way: the peer's close code and reason
  /// (close_code::abnormal for a drop). Once per connection.
  std::function<void(const connection_ptr&, std::uint16_t code, std::string_view reason)> on_close;
  /// A connection that ended without a clean close handshake (a protocol error, a timeout, a drop).
  std::function<void(const connection_ptr&, error_code)> on_error;
  /// The send queue fell back to a quarter of max_send_queue_bytes after refusing a message
  /// (queue_full): a producer that paused may resume.
  std::function<void(const connection_ptr&)> on_drain;
  /// A ping or pong from the peer (pings are answered for you). A pong's round trip is the
  /// time since our last ping (connection::ping, or options::keepalive_interval's).
  std::function<void(const connection_ptr&, std::string_view payload)> on_ping;
  std::function<void(const connection_ptr&, std::string_view payload, std::chrono::steady_clock::duration round_trip)>
      on_pong; ///< a pong, with the round trip since our last ping
};

/// A WebSocket server: listens, upgrades, runs each connection on its strand; see the description of this file.
/// Its members are defined in <asiows/impl/server.hpp>; with ASIOWS_SEPARATE_COMPILATION,
/// server<void>'s are compiled once, where <asiows/src.hpp> is included (see src.hpp).
template <class UserData = void>
class server {
  struct state;

public:
  /// The config it is built with.
  using config_type = server_config<UserData>;
  /// Its connections' type.
  using connection_type = connection_of<UserData>;
  /// What its handlers get.
  using connection_ptr = std::shared_ptr<connection_type>;

  /// Runs on `executor` (an io_context's, a thread pool's; each connection gets a strand on it).
  explicit server(asio::any_io_executor executor, config_type config = {});

  /// Runs on `context`'s executor (an io_context, a thread_pool).
  template <class ExecutionContext,
            std::enable_if_t<std::is_convertible_v<ExecutionContext&, asio::execution_context&>, int> = 0>
  explicit server(ExecutionContext& context, config_type config = {})
      : server(asio::any_io_executor(context.get_executor()), std::move(config)) {}

  /// Stops listening and drops every connection (use shutdown() first for a graceful end).
  ~server();

  /// Takes the other's listeners and connections; the other does nothing after.
  server(server&&) noexcept = default;
  /// Drops its own connections, then takes the other's.
  server& operator=(server&& other) noexcept;
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // ---- listening ----

  /// Listens on a TCP address ("127.0.0.1", "::", ...) and port (0: any free port; see port()).
  [[nodiscard]] error_code listen(const std::string& address, unsigned short port);

  /// Listens on a Unix domain socket at `path` (which must not exist).
  [[nodiscard]] error_code listen_unix(const std::string& path);

  /// Listens for wss:// with `tls` (an asio::ssl::context from asiows::ssl::make_server_context),
  /// which must outlive the server. Needs <asiows/ssl.hpp> (and asiows::ssl).
  template <class TlsContext>
  [[nodiscard]] error_code listen_tls(const std::string& address, unsigned short port, TlsContext& tls);

  /// The port of the first TCP listener (useful after listening on port 0).
  unsigned short port() const;

  // ---- working with connections ----

  /// Sends a message to every open connection, sharing one copy of it.
  /// Returns how many connections queued it.
  std::size_t broadcast(std::string_view message, message_kind kind = message_kind::text,
                        compress_mode compress = compress_mode::automatic);

  /// Sends to the open connections for which select(connection) is true
  /// (a const connection_type&: with UserData, its data() can choose).
  template <class Predicate>
  std::size_t broadcast_if(std::string_view message, message_kind kind, Predicate&& select,
                           compress_mode compress = compress_mode::automatic) {
    auto shared_message = std::make_shared<const std::string>(message);
    std::size_t queued = 0;
    for (auto& c : connections())
      if (select(*c) && c->send(shared_message, kind, compress) == send_status::queued) ++queued;
    return queued;
  }

  /// The open connections now (a copy: connections may open and close meanwhile).
  std::vector<connection_ptr> connections() const;

  /// The coroutine style: the next connection that opens (its upgrade accepted,
  /// on_open run). Completion: void(error_code, connection_ptr);
  /// operation_aborted after shutdown() or when the server is destroyed.
  /// Connections that open while nobody waits are kept, up to a backlog of
  /// 64; past it they are closed with 1013 (Try Again Later). Leave on_message
  /// empty to read with connection::async_receive.
  template <class CompletionToken = asio::default_completion_token_t<asio::any_io_executor>>
  auto async_accept(CompletionToken&& token = asio::default_completion_token_t<asio::any_io_executor>()) {
    return accept_queue()->async_take(std::forward<CompletionToken>(token));
  }

  /// Counters over all its connections.
  endpoint_statistics statistics() const;

  /// Graceful shutdown: stops accepting, sends every connection Close 1001
  /// (Going Away), and drops those still open after options.shutdown_timeout.
  /// on_close runs for each. Safe from any thread.
  void shutdown();

private:
  /// async_accept's connections, from the first call on (before it, none are kept).
  std::shared_ptr<detail::handoff<connection_ptr>> accept_queue();
  /// Drops every connection and stops listening; nothing once moved from.
  void drop_everything();
  template <class Transport>
  error_code listen_on(const std::string& address, unsigned short port, Transport transport);
  template <class Acceptor, class Transport>
  static void accept_loop(std::shared_ptr<state> st, std::shared_ptr<Acceptor> acceptor, Transport transport);
  template <class RawSocket, class Transport>
  static void start_connection(const std::shared_ptr<state>& st, RawSocket raw, const Transport& transport);
  /// Reads the request head and routes it: upgrade, plain HTTP, or refusal.
  template <class Connection>
  static void read_request(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c,
                           const std::shared_ptr<http_request>& request, const std::string& remote);

  std::shared_ptr<state> state_;
};

} // namespace asiows

#include <asiows/impl/server.hpp>

#if defined(ASIOWS_SEPARATE_COMPILATION)
#include <asiows/detail/separate_compilation.hpp>
namespace asiows {
// Compiled once, where <asiows/src.hpp> is included; other units only call it.
extern template class server<void>;
#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
extern template error_code server<void>::listen_tls(const std::string&, unsigned short, asio::ssl::context&);
#endif
} // namespace asiows
#endif

#endif
