// A global operator new that counts the allocations of the whole program, for
// the tests that show a steady state allocates nothing. It replaces operator
// new for the binary: include it in one file of a runner of its own, and not
// in sanitizer builds (they replace operator new themselves).
#ifndef ASIOWS_TESTS_COUNTING_NEW_HPP
#define ASIOWS_TESTS_COUNTING_NEW_HPP

#include <atomic>
#include <cstdlib>
#include <new>

namespace test {
// Allocations through operator new since the program started.
inline std::atomic<long> allocations{0};
} // namespace test

// g++ 12 at -O3 inlines these into Asio's code and then reports the free() in
// delete as mismatched with the new it came from; they are a matched pair.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  test::allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif
