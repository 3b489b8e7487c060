#!/usr/bin/env python3
"""The builder benchmark: `sitepack build` against zimwriterfs and tar|zstd.

For each mirror (the repo's sample, and mirrors made by bench/generate_mirror.py
with N posts, without and with images) it measures in ONE run, so that every
figure has a peer measured on the same (noisy) machine at the same time:

  * the size of the bundle made by `sitepack build`, of the ZIM made by
    zimwriterfs (with its default full-text Xapian index), of
    `tar -cf - MIRROR | zstd -19 --long=27` and of the same tar|zstd of the
    pages' plain text (`sitepack cat` of every page of `sitepack ls`);
  * the full-text index's share of the bundle (SQLite's dbstat) and where the
    rest of the bundle's bytes go;
  * build wall time, pages/s and peak memory (/usr/bin/time -v) of sitepack
    and of zimwriterfs;
  * the largest page body a reader decompresses (max pages.body_size);

and prints the ratios against the goals (bundle/ZIM <= 0.5, bundle/text-zstd
<= 2.0, >= 500 pages/s on 2 cores, largest body <= 64 KB) with PASS/FAIL.
The tables are printed at the end and written into bench/RESULTS.md between
the markers of this script's section (other sections are kept).

Usage:
  python3 bench/run_builder_bench.py [--sizes sample,1000,10000] [--sitepack PATH] [--quick]

Generated mirrors, bundles, ZIMs and texts go to bench/out/ (git-ignored);
generated mirrors are reused by later runs (same post count, images flag and
seed, and the same generate_mirror.py). Mirror generation is not timed.
Python 3 standard library only.
"""

import argparse
import concurrent.futures
import datetime
import hashlib
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
DEFAULT_OUT = BENCH / "out"
SAMPLE = REPO / "samples" / "lfnkr"
GENERATOR = BENCH / "generate_mirror.py"
RESULTS = BENCH / "RESULTS.md"
MARK_START = "<!-- builder-bench:start -->"
MARK_END = "<!-- builder-bench:end -->"

IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".bmp", ".ico", ".avif", ".tif", ".tiff"}
HTML_EXTS = {".html", ".htm", ".xhtml", ".php", ".asp", ".aspx"}

# Goals of the builder.
GOAL_ZIM_RATIO = 0.5       # bundle / ZIM
GOAL_TEXT_RATIO = 2.0      # bundle / tar|zstd of the plain text
GOAL_PAGES_PER_S = 500.0   # on 2 cores
GOAL_MAX_BODY = 64 * 1024  # bytes a reader decompresses for one page

# A fixed build date so that repeated runs give the same bundles.
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z

T0 = time.monotonic()


def log(msg):
    el = time.monotonic() - T0
    print(f"[{int(el // 60):02d}:{el % 60:04.1f}] {msg}", flush=True)


# --- small helpers ------------------------------------------------------------


def human_bytes(n):
    if n is None:
        return "n/a"
    n = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            if unit == "B":
                return f"{int(n)} B"
            return f"{n:.1f} {unit}" if abs(n) < 100 else f"{n:.0f} {unit}"
        n /= 1024.0
    return f"{n:.1f} GB"


def fmt(x, spec=".2f", none="n/a"):
    return none if x is None else format(x, spec)


def verdict(value, goal, smaller_is_better):
    if value is None:
        return "n/a"
    ok = value <= goal if smaller_is_better else value >= goal
    return "PASS" if ok else "FAIL"


def run(cmd, **kw):
    """Runs cmd, returns CompletedProcess (text), never raises on exit status."""
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def first_line(cmd):
    try:
        p = run(cmd)
        out = (p.stdout or p.stderr).strip().splitlines()
        return out[0].strip() if out else "?"
    except OSError:
        return "not found"


def timed(cmd, log_path, env=None):
    """Runs cmd under /usr/bin/time -v; returns (rc, wall seconds, peak RSS bytes).

    stdout and stderr of the command (and time's report) go to log_path."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    tv = log_path.with_suffix(log_path.suffix + ".time")
    full = ["/usr/bin/time", "-v", "-o", str(tv)] + [str(c) for c in cmd]
    with open(log_path, "w") as lf:
        start = time.monotonic()
        p = subprocess.run(full, stdout=lf, stderr=subprocess.STDOUT, env=env)
        wall = time.monotonic() - start
    rss = None
    try:
        m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", tv.read_text())
        if m:
            rss = int(m.group(1)) * 1024
    except OSError:
        pass
    return p.returncode, wall, rss


def tail(path, n=5):
    try:
        lines = Path(path).read_text(errors="replace").strip().splitlines()
        return " | ".join(lines[-n:])
    except OSError:
        return ""


def tar_zstd_size(directory):
    """Bytes of `tar -cf - DIR | zstd -19 --long=27` (and the seconds it took)."""
    directory = Path(directory)
    start = time.monotonic()
    tar = subprocess.Popen(["tar", "-C", str(directory.parent), "--sort=name", "-cf", "-", directory.name],
                           stdout=subprocess.PIPE)
    zst = subprocess.Popen(["zstd", "-19", "--long=27", "-q", "-c"], stdin=tar.stdout, stdout=subprocess.PIPE)
    tar.stdout.close()
    total = 0
    while True:
        chunk = zst.stdout.read(1 << 20)
        if not chunk:
            break
        total += len(chunk)
    zrc = zst.wait()
    trc = tar.wait()
    if zrc != 0 or trc != 0:
        raise RuntimeError(f"tar|zstd failed (tar {trc}, zstd {zrc}) on {directory}")
    return total, time.monotonic() - start


def write_png_48(path):
    """A 48x48 RGB PNG (zimwriterfs's mandatory illustration), made with zlib."""
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes((40 + x * 4, 90, 200 - x * 3)) * 48 for x in range(48))
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", 48, 48, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows, 9))
           + chunk(b"IEND", b""))
    Path(path).write_bytes(png)


def mirror_stats(root):
    files = html = images = 0
    html_bytes = image_bytes = total = 0
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            p = os.path.join(dirpath, name)
            try:
                size = os.path.getsize(p)
            except OSError:
                continue
            files += 1
            total += size
            ext = os.path.splitext(name)[1].lower()
            if ext in IMAGE_EXTS:
                images += 1
                image_bytes += size
            elif ext in HTML_EXTS or name.endswith(".html"):
                html += 1
                html_bytes += size
    return {"files": files, "html_files": html, "image_files": images,
            "bytes": total, "html_bytes": html_bytes, "image_bytes": image_bytes}


def welcome_page(root):
    """The mirror's front page for zimwriterfs: the shallowest index.html."""
    best = None
    for dirpath, dirs, names in os.walk(root):
        dirs.sort()
        rel_dir = os.path.relpath(dirpath, root)
        depth = 0 if rel_dir == "." else rel_dir.count(os.sep) + 1
        for name in sorted(names):
            ext = os.path.splitext(name)[1].lower()
            if ext not in (".html", ".htm"):
                continue
            rank = (0 if name.lower() in ("index.html", "index.htm") else 1, depth)
            rel = name if rel_dir == "." else os.path.join(rel_dir, name)
            if best is None or rank < best[0]:
                best = (rank, rel)
    return best[1] if best else None


def copy_without_images(src, dst):
    """dst = src minus its image files, hard-linked (keeps modification times)."""
    if dst.exists():
        shutil.rmtree(dst)
    for dirpath, _dirs, names in os.walk(src):
        rel = os.path.relpath(dirpath, src)
        target = dst / rel if rel != "." else dst
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            if os.path.splitext(name)[1].lower() in IMAGE_EXTS:
                continue
            s = os.path.join(dirpath, name)
            try:
                os.link(s, target / name)
            except OSError:
                shutil.copy2(s, target / name)


def file_sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- the mirrors --------------------------------------------------------------


def generator_help():
    if not GENERATOR.exists():
        return None
    p = run([sys.executable, str(GENERATOR), "--help"])
    return p.stdout + p.stderr if p.returncode == 0 else None


def ensure_generated(posts, images, seed, out_dir, regenerate):
    """The mirror of `posts` posts (generated once, then reused). Untimed."""
    help_text = generator_help()
    if help_text is None:
        raise RuntimeError(f"{GENERATOR} is missing or its --help fails")
    has_seed = "--seed" in help_text
    tag = f"posts{posts}-{'img' if images else 'noimg'}" + (f"-seed{seed}" if has_seed else "")
    mirror = out_dir / "mirrors" / tag
    stamp = out_dir / "mirrors" / (tag + ".done.json")
    gen_hash = file_sha256(GENERATOR)
    if not regenerate and mirror.is_dir() and stamp.exists():
        try:
            info = json.loads(stamp.read_text())
            if info.get("generator_sha256") == gen_hash:
                log(f"{tag}: reusing generated mirror {mirror}")
                return mirror, tag
            log(f"{tag}: generate_mirror.py changed since the mirror was made: regenerating")
        except (OSError, ValueError):
            pass
    if mirror.exists():
        shutil.rmtree(mirror)
    stamp.unlink(missing_ok=True)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, str(GENERATOR), "--posts", str(posts), "--out", str(mirror),
           "--images" if images else "--no-images"]
    if has_seed:
        cmd += ["--seed", str(seed)]
    log(f"{tag}: generating (untimed): {' '.join(shlex.quote(str(c)) for c in cmd)}")
    start = time.monotonic()
    p = run(cmd)
    if p.returncode != 0:
        raise RuntimeError(f"generate_mirror.py failed ({p.returncode}): {(p.stderr or p.stdout).strip()[-500:]}")
    stamp.write_text(json.dumps({"command": [str(c) for c in cmd], "generator_sha256": gen_hash,
                                 "seconds": round(time.monotonic() - start, 1)}, indent=1))
    log(f"{tag}: generated in {time.monotonic() - start:.0f} s")
    return mirror, tag


def datasets(sizes, out_dir, seed, regenerate, with_images, without_images):
    """[(label, mirror path or None, images flag, error)] in order."""
    result = []
    for size in sizes:
        if size == "sample":
            if not SAMPLE.is_dir():
                result.append(("sample", None, None, f"{SAMPLE} is missing"))
                continue
            st = mirror_stats(SAMPLE)
            if st["image_files"] == 0:
                result.append(("sample", SAMPLE, False, None))
                continue
            if without_images:
                noimg = out_dir / "mirrors" / "sample-noimg"
                copy_without_images(SAMPLE, noimg)
                result.append(("sample", noimg, False, None))
            if with_images:
                result.append(("sample", SAMPLE, True, None))
            continue
        posts = int(size)
        for images in ([False] if without_images else []) + ([True] if with_images else []):
            label = f"{posts} posts"
            try:
                mirror, _tag = ensure_generated(posts, images, seed, out_dir, regenerate)
                result.append((label, mirror, images, None))
            except Exception as e:  # noqa: BLE001 - report and go on with the others
                log(f"{label}: {e}")
                result.append((label, None, images, str(e)))
    return result


# --- sitepack -----------------------------------------------------------------


def find_key(obj, keys):
    if isinstance(obj, dict):
        for k in keys:
            if k in obj and isinstance(obj[k], (int, float)):
                return obj[k]
        for v in obj.values():
            r = find_key(v, keys)
            if r is not None:
                return r
    return None


def sql(bundle, query):
    p = run(["sqlite3", "-readonly", str(bundle), query])
    if p.returncode != 0:
        raise RuntimeError(f"sqlite3: {p.stderr.strip()}")
    return p.stdout.strip()


def sitepack_commands(sitepack):
    p = run([sitepack, "--help"])
    return (p.stdout + p.stderr) if p.returncode == 0 else ""


def extract_text(sitepack, bundle, text_dir, jobs):
    """Writes the plain text of every page of the bundle, one file per page."""
    if text_dir.exists():
        shutil.rmtree(text_dir)
    text_dir.mkdir(parents=True)
    p = run([sitepack, "ls", str(bundle), "--json"])
    urls = []
    if p.returncode == 0:
        try:
            data = json.loads(p.stdout)
            if isinstance(data, dict):
                data = next((v for v in data.values() if isinstance(v, list)), [])
            urls = [row["url"] if isinstance(row, dict) else str(row) for row in data]
        except (ValueError, KeyError, TypeError):
            urls = []
    if not urls:
        p = run([sitepack, "ls", str(bundle)])
        if p.returncode != 0:
            raise RuntimeError(f"sitepack ls failed: {p.stderr.strip()[-300:]}")
        # One page a line; the URL is the first word that looks like one.
        for line in p.stdout.splitlines():
            for word in line.split():
                if word.startswith(("/", "http://", "https://")):
                    urls.append(word)
                    break

    def cat(i_url):
        i, url = i_url
        r = subprocess.run([sitepack, "cat", str(bundle), url], capture_output=True)
        if r.returncode != 0:
            return url
        (text_dir / f"{i:06d}.txt").write_bytes(r.stdout)
        return None

    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for bad in pool.map(cat, enumerate(urls)):
            if bad:
                failed.append(bad)
    return len(urls), failed


def bundle_facts(bundle):
    """Size breakdown and the largest body, straight from the SQLite file."""
    facts = {}
    total = os.path.getsize(bundle)
    facts["search_bytes"] = int(sql(bundle, "SELECT coalesce(sum(pgsize),0) FROM dbstat WHERE name LIKE 'search%'") or 0)
    facts["index_share"] = facts["search_bytes"] / total if total else None
    row = sql(bundle, "SELECT body_size, url FROM pages ORDER BY body_size DESC LIMIT 1")
    if row:
        size, _, url = row.partition("|")
        facts["max_body"] = int(size)
        facts["max_body_url"] = url
    facts["page_rows"] = int(sql(bundle, "SELECT count(*) FROM pages") or 0)
    facts["body_bytes"] = int(sql(bundle, "SELECT coalesce(sum(length(body)),0) FROM pages") or 0)
    facts["body_decoded"] = int(sql(bundle, "SELECT coalesce(sum(body_size),0) FROM pages") or 0)
    try:
        facts["image_bytes"] = int(sql(bundle, "SELECT coalesce(sum(length(content)),0) FROM images") or 0)
    except RuntimeError:
        facts["image_bytes"] = 0
    try:
        facts["dict_bytes"] = int(sql(bundle, "SELECT coalesce(sum(length(content)),0) FROM zstd_dictionaries") or 0)
    except RuntimeError:
        facts["dict_bytes"] = 0
    # Pages (b-tree pages, 4 KB each) by table or index, for "where do the bytes go".
    groups = {}
    for line in sql(bundle, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name").splitlines():
        name, _, size = line.rpartition("|")
        groups[name] = int(size)
    facts["dbstat"] = groups

    def group(pred):
        return sum(v for k, v in groups.items() if pred(k))

    facts["pages_table_bytes"] = group(lambda k: k == "pages" or k.startswith(("sqlite_autoindex_pages", "pages_")))
    facts["images_table_bytes"] = group(lambda k: k == "images" or k.startswith(("sqlite_autoindex_images", "images_")))
    facts["links_table_bytes"] = group(lambda k: k.startswith("links"))
    facts["other_bytes"] = total - facts["pages_table_bytes"] - facts["images_table_bytes"] \
        - facts["links_table_bytes"] - facts["search_bytes"]
    return facts


# --- zimwriterfs's input ------------------------------------------------------

REFRESH_RE = re.compile(rb"<meta\b[^>]*http-equiv\s*=\s*[\"']?refresh[\"']?[^>]*>", re.I)
REFRESH_URL_RE = re.compile(rb"(url\s*=\s*[\"']?)([^\"'>\s]+)", re.I)


def refresh_target_file(mirror, html_path, url):
    """The mirror file a meta-refresh URL points to, or None."""
    from urllib.parse import unquote, urlsplit
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    path = unquote(parts.path)
    if parts.netloc:
        base = mirror / parts.netloc.lower()
        rel = path.lstrip("/")
    elif path.startswith("/"):
        # Root-relative: the host folder the page itself lives in.
        host = Path(html_path).relative_to(mirror).parts[0]
        base, rel = mirror / host, path.lstrip("/")
    else:
        base, rel = Path(html_path).parent, path
    target = (base / rel) if rel else base
    for cand in (target, target / "index.html", Path(str(target) + ".html")):
        try:
            cand = cand.resolve()
            cand.relative_to(mirror.resolve())
        except (ValueError, OSError):
            continue
        if cand.is_file():
            return cand
    return None


def zim_input(mirror, stage):
    """The folder zimwriterfs packs: the mirror itself, or a hard-linked copy.

    zimwriterfs turns every HTML page with a <meta http-equiv=refresh> into a
    ZIM redirect and refuses the whole build when the target is not a file of
    the folder (it resolves `url=https://host/about/` as a relative path).
    wget mirrors keep such absolute URLs, so such pages get their target
    rewritten to the relative path of the mirrored file (or, if the target
    was not mirrored, the refresh tag removed) in a copy whose other files are
    hard links to the mirror's. Returns (folder, number of pages changed)."""
    fixes = {}
    for dirpath, _dirs, names in os.walk(mirror):
        for name in names:
            if os.path.splitext(name)[1].lower() not in (".html", ".htm"):
                continue
            path = os.path.join(dirpath, name)
            try:
                data = Path(path).read_bytes()
            except OSError:
                continue
            if b"efresh" not in data and b"EFRESH" not in data:
                continue
            changed = False

            def fix(m):
                nonlocal changed
                tag = m.group(0)
                um = REFRESH_URL_RE.search(tag)
                url = um.group(2).decode("utf-8", "replace") if um else ""
                target = refresh_target_file(mirror, path, url) if url else None
                if target is not None:
                    rel = os.path.relpath(target, dirpath).encode()
                    if rel == um.group(2):
                        return tag
                    changed = True
                    return tag[: um.start(2)] + rel + tag[um.end(2):]
                changed = True
                return b""

            new = REFRESH_RE.sub(fix, data)
            if changed:
                fixes[os.path.relpath(path, mirror)] = new
    if not fixes:
        return mirror, 0
    if stage.exists():
        shutil.rmtree(stage)
    for dirpath, _dirs, names in os.walk(mirror):
        rel_dir = os.path.relpath(dirpath, mirror)
        target_dir = stage if rel_dir == "." else stage / rel_dir
        target_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            rel = name if rel_dir == "." else os.path.join(rel_dir, name)
            if rel in fixes:
                (target_dir / name).write_bytes(fixes[rel])
                shutil.copystat(os.path.join(dirpath, name), target_dir / name)
            else:
                try:
                    os.link(os.path.join(dirpath, name), target_dir / name)
                except OSError:
                    shutil.copy2(os.path.join(dirpath, name), target_dir / name)
    return stage, len(fixes)


# --- one mirror ---------------------------------------------------------------


def loadavg():
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def new_result(label, mirror, images):
    key = re.sub(r"[^a-z0-9]+", "-", f"{label}-{'img' if images else 'noimg'}".lower()).strip("-")
    r = {"label": label, "images": images, "mirror": str(mirror), "key": key, "errors": []}
    st = mirror_stats(mirror)
    r["mirror_stats"] = st
    log(f"{key}: mirror {mirror} — {st['html_files']} HTML files ({human_bytes(st['html_bytes'])}), "
        f"{st['image_files']} images ({human_bytes(st['image_bytes'])}), {human_bytes(st['bytes'])} in all")
    return r


def cpu_seconds(time_file):
    try:
        text = Path(time_file).read_text()
        user = float(re.search(r"User time \(seconds\):\s*([\d.]+)", text).group(1))
        system = float(re.search(r"System time \(seconds\):\s*([\d.]+)", text).group(1))
        return user + system
    except (OSError, AttributeError, ValueError):
        return None


def measure_builds(r, sitepack, out_dir, illustration, repeat):
    """The timed part: sitepack build and zimwriterfs, one after the other,
    alone on the machine (as far as this script goes). With repeat > 1 they
    alternate and the fastest run of each counts."""
    key, label, mirror = r["key"], r["label"], Path(r["mirror"])
    st = r["mirror_stats"]
    logs = out_dir / "logs"
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
    bundle = out_dir / "bundles" / f"{key}.sitepack"
    bundle.parent.mkdir(parents=True, exist_ok=True)
    r["bundle"] = str(bundle)
    zim = out_dir / "zims" / f"{key}.zim"
    zim.parent.mkdir(parents=True, exist_ok=True)

    zdir, fixed = zim_input(mirror, out_dir / "zimstage" / key)
    if fixed:
        log(f"{key}: zimwriterfs gets a hard-linked copy with {fixed} meta-refresh page(s) made "
            f"relative (it refuses absolute refresh targets)")
    r["zim_fixed_refresh_pages"] = fixed
    welcome = welcome_page(zdir)
    if welcome is None:
        r["errors"].append("zimwriterfs: no HTML page in the mirror")

    for attempt in range(repeat):
        tag = f" (run {attempt + 1}/{repeat})" if repeat > 1 else ""
        # sitepack build
        if sitepack:
            bundle.unlink(missing_ok=True)
            log(f"{key}: sitepack build{tag} ... (load average {fmt(loadavg(), '.1f')})")
            load = loadavg()
            lp = logs / f"{key}.sitepack.log"
            rc, wall, rss = timed([sitepack, "build", mirror, "-o", bundle], lp, env=env)
            if rc == 0 and bundle.exists():
                if r.get("sp_wall") is None or wall < r["sp_wall"]:
                    r.update(sp_wall=wall, sp_rss=rss, sp_cpu=cpu_seconds(str(lp) + ".time"), sp_load=load)
                log(f"{key}: sitepack done in {wall:.1f} s, peak RSS {human_bytes(rss)}")
            else:
                msg = f"sitepack build failed (exit {rc}): {tail(lp, 3)}"
                r["errors"].append(msg)
                log(f"{key}: {msg}")
                bundle.unlink(missing_ok=True)
        # zimwriterfs (default: with its full-text Xapian index)
        if welcome is not None:
            zim.unlink(missing_ok=True)
            ill = os.path.relpath(illustration, zdir)
            cmd = ["zimwriterfs", f"--welcome={welcome}", f"--illustration={ill}", "--language=eng",
                   f"--title=sitepack bench {label}", "--description=sitepack builder benchmark mirror",
                   "--creator=sitepack bench", "--publisher=sitepack bench", f"--name=sitepack-bench-{key}",
                   zdir, zim]
            log(f"{key}: zimwriterfs{tag} (welcome {welcome}) ... (load average {fmt(loadavg(), '.1f')})")
            load = loadavg()
            lp = logs / f"{key}.zimwriterfs.log"
            rc, wall, rss = timed(cmd, lp)
            if rc == 0 and zim.exists():
                if r.get("zim_wall") is None or wall < r["zim_wall"]:
                    r.update(zim_wall=wall, zim_rss=rss, zim_cpu=cpu_seconds(str(lp) + ".time"), zim_load=load)
                r["zim_size"] = os.path.getsize(zim)
                log(f"{key}: zimwriterfs {human_bytes(r['zim_size'])} in {wall:.1f} s, peak RSS {human_bytes(rss)}")
            else:
                msg = f"zimwriterfs failed (exit {rc}): {tail(lp, 3)}"
                r["errors"].append(msg)
                log(f"{key}: {msg}")

    # What the bundle holds (untimed).
    if r.get("sp_wall") is not None and bundle.exists():
        r["sp_size"] = os.path.getsize(bundle)
        pages = None
        p = run([sitepack, "info", str(bundle), "--json"])
        try:
            info = json.loads(p.stdout)
            pages = find_key(info.get("counts", {}), ["pages"]) if isinstance(info, dict) else None
            if pages is None:
                pages = find_key(info, ["page_count", "pages"])
        except ValueError:
            pages = None
        try:
            r.update(bundle_facts(bundle))
            if pages is None:
                pages = r["page_rows"]
        except RuntimeError as e:
            r["errors"].append(f"bundle facts: {e}")
        r["pages"] = int(pages) if pages is not None else None
        if pages:
            r["sp_pps"] = pages / r["sp_wall"]
            if r.get("sp_cpu"):
                r["sp_pp_cpu_s"] = pages / r["sp_cpu"]
        log(f"{key}: sitepack {human_bytes(r['sp_size'])}, {pages} pages, {fmt(r.get('sp_pps'), '.0f')} pages/s "
            f"{verdict(r.get('sp_pps'), GOAL_PAGES_PER_S, False)}, "
            f"FTS index {fmt(r.get('index_share') is not None and 100 * r['index_share'] or None, '.1f')}% of the bundle, "
            f"largest body {human_bytes(r.get('max_body'))} {verdict(r.get('max_body'), GOAL_MAX_BODY, True)}")
    if r.get("zim_wall"):
        # The bundle's page count, so both tools divide the same number;
        # the mirror's HTML files when there is no bundle.
        count = r.get("pages") or st["html_files"]
        r["zim_pps"] = count / r["zim_wall"]
        if r.get("zim_cpu"):
            r["zim_pp_cpu_s"] = count / r["zim_cpu"]
    if r.get("sp_size") and r.get("zim_size"):
        r["ratio_zim"] = r["sp_size"] / r["zim_size"]
        log(f"{key}: bundle/ZIM {r['ratio_zim']:.2f} {verdict(r['ratio_zim'], GOAL_ZIM_RATIO, True)}")


def size_job_mirror(r):
    key = r["key"]
    log(f"{key}: tar | zstd -19 --long=27 of the mirror ...")
    try:
        size, secs = tar_zstd_size(Path(r["mirror"]))
        r.update(tarzst_mirror=size, tarzst_mirror_s=secs)
        log(f"{key}: tar|zstd mirror {human_bytes(size)} ({secs:.0f} s)")
    except RuntimeError as e:
        r["errors"].append(str(e))
        log(f"{key}: {e}")


def size_job_text(r, sitepack, out_dir, jobs):
    key = r["key"]
    if not r.get("sp_size"):
        return
    text_dir = out_dir / "text" / key
    log(f"{key}: extracting the text of every page (sitepack cat, {jobs} at a time) ...")
    start = time.monotonic()
    try:
        n, failed = extract_text(sitepack, Path(r["bundle"]), text_dir, jobs)
        r["text_pages"] = n
        r["text_failed"] = len(failed)
        if failed:
            r["errors"].append(f"sitepack cat failed for {len(failed)} of {n} pages, e.g. {failed[0]}")
        raw = sum(f.stat().st_size for f in text_dir.iterdir())
        r["text_raw"] = raw
        log(f"{key}: {n} pages of text, {human_bytes(raw)} ({time.monotonic() - start:.0f} s); tar | zstd ...")
        size, secs = tar_zstd_size(text_dir)
        r.update(tarzst_text=size, tarzst_text_s=secs)
        log(f"{key}: tar|zstd text {human_bytes(size)} ({secs:.0f} s)")
    except RuntimeError as e:
        r["errors"].append(str(e))
        log(f"{key}: {e}")


def finish(r):
    if r.get("sp_size") and r.get("tarzst_text"):
        r["ratio_text"] = r["sp_size"] / r["tarzst_text"]
    if r.get("sp_size") and r.get("tarzst_mirror"):
        r["ratio_mirror"] = r["sp_size"] / r["tarzst_mirror"]
    log(f"{r['key']}: bundle/ZIM {fmt(r.get('ratio_zim'))} {verdict(r.get('ratio_zim'), GOAL_ZIM_RATIO, True)}, "
        f"bundle/text {fmt(r.get('ratio_text'))} {verdict(r.get('ratio_text'), GOAL_TEXT_RATIO, True)}, "
        f"pages/s {fmt(r.get('sp_pps'), '.0f')} {verdict(r.get('sp_pps'), GOAL_PAGES_PER_S, False)}, "
        f"largest body {human_bytes(r.get('max_body'))} {verdict(r.get('max_body'), GOAL_MAX_BODY, True)}")


# --- report -------------------------------------------------------------------


def row_name(r):
    return f"{r['label']}, {'with' if r['images'] else 'no'} images"


def with_verdict(value, goal, smaller, spec):
    if value is None:
        return "n/a"
    return f"{format(value, spec)} {verdict(value, goal, smaller)}"


def tables(results):
    out = []
    out.append("| mirror | pages | mirror (raw) | **sitepack** | ZIM (zimwriterfs) | tar\\|zstd mirror "
               "| tar\\|zstd text | **bundle/ZIM** (goal ≤ 0.5) | **bundle/text** (goal ≤ 2.0) "
               "| bundle/tar\\|zstd mirror | FTS share of bundle | largest body (goal ≤ 64 KB) |")
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        if r.get("skipped"):
            out.append(f"| {row_name(r)} | skipped: {r['skipped']} |" + " |" * 10)
            continue
        st = r.get("mirror_stats", {})
        mb = r.get("max_body")
        mb_cell = "n/a" if mb is None else f"{human_bytes(mb)} {verdict(mb, GOAL_MAX_BODY, True)}"
        share = r.get("index_share")
        out.append("| " + " | ".join([
            row_name(r),
            str(r.get("pages", "n/a")),
            human_bytes(st.get("bytes")),
            human_bytes(r.get("sp_size")),
            human_bytes(r.get("zim_size")),
            human_bytes(r.get("tarzst_mirror")),
            human_bytes(r.get("tarzst_text")),
            with_verdict(r.get("ratio_zim"), GOAL_ZIM_RATIO, True, ".2f"),
            with_verdict(r.get("ratio_text"), GOAL_TEXT_RATIO, True, ".2f"),
            fmt(r.get("ratio_mirror")),
            "n/a" if share is None else f"{100 * share:.1f}%",
            mb_cell,
        ]) + " |")
    out.append("")
    out.append("| mirror | sitepack wall (CPU) | **sitepack pages/s** (goal ≥ 500) | sitepack pages per CPU-s "
               "| sitepack peak RSS | zimwriterfs wall (CPU) | zimwriterfs pages/s | zimwriterfs peak RSS "
               "| sitepack speed-up vs zimwriterfs | load average before (sitepack / zimwriterfs) |")
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        if r.get("skipped"):
            continue
        speed = r["zim_wall"] / r["sp_wall"] if r.get("zim_wall") and r.get("sp_wall") else None

        def wall_cpu(w, c):
            if w is None:
                return "n/a"
            return f"{w:.1f} s" + (f" ({c:.1f} s)" if c is not None else "")

        out.append("| " + " | ".join([
            row_name(r),
            wall_cpu(r.get("sp_wall"), r.get("sp_cpu")),
            with_verdict(r.get("sp_pps"), GOAL_PAGES_PER_S, False, ".0f"),
            fmt(r.get("sp_pp_cpu_s"), ".0f"),
            human_bytes(r.get("sp_rss")),
            wall_cpu(r.get("zim_wall"), r.get("zim_cpu")),
            fmt(r.get("zim_pps"), ".0f"),
            human_bytes(r.get("zim_rss")),
            "n/a" if speed is None else f"{speed:.2f}×",
            f"{fmt(r.get('sp_load'), '.1f')} / {fmt(r.get('zim_load'), '.1f')}",
        ]) + " |")
    out.append("")
    out.append("Where the bundle's bytes go (SQLite b-tree pages by table, from `dbstat`; "
               "bodies = compressed page bodies, text = decoded body bytes):")
    out.append("")
    out.append("| mirror | bundle | `pages` table | of which bodies | `images` table | `search` (FTS5) "
               "| `links` | other (dictionary, metadata, terms, redirects, free) | decoded bodies → compressed |")
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        if r.get("skipped") or not r.get("sp_size"):
            continue
        total = r["sp_size"]

        def part(k):
            v = r.get(k)
            return "n/a" if v is None else f"{human_bytes(v)} ({100 * v / total:.0f}%)"

        dec, comp = r.get("body_decoded"), r.get("body_bytes")
        out.append("| " + " | ".join([
            row_name(r), human_bytes(total), part("pages_table_bytes"), part("body_bytes"),
            part("images_table_bytes"), part("search_bytes"), part("links_table_bytes"), part("other_bytes"),
            "n/a" if not dec or not comp else f"{human_bytes(dec)} → {human_bytes(comp)} ({dec / comp:.1f}×)",
        ]) + " |")
    return "\n".join(out)


def machine_facts(sitepack):
    nproc = first_line(["nproc"])
    cpu = "?"
    mem = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = human_bytes(int(line.split()[1]) * 1024)
                break
    except OSError:
        pass
    zim_version = first_line(["zimwriterfs", "--version"])
    p = run(["zimwriterfs", "--version"])
    libzim = next((l.strip() for l in (p.stdout + p.stderr).splitlines() if l.strip().startswith("libzim")), "")
    return {
        "nproc": nproc,
        "cpu": cpu,
        "memory": mem,
        "sitepack": first_line([sitepack, "--version"]) if sitepack else "not built",
        "zimwriterfs": zim_version + (f" ({libzim})" if libzim else ""),
        "zstd": first_line(["zstd", "--version"]).replace("*", "").strip(),
        "sqlite3": first_line(["sqlite3", "--version"]).split(" ")[0],
        "python": sys.version.split()[0],
        "source": first_line(["git", "-C", str(REPO), "describe", "--always", "--dirty"]),
    }


def notes(results):
    """Goal verdicts in words, for RESULTS.md and the end of the run."""
    lines = []
    for r in results:
        if r.get("skipped"):
            continue
        bad = []
        if r.get("ratio_zim") is not None and r["ratio_zim"] > GOAL_ZIM_RATIO:
            bad.append(f"bundle/ZIM {r['ratio_zim']:.2f} > {GOAL_ZIM_RATIO} "
                       f"(bundle {100 * (r['ratio_zim'] / GOAL_ZIM_RATIO - 1):.0f}% over)")
        if r.get("ratio_text") is not None and r["ratio_text"] > GOAL_TEXT_RATIO:
            bad.append(f"bundle/text {r['ratio_text']:.2f} > {GOAL_TEXT_RATIO} "
                       f"({100 * (r['ratio_text'] / GOAL_TEXT_RATIO - 1):.0f}% over)")
        if r.get("sp_pps") is not None and r["sp_pps"] < GOAL_PAGES_PER_S:
            bad.append(f"{r['sp_pps']:.0f} pages/s < {GOAL_PAGES_PER_S:.0f}")
        if r.get("max_body") is not None and r["max_body"] > GOAL_MAX_BODY:
            bad.append(f"largest body {human_bytes(r['max_body'])} > 64 KB ({r.get('max_body_url', '')})")
        if bad and r.get("images") and r.get("images_table_bytes") and r.get("sp_size"):
            bad.append(f"(images are {100 * r['images_table_bytes'] / r['sp_size']:.0f}% of this bundle, "
                       "stored as-is by every tool: judge the size goals on the no-images rows)")
        for e in r.get("errors", []):
            bad.append(f"error: {e}")
        if bad:
            lines.append(f"- {row_name(r)}: " + "; ".join(bad))
    return lines


def write_results(path, section):
    block = f"{MARK_START}\n{section.rstrip()}\n{MARK_END}\n"
    if path.exists():
        text = path.read_text()
        if MARK_START in text and MARK_END in text:
            before = text[: text.index(MARK_START)]
            after = text[text.index(MARK_END) + len(MARK_END):].lstrip("\n")
            text = before + block + ("\n" + after if after else "")
        else:
            text = text.rstrip("\n") + "\n\n" + block
    else:
        text = "# Benchmark results\n\nEach section is written by the script it names; edit outside the markers.\n\n" + block
    path.write_text(text)


# --- main ---------------------------------------------------------------------


def find_sitepack(given):
    if given:
        p = Path(given)
        if not (p.is_file() and os.access(p, os.X_OK)):
            sys.exit(f"run_builder_bench: --sitepack {given} is not an executable file")
        return str(p.resolve())
    for cand in (REPO / "build" / "sitepack",):
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand)
    return shutil.which("sitepack")


def main():
    global SAMPLE, GENERATOR
    ap = argparse.ArgumentParser(description="Benchmark `sitepack build` against zimwriterfs and tar|zstd "
                                             "(sizes, speed, memory) in one run.")
    ap.add_argument("--sizes", default=None,
                    help="comma-separated: 'sample' and post counts for bench/generate_mirror.py "
                         "(default sample,1000,10000; with --quick sample,1000)")
    ap.add_argument("--sitepack", default=None, help="the sitepack binary (default build/sitepack, then PATH)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke check: only the sample and 1000 posts; does not write RESULTS.md unless --write")
    ap.add_argument("--images", choices=["both", "yes", "no"], default="both",
                    help="generated mirrors with images, without, or both (default both, reported separately)")
    ap.add_argument("--seed", type=int, default=1, help="seed passed to generate_mirror.py when it takes one (default 1)")
    ap.add_argument("--generate-only", action="store_true", help="make (or check) the mirrors, measure nothing")
    ap.add_argument("--regenerate", action="store_true", help="regenerate the mirrors even if they exist")
    ap.add_argument("--repeat", type=int, default=1,
                    help="time each build N times, alternating sitepack and zimwriterfs; the fastest counts (default 1)")
    ap.add_argument("--jobs", type=int, default=0, help="parallel `sitepack cat` processes (default 2 × cores)")
    ap.add_argument("--sample", default=str(SAMPLE), help="the sample mirror (default samples/lfnkr)")
    ap.add_argument("--generator", default=str(GENERATOR), help="the mirror generator (default bench/generate_mirror.py)")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="working folder (default bench/out, git-ignored)")
    ap.add_argument("--results", default=str(RESULTS), help="the markdown file to update (default bench/RESULTS.md)")
    ap.add_argument("--write", action="store_true", help="write RESULTS.md even with --quick")
    ap.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    args = ap.parse_args()

    sizes_arg = args.sizes or ("sample,1000" if args.quick else "sample,1000,10000")
    sizes = [s.strip().lower() for s in sizes_arg.split(",") if s.strip()]
    for s in sizes:
        if s != "sample" and not s.isdigit():
            sys.exit(f"run_builder_bench: --sizes: '{s}' is neither 'sample' nor a number of posts")
    write = not args.no_write and (args.write or not args.quick)

    for tool in ("zimwriterfs", "zstd", "tar", "sqlite3", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"run_builder_bench: {tool} not found (Debian: apt-get install zim-tools zstd sqlite3 time)")

    SAMPLE = Path(args.sample).resolve()
    GENERATOR = Path(args.generator).resolve()
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    sitepack = find_sitepack(args.sitepack)
    if not sitepack:
        log("no sitepack binary found (give --sitepack PATH): measuring the other tools only")
    else:
        log(f"sitepack: {sitepack} ({first_line([sitepack, '--version'])})")
    jobs = args.jobs or 2 * (os.cpu_count() or 2)

    illustration = out_dir / "illustration-48.png"
    write_png_48(illustration)

    started = datetime.datetime.now(datetime.timezone.utc)
    facts = machine_facts(sitepack)
    log("machine: " + ", ".join(f"{k} {v}" for k, v in facts.items()))

    sets = datasets(sizes, out_dir, args.seed, args.regenerate,
                    with_images=args.images in ("both", "yes"), without_images=args.images in ("both", "no"))
    if args.generate_only:
        for label, mirror, images, err in sets:
            log(f"{label}, {'with' if images else 'no'} images: {err or mirror}")
        return 1 if any(err for *_x, err in sets) else 0
    bench_start = time.monotonic()
    results = []
    # 1. The timed builds, nothing else of ours running beside them.
    log("phase 1: timed builds (sitepack build, zimwriterfs), one at a time")
    for label, mirror, images, err in sets:
        if err:
            results.append({"label": label, "images": bool(images), "skipped": err, "errors": [err]})
            continue
        r = new_result(label, mirror, images)
        measure_builds(r, sitepack, out_dir, illustration, args.repeat)
        results.append(r)
    # 2. The sizes of the tar|zstd peers: only bytes count here, so they run
    #    side by side (zstd -19 is single-threaded), the biggest first.
    live = [r for r in results if not r.get("skipped")]
    workers = max(1, os.cpu_count() or 1)
    log(f"phase 2: tar | zstd -19 --long=27 of mirrors and texts (untimed, {workers} at a time)")
    tasks = []
    for r in live:
        tasks.append((r["mirror_stats"]["bytes"], "mirror", r))
        tasks.append((r.get("body_decoded") or 0, "text", r))
    tasks.sort(key=lambda t: -t[0])
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(size_job_mirror, r) if kind == "mirror"
                   else pool.submit(size_job_text, r, sitepack, out_dir, jobs) for _, kind, r in tasks]
        for f in futures:
            f.result()
    for r in live:
        finish(r)
    bench_secs = time.monotonic() - bench_start
    total_secs = time.monotonic() - T0

    (out_dir / "results.json").write_text(json.dumps({"facts": facts, "results": results}, indent=1, default=str))

    table = tables(results)
    verdict_lines = notes(results)
    print()
    print(table)
    print()
    if verdict_lines:
        print("Goals missed / errors:")
        print("\n".join(verdict_lines))
    else:
        print("All goals met.")
    print(f"\nMeasured in {bench_secs / 60:.1f} min ({total_secs / 60:.1f} min with mirror generation).")

    if write:
        cmd = "python3 bench/run_builder_bench.py" + "".join(" " + shlex.quote(a) for a in sys.argv[1:])
        section = [
            "## Builder benchmark: `sitepack build` vs zimwriterfs and tar|zstd",
            "",
            f"Written by `bench/run_builder_bench.py` on {started.strftime('%Y-%m-%d %H:%M UTC')}; "
            "every figure below comes from that one run.",
            "",
            f"- command: `{cmd}`",
            f"- machine: {facts['nproc']} cores (`nproc`), {facts['cpu']}, {facts['memory']} RAM",
            f"- versions: {facts['sitepack']} (source `{facts['source']}`); {facts['zimwriterfs']}; "
            f"{facts['zstd']}; sqlite3 {facts['sqlite3']}",
            f"- run time: {bench_secs / 60:.1f} min measuring, {total_secs / 60:.1f} min in all "
            "(mirror generation is not timed and is reused across runs)",
            "- sitepack and zimwriterfs run with their default options (zimwriterfs with its full-text "
            "Xapian index); peak memory from `/usr/bin/time -v`; pages/s = the bundle's page count / wall time "
            "(the same count is used for zimwriterfs)",
            "- text = `sitepack cat` of every page of `sitepack ls`, one file per page, then "
            "`tar -cf - DIR | zstd -19 --long=27` like the mirror",
            "",
            table,
            "",
        ]
        if verdict_lines:
            section += ["Goals missed and errors:", ""] + verdict_lines + [""]
        else:
            section += ["All goals met.", ""]
        write_results(Path(args.results), "\n".join(section))
        log(f"wrote {args.results}")

    return 0


if __name__ == "__main__":
    sys.exit(main())
