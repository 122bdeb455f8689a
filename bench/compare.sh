#!/usr/bin/env bash
# Side-by-side: asiows' examples/echo_server, Boost.Beast's echo (bench/beast_echo.cpp,
# when Boost is installed) and a raw TCP epoll echo (the ceiling), each driven by
# bench/loadgen.cpp. The server is pinned to CPU 0 and the load generator to CPU 1;
# rounds alternate the servers (A B C A B C ...) and the table shows medians, with
# ratios to the raw TCP echo measured in the same runs.
#   bench/compare.sh [rounds (3)] [seconds per run (3)]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3} seconds=${2:-3}
scripts/install-deps.sh
cmake --preset release -DASIOWS_BUILD_BENCH=ON >/dev/null
targets=(echo_server raw_echo asiows_loadgen)
cmake --build --preset release --target "${targets[@]}"
cmake --build --preset release --target beast_echo 2>/dev/null || echo "(no Boost: Beast left out)"
bin=build/release
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
pin_server=() pin_load=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin_server=(taskset -c 0) pin_load=(taskset -c 1); fi

servers=(raw asiows)
[ -x $bin/bench/beast_echo ] && servers+=(beast)
server_command() {
  case $1 in
    raw) echo "$bin/bench/raw_echo" ;;
    asiows) echo "$bin/examples/echo_server" ;;
    beast) echo "$bin/bench/beast_echo" ;;
  esac
}
workloads=("16b-1:--connections 100 --in-flight 1 --size 16"
           "16b-16:--connections 100 --in-flight 16 --size 16"
           "64k-text:--connections 10 --in-flight 1 --size 65536"
           "1m-binary:--connections 10 --in-flight 1 --size 1048576 --binary")
source scripts/start-server.sh
results=$(mktemp) log=$(mktemp)
trap 'stop_server; rm -f "$log"' EXIT
start() { start_server "$log" "${pin_server[@]}" $(server_command "$1") --port 0; } # server $1, pinned

for round in $(seq "$rounds"); do
  for server in "${servers[@]}"; do
    for workload in "${workloads[@]}"; do
      name=${workload%%:*} args=${workload#*:}
      start "$server"
      raw_flag=(); [ "$server" = raw ] && raw_flag=(--raw)
      out=$("${pin_load[@]}" $bin/bench/asiows_loadgen --port "$port" $args --seconds "$seconds" \
            --server-pid "$server_pid" "${raw_flag[@]}" || true)
      stop_server
      rate=$(echo "$out" | sed -n 's/.*: \([0-9]*\) msgs\/s.*/\1/p')
      cpu=$(echo "$out" | sed -n 's/server CPU: \([0-9.]*\) us.*/\1/p')
      echo "$out" | grep -q '^ok' || echo "round $round $server $name: $(echo "$out" | tail -1)" >&2
      echo "$round $server $name ${rate:-0} ${cpu:-0}" >>"$results"
    done
    start "$server"
    raw_flag=(); [ "$server" = raw ] && raw_flag=(--raw)
    out=$("${pin_load[@]}" $bin/bench/asiows_loadgen --port "$port" --connections 10000 --idle \
          --server-pid "$server_pid" "${raw_flag[@]}" || true)
    stop_server
    idle=$(echo "$out" | sed -n 's/.*idle: \([0-9]*\) B per connection.*/\1/p')
    echo "$round $server idle ${idle:-0} 0" >>"$results"
    echo "round $round: $server done" >&2
  done
done

/usr/bin/python3 - "$results" "${servers[@]}" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    _, server, workload, rate, cpu = line.split()
    rows[(server, workload)].append((float(rate), float(cpu)))
servers = sys.argv[2:]
def median(server, workload, column):
    values = [v[column] for v in rows[(server, workload)]]
    return statistics.median(values) if values else 0.0
def cell(server, workload, column, fmt, lower_is_better=False):
    value, ceiling = median(server, workload, column), median("raw", workload, column)
    if server == "raw" or not ceiling or not value:
        return fmt.format(value)
    return fmt.format(value) + f" ({value / ceiling:.2f}x)"
print("| workload | " + " | ".join(servers) + " |")
print("|---|" + "---|" * len(servers))
print("| 16 B text, 100 conns, 1 in flight: server CPU per message (µs) | " +
      " | ".join(cell(s, "16b-1", 1, "{:.2f}") for s in servers) + " |")
print("| 16 B text, 100 conns, 1 in flight: msgs/s | " + " | ".join(cell(s, "16b-1", 0, "{:,.0f}") for s in servers) + " |")
print("| 16 B text, 100 conns, 16 in flight: msgs/s | " + " | ".join(cell(s, "16b-16", 0, "{:,.0f}") for s in servers) + " |")
print("| same: server CPU per message (µs) | " + " | ".join(cell(s, "16b-16", 1, "{:.2f}") for s in servers) + " |")
print("| 64 KiB text, 10 conns: msgs/s | " + " | ".join(cell(s, "64k-text", 0, "{:,.0f}") for s in servers) + " |")
print("| 1 MiB binary, 10 conns: msgs/s | " + " | ".join(cell(s, "1m-binary", 0, "{:,.0f}") for s in servers) + " |")
print("| server RSS per idle connection, 10k conns (B) | " + " | ".join(cell(s, "idle", 0, "{:,.0f}") for s in servers) + " |")
PY
rm -f "$results"
