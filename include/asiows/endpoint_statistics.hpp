/// \file
/// endpoint_statistics: the counters a server or client keeps over its connections.
#ifndef ASIOWS_ENDPOINT_STATISTICS_HPP
#define ASIOWS_ENDPOINT_STATISTICS_HPP

#include <cstddef>
#include <cstdint>

namespace asiows {

/// Counters an endpoint keeps for all its connections (server::statistics, client::statistics).
struct endpoint_statistics {
  std::size_t open_connections = 0; ///< connections open now
  std::uint64_t messages_in = 0;    ///< messages received, since the endpoint started
  std::uint64_t bytes_in = 0;       ///< their payload bytes
  std::uint64_t messages_out = 0;   ///< messages written
  std::uint64_t bytes_out = 0;      ///< their payload bytes
  std::size_t queued_bytes = 0;     ///< waiting in send queues now
  /// Held by the permessage-deflate streams of open connections, as of each one's last message.
  std::size_t compression_memory_bytes = 0;
};

} // namespace asiows

#endif
