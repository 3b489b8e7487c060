#!/usr/bin/env bash
# The main job on the built-in sample: sets up the machine, builds sitepack,
# turns the sample mirror of the LFNKR site (samples/lfnkr) into a bundle and
# opens it in the reader. Without a display (a server, CI), the reader runs
# on a virtual screen instead and saves what it shows as PNG files in dist/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/deps.sh
scripts/build.sh
mkdir -p dist
bundle=dist/lfnkr-sample.sitepack
./build/sitepack build samples/lfnkr -o "$bundle"
echo
./build/sitepack info "$bundle"
echo
./build/sitepack search "$bundle" "forced repatriation" --limit 3

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo
  echo "sample: opening the reader on $bundle"
  exec ./build/sitepack-reader "$bundle"
fi

echo
echo "sample: no display; showing the reader on a virtual screen"
tour=$(mktemp)
trap 'rm -f "$tour"' EXIT
cat > "$tour" <<TOUR
open /2023/10/21/open-letter-to-xi-jinping/
wait
screenshot $root/dist/sample-letter.png
search forced repatriation
wait
screenshot $root/dist/sample-search.png
open /2020/05/28/interview-with-a-north-korean-defector/
find 김수형
wait
screenshot $root/dist/sample-korean.png
TOUR
xvfb-run -a -s "-screen 0 1280x800x24" ./build/sitepack-reader --script "$tour" --bundle "$bundle"
echo "sample: the reader's screens are in dist/sample-letter.png, dist/sample-search.png, dist/sample-korean.png"
