// Byte buffers of one size lent by the running thread: a connection holds one
// only while it uses it (a compressed message being inflated), and on a busy
// thread the few in use pass from connection to connection without allocating.
#ifndef ASIOWS_CORE_DETAIL_SPARE_BUFFERS_HPP
#define ASIOWS_CORE_DETAIL_SPARE_BUFFERS_HPP

#include <cstddef>
#include <cstdint>
#include <vector>

namespace asiows::detail {

template <std::size_t Size>
class spare_buffers {
public:
  // More spares than this are freed: they only bridge between messages.
  static constexpr std::size_t max_spares = 4;

  // Makes an empty `buffer` Size bytes long, from a spare when there is one.
  static void lend(std::vector<std::uint8_t>& buffer) {
    if (!buffer.empty()) return;
    auto& spares = this_thread();
    if (spares.empty()) {
      buffer.resize(Size);
      return;
    }
    buffer.swap(spares.back());
    spares.pop_back();
  }

  // Takes `buffer` back, keeping it as a spare or freeing it; `buffer` ends empty.
  static void give_back(std::vector<std::uint8_t>& buffer) noexcept {
    auto& spares = this_thread();
    if (buffer.size() == Size && spares.size() < max_spares) {
      spares.emplace_back(); // capacity is reserved: does not allocate
      spares.back().swap(buffer);
    }
    std::vector<std::uint8_t>().swap(buffer);
  }

  // How many spares this thread keeps now.
  static std::size_t spares() { return this_thread().size(); }

private:
  static std::vector<std::vector<std::uint8_t>>& this_thread() {
    thread_local std::vector<std::vector<std::uint8_t>> spares = [] {
      std::vector<std::vector<std::uint8_t>> made;
      made.reserve(max_spares);
      return made;
    }();
    return spares;
  }
};

} // namespace asiows::detail

#endif
