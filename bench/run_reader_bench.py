#!/usr/bin/env python3
"""The reader benchmark: sitepack-reader and the sitepack CLI against Kiwix.

On the generated 10,000-post mirror without images (bench/generate_mirror.py),
its bundle and its ZIM, it measures in ONE run, every figure next to its peer
measured in the same run, interleaved, over several repetitions (medians):

  1. start-up: process start to the first frame showing the home page,
     `xvfb-run -a -s "-screen 0 1280x800x24" sitepack-reader --script S
     --bundle B` as a whole (S only dumps the reader's state: the reader opens
     the bundle's home page by itself and the script runner waits until it is
     drawn and settled), against `kiwix-serve` spawned and polled with HTTP
     GETs of the ZIM's main page on 127.0.0.1 until the first 200; the
     xvfb-run overhead alone (`xvfb-run ... true`) is reported separately;
  2. opening a page: `sitepack cat B URL` against `zimdump show --url=PATH Z`
     for the same random pages (fixed seed), p50 and p95 per process;
  3. full-text search: `sitepack search B Q --limit 10` against
     `kiwix-search Z Q` (10 results too) over a fixed set of 20 queries from
     the mirror's vocabulary, p50 and p95;
  4. peak RSS of all of these from `/usr/bin/time -v` (for the reader inside
     xvfb-run; for the CLI commands in one extra, untimed pass over the same
     pages and queries, so that the timed runs carry no wrapper);
  5. idle CPU over 10 s of `sitepack-reader B` (normal mode, under xvfb-run,
     once its window title shows the home page and its CPU time has stopped
     moving) from /proc/PID/stat utime+stime; kiwix-serve's for reference.

Goals: every time and RSS at most half of the peer's (ratio <= 0.5), idle
CPU < 1%. Prints progress lines, then a markdown table with ratios and
PASS/FAIL, and writes it into bench/RESULTS.md between this script's markers
(<!-- reader-bench:start --> ... <!-- reader-bench:end -->; the rest of the
file is kept).

Usage:
  python3 bench/run_reader_bench.py [--sitepack PATH] [--reader PATH] [--quick]

Inputs are reused when present and complete: the mirror
bench/out/mirrors/posts10000-noimg-seed1, the bundle
bench/out/bundles/10000-posts-noimg.sitepack (`sitepack verify`) and the ZIM
bench/out/zims/10000-posts-noimg.zim (`zimcheck --checksum`), both made by
bench/run_builder_bench.py; they are hard-linked into bench/out/reader-bench/
so that a concurrent builder run cannot pull them away. Missing ones are made
here (generation and builds are not timed). Python 3 standard library only.
"""

import argparse
import datetime
import hashlib
import http.client
import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
DEFAULT_OUT = BENCH / "out"
GENERATOR = BENCH / "generate_mirror.py"
RESULTS = BENCH / "RESULTS.md"
MARK_START = "<!-- reader-bench:start -->"
MARK_END = "<!-- reader-bench:end -->"

GOAL_RATIO = 0.5      # sitepack / peer, for every time and peak RSS
GOAL_IDLE_CPU = 1.0   # percent of one core
SCREEN = "-screen 0 1280x800x24"
SOURCE_DATE_EPOCH = "1767225600"  # the builder benchmark's fixed build date
CLK_TCK = os.sysconf("SC_CLK_TCK")

# 20 queries drawn from the generated mirror's vocabulary (a word-bigram chain
# over the sample's text: every body word is in >= 6% of the posts, so the
# rare words come from the static pages). (query, what it is)
QUERIES = [
    ("refugees", "common word"),
    ("china", "common word"),
    ("education", "common word"),
    ("children", "common word"),
    ("defectors", "common word"),
    ("thailand", "less common word (~7% of posts)"),
    ("esperanto", "less common word (~7% of posts)"),
    ("wakayama", "less common word (~7% of posts)"),
    ("human rights", "two words"),
    ("north korea", "two words"),
    ("forced repatriation", "two words"),
    ("hong kong", "two words"),
    ("kato hiroshi", "two words (a name)"),
    ("night school", "two words"),
    ("japanese language", "two words"),
    ("ohchr", "rare word (2 pages)"),
    ("pacific", "rare word (2 pages)"),
    ("加藤", "Japanese name (Kato)"),
    ("加藤 博", "Japanese name (Kato Hiroshi)"),
    ("김수형", "Korean name (hangul)"),
]

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


def ms(seconds):
    if seconds is None:
        return "n/a"
    v = seconds * 1000
    return f"{v:.1f} ms" if v < 100 else f"{v:.0f} ms"


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def median(values):
    return statistics.median(values) if values else None


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


def first_line(cmd):
    try:
        p = run(cmd)
        out = (p.stdout or p.stderr).strip().splitlines()
        return out[0].strip() if out else "?"
    except OSError:
        return "not found"


def loadavg():
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def spawn_timed(cmd, env=None, stdout=subprocess.DEVNULL):
    """Runs cmd to its end; returns (exit code, wall seconds from spawn to exit)."""
    start = time.perf_counter()
    p = subprocess.Popen([str(c) for c in cmd], stdin=subprocess.DEVNULL, stdout=stdout,
                         stderr=subprocess.DEVNULL, env=env)
    rc = p.wait()
    return rc, time.perf_counter() - start


def peak_rss(cmd, report):
    """(exit code, peak RSS bytes) of cmd run under `/usr/bin/time -v`.

    Not wait4(2)'s ru_maxrss of a child of this script: that counts the
    forked copy of the Python process before exec (~65 MB)."""
    report.unlink(missing_ok=True)
    rc, _wall = spawn_timed(["/usr/bin/time", "-v", "-o", report, *cmd])
    rss, status = time_report(report)
    return (status if status is not None else rc), rss


def time_report(path):
    """(peak RSS bytes, exit status) from a `/usr/bin/time -v -o FILE` report."""
    try:
        text = Path(path).read_text()
    except OSError:
        return None, None
    m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", text)
    e = re.search(r"Exit status:\s*(-?\d+)", text)
    return (int(m.group(1)) * 1024 if m else None), (int(e.group(1)) if e else None)


def cpu_ticks(pid):
    """utime + stime of a process (all its threads), in clock ticks."""
    data = Path(f"/proc/{pid}/stat").read_text()
    fields = data[data.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5)


def children(pid):
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, path, timeout=10):
    """(status, body) of GET http://127.0.0.1:port/path on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        return r.status, body, r.getheader("Location")
    finally:
        conn.close()


def stop(popen, pid=None, timeout=10):
    """SIGTERM to pid (default the Popen's own), then waits for the Popen."""
    try:
        os.kill(pid or popen.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        popen.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait()


# --- inputs -------------------------------------------------------------------


def file_sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def ensure_mirror(out_dir, posts, seed):
    """The generated mirror (made once, reused: the builder benchmark's stamp)."""
    tag = f"posts{posts}-noimg-seed{seed}"
    mirror = out_dir / "mirrors" / tag
    stamp = out_dir / "mirrors" / (tag + ".done.json")
    if mirror.is_dir() and stamp.exists():
        try:
            info = json.loads(stamp.read_text())
            if info.get("generator_sha256") != file_sha256(GENERATOR):
                log(f"note: {GENERATOR.name} changed since {tag} was generated; reusing it anyway "
                    "(run_builder_bench.py --regenerate remakes it)")
        except (OSError, ValueError):
            pass
        log(f"mirror: reusing {mirror}")
        return mirror, stamp
    if mirror.exists():
        shutil.rmtree(mirror)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, str(GENERATOR), "--posts", str(posts), "--no-images", "--out", str(mirror),
           "--seed", str(seed)]
    log(f"mirror: generating (untimed): {' '.join(shlex.quote(c) for c in cmd)}")
    start = time.monotonic()
    p = run(cmd)
    if p.returncode != 0:
        sys.exit(f"run_reader_bench: generate_mirror.py failed ({p.returncode}): {(p.stderr or p.stdout)[-500:]}")
    stamp.write_text(json.dumps({"command": cmd, "generator_sha256": file_sha256(GENERATOR),
                                 "seconds": round(time.monotonic() - start, 1)}, indent=1))
    log(f"mirror: generated in {time.monotonic() - start:.0f} s")
    return mirror, stamp


def link_into(src, dst):
    """dst = a hard link to src (a concurrent rebuild of src cannot touch it).
    The ZIM keeps its file name: kiwix-serve names the book after it."""
    dst.unlink(missing_ok=True)
    try:
        os.link(src, dst)
        return dst
    except OSError:
        return src


def bundle_ok(sitepack, path):
    return path.exists() and run([sitepack, "verify", path]).returncode == 0


def zim_ok(path):
    return path.exists() and run(["zimcheck", "--checksum", path]).returncode == 0


def ensure_bundle(sitepack, out_dir, work, mirror, stamp, posts):
    shared = out_dir / "bundles" / f"{posts}-posts-noimg.sitepack"
    mine = work / f"{posts}-posts-noimg.sitepack"
    # Reused only when newer than the mirror and than the builder itself: a
    # bundle from an older builder lacks what the reader now reads.
    builder_time = Path(sitepack).stat().st_mtime
    for cand in (shared, mine):
        if (cand.exists() and cand.stat().st_mtime >= max(stamp.stat().st_mtime, builder_time)
                and bundle_ok(sitepack, cand)):
            log(f"bundle: reusing {cand} (sitepack verify: ok)")
            return link_into(cand, mine) if cand == shared else cand, "reused " + str(cand.relative_to(REPO))
    log(f"bundle: building {mine} (untimed)")
    start = time.monotonic()
    p = run([sitepack, "build", mirror, "-o", mine], env=dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH))
    if p.returncode != 0 or not bundle_ok(sitepack, mine):
        sys.exit(f"run_reader_bench: sitepack build failed ({p.returncode}): {(p.stderr or p.stdout)[-500:]}")
    log(f"bundle: built in {time.monotonic() - start:.0f} s")
    return mine, "built by this script"


def ensure_zim(out_dir, work, mirror, stamp, posts):
    shared = out_dir / "zims" / f"{posts}-posts-noimg.zim"
    mine = work / f"{posts}-posts-noimg.zim"
    for cand in (shared, mine):
        if cand.exists() and cand.stat().st_mtime >= stamp.stat().st_mtime and zim_ok(cand):
            log(f"ZIM: reusing {cand} (zimcheck --checksum: pass)")
            return link_into(cand, mine) if cand == shared else cand, "reused " + str(cand.relative_to(REPO))
    # The builder benchmark's recipe: its welcome page, illustration and its
    # fix for meta-refresh pages zimwriterfs refuses.
    sys.path.insert(0, str(BENCH))
    import run_builder_bench as builder  # noqa: E402
    illustration = work / "illustration-48.png"
    builder.write_png_48(illustration)
    zdir, fixed = builder.zim_input(mirror, work / "zimstage")
    welcome = builder.welcome_page(zdir)
    cmd = ["zimwriterfs", f"--welcome={welcome}", f"--illustration={os.path.relpath(illustration, zdir)}",
           "--language=eng", f"--title=sitepack bench {posts} posts", "--description=sitepack reader benchmark mirror",
           "--creator=sitepack bench", "--publisher=sitepack bench", f"--name=sitepack-bench-{posts}-posts-noimg",
           str(zdir), str(mine)]
    log(f"ZIM: building {mine} with zimwriterfs (untimed; {fixed} meta-refresh page(s) fixed)")
    start = time.monotonic()
    mine.unlink(missing_ok=True)
    p = run(cmd)
    if p.returncode != 0 or not zim_ok(mine):
        sys.exit(f"run_reader_bench: zimwriterfs failed ({p.returncode}): {(p.stderr or p.stdout)[-500:]}")
    log(f"ZIM: built in {time.monotonic() - start:.0f} s")
    return mine, "built by this script"


# --- the reader ----------------------------------------------------------------


class Reader:
    def __init__(self, reader, bundle, work):
        self.reader, self.bundle, self.work = reader, bundle, work
        self.script = work / "home.script"
        self.dump = work / "home.json"
        self.script.write_text(
            "# The reader opens the bundle's home page by itself (fresh settings); the\n"
            "# runner first waits until it is drawn and idle, then runs this step.\n"
            f"dump {self.dump}\n")

    def fresh_config(self):
        cfg = self.work / "config"
        shutil.rmtree(cfg, ignore_errors=True)
        cfg.mkdir()
        return dict(os.environ, XDG_CONFIG_HOME=str(cfg))

    def startup(self):
        """Whole `xvfb-run ... sitepack-reader --script` process:
        (wall seconds, peak RSS of the reader, state dump)."""
        self.dump.unlink(missing_ok=True)
        tv = self.work / "reader.time"
        tv.unlink(missing_ok=True)
        cmd = ["xvfb-run", "-a", "-s", SCREEN, "/usr/bin/time", "-v", "-o", tv,
               self.reader, "--script", self.script, "--bundle", self.bundle]
        rc, wall = spawn_timed(cmd, env=self.fresh_config())
        rss, status = time_report(tv)
        if status != 0:
            raise RuntimeError(f"the reader exited {status} (xvfb-run {rc})")
        try:
            state = json.loads(self.dump.read_text())
        except (OSError, ValueError) as e:
            raise RuntimeError(f"no state dump from the reader: {e}")
        return wall, rss, state

    def xvfb_only(self):
        tv = self.work / "true.time"
        rc, wall = spawn_timed(["xvfb-run", "-a", "-s", SCREEN, "/usr/bin/time", "-v", "-o", tv, "true"])
        if rc != 0:
            raise RuntimeError(f"xvfb-run true exited {rc}")
        return wall

    def idle(self, title, seconds):
        """Starts `sitepack-reader B` (normal mode) under xvfb-run, waits for the
        home page in its window title and for its CPU time to stop moving,
        then samples utime+stime over `seconds`. Returns a dict."""
        info = self.work / "idle.info"
        info.unlink(missing_ok=True)
        wrapper = self.work / "idle.sh"
        wrapper.write_text('"$@" &\necho "$! $DISPLAY $XAUTHORITY" > "$INFO_FILE"\nwait $!\n')
        env = self.fresh_config()
        env["INFO_FILE"] = str(info)
        start = time.monotonic()
        outer = subprocess.Popen(["xvfb-run", "-a", "-s", SCREEN, "sh", str(wrapper), str(self.reader), str(self.bundle)],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        pid = None
        try:
            while not (info.exists() and len(info.read_text().split()) >= 2):
                if outer.poll() is not None or time.monotonic() - start > 60:
                    raise RuntimeError("the reader did not start under xvfb-run")
                time.sleep(0.02)
            parts = info.read_text().split()
            pid, display = int(parts[0]), parts[1]
            xenv = dict(os.environ, DISPLAY=display)
            if len(parts) > 2:
                xenv["XAUTHORITY"] = parts[2]
            shown = None
            if shutil.which("xwininfo"):
                while shown is None:
                    if time.monotonic() - start > 60:
                        raise RuntimeError("the home page's title never reached the reader's window")
                    p = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, env=xenv)
                    if title.encode() in p.stdout:
                        shown = time.monotonic() - start
                    else:
                        time.sleep(0.05)
            # settled: no CPU tick for a whole second
            last, still_since = cpu_ticks(pid), time.monotonic()
            while time.monotonic() - still_since < 1.0:
                if time.monotonic() - start > 90:
                    raise RuntimeError("the reader's CPU time never stopped moving")
                time.sleep(0.1)
                now = cpu_ticks(pid)
                if now != last:
                    last, still_since = now, time.monotonic()
            rss_idle = rss_of(pid)
            parts_rss = rss_breakdown(pid)
            a, wa = cpu_ticks(pid), time.monotonic()
            time.sleep(seconds)
            b, wb = cpu_ticks(pid), time.monotonic()
            return {"cpu_pct": 100.0 * (b - a) / CLK_TCK / (wb - wa), "ticks": b - a, "seconds": wb - wa,
                    "title_after": shown, "rss_idle": rss_idle, "rss_parts": parts_rss}
        finally:
            if pid:
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            try:
                outer.wait(timeout=15)
            except subprocess.TimeoutExpired:
                outer.kill()
                outer.wait()


def rss_breakdown(pid):
    """Resident bytes of a process by kind of mapping, from /proc/PID/smaps."""
    out = {"anonymous": 0, "heap": 0, "libLLVM": 0, "other files": 0}
    name = ""
    try:
        for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
            head = line.split(None, 5)
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                name = head[5].strip() if len(head) > 5 else ""
            elif line.startswith("Rss:"):
                kb = int(line.split()[1]) * 1024
                if name == "[heap]":
                    out["heap"] += kb
                elif not name or name.startswith("[") or name.startswith("/SYSV") or "(deleted)" in name:
                    out["anonymous"] += kb
                elif "libLLVM" in name:
                    out["libLLVM"] += kb
                else:
                    out["other files"] += kb
    except OSError:
        return None
    return out


def rss_of(pid):
    try:
        m = re.search(r"VmRSS:\s*(\d+) kB", Path(f"/proc/{pid}/status").read_text())
        return int(m.group(1)) * 1024 if m else None
    except OSError:
        return None


# --- kiwix-serve -----------------------------------------------------------------


class KiwixServe:
    def __init__(self, zim, work):
        self.zim, self.work = zim, work
        self.main_path = None

    def discover(self):
        """The ZIM's main page on kiwix-serve (untimed): the book's link in
        the OPDS catalog, then its redirect to the main page."""
        port = free_port()
        p = subprocess.Popen(["kiwix-serve", "--address", "127.0.0.1", "--port", str(port), str(self.zim)],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            start = time.monotonic()
            while True:
                try:
                    status, body, _ = http_get(port, "/catalog/v2/entries")
                    if status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() - start > 30:
                    raise RuntimeError("kiwix-serve did not answer")
                time.sleep(0.05)
            m = re.search(rb'<link type="text/html" href="([^"]+)"', body)
            if not m:
                raise RuntimeError("no book link in kiwix-serve's catalog")
            path = m.group(1).decode()
            for _ in range(5):
                status, body, location = http_get(port, path)
                if status in (301, 302, 303, 307, 308) and location:
                    path = location
                    continue
                break
            if status != 200:
                raise RuntimeError(f"kiwix-serve's main page {path}: HTTP {status}")
            self.main_path = path
            return path, len(body)
        finally:
            stop(p)

    def start_to_200(self, idle_seconds=None):
        """kiwix-serve under /usr/bin/time -v, polled on its main page until the
        first 200: (seconds, peak RSS, idle result or None)."""
        port = free_port()
        tv = self.work / "kiwix.time"
        tv.unlink(missing_ok=True)
        cmd = ["/usr/bin/time", "-v", "-o", str(tv), "kiwix-serve", "--address", "127.0.0.1", "--port", str(port),
               str(self.zim)]
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = None
        idle = None
        try:
            while True:
                try:
                    status, body, _ = http_get(port, self.main_path)
                    if status == 200 and body:
                        break
                except OSError:
                    pass
                if p.poll() is not None:
                    raise RuntimeError(f"kiwix-serve exited {p.returncode}")
                if time.perf_counter() - start > 60:
                    raise RuntimeError("kiwix-serve gave no 200 in 60 s")
                time.sleep(0.002)
            wall = time.perf_counter() - start
            kids = children(p.pid)
            server = kids[0] if kids else None
            if idle_seconds and server:
                time.sleep(1.0)
                a, wa = cpu_ticks(server), time.monotonic()
                time.sleep(idle_seconds)
                b, wb = cpu_ticks(server), time.monotonic()
                idle = {"cpu_pct": 100.0 * (b - a) / CLK_TCK / (wb - wa), "ticks": b - a, "seconds": wb - wa,
                        "rss_idle": rss_of(server)}
        finally:
            stop(p, server)
        rss, _status = time_report(tv)
        return wall, rss, idle


# --- pages and queries ----------------------------------------------------------


def zim_path_for(mirror, url):
    """The ZIM path (= the mirror file's path) of a bundle URL, or None."""
    from urllib.parse import unquote, urlsplit
    parts = urlsplit(url)
    host = parts.netloc
    path = unquote(parts.path).lstrip("/")
    base = Path(host) / path if path else Path(host)
    for rel in (base / "index.html", base, Path(str(base) + ".html")):
        if (mirror / rel).is_file():
            return rel.as_posix()
    return None


def pick_pages(sitepack, bundle, mirror, count, seed):
    p = run([sitepack, "ls", bundle, "--json"])
    if p.returncode != 0:
        sys.exit(f"run_reader_bench: sitepack ls failed: {p.stderr[-300:]}")
    pages = json.loads(p.stdout)
    rng = random.Random(seed)
    order = list(range(len(pages)))
    rng.shuffle(order)
    chosen, skipped = [], 0
    for i in order:
        url = pages[i]["url"]
        zpath = zim_path_for(mirror, url)
        if zpath is None:
            skipped += 1
            continue
        chosen.append({"url": url, "zim": zpath, "title": pages[i].get("title", ""), "kind": pages[i].get("kind")})
        if len(chosen) == count:
            break
    return chosen, skipped, len(pages)


# --- results ----------------------------------------------------------------------


def machine_facts(sitepack):
    cpu, mem = "?", "?"
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

    def kiwix_versions(tool):
        p = run([tool, "--version"])
        lines = [l.strip().lstrip("+ ").strip() for l in (p.stdout + p.stderr).splitlines() if l.strip()]
        return ", ".join(lines)

    def deb(pkg):
        p = run(["dpkg-query", "-W", "-f", "${Version}", pkg]) if shutil.which("dpkg-query") else None
        return p.stdout.strip() if p is not None and p.returncode == 0 else "?"

    return {
        "nproc": first_line(["nproc"]),
        "cpu": cpu,
        "memory": mem,
        "sitepack": first_line([sitepack, "--version"]),
        "source": first_line(["git", "-C", str(REPO), "describe", "--always", "--dirty"]),
        "kiwix-serve": kiwix_versions("kiwix-serve"),
        "zim-tools": kiwix_versions("zimdump"),
        "xvfb": deb("xvfb"),
        "mesa": deb("libgl1-mesa-dri"),
        "python": sys.version.split()[0],
    }


def ratio(a, b):
    return a / b if a is not None and b else None


def verdict_ratio(r):
    return "n/a" if r is None else ("PASS" if r <= GOAL_RATIO else "FAIL")


def build_table(R):
    rows = []

    def row(what, mine, peer, r, goal, v):
        rows.append(f"| {what} | {mine} | {peer} | {r} | {goal} | {v} |")

    def cmp_row(what, a, b, fmt_fn):
        r = ratio(a, b)
        row(what, fmt_fn(a), fmt_fn(b), "n/a" if r is None else f"{r:.2f}", f"≤ {GOAL_RATIO}", verdict_ratio(r))

    out = ["| what | sitepack | Kiwix peer | ratio | goal | verdict |", "|---|---|---|---|---|---|"]
    s = R["startup"]
    cmp_row(f"1. start → home page shown, median of {s['n']} (reader: whole `xvfb-run … sitepack-reader --script`; "
            "kiwix-serve: spawn → first 200 of the main page)", s["reader_med"], s["kiwix_med"], ms)
    row("   xvfb-run overhead alone (`xvfb-run … true`), median; reader minus it",
        f"{ms(s['xvfb_med'])}; {ms(s['reader_minus_xvfb'])}", "—",
        "n/a" if ratio(s["reader_minus_xvfb"], s["kiwix_med"]) is None else f"{ratio(s['reader_minus_xvfb'], s['kiwix_med']):.2f}",
        "(reference)", "—")
    p = R["pages"]
    cmp_row(f"2. open a page, p50 (`sitepack cat` vs `zimdump show`, {p['pages']} pages × {p['rounds']})",
            p["sp_p50"], p["zim_p50"], ms)
    cmp_row("2. open a page, p95", p["sp_p95"], p["zim_p95"], ms)
    q = R["search"]
    cmp_row(f"3. search, p50 (`sitepack search --limit 10` vs `kiwix-search`, {q['queries']} queries × {q['rounds']})",
            q["sp_p50"], q["ks_p50"], ms)
    cmp_row("3. search, p95", q["sp_p95"], q["ks_p95"], ms)
    cmp_row("4. peak RSS: reader (start-up run) vs kiwix-serve serving its main page, median",
            s["reader_rss_med"], s["kiwix_rss_med"], human_bytes)
    cmp_row("4. peak RSS: `sitepack cat` vs `zimdump show`, median", p["sp_rss_med"], p["zim_rss_med"], human_bytes)
    cmp_row("4. peak RSS: `sitepack search` vs `kiwix-search`, median", q["sp_rss_med"], q["ks_rss_med"], human_bytes)
    i = R["idle"]
    rv = None if i["reader_med"] is None else ("PASS" if i["reader_med"] < GOAL_IDLE_CPU else "FAIL")
    row(f"5. idle CPU over {i['seconds']:.0f} s, median of {i['n']} (reader, normal mode, home shown; "
        "kiwix-serve after serving its main page)",
        f"{i['reader_med']:.2f}% (max {i['reader_max']:.2f}%)" if i["reader_med"] is not None else "n/a",
        f"{i['kiwix_med']:.2f}% (max {i['kiwix_max']:.2f}%)" if i["kiwix_med"] is not None else "n/a",
        "—", f"reader < {GOAL_IDLE_CPU:.0f}%", rv or "n/a")
    return "\n".join(out + rows)


def query_table(R):
    out = ["| query | kind | sitepack hits (total) | kiwix-search results shown | sitepack p50 | kiwix-search p50 |",
           "|---|---|---|---|---|---|"]
    for d in R["search"]["per_query"]:
        out.append(f"| `{d['q']}` | {d['kind']} | {d['sp_total']} | {d['ks_shown']} | {ms(d['sp_p50'])} | {ms(d['ks_p50'])} |")
    return "\n".join(out)


def notes(R):
    """Figures that explain the verdicts, computed from this run."""
    lines = []
    per = [d for d in R["search"]["per_query"] if d["sp_total"] is not None and d["sp_p50"] and d["ks_p50"]]
    many = [d for d in per if d["sp_total"] >= 5000]
    few = [d for d in per if d["sp_total"] < 1000]
    if many and few:
        lines.append(
            f"- search time follows the number of matches in sitepack, not in kiwix-search: the {len(many)} queries "
            f"with ≥ 5,000 matching pages take {ms(median([d['sp_p50'] for d in many]))} vs "
            f"{ms(median([d['ks_p50'] for d in many]))} (ratio {median([d['sp_p50'] for d in many]) / median([d['ks_p50'] for d in many]):.2f}), "
            f"the {len(few)} with < 1,000 take {ms(median([d['sp_p50'] for d in few]))} vs "
            f"{ms(median([d['ks_p50'] for d in few]))} (ratio {median([d['sp_p50'] for d in few]) / median([d['ks_p50'] for d in few]):.2f})")
    details = [d for d in R["idle"]["detail"] if d.get("what") == "reader" and d.get("rss_parts")]
    if details:
        parts = details[-1]["rss_parts"]
        lines.append(
            f"- the reader's resident memory while idle, {human_bytes(details[-1].get('rss_idle'))}, by mapping "
            f"(/proc/PID/smaps): anonymous {human_bytes(parts['anonymous'])}, heap {human_bytes(parts['heap'])}, "
            f"libLLVM (Mesa's llvmpipe software GL) {human_bytes(parts['libLLVM'])}, other files "
            f"{human_bytes(parts['other files'])}")
    s = R["startup"]
    if s.get("reader_minus_xvfb") and s.get("kiwix_med"):
        lines.append(f"- without xvfb-run's own {ms(s['xvfb_med'])} the reader still takes {ms(s['reader_minus_xvfb'])}, "
                     f"{s['reader_minus_xvfb'] / s['kiwix_med']:.1f}× kiwix-serve's {ms(s['kiwix_med'])}")
    return lines


def missed(R):
    lines = []
    s, p, q, i = R["startup"], R["pages"], R["search"], R["idle"]
    checks = [
        ("start-up time", s["reader_med"], s["kiwix_med"], ms),
        ("page p50", p["sp_p50"], p["zim_p50"], ms), ("page p95", p["sp_p95"], p["zim_p95"], ms),
        ("search p50", q["sp_p50"], q["ks_p50"], ms), ("search p95", q["sp_p95"], q["ks_p95"], ms),
        ("reader peak RSS", s["reader_rss_med"], s["kiwix_rss_med"], human_bytes),
        ("`sitepack cat` peak RSS", p["sp_rss_med"], p["zim_rss_med"], human_bytes),
        ("`sitepack search` peak RSS", q["sp_rss_med"], q["ks_rss_med"], human_bytes),
    ]
    for name, a, b, f in checks:
        r = ratio(a, b)
        if r is not None and r > GOAL_RATIO:
            lines.append(f"- {name}: {f(a)} vs {f(b)}, ratio {r:.2f} > {GOAL_RATIO}")
    if i["reader_med"] is not None and i["reader_med"] >= GOAL_IDLE_CPU:
        lines.append(f"- reader idle CPU {i['reader_med']:.2f}% ≥ {GOAL_IDLE_CPU:.0f}%")
    for e in R["errors"]:
        lines.append(f"- error: {e}")
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
    tmp = path.with_name(path.name + ".reader-bench.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


# --- main -------------------------------------------------------------------------


def find_binary(given, default, flag):
    p = Path(given) if given else default
    if not (p.is_file() and os.access(p, os.X_OK)):
        sys.exit(f"run_reader_bench: no executable at {p} (build it, or pass {flag} PATH)")
    return str(p.resolve())


def main():
    ap = argparse.ArgumentParser(description="Benchmark sitepack-reader and the sitepack CLI against kiwix-serve, "
                                             "zimdump and kiwix-search (start-up, page, search, memory, idle CPU) in one run.")
    ap.add_argument("--sitepack", default=None, help="the sitepack CLI (default build/sitepack)")
    ap.add_argument("--reader", default=None, help="the reader (default build/sitepack-reader)")
    ap.add_argument("--posts", type=int, default=10000, help="posts of the generated mirror (default 10000)")
    ap.add_argument("--seed", type=int, default=1, help="the mirror's seed and the page sample's (default 1)")
    ap.add_argument("--reps", type=int, default=15, help="start-up repetitions, interleaved (default 15)")
    ap.add_argument("--pages", type=int, default=50, help="random pages to open (default 50)")
    ap.add_argument("--rounds", type=int, default=5, help="passes over the pages and over the queries (default 5)")
    ap.add_argument("--idle-seconds", type=float, default=10.0, help="idle CPU sampling window (default 10)")
    ap.add_argument("--idle-reps", type=int, default=3, help="idle CPU repetitions, interleaved (default 3)")
    ap.add_argument("--quick", action="store_true", help="smoke check: 3 reps, 10 pages, 1 round, 1 × 3 s idle; prints only")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="working folder (default bench/out, git-ignored)")
    ap.add_argument("--results", default=str(RESULTS), help="the markdown file to update (default bench/RESULTS.md)")
    ap.add_argument("--write", action="store_true", help="write RESULTS.md even with --quick")
    ap.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    args = ap.parse_args()
    if args.quick:
        args.reps, args.pages, args.rounds, args.idle_seconds, args.idle_reps = 3, 10, 1, 3.0, 1
    write = not args.no_write and (args.write or not args.quick)

    for tool in ("xvfb-run", "kiwix-serve", "kiwix-search", "zimdump", "zimcheck", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"run_reader_bench: {tool} not found (Debian: apt-get install xvfb kiwix-tools zim-tools time)")
    if not shutil.which("xwininfo"):
        log("note: no xwininfo (x11-utils): the idle test waits for the reader's CPU time to settle only")
    sitepack = find_binary(args.sitepack, REPO / "build" / "sitepack", "--sitepack")
    reader_bin = find_binary(args.reader, REPO / "build" / "sitepack-reader", "--reader")

    started = datetime.datetime.now(datetime.timezone.utc)
    facts = machine_facts(sitepack)
    log("machine: " + "; ".join(f"{k} {v}" for k, v in facts.items()))
    log(f"sitepack: {sitepack}; reader: {reader_bin}")
    out_dir = Path(args.out).resolve()
    work = out_dir / "reader-bench"
    work.mkdir(parents=True, exist_ok=True)

    # --- inputs (untimed) ---
    mirror, stamp = ensure_mirror(out_dir, args.posts, args.seed)
    bundle, bundle_from = ensure_bundle(sitepack, out_dir, work, mirror, stamp, args.posts)
    zim, zim_from = ensure_zim(out_dir, work, mirror, stamp, args.posts)
    log(f"inputs: bundle {bundle} ({human_bytes(os.path.getsize(bundle))}), ZIM {zim} ({human_bytes(os.path.getsize(zim))})")

    bench_start = time.monotonic()
    load_start = loadavg()
    R = {"errors": []}
    reader = Reader(reader_bin, bundle, work)
    kiwix = KiwixServe(zim, work)

    # --- checks and warm-up (untimed): every tool runs once, so that all of
    # the bundle's and the ZIM's pages the runs touch are in the page cache ---
    log("warm-up: the reader once, kiwix-serve once (finding its main page)")
    _w, _r, state = reader.startup()
    home_title = state.get("window_title", "")
    if state.get("bundle_state") != "open" or not state.get("url") or not state.get("page_height"):
        sys.exit(f"run_reader_bench: the reader did not show a page: {json.dumps(state)[:400]}")
    log(f"reader shows {state['url']} ({state['title']!r}, {state['page_height']} px tall)")
    main_path, main_bytes = kiwix.discover()
    log(f"kiwix-serve main page: {main_path} ({main_bytes} bytes)")

    pages, skipped, total_pages = pick_pages(sitepack, bundle, mirror, args.pages, args.seed)
    log(f"pages: {len(pages)} random pages of {total_pages} (seed {args.seed}; {skipped} drawn without a mirror file skipped)")
    bad = 0
    for pg in pages:
        a = run([sitepack, "cat", bundle, pg["url"]])
        b = subprocess.run(["zimdump", "show", f"--url={pg['zim']}", str(zim)], capture_output=True)
        ok_a = a.returncode == 0 and len(a.stdout) > 100
        ok_b = b.returncode == 0 and b"<html" in b.stdout[:2000].lower()
        pg["sp_bytes"], pg["zim_bytes"] = len(a.stdout.encode()), len(b.stdout)
        if not (ok_a and ok_b):
            bad += 1
            R["errors"].append(f"page check failed for {pg['url']} (sitepack {a.returncode}, zimdump {b.returncode})")
    log(f"pages checked: {len(pages) - bad} ok; median text {median([p['sp_bytes'] for p in pages]):.0f} B "
        f"(sitepack cat), median HTML {median([p['zim_bytes'] for p in pages]):.0f} B (zimdump show)")

    queries = []
    for q, kind in QUERIES:
        a = run([sitepack, "search", bundle, *q.split(), "--limit", "10", "--json"])
        b = run(["kiwix-search", zim, q])
        try:
            total = json.loads(a.stdout).get("total")
        except ValueError:
            total = None
        shown = len([l for l in b.stdout.splitlines() if l.strip()])
        if a.returncode != 0 or b.returncode != 0:
            R["errors"].append(f"query {q!r}: sitepack {a.returncode}, kiwix-search {b.returncode}")
        queries.append({"q": q, "kind": kind, "sp_total": total, "ks_shown": shown, "sp": [], "ks": []})
    log("queries: " + ", ".join(f"{d['q']} ({d['sp_total']}/{d['ks_shown']})" for d in queries)
        + "  [sitepack total / kiwix-search shown]")

    # --- 1 and 4: start-up, interleaved ---
    log(f"phase 1: start-up, {args.reps} interleaved repetitions (xvfb-run alone, reader, kiwix-serve)")
    S = {"reader": [], "kiwix": [], "xvfb": [], "reader_rss": [], "kiwix_rss": []}
    for rep in range(args.reps):
        order = ["xvfb", "reader", "kiwix"]
        order = order[rep % 3:] + order[:rep % 3]
        parts = []
        for what in order:
            try:
                if what == "xvfb":
                    w = reader.xvfb_only()
                    S["xvfb"].append(w)
                    parts.append(f"xvfb-run true {ms(w)}")
                elif what == "reader":
                    w, rss, st = reader.startup()
                    if st.get("url") != state.get("url"):
                        raise RuntimeError(f"the reader showed {st.get('url')}, not the home page")
                    S["reader"].append(w)
                    S["reader_rss"].append(rss)
                    parts.append(f"reader {ms(w)} ({human_bytes(rss)})")
                else:
                    w, rss, _ = kiwix.start_to_200()
                    S["kiwix"].append(w)
                    S["kiwix_rss"].append(rss)
                    parts.append(f"kiwix-serve {ms(w)} ({human_bytes(rss)})")
            except RuntimeError as e:
                R["errors"].append(f"start-up rep {rep + 1}, {what}: {e}")
                parts.append(f"{what} FAILED: {e}")
        log(f"  rep {rep + 1}/{args.reps}: " + ", ".join(parts))
    s = {"n": args.reps, "reader_med": median(S["reader"]), "kiwix_med": median(S["kiwix"]),
         "xvfb_med": median(S["xvfb"]), "reader_rss_med": median([x for x in S["reader_rss"] if x]),
         "kiwix_rss_med": median([x for x in S["kiwix_rss"] if x]), "raw": S}
    s["reader_minus_xvfb"] = (s["reader_med"] - s["xvfb_med"]) if s["reader_med"] and s["xvfb_med"] else None
    R["startup"] = s
    log(f"start-up medians: reader {ms(s['reader_med'])} (xvfb-run alone {ms(s['xvfb_med'])}), "
        f"kiwix-serve {ms(s['kiwix_med'])}: ratio {fmt_ratio(ratio(s['reader_med'], s['kiwix_med']))}")

    # --- 2 and 4: pages ---
    log(f"phase 2: open a page, {len(pages)} pages × {args.rounds} rounds, sitepack cat / zimdump show alternating")
    P = {"sp": [], "zim": [], "sp_rss": [], "zim_rss": []}
    for rnd in range(args.rounds + 1):  # the last pass measures peak RSS only
        for k, pg in enumerate(pages):
            cmds = [("sp", [sitepack, "cat", bundle, pg["url"]]),
                    ("zim", ["zimdump", "show", f"--url={pg['zim']}", zim])]
            if (k + rnd) % 2:
                cmds.reverse()
            for key, cmd in cmds:
                if rnd < args.rounds:
                    rc, wall = spawn_timed(cmd)
                    if rc == 0:
                        P[key].append(wall)
                else:
                    rc, rss = peak_rss(cmd, work / "cli.time")
                    if rc == 0 and rss:
                        P[key + "_rss"].append(rss)
                if rc != 0:
                    R["errors"].append(f"{' '.join(map(str, cmd[:2]))} {pg['url']} exited {rc}")
        if rnd < args.rounds:
            log(f"  round {rnd + 1}/{args.rounds}: sitepack cat p50 {ms(median(P['sp']))}, "
                f"zimdump show p50 {ms(median(P['zim']))}")
        else:
            log(f"  peak RSS pass (/usr/bin/time -v): sitepack cat median {human_bytes(median(P['sp_rss']))}, "
                f"zimdump show median {human_bytes(median(P['zim_rss']))}")
    p = {"pages": len(pages), "rounds": args.rounds, "sp_p50": percentile(P["sp"], 50), "sp_p95": percentile(P["sp"], 95),
         "zim_p50": percentile(P["zim"], 50), "zim_p95": percentile(P["zim"], 95),
         "sp_rss_med": median(P["sp_rss"]), "zim_rss_med": median(P["zim_rss"]),
         "sp_rss_max": max(P["sp_rss"], default=None), "zim_rss_max": max(P["zim_rss"], default=None),
         "list": [{k: v for k, v in pg.items()} for pg in pages]}
    R["pages"] = p
    log(f"pages: p50 {ms(p['sp_p50'])} vs {ms(p['zim_p50'])}, p95 {ms(p['sp_p95'])} vs {ms(p['zim_p95'])}")

    # --- 3 and 4: search ---
    log(f"phase 3: search, {len(queries)} queries × {args.rounds} rounds, sitepack search / kiwix-search alternating")
    Q = {"sp": [], "ks": [], "sp_rss": [], "ks_rss": []}
    for rnd in range(args.rounds + 1):  # the last pass measures peak RSS only
        for k, d in enumerate(queries):
            cmds = [("sp", [sitepack, "search", bundle, *d["q"].split(), "--limit", "10"]),
                    ("ks", ["kiwix-search", zim, d["q"]])]
            if (k + rnd) % 2:
                cmds.reverse()
            for key, cmd in cmds:
                if rnd < args.rounds:
                    rc, wall = spawn_timed(cmd)
                    if rc == 0:
                        d[key].append(wall)
                        Q[key].append(wall)
                else:
                    rc, rss = peak_rss(cmd, work / "cli.time")
                    if rc == 0 and rss:
                        Q[key + "_rss"].append(rss)
                if rc != 0:
                    R["errors"].append(f"{Path(str(cmd[0])).name} {d['q']!r} exited {rc}")
        if rnd < args.rounds:
            log(f"  round {rnd + 1}/{args.rounds}: sitepack search p50 {ms(median(Q['sp']))}, "
                f"kiwix-search p50 {ms(median(Q['ks']))}")
        else:
            log(f"  peak RSS pass (/usr/bin/time -v): sitepack search median {human_bytes(median(Q['sp_rss']))}, "
                f"kiwix-search median {human_bytes(median(Q['ks_rss']))}")
    q = {"queries": len(queries), "rounds": args.rounds, "sp_p50": percentile(Q["sp"], 50), "sp_p95": percentile(Q["sp"], 95),
         "ks_p50": percentile(Q["ks"], 50), "ks_p95": percentile(Q["ks"], 95),
         "sp_rss_med": median(Q["sp_rss"]), "ks_rss_med": median(Q["ks_rss"]),
         "sp_rss_max": max(Q["sp_rss"], default=None), "ks_rss_max": max(Q["ks_rss"], default=None),
         "per_query": [{"q": d["q"], "kind": d["kind"], "sp_total": d["sp_total"], "ks_shown": d["ks_shown"],
                        "sp_p50": median(d["sp"]), "ks_p50": median(d["ks"])} for d in queries]}
    R["search"] = q
    log(f"search: p50 {ms(q['sp_p50'])} vs {ms(q['ks_p50'])}, p95 {ms(q['sp_p95'])} vs {ms(q['ks_p95'])}")

    # --- 5: idle CPU, interleaved ---
    log(f"phase 5: idle CPU, {args.idle_reps} × {args.idle_seconds:.0f} s each, reader / kiwix-serve alternating")
    I = {"reader": [], "kiwix": [], "detail": []}
    for rep in range(args.idle_reps):
        order = ["reader", "kiwix"] if rep % 2 == 0 else ["kiwix", "reader"]
        parts = []
        for what in order:
            try:
                if what == "reader":
                    r = reader.idle(home_title, args.idle_seconds)
                    I["reader"].append(r["cpu_pct"])
                    rp = r.get("rss_parts") or {}
                    parts.append(f"reader {r['cpu_pct']:.2f}% ({r['ticks']} ticks in {r['seconds']:.1f} s; "
                                 f"home in the title after {r['title_after'] or 0:.2f} s; RSS {human_bytes(r['rss_idle'])}: "
                                 + ", ".join(f"{k} {human_bytes(v)}" for k, v in rp.items()) + ")")
                else:
                    _w, _rss, r = kiwix.start_to_200(idle_seconds=args.idle_seconds)
                    if not r:
                        raise RuntimeError("no kiwix-serve process to sample")
                    I["kiwix"].append(r["cpu_pct"])
                    parts.append(f"kiwix-serve {r['cpu_pct']:.2f}% ({r['ticks']} ticks in {r['seconds']:.1f} s; "
                                 f"RSS {human_bytes(r['rss_idle'])})")
                I["detail"].append({"what": what, **r})
            except RuntimeError as e:
                R["errors"].append(f"idle rep {rep + 1}, {what}: {e}")
                parts.append(f"{what} FAILED: {e}")
        log(f"  rep {rep + 1}/{args.idle_reps}: " + "; ".join(parts))
    R["idle"] = {"n": args.idle_reps, "seconds": args.idle_seconds,
                 "reader_med": median(I["reader"]), "reader_max": max(I["reader"], default=None),
                 "kiwix_med": median(I["kiwix"]), "kiwix_max": max(I["kiwix"], default=None), "detail": I["detail"]}

    bench_secs = time.monotonic() - bench_start
    total_secs = time.monotonic() - T0
    load_end = loadavg()
    R["facts"], R["bench_seconds"], R["total_seconds"] = facts, bench_secs, total_secs
    R["load"] = [load_start, load_end]
    (work / "results.json").write_text(json.dumps(R, indent=1, default=str))

    table = build_table(R)
    qtable = query_table(R)
    bad_lines = missed(R)
    note_lines = notes(R)
    print()
    print(table)
    print()
    print(qtable)
    print()
    if note_lines:
        print("Notes:\n" + "\n".join(note_lines) + "\n")
    print("Goals missed / errors:\n" + "\n".join(bad_lines) if bad_lines else "All goals met.")
    print(f"\nMeasured in {bench_secs / 60:.1f} min ({total_secs / 60:.1f} min in all, with input checks); "
          f"load average {fmt_load(load_start)} at the start, {fmt_load(load_end)} at the end.")

    if write:
        cmd = "python3 bench/run_reader_bench.py" + "".join(" " + shlex.quote(a) for a in sys.argv[1:])
        section = [
            "## Reader benchmark: sitepack-reader and the CLI vs kiwix-serve, zimdump and kiwix-search",
            "",
            f"Written by `bench/run_reader_bench.py` on {started.strftime('%Y-%m-%d %H:%M UTC')}; every figure "
            "below comes from that one run, sitepack and its Kiwix peer interleaved.",
            "",
            f"- command: `{cmd}`",
            f"- machine: {facts['nproc']} cores (`nproc`), {facts['cpu']}, {facts['memory']} RAM; load average "
            f"{fmt_load(load_start)} at the start, {fmt_load(load_end)} at the end",
            f"- versions: {facts['sitepack']} (source `{facts['source']}`); kiwix-serve/kiwix-search: {facts['kiwix-serve']}; "
            f"zimdump: {facts['zim-tools']}; Xvfb {facts['xvfb']}, Mesa {facts['mesa']} (llvmpipe, software GL)",
            f"- input: the generated mirror `{mirror.relative_to(REPO)}` ({args.posts} posts, no images); bundle "
            f"{human_bytes(os.path.getsize(bundle))} ({bundle_from}); ZIM {human_bytes(os.path.getsize(zim))} "
            f"with its full-text index ({zim_from})",
            f"- run time: {bench_secs / 60:.1f} min measuring, {total_secs / 60:.1f} min in all (inputs reused, not timed)",
            "- start-up: the reader's whole process under `xvfb-run -a -s \"-screen 0 1280x800x24\"` with a script "
            "that only dumps its state once the home page is drawn and idle (the script runner waits for it; the "
            "process then draws 3 more frames and exits), so X server start, GL set-up, fonts, bundle open, layout "
            f"and exit all count; kiwix-serve: spawn until the first 200 of GET `{main_path}` (its main page, "
            "polled every 2 ms on 127.0.0.1). Every time is spawn → exit (or → first 200) seen from this "
            "script. Peak RSS from `/usr/bin/time -v` (the CLI commands: one extra untimed pass over the same "
            "pages and queries, so the timed runs carry no wrapper)",
            "- idle CPU: `sitepack-reader B` in normal mode (the script mode never sleeps), sampled from "
            "/proc/PID/stat once its window title shows the home page and its CPU time has not moved for 1 s",
            "",
            table,
            "",
            "Queries (hits on the 10,000-post bundle; kiwix-search prints at most 10):",
            "",
            qtable,
            "",
        ]
        if note_lines:
            section += ["Notes (computed by the script from this run):", ""] + note_lines + [""]
        section += (["Goals missed and errors:", ""] + bad_lines + [""]) if bad_lines else ["All goals met.", ""]
        write_results(Path(args.results), "\n".join(section))
        log(f"wrote {args.results}")
    return 0


def fmt_ratio(r):
    return "n/a" if r is None else f"{r:.2f} {verdict_ratio(r)}"


def fmt_load(x):
    return "n/a" if x is None else f"{x:.1f}"


if __name__ == "__main__":
    sys.exit(main())
