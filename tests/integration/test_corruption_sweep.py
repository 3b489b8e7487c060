"""Corruption sweep: a small real bundle, damaged in hundreds of ways — bytes
flipped in the database header, in every SQLite page (b-tree interior and
leaf pages of every table and index, overflow pages holding zstd frames,
the zstd dictionary, the fonts, the FTS5 index) and the file cut at many
lengths — then read by the real `sitepack verify` and `sitepack cat`.

Every variant must end cleanly: success, or exit 1 with a message naming
the bundle or the damaged page. Never a signal, a sanitizer report, or a
hang (each run has a time limit). The counts are printed at the end, for
bench/RESULTS.md ("Trust: corruption sweep")."""

import collections
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FIXED_EPOCH, SAMPLE, SITEPACK, run  # noqa: E402

SITE = "www.northkoreanrefugees.com"
# A few pages and an image of the sample: a bundle of about 200 KB with every
# table the format has (pages, FTS5, dictionary, fonts, images).
FILES = ["index.html", "2020/04/10/another-success-story/index.html", "old/index.htm", "donate/index.html",
         "category/north-korea/index.html", "wp-content/uploads/2019/05/lfnkr-logo.png"]
RUN_TIMEOUT = 30  # seconds; any run over it is a hang
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer", "runtime error:")
# Offsets of the 100-byte SQLite header fields worth breaking: magic, page
# size, format versions, reserved bytes, payload fractions, change counter,
# database size, freelist, schema cookie and format, encoding, version.
HEADER_OFFSETS = [0, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 28, 31, 32, 36, 40, 44, 48, 52, 56, 60, 64, 92, 96]
PAGE_KINDS = {2: "index interior", 5: "table interior", 10: "index leaf", 13: "table leaf"}


def sitepack(*args):
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH)
    return subprocess.run([SITEPACK, *args], capture_output=True, text=True, errors="replace", env=env,
                          timeout=RUN_TIMEOUT)


class CorruptionSweep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.mkdtemp(prefix="sitepack-sweep-")
        site = os.path.join(cls.scratch, "site")
        for rel in FILES:
            target = os.path.join(site, SITE, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy(os.path.join(SAMPLE, SITE, rel), target)
        cls.bundle = os.path.join(cls.scratch, "mini.sitepack")
        run("build", site, "-o", cls.bundle, "--quiet", "-j", "1", check=0)
        with open(cls.bundle, "rb") as f:
            cls.original = f.read()
        with sqlite3.connect(cls.bundle) as db:
            cls.page_urls = [row[0] for row in db.execute("SELECT url FROM pages ORDER BY id")]
            try:  # which table each page belongs to (Debian's SQLite has dbstat)
                cls.owner = {row[1]: (row[0], row[2]) for row in
                             db.execute("SELECT name, pageno, pagetype FROM dbstat")}
            except sqlite3.OperationalError:
                cls.owner = {}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def page_kind(self, number, page_size):
        start = 100 if number == 1 else (number - 1) * page_size
        kind = PAGE_KINDS.get(self.original[start], "overflow or free")
        table, dbstat_kind = self.owner.get(number, ("?", ""))
        if dbstat_kind == "overflow":
            kind = "overflow"
        return start, f"{kind} of {table}"

    def variants(self):
        """Yields (description, bytes) for every damaged copy."""
        rng = random.Random(20261126)
        data = self.original
        page_size = int.from_bytes(data[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = len(data) // page_size

        def flipped(offset):
            copy = bytearray(data)
            copy[offset] ^= rng.randrange(1, 256)
            return bytes(copy)

        for offset in HEADER_OFFSETS:
            yield "header", f"header byte {offset}", flipped(offset)
        for number in range(1, pages + 1):
            start, kind = self.page_kind(number, page_size)
            base = (number - 1) * page_size
            # the b-tree page header and its cell pointers, then its content
            for offset in (start, start + 3, start + 9, base + page_size // 2, base + rng.randrange(page_size)):
                yield kind, f"page {number} byte {offset - base}", flipped(min(offset, len(data) - 1))
        # One bit in every 2 KB across the whole file, as a failing disk would.
        for offset in range(512, len(data), 2048):
            copy = bytearray(data)
            copy[offset] ^= 1 << rng.randrange(8)
            yield "single bit", f"bit at byte {offset}", bytes(copy)
        lengths = sorted({0, 1, 15, 16, 99, 100, 101, 512, page_size - 1, page_size, page_size + 1} |
                         {len(data) * k // 37 for k in range(1, 37)} | {len(data) - 1, len(data) - page_size})
        for length in lengths:
            if 0 <= length < len(data):
                yield "truncated", f"cut at {length} of {len(data)} bytes", data[:length]

    def test_every_damaged_variant_ends_cleanly(self):
        started = time.monotonic()
        outcomes = collections.Counter()
        by_kind = collections.defaultdict(collections.Counter)
        failures = []
        variant_path = os.path.join(self.scratch, "variant.sitepack")
        probe_urls = [self.page_urls[0], self.page_urls[len(self.page_urls) // 2]]
        count = 0
        for kind, where, data in self.variants():
            count += 1
            with open(variant_path, "wb") as f:
                f.write(data)
            try:
                verify = sitepack("verify", variant_path, "--quiet")
                cats = [sitepack("cat", variant_path, url) for url in probe_urls]
            except subprocess.TimeoutExpired as hang:
                failures.append(f"{where} ({kind}): no answer within {RUN_TIMEOUT} s: {hang.cmd}")
                continue
            for name, result in [("verify", verify)] + [("cat", c) for c in cats]:
                output = result.stdout + result.stderr
                problem = None
                if result.returncode < 0:
                    problem = f"killed by signal {-result.returncode}"
                elif any(mark in output for mark in SANITIZER_MARKS):
                    problem = "sanitizer report"
                elif result.returncode not in (0, 1):
                    problem = f"exit {result.returncode}"
                elif result.returncode == 1 and "variant.sitepack" not in output and "damaged" not in output:
                    problem = "an error that names neither the bundle nor a damaged page"
                if problem:
                    failures.append(f"{where} ({kind}), {name}: {problem}\n{output[-1500:]}")
            if verify.returncode == 0:
                outcome = "ok"
            elif "damaged:" in verify.stdout:
                outcome = "damaged"
            else:
                outcome = "refused"
            outcomes[outcome] += 1
            by_kind[kind][outcome] += 1
        seconds = time.monotonic() - started
        print(f"\ncorruption sweep: {count} variants of a {len(self.original)}-byte bundle "
              f"({len(self.original) // int.from_bytes(self.original[16:18], 'big')} pages), "
              f"{3 * count} runs in {seconds:.0f} s")
        meaning = {"ok": "verified ok (the damage hit bytes no check reads: free space, unused header fields)",
                   "damaged": "opened, the damaged pages/images/fonts reported by name",
                   "refused": "refused at open or verify with a message naming the bundle"}
        for outcome, n in outcomes.most_common():
            print(f"  {n:5d}  {meaning[outcome]}")
        print("  by where the damage was:")
        for kind in sorted(by_kind):
            print(f"    {kind:40s} " + ", ".join(f"{n} {o}" for o, n in by_kind[kind].most_common()))
        print(f"  unclean endings (crash, hang, sanitizer, unclear message): {len(failures)}")
        self.assertGreater(count, 200, "the sweep made too few variants")
        self.assertGreater(outcomes["damaged"], 0, "no variant had a page reported damaged")
        self.assertEqual(failures, [], "\n\n".join(failures[:10]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
