// test_js_source_vfs.mjs: the browser reader's core (the same C++ and the
// same SQLite VFS as in the Web Worker, linked for node) reads a real
// bundle through the JavaScript byte-source functions, and only the parts
// it needs.
//
//   node --no-experimental-fetch tests/wasm/test_js_source_vfs.mjs BUILD_WEB_DIR [BUNDLE]
//
// BUILD_WEB_DIR holds sitepack-core-node.js (scripts/build-web.sh); BUNDLE
// is a real bundle; without it the sample site is built into a temporary
// folder with the builder named by $SITEPACK. Exits non-zero with a message
// on the first failed check.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

let [buildDir, bundlePath] = process.argv.slice(2);
function fail(message) {
  console.error('FAIL: ' + message);
  process.exit(1);
}
if (!buildDir) fail('usage: test_js_source_vfs.mjs BUILD_WEB_DIR [BUNDLE]');
const work = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'vfs-test-'));
process.on('exit', () => fs.rmSync(work, {recursive: true, force: true}));
if (!bundlePath) {
  const builder = process.env.SITEPACK;
  if (!builder || !fs.existsSync(builder)) fail('no BUNDLE given and $SITEPACK (the builder) is not set or missing');
  const sample = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../samples/lfnkr');
  bundlePath = path.join(work, 'lfnkr-sample.sitepack');
  try {
    execFileSync(builder, ['build', sample, '-o', bundlePath], {stdio: ['ignore', 'ignore', 'pipe']});
  } catch (e) {
    fail(`${builder} build ${sample} failed: ${e.stderr || e.message}`);
  }
}
const corePath = path.resolve(buildDir, 'sitepack-core-node.js');
if (!fs.existsSync(corePath)) fail(corePath + ' is missing: run scripts/build-web.sh first');
if (!fs.existsSync(bundlePath)) fail(bundlePath + ' is missing: run scripts/sample.sh first');

const require = createRequire(import.meta.url);
const createSitepackCore = require(corePath);

// Byte sources as the Worker has them, over files, counting every read.
const sources = new Map();  // name -> {fd, size}
const reads = [];           // {name, offset, length}
let failReads = false;
function addSource(name, file) {
  sources.set(name, {fd: fs.openSync(file, 'r'), size: fs.statSync(file).size});
}

const responses = [];
const core = await createSitepackCore({
  sitepackCoreRespond: (text) => responses.push(JSON.parse(text)),
  sitepackSourceSize: (name) => (sources.has(name) ? sources.get(name).size : -1),
  sitepackSourceRead: (name, offset, length, dest) => {
    const source = sources.get(name);
    if (!source || failReads) return -1;
    reads.push({name, offset, length});
    const buffer = Buffer.alloc(length);
    const got = fs.readSync(source.fd, buffer, 0, length, offset);
    core.HEAPU8.set(buffer.subarray(0, got), dest);
    return got;
  },
  print: () => {},
  printErr: () => {},
});

let nextId = 1;
function ask(type, params = {}) {
  const id = nextId++;
  const before = responses.length;
  core.ccall('sitepack_core_handle', null, ['string'], [JSON.stringify({id, type, params})]);
  const mine = responses.slice(before).filter((r) => r.id === id && !r.partial);
  if (mine.length !== 1) fail(`${type}: expected one final response, got ${mine.length}`);
  return mine[0];
}
function bytesRead(name) {
  return reads.filter((r) => r.name === name).reduce((sum, r) => sum + r.length, 0);
}
let checks = 0;
function check(condition, message) {
  if (!condition) fail(message);
  checks++;
}

// 1. Open, read the first article, search, read fonts: all from the source,
//    and only a part of it.
const name = 'picked:' + path.basename(bundlePath);
addSource(name, bundlePath);
const size = sources.get(name).size;
const opened = ask('open_bundle', {path: name});
check(opened.ok, 'open failed: ' + opened.error_message);
check(opened.payload.page_count > 0, 'the bundle reports no pages');
const afterOpen = bytesRead(name);
const list = ask('list_pages', {offset: 0, limit: 1, by_date: true, kind: 'article'});
check(list.ok && list.payload.pages.length === 1, 'list_pages failed: ' + list.error_message);
const page = ask('page', {page_id: list.payload.pages[0].id});
check(page.ok, 'page failed: ' + page.error_message);
check(page.payload.verified === true, 'the page was not verified against its hash');
check(typeof page.payload.document === 'string' && page.payload.document.length > 0, 'the page has no document');
const title = list.payload.pages[0].title;
const word = (title.match(/[A-Za-z]{4,}/) || ['letter'])[0];
const search = ask('search', {query: word, offset: 0, limit: 10});
check(search.ok, 'search failed: ' + search.error_message);
check(search.payload.total > 0, `searching "${word}" (from the title "${title}") found nothing`);
const afterSearch = bytesRead(name);
const fonts = ask('fonts');
check(fonts.ok && Array.isArray(fonts.payload.fonts), 'fonts failed: ' + fonts.error_message);

// SQLite reads pages (and the 100-byte header), never the file at once.
const largest = Math.max(...reads.map((r) => r.length));
check(largest <= 65536, `one read asked for ${largest} bytes: the VFS must read page by page`);
check(afterOpen < size * 0.25, `opening read ${afterOpen} of ${size} bytes (want < 25%)`);
check(afterSearch < size * 0.5, `open + page + search read ${afterSearch} of ${size} bytes (want < 50%)`);
const counted = core._sitepack_core_bytes_read();
check(counted >= afterSearch, `the core counts ${counted} bytes read, the sources served ${bytesRead(name)}`);

// 2. A name the page does not know: a clear error naming it, no crash.
const missing = ask('open_bundle', {path: 'picked:nothing.sitepack'});
check(!missing.ok && missing.error_message.includes('nothing.sitepack'),
      'opening an unknown source: ' + JSON.stringify(missing));
// The bundle opened before stays open.
check(ask('bundle_info').ok, 'a failed open closed the open bundle');

// 3. A truncated copy (half the file): an error message, not a crash.
const truncated = path.join(work, 'half.sitepack');
fs.writeFileSync(truncated, fs.readFileSync(bundlePath).subarray(0, Math.floor(size / 2)));
addSource('picked:half.sitepack', truncated);
const half = ask('open_bundle', {path: 'picked:half.sitepack'});
if (half.ok) {
  // The header may be intact; reading everything must then fail cleanly.
  const verify = ask('verify');
  check(!verify.ok || verify.payload.problems.length > 0, 'a truncated bundle verified clean');
} else {
  check(half.error_message.includes('half.sitepack'), 'the truncated bundle error does not name it: ' + half.error_message);
}

// 4. Read errors from the source (a network drop): an I/O error naming the source.
ask('open_bundle', {path: name});
failReads = true;
const broken = ask('search', {query: 'zzzz' + word, offset: 0, limit: 10});
failReads = false;
check(broken.ok || broken.error_message.length > 0, 'a failing source gave neither results nor a message');

// 5. Answers prepared ahead (the Worker has the core answer the UI's first
//    requests while the page is still starting the UI): the same requests
//    are then answered at once, without reading the bundle, with what a
//    core that had not prepared answers.
const firstAsked = (home, address) => [['open_bundle', {path: name}], ['fonts', {faces: ['regular', 'bold']}],
                                       ['page', {page_id: home}], ['page', {url_or_path: address}]];
const reopened = ask('open_bundle', {path: name});
const home = reopened.payload.home_page_id;
check(home > 0, 'the sample bundle has no home page');
const address = ask('page', {page_id: home}).payload.page.url;
const unprepared = firstAsked(home, address).map(([type, params]) => ask(type, params));
const answersBefore = responses.length;
core.ccall('sitepack_core_prepare', null, ['string', 'string'], [name, '']);
check(responses.length === answersBefore, 'preparing answered the page by itself');
const readsBefore = reads.length;
const prepared = firstAsked(home, address).map(([type, params]) => ask(type, params));
check(reads.length === readsBefore, `prepared answers read the bundle again (${reads.length - readsBefore} reads)`);
const withoutId = (answer) => JSON.stringify(Object.assign({}, answer, {id: 0}));
prepared.forEach((answer, i) => check(withoutId(answer) === withoutId(unprepared[i]),
                                      `the prepared answer to ${firstAsked(home, address)[i][0]} differs from the core's own`));
// An open the core did not prepare (other trusted keys) is opened anew.
const other = ask('open_bundle', {path: name, trusted_publishers: ['not-a-key']});
check(other.ok && reads.length > readsBefore, 'an open with other trusted publishers was answered from the prepared one');

console.log(`ok: ${checks} checks; open read ${afterOpen} B, open+page+search ${afterSearch} B of ${size} B ` +
            `(${(100 * afterSearch / size).toFixed(1)}%), largest read ${largest} B`);
