// Test helper: feeds `wire` to anything with feed(const char*, size_t) that
// returns {status, consumed}, `piece` bytes at a time, until it stops asking for more.
#ifndef ASIOWS_TESTS_FEED_IN_PIECES_HPP
#define ASIOWS_TESTS_FEED_IN_PIECES_HPP

#include <asiows/core/frame.hpp>

#include <algorithm>
#include <string>

namespace test {

template <class Reader>
struct fed {
  decltype(std::declval<Reader&>().feed(nullptr, 0)) last; // the last result
  std::size_t consumed = 0;                                // bytes consumed in all
};

template <class Reader>
fed<Reader> feed_in_pieces(Reader& reader, const std::string& wire, std::size_t piece) {
  fed<Reader> out{};
  while (out.consumed < wire.size()) {
    const std::size_t take = std::min(piece, wire.size() - out.consumed);
    out.last = reader.feed(wire.data() + out.consumed, take);
    out.consumed += out.last.consumed;
    if (out.last.status != asiows::parse_status::need_more) break;
  }
  return out;
}

} // namespace test

#endif
