#!/usr/bin/env bash
# Runs the real Autobahn TestSuite (Docker image crossbario/autobahn-testsuite)
# against asiows, for users who have Docker (this project's CI has neither
# Docker nor the network to pull the image: it runs tests/conformance/ instead).
#   scripts/run-autobahn-docker.sh server   wstest's fuzzing client against examples/echo_server
#   scripts/run-autobahn-docker.sh client   examples/autobahn_client against wstest's fuzzing server
# The HTML and JSON reports go to build/autobahn/reports/; a summary is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-server}
image=crossbario/autobahn-testsuite
port=9001
work=$PWD/build/autobahn
mkdir -p "$work/reports"
command -v docker >/dev/null || { echo "Docker is needed: https://docs.docker.com/engine/install/"; exit 2; }

cmake --preset release >/dev/null
cmake --build --preset release --target echo_server autobahn_client

summarize() { # prints the count of each behaviour in an Autobahn index.json
  /usr/bin/python3 - "$1" <<'PY'
import collections, json, sys
index = json.load(open(sys.argv[1]))
for agent, results in index.items():
    counts = collections.Counter(r["behavior"] for r in results.values())
    print(agent, dict(counts), "FAILED" if counts.get("FAILED") else "no failures")
PY
}

if [ "$mode" = server ]; then
  build/release/examples/echo_server --port "$port" &
  server_pid=$!
  trap 'kill $server_pid 2>/dev/null' EXIT
  cat >"$work/fuzzingclient.json" <<JSON
{"outdir": "/reports/servers", "servers": [{"agent": "asiows", "url": "ws://127.0.0.1:$port"}],
 "cases": ["*"], "exclude-cases": [], "exclude-agent-cases": {}}
JSON
  docker run --rm --network host -v "$work:/config" -v "$work/reports:/reports" "$image" \
    wstest -m fuzzingclient -s /config/fuzzingclient.json
  summarize "$work/reports/servers/index.json"
else
  cat >"$work/fuzzingserver.json" <<JSON
{"url": "ws://127.0.0.1:$port", "outdir": "/reports/clients",
 "cases": ["*"], "exclude-cases": [], "exclude-agent-cases": {}}
JSON
  container=$(docker run -d --rm --network host -v "$work:/config" -v "$work/reports:/reports" "$image" \
    wstest -m fuzzingserver -s /config/fuzzingserver.json)
  trap 'docker stop "$container" >/dev/null' EXIT
  sleep 3
  build/release/examples/autobahn_client --url "ws://127.0.0.1:$port" --agent asiows
  summarize "$work/reports/clients/index.json"
fi
