# Sourced by the scripts that run a server for a test or a benchmark.
#
# start_server LOG COMMAND [ARGS...]: starts COMMAND in the background with its
# output in LOG, and waits (10 s at most) for the port it prints first: alone
# (the interop peers) or in a ws://HOST:PORT/ URL (echo_server and the bench
# servers). Sets server_pid and port; exits the script if the server does not start.
start_server() {
  local log=$1
  shift
  : >"$log" # empty now: a port a previous server left in it must not be read as this one's
  "$@" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    port=$(grep -o -m1 -E '(^[0-9]+$|:[0-9]+/)' "$log" | head -n1 | tr -dc '0-9' || true)
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not start: $*"
  cat "$log"
  exit 1
}

# stop_server: stops the server start_server started last, if it still runs.
stop_server() {
  if [ -n "${server_pid:-}" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}
