// loadgen: a WebSocket load generator of its own (epoll, raw sockets, frames
// masked once in advance), so that the client is not what is measured. It
// opens N connections to an echo server, keeps K messages in flight on each,
// checks every echo byte for byte, and closes each connection with a close
// handshake. It reports messages/s, MB/s, round-trip percentiles and, given
// the server's pid, the server's resident memory per connection.
//
//   loadgen --port P [--connections 100] [--in-flight 1] [--size 16] [--binary]
//           [--messages M | --seconds S] [--idle [--deflate]] [--server-pid PID] [--raw] [--tls]
//
// --messages: each connection echoes M messages, then closes (a soak: exit 1
// unless every message came back intact). --seconds: as many as fit in S
// seconds. --idle: open, hold for 2 s, measure the server's memory, close. --raw: the
// server is a plain TCP echo (the ceiling): no handshake, the frames come back
// as sent. With --server-pid, the server's CPU time per message is reported.
// --deflate (with --idle): each connection offers permessage-deflate (resetting
// its own compressor, client_no_context_takeover), sends one compressed
// message of --size bytes (1 KiB of JSON-like text by default), takes its echo,
// and only then idles: the memory of connections that compress, at rest.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct settings {
  std::string host = "127.0.0.1";
  int port = 0;
  std::size_t connections = 100;
  std::size_t in_flight = 1;
  std::size_t size = 16;
  bool binary = false;
  std::uint64_t messages = 0; // per connection; 0: run for `seconds`
  double seconds = 5;
  bool idle = false;
  long server_pid = 0;
  bool raw = false;
  bool tls = false;
  bool deflate = false;
};

// The CPU time (user + system) a process has used, in seconds, or 0.
double process_cpu_seconds(long pid) {
  if (pid <= 0) return 0;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const std::size_t after_name = text.rfind(')');
  if (after_name == std::string::npos) return 0;
  // Fields after the name: state is field 3; utime and stime are fields 14 and 15.
  std::size_t at = after_name + 2;
  unsigned long long utime = 0, stime = 0;
  for (int field = 3; field <= 15 && at < text.size(); ++field) {
    const std::size_t end = text.find(' ', at);
    if (field == 14) utime = std::strtoull(text.c_str() + at, nullptr, 10);
    if (field == 15) stime = std::strtoull(text.c_str() + at, nullptr, 10);
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A field of /proc/PID/status in bytes (VmRSS, VmHWM), or 0.
std::size_t process_memory(long pid, const char* field) {
  if (pid <= 0) return 0;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field, 0) == 0) return std::strtoull(line.c_str() + std::strlen(field) + 1, nullptr, 10) * 1024;
  return 0;
}

// A client frame (FIN, masked with a fixed key), built once and sent many times.
std::string masked_frame(std::uint8_t opcode, const std::string& payload) {
  const std::uint8_t key[4] = {0x5a, 0x17, 0xc3, 0x88};
  std::string frame(1, static_cast<char>(0x80 | opcode));
  const std::size_t n = payload.size();
  if (n < 126) {
    frame += static_cast<char>(0x80 | n);
  } else if (n <= 0xFFFF) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(n >> 8);
    frame += static_cast<char>(n & 0xFF);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF);
  }
  frame.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < n; ++i) frame += static_cast<char>(payload[i] ^ static_cast<char>(key[i % 4]));
  return frame;
}

// `text` as one permessage-deflate message: raw DEFLATE ended by a sync flush,
// its 00 00 ff ff tail removed (RFC 7692 7.2.1).
std::string deflated(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_SYNC_FLUSH);
  out.resize(out.size() - z.avail_out - 4);
  deflateEnd(&z);
  return out;
}

// A JSON-like message of `size` bytes: what a compressing connection carries.
std::string json_like(std::size_t size) {
  std::string text;
  for (int i = 0; text.size() < size; ++i)
    text += "{\"symbol\":\"ASW\",\"price\":" + std::to_string(100 + i % 37) + ".25,\"size\":" + std::to_string(i * 7) + "},";
  text.resize(size);
  return text;
}

enum class phase { connecting, upgrading, open, closing, done };

struct connection {
  int fd = -1;
  phase state = phase::connecting;
  std::string in, out;
  std::size_t out_offset = 0;
  std::uint64_t sent = 0, received = 0;
  std::deque<clock_type::time_point> sent_at;
  bool want_write = false;
  bool close_answered = false; // the server's Close came back
  SSL* tls = nullptr;           // with --tls
  bool secured = false;         // the TLS handshake is done
};

class load {
public:
  explicit load(const settings& s)
      : s_(s), payload_(make_payload(s)), frame_(masked_frame(s.binary ? 2 : 1, payload_)),
        close_frame_(masked_frame(8, std::string("\x03\xe8", 2))) {
    if (s.deflate) {
      frame_ = masked_frame(1, deflated(json_like(s.size)));
      frame_[0] = static_cast<char>(frame_[0] | 0x40); // RSV1: compressed
    }
    epoll_ = epoll_create1(0);
    conns_.resize(s.connections);
    if (s.tls) {
      tls_context_ = SSL_CTX_new(TLS_client_method());
      SSL_CTX_set_min_proto_version(tls_context_, TLS1_3_VERSION);
      SSL_CTX_set_verify(tls_context_, SSL_VERIFY_NONE, nullptr);
      SSL_CTX_set_mode(tls_context_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    }
  }
  ~load() {
    if (tls_context_) SSL_CTX_free(tls_context_);
  }
  load(const load&) = delete;
  load& operator=(const load&) = delete;

  int run() {
    const std::size_t memory_before = process_memory(s_.server_pid, "VmRSS:");
    const auto started = clock_type::now();
    std::size_t next_to_connect = 0;
    std::vector<epoll_event> events(1024);
    bool stopping = false;
    clock_type::time_point measure_start{}, deadline = clock_type::time_point::max();
    std::size_t idle_memory = 0;
    for (;;) {
      // Connect progressively: at most 256 handshakes in progress, to spare the listen backlog.
      while (next_to_connect < conns_.size() && upgrading_ < 256) open_connection(next_to_connect++);
      // With --deflate every connection has had its compressed exchange first.
      if (!started_all_ && open_ == conns_.size() && (!s_.deflate || total_received_ == conns_.size())) {
        started_all_ = true;
        measure_start = clock_type::now();
        cpu_start_ = process_cpu_seconds(s_.server_pid);
        if (s_.idle) {
          usleep(2000 * 1000); // idle for longer than a second: asiows gives TLS buffers back after one
          idle_memory = process_memory(s_.server_pid, "VmRSS:");
          stop_all();
          stopping = true;
        } else {
          if (s_.messages == 0) deadline = measure_start + std::chrono::duration_cast<clock_type::duration>(
                                                               std::chrono::duration<double>(s_.seconds));
          for (auto& c : conns_) top_up(c);
        }
      }
      if (!stopping && clock_type::now() >= deadline) {
        measure_end_ = clock_type::now();
        cpu_end_ = process_cpu_seconds(s_.server_pid);
        counted_ = total_received_;
        stop_all();
        stopping = true;
      }
      if (done_ == conns_.size()) break;
      if (clock_type::now() - started > std::chrono::seconds(600)) {
        std::fprintf(stderr, "gave up after 600 s\n");
        return 1;
      }
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
      for (int i = 0; i < n; ++i) handle(conns_[events[static_cast<std::size_t>(i)].data.u64], events[static_cast<std::size_t>(i)].events);
    }
    if (measure_end_ == clock_type::time_point{}) { // --messages: the load ended with the last echo
      measure_end_ = clock_type::now();
      cpu_end_ = process_cpu_seconds(s_.server_pid);
      counted_ = total_received_;
    }
    const double elapsed = std::chrono::duration<double>(measure_end_ - measure_start).count();
    return report(elapsed, memory_before, idle_memory);
  }

private:
  static std::string make_payload(const settings& s) {
    std::string payload(s.size, 'a');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
    return payload;
  }

  void open_connection(std::size_t index) {
    connection& c = conns_[index];
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(s_.port));
    inet_pton(AF_INET, s_.host.c_str(), &address.sin_addr);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
      std::fprintf(stderr, "connect: %s\n", std::strerror(errno));
      std::exit(1);
    }
    if (!s_.raw)
      c.out = "GET / HTTP/1.1\r\nHost: " + s_.host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
            std::string(s_.deflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n" : "") +
            "\r\n";
    if (tls_context_) {
      c.tls = SSL_new(tls_context_);
      SSL_set_fd(c.tls, c.fd);
      SSL_set_connect_state(c.tls);
    }
    c.state = phase::upgrading;
    ++upgrading_;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT;
    event.data.u64 = index;
    c.want_write = true;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &event);
  }

  void top_up(connection& c) {
    if (c.state != phase::open || s_.idle) return;
    while (c.sent - c.received < s_.in_flight && (s_.messages == 0 || c.sent < s_.messages)) {
      c.out += frame_;
      c.sent_at.push_back(clock_type::now());
      ++c.sent;
    }
    if (s_.messages != 0 && c.received == s_.messages) begin_close(c);
    flush(c);
  }

  void begin_close(connection& c) {
    if (c.state != phase::open) return;
    if (s_.raw) return finish(c); // a TCP echo has no close handshake
    c.state = phase::closing;
    c.out += close_frame_;
    flush(c);
  }

  void stop_all() {
    stopping_ = true; // a connection with echoes still due closes once they are in (parse)
    for (auto& c : conns_)
      if (c.state == phase::open && c.sent == c.received) begin_close(c);
  }

  // Whether an OpenSSL call that returned `result` only has to wait for the socket.
  static bool wants_network(SSL* tls, int result) {
    const int error = SSL_get_error(tls, result);
    return error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE;
  }

  // Sends what it can of [data, data + size): the count sent, 0 when the
  // connection would block, or -1 when it failed.
  static long transmit(connection& c, const char* data, std::size_t size) {
    if (!c.tls) {
      const ssize_t n = send(c.fd, data, size, MSG_NOSIGNAL);
      return n < 0 && errno == EAGAIN ? 0 : static_cast<long>(n);
    }
    ERR_clear_error(); // SSL_get_error reads the thread's error queue: only this call's errors
    const int n = SSL_write(c.tls, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
    if (n > 0) return n;
    return wants_network(c.tls, n) ? 0 : -1;
  }

  // Receives into [data, data + size): the count received, 0 when nothing is
  // there yet, or -1 when the connection ended (closed or failed).
  static long receive(connection& c, char* data, std::size_t size) {
    if (!c.tls) {
      const ssize_t n = recv(c.fd, data, size, 0);
      return n < 0 && errno == EAGAIN ? 0 : n == 0 ? -1 : static_cast<long>(n);
    }
    ERR_clear_error();
    const int n = SSL_read(c.tls, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
    if (n > 0) return n;
    return wants_network(c.tls, n) ? 0 : -1;
  }

  void flush(connection& c) {
    if (c.tls && !c.secured) return; // the TLS handshake first (handle)
    while (c.out_offset < c.out.size()) {
      const long n = transmit(c, c.out.data() + c.out_offset, c.out.size() - c.out_offset);
      if (n == 0) break;
      if (n < 0) return fail(c, "send");
      c.out_offset += static_cast<std::size_t>(n);
    }
    if (c.out_offset == c.out.size()) {
      c.out.clear();
      c.out_offset = 0;
    }
    watch(c, !c.out.empty());
  }

  // Asks epoll for readability, and for writability when `want_write`.
  void watch(connection& c, bool want_write) {
    if (want_write == c.want_write) return;
    epoll_event event{};
    event.events = EPOLLIN | (want_write ? EPOLLOUT : 0u);
    event.data.u64 = static_cast<std::uint64_t>(&c - conns_.data());
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
    c.want_write = want_write;
  }

  // Moves the TLS handshake on; true once it is done.
  bool secure(connection& c) {
    if (c.secured) return true;
    ERR_clear_error();
    const int result = SSL_do_handshake(c.tls);
    if (result == 1) return c.secured = true;
    const int error = SSL_get_error(c.tls, result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      watch(c, error == SSL_ERROR_WANT_WRITE); // and readability, always
    } else {
      fail(c, "the TLS handshake");
    }
    return false;
  }

  void fail(connection& c, const char* what) {
    if (c.state == phase::done) return;
    std::fprintf(stderr, "connection %zu: %s failed (%s)\n", static_cast<std::size_t>(&c - conns_.data()), what,
                 std::strerror(errno));
    ++errors_;
    finish(c);
  }

  void finish(connection& c) {
    if (c.state == phase::upgrading) --upgrading_;
    if (c.state == phase::open || c.state == phase::closing) --open_;
    c.state = phase::done;
    if (c.tls) {
      ERR_clear_error();
      if (c.secured) SSL_shutdown(c.tls); // our close_notify, if the socket takes it
      SSL_free(c.tls);
      c.tls = nullptr;
    }
    close(c.fd);
    ++done_;
  }

  void handle(connection& c, std::uint32_t what) {
    if (c.state == phase::done) return;
    if (c.tls && !c.secured) {
      if (!secure(c)) return;
      what |= EPOLLOUT; // the request waits in `out`
    }
    if (s_.raw && c.state == phase::upgrading && (what & EPOLLOUT)) { // connected: a TCP echo needs no handshake
      c.state = phase::open;
      --upgrading_;
      ++open_;
      if (started_all_ && !stopping_) top_up(c);
    }
    if (what & EPOLLOUT) flush(c);
    if (!(what & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
    char buffer[65536];
    bool ended = false;
    for (;;) {
      const long n = receive(c, buffer, sizeof buffer);
      if (n > 0) {
        c.in.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      ended = n < 0;
      break;
    }
    parse(c);
    if (!ended || c.state == phase::done) return;
    // The server closed TCP: right after answering our Close, and never before.
    if (c.state != phase::closing || !c.close_answered) return fail(c, "the connection ended early; reading");
    finish(c);
  }

  void parse(connection& c) {
    if (c.state == phase::upgrading) {
      const std::size_t end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) return;
      if (c.in.rfind("HTTP/1.1 101", 0) != 0) return fail(c, "the handshake");
      c.in.erase(0, end + 4);
      c.state = phase::open;
      --upgrading_;
      ++open_;
      if (started_all_ && !s_.idle && !stopping_) top_up(c);
      if (s_.deflate) { // the one compressed exchange before idling
        c.out += frame_;
        c.sent_at.push_back(clock_type::now());
        ++c.sent;
      }
    }
    std::size_t at = 0;
    while (s_.raw && c.in.size() - at >= frame_.size()) { // our frames, back as they were sent
      if (std::memcmp(c.in.data() + at, frame_.data(), frame_.size()) != 0) ++corrupt_;
      record_echo(c);
      at += frame_.size();
    }
    while (!s_.raw && c.in.size() - at >= 2) {
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(c.in.data() + at);
      std::size_t length = bytes[1] & 0x7F, header = 2;
      if (length == 126) {
        if (c.in.size() - at < 4) break;
        length = static_cast<std::size_t>(bytes[2]) << 8 | bytes[3];
        header = 4;
      } else if (length == 127) {
        if (c.in.size() - at < 10) break;
        length = 0;
        for (int i = 2; i < 10; ++i) length = length << 8 | bytes[i];
        header = 10;
      }
      if (c.in.size() - at < header + length) break;
      const std::uint8_t opcode = bytes[0] & 0x0F;
      if (opcode == 8) { // the server's answer to our Close
        c.close_answered = true;
      } else if (opcode == 1 || opcode == 2) {
        // A compressed echo is not checked: the server may compress it as it likes.
        if (!s_.deflate && (!(bytes[0] & 0x80) || length != payload_.size() ||
                            std::memcmp(bytes + header, payload_.data(), length) != 0)) {
          ++corrupt_;
        }
        record_echo(c);
      } else if (opcode == 9) { // a keepalive ping: answer it
        std::string payload(reinterpret_cast<const char*>(bytes + header), length);
        c.out += masked_frame(10, payload);
      }
      at += header + length;
    }
    c.in.erase(0, at);
    if (c.state == phase::open && started_all_) { // the load starts when every connection is open
      if (stopping_ && c.sent == c.received) begin_close(c);
      else if (!stopping_) top_up(c);
    }
    flush(c);
  }

  void record_echo(connection& c) {
    if (!c.sent_at.empty()) {
      const auto rtt = clock_type::now() - c.sent_at.front();
      c.sent_at.pop_front();
      if (samples_.size() < 2'000'000) samples_.push_back(std::chrono::duration<double, std::micro>(rtt).count());
    }
    ++c.received;
    ++total_received_;
  }

  int report(double elapsed, std::size_t memory_before, std::size_t idle_memory) {
    std::sort(samples_.begin(), samples_.end());
    const auto percentile = [&](double p) {
      return samples_.empty() ? 0.0 : samples_[std::min(samples_.size() - 1, static_cast<std::size_t>(p * static_cast<double>(samples_.size())))];
    };
    std::uint64_t expected = 0;
    for (const auto& c : conns_) expected += c.sent;
    const std::size_t peak = process_memory(s_.server_pid, "VmHWM:");
    std::printf("connections %zu, in flight %zu, payload %zu B %s\n", s_.connections, s_.in_flight, s_.size,
                s_.binary ? "binary" : "text");
    if (!s_.idle) {
      std::printf("messages %llu in %.2f s: %.0f msgs/s, %.1f MB/s each way\n",
                  static_cast<unsigned long long>(counted_), elapsed, static_cast<double>(counted_) / elapsed,
                  static_cast<double>(counted_) * static_cast<double>(s_.size) / elapsed / 1e6);
      std::printf("round trip: p50 %.1f us, p99 %.1f us\n", percentile(0.5), percentile(0.99));
      if (s_.server_pid > 0 && counted_ > 0)
        std::printf("server CPU: %.3f us per message\n", (cpu_end_ - cpu_start_) * 1e6 / static_cast<double>(counted_));
    }
    if (s_.server_pid > 0) {
      std::printf("server memory: %zu KiB before, peak %zu KiB", memory_before / 1024, peak / 1024);
      if (peak > memory_before) std::printf(", %.0f B per connection at peak", static_cast<double>(peak - memory_before) / static_cast<double>(s_.connections));
      if (s_.idle && idle_memory > memory_before)
        std::printf("; idle: %.0f B per connection", static_cast<double>(idle_memory - memory_before) / static_cast<double>(s_.connections));
      std::printf("\n");
    }
    const bool complete = total_received_ == expected && corrupt_ == 0 && errors_ == 0;
    std::printf("%s: %llu of %llu echoes back intact, %zu corrupt, %zu connection errors\n", complete ? "ok" : "FAILED",
                static_cast<unsigned long long>(total_received_ - corrupt_), static_cast<unsigned long long>(expected),
                corrupt_, errors_);
    return complete ? 0 : 1;
  }

  settings s_;
  std::string payload_, frame_, close_frame_;
  int epoll_ = -1;
  SSL_CTX* tls_context_ = nullptr;
  std::vector<connection> conns_;
  std::size_t upgrading_ = 0, open_ = 0, done_ = 0, corrupt_ = 0, errors_ = 0;
  std::uint64_t total_received_ = 0;
  std::uint64_t counted_ = 0; // echoes within the measured time
  bool started_all_ = false, stopping_ = false;
  clock_type::time_point measure_end_{};
  double cpu_start_ = 0, cpu_end_ = 0;
  std::vector<double> samples_;
};

} // namespace

int main(int argc, char** argv) {
  settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (arg == "--host") s.host = value();
    else if (arg == "--port") s.port = std::atoi(value().c_str());
    else if (arg == "--connections") s.connections = std::strtoull(value().c_str(), nullptr, 10);
    else if (arg == "--in-flight") s.in_flight = std::strtoull(value().c_str(), nullptr, 10);
    else if (arg == "--size") s.size = std::strtoull(value().c_str(), nullptr, 10);
    else if (arg == "--binary") s.binary = true;
    else if (arg == "--messages") s.messages = std::strtoull(value().c_str(), nullptr, 10);
    else if (arg == "--seconds") s.seconds = std::atof(value().c_str());
    else if (arg == "--idle") s.idle = true;
    else if (arg == "--server-pid") s.server_pid = std::atol(value().c_str());
    else if (arg == "--raw") s.raw = true;
    else if (arg == "--tls") s.tls = true;
    else if (arg == "--deflate") s.deflate = true;
    else {
      std::fprintf(stderr, "unknown option %s (see the comment at the top of loadgen.cpp)\n", arg.c_str());
      return 2;
    }
  }
  if (s.deflate && !s.idle) {
    std::fprintf(stderr, "--deflate measures idle connections: give --idle too\n");
    return 2;
  }
  if (s.deflate && s.size == 16) s.size = 1024; // the default size, for JSON-like text
  if (s.port == 0 || s.connections == 0 || s.in_flight == 0) {
    std::fprintf(stderr, "usage: loadgen --port P [--connections N] [--in-flight K] [--size B] [--binary]\n"
                         "               [--messages M | --seconds S] [--idle [--deflate]] [--server-pid PID] [--raw] [--tls]\n");
    return 2;
  }
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max; // one descriptor per connection
  setrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < s.connections + 16) {
    std::fprintf(stderr, "need %zu file descriptors, the limit is %llu\n", s.connections + 16,
                 static_cast<unsigned long long>(limit.rlim_cur));
    return 2;
  }
  return load(s).run();
}
