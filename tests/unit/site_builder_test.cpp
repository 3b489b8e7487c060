// site_builder_test.cpp: `sitepack build` as a library call, on small
// mirrors written by the test, read back through the reader's Bundle.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "site_builder.h"
#include "sitepack/bundle_format.h"
#include "sitepack/bundle.h"

namespace fs = std::filesystem;
using namespace sitepack;

namespace {

// A fresh folder under the test build's tmp.
fs::path scratch(const std::string& name) {
    fs::path path = fs::path(SITEPACK_TEST_TMP) / "site_builder" / name;
    fs::remove_all(path);
    fs::create_directories(path);
    return path;
}

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::string post_html(int number) {
    std::string html = "<!doctype html><html lang=\"en\"><head><title>Post " + std::to_string(number) +
                       " – Example Site</title></head><body class=\"single\"><article class=\"post\">"
                       "<h1 class=\"entry-title\">Post " + std::to_string(number) +
                       "</h1><div class=\"entry-content\"><p>Report number " + std::to_string(number) +
                       " about refugee support in the region, with shelters, food and schooling.</p>";
    if (number > 1) html += "<p>See <a href=\"/posts/" + std::to_string(number - 1) + "/\">the previous post</a>.</p>";
    html += "<p><a href=\"/gone/\">A page that was never mirrored</a> and <a href=\"https://other.example/x\">another site</a>.</p>";
    html += "</div></article></body></html>";
    return html;
}

// A wget-style mirror of example.org with `posts` posts and one redirect stub.
fs::path make_mirror(const std::string& name, int posts) {
    fs::path root = scratch(name);
    fs::path host = root / "example.org";
    for (int i = 1; i <= posts; ++i) write_file(host / "posts" / std::to_string(i) / "index.html", post_html(i));
    write_file(host / "old" / "index.html",
               "<html><head><meta http-equiv=\"refresh\" content=\"0; url=https://example.org/posts/1/\"></head></html>");
    write_file(host / "style.css", "body{}");
    return root;
}

Result<build::BuildSummary> build_from(const fs::path& mirror, const fs::path& output, int threads = 2) {
    build::BuildOptions options;
    options.inputs = {mirror.string()};
    options.output = output.string();
    options.threads = threads;
    options.compression_level = 3;
    options.build_time = 0;
    return build::build_bundle(options);
}

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("a small mirror builds into a bundle whose pages read back") {
    fs::path mirror = make_mirror("small", 120);
    fs::path output = mirror / "out.sitepack";
    Result<build::BuildSummary> summary = build_from(mirror, output);
    REQUIRE_MESSAGE(summary.ok(), summary.error().message);
    CHECK(summary->pages == 120);
    CHECK(summary->redirects == 1);
    CHECK(summary->skipped.at("not HTML or image: .css") == 1);
    CHECK(summary->dictionary_bytes > 0);

    Result<Bundle> bundle = Bundle::open(output.string());
    REQUIRE(bundle.ok());
    Result<PageRecord> page = bundle->find_page("/posts/7/");
    REQUIRE(page.ok());
    CHECK(page->title == "Post 7");
    Result<doc::Document> body = bundle->read_document(page->id);
    REQUIRE(body.ok());
    CHECK(doc::plain_text(body.value()).find("Report number 7") != std::string::npos);
}

TEST_CASE("links lead to bundle pages, to missing pages of the site or to other sites") {
    fs::path mirror = make_mirror("links", 3);
    fs::path output = mirror / "out.sitepack";
    REQUIRE(build_from(mirror, output).ok());
    Bundle bundle = std::move(Bundle::open(output.string()).value());
    doc::Document body = bundle.read_document(bundle.find_page("/posts/3/")->id).value();
    int64_t previous = bundle.find_page("/posts/2/")->id;
    int internal = 0, missing = 0, external = 0;
    for (const doc::Link& link : body.links) {
        if (link.target == doc::LinkTarget::internal) {
            ++internal;
            CHECK(link.page_id == previous);
        }
        if (link.target == doc::LinkTarget::missing) {
            ++missing;
            CHECK(link.url == "https://example.org/gone/");
        }
        if (link.target == doc::LinkTarget::external) {
            ++external;
            CHECK(link.url == "https://other.example/x");
        }
    }
    CHECK(internal == 1);
    CHECK(missing == 1);
    CHECK(external == 1);
}

TEST_CASE("a meta refresh page becomes a redirect that find_page follows") {
    fs::path mirror = make_mirror("redirect", 2);
    fs::path output = mirror / "out.sitepack";
    REQUIRE(build_from(mirror, output).ok());
    Bundle bundle = std::move(Bundle::open(output.string()).value());
    Result<PageRecord> page = bundle.find_page("http://example.org/old/");
    REQUIRE(page.ok());
    CHECK(page->url == "https://example.org/posts/1");
}

TEST_CASE("the same mirror builds byte-identical bundles with any thread count") {
    fs::path mirror = make_mirror("deterministic", 30);
    REQUIRE(build_from(mirror, mirror / "a.sitepack", 1).ok());
    REQUIRE(build_from(mirror, mirror / "b.sitepack", 3).ok());
    CHECK(read_bytes(mirror / "a.sitepack") == read_bytes(mirror / "b.sitepack"));
}

TEST_CASE("a failed build leaves nothing at the output path") {
    fs::path root = scratch("failed");
    fs::create_directories(root / "empty");
    Result<build::BuildSummary> summary = build_from(root / "empty", root / "out.sitepack");
    CHECK_FALSE(summary.ok());
    CHECK(summary.code() == ErrorCode::bad_input);
    CHECK(fs::directory_iterator(root)->path().filename() == "empty");
    CHECK(std::distance(fs::directory_iterator(root), fs::directory_iterator()) == 1);
}

TEST_CASE("a missing input is named in the error") {
    fs::path root = scratch("missing");
    Result<build::BuildSummary> summary = build_from(root / "nowhere", root / "out.sitepack");
    REQUIRE_FALSE(summary.ok());
    CHECK(summary.code() == ErrorCode::not_found);
    CHECK(summary.error().message.find("nowhere") != std::string::npos);
}

TEST_CASE("the bundle carries the format's application id and version") {
    fs::path mirror = make_mirror("header", 2);
    fs::path output = mirror / "out.sitepack";
    REQUIRE(build_from(mirror, output).ok());
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(output.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)", -1, &statement, nullptr);
    REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
    CHECK(sqlite3_column_int(statement, 0) == 0x5350414B);
    CHECK(sqlite3_column_int(statement, 1) == kBundleFormatVersion);
    sqlite3_finalize(statement);
    sqlite3_close(db);
}
