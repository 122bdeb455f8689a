// The vector paths of masking and of UTF-8's ASCII skip against the portable
// code, on random bytes of every length up to a few blocks, at every
// alignment. Built twice where the compiler can: as the build targets (SSE2 on
// x86-64, NEON on ARM64) and with -mavx2 (simd_avx2_tests).
#include <asiows/core/mask.hpp>
#include <asiows/core/utf8.hpp>

#include "catch.hpp"

#include <random>
#include <vector>

using namespace asiows;

namespace {

bool cpu_runs_this_build() {
#if defined(ASIOWS_SIMD_AVX2) && (defined(__GNUC__) || defined(__clang__))
  return __builtin_cpu_supports("avx2");
#else
  return true;
#endif
}

} // namespace

TEST_CASE("simd: masking agrees with the portable code at every length, alignment and key offset") {
  if (!cpu_runs_this_build()) {
    WARN("this CPU lacks " << simd_name() << ": skipped");
    return;
  }
  INFO("instructions: " << simd_name());
  std::mt19937 random(6455);
  std::vector<std::uint8_t> source(600 + 64), expected(600 + 64), copied(600 + 64), in_place(600 + 64);
  long mismatches = 0, checks = 0;
  for (std::size_t length = 0; length <= 600; ++length) {
    for (std::size_t alignment = 0; alignment < 32; ++alignment) {
      for (std::size_t offset = 0; offset < 4; ++offset) {
        const mask_key key{static_cast<std::uint8_t>(random()), static_cast<std::uint8_t>(random()),
                           static_cast<std::uint8_t>(random()), static_cast<std::uint8_t>(random())};
        for (std::size_t i = 0; i < length + alignment; ++i) source[i] = static_cast<std::uint8_t>(random());
        std::uint8_t* const from = source.data() + alignment;
        const std::size_t expected_offset = detail::mask_bytes_portable(expected.data(), from, length, key, offset);
        // Into a destination at another alignment, and in place.
        std::uint8_t* const to = copied.data() + (alignment * 7) % 32;
        const std::size_t copy_offset = detail::mask_bytes(to, from, length, key, offset);
        std::copy(from, from + length, in_place.data() + alignment);
        const std::size_t in_place_offset =
            detail::mask_bytes(in_place.data() + alignment, in_place.data() + alignment, length, key, offset);
        ++checks;
        if (copy_offset != expected_offset || in_place_offset != expected_offset ||
            !std::equal(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(length), to) ||
            !std::equal(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(length),
                        in_place.data() + alignment))
          ++mismatches;
      }
    }
  }
  CHECK(checks == 601 * 32 * 4);
  CHECK(mismatches == 0);
}

TEST_CASE("simd: the ASCII skip stops exactly at the first non-ASCII byte") {
  if (!cpu_runs_this_build()) {
    WARN("this CPU lacks " << simd_name() << ": skipped");
    return;
  }
  std::mt19937 random(3629);
  std::vector<std::uint8_t> buffer(400 + 32);
  long failures = 0;
  for (std::size_t length = 0; length <= 400; ++length) {
    for (std::size_t alignment = 0; alignment < 32; alignment += 3) {
      std::uint8_t* const data = buffer.data() + alignment;
      for (std::size_t i = 0; i < length; ++i) data[i] = static_cast<std::uint8_t>(random() & 0x7F);
      // A non-ASCII byte at a random place, or none (position == length).
      const std::size_t first_high = random() % (length + 1);
      if (first_high < length) data[first_high] = static_cast<std::uint8_t>(0x80 | random());
      if (detail::ascii_run(data, length) != first_high || detail::ascii_run_portable(data, length) != first_high)
        ++failures;
      // And the validator built on it gives the same answer as a byte-wise walk.
      utf8_validator whole;
      bool expected = true;
      for (std::size_t i = 0; i < length; ++i) expected = expected && data[i] < 0x80;
      const bool valid = whole.feed(data, length) && whole.finish();
      if (first_high == length && valid != expected) ++failures;
      if (first_high < length && (data[first_high] < 0xC2 || data[first_high] > 0xF4) && valid) ++failures;
    }
  }
  CHECK(failures == 0);
}
