// bundle_test.cpp: opening and reading bundles, as the reader does, on a
// bundle built from the sample mirror and on damaged copies of it.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <string>

#include "site_builder.h"
#include "sitepack/bundle.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace sitepack;

namespace {

const fs::path& test_folder() { return test::scratch_folder(); }
using test::sample_bundle;

// A copy of the sample bundle with `sql` applied to it.
std::string altered_copy(const std::string& name, const std::string& sql) {
    fs::path copy = test_folder() / name;
    fs::copy_file(sample_bundle(), copy, fs::copy_options::overwrite_existing);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(copy.c_str(), &db) == SQLITE_OK);
    char* message = nullptr;
    int result = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    CHECK_MESSAGE(result == SQLITE_OK, (message ? message : ""));
    sqlite3_free(message);
    sqlite3_close(db);
    return copy.string();
}

std::string write_file(const std::string& name, const std::string& content) {
    fs::path path = test_folder() / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
}

const char* kOpenLetter = "/2023/10/21/open-letter-to-xi-jinping/";

}  // namespace

TEST_CASE("opening a file that does not exist says so") {
    Result<Bundle> bundle = Bundle::open((test_folder() / "absent.sitepack").string());
    REQUIRE_FALSE(bundle.ok());
    CHECK(bundle.code() == ErrorCode::not_found);
    CHECK(bundle.error().message.find("absent.sitepack") != std::string::npos);
}

TEST_CASE("a zero-length file and a text file are not bundles") {
    Result<Bundle> empty = Bundle::open(write_file("empty.sitepack", ""));
    CHECK(empty.code() == ErrorCode::not_a_bundle);
    CHECK(empty.error().message.find("empty") != std::string::npos);
    Result<Bundle> text = Bundle::open(write_file("notes.sitepack", std::string(5000, 'x')));
    CHECK(text.code() == ErrorCode::not_a_bundle);
}

TEST_CASE("an SQLite database of another program is not a bundle") {
    fs::path path = test_folder() / "other.sqlite";
    fs::remove(path);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    Result<Bundle> bundle = Bundle::open(path.string());
    CHECK(bundle.code() == ErrorCode::not_a_bundle);
}

TEST_CASE("a bundle of a newer format version is refused with a request to update") {
    Result<Bundle> bundle = Bundle::open(altered_copy("newer.sitepack", "PRAGMA user_version = 7"));
    REQUIRE_FALSE(bundle.ok());
    CHECK(bundle.code() == ErrorCode::unsupported_version);
    CHECK(bundle.error().message.find("version 7") != std::string::npos);
}

TEST_CASE("the bundle describes its site") {
    Bundle bundle = std::move(Bundle::open(sample_bundle()).value());
    const BundleInfo& info = bundle.info();
    CHECK(info.base_url == "https://www.northkoreanrefugees.com/");
    CHECK(info.page_count == info.article_count + info.listing_count);
    CHECK(info.page_count > 25);
    CHECK(info.home_page_id > 0);
    CHECK_FALSE(info.menu.empty());
}

TEST_CASE("a page is found by any spelling of its address") {
    Bundle bundle = std::move(Bundle::open(sample_bundle()).value());
    Result<PageRecord> by_path = bundle.find_page(kOpenLetter);
    REQUIRE(by_path.ok());
    CHECK(by_path->title == "Open Letter to Xi Jinping");
    CHECK(by_path->published.rfind("2023-10-21", 0) == 0);
    for (const char* spelling : {"http://www.northkoreanrefugees.com/2023/10/21/open-letter-to-xi-jinping/index.html",
                                 "https://www.northkoreanrefugees.com/2023/10/21/open-letter-to-xi-jinping#top",
                                 "/?p=4512"}) {
        Result<PageRecord> page = bundle.find_page(spelling);
        REQUIRE_MESSAGE(page.ok(), spelling);
        CHECK(page->id == by_path->id);
    }
    CHECK(bundle.find_page("/no/such/page/").code() == ErrorCode::not_found);
    CHECK(bundle.find_page("mailto:someone@example.org").code() == ErrorCode::not_found);
}

TEST_CASE("a page body decodes into its document") {
    Bundle bundle = std::move(Bundle::open(sample_bundle()).value());
    Result<doc::Document> body = bundle.read_document(bundle.find_page(kOpenLetter)->id);
    REQUIRE(body.ok());
    CHECK(doc::plain_text(body.value()).find("forcibly repatriated") != std::string::npos);
}

TEST_CASE("a damaged page body is reported with the page's address and the others still read") {
    std::string damaged = altered_copy(
        "damaged-page.sitepack",
        "UPDATE pages SET body = substr(body, 1, 20) || x'00' || substr(body, 22) WHERE url LIKE '%open-letter-to-xi-jinping'");
    Bundle bundle = std::move(Bundle::open(damaged).value());
    Result<doc::Document> body = bundle.read_document(bundle.find_page(kOpenLetter)->id);
    REQUIRE_FALSE(body.ok());
    CHECK(body.code() == ErrorCode::corrupt);
    CHECK(body.error().message.find("open-letter-to-xi-jinping") != std::string::npos);
    CHECK(bundle.read_document(bundle.find_page("/about/")->id).ok());
    Result<VerifyReport> report = bundle.verify();
    REQUIRE(report.ok());
    REQUIRE(report->problems.size() == 1);
    CHECK(report->problems[0].what.find("open-letter-to-xi-jinping") != std::string::npos);
}

TEST_CASE("a body whose frame claims a huge size is refused without allocating it") {
    std::string damaged = altered_copy("bomb.sitepack",
                                       "UPDATE pages SET body_size = 4000000000 WHERE url LIKE '%open-letter-to-xi-jinping'");
    Bundle bundle = std::move(Bundle::open(damaged).value());
    Result<doc::Document> body = bundle.read_document(bundle.find_page(kOpenLetter)->id);
    CHECK(body.code() == ErrorCode::corrupt);
}

TEST_CASE("search ranks the page whose title holds the query first") {
    Bundle bundle = std::move(Bundle::open(sample_bundle()).value());
    Result<SearchResults> results = bundle.search("Xi Jinping", 0, 5);
    REQUIRE(results.ok());
    REQUIRE(results->total >= 2);
    CHECK(results->hits[0].title == "Open Letter to Xi Jinping");
    CHECK(results->hits[0].score < results->hits[1].score);
}

TEST_CASE("search ranks with the builder's compact page lengths as with FTS5's own") {
    // "refugees" matches most pages (the reader reads every length at once),
    // "Wakayama" a few (without the compact table, FTS5 looks each one up).
    const std::string without = altered_copy("no-lengths.sitepack", "DROP TABLE search_lengths");
    Bundle compact = std::move(Bundle::open(sample_bundle()).value());
    Bundle exact = std::move(Bundle::open(without).value());
    for (const char* query : {"refugees", "Wakayama", "North Korea"}) {
        INFO(query);
        Result<SearchResults> with_codes = compact.search(query, 0, 10);
        Result<SearchResults> with_docsize = exact.search(query, 0, 10);
        REQUIRE(with_codes.ok());
        REQUIRE(with_docsize.ok());
        REQUIRE(with_codes->hits.size() == with_docsize->hits.size());
        REQUIRE(!with_codes->hits.empty());
        for (size_t i = 0; i < with_codes->hits.size(); ++i) {
            // Lengths within 4% move a score by less than 3%.
            CHECK(with_codes->hits[i].score == doctest::Approx(with_docsize->hits[i].score).epsilon(0.03));
        }
        CHECK(with_codes->hits[0].page_id == with_docsize->hits[0].page_id);
    }
}

TEST_CASE("a search snippet marks every query word it shows") {
    Bundle bundle = std::move(Bundle::open(sample_bundle()).value());
    Result<SearchResults> results = bundle.search("forced repatriation", 0, 5);
    REQUIRE(results.ok());
    REQUIRE_FALSE(results->hits.empty());
    for (const SearchHit& hit : results->hits) {
        REQUIRE_FALSE(hit.highlights.empty());
        for (auto [first, last] : hit.highlights) {
            std::string marked = hit.snippet.substr(first, last - first);
            for (char& c : marked) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            CHECK((marked == "forced" || marked == "repatriation"));
        }
    }
}

TEST_CASE("search finds Japanese and Korean words") {
    Bundle bundle = std::move(Bundle::open(sample_bundle()).value());
    CHECK(bundle.search("難民", 0, 10)->total >= 1);
    CHECK(bundle.search("북송사업", 0, 10)->total >= 1);
    CHECK(bundle.search("북송", 0, 10)->total >= 1);
}

TEST_CASE("an empty or wordless query gives no hits and no error") {
    Bundle bundle = std::move(Bundle::open(sample_bundle()).value());
    Result<SearchResults> results = bundle.search(" \"*( ", 0, 10);
    REQUIRE(results.ok());
    CHECK(results->total == 0);
}

TEST_CASE("title suggestions put titles starting with the typed text first") {
    Bundle bundle = std::move(Bundle::open(sample_bundle()).value());
    Result<std::vector<PageRecord>> suggestions = bundle.suggest_titles("open", 5);
    REQUIRE(suggestions.ok());
    REQUIRE_FALSE(suggestions->empty());
    CHECK(suggestions->front().title == "Open Letter to Xi Jinping");
}

TEST_CASE("categories list their posts") {
    Bundle bundle = std::move(Bundle::open(sample_bundle()).value());
    Result<std::vector<Term>> categories = bundle.terms("category");
    REQUIRE(categories.ok());
    REQUIRE_FALSE(categories->empty());
    const Term& first = categories->front();
    Result<std::vector<PageRecord>> pages = bundle.pages_with_term(first.id);
    REQUIRE(pages.ok());
    CHECK(static_cast<int64_t>(pages->size()) == first.page_count);
}

TEST_CASE("fonts are stored as zstd frames and read back as the font files their hashes name") {
    Bundle bundle = std::move(Bundle::open(sample_bundle()).value());
    Result<std::vector<FontRecord>> fonts = bundle.fonts();
    REQUIRE_MESSAGE(fonts.ok(), fonts.error().message);
    REQUIRE(fonts->size() >= 4);
    for (const FontRecord& font : fonts.value()) {
        INFO(font.face);
        // A TrueType (0x00010000) or CFF OpenType ("OTTO") file, ready for FreeType.
        CHECK((font.content.compare(0, 4, std::string("\0\1\0\0", 4)) == 0 || font.content.compare(0, 4, "OTTO") == 0));
    }
    // What the bundle stores is smaller: a frame, not the file.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(sample_bundle().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* row = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT hex(substr(content, 1, 4)), length(content) FROM fonts WHERE face = 'regular'", -1, &row, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(row) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(row, 0))) == "28B52FFD");
    CHECK(sqlite3_column_int64(row, 1) < static_cast<int64_t>(fonts->front().content.size()) * 3 / 4);
    sqlite3_finalize(row);
    sqlite3_close(db);
}

TEST_CASE("a font whose frame claims a huge size is refused without allocating it; the other faces still read") {
    // A frame header claiming 1 TB (8-byte content size, single segment), then an empty last block.
    std::string damaged = altered_copy("font-bomb.sitepack",
                                       "UPDATE fonts SET content = x'28B52FFDE00000000000010000010000' WHERE face = 'bold'");
    Bundle bundle = std::move(Bundle::open(damaged).value());
    Result<std::vector<FontRecord>> bold = bundle.fonts({"bold"});
    REQUIRE_FALSE(bold.ok());
    CHECK(bold.code() == ErrorCode::corrupt);
    CHECK(bold.error().message.find("font bold is damaged: it claims 1099511627776 bytes") != std::string::npos);
    CHECK(bundle.fonts({"regular"}).ok());
    Result<VerifyReport> report = bundle.verify();
    REQUIRE(report.ok());
    REQUIRE(report->problems.size() == 1);
    CHECK(report->problems[0].what == "fonts");
}

TEST_CASE("a damaged image is named by verify and by image()") {
    std::string damaged = altered_copy("damaged-image.sitepack",
                                       "UPDATE images SET content = substr(content, 1, 30) WHERE id = 1");
    Bundle bundle = std::move(Bundle::open(damaged).value());
    CHECK(bundle.image(1).code() == ErrorCode::corrupt);
    Result<VerifyReport> report = bundle.verify();
    REQUIRE(report.ok());
    CHECK_FALSE(report->ok());
    CHECK(report->problems[0].what.rfind("image https://", 0) == 0);
}
