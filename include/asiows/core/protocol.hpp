/// \file
/// The per-connection WebSocket state machine (RFC 6455 5 - 7), for either role,
/// with no I/O: feed it received bytes, it returns events; ask it to encode
/// messages, it writes frames into a buffer of yours.
///
/// Receiving. receive() parses from a mutable buffer of received bytes and
/// returns one event and how many bytes it consumed. Payloads are unmasked in
/// place and returned as views into that buffer, so message data is never
/// copied here: a message arrives as one or more `message_data` events, the
/// last with message_complete set. Only what comes split across reads is kept
/// inside: a frame header (up to 14 bytes), and a control frame's payload (up to
/// 125 bytes, held until that frame is reported).
///
/// Sending. serialize_*() append whole frames to a caller's buffer;
/// prepare_data_frame() gives just a frame header, so a caller can write the
/// payload from its own memory (gather I/O, no copy). Clients mask with a
/// fresh unpredictable key per frame.
///
/// Replies the protocol owes the peer (a pong for each ping, the Close echo, the
/// Close that fails the connection) wait until the caller takes them with
/// take_pending_control(). Pongs queue up to max_owed_pongs, in order; past
/// that the oldest gives way (RFC 6455 5.5.3 allows answering only the
/// latest), so memory stays bounded however many pings arrive.
///
/// Until the Close it owes is taken, the protocol still frames data: replies
/// to the messages that came before the peer's Close or before the frame that
/// failed the connection can go out ahead of our Close, as the strictest
/// peers expect (Autobahn 3.2, 5.15, 7.1.x).
#ifndef ASIOWS_CORE_PROTOCOL_HPP
#define ASIOWS_CORE_PROTOCOL_HPP

#include <asiows/core/close_code.hpp>
#include <asiows/core/compression.hpp>
#include <asiows/core/error.hpp>
#include <asiows/core/frame.hpp>
#include <asiows/core/mask.hpp>
#include <asiows/core/options.hpp>
#include <asiows/core/pong_queue.hpp>
#include <asiows/core/utf8.hpp>
#include <asiows/core/detail/random.hpp>
#include <asiows/core/detail/read_block.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <system_error>
#include <vector>

namespace asiows {

/// Which end of the connection: a client masks its frames, a server must not.
enum class role : std::uint8_t { client, server };

/// A message's kind: text (UTF-8) or binary.
enum class message_kind : std::uint8_t { text = 0x1, binary = 0x2 };

/// Where a connection's close handshake stands.
enum class close_state : std::uint8_t {
  open,       ///< messages flow both ways
  close_sent, ///< we sent Close and wait for the peer's; its messages still arrive
  closed,     ///< both Close frames exchanged (or ours is pending as the echo)
  failed,     ///< a protocol error failed the connection (RFC 6455 7.1.7)
};

/// What protocol::receive() found.
enum class event_type : std::uint8_t {
  need_more,    ///< every byte given was consumed; feed more
  message_data, ///< a piece of a text or binary message
  ping,
  pong,
  close,   ///< the peer's Close frame
  failure, ///< the peer broke the protocol; a Close with close_code is pending
};

/// What protocol::receive() found in the input: one event, and the bytes it consumed.
struct event {
  event_type type = event_type::need_more; ///< what happened
  /// How many bytes of the input this event consumed.
  std::size_t consumed = 0;
  /// message_data: the message's kind, and whether this piece ends it.
  message_kind kind = message_kind::binary;
  bool message_complete = false; ///< message_data: this piece ends the message
  /// message_data: the piece; ping/pong: the payload; close: the reason.
  /// Valid until the next call to receive() or until the input buffer changes.
  const std::uint8_t* data = nullptr;
  std::size_t size = 0; ///< the bytes at `data`
  /// close: the peer's code (close_code::no_status if it sent none);
  /// failure: the code we close with.
  std::uint16_t close_code = 0;
  std::error_code error; ///< failure: what went wrong

  /// data and size as a string_view.
  std::string_view text() const noexcept { return {reinterpret_cast<const char*>(data), size}; }
};

/// A frame header ready to be written before a payload of the caller's.
struct frame_prefix {
  std::array<std::uint8_t, max_frame_header_size> bytes{}; ///< the header; the first `size` bytes count
  std::size_t size = 0;                                    ///< the header's length in bytes
  bool masked = false;                                     ///< whether the payload must be masked with `key`
  mask_key key{};                                          ///< a client masks the payload with this (copy_masked)
};

/// The most take_pending_control() writes: every owed pong and a Close, all full size.
inline constexpr std::size_t max_pending_control_size =
    (max_owed_pongs + 1) * (max_frame_header_size + max_control_payload);

/// The per-connection WebSocket state machine, without I/O: see the description of this file.
class protocol {
public:
  /// A connection in `role` (client or server) with the limits of `opts`.
  explicit protocol(asiows::role role, const options& opts = {}) noexcept
      : max_message_size_(opts.max_message_size),
        max_frame_size_(opts.max_frame_size),
        auto_fragment_size_(opts.auto_fragment_size),
        role_(role) {}

  /// Client or server.
  asiows::role role() const noexcept { return role_; }
  /// Where the close handshake stands.
  close_state state() const noexcept { return state_; }

  /// Whether this side should close the TCP connection once its pending output
  /// is written (RFC 6455 7.1.1): the server after the Close handshake, either
  /// side after a failure. A closed client waits for the server to close.
  bool should_close_transport() const noexcept {
    return state_ == close_state::failed || (state_ == close_state::closed && role_ == role::server);
  }

  // ---- receiving ------------------------------------------------------------

  /// Parses from `data` (unmasking payloads in place) up to the next event.
  /// Call it again with the bytes after `consumed` until it returns need_more,
  /// also when no bytes are left: a compressed message can have inflated
  /// output to give after its last input byte.
  /// After the peer's Close or a failure, further input is consumed and ignored.
  event receive(std::uint8_t* data, std::size_t size) {
    std::size_t position = 0;
    if (deflate_ && deflate_->inflated_spent) { // the last compressed message's last piece has been taken
      deflate_->inflated_spent = false;
      deflate_->inflated.release();
    }
    if (control_split_ && reading_header_) control_split_.reset(); // the frame it gathered was reported
    if (state_ == close_state::closed || state_ == close_state::failed) return need_more(size);
    for (;;) {
      if (reading_header_) {
        frame_header header;
        const frame_parse_result parsed = take_header(data, size, position, header);
        if (parsed.status == parse_status::need_more) return need_more(size);
        if (parsed.status == parse_status::error) return fail(parsed.failure, size);
        if (const error violation = begin_frame(header); violation != error{}) return fail(violation, size);
        reading_header_ = false;
      }
      const std::size_t available =
          static_cast<std::size_t>(std::min<std::uint64_t>(frame_remaining_, size - position));
      if (is_control(frame_.op)) {
        if (control_size_ == 0 && available == frame_remaining_) { // all here: unmasked where it is
          std::uint8_t* payload = data + position;
          if (frame_.masked) apply_mask(payload, available, frame_.key, 0);
          position += available;
          frame_remaining_ = 0;
          reading_header_ = true;
          return finish_control_frame(payload, available, position, size);
        }
        // Split across reads: gathered in a buffer held only until the frame is whole.
        if (!control_split_) control_split_ = std::make_unique<std::array<std::uint8_t, max_control_payload>>();
        std::uint8_t* gathered = control_split_->data();
        if (available > 0) std::memcpy(gathered + control_size_, data + position, available);
        if (frame_.masked)
          mask_offset_ = static_cast<std::uint8_t>(apply_mask(gathered + control_size_, available, frame_.key, mask_offset_));
        control_size_ = static_cast<std::uint8_t>(control_size_ + available);
        position += available;
        frame_remaining_ -= available;
        if (frame_remaining_ > 0) return need_more(size);
        reading_header_ = true;
        return finish_control_frame(gathered, control_size_, position, size);
      }
      if (receiving_compressed_) {
        const event inflated = inflate_piece(data, size, position, available);
        if (inflated.type != event_type::need_more) return inflated;
        if (reading_header_) continue; // a frame of the message ended with nothing to report yet
        if (inflated.consumed == 0) return need_more(size);
        continue;
      }
      std::uint8_t* piece = data + position;
      if (frame_.masked)
        mask_offset_ = static_cast<std::uint8_t>(apply_mask(piece, available, frame_.key, mask_offset_));
      const bool text = receiving_kind_ == message_kind::text;
      if (text && !utf8_.feed(piece, available)) return fail(error::invalid_utf8, size);
      position += available;
      frame_remaining_ -= available;
      const bool frame_done = frame_remaining_ == 0;
      const bool message_done = frame_done && frame_.fin;
      if (frame_done) reading_header_ = true;
      if (message_done) {
        if (text && !utf8_.finish()) return fail(error::invalid_utf8, size);
        receiving_message_ = false;
      }
      if (available > 0 || message_done) {
        event piece_event;
        piece_event.type = event_type::message_data;
        piece_event.consumed = position;
        piece_event.kind = receiving_kind_;
        piece_event.message_complete = message_done;
        piece_event.data = piece;
        piece_event.size = available;
        return piece_event;
      }
      if (!frame_done) return need_more(size);
      // An empty frame that does not end its message: nothing to report.
    }
  }

  /// True while a received message has started and not yet ended.
  bool receiving_message() const noexcept { return receiving_message_; }

  /// How many of the next bytes are payload of the data frame being received
  /// that receive() would return in place, as they are (uncompressed): a
  /// caller may read that many straight into its message buffer and hand them
  /// to receive() there, saving a copy. 0 between frames, in control frames
  /// and compressed messages, and once reading has ended.
  std::uint64_t payload_ahead() const noexcept {
    if (state_ != close_state::open && state_ != close_state::close_sent) return 0;
    if (reading_header_ || is_control(frame_.op) || receiving_compressed_) return 0;
    return frame_remaining_;
  }

  /// Whether `data`, the next bytes receive() will see, holds the rest of a
  /// message: every frame up to a final data frame is complete, so receive()
  /// delivers the whole message without more input. Looks at headers only.
  /// False when unsure (between frames is the only place it looks from), and
  /// for a Close or a malformed header: those end reading, not deliver a message.
  bool message_buffered(const std::uint8_t* data, std::size_t size) const noexcept {
    if (state_ != close_state::open || !reading_header_ || header_buffered_ != 0) return false;
    std::size_t position = 0;
    while (position < size) {
      frame_header header;
      const frame_parse_result parsed = parse_frame_header(data + position, size - position, header);
      if (parsed.status != parse_status::complete || header.op == opcode::close) return false;
      if (header.payload_length > size - position - parsed.size) return false;
      position += parsed.size + static_cast<std::size_t>(header.payload_length);
      if (!is_control(header.op) && header.fin) return true;
    }
    return false;
  }

  /// Turns on a negotiated per-message compression (permessage-deflate): RSV1
  /// marks compressed messages both ways (RFC 7692 6). Messages of at least
  /// `threshold` bytes are compressed by default (compress_mode::automatic).
  /// Compressed messages arrive inflated, in pieces of at most 16 KiB from a
  /// buffer the thread lends while a message is inflated (given back at the
  /// receive() after its last piece), and the message size limit applies to the
  /// inflated size, checked as it grows (a decompression bomb stops at it).
  void enable_compression(std::unique_ptr<message_compression> compression, std::size_t threshold) {
    if (!compression) return deflate_.reset();
    deflate_ = std::make_unique<deflate_state>();
    deflate_->threshold = threshold;
    deflate_->compress_outgoing = compression->compresses_outgoing();
    deflate_->codec = std::move(compression);
  }

  /// Whether a compression extension was set (set_compression).
  bool compression_enabled() const noexcept { return deflate_ != nullptr; }
  /// What compression holds in memory now: its streams and the inflate buffer,
  /// all created on first use (0 until a message is compressed or inflated);
  /// between messages, a side without context takeover holds none.
  std::size_t compression_memory() const noexcept {
    return deflate_ ? deflate_->codec->memory_bytes() + deflate_->inflated.size() : 0;
  }

  // ---- replies owed to the peer -----------------------------------------------

  /// Whether take_pending_control() has anything to write: owed pongs or a Close.
  bool has_pending_control() const noexcept { return !owed_pongs_.empty() || close_pending_; }
  /// Whether a Close is owed (the echo of the peer's, or one that fails the connection).
  bool has_pending_close() const noexcept { return close_pending_; }
  /// Whether pongs are owed.
  bool has_owed_pongs() const noexcept { return !owed_pongs_.empty(); }

  /// The most the next take_pending_control() writes: size a buffer with it.
  std::size_t pending_control_size() const noexcept {
    return owed_pongs_.size() * max_frame_header_size + owed_pongs_.payload_bytes() +
           (close_pending_ ? max_frame_header_size + 2 : 0);
  }

  /// Writes the owed pongs, oldest first, then the owed Close, if any, to
  /// `out`, which must hold pending_control_size() (at most
  /// max_pending_control_size) bytes, and forgets them. Returns the bytes
  /// written. Write them between whole frames of your own; once the Close is
  /// taken, no data frame may follow it.
  std::size_t take_pending_control(std::uint8_t* out) {
    std::size_t written = take_owed_pongs(out);
    if (close_pending_) {
      std::uint8_t payload[2] = {static_cast<std::uint8_t>(pending_close_code_ >> 8),
                                 static_cast<std::uint8_t>(pending_close_code_)};
      const std::size_t payload_size = pending_close_code_ == close_code::no_status ? 0 : 2;
      written += write_frame(opcode::close, true, payload, payload_size, out + written);
      close_pending_ = false;
    }
    return written;
  }

  /// Writes only the owed pongs (as take_pending_control does), leaving an owed
  /// Close for later: a writer about to send data takes these before it.
  std::size_t take_owed_pongs(std::uint8_t* out) {
    std::size_t written = 0;
    owed_pongs_.drain([&](const std::uint8_t* payload, std::size_t size) {
      written += write_frame(opcode::pong, true, payload, size, out + written);
    });
    return written;
  }

  /// Whether data frames may still be framed: while open, and while the Close
  /// that answers the peer's Close or fails the connection is owed but not yet
  /// taken (the messages before it may still be answered).
  bool may_send_data() const noexcept { return state_ == close_state::open || close_pending_; }

  // ---- sending --------------------------------------------------------------

  /// Appends `message` as one frame, or as several of options::auto_fragment_size.
  /// With compression negotiated, `mode` says whether to compress it.
  std::error_code serialize_message(message_kind kind, const void* data, std::size_t size,
                                    std::vector<std::uint8_t>& out, compress_mode mode = compress_mode::automatic) {
    if (!may_send_data()) return error::closed;
    if (sending_message_) return error::message_in_progress;
    auto bytes = static_cast<const std::uint8_t*>(data);
    compress_next_ = will_compress(size, mode);
    if (compress_next_) {
      // RFC 7692 6: the whole message is compressed, then framed; RSV1 on its first frame.
      std::vector<std::uint8_t>& compressed = deflate_->compressed;
      compressed.clear();
      if (auto failure = deflate_->codec->compress(bytes, size, true, compressed)) {
        compress_next_ = false;
        return failure;
      }
      bytes = compressed.data();
      size = compressed.size();
    }
    const std::size_t fragment = auto_fragment_size_ == 0 ? size : auto_fragment_size_;
    std::size_t remaining = size;
    do {
      const std::size_t piece = std::min(fragment, remaining);
      remaining -= piece;
      append_data_frame(kind, bytes, piece, remaining == 0, out);
      bytes += piece;
    } while (remaining > 0);
    compress_next_ = false;
    return {};
  }

  /// serialize_message() for a string_view.
  std::error_code serialize_message(message_kind kind, std::string_view message, std::vector<std::uint8_t>& out,
                                    compress_mode mode = compress_mode::automatic) {
    return serialize_message(kind, message.data(), message.size(), out, mode);
  }

  /// Appends one frame of a message you fragment yourself: the first call
  /// starts a message of `kind`; later calls (same kind) continue it; the call
  /// with fin == true ends it.
  std::error_code serialize_frame(message_kind kind, const void* data, std::size_t size, bool fin,
                                  std::vector<std::uint8_t>& out) {
    if (!may_send_data()) return error::closed;
    if (sending_message_ && kind != sending_kind_) return error::message_in_progress;
    append_data_frame(kind, static_cast<const std::uint8_t*>(data), size, fin, out);
    return {};
  }

  /// The header of the next data frame (rules as serialize_frame) for a payload
  /// the caller writes itself after it; a client must mask that payload with
  /// prefix.key (copy_masked). Updates the send state as if the frame was sent.
  std::error_code prepare_data_frame(message_kind kind, std::size_t payload_size, bool fin, frame_prefix& prefix) {
    if (!may_send_data()) return error::closed;
    if (sending_message_ && kind != sending_kind_) return error::message_in_progress;
    prefix = make_prefix(next_data_opcode(kind, fin), fin, payload_size);
    return {};
  }

  /// Whether serialize_message would compress a message of `size` bytes under `mode`.
  bool will_compress(std::size_t size, compress_mode mode) const noexcept {
    return deflate_ && deflate_->compress_outgoing &&
           (mode == compress_mode::always || (mode == compress_mode::automatic && size >= deflate_->threshold));
  }

  /// True while a message started with serialize_frame / prepare_data_frame is unfinished.
  bool sending_message() const noexcept { return sending_message_; }

  /// Appends a ping carrying `data` (at most max_control_payload bytes).
  std::error_code serialize_ping(const void* data, std::size_t size, std::vector<std::uint8_t>& out) {
    return append_control(opcode::ping, data, size, out);
  }

  /// An unsolicited pong (a one-way heartbeat, RFC 6455 5.5.3); pings are answered by themselves.
  std::error_code serialize_pong(const void* data, std::size_t size, std::vector<std::uint8_t>& out) {
    return append_control(opcode::pong, data, size, out);
  }

  /// Starts the close handshake (RFC 6455 5.5.1, 7.1.2). close_code::no_status
  /// sends a Close with no code and no reason. No data may be sent after it.
  std::error_code serialize_close(std::uint16_t code, std::string_view reason, std::vector<std::uint8_t>& out) {
    if (state_ != close_state::open) return error::closed;
    std::uint8_t payload[max_control_payload];
    std::size_t payload_size = 0;
    if (code == close_code::no_status) {
      if (!reason.empty()) return error::invalid_close_code_to_send;
    } else {
      if (!is_valid_wire_close_code(code)) return error::invalid_close_code_to_send;
      if (reason.size() > max_control_payload - 2) return error::close_reason_too_long;
      if (!is_valid_utf8(reason)) return error::invalid_close_reason;
      payload[0] = static_cast<std::uint8_t>(code >> 8);
      payload[1] = static_cast<std::uint8_t>(code);
      std::memcpy(payload + 2, reason.data(), reason.size());
      payload_size = 2 + reason.size();
    }
    append_frame(opcode::close, true, payload, payload_size, out);
    state_ = close_state::close_sent;
    return {};
  }

private:

  /// One step of a compressed message: unmask what arrived (once), inflate
  /// what fits in the inflate buffer. Returns a message_data event when bytes came out
  /// or the message ended, a failure, or need_more with consumed = the input
  /// taken (0: wait for more input).
  event inflate_piece(std::uint8_t* data, std::size_t size, std::size_t& position, std::size_t available) {
    deflate_state& d = *deflate_; // a compressed message: compression was agreed
    // Bytes left unconsumed by the last step were unmasked already; the caller passes them again.
    if (frame_.masked && available > d.unmasked_ahead)
      mask_offset_ = static_cast<std::uint8_t>(apply_mask(data + position + d.unmasked_ahead,
                                                          available - d.unmasked_ahead, frame_.key, mask_offset_));
    d.unmasked_ahead = available;
    const bool message_ends = frame_.fin && available == frame_remaining_;
    if (available == 0 && !message_ends) {
      // An empty frame in the middle of the message: on to the next header (the caller parses on).
      if (frame_remaining_ == 0) reading_header_ = true;
      return need_more(0);
    }
    d.inflated.acquire(); // held while a message is inflated: idle connections hold none
    const inflate_step step =
        d.codec->decompress(data + position, available, message_ends, d.inflated.data(), d.inflated.size());
    if (step.failure) return fail(error::bad_compressed_data, size);
    if (step.consumed == 0 && step.produced == 0 && !step.message_done) return fail(error::bad_compressed_data, size);
    position += step.consumed;
    frame_remaining_ -= step.consumed;
    d.unmasked_ahead -= step.consumed;
    d.inflated_size += step.produced;
    if (d.inflated_size > max_message_size_) return fail(error::message_too_big, size); // RFC 7692 8.1 bombs
    const bool text = receiving_kind_ == message_kind::text;
    if (text && !utf8_.feed(d.inflated.data(), step.produced)) return fail(error::invalid_utf8, size);
    if (step.message_done) {
      if (text && !utf8_.finish()) return fail(error::invalid_utf8, size);
      d.inflated_spent = true; // given back at the next receive(): the event below points into it
      receiving_message_ = false;
      receiving_compressed_ = false;
      reading_header_ = true;
    } else if (frame_remaining_ == 0 && !frame_.fin) {
      reading_header_ = true; // the message goes on in a continuation frame
    }
    if (step.produced > 0 || step.message_done) {
      event piece;
      piece.type = event_type::message_data;
      piece.consumed = position;
      piece.kind = receiving_kind_;
      piece.message_complete = step.message_done;
      piece.data = d.inflated.data();
      piece.size = step.produced;
      return piece;
    }
    return need_more(step.consumed == 0 ? 0 : position);
  }

  static event need_more(std::size_t consumed) noexcept {
    event result;
    result.consumed = consumed;
    return result;
  }

  /// Takes the next frame header from the input, buffering a split one.
  frame_parse_result take_header(const std::uint8_t* data, std::size_t size, std::size_t& position,
                                 frame_header& header) noexcept {
    if (header_buffered_ == 0) {
      const frame_parse_result parsed = parse_frame_header(data + position, size - position, header);
      if (parsed.status == parse_status::complete) {
        position += parsed.size;
        return parsed;
      }
      if (parsed.status == parse_status::error) return parsed;
    }
    // Split across reads: gather it in header_buffer_ (it needs at most 14 bytes).
    for (;;) {
      const frame_parse_result parsed = parse_frame_header(header_buffer_.data(), header_buffered_, header);
      if (parsed.status != parse_status::need_more) {
        if (parsed.status == parse_status::complete) header_buffered_ = 0;
        return parsed;
      }
      const std::size_t take = std::min(parsed.size - header_buffered_, size - position);
      if (take == 0) return parsed;
      std::memcpy(header_buffer_.data() + header_buffered_, data + position, take);
      header_buffered_ = static_cast<std::uint8_t>(header_buffered_ + take);
      position += take;
    }
  }

  /// The rules that depend on this connection; returns error{} when the frame may proceed.
  error begin_frame(const frame_header& header) noexcept {
    if (role_ == role::server && !header.masked) return error::unmasked_client_frame; // RFC 6455 5.1
    if (role_ == role::client && header.masked) return error::masked_server_frame;
    if (header.rsv2 || header.rsv3) return error::reserved_bits_set; // RFC 6455 5.2
    // RSV1 marks a compressed message: only with compression, only on a message's first frame (RFC 7692 6).
    if (header.rsv1 && (!deflate_ || is_control(header.op) || header.op == opcode::continuation))
      return error::reserved_bits_set;
    if (!is_control(header.op)) {
      if (header.op == opcode::continuation) {
        if (!receiving_message_) return error::unexpected_continuation; // RFC 6455 5.4
      } else {
        if (receiving_message_) return error::expected_continuation;
        receiving_message_ = true;
        receiving_kind_ = static_cast<message_kind>(header.op);
        receiving_compressed_ = header.rsv1;
        message_size_ = 0;
        if (receiving_compressed_) {
          deflate_->inflated_size = 0;
          deflate_->unmasked_ahead = 0;
        }
        utf8_.reset();
      }
      if (header.payload_length > max_frame_size_) return error::frame_too_big;
      if (header.payload_length > max_message_size_ - message_size_) return error::message_too_big;
      message_size_ += static_cast<std::size_t>(header.payload_length);
    }
    frame_ = header;
    frame_remaining_ = header.payload_length;
    mask_offset_ = 0;
    control_size_ = 0;
    return {};
  }

  // Reports a whole control frame whose unmasked payload is at `payload`.
  event finish_control_frame(const std::uint8_t* payload, std::size_t payload_size, std::size_t position,
                             std::size_t size) {
    event result;
    result.consumed = position;
    result.data = payload;
    result.size = payload_size;
    if (frame_.op == opcode::ping) {
      result.type = event_type::ping;
      if (state_ == close_state::open) owed_pongs_.push(payload, payload_size); // none after our Close
      return result;
    }
    if (frame_.op == opcode::pong) {
      result.type = event_type::pong;
      return result;
    }
    // Close (RFC 6455 5.5.1): no payload, or a 2-byte code and a UTF-8 reason.
    result.type = event_type::close;
    result.close_code = close_code::no_status;
    if (payload_size == 1) return fail(error::bad_close_payload, size);
    if (payload_size >= 2) {
      result.close_code = static_cast<std::uint16_t>(payload[0] << 8 | payload[1]);
      if (!is_valid_wire_close_code(result.close_code)) return fail(error::bad_close_code, size);
      result.data = payload + 2;
      result.size = payload_size - 2u;
      if (!is_valid_utf8(result.data, result.size)) return fail(error::invalid_close_reason, size);
    }
    if (state_ == close_state::open) {
      pending_close_code_ = result.close_code; // echo the code (RFC 6455 5.5.1)
      close_pending_ = true;
    }
    state_ = close_state::closed;
    return result;
  }

  event fail(error failure, std::size_t consumed) noexcept {
    event result;
    result.type = event_type::failure;
    result.consumed = consumed;
    result.error = failure;
    result.close_code = close_code_for(failure);
    if (state_ == close_state::open) {
      pending_close_code_ = result.close_code;
      close_pending_ = true;
    }
    // Pongs owed stay: their pings came before the bad frame, and they go out ahead of the Close.
    state_ = close_state::failed;
    return result;
  }

  frame_prefix make_prefix(opcode op, bool fin, std::size_t payload_size) {
    frame_header header;
    header.fin = fin;
    header.op = op;
    header.payload_length = payload_size;
    header.masked = role_ == role::client; // RFC 6455 5.3: clients mask every frame
    header.rsv1 = compress_next_ && op != opcode::continuation && !is_control(op); // RFC 7692 6
    if (header.masked) detail::random_bytes(header.key.data(), header.key.size());
    frame_prefix prefix;
    prefix.size = serialize_frame_header(header, prefix.bytes.data());
    prefix.masked = header.masked;
    prefix.key = header.key;
    return prefix;
  }

  /// Appends one frame to `out` (header, then the payload, masked for a client).
  void append_frame(opcode op, bool fin, const void* data, std::size_t size, std::vector<std::uint8_t>& out) {
    const std::size_t start = out.size();
    out.resize(start + max_frame_header_size + size);
    out.resize(start + write_frame(op, fin, static_cast<const std::uint8_t*>(data), size, out.data() + start));
  }

  /// The opcode of the next outgoing data frame; records whether its message goes on.
  opcode next_data_opcode(message_kind kind, bool fin) noexcept {
    const opcode op = sending_message_ ? opcode::continuation : static_cast<opcode>(kind);
    sending_kind_ = kind;
    sending_message_ = !fin;
    return op;
  }

  void append_data_frame(message_kind kind, const std::uint8_t* data, std::size_t size, bool fin,
                         std::vector<std::uint8_t>& out) {
    append_frame(next_data_opcode(kind, fin), fin, data, size, out);
  }

  std::error_code append_control(opcode op, const void* data, std::size_t size, std::vector<std::uint8_t>& out) {
    if (state_ != close_state::open) return error::closed;
    if (size > max_control_payload) return error::control_payload_too_large;
    append_frame(op, true, data, size, out);
    return {};
  }

  /// Writes one frame at `out` (room for max_frame_header_size + size bytes); returns its size.
  std::size_t write_frame(opcode op, bool fin, const std::uint8_t* payload, std::size_t size, std::uint8_t* out) {
    const frame_prefix prefix = make_prefix(op, fin, size);
    std::memcpy(out, prefix.bytes.data(), prefix.size);
    if (prefix.masked)
      copy_masked(out + prefix.size, payload, size, prefix.key);
    else if (size > 0)
      std::memcpy(out + prefix.size, payload, size);
    return prefix.size + size;
  }

  /// Limits.
  std::size_t max_message_size_;
  std::size_t max_frame_size_;
  std::size_t auto_fragment_size_;

  /// Receiving.
  frame_header frame_;            ///< the frame being read
  std::uint64_t frame_remaining_ = 0;
  std::size_t message_size_ = 0;  ///< bytes of the current message announced so far
  utf8_validator utf8_;
  /// Compression (permessage-deflate), when negotiated: its state, kept apart
  /// (most connections never agree on it).
  struct deflate_state {
    std::unique_ptr<message_compression> codec;
    detail::read_block inflated;          ///< a compressed message's output, a piece at a time
    std::vector<std::uint8_t> compressed; ///< an outgoing message, compressed
    std::size_t threshold = 0;
    std::size_t inflated_size = 0;  ///< bytes of the current message inflated so far
    std::size_t unmasked_ahead = 0; ///< input bytes unmasked but not yet consumed
    bool inflated_spent = false;    ///< inflated is free to go back once its last piece is taken
    bool compress_outgoing = false; ///< with a window we can compress with
  };
  std::unique_ptr<deflate_state> deflate_;
  bool receiving_compressed_ = false;
  bool compress_next_ = false; ///< the message being framed is compressed
  std::array<std::uint8_t, max_frame_header_size> header_buffer_{};
  /// A control frame's payload that came split across reads; none otherwise.
  std::unique_ptr<std::array<std::uint8_t, max_control_payload>> control_split_;
  std::uint8_t header_buffered_ = 0;
  std::uint8_t control_size_ = 0;
  std::uint8_t mask_offset_ = 0;
  bool reading_header_ = true;
  bool receiving_message_ = false;
  message_kind receiving_kind_ = message_kind::binary;

  /// Sending.
  bool sending_message_ = false;
  message_kind sending_kind_ = message_kind::binary;
  pong_queue owed_pongs_;
  bool close_pending_ = false;
  std::uint16_t pending_close_code_ = 0;

  asiows::role role_;
  close_state state_ = close_state::open;
};

} // namespace asiows

#endif
