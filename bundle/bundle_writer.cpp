#include "bundle_writer.h"
#include "read_first.h"

#include <sqlite3.h>
#include <zstd.h>

#include "sitepack/bundle_format.h"
#include "sitepack/search_text.h"

namespace sitepack::build {
namespace {

// The schema, documented column by column in docs/FORMAT.md. VACUUM lays
// the tables out in this order: what a reader needs to open a bundle and
// draw its first page (metadata, the dictionary, navigation, fonts, then the
// pages from the home page on) comes first and contiguous, so a reader over
// HTTP gets it in a few sequential reads instead of many scattered ones.
// Made first, then read_first (kReadFirstTable), then kSchema.
const char* kMetadataSchema = R"sql(
CREATE TABLE metadata(
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";
const char* kSchema = R"sql(
CREATE TABLE zstd_dictionaries(
  id INTEGER PRIMARY KEY,
  content BLOB NOT NULL
);
CREATE TABLE navigation(
  kind TEXT NOT NULL CHECK (kind IN ('menu', 'categories', 'archives')),
  position INTEGER NOT NULL,
  label TEXT NOT NULL,
  url TEXT NOT NULL,
  target_page_id INTEGER REFERENCES pages(id),
  PRIMARY KEY (kind, position)
) WITHOUT ROWID;
CREATE TABLE fonts(
  id INTEGER PRIMARY KEY,
  face TEXT NOT NULL UNIQUE CHECK (face IN ('regular', 'bold', 'italic', 'bold-italic', 'cjk-regular', 'cjk-bold')),
  family TEXT NOT NULL,
  content BLOB NOT NULL,
  content_hash TEXT NOT NULL
);
CREATE TABLE pages(
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('article', 'listing')),
  title TEXT NOT NULL,
  published TEXT,
  modified TEXT,
  author TEXT,
  language TEXT NOT NULL,
  description TEXT,
  dictionary_id INTEGER REFERENCES zstd_dictionaries(id),
  body_size INTEGER NOT NULL,
  body_hash TEXT NOT NULL,
  -- Last: a long body spills onto overflow pages, which a read of the
  -- columns before it (the signature's manifest) never has to follow.
  body BLOB NOT NULL
);
CREATE INDEX pages_by_published ON pages(published);
CREATE TABLE redirects(
  url TEXT PRIMARY KEY NOT NULL,
  target_url TEXT NOT NULL,
  target_page_id INTEGER REFERENCES pages(id),
  reason TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE terms(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('category', 'tag')),
  name TEXT NOT NULL,
  url TEXT,
  UNIQUE (kind, name)
);
CREATE TABLE page_terms(
  term_id INTEGER NOT NULL REFERENCES terms(id),
  page_id INTEGER NOT NULL REFERENCES pages(id),
  PRIMARY KEY (term_id, page_id)
) WITHOUT ROWID;
CREATE INDEX page_terms_by_page ON page_terms(page_id);
CREATE TABLE links(
  page_id INTEGER NOT NULL REFERENCES pages(id),
  position INTEGER NOT NULL,
  target TEXT NOT NULL CHECK (target IN ('internal', 'missing', 'external', 'image')),
  target_id INTEGER,
  url TEXT,
  PRIMARY KEY (page_id, position)
) WITHOUT ROWID;
CREATE TABLE images(
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  mime_type TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  content BLOB NOT NULL,
  content_hash TEXT NOT NULL
);
CREATE VIRTUAL TABLE search USING fts5(
  title, body, content='', detail=column, tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE search_lengths(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  columns INTEGER NOT NULL,
  codes BLOB NOT NULL
);
)sql";

class Insert {
public:
    Insert() = default;
    Insert(const Insert&) = delete;
    ~Insert() { sqlite3_finalize(statement_); }
    sqlite3_stmt* statement_ = nullptr;
};

}  // namespace

struct BundleWriter::State {
    sqlite3* db = nullptr;
    std::string path;
    Insert metadata, dictionary, page, search, redirect, term, page_term, link, image, navigation;
    Insert font;  // fonts table (font_subset.h)
    ~State() { sqlite3_close(db); }

    Status failed(const char* doing) const {
        return Status(ErrorCode::io, path + ": " + doing + ": " + sqlite3_errmsg(db));
    }
    Status exec(const char* sql, const char* doing) {
        char* message = nullptr;
        if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            std::string text = message ? message : "unknown error";
            sqlite3_free(message);
            return Status(ErrorCode::io, path + ": " + doing + ": " + text);
        }
        return {};
    }
    // Runs a bound insert once and makes it ready for the next row.
    Status run(Insert& insert, const char* doing) {
        int result = sqlite3_step(insert.statement_);
        sqlite3_reset(insert.statement_);
        sqlite3_clear_bindings(insert.statement_);
        if (result != SQLITE_DONE) return failed(doing);
        return {};
    }
    Status prepare(Insert& insert, const char* sql) {
        if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &insert.statement_, nullptr) != SQLITE_OK)
            return failed("preparing an insert");
        return {};
    }
};

namespace {

// Binds values left to right: text ("" as NULL when nullable), integers
// (0 as NULL when nullable), blobs.
struct Binder {
    sqlite3_stmt* statement;
    int index = 1;
    Binder& text(std::string_view value, bool null_if_empty = false) {
        if (null_if_empty && value.empty()) sqlite3_bind_null(statement, index++);
        else sqlite3_bind_text(statement, index++, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Binder& integer(int64_t value, bool null_if_zero = false) {
        if (null_if_zero && value == 0) sqlite3_bind_null(statement, index++);
        else sqlite3_bind_int64(statement, index++, value);
        return *this;
    }
    Binder& blob(std::string_view value) {
        sqlite3_bind_blob(statement, index++, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
        return *this;
    }
};

}  // namespace

BundleWriter::BundleWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
BundleWriter::BundleWriter(BundleWriter&&) noexcept = default;
BundleWriter& BundleWriter::operator=(BundleWriter&&) noexcept = default;
BundleWriter::~BundleWriter() = default;

Result<BundleWriter> BundleWriter::create(const std::string& path) {
    auto state = std::make_unique<State>();
    state->path = path;
    if (sqlite3_open_v2(path.c_str(), &state->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE,
                        nullptr) != SQLITE_OK)
        return Error{ErrorCode::io, path + ": cannot create: " + sqlite3_errmsg(state->db)};
    std::string pragmas = "PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                          " PRAGMA locking_mode = EXCLUSIVE; PRAGMA foreign_keys = OFF;"
                          " PRAGMA application_id = " + std::to_string(kBundleApplicationId) + ";"
                          " PRAGMA user_version = " + std::to_string(kBundleFormatVersion) + ";";
    if (Status done = state->exec(pragmas.c_str(), "setting up"); !done) return done.error();
    for (const char* sql : {kMetadataSchema, kReadFirstTable, kSchema})
        if (Status done = state->exec(sql, "creating the schema"); !done) return done.error();
    if (Status done = state->exec("BEGIN", "starting the transaction"); !done) return done.error();

    struct { Insert* insert; const char* sql; } inserts[] = {
        {&state->metadata, "INSERT INTO metadata(key, value) VALUES (?, ?)"},
        {&state->dictionary, "INSERT INTO zstd_dictionaries(id, content) VALUES (?, ?)"},
        {&state->page, "INSERT INTO pages(id, url, kind, title, published, modified, author, language, description,"
                       " dictionary_id, body, body_size, body_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"},
        {&state->search, "INSERT INTO search(rowid, title, body) VALUES (?, ?, ?)"},
        {&state->redirect, "INSERT INTO redirects(url, target_url, target_page_id, reason) VALUES (?, ?, ?, ?)"},
        {&state->term, "INSERT INTO terms(id, kind, name, url) VALUES (?, ?, ?, ?)"},
        {&state->page_term, "INSERT OR IGNORE INTO page_terms(term_id, page_id) VALUES (?, ?)"},
        {&state->link, "INSERT INTO links(page_id, position, target, target_id, url) VALUES (?, ?, ?, ?, ?)"},
        {&state->image, "INSERT INTO images(id, url, mime_type, width, height, content, content_hash) VALUES (?,?,?,?,?,?,?)"},
        {&state->navigation, "INSERT INTO navigation(kind, position, label, url, target_page_id) VALUES (?, ?, ?, ?, ?)"},
        {&state->font, "INSERT INTO fonts(face, family, content, content_hash) VALUES (?, ?, ?, ?)"},
    };
    for (auto& insert : inserts)
        if (Status prepared = state->prepare(*insert.insert, insert.sql); !prepared) return prepared.error();
    return BundleWriter(std::move(state));
}

Status BundleWriter::add_metadata(std::string_view key, std::string_view value) {
    Binder{state_->metadata.statement_}.text(key).text(value);
    return state_->run(state_->metadata, "writing metadata");
}

Status BundleWriter::add_dictionary(int64_t id, std::string_view content) {
    Binder{state_->dictionary.statement_}.integer(id).blob(content);
    return state_->run(state_->dictionary, "writing the dictionary");
}

Status BundleWriter::add_page(const PageRow& page) {
    Binder{state_->page.statement_}
        .integer(page.id).text(page.url).text(page.kind).text(page.title)
        .text(page.published, true).text(page.modified, true).text(page.author, true)
        .text(page.language).text(page.description, true)
        .integer(page.has_dictionary ? 1 : 0, true)
        .blob(page.body).integer(page.body_size).text(page.body_hash);
    return state_->run(state_->page, "writing a page");
}

Status BundleWriter::add_search_text(int64_t page_id, std::string_view title, std::string_view body) {
    Binder{state_->search.statement_}.integer(page_id).text(title).text(body);
    return state_->run(state_->search, "indexing a page");
}

Status BundleWriter::add_redirect(std::string_view url, std::string_view target_url, int64_t target_page_id,
                                  std::string_view reason) {
    Binder{state_->redirect.statement_}.text(url).text(target_url).integer(target_page_id, true).text(reason);
    return state_->run(state_->redirect, "writing a redirect");
}

Status BundleWriter::add_term(int64_t id, std::string_view kind, std::string_view name, std::string_view url) {
    Binder{state_->term.statement_}.integer(id).text(kind).text(name).text(url, true);
    return state_->run(state_->term, "writing a category or tag");
}

Status BundleWriter::add_page_term(int64_t page_id, int64_t term_id) {
    Binder{state_->page_term.statement_}.integer(term_id).integer(page_id);
    return state_->run(state_->page_term, "writing a page's category or tag");
}

Status BundleWriter::add_link(int64_t page_id, int64_t position, std::string_view target, int64_t target_id,
                              std::string_view url) {
    Binder{state_->link.statement_}.integer(page_id).integer(position).text(target).integer(target_id, true).text(url, true);
    return state_->run(state_->link, "writing a link");
}

Status BundleWriter::add_image(const ImageRow& image) {
    Binder{state_->image.statement_}
        .integer(image.id).text(image.url).text(image.mime_type).integer(image.width).integer(image.height)
        .blob(image.content).text(content_hash(image.content));
    return state_->run(state_->image, "writing an image");
}

Status BundleWriter::add_navigation(std::string_view kind, int64_t position, std::string_view label,
                                    std::string_view url, int64_t target_page_id) {
    Binder{state_->navigation.statement_}.text(kind).integer(position).text(label).text(url).integer(target_page_id, true);
    return state_->run(state_->navigation, "writing the site navigation");
}

// fonts: the embedded font subsets (font_subset.h), each a zstd frame: a
// reader in a browser fetches the faces a page needs over HTTP, and the
// Latin subsets shrink by 40% (the CJK ones, already compact CFF, by 14%).
Status BundleWriter::add_font(std::string_view face, std::string_view family, std::string_view content) {
    std::string frame(ZSTD_compressBound(content.size()), '\0');
    const size_t size = ZSTD_compress(frame.data(), frame.size(), content.data(), content.size(), 19);
    if (ZSTD_isError(size))
        return Error{ErrorCode::internal, "compressing the " + std::string(face) + " font failed: " + ZSTD_getErrorName(size)};
    frame.resize(size);
    Binder{state_->font.statement_}.text(face).text(family).blob(frame).text(content_hash(content));
    return state_->run(state_->font, "writing a font");
}

// search_lengths: every indexed page's length per column, from FTS5's
// docsize table, as one compact blob (sitepack/search_text.h says why).
Status BundleWriter::write_search_lengths() {
    sqlite3_stmt* read = nullptr;
    if (sqlite3_prepare_v2(state_->db, "SELECT id, sz FROM search_docsize ORDER BY id", -1, &read, nullptr) != SQLITE_OK)
        return state_->failed("reading the search index's page lengths");
    constexpr int kColumns = 2;  // title, body
    std::string codes;
    std::vector<uint32_t> lengths;
    int64_t previous = 0;
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(read)) == SQLITE_ROW) {
        lengths.clear();
        const int64_t rowid = sqlite3_column_int64(read, 0);
        if (!search::decode_docsize_record(static_cast<const unsigned char*>(sqlite3_column_blob(read, 1)),
                                           sqlite3_column_bytes(read, 1), kColumns, lengths) || rowid <= previous) {
            sqlite3_finalize(read);
            return Status(ErrorCode::internal, "the search index's page lengths are malformed at row " + std::to_string(rowid));
        }
        search::append_length_entry(codes, rowid - previous, lengths);
        previous = rowid;
    }
    sqlite3_finalize(read);
    if (step != SQLITE_DONE) return state_->failed("reading the search index's page lengths");
    sqlite3_stmt* write = nullptr;
    if (sqlite3_prepare_v2(state_->db, "INSERT INTO search_lengths(id, columns, codes) VALUES (1, ?, ?)", -1, &write, nullptr) != SQLITE_OK)
        return state_->failed("writing the page lengths");
    sqlite3_bind_int(write, 1, kColumns);
    sqlite3_bind_blob64(write, 2, codes.data(), codes.size(), SQLITE_STATIC);
    const int written = sqlite3_step(write);
    sqlite3_finalize(write);
    if (written != SQLITE_DONE) return state_->failed("writing the page lengths");
    return {};
}

Status BundleWriter::finish() {
    for (Insert* insert : {&state_->metadata, &state_->dictionary, &state_->page, &state_->search, &state_->redirect,
                           &state_->term, &state_->page_term, &state_->link, &state_->image, &state_->navigation,
                           &state_->font}) {
        sqlite3_finalize(insert->statement_);
        insert->statement_ = nullptr;
    }
    if (Status done = state_->exec("COMMIT", "committing"); !done) return done;
    // One b-tree per FTS5 level merged into one: smaller and faster to query.
    if (Status done = state_->exec("INSERT INTO search(search) VALUES ('optimize')", "optimizing the search index"); !done)
        return done;
    if (Status done = write_search_lengths(); !done) return done;
    if (Status done = state_->exec("VACUUM", "compacting"); !done) return done;
    if (sqlite3_close(state_->db) != SQLITE_OK) return state_->failed("closing");
    state_->db = nullptr;
    return {};
}

}  // namespace sitepack::build
