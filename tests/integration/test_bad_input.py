"""Bad input to the builder and damaged bundles given to the reading
commands: a clear message naming the file or page, a non-zero exit, nothing
half-written, and the rest of a bundle still readable."""

import gzip
import os
import shutil
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SAMPLE, ScratchTestCase, run, sample_bundle  # noqa: E402

POST = "/2023/10/21/open-letter-to-xi-jinping/"


def warc_record(url, html):
    """One gzip member holding a WARC response record, as wget writes it."""
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: " + str(len(html)).encode() + b"\r\n\r\n" + html)
    header = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + url + "\r\n"
              "WARC-Date: 2026-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:" + url[-12:].rjust(12, "0") + ">\r\n"
              "Content-Type: application/http;msgtype=response\r\nContent-Length: " + str(len(http)) + "\r\n\r\n")
    return gzip.compress(header.encode() + http + b"\r\n\r\n", mtime=0)


class BuilderBadInput(ScratchTestCase):
    def assert_no_output(self, out):
        self.assertFalse(os.path.exists(out), "a failed build left a file at the output path")
        stray = [name for name in os.listdir(os.path.dirname(out)) if "partial" in name]
        self.assertEqual(stray, [], "a failed build left a temporary file")

    def test_a_missing_path_is_named(self):
        out = self.path("out.sitepack")
        result = run("build", self.path("nowhere"), "-o", out, check=1)
        self.assertIn("nowhere", result.stderr)
        self.assertIn("no such file or folder", result.stderr)
        self.assert_no_output(out)

    def test_an_empty_folder_is_refused(self):
        os.mkdir(self.path("empty"))
        out = self.path("out.sitepack")
        result = run("build", self.path("empty"), "-o", out, check=1)
        self.assertIn("empty", result.stderr)
        self.assert_no_output(out)

    def test_a_file_that_is_neither_a_warc_nor_a_folder_is_named(self):
        notes = self.path("notes.txt")
        with open(notes, "w") as f:
            f.write("just some notes, not a crawl\n")
        out = self.path("out.sitepack")
        result = run("build", notes, "-o", out, check=1)
        self.assertIn("notes.txt", result.stderr)
        self.assertIn("not a WARC", result.stderr)
        self.assert_no_output(out)

    def test_an_output_folder_that_does_not_exist_is_named(self):
        result = run("build", SAMPLE, "-o", self.path("no/such/dir/out.sitepack"), check=1)
        self.assertIn("does not exist", result.stderr)

    def test_a_failed_build_leaves_an_existing_bundle_untouched(self):
        out = self.path("out.sitepack")
        with open(out, "wb") as f:
            f.write(b"previous bundle")
        run("build", self.path("nowhere"), "-o", out, check=1)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), b"previous bundle")

    def test_a_truncated_warc_keeps_its_complete_records_and_warns(self):
        pages = [warc_record(f"https://example.org/p{i}/", f"<html><head><title>Page {i}</title></head>"
                             f"<body><p>Text of page number {i}.</p></body></html>".encode()) for i in range(5)]
        data = b"".join(pages)
        truncated = self.path("crawl.warc.gz")
        with open(truncated, "wb") as f:
            f.write(data[: len(data) - len(pages[-1]) // 2])
        out = self.path("out.sitepack")
        result = run("build", truncated, "-o", out, check=0)
        self.assertIn("truncated", result.stderr + result.stdout)
        self.assertIn("Text of page number 3", run("cat", out, "https://example.org/p3/", check=0).stdout)
        run("cat", out, "https://example.org/p4/", check=1)

    def test_a_warc_of_only_non_html_fails_saying_no_page_was_usable(self):
        http = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nno"
        header = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/x\r\n"
                  "WARC-Record-ID: <urn:uuid:1>\r\nContent-Length: " + str(len(http)) + "\r\n\r\n").encode()
        crawl = self.path("404.warc")
        with open(crawl, "wb") as f:
            f.write(header + http + b"\r\n\r\n")
        out = self.path("out.sitepack")
        result = run("build", crawl, "-o", out, check=1)
        self.assertIn("no usable HTML page", result.stderr)
        self.assert_no_output(out)


class DamagedBundles(ScratchTestCase):
    def copy(self, name="b.sitepack"):
        path = self.path(name)
        shutil.copy(sample_bundle(), path)
        return path

    def test_a_zero_length_file_is_not_a_bundle(self):
        empty = self.path("empty.sitepack")
        open(empty, "wb").close()
        result = run("info", empty, check=1)
        self.assertIn("empty.sitepack", result.stderr)
        self.assertIn("empty", result.stderr)

    def test_a_text_file_is_not_a_bundle(self):
        other = self.path("notes.sitepack")
        with open(other, "w") as f:
            f.write("hello\n" * 100)
        self.assertIn("not a sitepack bundle", run("info", other, check=1).stderr)

    def test_an_sqlite_database_of_another_program_is_not_a_bundle(self):
        other = self.path("other.sqlite")
        with sqlite3.connect(other) as db:
            db.execute("CREATE TABLE t(x)")
        self.assertIn("not a sitepack bundle", run("info", other, check=1).stderr)

    def test_a_bundle_from_a_newer_format_asks_for_an_update(self):
        newer = self.copy()
        with sqlite3.connect(newer) as db:
            db.execute("PRAGMA user_version = 99")
        result = run("info", newer, check=1)
        self.assertIn("version 99", result.stderr)
        self.assertIn("update sitepack", result.stderr)

    def test_a_truncated_bundle_fails_clearly_at_any_length(self):
        with open(sample_bundle(), "rb") as f:
            whole = f.read()
        for fraction in (0.01, 0.1, 0.5, 0.9, 0.99):
            cut = self.path(f"cut-{fraction}.sitepack")
            with open(cut, "wb") as f:
                f.write(whole[: int(len(whole) * fraction)])
            for command in (["info", cut], ["verify", cut], ["search", cut, "refugees"], ["cat", cut, POST]):
                result = run(*command)
                self.assertIn(result.returncode, (0, 1), f"{command} at {fraction}: {result.stderr}")
                self.assertNotIn("Segmentation", result.stderr)
            self.assertNotEqual(run("verify", cut).returncode, 0, f"verify passed a bundle cut at {fraction}")

    def test_a_damaged_page_is_named_and_the_other_pages_still_read(self):
        damaged = self.copy()
        with sqlite3.connect(damaged) as db:
            url, body = db.execute("SELECT url, body FROM pages WHERE url LIKE '%open-letter-to-xi-jinping'").fetchone()
            body = bytearray(body)
            body[len(body) // 2] ^= 0x5A
            db.execute("UPDATE pages SET body = ? WHERE url = ?", (bytes(body), url))
        result = run("verify", damaged, check=1)
        self.assertIn(url, result.stdout + result.stderr)
        self.assertIn(url, run("cat", damaged, POST, check=1).stderr)
        run("cat", damaged, "/about/", check=0)
        search = run("search", damaged, "refugees", check=0)
        self.assertIn("pages match", search.stdout)

    def test_a_damaged_image_is_named_by_verify(self):
        damaged = self.copy()
        with sqlite3.connect(damaged) as db:
            url, content = db.execute("SELECT url, content FROM images ORDER BY id LIMIT 1").fetchone()
            content = bytearray(content)
            content[-10] ^= 0xFF
            db.execute("UPDATE images SET content = ? WHERE url = ?", (bytes(content), url))
        result = run("verify", damaged, check=1)
        self.assertIn(url, result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
