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

source "$here/../../scripts/start-server.sh"
log=$(mktemp)
trap 'stop_server; rm -f "$log"' EXIT

combo_args=()
[ "$combo" != default ] && combo_args=("$combo")
if [ "$direction" = their-client ]; then
  start_server "$log" "$ours" --port 0
  timeout 60 "${peer[@]}" client "ws://127.0.0.1:$port/" "${combo_args[@]}"
else
  start_server "$log" "${peer[@]}" server "${combo_args[@]}"
  timeout 60 "$ours" "ws://127.0.0.1:$port/" --deflate "$combo"
fi
