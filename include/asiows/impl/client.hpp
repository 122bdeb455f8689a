/// \file
/// The definitions of client<>'s members (see <asiows/client.hpp>): resolving,
/// connecting, the handshakes, reconnecting. Included by client.hpp; with
/// ASIOWS_SEPARATE_COMPILATION, client<void>'s are compiled only where
/// <asiows/src.hpp> is included.
#ifndef ASIOWS_IMPL_CLIENT_HPP
#define ASIOWS_IMPL_CLIENT_HPP

#include <asiows/client.hpp>
#include <asiows/detail/endpoint_connection.hpp>
#include <asiows/detail/endpoint_transport.hpp>
#include <asiows/stream.hpp>

#include <asiows/detail/asio.hpp>
#if defined(ASIOWS_USE_BOOST_ASIO)
#include <boost/asio/connect.hpp>
#else
#include <asio/connect.hpp>
#endif

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>

namespace asiows {

template <class UserData>
struct client<UserData>::state {
  // Takes the handlers out of `config`; keeps the rest.
  state(asio::any_io_executor ex, config_type& config)
      : executor(std::move(ex)), control(asio::make_strand(executor)),
        shared(std::make_shared<detail::endpoint_shared<UserData>>(config)), on_refused(std::move(config.on_refused)),
        options(std::move(config)), retry_timer(control), connect_timer(control), random(std::random_device{}()) {}

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

  mutable std::mutex mutex;
  connection_ptr current;                    // guarded by mutex
  std::shared_ptr<connection_queue> opened; // async_connect's, once it is used; guarded by mutex

  connection_ptr take_current() {
    std::lock_guard<std::mutex> lock(mutex);
    connection_ptr c = std::move(current);
    current.reset();
    return c;
  }

  std::shared_ptr<connection_queue> opened_queue() const {
    std::lock_guard<std::mutex> lock(mutex);
    return opened;
  }
};

template <class UserData>
client<UserData>::client(asio::any_io_executor executor, config_type config)
    : state_(std::make_shared<state>(std::move(executor), config)) {}

template <class UserData>
client<UserData>::~client() {
  if (state_) stop();
}

template <class UserData>
client<UserData>& client<UserData>::operator=(client&& other) noexcept {
  if (this != &other) {
    if (state_) stop();
    state_ = std::move(other.state_);
  }
  return *this;
}

template <class UserData>
error_code client<UserData>::connect(std::string_view text) {
  asiows::url where;
  if (auto refused = check_url(*state_, text, where)) return refused;
  if (state_->active.exchange(true)) return asio::error::already_started;
  auto st = state_;
  asio::post(st->control, [st, where] { start(st, where); });
  return {};
}

template <class UserData>
auto client<UserData>::connect_queue(const std::shared_ptr<state>& st, std::string_view text)
    -> std::shared_ptr<connection_queue> {
  asiows::url where;
  if (auto refused = check_url(*st, text, where)) {
    auto refusal = std::make_shared<connection_queue>(st->control, 1);
    refusal->end(refused); // nobody else has it yet: no strand needed
    return refusal;
  }
  const bool start_now = !st->active.exchange(true);
  std::shared_ptr<connection_queue> queue;
  {
    std::lock_guard<std::mutex> lock(st->mutex);
    // A fresh start forgets what an earlier session left untaken (its end, say).
    if (!st->opened || start_now) st->opened = std::make_shared<connection_queue>(st->control, 1);
    queue = st->opened;
  }
  if (start_now) asio::post(st->control, [st, where] { start(st, where); });
  return queue;
}

template <class UserData>
template <class TlsContext>
void client<UserData>::enable_wss(TlsContext& tls) {
  state_->attempt_wss = [transport = typename detail::tls_transport_of<TlsContext>::type(tls)](
                            const std::shared_ptr<state>& st) { attempt_over(st, transport); };
}

template <class UserData>
typename client<UserData>::connection_ptr client<UserData>::current() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->current;
}

template <class UserData>
send_status client<UserData>::send(std::string_view message, message_kind kind) {
  auto c = current();
  return c ? c->send(message, kind) : send_status::closed;
}

template <class UserData>
void client<UserData>::stop(std::uint16_t code, std::string_view reason) {
  state_->active = false;
  auto st = state_;
  asio::post(st->control, [st, code, reason = std::string(reason)] {
    st->stopped = true;
    st->retry_timer.cancel();
    st->connect_timer.cancel();
    if (st->pending_abort) st->pending_abort();
    if (auto opened = st->opened_queue()) opened->offer_error(asio::error::operation_aborted);
    if (auto c = st->take_current()) c->close(code, reason);
  });
}

template <class UserData>
endpoint_statistics client<UserData>::statistics() const {
  return state_->shared->snapshot();
}

/// Whether `text` is a URL this client can connect to (into `where`), or why not.
template <class UserData>
error_code client<UserData>::check_url(const state& st, std::string_view text, url& where) {
  auto parsed = parse_url(text);
  if (!parsed) return make_error_code(error::invalid_url);
  if (parsed->secure && !st.attempt_wss) return std::make_error_code(std::errc::protocol_not_supported);
  where = *parsed;
  return {};
}

/// On the control strand: the first attempt at `where`.
template <class UserData>
void client<UserData>::start(const std::shared_ptr<state>& st, const url& where) {
  st->where = where;
  st->stopped = false;
  st->attempt = 0;
  attempt_connection(st);
}

template <class UserData>
void client<UserData>::attempt_connection(const std::shared_ptr<state>& st) {
  if (st->where.secure) return st->attempt_wss(st); // connect() refused wss:// without it
  attempt_over(st, detail::plain_transport{});
}

template <class UserData>
template <class Transport>
void client<UserData>::attempt_over(const std::shared_ptr<state>& st, const Transport& transport) {
  resolve_and_connect(st, transport.unconnected(st->shared, detail::make_connection_strand(st->executor)), transport);
}

template <class UserData>
template <class Connection, class Transport>
void client<UserData>::resolve_and_connect(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c,
                                           const Transport& transport) {
  c->ws().set_options(st->shared->connection_options);
  st->pending_abort = [c] { c->abort(); };
  st->attempt_timed_out = false;
  st->connect_timer.expires_after(st->options.connect_timeout);
  st->connect_timer.async_wait([st, c](error_code ec) {
    if (ec) return;
    st->attempt_timed_out = true; // resolving, connecting or the TLS handshake took too long
    c->abort();
  });
  auto resolver = std::make_shared<asio::ip::tcp::resolver>(c->ws().get_executor());
  resolver->async_resolve(st->where.host, st->where.port, [st, c, resolver, transport](error_code ec, auto endpoints) {
    if (ec) return failed_later(st, ec);
    asio::async_connect(c->ws().next_layer().lowest_layer(), endpoints,
                        [st, c, transport](error_code connect_error, const auto&) {
                          if (connect_error) return failed_later(st, connect_error);
                          secure_then_handshake(st, c, transport);
                        });
  });
}

/// After TCP connect: TLS first, when the transport has it, then the WebSocket handshake.
template <class UserData>
template <class Connection, class Transport>
void client<UserData>::secure_then_handshake(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c,
                                             const Transport& transport) {
  error_code ignored;
  c->ws().next_layer().lowest_layer().set_option(asio::ip::tcp::no_delay(true), ignored);
  transport.client_handshake(c, st->where.host, [st, c](error_code ec) {
    if (ec) return failed_later(st, ec);
    websocket_handshake(st, c);
  });
}

template <class UserData>
template <class Connection>
void client<UserData>::websocket_handshake(const std::shared_ptr<state>& st, const std::shared_ptr<Connection>& c) {
  c->ws().async_handshake(st->where.host_header(), st->where.target, st->options.handshake, [st, c](error_code ec) {
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
      asio::post(c->ws().get_executor(), [st, c, path, id] { c->open(id, path, st->where.host_header()); });
      if (auto opened = st->opened_queue()) opened->offer_newest(c);
    });
  });
}

/// failed(), from a connection's strand.
template <class UserData>
void client<UserData>::failed_later(const std::shared_ptr<state>& st, error_code ec) {
  asio::post(st->control, [st, ec] { failed(st, ec); });
}

/// A connection attempt failed: report it, then maybe try again.
template <class UserData>
void client<UserData>::failed(const std::shared_ptr<state>& st, error_code ec) {
  st->connect_timer.cancel();
  st->pending_abort = nullptr;
  if (st->stopped) return;
  if (st->attempt_timed_out) ec = error::timeout; // what the abort cut short says operation_aborted
  if (auto opened = st->opened_queue(); opened && !st->options.reconnect) opened->offer_error(ec);
  if (st->shared->on_error) st->shared->on_error(nullptr, ec);
  schedule_retry(st);
}

/// Exponential backoff with a cap, and +-20% jitter so many clients do not retry in step.
/// Without reconnect the client is done: it is no longer active, and connect() may start again.
template <class UserData>
void client<UserData>::schedule_retry(const std::shared_ptr<state>& st) {
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

} // namespace asiows

#endif
