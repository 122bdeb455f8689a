// The stream's policy for trying a socket before waiting on it; bench/asio_echo
// uses it too, so that Asio's floor is measured with the same reads.
#ifndef ASIOWS_DETAIL_READ_SPECULATION_HPP
#define ASIOWS_DETAIL_READ_SPECULATION_HPP

#include <algorithm>
#include <cstdint>

namespace asiows::detail {

// Whether a read tries the socket before asking the reactor to wait. A wait
// costs a syscall (Asio re-arms the descriptor), and so does a try that finds
// nothing; on a busy connection the next message is often there already.
// Tries go on while they find bytes; after two misses in a row, only every
// eighth read tries, until one finds bytes again.
class read_speculation {
public:
  bool worth_trying() noexcept { return misses_ < 2 || (++skipped_ & 7u) == 0; }
  void tried(bool found) noexcept { misses_ = found ? 0 : std::min<std::uint8_t>(misses_ + 1, 2); }

private:
  std::uint8_t misses_ = 0;
  std::uint8_t skipped_ = 0;
};

} // namespace asiows::detail

#endif
