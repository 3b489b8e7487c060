#!/usr/bin/env bash
# The test command: sets up a fresh Debian 12 machine (packages and pinned
# sources), builds everything and runs every test suite through CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" "$@"
