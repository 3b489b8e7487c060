// The single-file reader (dist/sitepack-reader.html) double-clicked from a
// USB stick: a file:// page, no server, no service worker.
'use strict';

const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {pathToFileURL} = require('node:url');
const lib = require('./lib');

let context, stick;
before(async () => {
  lib.requirePrerequisites();
  // The stick: the reader file and a bundle side by side, nothing else.
  stick = fs.mkdtempSync(path.join(os.tmpdir(), 'sitepack-stick-'));
  fs.copyFileSync(path.join(lib.DIST, 'sitepack-reader.html'), path.join(stick, 'sitepack-reader.html'));
  fs.copyFileSync(path.join(lib.FIXTURES, 'lfnkr.sitepack'), path.join(stick, 'lfnkr.sitepack'));
  context = await lib.launch();
});
after(async () => {
  if (context) await context.closeAll();
  if (stick) fs.rmSync(stick, {recursive: true, force: true});
});

test('single file from file://: pick the bundle, read, search; no request but the file itself', async () => {
  const page = await context.newPage();
  const lines = lib.watchConsole(page);
  await page.goto(pathToFileURL(path.join(stick, 'sitepack-reader.html')).href);
  await page.waitForSelector('#chooser:not([hidden])', {timeout: 60000});
  await lib.waitForUI(page);
  await page.setInputFiles('#file-input', path.join(stick, 'lfnkr.sitepack'));
  let state = await lib.waitForDump(page, (d) => d.bundle_state === 'open' && d.url, 'the home page from file://');
  await lib.settle(page);
  assert.ok(lib.imageStats(await lib.screenshot(page, 'single-file-home')).darkShare > 0.005);
  await lib.act(page, 'sitepack_ui_search', 'refugees');
  state = await lib.waitForDump(page, (d) => d.search.hits.length > 0, 'search results from file://');
  await lib.act(page, 'sitepack_ui_open_result', 1);
  state = await lib.waitForDump(page, (d) => d.url === state.search.hits[0].url, 'a result from file://');
  await lib.settle(page);
  await lib.screenshot(page, 'single-file-result');
  assert.ok(!lines.some((l) => /Content Security Policy|Refused/.test(l)), 'CSP violations:\n' + lines.join('\n'));
  const other = context.requestLog.filter((r) => !/^(file|blob|data):/.test(r.url));
  assert.deepEqual(other, [], 'the single file made network requests');
  await page.close();
});
