#!/usr/bin/env python3
"""Makes the browser tests' bundles from the sample site with the real builder.

    make_fixtures.py --sitepack build/sitepack --out DIR

DIR/lfnkr.sitepack is the sample mirror samples/lfnkr built by `sitepack
build`; the damaged ones are made from it the way a bundle really gets
damaged: cut short by an interrupted copy, empty, not a bundle at all, a page
body with flipped bits, a bundle from a newer format.
"""
import argparse
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DAMAGED_POST = "/2023/10/21/open-letter-to-xi-jinping/"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sitepack", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out = Path(args.out)
    (out / "damaged").mkdir(parents=True, exist_ok=True)
    good = out / "lfnkr.sitepack"
    if not good.exists():
        result = subprocess.run([args.sitepack, "build", str(ROOT / "samples/lfnkr"), "-o", str(good), "--quiet"],
                                capture_output=True, text=True, env={"SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin:/bin"})
        if result.returncode != 0:
            sys.exit("make_fixtures.py: sitepack build failed:\n" + result.stderr)
    whole = good.read_bytes()

    (out / "damaged/truncated.sitepack").write_bytes(whole[: len(whole) // 2])
    (out / "damaged/empty.sitepack").write_bytes(b"")
    (out / "damaged/notes.sitepack").write_text("These are not the bundle you are looking for.\n" * 50)

    newer = out / "damaged/newer.sitepack"
    shutil.copy(good, newer)
    with sqlite3.connect(newer) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()

    flipped = out / "damaged/damaged-page.sitepack"
    shutil.copy(good, flipped)
    with sqlite3.connect(flipped) as db:
        url, body = db.execute("SELECT url, body FROM pages WHERE url LIKE ?", ("%" + DAMAGED_POST.rstrip("/"),)).fetchone()
        body = bytearray(body)
        body[len(body) // 2] ^= 0x5A
        db.execute("UPDATE pages SET body = ? WHERE url = ?", (bytes(body), url))
    db.close()
    # A signed copy and its publisher's public key (config.json pins it).
    signed = out / "signed.sitepack"
    key = out / "publisher.key"
    for stale in (signed, key, out / "publisher.pub"):
        stale.unlink(missing_ok=True)
    shutil.copy(good, signed)
    for step in (["keygen", str(key), "--publisher", "Browser Test Publisher"],
                 ["sign", str(signed), "--key", str(key), "--quiet"]):
        result = subprocess.run([args.sitepack, *step], capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"make_fixtures.py: sitepack {step[0]} failed:\n" + result.stderr)
    print("fixtures in", out)


if __name__ == "__main__":
    main()
