// Picked and dropped bundles ("any bundle"): the hosted reader with no bundle
// configured, and a file from the reader's own device.
'use strict';

const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib');

let server, context;
before(async () => {
  lib.requirePrerequisites();
  server = await lib.serve({root: path.join(lib.DIST, 'web')});
  context = await lib.launch();
});
after(async () => {
  if (context) await context.closeAll();
  if (server) await server.stop();
});

async function chooserPage() {
  const page = await context.newPage();
  lib.watchConsole(page);
  await page.goto(server.url);
  await page.waitForSelector('#chooser:not([hidden])', {timeout: 60000});
  return page;
}

test('picked: a bundle chosen with the file input opens and reads', async () => {
  const page = await chooserPage();
  await lib.screenshot(page, 'picked-chooser');
  await page.setInputFiles('#file-input', path.join(lib.FIXTURES, 'lfnkr.sitepack'));
  let state = await lib.waitForDump(page, (d) => d.bundle_state === 'open' && d.url, 'the picked bundle\'s home page');
  assert.ok(await page.locator('#shell').isHidden());
  await lib.act(page, 'sitepack_ui_navigate', lib.POST);
  state = await lib.waitForDump(page, (d) => lib.pagePath(d.url) === lib.pagePath(lib.POST), 'a post of the picked bundle');
  await lib.settle(page);
  assert.equal(await lib.hashPath(page), lib.pagePath(lib.POST));
  assert.ok(lib.imageStats(await lib.screenshot(page, 'picked-post')).darkShare > 0.005);
  assert.equal(await page.locator('#offline-state').textContent(), 'Read from this device');
  // The bundle never went over the network.
  const bundleRequests = context.requestLog.filter((r) => r.url.includes('.sitepack'));
  assert.deepEqual(bundleRequests, []);
  await page.close();
});

test('picked: a bundle dropped on the page opens', async () => {
  const page = await chooserPage();
  const bytes = fs.readFileSync(path.join(lib.FIXTURES, 'lfnkr.sitepack')).toString('base64');
  // A real DataTransfer carrying a File, dispatched as the browser does.
  const transfer = await page.evaluateHandle((b64) => {
    const raw = atob(b64);
    const data = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) data[i] = raw.charCodeAt(i);
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'dropped.sitepack', {type: 'application/octet-stream'}));
    return dt;
  }, bytes);
  await page.dispatchEvent('#drop-zone', 'dragenter', {dataTransfer: transfer});
  assert.ok(await page.locator('#drop-overlay').isVisible(), 'no drop indication');
  await page.dispatchEvent('#drop-zone', 'drop', {dataTransfer: transfer});
  const state = await lib.waitForDump(page, (d) => d.bundle_state === 'open' && d.url, 'the dropped bundle\'s home page');
  assert.match(state.bundle, /dropped\.sitepack/);
  assert.ok(await page.locator('#drop-overlay').isHidden());
  assert.ok(lib.imageStats(await lib.screenshot(page, 'dropped-home')).darkShare > 0.005);
  await page.close();
});

test('picked: damaged bundles give a clear message, not a blank page', async () => {
  const expectations = {
    'truncated.sitepack': /truncated|damaged|incomplete|malformed|not a sitepack|cannot|corrupt/i,
    'empty.sitepack': /empty/i,
    'notes.sitepack': /not a sitepack bundle/i,
    'newer.sitepack': /version 99|update/i,
  };
  const page = await chooserPage();
  for (const [name, pattern] of Object.entries(expectations)) {
    await page.setInputFiles('#file-input', path.join(lib.FIXTURES, 'damaged', name));
    const state = await lib.waitForDump(page, (d) => d.bundle_state === 'failed' && d.bundle.includes(name), name + ' refused');
    await page.waitForSelector('#shell-error:not([hidden])', {timeout: 10000});
    const message = await page.locator('#shell-error').textContent();
    assert.match(message, pattern, `${name}: the message "${message}" (reader: "${state.bundle_error}")`);
    assert.ok(await page.locator('#chooser').isVisible(), name + ': no way to pick another bundle');
    const stats = lib.imageStats(await lib.screenshot(page, 'damaged-' + name.replace('.sitepack', '')));
    assert.ok(stats.darkShare > 0.002, name + ': the page looks blank');
  }
  // A bundle with one damaged page: the page says so, the others read.
  await page.setInputFiles('#file-input', path.join(lib.FIXTURES, 'damaged', 'damaged-page.sitepack'));
  await lib.waitForDump(page, (d) => d.bundle_state === 'open' && d.bundle.includes('damaged-page'), 'the bundle with a damaged page');
  await lib.act(page, 'sitepack_ui_navigate', lib.POST);
  const damaged = await lib.waitForDump(page, (d) => lib.pagePath(d.url) === lib.pagePath(lib.POST) && /damaged/i.test(d.title),
                                       'the reader saying the page is damaged');
  assert.ok(damaged.headings.some((h) => /damaged/i.test(h)), 'no heading says the page is damaged');
  assert.match(await page.locator('#mirror').textContent(), /damaged/i);
  await lib.screenshot(page, 'damaged-page');
  await lib.act(page, 'sitepack_ui_navigate', '/about/');
  await lib.waitForDump(page, (d) => lib.pagePath(d.url) === '/about', 'another page of the damaged bundle');
  await page.close();
});
