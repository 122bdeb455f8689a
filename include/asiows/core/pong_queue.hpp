/// \file
/// The pongs a connection owes, one per ping received, in the order the pings
/// came (RFC 6455 5.5.2, 5.5.3). Bounded: past max_owed_pongs the oldest is
/// dropped for the newest, which the RFC allows (an endpoint may answer only
/// the most recent ping), so a ping flood costs at most a couple of KiB.
///
/// Payloads are kept back to back as [size][bytes...] in one vector, which
/// grows to what the largest burst needed; a connection answering one ping at
/// a time keeps a few bytes, and nothing at all until its first ping.
#ifndef ASIOWS_CORE_PONG_QUEUE_HPP
#define ASIOWS_CORE_PONG_QUEUE_HPP

#include <asiows/core/frame.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace asiows {

/// The most pongs a connection owes at once; past it the oldest gives way (RFC 6455 5.5.3).
inline constexpr std::size_t max_owed_pongs = 16;

/// The pongs a protocol owes its peer, one per ping, oldest first; at most max_owed_pongs.
class pong_queue {
public:
  /// Whether no pong is owed.
  bool empty() const noexcept { return count_ == 0; }
  /// How many pongs are owed.
  std::size_t size() const noexcept { return count_; }

  /// Payload bytes of every owed pong together.
  std::size_t payload_bytes() const noexcept { return stored_.size() - count_; }

  /// Owes a pong carrying `payload` (at most max_control_payload bytes).
  void push(const std::uint8_t* payload, std::size_t size) {
    if (count_ == max_owed_pongs) { // the oldest gives way
      stored_.erase(stored_.begin(), stored_.begin() + 1 + stored_.front());
      --count_;
    }
    stored_.push_back(static_cast<std::uint8_t>(size));
    stored_.insert(stored_.end(), payload, payload + size);
    ++count_;
  }

  /// Calls write(payload, size) for each owed pong, oldest first, then forgets them all.
  template <class Write> void drain(Write&& write) {
    for (std::size_t at = 0; at < stored_.size(); at += 1u + stored_[at])
      write(stored_.data() + at + 1, stored_[at]);
    clear();
  }

  /// Forgets every owed pong.
  void clear() noexcept {
    count_ = 0;
    // A flood's worth of storage is given back; a heartbeat's is kept for the next ping.
    if (stored_.capacity() > retained_bytes)
      std::vector<std::uint8_t>().swap(stored_);
    else
      stored_.clear();
  }

private:
  static constexpr std::size_t retained_bytes = 256;

  std::vector<std::uint8_t> stored_;
  std::size_t count_ = 0;
};

} // namespace asiows

#endif
