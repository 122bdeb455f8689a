/// \file
/// The options of a WebSocket connection: one plain struct, each default safe
/// for a server on the open internet.
#ifndef ASIOWS_CORE_OPTIONS_HPP
#define ASIOWS_CORE_OPTIONS_HPP

#include <asiows/core/deflate_negotiation.hpp>

#include <chrono>
#include <cstddef>

namespace asiows {

/// A connection's limits and timeouts, in the core and in every endpoint.
struct options {
  /// Largest message accepted, all fragments together; a larger one fails the
  /// connection with 1009. Enough for most applications, stops memory floods.
  std::size_t max_message_size = 16 * 1024 * 1024;
  /// Largest single frame accepted (1009 past it). Checked from the header, so
  /// a frame announcing 2^63 bytes fails before any payload is read.
  std::size_t max_frame_size = 16 * 1024 * 1024;
  /// Outgoing messages longer than this are sent as several frames of this size,
  /// which lets control frames through between them. 0: one frame per message.
  std::size_t auto_fragment_size = 0;
  /// Largest HTTP header block of the opening handshake (request or response,
  /// up to and including the blank line). A larger request is answered 431.
  std::size_t max_handshake_size = 8 * 1024;

  /// Timeouts, enforced by the Asio layer (stream.hpp); the core keeps no time.
  /// From the start of the opening handshake to its end: a client that never
  /// finishes its request (slowloris) is dropped.
  std::chrono::milliseconds handshake_timeout = std::chrono::seconds(10);
  /// After this long without receiving anything, send a ping (0: never).
  std::chrono::milliseconds keepalive_interval = std::chrono::seconds(30);
  /// Drop the connection after this long without receiving anything (0: never).
  /// Longer than keepalive_interval, so a live peer always answers in time.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(75);
  /// How long to wait for the peer's Close, and then for the TCP close, once
  /// the close handshake has started.
  std::chrono::milliseconds close_timeout = std::chrono::seconds(5);

  /// permessage-deflate (RFC 7692): offered by a client, accepted by a server,
  /// when on and asiows was built with zlib (ASIOWS_ENABLE_DEFLATE). Off by
  /// default: compression costs CPU and about 175 KiB per connection at the
  /// default settings (deflate_options::memory_level says more).
  bool enable_deflate = false;
  deflate_options deflate; ///< permessage-deflate's parameters, when enable_deflate is set
};

} // namespace asiows

#endif
