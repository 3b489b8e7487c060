// bundle.h: reading a sitepack bundle.
//
// A bundle is one SQLite file (docs/FORMAT.md). Bundle::open checks that the
// file is a bundle of a format version this reader understands and opens it
// read-only and immutable: nothing is ever written to it or beside it (no
// journal, no lock file), so it can live on a write-protected USB stick.
// Every page is readable alone: read_document() decompresses one zstd frame
// (with the bundle's dictionary) and decodes one document.
//
//   auto bundle = Bundle::open("lfnkr.sitepack");
//   if (!bundle) { report(bundle.error().message); return; }
//   auto page = bundle->find_page("/2023/10/21/open-letter-to-xi-jinping/");
//   auto body = bundle->read_document(page->id);
//
// A Bundle is not safe for concurrent use from several threads; give each
// thread its own Bundle (opening is cheap).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sitepack/document.h"
#include "sitepack/result.h"
#include "sitepack/signature.h"

namespace sitepack {

struct NavigationEntry {
    std::string label;
    std::string url;
    int64_t page_id = 0;  // 0 when the entry's page is not in the bundle
};

// What the bundle says about itself (the metadata table), read at open.
struct BundleInfo {
    std::string path;             // the file opened
    int64_t file_size = 0;
    int32_t format_version = 0;
    std::string site_name;
    std::string base_url;         // e.g. "https://www.northkoreanrefugees.com/"
    std::string build_date;       // ISO 8601 UTC
    std::string builder_version;
    std::vector<std::string> languages;
    int64_t home_page_id = 0;     // 0 when the site's front page is not in the bundle
    int64_t page_count = 0;
    int64_t article_count = 0;
    int64_t listing_count = 0;
    int64_t image_count = 0;
    int64_t redirect_count = 0;
    std::vector<NavigationEntry> menu;        // the site's own main menu
    std::vector<NavigationEntry> categories;  // its category list
    std::vector<NavigationEntry> archives;    // its monthly archive list
    // Who signed the bundle and whether its content is what they signed,
    // checked at open (signature.h). Pages, images and fonts are checked
    // against their signed hashes when read.
    signing::SignatureCheck signature;
};

struct OpenOptions {
    // Publisher keys the reader trusts (pinned): the signature check says
    // whether the bundle was signed by one of them (PublisherTrust).
    std::vector<signing::PublicKey> trusted_publishers;
};

struct PageRecord {
    int64_t id = 0;
    std::string url;          // canonical URL
    std::string kind;         // "article" or "listing"
    std::string title;
    std::string published;    // ISO 8601, "" if unknown
    std::string modified;
    std::string author;
    std::string language;
    std::string description;
    int64_t body_size = 0;    // decoded size of the body in bytes
};

struct ImageRecord {
    int64_t id = 0;
    std::string url;
    std::string mime_type;
    int32_t width = 0;
    int32_t height = 0;
    std::string content;      // the original bytes
};

// An embedded font: a subset holding the bundle's characters (fonts table).
struct FontRecord {
    std::string face;         // "regular", "bold", "italic", "bold-italic", "cjk-regular", "cjk-bold"
    std::string family;       // e.g. "Noto Sans", "Noto Sans CJK JP"
    std::string content;      // the font file (TrueType or CFF OpenType)
};

struct Term {
    int64_t id = 0;
    std::string kind;         // "category" or "tag"
    std::string name;
    std::string url;
    int64_t page_count = 0;
};

struct SearchHit {
    int64_t page_id = 0;
    std::string url;
    std::string title;
    std::string published;
    double score = 0;                 // lower is better
    std::string snippet;              // a window of the page's text around the matches
    // Byte ranges [first, second) of `snippet` that matched a query word.
    std::vector<std::pair<size_t, size_t>> highlights;
};

struct SearchResults {
    std::string query;
    int64_t total = 0;                // number of matching pages
    std::vector<SearchHit> hits;      // the requested slice, best first
};

// One problem found by verify().
struct VerifyProblem {
    std::string what;     // "page https://.../x/", "image https://...", "database"
    std::string message;  // what is wrong
};

// Articles published in one month, for the month archive.
struct MonthCount {
    std::string month;        // "2023-10"
    int64_t page_count = 0;
};

struct VerifyReport {
    int64_t pages_checked = 0;
    int64_t images_checked = 0;
    std::vector<VerifyProblem> problems;
    bool ok() const { return problems.empty(); }
};

class Bundle {
public:
    // Opens `path` read-only. Fails with not_found (no such file), io
    // (unreadable), not_a_bundle (not SQLite, or SQLite without the bundle's
    // application_id or tables), unsupported_version (a newer format) or
    // corrupt (the metadata or dictionary cannot be read); each message
    // names the file.
    static Result<Bundle> open(const std::string& path);
    // The same, with pinned publisher keys. A bad or missing signature is not
    // an open failure: it is reported in info().signature.
    static Result<Bundle> open(const std::string& path, const OpenOptions& options);

    // The pages a reader reads to open the bundle and show its home page,
    // as the builder recorded them in the read_first table (docs/FORMAT.md):
    // "2-9,23-85,601", 1-based SQLite page numbers. A reader over HTTP
    // fetches them at once before open(). Reads only the schema and that
    // table. Answers "" when the bundle has no such table (older builders);
    // fails with io or corrupt, naming the file, when it cannot be read.
    // The text is the file's: a caller checks it before acting on it.
    static Result<std::string> pages_read_first(const std::string& path);

    Bundle(Bundle&&) noexcept;
    Bundle& operator=(Bundle&&) noexcept;
    ~Bundle();

    const BundleInfo& info() const;

    // Finds a page by URL as on the site (any spelling: http or https,
    // with or without index.html or a trailing slash) or by its path
    // ("/about/"), following redirects and aliases. not_found when absent.
    Result<PageRecord> find_page(std::string_view url_or_path) const;
    Result<PageRecord> page(int64_t page_id) const;

    // Decompresses, checks against the stored hash, and decodes one page
    // body. corrupt names the page's URL when any step fails; a body that
    // does not match its hash is "altered or damaged".
    Result<doc::Document> read_document(int64_t page_id) const;

    // Pages in URL order (or newest first when by_date), `limit` from `offset`.
    Result<std::vector<PageRecord>> list_pages(int64_t offset, int64_t limit, bool by_date = false) const;

    // Titles starting with (or containing) `prefix`, for suggestions as one types.
    Result<std::vector<PageRecord>> suggest_titles(std::string_view prefix, int limit) const;

    // Full-text search over titles and bodies (articles only), ranked by
    // BM25 with titles weighing more; English words and CJK text. An empty
    // or wordless query gives zero hits, not an error.
    Result<SearchResults> search(std::string_view query, int64_t offset, int64_t limit) const;

    Result<ImageRecord> image(int64_t image_id) const;

    // The embedded fonts, in the order of FontRecord::face above; only the
    // faces named in `faces` when it is not empty (others are not read);
    // empty when the bundle has none (built without fonts, or before the
    // fonts table). corrupt when a font does not match its stored hash.
    Result<std::vector<FontRecord>> fonts(const std::vector<std::string>& faces = {}) const;

    // Categories and tags with their page counts; kind "" gives both.
    Result<std::vector<Term>> terms(std::string_view kind) const;
    Result<std::vector<PageRecord>> pages_with_term(int64_t term_id) const;

    // Checks SQLite's integrity and every page and image against its hash.
    // `progress(done, total)` is called as it goes (may be empty).
    Result<VerifyReport> verify(const std::function<void(int64_t, int64_t)>& progress = {}) const;
    // The same, stopping early (with the report so far) once `should_stop()`
    // returns true; it is asked before each page and image.
    Result<VerifyReport> verify(const std::function<void(int64_t, int64_t)>& progress,
                                const std::function<bool()>& should_stop) const;

    // Pages of one kind ("article", "listing"; "" for both), as list_pages.
    Result<std::vector<PageRecord>> list_pages(int64_t offset, int64_t limit, bool by_date, std::string_view kind) const;

    // The categories and tags of one page, categories first, by name.
    Result<std::vector<Term>> page_terms(int64_t page_id) const;

    // Months in which articles were published, newest first, with how many.
    Result<std::vector<MonthCount>> months() const;
    // Articles published in `month` ("2023-10"), newest first.
    Result<std::vector<PageRecord>> pages_in_month(std::string_view month) const;

private:
    struct State;
    explicit Bundle(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace sitepack
