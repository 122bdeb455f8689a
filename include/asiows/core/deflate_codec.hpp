/// \file
/// The compressor and decompressor of permessage-deflate (RFC 7692 7.2), on
/// zlib. One per connection, created by deflate_params after negotiation.
///
/// Each message is raw DEFLATE ended by a sync flush whose trailing 00 00 ff ff
/// is removed (7.2.1) and put back before inflating (7.2.2). zlib streams are
/// created on first use and kept; with no_context_takeover they are borrowed
/// from the thread's pool for each message instead (below), and given back
/// reset, never reallocated per message. Decompression writes into a buffer of
/// the caller's size and stops when it is full, so the caller bounds what a
/// small message may inflate to (a decompression bomb costs bounded memory).
///
/// A message must end on a block boundary once the tail is restored (or with
/// a final block): data cut off inside a block is bad_compressed_data (1007).
///
/// Memory held (zlib's own figures): compressor 2^(w+2) + 2^(memory_level+9)
/// bytes, decompressor 2^max(w,9) + about 7 KiB; memory_bytes() reports the sum,
/// which is 0 between messages for a side that borrows (zlib_stream.hpp).
#ifndef ASIOWS_CORE_DEFLATE_CODEC_HPP
#define ASIOWS_CORE_DEFLATE_CODEC_HPP

#include <asiows/core/compression.hpp>
#include <asiows/core/deflate_negotiation.hpp>
#include <asiows/core/error.hpp>
#include <asiows/core/zlib_stream.hpp>

#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <system_error>
#include <vector>

namespace asiows {

/// permessage-deflate (RFC 7692) on zlib, with the parameters both sides agreed.
class deflate_codec final : public message_compression {
public:
  /// A codec for the agreed `params`, compressing at opts' level and memory level.
  deflate_codec(const deflate_params& params, const deflate_options& opts) noexcept
      : params_(params), level_(opts.compression_level), memory_level_(opts.memory_level) {}

  ~deflate_codec() override = default; ///< a state borrowed mid-message is freed, not pooled: the pool may be gone

  deflate_codec(const deflate_codec&) = delete;
  deflate_codec& operator=(const deflate_codec&) = delete;

  // ---- compressing ----

  /// Appends the compressed form of the next `size` bytes of a message to
  /// `out`; `last` ends the message (the sync flush, its tail removed).
  std::error_code compress(const std::uint8_t* data, std::size_t size, bool last,
                           std::vector<std::uint8_t>& out) override {
    if (!deflater_) {
      const detail::zlib_settings settings{true, level_, params_.local_window_bits, memory_level_};
      deflater_ = params_.local_no_context_takeover ? detail::zlib_stream_pool::take(settings)
                                                    : std::make_unique<detail::zlib_stream>(settings);
      if (!deflater_->ready()) {
        deflater_.reset();
        return std::make_error_code(std::errc::not_enough_memory);
      }
    }
    z_stream& z = deflater_->z();
    z.next_in = const_cast<Bytef*>(data); // zlib's API is not const-correct; it does not write here
    z.avail_in = static_cast<uInt>(size);
    const int flush = last ? Z_SYNC_FLUSH : Z_NO_FLUSH;
    do {
      const std::size_t start = out.size();
      const std::size_t room = deflateBound(&z, z.avail_in) + 16;
      out.resize(start + room);
      z.next_out = out.data() + start;
      z.avail_out = static_cast<uInt>(room);
      const int status = deflate(&z, flush);
      out.resize(start + room - z.avail_out);
      if (status != Z_OK && status != Z_BUF_ERROR) return std::make_error_code(std::errc::io_error);
    } while (z.avail_in > 0 || z.avail_out == 0);
    if (last) {
      // A sync flush ends with an empty stored block: 00 00 ff ff. RFC 7692 7.2.1 removes it.
      if (out.size() >= 4 && out[out.size() - 4] == 0x00 && out[out.size() - 3] == 0x00 &&
          out[out.size() - 2] == 0xff && out[out.size() - 1] == 0xff)
        out.resize(out.size() - 4);
      if (params_.local_no_context_takeover) detail::zlib_stream_pool::give_back(std::move(deflater_));
    }
    return {};
  }

  // ---- decompressing ----

  /// Inflates the next piece of a compressed message into `out`. Call again with
  /// the input not consumed and fresh room until the input is used up (and,
  /// when `message_ends` says this piece ends the message, until message_done).
  inflate_step decompress(const std::uint8_t* in, std::size_t in_size, bool message_ends, std::uint8_t* out,
                          std::size_t out_size) override {
    static constexpr std::uint8_t tail[4] = {0x00, 0x00, 0xff, 0xff};
    inflate_step step;
    if (message_ends && in_size == 0 && !message_started_) {
      // No payload at all: the empty message. The tail alone is not whole
      // DEFLATE data, so it is not fed (and the shared window stays intact).
      step.message_done = true;
      return step;
    }
    message_started_ = true;
    if (!inflater_) {
      const detail::zlib_settings settings{false, 0, inflate_window_bits(), 0};
      inflater_ = params_.remote_no_context_takeover ? detail::zlib_stream_pool::take(settings)
                                                     : std::make_unique<detail::zlib_stream>(settings);
      if (!inflater_->ready()) {
        inflater_.reset();
        step.failure = std::make_error_code(std::errc::not_enough_memory);
        return step;
      }
    }
    z_stream& z = inflater_->z();
    bool give_back_inflater = false; // after the last use of z: the pool may free it
    z.next_out = out;
    z.avail_out = static_cast<uInt>(out_size);
    // The message's own bytes, then (at its end) the tail RFC 7692 7.2.2 restores.
    if (!stream_ended_ && in_size > 0) {
      z.next_in = const_cast<Bytef*>(in);
      z.avail_in = static_cast<uInt>(in_size);
      if (!run_inflate(step)) return step;
      step.consumed = in_size - z.avail_in;
    } else {
      step.consumed = in_size; // after a final block (BFINAL) nothing more is inflated
    }
    if (message_ends && step.consumed == in_size && z.avail_out > 0) {
      if (!stream_ended_) {
        // With the tail all fed already this feeds nothing and drains what zlib still holds.
        z.next_in = const_cast<Bytef*>(tail + tail_fed_);
        z.avail_in = 4 - tail_fed_;
        if (!run_inflate(step)) return step;
        tail_fed_ = 4 - z.avail_in;
      }
      // Done once the tail is in and inflate had room to spare (nothing left inside).
      if ((tail_fed_ == 4 || stream_ended_) && z.avail_out > 0) {
        if (!stream_ended_ && !at_block_boundary_) {
          step.failure = error::bad_compressed_data;
          return step;
        }
        step.message_done = true;
        message_started_ = false;
        tail_fed_ = 0;
        if (params_.remote_no_context_takeover)
          give_back_inflater = true;
        else if (stream_ended_)
          inflater_->reset(); // after a final block the stream starts over
        stream_ended_ = false;
      }
    }
    step.produced = out_size - z.avail_out;
    if (give_back_inflater) detail::zlib_stream_pool::give_back(std::move(inflater_));
    return step;
  }

  /// The memory zlib holds for this connection now.
  std::size_t memory_bytes() const noexcept override {
    return (deflater_ ? deflater_->memory_bytes() : 0) + (inflater_ ? inflater_->memory_bytes() : 0);
  }

  /// zlib compresses raw DEFLATE with windows of 9 to 15 bits only.
  bool compresses_outgoing() const noexcept override { return params_.local_window_bits >= 9; }

  /// The agreed parameters.
  const deflate_params& params() const noexcept { return params_; }

private:
  /// A peer that agreed to 8 bits may still compress with 9 (zlib has no 8-bit
  /// raw window); a window larger than the peer's costs a little memory, never
  /// correctness, so inflate with at least 9.
  int inflate_window_bits() const noexcept { return std::max(params_.remote_window_bits, 9); }

  bool run_inflate(inflate_step& step) {
    z_stream& z = inflater_->z();
    const uInt in_before = z.avail_in, out_before = z.avail_out;
    const int status = inflate(&z, Z_SYNC_FLUSH);
    // zlib's data_type has 128 set when inflate stopped between blocks. A call
    // that finds nothing to do starts the next block header and clears it, so
    // such a call keeps what the last call that did something said.
    const bool progressed = z.avail_in != in_before || z.avail_out != out_before;
    at_block_boundary_ = (z.data_type & 128) != 0 || (at_block_boundary_ && !progressed);
    if (status == Z_STREAM_END) {
      stream_ended_ = true; // a final block: the rest of the message carries nothing
      return true;
    }
    if (status == Z_OK || status == Z_BUF_ERROR) return true; // Z_BUF_ERROR: no room or no input, not fatal
    step.failure = error::bad_compressed_data;
    return false;
  }

  deflate_params params_;
  int level_;
  int memory_level_;
  std::unique_ptr<detail::zlib_stream> deflater_; ///< none between messages when borrowed from the pool
  std::unique_ptr<detail::zlib_stream> inflater_;
  bool stream_ended_ = false;
  bool message_started_ = false;  ///< bytes of the current message were given
  bool at_block_boundary_ = true; ///< inflate last stopped between DEFLATE blocks
  unsigned tail_fed_ = 0;
};

} // namespace asiows

#endif
