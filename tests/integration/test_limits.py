"""Hostile input against the real binaries: a zstd frame claiming a huge
size, a page of a million nested tags, a 1 GB WARC record, an image claiming
60000 x 60000 pixels. Each must cost bounded time and memory (peak RSS
measured with /usr/bin/time), say what it refused and where, and leave the
rest of the build or the bundle usable."""

import os
import sqlite3
import struct
import subprocess
import sys
import time
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FIXED_EPOCH, SITEPACK, ScratchTestCase, run  # noqa: E402

TIME = "/usr/bin/time"
HOST = "limits.example"


def measured(*args, timeout=300):
    """Runs sitepack under /usr/bin/time; returns (CompletedProcess, peak RSS in MB, seconds)."""
    if not os.path.exists(TIME):
        raise AssertionError(f"{TIME} is missing (Debian package 'time', installed by scripts/deps.sh)")
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH)
    rss_file = f"/tmp/sitepack-limits-rss-{os.getpid()}"
    started = time.monotonic()
    result = subprocess.run([TIME, "-f", "%M", "-o", rss_file, SITEPACK, *args], capture_output=True, text=True,
                            env=env, timeout=timeout)
    seconds = time.monotonic() - started
    with open(rss_file) as f:
        lines = [line for line in f.read().split("\n") if line.strip()]
    os.unlink(rss_file)
    return result, int(lines[-1]) / 1024.0, seconds


def page(title, body):
    return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>" + title + "</title></head><body><main>"
            "<h1>" + title + "</h1>" + body + "</main></body></html>")


def png_header(width, height):
    """A PNG signature and IHDR claiming width x height, then one tiny IDAT and IEND."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) +
            chunk(b"IEND", b""))


class Limits(ScratchTestCase):
    def site(self, pages, files=None):
        """Writes a mirrored site (wget's layout) and returns its folder."""
        root = self.path("site")
        for rel, html in pages.items():
            target = os.path.join(root, HOST, rel, "index.html")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as f:
                f.write(html)
        for rel, data in (files or {}).items():
            target = os.path.join(root, HOST, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(data)
        return root

    def normal_pages(self):
        return {"": page("Home", "<p>Welcome. <a href=/about/>About</a></p>"),
                "about": page("About us", "<p>We help refugees reach safety; this page must still read.</p>")}

    # --- a zstd frame that claims a huge content size ------------------------------

    def test_a_page_body_claiming_a_terabyte_is_refused_before_allocating(self):
        bundle = self.path("b.sitepack")
        run("build", self.site(self.normal_pages()), "-o", bundle, "--quiet", check=0)
        terabyte = 1 << 40
        # Frame header: single segment, 8-byte content size; then one empty raw block.
        frame = b"\x28\xb5\x2f\xfd" + b"\xe0" + struct.pack("<Q", terabyte) + b"\x01\x00\x00"
        with sqlite3.connect(bundle) as db:
            url = db.execute("SELECT url FROM pages WHERE url LIKE '%/about%'").fetchone()[0]
            db.execute("UPDATE pages SET body = ?, body_size = ? WHERE url = ?", (frame, terabyte, url))
        result, rss, _ = measured("cat", bundle, "/about/")
        print(f"\n  page claiming 1 TB: exit {result.returncode}, peak RSS {rss:.0f} MB: {result.stderr.strip()}")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(url, result.stderr)
        self.assertIn("damaged", result.stderr)
        self.assertLess(rss, 150, f"reading a page claiming 1 TB took {rss:.0f} MB")
        # The table agreeing on a small size does not help a frame lying about its own.
        with sqlite3.connect(bundle) as db:
            db.execute("UPDATE pages SET body_size = 100 WHERE url = ?", (url,))
        result, rss, _ = measured("cat", bundle, "/about/")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(url, result.stderr)
        self.assertIn(str(terabyte), result.stderr)
        self.assertLess(rss, 150)
        run("cat", bundle, "/", check=0)  # the other page still reads
        verify = run("verify", bundle, check=1)
        self.assertIn(url, verify.stdout)

    # --- a page of a million nested tags ---------------------------------------------

    def test_a_million_nested_tags_cost_bounded_time_and_memory(self):
        pages = self.normal_pages()
        pages["deep"] = page("Deep", "<div>" * 1_000_000 + "<p>bottom text</p>")
        bundle = self.path("b.sitepack")
        result, rss, seconds = measured("build", self.site(pages), "-o", bundle, "--quiet", "-j", "1")
        print(f"\n  a million nested tags: build {seconds:.1f} s, peak RSS {rss:.0f} MB")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLess(seconds, 120, "a page of a million nested tags took over two minutes")
        self.assertLess(rss, 1024, f"a page of a million nested tags took {rss:.0f} MB")
        listed = run("ls", bundle, check=0).stdout
        self.assertIn("/about ", listed)
        if "/deep " in listed:
            run("cat", bundle, "/deep/", check=0)  # kept flattened: it reads
        else:
            self.assertIn("deep", result.stderr)  # refused: the file is named

    # --- a 1 GB WARC record ------------------------------------------------------------

    def test_a_one_gigabyte_warc_record_is_skipped_and_named(self):
        def record(url, payload_length, payload=b""):
            http_head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                         str(payload_length).encode() + b"\r\n\r\n")
            head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + url + "\r\n"
                    "WARC-Date: 2026-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:" + str(abs(hash(url))) + ">\r\n"
                    "Content-Type: application/http;msgtype=response\r\nContent-Length: " +
                    str(len(http_head) + payload_length) + "\r\n\r\n").encode()
            return head, http_head
        warc = self.path("crawl.warc")
        giant = 1 << 30
        with open(warc, "wb") as f:
            head, http_head = record(f"http://{HOST}/", 200)
            f.write(head + http_head + page("Home", "<p>Welcome</p>").encode().ljust(200) + b"\r\n\r\n")
            giant_offset = f.tell()
            head, http_head = record(f"http://{HOST}/huge/", giant)
            f.write(head + http_head)
            f.seek(giant, os.SEEK_CUR)  # a sparse gigabyte: nothing written, nothing on disk
            f.write(b"\r\n\r\n")
            html = page("About us", "<p>After the giant record.</p>").encode()
            head, http_head = record(f"http://{HOST}/about/", len(html))
            f.write(head + http_head + html + b"\r\n\r\n")
        self.assertGreater(os.path.getsize(warc), giant)
        bundle = self.path("b.sitepack")
        result, rss, seconds = measured("build", warc, "-o", bundle, "-j", "1")
        print(f"\n  1 GB WARC record: build {seconds:.1f} s, peak RSS {rss:.0f} MB; " +
              " ".join(line for line in result.stderr.split("\n") if "warning" in line))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLess(rss, 400, f"a 1 GB WARC record took {rss:.0f} MB")
        self.assertLess(seconds, 120)
        self.assertIn("crawl.warc", result.stderr)
        self.assertIn(str(giant_offset), result.stderr, "the skipped record's byte offset is named")
        listed = run("ls", bundle, check=0).stdout
        self.assertIn("/about ", listed, "the record after the giant one is kept")
        self.assertNotIn("/huge", listed)

    # --- an image claiming 60000 x 60000 pixels ------------------------------------------

    def test_an_image_claiming_60000_pixels_a_side_is_left_out_and_its_page_kept(self):
        pages = self.normal_pages()
        pages["photo"] = page("Photo", "<p>A picture:</p><img src=/giant.png alt='a giant picture'><p>after it</p>")
        bundle = self.path("b.sitepack")
        result, rss, _ = measured("build", self.site(pages, {"giant.png": png_header(60000, 60000)}), "-o", bundle,
                                  "-j", "1")
        print(f"\n  image claiming 60000x60000: peak RSS {rss:.0f} MB; " +
              " ".join(line for line in result.stderr.split("\n") if "warning" in line))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLess(rss, 400)
        self.assertIn("giant.png", result.stderr)
        self.assertIn("60000x60000", result.stderr)
        text = run("cat", bundle, "/photo/", check=0).stdout
        self.assertIn("after it", text)
        with sqlite3.connect(bundle) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM images WHERE url LIKE '%giant.png'").fetchone()[0], 0)
        run("verify", bundle, check=0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
