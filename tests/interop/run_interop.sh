#!/usr/bin/env bash
# Runs one interoperability pairing, bounded in time:
#   run_interop.sh python|node their-client ECHO_SERVER [COMBO]     their client against our echo_server
#   run_interop.sh python|node their-server INTEROP_CLIENT [COMBO]  our client against their echo server
# COMBO: the permessage-deflate parameters both sides use (default, takeover, window, all;
# eight, node server only).
# A peer that is not installed fails the test (it does not skip).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
peer_name=$1 direction=$2 ours=$3 combo=${4:-default}

case $peer_name in
  python) peer=(/usr/bin/python3 "$here/python_peer.py") ;;
  node) peer=(node "$here/node_peer.js") ;;
  *) echo "unknown peer $peer_name"; exit 2 ;;
esac

log=$(mktemp)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -f "$log"; }
trap cleanup EXIT

# Starts a server that prints its port first; sets port.
start_server() {
  "$@" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    # Peers print the port alone; echo_server prints ws://127.0.0.1:PORT/.
    port=$(grep -o -m1 -E '(^[0-9]+$|:[0-9]+/)' "$log" | head -n1 | tr -dc '0-9' || true)
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start:"; cat "$log"; exit 1
}

combo_args=()
[ "$combo" != default ] && combo_args=("$combo")
if [ "$direction" = their-client ]; then
  start_server "$ours" --port 0
  timeout 60 "${peer[@]}" client "ws://127.0.0.1:$port/" "${combo_args[@]}"
else
  start_server "${peer[@]}" server "${combo_args[@]}"
  timeout 60 "$ours" "ws://127.0.0.1:$port/" --deflate "$combo"
fi
