#!/usr/bin/env bash
# Side-by-side: asiows' examples/echo_server (stream<>) and bench/server_echo
# (the server endpoint), Boost.Beast's echo (bench/beast_echo.cpp, when Boost is
# installed), a raw TCP epoll echo (the ceiling) and a byte echo on Asio
# (bench/asio_echo.cpp: what Asio costs before any protocol), each driven by
# bench/loadgen.cpp. The server is pinned to CPU 0 and the load generator to CPU 1;
# each workload runs on every server in turn (A B C A B C ...); the table shows
# medians, and ratios to raw TCP: the median of each round's ratio.
# With --tls, every connection is TLS 1.3 (tests/tls' certificate) and the
# ceiling is bench/tls_echo, an echo on OpenSSL alone; Beast is left out.
# Syscalls per echoed message come from `perf stat -e raw_syscalls:sys_enter`
# attached to the server for the whole run (Debian's linux-perf, as root or
# with perf_event_paranoid <= 1; without it the column says n/a): a count that
# does not drift with a noisy machine.
#   bench/compare.sh [--tls] [rounds (3)] [seconds per run (3)]
set -euo pipefail
cd "$(dirname "$0")/.."
tls=()
if [ "${1:-}" = --tls ]; then tls=(--tls tests/tls/server.pem tests/tls/server-key.pem); shift; fi
rounds=${1:-3} seconds=${2:-3}
scripts/install-deps.sh --bench
cmake --preset release -DASIOWS_BUILD_BENCH=ON >/dev/null
targets=(echo_server server_echo raw_echo asio_echo tls_echo asiows_loadgen)
cmake --build --preset release --target "${targets[@]}"
cmake --build --preset release --target beast_echo 2>/dev/null || echo "(no Boost: Beast left out)"
bin=build/release
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
pin_server=() pin_load=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin_server=(taskset -c 0) pin_load=(taskset -c 1); fi

# The first server is the ceiling: its load runs with --raw (the bytes come back as sent), as does asio's.
servers=(raw asio asiows asiows-server)
[ -x $bin/bench/beast_echo ] && [ ${#tls[@]} -eq 0 ] && servers+=(beast)
[ ${#tls[@]} -gt 0 ] && servers=(openssl asiows asiows-server)
deflate_servers=()
if [ ${#tls[@]} -eq 0 ]; then
  deflate_servers=(asiows asiows-deflate-shared)
  [ -x $bin/bench/beast_echo ] && deflate_servers+=(beast-deflate)
fi
server_command() {
  case $1 in
    raw) echo "$bin/bench/raw_echo" ;;
    asio) echo "$bin/bench/asio_echo" ;;
    openssl) echo "$bin/bench/tls_echo" ;;
    asiows) echo "$bin/examples/echo_server" ;;
    asiows-server) echo "$bin/bench/server_echo" ;;
    asiows-deflate-shared) echo "$bin/examples/echo_server --deflate-shared" ;;
    beast) echo "$bin/bench/beast_echo" ;;
    beast-deflate) echo "$bin/bench/beast_echo --deflate" ;;
  esac
}
workloads=("16b-1:--connections 100 --in-flight 1 --size 16"
           "16b-16:--connections 100 --in-flight 16 --size 16"
           "64k-text:--connections 10 --in-flight 1 --size 65536"
           "1m-binary:--connections 10 --in-flight 1 --size 1048576 --binary")
source scripts/start-server.sh
results=$(mktemp) log=$(mktemp)
trap 'stop_server; rm -f "$log" "$counts"' EXIT
start() { start_server "$log" "${pin_server[@]}" $(server_command "$1") --port 0 "${tls[@]}"; } # server $1, pinned
load_tls=(); [ ${#tls[@]} -gt 0 ] && load_tls=(--tls)

counts=$(mktemp)
count_syscalls=false
perf stat -x, -e raw_syscalls:sys_enter -o "$counts" true 2>/dev/null && grep -q '^[0-9]' "$counts" && count_syscalls=true

run_load() { # server, loadgen arguments...; prints the load generator's report, then "syscalls N"
  local server=$1; shift
  start "$server"
  raw_flag=(); { [ "$server" = "${servers[0]}" ] || [ "$server" = asio ]; } && raw_flag=(--raw)
  local counter=
  if $count_syscalls; then
    perf stat -x, -e raw_syscalls:sys_enter -p "$server_pid" -o "$counts" &
    counter=$!
    sleep 0.1 # attached before the first connection
  fi
  "${pin_load[@]}" $bin/bench/asiows_loadgen --port "$port" "$@" --server-pid "$server_pid" "${raw_flag[@]}" \
    "${load_tls[@]}" || true
  if [ -n "$counter" ]; then
    kill -INT "$counter"
    wait "$counter" || true
    echo "syscalls $(grep -m1 raw_syscalls "$counts" | cut -d, -f1)"
  fi
  stop_server
}

# Within a round, every server runs a workload before the next workload
# starts, so the ratios compare runs minutes apart at most.
for round in $(seq "$rounds"); do
  for workload in "${workloads[@]}"; do
    name=${workload%%:*} args=${workload#*:}
    for server in "${servers[@]}"; do
      out=$(run_load "$server" $args --seconds "$seconds")
      rate=$(echo "$out" | sed -n 's/.*: \([0-9]*\) msgs\/s.*/\1/p')
      cpu=$(echo "$out" | sed -n 's/server CPU: \([0-9.]*\) us.*/\1/p')
      messages=$(echo "$out" | sed -n 's/^messages \([0-9]*\) in.*/\1/p')
      syscalls=$(echo "$out" | sed -n 's/^syscalls \([0-9]*\)$/\1/p')
      per_message=0
      [ -n "$syscalls" ] && [ "${messages:-0}" -gt 0 ] && per_message=$(awk -v s="$syscalls" -v m="$messages" 'BEGIN { printf "%.4f", s / m }')
      echo "$out" | grep -q '^ok' || echo "round $round $server $name: $(echo "$out" | grep -v '^syscalls' | tail -1)" >&2
      echo "$round $server $name ${rate:-0} ${cpu:-0} $per_message" >>"$results"
    done
  done
  for server in "${servers[@]}"; do
    out=$(run_load "$server" --connections 10000 --idle)
    idle=$(echo "$out" | sed -n 's/.*idle: \([0-9]*\) B per connection.*/\1/p')
    echo "$round $server idle ${idle:-0} 0 0" >>"$results"
  done
  # Connections that compress, at rest after one 1 KiB JSON-like message each
  # way: echo_server's default (each side keeps its zlib state between
  # messages), with --deflate-shared (no context takeover: states borrowed per
  # message from the thread's pool), and Beast with the same zlib settings.
  for server in "${deflate_servers[@]}"; do
    out=$(run_load "$server" --connections 1000 --idle --deflate)
    idle=$(echo "$out" | sed -n 's/.*idle: \([0-9]*\) B per connection.*/\1/p')
    echo "$round $server idle-deflate ${idle:-0} 0 0" >>"$results"
  done
  echo "round $round done" >&2
done

/usr/bin/python3 - "$results" "${servers[@]}" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    round_, server, workload, rate, cpu, syscalls = line.split()
    rows[(server, workload)][round_] = (float(rate), float(cpu), float(syscalls))
servers = sys.argv[2:]
def median(server, workload, column):
    values = [v[column] for v in rows[(server, workload)].values()]
    return statistics.median(values) if values else 0.0
def ratio(server, workload, column):
    # The median of each round's ratio to the ceiling in that round: runs of one round are minutes apart at most.
    mine, raw = rows[(server, workload)], rows[(servers[0], workload)]
    ratios = [mine[r][column] / raw[r][column] for r in mine if r in raw and raw[r][column] and mine[r][column]]
    return statistics.median(ratios) if ratios else 0.0
def cell(server, workload, column, fmt):
    value, r = median(server, workload, column), ratio(server, workload, column)
    if server == servers[0] or not r:
        return fmt.format(value)
    return fmt.format(value) + f" ({r:.2f}x)"
print("| workload | " + " | ".join(servers) + " |")
print("|---|" + "---|" * len(servers))
print("| 16 B text, 100 conns, 1 in flight: server CPU per message (µs) | " +
      " | ".join(cell(s, "16b-1", 1, "{:.2f}") for s in servers) + " |")
print("| 16 B text, 100 conns, 1 in flight: msgs/s | " + " | ".join(cell(s, "16b-1", 0, "{:,.0f}") for s in servers) + " |")
print("| 16 B text, 100 conns, 16 in flight: msgs/s | " + " | ".join(cell(s, "16b-16", 0, "{:,.0f}") for s in servers) + " |")
print("| same: server CPU per message (µs) | " + " | ".join(cell(s, "16b-16", 1, "{:.2f}") for s in servers) + " |")
print("| 64 KiB text, 10 conns: msgs/s | " + " | ".join(cell(s, "64k-text", 0, "{:,.0f}") for s in servers) + " |")
print("| 1 MiB binary, 10 conns: msgs/s | " + " | ".join(cell(s, "1m-binary", 0, "{:,.0f}") for s in servers) + " |")
def syscalls(server, workload):
    value = median(server, workload, 2)
    return f"{value:.2f}" if value else "n/a"
for workload, label in (("16b-1", "16 B, 1 in flight"), ("16b-16", "16 B, 16 in flight"),
                        ("64k-text", "64 KiB text"), ("1m-binary", "1 MiB binary")):
    print(f"| {label}: server syscalls per message | " + " | ".join(syscalls(s, workload) for s in servers) + " |")
print("| server RSS per idle connection, 10k conns (B) | " + " | ".join(cell(s, "idle", 0, "{:,.0f}") for s in servers) + " |")
compressing = [s for s in dict.fromkeys(server for server, workload in rows if workload == "idle-deflate")]
if compressing:
    print()
    print("| permessage-deflate, 1k conns idle after one 1 KiB message each way | " + " | ".join(compressing) + " |")
    print("|---|" + "---|" * len(compressing))
    print("| server RSS per connection (B) | " + " | ".join(f"{median(s, 'idle-deflate', 0):,.0f}" for s in compressing) + " |")
PY
rm -f "$results"
