#!/usr/bin/env bash
# echo_server's threaded layouts serve every connection: one io_context run
# by two threads (a strand per connection), and an io_context per thread on
# one port (--reuseport), plain and with TLS. 200 connections echo 50
# messages each, checked byte for byte by the load generator. Bounded: 60 s a run.
#   run_threads.sh ECHO_SERVER LOADGEN CERT_DIR
set -euo pipefail
server=$1 loadgen=$2 certs=$3
source "$(dirname "$0")/../../scripts/start-server.sh"
log=$(mktemp)
trap 'stop_server; rm -f "$log"' EXIT

run() { # loadgen flags, then -- and the server's
  local load=()
  while [ "$1" != -- ]; do load+=("$1"); shift; done
  shift
  echo "== echo_server $* (loadgen ${load[*]})"
  start_server "$log" "$server" --port 0 "$@"
  timeout 60 "$loadgen" --port "$port" --connections 200 --in-flight 4 --messages 50 "${load[@]}"
  stop_server
}
run -- --threads 2
run -- --threads 2 --reuseport
run --tls -- --threads 2 --reuseport --tls "$certs/server.pem" "$certs/server-key.pem"
