#!/usr/bin/env bash
# The soak test: 10,000 concurrent connections to one echo server on loopback,
# each echoing 20 messages (2 in flight) and closing with a close handshake;
# every echo is checked byte for byte. Then the same number held idle. Reports
# the server's peak and idle resident memory per connection. Bounded: loadgen
# gives up after 600 s; here each run has 300 s.
#   run_soak.sh ECHO_SERVER LOADGEN [CONNECTIONS]
set -euo pipefail
server=$1 loadgen=$2 connections=${3:-10000}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
limit=$(ulimit -n)
if [ "$limit" -lt $((connections + 64)) ]; then
  connections=$((limit - 64))
  echo "the descriptor limit is $limit: soaking with $connections connections"
fi

source "$(dirname "$0")/../../scripts/start-server.sh"
log=$(mktemp)
trap 'stop_server; rm -f "$log"' EXIT

echo "== $connections connections, 20 messages each, then a close handshake"
start_server "$log" "$server" --port 0
timeout 300 "$loadgen" --port "$port" --connections "$connections" --in-flight 2 --messages 20 --server-pid "$server_pid"
stop_server
echo "== $connections idle connections (a fresh server)"
start_server "$log" "$server" --port 0
timeout 300 "$loadgen" --port "$port" --connections "$connections" --idle --server-pid "$server_pid"
