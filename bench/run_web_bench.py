#!/usr/bin/env python3
"""The browser reader's benchmark (issue 4), every figure from ONE run.

  1. download size: gzip -9 of everything the hosted reader's first visit
     loads (the two .wasm, their .js, index.html, app.js, core-worker.js,
     style.css, sw.js, manifest), against kiwix-js's libzim WASM as
     published (2,184,660 B wasm + 136,633 B JS, raw: the peer's figures
     are raw sizes, so the ratio is our gzip bytes over the peer's raw
     bytes, and our raw over their raw is printed too). Goal <= 700 KB gzip.
  2. navigation -> first drawn home page in headless Chromium (SwiftShader
     WebGL2), hosted 10,000-post bundle over HTTP Range: cold (a fresh
     profile each run: no HTTP cache, no service worker; the browser already
     running, its GPU process started by another page, as a reader's is)
     and warm (the same profile's next visit); also cold in a browser just
     started, whose GPU process starts with the reader's page, and cold and
     warm with V8's optimising tier switched off by a flag (references).
     Against the native reader's start-up measured
     in the same run by bench/run_reader_bench.py's method (the whole
     `xvfb-run ... sitepack-reader --script` process, minus `xvfb-run true`).
     Goal: web < 2x native. Then the same visits with 100 ms added to every
     answer of the server (a slow link; reference rows, no goal), and the
     CPU time the warm visits took of all of Chromium's processes against
     the native reader's (reference: is the start bound by the cores?).
  3. bytes of the bundle fetched (the test server's log: bodies sent for
     the bundle's URL) to open the home page, then to run one search, on
     the hosted 10,000-post bundle. Goal: both together < 1% of the bundle.
  4. memory with a 1 GB bundle open (picked-file mode, read by slices): the
     core's wasm memory (Worker) and the renderer process's RSS (the page
     and its Worker live in it; from /proc through CDP's process list),
     against the same with the 46 MB bundle: flat as the bundle grows.

    python3 bench/run_web_bench.py                 # writes bench/RESULTS.md
    python3 bench/run_web_bench.py --no-write      # prints only
    python3 bench/run_web_bench.py --runs 3 --skip-big

Needs: dist/web and dist/sitepack-reader.html (scripts/build-web.sh,
scripts/package-web.sh), tests/browser/node_modules (tests/browser/run.sh
or `npm ci` there), /usr/bin/chromium, build/sitepack and
build/sitepack-reader, xvfb-run, sqlite3.
"""
import argparse
import datetime
import gzip
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
WORK = OUT / "web-bench"
RESULTS = ROOT / "bench" / "RESULTS.md"
MARK_START = "<!-- web-bench:start -->"
MARK_END = "<!-- web-bench:end -->"
SCREEN = "-screen 0 1280x800x24"
PEER_WASM = 2_184_660
PEER_JS = 136_633
GOAL_GZIP = 700 * 1024
# A common word (in nearly every post) and a less common one (~7% of posts),
# from bench/run_reader_bench.py's queries.
SEARCH_QUERIES = [("refugees", "common word"), ("wakayama", "less common word")]
SLOW_LINK_MS = 100
# V8's budget of "bytes executed" before a wasm function is recompiled with
# its optimising tier (13,000,000 by default in Chromium 156, `--js-flags=
# --help`): this one is never spent.
NO_TIER_UP_BUDGET = 2_000_000_000
SHIPPED = ["sitepack-ui.wasm", "sitepack-ui.js", "sitepack-core.wasm", "sitepack-core.js", "index.html", "app.js",
           "core-worker.js", "style.css", "sw.js", "manifest.webmanifest"]

DRIVER = r"""
'use strict';
const {chromium} = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');
const FLAGS = ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-domain-reliability', '--disable-breakpad', '--no-pings'];
const job = JSON.parse(process.argv[2]);

async function persistent() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitepack-bench-chromium-'));
  const args = job.jsFlags ? FLAGS.concat(['--js-flags=' + job.jsFlags]) : FLAGS;
  const context = await chromium.launchPersistentContext(dir, {executablePath: '/usr/bin/chromium', headless: true,
    args, viewport: {width: 1280, height: 800}});
  context.done = async () => { await context.close(); fs.rmSync(dir, {recursive: true, force: true}); };
  context.profileDir = dir;
  return context;
}
// CPU time (user + system, ms) used so far by the processes of the browser
// whose profile is `dir`, by process type (Linux /proc; clock ticks of 10 ms).
function cpuMs(dir) {
  const byType = {};
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8');
      if (!command.includes(dir)) continue;
      const type = (/--type=([a-z-]+)/.exec(command) || [null, 'browser'])[1];
      const fields = fs.readFileSync('/proc/' + pid + '/stat', 'utf8').split(') ')[1].split(' ');
      byType[type] = (byType[type] || 0) + (Number(fields[11]) + Number(fields[12])) * 10;
    } catch (e) { /* the process ended */ }
  }
  return byType;
}
const cpuSpent = (before, after) => Object.fromEntries(Object.entries(after).map(([type, ms]) => [type, ms - (before[type] || 0)]));
const totalMs = (byType) => Object.values(byType).reduce((a, b) => a + b, 0);
// Navigation start -> the first animation frame in which the reader shows an
// open bundle's page with nothing pending (checked every frame). The UI's
// dump (20 ms on the page's thread, which it would take from the start it
// measures) is asked for only once the shell has been told a page is shown.
async function firstPage(page, url) {
  await page.goto(url);
  return page.waitForFunction(() => {
    const ui = window.sitepackShell && window.sitepackShell.state.ui;
    if (!window.sitepackShell.events.some((e) => e.what === 'page-shown')) return false;
    if (!ui || !ui._sitepack_ui_idle || ui._sitepack_ui_idle() !== 1) return false;
    const d = JSON.parse(ui.ccall('sitepack_ui_dump', 'string', [], []));
    return d.bundle_state === 'open' && d.url ? performance.now() : false;
  }, null, {polling: 'raf', timeout: 120000}).then((h) => h.jsonValue());
}
async function settle(page) {
  await page.waitForFunction(() => window.sitepackShell.state.ui._sitepack_ui_idle() === 1, null, {polling: 20, timeout: 120000});
  return JSON.parse(await page.evaluate(() => window.sitepackShell.state.ui.ccall('sitepack_ui_dump', 'string', [], [])));
}

// A browser a reader already has open has shown pages before: another
// page (of no origin of ours) draws with WebGL2 first, so that the GPU
// process, which headless Chromium starts only when a page first needs it,
// is running, as the browser's own start is not counted.
async function startGpuProcess(context) {
  const other = await context.newPage();
  await other.goto('data:text/html,<canvas id="c" width="64" height="64"></canvas>');
  await other.evaluate(() => {
    const gl = document.getElementById('c').getContext('webgl2');
    gl.clearColor(0.2, 0.4, 0.6, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));  // waits for the GPU process
  });
  await other.close();
}

async function startup() {
  const cold = [], warm = [], phases = [];
  for (let i = 0; i < job.runs; i++) {
    const context = await persistent();
    if (job.browserRunning) await startGpuProcess(context);
    const page = await context.newPage();
    cold.push(await firstPage(page, job.url));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.close();
    const again = await context.newPage();
    const cpuBefore = cpuMs(context.profileDir), wallBefore = Date.now();
    warm.push(await firstPage(again, job.url));
    const cpu = cpuSpent(cpuBefore, cpuMs(context.profileDir)), wall = Date.now() - wallBefore;
    phases.push(await again.evaluate(() => {
      // When each step of the shell's start was reached (ms from navigation).
      const at = (what, detail) => {
        const e = window.sitepackShell.events.find((x) => x.what === what && (!detail || detail(x.detail)));
        return e ? e.t : null;
      };
      return {ui: at('ui-ready'), core: at('core-ready'), source: at('source-ready'),
              open: at('ui-status', (d) => d && d.bundle_state === 'open'), shown: at('page-shown')};
    }));
    const stats = await again.evaluate(() => window.sitepackShell.requestWorkerStats());
    phases[phases.length - 1].cpu = cpu;
    phases[phases.length - 1].cores = totalMs(cpu) / wall;
    phases[phases.length - 1].ranges = stats.requests.length;
    phases[phases.length - 1].rangeMs = stats.requests.reduce((sum, r) => sum + (r.ms || 0), 0);
    await context.done();
  }
  return {cold, warm, phases};
}

async function bytes() {
  // Steps are separated by asking the server (through the driver's caller)
  // for its log: the caller reads the log between "mark" lines.
  const context = await persistent();
  const page = await context.newPage();
  await firstPage(page, job.url);
  const home = await settle(page);
  const afterOpen = await page.evaluate(() => window.sitepackShell.requestWorkerStats());
  const refused = await page.evaluate((q) => window.sitepackShell.state.ui.ccall('sitepack_ui_search', 'string', ['string'], [q]), job.query);
  if (refused) throw new Error('search refused: ' + refused);
  await page.waitForFunction((q) => {
    const d = JSON.parse(window.sitepackShell.state.ui.ccall('sitepack_ui_dump', 'string', [], []));
    return d.search.query === q && window.sitepackShell.state.ui._sitepack_ui_idle() === 1;
  }, job.query, {polling: 20, timeout: 120000});
  const searched = await settle(page);
  const afterSearch = await page.evaluate(() => window.sitepackShell.requestWorkerStats());
  await context.done();
  return {home: home.url, hits: searched.search.total, afterOpen, afterSearch};
}

async function rendererRss(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const info = await cdp.send('SystemInfo.getProcessInfo');
  let total = 0;
  for (const p of info.processInfo) {
    if (p.type !== 'renderer') continue;
    try {
      const status = fs.readFileSync('/proc/' + p.id + '/status', 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
    } catch (e) { /* gone */ }
  }
  return total;
}

async function memory() {
  const out = {};
  for (const [label, file] of Object.entries(job.bundles)) {
    const browser = await chromium.launch({executablePath: '/usr/bin/chromium', headless: true, args: FLAGS});
    const page = await browser.newPage({viewport: {width: 1280, height: 800}});
    await page.goto(job.url);
    await page.waitForSelector('#chooser:not([hidden])', {timeout: 120000});
    const before = await rendererRss(browser);
    const started = Date.now();
    await page.setInputFiles('#file-input', file);
    await page.waitForFunction(() => {
      const ui = window.sitepackShell.state.ui;
      if (ui._sitepack_ui_idle() !== 1) return false;
      const d = JSON.parse(ui.ccall('sitepack_ui_dump', 'string', [], []));
      return d.bundle_state === 'open' && d.url;
    }, null, {polling: 50, timeout: 300000});
    const openMs = Date.now() - started;
    const stats = await page.evaluate(() => window.sitepackShell.requestWorkerStats());
    const after = await rendererRss(browser);
    out[label] = {rssBefore: before, rssAfter: after, wasmMemory: stats.wasmMemory, bytesRead: stats.bytesRead,
                  coreBytesRead: stats.coreBytesRead, openMs};
    await browser.close();
  }
  return out;
}

(async () => {
  const result = await {startup, bytes, memory}[job.kind]();
  process.stdout.write(JSON.stringify(result));
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
"""


def log(message):
    print(f"[web-bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def human(n):
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


def ms(value):
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms"


def gzip9(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


class Server:
    """tests/browser/serve.py with the reader in / and bundles in /bundles/."""

    def __init__(self, web, bundles, log_path, latency_ms=0):
        self.log_path = log_path
        log_path.unlink(missing_ok=True)
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tests/browser/serve.py"), "--root", str(web),
                                      "--mount", f"/bundles/={bundles}", "--log", str(log_path),
                                      "--latency", str(latency_ms)],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("serving "):
            raise RuntimeError("serve.py did not start: " + line)
        self.url = line.split()[1]

    def requests(self):
        if not self.log_path.exists():
            return []
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.strip()]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def driver(job, timeout=3600):
    script = WORK / "driver.js"
    script.write_text(DRIVER)
    env = dict(os.environ, NODE_PATH=str(ROOT / "tests/browser/node_modules"))
    result = subprocess.run(["node", str(script), json.dumps(job)], capture_output=True, text=True, env=env,
                            timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"the browser driver failed ({job['kind']}):\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def native_startup(reader, bundle, runs):
    work = Path(tempfile.mkdtemp(prefix="sitepack-web-bench-native-"))
    try:
        script = work / "home.script"
        dump = work / "home.json"
        script.write_text(f"dump {dump}\n")
        times, overheads, cpu, cpu_overheads = [], [], [], []

        def children_cpu_ms():
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return (usage.ru_utime + usage.ru_stime) * 1000

        for _ in range(runs):
            config = work / "config"
            shutil.rmtree(config, ignore_errors=True)
            config.mkdir()
            env = dict(os.environ, XDG_CONFIG_HOME=str(config))
            start, cpu_start = time.perf_counter(), children_cpu_ms()
            rc = subprocess.run(["xvfb-run", "-a", "-s", SCREEN, reader, "--script", script, "--bundle", bundle],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
            times.append((time.perf_counter() - start) * 1000)
            cpu.append(children_cpu_ms() - cpu_start)
            if rc != 0 or not dump.exists():
                raise RuntimeError(f"the native reader exited {rc} without its state dump")
            start, cpu_start = time.perf_counter(), children_cpu_ms()
            subprocess.run(["xvfb-run", "-a", "-s", SCREEN, "true"], check=True)
            overheads.append((time.perf_counter() - start) * 1000)
            cpu_overheads.append(children_cpu_ms() - cpu_start)
        return statistics.median(times), statistics.median(overheads), statistics.median(cpu) - statistics.median(cpu_overheads)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def padded_bundle(source, target, gib):
    """A bundle grown to `gib` GiB by a table the reader never reads, so that
    its pages, index and fonts are the real 10,000-post ones."""
    want = int(gib * (1 << 30))
    # Reused only when made from the current source bundle (a bundle built
    # again, e.g. in a new format, makes it stale).
    if target.exists() and target.stat().st_size >= want and target.stat().st_mtime >= source.stat().st_mtime:
        return
    log(f"making {target.name} ({human(want)}, untimed)")
    tmp = target.with_suffix(".tmp")
    shutil.copy(source, tmp)
    rows = max(1, (want - source.stat().st_size) // (1 << 20))
    subprocess.run(["sqlite3", str(tmp),
                    "CREATE TABLE bench_padding(id INTEGER PRIMARY KEY, data BLOB);"
                    f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) "
                    "INSERT INTO bench_padding SELECT i, randomblob(1048576) FROM n;"], check=True)
    tmp.rename(target)


def main():
    parser = argparse.ArgumentParser(description="The browser reader's benchmark")
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    parser.add_argument("--sitepack", default=str(ROOT / "build/sitepack"))
    parser.add_argument("--reader", default=str(ROOT / "build/sitepack-reader"))
    parser.add_argument("--bundle", default=str(OUT / "bundles/10000-posts-noimg.sitepack"),
                        help="the hosted 10,000-post bundle (run_reader_bench.py or run_builder_bench.py makes it)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big-gib", type=float, default=1.0)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--only", default="size,startup,bytes,memory",
                        help="comma-separated parts to run (size, startup, bytes, memory); a partial run never writes RESULTS.md")
    args = parser.parse_args()

    dist = Path(args.dist)
    web = dist / "web"
    bundle = Path(args.bundle)
    missing = [str(p) for p in (web / "index.html", web / "sitepack-ui.wasm", bundle, Path(args.reader),
                                ROOT / "tests/browser/node_modules/playwright-core", Path("/usr/bin/chromium"))
               if not p.exists()]
    if missing:
        sys.exit("run_web_bench.py: missing: " + ", ".join(missing) +
                 "\n(scripts/build-web.sh && scripts/package-web.sh; tests/browser/run.sh installs playwright-core; "
                 "bench/run_reader_bench.py makes the 10,000-post bundle)")
    WORK.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    load_start = os.getloadavg()[0]
    rows = []

    parts = set(args.only.split(","))
    if parts - {"size", "startup", "bytes", "memory"}:
        sys.exit("run_web_bench.py: --only takes size, startup, bytes, memory")
    if parts != {"size", "startup", "bytes", "memory"} or args.skip_big:
        args.no_write = True

    # 1. Size.
    if "size" in parts:
        sizes = {name: ((web / name).stat().st_size, gzip9(web / name)) for name in SHIPPED}
        raw_total = sum(r for r, _ in sizes.values())
        gz_total = sum(g for _, g in sizes.values())
        peer_raw = PEER_WASM + PEER_JS
        single = dist / "sitepack-reader.html"
        log(f"size: {human(gz_total)} gzip -9 ({human(raw_total)} raw); peer {human(peer_raw)} raw")
        rows.append(("1. download size, gzip -9 (wasm + js + html + css + manifest) vs kiwix-js libzim wasm + js **raw** as published",
                     human(gz_total), human(peer_raw), f"{gz_total / peer_raw:.2f}", "≤ 700 KB",
                     "PASS" if gz_total <= GOAL_GZIP else "FAIL"))
        rows.append(("   the same, raw vs raw", human(raw_total), human(peer_raw), f"{raw_total / peer_raw:.2f}", "(reference)", "—"))
        for name in SHIPPED:
            raw, gz = sizes[name]
            if gz > 10 * 1024:
                rows.append((f"   of which `{name}`, gzip -9 (raw)", f"{human(gz)} ({human(raw)})", "—", "—", "", ""))
        rows.append(("   single file `sitepack-reader.html`, raw; gzip -9", f"{human(single.stat().st_size)}; {human(gzip9(single))}",
                     "—", "—", "(reference)", "—"))

    server = Server(web, bundle.parent, WORK / "requests.jsonl")
    try:
        url = f"{server.url}index.html?bundle=bundles/{bundle.name}"
        # 2. Start-up, web then native, same run.
        if "startup" in parts:
            log(f"start-up in Chromium, {args.runs} cold + warm visits in a running browser")
            web_times = driver({"kind": "startup", "url": url, "runs": args.runs, "browserRunning": True})
            log(f"start-up of the native reader, {args.runs} runs")
            native, xvfb, native_cpu = native_startup(args.reader, str(bundle), args.runs)
            native_net = native - xvfb
            runs_fresh = max(1, min(args.runs, 3))
            log(f"start-up in Chromium, {runs_fresh} cold visits in a browser just started")
            fresh_times = driver({"kind": "startup", "url": url, "runs": runs_fresh, "browserRunning": False})
            cold, warm = statistics.median(web_times["cold"]), statistics.median(web_times["warm"])
            for label, value in (("cold (first visit: fresh profile, no cache, no service worker; the browser running)", cold),
                                 ("warm (second visit, service worker)", warm)):
                rows.append((f"2. navigation → home page drawn, {label}, median of {args.runs}; vs native reader start-up minus xvfb-run",
                             ms(value), ms(native_net), f"{value / native_net:.2f}", "< 2", "PASS" if value < 2 * native_net else "FAIL"))
            rows.append(("   native: whole `xvfb-run … sitepack-reader --script`; `xvfb-run true` alone", ms(native), ms(xvfb), "—",
                         "(reference)", "—"))
            rows.append(("   web, every run: cold; warm", ", ".join(ms(v) for v in web_times["cold"]),
                         ", ".join(ms(v) for v in web_times["warm"]), "—", "", ""))
            fresh_cold = statistics.median(fresh_times["cold"])
            rows.append((f"   cold in a browser just started (its GPU process and SwiftShader start with this page), median of "
                         f"{runs_fresh} (every run: {', '.join(ms(v) for v in fresh_times['cold'])})",
                         ms(fresh_cold), ms(native_net), f"{fresh_cold / native_net:.2f}", "(reference)", "—"))
            phase = {k: statistics.median(p[k] for p in web_times["phases"] if p.get(k) is not None)
                     for k in ("ui", "core", "source", "open", "shown", "ranges", "rangeMs")}
            rows.append(("   warm, where the time goes (medians, ms from navigation): UI module running; core running; "
                         "bundle source ready; bundle open (core); home page shown",
                         f"{phase['ui']:.0f}; {phase['core']:.0f}; {phase['source']:.0f}; {phase['open']:.0f}; {phase['shown']:.0f}",
                         "—", "—", "", ""))
            # Whether the start is bound by this machine's two cores: the
            # browser's processes (page, Worker, V8's compiler threads, GPU
            # process, browser) against the native reader's process, whose
            # OpenGL is Mesa's software renderer in that process. xvfb-run
            # never waits for the X server it kills, so the server's own time
            # is not in the children's usage; xvfb-run's own is taken off.
            web_cpu = statistics.median(sum(p["cpu"].values()) for p in web_times["phases"])
            cores = statistics.median(p["cores"] for p in web_times["phases"])
            by_type = {kind: statistics.median(p["cpu"].get(kind, 0) for p in web_times["phases"])
                       for kind in ("renderer", "gpu-process", "browser", "utility")}
            rows.append(("   warm, CPU time of all of Chromium's processes from navigation to the home page (median), and how "
                         f"many of this machine's {os.cpu_count()} cores that kept busy (of it: the page's process with its "
                         f"Worker and V8's compiler threads {ms(by_type['renderer'])}, the GPU process {ms(by_type['gpu-process'])}, "
                         f"the browser {ms(by_type['browser'])}, its utilities {ms(by_type['utility'])}); vs the native "
                         "reader's CPU time (its process, drawing with Mesa's software OpenGL; the X server's not counted; "
                         "less `xvfb-run true`'s)",
                         f"{ms(web_cpu)}; {cores:.2f} cores", ms(native_cpu),
                         f"{web_cpu / native_cpu:.1f}" if native_cpu > 0 else "—", "(reference)", "—"))
            rows.append(("   warm, the Worker's synchronous range requests until the home page is idle (median): how many; "
                         "time spent waiting for them (local server on this loaded machine)",
                         f"{phase['ranges']:.0f}; {phase['rangeMs']:.0f} ms", "—", "—", "", ""))
            # The same visits with V8's optimising compiler kept out of the
            # way, a switch no page can set: V8 recompiles hot wasm functions
            # in the background (SQLite's interpreter and parser, a few
            # hundred ms each), and on a machine with two cores that work
            # competes with the page, the GPU process and the Worker. These
            # rows tell how much of the start-up it costs on this machine.
            log(f"start-up in Chromium with V8's optimising tier off, {runs_fresh} cold + warm visits in a running browser")
            untiered = driver({"kind": "startup", "url": url, "runs": runs_fresh, "browserRunning": True,
                               "jsFlags": f"--wasm-tiering-budget={NO_TIER_UP_BUDGET}"})
            for key in ("cold", "warm"):
                value = statistics.median(untiered[key])
                rows.append((f"   {key}, V8 never recompiling wasm with its optimising tier (`--js-flags=--wasm-tiering-budget="
                             f"{NO_TIER_UP_BUDGET}`, a diagnostic no page can set), median of {runs_fresh} "
                             f"(every run: {', '.join(ms(v) for v in untiered[key])})",
                             ms(value), ms(native_net), f"{value / native_net:.2f}", "(reference)", "—"))
            # The same on a slow link: every answer waits SLOW_LINK_MS, as on a
            # mobile or satellite connection, where the number of requests
            # made one after the other decides the wait.
            slow = Server(web, bundle.parent, WORK / "requests-slow.jsonl", latency_ms=SLOW_LINK_MS)
            try:
                runs = max(1, min(args.runs, 3))
                log(f"start-up in Chromium with {SLOW_LINK_MS} ms per answer, {runs} cold + warm visits")
                slow_times = driver({"kind": "startup", "url": f"{slow.url}index.html?bundle=bundles/{bundle.name}", "runs": runs,
                                     "browserRunning": True})
            finally:
                slow.stop()
            for label, key in (("cold", "cold"), ("warm", "warm")):
                rows.append((f"   {label}, with {SLOW_LINK_MS} ms added to every answer of the server (a slow link), median of {runs} "
                             f"(every run: {', '.join(ms(v) for v in slow_times[key])})",
                             ms(statistics.median(slow_times[key])), "—", "—", "(reference)", "—"))

        # 3. Bytes fetched: each query in a fresh profile (nothing cached).
        if "bytes" in parts:
            size = bundle.stat().st_size
            for query, kind in SEARCH_QUERIES:
                log(f"bytes fetched to open and search {query!r}")
                server_log_start = len(server.requests())
                fetched = driver({"kind": "bytes", "url": url, "query": query})
                bundle_requests = [r for r in server.requests()[server_log_start:] if r["path"].startswith("/bundles/")]
                open_bytes = sum(r["bytes"] for r in fetched["afterOpen"]["requests"])
                total_bytes = sum(r["bytes"] for r in fetched["afterSearch"]["requests"])
                served = sum(r["bytes"] for r in bundle_requests)
                search_bytes = total_bytes - open_bytes
                core_open = fetched["afterOpen"]["coreBytesRead"] or 0
                core_total = fetched["afterSearch"]["coreBytesRead"] or 0
                rows.append((f"3. fetched to open the home page of the {human(size)} bundle (SQLite asked for {human(core_open)}; "
                             f"{len(fetched['afterOpen']['requests'])} requests)",
                             f"{human(open_bytes)} ({100 * open_bytes / size:.2f}%)", "—", "—", "", ""))
                rows.append((f"3. … then one search, \"{query}\" ({kind}, {fetched['hits']} hits; SQLite asked for "
                             f"{human(core_total - core_open)})",
                             f"{human(search_bytes)} ({100 * search_bytes / size:.2f}%)", "—", "—", "", ""))
                rows.append((f"3. open + \"{query}\" together (the server's log: {human(served)} in {len(bundle_requests)} requests)",
                             f"{human(total_bytes)} ({100 * total_bytes / size:.2f}%)", "—", "—", "< 1%",
                             "PASS" if total_bytes < size / 100 else "FAIL"))
    finally:
        server.stop()

    # 4. Memory with a 1 GB bundle.
    if "memory" in parts and not args.skip_big:
        big = WORK / f"padded-{args.big_gib:g}gib.sitepack"
        padded_bundle(bundle, big, args.big_gib)
        log(f"memory with {human(big.stat().st_size)} and {human(bundle.stat().st_size)} bundles picked")
        server = Server(web, bundle.parent, WORK / "requests-memory.jsonl")
        try:
            memory = driver({"kind": "memory", "url": server.url, "bundles": {"small": str(bundle), "big": str(big)}})
        finally:
            server.stop()
        small, large = memory["small"], memory["big"]
        rows.append((f"4. core's wasm memory (Worker), {human(big.stat().st_size)} bundle picked vs the {human(bundle.stat().st_size)} one",
                     human(large["wasmMemory"]), human(small["wasmMemory"]), f"{large['wasmMemory'] / small['wasmMemory']:.2f}",
                     "flat (≈ 1)", "PASS" if large["wasmMemory"] <= small["wasmMemory"] * 1.25 else "FAIL"))
        grow_big = large["rssAfter"] - large["rssBefore"]
        grow_small = small["rssAfter"] - small["rssBefore"]
        rows.append(("4. renderer process RSS (page + Worker) after opening, big vs small; growth from before opening",
                     f"{human(large['rssAfter'])} (+{human(max(0, grow_big))})",
                     f"{human(small['rssAfter'])} (+{human(max(0, grow_small))})",
                     f"{large['rssAfter'] / small['rssAfter']:.2f}", "flat (≈ 1)",
                     "PASS" if large["rssAfter"] <= small["rssAfter"] * 1.25 else "FAIL"))
        rows.append(("   bytes read from the picked file to open it, big vs small", human(large["bytesRead"]), human(small["bytesRead"]),
                     "—", "(reference)", "—"))

    elapsed = time.monotonic() - began
    table = ["| what | sitepack web reader | peer / reference | ratio | goal | verdict |", "|---|---|---|---|---|---|"]
    table += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    failed = [row[0] for row in rows if row[5] == "FAIL"]
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"
    chromium_version = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), "?")
    section = [
        MARK_START,
        "## Browser reader: size, start-up, bytes fetched, memory",
        "",
        f"Written by `bench/run_web_bench.py` on {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; every figure comes from that one run.",
        "",
        "- command: `python3 bench/run_web_bench.py" + "".join(" " + a for a in sys.argv[1:]) + "`",
        f"- machine: {os.cpu_count()} cores, {cpu}; load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
        f"{chromium_version} headless, WebGL2 through SwiftShader (software); source `{commit}` (the wasm modules as "
        f"found in `{dist.relative_to(ROOT) if dist.is_relative_to(ROOT) else dist}/web`, built by scripts/build-web.sh)",
        f"- hosted bundle: `{bundle.relative_to(ROOT) if bundle.is_relative_to(ROOT) else bundle}` ({human(bundle.stat().st_size)}), "
        "served by `tests/browser/serve.py` (HTTP Range) on 127.0.0.1",
        "- the size peer: kiwix-js's libzim WASM build as published (2,184,660 B wasm + 136,633 B JS, uncompressed; not "
        "measured here, it cannot be fetched from this machine), so row 1's ratio compares our gzip -9 bytes with their raw bytes",
        "- start-up: Playwright's navigation to `index.html?bundle=…` until the first animation frame in which the reader shows "
        "the home page with nothing pending (`_sitepack_ui_idle()`); the browser's own start is not counted. Native: "
        "bench/run_reader_bench.py's method, minus `xvfb-run true`",
        "- bytes fetched: the Worker's log of its HTTP requests (bodies received) for the bundle, checked against the server's log; "
        "4 KB blocks (the bundle's page size) with read-ahead on consecutive reads; SQLite's own reads "
        "(`_sitepack_core_bytes_read`) are given beside them",
        "- memory: picked-file mode (the File read by slices in the Worker); the 1 GB bundle is the 10,000-post one grown by a "
        "table of random blobs the reader never reads (`bench_padding`)",
        f"- run time: {elapsed / 60:.1f} min",
        "",
    ] + table + ["", ("Missed goals: " + "; ".join(failed)) if failed else "Every goal met in this run.", MARK_END]
    text = "\n".join(section)
    print(text)
    if not args.no_write:
        old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
        if MARK_START in old and MARK_END in old:
            new = old[: old.index(MARK_START)] + text + old[old.index(MARK_END) + len(MARK_END):]
        else:
            new = old.rstrip("\n") + "\n\n" + text + "\n"
        RESULTS.write_text(new)
        log(f"wrote {RESULTS.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
