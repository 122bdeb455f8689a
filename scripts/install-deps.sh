#!/usr/bin/env bash
# Installs what asiows builds and tests with, when missing: Debian/Ubuntu
# packages, and the npm packages of the Node interoperability peer.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ clang cmake ninja-build pkg-config libasio-dev libssl-dev zlib1g-dev catch2 libbenchmark-dev openssl python3-websockets chromium
          doxygen)
# Conan 2 (scripts/test-conan.sh) runs from ../shared/third_party on Debian's Python and these.
packages+=(python3-requests python3-yaml python3-jinja2 python3-dateutil python3-colorama python3-fasteners
           python3-distro python3-urllib3 python3-patch-ng)
# Boost 1.81: the boost preset builds asiows on Boost.Asio (1.74, Debian's libboost-dev,
# is older than asiows' oldest Asio), and bench/compare.sh measures Boost.Beast.
packages+=(libboost1.81-dev)
# bench/compare.sh counts syscalls with perf.
[ "${1:-}" = --bench ] && packages+=(linux-perf)
# Node and npm for the `ws` peer: any installed node will do; else Debian's.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages: the ws interop peer, and playwright-core to drive Debian's Chromium.
for folder in tests/interop tests/browser; do
  if [ ! -d "$folder/node_modules" ]; then
    echo "Installing the npm packages of $folder"
    npm ci --prefix "$folder" --no-audit --no-fund --loglevel=error
  fi
done
