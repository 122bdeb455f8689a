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
#include <asiows/detail/endpoint_connection.hpp>
#include <asiows/detail/endpoint_transport.hpp>
#include <asiows/detail/handoff.hpp>
#include <asiows/stream.hpp>

#include <asiows/detail/asio.hpp>
#if defined(ASIOWS_USE_BOOST_ASIO)
#include <boost/asio/local/stream_protocol.hpp>
#else
#include <asio/local/stream_protocol.hpp>
#endif

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
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
  explicit server(asio::any_io_executor executor, config_type config = {})
      : state_(std::make_shared<state>(std::move(executor), config)) {
    // A connection that ended is forgotten.
    state_->shared->on_finished = [weak = std::weak_ptr<state>(state_)](std::uint64_t id) {
      if (auto s = weak.lock()) {
        std::lock_guard<std::mutex> lock(s->mutex);
        s->open.erase(id);
        // The last connection of a shutdown: no need to wait for the timeout.
        if (s->stopping && s->open.empty()) asio::post(s->control, [s] { s->shutdown_timer.cancel(); });
      }
    };
  }

  /// Runs on `context`'s executor (an io_context, a thread_pool).
  template <class ExecutionContext,
            std::enable_if_t<std::is_convertible_v<ExecutionContext&, asio::execution_context&>, int> = 0>
  explicit server(ExecutionContext& context, config_type config = {})
      : server(asio::any_io_executor(context.get_executor()), std::move(config)) {}

  /// Stops listening and drops every connection (use shutdown() first for a graceful end).
  ~server() { drop_everything(); }

  /// Takes the other's listeners and connections; the other does nothing after.
  server(server&&) noexcept = default;
  /// Drops its own connections, then takes the other's.
  server& operator=(server&& other) noexcept {
    if (this != &other) {
      drop_everything();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // ---- listening ----

  /// Listens on a TCP address ("127.0.0.1", "::", ...) and port (0: any free port; see port()).
  [[nodiscard]] error_code listen(const std::string& address, unsigned short port) {
    return listen_on(address, port, detail::plain_transport{});
  }

  /// Listens on a Unix domain socket at `path` (which must not exist).
  [[nodiscard]] error_code listen_unix(const std::string& path) {
    error_code ec;
    auto acceptor = std::make_shared<asio::local::stream_protocol::acceptor>(state_->executor);
    const asio::local::stream_protocol::endpoint where(path);
    acceptor->open(where.protocol(), ec);
    if (!ec) acceptor->bind(where, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return ec;
    state_->add_listener(acceptor);
    accept_loop(state_, acceptor, detail::plain_transport{});
    return {};
  }

  /// Listens for wss:// with `tls` (an asio::ssl::context from asiows::ssl::make_server_context),
  /// which must outlive the server. Needs <asiows/ssl.hpp> (and asiows::ssl).
  template <class TlsContext>
  [[nodiscard]] error_code listen_tls(const std::string& address, unsigned short port, TlsContext& tls) {
    return listen_on(address, port, typename detail::tls_transport_of<TlsContext>::type(tls));
  }

  /// The port of the first TCP listener (useful after listening on port 0).
  unsigned short port() const { return state_->first_port; }

  // ---- working with connections ----

  /// Sends a message to every open connection, sharing one copy of it.
  /// Returns how many connections queued it.
  std::size_t broadcast(std::string_view message, message_kind kind = message_kind::text,
                        compress_mode compress = compress_mode::automatic) {
    return broadcast_if(message, kind, [](const connection_type&) { return true; }, compress);
  }

  /// Sends to the open connections for which select(connection) is true
  /// (a const connection_type&: with UserData, its data() can choose).
  template <class Predicate>
  std::size_t broadcast_if(std::string_view message, message_kind kind, Predicate&& select,
                           compress_mode compress = compress_mode::automatic) {
    auto shared_message = std::make_shared<const std::string>(message);
    std::size_t queued = 0;
    for (auto& c : state_->snapshot())
      if (select(*c) && c->send(shared_message, kind, compress) == send_status::queued) ++queued;
    return queued;
  }

  /// The open connections now (a copy: connections may open and close meanwhile).
  std::vector<connection_ptr> connections() const { return state_->snapshot(); }

  /// The coroutine style: the next connection that opens (its upgrade accepted,
  /// on_open run). Completion: void(error_code, connection_ptr);
  /// operation_aborted after shutdown() or when the server is destroyed.
  /// Connections that open while nobody waits are kept, up to a backlog of
  /// 64; past it they are closed with 1013 (Try Again Later). Leave on_message
  /// empty to read with connection::async_receive.
  template <class CompletionToken = asio::default_completion_token_t<asio::any_io_executor>>
  auto async_accept(CompletionToken&& token = asio::default_completion_token_t<asio::any_io_executor>()) {
    return asio::async_initiate<CompletionToken, void(error_code, connection_ptr)>(
        [st = state_](auto handler) {
          asio::dispatch(st->control, [st, handler = std::move(handler)]() mutable {
            if (!st->accepted) st->accepted = std::make_shared<detail::handoff<connection_ptr>>(st->control, 64);
            if (st->stopping) st->accepted->end(asio::error::operation_aborted);
            st->accepted->take(std::move(handler));
          });
        },
        token);
  }

  /// Counters over all its connections.
  endpoint_statistics statistics() const { return state_->shared->snapshot(); }

  /// Graceful shutdown: stops accepting, sends every connection Close 1001
  /// (Going Away), and drops those still open after options.shutdown_timeout.
  /// on_close runs for each. Safe from any thread.
  void shutdown() {
    auto st = state_;
    asio::post(st->control, [st] {
      st->stopping = true;
      st->close_listeners();
      if (st->accepted) st->accepted->end(asio::error::operation_aborted);
      const auto open = st->snapshot();
      if (open.empty()) return; // nothing to wait for
      for (auto& c : open) c->close(close_code::going_away, "server shutting down");
      st->shutdown_timer.expires_after(st->options.shutdown_timeout);
      st->shutdown_timer.async_wait([st](error_code) {
        for (auto& c : st->snapshot()) c->abort();
      });
    });
  }

private:
  /// Drops every connection and stops listening; nothing once moved from.
  void drop_everything() {
    if (!state_) return;
    auto st = state_;
    asio::post(st->control, [st] {
      st->close_listeners();
      if (st->accepted) st->accepted->end(asio::error::operation_aborted);
    });
    for (auto& c : st->snapshot()) c->abort();
  }

  /// Shared by the server object, its accept loops and its connections.
  struct state {
    /// Takes the handlers out of `config`; keeps its limits.
    state(asio::any_io_executor ex, config_type& config)
        : executor(std::move(ex)), control(asio::make_strand(executor)),
          shared(std::make_shared<detail::endpoint_shared<UserData>>(config)),
          on_handshake(std::move(config.on_handshake)), on_http(std::move(config.on_http)),
          options(std::move(config)), shutdown_timer(control) {}

    asio::any_io_executor executor;
    asio::strand<asio::any_io_executor> control; ///< server-wide work: shutdown
    std::shared_ptr<detail::endpoint_shared<UserData>> shared;
    std::function<void(const http_request&, handshake_answer&)> on_handshake;
    std::function<http_reply(const http_request&)> on_http;
    config_type options; ///< the limits (its handlers were moved out)
    asio::steady_timer shutdown_timer;
    std::shared_ptr<detail::handoff<connection_ptr>> accepted; ///< async_accept's, once it is used (control)
    std::atomic<bool> stopping{false};
    unsigned short first_port = 0;

    std::mutex mutex;
    std::uint64_t next_id = 1;                           ///< guarded by mutex
    std::map<std::uint64_t, connection_ptr> open;        ///< guarded by mutex
    std::vector<std::function<void()>> listener_closers; ///< guarded by mutex

    template <class Acceptor>
    void add_listener(const std::shared_ptr<Acceptor>& acceptor) {
      std::lock_guard<std::mutex> lock(mutex);
      listener_closers.push_back([acceptor] {
        error_code ignored;
        acceptor->close(ignored);
      });
    }

    void close_listeners() {
      std::vector<std::function<void()>> closers;
      {
        std::lock_guard<std::mutex> lock(mutex);
        closers.swap(listener_closers);
      }
      for (auto& close : closers) close();
    }

    std::vector<connection_ptr> snapshot() {
      std::lock_guard<std::mutex> lock(mutex);
      std::vector<connection_ptr> out;
      out.reserve(open.size());
      for (auto& entry : open) out.push_back(entry.second);
      return out;
    }
  };

  template <class Transport>
  error_code listen_on(const std::string& address, unsigned short port, Transport transport) {
    error_code ec;
    const auto ip = asio::ip::make_address(address, ec);
    if (ec) return ec;
    auto acceptor = std::make_shared<asio::ip::tcp::acceptor>(state_->executor);
    const asio::ip::tcp::endpoint where(ip, port);
    acceptor->open(where.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(where, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return ec;
    if (state_->first_port == 0) state_->first_port = acceptor->local_endpoint().port();
    state_->add_listener(acceptor);
    accept_loop(state_, acceptor, transport);
    return {};
  }

  template <class Acceptor, class Transport>
  static void accept_loop(std::shared_ptr<state> st, std::shared_ptr<Acceptor> acceptor, Transport transport) {
    // Each connection on a strand of its own, unless the io_context has only one thread.
    const asio::any_io_executor executor =
        st->options.single_threaded ? st->executor : detail::make_connection_strand(st->executor);
    acceptor->async_accept(executor, [st, acceptor, transport](error_code ec, auto socket) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open() || st->stopping) return;
      if (!ec) start_connection(st, std::move(socket), transport);
      accept_loop(st, acceptor, transport);
    });
  }

  template <class RawSocket, class Transport>
  static void start_connection(const std::shared_ptr<state>& st, RawSocket raw, const Transport& transport) {
    std::string remote;
    error_code ec;
    const auto peer = raw.remote_endpoint(ec);
    // By protocol: the same code serves TCP and Unix domain listeners.
    if constexpr (std::is_same_v<typename RawSocket::protocol_type, asio::ip::tcp>) {
      raw.set_option(asio::ip::tcp::no_delay(true), ec); // small messages go out at once
      if (!ec) remote = peer.address().to_string() + ":" + std::to_string(peer.port());
    } else {
      (void)peer;
    }
    auto c = transport.accepted(st->shared, std::move(raw));
    c->ws().set_options(st->options.connection);
    auto request = std::make_shared<http_request>();
    // TLS first, when the transport has it.
    transport.server_handshake(c, [st, c, request, remote](error_code tls_error) {
      if (!tls_error) read_request(st, c, request, remote);
    });
  }

  /// Reads the request head and routes it: upgrade, plain HTTP, or refusal.
  template <class Connection>
  static void read_request(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c,
                           const std::shared_ptr<http_request>& request, const std::string& remote) {
    c->ws().async_read_request(*request, [st, c, request, remote](error_code ec) {
      auto& ws = c->ws();
      if (ec) {
        if (ec == error::header_block_too_large || ec == error::malformed_http)
          ws.async_respond(build_error_response(ec), [c](error_code) {});
        return;
      }
      if (!is_websocket_upgrade(*request)) {
        const http_reply reply = st->on_http ? st->on_http(*request) : http_reply{426, "text/plain; charset=utf-8",
                                                                                   "WebSocket endpoint\n", {}};
        ws.async_respond(build_http_response(reply.status, reply.content_type, reply.body, reply.fields),
                         [c](error_code) {});
        return;
      }
      if (st->shared->open_connections.load() >= st->options.max_connections || st->stopping) {
        ws.async_respond(build_error_response(503, "too many connections\n"), [c](error_code) {});
        return;
      }
      auto decide = [st](const http_request& r, handshake_answer& answer) {
        if (st->on_handshake) st->on_handshake(r, answer);
      };
      ws.async_accept(*request, decide, [st, c, request, remote](error_code accept_error) {
        if (accept_error) return;
        std::uint64_t id;
        {
          std::lock_guard<std::mutex> lock(st->mutex);
          id = st->next_id++;
          st->open.emplace(id, c);
        }
        c->open(id, std::string(request->path()), remote);
        asio::post(st->control, [st, c] {
          if (st->accepted && !st->accepted->try_offer(c)) c->close(close_code::try_again_later, "server busy");
        });
      });
    });
  }

  std::shared_ptr<state> state_;
};

} // namespace asiows

#endif
