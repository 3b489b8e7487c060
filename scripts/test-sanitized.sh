#!/usr/bin/env bash
# Builds the project with AddressSanitizer and UndefinedBehaviorSanitizer
# (-DSITEPACK_SANITIZE=ON, reader off) into build-asan/ and runs the test
# suites under them: the unit suites, the replayed fuzz crash inputs
# (tests/regressions/, the reader's image and font inputs included: stb_image
# and ImGui with FreeType are compiled into unit_tests even without the
# reader) and the integration tests (limits, corruption sweep...), whose
# sitepack binary is the sanitized one. Any sanitizer report fails the test
# that caused it. scripts/test.sh runs this after the normal suites.
#
#   scripts/test-sanitized.sh [--unit] [CTEST ARGS...]
#
#   --unit   only the doctest suites (skip the Python integration tests)
#
# The reader's own test (integration.test_reader_script) needs the GUI
# reader, which this build leaves out, so it never runs here.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

exclude='^integration\.test_reader_script$'
if [ "${1:-}" = "--unit" ]; then
  exclude='^integration\.'
  shift
fi

if [ ! -f .deps/src/sqlite-amalgamation/sqlite3.c ]; then
  echo "test-sanitized: third-party sources missing; running scripts/deps.sh" >&2
  scripts/deps.sh
fi

jobs=$(nproc 2>/dev/null || echo 2)
generator=()
command -v ninja >/dev/null && [ ! -f build-asan/Makefile ] && generator=(-G Ninja)
# -O1 with line tables only: what the sanitizers' authors recommend, and
# half the compile time of -O2 -g (SQLite and the doctest suites dominate a
# cold build on two cores); reports still name file and line.
cmake -S . -B build-asan "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DSITEPACK_SANITIZE=ON -DSITEPACK_BUILD_READER=OFF -DSITEPACK_BUILD_TESTS=ON >/dev/null
# Others may be editing a file that does not compile this minute: try again.
for attempt in 1 2 3; do
  if cmake --build build-asan -j "$jobs"; then break; fi
  [ $attempt = 3 ] && { echo "test-sanitized: build-asan does not build" >&2; exit 2; }
  echo "test-sanitized: build failed (attempt $attempt); retrying in 30 s" >&2
  sleep 30
done

# Leaks count as failures; UBSan stops at the first report with a stack.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:check_initialization_order=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

cd build-asan
ctest --output-on-failure -j "$jobs" -E "$exclude" "$@"
