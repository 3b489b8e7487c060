// js_source_vfs.h: SQLite reads bundles in the Web Worker through the page's
// byte sources (a picked File, a hosted URL), never through a filesystem.
#pragma once

namespace sitepack::web {

// Registers the read-only "jssource" VFS as SQLite's default. The build
// compiles SQLite with SQLITE_OS_OTHER, so sqlite3_os_init (defined in
// js_source_vfs.cpp) does this on SQLite's first use; calling it again is
// harmless. Returns an SQLite result code.
int register_js_source_vfs();

// Bytes SQLite has asked for since the start (for tests and the benchmark:
// opening a bundle must read a small part of it).
double js_source_bytes_read();

}  // namespace sitepack::web
