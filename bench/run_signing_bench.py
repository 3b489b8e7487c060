#!/usr/bin/env python3
"""What signing costs a reader, on the 10,000-post generated mirror.

    python3 bench/run_signing_bench.py --build /tmp/cbuild-bench            # writes RESULTS.md
    python3 bench/run_signing_bench.py --build /tmp/cbuild-bench --quick    # 1000 posts; prints only
    python3 bench/run_signing_bench.py --build B --bundle X.sitepack        # an existing bundle (made by this builder)

BUILD is a CMake build folder of this tree: the script builds its `sitepack`
and `signing_bench` targets there. The bundle is built from the generated
mirror (bench/generate_mirror.py, kept in bench/out/mirrors/ like the other
benchmarks) unless --bundle is given; a copy is signed with a throw-away key.
`signing_bench` (bench/signing_bench.cpp) then measures, in one process,
on the signed and on the unsigned copy:

- Bundle::open, whole, and the signature check alone (the manifest of the
  bundle's rows, one Ed25519 verification), median of 15 opens;
- reading one page (Bundle::read_document: decompress, check the hash,
  decode) and hashing its decoded body with BLAKE2b (what signed bundles
  check) and with XXH64 (what format 1 checked), median over 500 random pages.

The ratios compare figures of the same run only. Results go to the
"signing-bench" section of bench/RESULTS.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
MARK_START = "<!-- signing-bench:start -->"
MARK_END = "<!-- signing-bench:end -->"


def log(message):
    print(f"[signing-bench] {message}", file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def timed(cmd, env=None):
    start = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return time.monotonic() - start


def ensure_mirror(posts):
    mirror = OUT / "mirrors" / f"posts{posts}-noimg-seed1"
    if not (mirror.parent / f"{mirror.name}.done.json").exists():
        log(f"generating the {posts}-post mirror (not timed)")
        shutil.rmtree(mirror, ignore_errors=True)
        run([sys.executable, str(BENCH / "generate_mirror.py"), "--posts", str(posts), "--out", str(mirror), "--no-images"])
    return mirror


def write_results(path, section):
    block = f"{MARK_START}\n{section.rstrip()}\n{MARK_END}\n"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if MARK_START in text and MARK_END in text:
        before = text[: text.index(MARK_START)]
        after = text[text.index(MARK_END) + len(MARK_END):].lstrip("\n")
        text = before + block + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", required=True, help="CMake build folder of this tree")
    parser.add_argument("--bundle", help="an existing bundle made by this builder (default: build the mirror)")
    parser.add_argument("--quick", action="store_true", help="1000 posts, print only")
    args = parser.parse_args()

    build = Path(args.build)
    log("building sitepack and signing_bench")
    run(["cmake", "--build", str(build), "-j2", "--target", "sitepack", "signing_bench"])
    sitepack, bench = build / "sitepack", build / "signing_bench"
    work = OUT / "signing"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764115200")

    posts = 1000 if args.quick else 10000
    unsigned = work / "unsigned.sitepack"
    build_seconds = None
    if args.bundle:
        shutil.copyfile(args.bundle, unsigned)
        label = Path(args.bundle).name
    else:
        mirror = ensure_mirror(posts)
        log(f"building the {posts}-post bundle")
        build_seconds = timed([str(sitepack), "build", str(mirror), "-o", str(unsigned), "--quiet"], env)
        label = f"{posts} posts, no images"

    key = work / "bench.key"
    run([str(sitepack), "keygen", str(key), "--publisher", "Benchmark Publisher"])
    signed = work / "signed.sitepack"
    shutil.copyfile(unsigned, signed)
    log("signing a copy")
    sign_seconds = timed([str(sitepack), "sign", str(signed), "--key", str(key), "--quiet"], env)
    verify_seconds = timed([str(sitepack), "verify", str(signed), "--quiet", "--publisher", str(work / "bench.pub")], env)

    results = {}
    for name, path in (("unsigned", unsigned), ("signed", signed)):
        log(f"measuring the {name} copy")
        results[name] = json.loads(run([str(bench), str(path)]).stdout)
    s, u = results["signed"], results["unsigned"]
    if s["state"] != "verified":
        sys.exit(f"the signed copy reads as {s['state']}, not verified")

    size = signed.stat().st_size
    pages = int(run(["sqlite3", str(signed), "SELECT count(*) FROM pages"]).stdout.strip())
    rows = int(run(["sqlite3", str(signed),
                    "SELECT (SELECT count(*) FROM pages)+(SELECT count(*) FROM redirects)+(SELECT count(*) FROM links)"
                    "+(SELECT count(*) FROM page_terms)+(SELECT count(*) FROM terms)+(SELECT count(*) FROM images)"
                    "+(SELECT count(*) FROM navigation)+(SELECT count(*) FROM metadata)"]).stdout.strip())
    lines = [
        "## Signature checks (`run_signing_bench.py`)",
        "",
        f"Bundle: {label}, {pages:,} pages, {rows:,} signed rows, {size / 1e6:.1f} MB, built by this tree's builder "
        "(BLAKE2b hashes); a copy signed with a throw-away key. One process measures both copies one after the other "
        f"(bench/signing_bench.cpp): medians of {s['rounds']} opens and of {s['pages_sampled']} random pages "
        f"(mean decoded body {s['mean_body_bytes']:,} bytes), in CPU time of the measuring thread (the machine is shared). Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        "on the shared 2-core machine.",
        "",
        "| what | figure | ratio |",
        "|---|---|---|",
        f"| signature check at open (manifest of every signed row + one Ed25519 verification) | {s['signature_check_ms']:.1f} ms | "
        f"{s['signature_check_ms'] / s['read_page_us'] * 1000:.0f}× one page read |",
        f"| Bundle::open, signed | {s['open_ms']:.1f} ms | {s['open_ms'] / max(u['open_ms'], 1e-9):.1f}× the unsigned open ({u['open_ms']:.2f} ms) |",
        f"| read one page (decompress, check BLAKE2b, decode), signed bundle | {s['read_page_us']:.1f} µs | — |",
        f"| BLAKE2b of the decoded page body | {s['blake2b_page_us']:.1f} µs | "
        f"{s['blake2b_page_us'] / s['read_page_us']:.2f} of the page read |",
        f"| XXH64 of the same body (format 1's check) | {s['xxh64_page_us']:.2f} µs | "
        f"{s['xxh64_page_us'] / s['read_page_us']:.2f} of the page read |",
        f"| `sitepack sign` (damage check of every page, copy, manifest, rename) | {sign_seconds:.1f} s | "
        + (f"{sign_seconds / build_seconds:.2f} of the build ({build_seconds:.0f} s) |" if build_seconds else "— |"),
        f"| `sitepack verify --publisher` (every page, image and font) | {verify_seconds:.1f} s | — |",
        "",
        "Reading: the signature check is paid once per open; each page then costs one BLAKE2b of its body, "
        "against a page read that is itself a small part of showing a page in the reader (layout and drawing; "
        "`sitepack cat` opens a page in about 4 ms end to end, see the reader benchmark above).",
    ]
    section = "\n".join(lines)
    print(section)
    if not args.quick:
        write_results(BENCH / "RESULTS.md", section)
        log("wrote bench/RESULTS.md")


if __name__ == "__main__":
    main()
