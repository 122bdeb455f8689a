#!/usr/bin/env bash
# The Conan 2 package: `conan create` with test_package/, with the default
# options (ssl, deflate), with both off, and on Boost.Asio (boost_asio). Conan runs from ../shared/third_party
# (PyPI is not reachable here) on Debian's Python, with its home in build/, no
# remote, and asio, openssl and zlib declared as the system's (conan/profiles/debian).
set -euo pipefail
cd "$(dirname "$0")/.."
conan=../shared/third_party/bin/conan
if [ ! -x "$conan" ]; then
  echo "skipped: no $conan (see ../shared/third_party/README.md)"
  exit 0
fi
export CONAN_HOME="$PWD/build/conan-home"
[ -f "$CONAN_HOME/profiles/default" ] || "$conan" profile detect >/dev/null
"$conan" remote disable conancenter >/dev/null
"$conan" create . -pr:a conan/profiles/debian
"$conan" create . -pr:a conan/profiles/debian -o "asiows/*:ssl=False" -o "asiows/*:deflate=False"
"$conan" create . -pr:a conan/profiles/debian -o "asiows/*:boost_asio=True"
