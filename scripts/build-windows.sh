#!/usr/bin/env bash
# Cross-compiles the reader for 64-bit Windows into build-win/ and copies it
# to dist/windows/sitepack-reader.exe: one static .exe for a USB stick, next
# to the bundle. Needs Debian's MinGW-w64 (scripts/deps.sh installs it).
# Usage: scripts/build-windows.sh [extra cmake -D options]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f .deps/src/sqlite-amalgamation/sqlite3.c ]; then
  echo "build-windows: third-party sources missing; running scripts/deps.sh" >&2
  scripts/deps.sh
fi
if ! command -v x86_64-w64-mingw32-g++-posix >/dev/null; then
  echo "build-windows: x86_64-w64-mingw32-g++-posix not found; run scripts/deps.sh (package g++-mingw-w64-x86-64-posix)" >&2
  exit 1
fi
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mingw64.cmake -DCMAKE_BUILD_TYPE=Release \
  -DSITEPACK_BUILD_BUILDER=OFF -DSITEPACK_BUILD_TESTS=OFF "$@" >/dev/null
cmake --build build-win -j "$jobs" --target sitepack-reader
mkdir -p dist/windows
cp build-win/sitepack-reader.exe dist/windows/sitepack-reader.exe
x86_64-w64-mingw32-strip dist/windows/sitepack-reader.exe
echo "build-windows: dist/windows/sitepack-reader.exe ($(stat -c %s dist/windows/sitepack-reader.exe) bytes)"
