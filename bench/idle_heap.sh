#!/usr/bin/env bash
# The live heap an idle connection costs a server, from glibc's own count:
# malloc_stats() of the server (called through gdb) before and while N
# connections idle, divided by N. Unlike RSS it leaves out the pages freed
# memory still holds, so it shows what the server's objects take.
#   bench/idle_heap.sh [connections (10000)] [server binary and its arguments...]
#   default server: build/release/examples/echo_server; a byte echo (raw_echo, asio_echo) gets --raw
# Needs gdb, and a release build with the bench (bench/compare.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-10000}
shift || true
[ $# -gt 0 ] || set -- build/release/examples/echo_server
command -v gdb >/dev/null || { echo "gdb is needed (Debian: gdb)" >&2; exit 1; }
raw=(); case $1 in *raw_echo|*asio_echo) raw=(--raw) ;; esac
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

source scripts/start-server.sh
log=$(mktemp)
trap 'stop_server; rm -f "$log"' EXIT
start_server "$log" "$@" --port 0
# malloc_stats() writes to the server's stderr, which start_server sends to $log.
in_use() { # glibc's total in use (malloc_stats' last "in use bytes")
  gdb -p "$server_pid" -batch -ex 'call (void)malloc_stats()' >/dev/null 2>&1
  sleep 0.2
  grep -a "in use bytes" "$log" | tail -1 | awk '{print $NF}'
}
before=$(in_use)
build/release/bench/asiows_loadgen --port "$port" --connections "$connections" --idle "${raw[@]}" >/dev/null &
load=$!
# It holds its connections for 2 s once all are open: measure as soon as the server has them all.
for _ in $(seq 200); do
  [ "$(ls /proc/"$server_pid"/fd | wc -l)" -ge "$connections" ] && break
  sleep 0.05
done
sleep 0.3
during=$(in_use)
wait "$load" || true
echo "$1: $(( (during - before) / connections )) B of live heap per idle connection ($connections connections)"
