#!/usr/bin/env bash
# Configures and builds sitepack into build/ (Release with debug info).
# Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f .deps/src/sqlite-amalgamation/sqlite3.c ]; then
  echo "build: third-party sources missing; running scripts/deps.sh" >&2
  scripts/deps.sh
fi
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j "$jobs"
