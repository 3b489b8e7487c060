// js_source_vfs.cpp: a read-only SQLite VFS over the JavaScript byte sources
// of the Worker (wasm/CONTRACT.md): Module.sitepackSourceSize(name) and
// Module.sitepackSourceRead(name, offset, length, destPtr).
//
// Bundles are opened immutable and read-only, so there is no journal, no
// lock and no write: the VFS reads exactly the pages SQLite asks for, which
// is what keeps a 1 GB picked file from being loaded whole. Caching and
// read-ahead are the JavaScript side's (a block cache bounded in bytes).
#include "js_source_vfs.h"

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include <emscripten.h>
#include <emscripten/html5.h>
#include <sqlite3.h>

// Offsets and sizes travel as doubles: exact up to 2^53 bytes, and no BigInt
// needed on the JavaScript side.
EM_JS(double, js_source_size, (const char* name), {
    if (typeof Module.sitepackSourceSize !== 'function') return -1;
    try {
        var size = Module.sitepackSourceSize(UTF8ToString(name));
        return typeof size === 'number' && size >= 0 ? size : -1;
    } catch (e) {
        return -1;
    }
});

EM_JS(double, js_source_read, (const char* name, double offset, int length, void* dest), {
    if (typeof Module.sitepackSourceRead !== 'function') return -1;
    try {
        var got = Module.sitepackSourceRead(UTF8ToString(name), offset, length, dest);
        return typeof got === 'number' ? got : -1;
    } catch (e) {
        return -1;
    }
});

namespace sitepack::web {
namespace {

double bytes_read = 0;

struct SourceFile {
    sqlite3_file base;  // first: SQLite sees a sqlite3_file
    char* name;         // the source name, as the page chose it
    sqlite3_int64 size;
};

int source_close(sqlite3_file* file) {
    auto* source = reinterpret_cast<SourceFile*>(file);
    std::free(source->name);
    source->name = nullptr;
    return SQLITE_OK;
}

int source_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
    auto* source = reinterpret_cast<SourceFile*>(file);
    int got = 0;
    if (offset < source->size) {
        const sqlite3_int64 available = source->size - offset;
        const int wanted = available < amount ? static_cast<int>(available) : amount;
        const double read = js_source_read(source->name, static_cast<double>(offset), wanted, out);
        if (read < 0 || read > wanted) {
            sqlite3_log(SQLITE_IOERR_READ, "%s: cannot read %d bytes at offset %lld", source->name, wanted,
                        static_cast<long long>(offset));
            return SQLITE_IOERR_READ;
        }
        got = static_cast<int>(read);
        bytes_read += got;
    }
    if (got < amount) {
        // SQLite expects the rest zeroed on a short read (a truncated file).
        std::memset(static_cast<char*>(out) + got, 0, static_cast<size_t>(amount - got));
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

int source_write(sqlite3_file*, const void*, int, sqlite3_int64) { return SQLITE_READONLY; }
int source_truncate(sqlite3_file*, sqlite3_int64) { return SQLITE_READONLY; }
int source_sync(sqlite3_file*, int) { return SQLITE_OK; }
int source_file_size(sqlite3_file* file, sqlite3_int64* size) {
    *size = reinterpret_cast<SourceFile*>(file)->size;
    return SQLITE_OK;
}
// Immutable: nobody else writes the file, so locks are free.
int source_lock(sqlite3_file*, int) { return SQLITE_OK; }
int source_unlock(sqlite3_file*, int) { return SQLITE_OK; }
int source_check_reserved_lock(sqlite3_file*, int* reserved) {
    *reserved = 0;
    return SQLITE_OK;
}
int source_file_control(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int source_sector_size(sqlite3_file*) { return 4096; }
int source_device_characteristics(sqlite3_file*) { return SQLITE_IOCAP_IMMUTABLE; }

const sqlite3_io_methods kSourceMethods = {
    1,  // iVersion: no shared memory, no mmap
    source_close,      source_read,         source_write,
    source_truncate,   source_sync,         source_file_size,
    source_lock,       source_unlock,       source_check_reserved_lock,
    source_file_control, source_sector_size, source_device_characteristics,
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
};

int vfs_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    auto* source = reinterpret_cast<SourceFile*>(file);
    source->base.pMethods = nullptr;  // SQLite skips xClose when open fails
    // Only the bundle itself, read-only: no journal, no temporary files
    // (SQLITE_TEMP_STORE=3 keeps those in memory).
    if (!name || !(flags & SQLITE_OPEN_MAIN_DB) || (flags & (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))) {
        sqlite3_log(SQLITE_CANTOPEN, "%s: the browser reader opens bundles read-only", name ? name : "(temporary file)");
        return SQLITE_CANTOPEN;
    }
    const double size = js_source_size(name);
    if (size < 0) {
        sqlite3_log(SQLITE_CANTOPEN, "%s: no such byte source (or its size is unknown)", name);
        return SQLITE_CANTOPEN;
    }
    source->name = static_cast<char*>(std::malloc(std::strlen(name) + 1));
    if (!source->name) return SQLITE_NOMEM;
    std::strcpy(source->name, name);
    source->size = static_cast<sqlite3_int64>(size);
    source->base.pMethods = &kSourceMethods;
    if (out_flags) *out_flags = SQLITE_OPEN_READONLY;
    return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs*, const char*, int) { return SQLITE_IOERR_DELETE; }
int vfs_access(sqlite3_vfs*, const char*, int, int* result) {
    *result = 0;  // no journal or WAL file exists beside a source
    return SQLITE_OK;
}
int vfs_full_pathname(sqlite3_vfs*, const char* name, int out_size, char* out) {
    // Source names are names, not paths: kept as the page gave them.
    if (static_cast<int>(std::strlen(name)) >= out_size) return SQLITE_CANTOPEN;
    std::strcpy(out, name);
    return SQLITE_OK;
}
int vfs_randomness(sqlite3_vfs*, int size, char* out) {
    // Only temporary names and the like: no secrets come from here.
    for (int i = 0; i < size; ++i) out[i] = static_cast<char>(emscripten_random() * 256);
    return size;
}
int vfs_sleep(sqlite3_vfs*, int microseconds) { return microseconds; }  // nothing to wait for: no locks
int vfs_current_time_int64(sqlite3_vfs*, sqlite3_int64* now) {
    // Julian day in milliseconds.
    *now = static_cast<sqlite3_int64>(210866760000000.0 + emscripten_date_now());
    return SQLITE_OK;
}
int vfs_current_time(sqlite3_vfs* vfs, double* now) {
    sqlite3_int64 ms = 0;
    vfs_current_time_int64(vfs, &ms);
    *now = ms / 86400000.0;
    return SQLITE_OK;
}
int vfs_get_last_error(sqlite3_vfs*, int, char*) { return 0; }

sqlite3_vfs source_vfs = {
    2,                   // iVersion
    sizeof(SourceFile),  // szOsFile
    1024,                // mxPathname
    nullptr,             // pNext
    "jssource",          // zName
    nullptr,             // pAppData
    vfs_open, vfs_delete, vfs_access, vfs_full_pathname,
    nullptr, nullptr, nullptr, nullptr,  // no dynamic loading
    vfs_randomness, vfs_sleep, vfs_current_time, vfs_get_last_error,
    vfs_current_time_int64,
    nullptr, nullptr, nullptr,
};

}  // namespace

int register_js_source_vfs() { return sqlite3_vfs_register(&source_vfs, 1); }

double js_source_bytes_read() { return bytes_read; }

}  // namespace sitepack::web

// SQLite is built with SQLITE_OS_OTHER for the browser: no Unix VFS at all,
// this one is the only way in.
extern "C" int sqlite3_os_init(void) { return sitepack::web::register_js_source_vfs(); }
extern "C" int sqlite3_os_end(void) { return SQLITE_OK; }
