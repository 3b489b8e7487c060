#!/usr/bin/env bash
# Installs and fetches everything sitepack needs on a fresh Debian 12 machine.
#
#   scripts/deps.sh            Debian packages + pinned third-party sources
#   scripts/deps.sh --sources  only the pinned sources (no apt-get install)
#
# Third-party sources (SQLite, zstd, Dear ImGui, GLFW, libsodium) come from Debian source
# packages at pinned versions, checked against the sha256 recorded below, and
# are cached in .deps/ (git-ignored) so later builds need no network. Every
# build (native and WebAssembly) compiles these same sources.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
deps="$root/.deps"
cache="$deps/cache"
src="$deps/src"
mkdir -p "$cache" "$src"

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

# name  version  suite  orig-tarball  sha256-of-orig-tarball
pins=(
  "sqlite3 3.46.1-7+deb13u2 trixie sqlite3_3.46.1.orig.tar.xz d0cdd2ece271b29e7ce18095745d892517ee26d0f270065b3a25c2e9eb11639c"
  "libzstd 1.5.7+dfsg-1 trixie libzstd_1.5.7+dfsg.orig.tar.xz 0c092ef267edce57ba7f3f2645c861f72eaf5e76273c6c3632869423464b90a5"
  "imgui 1.92.2b+ds-1 sid imgui_1.92.2b+ds.orig.tar.xz e7bd201d56b5ee90d24d5dac85e5c12f98bdb95410252a62d27b7f89e4566d48"
  "glfw3 3.4-3 trixie glfw3_3.4.orig.tar.gz c038d34200234d071fae9345bc455e4a8f2f544ab60150765d7704e08f3dac01"
  "libstb 0.0~git20241109.5c20573+ds-1 trixie libstb_0.0~git20241109.5c20573+ds.orig.tar.xz a3a5820445a7dd063516bb542a5cd54ced8efc9c5a30bfbaae1bab6dec2c1a74"
  "freetype 2.13.3+dfsg-1+deb13u1 trixie freetype_2.13.3+dfsg.orig.tar.xz 686ec73cbf6783b245dd068a09ce807b729ac0f8a46dd70f7867923c32fdf4de"
  "libsodium 1.0.18-1+deb13u1 trixie libsodium_1.0.18.orig.tar.gz d59323c6b712a1519a5daf710b68f5e7fde57040845ffec53850911f10a5d4f4"
)

# Debian binary packages: build tools, libraries of the builder, test and
# benchmark peers.
packages=(
  build-essential cmake pkg-config dpkg-dev tcl xz-utils ca-certificates
  libzstd-dev zstd zlib1g-dev libgumbo-dev nlohmann-json3-dev doctest-dev
  clang-14 libclang-rt-14-dev
  libstb-dev libharfbuzz-dev libharfbuzz-bin fonts-noto-core fonts-noto-cjk
  libglfw3-dev libx11-dev libxrandr-dev libxinerama-dev libxcursor-dev libxi-dev
  xvfb xauth
  g++-mingw-w64-x86-64-posix wine64
  emscripten node-acorn chromium
  sqlite3 wget python3 time openssl strace
  zim-tools kiwix-tools
)
# npm installs the browser tests' playwright-core (tests/browser/run.sh); a
# machine whose node came with its own npm keeps it.
command -v npm >/dev/null 2>&1 || packages+=(npm)

sudo_cmd=()
[ "$(id -u)" = 0 ] || sudo_cmd=(sudo)

apt_updated=0
apt_update() {
  [ $apt_updated = 1 ] && return
  say "apt-get update"
  # Machines here read a dated snapshot of the archive, whose Release files
  # are past their Valid-Until; the source tarballs are checked against the
  # sha256 pinned below, whatever the index said.
  "${sudo_cmd[@]}" apt-get -o Acquire::Check-Valid-Until=false -o Acquire::Check-Date=false update -qq
  apt_updated=1
}

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} = 0 ]; then say "Debian packages: all present"; return; fi
  apt_update
  say "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Source packages need a deb-src entry for trixie and sid. It reuses the URI of
# the machine's own Debian entry, so no host name is written here.
ensure_deb_src() {
  local list=/etc/apt/sources.list.d/sitepack-src.sources
  [ -f "$list" ] && return
  local uri keyring
  uri=$(grep -h -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)
  keyring=$(grep -h -E '^Signed-By:' /etc/apt/sources.list.d/debian.sources 2>/dev/null | awk '{print $2}' | head -n1 || true)
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || die "cannot find the machine's Debian archive URI in /etc/apt to add a deb-src entry"
  [ -n "$keyring" ] || keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  say "adding deb-src entry for trixie and sid ($list)"
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie sid\nComponents: main\nSigned-By: %s\n' "$uri" "$keyring" |
    "${sudo_cmd[@]}" tee "$list" >/dev/null
  apt_updated=0
}

fetch_source() {
  local name=$1 version=$2 suite=$3 orig=$4 sha=$5
  if [ -f "$cache/$orig" ] && echo "$sha  $cache/$orig" | sha256sum -c --status; then
    return
  fi
  ensure_deb_src
  apt_update
  say "downloading source package $name=$version"
  if ! (cd "$cache" && apt-get source --download-only -qq "$name=$version" >/dev/null 2>&1); then
    # The pinned version left the archive: take the newest of the same minor
    # series, loudly, so a human updates the pin.
    local series=${version%%[-+]*}; series=${series%.*}
    local newest
    newest=$(apt-cache showsrc "$name" 2>/dev/null | awk '/^Version:/{print $2}' | grep -F "$series." | sort -V | tail -n1 || true)
    [ -n "$newest" ] || die "$name $version is no longer in Debian's archive and no $series.x version is; update the pin in scripts/deps.sh"
    printf '\ndeps: WARNING: %s %s is gone from the archive; using %s instead. Update the pin (and its sha256) in scripts/deps.sh.\n\n' "$name" "$version" "$newest" >&2
    (cd "$cache" && apt-get source --download-only -qq "$name=$newest" >/dev/null 2>&1) || die "cannot download $name=$newest"
    orig=$(cd "$cache" && ls -t ${name}_*.orig.tar.* | grep -v -- '-www' | head -n1)
    say "$orig sha256 $(sha256sum "$cache/$orig" | cut -d' ' -f1) (not the pinned one)"
    echo "$orig" > "$cache/$name.orig-name"
    return
  fi
  echo "$sha  $cache/$orig" | sha256sum -c --status ||
    die "$cache/$orig does not match the pinned sha256 $sha: refusing to build with it"
  echo "$orig" > "$cache/$name.orig-name"
}

unpack() {
  local name=$1 orig=$2 dest=$3
  [ -f "$cache/$name.orig-name" ] && orig=$(cat "$cache/$name.orig-name")
  if [ -f "$dest/.unpacked-from" ] && [ "$(cat "$dest/.unpacked-from")" = "$orig" ]; then return; fi
  say "unpacking $orig"
  rm -rf "$dest" && mkdir -p "$dest"
  tar -xf "$cache/$orig" -C "$dest" --strip-components=1
  echo "$orig" > "$dest/.unpacked-from"
}

# Debian's own fixes of a package, from the .debian.tar.xz that apt-get
# source checked against the signed .dsc: the security patches (bundles are
# untrusted input to SQLite, FreeType and libsodium), not Debian's packaging
# changes. Applied once, right after unpacking. PATTERN (an extended regular
# expression) picks the patches by name.
apply_debian_patches() {
  local name=$1 dest=$2 pattern=${3:-.}
  [ -f "$dest/.debian-patched" ] && return
  local debian_tar
  debian_tar=$(cd "$cache" && ls ${name}_*.debian.tar.* 2>/dev/null | sort -V | tail -n1 || true)
  [ -n "$debian_tar" ] || die "no ${name}_*.debian.tar.* in $cache to patch $name with"
  local work="$deps/$name-debian"
  rm -rf "$work" && mkdir -p "$work" && tar -xf "$cache/$debian_tar" -C "$work"
  if [ -f "$work/debian/patches/series" ]; then
    while read -r patch_name _; do
      case "$patch_name" in ''|'#'*) continue ;; esac
      printf '%s\n' "$patch_name" | grep -Eq "$pattern" || continue
      say "applying Debian patch $patch_name to $name"
      patch -s -p1 -d "$dest" < "$work/debian/patches/$patch_name" || die "Debian patch $patch_name does not apply to $name"
    done < "$work/debian/patches/series"
  fi
  rm -rf "$work"
  echo "$debian_tar" > "$dest/.debian-patched"
}

# SQLite's amalgamation (sqlite3.c) is generated from the source tree.
make_sqlite_amalgamation() {
  local out="$src/sqlite-amalgamation"
  [ -f "$out/sqlite3.c" ] && [ "$out/sqlite3.c" -nt "$src/sqlite3/.debian-patched" ] && return
  say "generating the SQLite amalgamation"
  local work="$deps/sqlite-build"
  rm -rf "$work" && mkdir -p "$work"
  (cd "$work" && "$src/sqlite3/configure" --disable-tcl >/dev/null 2>&1 && make -s sqlite3.c >/dev/null 2>&1) ||
    die "could not generate sqlite3.c (is tcl installed?) — see $work"
  mkdir -p "$out"
  cp "$work/sqlite3.c" "$work/sqlite3.h" "$work/sqlite3ext.h" "$out/"
  rm -rf "$work"
}

# The browser reader's SQLite: a second amalgamation of the same patched
# source whose parser leaves out the SQL a reader of immutable bundles never
# runs. Options that change the grammar only take effect when the parser and
# keyword table are generated with them, and sqlite3.c must then be compiled
# with exactly the same ones: cmake/third_party.cmake reads them back from
# web-options.txt. A schema using what is left out (a view, a trigger, a
# generated column) fails to parse, so such a bundle is refused on opening.
# (Not SQLITE_OMIT_ATTACH or SQLITE_OMIT_VACUUM: SQLite 3.46 then fails to
# link; not SQLITE_OMIT_INCRBLOB: FTS5 reads its index with sqlite3_blob_*;
# not SQLITE_OMIT_FOREIGN_KEY: its parser then rejects the bundle schema;
# not SQLITE_OMIT_PAGER_PRAGMAS: fails to link.)
sqlite_web_options=(
  SQLITE_OMIT_VIEW SQLITE_OMIT_TRIGGER SQLITE_OMIT_CTE SQLITE_OMIT_WINDOWFUNC SQLITE_OMIT_UPSERT
  SQLITE_OMIT_GENERATED_COLUMNS SQLITE_OMIT_ALTERTABLE SQLITE_OMIT_ANALYZE SQLITE_OMIT_REINDEX
  SQLITE_OMIT_EXPLAIN SQLITE_OMIT_AUTHORIZATION SQLITE_OMIT_AUTOVACUUM
  SQLITE_OMIT_DATETIME_FUNCS SQLITE_OMIT_DESERIALIZE SQLITE_OMIT_AUTOINCREMENT SQLITE_OMIT_FLAG_PRAGMAS
  SQLITE_OMIT_INTROSPECTION_PRAGMAS SQLITE_OMIT_XFER_OPT SQLITE_OMIT_QUICKBALANCE
  SQLITE_OMIT_TRUNCATE_OPTIMIZATION SQLITE_OMIT_LOCALTIME SQLITE_OMIT_TCL_VARIABLE SQLITE_OMIT_BLOB_LITERAL
  SQLITE_UNTESTABLE
)
make_sqlite_web_amalgamation() {
  local out="$src/sqlite-amalgamation-web"
  local wanted
  wanted=$(printf '%s\n' "${sqlite_web_options[@]}")
  if [ -f "$out/sqlite3.c" ] && [ "$out/sqlite3.c" -nt "$src/sqlite3/.debian-patched" ] &&
     [ "$(cat "$out/web-options.txt" 2>/dev/null)" = "$wanted" ]; then
    return
  fi
  say "generating the browser reader's SQLite amalgamation"
  local work="$deps/sqlite-web-build"
  rm -rf "$work" && mkdir -p "$work"
  local opts
  opts=$(printf -- '-D%s ' "${sqlite_web_options[@]}")
  (cd "$work" && "$src/sqlite3/configure" --disable-tcl >/dev/null 2>&1 && make -s OPTS="$opts" sqlite3.c >/dev/null 2>&1) ||
    die "could not generate the browser's sqlite3.c — see $work"
  # Swapped in whole: a build never sees sources without their options.
  rm -rf "$out.new" && mkdir -p "$out.new"
  cp "$work/sqlite3.c" "$work/sqlite3.h" "$out.new/"
  printf '%s\n' "$wanted" > "$out.new/web-options.txt"
  rm -rf "$out" && mv "$out.new" "$out"
  rm -rf "$work"
}

if [ "${1:-}" != "--sources" ]; then
  command -v apt-get >/dev/null || die "apt-get not found: sitepack's set-up expects Debian 12"
  install_packages
fi

for pin in "${pins[@]}"; do
  read -r name version suite orig sha <<<"$pin"
  fetch_source "$name" "$version" "$suite" "$orig" "$sha"
done
unpack sqlite3 sqlite3_3.46.1.orig.tar.xz "$src/sqlite3"
unpack libzstd libzstd_1.5.7+dfsg.orig.tar.xz "$src/zstd"
unpack imgui imgui_1.92.2b+ds.orig.tar.xz "$src/imgui"
unpack glfw3 glfw3_3.4.orig.tar.gz "$src/glfw"
unpack libstb libstb_0.0~git20241109.5c20573+ds.orig.tar.xz "$src/stb"
unpack freetype freetype_2.13.3+dfsg.orig.tar.xz "$src/freetype"
unpack libsodium libsodium_1.0.18.orig.tar.gz "$src/libsodium"
apply_debian_patches sqlite3 "$src/sqlite3" 'CVE|fix_a_bug'
apply_debian_patches freetype "$src/freetype" 'CVE'
apply_debian_patches libsodium "$src/libsodium" 'CVE'
make_sqlite_amalgamation
make_sqlite_web_amalgamation

# Closure Compiler for the browser reader's JS glue (emcc --closure 1), from
# the npm registry at the version wasm/closure/package-lock.json pins;
# reinstalled only when the lock changes. scripts/build-web.sh points
# Emscripten at it.
install_closure_compiler() {
  local dir="$deps/closure-compiler" lock="$root/wasm/closure/package-lock.json"
  local sha stamp="$deps/closure-compiler/node_modules/.sitepack-lock-sha256"
  sha=$(sha256sum "$lock" | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sha" ] && return
  command -v npm >/dev/null || die "npm is missing (needed for the Closure Compiler): apt-get install npm"
  say "installing the Closure Compiler (npm ci)"
  mkdir -p "$dir" && cp "$root/wasm/closure/package.json" "$lock" "$dir/"
  (cd "$dir" && npm ci --cache "$deps/npm-cache" --no-audit --no-fund --loglevel=error) ||
    die "npm ci of the Closure Compiler failed (is the npm registry reachable, or .deps/npm-cache filled?)"
  echo "$sha" > "$stamp"
}
install_closure_compiler
say "ready: sources in $src"
