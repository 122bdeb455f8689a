/// \file
/// The seam between the protocol and a per-message compression extension
/// (RFC 6455 9, RFC 7692): the protocol needs no zlib, and its layout is the
/// same whether or not zlib is there. deflate_codec (deflate_codec.hpp)
/// implements it.
#ifndef ASIOWS_CORE_COMPRESSION_HPP
#define ASIOWS_CORE_COMPRESSION_HPP

#include <cstddef>
#include <cstdint>
#include <system_error>
#include <vector>

namespace asiows {

/// What one decompression step did.
struct inflate_step {
  std::size_t consumed = 0;  ///< input bytes taken
  std::size_t produced = 0;  ///< output bytes written
  bool message_done = false; ///< the whole message is out
  std::error_code failure;   ///< error::bad_compressed_data
};

/// A per-message compression extension, as the protocol uses it (deflate_codec implements it).
class message_compression {
public:
  virtual ~message_compression() = default;

  /// Appends the compressed form of the next piece of a message to `out`; `last` ends the message.
  virtual std::error_code compress(const std::uint8_t* data, std::size_t size, bool last,
                                   std::vector<std::uint8_t>& out) = 0;

  /// Decompresses the next piece of a message into `out` (at most out_size
  /// bytes). Call again with the input not consumed and fresh room until the
  /// input is used up and, when `message_ends`, until message_done.
  virtual inflate_step decompress(const std::uint8_t* in, std::size_t in_size, bool message_ends, std::uint8_t* out,
                                  std::size_t out_size) = 0;

  /// Memory the compressor and decompressor hold now.
  virtual std::size_t memory_bytes() const noexcept = 0;

  /// Whether this side compresses what it sends. False when the agreement
  /// leaves it a window its compressor cannot use (8 bits with zlib): its
  /// messages then go out uncompressed, as RFC 7692 6 lets any sender do, and
  /// no compressor memory is ever allocated. Receiving is unaffected.
  virtual bool compresses_outgoing() const noexcept { return true; }
};

/// When a message is compressed (with compression negotiated).
enum class compress_mode {
  automatic, ///< when it is at least the threshold long
  always,
  never,
};

} // namespace asiows

#endif
