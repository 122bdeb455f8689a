/// \file
/// asiows::ssl::socket_stream: TLS run by OpenSSL straight on a socket's
/// descriptor, for asiows::stream (and the server endpoint's wss).
///
/// asio::ssl::stream runs OpenSSL on a memory BIO pair: every byte is copied
/// through buffers of its own, about 68 KiB per connection, held for as long
/// as the connection lives. This stream gives OpenSSL the socket itself (as
/// SSL_set_fd does, but writing with MSG_NOSIGNAL, so a peer that has gone
/// cannot raise SIGPIPE): it reads ahead into one buffer and writes from one,
/// and when OpenSSL wants the network the stream waits on the socket (async_wait).
/// release_buffers() gives both buffers back; asiows::stream calls it once a
/// connection has been idle for a second. (SSL_MODE_RELEASE_BUFFERS would
/// free and allocate them around every record, which costs a busy connection
/// more than the memory is worth.) A
/// gather write is coalesced into full records, so a batch of small messages
/// costs one record and one system call, not one per buffer.
///
/// Like asiows::stream on a plain socket, it can wait for data without a
/// buffer (async_wait(wait_read)) and then read what came without blocking
/// (read_some): an idle wss connection holds no read buffer anywhere.
///
/// The socket is put in non-blocking mode. The SSL object takes its settings
/// (certificates, verification, versions) from the asio::ssl::context given
/// at construction, which must outlive the stream.
#ifndef ASIOWS_SSL_SOCKET_STREAM_HPP
#define ASIOWS_SSL_SOCKET_STREAM_HPP

#include <asiows/detail/nosignal_socket_bio.hpp>

#include <asiows/detail/asio.hpp>
#include <asiows/detail/asio_ssl.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <system_error>
#include <utility>

namespace asiows::ssl {

namespace detail {

/// What an OpenSSL call needs before it can go on.
enum class tls_want { nothing, read, write };

/// The error for an OpenSSL I/O call that returned `result` (errno as it was
/// right after the call), or none when the call only wants the network.
inline error_code tls_call_error(SSL* ssl, int result, int saved_errno, tls_want& want) {
  want = tls_want::nothing;
  switch (SSL_get_error(ssl, result)) {
    case SSL_ERROR_NONE: return {};
    case SSL_ERROR_WANT_READ: want = tls_want::read; return {};
    case SSL_ERROR_WANT_WRITE: want = tls_want::write; return {};
    case SSL_ERROR_ZERO_RETURN: return asio::error::eof; // the peer's close_notify
    case SSL_ERROR_SYSCALL: {
      if (const unsigned long failure = ERR_get_error())
        return {static_cast<int>(failure), asio::error::get_ssl_category()};
      if (saved_errno != 0) return {saved_errno, asio::error::get_system_category()};
      return asio::ssl::error::stream_truncated; // the TCP connection ended without a close_notify
    }
    default: {
      const unsigned long failure = ERR_get_error();
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
      if (ERR_GET_LIB(failure) == ERR_LIB_SSL && ERR_GET_REASON(failure) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        return asio::ssl::error::stream_truncated;
#endif
      return {static_cast<int>(failure), asio::error::get_ssl_category()};
    }
  }
}

/// Runs one OpenSSL call with the thread's error queue empty (SSL_get_error
/// reads all of it) and keeps errno as the call left it.
template <class Call>
int tls_call(Call&& call, int& saved_errno) {
  if (ERR_peek_error() != 0) ERR_clear_error(); // the peek is the cheaper of the two
  errno = 0;
  const int result = call();
  saved_errno = errno;
  return result;
}

/// An asynchronous operation on a socket_stream: `attempt` makes as much
/// progress as it can without blocking and says what it wants; the operation
/// waits on the socket for that and tries again. It never completes inside
/// the initiating call.
template <class Socket, class Attempt, bool Counts>
class tls_operation {
public:
  tls_operation(Socket& socket, Attempt attempt) : socket_(socket), attempt_(std::move(attempt)) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}) {
    if (posted_) return finish(self, result_);
    if (!ec) {
      tls_want want = tls_want::nothing;
      ec = attempt_(bytes_, want);
      if (!ec && want != tls_want::nothing) {
        waited_ = true;
        return socket_.async_wait(want == tls_want::read ? asio::socket_base::wait_read
                                                         : asio::socket_base::wait_write,
                                  std::move(self));
      }
    }
    if (waited_) return finish(self, ec);
    posted_ = true;
    result_ = ec;
    asio::post(socket_.get_executor(), std::move(self));
  }

private:
  template <class Self>
  void finish(Self& self, error_code ec) {
    if constexpr (Counts)
      self.complete(ec, bytes_);
    else
      self.complete(ec);
  }

  Socket& socket_;
  Attempt attempt_;
  std::size_t bytes_ = 0;
  error_code result_;
  bool waited_ = false, posted_ = false;
};

} // namespace detail

/// TLS (OpenSSL) on a socket's own descriptor, as a stream<> next layer; see the description of this file.
template <class Socket = asio::ip::tcp::socket>
class socket_stream : public asio::socket_base {
public:
  /// The socket it runs on.
  using next_layer_type = Socket;
  /// The socket's lowest layer (the socket itself for TCP).
  using lowest_layer_type = typename Socket::lowest_layer_type;
  /// The socket's executor type.
  using executor_type = typename Socket::executor_type;

  /// The largest plaintext of one TLS record (RFC 8446 5.1).
  static constexpr std::size_t record_size = 16384;

  /// `socket`: a connected socket, or anything Socket is made from (an
  /// executor, an io_context) to connect later through lowest_layer().
  template <class Arg>
  socket_stream(Arg&& socket, asio::ssl::context& context)
      : socket_(std::forward<Arg>(socket)), ssl_(SSL_new(context.native_handle())) {
    if (!ssl_) throw system_error(static_cast<int>(ERR_get_error()), asio::error::get_ssl_category(), "SSL_new");
    SSL_set_read_ahead(ssl_, 1); // take all the socket has in one read, not a record header and body apart
    SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_clear_mode(ssl_, SSL_MODE_RELEASE_BUFFERS); // the context may set it: release_buffers() instead
  }

  /// Takes the other's socket and TLS session.
  socket_stream(socket_stream&& other) noexcept
      : socket_(std::move(other.socket_)), ssl_(std::exchange(other.ssl_, nullptr)) {}
  /// Frees its own TLS session, then takes the other's socket and session.
  socket_stream& operator=(socket_stream&& other) noexcept {
    if (this != &other) {
      if (ssl_) SSL_free(ssl_);
      socket_ = std::move(other.socket_);
      ssl_ = std::exchange(other.ssl_, nullptr);
    }
    return *this;
  }
  socket_stream(const socket_stream&) = delete;
  socket_stream& operator=(const socket_stream&) = delete;
  ~socket_stream() {
    if (ssl_) SSL_free(ssl_);
  }

  /// The socket's executor.
  executor_type get_executor() noexcept { return socket_.get_executor(); }
  /// The socket.
  Socket& next_layer() noexcept { return socket_; }
  /// The socket.
  const Socket& next_layer() const noexcept { return socket_; }
  /// The socket's lowest layer: connect and close it through this.
  lowest_layer_type& lowest_layer() noexcept { return socket_.lowest_layer(); }
  /// OpenSSL's SSL object, for settings of your own.
  SSL* native_handle() noexcept { return ssl_; }

  /// The TLS handshake, as the client or the server: void(error_code).
  template <class CompletionToken>
  auto async_handshake(asio::ssl::stream_base::handshake_type type, CompletionToken&& token) {
    error_code ec = attach_socket();
    if (!ec) {
      if (type == asio::ssl::stream_base::client)
        SSL_set_connect_state(ssl_);
      else
        SSL_set_accept_state(ssl_);
    }
    return run<void(error_code), false>(
        [this, ec](std::size_t&, detail::tls_want& want) {
          if (ec) return ec;
          int saved_errno = 0;
          const int result = detail::tls_call([&] { return SSL_do_handshake(ssl_); }, saved_errno);
          return result == 1 ? error_code() : detail::tls_call_error(ssl_, result, saved_errno, want);
        },
        std::forward<CompletionToken>(token));
  }

  /// Sends the close_notify; does not wait for the peer's: void(error_code).
  template <class CompletionToken>
  auto async_shutdown(CompletionToken&& token) {
    return run<void(error_code), false>(
        [this](std::size_t&, detail::tls_want& want) {
          int saved_errno = 0;
          const int result = detail::tls_call([&] { return SSL_shutdown(ssl_); }, saved_errno);
          return result >= 0 ? error_code() : detail::tls_call_error(ssl_, result, saved_errno, want);
        },
        std::forward<CompletionToken>(token));
  }

  /// Reads some decrypted bytes: void(error_code, std::size_t).
  template <class MutableBufferSequence, class CompletionToken>
  auto async_read_some(const MutableBufferSequence& buffers, CompletionToken&& token) {
    const asio::mutable_buffer into = first_buffer(buffers);
    return run<void(error_code, std::size_t), true>(
        [this, into](std::size_t& got, detail::tls_want& want) { return read_into(into, got, want); },
        std::forward<CompletionToken>(token));
  }

  /// Writes some of `buffers`, small pieces gathered into full records:
  /// void(error_code, std::size_t).
  template <class ConstBufferSequence, class CompletionToken>
  auto async_write_some(const ConstBufferSequence& buffers, CompletionToken&& token) {
    return run<void(error_code, std::size_t), true>(
        [this, buffers](std::size_t& sent, detail::tls_want& want) { return write_from(buffers, sent, want); },
        std::forward<CompletionToken>(token));
  }

  /// Waits until the stream can be read (decrypted or received bytes wait)
  /// or written, holding no buffer: void(error_code).
  template <class CompletionToken>
  auto async_wait(asio::socket_base::wait_type type, CompletionToken&& token) {
    const bool ready = type == asio::socket_base::wait_read && SSL_has_pending(ssl_) == 1;
    return asio::async_compose<CompletionToken, void(error_code)>(
        [this, type, ready, started = false](auto& self, error_code ec = {}) mutable {
          if (started) return self.complete(ec);
          started = true;
          if (ready)
            asio::post(socket_.get_executor(), std::move(self));
          else
            socket_.async_wait(type, std::move(self));
        },
        token, socket_);
  }

  /// Reads what is there without blocking; asio::error::would_block when nothing is.
  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, error_code& ec) {
    std::size_t got = 0;
    detail::tls_want want = detail::tls_want::nothing;
    ec = read_into(first_buffer(buffers), got, want);
    if (!ec && got == 0 && want != detail::tls_want::nothing) ec = asio::error::would_block;
    return got;
  }

  /// At most how many decrypted bytes a read could bring now.
  std::size_t available(error_code& ec) const {
    const std::size_t received = socket_.available(ec);
    return static_cast<std::size_t>(SSL_pending(ssl_)) + (ec ? 0 : received);
  }

  /// Gives OpenSSL's read and write buffers back (about 34 KiB) until the
  /// next read or write needs them; false, and nothing freed, while bytes wait in them.
  bool release_buffers() noexcept { return SSL_free_buffers(ssl_) == 1; }

  /// Always non-blocking: OpenSSL works on the socket's descriptor.
  bool non_blocking() const noexcept { return true; }
  /// Nothing to set: it is always non-blocking.
  void non_blocking(bool, error_code& ec) { ec = {}; }

private:
  template <class Signature, bool Counts, class Attempt, class CompletionToken>
  auto run(Attempt attempt, CompletionToken&& token) {
    return asio::async_compose<CompletionToken, Signature>(
        detail::tls_operation<Socket, Attempt, Counts>(socket_, std::move(attempt)), token, socket_);
  }

  error_code attach_socket() {
    error_code ec;
    socket_.non_blocking(true, ec);
    // Like SSL_set_fd, but the writes cannot raise SIGPIPE (nosignal_socket_bio.hpp).
    if (!ec && !detail::attach_nosignal_socket(ssl_, static_cast<int>(socket_.native_handle())))
      ec = {static_cast<int>(ERR_get_error()), asio::error::get_ssl_category()};
    return ec;
  }

  template <class MutableBufferSequence>
  static asio::mutable_buffer first_buffer(const MutableBufferSequence& buffers) {
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it)
      if (asio::mutable_buffer(*it).size() > 0) return *it;
    return {};
  }

  /// Decrypts into `into` as much as OpenSSL can give without blocking.
  error_code read_into(asio::mutable_buffer into, std::size_t& got, detail::tls_want& want) {
    got = 0;
    want = detail::tls_want::nothing;
    auto* bytes = static_cast<unsigned char*>(into.data());
    while (got < into.size()) {
      std::size_t n = 0;
      int saved_errno = 0;
      const int result =
          detail::tls_call([&] { return SSL_read_ex(ssl_, bytes + got, into.size() - got, &n); }, saved_errno);
      if (result == 1) {
        got += n;
        // Read-ahead took all the socket had, up to OpenSSL's buffer: with nothing
        // left inside OpenSSL, another call would only find the socket empty.
        if (SSL_has_pending(ssl_) != 1) return {};
        continue;
      }
      const error_code ec = detail::tls_call_error(ssl_, result, saved_errno, want);
      if (got > 0) { // what came is delivered; the end or the error shows on the next read
        want = detail::tls_want::nothing;
        return {};
      }
      return ec;
    }
    return {};
  }

  /// Encrypts and sends `buffers` from the start, as far as the socket takes.
  /// A piece shorter than a record is sent with the pieces after it, copied
  /// into one record; an OpenSSL write that must be retried is retried with
  /// the same bytes, since the caller passes the rest of the same sequence.
  template <class ConstBufferSequence>
  error_code write_from(const ConstBufferSequence& buffers, std::size_t& sent, detail::tls_want& want) {
    sent = 0;
    want = detail::tls_want::nothing;
    auto it = asio::buffer_sequence_begin(buffers);
    const auto end = asio::buffer_sequence_end(buffers);
    std::size_t offset = 0; // into *it
    thread_local std::array<unsigned char, record_size> gathered;
    for (;;) {
      while (it != end && asio::const_buffer(*it).size() == offset) ++it, offset = 0;
      if (it == end) return {};
      asio::const_buffer chunk = asio::const_buffer(*it) + offset;
      if (chunk.size() < record_size) {
        std::size_t filled = 0;
        auto from = it;
        std::size_t from_offset = offset;
        while (from != end && filled < record_size) {
          const asio::const_buffer piece = asio::const_buffer(*from) + from_offset;
          const std::size_t take = std::min(piece.size(), record_size - filled);
          if (take > 0) std::memcpy(gathered.data() + filled, piece.data(), take); // an empty piece may have no data
          filled += take;
          ++from, from_offset = 0;
        }
        chunk = asio::const_buffer(gathered.data(), filled);
      }
      std::size_t n = 0;
      int saved_errno = 0;
      const int result =
          detail::tls_call([&] { return SSL_write_ex(ssl_, chunk.data(), chunk.size(), &n); }, saved_errno);
      if (result == 1) {
        sent += n;
        for (std::size_t left = n; left > 0;) { // step over the n bytes sent
          const std::size_t here = std::min(left, asio::const_buffer(*it).size() - offset);
          offset += here;
          left -= here;
          if (left > 0) ++it, offset = 0;
        }
        continue;
      }
      const error_code ec = detail::tls_call_error(ssl_, result, saved_errno, want);
      if (sent > 0) {
        want = detail::tls_want::nothing;
        return {};
      }
      return ec;
    }
  }

  Socket socket_;
  SSL* ssl_;
};

} // namespace asiows::ssl

#endif
