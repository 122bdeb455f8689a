// Unpredictable random bytes for masking keys (RFC 6455 5.3, 10.3) and
// Sec-WebSocket-Key (RFC 6455 4.1): a ChaCha20 keystream per thread, keyed
// from std::random_device. One generator per thread keeps connections free of
// per-connection generator state and needs no locking.
#ifndef ASIOWS_CORE_DETAIL_RANDOM_HPP
#define ASIOWS_CORE_DETAIL_RANDOM_HPP

#include <asiows/core/detail/chacha20.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>

namespace asiows::detail {

class keystream_generator {
public:
  keystream_generator() {
    std::random_device entropy;
    for (auto& word : key_) word = entropy();
    for (auto& word : nonce_) word = entropy();
  }

  void fill(void* out, std::size_t size) noexcept {
    auto bytes = static_cast<std::uint8_t*>(out);
    while (size > 0) {
      if (used_ == block_.size()) refill();
      std::size_t take = block_.size() - used_;
      if (take > size) take = size;
      std::memcpy(bytes, block_.data() + used_, take);
      used_ += take;
      bytes += take;
      size -= take;
    }
  }

private:
  void refill() noexcept {
    block_ = chacha20_block(key_, counter_, nonce_);
    if (++counter_ == 0) ++nonce_[0]; // 2^32 blocks later: move to a fresh nonce
    used_ = 0;
  }

  std::array<std::uint32_t, 8> key_{};
  std::array<std::uint32_t, 3> nonce_{};
  std::uint32_t counter_ = 0;
  std::array<std::uint8_t, 64> block_{};
  std::size_t used_ = 64;
};

// Fills `out` with unpredictable bytes from this thread's generator.
inline void random_bytes(void* out, std::size_t size) {
  thread_local keystream_generator generator;
  generator.fill(out, size);
}

} // namespace asiows::detail

#endif
