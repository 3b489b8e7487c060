"""The reader's words for a bundle's signature, under a virtual X server: the
bundle information page says who signed it and whether it is verified,
tampered or unsigned (found with the reader's own find-in-page)."""

import os
import shutil
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import run, sample_bundle  # noqa: E402
from test_reader_script import ReaderTestCase  # noqa: E402


class SignatureInTheReader(ReaderTestCase):
    def setUp(self):
        super().setUp()
        self.bundle = self.path("signed.sitepack")
        shutil.copyfile(sample_bundle(), self.bundle)
        out = run("keygen", self.path("pub.key"), "--publisher", "Sample Publisher", check=0).stdout
        self.fingerprint = out.split("fingerprint:")[1].strip()
        run("sign", self.bundle, "--key", self.path("pub.key"), "--quiet", check=0)

    def info_page_matches(self, bundle, phrases):
        """How many times each phrase shows on the bundle information page."""
        lines = ["open app:info"]
        for i, phrase in enumerate(phrases):
            lines += [f"find {phrase}", f"dump {self.path(f'find{i}.json')}"]
        self.run_script(lines, bundle=bundle)
        return [self.dump(f"find{i}.json")["find"]["matches"] for i in range(len(phrases))]

    def test_a_signed_bundle_shows_its_publisher_fingerprint_and_verified(self):
        found = self.info_page_matches(self.bundle, ["Sample Publisher", self.fingerprint,
                                                     "Signed and verified: the content is what this key signed"])
        self.assertTrue(all(found), f"matches {found} on the information page")

    def test_a_pinned_publisher_is_trusted_and_another_key_is_flagged(self):
        folder = os.path.join(self.config, "sitepack")
        os.makedirs(folder, exist_ok=True)
        with open(self.path("pub.pub")) as key, open(os.path.join(folder, "trusted-publishers.txt"), "w") as pins:
            pins.write("# keys this reader trusts\n" + key.read())
        found = self.info_page_matches(self.bundle, ["by a publisher you trust"])
        self.assertTrue(all(found), f"matches {found} on the information page")
        # Another key, same publisher name: verified, but not the pinned key.
        other = self.path("other.sitepack")
        shutil.copyfile(sample_bundle(), other)
        run("keygen", self.path("other.key"), "--publisher", "Sample Publisher", check=0)
        run("sign", other, "--key", self.path("other.key"), "--quiet", check=0)
        found = self.info_page_matches(other, ["a key you have not pinned"])
        self.assertTrue(all(found), f"matches {found} on the information page")

    def test_a_bundle_changed_after_signing_says_tampered_and_which_table(self):
        with sqlite3.connect(self.bundle) as db:
            db.execute("UPDATE metadata SET value = 'Forged name' WHERE key = 'site_name'")
        found = self.info_page_matches(self.bundle, ["TAMPERED", "the metadata table changed since it was signed"])
        self.assertTrue(all(found), f"matches {found} on the information page")

    def test_an_unsigned_bundle_says_so(self):
        found = self.info_page_matches(sample_bundle(), ["Not signed", "Signed and verified"])
        self.assertEqual(found[0] > 0, True)
        self.assertEqual(found[1], 0)


if __name__ == "__main__":
    unittest.main()
