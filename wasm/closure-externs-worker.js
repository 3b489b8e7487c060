/**
 * @fileoverview Closure Compiler externs for the core module in its Web
 * Worker (wasm/wasm.cmake; the node build has node's externs instead).
 * libsodium's random source (its EM_ASM in randombytes_sysrandom.c, linked
 * because sodium_init stirs it) falls back to node's require('crypto') when
 * self.crypto is missing; in a Worker require is undefined and the
 * fallback's own try/catch answers. Declared so that Closure accepts the name.
 * @externs
 */

/**
 * @param {string} id
 * @return {?}
 */
var require = function(id) {};
