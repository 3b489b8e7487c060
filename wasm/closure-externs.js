/**
 * @fileoverview Closure Compiler externs for the browser reader's modules
 * (emcc --closure 1, wasm/wasm.cmake). The EM_JS code in wasm/*.cpp calls
 * these hooks as Module.sitepackX, unquoted: declared here, Closure keeps
 * their names instead of renaming them, so the functions web/app.js and
 * web/core-worker.js put on the Module object are the ones called.
 * @externs
 */

/** @const */
var SitepackModuleHooks = {};

// The core module (web/core-worker.js provides them).
SitepackModuleHooks.sitepackCoreRespond;
SitepackModuleHooks.sitepackSourceSize;
SitepackModuleHooks.sitepackSourceRead;

// The UI module (web/app.js provides them).
SitepackModuleHooks.sitepackPostToCore;
SitepackModuleHooks.sitepackPageShown;
SitepackModuleHooks.sitepackConfigRead;
SitepackModuleHooks.sitepackConfigWrite;
SitepackModuleHooks.sitepackOpenExternal;
SitepackModuleHooks.sitepackCopyText;
SitepackModuleHooks.sitepackTextInputActive;
SitepackModuleHooks.sitepackChooseFile;
SitepackModuleHooks.sitepackStatus;
SitepackModuleHooks.sitepackTrustedPublishers;

