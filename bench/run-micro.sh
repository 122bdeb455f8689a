#!/usr/bin/env bash
# Builds the release preset and runs the microbenchmarks. Extra arguments go
# to Google Benchmark (e.g. --benchmark_filter=utf8).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release -DASIOWS_BUILD_BENCH=ON >/dev/null
cmake --build --preset release --target asiows_micro
exec build/release/bench/asiows_micro --benchmark_counters_tabular=true "$@"
