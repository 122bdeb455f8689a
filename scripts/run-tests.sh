#!/usr/bin/env bash
# Builds and runs every test: installs what is missing, then for each preset
# (g++ C++17 and C++20, g++ optimized as users ship it (Release, -O3), clang++
# C++20, clang++ C++20 on the newest standalone Asio (../shared/third_party),
# g++ C++20 on Boost.Asio (the stream, TLS, endpoint, hostile and package tests),
# clang++ C++17 with ASan+UBSan, and the threaded tests under TSan)
# configures, builds and runs ctest; then the API reference (Doxygen: every public name
# documented, no warning), the Conan package (scripts/test-conan.sh), the soak
# test once (10,000 connections, on the gcc build) and each libFuzzer target
# for ASIOWS_FUZZ_SECONDS (default 60) seconds.
# Usage: scripts/run-tests.sh [preset ...]   (also "docs", "conan", "soak" and "fuzz")
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(gcc gcc-cxx20 release clang-cxx20 newest-asio boost sanitize tsan docs conan soak fuzz)
newest_asio=../shared/third_party/asio-1.38.2/include

for preset in "${presets[@]}"; do
  echo "==== preset: $preset"
  if [ "$preset" = soak ]; then
    [ -d build/gcc ] || { cmake --preset gcc >/dev/null && cmake --build --preset gcc; }
    ctest --test-dir build/gcc -L soak --verbose # the figures go to the log
    continue
  fi
  if [ "$preset" = newest-asio ] && [ ! -f "$newest_asio/asio.hpp" ]; then
    echo "skipped: no $newest_asio (see ../shared/third_party/README.md)"
    continue
  fi
  if [ "$preset" = docs ]; then
    mkdir -p build/doxygen
    doxygen docs/Doxyfile # WARN_AS_ERROR: an undocumented public name fails it
    echo "API reference: build/doxygen/html/index.html"
    continue
  fi
  if [ "$preset" = conan ]; then
    scripts/test-conan.sh
    continue
  fi
  if [ "$preset" = fuzz ]; then
    scripts/run-fuzz.sh "${ASIOWS_FUZZ_SECONDS:-60}"
    continue
  fi
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
