// lib.js: what the browser tests share: Debian's Chromium through
// playwright-core, the test static server (serve.py), and the reader's
// automation exports (wasm/CONTRACT.md: _sitepack_ui_dump, _sitepack_ui_idle,
// _sitepack_ui_search...).
'use strict';

const {spawn} = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const assert = require('node:assert/strict');
const {chromium} = require('playwright-core');

const ROOT = path.resolve(__dirname, '../..');
const DIST = process.env.SITEPACK_DIST || path.join(ROOT, 'dist');
const FIXTURES = process.env.SITEPACK_BROWSER_FIXTURES;
const ARTIFACTS = process.env.SITEPACK_BROWSER_ARTIFACTS || path.join(os.tmpdir(), 'sitepack-browser-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const POST = '/2023/10/21/open-letter-to-xi-jinping/';

function requirePrerequisites() {
  const missing = [];
  if (!fs.existsSync(path.join(DIST, 'web/index.html'))) missing.push(`${DIST}/web (run scripts/build-web.sh && scripts/package-web.sh)`);
  if (!fs.existsSync(path.join(DIST, 'sitepack-reader.html'))) missing.push(`${DIST}/sitepack-reader.html (scripts/package-web.sh)`);
  if (!FIXTURES || !fs.existsSync(path.join(FIXTURES, 'lfnkr.sitepack'))) missing.push('the fixtures (run the tests through tests/browser/run.sh)');
  if (!fs.existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install chromium; scripts/deps.sh does)`);
  if (missing.length) throw new Error('browser tests cannot run; missing:\n  ' + missing.join('\n  '));
  fs.mkdirSync(ARTIFACTS, {recursive: true});
}

// The flags of /work/shared/TOOLCHAIN.md: WebGL2 through SwiftShader, and
// none of Chromium's own background traffic.
const CHROMIUM_FLAGS = [
  '--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps',
  '--disable-domain-reliability', '--disable-breakpad', '--metrics-recording-only', '--no-pings',
];

async function launch(options = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitepack-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS.concat(options.args || []),
    viewport: options.viewport || {width: 1280, height: 800},
    deviceScaleFactor: options.deviceScaleFactor || 1,
    serviceWorkers: 'allow',
  });
  context.requestLog = [];
  context.on('request', (request) => context.requestLog.push({url: request.url(), method: request.method(),
                                                              type: request.resourceType()}));
  context.closeAll = async () => {
    await context.close();
    fs.rmSync(userDataDir, {recursive: true, force: true});
  };
  return context;
}

// Starts serve.py; resolves with {url, stop, log()}.
function serve({root, mounts = {}, noRange = false, throttle = 0, port = 0}) {
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sitepack-serve-')), 'requests.jsonl');
  const args = [path.join(__dirname, 'serve.py'), '--root', root, '--port', String(port), '--log', logFile];
  for (const [prefix, folder] of Object.entries(mounts)) args.push('--mount', `${prefix}=${folder}`);
  if (noRange) args.push('--no-range');
  if (throttle) args.push('--throttle', String(throttle));
  const child = spawn('python3', args, {stdio: ['ignore', 'pipe', 'inherit']});
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({input: child.stdout});
    child.on('exit', (code) => reject(new Error('serve.py exited with ' + code)));
    lines.on('line', (line) => {
      const match = /^serving (\S+)/.exec(line);
      if (!match) return;
      resolve({
        url: match[1],
        port: Number(new URL(match[1]).port),
        log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map(JSON.parse) : []),
        clearLog: () => fs.writeFileSync(logFile, ''),
        stop: () => new Promise((done) => {
          if (child.exitCode !== null) { done(); return; }
          child.removeAllListeners('exit');
          child.on('exit', () => done());
          child.kill('SIGTERM');
        }),
      });
    });
  });
}

// Collects the page's console and errors, for failure messages.
function watchConsole(page) {
  const lines = [];
  page.on('console', (message) => lines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`[pageerror] ${error.message}`));
  page.consoleLines = lines;
  return lines;
}

// Waits until the UI module is running.
async function waitForUI(page, timeout = 60000) {
  await page.waitForFunction(() => window.sitepackShell && window.sitepackShell.state.ui, null, {timeout});
}

async function dump(page) {
  const text = await page.evaluate(() => window.sitepackShell.state.ui.ccall('sitepack_ui_dump', 'string', [], []));
  return JSON.parse(text);
}

// Waits until the reader has nothing pending, then returns its state.
async function settle(page, timeout = 30000) {
  await page.waitForFunction(() => {
    const ui = window.sitepackShell && window.sitepackShell.state.ui;
    return ui && ui._sitepack_ui_idle && ui._sitepack_ui_idle() === 1;
  }, null, {timeout, polling: 50});
  return dump(page);
}

async function waitForDump(page, predicate, what, timeout = 45000) {
  const deadline = Date.now() + timeout;
  let last = null;
  while (Date.now() < deadline) {
    try { last = await dump(page); } catch (e) { last = {error: String(e)}; }
    if (last && !last.error && predicate(last)) {
      // The reader takes the core's answers as they arrive and lays the page
      // out at the next frame: return the state once it is on screen (and
      // still what was waited for).
      try { last = await settle(page, Math.max(1000, deadline - Date.now())); } catch (e) { last = {error: String(e)}; }
      if (last && !last.error && predicate(last)) return last;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what}; the reader's state: ${JSON.stringify(last, null, 1)}\n` +
                  (page.consoleLines || []).slice(-30).join('\n'));
}

// Calls one of the UI's automation exports that return "" or why not.
async function act(page, name, ...args) {
  const refused = await page.evaluate(([n, a]) => window.sitepackShell.state.ui.ccall(
    n, 'string', a.map((v) => (typeof v === 'number' ? 'number' : 'string')), a), [name, args]);
  assert.equal(refused, '', `${name}(${args.join(', ')}) was refused: ${refused}`);
}

async function screenshot(page, name) {
  const file = path.join(ARTIFACTS, name + '.png');
  await page.screenshot({path: file});
  return file;
}

// Decodes a PNG screenshot (8-bit RGB or RGBA, as Chromium writes them):
// {width, height, channels, pixels}, the pixels row by row.
function decodePng(file) {
  const png = fs.readFileSync(file);
  let at = 8, width = 0, height = 0, channels = 0;
  const idat = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      assert.equal(body[8], 8, file + ': not an 8-bit PNG');
      channels = {2: 3, 6: 4}[body[9]];
      assert.ok(channels, file + ': colour type ' + body[9] + ' not handled');
    } else if (type === 'IDAT') {
      idat.push(body);
    }
    at += 12 + length;
  }
  const raw = require('node:zlib').inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      let value = line[x];
      if (filter === 1) value += a;
      else if (filter === 2) value += b;
      else if (filter === 3) value += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        value += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = value & 255;
    }
  }
  return {width, height, channels, pixels};
}

// "Ink": a dark pixel, as the light theme draws text (not its grey hints,
// borders or blue links).
function isInk(image, x, y) {
  const i = (y * image.width + x) * image.channels;
  return image.pixels[i] + image.pixels[i + 1] + image.pixels[i + 2] < 250;
}

// How many distinct colours and how much ink a screenshot has: a blank or
// single-colour page fails the checks that use this.
function imageStats(file) {
  const image = decodePng(file);
  const colours = new Set();
  let dark = 0, samples = 0;
  for (let i = 0; i < image.width * image.height; i += 3) {
    const at = i * image.channels;
    colours.add((image.pixels[at] >> 4) << 8 | (image.pixels[at + 1] >> 4) << 4 | (image.pixels[at + 2] >> 4));
    if (isInk(image, i % image.width, Math.floor(i / image.width))) dark++;
    samples++;
  }
  return {width: image.width, height: image.height, colours: colours.size, darkShare: dark / samples};
}

// The first run of rows with ink inside the box {left, top, right, bottom}
// (right and bottom excluded), as {top, bottom, height}: one line of text
// when the box starts above it. null when the box holds no ink.
function firstInkLine(image, box) {
  const rowHasInk = (y) => {
    for (let x = box.left; x < box.right; x++) if (isInk(image, x, y)) return true;
    return false;
  };
  let y = box.top;
  while (y < box.bottom && !rowHasInk(y)) y++;
  if (y === box.bottom) return null;
  const top = y;
  while (y < box.bottom && rowHasInk(y)) y++;
  return {top, bottom: y, height: y - top};
}

// A page's address as the reader's dump gives it ("https://site/a/b") or as
// the address bar's fragment holds it ("/a/b/"), reduced to its path
// without the trailing slash, for comparing the two.
function pagePath(url) {
  let text = String(url || '');
  if (text.startsWith('#')) text = decodeURI(text.slice(1));
  if (/^https?:/.test(text)) { const u = new URL(text); text = u.pathname + u.search; }
  return text.length > 1 ? text.replace(/\/$/, '') : text;
}
async function hashPath(page) {
  return pagePath(new URL(page.url()).hash);
}

module.exports = {
  pagePath, hashPath,
  ROOT, DIST, FIXTURES, ARTIFACTS, POST, requirePrerequisites, launch, serve, watchConsole, waitForUI, dump, settle,
  waitForDump, act, screenshot, decodePng, imageStats, firstInkLine,
};
