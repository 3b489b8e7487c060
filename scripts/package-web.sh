#!/usr/bin/env bash
# package-web.sh: assembles the browser reader from the WebAssembly modules
# (made by scripts/build-web.sh in build-web/) and the shell in web/.
#
#   scripts/package-web.sh          -> dist/web/ (hosted reader) and
#                                      dist/sitepack-reader.html (one file)
#
# dist/web/ is what an NGO puts on any static host, next to its bundles
# (index.html?bundle=NAME.sitepack, or "bundle" in dist/web/config.json).
# dist/sitepack-reader.html inlines everything (the UI module with its wasm,
# and the core Worker's source, started from a Blob URL) for opening from a
# USB stick as a file:// page, where fetch(), workers from files and service
# workers are all refused.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${SITEPACK_WEB_BUILD:-$root/build-web}"
dist="${SITEPACK_DIST:-$root/dist}"

die() { echo "package-web.sh: $*" >&2; exit 1; }
for output in sitepack-core.js sitepack-core.wasm sitepack-core.single.js sitepack-ui.js sitepack-ui.wasm sitepack-ui.single.js; do
  [ -s "$build/$output" ] || die "$build/$output is missing: run scripts/build-web.sh first"
done
command -v python3 >/dev/null || die "python3 is needed"

out="$dist/web"
mkdir -p "$dist"
stage=$(mktemp -d "$dist/.web-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT

cp "$build"/sitepack-core.js "$build"/sitepack-core.wasm "$build"/sitepack-ui.js "$build"/sitepack-ui.wasm "$stage/"
cp "$root"/web/index.html "$root"/web/style.css "$root"/web/app.js "$root"/web/core-worker.js "$root"/web/sw.js \
   "$root"/web/manifest.webmanifest "$root"/web/icon.svg "$root"/web/icon-192.png "$root"/web/icon-512.png \
   "$root"/web/config.json "$stage/"

python3 - "$root" "$build" "$stage" "$dist" <<'PY'
import base64
import hashlib
import re
import sys
from pathlib import Path

root, build, stage, dist = (Path(p) for p in sys.argv[1:5])


def die(message):
    sys.exit("package-web.sh: " + message)


# The service worker's cache is named after the app files' content, so a new
# reader replaces the old one's cache and an unchanged one keeps it.
app_files = ["index.html", "style.css", "app.js", "core-worker.js", "sitepack-ui.js", "sitepack-ui.wasm",
             "sitepack-core.js", "sitepack-core.wasm", "manifest.webmanifest", "icon.svg", "icon-192.png", "icon-512.png"]
digest = hashlib.sha256()
for name in app_files:
    digest.update(name.encode() + b"\0" + (stage / name).read_bytes())
sw = (stage / "sw.js").read_text()
if "const VERSION = 'dev';" not in sw:
    die("web/sw.js no longer has the VERSION line this script replaces")
(stage / "sw.js").write_text(sw.replace("const VERSION = 'dev';", "const VERSION = '%s';" % digest.hexdigest()[:16]))

# ---- The single file ----------------------------------------------------------
index = (root / "web/index.html").read_text()
style = (root / "web/style.css").read_text()
app = (root / "web/app.js").read_text()
worker = (root / "web/core-worker.js").read_text()
ui_single = (build / "sitepack-ui.single.js").read_text()
core_single = (build / "sitepack-core.single.js").read_text()

script = ui_single + "\n;\n" + app
worker_source = core_single + "\n;\n" + worker
for label, text in (("the UI module", script), ("the core Worker", worker_source)):
    # Inline script text ends at the first "</script"; "<!--" changes how a
    # browser tokenises it. Neither may appear.
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        die(label + " contains '</script' or '<!--' and cannot be inlined safely")


def csp_hash(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# The policy of the one-file reader: nothing to fetch from anywhere; the
# inline script and style are allowed by their hashes, the Worker by its Blob
# URL. connect-src allows data: only: Emscripten's single-file loader
# fetches its own inlined wasm (a data: URL, no network) before decoding it.
csp = ("default-src 'none'; script-src %s 'wasm-unsafe-eval'; worker-src blob:; connect-src data:; "
       "img-src blob: data:; style-src %s; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
       % (csp_hash(script), csp_hash(style)))
icon = "data:image/svg+xml;base64," + base64.b64encode((root / "web/icon.svg").read_bytes()).decode()

head_end = index.index("</head>")
head = index[:head_end]
body = index[head_end:]
head = re.sub(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">',
              lambda m: '<meta http-equiv="Content-Security-Policy" content="%s">' % csp, head)
if csp not in head:
    die("web/index.html has no Content-Security-Policy meta tag to replace")
head = re.sub(r'<link rel="manifest"[^>]*>\n?', "", head)
head = re.sub(r'<link rel="icon"[^>]*>\n?', "", head)
head = re.sub(r'<link rel="stylesheet"[^>]*>\n?', "", head)
head = re.sub(r'<link rel="preload"[^>]*>\n?', "", head)
head = re.sub(r'<script src="app.js"[^>]*></script>\n?', "", head)
head += '<link rel="icon" href="%s" type="image/svg+xml">\n<style>%s</style>\n' % (icon, style)
closing = body.rindex("</body>")
body = (body[:closing]
        + '<script type="text/plain" id="worker-source">' + worker_source + "</script>\n"
        + "<script>" + script + "</script>\n"
        + body[closing:])
for needle in ('src="app.js"', 'rel="stylesheet"', 'rel="manifest"', 'rel="preload"'):
    if needle in head + body:
        die("the single file still refers to " + needle)
(stage / "sitepack-reader.html").write_text(head + body)
PY

# Replace the previous output only once everything was made.
single="$stage/sitepack-reader.html"
mv "$single" "$dist/.sitepack-reader.html.new"
rm -rf "$out.old"
[ -d "$out" ] && mv "$out" "$out.old"
mv "$stage" "$out"
trap - EXIT
rm -rf "$out.old"
mv "$dist/.sitepack-reader.html.new" "$dist/sitepack-reader.html"
chmod 755 "$out"
echo "package-web.sh: dist/web/ ($(du -sk "$out" | cut -f1) KB) and dist/sitepack-reader.html ($(du -k "$dist/sitepack-reader.html" | cut -f1) KB)"
