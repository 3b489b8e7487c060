#!/usr/bin/env python3
"""serve_site.py: plays a wget mirror back as the live site, on 127.0.0.1 only.

    python3 tests/warc/serve_site.py --root samples/lfnkr --port 8080
    curl -x http://127.0.0.1:8080 http://www.northkoreanrefugees.com/about/
    curl -H 'Host: www.northkoreanrefugees.com' http://127.0.0.1:8080/page/2/

ROOT holds one folder per host, laid out the way `wget --mirror
--adjust-extension` saves a site (ROOT/www.northkoreanrefugees.com/...).
The server answers
  * proxy-style requests ("GET http://host/path HTTP/1.1") and plain ones
    with a Host header;
  * CONNECT host:443 when --tls-cert/--tls-key are given: it terminates TLS
    itself (self-signed certificate; clients must not verify) and serves the
    same mirror as https://host/...; without them CONNECT is refused (403);
  * only hosts that have a folder under ROOT; any other host gets 403 and a
    "REFUSED" line in the log, and nothing is ever fetched from elsewhere.
URL -> file, as wget saved it: "/dir/" -> dir/index.html; "/?p=1" ->
"index.html?p=1.html"; "/x.css?ver=2" -> "x.css?ver=2.css"; a path without
a trailing slash that is a folder -> 301 to "path/".
Responses: HTML as "text/html; charset=UTF-8" when the page is UTF-8, plain
"text/html" when the page declares another charset (windows-1252,
Shift_JIS...) or none, so the page's own meta tag decides; images, CSS, JS
with their types; a page that is only a meta-refresh stub (delay 0) is
answered with a real "301 Moved Permanently" and its target in Location;
anything absent gets 404.
--rewrite-https rewrites "https://HOST" to "http://HOST" in served HTML/CSS
and in Location headers, for clients that cannot use CONNECT.
--port 0 picks a free port; --port-file F writes the chosen port to F.
Every request is logged (stderr or --log FILE) as one line:
  "<METHOD> <scheme>://<host><path> -> <status> <file or reason>".
Standard library only.
"""
import argparse
import email.utils
import http.server
import os
import posixpath
import re
import socket
import socketserver
import ssl
import sys
import threading
import urllib.parse

TYPES = {
    ".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "application/javascript",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".svg": "image/svg+xml", ".ico": "image/x-icon", ".xml": "application/xml",
    ".txt": "text/plain", ".pdf": "application/pdf", ".json": "application/json",
}
META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
META_REFRESH = re.compile(
    rb"<meta[^>]+http-equiv\s*=\s*[\"']?refresh[\"']?[^>]*content\s*=\s*[\"']\s*0\s*;\s*url\s*=\s*([^\"'>\s]+)", re.I)


class SocketWriter:
    """wfile for a TLS socket: write() always sends everything."""

    def __init__(self, sock):
        self.sock = sock

    def write(self, data):
        self.sock.sendall(data)
        return len(data)

    def flush(self):
        pass


class Site:
    def __init__(self, root, rewrite_https):
        self.root = os.path.abspath(root)
        self.hosts = {h.lower() for h in os.listdir(self.root) if os.path.isdir(os.path.join(self.root, h))}
        self.rewrite_https = rewrite_https
        self.log_lock = threading.Lock()
        self.log_file = sys.stderr

    def log(self, line):
        with self.log_lock:
            self.log_file.write(line + "\n")
            self.log_file.flush()

    def find(self, host, path, query):
        """Returns ("file", fs_path, type_ext) | ("dir", None, None) | (None, None, None)."""
        hostdir = os.path.join(self.root, host)
        decoded = urllib.parse.unquote(path)
        norm = posixpath.normpath(decoded)
        if not norm.startswith("/"):
            return None, None, None
        if decoded.endswith("/") and norm != "/":
            norm += "/"
        rel = norm.lstrip("/")
        name = rel + "index.html" if (norm.endswith("/") or rel == "") else rel
        base = os.path.join(hostdir, *name.split("/"))
        if not os.path.realpath(base).startswith(os.path.realpath(hostdir) + os.sep):
            return None, None, None
        stem_ext = os.path.splitext(name)[1].lower()
        if query:
            cands = [(base + "?" + query, stem_ext), (base + "?" + query + ".html", ".html"),
                     (base + "?" + query + ".css", ".css")]
        else:
            cands = [(base, stem_ext), (base + ".html", ".html"), (base + ".css", ".css")]
        for fs, ext in cands:
            if os.path.isfile(fs):
                return "file", fs, ext
        if not query and not norm.endswith("/") and os.path.isdir(os.path.join(hostdir, *rel.split("/"))):
            return "dir", None, None
        return None, None, None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "serve_site/1"
    sys_version = ""
    timeout = 60
    tls_host = None  # set once a CONNECT tunnel is established

    # -- plumbing
    def setup(self):
        super().setup()
        # headers and body go out in separate writes: without this, Nagle's
        # algorithm and delayed ACKs cost 40 ms per keep-alive response
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):  # the default access log is replaced by site.log
        pass

    def site(self):
        return self.server.site

    def reply(self, status, body=b"", headers=(), head_only=False, note=""):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and not head_only:
            self.wfile.write(body)
        self.site().log("%s %s -> %d %s" % (self.command, self.full_url, status, note))

    def target(self):
        """(scheme, host, path, query) of the request, or None if unusable."""
        raw = self.path
        if self.tls_host:
            scheme, host = "https", (self.headers.get("Host") or self.tls_host)
            parts = urllib.parse.urlsplit(raw)
            if parts.scheme:
                host = parts.netloc
            path, query = (parts.path or "/"), parts.query
        elif raw.startswith(("http://", "https://")):
            parts = urllib.parse.urlsplit(raw)
            scheme, host, path, query = parts.scheme, parts.netloc, parts.path or "/", parts.query
        else:
            parts = urllib.parse.urlsplit(raw)
            scheme, host, path, query = "http", self.headers.get("Host", ""), parts.path or "/", parts.query
        host = host.lower().rsplit("@", 1)[-1]
        if not host.startswith("[") and ":" in host:
            host = host.split(":", 1)[0]  # drop the port
        return scheme, host, path, query

    # -- methods
    def do_CONNECT(self):
        host, _, port = self.path.partition(":")
        host = host.lower()
        self.full_url = "%s (CONNECT)" % self.path
        ctx = self.server.tls_context
        if ctx is None or host not in self.site().hosts or port not in ("443", ""):
            self.close_connection = True
            self.reply(403, b"CONNECT refused by serve_site\n", [("Content-Type", "text/plain")],
                       note="REFUSED" if host not in self.site().hosts else "CONNECT refused (no TLS)")
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        self.site().log("CONNECT %s -> 200 tunnel" % self.path)
        try:
            conn = ctx.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.site().log("CONNECT %s -> TLS handshake failed: %s" % (self.path, e))
            self.close_connection = True
            return
        self.connection = conn
        self.rfile = conn.makefile("rb", -1)
        self.wfile = SocketWriter(conn)
        self.tls_host = host
        self.close_connection = False

    def do_HEAD(self):
        self.do_GET(head_only=True)

    def do_POST(self):
        self.full_url = self.path
        self.reply(405, b"", [("Allow", "GET, HEAD")], note="method not allowed")

    def do_GET(self, head_only=False):
        scheme, host, path, query = self.target()
        self.full_url = "%s://%s%s%s" % (scheme, host, path, "?" + query if query else "")
        site = self.site()
        if host not in site.hosts:
            self.close_connection = True
            self.reply(403, b"serve_site: this proxy serves only its mirror's hosts\n",
                       [("Content-Type", "text/plain")], head_only, note="REFUSED (host not served)")
            return
        kind, fs, ext = site.find(host, path, query)
        if kind == "dir":
            loc = "%s://%s%s/%s" % (scheme, host, path, "?" + query if query else "")
            self.reply(301, b"", [("Location", loc), ("Content-Type", "text/html")], head_only, note="-> " + loc)
            return
        if kind is None:
            body = (b"<!DOCTYPE html>\n<html><head><title>Page not found</title></head>"
                    b"<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n")
            self.reply(404, body, [("Content-Type", "text/html; charset=UTF-8")], head_only, note="not in mirror")
            return
        with open(fs, "rb") as f:
            body = f.read()
        ctype = TYPES.get(ext, "application/octet-stream")
        rel = os.path.relpath(fs, site.root)
        if ctype == "text/html":
            m = META_REFRESH.search(body[:4096])
            if m and len(body) < 4096:
                loc = urllib.parse.urljoin(self.full_url, m.group(1).decode("ascii", "replace"))
                if site.rewrite_https and scheme == "http":
                    loc = re.sub(r"^https://", "http://", loc)
                self.reply(301, b"", [("Location", loc), ("Content-Type", "text/html; charset=UTF-8")],
                           head_only, note="%s (meta refresh) -> %s" % (rel, loc))
                return
            ctype = html_content_type(body)
        if site.rewrite_https and ctype.startswith(("text/html", "text/css")):
            for h in site.hosts:
                body = body.replace(b"https://" + h.encode(), b"http://" + h.encode())
        mtime = email.utils.formatdate(os.path.getmtime(fs), usegmt=True)
        self.reply(200, body, [("Content-Type", ctype), ("Last-Modified", mtime)], head_only, note=rel)


def html_content_type(body):
    """charset in the header only for UTF-8 pages; otherwise the meta tag decides."""
    m = META_CHARSET.search(body[:4096])
    if m:
        cs = m.group(1).decode("ascii", "replace").lower()
        return "text/html; charset=UTF-8" if cs in ("utf-8", "utf8") else "text/html"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "text/html"
    return "text/html; charset=UTF-8" if any(b > 127 for b in body) else "text/html"


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", required=True, help="mirror folder holding one folder per host")
    ap.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: pick a free one)")
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--tls-cert", help="PEM certificate: enables CONNECT with TLS terminated here")
    ap.add_argument("--tls-key", help="PEM private key for --tls-cert")
    ap.add_argument("--rewrite-https", action="store_true", help="serve https://HOST links as http://HOST")
    ap.add_argument("--log", help="append the request log here instead of stderr")
    a = ap.parse_args()
    site = Site(a.root, a.rewrite_https)
    if not site.hosts:
        sys.exit("serve_site: no host folder under %s" % a.root)
    if a.log:
        site.log_file = open(a.log, "a", encoding="utf-8")
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.site = site
    srv.tls_context = None
    if a.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        srv.tls_context = ctx
    port = srv.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, a.port_file)
    print("serve_site: %s (%s) on 127.0.0.1:%d%s" % (site.root, ", ".join(sorted(site.hosts)), port,
                                                   ", CONNECT+TLS" if srv.tls_context else ""), flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
