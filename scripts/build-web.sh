#!/usr/bin/env bash
# build-web.sh: builds the browser reader's WebAssembly modules with
# Debian's Emscripten into build-web/ (wasm/CONTRACT.md lists the outputs;
# scripts/package-web.sh turns them into dist/web/).
#
#   scripts/build-web.sh            configure (first time) and build
#   scripts/build-web.sh --sizes    also print each output's gzip -9 size
#
# Needs: scripts/deps.sh (emscripten, node-acorn, the pinned sources and the
# Closure Compiler).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${SITEPACK_WEB_BUILD:-$root/build-web}"

die() { echo "build-web.sh: $*" >&2; exit 1; }
command -v emcmake >/dev/null || die "emcmake not found: run scripts/deps.sh (it installs Debian's emscripten)"
[ -d /usr/share/nodejs/acorn ] || die "/usr/share/nodejs/acorn is missing: run scripts/deps.sh (package node-acorn)"

# The machine's node may not be Debian's: Emscripten's optimizer finds
# Debian's acorn only through NODE_PATH.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
# Emscripten's cache (system libraries built on first use) lives in the
# git-ignored .deps/, never in /usr. Seeded from Debian's prebuilt cache
# when there is one, so the first build does not rebuild libc.
export EM_CACHE="$root/.deps/emcache"
if [ ! -d "$EM_CACHE" ]; then
  mkdir -p "$EM_CACHE"
  for seed in /usr/share/emscripten/cache /var/cache/emscripten; do
    if [ -d "$seed" ] && [ -n "$(ls -A "$seed" 2>/dev/null)" ]; then cp -a "$seed/." "$EM_CACHE/"; break; fi
  done
fi

# The Closure Compiler for the JS glue (wasm/wasm.cmake links with
# --closure 1), installed by scripts/deps.sh at the version
# wasm/closure/package-lock.json pins.
export EM_CLOSURE_COMPILER="$root/.deps/closure-compiler/node_modules/.bin/google-closure-compiler"
[ -x "$EM_CLOSURE_COMPILER" ] || die "$EM_CLOSURE_COMPILER is missing: run scripts/deps.sh (it installs the Closure Compiler with npm)"

if [ ! -f "$build/CMakeCache.txt" ]; then
  emcmake cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=MinSizeRel -DSITEPACK_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j"${SITEPACK_JOBS:-2}" --target sitepack-core sitepack-core.single sitepack-core-node sitepack-ui sitepack-ui.single

outputs=(sitepack-core.js sitepack-core.wasm sitepack-core.single.js sitepack-core-node.js
         sitepack-ui.js sitepack-ui.wasm sitepack-ui.single.js)
for output in "${outputs[@]}"; do
  [ -s "$build/$output" ] || die "$build/$output was not made"
done
echo "build-web.sh: outputs in $build"
if [ "${1:-}" = "--sizes" ]; then
  total=0
  for output in sitepack-core.js sitepack-core.wasm sitepack-ui.js sitepack-ui.wasm; do
    raw=$(stat -c %s "$build/$output")
    gz=$(gzip -9 -c "$build/$output" | wc -c)
    total=$((total + gz))
    printf '  %-24s %9d B raw %9d B gzip -9\n' "$output" "$raw" "$gz"
  done
  printf '  %-24s %9s       %9d B gzip -9 (without the HTML shell)\n' "total" "" "$total"
fi
