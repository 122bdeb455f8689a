// raw_echo: a plain TCP echo server on epoll, one thread: the ceiling the
// WebSocket echo servers are measured against (bench/compare.sh). It writes
// back whatever it reads, as it reads it.
//   raw_echo --port P   (prints ws://127.0.0.1:PORT/ like echo_server, for the scripts)
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loopback_listener.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>

int main(int argc, char** argv) {
  int port = 0;
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
  const loopback_listener where = listen_on_loopback(port);
  if (where.listener < 0) return 1;
  // Bytes a peer has not taken yet; a descriptor is watched for EPOLLOUT only while it has some.
  std::unordered_map<int, std::string> pending;
  epoll_event events[256];
  static char buffer[1 << 16];
  for (;;) {
    const int n = epoll_wait(where.poller, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == where.listener) {
        accept_pending(where, [](int) {});
        continue;
      }
      std::string& backlog = pending[fd];
      const bool was_waiting_to_write = !backlog.empty();
      // Level-triggered: one read per readiness, another only when it filled the
      // buffer (more may be there); what is left is reported again. As few
      // syscalls per echo as a server can make: the ceiling.
      bool closed = false;
      for (;;) {
        const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
        if (got > 0) backlog.append(buffer, static_cast<std::size_t>(got));
        if (got == static_cast<ssize_t>(sizeof buffer)) continue;
        closed = got == 0 || (got < 0 && errno != EAGAIN);
        break;
      }
      while (!closed && !backlog.empty()) {
        const ssize_t sent = send(fd, backlog.data(), backlog.size(), MSG_NOSIGNAL);
        if (sent <= 0) {
          closed = sent < 0 && errno != EAGAIN;
          break;
        }
        backlog.erase(0, static_cast<std::size_t>(sent));
      }
      if (closed) {
        pending.erase(fd);
        close(fd);
      } else if (was_waiting_to_write != !backlog.empty()) {
        epoll_event watch{};
        watch.events = EPOLLIN | (backlog.empty() ? 0u : static_cast<unsigned>(EPOLLOUT));
        watch.data.fd = fd;
        epoll_ctl(where.poller, EPOLL_CTL_MOD, fd, &watch);
      }
    }
  }
}
