// What a stream tells the application about control frames
// (stream::control_callback): each ping and pong the peer sends, and the
// round trip from our last ping to the pong after it. Made only when the
// application asks, so a stream that does not costs one pointer.
#ifndef ASIOWS_DETAIL_CONTROL_OBSERVER_HPP
#define ASIOWS_DETAIL_CONTROL_OBSERVER_HPP

#include <chrono>
#include <functional>
#include <string_view>

namespace asiows {

/// The control frames a stream reports to its control callback.
enum class control_frame { ping, pong };

} // namespace asiows

namespace asiows::detail {

struct control_observer {
  using clock = std::chrono::steady_clock;

  std::function<void(control_frame, std::string_view payload)> handler;
  clock::time_point ping_sent_at;
  bool awaiting_pong = false;
  clock::duration last_round_trip{};

  void ping_sent() {
    ping_sent_at = clock::now();
    awaiting_pong = true;
  }

  void received(control_frame kind, std::string_view payload) {
    if (kind == control_frame::pong && awaiting_pong) {
      last_round_trip = clock::now() - ping_sent_at;
      awaiting_pong = false;
    }
    if (handler) handler(kind, payload);
  }
};

} // namespace asiows::detail

#endif
