#include "sitepack/bundle.h"

#include <sqlite3.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "sitepack/bundle_format.h"
#include "sitepack/search_text.h"
#include "sitepack/url.h"
#include "search_rank.h"

namespace sitepack {

// [SECTION] SQLite helpers ---------------------------------------------------
namespace {

// A prepared statement that finalizes itself.
class Statement {
public:
    Statement() = default;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(handle_); }

    Status prepare(sqlite3* db, const char* sql) {
        if (sqlite3_prepare_v2(db, sql, -1, &handle_, nullptr) != SQLITE_OK)
            return Status(ErrorCode::corrupt, std::string("cannot query the bundle: ") + sqlite3_errmsg(db));
        return {};
    }
    sqlite3_stmt* get() const { return handle_; }
    void bind(int index, int64_t value) { sqlite3_bind_int64(handle_, index, value); }
    void bind(int index, std::string_view text) {
        sqlite3_bind_text(handle_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(handle_); }
    std::string text(int column) const {
        const unsigned char* value = sqlite3_column_text(handle_, column);
        return value ? std::string(reinterpret_cast<const char*>(value), sqlite3_column_bytes(handle_, column)) : std::string();
    }
    std::string_view blob(int column) const {
        const void* value = sqlite3_column_blob(handle_, column);
        return value ? std::string_view(static_cast<const char*>(value), sqlite3_column_bytes(handle_, column)) : std::string_view();
    }
    int64_t integer(int column) const { return sqlite3_column_int64(handle_, column); }
    double real(int column) const { return sqlite3_column_double(handle_, column); }

private:
    sqlite3_stmt* handle_ = nullptr;
};

// SQLite URI filenames treat '%', '?' and '#' specially.
std::string sqlite_uri(const std::string& path) {
    std::string uri = "file:";
    for (char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
            uri += escaped;
        } else {
            uri += c;
        }
    }
    // immutable: the file never changes while open, so SQLite takes no lock
    // and writes no journal; a write-protected stick is fine.
    return uri + "?mode=ro&immutable=1";
}

const char* kPageColumns =
    "id, url, kind, title, coalesce(published,''), coalesce(modified,''), coalesce(author,''), language, "
    "coalesce(description,''), body_size";

PageRecord read_page_row(const Statement& row) {
    PageRecord page;
    page.id = row.integer(0);
    page.url = row.text(1);
    page.kind = row.text(2);
    page.title = row.text(3);
    page.published = row.text(4);
    page.modified = row.text(5);
    page.author = row.text(6);
    page.language = row.text(7);
    page.description = row.text(8);
    page.body_size = row.integer(9);
    return page;
}

Error query_failed(const BundleInfo& info, sqlite3* db, const char* doing) {
    int code = sqlite3_errcode(db);
    ErrorCode kind = (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) ? ErrorCode::corrupt
                     : code == SQLITE_IOERR                            ? ErrorCode::io
                                                                       : ErrorCode::corrupt;
    return Error{kind, info.path + ": " + doing + ": " + sqlite3_errmsg(db)};
}

}  // namespace

// [SECTION] State ------------------------------------------------------------
struct Bundle::State {
    sqlite3* db = nullptr;
    ZSTD_DDict* dictionary = nullptr;
    ZSTD_DCtx* decompressor = nullptr;
    BundleInfo info;

    ~State() {
        ZSTD_freeDCtx(decompressor);
        ZSTD_freeDDict(dictionary);
        sqlite3_close(db);
    }
};

Bundle::Bundle(std::unique_ptr<State> state) : state_(std::move(state)) {}
Bundle::Bundle(Bundle&&) noexcept = default;
Bundle& Bundle::operator=(Bundle&&) noexcept = default;
Bundle::~Bundle() = default;

const BundleInfo& Bundle::info() const { return state_->info; }

// [SECTION] Opening ----------------------------------------------------------
namespace {

// Reads the first bytes and the size through SQLite's own default VFS, so the
// path means what it will mean to sqlite3_open: UTF-8 on Windows (where
// fopen would take the ANSI code page), the Worker's byte source in the
// browser (where there is no file at all).
Status check_sqlite_header(const std::string& path, int64_t& file_size) {
    sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
    if (!vfs) return Status(ErrorCode::internal, "SQLite has no file system layer");
    // A filename made by SQLite: VFSes read URI parameters after its end.
    sqlite3_filename name = sqlite3_create_filename(path.c_str(), "", "", 0, nullptr);
    if (!name) return Status(ErrorCode::internal, "out of memory");
    std::vector<char> storage(static_cast<size_t>(vfs->szOsFile));
    auto* file = reinterpret_cast<sqlite3_file*>(storage.data());
    int opened_flags = 0;
    const int opened = vfs->xOpen(vfs, name, file, SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB, &opened_flags);
    if (opened != SQLITE_OK) {
        if (file->pMethods) file->pMethods->xClose(file);
        sqlite3_free_filename(name);
        // xAccess says "absent" for an empty file too, so it is asked only
        // once opening has failed.
        int exists = 1;
        if (vfs->xAccess(vfs, path.c_str(), SQLITE_ACCESS_EXISTS, &exists) == SQLITE_OK && !exists)
            return Status(ErrorCode::not_found, path + ": cannot open: the file does not exist");
        return Status(ErrorCode::io, path + ": cannot open: " + sqlite3_errstr(opened));
    }
    sqlite3_int64 size = 0;
    char header[16] = {};
    int sized = file->pMethods->xFileSize(file, &size);
    int read = sized == SQLITE_OK && size >= static_cast<sqlite3_int64>(sizeof header)
                   ? file->pMethods->xRead(file, header, sizeof header, 0) : SQLITE_IOERR_SHORT_READ;
    file->pMethods->xClose(file);
    sqlite3_free_filename(name);
    if (sized != SQLITE_OK) return Status(ErrorCode::io, path + ": cannot read its size: " + sqlite3_errstr(sized));
    file_size = size;
    if (file_size == 0) return Status(ErrorCode::not_a_bundle, path + ": the file is empty (0 bytes), not a sitepack bundle");
    if (read != SQLITE_OK || std::memcmp(header, "SQLite format 3", 16) != 0)
        return Status(ErrorCode::not_a_bundle, path + ": not a sitepack bundle (it does not start with an SQLite header)");
    return {};
}

Status read_pragma(sqlite3* db, const std::string& path, const char* sql, int64_t& value) {
    Statement pragma;
    if (Status prepared = pragma.prepare(db, sql); !prepared)
        return Status(ErrorCode::corrupt, path + ": " + prepared.message());
    if (pragma.step() != SQLITE_ROW)
        return Status(ErrorCode::corrupt, path + ": cannot read the database header: " + sqlite3_errmsg(db));
    value = pragma.integer(0);
    return {};
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    size_t start = 0;
    while (start < text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        if (comma > start) items.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return items;
}

int64_t to_int(const std::string& text) { return std::strtoll(text.c_str(), nullptr, 10); }

}  // namespace

Result<Bundle> Bundle::open(const std::string& path) { return open(path, OpenOptions{}); }

Result<Bundle> Bundle::open(const std::string& path, const OpenOptions& options) {
    if (path.empty()) return Error{ErrorCode::invalid_argument, "no bundle path given"};
    auto state = std::make_unique<State>();
    BundleInfo& info = state->info;
    info.path = path;
    if (Status header = check_sqlite_header(path, info.file_size); !header) return header.error();

    // NOMUTEX: a Bundle is used by one thread at a time (the core's), so
    // SQLite need not lock around every call.
    if (sqlite3_open_v2(sqlite_uri(path).c_str(), &state->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
        return Error{ErrorCode::io, path + ": cannot open: " + sqlite3_errmsg(state->db)};
    sqlite3* db = state->db;
    if (!search::register_rank_function(db))
        return Error{ErrorCode::internal, "this build of SQLite has no FTS5, so bundles cannot be searched"};

    int64_t application_id = 0, version = 0;
    if (Status read = read_pragma(db, path, "PRAGMA application_id", application_id); !read) return read.error();
    if (application_id != kBundleApplicationId)
        return Error{ErrorCode::not_a_bundle, path + ": an SQLite database, but not a sitepack bundle (application_id " +
                                                  std::to_string(application_id) + ")"};
    if (Status read = read_pragma(db, path, "PRAGMA user_version", version); !read) return read.error();
    info.format_version = static_cast<int32_t>(version);
    if (version > kBundleFormatVersion)
        return Error{ErrorCode::unsupported_version,
                     path + ": written in bundle format version " + std::to_string(version) + ", but this reader (sitepack " +
                         SITEPACK_VERSION + ") reads versions up to " + std::to_string(kBundleFormatVersion) +
                         ": update sitepack to read it"};
    if (version < 1) return Error{ErrorCode::not_a_bundle, path + ": bundle format version " + std::to_string(version) + " is not valid"};
    // Bundles hold plain tables. A view or a generated column computes what
    // a read returns, as the file chooses: a recursive view never ends, a
    // column AS (printf('%.*c', 900000000, 'x')) allocates 900 MB a row. A
    // file with one is refused before anything is read from it.
    {
        Statement computed;
        if (Status prepared = computed.prepare(db,
                "SELECT s.name FROM sqlite_master s WHERE s.type = 'view' OR (s.type = 'table'"
                " AND s.sql NOT LIKE 'CREATE VIRTUAL TABLE%'"  // a damaged search index must not stop opening
                " AND EXISTS (SELECT 1 FROM pragma_table_xinfo(s.name) c WHERE c.hidden IN (2, 3)))"
                " LIMIT 1");
            !prepared)
            return Error{ErrorCode::corrupt, path + ": the schema cannot be read: " + sqlite3_errmsg(db)};
        const int step = computed.step();
        if (step == SQLITE_ROW)
            return Error{ErrorCode::not_a_bundle, path + ": " + computed.text(0) +
                                                      " is a view or has computed columns, which no sitepack bundle has"};
        if (step != SQLITE_DONE) return query_failed(info, db, "reading the schema");
    }

    Statement metadata;
    if (Status prepared = metadata.prepare(db, "SELECT key, value FROM metadata"); !prepared)
        return Error{ErrorCode::corrupt, path + ": the metadata table cannot be read: " + sqlite3_errmsg(db)};
    int step;
    while ((step = metadata.step()) == SQLITE_ROW) {
        std::string key = metadata.text(0), value = metadata.text(1);
        if (key == "site_name") info.site_name = value;
        else if (key == "base_url") info.base_url = value;
        else if (key == "build_date") info.build_date = value;
        else if (key == "builder_version") info.builder_version = value;
        else if (key == "languages") info.languages = split_list(value);
        else if (key == "home_page_id") info.home_page_id = to_int(value);
        else if (key == "page_count") info.page_count = to_int(value);
        else if (key == "article_count") info.article_count = to_int(value);
        else if (key == "listing_count") info.listing_count = to_int(value);
        else if (key == "image_count") info.image_count = to_int(value);
        else if (key == "redirect_count") info.redirect_count = to_int(value);
    }
    if (step != SQLITE_DONE) return query_failed(info, db, "reading the metadata");

    Statement navigation;
    if (Status prepared = navigation.prepare(db, "SELECT kind, label, url, coalesce(target_page_id, 0) FROM navigation ORDER BY kind, position"); !prepared)
        return Error{ErrorCode::corrupt, path + ": the navigation table cannot be read: " + sqlite3_errmsg(db)};
    while ((step = navigation.step()) == SQLITE_ROW) {
        std::string kind = navigation.text(0);
        NavigationEntry entry{navigation.text(1), navigation.text(2), navigation.integer(3)};
        if (kind == "menu") info.menu.push_back(std::move(entry));
        else if (kind == "categories") info.categories.push_back(std::move(entry));
        else if (kind == "archives") info.archives.push_back(std::move(entry));
    }
    if (step != SQLITE_DONE) return query_failed(info, db, "reading the navigation");

    Statement dictionary;
    if (Status prepared = dictionary.prepare(db, "SELECT content FROM zstd_dictionaries ORDER BY id LIMIT 1"); !prepared)
        return Error{ErrorCode::corrupt, path + ": the dictionary table cannot be read: " + sqlite3_errmsg(db)};
    step = dictionary.step();
    if (step == SQLITE_ROW) {
        std::string_view bytes = dictionary.blob(0);
        state->dictionary = ZSTD_createDDict(bytes.data(), bytes.size());
        if (!state->dictionary || ZSTD_getDictID_fromDDict(state->dictionary) == 0)
            return Error{ErrorCode::corrupt, path + ": the compression dictionary is damaged, so no page can be read"};
    } else if (step != SQLITE_DONE) {
        return query_failed(info, db, "reading the compression dictionary");
    }
    state->decompressor = ZSTD_createDCtx();
    if (!state->decompressor) return Error{ErrorCode::internal, "out of memory creating a zstd decompressor"};
    // Once per open: the hash columns and small tables, one Ed25519 check.
    info.signature = signing::check_signature(db, options.trusted_publishers);
    return Bundle(std::move(state));
}

// [SECTION] Pages ------------------------------------------------------------
Result<std::string> Bundle::pages_read_first(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(sqlite_uri(path).c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        Error error{ErrorCode::io, path + ": cannot open: " + sqlite3_errmsg(db)};
        sqlite3_close(db);
        return error;
    }
    Result<std::string> pages = std::string();
    {
        Statement exists;
        if (Status prepared = exists.prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'read_first'"); !prepared) {
            pages = Error{ErrorCode::corrupt, path + ": the schema cannot be read: " + sqlite3_errmsg(db)};
        } else if (exists.step() == SQLITE_ROW) {
            Statement row;
            if (Status ready = row.prepare(db, "SELECT pages FROM read_first WHERE id = 1"); !ready) {
                pages = Error{ErrorCode::corrupt, path + ": the read_first table cannot be read: " + sqlite3_errmsg(db)};
            } else {
                const int step = row.step();
                if (step == SQLITE_ROW) pages = row.text(0);
                else if (step != SQLITE_DONE) pages = Error{ErrorCode::corrupt, path + ": the read_first table cannot be read: " + sqlite3_errmsg(db)};
            }
        }
    }
    sqlite3_close(db);
    return pages;
}

Result<PageRecord> Bundle::page(int64_t page_id) const {
    Statement row;
    std::string sql = std::string("SELECT ") + kPageColumns + " FROM pages WHERE id = ?";
    if (Status prepared = row.prepare(state_->db, sql.c_str()); !prepared) return prepared.error();
    row.bind(1, page_id);
    int step = row.step();
    if (step == SQLITE_ROW) return read_page_row(row);
    if (step == SQLITE_DONE) return Error{ErrorCode::not_found, "no page " + std::to_string(page_id) + " in " + state_->info.path};
    return query_failed(state_->info, state_->db, "reading a page");
}

Result<PageRecord> Bundle::find_page(std::string_view url_or_path) const {
    std::string typed(url_or_path);
    // A path is taken as a path on the bundle's own site.
    std::string absolute = url::is_web_url(typed) ? typed : url::resolve(state_->info.base_url, typed);
    std::string canonical = url::canonical_url(absolute);
    if (canonical.empty()) return Error{ErrorCode::not_found, "\"" + typed + "\" is not a web address or path"};

    // Up to a few hops through redirects and aliases.
    for (int hop = 0; hop < 8; ++hop) {
        Statement row;
        std::string sql = std::string("SELECT ") + kPageColumns + " FROM pages WHERE url = ?";
        if (Status prepared = row.prepare(state_->db, sql.c_str()); !prepared) return prepared.error();
        row.bind(1, canonical);
        int step = row.step();
        if (step == SQLITE_ROW) return read_page_row(row);
        if (step != SQLITE_DONE) return query_failed(state_->info, state_->db, "looking up a page");

        Statement redirect;
        if (Status prepared = redirect.prepare(state_->db, "SELECT target_url FROM redirects WHERE url = ?"); !prepared)
            return prepared.error();
        redirect.bind(1, canonical);
        step = redirect.step();
        if (step != SQLITE_ROW) break;
        canonical = url::canonical_url(redirect.text(0));
    }
    return Error{ErrorCode::not_found, "no page " + typed + " in " + state_->info.path};
}

Result<doc::Document> Bundle::read_document(int64_t page_id) const {
    Statement row;
    if (Status prepared = row.prepare(state_->db, "SELECT url, body, body_size, body_hash FROM pages WHERE id = ?"); !prepared)
        return prepared.error();
    row.bind(1, page_id);
    int step = row.step();
    if (step == SQLITE_DONE) return Error{ErrorCode::not_found, "no page " + std::to_string(page_id) + " in " + state_->info.path};
    if (step != SQLITE_ROW) return query_failed(state_->info, state_->db, "reading a page body");
    std::string page_url = row.text(0);
    std::string_view compressed = row.blob(1);
    int64_t size = row.integer(2);
    std::string expected_hash = row.text(3);
    auto damaged = [&](const std::string& why) {
        return Error{ErrorCode::corrupt, "page " + page_url + " is damaged: " + why};
    };

    unsigned long long claimed = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
    if (claimed == ZSTD_CONTENTSIZE_ERROR || claimed == ZSTD_CONTENTSIZE_UNKNOWN)
        return damaged("its compressed body is not a valid zstd frame");
    // Checked before allocating: a frame header can claim any size.
    if (size < 0 || size > kMaxPageBodyBytes)
        return damaged("its body is recorded as " + std::to_string(size) + " bytes, over the limit of " +
                       std::to_string(kMaxPageBodyBytes));
    if (claimed != static_cast<unsigned long long>(size))
        return damaged("its body claims " + std::to_string(claimed) + " bytes, the page table says " + std::to_string(size));
    std::string bytes(static_cast<size_t>(size), '\0');
    size_t produced = ZSTD_decompress_usingDDict(state_->decompressor, bytes.data(), bytes.size(), compressed.data(),
                                                 compressed.size(), state_->dictionary);
    if (ZSTD_isError(produced)) return damaged(std::string("decompression failed (") + ZSTD_getErrorName(produced) + ")");
    if (produced != bytes.size()) return damaged("the body is shorter than recorded");
    if (!content_hash_matches(bytes, expected_hash))
        return damaged("its content does not match the stored hash: it was altered or damaged after the bundle was made");
    Result<doc::Document> document = doc::decode_document(bytes);
    if (!document) return damaged(document.error().message);
    return document;
}

Result<std::vector<PageRecord>> Bundle::list_pages(int64_t offset, int64_t limit, bool by_date) const {
    Statement rows;
    std::string sql = std::string("SELECT ") + kPageColumns + " FROM pages ORDER BY " +
                      (by_date ? "published DESC NULLS LAST, url" : "url") + " LIMIT ? OFFSET ?";
    if (Status prepared = rows.prepare(state_->db, sql.c_str()); !prepared) return prepared.error();
    rows.bind(1, limit);
    rows.bind(2, offset);
    std::vector<PageRecord> pages;
    int step;
    while ((step = rows.step()) == SQLITE_ROW) pages.push_back(read_page_row(rows));
    if (step != SQLITE_DONE) return query_failed(state_->info, state_->db, "listing pages");
    return pages;
}

Result<std::vector<PageRecord>> Bundle::suggest_titles(std::string_view prefix, int limit) const {
    std::vector<PageRecord> pages;
    if (prefix.empty() || limit <= 0) return pages;
    Statement rows;
    // Titles that start with the text first, then titles containing it.
    std::string sql = std::string("SELECT ") + kPageColumns +
                      " FROM pages WHERE kind = 'article' AND instr(lower(title), lower(?1)) > 0"
                      " ORDER BY instr(lower(title), lower(?1)) != 1, length(title), title LIMIT ?2";
    if (Status prepared = rows.prepare(state_->db, sql.c_str()); !prepared) return prepared.error();
    rows.bind(1, prefix);
    rows.bind(2, limit);
    int step;
    while ((step = rows.step()) == SQLITE_ROW) pages.push_back(read_page_row(rows));
    if (step != SQLITE_DONE) return query_failed(state_->info, state_->db, "suggesting titles");
    return pages;
}

// [SECTION] Search -----------------------------------------------------------
Result<SearchResults> Bundle::search(std::string_view query, int64_t offset, int64_t limit) const {
    SearchResults results;
    results.query = std::string(query);
    std::string expression = search::match_expression(query);
    if (expression.empty()) return results;

    Statement count;
    if (Status prepared = count.prepare(state_->db, "SELECT count(*) FROM search WHERE search MATCH ?"); !prepared)
        return prepared.error();
    count.bind(1, expression);
    if (count.step() != SQLITE_ROW) return query_failed(state_->info, state_->db, "counting search results");
    results.total = count.integer(0);

    Statement rows;
    // Every match is scored (titles weigh ten times as much as body text),
    // but only the results shown read their pages row: joining before the
    // LIMIT read one for every match.
    if (Status prepared = rows.prepare(state_->db,
                                       "SELECT p.id, p.url, p.title, coalesce(p.published,''), ranked.score"
                                       " FROM (SELECT rowid AS id, sitepack_rank(search, 10.0, 1.0) AS score"
                                       "       FROM search WHERE search MATCH ? ORDER BY score, id LIMIT ? OFFSET ?) AS ranked"
                                       " JOIN pages p ON p.id = ranked.id ORDER BY ranked.score, p.id");
        !prepared)
        return prepared.error();
    rows.bind(1, expression);
    rows.bind(2, limit);
    rows.bind(3, offset);
    std::vector<std::string> words = search::query_words(query);
    int step;
    while ((step = rows.step()) == SQLITE_ROW) {
        SearchHit hit;
        hit.page_id = rows.integer(0);
        hit.url = rows.text(1);
        hit.title = rows.text(2);
        hit.published = rows.text(3);
        hit.score = rows.real(4);
        // The index stores no text (it is contentless, to keep bundles
        // small): the snippet comes from the page itself.
        Result<doc::Document> document = read_document(hit.page_id);
        if (document) {
            search::Snippet snippet = search::make_snippet(doc::plain_text(document.value()), words);
            hit.snippet = std::move(snippet.text);
            hit.highlights = std::move(snippet.highlights);
        } else {
            hit.snippet = "(" + document.error().message + ")";
        }
        results.hits.push_back(std::move(hit));
    }
    if (step != SQLITE_DONE) return query_failed(state_->info, state_->db, "searching");
    return results;
}

// [SECTION] Images and taxonomy ----------------------------------------------
Result<ImageRecord> Bundle::image(int64_t image_id) const {
    Statement row;
    if (Status prepared = row.prepare(state_->db, "SELECT id, url, mime_type, width, height, content, content_hash FROM images WHERE id = ?");
        !prepared)
        return prepared.error();
    row.bind(1, image_id);
    int step = row.step();
    if (step == SQLITE_DONE) return Error{ErrorCode::not_found, "no image " + std::to_string(image_id) + " in " + state_->info.path};
    if (step != SQLITE_ROW) return query_failed(state_->info, state_->db, "reading an image");
    ImageRecord image;
    image.id = row.integer(0);
    image.url = row.text(1);
    image.mime_type = row.text(2);
    image.width = static_cast<int32_t>(row.integer(3));
    image.height = static_cast<int32_t>(row.integer(4));
    image.content = std::string(row.blob(5));
    if (!content_hash_matches(image.content, row.text(6)))
        return Error{ErrorCode::corrupt, "image " + image.url + " is damaged: its bytes do not match the stored hash (altered or damaged)"};
    return image;
}

// fonts: the embedded font subsets.
namespace {

// The font file a fonts row stores: a zstd frame of it (format 3), or the
// file itself (format 2 and older; no font file starts with zstd's magic).
Result<std::string> font_file(ZSTD_DCtx* decompressor, std::string_view stored) {
    static const char kZstdMagic[4] = {'\x28', '\xB5', '\x2F', '\xFD'};
    if (stored.size() < 4 || std::memcmp(stored.data(), kZstdMagic, 4) != 0) return std::string(stored);
    const unsigned long long claimed = ZSTD_getFrameContentSize(stored.data(), stored.size());
    if (claimed == ZSTD_CONTENTSIZE_ERROR || claimed == ZSTD_CONTENTSIZE_UNKNOWN)
        return Error{ErrorCode::corrupt, "its compressed bytes are not a valid zstd frame"};
    // Checked before allocating: a frame header can claim any size.
    if (claimed > static_cast<unsigned long long>(kMaxFontBytes))
        return Error{ErrorCode::corrupt, "it claims " + std::to_string(claimed) + " bytes, over the limit of " +
                                             std::to_string(kMaxFontBytes)};
    std::string file(static_cast<size_t>(claimed), '\0');
    // No dictionary: the bundle's is trained on page bodies, and fonts are
    // compressed without one.
    const size_t produced = ZSTD_decompress_usingDict(decompressor, file.data(), file.size(), stored.data(), stored.size(), nullptr, 0);
    if (ZSTD_isError(produced)) return Error{ErrorCode::corrupt, std::string("decompression failed (") + ZSTD_getErrorName(produced) + ")"};
    if (produced != file.size()) return Error{ErrorCode::corrupt, "it is shorter than its frame claims"};
    return file;
}

}  // namespace

Result<std::vector<FontRecord>> Bundle::fonts(const std::vector<std::string>& faces) const {
    std::vector<FontRecord> fonts;
    Statement exists;
    if (Status prepared = exists.prepare(state_->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'fonts'"); !prepared)
        return prepared.error();
    int step = exists.step();
    if (step == SQLITE_DONE) return fonts;  // a bundle made before fonts were embedded
    if (step != SQLITE_ROW) return query_failed(state_->info, state_->db, "looking for the fonts");
    // The faces first, then the bytes of those asked for: a row's columns are
    // all read when it is stepped over, and over HTTP each face not needed
    // would cost its 20-35 KB.
    Statement listed;
    if (Status prepared = listed.prepare(state_->db, "SELECT id, face FROM fonts ORDER BY id"); !prepared) return prepared.error();
    std::vector<std::pair<int64_t, std::string>> wanted;
    while ((step = listed.step()) == SQLITE_ROW) {
        std::string face = listed.text(1);
        if (faces.empty() || std::find(faces.begin(), faces.end(), face) != faces.end())
            wanted.emplace_back(listed.integer(0), std::move(face));
    }
    if (step != SQLITE_DONE) return query_failed(state_->info, state_->db, "reading the fonts");
    Statement row;
    if (Status prepared = row.prepare(state_->db, "SELECT family, content, content_hash FROM fonts WHERE id = ?"); !prepared)
        return prepared.error();
    for (auto& [id, face] : wanted) {
        sqlite3_reset(row.get());
        row.bind(1, id);
        if (row.step() != SQLITE_ROW) return query_failed(state_->info, state_->db, ("reading the font " + face).c_str());
        Result<std::string> file = font_file(state_->decompressor, row.blob(1));
        if (!file) return Error{ErrorCode::corrupt, "font " + face + " is damaged: " + file.error().message};
        FontRecord font{std::move(face), row.text(0), std::move(file).value()};
        if (!content_hash_matches(font.content, row.text(2)))
            return Error{ErrorCode::corrupt, "font " + font.face + " is damaged: its bytes do not match the stored hash"};
        fonts.push_back(std::move(font));
    }
    return fonts;
}

Result<std::vector<Term>> Bundle::terms(std::string_view kind) const {
    Statement rows;
    if (Status prepared = rows.prepare(state_->db,
                                       "SELECT t.id, t.kind, t.name, coalesce(t.url,''), count(pt.page_id) FROM terms t"
                                       " LEFT JOIN page_terms pt ON pt.term_id = t.id"
                                       " WHERE ?1 = '' OR t.kind = ?1 GROUP BY t.id ORDER BY t.kind, t.name");
        !prepared)
        return prepared.error();
    rows.bind(1, kind);
    std::vector<Term> terms;
    int step;
    while ((step = rows.step()) == SQLITE_ROW)
        terms.push_back(Term{rows.integer(0), rows.text(1), rows.text(2), rows.text(3), rows.integer(4)});
    if (step != SQLITE_DONE) return query_failed(state_->info, state_->db, "listing categories and tags");
    return terms;
}

Result<std::vector<PageRecord>> Bundle::pages_with_term(int64_t term_id) const {
    Statement rows;
    std::string sql = std::string("SELECT ") + kPageColumns +
                      " FROM pages WHERE id IN (SELECT page_id FROM page_terms WHERE term_id = ?)"
                      " ORDER BY published DESC NULLS LAST, url";
    if (Status prepared = rows.prepare(state_->db, sql.c_str()); !prepared) return prepared.error();
    rows.bind(1, term_id);
    std::vector<PageRecord> pages;
    int step;
    while ((step = rows.step()) == SQLITE_ROW) pages.push_back(read_page_row(rows));
    if (step != SQLITE_DONE) return query_failed(state_->info, state_->db, "listing a category's pages");
    return pages;
}

// [SECTION] Verification -----------------------------------------------------
Result<VerifyReport> Bundle::verify(const std::function<void(int64_t, int64_t)>& progress) const {
    return verify(progress, {});
}

Result<VerifyReport> Bundle::verify(const std::function<void(int64_t, int64_t)>& progress,
                                    const std::function<bool()>& should_stop) const {
    VerifyReport report;
    sqlite3* db = state_->db;

    Statement integrity;
    if (Status prepared = integrity.prepare(db, "PRAGMA integrity_check(20)"); !prepared) {
        report.problems.push_back({"database", prepared.message()});
        return report;
    }
    int step;
    while ((step = integrity.step()) == SQLITE_ROW) {
        std::string line = integrity.text(0);
        if (line != "ok") report.problems.push_back({"database", line});
    }
    if (step != SQLITE_DONE) report.problems.push_back({"database", std::string("integrity check failed: ") + sqlite3_errmsg(db)});

    int64_t total = state_->info.page_count + state_->info.image_count, done = 0;
    Statement pages;
    if (Status prepared = pages.prepare(db, "SELECT id, url FROM pages ORDER BY id"); !prepared) {
        report.problems.push_back({"database", "the page table cannot be read: " + prepared.message()});
        return report;
    }
    while ((step = pages.step()) == SQLITE_ROW) {
        if (should_stop && should_stop()) return report;
        Result<doc::Document> document = read_document(pages.integer(0));
        if (!document) report.problems.push_back({"page " + pages.text(1), document.error().message});
        ++report.pages_checked;
        if (progress) progress(++done, total);
    }
    if (step != SQLITE_DONE) report.problems.push_back({"database", std::string("reading pages failed: ") + sqlite3_errmsg(db)});

    Statement images;
    if (Status prepared = images.prepare(db, "SELECT id, url FROM images ORDER BY id"); !prepared) {
        report.problems.push_back({"database", "the image table cannot be read: " + prepared.message()});
        return report;
    }
    while ((step = images.step()) == SQLITE_ROW) {
        if (should_stop && should_stop()) return report;
        Result<ImageRecord> image = this->image(images.integer(0));
        if (!image) report.problems.push_back({"image " + images.text(1), image.error().message});
        ++report.images_checked;
        if (progress) progress(++done, total);
    }
    if (step != SQLITE_DONE) report.problems.push_back({"database", std::string("reading images failed: ") + sqlite3_errmsg(db)});

    if (Result<std::vector<FontRecord>> fonts = this->fonts(); !fonts)
        report.problems.push_back({"fonts", fonts.error().message});

    const signing::SignatureCheck& signature = state_->info.signature;
    if (signature.state == signing::SignatureState::tampered || signature.state == signing::SignatureState::bad_signature)
        for (const std::string& problem : signature.problems) report.problems.push_back({"signature", problem});

    if (report.pages_checked != state_->info.page_count)
        report.problems.push_back({"database", "the metadata counts " + std::to_string(state_->info.page_count) +
                                                   " pages but the page table holds " + std::to_string(report.pages_checked)});
    return report;
}

// [SECTION] Browsing: kinds, terms of a page, months -------------------------
namespace {

Result<std::vector<PageRecord>> collect_pages(Statement& rows, const BundleInfo& info, sqlite3* db, const char* doing) {
    std::vector<PageRecord> pages;
    int step;
    while ((step = rows.step()) == SQLITE_ROW) pages.push_back(read_page_row(rows));
    if (step != SQLITE_DONE) return query_failed(info, db, doing);
    return pages;
}

}  // namespace

Result<std::vector<PageRecord>> Bundle::list_pages(int64_t offset, int64_t limit, bool by_date, std::string_view kind) const {
    Statement rows;
    std::string sql = std::string("SELECT ") + kPageColumns + " FROM pages WHERE ?3 = '' OR kind = ?3 ORDER BY " +
                      (by_date ? "published DESC NULLS LAST, url" : "url") + " LIMIT ?1 OFFSET ?2";
    if (Status prepared = rows.prepare(state_->db, sql.c_str()); !prepared) return prepared.error();
    rows.bind(1, limit);
    rows.bind(2, offset);
    rows.bind(3, kind);
    return collect_pages(rows, state_->info, state_->db, "listing pages");
}

Result<std::vector<Term>> Bundle::page_terms(int64_t page_id) const {
    Statement rows;
    if (Status prepared = rows.prepare(state_->db,
                                       "SELECT t.id, t.kind, t.name, coalesce(t.url,''),"
                                       " (SELECT count(*) FROM page_terms c WHERE c.term_id = t.id)"
                                       " FROM page_terms pt JOIN terms t ON t.id = pt.term_id"
                                       " WHERE pt.page_id = ? ORDER BY t.kind, t.name");
        !prepared)
        return prepared.error();
    rows.bind(1, page_id);
    std::vector<Term> terms;
    int step;
    while ((step = rows.step()) == SQLITE_ROW)
        terms.push_back(Term{rows.integer(0), rows.text(1), rows.text(2), rows.text(3), rows.integer(4)});
    if (step != SQLITE_DONE) return query_failed(state_->info, state_->db, "reading a page's categories and tags");
    return terms;
}

Result<std::vector<MonthCount>> Bundle::months() const {
    Statement rows;
    if (Status prepared = rows.prepare(state_->db,
                                       "SELECT substr(published, 1, 7) AS month, count(*) FROM pages"
                                       " WHERE kind = 'article' AND published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'"
                                       " GROUP BY month ORDER BY month DESC");
        !prepared)
        return prepared.error();
    std::vector<MonthCount> months;
    int step;
    while ((step = rows.step()) == SQLITE_ROW) months.push_back(MonthCount{rows.text(0), rows.integer(1)});
    if (step != SQLITE_DONE) return query_failed(state_->info, state_->db, "listing the months");
    return months;
}

Result<std::vector<PageRecord>> Bundle::pages_in_month(std::string_view month) const {
    bool well_formed = month.size() == 7 && month[4] == '-';
    for (size_t i = 0; well_formed && i < month.size(); ++i)
        if (i != 4 && (month[i] < '0' || month[i] > '9')) well_formed = false;
    if (!well_formed)
        return Error{ErrorCode::invalid_argument, "\"" + std::string(month) + "\" is not a month: write it as YYYY-MM, e.g. 2023-10"};
    Statement rows;
    // A range on the published index: "2023-10" <= "2023-10-21..." < "2023-10~".
    std::string sql = std::string("SELECT ") + kPageColumns +
                      " FROM pages WHERE kind = 'article' AND published >= ?1 AND published < ?1 || '~'"
                      " ORDER BY published DESC, url";
    if (Status prepared = rows.prepare(state_->db, sql.c_str()); !prepared) return prepared.error();
    rows.bind(1, month);
    return collect_pages(rows, state_->info, state_->db, "listing a month's pages");
}

}  // namespace sitepack
