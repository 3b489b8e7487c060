#!/usr/bin/env python3
"""A static file server for the browser tests and benchmark, with HTTP Range.

    serve.py --root dist/web [--mount /bundles/=DIR ...] [--port 0]
             [--no-range] [--throttle BYTES_PER_S] [--latency MS] [--log FILE]

Prints "serving http://127.0.0.1:PORT/" once listening. --no-range answers
every request with the whole file (200), like a host without Range support.
--latency waits before each answer, like a long way to the server (a
mobile or satellite link). --log writes one JSON line per request: method, path, range asked, status and
body bytes sent, so a test can count what the reader fetched.
"""
import argparse
import json
import mimetypes
import os
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".webmanifest": "application/manifest+json",
    ".sitepack": "application/octet-stream",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css",
}


class Handler(BaseHTTPRequestHandler):
    server_version = "sitepack-test-server"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the JSON log says it all
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's
        # algorithm and the client's delayed ACK hold each small answer
        # ~40 ms (measured: 34 range requests took 1.7 s), which no real
        # web server does.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self):
        # A browser closing a connection mid-answer (a page closed, a test
        # over) is normal here, not an error worth a traceback.
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError):
            pass

    def resolve(self, url_path):
        path = unquote(urlsplit(url_path).path)
        for prefix, folder in self.server.mounts:
            if path.startswith(prefix):
                base, rest = folder, path[len(prefix):]
                break
        else:
            base, rest = self.server.root, path.lstrip("/")
        target = (base / rest).resolve()
        if base.resolve() not in target.parents and target != base.resolve():
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def record(self, status, sent, asked):
        if not self.server.log:
            return
        with self.server.log_lock:
            self.server.log.write(json.dumps({"method": self.command, "path": self.path, "range": asked,
                                              "status": status, "bytes": sent}) + "\n")
            self.server.log.flush()

    def send_plain(self, status, text, asked=None):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.record(status, len(body) if self.command != "HEAD" else 0, asked)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        if self.server.latency:
            threading.Event().wait(self.server.latency)
        target = self.resolve(self.path)
        asked = self.headers.get("Range")
        if target is None:
            return self.send_plain(404, "not found\n", asked)
        size = target.stat().st_size
        start, end, status = 0, size - 1, 200
        if asked and not self.server.no_range:
            match = re.fullmatch(r"bytes=(\d*)-(\d*)", asked.strip())
            if not match or (match.group(1) == "" and match.group(2) == ""):
                return self.send_plain(416, "bad range\n", asked)
            if match.group(1) == "":
                start, end = max(0, size - int(match.group(2))), size - 1
            else:
                start = int(match.group(1))
                end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
            if start >= size or start > end:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return self.record(416, 0, asked)
            status = 206
        length = end - start + 1 if size else 0
        self.send_response(status)
        kind = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-cache")
        if not self.server.no_range:
            self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        sent = 0
        if self.command != "HEAD" and length:
            with open(target, "rb") as f:
                f.seek(start)
                left = length
                try:
                    while left:
                        chunk = f.read(min(left, 256 * 1024))
                        if not chunk:
                            break
                        self.wfile.write(chunk)
                        if self.server.throttle:
                            threading.Event().wait(len(chunk) / self.server.throttle)
                        sent += len(chunk)
                        left -= len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
        self.record(status, sent, asked)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--mount", action="append", default=[], help="URLPATH=DIR, e.g. /bundles/=tests/fixtures")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-range", action="store_true")
    parser.add_argument("--throttle", type=float, default=0, help="bytes per second per response (0: no limit)")
    parser.add_argument("--latency", type=float, default=0, help="milliseconds to wait before each answer")
    parser.add_argument("--log")
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.root = Path(args.root)
    server.mounts = []
    for mount in args.mount:
        prefix, _, folder = mount.partition("=")
        if not prefix.endswith("/") or not folder:
            parser.error("--mount needs URLPATH/=DIR, got " + mount)
        server.mounts.append((prefix, Path(folder)))
    server.no_range = args.no_range
    server.throttle = args.throttle
    server.latency = args.latency / 1000
    server.log = open(args.log, "a") if args.log else None
    server.log_lock = threading.Lock()
    print("serving http://127.0.0.1:%d/" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
