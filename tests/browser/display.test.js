// The reader as a web page: the canvas fills the window at any
// devicePixelRatio and follows resizes; copying (a mouse selection too)
// reaches the clipboard; the page's Content-Security-Policy holds with no
// violation; a WebGL2 that cannot prepare the drawing says so.
'use strict';

const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const lib = require('./lib');

let server;
before(async () => {
  lib.requirePrerequisites();
  server = await lib.serve({root: path.join(lib.DIST, 'web'), mounts: {'/bundles/': lib.FIXTURES}});
});
after(async () => { if (server) await server.stop(); });

// The offline controls sit in the status line's right end, which the
// reader leaves to them: none of the page's text (nor the status line's)
// lies under them, in a wide window or a narrow one.
async function assertBarInStatusLine(page, ratio) {
  const bar = await page.evaluate(() => {
    const element = document.getElementById('bar');
    const r = element.getBoundingClientRect();
    return {hidden: element.hidden, left: r.left, top: r.top, bottom: r.bottom, windowBottom: window.innerHeight};
  });
  assert.equal(bar.hidden, false, 'the offline controls are not shown');
  // The shell tells the reader the bar's width when it changes; the reader
  // draws the status line anew at its next frame.
  const d = await lib.waitForDump(page, (s) => s.status_line.text_right / ratio <= bar.left + 0.5,
                                  `the status line's text to stop left of the offline controls (x ${bar.left})`, 10000);
  const lineTop = d.status_line.top / ratio;
  assert.ok(bar.top >= lineTop - 0.5, `the offline controls (top ${bar.top}) reach above the status line (top ${lineTop}), over the page`);
  assert.ok(bar.bottom <= bar.windowBottom, `the offline controls (bottom ${bar.bottom}) go below the window (${bar.windowBottom})`);
}

for (const ratio of [1, 1.5, 2]) {
  test(`display: at devicePixelRatio ${ratio} the canvas has one pixel per device pixel and follows resizes`, async () => {
    const context = await lib.launch({deviceScaleFactor: ratio, viewport: {width: 1000, height: 700}});
    try {
      const page = await context.newPage();
      const lines = lib.watchConsole(page);
      await page.goto(server.url + 'index.html?bundle=bundles/lfnkr.sitepack#' + encodeURI(lib.POST));
      await lib.waitForUI(page);
      await lib.waitForDump(page, (d) => d.bundle_state === 'open' && lib.pagePath(d.url) === lib.pagePath(lib.POST), 'the post');
      await lib.settle(page);
      const size = () => page.evaluate(() => {
        const c = document.getElementById('canvas');
        const r = c.getBoundingClientRect();
        return {width: c.width, height: c.height, cssWidth: r.width, cssHeight: r.height,
                innerWidth: window.innerWidth, innerHeight: window.innerHeight, ratio: window.devicePixelRatio};
      });
      let s = await size();
      assert.equal(s.ratio, ratio);
      assert.equal(s.cssWidth, s.innerWidth, 'the canvas does not fill the window\'s width');
      assert.equal(s.cssHeight, s.innerHeight, 'the canvas does not fill the window\'s height');
      assert.ok(Math.abs(s.width - s.innerWidth * ratio) <= 1, `canvas ${s.width} px wide for ${s.innerWidth} CSS px at ${ratio}`);
      assert.ok(Math.abs(s.height - s.innerHeight * ratio) <= 1, `canvas ${s.height} px high for ${s.innerHeight} CSS px at ${ratio}`);
      await assertBarInStatusLine(page, ratio);
      const shot = await lib.screenshot(page, `display-dpr-${ratio}`);
      assert.ok(lib.imageStats(shot).darkShare > 0.005, 'the page looks blank');

      await page.setViewportSize({width: 700, height: 900});
      await page.waitForFunction((r) => Math.abs(document.getElementById('canvas').width - 700 * r) <= 1, ratio, {timeout: 10000});
      s = await size();
      assert.ok(Math.abs(s.height - 900 * ratio) <= 1, 'the canvas did not follow the resize');
      await lib.settle(page);
      await assertBarInStatusLine(page, ratio);
      await lib.screenshot(page, `display-dpr-${ratio}-resized`);
      assert.ok(!lines.some((l) => /Content Security Policy|Refused to/.test(l)), 'CSP violations:\n' + lines.join('\n'));
    } finally {
      await context.closeAll();
    }
  });
}

// Japanese and Korean text comes in CFF faces, Latin text in TrueType
// ones: each face is drawn by its own part of FreeType. A Japanese line in
// the toolbar and in a heading is as tall as a Latin one there, give or
// take the taller ideographs (about 1.25 times the Latin capitals).
test('display: Japanese text is drawn at the size of the Latin text around it, in the toolbar and in a heading', async () => {
  const context = await lib.launch();
  try {
    const page = await context.newPage();
    await page.goto(server.url + 'index.html?bundle=bundles/lfnkr.sitepack');
    await lib.waitForUI(page);
    await lib.waitForDump(page, (d) => d.bundle_state === 'open' && d.url, 'the home page');
    const lines = {};
    for (const [script, query] of [['latin', 'LFNKR'], ['japanese', '北朝鮮']]) {
      await lib.act(page, 'sitepack_ui_search', query);
      await lib.waitForDump(page, (d) => d.url.startsWith('app:search/') && d.search.query === query, 'the results for ' + query);
      await lib.settle(page);
      const image = lib.decodePng(await lib.screenshot(page, 'display-search-' + script));
      // The search box (the query) and the results' heading ("Search: ...")
      // at 1280 x 800 CSS pixels.
      lines[script] = {'search box': lib.firstInkLine(image, {left: 140, top: 4, right: 450, bottom: 40}),
                       heading: lib.firstInkLine(image, {left: 0, top: 50, right: 1200, bottom: 200})};
    }
    for (const where of ['search box', 'heading']) {
      const latin = lines.latin[where], japanese = lines.japanese[where];
      assert.ok(latin && japanese, `no text found in the ${where}: ${JSON.stringify(lines)}`);
      const ratio = japanese.height / latin.height;
      assert.ok(ratio >= 0.95 && ratio <= 1.5,
                `in the ${where} the Japanese line is ${japanese.height} px high, the Latin one ${latin.height} px (${ratio.toFixed(2)} times)`);
    }
  } finally {
    await context.closeAll();
  }
});

test('display: a WebGL2 that cannot link the reader\'s shaders gives a message, not a blank page', async () => {
  // The shell answers "linked" while the reader starts and checks for real
  // once the first page is shown (web/app.js, deferShaderChecks). A driver
  // that fails to link is stood in for by this page's WebGL2 saying so.
  const context = await lib.launch();
  try {
    await context.addInitScript(() => {
      const proto = WebGL2RenderingContext.prototype;
      const realStatus = proto.getProgramParameter;
      proto.getProgramParameter = function (program, name) {
        return name === 0x8B82 /* LINK_STATUS */ ? false : realStatus.call(this, program, name);
      };
      proto.getProgramInfoLog = () => 'simulated driver failure';
    });
    const page = await context.newPage();
    lib.watchConsole(page);
    await page.goto(server.url + 'index.html?bundle=bundles/lfnkr.sitepack');
    await page.waitForSelector('#shell-error:not([hidden])', {timeout: 60000});
    assert.match(await page.locator('#shell-error').textContent(), /WebGL2 cannot prepare the reader's drawing \(simulated driver failure\)/);
    await lib.screenshot(page, 'display-shaders-fail');
  } finally {
    await context.closeAll();
  }
});

test('display: text the reader copies reaches the system clipboard', async () => {
  const context = await lib.launch();
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: new URL(server.url).origin});
    const page = await context.newPage();
    await page.goto(server.url + 'index.html?bundle=bundles/lfnkr.sitepack');
    await lib.waitForUI(page);
    await lib.waitForDump(page, (d) => d.bundle_state === 'open', 'the bundle');
    await page.evaluate(() => window.sitepackShell.state.ui.sitepackCopyText('北朝鮮難民救援基金 https://example.org/'));
    await page.waitForFunction(() => window.sitepackShell.events.some((e) => e.what === 'copy'), null, {timeout: 5000});
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '北朝鮮難民救援基金 https://example.org/');
  } finally {
    await context.closeAll();
  }
});

test('display: text dragged over with the mouse is selected, and Ctrl+C copies it', async () => {
  // At devicePixelRatio 1.5: the reader works in device pixels, the mouse in CSS pixels.
  const context = await lib.launch({deviceScaleFactor: 1.5, viewport: {width: 1000, height: 700}});
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: new URL(server.url).origin});
    const page = await context.newPage();
    await page.goto(server.url + 'index.html?bundle=bundles/lfnkr.sitepack#' + encodeURI(lib.POST));
    await lib.waitForUI(page);
    await lib.waitForDump(page, (d) => d.bundle_state === 'open' && lib.pagePath(d.url) === lib.pagePath(lib.POST), 'the post');
    await lib.settle(page);
    const phrase = 'the Chinese government forcibly repatriated approximately 600 North Korean defectors';
    const span = JSON.parse(await page.evaluate(
      (p) => window.sitepackShell.state.ui.ccall('sitepack_ui_selection_span', 'string', ['string'], [p]), phrase));
    assert.ok(!span.error, 'the phrase is not on screen: ' + span.error);
    await page.mouse.move(span.from[0], span.from[1]);
    await page.mouse.down();
    await page.mouse.move(span.to[0], span.to[1], {steps: 8});
    await page.mouse.up();
    await lib.waitForDump(page, (d) => d.selection === phrase, 'the phrase selected by the drag');
    await lib.settle(page);
    await lib.screenshot(page, 'display-selection');
    await page.keyboard.press('Control+c');
    await page.waitForFunction(() => window.sitepackShell.events.some((e) => e.what === 'copy'), null, {timeout: 5000});
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), phrase);
  } finally {
    await context.closeAll();
  }
});
