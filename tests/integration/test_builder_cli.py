"""The builder and its CLI, run as the NGO's volunteer runs them: build the
sample mirror, then look at the bundle with every command."""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SAMPLE, ScratchTestCase, run, sample_bundle  # noqa: E402

POST = "/2023/10/21/open-letter-to-xi-jinping/"
POST_URL = "https://www.northkoreanrefugees.com/2023/10/21/open-letter-to-xi-jinping"


class BuildingTheSample(ScratchTestCase):
    def test_the_summary_counts_pages_images_redirects_and_skipped_files(self):
        out = self.path("s.sitepack")
        result = run("build", SAMPLE, "-o", out, check=0)
        summary = result.stdout
        self.assertRegex(summary, r"pages:\s+\d+\s+\(\d+ articles, \d+ listings\)")
        self.assertRegex(summary, r"images:\s+[1-9]")
        self.assertRegex(summary, r"redirects:\s+[1-9]")
        self.assertIn("not HTML or image: .css", summary)
        self.assertTrue(os.path.exists(out))
        leftovers = [name for name in os.listdir(self.scratch) if name != "s.sitepack"]
        self.assertEqual(leftovers, [], "the build left temporary files beside the bundle")

    def test_the_same_input_gives_a_byte_identical_bundle(self):
        first, second = self.path("a.sitepack"), self.path("b.sitepack")
        run("build", SAMPLE, "-o", first, "--quiet", check=0)
        run("build", SAMPLE, "-o", second, "--quiet", "--threads", "1", check=0)
        with open(first, "rb") as a, open(second, "rb") as b:
            self.assertEqual(a.read(), b.read(), "two builds of the same mirror differ")

    def test_progress_in_a_log_is_plain_lines(self):
        result = run("build", SAMPLE, "-o", self.path("s.sitepack"), check=0)
        self.assertNotIn("\r", result.stderr)
        self.assertRegex(result.stderr, r"compressing: \d+/\d+")


class InspectingTheBundle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bundle = sample_bundle()

    def test_info_json_describes_the_site_and_its_counts(self):
        info = json.loads(run("info", self.bundle, "--json", check=0).stdout)
        self.assertEqual(info["base_url"], "https://www.northkoreanrefugees.com/")
        self.assertGreaterEqual(info["counts"]["pages"], 25)
        self.assertGreaterEqual(info["counts"]["images"], 3)
        self.assertEqual(info["home_page"], "https://www.northkoreanrefugees.com/")
        text = json.dumps(info)
        self.assertIn("Privacy Policy", text, "the site's menu is missing from the bundle metadata")
        self.assertIn("ja", text, "Japanese pages did not register as a language")

    def test_ls_lists_posts_listings_and_the_old_reports(self):
        listing = run("ls", self.bundle, check=0).stdout
        self.assertIn(POST_URL, listing)
        self.assertIn("/old/reports/annual_report_2011.htm", listing)
        self.assertIn("/category/north-korea", listing)
        self.assertRegex(listing, r"listing")

    def test_cat_shows_the_post_without_the_sites_boilerplate(self):
        page = run("cat", self.bundle, POST, check=0).stdout
        self.assertIn("Open Letter to Xi Jinping", page)
        self.assertIn("forcibly repatriated approximately 600", page)
        for boilerplate in ("older archives", "Older Archives", "Proudly powered", "Search for:", "Who We Are"):
            self.assertNotIn(boilerplate, page, f"sidebar/footer text {boilerplate!r} leaked into the page body")
        self.assertIn("Links:", page)
        self.assertRegex(page, r"\[\d+\] https://www\.unhcr\.org/? \(external\)")

    def test_every_spelling_of_a_url_finds_the_same_page(self):
        expected = run("cat", self.bundle, POST, check=0).stdout
        for spelling in (POST_URL, "http://www.northkoreanrefugees.com" + POST + "index.html",
                         "https://WWW.northkoreanrefugees.com:443" + POST + "#comments",
                         "/?p=4512"):
            self.assertEqual(run("cat", self.bundle, spelling, check=0).stdout, expected, spelling)

    def test_a_redirect_leads_to_its_target(self):
        self.assertIn("About", run("cat", self.bundle, "/donate/", check=0).stdout.splitlines()[0])

    def test_links_to_pages_outside_the_mirror_are_marked_missing(self):
        page = run("cat", self.bundle, "/2022/08/17/why-no-reports-on-nk-refugee-rescue-activities/", check=0).stdout
        self.assertRegex(page, r"https://www\.northkoreanrefugees\.com/2003/02/? \(not in this bundle\)")

    def test_cat_of_a_page_that_is_not_there_says_so(self):
        result = run("cat", self.bundle, "/no/such/page/", check=1)
        self.assertIn("no page /no/such/page/", result.stderr)

    def test_old_windows_1252_pages_come_out_as_utf8_with_curly_quotes(self):
        page = run("cat", self.bundle, "/old/reports/annual_report_2006.htm", check=0).stdout
        self.assertNotIn("\ufffd", page)
        self.assertRegex(page, "[\u2018\u2019\u201c\u201d\u2013]")

    def test_search_ranks_the_post_about_the_query_first_with_marked_snippets(self):
        out = run("search", self.bundle, "forced", "repatriation", check=0).stdout
        self.assertRegex(out, r"\d+ pages? match")
        first = out.split("\n1. ", 1)[1].split("\n2. ", 1)[0]
        self.assertIn("Open Letter to Xi Jinping", first)
        self.assertIn("[repatriation]", first)

    def test_search_finds_japanese_text(self):
        out = run("search", self.bundle, "北朝鮮", check=0).stdout
        self.assertRegex(out, r"[1-9]\d* pages? match")
        self.assertIn("[北朝鮮]", out)

    def test_search_json_gives_total_and_hits(self):
        data = json.loads(run("search", self.bundle, "refugees", "--json", "--limit", "2", check=0).stdout)
        self.assertGreater(data["total"], 2)
        self.assertEqual(len(data["hits"]), 2)

    def test_a_query_matching_nothing_reports_zero(self):
        out = run("search", self.bundle, "xylophonequartz", check=0).stdout
        self.assertIn("0 pages match", out)

    def test_verify_passes_on_a_fresh_bundle(self):
        out = run("verify", self.bundle, check=0).stdout
        self.assertRegex(out, r"ok: \d+ pages and \d+ images verified")

    def test_the_plain_sqlite3_shell_reads_the_bundle(self):
        shell = shutil.which("sqlite3")
        self.assertIsNotNone(shell, "the sqlite3 shell is not installed (scripts/deps.sh installs it)")
        count = subprocess.run([shell, self.bundle, "SELECT count(*) FROM pages"], capture_output=True, text=True)
        self.assertEqual(count.returncode, 0, count.stderr)
        self.assertGreater(int(count.stdout), 25)
        hits = subprocess.run([shell, self.bundle, "SELECT count(*) FROM search WHERE search MATCH 'refugees'"],
                              capture_output=True, text=True)
        self.assertGreater(int(hits.stdout), 0, hits.stderr)

    def test_no_script_or_event_handler_reaches_the_bundle(self):
        for url in run("ls", self.bundle, check=0).stdout.split():
            if url.startswith("https://"):
                page = run("cat", self.bundle, url, check=0).stdout
                self.assertNotIn("<script", page)
                self.assertNotIn("onclick", page)


class AReadOnlyBundle(ScratchTestCase):
    def test_a_write_protected_bundle_opens_and_nothing_is_written_beside_it(self):
        copy = self.path("ro.sitepack")
        shutil.copy(sample_bundle(), copy)
        os.chmod(copy, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.chmod(self.scratch, stat.S_IRUSR | stat.S_IXUSR)
        try:
            run("info", copy, check=0)
            run("search", copy, "refugees", check=0)
            run("verify", copy, check=0)
        finally:
            os.chmod(self.scratch, stat.S_IRWXU)
        self.assertEqual(os.listdir(self.scratch), ["ro.sitepack"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
