"""The Windows reader (scripts/build-windows.sh: one static .exe for a USB
stick), run as a Windows reader would, under Wine on a virtual X server.

SITEPACK_WINDOWS_READER gives the .exe (default dist/windows/sitepack-reader.exe).
The test fails, never skips, when the .exe or Wine is missing: CI builds both."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOURCE_DIR, ScratchTestCase, sample_bundle  # noqa: E402

EXE = os.environ.get("SITEPACK_WINDOWS_READER", os.path.join(SOURCE_DIR, "dist", "windows", "sitepack-reader.exe"))
WINE = "/usr/lib/wine/wine64"
OBJDUMP = "x86_64-w64-mingw32-objdump"
LETTER = "/2023/10/21/open-letter-to-xi-jinping/"
KOREAN_PAGE = "/2020/05/28/interview-with-a-north-korean-defector/"
# What a Windows program may import without anything installed: system DLLs.
SYSTEM_DLLS = {"advapi32.dll", "gdi32.dll", "kernel32.dll", "msvcrt.dll", "shell32.dll", "user32.dll",
               "opengl32.dll", "ole32.dll", "imm32.dll", "winmm.dll"}
NETWORK_DLLS = {"ws2_32.dll", "wininet.dll", "winhttp.dll", "wsock32.dll", "dnsapi.dll", "iphlpapi.dll"}


def windows_path(path):
    """Wine maps the Unix root to drive Z:."""
    return "Z:" + os.path.abspath(path).replace("/", "\\")


class WindowsReaderTest(ScratchTestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(EXE):
            raise AssertionError(f"no Windows reader at {EXE}: run scripts/build-windows.sh")
        for tool in (WINE, shutil.which("xvfb-run"), shutil.which(OBJDUMP)):
            if not tool or not os.path.exists(tool):
                raise AssertionError("wine64, xvfb and mingw-w64 are needed: run scripts/deps.sh")
        # One Wine prefix (a fake Windows profile) for the whole class: making
        # it takes seconds.
        cls.prefix = tempfile.mkdtemp(prefix="sitepack-wine-")

    @classmethod
    def tearDownClass(cls):
        subprocess.run([os.path.join(os.path.dirname(WINE), "wineserver"), "-k"],
                       env=dict(os.environ, WINEPREFIX=cls.prefix), capture_output=True)
        shutil.rmtree(cls.prefix, ignore_errors=True)

    def run_reader(self, steps, bundle, timeout=300):
        script = self.path("script.txt")
        with open(script, "w", encoding="utf-8") as f:
            f.write("\n".join(steps) + "\n")
        status_file = self.path("exit_status")
        args = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "sh", "-c", '"$0" "$@"; echo $? > "$STATUS_FILE"',
                WINE, EXE, "--script", windows_path(script), "--bundle", windows_path(bundle)]
        env = dict(os.environ, WINEPREFIX=self.prefix, WINEDEBUG="-all", LIBGL_ALWAYS_SOFTWARE="1",
                   STATUS_FILE=status_file)
        result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
        if not os.path.exists(status_file):
            self.fail(f"the reader did not run under Wine (xvfb-run exited {result.returncode})\n{result.stderr}")
        with open(status_file) as f:
            code = int(f.read().strip() or "-1")
        self.assertEqual(code, 0, f"the Windows reader exited {code}\n{result.stdout}\n{result.stderr}")

    def dump(self, name):
        with open(self.path(name), encoding="utf-8") as f:
            return json.load(f)

    def test_reads_searches_and_follows_links(self):
        # A folder named in Korean: the command line arrives as UTF-16 and
        # must reach SQLite as UTF-8.
        folder = self.path("자료")
        os.makedirs(folder)
        bundle = os.path.join(folder, "lfnkr.sitepack")
        shutil.copy(sample_bundle(), bundle)
        self.run_reader([
            f"open {LETTER}", f"dump {windows_path(self.path('letter.json'))}",
            "click \"North Korea rejects to accept NK defectors from China\"",
            f"dump {windows_path(self.path('clicked.json'))}",
            "search forced repatriation", f"dump {windows_path(self.path('search.json'))}",
            f"open {KOREAN_PAGE}", "find 김수형", f"dump {windows_path(self.path('korean.json'))}",
            f"screenshot {windows_path(self.path('korean.png'))}",
        ], bundle)
        letter = self.dump("letter.json")
        self.assertEqual(letter["bundle_state"], "open", letter.get("bundle_error"))
        self.assertEqual(letter["title"], "Open Letter to Xi Jinping")
        self.assertTrue(letter["visible_headings"])
        clicked = self.dump("clicked.json")
        self.assertEqual(clicked["title"], "North Korea rejects to accept NK defectors from China")
        search = self.dump("search.json")["search"]
        self.assertGreater(search["total"], 0)
        self.assertTrue(any("repatriat" in (hit.get("snippet", "") + hit.get("title", "")).lower()
                            for hit in search["hits"]), search["hits"][:3])
        korean = self.dump("korean.json")
        self.assertIn("interview-with-a-north-korean-defector", korean["url"])
        self.assertGreater(korean["find"]["matches"], 0, "the Korean name is found on the page")
        self.assertTrue(korean["cjk_font"])
        self.assertEqual(korean["missing_glyphs"], 0, "every character has a glyph (no boxes)")
        self.assertIn("embedded", korean["fonts"], "the bundle's own fonts are used, not Windows' fonts")
        self.assertGreater(os.path.getsize(self.path("korean.png")), 20000, "the screenshot holds a drawn page")

    def test_damaged_bundle_gives_a_message(self):
        damaged = self.path("damaged.sitepack")
        with open(sample_bundle(), "rb") as f:
            data = f.read()
        with open(damaged, "wb") as f:
            f.write(data[: len(data) // 3])
        self.run_reader([f"dump {windows_path(self.path('state.json'))}"], damaged)
        state = self.dump("state.json")
        self.assertNotEqual(state["bundle_state"], "open")
        self.assertIn("damaged.sitepack", state["bundle_error"] + state["message"])

    def test_imports_only_system_dlls(self):
        output = subprocess.run([OBJDUMP, "-p", EXE], capture_output=True, text=True, check=True).stdout
        dlls = {line.split(":", 1)[1].strip().lower() for line in output.splitlines() if "DLL Name:" in line}
        self.assertTrue(dlls, "objdump found the import table")
        self.assertFalse(dlls - SYSTEM_DLLS, f"needs DLLs a Windows laptop may not have: {dlls - SYSTEM_DLLS}")
        self.assertFalse(dlls & NETWORK_DLLS, "the reader links no networking code")


if __name__ == "__main__":
    unittest.main()
