#!/usr/bin/env bash
# The main job on the built-in sample: sets up the machine, builds sitepack,
# turns the sample mirror of the LFNKR site (samples/lfnkr) into a bundle and
# shows it: what the bundle holds, a search, and a page.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/deps.sh
scripts/build.sh
mkdir -p dist
./build/sitepack build samples/lfnkr -o dist/lfnkr-sample.sitepack
echo
./build/sitepack info dist/lfnkr-sample.sitepack
echo
./build/sitepack search dist/lfnkr-sample.sitepack "forced repatriation" --limit 3
echo
./build/sitepack cat dist/lfnkr-sample.sitepack /2023/10/21/open-letter-to-xi-jinping/ | head -40
