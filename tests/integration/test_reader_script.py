"""The reader as its readers see it: the real sitepack-reader binary, driven
by --script under a virtual X server (xvfb-run), on the sample bundle.

Each test writes a script, runs the reader, and checks the JSON dumps
(what is on screen: URL, title, visible headings and links, search results)
and screenshots. SITEPACK_READER gives the reader binary, SITEPACK the
builder."""

import json
import os
import shutil
import struct
import subprocess
import sys
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOURCE_DIR, ScratchTestCase, run, sample_bundle  # noqa: E402

READER = os.environ.get("SITEPACK_READER", os.path.join(SOURCE_DIR, "build", "sitepack-reader"))
LETTER = "/2023/10/21/open-letter-to-xi-jinping/"
KOREAN_PAGE = "/2020/05/28/interview-with-a-north-korean-defector/"
JAPANESE_PAGE = "/jp/"


def read_png_rgb(path):
    """Decodes the reader's own PNG screenshots (8-bit RGB, no interlace)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and color == 2, "expected 8-bit RGB"
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 3
    rows, previous = [], bytearray(stride)
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - 3] if x >= 3 else 0
            up = previous[x]
            upper_left = previous[x - 3] if x >= 3 else 0
            if filter_type == 1:
                line[x] = (line[x] + left) & 255
            elif filter_type == 2:
                line[x] = (line[x] + up) & 255
            elif filter_type == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif filter_type == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else upper_left)
                line[x] = (line[x] + predictor) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


class ReaderTestCase(ScratchTestCase):
    # Fails, never skips, without its prerequisites: CI has them all.
    def setUp(self):
        super().setUp()
        self.assertTrue(shutil.which("xvfb-run"), "xvfb-run is needed to run the reader: run scripts/deps.sh")
        self.assertTrue(os.path.exists(READER), f"no reader binary at {READER}: build it first")
        self.config = self.path("config")
        os.makedirs(self.config)

    def run_script(self, lines, bundle=None, expect_exit=0, timeout=120):
        script = self.path("script.txt")
        with open(script, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        # The reader's own exit status is kept in a file: xvfb-run's may
        # report its own clean-up trouble instead.
        status_file = self.path("exit_status")
        if os.path.exists(status_file):
            os.remove(status_file)
        reader_args = [READER, "--script", script] + (["--bundle", bundle] if bundle is not None else [])
        args = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "sh", "-c",
                '"$0" "$@"; echo $? > "$STATUS_FILE"', *reader_args]
        env = dict(os.environ, XDG_CONFIG_HOME=self.config, LIBGL_ALWAYS_SOFTWARE="1", STATUS_FILE=status_file)
        result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
        if os.path.exists(status_file):
            with open(status_file) as f:
                result.returncode = int(f.read().strip() or "-1")
        else:
            self.fail(f"the reader did not run (xvfb-run exited {result.returncode})\n{result.stderr}")
        if expect_exit is not None and result.returncode != expect_exit:
            self.fail(f"reader exited {result.returncode}, expected {expect_exit}\n"
                      f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        return result

    def dump(self, name):
        with open(self.path(name), encoding="utf-8") as f:
            return json.load(f)


class ReadingTest(ReaderTestCase):
    def test_open_click_back(self):
        self.run_script([
            f"open {LETTER}", f"dump {self.path('letter.json')}",
            "click \"North Korea rejects to accept NK defectors from China\"",
            f"dump {self.path('clicked.json')}",
            "back", f"dump {self.path('back.json')}",
            "forward", f"dump {self.path('forward.json')}",
        ], bundle=sample_bundle())
        letter = self.dump("letter.json")
        self.assertEqual(letter["title"], "Open Letter to Xi Jinping")
        self.assertIn("open-letter-to-xi-jinping", letter["url"])
        self.assertIn("Open Letter to Xi Jinping", letter["window_title"])
        self.assertTrue(letter["visible_headings"], "the page's headings are on screen")
        clicked = self.dump("clicked.json")
        self.assertIn("north-korea-rejects-to-accept-nk-defectors-from-china", clicked["url"])
        self.assertEqual(clicked["title"], "North Korea rejects to accept NK defectors from China")
        self.assertEqual(self.dump("back.json")["url"], letter["url"])
        self.assertEqual(self.dump("forward.json")["url"], clicked["url"])

    def test_external_and_missing_links_stay_in_the_reader(self):
        self.run_script([f"open {LETTER}", "scroll 2000", "click UNHCR", f"dump {self.path('after.json')}"],
                        bundle=sample_bundle())
        after = self.dump("after.json")
        self.assertIn("open-letter-to-xi-jinping", after["url"], "an external link never navigates away")

    def test_scroll_and_zoom_rewrap(self):
        self.run_script([f"open {LETTER}", f"dump {self.path('top.json')}", "key End",
                         f"dump {self.path('end.json')}", "zoom +3", f"dump {self.path('zoomed.json')}"],
                        bundle=sample_bundle())
        top, end, zoomed = self.dump("top.json"), self.dump("end.json"), self.dump("zoomed.json")
        self.assertEqual(top["scroll"], 0)
        self.assertGreater(end["scroll"], 0)
        self.assertGreater(zoomed["page_height"], end["page_height"], "larger text makes a longer page")

    def test_narrow_window_keeps_the_toolbar_buttons_apart(self):
        # 560 px: the text size and theme buttons no longer fit right-aligned
        # beside the others; they follow them instead of covering Bookmark.
        self.run_script([f"open {LETTER}", "resize 560 500", "wait", f"dump {self.path('narrow.json')}",
                         "resize 1280 800", "wait", f"dump {self.path('wide.json')}"], bundle=sample_bundle())
        for name in ("narrow.json", "wide.json"):
            toolbar = self.dump(name)["toolbar"]
            self.assertGreater(toolbar["left_end"], 0, name)
            self.assertLess(toolbar["left_end"], toolbar["right_start"], f"{name}: the right-hand buttons overlap the others")

    def test_find_in_page(self):
        self.run_script([f"open {LETTER}", "find repatriat", f"dump {self.path('find.json')}"], bundle=sample_bundle())
        self.assertGreaterEqual(self.dump("find.json")["find"]["matches"], 2)

    def test_select_text_with_the_mouse(self):
        # A real press, drag and release over words that wrap onto the next
        # line; the selection reads as the page's text, and stays highlighted.
        phrase = "the Chinese government forcibly repatriated approximately 600 North Korean defectors"
        self.run_script([f"open {LETTER}", f"select {phrase}", f"dump {self.path('selected.json')}",
                         f"screenshot {self.path('selected.png')}", "key Ctrl+A",
                         f"dump {self.path('all.json')}"], bundle=sample_bundle())
        self.assertEqual(self.dump("selected.json")["selection"], phrase)
        everything = self.dump("all.json")["selection"]
        self.assertIn("Dear Mr. President:\nWe call on the Chinese government", everything)
        self.assertIn("coronavirus period.\nNorth Korea had refused", everything)

    def test_resume_where_left_off(self):
        self.run_script([f"open {LETTER}", "scroll 500"], bundle=sample_bundle())
        self.run_script([f"dump {self.path('resumed.json')}"], bundle=sample_bundle())
        resumed = self.dump("resumed.json")
        self.assertIn("open-letter-to-xi-jinping", resumed["url"])
        self.assertGreater(resumed["scroll"], 300)

    def test_history_lists_pages_read_in_earlier_sessions(self):
        self.run_script([f"open {LETTER}", f"open {KOREAN_PAGE}"], bundle=sample_bundle())
        self.run_script(["open app:history", f"dump {self.path('history.json')}"], bundle=sample_bundle())
        history = self.dump("history.json")
        self.assertIn("Recently read", history["headings"])
        self.assertIn("Open Letter to Xi Jinping", history["visible_links"])
        self.assertIn("Interview with a North Korean defector", history["visible_links"])
        # Latest first in the last list ("Recently read"): the interview was read after the letter.
        links = history["visible_links"]
        last = {title: len(links) - 1 - links[::-1].index(title)
                for title in ("Interview with a North Korean defector", "Open Letter to Xi Jinping")}
        self.assertLess(last["Interview with a North Korean defector"], last["Open Letter to Xi Jinping"])


class SearchTest(ReaderTestCase):
    def test_search_then_open_a_result(self):
        self.run_script(["search forced repatriation", f"dump {self.path('results.json')}",
                         "result 1", f"dump {self.path('page.json')}",
                         "back", f"dump {self.path('back.json')}"], bundle=sample_bundle())
        results = self.dump("results.json")
        self.assertGreater(results["search"]["total"], 0)
        hits = results["search"]["hits"]
        self.assertTrue(any("repatriat" in (h["title"] + h["snippet"]).lower() for h in hits))
        page = self.dump("page.json")
        self.assertEqual(page["url"], hits[0]["url"])
        self.assertTrue(self.dump("back.json")["url"].startswith("app:search/"))

    def test_title_suggestions_as_one_types(self):
        self.run_script(["type Open Let", f"dump {self.path('typed.json')}"], bundle=sample_bundle())
        self.assertIn("Open Letter to Xi Jinping", self.dump("typed.json")["suggestions"])

    def test_search_cjk(self):
        self.run_script(["search 김수형", f"dump {self.path('korean.json')}"], bundle=sample_bundle())
        korean = self.dump("korean.json")
        self.assertGreater(korean["search"]["total"], 0)


class GlyphTest(ReaderTestCase):
    def test_korean_and_japanese_are_drawn(self):
        """No character on screen lacks a glyph (boxes), and the text area has ink."""
        # An English page first: the bundle's CJK faces are read only when a
        # page needs them, and then before that page is drawn.
        self.run_script([f"open {LETTER}", f"dump {self.path('english.json')}",
                         f"open {KOREAN_PAGE}", "find 김수형", f"dump {self.path('korean.json')}",
                         f"screenshot {self.path('korean.png')}",
                         f"open {JAPANESE_PAGE}", f"dump {self.path('japanese.json')}",
                         f"screenshot {self.path('japanese.png')}"], bundle=sample_bundle())
        english, korean, japanese = self.dump("english.json"), self.dump("korean.json"), self.dump("japanese.json")
        self.assertFalse(english["cjk_font"], "no CJK face read for an English page")
        self.assertIn("embedded in the bundle", english["fonts"])
        self.assertTrue(korean["cjk_font"], "a CJK font is loaded")
        self.assertIn("Noto Sans CJK", korean["fonts"])
        self.assertEqual(korean["find"]["matches"], 1)
        self.assertEqual(korean["missing_glyphs"], 0)
        self.assertEqual(japanese["missing_glyphs"], 0)
        width, height, rows = read_png_rgb(self.path("japanese.png"))
        dark = sum(1 for y in range(0, height, 4) for x in range(0, width * 3, 12) if rows[y][x] < 100)
        self.assertGreater(dark, 200, "the Japanese page has visible text")


class DamagedBundleTest(ReaderTestCase):
    def check_message(self, bundle):
        self.run_script([f"dump {self.path('state.json')}", f"screenshot {self.path('state.png')}"], bundle=bundle)
        state = self.dump("state.json")
        self.assertEqual(state["bundle_state"], "failed")
        self.assertIn(os.path.basename(bundle), state["bundle_error"] + state["bundle"])
        self.assertTrue(state["bundle_error"])
        return state

    def test_zero_length_file(self):
        empty = self.path("empty.sitepack")
        open(empty, "wb").close()
        self.check_message(empty)

    def test_missing_file(self):
        self.check_message(self.path("nowhere.sitepack"))

    def test_truncated_file(self):
        truncated = self.path("truncated.sitepack")
        with open(sample_bundle(), "rb") as f:
            data = f.read()
        with open(truncated, "wb") as f:
            f.write(data[:len(data) // 3])
        # Either it cannot open, or it opens and damaged pages say so: never a crash.
        result = self.run_script([f"dump {self.path('state.json')}", f"open {LETTER}", f"dump {self.path('page.json')}"],
                                 bundle=truncated, expect_exit=None)
        self.assertIn(result.returncode, (0, 3), f"no crash\n{result.stderr}")
        state = self.dump("state.json")
        if state["bundle_state"] == "failed":
            self.assertTrue(state["bundle_error"])
        else:
            page = self.dump("page.json")
            self.assertTrue(page["title"])

    def test_bit_flipped_page(self):
        flipped = self.path("flipped.sitepack")
        shutil.copy(sample_bundle(), flipped)
        import sqlite3
        db = sqlite3.connect(flipped)
        (page_id, body) = db.execute("SELECT id, body FROM pages WHERE url LIKE '%open-letter-to-xi-jinping'").fetchone()
        body = bytearray(body)
        body[len(body) // 2] ^= 0x10
        db.execute("UPDATE pages SET body = ? WHERE id = ?", (bytes(body), page_id))
        db.commit()
        db.close()
        self.run_script([f"open {LETTER}", f"dump {self.path('damaged.json')}",
                         "open /about/", f"dump {self.path('about.json')}"], bundle=flipped)
        damaged = self.dump("damaged.json")
        self.assertEqual(damaged["title"], "Damaged page")
        self.assertIn("damaged", " ".join(damaged["headings"]).lower())
        self.assertEqual(self.dump("about.json")["title"], "About", "the rest of the bundle still reads")


class FragmentLinkTest(ReaderTestCase):
    """Links ending in #name land on the block with that id, not at the top."""

    HOST = "anchors.example"

    def long_page_bundle(self):
        words = ("Refugees who reach a third country still need a place to stay, work and schooling for "
                 "their children; this paragraph is long so that every section fills more than a screen. ")
        toc = "".join(f'<li><a href="#section-{n}">Go to section {n}</a></li>' for n in range(1, 7))
        sections = "".join(f'<h2 id="section-{n}">Section {n} heading</h2>' + f"<p>{words * 3}</p>" * 8
                           for n in range(1, 7))
        pages = {
            "long": ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>A long report</title></head>"
                     f"<body><main><h1>A long report</h1><ul>{toc}</ul>{sections}</main></body></html>"),
            "": ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Home</title></head><body><main>"
                 "<h1>Home</h1><p>Read <a href=\"/long/#section-4\">the fourth section of the report</a>.</p>"
                 "</main></body></html>"),
        }
        root = self.path("site")
        for rel, html in pages.items():
            target = os.path.join(root, self.HOST, rel, "index.html")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as f:
                f.write(html)
        bundle = self.path("anchors.sitepack")
        run("build", root, "-o", bundle, "--quiet", check=0)
        return bundle

    def assert_at_section(self, state, n):
        self.assertGreater(state["scroll"], 0, f"scrolled down to section {n}")
        self.assertIn(f"Section {n} heading", state["visible_headings"])
        self.assertNotIn("Section 1 heading", state["visible_headings"])

    def test_open_click_and_back_with_fragments(self):
        bundle = self.long_page_bundle()
        self.run_script([
            "open /long/#section-3", f"dump {self.path('opened.json')}",
            "open /long/", f"dump {self.path('top.json')}",
            'click "Go to section 5"', f"dump {self.path('clicked.json')}",
            "back", f"dump {self.path('back.json')}",
            "forward", f"dump {self.path('forward.json')}",
            "open /", 'click "the fourth section"', f"dump {self.path('other_page.json')}",
            "open /long/#no-such-section", f"dump {self.path('unknown.json')}",
        ], bundle=bundle)
        opened = self.dump("opened.json")
        self.assertEqual(opened["title"], "A long report")
        self.assertTrue(opened["url"].endswith("#section-3"), opened["url"])
        self.assert_at_section(opened, 3)

        top = self.dump("top.json")
        self.assertEqual(top["scroll"], 0)
        self.assertNotIn("Section 5 heading", top["visible_headings"])

        clicked = self.dump("clicked.json")
        self.assert_at_section(clicked, 5)
        self.assertTrue(clicked["url"].endswith("#section-5"), clicked["url"])
        self.assertEqual(clicked["history_size"], top["history_size"] + 1, "the jump is a history entry")

        back = self.dump("back.json")
        self.assertEqual(back["scroll"], 0, "back returns to the table of contents")
        self.assertFalse(back["url"].endswith("#section-5"))
        self.assert_at_section(self.dump("forward.json"), 5)

        self.assert_at_section(self.dump("other_page.json"), 4)

        unknown = self.dump("unknown.json")
        self.assertEqual(unknown["title"], "A long report", "an unknown fragment still opens the page")
        self.assertEqual(unknown["scroll"], 0)


class ScriptErrorTest(ReaderTestCase):
    def test_failing_step_is_named(self):
        result = self.run_script([f"open {LETTER}", "click \"no such link text\""], bundle=sample_bundle(),
                                 expect_exit=3)
        self.assertIn("line 2", result.stderr)
        self.assertIn("click", result.stderr)


if __name__ == "__main__":
    unittest.main()
