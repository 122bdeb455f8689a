// An OpenSSL BIO on a socket descriptor, like OpenSSL's own socket BIO, but
// writing with send(MSG_NOSIGNAL). OpenSSL's writes with write(), so a record
// sent to a peer that has gone (a Close after the peer dropped, an alert
// written while reading) raises SIGPIPE, whose default action ends the whole
// application. Asio's own sockets never raise it; neither does this: the write
// fails with EPIPE and the connection reports an error.
#ifndef ASIOWS_DETAIL_NOSIGNAL_SOCKET_BIO_HPP
#define ASIOWS_DETAIL_NOSIGNAL_SOCKET_BIO_HPP

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstddef>

#include <sys/socket.h>
#include <sys/types.h>

namespace asiows::ssl::detail {

// bwrite of the BIO: errors and retries reported as OpenSSL's socket BIO does.
inline int nosignal_socket_write(BIO* bio, const char* data, int size) {
  int descriptor = -1;
  BIO_get_fd(bio, &descriptor);
  errno = 0;
  int flags = 0;
#if defined(MSG_NOSIGNAL)
  flags = MSG_NOSIGNAL;
#endif
  const ssize_t sent = ::send(descriptor, data, static_cast<std::size_t>(size), flags);
  BIO_clear_retry_flags(bio);
  if (sent <= 0 && BIO_sock_should_retry(static_cast<int>(sent))) BIO_set_retry_write(bio);
  return static_cast<int>(sent);
}

// The method: OpenSSL's socket BIO with its write replaced; made once, kept for the program's life.
inline const BIO_METHOD* nosignal_socket_method() {
  static BIO_METHOD* const method = [] {
    const BIO_METHOD* socket = BIO_s_socket();
    BIO_METHOD* made = BIO_meth_new(BIO_TYPE_SOCKET, "asiows socket (MSG_NOSIGNAL)");
    if (made == nullptr) return made;
    BIO_meth_set_write(made, nosignal_socket_write);
    BIO_meth_set_read(made, BIO_meth_get_read(socket));
    BIO_meth_set_puts(made, BIO_meth_get_puts(socket));
    BIO_meth_set_ctrl(made, BIO_meth_get_ctrl(socket));
    BIO_meth_set_create(made, BIO_meth_get_create(socket));
    BIO_meth_set_destroy(made, BIO_meth_get_destroy(socket));
    return made;
  }();
  return method;
}

// Gives `ssl` a BIO for `descriptor` (not closed with the BIO), as SSL_set_fd does. False when OpenSSL fails.
inline bool attach_nosignal_socket(SSL* ssl, int descriptor) {
  const BIO_METHOD* method = nosignal_socket_method();
  BIO* bio = method ? BIO_new(method) : nullptr;
  if (bio == nullptr) return false;
  BIO_set_fd(bio, descriptor, BIO_NOCLOSE);
  SSL_set_bio(ssl, bio, bio);
  return true;
}

} // namespace asiows::ssl::detail

#endif
