// signature_test.cpp: publisher keys, signing a real bundle built by the
// builder, and what a reader sees when the signed bundle is then altered
// with the sqlite3 API (tampered rows, swapped bodies, a forged or garbled
// signature row), and old XXH64 bundles.
#include <doctest/doctest.h>

#include <sqlite3.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/xxhash.h"
#include "site_builder.h"
#include "sitepack/bundle.h"
#include "sitepack/bundle_format.h"
#include "sitepack/reader_core.h"
#include "sitepack/reader_messages.h"
#include "sitepack/signature.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace sitepack;
using signing::PublisherTrust;
using signing::SignatureState;

namespace {

std::string scratch() { return test::scratch_folder().string(); }

void write_file(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

// A 1x1 PNG.
const unsigned char kPng[] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
                              0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
                              0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00,
                              0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
                              0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};

// Built once per process by the real builder: 20 posts, one image.
const std::string& unsigned_bundle() {
    static const std::string path = [] {
        fs::path mirror = fs::path(scratch()) / "mirror";
        fs::path host = mirror / "example.org";
        for (int i = 1; i <= 20; ++i) {
            std::string n = std::to_string(i);
            write_file(host / "posts" / n / "index.html",
                       "<!doctype html><html lang=\"en\"><head><title>Post " + n +
                           " – Example</title></head><body class=\"single\"><article class=\"post\"><h1 class=\"entry-title\">Post " +
                           n + "</h1><div class=\"entry-content\"><p>Report " + n +
                           " on shelters, food and schooling for refugees.</p><p><img src=\"/img/dot.png\" alt=\"a dot\"></p>"
                           "</div></article></body></html>");
        }
        write_file(host / "img" / "dot.png", std::string(reinterpret_cast<const char*>(kPng), sizeof kPng));
        build::BuildOptions options;
        options.inputs = {mirror.string()};
        options.output = scratch() + "/built.sitepack";
        options.threads = 2;
        options.compression_level = 3;
        options.build_time = 0;
        fs::remove(options.output);
        Result<build::BuildSummary> built = build::build_bundle(options);
        REQUIRE_MESSAGE(built.ok(), (built.ok() ? "" : built.error().message));
        return options.output;
    }();
    return path;
}

const signing::SecretKey& publisher_key() {
    static const signing::SecretKey key = [] {
        Result<signing::SecretKey> made = signing::generate_key("Example Publisher");
        REQUIRE(made.ok());
        return made.value();
    }();
    return key;
}

// Runs SQL (or a signing) on a fresh copy of the built bundle.
struct Copy {
    std::string path;
    sqlite3* db = nullptr;
    explicit Copy(const std::string& name, const std::string& from = unsigned_bundle()) : path(scratch() + "/" + name) {
        fs::copy_file(from, path, fs::copy_options::overwrite_existing);
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    }
    ~Copy() { close(); }
    void close() {
        if (db) sqlite3_close(db);
        db = nullptr;
    }
    void exec(const std::string& sql) {
        char* message = nullptr;
        int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
        INFO(sql << ": " << (message ? message : ""));
        sqlite3_free(message);
        REQUIRE(rc == SQLITE_OK);
    }
    Copy& sign(const signing::SecretKey& key = publisher_key()) {
        Status signed_status = signing::sign_database(db, key, "2026-11-26T10:00:00Z");
        REQUIRE_MESSAGE(signed_status.ok(), signed_status.message());
        return *this;
    }
    Bundle open(const std::vector<signing::PublicKey>& trusted = {}) {
        close();
        Result<Bundle> opened = Bundle::open(path, OpenOptions{trusted});
        REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message));
        return std::move(opened).value();
    }
};

std::string dictionary_of(sqlite3* db) {
    sqlite3_stmt* dictionary = nullptr;
    std::string bytes;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT content FROM zstd_dictionaries LIMIT 1", -1, &dictionary, nullptr) == SQLITE_OK);
    if (sqlite3_step(dictionary) == SQLITE_ROW)
        bytes.assign(static_cast<const char*>(sqlite3_column_blob(dictionary, 0)), sqlite3_column_bytes(dictionary, 0));
    sqlite3_finalize(dictionary);
    return bytes;
}

// The decoded body of every page, by id.
std::vector<std::pair<int64_t, std::string>> decoded_bodies(sqlite3* db) {
    const std::string dictionary = dictionary_of(db);
    sqlite3_stmt* rows = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT id, body, body_size FROM pages ORDER BY id", -1, &rows, nullptr) == SQLITE_OK);
    std::vector<std::pair<int64_t, std::string>> bodies;
    ZSTD_DCtx* context = ZSTD_createDCtx();
    while (sqlite3_step(rows) == SQLITE_ROW) {
        std::string body(static_cast<size_t>(sqlite3_column_int64(rows, 2)), '\0');
        size_t got = ZSTD_decompress_usingDict(context, body.data(), body.size(), sqlite3_column_blob(rows, 1),
                                               sqlite3_column_bytes(rows, 1), dictionary.data(), dictionary.size());
        REQUIRE_FALSE(ZSTD_isError(got));
        bodies.emplace_back(sqlite3_column_int64(rows, 0), std::move(body));
    }
    ZSTD_freeDCtx(context);
    sqlite3_finalize(rows);
    return bodies;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    return text;
}

}  // namespace

TEST_CASE("signature: the builder writes BLAKE2b hashes and an unsigned bundle says so") {
    Copy copy("plain.sitepack");
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(copy.db, "SELECT body_hash FROM pages LIMIT 1", -1, &statement, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
    std::string hash = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    sqlite3_finalize(statement);
    CHECK(hash.rfind("blake2b:", 0) == 0);
    CHECK(hash.size() == 8 + 64);
    Bundle bundle = copy.open();
    CHECK(bundle.info().signature.state == SignatureState::unsigned_bundle);
    CHECK_FALSE(bundle.info().signature.weak_hashes);
    CHECK(bundle.info().format_version == kBundleFormatVersion);
}

TEST_CASE("signature: a signed bundle verifies at open and names its publisher and key") {
    Copy copy("signed.sitepack");
    copy.sign();
    const signing::PublicKey public_key = publisher_key().public_key();
    Bundle bundle = copy.open();
    const signing::SignatureCheck& check = bundle.info().signature;
    CHECK(check.state == SignatureState::verified);
    CHECK(check.trust == PublisherTrust::no_pins);
    CHECK(check.publisher == "Example Publisher");
    CHECK(check.fingerprint == signing::fingerprint(public_key));
    CHECK(check.signed_at == "2026-11-26T10:00:00Z");
    CHECK(check.problems.empty());
    Result<VerifyReport> report = bundle.verify();
    REQUIRE(report.ok());
    CHECK(report->ok());
    CHECK(report->images_checked == 1);

    SUBCASE("pinned to its key") {
        Copy pinned("pinned.sitepack", copy.path);
        CHECK(pinned.open({public_key}).info().signature.trust == PublisherTrust::pinned);
    }
    SUBCASE("pinned to another key: unknown key, still a good signature") {
        Result<signing::SecretKey> other = signing::generate_key("Someone Else");
        REQUIRE(other.ok());
        Copy pinned("other-pin.sitepack", copy.path);
        Bundle opened = pinned.open({other->public_key()});
        CHECK(opened.info().signature.state == SignatureState::verified);
        CHECK(opened.info().signature.trust == PublisherTrust::unknown_key);
    }
    SUBCASE("signing again replaces the signature") {
        Result<signing::SecretKey> other = signing::generate_key("New Owner");
        REQUIRE(other.ok());
        Copy resigned("resigned.sitepack", copy.path);
        resigned.sign(other.value());
        Bundle opened = resigned.open();
        CHECK(opened.info().signature.state == SignatureState::verified);
        CHECK(opened.info().signature.publisher == "New Owner");
    }
}

TEST_CASE("signature: rows changed after signing make the bundle tampered, naming the table") {
    struct Case {
        const char* name;
        const char* sql;
        const char* table;
    };
    const Case cases[] = {
        {"title", "UPDATE pages SET title = 'Forged title' WHERE id = (SELECT min(id) FROM pages)", "pages"},
        {"metadata", "UPDATE metadata SET value = 'Forged Site' WHERE key = 'site_name'", "metadata"},
        {"image hash", "UPDATE images SET content = x'00', content_hash = 'blake2b:' || hex(zeroblob(32))", "images"},
        {"new redirect", "INSERT INTO redirects VALUES ('https://example.org/evil', 'https://evil.example/', NULL, 'meta refresh')",
         "redirects"},
        {"link", "INSERT INTO links VALUES ((SELECT min(id) FROM pages), 999, 'external', NULL, 'https://evil.example/')", "links"},
        {"navigation", "INSERT INTO navigation VALUES ('menu', 99, 'Donate here', 'https://evil.example/', NULL)", "navigation"},
        {"deleted page", "DELETE FROM pages WHERE id = (SELECT max(id) FROM pages)", "pages"},
    };
    Copy signed_copy("tamper-base.sitepack");
    signed_copy.sign();
    signed_copy.close();
    for (const Case& change : cases) {
        INFO(std::string(change.name));
        Copy copy(std::string("tampered-") + change.name + ".sitepack", signed_copy.path);
        copy.exec(std::string("PRAGMA foreign_keys = OFF; ") + change.sql);
        Bundle bundle = copy.open();
        const signing::SignatureCheck& check = bundle.info().signature;
        CHECK(check.state == SignatureState::tampered);
        CHECK(check.publisher == "Example Publisher");
        CHECK(joined(check.problems).find(std::string("the ") + change.table + " table changed") != std::string::npos);
        Result<VerifyReport> report = bundle.verify();
        REQUIRE(report.ok());
        CHECK_FALSE(report->ok());
    }
}

TEST_CASE("signature: a page body or image swapped under its signed hash is refused when read") {
    Copy copy("swapped.sitepack");
    copy.sign();
    // Page 1's body is recompressed with one byte changed (same size, a
    // valid frame): the signed hash of page 1 no longer matches what decodes.
    {
        std::string body = decoded_bodies(copy.db).front().second;
        body[body.size() / 2] ^= 0x20;
        const std::string dictionary = dictionary_of(copy.db);
        std::string frame(ZSTD_compressBound(body.size()), '\0');
        ZSTD_CCtx* context = ZSTD_createCCtx();
        size_t size = ZSTD_compress_usingDict(context, frame.data(), frame.size(), body.data(), body.size(), dictionary.data(),
                                              dictionary.size(), 3);
        ZSTD_freeCCtx(context);
        REQUIRE_FALSE(ZSTD_isError(size));
        frame.resize(size);
        sqlite3_stmt* update = nullptr;
        REQUIRE(sqlite3_prepare_v2(copy.db, "UPDATE pages SET body = ? WHERE id = 1", -1, &update, nullptr) == SQLITE_OK);
        sqlite3_bind_blob(update, 1, frame.data(), static_cast<int>(frame.size()), SQLITE_TRANSIENT);
        REQUIRE(sqlite3_step(update) == SQLITE_DONE);
        sqlite3_finalize(update);
    }
    copy.exec("UPDATE images SET content = content || x'00'");
    Bundle bundle = copy.open();
    // The signed columns are intact, so open says verified ...
    CHECK(bundle.info().signature.state == SignatureState::verified);
    // ... and the altered rows are caught the moment they are read.
    Result<doc::Document> page = bundle.read_document(1);
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().code == ErrorCode::corrupt);
    CHECK(page.error().message.find("altered or damaged") != std::string::npos);
    CHECK(bundle.read_document(2).ok());
    Result<ImageRecord> image = bundle.image(1);
    REQUIRE_FALSE(image.ok());
    CHECK(image.error().message.find("altered or damaged") != std::string::npos);
    Result<VerifyReport> report = bundle.verify();
    REQUIRE(report.ok());
    REQUIRE(report->problems.size() == 2);
    Result<PageRecord> first = bundle.page(1);
    REQUIRE(first.ok());
    CHECK(report->problems[0].what == "page " + first->url);
    CHECK(report->problems[1].what.rfind("image ", 0) == 0);
}

TEST_CASE("signature: a damaged or forged signature row is a bad signature, never a crash") {
    Copy signed_copy("bad-base.sitepack");
    signed_copy.sign();
    signed_copy.close();
    struct Case {
        const char* name;
        const char* sql;
        const char* says;
    };
    const Case cases[] = {
        {"publisher renamed", "UPDATE signature SET publisher = 'Evil Publisher'", "altered or forged"},
        {"signed later", "UPDATE signature SET signed_at = '2030-01-01T00:00:00Z'", "altered or forged"},
        {"garbled signature", "UPDATE signature SET signature = 'not base64!'", "not a valid Ed25519 signature"},
        {"truncated signature", "UPDATE signature SET signature = substr(signature, 1, 40)", "not a valid Ed25519 signature"},
        {"truncated key", "UPDATE signature SET public_key = substr(public_key, 1, 10)", "not a valid Ed25519 key"},
        {"sections edited", "UPDATE signature SET sections = replace(sections, 'pages', 'pagez')", "altered or forged"},
        {"unknown scheme", "UPDATE signature SET scheme = 'sitepack-rsa-v9'", "unknown signature scheme"},
        {"row removed", "DELETE FROM signature", "signature table is empty"},
        {"blob values", "UPDATE signature SET signature = zeroblob(64)", "not a valid Ed25519 signature"},
        {"table replaced", "DROP TABLE signature; CREATE TABLE signature(x)", "cannot be read"},
    };
    for (const Case& change : cases) {
        INFO(std::string(change.name));
        Copy copy(std::string("bad-") + change.name + ".sitepack", signed_copy.path);
        copy.exec(change.sql);
        Bundle bundle = copy.open();
        const signing::SignatureCheck& check = bundle.info().signature;
        CHECK(check.state == SignatureState::bad_signature);
        CHECK(joined(check.problems).find(change.says) != std::string::npos);
        // The pages themselves still read: the reader shows them under a
        // "bad signature" warning rather than refusing the bundle.
        CHECK(bundle.read_document(1).ok());
    }
}

TEST_CASE("signature: a signature made by another key over the tampered content shows that key, not the publisher's") {
    Copy copy("resigned-by-attacker.sitepack");
    copy.sign();
    copy.exec("UPDATE pages SET title = 'Forged' WHERE id = 1");
    Result<signing::SecretKey> attacker = signing::generate_key("Example Publisher");  // same name, other key
    REQUIRE(attacker.ok());
    copy.sign(attacker.value());
    Bundle bundle = copy.open({publisher_key().public_key()});
    CHECK(bundle.info().signature.state == SignatureState::verified);
    CHECK(bundle.info().signature.trust == PublisherTrust::unknown_key);
    CHECK(bundle.info().signature.fingerprint != signing::fingerprint(publisher_key().public_key()));
}

TEST_CASE("signature: old bundles with XXH64 hashes read as unsigned and cannot be signed") {
    Copy copy("old.sitepack");
    // Rewrite every hash as format version 1 did: XXH64 of the decoded body.
    for (const auto& [id, body] : decoded_bodies(copy.db)) {
        char hash[32];
        std::snprintf(hash, sizeof hash, "xxh64:%016llx", static_cast<unsigned long long>(XXH64(body.data(), body.size(), 0)));
        copy.exec("UPDATE pages SET body_hash = '" + std::string(hash) + "' WHERE id = " + std::to_string(id));
    }
    copy.exec("PRAGMA user_version = 1");
    Status refused = signing::sign_database(copy.db, publisher_key(), "2026-11-26T10:00:00Z");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.code() == ErrorCode::invalid_argument);
    CHECK(refused.message().find("XXH64") != std::string::npos);
    CHECK(refused.message().find("rebuild") != std::string::npos);

    Bundle bundle = copy.open();
    CHECK(bundle.info().signature.state == SignatureState::unsigned_bundle);
    CHECK(bundle.info().signature.weak_hashes);
    CHECK(bundle.read_document(1).ok());  // still readable, integrity-checked with XXH64
    Result<VerifyReport> report = bundle.verify();
    REQUIRE(report.ok());
    CHECK(report->ok());
}

TEST_CASE("signature: a signed bundle whose hash is downgraded to XXH64 is tampered") {
    Copy copy("downgraded.sitepack");
    copy.sign();
    copy.exec("UPDATE pages SET body_hash = 'xxh64:0000000000000000' WHERE id = 1");
    Bundle bundle = copy.open();
    CHECK(bundle.info().signature.state == SignatureState::tampered);
    CHECK(joined(bundle.info().signature.problems).find("XXH64") != std::string::npos);
}

TEST_CASE("signature: key files round-trip and bad key text is refused with a reason") {
    const signing::SecretKey& key = publisher_key();
    Result<signing::SecretKey> secret = signing::parse_secret_key(signing::format_secret_key(key));
    REQUIRE(secret.ok());
    CHECK(secret->bytes == key.bytes);
    CHECK(secret->publisher == "Example Publisher");
    const std::string public_line = signing::format_public_key(key.public_key());
    CHECK(public_line.rfind("sitepack-ed25519 ", 0) == 0);
    Result<signing::PublicKey> public_key = signing::parse_public_key(public_line);
    REQUIRE(public_key.ok());
    CHECK(public_key->bytes == key.public_key().bytes);
    CHECK(public_key->publisher == "Example Publisher");
    // The bare base64 key is accepted too.
    Result<signing::PublicKey> bare = signing::parse_public_key(signing::to_base64(key.public_key().bytes.data(), 32));
    REQUIRE(bare.ok());
    CHECK(bare->bytes == key.public_key().bytes);

    const std::string fingerprint = signing::fingerprint(key.public_key());
    CHECK(fingerprint.size() == 24);  // 5 groups of 4 hex digits
    CHECK(fingerprint[4] == ' ');

    CHECK_FALSE(signing::parse_secret_key("hello\n").ok());
    CHECK_FALSE(signing::parse_secret_key(public_line).ok());
    std::string damaged = signing::format_secret_key(key);
    damaged[40] = damaged[40] == 'A' ? 'B' : 'A';  // inside the base64
    Result<signing::SecretKey> broken = signing::parse_secret_key(damaged);
    REQUIRE_FALSE(broken.ok());
    CHECK_FALSE(signing::parse_public_key("sitepack-ed25519 AAAA name").ok());
    CHECK_FALSE(signing::generate_key("").ok());
    CHECK_FALSE(signing::generate_key("two\nlines").ok());

    Result<std::vector<signing::PublicKey>> list =
        signing::parse_public_key_list("# trusted publishers\n\n" + public_line + "not a key\n");
    REQUIRE_FALSE(list.ok());
    CHECK(list.error().message.rfind("line 4:", 0) == 0);
    list = signing::parse_public_key_list("# one\n" + public_line);
    REQUIRE(list.ok());
    CHECK(list->size() == 1);
}

TEST_CASE("signature: the signature state and pinned keys cross the reader's JSON messages intact") {
    BundleInfo info;
    info.site_name = "Example";
    info.signature.state = SignatureState::tampered;
    info.signature.trust = PublisherTrust::unknown_key;
    info.signature.publisher = "Example Publisher";
    info.signature.fingerprint = "d606 6ec1 2f07 2cc5 dc1a";
    info.signature.public_key = "rqnPxUjaB5Duxb2UqDEX5paXxq1SZc2KvQO5+AeRuMs=";
    info.signature.signed_at = "2026-11-26T10:00:00Z";
    info.signature.problems = {"the pages table changed since it was signed"};
    const std::string text = reader::to_json_text(reader::Response::success(7, reader::RequestType::open_bundle, info));
    Result<reader::Response> back = reader::response_from_json_text(text);
    REQUIRE_MESSAGE(back.ok(), (back.ok() ? "" : back.error().message));
    const BundleInfo* read = std::get_if<BundleInfo>(&back->payload);
    REQUIRE(read != nullptr);
    CHECK(read->signature.state == SignatureState::tampered);
    CHECK(read->signature.trust == PublisherTrust::unknown_key);
    CHECK(read->signature.publisher == "Example Publisher");
    CHECK(read->signature.fingerprint == info.signature.fingerprint);
    CHECK(read->signature.public_key == info.signature.public_key);
    CHECK(read->signature.signed_at == info.signature.signed_at);
    CHECK(read->signature.problems == info.signature.problems);

    reader::OpenBundleRequest open{"/media/usb/x.sitepack", {signing::format_public_key(publisher_key().public_key())}};
    Result<reader::Request> request = reader::request_from_json_text(reader::to_json_text(reader::Request{3, open}));
    REQUIRE(request.ok());
    const auto* open_back = std::get_if<reader::OpenBundleRequest>(&request->body);
    REQUIRE(open_back != nullptr);
    CHECK(open_back->trusted_publishers == open.trusted_publishers);
}

TEST_CASE("signature: the reading core opens with pinned keys and reports the publisher's trust") {
    Copy copy("core.sitepack");
    copy.sign();
    copy.close();
    reader::ReaderCore core;
    reader::Response pinned = core.handle(reader::Request{1, reader::OpenBundleRequest{copy.path, {signing::format_public_key(publisher_key().public_key())}}});
    REQUIRE(pinned.ok);
    const BundleInfo* info = std::get_if<BundleInfo>(&pinned.payload);
    REQUIRE(info != nullptr);
    CHECK(info->signature.state == SignatureState::verified);
    CHECK(info->signature.trust == PublisherTrust::pinned);
}
