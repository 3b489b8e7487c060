#!/usr/bin/env bash
# make_warc.sh: crawls the sample mirror with the real wget into a WARC file, offline.
#
#   tests/warc/make_warc.sh OUT.warc.gz [ROOT] [START_URL]
#
#   ROOT       mirror to play (default: samples/lfnkr)
#   START_URL  default: http://www.northkoreanrefugees.com/
#
# How: starts tests/warc/serve_site.py on a free 127.0.0.1 port and runs
#   wget --mirror --warc-file=... -e robots=off -e use_proxy=yes
#        -e http_proxy=127.0.0.1:PORT -e https_proxy=127.0.0.1:PORT ...
# so wget talks to nothing but that server. The pages link their own site
# with absolute https:// URLs: wget sends those through the same proxy with
# CONNECT, and the server terminates TLS itself with a throwaway self-signed
# certificate made here by openssl (wget runs with --no-check-certificate).
# The WARC thus holds the real https:// URLs and the bytes as in the mirror.
# Without openssl the server instead rewrites https://HOST to http://HOST in
# served HTML (then the WARC has http:// URLs only).
#
# Guarantees that no traffic leaves the machine:
#   * wget runs with an empty environment and --no-config (no inherited
#     proxies or wgetrc), --no-hsts, --domains=<the site's host> (no host
#     spanning), and both proxies set to the literal 127.0.0.1 (no DNS);
#   * the server refuses (403) any host that is not a folder of ROOT and logs
#     "REFUSED"; this script fails if the log has such a line;
#   * where strace works, wget runs under `strace -e trace=connect` and the
#     script fails if wget connected to anything but 127.0.0.1.
#
# wget's exit code 8 (some 404s, expected: the mirror is a cut of the site)
# is accepted. Prints a summary of the WARC records at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:?usage: make_warc.sh OUT.warc.gz [ROOT] [START_URL]}
root=${2:-$repo/samples/lfnkr}
start=${3:-http://www.northkoreanrefugees.com/}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
case "$root" in /*) ;; *) root="$PWD/$root" ;; esac
host=$(printf '%s' "$start" | sed -E 's#^[a-z]+://([^/:]+).*#\1#')
[ -d "$root/$host" ] || { echo "make_warc: no folder $root/$host" >&2; exit 2; }
WGET=${WGET:-/usr/bin/wget}
PYTHON=${PYTHON:-python3}

tmp=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

tls_args=()
if command -v openssl >/dev/null 2>&1 &&
   openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$host" -addext "subjectAltName=DNS:$host" \
       -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1; then
    tls_args=(--tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem")
else
    echo "make_warc: no openssl, serving https:// links rewritten to http://" >&2
    tls_args=(--rewrite-https)
fi

"$PYTHON" "$here/serve_site.py" --root "$root" --port 0 --port-file "$tmp/port" \
    --log "$tmp/server.log" "${tls_args[@]}" >"$tmp/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "make_warc: server did not start" >&2; cat "$tmp/server.out" >&2; exit 1; }
port=$(cat "$tmp/port")
echo "make_warc: serving $root on 127.0.0.1:$port"

wget_cmd=("$WGET" --no-config --mirror --warc-file="$tmp/crawl"
    -e robots=off -e use_proxy=yes
    -e "http_proxy=http://127.0.0.1:$port" -e "https_proxy=http://127.0.0.1:$port"
    --no-check-certificate --no-hsts --domains="$host"
    --tries=1 --timeout=30 --directory-prefix="$tmp/mirror" --output-file="$tmp/wget.log"
    "$start")
trace=()
if command -v strace >/dev/null 2>&1 && strace -f -qq -e trace=none true >/dev/null 2>&1; then
    trace=(strace -f -qq -e trace=connect -o "$tmp/connect.log")
fi

started=$(date +%s.%N)
set +e
env -i PATH=/usr/bin:/bin HOME="$tmp" LANG=C.UTF-8 "${trace[@]}" "${wget_cmd[@]}"
rc=$?
set -e
elapsed=$(echo "$(date +%s.%N) - $started" | bc 2>/dev/null || echo "?")
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=

if [ "$rc" -ne 0 ] && [ "$rc" -ne 8 ]; then
    echo "make_warc: wget failed with exit code $rc; last lines of its log:" >&2
    tail -20 "$tmp/wget.log" >&2
    exit 1
fi
if grep -q REFUSED "$tmp/server.log"; then
    echo "make_warc: wget asked for a host that is not served:" >&2
    grep REFUSED "$tmp/server.log" >&2
    exit 1
fi
if [ ${#trace[@]} -gt 0 ]; then
    # every AF_INET/AF_INET6 connect must go to the loopback proxy; AF_UNIX (nscd) is not expected either
    if grep -E 'connect\(' "$tmp/connect.log" | grep -vE 'inet_addr\("127\.0\.0\.1"\)' >"$tmp/foreign.log"; then
        echo "make_warc: wget connected to something other than 127.0.0.1:" >&2
        cat "$tmp/foreign.log" >&2
        exit 1
    fi
    echo "make_warc: strace: all $(grep -c 'connect(' "$tmp/connect.log") connect() calls of wget went to 127.0.0.1"
fi
[ -s "$tmp/crawl.warc.gz" ] || { echo "make_warc: wget wrote no WARC" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
mv "$tmp/crawl.warc.gz" "$out"

echo "make_warc: wrote $out ($(stat -c %s "$out") bytes) in ${elapsed}s, wget exit code $rc"
echo "make_warc: WARC records by type:"
zcat "$out" | grep -a '^WARC-Type: ' | sort | uniq -c | sed 's/^/    /'
echo "make_warc: HTTP responses by status:"
zcat "$out" | grep -a -E '^HTTP/1\.[01] [0-9]{3}' | awk '{print $2}' | sort | uniq -c | sed 's/^/    /'
echo "make_warc: server requests: $(grep -c ' -> ' "$tmp/server.log"), of which CONNECT tunnels: $(grep -c '^CONNECT .* -> 200' "$tmp/server.log" || true)"
