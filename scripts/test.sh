#!/usr/bin/env bash
# The test command: sets up a fresh Debian 12 machine (packages and pinned
# sources), builds everything (the native tools, the Windows reader, the
# browser reader) and runs every test suite through CTest and headless
# Chromium, then
# the trust checks: the suites again under AddressSanitizer and
# UndefinedBehaviorSanitizer (scripts/test-sanitized.sh, the reader's GUI
# test aside) and every fuzz target for a fixed budget (scripts/fuzz.sh).
#
#   scripts/test.sh [CTEST ARGS...]     CTest arguments apply to the normal run
#
# Environment:
#   SITEPACK_TEST_QUICK=1   skip the sanitizer run and the fuzzing (says so);
#                           for a developer's quick run, never CI (.ci/run)
#   SITEPACK_FUZZ_SECONDS   fuzzing budget per target (default 20)
#
# Each stage prints a plain progress line with its duration. A failing test,
# sanitizer report or fuzz crash fails the script; fuzz crash inputs are
# saved under build-fuzz/crashes/ (scripts/fuzz.sh prints how to replay).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

stage_start=0
stage() { stage_start=$(date +%s); printf '\ntest: === %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
stage_done() { printf 'test: --- done in %d s\n' $(( $(date +%s) - stage_start )); }

stage "dependencies (scripts/deps.sh)"
scripts/deps.sh
stage_done

stage "build (scripts/build.sh)"
scripts/build.sh
stage_done

stage "Windows reader (scripts/build-windows.sh: MinGW-w64 cross build, tested under Wine by CTest)"
scripts/build-windows.sh
stage_done

stage "test suites (ctest $*)"
(cd build && ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" "$@")
stage_done

stage "browser reader (scripts/build-web.sh, scripts/package-web.sh, tests/browser/run.sh: headless Chromium)"
scripts/build-web.sh --sizes
SITEPACK=build/sitepack node --no-experimental-fetch tests/wasm/test_js_source_vfs.mjs build-web
scripts/package-web.sh
tests/browser/run.sh
stage_done

if [ "${SITEPACK_TEST_QUICK:-0}" = 1 ]; then
  printf '\ntest: SITEPACK_TEST_QUICK=1: NOT running the sanitizer suite (scripts/test-sanitized.sh) nor the fuzzers (scripts/fuzz.sh)\n'
  exit 0
fi

stage "test suites under ASan+UBSan (scripts/test-sanitized.sh)"
scripts/test-sanitized.sh
stage_done

fuzz_seconds=${SITEPACK_FUZZ_SECONDS:-20}
stage "fuzzing every target for ${fuzz_seconds} s (scripts/fuzz.sh)"
FUZZ_TARGETS=all scripts/fuzz.sh "$fuzz_seconds"
stage_done

printf '\ntest: all suites passed, sanitized suites passed, no fuzz crash\n'
