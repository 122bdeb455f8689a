#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang++, ASan+UBSan) and
# runs each for a bounded time, two at a time, starting from the seeds in
# fuzz/corpus/ (new inputs go to build/fuzz/corpus/, the seeds stay as they
# are). Prints executions per second per target; fails if any target finds a
# crash or a broken invariant (the reproducer is left in build/fuzz/).
# Usage: scripts/run-fuzz.sh [seconds per target, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

targets=(frame_header utf8 protocol server_request client_response inflate)
mkdir -p build/fuzz/logs
run_one() {
  local target=$1
  local binary=build/fuzz/fuzz/fuzz_$target
  [ -x "$binary" ] || { echo "missing $binary"; return 1; }
  mkdir -p "build/fuzz/corpus/$target"
  (cd build/fuzz && "../../$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
      -print_final_stats=1 "corpus/$target" "../../fuzz/corpus/$target") >"build/fuzz/logs/$target.log" 2>&1
}

status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  pids=()
  for target in "${targets[@]:i:2}"; do
    run_one "$target" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
done

printf '| target | seconds | executions | executions/s | result |\n|---|---|---|---|---|\n'
for target in "${targets[@]}"; do
  log=build/fuzz/logs/$target.log
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  result=ok
  grep -qE 'ERROR: (libFuzzer|AddressSanitizer)|invariant violated|runtime error' "$log" && result=FAILED
  printf '| %s | %s | %s | %s | %s |\n' "$target" "$seconds" "$runs" "$rate" "$result"
  if [ "$result" = FAILED ]; then
    status=1
    grep -m5 -E 'invariant violated|ERROR|runtime error|Test unit written' "$log" | sed 's/^/    /'
  fi
done
exit $status
