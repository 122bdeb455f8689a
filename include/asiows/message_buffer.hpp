/// \file
/// message_buffer: a growable byte buffer for whole messages that leaves the
/// bytes it grows by uninitialized. std::string and std::vector zero them
/// first, a pass over every byte that a read then overwrites: for large
/// messages that pass costs as much as the copy it precedes.
///
///   asiows::message_buffer message;       // reuse it: it keeps its capacity
///   ws.async_read(message, ...);          // stream<> takes it as it is
///   std::string_view text = message.view();
///
/// For other Asio operations, asiows::message_dynamic_buffer(message) is the
/// DynamicBuffer_v2 over it.
#ifndef ASIOWS_MESSAGE_BUFFER_HPP
#define ASIOWS_MESSAGE_BUFFER_HPP

#include <asiows/detail/asio.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace asiows {

/// A growable byte buffer for whole messages that leaves the bytes it grows by uninitialized.
class message_buffer {
public:
  message_buffer() = default;
  /// Takes the other's memory; the other is left empty.
  message_buffer(message_buffer&&) noexcept = default;
  /// Takes the other's memory; the other is left empty.
  message_buffer& operator=(message_buffer&&) noexcept = default;
  message_buffer(const message_buffer&) = delete;
  message_buffer& operator=(const message_buffer&) = delete;

  /// The first byte (null before the first growth).
  char* data() noexcept { return storage_.get(); }
  /// The first byte (null before the first growth).
  const char* data() const noexcept { return storage_.get(); }
  /// The bytes it holds.
  std::size_t size() const noexcept { return size_; }
  /// The bytes it can hold before it reallocates.
  std::size_t capacity() const noexcept { return capacity_; }
  /// Whether it holds no byte.
  bool empty() const noexcept { return size_ == 0; }
  /// Its bytes as a string_view (valid until it changes).
  std::string_view view() const noexcept { return {storage_.get(), size_}; }

  /// Empties it, keeping the memory for the next message.
  void clear() noexcept { size_ = 0; }
  /// Frees the memory too (an idle connection need not hold a large message's room).
  void release() noexcept {
    storage_.reset();
    size_ = capacity_ = 0;
  }

  /// Makes room for `capacity` bytes in all, keeping what it holds.
  void reserve(std::size_t capacity) {
    if (capacity <= capacity_) return;
    std::unique_ptr<char[]> larger(new char[capacity]); // default-initialized: not zeroed
    if (size_ > 0) std::memcpy(larger.get(), storage_.get(), size_);
    storage_ = std::move(larger);
    capacity_ = capacity;
  }

  /// Adds `count` bytes at the end, uninitialized; growth doubles, so appends are amortized O(1).
  void grow(std::size_t count) {
    if (count > capacity_ - size_) reserve(std::max(size_ + count, capacity_ * 2));
    size_ += count;
  }

  /// Removes `count` bytes from the end.
  void shrink(std::size_t count) noexcept { size_ -= std::min(count, size_); }

  /// Removes `count` bytes from the front.
  void consume(std::size_t count) noexcept {
    count = std::min(count, size_);
    if (count < size_) std::memmove(storage_.get(), storage_.get() + count, size_ - count);
    size_ -= count;
  }

private:
  std::unique_ptr<char[]> storage_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

/// The DynamicBuffer_v2 over a message_buffer that async_read and the other
/// Asio operations take (a reference: the message_buffer must outlive it).
class message_dynamic_buffer {
public:
  /// As DynamicBuffer_v2 requires.
  using const_buffers_type = asio::const_buffer;
  /// As DynamicBuffer_v2 requires.
  using mutable_buffers_type = asio::mutable_buffer;

  /// A view of `buffer` that grows to at most `max_size` bytes (std::length_error past it).
  explicit message_dynamic_buffer(message_buffer& buffer,
                                  std::size_t max_size = std::numeric_limits<std::size_t>::max()) noexcept
      : buffer_(&buffer), max_size_(max_size) {}

  /// The bytes the buffer holds.
  std::size_t size() const noexcept { return buffer_->size(); }
  /// The most it may grow to.
  std::size_t max_size() const noexcept { return max_size_; }
  /// The bytes it can hold before it reallocates.
  std::size_t capacity() const noexcept { return buffer_->capacity(); }

  /// At most `count` bytes from `position`.
  const_buffers_type data(std::size_t position, std::size_t count) const noexcept {
    const std::size_t start = std::min(position, size());
    return asio::const_buffer(buffer_->data() + start, std::min(count, size() - start));
  }
  /// At most `count` bytes from `position`, writable.
  mutable_buffers_type data(std::size_t position, std::size_t count) noexcept {
    const std::size_t start = std::min(position, size());
    return asio::mutable_buffer(buffer_->data() + start, std::min(count, size() - start));
  }

  /// Appends `count` uninitialized bytes.
  void grow(std::size_t count) {
    if (count > max_size_ - std::min(max_size_, size())) throw std::length_error("asiows::message_buffer too long");
    buffer_->grow(count);
  }
  /// Removes `count` bytes from the end.
  void shrink(std::size_t count) noexcept { buffer_->shrink(count); }
  /// Removes `count` bytes from the start.
  void consume(std::size_t count) noexcept { buffer_->consume(count); }

private:
  message_buffer* buffer_;
  std::size_t max_size_;
};

/// The names message_dynamic_buffer had before 1.0 (they read as asio::dynamic_buffer, another type).
[[deprecated("pass the message_buffer itself, or message_dynamic_buffer(buffer)")]] inline message_dynamic_buffer
dynamic_buffer(message_buffer& buffer) noexcept {
  return message_dynamic_buffer(buffer);
}
/// The name message_dynamic_buffer(buffer, max_size) had before 1.0.
[[deprecated("use message_dynamic_buffer(buffer, max_size)")]] inline message_dynamic_buffer
dynamic_buffer(message_buffer& buffer, std::size_t max_size) noexcept {
  return message_dynamic_buffer(buffer, max_size);
}

} // namespace asiows

#endif
