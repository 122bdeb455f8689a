// The listening side the bench echo servers share (raw_echo, tls_echo): a
// non-blocking TCP listener on 127.0.0.1 and an epoll instance watching it,
// the descriptor limit raised for 10,000 connections, and the URL printed for
// the scripts (scripts/start-server.sh reads the port from it); and accepting.
#ifndef ASIOWS_BENCH_LOOPBACK_LISTENER_HPP
#define ASIOWS_BENCH_LOOPBACK_LISTENER_HPP

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstdio>

struct loopback_listener {
  int listener = -1;
  int poller = -1; // watches `listener` for readability
};

// Listens on 127.0.0.1:`port` (0: any free port); both descriptors -1 when that failed.
inline loopback_listener listen_on_loopback(int port) {
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
    return {};
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
  return {listener, poller};
}

// Accepts every pending connection: non-blocking, TCP_NODELAY, watched for
// readability; `accepted(fd)` sets up each before its first event.
template <class Accepted>
void accept_pending(const loopback_listener& where, Accepted&& accepted) {
  const int one = 1;
  for (int client; (client = accept4(where.listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    accepted(client);
    epoll_event watch{};
    watch.events = EPOLLIN;
    watch.data.fd = client;
    epoll_ctl(where.poller, EPOLL_CTL_ADD, client, &watch);
  }
}

#endif
