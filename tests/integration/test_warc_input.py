"""A WARC written by the real wget while it crawls the sample site (played
by a local server, nothing leaves the machine) builds the same bundle as the
mirrored folder, with the site's HTTP redirect kept as a redirect."""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOURCE_DIR, run, sample_bundle  # noqa: E402

MAKE_WARC = os.path.join(SOURCE_DIR, "tests", "warc", "make_warc.sh")


class BuildingFromAWgetWarc(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.mkdtemp(prefix="sitepack-warc-")
        cls.warc = os.path.join(cls.scratch, "crawl.warc.gz")
        crawl = subprocess.run(["bash", MAKE_WARC, cls.warc], capture_output=True, text=True, timeout=600)
        if crawl.returncode != 0:
            raise AssertionError("make_warc.sh failed:\n" + crawl.stdout + crawl.stderr)
        cls.bundle = os.path.join(cls.scratch, "crawl.sitepack")
        cls.build = run("build", cls.warc, "-o", cls.bundle, check=0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def pages(self, bundle):
        with sqlite3.connect(f"file:{bundle}?mode=ro", uri=True) as db:
            return dict(db.execute("SELECT url, body_hash FROM pages"))

    def test_every_page_of_the_mirror_comes_out_the_same(self):
        self.assertEqual(self.pages(self.bundle), self.pages(sample_bundle()))

    def test_the_http_301_is_kept_as_a_redirect_and_404s_are_counted(self):
        with sqlite3.connect(f"file:{self.bundle}?mode=ro", uri=True) as db:
            reason = db.execute("SELECT reason FROM redirects WHERE url LIKE '%/donate'").fetchone()
        self.assertEqual(reason, ("http 301",))
        self.assertRegex(self.build.stdout, r"\d+\s+HTTP 404")
        self.assertIn("About", run("cat", self.bundle, "https://www.northkoreanrefugees.com/donate/", check=0).stdout)

    def test_images_from_the_crawl_are_in_the_bundle(self):
        with sqlite3.connect(f"file:{self.bundle}?mode=ro", uri=True) as db:
            kinds = {row[0] for row in db.execute("SELECT mime_type FROM images")}
        self.assertEqual(kinds, {"image/jpeg", "image/png"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
