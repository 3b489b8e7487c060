#!/usr/bin/env bash
# Fuzzes every parser of untrusted bytes (fuzz/) with libFuzzer, ASan and UBSan.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     default 30
#
# Environment:
#   FUZZ_TARGETS="fuzz_url fuzz_charset"  only these targets (default or "all":
#                                          every target)
#   FUZZ_JOBS=N                            targets fuzzed at once (default: cores)
#
# The targets: the parsers of sitepack's own code, and the reader's
# third-party decoders of bundle bytes: fuzz_image_decode (the pinned
# stb_image) and fuzz_font_load (FreeType through Dear ImGui's font atlas).
#
# Builds build-fuzz/ with clang-14 (installing clang-14 and libclang-rt-14-dev
# when missing), then runs each target for the budget on a temporary copy of
# its seed corpus (fuzz/corpus/TARGET, the kept crash inputs of
# tests/regressions/TARGET, and for fuzz_bundle_open a bundle freshly built
# from part of samples/lfnkr), so the repository is never modified. Prints
# per target the executions, executions per second and crashes. A crash
# (also a leak, timeout or out-of-memory) is saved under build-fuzz/crashes/
# and makes the script exit 1, with the command that reproduces it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-30}
case "$seconds" in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2; exit 2 ;; esac

say() { printf 'fuzz: %s\n' "$*"; }
die() { printf 'fuzz: error: %s\n' "$*" >&2; exit 2; }

all_targets=(fuzz_document_decode fuzz_warc_reader fuzz_html_extract fuzz_charset fuzz_url fuzz_bundle_open fuzz_text_layout
             fuzz_image_decode fuzz_font_load)
requested=${FUZZ_TARGETS:-all}
[ "$requested" = all ] && requested="${all_targets[*]}"
read -r -a targets <<<"$requested"
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}

# --- toolchain: clang-14 and its runtime libraries (libFuzzer, ASan, UBSan) ---
fuzzer_runtime() { clang-14 -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null; }
if ! command -v clang-14 >/dev/null || ! command -v clang++-14 >/dev/null || [ ! -f "$(fuzzer_runtime)" ]; then
  command -v apt-get >/dev/null || die "clang-14 is missing and apt-get is not available"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  say "installing clang-14 libclang-rt-14-dev"
  # As scripts/deps.sh: the archive snapshot's Release files are past their Valid-Until.
  "${sudo_cmd[@]}" apt-get -o Acquire::Check-Valid-Until=false -o Acquire::Check-Date=false update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null
fi
if [ ! -f .deps/src/sqlite-amalgamation/sqlite3.c ]; then
  say "third-party sources missing; running scripts/deps.sh"
  scripts/deps.sh
fi

# --- build ------------------------------------------------------------------
generator=()
command -v ninja >/dev/null && [ ! -f build-fuzz/Makefile ] && generator=(-G Ninja)
cmake -S . -B build-fuzz "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DSITEPACK_FUZZ=ON -DSITEPACK_BUILD_READER=OFF -DSITEPACK_BUILD_TESTS=OFF >/dev/null
# Others may be editing a file that does not compile this minute: try again.
built=0
for attempt in 1 2 3; do
  if cmake --build build-fuzz -j "$(nproc 2>/dev/null || echo 2)" --target fuzz_all sitepack; then built=1; break; fi
  [ $attempt = 3 ] || { say "build failed (attempt $attempt); retrying in 30 s"; sleep 30; }
done
[ $built = 1 ] || die "build-fuzz does not build"

# --- seed corpora, in a temporary directory ----------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/sitepack-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
for target in "${targets[@]}"; do
  [ -x "build-fuzz/fuzz/$target" ] || die "unknown target $target (have: ${all_targets[*]})"
  mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
  name=${target#fuzz_}
  [ -d "fuzz/corpus/$name" ] && cp fuzz/corpus/"$name"/* "$work/$target/corpus/" 2>/dev/null || true
  [ -d "tests/regressions/$target" ] && cp tests/regressions/"$target"/* "$work/$target/corpus/" 2>/dev/null || true
done

# A bundle made now by this build's own builder, so the seed follows the
# current format (fuzz/corpus/bundle_open holds one of the day the seeds were
# made): a few pages and an image of the sample, about 200 KB.
if [ -d "$work/fuzz_bundle_open" ]; then
  site=www.northkoreanrefugees.com
  mini="$work/mini-site"
  for file in index.html 2020/04/10/another-success-story/index.html old/index.htm donate/index.html \
              category/north-korea/index.html wp-content/uploads/2019/05/lfnkr-logo.png; do
    mkdir -p "$mini/$site/$(dirname "$file")"
    cp "samples/lfnkr/$site/$file" "$mini/$site/$file"
  done
  if SOURCE_DATE_EPOCH=1700000000 ASAN_OPTIONS=detect_leaks=0 build-fuzz/sitepack build "$mini" \
       -o "$work/fresh.sitepack" -j 1 --level 3 --quiet >/dev/null 2>"$work/seed.log"; then
    cp "$work/fresh.sitepack" "$work/fuzz_bundle_open/corpus/lfnkr-mini-fresh"
  else
    say "warning: could not build the seed bundle (fuzzing with the kept one):"; cat "$work/seed.log" >&2
  fi
fi

# --- fuzzing ------------------------------------------------------------------
run_target() {
  local target=$1 dir="$work/$1" dict=()
  [ -f "fuzz/$target.dict" ] && dict=(-dict="fuzz/$target.dict")
  # Findings, as crashes are: one input taking 20 s (a hang), a process over
  # 2 GB, or one allocation over 512 MB (inputs are at most a few hundred KB,
  # so that is a bomb: a size field believed, a layout multiplied).
  local rc=0
  "build-fuzz/fuzz/$target" "$dir/corpus" "${dict[@]}" -max_total_time="$seconds" \
    -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    >"$dir/log" 2>&1 || rc=$?
  echo $rc >"$dir/rc"
}

say "fuzzing ${#targets[@]} targets for ${seconds} s each, $jobs at a time"
running=0
for target in "${targets[@]}"; do
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait

# --- report -------------------------------------------------------------------
failed=0
mkdir -p build-fuzz/crashes
printf '\n%-22s %12s %10s %8s\n' target executions exec/s crashes
for target in "${targets[@]}"; do
  dir="$work/$target"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -n1)
  if [ -z "$execs" ]; then  # a crash ends the run before the final stats
    execs=$(grep -oE '^#[0-9]+' "$dir/log" | tail -n1 | tr -d '#' || true)
    rate=$(grep -oE 'exec/s: [0-9]+' "$dir/log" | tail -n1 | grep -oE '[0-9]+' || true)
  fi
  crashes=$(find "$dir/artifacts" -type f | wc -l)
  rc=$(cat "$dir/rc")
  printf '%-22s %12s %10s %8s\n' "$target" "${execs:-?}" "${rate:-?}" "$crashes"
  if [ "$crashes" -gt 0 ] || [ "$rc" != 0 ]; then
    failed=1
    mkdir -p "build-fuzz/crashes/$target"
    cp "$dir/log" "build-fuzz/crashes/$target/last-run.log"
    [ "$crashes" -gt 0 ] && cp "$dir"/artifacts/* "build-fuzz/crashes/$target/"
  fi
done

if [ $failed = 1 ]; then
  echo
  for target in "${targets[@]}"; do
    [ -d "build-fuzz/crashes/$target" ] || continue
    for input in "$work/$target"/artifacts/*; do
      [ -f "$input" ] || continue
      saved="build-fuzz/crashes/$target/$(basename "$input")"
      echo "CRASH in $target: $saved"
      grep -m1 -E 'ERROR: |runtime error|fuzz check failed' "$work/$target/log" | sed 's/^/  /' || true
      echo "  reproduce:  build-fuzz/fuzz/$target $saved"
      echo "  once fixed, keep it: cp $saved tests/regressions/$target/<what-it-was>"
    done
    if [ -z "$(find "$work/$target/artifacts" -type f)" ]; then
      echo "FAILED $target (exit $(cat "$work/$target/rc"), no input saved): see build-fuzz/crashes/$target/last-run.log"
    fi
  done
  exit 1
fi
say "no crashes"
