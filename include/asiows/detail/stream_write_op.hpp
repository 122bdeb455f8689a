// stream<NextLayer>::async_write / async_write_some: send a message (or one
// fragment of it) as frames. A server writes each frame header and the
// caller's payload as one gather write, with no copy; a client masks the
// payload while copying it into a scratch buffer, a chunk at a time. Pongs
// owed to the peer go out between frames; an owed Close goes out after the
// write (the data written meanwhile answers messages that came before it).
#ifndef ASIOWS_DETAIL_STREAM_WRITE_OP_HPP
#define ASIOWS_DETAIL_STREAM_WRITE_OP_HPP

#include <asiows/detail/stream_impl.hpp>

#include <asiows/detail/asio.hpp>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <memory>

namespace asiows {

/// One message of a batch (stream::async_write_batch).
struct outgoing_message {
  message_kind kind = message_kind::text;            ///< text or binary
  asio::const_buffer payload;                        ///< the bytes, which must stay valid until the batch completes
  compress_mode compress = compress_mode::automatic; ///< with permessage-deflate agreed
};

} // namespace asiows

namespace asiows::detail {

inline constexpr std::size_t mask_chunk_size = 64 * 1024;

// Calls visit(pointer, size) for the bytes [offset, offset + length) of a buffer sequence.
template <class ConstBufferSequence, class Visitor>
void for_each_slice(const ConstBufferSequence& buffers, std::size_t offset, std::size_t length, Visitor&& visit) {
  for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers) && length > 0; ++it) {
    asio::const_buffer piece(*it);
    if (offset >= piece.size()) {
      offset -= piece.size();
      continue;
    }
    piece += offset;
    offset = 0;
    const std::size_t take = std::min(piece.size(), length);
    visit(static_cast<const std::uint8_t*>(piece.data()), take);
    length -= take;
  }
}

template <class NextLayer, class ConstBufferSequence>
class write_op : asio::coroutine {
public:
  write_op(std::shared_ptr<stream_impl<NextLayer>> impl, message_kind kind, bool fin, ConstBufferSequence buffers,
           compress_mode mode)
      : impl_(std::move(impl)), buffers_(std::move(buffers)), kind_(kind), fin_(fin), mode_(mode),
        total_(asio::buffer_size(buffers_)) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}, std::size_t = 0) {
    stream_impl<NextLayer>& s = *impl_;
    ASIOWS_CORO_REENTER(*this) {
      if (!s.writer.try_lock()) { // in line for the write lock
        ASIOWS_CORO_YIELD s.writer.async_lock(std::move(self), s.next_layer.get_executor());
        did_io_ = true;
      }
      if (ec) {
        result_ = ec; // cancelled in line: nothing was written
      } else if (!(result_ = s.begin_write())) {
        do {
          if (!next_batch(s)) break;
          ASIOWS_CORO_YIELD asio::async_write(s.next_layer, s.gathered(), transfer_in_one_call{}, std::move(self));
          did_io_ = true;
        } while (!ec && (sent_ < total_ || frame_left_ > 0));
        if (const error_code ended = s.end_write(ec); !result_) result_ = ended;
      }
      if (!did_io_) {
        ASIOWS_CORO_YIELD asio::post(s.next_layer.get_executor(), std::move(self));
      }
      self.complete(result_, result_ ? 0 : total_);
    }
  }

private:
  // Fills the stream's gather list with the next write: owed control frames (between frames
  // only), a frame header when a frame starts, and payload bytes.
  bool next_batch(stream_impl<NextLayer>& s) {
    auto& out = s.out();
    if (sent_ == 0 && fin_ && !s.engine->sending_message() && s.engine->will_compress(total_, mode_))
      return compressed_batch(s);
    if (frame_left_ != 0) {
      out.gather.clear(); // the rest of a frame: nothing may go between its bytes
    } else {
      s.refill_pongs_out();
      const std::size_t remaining = total_ - sent_;
      const std::size_t fragment = s.settings().auto_fragment_size;
      const std::size_t frame_size = fragment == 0 ? remaining : std::min(fragment, remaining);
      const bool fin = sent_ + frame_size == total_ && fin_;
      if (auto failure = s.engine->prepare_data_frame(kind_, frame_size, fin, prefix_)) {
        result_ = failure;
        return false;
      }
      // The header goes out from the stream's storage, after the owed pongs, never from this
      // operation's: the operation moves between the steps of a write the next layer takes in pieces.
      out.control_out.insert(out.control_out.end(), prefix_.bytes.data(), prefix_.bytes.data() + prefix_.size);
      s.gather_control_first();
      frame_left_ = frame_size;
      mask_offset_ = 0;
    }
    if (!prefix_.masked) {
      for_each_slice(buffers_, sent_, frame_left_,
                     [&](const std::uint8_t* data, std::size_t size) { out.gather.push_back(asio::buffer(data, size)); });
      sent_ += frame_left_;
      frame_left_ = 0;
      return true;
    }
    const std::size_t chunk = std::min(frame_left_, mask_chunk_size);
    out.scratch.resize(chunk);
    std::size_t filled = 0;
    for_each_slice(buffers_, sent_, chunk, [&](const std::uint8_t* data, std::size_t size) {
      mask_offset_ = copy_masked(out.scratch.data() + filled, data, size, prefix_.key, mask_offset_);
      filled += size;
    });
    if (chunk > 0) out.gather.push_back(asio::buffer(out.scratch.data(), chunk));
    sent_ += chunk;
    frame_left_ -= chunk;
    return true;
  }

  // A whole message to compress: compressed and framed by the protocol into scratch, one write.
  bool compressed_batch(stream_impl<NextLayer>& s) {
    auto& out = s.out();
    s.refill_pongs_out();
    s.gather_control_first();
    const std::uint8_t* data = nullptr;
    if (asio::buffer_sequence_begin(buffers_) != asio::buffer_sequence_end(buffers_) &&
        std::next(asio::buffer_sequence_begin(buffers_)) == asio::buffer_sequence_end(buffers_)) {
      data = static_cast<const std::uint8_t*>(asio::const_buffer(*asio::buffer_sequence_begin(buffers_)).data());
    } else {
      out.flat.resize(total_);
      asio::buffer_copy(asio::buffer(out.flat), buffers_);
      data = out.flat.data();
    }
    out.scratch.clear();
    if (auto failure = s.engine->serialize_message(kind_, data, total_, out.scratch, mode_)) {
      result_ = failure;
      return false;
    }
    out.gather.push_back(asio::buffer(out.scratch));
    sent_ = total_;
    frame_left_ = 0;
    return true;
  }

  std::shared_ptr<stream_impl<NextLayer>> impl_;
  ConstBufferSequence buffers_;
  message_kind kind_;
  bool fin_;
  compress_mode mode_;
  std::size_t total_;
  std::size_t sent_ = 0;       // payload bytes handed to the socket
  std::size_t frame_left_ = 0; // payload bytes of the current frame not yet handed over
  std::size_t mask_offset_ = 0;
  frame_prefix prefix_;
  bool did_io_ = false;
  error_code result_;
};

// stream<NextLayer>::async_write_batch: several whole messages in one write
// call (the coalescing a send queue wants): a server gathers every header and
// payload; a client masks them all into the scratch buffer.
template <class NextLayer>
class write_batch_op : asio::coroutine {
public:
  write_batch_op(std::shared_ptr<stream_impl<NextLayer>> impl, const outgoing_message* messages, std::size_t count)
      : impl_(std::move(impl)), messages_(messages), count_(count) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}, std::size_t = 0) {
    stream_impl<NextLayer>& s = *impl_;
    ASIOWS_CORO_REENTER(*this) {
      if (!s.writer.try_lock()) { // in line for the write lock
        ASIOWS_CORO_YIELD s.writer.async_lock(std::move(self), s.next_layer.get_executor());
        did_io_ = true;
      }
      if (ec) {
        result_ = ec; // cancelled in line: nothing was written
      } else if (!(result_ = s.begin_write())) {
        if (s.engine->sending_message()) {
          s.end_write({});
          result_ = error::message_in_progress;
        } else if ((result_ = build(s))) {
          s.end_write({}); // e.g. our Close went out: nothing may follow it
        } else {
          ASIOWS_CORO_YIELD asio::async_write(s.next_layer, s.gathered(), transfer_in_one_call{}, std::move(self));
          did_io_ = true;
          result_ = s.end_write(ec);
        }
      }
      if (!did_io_) {
        ASIOWS_CORO_YIELD asio::post(s.next_layer.get_executor(), std::move(self));
      }
      self.complete(result_, result_ ? 0 : payload_bytes_);
    }
  }

private:
  // Fills the stream's gather list with the whole batch; an error when a frame may not be sent.
  error_code build(stream_impl<NextLayer>& s) {
    auto& buffers = s.out();
    s.refill_pongs_out();
    buffers.scratch.clear();
    if (compresses_any(s)) {
      // The protocol frames (and compresses, as each message's mode says) every message into scratch.
      for (std::size_t m = 0; m < count_; ++m) {
        const auto* payload = static_cast<const std::uint8_t*>(messages_[m].payload.data());
        if (auto failure = s.engine->serialize_message(messages_[m].kind, payload, messages_[m].payload.size(),
                                                       buffers.scratch, messages_[m].compress))
          return failure;
        payload_bytes_ += messages_[m].payload.size();
      }
      s.gather_control_first();
      buffers.gather.push_back(asio::buffer(buffers.scratch));
      return {};
    }
    // Frame headers, a client's masked payloads and short payloads are
    // copied into scratch, which merges them into few iovec entries (each
    // costs the kernel more than copying a few hundred bytes); longer
    // payloads of a server are gathered where they are. Scratch is sized
    // first: the buffers point into it.
    const bool masked = s.engine->role() == role::client;
    std::size_t scratch_size = 0;
    for_each_frame([&](std::size_t, std::size_t, std::size_t piece, bool) {
      scratch_size += frame_header_size(piece, masked) + (copies_payload(masked, piece) ? piece : 0);
    });
    buffers.scratch.resize(scratch_size);
    s.gather_control_first();
    std::size_t used = 0;
    error_code failure;
    const auto append = [&buffers](const std::uint8_t* data, std::size_t size) {
      if (!buffers.gather.empty()) {
        asio::const_buffer& last = buffers.gather.back();
        if (static_cast<const std::uint8_t*>(last.data()) + last.size() == data) {
          last = asio::const_buffer(last.data(), last.size() + size);
          return;
        }
      }
      buffers.gather.push_back(asio::buffer(data, size));
    };
    for_each_frame([&](std::size_t m, std::size_t offset, std::size_t piece, bool fin) {
      if (failure) return;
      frame_prefix prefix;
      if ((failure = s.engine->prepare_data_frame(messages_[m].kind, piece, fin, prefix))) return;
      const auto* payload = static_cast<const std::uint8_t*>(messages_[m].payload.data()) + offset;
      std::uint8_t* out = buffers.scratch.data() + used;
      std::memcpy(out, prefix.bytes.data(), prefix.size);
      std::size_t copied = prefix.size;
      if (prefix.masked) {
        copy_masked(out + copied, payload, piece, prefix.key);
        copied += piece;
      } else if (copies_payload(false, piece) && piece > 0) {
        std::memcpy(out + copied, payload, piece);
        copied += piece;
      }
      append(out, copied);
      if (copied == prefix.size && piece > 0) append(payload, piece); // gathered in place
      used += copied;
    });
    if (failure) return failure;
    for (std::size_t m = 0; m < count_; ++m) payload_bytes_ += messages_[m].payload.size();
    return {};
  }

  // Payloads up to this size are copied next to their header rather than gathered.
  static constexpr std::size_t copy_threshold = 512;
  static bool copies_payload(bool masked, std::size_t size) noexcept { return masked || size <= copy_threshold; }

  // Calls visit(message index, payload offset, frame payload size, fin) for
  // each frame of the batch, as options::auto_fragment_size splits them.
  template <class Visitor>
  void for_each_frame(Visitor&& visit) const {
    const std::size_t fragment_limit = impl_->settings().auto_fragment_size;
    for (std::size_t m = 0; m < count_; ++m) {
      const std::size_t size = messages_[m].payload.size();
      std::size_t offset = 0;
      do {
        const std::size_t piece = fragment_limit == 0 ? size - offset : std::min(fragment_limit, size - offset);
        visit(m, offset, piece, offset + piece == size);
        offset += piece;
      } while (offset < size);
    }
  }

  bool compresses_any(stream_impl<NextLayer>& s) const {
    for (std::size_t m = 0; m < count_; ++m)
      if (s.engine->will_compress(messages_[m].payload.size(), messages_[m].compress)) return true;
    return false;
  }

  std::shared_ptr<stream_impl<NextLayer>> impl_;
  const outgoing_message* messages_;
  std::size_t count_;
  std::size_t payload_bytes_ = 0;
  bool did_io_ = false;
  error_code result_;
};

} // namespace asiows::detail

#endif
