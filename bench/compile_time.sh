#!/usr/bin/env bash
# Compile time and compiler memory of a minimal echo server: asiows (the README's
# server through <asiows/asiows.hpp>, and over wss) against Boost.Beast's async
# echo (bench/beast_echo.cpp, and bench/compile/beast_echo_wss.cpp). asiows' units
# are built header-only and with ASIOWS_SEPARATE_COMPILATION ("separate": the
# endpoints only declared; "src" is the one unit that includes <asiows/src.hpp>,
# built once per program, with TLS). Each unit is compiled ROUNDS times (default 3)
# with g++ -O2 -c, all alternating within a round; the table gives medians of the
# compiler's CPU time (user + system) and peak memory (RSS), the object's size,
# and asiows' ratios to Beast.
#   bench/compile_time.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
scripts/install-deps.sh --bench >/dev/null
cxx=${CXX:-g++}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
asiows_flags=(-std=c++17 -O2 -Iinclude -DASIO_STANDALONE -DASIO_NO_DEPRECATED -DASIOWS_ENABLE_DEFLATE=1)
separate_flags=("${asiows_flags[@]}" -DASIOWS_SEPARATE_COMPILATION)
declare -A sources=([asiows]=bench/compile/asiows_echo.cpp [asiows-wss]=bench/compile/asiows_echo_wss.cpp
                    [asiows-separate]=bench/compile/asiows_echo.cpp
                    [asiows-wss-separate]=bench/compile/asiows_echo_wss.cpp [asiows-src]=tests/separate/src.cpp
                    [beast]=bench/beast_echo.cpp [beast-wss]=bench/compile/beast_echo_wss.cpp)
declare -A flags=([asiows]="${asiows_flags[*]}" [asiows-wss]="${asiows_flags[*]} -DASIOWS_ENABLE_SSL=1"
                  [asiows-separate]="${separate_flags[*]}"
                  [asiows-wss-separate]="${separate_flags[*]} -DASIOWS_ENABLE_SSL=1"
                  [asiows-src]="${separate_flags[*]} -DASIOWS_ENABLE_SSL=1"
                  [beast]="-std=c++17 -O2" [beast-wss]="-std=c++17 -O2")
subjects=(asiows asiows-separate beast asiows-wss asiows-wss-separate beast-wss asiows-src)
results=$out/results
for round in $(seq "$rounds"); do
  for subject in "${subjects[@]}"; do
    # shellcheck disable=SC2086 # the flags are words
    /usr/bin/time -f "%U %S %M" -o "$out/time" "$cxx" ${flags[$subject]} -c "${sources[$subject]}" -o "$out/$subject.o"
    read -r user system memory <"$out/time"
    echo "$subject $(awk -v u="$user" -v s="$system" 'BEGIN { print u + s }') $memory $(stat -c %s "$out/$subject.o")" >>"$results"
  done
  echo "round $round done" >&2
done
/usr/bin/python3 - "$results" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    subject, seconds, kib, size = line.split()
    rows[subject].append((float(seconds), int(kib), int(size)))
def med(subject, column):
    return statistics.median(r[column] for r in rows[subject])
print("| translation unit (g++ -O2 -c) | CPU time (s) | compiler memory (MB) | object (MB) |")
print("|---|---|---|---|")
for subject in ("asiows", "asiows-separate", "beast", "asiows-wss", "asiows-wss-separate", "beast-wss", "asiows-src"):
    print(f"| {subject} | {med(subject, 0):.1f} | {med(subject, 1) / 1024:.0f} | {med(subject, 2) / 1e6:.2f} |")
for mine, theirs in (("asiows", "beast"), ("asiows-separate", "beast"), ("asiows-wss", "beast-wss"),
                     ("asiows-wss-separate", "beast-wss")):
    print(f"{mine} / {theirs}: time {med(mine, 0) / med(theirs, 0):.2f}x, memory {med(mine, 1) / med(theirs, 1):.2f}x")
PY
