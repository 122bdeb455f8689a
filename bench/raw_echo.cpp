// raw_echo: a plain TCP echo server on epoll, one thread: the ceiling the
// WebSocket echo servers are measured against (bench/compare.sh). It writes
// back whatever it reads, as it reads it.
//   raw_echo --port P   (prints ws://127.0.0.1:PORT/ like echo_server, for the scripts)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

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
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);

  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listener, 4096) != 0) {
    std::perror("listen");
    return 1;
  }
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::printf("ws://127.0.0.1:%d/\n", ntohs(address.sin_port));
  std::fflush(stdout);

  const int poller = epoll_create1(0);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener;
  epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
  std::unordered_map<int, std::string> pending; // bytes a peer has not taken yet
  epoll_event events[256];
  static char buffer[1 << 16];
  for (;;) {
    const int n = epoll_wait(poller, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        for (int client; (client = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event watch{};
          watch.events = EPOLLIN;
          watch.data.fd = client;
          epoll_ctl(poller, EPOLL_CTL_ADD, client, &watch);
        }
        continue;
      }
      std::string& backlog = pending[fd];
      bool closed = false;
      for (;;) {
        const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
        if (got > 0) {
          backlog.append(buffer, static_cast<std::size_t>(got));
          continue;
        }
        closed = got == 0 || errno != EAGAIN;
        break;
      }
      while (!backlog.empty()) {
        const ssize_t sent = send(fd, backlog.data(), backlog.size(), MSG_NOSIGNAL);
        if (sent <= 0) break;
        backlog.erase(0, static_cast<std::size_t>(sent));
      }
      epoll_event watch{};
      watch.events = EPOLLIN | (backlog.empty() ? 0u : static_cast<unsigned>(EPOLLOUT));
      watch.data.fd = fd;
      if (closed) {
        pending.erase(fd);
        close(fd);
      } else {
        epoll_ctl(poller, EPOLL_CTL_MOD, fd, &watch);
      }
    }
  }
}
