/// \file
/// zlib's compressor and decompressor states for permessage-deflate, owned,
/// and a per-thread pool of them for connections that reset theirs after every
/// message.
///
/// With no context takeover (RFC 7692 7.1.1) a side's zlib state carries
/// nothing from one message to the next. Such a connection need not keep one:
/// it borrows a state from its thread's pool for one message and gives it back,
/// reset, when the message ends. An idle connection then holds no zlib memory
/// (about 140 KiB for a compressor with a 15-bit window at memLevel 4, 40 KiB
/// for a decompressor), and a thread holds only as many states as it has
/// messages in progress at once, plus a few spares. uWebSockets calls this its
/// shared compressor.
#ifndef ASIOWS_CORE_ZLIB_STREAM_HPP
#define ASIOWS_CORE_ZLIB_STREAM_HPP

#include <zlib.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace asiows::detail {

/// What a zlib state was made with: states are shared only between equals.
struct zlib_settings {
  bool compressor = true;
  int level = 6;        ///< compressor only
  int window_bits = 15; ///< raw DEFLATE window, 9-15
  int memory_level = 8; ///< compressor only

  bool operator==(const zlib_settings& other) const noexcept {
    return compressor == other.compressor && window_bits == other.window_bits &&
           (!compressor || (level == other.level && memory_level == other.memory_level));
  }
};

/// One zlib state, initialised on construction and ended on destruction.
class zlib_stream {
public:
  explicit zlib_stream(const zlib_settings& settings) noexcept : settings_(settings) {
    // Negative window bits: raw DEFLATE, no zlib header (RFC 7692 7.2.1).
    const int status = settings.compressor ? deflateInit2(&z_, settings.level, Z_DEFLATED, -settings.window_bits,
                                                          settings.memory_level, Z_DEFAULT_STRATEGY)
                                           : inflateInit2(&z_, -settings.window_bits);
    ready_ = status == Z_OK;
  }
  ~zlib_stream() {
    if (!ready_) return;
    if (settings_.compressor)
      deflateEnd(&z_);
    else
      inflateEnd(&z_);
  }
  zlib_stream(const zlib_stream&) = delete;
  zlib_stream& operator=(const zlib_stream&) = delete;

  /// Whether zlib could set it up (it fails only when out of memory).
  bool ready() const noexcept { return ready_; }
  z_stream& z() noexcept { return z_; }
  const zlib_settings& settings() const noexcept { return settings_; }

  /// Forgets the message in progress and the window, keeping the memory.
  void reset() noexcept {
    if (settings_.compressor)
      deflateReset(&z_);
    else
      inflateReset(&z_);
  }

  /// The memory zlib holds for it (zlib's own figures, zconf.h).
  std::size_t memory_bytes() const noexcept {
    if (settings_.compressor)
      return (std::size_t{1} << (settings_.window_bits + 2)) + (std::size_t{1} << (settings_.memory_level + 9));
    return (std::size_t{1} << settings_.window_bits) + 7 * 1024;
  }

private:
  zlib_settings settings_;
  z_stream z_{};
  bool ready_ = false;
};

/// The states this thread's connections gave back, for the next message that
/// needs one with the same settings.
class zlib_stream_pool {
public:
  /// More spares than this are freed: they only bridge between messages.
  static constexpr std::size_t max_spares = 4;

  /// A state with these settings (check ready()): a spare when there is one.
  static std::unique_ptr<zlib_stream> take(const zlib_settings& settings) {
    auto& spares = this_thread();
    for (auto& spare : spares) {
      if (spare->settings() == settings) {
        std::unique_ptr<zlib_stream> taken = std::move(spare);
        spare = std::move(spares.back());
        spares.pop_back();
        return taken;
      }
    }
    return std::make_unique<zlib_stream>(settings);
  }

  /// Takes back a state whose message has ended: reset, kept as a spare or freed.
  static void give_back(std::unique_ptr<zlib_stream> stream) noexcept {
    if (!stream || !stream->ready()) return;
    stream->reset();
    auto& spares = this_thread();
    if (spares.size() < max_spares) spares.push_back(std::move(stream)); // reserved: does not allocate
  }

  /// How many spares this thread keeps now.
  static std::size_t spares() { return this_thread().size(); }

  /// Frees this thread's spares (after a burst, say); later messages make new ones.
  static void release_spares() noexcept { this_thread().clear(); }

private:
  static std::vector<std::unique_ptr<zlib_stream>>& this_thread() {
    thread_local std::vector<std::unique_ptr<zlib_stream>> spares = [] {
      std::vector<std::unique_ptr<zlib_stream>> made;
      made.reserve(max_spares);
      return made;
    }();
    return spares;
  }
};

} // namespace asiows::detail

#endif
