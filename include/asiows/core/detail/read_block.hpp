// 16 KiB blocks lent by a small pool of the running thread, held only while
// in use: the storage a stream reads into (while it has received bytes not yet
// parsed, or is reading) and the protocol's inflate output (while a compressed
// message is inflated). A connection waiting for its peer then holds neither,
// and on a busy thread the few blocks in use move from connection to
// connection without allocating.
#ifndef ASIOWS_CORE_DETAIL_READ_BLOCK_HPP
#define ASIOWS_CORE_DETAIL_READ_BLOCK_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

namespace asiows::detail {

inline constexpr std::size_t read_block_size = 16 * 1024;

// Blocks given back on this thread, for the next stream that needs one.
inline std::vector<std::unique_ptr<std::uint8_t[]>>& spare_read_blocks() {
  thread_local std::vector<std::unique_ptr<std::uint8_t[]>> spares;
  return spares;
}

// More spares than this are freed: the pool only smooths the handing over.
inline constexpr std::size_t max_spare_read_blocks = 8;

class read_block {
public:
  read_block() = default;
  read_block(const read_block&) = delete;
  read_block& operator=(const read_block&) = delete;
  read_block(read_block&& other) noexcept
      : storage_(std::move(other.storage_)), size_(std::exchange(other.size_, 0)) {}
  read_block& operator=(read_block&& other) noexcept {
    storage_ = std::move(other.storage_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }
  // Frees, rather than pools: a stream may be destroyed after this thread's pool is.
  ~read_block() = default;

  bool held() const noexcept { return storage_ != nullptr; }
  std::uint8_t* data() noexcept { return storage_.get(); }
  const std::uint8_t* data() const noexcept { return storage_.get(); }
  std::size_t size() const noexcept { return size_; }

  // Makes sure a block is held, taking a spare when there is one.
  void acquire() {
    if (storage_) return;
    auto& spares = spare_read_blocks();
    if (spares.empty()) {
      storage_.reset(new std::uint8_t[read_block_size]);
    } else {
      storage_ = std::move(spares.back());
      spares.pop_back();
    }
    size_ = read_block_size;
  }

  // Gives the block back (its bytes are no longer needed).
  void release() noexcept {
    if (!storage_) return;
    auto& spares = spare_read_blocks();
    if (size_ == read_block_size && spares.size() < max_spare_read_blocks) {
      try {
        spares.push_back(std::move(storage_));
      } catch (...) { // no room to keep it: free it
      }
    }
    storage_.reset();
    size_ = 0;
  }

  // Holds a copy of `size` bytes, in a block of its own if they do not fit one.
  void assign(const std::uint8_t* bytes, std::size_t size) {
    if (size > read_block_size) {
      release();
      storage_.reset(new std::uint8_t[size]);
      size_ = size;
    } else {
      acquire();
    }
    if (size > 0) std::memcpy(storage_.get(), bytes, size);
  }

private:
  std::unique_ptr<std::uint8_t[]> storage_;
  std::size_t size_ = 0;
};

} // namespace asiows::detail

#endif
