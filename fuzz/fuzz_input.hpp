// Helpers for the libFuzzer targets: take control bytes from the front of an
// input (where to split it, which role, which limits), and stop with a
// message when an invariant breaks (abort() is what libFuzzer reports).
#ifndef ASIOWS_FUZZ_INPUT_HPP
#define ASIOWS_FUZZ_INPUT_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace fuzz {

class input {
public:
  input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  // A control byte from the front (0 once the input is used up).
  std::uint8_t take_byte() {
    if (size_ == 0) return 0;
    --size_;
    return *data_++;
  }

  // The next piece of the rest: 1 to 256 bytes, as the next control byte says
  // (a split of the stream into reads of any size).
  std::size_t next_piece(std::size_t left) {
    const std::size_t want = std::size_t{take_byte()} + 1;
    return want < left ? want : left;
  }

  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }

private:
  const std::uint8_t* data_;
  std::size_t size_;
};

[[noreturn]] inline void violated(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

#define FUZZ_CHECK(condition)                                                                                  \
  do {                                                                                                         \
    if (!(condition)) ::fuzz::violated(#condition);                                                            \
  } while (0)

} // namespace fuzz

#endif
