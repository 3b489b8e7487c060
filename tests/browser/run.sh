#!/usr/bin/env bash
# run.sh: the browser reader's tests (Playwright driving Debian's Chromium).
#
#   tests/browser/run.sh [TEST_FILE...]
#
# Builds nothing: it needs dist/web/ and dist/sitepack-reader.html
# (scripts/build-web.sh && scripts/package-web.sh), the builder
# ($SITEPACK, default build/sitepack) to make the test bundles from the
# sample site, /usr/bin/chromium and node. playwright-core comes from the
# npm registry at the version package-lock.json pins (npm ci, cached in the
# git-ignored .deps/npm-cache). Screenshots go to $SITEPACK_BROWSER_ARTIFACTS
# (default build-browser-tests/artifacts, git-ignored).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
die() { echo "tests/browser/run.sh: $*" >&2; exit 1; }

dist="${SITEPACK_DIST:-$root/dist}"
sitepack="${SITEPACK:-$root/build/sitepack}"
[ -f "$dist/web/index.html" ] && [ -f "$dist/web/sitepack-ui.wasm" ] ||
  die "$dist/web is missing or incomplete: run scripts/build-web.sh && scripts/package-web.sh first"
[ -f "$dist/sitepack-reader.html" ] || die "$dist/sitepack-reader.html is missing: run scripts/package-web.sh"
[ -x "$sitepack" ] || die "$sitepack is missing: run scripts/build.sh (or set SITEPACK)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || die "${CHROMIUM:-/usr/bin/chromium} is missing: apt-get install chromium (scripts/deps.sh does)"
command -v node >/dev/null || die "node is missing (Debian's nodejs comes with emscripten)"
command -v npm >/dev/null || die "npm is missing: apt-get install npm"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || die "node $(node --version) is too old: playwright-core needs 18 or later"

# playwright-core, exactly as locked; reinstalled only when the lock changes.
stamp="$here/node_modules/.sitepack-lock-sha256"
lock_sha=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sha" ]; then
  (cd "$here" && npm ci --cache "$root/.deps/npm-cache" --no-audit --no-fund --loglevel=error) ||
    die "npm ci failed (is the npm registry reachable, or .deps/npm-cache filled?)"
  echo "$lock_sha" > "$stamp"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sitepack-browser-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$here/make_fixtures.py" --sitepack "$sitepack" --out "$work/fixtures" >/dev/null

export SITEPACK_DIST="$dist"
export SITEPACK_BROWSER_FIXTURES="$work/fixtures"
export SITEPACK_BROWSER_ARTIFACTS="${SITEPACK_BROWSER_ARTIFACTS:-$root/build-browser-tests/artifacts}"
mkdir -p "$SITEPACK_BROWSER_ARTIFACTS"
files=()
for f in "$@"; do files+=("$(realpath "$f")"); done
[ ${#files[@]} -gt 0 ] || files=("$here"/*.test.js)
cd "$here"
# One file at a time (each starts its own browsers and servers; the machine
# has 2 cores), the same on node 18 and 20.
failed=()
for f in "${files[@]}"; do
  echo "== $(basename "$f")"
  node --test "$f" || failed+=("$(basename "$f")")
done
echo "tests/browser/run.sh: screenshots in $SITEPACK_BROWSER_ARTIFACTS"
[ ${#failed[@]} = 0 ] || die "failed: ${failed[*]}"
