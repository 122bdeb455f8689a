// The messages an endpoint connection has queued: copies of the application's
// bytes, back to back in one store, or shared buffers (a broadcast sends one
// buffer to many). A connection keeps two queues that swap between queuing and
// writing, with their memory, so sending allocates nothing once they have grown;
// a store that grew past retained_bytes (a burst, a large message) is freed
// after its write instead of being kept by an idle connection.
#ifndef ASIOWS_DETAIL_SEND_QUEUE_HPP
#define ASIOWS_DETAIL_SEND_QUEUE_HPP

#include <asiows/core/protocol.hpp>
#include <asiows/detail/stream_write_op.hpp>

#include <asiows/detail/asio.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace asiows::detail {

class send_queue {
public:
  static constexpr std::size_t retained_bytes = 256 * 1024;

  void push_copy(std::string_view bytes, message_kind kind, compress_mode compress) {
    entries_.push_back({nullptr, store_.size(), bytes.size(), kind, compress});
    store_.insert(store_.end(), bytes.begin(), bytes.end());
    payload_bytes_ += bytes.size();
  }

  void push_shared(std::shared_ptr<const std::string> bytes, message_kind kind, compress_mode compress) {
    const std::size_t size = bytes->size();
    entries_.push_back({std::move(bytes), 0, size, kind, compress});
    payload_bytes_ += size;
  }

  bool empty() const noexcept { return entries_.empty(); }
  std::size_t message_count() const noexcept { return entries_.size(); }
  std::size_t payload_bytes() const noexcept { return payload_bytes_; }

  // Forgets every message (written or dropped).
  void clear() noexcept {
    entries_.clear();
    payload_bytes_ = 0;
    if (store_.capacity() > retained_bytes) {
      std::vector<char>().swap(store_);
    } else {
      store_.clear();
    }
  }

  void swap(send_queue& other) noexcept {
    entries_.swap(other.entries_);
    store_.swap(other.store_);
    std::swap(payload_bytes_, other.payload_bytes_);
  }

  // The messages as async_write_batch takes them; they point into this queue.
  void gather(std::vector<outgoing_message>& out) const {
    out.clear();
    for (const entry& e : entries_) {
      const char* data = e.shared ? e.shared->data() : store_.data() + e.offset;
      out.push_back({e.kind, asio::buffer(data, e.size), e.compress});
    }
  }

private:
  struct entry {
    std::shared_ptr<const std::string> shared; // or null: the bytes are store_[offset, offset + size)
    std::size_t offset;
    std::size_t size;
    message_kind kind;
    compress_mode compress;
  };

  std::vector<entry> entries_;
  std::vector<char> store_;
  std::size_t payload_bytes_ = 0;
};

} // namespace asiows::detail

#endif
