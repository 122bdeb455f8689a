/// \file
/// connection: the handle an application keeps for one WebSocket connection
/// of a server or client endpoint. send() and close() are safe from any
/// thread. Messages are queued and written in order, everything queued at a
/// time in one write call. The queue has a byte bound: past it, the
/// connection is closed (1008) or send() reports queue_full, as the endpoint's
/// options say, so one slow reader cannot grow memory without bound.
#ifndef ASIOWS_CONNECTION_HPP
#define ASIOWS_CONNECTION_HPP

#include <asiows/core/close_code.hpp>
#include <asiows/core/protocol.hpp>
#include <asiows/detail/handoff.hpp>

#include <asiows/detail/asio.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace asiows {

/// What send() did with a message.
enum class send_status {
  queued,             ///< it will be written, in order
  queue_full,         ///< the send queue bound would be passed (backpressure_policy::report): not queued
  queue_full_closing, ///< the bound was passed and the connection is being closed for it
                      /// (backpressure_policy::close_connection): not queued, nor anything after
  closed,             ///< the connection is closing or closed: not queued
};

/// What happens when a send would pass the send queue bound.
///
/// close_connection (the default: it protects the server): what is queued is
/// dropped; send() returns queue_full_closing; on_error reports
/// error::send_queue_full at once; a Close 1008 is sent after the write in
/// flight. A peer that reads again within options::close_timeout gets the
/// data of that write, then the Close; one that does not is dropped at the
/// timeout. on_close follows, as for every connection.
/// report: the message is refused (queue_full) and the connection goes on.
enum class backpressure_policy {
  close_connection, ///< close the connection (1008): protects the server from a reader that does not keep up
  report,           ///< refuse the message (queue_full) and go on
};

/// A message as async_receive gives it.
struct message {
  message_kind kind = message_kind::text; ///< text or binary
  std::string payload;                    ///< the message's bytes (text is valid UTF-8)
  /// Whether it is a text message.
  bool is_text() const noexcept { return kind == message_kind::text; }
};

/// The handle an application keeps for one connection of a server or client: see the description of this file.
class connection {
public:
  virtual ~connection() = default;

  /// The coroutine style (an endpoint whose config has no on_message): the next
  /// message; after the last, the end: error::closed after a close handshake
  /// (close_code() in on_close), or why it failed. The connection reads the
  /// next message once this one is taken. Completion:
  /// void(error_code, message). Any thread; one receive at a time.
  /// With on_message set, messages go there and this fails with operation_not_supported.
  template <class CompletionToken = asio::default_completion_token_t<asio::any_io_executor>>
  auto async_receive(CompletionToken&& token = asio::default_completion_token_t<asio::any_io_executor>()) {
    return asio::async_initiate<CompletionToken, void(error_code, message)>(
        [inbox = inbox_, executor = get_executor()](auto handler) {
          if (inbox) return inbox->take(std::move(handler));
          detail::handoff<message>::complete_now(std::move(handler), executor, asio::error::operation_not_supported);
        },
        token);
  }

  /// Queues a message. The shared form lets a broadcast share one buffer.
  /// With permessage-deflate agreed, `compress` overrides the endpoint's size
  /// threshold for this message.
  virtual send_status send(std::shared_ptr<const std::string> message, message_kind kind,
                           compress_mode compress) = 0;
  /// send() with the endpoint's compression threshold.
  send_status send(std::shared_ptr<const std::string> message, message_kind kind) {
    return send(std::move(message), kind, compress_mode::automatic);
  }
  /// Queues a copy of `message`: the endpoint keeps copies back to back in
  /// buffers it reuses, so this allocates nothing once they have grown.
  send_status send(std::string_view message, message_kind kind = message_kind::text,
                   compress_mode compress = compress_mode::automatic) {
    return send_copy(message, kind, compress);
  }

  /// Starts the close handshake (after what is already queued is written).
  virtual void close(std::uint16_t code = close_code::normal, std::string_view reason = {}) = 0;

  /// Sends a ping (payload at most 125 bytes). The pong comes to on_pong with
  /// its round trip.
  virtual void ping(std::string_view payload = {}) = 0;

  /// Drops the connection now, without a close handshake (a misbehaving
  /// peer; the end of a graceful shutdown). on_close still runs.
  virtual void abort() = 0;

  /// The executor its handlers run on (its strand): post work there to touch its data() safely.
  virtual asio::any_io_executor get_executor() const = 0;

  /// Bytes queued and not yet written.
  virtual std::size_t queued_bytes() const = 0;

  /// Set once the connection is open; they do not change afterwards.
  std::uint64_t id() const noexcept { return id_; }
  const std::string& path() const noexcept { return path_; } ///< the request target's path
  /// The subprotocol agreed in the handshake, or empty.
  const std::string& subprotocol() const noexcept { return subprotocol_; }
  /// The peer's address ("127.0.0.1:50432"; a Unix socket's path), as the endpoint saw it.
  const std::string& remote_address() const noexcept { return remote_address_; }

protected:
  std::shared_ptr<detail::handoff<message>> inbox_; ///< the coroutine style's messages; null with on_message

  /// The endpoint's send() of a copy (what the public send(string_view) calls).
  virtual send_status send_copy(std::string_view message, message_kind kind, compress_mode compress) = 0;

  std::uint64_t id_ = 0;       ///< id()
  std::string path_;           ///< path()
  std::string subprotocol_;    ///< subprotocol()
  std::string remote_address_; ///< remote_address()
};

/// A shared connection, as handlers of endpoints without UserData get it.
using connection_ptr = std::shared_ptr<connection>;

/// A connection of a server<UserData> or client<UserData>: it carries the
/// application's data for it (a user name, a room, a subscription), made by
/// UserData's default constructor before on_open. Its handlers may use data()
/// freely: they never run concurrently. Other threads (a timer that
/// broadcasts) may read what does not change after on_open; what does must be
/// guarded by the application (std::atomic, a mutex).
template <class UserData>
class connection_with : public connection {
public:
  /// The application's data for this connection.
  UserData& data() noexcept { return data_; }
  /// The application's data for this connection.
  const UserData& data() const noexcept { return data_; }

private:
  UserData data_{};
};

/// What endpoints with UserData hand their handlers: connection itself when there is none (void).
template <class UserData>
using connection_of = std::conditional_t<std::is_void_v<UserData>, connection, connection_with<UserData>>;

} // namespace asiows

#endif
