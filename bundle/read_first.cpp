// read_first.cpp: records the pages a reader reads first (read_first.h).
#include "read_first.h"

#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "sitepack/reader_core.h"

namespace sitepack::build {

const char* const kReadFirstTable =
    "CREATE TABLE IF NOT EXISTS read_first(id INTEGER PRIMARY KEY CHECK (id = 1), pages TEXT NOT NULL);";

namespace {

// ---- A file layer that notes each read of the main database file ---------------
// It wraps the default VFS. Version-1 file methods only: without xFetch,
// SQLite does not map the file into memory, so every page it looks at passes
// through xRead.

struct ReadLog {
    std::vector<std::pair<int64_t, int>> reads;  // offset, bytes
};

struct RecordingFile {
    sqlite3_file base;   // pMethods: kRecordingMethods, or null once closed
    sqlite3_file* real;  // the wrapped file, allocated right after this struct
    ReadLog* log;        // null for files other than the main database
};

sqlite3_vfs* g_wrapped = nullptr;
ReadLog* g_log = nullptr;

sqlite3_file* real_of(sqlite3_file* file) { return reinterpret_cast<RecordingFile*>(file)->real; }

int recording_close(sqlite3_file* file) { return real_of(file)->pMethods->xClose(real_of(file)); }
int recording_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
    auto* self = reinterpret_cast<RecordingFile*>(file);
    if (self->log) self->log->reads.emplace_back(offset, amount);
    return self->real->pMethods->xRead(self->real, out, amount, offset);
}
int recording_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    return real_of(file)->pMethods->xWrite(real_of(file), data, amount, offset);
}
int recording_truncate(sqlite3_file* file, sqlite3_int64 size) { return real_of(file)->pMethods->xTruncate(real_of(file), size); }
int recording_sync(sqlite3_file* file, int flags) { return real_of(file)->pMethods->xSync(real_of(file), flags); }
int recording_file_size(sqlite3_file* file, sqlite3_int64* size) { return real_of(file)->pMethods->xFileSize(real_of(file), size); }
int recording_lock(sqlite3_file* file, int level) { return real_of(file)->pMethods->xLock(real_of(file), level); }
int recording_unlock(sqlite3_file* file, int level) { return real_of(file)->pMethods->xUnlock(real_of(file), level); }
int recording_check_lock(sqlite3_file* file, int* out) { return real_of(file)->pMethods->xCheckReservedLock(real_of(file), out); }
int recording_control(sqlite3_file* file, int op, void* arg) { return real_of(file)->pMethods->xFileControl(real_of(file), op, arg); }
int recording_sector_size(sqlite3_file* file) { return real_of(file)->pMethods->xSectorSize(real_of(file)); }
int recording_characteristics(sqlite3_file* file) { return real_of(file)->pMethods->xDeviceCharacteristics(real_of(file)); }

const sqlite3_io_methods kRecordingMethods = {
    1,
    recording_close,
    recording_read,
    recording_write,
    recording_truncate,
    recording_sync,
    recording_file_size,
    recording_lock,
    recording_unlock,
    recording_check_lock,
    recording_control,
    recording_sector_size,
    recording_characteristics,
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
};

int recording_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    auto* self = reinterpret_cast<RecordingFile*>(file);
    self->base.pMethods = nullptr;
    self->real = reinterpret_cast<sqlite3_file*>(self + 1);
    self->log = (flags & SQLITE_OPEN_MAIN_DB) ? g_log : nullptr;
    const int opened = g_wrapped->xOpen(g_wrapped, name, self->real, flags, out_flags);
    // SQLite calls xClose when pMethods is set, even after a failed open.
    if (self->real->pMethods) self->base.pMethods = &kRecordingMethods;
    return opened;
}

// The recording layer is SQLite's default while one of these lives: the
// reader core opens bundles through the default layer.
class RecordingDefault {
public:
    explicit RecordingDefault(ReadLog& log) {
        g_wrapped = sqlite3_vfs_find(nullptr);
        if (!g_wrapped) return;
        vfs_ = *g_wrapped;
        vfs_.szOsFile = static_cast<int>(sizeof(RecordingFile)) + g_wrapped->szOsFile;
        vfs_.zName = "sitepack-read-first";
        vfs_.pNext = nullptr;
        vfs_.xOpen = recording_open;
        g_log = &log;
        installed_ = sqlite3_vfs_register(&vfs_, 1) == SQLITE_OK;
    }
    ~RecordingDefault() {
        if (installed_) {
            sqlite3_vfs_register(g_wrapped, 1);
            sqlite3_vfs_unregister(&vfs_);
        }
        g_log = nullptr;
    }
    RecordingDefault(const RecordingDefault&) = delete;
    RecordingDefault& operator=(const RecordingDefault&) = delete;
    bool installed() const { return installed_; }

private:
    sqlite3_vfs vfs_{};
    bool installed_ = false;
};

Status failed(const std::string& path, sqlite3* db, const char* doing) {
    return Status(ErrorCode::io, path + ": " + doing + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

Status write_ranges(const std::string& path, const std::string& text) {
    sqlite3* db = nullptr;
    Status status;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        status = failed(path, db, "cannot open to record the pages read first");
    } else if (sqlite3_exec(db, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr) != SQLITE_OK ||
               sqlite3_exec(db, kReadFirstTable, nullptr, nullptr, nullptr) != SQLITE_OK) {
        status = failed(path, db, "cannot make the read_first table");
    } else {
        sqlite3_stmt* insert = nullptr;
        if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO read_first(id, pages) VALUES (1, ?)", -1, &insert, nullptr) != SQLITE_OK) {
            status = failed(path, db, "cannot record the pages read first");
        } else {
            sqlite3_bind_text(insert, 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
            if (sqlite3_step(insert) != SQLITE_DONE) status = failed(path, db, "cannot record the pages read first");
        }
        sqlite3_finalize(insert);
    }
    if (sqlite3_close(db) != SQLITE_OK && status) status = failed(path, nullptr, "cannot close after recording the pages read first");
    return status;
}

}  // namespace

Result<PageRanges> pages_read_first(const std::string& path) {
    ReadLog log;
    {
        RecordingDefault recording(log);
        if (!recording.installed()) return Error{ErrorCode::internal, "SQLite has no default file layer to record reads with"};
        reader::ReaderCore core;
        std::optional<Error> failure;
        reader::handle_first_requests(core, reader::OpenBundleRequest{path, {}},
                                      [&](const reader::Request& request, reader::Response response) {
                                          if (request.type() == reader::RequestType::open_bundle && !response.ok)
                                              failure = Error{response.error_code, response.error_message};
                                      });
        if (failure) return *failure;
    }
    // SQLite's page size, from the header it read first.
    sqlite3* db = nullptr;
    int64_t page_size = 0;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
            page_size = sqlite3_column_int64(statement, 0);
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    if (page_size <= 0) return Error{ErrorCode::io, path + ": cannot read SQLite's page size"};

    std::vector<int64_t> pages;
    for (const auto& [offset, bytes] : log.reads) {
        if (bytes <= 0) continue;
        for (int64_t page = offset / page_size + 1; page <= (offset + bytes - 1) / page_size + 1; ++page) pages.push_back(page);
    }
    std::sort(pages.begin(), pages.end());
    pages.erase(std::unique(pages.begin(), pages.end()), pages.end());
    PageRanges ranges;
    for (int64_t page : pages) {
        if (!ranges.empty() && ranges.back().second + 1 == page) ranges.back().second = page;
        else ranges.emplace_back(page, page);
    }
    return ranges;
}

std::string format_page_ranges(const PageRanges& ranges) {
    std::string text;
    for (const auto& [first, last] : ranges) {
        if (!text.empty()) text += ',';
        text += std::to_string(first);
        if (last != first) text += '-' + std::to_string(last);
    }
    return text;
}

Status record_read_first(const std::string& path) {
    std::string written;
    for (int attempt = 0; attempt < 3; ++attempt) {
        Result<PageRanges> ranges = pages_read_first(path);
        if (!ranges) return ranges.error();
        const std::string text = format_page_ranges(ranges.value());
        if (text == written) return {};
        if (Status done = write_ranges(path, text); !done) return done;
        written = text;
    }
    return {};  // still moving after three writes: the last is close, and only a hint
}

}  // namespace sitepack::build
