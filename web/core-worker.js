// core-worker.js: the reading core's Worker. Runs sitepack-core (SQLite,
// zstd) and gives it the bundle's bytes on demand (wasm/CONTRACT.md):
//   Module.sitepackSourceSize(name)                    -> bytes, or -1
//   Module.sitepackSourceRead(name, offset, len, dest) -> bytes copied, or -1
// A source is a File/Blob the reader picked or dropped (read by slices with
// FileReaderSync), a URL on the reader's own site (synchronous HTTP Range
// requests through a bounded block cache with read-ahead, or one download
// when the server ignores Range), or a copy kept in the Origin Private File
// System for offline reading. Nothing is ever read whole unless the server
// leaves no choice. Blocks fetched by range are also kept in the private file
// system, so a later visit reads them there instead of asking again.
'use strict';

/* global createSitepackCore, FileReaderSync */

// The cache's unit is a bundle's SQLite page (4 KB): the core's reads are
// mostly single pages scattered over the file, and a larger unit multiplied
// the bytes fetched (64 KB blocks: 2.6 MB instead of 0.4 MB to open the
// 10,000-post bundle, bench/run_web_bench.py). Runs of consecutive reads
// fetch further ahead, doubling up to READ_AHEAD_MAX blocks per request.
const BLOCK = 4 * 1024;
const CACHE_LIMIT = 12 * 1024 * 1024;    // bytes of blocks kept at most
const READ_AHEAD_MAX = 16;
// The first request (the probe) takes the file's first eight pages: SQLite's
// header and schema, then the root pages of the tables a reader opens with
// (docs/FORMAT.md: the builder puts them first), which would otherwise be
// five more requests in a row before anything is shown.
const HEAD_BYTES = 8 * BLOCK;
// At most this much of what the bundle says is read first is fetched ahead
// (the 10,000-post bundle's list is 280 KB); the list comes from the file.
const READ_FIRST_MAX_BYTES = 2 * 1024 * 1024;
const READ_FIRST_MAX_RANGES = 64;

const sources = new Map();               // name -> source
const stats = {
  requests: [],                          // every HTTP request: {url, range, status, bytes}
  bytesFetched: 0,
  bytesRead: 0,                          // bytes handed to the core
  reads: 0,
  cacheHits: 0,
  cacheMisses: 0,
  keptBlocksRead: 0,                     // blocks a range source found kept from an earlier visit
  keptBlocksWritten: 0,
  preparedFor: null,                     // the source whose first answers the core made before the page asked
};
let core = null;
// Before anything else: the page waits for this to make its WebGL2 context,
// which holds the page's thread (and so this Worker's start) for long.
self.postMessage({kind: 'started'});

function post(message) { self.postMessage(message); }

// ---- Block cache (least recently used first in the Map's order) -------------
const cache = new Map();                 // "name\u0000index" -> Uint8Array
let cacheBytes = 0;
function cacheGet(key) {
  const block = cache.get(key);
  if (block) { cache.delete(key); cache.set(key, block); }
  return block;
}
function cachePut(key, block) {
  if (cache.has(key)) { cacheBytes -= cache.get(key).length; cache.delete(key); }
  cache.set(key, block);
  cacheBytes += block.length;
  for (const [oldKey, oldBlock] of cache) {
    if (cacheBytes <= CACHE_LIMIT) break;
    cache.delete(oldKey);
    cacheBytes -= oldBlock.length;
  }
}
function cacheDrop(name) {
  for (const [key, block] of cache) {
    if (key.startsWith(name + '\u0000')) { cache.delete(key); cacheBytes -= block.length; }
  }
}

// ---- Sources ---------------------------------------------------------------------
function fileSource(file) {
  const reader = new FileReaderSync();
  return {
    kind: 'file',
    size: file.size,
    read(offset, length) {
      return new Uint8Array(reader.readAsArrayBuffer(file.slice(offset, offset + length)));
    },
  };
}

function memorySource(bytes) {
  return {kind: 'memory', size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length)};
}

function opfsSource(handle, size) {
  return {
    kind: 'opfs',
    size,
    read(offset, length) {
      const out = new Uint8Array(length);
      const got = handle.read(out, {at: offset});
      return got === length ? out : out.subarray(0, got);
    },
    close() { try { handle.close(); } catch (e) { /* already closed */ } },
    release() { this.close(); },
  };
}

// ---- Blocks kept from earlier visits -------------------------------------------
// Opening the 10,000-post bundle takes about 20 range requests one after the
// other (each waits for the answer before SQLite knows the next page), and a
// page is a few more: on a slow connection, seconds. Every block a range
// source fetches is therefore also written to a file in the origin's private
// file system, at slot `index` (SLOT bytes: the block, its length and its
// CRC-32). A slot never written, or left half-written when the browser
// stopped, fails its check and is fetched again; nothing read from the file
// reaches SQLite unchecked. The file holds one version of the bundle: the
// probe's first blocks, fetched on every visit, must equal the kept ones or
// the file is emptied (a rebuilt bundle differs there: SQLite's header counts
// pages and changes, and the metadata page names the build date).
const SLOT = BLOCK + 8;
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();
function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function blockStore(access) {
  let broken = false;
  // Storage full, or the handle taken away: reading goes on from the network.
  const fail = () => { broken = true; };
  return {
    get(index) {
      if (broken) return null;
      try {
        const slot = new Uint8Array(SLOT);
        if (access.read(slot, {at: index * SLOT}) !== SLOT) return null;
        const trailer = new DataView(slot.buffer, BLOCK);
        const length = trailer.getUint32(0, true);
        if (length < 1 || length > BLOCK) return null;
        const block = slot.subarray(0, length);
        return crc32(block) === trailer.getUint32(4, true) ? block.slice() : null;
      } catch (e) { fail(); return null; }
    },
    put(index, block) {
      if (broken) return;
      try {
        const slot = new Uint8Array(SLOT);
        slot.set(block);
        const trailer = new DataView(slot.buffer, BLOCK);
        trailer.setUint32(0, block.length, true);
        trailer.setUint32(4, crc32(block), true);
        access.write(slot, {at: index * SLOT});
        stats.keptBlocksWritten++;
      } catch (e) { fail(); }
    },
    // The kept file is of this version of the bundle when each of its first
    // blocks that it holds equals the one just fetched.
    keepOnlyIfSame(head) {
      for (let index = 0; index * BLOCK < head.length; index++) {
        const kept = this.get(index);
        const fresh = head.subarray(index * BLOCK, Math.min(head.length, (index + 1) * BLOCK));
        if (kept && (kept.length !== fresh.length || kept.some((byte, i) => byte !== fresh[i]))) {
          try { access.truncate(0); } catch (e) { fail(); }
          break;
        }
      }
      for (let index = 0; index * BLOCK < head.length; index++) {
        this.put(index, head.subarray(index * BLOCK, Math.min(head.length, (index + 1) * BLOCK)));
      }
    },
    close() { try { access.close(); } catch (e) { /* already closed */ } },
  };
}

async function openBlockStore(name) {
  if (!opfsSupported()) return null;
  try {
    const dir = await opfsDirectory();
    const file = await dir.getFileHandle(opfsFileName(name) + '.blocks', {create: true});
    return blockStore(await accessHandle(file));
  } catch (e) {
    return null;  // no private storage here, or another tab reads this bundle
  }
}
async function removeBlockStore(name) {
  try { await (await opfsDirectory()).removeEntry(opfsFileName(name) + '.blocks'); } catch (e) { /* none */ }
}

// Range reads over synchronous XMLHttpRequest: the core's reads are
// synchronous, and a Worker may block. `store` (or null) keeps the fetched
// blocks for later visits.
function rangeSource(name, url, size, keptIn) {
  let store = keptIn;
  let lastEnd = -1;
  let run = 1;
  function fetchBlocks(first, count) {
    const start = first * BLOCK;
    const end = Math.min(size, (first + count) * BLOCK) - 1;
    const started = performance.now();
    const xhr = new XMLHttpRequest();
    xhr.open('GET', url, false);
    xhr.responseType = 'arraybuffer';
    xhr.setRequestHeader('Range', 'bytes=' + start + '-' + end);
    xhr.send();
    const body = xhr.response ? new Uint8Array(xhr.response) : new Uint8Array(0);
    stats.requests.push({url, range: start + '-' + end, status: xhr.status, bytes: body.length,
                         ms: Math.round(performance.now() - started)});
    stats.bytesFetched += body.length;
    if (xhr.status !== 206 && !(xhr.status === 200 && start === 0 && body.length >= end + 1)) {
      throw new Error(url + ': HTTP ' + xhr.status + ' for bytes ' + start + '-' + end);
    }
    if (body.length < end - start + 1) throw new Error(url + ': short read at byte ' + start);
    keepBlocks(first, count, body);
  }
  // Fetched bytes, from block `first` on: in memory, and kept for later visits.
  function keepBlocks(first, count, body) {
    for (let i = 0; i < count; i++) {
      const from = i * BLOCK;
      if (from >= body.length) break;
      const block = body.slice(from, Math.min(body.length, from + BLOCK));
      cachePut(name + '\u0000' + (first + i), block);
      if (store) store.put(first + i, block);
    }
  }
  // A block from memory, or else from the kept file (then also in memory).
  function known(index) {
    const key = name + '\u0000' + index;
    let block = cacheGet(key);
    if (!block && store) {
      block = store.get(index);
      if (block) { stats.keptBlocksRead++; cachePut(key, block); }
    }
    return block;
  }
  // One range request made with fetch(): several run at once.
  async function fetchRun(first, count) {
    const start = first * BLOCK;
    const end = Math.min(size, (first + count) * BLOCK) - 1;
    const started = performance.now();
    const response = await fetch(url, {headers: {Range: 'bytes=' + start + '-' + end}, cache: 'no-store'});
    const body = new Uint8Array(await response.arrayBuffer());
    stats.requests.push({url, range: start + '-' + end, status: response.status, bytes: body.length,
                         ms: Math.round(performance.now() - started), ahead: true});
    stats.bytesFetched += body.length;
    const range = /^bytes (\d+)-(\d+)\//.exec(response.headers.get('Content-Range') || '');
    if (response.status !== 206 || !range || Number(range[1]) !== start || body.length !== end - start + 1) return;
    keepBlocks(first, count, body);
  }
  return {
    kind: 'range',
    size,
    close() { if (store) store.close(); },
    // The page goes away: its file of kept blocks is let go at once, for
    // the next page's Worker.
    release() { if (store) store.close(); store = null; },
    // Fetches the pages the builder found a reader reads to open the bundle
    // and show its home page ("2-9,23-85,601", the read_first table) all at
    // once, before SQLite asks for them one after the other: two round trips
    // to open instead of about twenty. Blocks already at hand are skipped. A
    // list that is not well formed, or larger than READ_FIRST_MAX_BYTES,
    // fetches nothing: reading then goes on as SQLite asks.
    async fetchReadFirst(text) {
      const header = known(0);
      if (!text || !header || header.length < 18) return;
      const rawPageSize = (header[16] << 8) | header[17];
      const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
      if (pageSize < 512 || (pageSize & (pageSize - 1))) return;
      const parts = String(text).split(',');
      if (parts.length > READ_FIRST_MAX_RANGES) return;
      const runs = [];
      let total = 0;
      for (const part of parts) {
        const match = /^(\d+)(?:-(\d+))?$/.exec(part);
        if (!match) return;
        const firstPage = Number(match[1]), lastPage = Number(match[2] || match[1]);
        if (firstPage < 1 || lastPage < firstPage || lastPage * pageSize > size) return;
        total += (lastPage - firstPage + 1) * pageSize;
        if (total > READ_FIRST_MAX_BYTES) return;
        const firstBlock = Math.floor((firstPage - 1) * pageSize / BLOCK);
        const lastBlock = Math.floor((lastPage * pageSize - 1) / BLOCK);
        for (let b = firstBlock; b <= lastBlock; b++) {
          if (known(b)) continue;
          const run = runs[runs.length - 1];
          if (run && run.first + run.count === b) run.count++;
          else runs.push({first: b, count: 1});
        }
      }
      await Promise.all(runs.map((run) => fetchRun(run.first, run.count).catch(() => { /* read later, as asked */ })));
    },
    read(offset, length) {
      // Sequential reads (a scan of the index, a large body) fetch further
      // ahead each time; random reads fetch only the blocks they touch.
      run = offset === lastEnd ? Math.min(READ_AHEAD_MAX, run * 2) : 1;
      lastEnd = offset + length;
      const out = new Uint8Array(length);
      const firstBlock = Math.floor(offset / BLOCK);
      const lastBlock = Math.floor((offset + length - 1) / BLOCK);
      for (let b = firstBlock; b <= lastBlock; b++) {
        let block = known(b);
        if (!block) {
          stats.cacheMisses++;
          // One request for this block and its missing followers.
          let count = 1;
          const wanted = Math.max(lastBlock - b + 1, run);
          while (count < wanted && (b + count) * BLOCK < size && !known(b + count)) count++;
          fetchBlocks(b, count);
          block = cacheGet(name + '\u0000' + b);
          if (!block) throw new Error(url + ': block ' + b + ' missing after fetch');
        } else {
          stats.cacheHits++;
        }
        const blockStart = b * BLOCK;
        const from = Math.max(offset, blockStart);
        const to = Math.min(offset + length, blockStart + block.length);
        out.set(block.subarray(from - blockStart, to - blockStart), from - offset);
      }
      return out;
    },
  };
}

// Probes a URL: a first Range request tells the size and whether the server
// honours Range. A 200 answer is the whole bundle: it is read to the end with
// progress shown, and the bundle is served from memory. `storing` (a promise
// of a block store, or null) is what a range source keeps its blocks in.
async function probeUrl(name, url, signal, storing = null) {
  const response = await fetch(url, {headers: {Range: 'bytes=0-' + (HEAD_BYTES - 1)}, cache: 'no-store', signal});
  if (response.status === 206) {
    const range = response.headers.get('Content-Range') || '';
    const match = /\/(\d+)\s*$/.exec(range);
    const body = new Uint8Array(await response.arrayBuffer());
    stats.requests.push({url, range: '0-' + (HEAD_BYTES - 1), status: 206, bytes: body.length});
    stats.bytesFetched += body.length;
    if (!match) throw new Error(url + ': the server answered a range request without the total size (Content-Range: "' + range + '")');
    const size = Number(match[1]);
    cacheDrop(name);
    for (let from = 0; from < body.length; from += BLOCK) {
      cachePut(name + '\u0000' + (from / BLOCK), body.slice(from, Math.min(body.length, from + BLOCK)));
    }
    const store = await storing;
    if (store) store.keepOnlyIfSame(body);
    return {source: rangeSource(name, url, size, store), mode: 'range'};
  }
  if (response.status === 416) {
    stats.requests.push({url, range: '0-' + (HEAD_BYTES - 1), status: 416, bytes: 0});
    return {source: memorySource(new Uint8Array(0)), mode: 'range'};  // an empty file
  }
  if (!response.ok) {
    stats.requests.push({url, range: '0-' + (HEAD_BYTES - 1), status: response.status, bytes: 0});
    throw new Error(url + ': HTTP ' + response.status + (response.status === 404 ? ' (no such bundle on this site)' : ''));
  }
  // No Range support: one full download.
  const total = Number(response.headers.get('Content-Length')) || 0;
  const bytes = await readAll(response, total, 'Downloading the bundle (this server cannot send parts of it)');
  stats.requests.push({url, range: null, status: response.status, bytes: bytes.length});
  stats.bytesFetched += bytes.length;
  return {source: memorySource(bytes), mode: 'full'};
}

async function readAll(response, total, label) {
  const reader = response.body.getReader();
  let buffer = new Uint8Array(total > 0 ? total : 1 << 20);
  let loaded = 0;
  let lastPost = 0;
  for (;;) {
    const {done, value} = await reader.read();
    if (done) break;
    if (loaded + value.length > buffer.length) {
      const bigger = new Uint8Array(Math.max(buffer.length * 2, loaded + value.length));
      bigger.set(buffer.subarray(0, loaded));
      buffer = bigger;
    }
    buffer.set(value, loaded);
    loaded += value.length;
    const now = Date.now();
    if (now - lastPost > 100) { lastPost = now; post({kind: 'progress', loaded, total, label}); }
  }
  post({kind: 'progress', loaded, total, label});
  return buffer.length === loaded ? buffer : buffer.slice(0, loaded);
}

// ---- Offline copies in the Origin Private File System ----------------------------
const opfsSupported = () => !!(self.navigator && navigator.storage && navigator.storage.getDirectory &&
                               self.FileSystemFileHandle && FileSystemFileHandle.prototype.createSyncAccessHandle);
const opfsFileName = (name) => 'bundle-' + encodeURIComponent(name).replace(/%/g, '_');

// A file of the private file system is one Worker's at a time. The page
// releases its Worker's files when it goes away (pagehide), but the next
// page's Worker may still find them busy for a moment (measured: up to
// 300 ms without the release), so a busy file is asked for again for up to
// FILE_WAIT_MS. One still busy then is another tab's, which reads the same
// bundle: this one then reads from the network and keeps nothing.
const FILE_WAIT_MS = 400;
async function accessHandle(fileHandle) {
  const started = performance.now();
  for (;;) {
    try {
      return await fileHandle.createSyncAccessHandle();
    } catch (e) {
      if (!e || e.name !== 'NoModificationAllowedError' || performance.now() - started > FILE_WAIT_MS) throw e;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function opfsDirectory() {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle('sitepack', {create: true});
}
// A complete copy has its ".done" marker, written last.
async function openOfflineCopy(name) {
  if (!opfsSupported()) return null;
  try {
    const dir = await opfsDirectory();
    const marker = await dir.getFileHandle(opfsFileName(name) + '.done');
    const expected = Number(await (await marker.getFile()).text());
    const fileHandle = await dir.getFileHandle(opfsFileName(name));
    const access = await accessHandle(fileHandle);
    if (access.getSize() !== expected) { access.close(); return null; }
    return opfsSource(access, expected);
  } catch (e) {
    return null;
  }
}

async function keepOffline(name, url) {
  if (!opfsSupported()) { post({kind: 'offline', state: 'unavailable', message: 'this browser has no private file storage'}); return; }
  post({kind: 'offline', state: 'saving'});
  let access = null;
  try {
    const dir = await opfsDirectory();
    try { await dir.removeEntry(opfsFileName(name) + '.done'); } catch (e) { /* none yet */ }
    const fileHandle = await dir.getFileHandle(opfsFileName(name), {create: true});
    access = await fileHandle.createSyncAccessHandle();
    access.truncate(0);
    const response = await fetch(url, {cache: 'no-store'});
    if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
    const total = Number(response.headers.get('Content-Length')) || 0;
    const reader = response.body.getReader();
    let written = 0;
    let lastPost = 0;
    for (;;) {
      const {done, value} = await reader.read();
      if (done) break;
      written += access.write(value, {at: written});
      const now = Date.now();
      if (now - lastPost > 200) { lastPost = now; post({kind: 'progress', loaded: written, total, label: 'Saving for offline reading'}); }
    }
    stats.requests.push({url, range: null, status: response.status, bytes: written});
    stats.bytesFetched += written;
    access.flush();
    access.close();
    access = null;
    const marker = await dir.getFileHandle(opfsFileName(name) + '.done', {create: true});
    const markerAccess = await marker.createSyncAccessHandle();
    markerAccess.truncate(0);
    markerAccess.write(new TextEncoder().encode(String(written)), {at: 0});
    markerAccess.flush();
    markerAccess.close();
    // Later reads come from the copy; the blocks kept from range reads are
    // not needed any more.
    const copy = await openOfflineCopy(name);
    if (copy) {
      const old = sources.get(name);
      if (old && old.close) old.close();
      sources.set(name, copy);
      cacheDrop(name);
      await removeBlockStore(name);
    }
    post({kind: 'offline', state: 'kept'});
  } catch (e) {
    if (access) { try { access.close(); } catch (err) { /* closed */ } }
    post({kind: 'offline', state: 'failed', message: String(e.message || e)});
  }
}

async function removeOffline(name, url) {
  try {
    const current = sources.get(name);
    if (current && current.kind === 'opfs') {
      const probed = await probeUrl(name, url);
      current.close();
      sources.set(name, probed.source);
    }
    const dir = await opfsDirectory();
    for (const suffix of ['.done', '']) {
      try { await dir.removeEntry(opfsFileName(name) + suffix); } catch (e) { /* absent */ }
    }
    post({kind: 'offline', state: 'none'});
  } catch (e) {
    post({kind: 'offline', state: 'failed', message: String(e.message || e)});
  }
}

// ---- The core's byte-source functions ----------------------------------------------
function sourceSize(name) {
  const source = sources.get(name);
  return source ? source.size : -1;
}
function sourceRead(name, offset, length, dest) {
  const source = sources.get(name);
  if (!source) return -1;
  try {
    if (offset >= source.size) return 0;
    const bytes = source.read(offset, Math.min(length, source.size - offset));
    core.HEAPU8.set(bytes, dest);
    stats.reads++;
    stats.bytesRead += bytes.length;
    return bytes.length;
  } catch (e) {
    post({kind: 'log', text: 'read of ' + name + ' at byte ' + offset + ' failed: ' + (e.message || e)});
    return -1;
  }
}

// ---- Messages from the page -------------------------------------------------------
async function registerUrl(message) {
  const {name, url} = message;
  if (early && early.name === name && early.url === url) {
    const registering = early.registering;
    early = null;
    return registering;
  }
  const old = sources.get(name);
  if (old && old.close) old.close();
  cacheDrop(name);
  // The network is asked while the private file system is searched for a
  // kept copy (that lookup can take as long as the request); a copy found
  // cancels the request.
  const cancel = new AbortController();
  const storing = openBlockStore(name);
  const probing = probeUrl(name, url, cancel.signal, storing).then((probed) => ({probed}), (error) => ({error}));
  const copy = await openOfflineCopy(name);
  // Only a range source keeps blocks; the store is closed otherwise.
  const closeStore = async () => { const store = await storing; if (store) store.close(); };
  if (copy) {
    cancel.abort();
    await probing;
    await closeStore();
    cacheDrop(name);
    sources.set(name, copy);
    return {size: copy.size, mode: 'opfs', offline: true};
  }
  const {probed, error} = await probing;
  if (error || probed.source.kind !== 'range') await closeStore();
  // fetch() rejects with a TypeError when there is no connection at all.
  if (error instanceof TypeError) {
    throw new Error('Cannot reach ' + url + ': there is no connection, and this bundle was not kept for offline reading ' +
                    'in this browser. Connect once and choose "Keep offline", or open a copy of the bundle from this device.');
  }
  if (error) throw error;
  sources.set(name, probed.source);
  if (probed.source.fetchReadFirst) {
    await coreReady;
    if (core) await probed.source.fetchReadFirst(core.ccall('sitepack_core_read_first', 'string', ['string'], [name]));
  }
  return {size: probed.source.size, mode: probed.mode, offline: false};
}

// ---- Opening before the page asks ------------------------------------------------
// The page's messages reach this Worker only when the page's thread is free,
// and that thread is busy for a few hundred milliseconds starting the UI
// module (WebGL, shaders, fonts). The page therefore names, in the Worker's
// name, the address it was opened with; the bundle the page is going to
// open (its ?bundle=, or else the one config.json names) starts opening
// here at once, and the page's 'source-url' for it takes this registration.
let early = null;                         // {name, url, registering}
let pageChoseSource = false;              // a source message came first

// A bundle's source name and address on the reader's site, by the same rule
// as app.js's openUrl; null for another site.
function hostedSource(bundle, base) {
  const absolute = new URL(bundle, base);
  if (absolute.origin !== new URL(base).origin) return null;
  return {name: absolute.pathname.replace(/^\//, '') + absolute.search, url: absolute.href};
}

// The site's config.json (the default bundle, the publishers the reader
// trusts), or {} when there is none.
async function siteConfig(page) {
  try {
    const response = await fetch(new URL('config.json', page), {cache: 'no-cache'});
    const config = response.ok ? await response.json() : {};
    return config && typeof config === 'object' ? config : {};
  } catch (e) {
    return {};
  }
}

async function openEarly(page) {
  const asked = new URL(page).searchParams.get('bundle');
  const config = siteConfig(page);
  const named = asked || (await config).bundle;
  const source = typeof named === 'string' && named ? hostedSource(named, page) : null;
  if (!source || pageChoseSource) return;
  const registering = registerUrl(source);
  registering.catch(() => { /* the page's own 'source-url' gets the error */ });
  early = Object.assign({registering}, source);
  try { await registering; } catch (e) { return; }
  // The core then answers what the UI asks first (open, fonts, home page)
  // while the page's thread is still starting the UI: those answers are
  // ready when asked for. The trusted publishers are the page's (app.js
  // loadConfig), or the open's answer would not be the one asked for.
  const trusted = (await config).publishers;
  const publishers = Array.isArray(trusted) ? trusted.filter((key) => typeof key === 'string') : [];
  await new Promise((resolve) => setTimeout(resolve, 0));  // the page hears first that the source is ready
  if (!core || (pageChoseSource && early)) return;  // the page chose another bundle
  core.ccall('sitepack_core_prepare', null, ['string', 'string'], [source.name, publishers.join('\n')]);
  stats.preparedFor = source.name;
}

function pageAddress() {
  try {
    const hint = JSON.parse(self.name || '{}');
    return typeof hint.page === 'string' ? hint.page : null;
  } catch (e) {
    return null;
  }
}

const queue = [];
let busy = false;
async function pump() {
  if (busy) return;
  busy = true;
  while (queue.length) {
    const message = queue.shift();
    try { await handle(message); } catch (e) { post({kind: 'log', text: 'message failed: ' + (e.message || e)}); }
  }
  busy = false;
}
self.onmessage = (e) => {
  // Not queued: the page is going away, and the next one's Worker waits for
  // the files this one holds.
  if (e.data && e.data.kind === 'release') {
    for (const source of sources.values()) if (source.release) source.release();
    return;
  }
  queue.push(e.data);
  pump();
};

async function handle(message) {
  if (message.kind === 'source-url' || message.kind === 'source-file') pageChoseSource = true;
  switch (message.kind) {
    case 'request':
      await coreReady;
      core.ccall('sitepack_core_handle', null, ['string'], [message.text]);
      break;
    case 'source-file': {
      const old = sources.get(message.name);
      if (old && old.close) old.close();
      cacheDrop(message.name);
      sources.set(message.name, fileSource(message.file));
      post({kind: 'source-ready', name: message.name, size: message.file.size, mode: 'file', offline: false, offlineSupported: false});
      break;
    }
    case 'source-url':
      try {
        const info = await registerUrl(message);
        post(Object.assign({kind: 'source-ready', name: message.name, offlineSupported: opfsSupported()}, info));
      } catch (e) {
        post({kind: 'source-error', name: message.name, message: String(e.message || e)});
      }
      break;
    case 'offline-keep':
      // Not awaited: the reader keeps reading (by range) while it downloads.
      keepOffline(message.name, message.url);
      break;
    case 'offline-remove':
      await removeOffline(message.name, message.url);
      break;
    case 'stats':
      post({kind: 'stats', stats: Object.assign({}, stats, {
        requests: stats.requests.slice(),
        cacheBytes,
        wasmMemory: core && core.HEAPU8 ? core.HEAPU8.length : 0,
        coreBytesRead: core && core._sitepack_core_bytes_read ? core._sitepack_core_bytes_read() : null,
        sources: Array.from(sources, ([name, s]) => ({name, kind: s.kind, size: s.size})),
      })});
      break;
  }
}

// ---- Start the core ------------------------------------------------------------------
// The bundle's first request goes out before the core's script is loaded
// (importScripts waits for it).
if (pageAddress()) openEarly(pageAddress());
const coreReady = (async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (typeof createSitepackCore !== 'function') importScripts('sitepack-core.js');
  core = await createSitepackCore({
    sitepackCoreRespond: (text) => post({kind: 'response', text}),
    sitepackSourceSize: sourceSize,
    sitepackSourceRead: sourceRead,
    print: (text) => post({kind: 'log', text}),
    printErr: (text) => post({kind: 'log', text}),
  });
  post({kind: 'ready'});
})().catch((e) => {
  post({kind: 'failed', message: String(e && e.message ? e.message : e)});
});
