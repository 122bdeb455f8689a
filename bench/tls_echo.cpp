// tls_echo: a TLS echo server written straight on OpenSSL and epoll, one
// thread: the ceiling the WebSocket servers are measured against with TLS
// (bench/compare.sh --tls), as raw_echo is without. It writes back whatever it
// decrypts, all of one read in one SSL_write, so queued bytes leave in as few
// records as they can. OpenSSL's own buffers stay with each connection (no
// SSL_MODE_RELEASE_BUFFERS): the plain OpenSSL echo of docs/performance.md.
//   tls_echo --port P --tls cert.pem key.pem   (prints ws://127.0.0.1:PORT/ for the scripts)
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loopback_listener.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>

namespace {

struct peer {
  SSL* tls = nullptr;
  bool secured = false;
  std::string backlog; // decrypted bytes the peer has not taken back yet
};

// SSL_get_error reads the thread's error queue, so every call starts with it empty.
template <class Call>
int clean(Call call) {
  ERR_clear_error();
  return call();
}

// What OpenSSL wants before `result` can go on: 0 for nothing (go on),
// EPOLLIN or EPOLLOUT to wait for, or -1 when the connection failed.
int wants(SSL* tls, int result) {
  if (result > 0) return 0;
  switch (SSL_get_error(tls, result)) {
    case SSL_ERROR_WANT_READ: return EPOLLIN;
    case SSL_ERROR_WANT_WRITE: return EPOLLOUT;
    default: return -1;
  }
}

// Moves one connection on after an event: the handshake, then read all,
// then write all. False when the connection is over.
bool serve(peer& p, std::uint32_t& interest) {
  static char buffer[1 << 16];
  interest = EPOLLIN;
  if (!p.secured) {
    const int result = clean([&] { return SSL_do_handshake(p.tls); });
    const int want = wants(p.tls, result);
    if (want < 0) return false;
    if (want != 0) {
      interest |= static_cast<std::uint32_t>(want);
      return true;
    }
    p.secured = true;
  }
  for (;;) {
    const int got = clean([&] { return SSL_read(p.tls, buffer, sizeof buffer); });
    const int want = wants(p.tls, got);
    if (want < 0) return false;
    if (want != 0) {
      if (want == EPOLLOUT) interest |= EPOLLOUT;
      break;
    }
    p.backlog.append(buffer, static_cast<std::size_t>(got));
  }
  std::size_t sent_total = 0;
  while (sent_total < p.backlog.size()) {
    const std::size_t left = std::min<std::size_t>(p.backlog.size() - sent_total, INT_MAX);
    const int sent = clean([&] { return SSL_write(p.tls, p.backlog.data() + sent_total, static_cast<int>(left)); });
    const int want = wants(p.tls, sent);
    if (want < 0) return false;
    if (want != 0) {
      interest |= static_cast<std::uint32_t>(want);
      break;
    }
    sent_total += static_cast<std::size_t>(sent);
  }
  p.backlog.erase(0, sent_total);
  return true;
}

} // namespace

int main(int argc, char** argv) {
  int port = 0;
  std::string cert, key;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) port = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--tls") == 0 && i + 2 < argc) cert = argv[++i], key = argv[++i];
  }
  if (cert.empty()) {
    std::fprintf(stderr, "usage: tls_echo --port P --tls cert.pem key.pem\n");
    return 2;
  }
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(context, cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  const loopback_listener where = listen_on_loopback(port);
  if (where.listener < 0) return 1;
  std::unordered_map<int, peer> peers;
  epoll_event events[256];
  for (;;) {
    const int n = epoll_wait(where.poller, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == where.listener) {
        accept_pending(where, [&](int client) {
          peer& p = peers[client];
          p.tls = SSL_new(context);
          SSL_set_fd(p.tls, client);
          SSL_set_accept_state(p.tls);
        });
        continue;
      }
      peer& p = peers[fd];
      std::uint32_t interest = EPOLLIN;
      if (!serve(p, interest)) {
        SSL_free(p.tls);
        peers.erase(fd);
        close(fd);
        continue;
      }
      epoll_event watch{};
      watch.events = interest;
      watch.data.fd = fd;
      epoll_ctl(where.poller, EPOLL_CTL_MOD, fd, &watch);
    }
  }
}
