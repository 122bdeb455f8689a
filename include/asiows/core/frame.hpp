/// \file
/// The WebSocket frame header (RFC 6455 5.2): parse one from bytes, serialize one
/// into a caller's buffer. Payloads are not touched here (see mask.hpp).
///
/// The header-level rules live here, in one place: reserved opcodes, control
/// frames of at most 125 bytes and never fragmented (RFC 6455 5.5), payload
/// lengths in their shortest encoding with the top bit of a 64-bit length clear.
/// Rules that depend on the connection (masking direction, negotiated RSV bits,
/// fragmentation sequence) are the protocol's (protocol.hpp).
#ifndef ASIOWS_CORE_FRAME_HPP
#define ASIOWS_CORE_FRAME_HPP

#include <asiows/core/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace asiows {

/// A frame's opcode (RFC 6455 5.2).
enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// Whether `op` is a control frame's (close, ping, pong).
constexpr bool is_control(opcode op) noexcept { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

/// Whether `value` is an opcode RFC 6455 defines (others fail the connection).
constexpr bool is_defined_opcode(std::uint8_t value) noexcept {
  return value <= 0x2 || (value >= 0x8 && value <= 0xA);
}

/// RFC 6455 5.5: control frames carry at most 125 payload bytes.
inline constexpr std::size_t max_control_payload = 125;
/// 2 fixed bytes + 8 bytes of extended length + 4 bytes of masking key.
inline constexpr std::size_t max_frame_header_size = 14;

/// The four bytes a client masks a frame's payload with (RFC 6455 5.3).
using mask_key = std::array<std::uint8_t, 4>;

/// One frame's header (RFC 6455 5.2), as parsed from the wire or to be written.
struct frame_header {
  bool fin = true;                  ///< the last frame of its message
  bool rsv1 = false;                ///< RSV1: set on the first frame of a compressed message (RFC 7692)
  bool rsv2 = false;                ///< RSV2: no extension here defines it; set means a protocol error
  bool rsv3 = false;                ///< RSV3: as RSV2
  opcode op = opcode::text;         ///< what the frame carries
  bool masked = false;              ///< whether the payload is masked (every client frame, no server frame)
  std::uint64_t payload_length = 0; ///< the payload's size in bytes
  mask_key key{};                   ///< meaningful only when masked
};

/// The size of the header that encodes a payload of `payload_length` bytes.
constexpr std::size_t frame_header_size(std::uint64_t payload_length, bool masked) noexcept {
  const std::size_t length_bytes = payload_length < 126 ? 0 : payload_length <= 0xFFFF ? 2 : 8;
  return 2 + length_bytes + (masked ? 4 : 0);
}

/// What an incremental parse came to: done, needs more bytes, or failed.
enum class parse_status { complete, need_more, error };

/// What parse_frame_header() found.
struct frame_parse_result {
  parse_status status = parse_status::need_more; ///< complete, need_more or error
  /// complete: the header's size in bytes. need_more: how many bytes the header
  /// needs at least (2 until the first two bytes are there, then the exact size).
  std::size_t size = 2;
  error failure{}; ///< meaningful when status == error
};

/// Parses the frame header at the start of `data`. Never reads past `size`.
inline frame_parse_result parse_frame_header(const std::uint8_t* data, std::size_t size,
                                             frame_header& out) noexcept {
  if (size < 2) return {parse_status::need_more, 2, {}};
  const std::uint8_t first = data[0];
  const std::uint8_t second = data[1];
  const bool masked = (second & 0x80) != 0;
  const std::uint8_t length7 = second & 0x7F;
  const std::size_t header_size = std::size_t{2} + (length7 == 126 ? 2u : length7 == 127 ? 8u : 0u) + (masked ? 4u : 0u);

  const std::uint8_t opcode_value = first & 0x0F;
  const bool fin = (first & 0x80) != 0;
  if (!is_defined_opcode(opcode_value)) return {parse_status::error, 0, error::reserved_opcode};
  const auto op = static_cast<opcode>(opcode_value);
  if (is_control(op)) {
    if (length7 > max_control_payload) return {parse_status::error, 0, error::control_frame_too_large};
    if (!fin) return {parse_status::error, 0, error::fragmented_control_frame};
  }
  if (size < header_size) return {parse_status::need_more, header_size, {}};

  // Each read below is guarded by a test of `size` that the check above already
  // ensures: repeated so that the compiler sees the bound too (g++ 12 at -O3
  // otherwise warns of reads past a short buffer, -Warray-bounds). One test per
  // field, not per byte: this is the per-message path.
  std::uint64_t length = length7;
  std::size_t position = 2;
  if (length7 == 126 && size >= 4) {
    length = std::uint64_t{data[2]} << 8 | data[3];
    position = 4;
    if (length < 126) return {parse_status::error, 0, error::non_minimal_length};
  } else if (length7 == 127 && size >= 10) {
    length = 0;
    for (std::size_t i = 2; i < 10; ++i) length = length << 8 | data[i];
    position = 10;
    if (length >> 63) return {parse_status::error, 0, error::length_top_bit_set};
    if (length <= 0xFFFF) return {parse_status::error, 0, error::non_minimal_length};
  }

  out.fin = fin;
  out.rsv1 = (first & 0x40) != 0;
  out.rsv2 = (first & 0x20) != 0;
  out.rsv3 = (first & 0x10) != 0;
  out.op = op;
  out.masked = masked;
  out.payload_length = length;
  if (masked && size >= position + 4) {
    std::memcpy(out.key.data(), data + position, 4);
  } else {
    out.key = {};
  }
  return {parse_status::complete, header_size, {}};
}

/// Writes `header` to `out`, which must hold max_frame_header_size bytes, in the
/// shortest length encoding. Returns the number of bytes written. The caller
/// keeps control frames within max_control_payload; the protocol checks that.
inline std::size_t serialize_frame_header(const frame_header& header, std::uint8_t* out) noexcept {
  out[0] = static_cast<std::uint8_t>((header.fin ? 0x80 : 0) | (header.rsv1 ? 0x40 : 0) |
                                     (header.rsv2 ? 0x20 : 0) | (header.rsv3 ? 0x10 : 0) |
                                     static_cast<std::uint8_t>(header.op));
  const std::uint8_t mask_bit = header.masked ? 0x80 : 0;
  std::size_t position = 2;
  const std::uint64_t length = header.payload_length;
  if (length < 126) {
    out[1] = static_cast<std::uint8_t>(mask_bit | length);
  } else if (length <= 0xFFFF) {
    out[1] = mask_bit | 126;
    out[2] = static_cast<std::uint8_t>(length >> 8);
    out[3] = static_cast<std::uint8_t>(length);
    position = 4;
  } else {
    out[1] = mask_bit | 127;
    for (std::size_t i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(length >> (56 - 8 * i));
    position = 10;
  }
  if (header.masked) {
    for (std::size_t i = 0; i < 4; ++i) out[position + i] = header.key[i];
    position += 4;
  }
  return position;
}

} // namespace asiows

#endif
