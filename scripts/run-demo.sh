#!/usr/bin/env bash
# Builds and runs the demo: a WebSocket client and server talking through the
# sans-I/O core, printing the handshake and every frame.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset gcc >/dev/null
cmake --build --preset gcc --target core_demo
./build/gcc/examples/core_demo
