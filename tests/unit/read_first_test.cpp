// read_first_test.cpp: the pages a reader reads first, as the builder
// records them (bundle/read_first.h) and the reader finds them
// (Bundle::pages_read_first).
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "read_first.h"
#include "sitepack/bundle.h"
#include "sitepack/signature.h"
#include "test_support.h"

using namespace sitepack;

namespace {

std::string copy_of_sample(const std::string& name) {
    const std::filesystem::path copy = test::scratch_folder() / name;
    std::filesystem::copy_file(test::sample_bundle(), copy, std::filesystem::copy_options::overwrite_existing);
    return copy.string();
}

void exec(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    REQUIRE_MESSAGE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK, sqlite3_errmsg(db));
    sqlite3_close(db);
}

int64_t page_of_table(const std::string& path, const char* table) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_master WHERE name = ?", -1, &statement, nullptr) == SQLITE_OK);
    sqlite3_bind_text(statement, 1, table, -1, SQLITE_STATIC);
    REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
    const int64_t page = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return page;
}

bool lists_page(const build::PageRanges& ranges, int64_t page) {
    for (const auto& [first, last] : ranges)
        if (first <= page && page <= last) return true;
    return false;
}

}  // namespace

TEST_CASE("a built bundle names the pages a reader reads to show its home page, and they are what it reads") {
    const std::string& bundle = test::sample_bundle();
    Result<std::string> stored = Bundle::pages_read_first(bundle);
    REQUIRE_MESSAGE(stored, stored.error().message);
    Result<build::PageRanges> read_now = build::pages_read_first(bundle);
    REQUIRE_MESSAGE(read_now, read_now.error().message);
    // Recorded after the row was written: the row names exactly what the
    // reader core reads from the finished file.
    CHECK(stored.value() == build::format_page_ranges(read_now.value()));
    REQUIRE_FALSE(read_now->empty());
    CHECK(read_now->front().first == 1);  // SQLite's header and schema
    CHECK(lists_page(read_now.value(), page_of_table(bundle, "metadata")));
    CHECK(lists_page(read_now.value(), page_of_table(bundle, "fonts")));
    // Ascending ranges that do not touch, inside the file.
    Result<Bundle> opened = Bundle::open(bundle);
    REQUIRE(opened);
    int64_t previous_last = 0;
    for (const auto& [first, last] : read_now.value()) {
        CHECK((previous_last == 0 || first > previous_last + 1));
        CHECK(last >= first);
        previous_last = last;
    }
    CHECK(previous_last * 4096 <= opened->info().file_size);
}

TEST_CASE("a returning reader's lookup of the home page by its address is among the pages read first") {
    // The reader resumes where it left off by address (after a first visit,
    // the home page): without the address index's pages in the list, that
    // second visit waits for them one request after another.
    const std::string& bundle = test::sample_bundle();
    Result<build::PageRanges> read_now = build::pages_read_first(bundle);
    REQUIRE_MESSAGE(read_now, read_now.error().message);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(bundle.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(db,
                               "SELECT m.name FROM sqlite_master m, pragma_index_info(m.name) i "
                               "WHERE m.type = 'index' AND m.tbl_name = 'pages' AND i.name = 'url'",
                               -1, &statement, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
    const std::string address_index = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    sqlite3_finalize(statement);
    sqlite3_close(db);
    CHECK(lists_page(read_now.value(), page_of_table(bundle, address_index.c_str())));
}

TEST_CASE("signing records the pages again: the signature, read at open, is among them") {
    const std::string bundle = copy_of_sample("read-first-signed.sitepack");
    Result<signing::SecretKey> key = signing::generate_key("Read First Publisher");
    REQUIRE(key);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(bundle.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    REQUIRE(signing::sign_database(db, key.value(), "2026-11-26T00:00:00Z"));
    sqlite3_close(db);
    const int64_t signature_page = page_of_table(bundle, "signature");

    Result<build::PageRanges> before = build::pages_read_first(bundle);
    REQUIRE(before);
    Result<std::string> stale = Bundle::pages_read_first(bundle);
    REQUIRE(stale);
    CHECK(stale.value() != build::format_page_ranges(before.value()));  // the signature moved things

    REQUIRE(build::record_read_first(bundle));
    Result<std::string> stored = Bundle::pages_read_first(bundle);
    REQUIRE(stored);
    Result<build::PageRanges> after = build::pages_read_first(bundle);
    REQUIRE(after);
    CHECK(stored.value() == build::format_page_ranges(after.value()));
    CHECK(lists_page(after.value(), signature_page));
    // The row is not signed: recording it again leaves the signature valid.
    Result<Bundle> opened = Bundle::open(bundle);
    REQUIRE(opened);
    CHECK(opened->info().signature.state == signing::SignatureState::verified);
}

TEST_CASE("a bundle from an older builder has no list, and the reader is told so with an empty answer") {
    const std::string bundle = copy_of_sample("read-first-absent.sitepack");
    exec(bundle, "DROP TABLE read_first");
    Result<std::string> stored = Bundle::pages_read_first(bundle);
    REQUIRE(stored);
    CHECK(stored.value().empty());
    CHECK(Bundle::open(bundle));  // and it opens as before
}

TEST_CASE("a file that is not a bundle fails with a message naming it") {
    const std::filesystem::path notes = test::scratch_folder() / "read-first-notes.sitepack";
    {
        std::ofstream out(notes);
        out << "These are not the pages you are looking for.\n";
    }
    Result<std::string> stored = Bundle::pages_read_first(notes.string());
    REQUIRE_FALSE(stored);
    CHECK(stored.error().message.find(notes.string()) != std::string::npos);
    Result<build::PageRanges> recorded = build::pages_read_first(notes.string());
    REQUIRE_FALSE(recorded);
    CHECK(recorded.error().message.find(notes.string()) != std::string::npos);
}
