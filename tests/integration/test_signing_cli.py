"""Signing, as the NGO's volunteer and a reader do it with the real binary:
sitepack keygen, sign, then verify (with and without --publisher), and what
verify says once a signed bundle is altered with sqlite3."""

import json
import os
import shutil
import sqlite3
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ScratchTestCase, run, sample_bundle  # noqa: E402


class Signing(ScratchTestCase):
    def setUp(self):
        super().setUp()
        self.bundle = self.path("lfnkr.sitepack")
        shutil.copyfile(sample_bundle(), self.bundle)
        self.key = self.path("lfnkr.key")
        out = run("keygen", self.key, "--publisher", "Life Funds for North Korean Refugees", check=0).stdout
        self.fingerprint = out.split("fingerprint:")[1].strip()

    def sign(self, bundle=None, key=None, check=0):
        return run("sign", bundle or self.bundle, "--key", key or self.key, "--quiet", check=check)

    def leftovers(self):
        return sorted(name for name in os.listdir(self.scratch) if ".tmp" in name or name.endswith("-journal"))

    def test_keygen_writes_a_private_secret_key_and_a_public_key_and_never_overwrites(self):
        mode = stat.S_IMODE(os.stat(self.key).st_mode)
        self.assertEqual(mode, 0o600, f"secret key mode {oct(mode)}")
        with open(self.path("lfnkr.pub")) as public:
            line = public.read()
        self.assertRegex(line, r"^sitepack-ed25519 [A-Za-z0-9+/]{43}= Life Funds for North Korean Refugees\n$")
        with open(self.key) as secret:
            before = secret.read()
        again = run("keygen", self.key, "--publisher", "Someone", check=1)
        self.assertIn("already exists", again.stderr)
        with open(self.key) as secret:
            self.assertEqual(secret.read(), before, "keygen overwrote a secret key")
        self.assertEqual(run("keygen", self.path("x.key"), check=2).returncode, 2)  # --publisher is required

    def test_sign_then_verify_names_the_publisher_and_fingerprint(self):
        out = self.sign().stdout
        self.assertIn(self.fingerprint, out)
        self.assertEqual(self.leftovers(), [])
        verified = run("verify", self.bundle, "--quiet", "--publisher", self.path("lfnkr.pub"), check=0).stdout
        self.assertIn("ok: ", verified)
        self.assertIn("verified: signed by Life Funds for North Korean Refugees (key " + self.fingerprint + ")", verified)
        data = json.loads(run("verify", self.bundle, "--json", check=0).stdout)
        self.assertTrue(data["ok"])
        self.assertEqual(data["signature"]["state"], "verified")
        self.assertEqual(data["signature"]["fingerprint"], self.fingerprint)
        info = json.loads(run("info", self.bundle, "--json", check=0).stdout)
        self.assertEqual(info["signature"]["publisher"], "Life Funds for North Korean Refugees")
        # The base64 key typed on the command line works like the .pub file.
        with open(self.path("lfnkr.pub")) as public:
            key = public.read().split()[1]
        run("verify", self.bundle, "--quiet", "--publisher", key, check=0)

    def test_verify_with_another_publisher_fails(self):
        self.sign()
        other = self.path("other.key")
        run("keygen", other, "--publisher", "Life Funds for North Korean Refugees", check=0)  # same name, other key
        result = run("verify", self.bundle, "--quiet", "--publisher", self.path("other.pub"), check=1)
        self.assertIn("wrong publisher", result.stdout)
        self.assertIn(self.fingerprint, result.stdout)
        unsigned = self.path("unsigned.sitepack")
        shutil.copyfile(sample_bundle(), unsigned)
        result = run("verify", unsigned, "--quiet", "--publisher", self.path("lfnkr.pub"), check=1)
        self.assertIn("not signed", result.stdout)
        run("verify", unsigned, "--quiet", check=0)  # without --publisher an intact unsigned bundle is fine
        self.assertEqual(run("verify", unsigned, "--publisher", "not-a-key", check=2).returncode, 2)

    def test_a_changed_title_or_swapped_image_after_signing_is_reported(self):
        self.sign()
        tampered = self.path("tampered.sitepack")
        shutil.copyfile(self.bundle, tampered)
        with sqlite3.connect(tampered) as db:
            db.execute("UPDATE pages SET title = 'Forged' WHERE id = (SELECT min(id) FROM pages WHERE kind = 'article')")
        result = run("verify", tampered, "--quiet", check=1)
        self.assertIn("tampered: the pages table changed since it was signed", result.stdout)
        self.assertIn("TAMPERED", result.stdout)

        swapped = self.path("swapped.sitepack")
        shutil.copyfile(self.bundle, swapped)
        with sqlite3.connect(swapped) as db:
            url = db.execute("SELECT url FROM images ORDER BY id LIMIT 1").fetchone()[0]
            db.execute("UPDATE images SET content = content || x'00' WHERE url = ?", (url,))
        result = run("verify", swapped, "--quiet", check=1)
        self.assertIn(f"damaged: image {url}", result.stdout)

        forged = self.path("forged.sitepack")
        shutil.copyfile(self.bundle, forged)
        with sqlite3.connect(forged) as db:
            db.execute("UPDATE signature SET publisher = 'Someone Else'")
        result = run("verify", forged, "--quiet", check=1)
        self.assertIn("bad signature", result.stdout)

    def test_sign_refuses_bad_keys_old_bundles_and_damaged_bundles_leaving_nothing_behind(self):
        with open(self.bundle, "rb") as original:
            before = original.read()
        public_as_secret = self.sign(key=self.path("lfnkr.pub"), check=1)
        self.assertIn("not a sitepack secret key", public_as_secret.stderr)
        missing = self.sign(key=self.path("nope.key"), check=1)
        self.assertIn("nope.key", missing.stderr)

        # A bundle made before signing existed: XXH64 hashes.
        old = self.path("old.sitepack")
        shutil.copyfile(self.bundle, old)
        with sqlite3.connect(old) as db:
            db.execute("UPDATE pages SET body_hash = 'xxh64:0123456789abcdef'")
        refused = self.sign(bundle=old, check=1)
        self.assertIn("XXH64", refused.stderr)
        self.assertIn("rebuild", refused.stderr)

        damaged = self.path("damaged.sitepack")
        shutil.copyfile(self.bundle, damaged)
        with sqlite3.connect(damaged) as db:
            db.execute("UPDATE images SET content = x'00' WHERE id = (SELECT min(id) FROM images)")
        refused = self.sign(bundle=damaged, check=1)
        self.assertIn("damaged", refused.stderr)
        with sqlite3.connect(damaged) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'signature'").fetchone()[0], 0)

        self.assertEqual(self.leftovers(), [])
        with open(self.bundle, "rb") as original:
            self.assertEqual(original.read(), before, "a refused signing changed the bundle")

    def test_a_read_only_folder_fails_cleanly(self):
        if os.geteuid() == 0:
            # root writes anywhere: use a path whose folder does not exist instead.
            result = self.sign(bundle=self.path("missing/lfnkr.sitepack"), check=1)
            self.assertIn("lfnkr.sitepack", result.stderr)
            return
        folder = self.path("ro")
        os.mkdir(folder)
        bundle = os.path.join(folder, "b.sitepack")
        shutil.copyfile(self.bundle, bundle)
        os.chmod(folder, 0o555)
        try:
            result = self.sign(bundle=bundle, check=1)
            self.assertIn("cannot", result.stderr)
            self.assertEqual(os.listdir(folder), ["b.sitepack"])
        finally:
            os.chmod(folder, 0o755)


if __name__ == "__main__":
    unittest.main()
