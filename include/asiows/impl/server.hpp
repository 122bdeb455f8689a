/// \file
/// The definitions of server<>'s members (see <asiows/server.hpp>): the accept
/// loop, the upgrade, plain HTTP, shutdown. Included by server.hpp; with
/// ASIOWS_SEPARATE_COMPILATION, server<void>'s are compiled only where
/// <asiows/src.hpp> is included.
#ifndef ASIOWS_IMPL_SERVER_HPP
#define ASIOWS_IMPL_SERVER_HPP

#include <asiows/detail/endpoint_connection.hpp>
#include <asiows/detail/endpoint_transport.hpp>
#include <asiows/server.hpp>
#include <asiows/stream.hpp>

#include <asiows/detail/asio.hpp>
#if defined(ASIOWS_USE_BOOST_ASIO)
#include <boost/asio/local/stream_protocol.hpp>
#else
#include <asio/local/stream_protocol.hpp>
#endif

#include <atomic>
#include <map>
#include <mutex>

namespace asiows {

/// Shared by the server object, its accept loops and its connections.
template <class UserData>
struct server<UserData>::state {
  /// Takes the handlers out of `config`; keeps its limits.
  state(asio::any_io_executor ex, config_type& config)
      : executor(std::move(ex)), control(asio::make_strand(executor)),
        shared(std::make_shared<detail::endpoint_shared<UserData>>(config)),
        on_handshake(std::move(config.on_handshake)), on_http(std::move(config.on_http)),
        options(std::move(config)), shutdown_timer(control),
        accepted(std::make_shared<detail::handoff<connection_ptr>>(control, 64)) {}

  asio::any_io_executor executor;
  asio::strand<asio::any_io_executor> control; ///< server-wide work: shutdown
  std::shared_ptr<detail::endpoint_shared<UserData>> shared;
  std::function<void(const http_request&, handshake_answer&)> on_handshake;
  std::function<http_reply(const http_request&)> on_http;
  config_type options; ///< the limits (its handlers were moved out)
  asio::steady_timer shutdown_timer;
  std::shared_ptr<detail::handoff<connection_ptr>> accepted; ///< async_accept's (offered to on control)
  std::atomic<bool> accept_used{false};                       ///< async_accept was called: keep connections for it
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

template <class UserData>
server<UserData>::server(asio::any_io_executor executor, config_type config)
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

template <class UserData>
server<UserData>::~server() {
  drop_everything();
}

template <class UserData>
server<UserData>& server<UserData>::operator=(server&& other) noexcept {
  if (this != &other) {
    drop_everything();
    state_ = std::move(other.state_);
  }
  return *this;
}

template <class UserData>
error_code server<UserData>::listen(const std::string& address, unsigned short port) {
  return listen_on(address, port, detail::plain_transport{});
}

template <class UserData>
error_code server<UserData>::listen_unix(const std::string& path) {
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

template <class UserData>
template <class TlsContext>
error_code server<UserData>::listen_tls(const std::string& address, unsigned short port, TlsContext& tls) {
  return listen_on(address, port, typename detail::tls_transport_of<TlsContext>::type(tls));
}

template <class UserData>
unsigned short server<UserData>::port() const {
  return state_->first_port;
}

template <class UserData>
std::size_t server<UserData>::broadcast(std::string_view message, message_kind kind, compress_mode compress) {
  return broadcast_if(message, kind, [](const connection_type&) { return true; }, compress);
}

template <class UserData>
std::vector<typename server<UserData>::connection_ptr> server<UserData>::connections() const {
  return state_->snapshot();
}

template <class UserData>
endpoint_statistics server<UserData>::statistics() const {
  return state_->shared->snapshot();
}

template <class UserData>
void server<UserData>::shutdown() {
  auto st = state_;
  asio::post(st->control, [st] {
    st->stopping = true;
    st->close_listeners();
    st->accepted->end(asio::error::operation_aborted);
    const auto open = st->snapshot();
    if (open.empty()) return; // nothing to wait for
    for (auto& c : open) c->close(close_code::going_away, "server shutting down");
    st->shutdown_timer.expires_after(st->options.shutdown_timeout);
    st->shutdown_timer.async_wait([st](error_code) {
      for (auto& c : st->snapshot()) c->abort();
    });
  });
}

template <class UserData>
std::shared_ptr<detail::handoff<typename server<UserData>::connection_ptr>> server<UserData>::accept_queue() {
  state_->accept_used = true;
  return state_->accepted;
}

template <class UserData>
void server<UserData>::drop_everything() {
  if (!state_) return;
  auto st = state_;
  asio::post(st->control, [st] {
    st->close_listeners();
    st->accepted->end(asio::error::operation_aborted);
  });
  for (auto& c : st->snapshot()) c->abort();
}

template <class UserData>
template <class Transport>
error_code server<UserData>::listen_on(const std::string& address, unsigned short port, Transport transport) {
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

template <class UserData>
template <class Acceptor, class Transport>
void server<UserData>::accept_loop(std::shared_ptr<state> st, std::shared_ptr<Acceptor> acceptor,
                                   Transport transport) {
  // Each connection on a strand of its own, unless the io_context has only one thread.
  const asio::any_io_executor executor =
      st->options.single_threaded ? st->executor : detail::make_connection_strand(st->executor);
  acceptor->async_accept(executor, [st, acceptor, transport](error_code ec, auto socket) {
    if (ec == asio::error::operation_aborted || !acceptor->is_open() || st->stopping) return;
    if (!ec) start_connection(st, std::move(socket), transport);
    accept_loop(st, acceptor, transport);
  });
}

template <class UserData>
template <class RawSocket, class Transport>
void server<UserData>::start_connection(const std::shared_ptr<state>& st, RawSocket raw, const Transport& transport) {
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
  c->ws().set_options(st->shared->connection_options);
  auto request = std::make_shared<http_request>();
  // TLS first, when the transport has it.
  transport.server_handshake(c, [st, c, request, remote](error_code tls_error) {
    if (!tls_error) read_request(st, c, request, remote);
  });
}

template <class UserData>
template <class Connection>
void server<UserData>::read_request(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c,
                                    const std::shared_ptr<http_request>& request, const std::string& remote) {
  c->ws().async_read_request(*request, [st, c, request, remote](error_code ec) {
    auto& ws = c->ws();
    if (ec) {
      if (ec == error::header_block_too_large || ec == error::malformed_http)
        ws.async_respond(build_error_response(ec), [c](error_code) {});
      return;
    }
    if (!is_websocket_upgrade(*request)) {
      const http_reply reply = st->on_http ? st->on_http(*request)
                                           : http_reply{426, "text/plain; charset=utf-8", "WebSocket endpoint\n", {}};
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
        if (st->accept_used && !st->accepted->try_offer(c)) c->close(close_code::try_again_later, "server busy");
      });
    });
  });
}

} // namespace asiows

#endif
