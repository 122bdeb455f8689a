/// \file
/// Which vector instructions masking and UTF-8 validation use, chosen at
/// compile time: AVX2 when the compiler targets it (-mavx2, -march=native),
/// else SSE2 (every x86-64), NEON on 64-bit ARM, else none (portable word-at-a-
/// time code). Define ASIOWS_NO_SIMD to build the portable code only.
#ifndef ASIOWS_CORE_SIMD_HPP
#define ASIOWS_CORE_SIMD_HPP

#if !defined(ASIOWS_NO_SIMD)
#if defined(__AVX2__)
#define ASIOWS_SIMD_AVX2 1
#define ASIOWS_SIMD_SSE2 1
#include <immintrin.h>
#elif defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#define ASIOWS_SIMD_SSE2 1
#include <emmintrin.h>
#elif defined(__aarch64__) && defined(__ARM_NEON)
#define ASIOWS_SIMD_NEON 1
#include <arm_neon.h>
#endif
#endif

namespace asiows {

/// The instructions this build uses, for reports ("avx2", "sse2", "neon", "none").
constexpr const char* simd_name() noexcept {
#if defined(ASIOWS_SIMD_AVX2)
  return "avx2";
#elif defined(ASIOWS_SIMD_SSE2)
  return "sse2";
#elif defined(ASIOWS_SIMD_NEON)
  return "neon";
#else
  return "none";
#endif
}

} // namespace asiows

#endif
