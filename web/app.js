// app.js: the browser reader's page. Starts the ImGui UI module
// (createSitepackUI) on the canvas and the reading core in a Worker
// (core-worker.js), relays JSON text between them, and gives the UI what a
// web page has: the address bar's fragment, the tab title, the clipboard,
// a hidden input for input methods, a DOM mirror of the page for screen
// readers, file picking and dropping, and hosted bundles (wasm/CONTRACT.md).
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  // The single-file build (sitepack-reader.html) inlines the UI module and
  // carries the Worker's source in a non-executed <script type="text/plain">.
  const workerSourceElement = $('worker-source');
  const singleFile = !!workerSourceElement;
  const fileScheme = location.protocol === 'file:';

  const state = {
    ui: null,                 // the UI module once started
    uiReady: null,            // resolves with the UI module
    worker: null,
    source: null,             // {name, displayName, kind: 'url'|'file', url?}
    pendingDeepLink: null,    // the fragment the page was opened with
    hashNavigation: null,     // the location the last hashchange asked for
    lastShown: null,
    offline: 'none',          // none | saving | kept | unavailable
    fileHandleStore: null,
    publishers: [],           // pinned publisher keys, from config.json
    configReady: null,        // resolves once config.json was read (or found missing)
    firstPageShown: null,     // resolves when the first page (or a failure) is on screen
    barReserved: false,       // the reader keeps the status line's right end for #bar
  };
  let firstPageReached = null;
  state.firstPageShown = new Promise((resolve) => { firstPageReached = resolve; });
  // Everything the shell did, for tests and the benchmark.
  window.sitepackShell = {
    events: [],
    workerStats: null,
    state,
    requestWorkerStats,
  };
  const log = (what, detail) => {
    window.sitepackShell.events.push({t: Math.round(performance.now()), what, detail: detail || null});
  };

  // ---- The shell's own panel ------------------------------------------------
  function showMessage(text) {
    $('shell-message').textContent = text;
  }
  function showError(text) {
    log('error', text);
    $('shell').hidden = false;
    $('shell-error').textContent = text;
    $('shell-error').hidden = false;
    $('progress').hidden = true;
    $('progress-text').hidden = true;
  }
  // A failure nothing in the page can undo (the browser cannot draw): its
  // message stays on screen.
  let fatalError = null;
  function showFatalError(text) {
    fatalError = text;
    showMessage('The reader cannot draw in this browser.');
    showError(text);
  }
  function hideShell() {
    if (!fatalError) $('shell').hidden = true;
  }
  function clearError() {
    if (fatalError) return;
    $('shell-error').hidden = true;
    $('shell-error').textContent = '';
  }
  function showProgress(loaded, total, label) {
    const bar = $('progress');
    bar.hidden = false;
    $('progress-text').hidden = false;
    if (total > 0) {
      bar.classList.remove('indeterminate');
      $('progress-bar').style.width = Math.min(100, (100 * loaded) / total).toFixed(1) + '%';
      $('progress-text').textContent = label + ': ' + formatBytes(loaded) + ' of ' + formatBytes(total);
    } else {
      bar.classList.add('indeterminate');
      $('progress-text').textContent = label + (loaded > 0 ? ': ' + formatBytes(loaded) : '');
    }
  }
  function hideProgress() {
    $('progress').hidden = true;
    $('progress-text').hidden = true;
  }
  function showChooser(show) {
    $('chooser').hidden = !show;
    if (show) {
      $('shell').hidden = false;
      showMessage('No bundle is open.');
      hideProgress();
    }
  }
  function formatBytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(0) + ' KB';
    if (n < 1024 * 1024 * 1024) return (n / 1048576).toFixed(1) + ' MB';
    return (n / 1073741824).toFixed(2) + ' GB';
  }

  // ---- Answers to WebGL state queries, kept on this side ------------------
  // ImGui's OpenGL backend reads the scissor box and the blend state at the
  // start of every frame to put them back afterwards. Chromium answers those
  // queries from the GPU process, after it has run every command sent
  // before: with a software renderer (SwiftShader, what a laptop without a
  // usable GPU gets) each frame stalled 50-150 ms there, and the page could
  // not take the core's answers meanwhile (measured: 650 ms of 1.5 s to the
  // first page). The values only change through these setters, so they are
  // recorded as they are set and answered from here; a query before the
  // first set goes to the GPU process once, except for the context the shell
  // made itself (`fresh`): its values are still WebGL's initial ones, known
  // here without asking (each first question cost 15-25 ms, measured).
  function keepWebGLStateQueriesLocal(fresh) {
    const proto = typeof WebGL2RenderingContext === 'function' ? WebGL2RenderingContext.prototype : null;
    if (!proto || proto.sitepackLocalState) return;
    proto.sitepackLocalState = true;
    const SCISSOR_BOX = 0x0C10, BLEND_SRC_RGB = 0x80C9, BLEND_DST_RGB = 0x80C8, BLEND_SRC_ALPHA = 0x80CB,
          BLEND_DST_ALPHA = 0x80CA, BLEND_EQUATION_RGB = 0x8009, BLEND_EQUATION_ALPHA = 0x883D;
    const KEPT = new Set([SCISSOR_BOX, BLEND_SRC_RGB, BLEND_DST_RGB, BLEND_SRC_ALPHA, BLEND_DST_ALPHA,
                          BLEND_EQUATION_RGB, BLEND_EQUATION_ALPHA]);
    let known = new WeakMap();  // context -> Map(parameter -> value)
    // A restored context starts from WebGL's defaults: ask again.
    $('canvas').addEventListener('webglcontextrestored', () => { known = new WeakMap(); });
    const valuesOf = (gl) => { let v = known.get(gl); if (!v) { v = new Map(); known.set(gl, v); } return v; };
    const record = (name, write) => {
      const set = proto[name];
      proto[name] = function (...args) { set.apply(this, args); write(valuesOf(this), args); };
    };
    record('scissor', (v, [x, y, w, h]) => v.set(SCISSOR_BOX, [x, y, w, h]));
    record('blendFunc', (v, [src, dst]) => {
      v.set(BLEND_SRC_RGB, src); v.set(BLEND_SRC_ALPHA, src); v.set(BLEND_DST_RGB, dst); v.set(BLEND_DST_ALPHA, dst);
    });
    record('blendFuncSeparate', (v, [srcRgb, dstRgb, srcAlpha, dstAlpha]) => {
      v.set(BLEND_SRC_RGB, srcRgb); v.set(BLEND_DST_RGB, dstRgb); v.set(BLEND_SRC_ALPHA, srcAlpha); v.set(BLEND_DST_ALPHA, dstAlpha);
    });
    record('blendEquation', (v, [mode]) => { v.set(BLEND_EQUATION_RGB, mode); v.set(BLEND_EQUATION_ALPHA, mode); });
    record('blendEquationSeparate', (v, [rgb, alpha]) => { v.set(BLEND_EQUATION_RGB, rgb); v.set(BLEND_EQUATION_ALPHA, alpha); });
    if (fresh) {
      // WebGL 2.0 spec: the scissor box starts as the drawing buffer's size;
      // blending as ONE, ZERO, FUNC_ADD.
      const ONE = 1, ZERO = 0, FUNC_ADD = 0x8006;
      const values = valuesOf(fresh);
      values.set(SCISSOR_BOX, [0, 0, fresh.drawingBufferWidth, fresh.drawingBufferHeight]);
      for (const source of [BLEND_SRC_RGB, BLEND_SRC_ALPHA]) values.set(source, ONE);
      for (const destination of [BLEND_DST_RGB, BLEND_DST_ALPHA]) values.set(destination, ZERO);
      for (const equation of [BLEND_EQUATION_RGB, BLEND_EQUATION_ALPHA]) values.set(equation, FUNC_ADD);
    }
    const getParameter = proto.getParameter;
    proto.getParameter = function (parameter) {
      const values = known.get(this);
      if (values && values.has(parameter) && !this.isContextLost()) {
        const value = values.get(parameter);
        // WebGL answers the box as a new Int32Array, which callers may keep.
        return parameter === SCISSOR_BOX ? new Int32Array(value) : value;
      }
      const value = getParameter.call(this, parameter);
      if (value !== null && KEPT.has(parameter)) {
        valuesOf(this).set(parameter, parameter === SCISSOR_BOX ? Array.from(value) : value);
      }
      return value;
    };
  }

  // ImGui's renderer asks whether each of its shaders compiled, and its
  // program linked, right after making them, and each answer waits for the
  // GPU process to finish all the work sent before (with SwiftShader: 50-190
  // ms in all while the reader starts, measured). On the shell's own context
  // these are answered "yes" at once while the reader starts (`deferring`),
  // and checkDeferredShaders reads the real answers once the first page is
  // on screen: a failure then still shows its message, not a blank canvas.
  const shaderChecks = {deferring: false, objects: [], check: () => null};
  function deferShaderChecks(fresh) {
    const proto = typeof WebGL2RenderingContext === 'function' ? WebGL2RenderingContext.prototype : null;
    if (!proto || proto.sitepackDeferredChecks) return;
    proto.sitepackDeferredChecks = true;
    const COMPILE_STATUS = 0x8B81, LINK_STATUS = 0x8B82;
    const real = {getShaderParameter: proto.getShaderParameter, getProgramParameter: proto.getProgramParameter,
                  getShaderInfoLog: proto.getShaderInfoLog, getProgramInfoLog: proto.getProgramInfoLog};
    const deferred = new WeakSet();
    const answerLater = (status) => function (object, name) {
      if (this === fresh && shaderChecks.deferring && name === status) {
        if (!deferred.has(object)) { deferred.add(object); shaderChecks.objects.push(object); }
        return true;
      }
      return (status === COMPILE_STATUS ? real.getShaderParameter : real.getProgramParameter).call(this, object, name);
    };
    const noLogYet = (realLog) => function (object) {
      return this === fresh && shaderChecks.deferring && deferred.has(object) ? '' : realLog.call(this, object);
    };
    proto.getShaderParameter = answerLater(COMPILE_STATUS);
    proto.getProgramParameter = answerLater(LINK_STATUS);
    proto.getShaderInfoLog = noLogYet(real.getShaderInfoLog);
    proto.getProgramInfoLog = noLogYet(real.getProgramInfoLog);
    shaderChecks.deferring = true;
    shaderChecks.check = () => {
      shaderChecks.deferring = false;
      if (fresh.isContextLost()) return null;
      // A program does not link when one of its shaders did not compile; the
      // shaders themselves are deleted once linked.
      for (const object of shaderChecks.objects.splice(0)) {
        if (!(object instanceof WebGLProgram) || !fresh.isProgram(object)) continue;
        if (!real.getProgramParameter.call(fresh, object, LINK_STATUS)) {
          const log = real.getProgramInfoLog.call(fresh, object) || 'no reason given';
          return 'This browser\'s WebGL2 cannot prepare the reader\'s drawing (' + log.trim() + '). ' +
                 'Try another browser, or the desktop reader.';
        }
      }
      return null;
    };
  }
  function checkDeferredShaders() {
    const failure = shaderChecks.check();
    if (failure) showFatalError(failure);
  }
  // Resolves once the first page (or a failure) is shown and the UI has
  // nothing left to do for it (at most 10 s): what can wait for the first
  // page waits until then. The real shader answers wait for the GPU process
  // to finish all the drawing sent before (80 ms, measured), and the service
  // worker's first install downloads the reader's files again.
  async function firstPageDone() {
    const deadline = performance.now() + 10000;
    await Promise.race([state.firstPageShown, new Promise((resolve) => setTimeout(resolve, 10000))]);
    while (performance.now() < deadline && state.ui && state.ui._sitepack_ui_idle && state.ui._sitepack_ui_idle() !== 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  // ---- What the browser must have ------------------------------------------
  function missingFeature() {
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
      return 'This browser cannot run WebAssembly, which the reader needs. ' +
             'Use a current Firefox, Chrome, Edge or Safari, or the desktop reader.';
    }
    // Asked of the reader's own canvas with the attributes its module asks
    // for (wasm/web_main.cpp): the module then gets this context instead of
    // making a second one, which costs as much (a few hundred ms with a
    // software renderer).
    // The canvas first gets the size the module gives it (the window in
    // device pixels): resizing a canvas remakes its drawing buffer, which
    // waits on the GPU process once per side.
    const canvas = $('canvas');
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(Math.max(1, window.innerWidth | 0) * ratio));
    canvas.height = Math.max(1, Math.round(Math.max(1, window.innerHeight | 0) * ratio));
    let gl = null;
    try {
      gl = canvas.getContext('webgl2', {antialias: false, depth: false, stencil: false, alpha: false});
    } catch (e) { gl = null; }
    if (gl) { keepWebGLStateQueriesLocal(gl); deferShaderChecks(gl); }
    if (!gl) {
      return 'This browser cannot draw with WebGL2, which the reader needs ' +
             '(it may be turned off, or the graphics driver is blocked). ' +
             'Use a current Firefox, Chrome, Edge or Safari, or the desktop reader.';
    }
    if (typeof Worker !== 'function') return 'This browser cannot run Web Workers, which the reader needs.';
    return null;
  }

  // ---- Keyboard: the browser's own shortcuts stay the browser's -------------
  // Registered before the UI module starts, on window in the capture phase,
  // so it runs before the GLFW emulation's listeners and can keep these
  // keys from them (without preventDefault: the browser still acts).
  function browserOwnsKey(e) {
    const key = (e.key || '').toLowerCase();
    if (e.key === 'F5' || e.key === 'F11' || e.key === 'F12' || e.key === 'F6') return true;
    if ((e.ctrlKey || e.metaKey) && !e.altKey) {
      if (['l', 't', 'w', 'r', 'n', 'q', 'tab', 'pageup', 'pagedown'].includes(key)) return true;
      if (e.shiftKey && ['i', 'j', 'c', 'delete'].includes(key)) return true;
      if (key >= '1' && key <= '9' && !e.shiftKey) return true;
    }
    if (e.altKey && !e.ctrlKey && (key === 'd' || key === 'home')) return true;
    return false;
  }
  const imeInput = $('ime');
  let imeActive = false;
  for (const type of ['keydown', 'keyup', 'keypress']) {
    window.addEventListener(type, (e) => {
      if (browserOwnsKey(e)) { e.stopImmediatePropagation(); return; }
      if (e.target === imeInput) {
        // Text comes from the input's own events (composition included);
        // the UI still gets editing keys (Backspace, Enter, arrows...).
        if (type === 'keypress' || e.isComposing || e.keyCode === 229) e.stopImmediatePropagation();
      }
      // Typing Ctrl+C/Ctrl+V in a text field of the shell's own panel is not
      // the canvas's business either.
      if (e.target && e.target !== imeInput && e.target !== document.body && e.target.id !== 'canvas' &&
          (e.target.tagName === 'BUTTON' || e.target.tagName === 'INPUT')) {
        e.stopImmediatePropagation();
      }
    }, true);
  }

  // ---- Input method text --------------------------------------------------
  function deliverText(text) {
    if (!text || !state.ui) return;
    callUI('sitepack_ui_text_input', ['string'], [text]);
  }
  imeInput.addEventListener('compositionend', (e) => {
    deliverText(e.data);
    imeInput.value = '';
  });
  imeInput.addEventListener('input', (e) => {
    if (e.isComposing) return;
    if (e.inputType === 'insertText' || e.inputType === 'insertFromPaste' || e.inputType === 'insertReplacementText') {
      deliverText(e.data != null ? e.data : imeInput.value);
    }
    imeInput.value = '';
  });
  imeInput.addEventListener('paste', (e) => {
    const text = e.clipboardData && e.clipboardData.getData('text/plain');
    if (text) { e.preventDefault(); deliverText(text.replace(/[\r\n]+/g, ' ')); }
  });

  function setTextInputActive(active, x, y) {
    imeActive = !!active;
    if (imeActive) {
      // x, y: CSS pixels of the canvas, which fills the window.
      imeInput.style.left = Math.round(Number(x) || 0) + 'px';
      imeInput.style.top = Math.round(Number(y) || 0) + 'px';
      if (document.activeElement !== imeInput) imeInput.focus({preventScroll: true});
    } else if (document.activeElement === imeInput) {
      imeInput.value = '';
      imeInput.blur();
    }
  }

  // ---- Clipboard ------------------------------------------------------------
  function copyText(text) {
    const fallback = () => {
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'visually-hidden';
      document.body.appendChild(area);
      area.select();
      let ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      area.remove();
      log('copy', ok ? 'execCommand' : 'failed');
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(() => log('copy', 'clipboard'), fallback);
    } else {
      fallback();
    }
  }

  // ---- The DOM mirror ---------------------------------------------------------
  function renderMirror(mirrorText) {
    const main = $('mirror');
    let mirror;
    try { mirror = JSON.parse(mirrorText || '{}'); } catch (e) { mirror = {blocks: []}; }
    const fragment = document.createDocumentFragment();
    let list = null;
    for (const block of mirror.blocks || []) {
      const kind = String(block.kind || 'p');
      let element;
      if (kind === 'li') {
        if (!list) { list = document.createElement('ul'); fragment.appendChild(list); }
        element = document.createElement('li');
        list.appendChild(element);
      } else {
        list = null;
        const tag = /^h[1-6]$/.test(kind) ? kind : kind === 'pre' ? 'pre' : kind === 'quote' ? 'blockquote' : 'p';
        element = document.createElement(tag);
        fragment.appendChild(element);
      }
      element.appendChild(document.createTextNode(String(block.text || '')));
      const links = Array.isArray(block.links) ? block.links : [];
      if (links.length) {
        const nav = document.createElement('span');
        for (const link of links) {
          const a = document.createElement('a');
          a.textContent = String(link.text || link.href || '');
          a.href = linkTarget(String(link.href || ''));
          if (/^https?:/i.test(String(link.href || ''))) a.rel = 'noopener noreferrer external';
          nav.appendChild(document.createTextNode(' '));
          nav.appendChild(a);
        }
        element.appendChild(nav);
      }
    }
    main.replaceChildren(fragment);
  }
  // A bundle page's link becomes a fragment of this page; other links stay.
  function linkTarget(href) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return href;
    return encodeHash(href);
  }
  // Links in the mirror (reached by a screen reader or keyboard) open in the
  // reader, not as a new page load.
  $('mirror').addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a');
    if (!a) return;
    const href = a.getAttribute('href') || '';
    if (href.startsWith('#')) {
      e.preventDefault();
      navigateTo(decodeHash(href));
    } else {
      e.preventDefault();
      openExternal(href);
    }
  });

  // ---- Address bar ------------------------------------------------------------
  function decodeHash(hash) {
    let text = hash.startsWith('#') ? hash.slice(1) : hash;
    try { text = decodeURIComponent(text); } catch (e) { /* kept as typed */ }
    return text;
  }
  function encodeHash(url) {
    // Keep slashes, ? and = readable; escape what would break a fragment.
    return '#' + encodeURI(url).replace(/#/g, '%23');
  }
  function pageShown(url, title, mirrorText) {
    url = String(url || '');
    title = String(title || '');
    log('page-shown', url);
    firstPageReached();
    if (state.pendingDeepLink !== null) {
      const wanted = state.pendingDeepLink;
      state.pendingDeepLink = null;
      if (wanted && wanted !== url) {
        // The bundle opened on its home page; the address asked for another,
        // which takes the home page's place in the reader's history (the
        // browser's never had it).
        navigateTo(wanted, true, true);
        return;
      }
    }
    document.title = title ? title + ' — sitepack' : 'sitepack reader';
    // Back or Forward pressed again after this page was asked for, and its
    // hashchange not handled yet: the address already names the newer page.
    // Rewriting it here would replace that history entry with this page; the
    // pending hashchange compares with lastShown and opens the newer one.
    const addressMovedOn = state.hashNavigation !== null && decodeHash(location.hash) !== state.hashNavigation;
    if (addressMovedOn) log('page-shown-address-moved-on', url);
    if (url && !addressMovedOn) {
      const hash = encodeHash(url);
      if (location.hash === hash) {
        // Reload, deep link or back/forward: the address is already right.
      } else if (state.hashNavigation !== null && state.hashNavigation === url) {
        history.replaceState(history.state, '', hash);
      } else if (!state.lastShown) {
        history.replaceState(history.state, '', hash);
      } else {
        history.pushState(null, '', hash);
      }
    }
    state.hashNavigation = null;
    state.lastShown = url;
    renderMirror(mirrorText);
  }
  function navigateTo(url, fromAddress, replace) {
    if (!state.ui) return;
    state.hashNavigation = fromAddress ? url : null;
    const refused = callUI('sitepack_ui_navigate', ['string', 'number'], [url, replace ? 1 : 0], 'string');
    if (refused) log('navigate-refused', url + ': ' + refused);
  }
  window.addEventListener('hashchange', () => {
    const url = decodeHash(location.hash);
    log('hashchange', url);
    if (!url || url === state.lastShown) return;
    navigateTo(url, true);
  });

  function openExternal(url) {
    log('open-external', url);
    window.open(url, '_blank', 'noopener,noreferrer');
  }

  // ---- Settings ---------------------------------------------------------------
  function configRead(name) {
    try { return localStorage.getItem('sitepack:' + name); } catch (e) { return null; }
  }
  function configWrite(name, text) {
    try { localStorage.setItem('sitepack:' + name, String(text)); } catch (e) { log('config-write-failed', name); }
  }

  // ---- The UI module ------------------------------------------------------------
  function callUI(name, types, args, returnType) {
    const ui = state.ui;
    if (!ui) return null;
    if (typeof ui['_' + name] !== 'function') {
      log('ui-missing-export', name);
      return null;
    }
    return ui.ccall(name, returnType || null, types, args);
  }

  function uiStatus(jsonText) {
    let status;
    try { status = JSON.parse(jsonText); } catch (e) { return; }
    log('ui-status', status);
    const kind = status.state || status.bundle_state;
    if (kind === 'failed' || kind === 'error') {
      firstPageReached();
      const message = status.message || status.error || status.bundle_error || 'The bundle cannot be opened.';
      showError(message);
      showChooser(!state.source || state.source.kind === 'file' || singleFile);
      showMessage('The bundle could not be opened.');
    } else if (kind === 'open' || kind === 'loaded') {
      hideShell();
      clearError();
    }
  }

  // The UI module's code, compiled from the page's start (null where that
  // cannot be done: the single file carries its code inline, and a file://
  // page cannot fetch): it compiles on the browser's background threads
  // while this thread waits for the WebGL2 context.
  const uiCode = singleFile || fileScheme || typeof WebAssembly !== 'object' || typeof WebAssembly.compileStreaming !== 'function'
    ? Promise.resolve(null)
    : WebAssembly.compileStreaming(fetch('sitepack-ui.wasm', {credentials: 'same-origin'})).catch(() => null);

  async function startUI() {
    const compiled = await uiCode;
    const module = {
      canvas: $('canvas'),
      print: (text) => console.log('[ui] ' + text),
      printErr: (text) => console.warn('[ui] ' + text),
      sitepackPostToCore: (text) => postToWorker({kind: 'request', text: String(text)}),
      sitepackPageShown: pageShown,
      sitepackConfigRead: configRead,
      sitepackConfigWrite: configWrite,
      sitepackOpenExternal: openExternal,
      sitepackCopyText: (text) => copyText(String(text)),
      sitepackTextInputActive: setTextInputActive,
      sitepackChooseFile: chooseFile,
      sitepackStatus: uiStatus,
      sitepackTrustedPublishers: () => JSON.stringify(state.publishers || []),
      onAbort: (what) => showError('The reader stopped: ' + what),
    };
    if (compiled) {
      // Emscripten's hook for bringing the module's own code: it is
      // instantiated here, from what compiled meanwhile.
      module.instantiateWasm = (imports, receiveInstance) => {
        WebAssembly.instantiate(compiled, imports).then((instance) => receiveInstance(instance, compiled),
          (e) => showError('The reader failed to start: ' + (e.message || e)));
        return {};
      };
    }
    // The module fetches and compiles its wasm while it streams in
    // (instantiateStreaming), which also lets the browser keep the compiled
    // code for the next visit: no byte-counting fetch of our own here.
    showProgress(0, 0, 'Loading the reader');
    if (typeof createSitepackUI !== 'function') {
      await loadScript('sitepack-ui.js');
    }
    const ui = await createSitepackUI(module);
    state.ui = ui;
    log('ui-ready');
    return ui;
  }
  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error('cannot load ' + src));
      document.head.appendChild(script);
    });
  }

  // ---- The core Worker ------------------------------------------------------------
  const workerWaiters = [];
  function startWorker() {
    let worker;
    if (singleFile) {
      const blob = new Blob([workerSourceElement.textContent], {type: 'text/javascript'});
      worker = new Worker(URL.createObjectURL(blob));
    } else {
      // The page's address, so that the Worker starts opening the hosted
      // bundle (?bundle=, or config.json's) before this thread is free to
      // tell it (core-worker.js, openEarly).
      worker = new Worker('core-worker.js', {name: fileScheme ? '' : JSON.stringify({page: location.href})});
    }
    worker.onmessage = (e) => onWorkerMessage(e.data);
    // The Worker lets go of its files in the private file system at once,
    // so that the next page (a reload, the reader opened again) finds them
    // free.
    window.addEventListener('pagehide', () => worker.postMessage({kind: 'release'}));
    worker.onerror = (e) => {
      showError('The reading core failed: ' + (e.message || 'unknown error'));
      settle('ready', new Error(e.message), true);
    };
    state.worker = worker;
    return new Promise((resolve, reject) => workerWaiters.push({kind: 'ready', resolve, reject}));
  }
  const pendingToWorker = [];
  function postToWorker(message) {
    if (!state.worker) { pendingToWorker.push(message); return; }
    state.worker.postMessage(message);
  }
  function requestWorkerStats() {
    return new Promise((resolve) => {
      workerWaiters.push({kind: 'stats', resolve});
      postToWorker({kind: 'stats'});
    });
  }
  function settle(kind, value, failed) {
    const index = workerWaiters.findIndex((w) => w.kind === kind);
    if (index < 0) return;
    const waiter = workerWaiters.splice(index, 1)[0];
    if (failed) waiter.reject(value); else waiter.resolve(value);
  }

  function onWorkerMessage(message) {
    switch (message.kind) {
      case 'started':
        log('core-started');
        settle('started', message);
        break;
      case 'ready':
        log('core-ready');
        settle('ready', message);
        break;
      case 'failed':
        showError('The reading core failed to start: ' + message.message);
        settle('ready', new Error(message.message), true);
        break;
      case 'response':
        if (state.ui) callUI('sitepack_ui_deliver', ['string'], [message.text]);
        break;
      case 'progress':
        showProgress(message.loaded, message.total, message.label || 'Downloading the bundle');
        break;
      case 'source-ready':
        log('source-ready', message);
        settle('source:' + message.name, message);
        break;
      case 'source-error':
        log('source-error', message);
        settle('source:' + message.name, new Error(message.message), true);
        break;
      case 'offline':
        setOfflineState(message.state, message.message);
        break;
      case 'stats':
        window.sitepackShell.workerStats = message.stats;
        settle('stats', message.stats);
        break;
      case 'log':
        console.log('[core] ' + message.text);
        break;
    }
  }
  function registerSource(message) {
    return new Promise((resolve, reject) => {
      workerWaiters.push({kind: 'source:' + message.name, resolve, reject});
      postToWorker(message);
    });
  }

  // ---- Offline copy -----------------------------------------------------------
  // The bar sits at the right end of the reader's status line, never over
  // the page's text; the reader keeps its own status text (the page's
  // address, a signature warning, the percentage read) left of it, however
  // wide the bar's words make it. The bar is anchored to the window's
  // bottom right, so only its own size changes the box (every browser with
  // WebGL2 has ResizeObserver, which also reports it once at the start).
  function reserveStatusLineForBar() {
    if (state.barReserved) return;
    state.barReserved = true;
    const bar = $('bar');
    new ResizeObserver(() => {
      // The box from the bar's top left corner to the window's bottom right
      // one, its margins included.
      const box = bar.hidden ? {left: window.innerWidth, top: window.innerHeight} : bar.getBoundingClientRect();
      callUI('sitepack_ui_reserve_status_line', ['number', 'number'],
             [Math.max(0, Math.ceil(window.innerWidth - box.left)), Math.max(0, Math.ceil(window.innerHeight - box.top + 1))]);
    }).observe(bar);
  }

  function setOfflineState(kind, message) {
    state.offline = kind;
    log('offline', kind);
    const label = $('offline-state');
    const button = $('offline-button');
    button.hidden = true;
    if (kind === 'kept') {
      label.textContent = 'Available offline';
      button.hidden = false;
      button.textContent = 'Remove copy';
      button.dataset.action = 'remove';
    } else if (kind === 'saving') {
      label.textContent = 'Saving for offline reading…';
    } else if (kind === 'none') {
      label.textContent = 'Online only';
      button.hidden = false;
      button.textContent = 'Keep offline';
      button.title = 'Keep a copy of the bundle in this browser for reading with no connection';
      button.dataset.action = 'keep';
    } else if (kind === 'local') {
      label.textContent = 'Read from this device';
    } else {
      label.textContent = message ? 'Offline copy unavailable: ' + message : '';
    }
    if (message && kind === 'failed') label.textContent = 'Could not keep it offline: ' + message;
    label.title = label.textContent;  // the whole of it, when the status line cuts it short
  }
  $('offline-button').addEventListener('click', () => {
    if (!state.source || state.source.kind !== 'url') return;
    const action = $('offline-button').dataset.action;
    postToWorker({kind: action === 'remove' ? 'offline-remove' : 'offline-keep', name: state.source.name, url: state.source.url});
  });

  // ---- Opening a bundle ------------------------------------------------------------
  async function openSource(source, registration) {
    clearError();
    $('chooser').hidden = true;
    $('shell').hidden = false;
    showMessage('Opening ' + source.displayName + '…');
    try {
      const ready = await registration;
      await state.configReady;  // the publishers the reader trusts
      state.source = source;
      hideProgress();
      const ui = await state.uiReady;
      if (!ui) return;
      hideShell();
      $('bar').hidden = false;
      reserveStatusLineForBar();
      if (source.kind === 'file') setOfflineState('local');
      else setOfflineState(ready.offline ? 'kept' : (ready.offlineSupported ? 'none' : 'unavailable'));
      document.title = source.displayName + ' — sitepack';
      log('open-source', source.name);
      callUI('sitepack_ui_open_source', ['string', 'string'], [source.name, source.displayName]);
    } catch (e) {
      showError(String(e && e.message ? e.message : e));
      showChooser(true);
    }
  }
  function openFile(file, handle) {
    if (!file) return;
    const name = 'picked:' + file.name;
    state.pendingDeepLink = state.pendingDeepLink || null;
    if (handle) rememberHandle(handle);
    return openSource({name, displayName: file.name, kind: 'file'}, registerSource({kind: 'source-file', name, file}));
  }
  // A bundle on the reader's site: its source name is its path and query
  // (core-worker.js's hostedSource makes the same name when it opens the
  // bundle before the page asks).
  function openUrl(url) {
    const absolute = new URL(url, location.href);
    if (absolute.origin !== location.origin) {
      showError('The bundle must be on this site (' + location.origin + '), not at ' + absolute.origin + '.');
      showChooser(true);
      return;
    }
    const path = absolute.pathname.replace(/^\//, '') + absolute.search;
    const name = decodeURIComponent(absolute.pathname.split('/').pop() || path);
    return openSource({name: path, displayName: name, kind: 'url', url: absolute.href},
                      registerSource({kind: 'source-url', name: path, url: absolute.href}));
  }

  // Picking: showOpenFilePicker where present (its handle can be kept), the
  // hidden file input elsewhere.
  async function chooseFile() {
    if (window.showOpenFilePicker && !fileScheme) {
      try {
        const [handle] = await window.showOpenFilePicker({
          types: [{description: 'sitepack bundle', accept: {'application/octet-stream': ['.sitepack']}}],
          excludeAcceptAllOption: false,
        });
        openFile(await handle.getFile(), handle);
        return;
      } catch (e) {
        if (e && e.name === 'AbortError') return;
        // Not allowed here (e.g. a sandboxed frame): the input still works.
      }
    }
    $('file-input').click();
  }
  $('pick-button').addEventListener('click', chooseFile);
  $('open-other-button').addEventListener('click', chooseFile);
  $('file-input').addEventListener('change', (e) => {
    const file = e.target.files && e.target.files[0];
    if (file) openFile(file, null);
    e.target.value = '';
  });

  // Dropping anywhere on the page.
  let dragDepth = 0;
  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files');
  window.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth++;
    $('drop-overlay').hidden = false;
  }, true);
  window.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) $('drop-overlay').hidden = true;
  }, true);
  window.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    e.dataTransfer.dropEffect = 'copy';
  }, true);
  window.addEventListener('drop', async (e) => {
    if (!e.dataTransfer) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    dragDepth = 0;
    $('drop-overlay').hidden = true;
    const item = Array.from(e.dataTransfer.items || []).find((i) => i.kind === 'file');
    const file = e.dataTransfer.files && e.dataTransfer.files[0];
    let handle = null;
    if (item && item.getAsFileSystemHandle && !fileScheme) {
      try { handle = await item.getAsFileSystemHandle(); } catch (err) { handle = null; }
      if (handle && handle.kind !== 'file') handle = null;
    }
    if (file) openFile(file, handle);
  }, true);

  // ---- The last picked file, remembered (File System Access API) ----------------
  function handleDb() {
    return new Promise((resolve, reject) => {
      if (!window.indexedDB) { reject(new Error('no IndexedDB')); return; }
      const request = indexedDB.open('sitepack', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('handles');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function rememberHandle(handle) {
    try {
      const db = await handleDb();
      const tx = db.transaction('handles', 'readwrite');
      tx.objectStore('handles').put(handle, 'last');
      await new Promise((resolve) => { tx.oncomplete = resolve; tx.onerror = resolve; });
      db.close();
      log('handle-remembered', handle.name);
    } catch (e) { /* a browser without it simply asks again */ }
  }
  async function rememberedHandle() {
    try {
      const db = await handleDb();
      const tx = db.transaction('handles', 'readonly');
      const request = tx.objectStore('handles').get('last');
      const handle = await new Promise((resolve) => { request.onsuccess = () => resolve(request.result); request.onerror = () => resolve(null); });
      db.close();
      return handle && typeof handle.getFile === 'function' ? handle : null;
    } catch (e) { return null; }
  }
  async function offerReopen() {
    if (fileScheme || !window.showOpenFilePicker) return;
    const handle = await rememberedHandle();
    if (!handle) return;
    const button = $('reopen-button');
    button.textContent = 'Reopen ' + handle.name;
    button.hidden = false;
    button.onclick = async () => {
      // Reading a remembered file needs the reader's permission again, which
      // a browser only asks for after a click.
      try {
        let permission = await handle.queryPermission({mode: 'read'});
        if (permission !== 'granted') permission = await handle.requestPermission({mode: 'read'});
        if (permission !== 'granted') { showError('Permission to read ' + handle.name + ' was not given.'); return; }
        openFile(await handle.getFile(), handle);
      } catch (e) {
        showError('Cannot reopen ' + handle.name + ': ' + (e.message || e) + '. Choose it again.');
      }
    };
  }

  // ---- Hosted mode ------------------------------------------------------------------
  // The hosted config names the default bundle and the publishers' keys the
  // reader trusts (pinned); ?bundle= picks another bundle, never other keys.
  async function loadConfig() {
    if (fileScheme || singleFile) return {};
    let config = {};
    try {
      const response = await fetch('config.json', {cache: 'no-cache'});
      if (response.ok) config = await response.json();
    } catch (e) {
      config = {};
    }
    state.publishers = Array.isArray(config.publishers) ? config.publishers.filter((key) => typeof key === 'string') : [];
    return config;
  }

  function registerServiceWorker() {
    if (fileScheme || singleFile || !('serviceWorker' in navigator)) return;
    if (!window.isSecureContext) return;
    navigator.serviceWorker.register('sw.js').then(
      () => log('service-worker', 'registered'),
      (e) => log('service-worker', 'failed: ' + e.message));
  }

  // ---- Start ------------------------------------------------------------------------
  async function main() {
    if (typeof WebAssembly !== 'object' || typeof Worker !== 'function') {
      showMessage('The reader cannot start in this browser.');
      showError(missingFeature());
      return;
    }
    if (location.hash.length > 1) state.pendingDeepLink = decodeHash(location.hash);
    // The core compiles in its Worker and the UI module downloads while this
    // thread checks for WebGL2 (the first context can take a second to make
    // with a software renderer).
    const workerStarted = new Promise((resolve) => workerWaiters.push({kind: 'started', resolve, reject: resolve}));
    const workerReady = startWorker().catch(() => null);  // the failure is already shown
    for (const message of pendingToWorker.splice(0)) state.worker.postMessage(message);
    const uiScript = typeof createSitepackUI === 'function' ? Promise.resolve() : loadScript('sitepack-ui.js');
    // The Worker's start needs this thread for a few tasks, and the WebGL2
    // check then holds it while the GPU process makes the context (most of
    // a second with a software renderer in a fresh browser): the check
    // waits until the Worker runs, so that the core loads and the bundle
    // opens meanwhile. Never more than a moment, should the Worker be slow.
    await Promise.race([workerStarted, new Promise((resolve) => setTimeout(resolve, 250))]);
    const missing = missingFeature();
    if (missing) {
      state.worker.terminate();
      showMessage('The reader cannot start in this browser.');
      showError(missing);
      return;
    }
    state.uiReady = uiScript.then(startUI).catch((e) => { showError('The reader failed to start: ' + (e.message || e)); return null; });
    // A bundle named in the address starts opening while config.json (the
    // pinned publishers, needed when the core opens it) is still coming.
    state.configReady = loadConfig();
    const asked = new URLSearchParams(location.search).get('bundle');
    const config = asked ? null : await state.configReady;
    const bundle = asked || (config && typeof config.bundle === 'string' && config.bundle ? config.bundle : null);
    if (bundle) {
      // The Worker takes the source while its core still compiles.
      await openUrl(bundle);
      await firstPageDone();
      checkDeferredShaders();
    } else {
      if (!(await workerReady) || !(await state.uiReady)) return;
      checkDeferredShaders();
      showChooser(true);
      offerReopen();
    }
    registerServiceWorker();
  }
  main();
})();
