// Hosted mode: dist/web on a static server with Range support, the bundle
// beside it, as an NGO would put it online.
'use strict';

const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('./lib');

let server, context;
before(async () => {
  lib.requirePrerequisites();
  server = await lib.serve({root: path.join(lib.DIST, 'web'), mounts: {'/bundles/': lib.FIXTURES}});
  context = await lib.launch();
});
after(async () => {
  if (context) await context.closeAll();
  if (server) await server.stop();
});

const bundleUrl = () => server.url + 'index.html?bundle=bundles/lfnkr.sitepack';

// Every request the browser made (page, Worker, service worker) went to the
// reader's own origin.
function assertSameOrigin(log) {
  const origin = new URL(server.url).origin;
  const foreign = log.filter((r) => !r.url.startsWith(origin + '/') && !/^(data|blob):/.test(r.url));
  assert.deepEqual(foreign, [], 'requests left the origin');
}

test('hosted: open, search, open a result, follow a link, back, deep link reload; nothing leaves the origin', async () => {
  const page = await context.newPage();
  lib.watchConsole(page);
  await page.goto(bundleUrl());
  await lib.waitForUI(page);
  let state = await lib.waitForDump(page, (d) => d.bundle_state === 'open' && d.url, 'the home page');
  state = await lib.settle(page);
  assert.equal(state.screen, 'page');
  assert.ok(await page.locator('#shell').isHidden(), 'the loading panel still covers the reader');
  // The tab's title and the address follow the page.
  assert.ok((await page.title()).includes(state.title), `tab title "${await page.title()}" lacks "${state.title}"`);
  assert.equal(await lib.hashPath(page), lib.pagePath(state.url));
  // The DOM mirror holds the page's text for screen readers.
  const mirrorText = await page.locator('#mirror').textContent();
  assert.ok(mirrorText.includes(state.title), 'the DOM mirror lacks the page title');
  const home = await lib.screenshot(page, 'hosted-home');
  const homeStats = lib.imageStats(home);
  assert.ok(homeStats.colours > 8 && homeStats.darkShare > 0.005, 'the home page screenshot looks blank: ' + JSON.stringify(homeStats));

  // Follow a link of the home page to another bundle page (the DOM mirror
  // lists the page's links as the canvas shows them).
  const homeUrl = state.url;
  const links = await page.$$eval('#mirror a', (as) => as.map((a) => ({text: a.textContent, href: a.getAttribute('href')})));
  const inside = links.find((l) => l.href.startsWith('#/') && lib.pagePath(l.href) !== lib.pagePath(homeUrl) && l.text.trim());
  assert.ok(inside, 'the home page has no link to another bundle page: ' + JSON.stringify(links.slice(0, 10)));
  await lib.act(page, 'sitepack_ui_click_link', inside.text.trim());
  state = await lib.waitForDump(page, (d) => lib.pagePath(d.url) === lib.pagePath(inside.href), 'the linked page');
  await lib.settle(page);
  const linkedUrl = state.url;
  assert.equal(await lib.hashPath(page), lib.pagePath(linkedUrl));
  await lib.screenshot(page, 'hosted-linked');

  // Search, then open the first result.
  await lib.act(page, 'sitepack_ui_search', 'refugees');
  // The results page itself (its hits can be known a moment before it is
  // drawn: a page waits for the font faces it needs).
  state = await lib.waitForDump(page, (d) => d.url.startsWith('app:search/') && d.search.query === 'refugees' &&
                                             d.search.hits.length > 0, 'search results');
  assert.ok(state.search.total > 0);
  await lib.settle(page);
  const searchUrl = state.url;
  await lib.screenshot(page, 'hosted-search');
  const hit = state.search.hits[0];
  await lib.act(page, 'sitepack_ui_open_result', 1);
  state = await lib.waitForDump(page, (d) => lib.pagePath(d.url) === lib.pagePath(hit.url), 'the first result\'s page');
  await lib.settle(page);
  assert.equal(await lib.hashPath(page), lib.pagePath(hit.url));
  const resultUrl = state.url;

  // The browser's back button: the results, then the linked page.
  await page.goBack();
  state = await lib.waitForDump(page, (d) => d.url === searchUrl, 'the search results after Back');
  await page.goBack();
  state = await lib.waitForDump(page, (d) => d.url === linkedUrl, 'the linked page after a second Back');
  // Forward twice, faster than the reader answers the first: the reader ends
  // on the second page, and the browser's history keeps both entries (Back
  // from there gives the results again).
  await page.goForward();
  await page.goForward();
  state = await lib.waitForDump(page, (d) => d.url === resultUrl, 'the result page after two quick Forwards');
  await lib.settle(page);
  assert.equal(await lib.hashPath(page), lib.pagePath(resultUrl));
  await page.goBack();
  state = await lib.waitForDump(page, (d) => d.url === searchUrl, 'the search results after Back from the result');
  await page.goForward();
  state = await lib.waitForDump(page, (d) => d.url === resultUrl, 'the result page after Forward');
  // Reload: the deep link opens the same page.
  await page.reload();
  await lib.waitForUI(page);
  state = await lib.waitForDump(page, (d) => d.bundle_state === 'open' && d.url === resultUrl, 'the deep-linked page after reload');
  await lib.settle(page);
  const reloaded = await lib.screenshot(page, 'hosted-deeplink-reload');
  assert.ok(lib.imageStats(reloaded).darkShare > 0.005, 'the reloaded page looks blank');
  assert.ok((await page.title()).includes(state.title));

  // A shared link typed into a new tab.
  const shared = await context.newPage();
  lib.watchConsole(shared);
  await shared.goto(bundleUrl() + '#' + encodeURI(lib.POST));
  await lib.waitForUI(shared);
  state = await lib.waitForDump(shared, (d) => d.bundle_state === 'open' && lib.pagePath(d.url) === lib.pagePath(lib.POST), 'the shared link\'s page');
  await shared.close();

  // The reader read the bundle in parts, not whole.
  const stats = await page.evaluate(() => window.sitepackShell.requestWorkerStats());
  assert.ok(stats.requests.length > 0 && stats.requests.every((r) => r.status === 206), 'not all bundle reads were ranges');
  // The log sees the Worker's own requests too (the bundle's ranges).
  assert.ok(context.requestLog.some((r) => r.url.includes('/bundles/lfnkr.sitepack') && r.type === 'xhr'),
            'the request log misses the Worker\'s range requests');
  assertSameOrigin(context.requestLog);
  assertSameOrigin(stats.requests);
  assert.ok(!page.consoleLines.some((l) => /Content Security Policy|Refused to/.test(l)),
            'CSP violations:\n' + page.consoleLines.join('\n'));
  await page.close();
});

test('hosted: the browser keeps its own shortcuts; typed text reaches the reader through the hidden input', async () => {
  const page = await context.newPage();
  lib.watchConsole(page);
  await page.goto(bundleUrl());
  await lib.waitForUI(page);
  await lib.waitForDump(page, (d) => d.bundle_state === 'open', 'the bundle');
  // A listener registered after the shell's (like the GLFW emulation's) never
  // sees Ctrl+L or F5, but does see an ordinary key.
  const seen = await page.evaluate(() => {
    const keys = [];
    window.addEventListener('keydown', (e) => keys.push((e.ctrlKey ? 'Ctrl+' : '') + e.key), true);
    for (const init of [{key: 'l', ctrlKey: true}, {key: 'F5'}, {key: 't', ctrlKey: true}, {key: 'w', ctrlKey: true}, {key: 'j'}]) {
      window.dispatchEvent(new KeyboardEvent('keydown', Object.assign({bubbles: true, cancelable: true}, init)));
    }
    return keys;
  });
  assert.deepEqual(seen, ['j']);

  // A click in the reader's search box (top bar, left of Browse) gives the
  // focus to the hidden input; typed Latin letters arrive once, Korean text
  // committed by an input method arrives whole, Enter searches.
  await page.mouse.click(293, 22);
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'ime', null, {timeout: 10000});
  await page.keyboard.type('LFNKR');
  await page.keyboard.insertText(' 北朝鮮');
  await page.keyboard.press('Enter');
  const state = await lib.waitForDump(page, (d) => d.url.startsWith('app:search/') && d.search.query === 'LFNKR 北朝鮮',
                                     'a search for the typed text');
  assert.equal(state.search.query, 'LFNKR 北朝鮮');
  await lib.screenshot(page, 'hosted-typed-search');
  await page.close();
});

// A new tab on the bundle's page at `path` (its home page when none), once
// the reader shows it.
async function openTab(path) {
  const page = await context.newPage();
  lib.watchConsole(page);
  await page.goto(bundleUrl() + (path ? '#' + encodeURI(path) : ''));
  await lib.waitForUI(page);
  await lib.waitForDump(page, (d) => d.bundle_state === 'open' && d.url && (!path || lib.pagePath(d.url) === lib.pagePath(path)),
                        path || 'the home page');
  return page;
}

// The reader's Back is the browser's: after it, the browser's Forward
// returns to the page left (an extra history entry would leave nothing to
// go forward to), and the browser's Back then leaves the same way.
test('hosted: the reader\'s Back and the browser\'s Forward walk one history', async () => {
  const page = await openTab(lib.POST);
  const links = await page.$$eval('#mirror a', (as) => as.map((a) => ({text: a.textContent, href: a.getAttribute('href')})));
  const inside = links.find((l) => l.href.startsWith('#/') && lib.pagePath(l.href) !== lib.pagePath(lib.POST) && l.text.trim());
  assert.ok(inside, 'the post has no link to another bundle page');
  await lib.act(page, 'sitepack_ui_click_link', inside.text.trim());
  await lib.waitForDump(page, (d) => lib.pagePath(d.url) === lib.pagePath(inside.href), 'the linked page');
  await page.mouse.click(22, 22);  // the reader's Back arrow
  let state = await lib.waitForDump(page, (d) => lib.pagePath(d.url) === lib.pagePath(lib.POST), 'the post after the reader\'s Back');
  assert.equal(await lib.hashPath(page), lib.pagePath(lib.POST));
  assert.equal(state.history_index, 0, 'the reader\'s Back added a history entry');
  await page.goForward();
  state = await lib.waitForDump(page, (d) => lib.pagePath(d.url) === lib.pagePath(inside.href), 'the linked page after the browser\'s Forward');
  assert.equal(state.history_size, 2, 'the browser\'s Forward added a history entry');
  await page.goBack();
  state = await lib.waitForDump(page, (d) => lib.pagePath(d.url) === lib.pagePath(lib.POST), 'the post after the browser\'s Back');
  assert.equal(state.history_index, 0);
  await page.close();
});

// Escape closes the Contents menu, as it closes any menu: the next click
// in the search box then reaches it (with the menu open, a click outside
// only closes the menu).
test('hosted: Escape closes the Contents menu', async () => {
  const page = await openTab(lib.POST);
  await page.mouse.click(563, 22);  // Contents, in the 1280 x 800 window
  await lib.settle(page);
  await page.keyboard.press('Escape');
  await lib.settle(page);
  await page.mouse.click(293, 22);  // the search box
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'ime', null, {timeout: 5000})
    .catch(() => assert.fail('the click in the search box after Escape did not reach it (the Contents menu stayed open)'));
  await page.close();
});

// A click whose move, press and release reach the page at once (a tap on
// a touch screen, a quick click, Playwright's click) acts on the first try.
test('hosted: one quick click on a toolbar button acts at once', async () => {
  const page = await openTab();
  // "Dark", the toolbar's last button, in the 1280 x 800 window.
  await page.mouse.click(1249, 22);
  await lib.waitForDump(page, (d) => d.theme === 'dark', 'the dark theme after one click on Dark', 5000);
  // ...and the screen shows it whole, not the click's own frame (light
  // backgrounds with the dark theme's pale text).
  const dark = lib.imageStats(await lib.screenshot(page, 'hosted-dark'));
  assert.ok(dark.darkShare > 0.6, `the dark theme is on, but ${(100 * dark.darkShare).toFixed(0)}% of the screen is dark`);
  await page.mouse.click(1249, 22);
  await lib.waitForDump(page, (d) => d.theme === 'light', 'the light theme after a second click', 5000);
  const light = lib.imageStats(await lib.screenshot(page, 'hosted-light'));
  assert.ok(light.darkShare < 0.2, `the light theme is on, but ${(100 * light.darkShare).toFixed(0)}% of the screen is dark`);
  await page.close();
});

test('hosted: keeping the bundle for offline reading, then a visit with the server stopped', async () => {
  const page = await context.newPage();
  lib.watchConsole(page);
  await page.goto(bundleUrl());
  await lib.waitForUI(page);
  await lib.waitForDump(page, (d) => d.bundle_state === 'open', 'the bundle');
  await page.waitForFunction(() => navigator.serviceWorker.controller || navigator.serviceWorker.ready, null, {timeout: 20000});
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.locator('#offline-button').click();
  await page.waitForFunction(() => document.getElementById('offline-state').textContent === 'Available offline', null, {timeout: 60000});
  await page.close();

  const port = server.port;
  await server.stop();
  try {
    const offline = await context.newPage();
    lib.watchConsole(offline);
    await offline.goto(bundleUrl() + '#' + encodeURI(lib.POST));
    await lib.waitForUI(offline);
    const state = await lib.waitForDump(offline, (d) => d.bundle_state === 'open' && lib.pagePath(d.url) === lib.pagePath(lib.POST), 'the page, offline');
    assert.ok(state.title.length > 0);
    assert.equal(await offline.locator('#offline-state').textContent(), 'Available offline');
    const shot = await lib.screenshot(offline, 'hosted-offline');
    assert.ok(lib.imageStats(shot).darkShare > 0.005, 'the offline page looks blank');
    await offline.close();

    // A bundle that was not kept: the reader itself still opens (service
    // worker) and says why the bundle cannot be read.
    const notKept = await context.newPage();
    lib.watchConsole(notKept);
    await notKept.goto(server.url + 'index.html?bundle=bundles/damaged/newer.sitepack');
    await notKept.waitForSelector('#shell-error:not([hidden])', {timeout: 30000});
    assert.match(await notKept.locator('#shell-error').textContent(), /no connection.*not kept for offline reading/);
    await lib.screenshot(notKept, 'hosted-offline-not-kept');
    await notKept.close();
  } finally {
    server = await lib.serve({root: path.join(lib.DIST, 'web'), mounts: {'/bundles/': lib.FIXTURES}, port});
  }
});

test('hosted: a second visit reads the blocks kept from the first; a rebuilt bundle is read anew', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitepack-kept-'));
  const bundle = path.join(dir, 'site.sitepack');
  fs.copyFileSync(path.join(lib.FIXTURES, 'lfnkr.sitepack'), bundle);
  const site = await lib.serve({root: path.join(lib.DIST, 'web'), mounts: {'/kept/': dir}});
  const url = site.url + 'index.html?bundle=kept/site.sitepack#' + encodeURI(lib.POST);
  const bundleRequests = () => site.log().filter((r) => r.path.startsWith('/kept/')).length;
  const visit = async (wanted, what) => {
    const page = await context.newPage();
    lib.watchConsole(page);
    await page.goto(url);
    await lib.waitForUI(page);
    const state = await lib.waitForDump(page, (d) => d.bundle_state === 'open' && lib.pagePath(d.url) === lib.pagePath(lib.POST) &&
                                          wanted(d), what);
    const stats = await page.evaluate(() => window.sitepackShell.requestWorkerStats());
    state.requests = stats.requests;
    state.preparedFor = stats.preparedFor;
    await page.close();
    return state;
  };
  try {
    const first = await visit((d) => !/damaged/i.test(d.title), 'the page, first visit');
    const firstRequests = bundleRequests();
    const again = await visit((d) => !/damaged/i.test(d.title), 'the page, second visit');
    const againRequests = bundleRequests() - firstRequests;
    assert.equal(again.title, first.title);
    // The second visit asks only for the first blocks (is the kept copy of
    // this version of the bundle?): one request where the first made many.
    assert.ok(firstRequests >= 3, `the first visit made ${firstRequests} requests`);
    // The pages the builder listed as read first (the read_first table) came
    // in requests made together, before the bundle was opened.
    const ahead = first.requests.filter((r) => r.ahead);
    assert.ok(ahead.length >= 1 && ahead.every((r) => r.status === 206), JSON.stringify(first.requests));
    assert.equal(againRequests, 1, `the second visit made ${againRequests} requests`);
    // The Worker opened the bundle named in the address before the page
    // asked, and had the core answer the UI's first requests meanwhile.
    assert.equal(first.preparedFor, 'kept/site.sitepack');

    // The bundle is rebuilt under the same name, with this page damaged: the
    // reader must read the new file, not show the page from the kept blocks.
    fs.copyFileSync(path.join(lib.FIXTURES, 'damaged', 'damaged-page.sitepack'), bundle);
    const rebuilt = await visit((d) => /damaged/i.test(d.title), 'the rebuilt bundle saying the page is damaged');
    assert.ok(rebuilt.headings.some((h) => /damaged/i.test(h)), 'no heading says the page is damaged');
  } finally {
    await site.stop();
    fs.rmSync(dir, {recursive: true, force: true});
  }
});

test('hosted: a server without Range support: one download with a progress bar, then the reader works', async () => {
  const slow = await lib.serve({root: path.join(lib.DIST, 'web'), mounts: {'/bundles/': lib.FIXTURES}, noRange: true,
                                throttle: 100 * 1024});
  const other = await lib.launch();
  try {
    const page = await other.newPage();
    lib.watchConsole(page);
    await page.goto(slow.url + 'index.html?bundle=bundles/lfnkr.sitepack');
    await page.waitForFunction(() => /Downloading the bundle/.test(document.getElementById('progress-text').textContent) &&
                                     !document.getElementById('progress').hidden, null, {timeout: 30000});
    await lib.screenshot(page, 'no-range-progress');
    await lib.waitForUI(page);
    const state = await lib.waitForDump(page, (d) => d.bundle_state === 'open' && d.url, 'the home page');
    assert.ok(state.title.length > 0);
    const bundleRequests = slow.log().filter((r) => r.path.startsWith('/bundles/'));
    assert.equal(bundleRequests.length, 1, 'the bundle was fetched more than once: ' + JSON.stringify(bundleRequests));
    assert.equal(bundleRequests[0].status, 200);
  } finally {
    await other.closeAll();
    await slow.stop();
  }
});

test('hosted: a missing bundle and a damaged one give a message, not a blank page', async () => {
  const page = await context.newPage();
  lib.watchConsole(page);
  await page.goto(server.url + 'index.html?bundle=bundles/nowhere.sitepack');
  await page.waitForSelector('#shell-error:not([hidden])', {timeout: 30000});
  assert.match(await page.locator('#shell-error').textContent(), /nowhere\.sitepack.*404/);
  await lib.screenshot(page, 'hosted-missing');

  await page.goto(server.url + 'index.html?bundle=bundles/damaged/truncated.sitepack');
  await page.waitForSelector('#shell-error:not([hidden])', {timeout: 30000});
  const message = await page.locator('#shell-error').textContent();
  assert.ok(message.length > 10, 'the message is empty');
  const state = await lib.dump(page);
  assert.equal(state.bundle_state, 'failed');
  assert.ok(lib.imageStats(await lib.screenshot(page, 'hosted-truncated')).darkShare > 0.002);
  await page.close();
});

test('hosted: the bundle named in config.json opens with no ?bundle= in the address', async () => {
  // A copy of dist/web as an NGO would configure it.
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'sitepack-site-'));
  for (const name of fs.readdirSync(path.join(lib.DIST, 'web'))) fs.copyFileSync(path.join(lib.DIST, 'web', name), path.join(site, name));
  fs.writeFileSync(path.join(site, 'config.json'), JSON.stringify({bundle: 'bundles/lfnkr.sitepack', publishers: []}));
  const configured = await lib.serve({root: site, mounts: {'/bundles/': lib.FIXTURES}});
  const other = await lib.launch();
  try {
    const page = await other.newPage();
    lib.watchConsole(page);
    await page.goto(configured.url);
    await lib.waitForUI(page);
    const state = await lib.waitForDump(page, (d) => d.bundle_state === 'open' && d.url, 'the configured bundle\'s home page');
    assert.match(state.bundle, /lfnkr\.sitepack/);
    assert.ok(await page.locator('#chooser').isHidden(), 'the chooser shows although a bundle is configured');
  } finally {
    await other.closeAll();
    await configured.stop();
    fs.rmSync(site, {recursive: true, force: true});
  }
});

test('hosted: config.json pins the publisher: a signed bundle says it comes from a publisher the reader trusts', async () => {
  const publicKey = fs.readFileSync(path.join(lib.FIXTURES, 'publisher.pub'), 'utf8').trim();
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'sitepack-site-'));
  for (const name of fs.readdirSync(path.join(lib.DIST, 'web'))) fs.copyFileSync(path.join(lib.DIST, 'web', name), path.join(site, name));
  const other = await lib.launch();
  let configured = null;
  const infoPageText = async (pins) => {
    fs.writeFileSync(path.join(site, 'config.json'), JSON.stringify({bundle: 'bundles/signed.sitepack', publishers: pins}));
    const page = await other.newPage();
    lib.watchConsole(page);
    await page.goto(configured.url);
    await lib.waitForUI(page);
    await lib.waitForDump(page, (d) => d.bundle_state === 'open' && d.url, 'the signed bundle');
    await page.evaluate(() => window.sitepackShell.state.ui.ccall('sitepack_ui_navigate', null, ['string'], ['app:info']));
    // The screen-reader mirror holds the information page's text.
    await page.waitForFunction(() => /Signed/.test(document.getElementById('mirror').textContent), null, {timeout: 30000});
    const text = await page.locator('#mirror').textContent();
    await lib.screenshot(page, pins[0] === publicKey ? 'hosted-signed-pinned' : 'hosted-signed-unpinned');
    await page.close();
    return text;
  };
  try {
    configured = await lib.serve({root: site, mounts: {'/bundles/': lib.FIXTURES}});
    const pinned = await infoPageText([publicKey]);
    assert.match(pinned, /Browser Test Publisher/);
    assert.match(pinned, /publisher you trust/);
    // Pins that name another publisher's key: signed, but not by a key this reader trusts.
    const otherKey = 'sitepack-ed25519 ' + Buffer.alloc(32, 7).toString('base64') + ' Someone Else';
    const unpinned = await infoPageText([otherKey]);
    assert.match(unpinned, /key you have not pinned/);
  } finally {
    await other.closeAll();
    if (configured) await configured.stop();
    fs.rmSync(site, {recursive: true, force: true});
  }
});
