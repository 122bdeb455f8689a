#!/usr/bin/env bash
# Builds and starts the chat demo: one port serves a page at / and a
# broadcasting WebSocket at /chat. Open the URL it prints in two browser tabs.
# Usage: scripts/run-demo.sh [--port 8080]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset gcc >/dev/null
cmake --build --preset gcc --target chat
exec ./build/gcc/examples/chat "$@"
