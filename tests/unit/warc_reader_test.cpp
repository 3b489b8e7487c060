// warc_reader_test.cpp: WARC files (plain, per-record gzip, one gzip
// stream) as records. The fixtures are built here, byte by byte, so each
// test shows exactly what the file holds.
#include <doctest/doctest.h>

#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "warc_reader.h"

using namespace sitepack;
using namespace sitepack::build;
namespace fs = std::filesystem;

namespace {

const std::string kHtml = "<!DOCTYPE html><html><head><title>Post</title></head><body><p>Hello</p></body></html>";
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(24, '\x01');

// gzip (one member) of `data`, as zlib writes it.
std::string gzip(const std::string& data, int window_bits = 15 + 16) {
    z_stream stream;
    std::memset(&stream, 0, sizeof(stream));
    REQUIRE(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&stream, data.size()) + 64, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(&out[0]);
    stream.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

std::string http(const std::string& status_line, const std::vector<std::string>& headers, const std::string& body) {
    std::string out = status_line + "\r\n";
    for (const std::string& header : headers) out += header + "\r\n";
    return out + "\r\n" + body;
}

std::string chunked(const std::string& body, std::size_t chunk_size) {
    std::string out;
    for (std::size_t pos = 0; pos < body.size(); pos += chunk_size) {
        const std::string piece = body.substr(pos, chunk_size);
        char size[32];
        std::snprintf(size, sizeof(size), "%zx", piece.size());
        out += std::string(size) + ";ext=1\r\n" + piece + "\r\n";
    }
    return out + "0\r\n\r\n";
}

int record_counter = 0;

std::string warc_record(const std::string& type, const std::string& uri, const std::string& content_type,
                        const std::string& block, const std::vector<std::string>& extra = {}) {
    std::string out = "WARC/1.1\r\nWARC-Type: " + type + "\r\n";
    out += "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-" + std::to_string(100000000000 + ++record_counter) + ">\r\n";
    out += "WARC-Date: 2024-01-01T00:00:00Z\r\n";
    if (!uri.empty()) out += "WARC-Target-URI: " + uri + "\r\n";
    for (const std::string& header : extra) out += header + "\r\n";
    if (!content_type.empty()) out += "Content-Type: " + content_type + "\r\n";
    out += "Content-Length: " + std::to_string(block.size()) + "\r\n\r\n";
    return out + block + "\r\n\r\n";
}

std::string response(const std::string& uri, const std::string& http_block, const std::vector<std::string>& extra = {}) {
    return warc_record("response", uri, "application/http;msgtype=response", http_block, extra);
}

std::string warcinfo() {
    return warc_record("warcinfo", "", "application/warc-fields", "software: Wget/1.21.3\r\nformat: WARC File Format 1.1\r\n");
}

std::string request(const std::string& uri) {
    return warc_record("request", uri, "application/http;msgtype=request",
                       "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
}

std::string ok_html(const std::string& body = kHtml) {
    return http("HTTP/1.1 200 OK", {"Content-Type: text/html; charset=UTF-8", "Content-Length: " + std::to_string(body.size())}, body);
}

// A file in a fresh temporary folder, removed afterwards.
class TempFile {
public:
    explicit TempFile(const std::string& name) {
        static int counter = 0;
        folder_ = fs::temp_directory_path() / ("sitepack-warc-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::create_directories(folder_);
        path_ = (folder_ / name).string();
    }
    ~TempFile() {
        std::error_code ignored;
        fs::remove_all(folder_, ignored);
    }
    const std::string& path() const { return path_; }
    void write(const std::string& bytes) const {
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out << bytes;
    }

private:
    fs::path folder_;
    std::string path_;
};

struct Collected {
    std::vector<SourceRecord> records;
    SkipCounts skipped;
    std::vector<std::pair<std::string, std::string>> skip_details;  // reason, origin
    Status status;

    const SourceRecord* find(const std::string& url) const {
        for (const SourceRecord& record : records) {
            if (record.url == url) return &record;
        }
        return nullptr;
    }
};

Collected read(const std::string& path, WarcOptions options = WarcOptions()) {
    Collected collected;
    options.on_skip = [&](const std::string& reason, const std::string& origin) {
        collected.skip_details.emplace_back(reason, origin);
    };
    collected.status = read_warc(
        path,
        [&](SourceRecord&& record) {
            collected.records.push_back(std::move(record));
            return Status();
        },
        collected.skipped, options);
    return collected;
}

// Records joined as a plain WARC, a WARC of one gzip member per record, and
// one gzip stream; `offsets` gets where each record starts in the plain or
// per-member file.
std::string plain_warc(const std::vector<std::string>& records, std::vector<std::size_t>* offsets = nullptr) {
    std::string out;
    for (const std::string& record : records) {
        if (offsets) offsets->push_back(out.size());
        out += record;
    }
    return out;
}

std::string gzip_per_record(const std::vector<std::string>& records, std::vector<std::size_t>* offsets = nullptr) {
    std::string out;
    for (const std::string& record : records) {
        if (offsets) offsets->push_back(out.size());
        out += gzip(record);
    }
    return out;
}

}  // namespace

TEST_CASE("a plain WARC delivers HTML and image responses and passes over warcinfo and requests") {
    std::vector<std::size_t> offsets;
    const std::string warc = plain_warc(
        {warcinfo(), request("https://example.com/"), response("https://example.com/", ok_html()),
         response("https://example.com/logo.png", http("HTTP/1.1 200 OK", {"Content-Type: image/png"}, kPng)),
         response("https://example.com/style.css", http("HTTP/1.1 200 OK", {"Content-Type: text/css"}, "body{}")),
         warc_record("metadata", "https://example.com/", "application/warc-fields", "outlink: x\r\n")},
        &offsets);
    TempFile file("crawl.warc");
    file.write(warc);

    Collected got = read(file.path());
    REQUIRE(got.status.ok());
    REQUIRE(got.records.size() == 2);
    const SourceRecord& page = got.records[0];
    CHECK(page.url == "https://example.com/");
    CHECK(page.status == 200);
    CHECK(page.content_type == "text/html; charset=UTF-8");  // the charset travels on, for decoding
    CHECK(page.location.empty());
    CHECK(page.body == kHtml);
    CHECK(page.origin == file.path() + " at byte " + std::to_string(offsets[2]));
    CHECK(got.records[1].content_type == "image/png");
    CHECK(got.records[1].body == kPng);

    CHECK(got.skipped.size() == 1);
    CHECK(got.skipped["not HTML or image: text/css"] == 1);
    REQUIRE(got.skip_details.size() == 1);
    CHECK(got.skip_details[0].second == file.path() + " at byte " + std::to_string(offsets[4]));
}

TEST_CASE("a WARC of one gzip member per record is read, with member offsets as origins") {
    std::vector<std::size_t> offsets;
    const std::string warc = gzip_per_record(
        {warcinfo(), request("http://example.com/a"), response("http://example.com/a", ok_html()),
         response("http://example.com/b", ok_html("<html><body>b</body></html>"))},
        &offsets);
    TempFile file("crawl.warc.gz");
    file.write(warc);

    Collected got = read(file.path());
    REQUIRE(got.status.ok());
    REQUIRE(got.records.size() == 2);
    CHECK(got.records[0].url == "http://example.com/a");
    CHECK(got.records[0].body == kHtml);
    CHECK(got.records[0].origin == file.path() + " at byte " + std::to_string(offsets[2]));
    CHECK(got.records[1].body == "<html><body>b</body></html>");
    CHECK(got.records[1].origin == file.path() + " at byte " + std::to_string(offsets[3]));
    CHECK(got.skipped.empty());
}

TEST_CASE("a WARC compressed as one gzip stream is read too, with uncompressed offsets") {
    std::vector<std::size_t> offsets;
    const std::string plain = plain_warc(
        {warcinfo(), response("https://example.com/", ok_html()), response("https://example.com/x", ok_html("<p>x</p>"))},
        &offsets);
    TempFile file("whole.warc.gz");
    file.write(gzip(plain));

    Collected got = read(file.path());
    REQUIRE(got.status.ok());
    REQUIRE(got.records.size() == 2);
    CHECK(got.records[0].body == kHtml);
    CHECK(got.records[0].origin == file.path() + " at uncompressed byte " + std::to_string(offsets[1]));
    CHECK(got.records[1].body == "<p>x</p>");
}

TEST_CASE("chunked and gzip-encoded bodies are stored raw by wget and decoded on reading") {
    const std::string body = "<html><body>" + std::string(3000, 'z') + " compressed and chunked</body></html>";
    const std::string warc = plain_warc({
        response("https://example.com/chunked",
                 http("HTTP/1.1 200 OK", {"Content-Type: text/html", "Transfer-Encoding: chunked"}, chunked(body, 700))),
        response("https://example.com/gzip",
                 http("HTTP/1.1 200 OK", {"Content-Type: text/html", "Content-Encoding: gzip"}, gzip(body))),
        response("https://example.com/both",
                 http("HTTP/1.1 200 OK", {"Content-Type: text/html", "Content-Encoding: gzip", "Transfer-Encoding: chunked"},
                      chunked(gzip(body), 100))),
        response("https://example.com/deflate",
                 http("HTTP/1.1 200 OK", {"Content-Type: text/html", "Content-Encoding: deflate"}, gzip(body, 15))),
        response("https://example.com/raw-deflate",
                 http("HTTP/1.1 200 OK", {"Content-Type: text/html", "Content-Encoding: deflate"}, gzip(body, -15))),
        response("https://example.com/already-decoded",
                 http("HTTP/1.1 200 OK", {"Content-Type: text/html", "Content-Encoding: gzip"}, body)),
        response("https://example.com/brotli",
                 http("HTTP/1.1 200 OK", {"Content-Type: text/html", "Content-Encoding: br"}, "\x1b\x02")),
        response("https://example.com/broken-gzip",
                 http("HTTP/1.1 200 OK", {"Content-Type: text/html", "Content-Encoding: gzip"}, "\x1F\x8B garbage")),
    });
    TempFile file("encodings.warc");
    file.write(warc);

    Collected got = read(file.path());
    REQUIRE(got.status.ok());
    for (const char* url : {"https://example.com/chunked", "https://example.com/gzip", "https://example.com/both",
                            "https://example.com/deflate", "https://example.com/raw-deflate",
                            "https://example.com/already-decoded"}) {
        CAPTURE(url);
        const SourceRecord* record = got.find(url);
        REQUIRE(record);
        CHECK(record->body == body);
    }
    CHECK(got.skipped["unsupported content encoding: br"] == 1);
    CHECK(got.skipped["undecodable content encoding: gzip"] == 1);
}

TEST_CASE("redirects are delivered with their Location and other failures are counted by status") {
    const std::string warc = plain_warc({
        response("http://example.com/old", http("HTTP/1.1 301 Moved Permanently",
                                                {"Location: https://example.com/new/", "Content-Type: text/html"},
                                                "<a href=\"https://example.com/new/\">moved</a>")),
        response("http://example.com/?p=5", http("HTTP/1.1 302 Found", {"Location: /2021/01/post/"}, "")),
        response("http://example.com/gone", http("HTTP/1.1 404 Not Found", {"Content-Type: text/html"}, "<p>404</p>")),
        response("http://example.com/err", http("HTTP/1.1 500 Internal Server Error", {}, "")),
        response("http://example.com/nowhere", http("HTTP/1.1 302 Found", {}, "")),
        response("http://example.com/same", http("HTTP/1.1 304 Not Modified", {}, "")),
    });
    TempFile file("status.warc");
    file.write(warc);

    Collected got = read(file.path());
    REQUIRE(got.status.ok());
    REQUIRE(got.records.size() == 2);
    CHECK(got.records[0].status == 301);
    CHECK(got.records[0].location == "https://example.com/new/");
    CHECK(got.records[1].url == "http://example.com/?p=5");
    CHECK(got.records[1].status == 302);
    CHECK(got.records[1].location == "/2021/01/post/");  // relative, as served
    CHECK(got.skipped["HTTP 404"] == 1);
    CHECK(got.skipped["HTTP 500"] == 1);
    CHECK(got.skipped["HTTP 302 without Location"] == 1);
    CHECK(got.skipped["HTTP 304"] == 1);
}

TEST_CASE("a revisit record delivers the payload of the earlier response it refers to") {
    const std::string original = response("https://example.com/a", ok_html(),
                                          {"WARC-Payload-Digest: sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"});
    const std::string revisit_headers =
        http("HTTP/1.1 200 OK", {"Content-Type: text/html; charset=UTF-8", "Content-Length: 84"}, "");
    const std::string revisit = warc_record(
        "revisit", "https://example.com/a-copy", "application/http;msgtype=response", revisit_headers,
        {"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
         "WARC-Refers-To-Target-URI: https://example.com/a", "WARC-Refers-To-Date: 2024-01-01T00:00:00Z",
         "WARC-Payload-Digest: sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"});
    const std::string not_modified = warc_record(
        "revisit", "https://example.com/a", "application/http;msgtype=response",
        http("HTTP/1.1 304 Not Modified", {}, ""),
        {"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/server-not-modified"});
    const std::string orphan = warc_record(
        "revisit", "https://example.com/orphan", "application/http;msgtype=response", revisit_headers,
        {"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
         "WARC-Refers-To-Target-URI: https://elsewhere.example/x",
         "WARC-Payload-Digest: sha1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"});
    const std::vector<std::string> records = {warcinfo(), original, response("https://example.com/b", ok_html("<p>b</p>")),
                                              revisit, not_modified, orphan};

    for (int form = 0; form < 3; ++form) {
        CAPTURE(form);  // 0 plain, 1 gzip per record, 2 one gzip stream
        TempFile file(form == 0 ? "revisit.warc" : "revisit.warc.gz");
        file.write(form == 0 ? plain_warc(records) : form == 1 ? gzip_per_record(records) : gzip(plain_warc(records)));
        Collected got = read(file.path());
        REQUIRE(got.status.ok());
        REQUIRE(got.records.size() == 4);
        const SourceRecord& copy = got.records[2];
        CHECK(copy.url == "https://example.com/a-copy");
        CHECK(copy.status == 200);
        CHECK(copy.content_type == "text/html; charset=UTF-8");
        CHECK(copy.body == kHtml);
        const SourceRecord& unchanged = got.records[3];
        CHECK(unchanged.url == "https://example.com/a");
        CHECK(unchanged.status == 200);  // the 304 defers to the earlier response
        CHECK(unchanged.body == kHtml);
        CHECK(got.skipped["revisit of a record not in this file"] == 1);
    }
}

TEST_CASE("resource records deliver their block with the record's content type") {
    const std::string warc = plain_warc({
        warc_record("resource", "https://example.com/saved.html", "text/html", kHtml),
        warc_record("resource", "metadata://gnu.org/software/wget/warc/wget_arguments.txt", "text/plain", "--mirror"),
        warc_record("resource", "https://example.com/data.json", "application/json", "{}"),
        warc_record("conversion", "https://example.com/saved.html", "text/plain", "text"),
        response("dns:example.com", "20240101000000\nexample.com. 300 IN A 93.184.216.34"),
    });
    TempFile file("resource.warc");
    file.write(warc);

    Collected got = read(file.path());
    REQUIRE(got.status.ok());
    REQUIRE(got.records.size() == 1);
    CHECK(got.records[0].url == "https://example.com/saved.html");
    CHECK(got.records[0].content_type == "text/html");
    CHECK(got.records[0].body == kHtml);
    CHECK(got.skipped["not HTML or image: application/json"] == 1);
    CHECK(got.skipped["WARC record type: conversion"] == 1);
    CHECK(got.skipped.size() == 2);  // the wget log and the dns: record pass silently
}

TEST_CASE("a response without a content type is sniffed") {
    const std::string warc = plain_warc({
        response("https://example.com/page", http("HTTP/1.1 200 OK", {}, "  <!DOCTYPE html><html></html>")),
        response("https://example.com/pic", http("HTTP/1.1 200 OK", {}, kPng)),
        response("https://example.com/blob", http("HTTP/1.1 200 OK", {}, std::string("\x00\x01", 2))),
    });
    TempFile file("sniff.warc");
    file.write(warc);
    Collected got = read(file.path());
    REQUIRE(got.status.ok());
    REQUIRE(got.records.size() == 2);
    CHECK(got.records[0].content_type == "text/html");
    CHECK(got.records[1].content_type == "image/png");
    CHECK(got.skipped["not HTML or image: (no content type)"] == 1);
}

TEST_CASE("a truncated WARC delivers its complete records and then says where it was cut") {
    std::vector<std::size_t> offsets;
    const std::vector<std::string> records = {warcinfo(), response("https://example.com/1", ok_html()),
                                              response("https://example.com/2", ok_html()),
                                              response("https://example.com/3", ok_html())};

    SUBCASE("plain, cut inside the last record's block") {
        std::string warc = plain_warc(records, &offsets);
        warc.resize(warc.size() - 40);
        TempFile file("crawl.warc");
        file.write(warc);
        Collected got = read(file.path());
        CHECK(got.records.size() == 2);
        CHECK(got.status.code() == ErrorCode::bad_input);
        CHECK(got.status.message() == file.path() + " is truncated at byte " + std::to_string(warc.size()) +
                                          " (record 4, which starts at byte " + std::to_string(offsets[3]) + ")");
    }
    SUBCASE("plain, cut inside a WARC header") {
        std::string warc = plain_warc(records, &offsets);
        warc.resize(offsets[3] + 30);
        TempFile file("crawl.warc");
        file.write(warc);
        Collected got = read(file.path());
        CHECK(got.records.size() == 2);
        CHECK(got.status.code() == ErrorCode::bad_input);
        CHECK(got.status.message().find("is truncated at byte " + std::to_string(warc.size()) + " (record 4") != std::string::npos);
    }
    SUBCASE("gzip per record, cut inside the last member") {
        std::string warc = gzip_per_record(records, &offsets);
        warc.resize(offsets[3] + (warc.size() - offsets[3]) / 2);
        TempFile file("crawl.warc.gz");
        file.write(warc);
        Collected got = read(file.path());
        CHECK(got.records.size() == 2);
        CHECK(got.status.code() == ErrorCode::bad_input);
        CHECK(got.status.message() == file.path() + " is truncated at byte " + std::to_string(warc.size()) +
                                          " (record 4, which starts at byte " + std::to_string(offsets[3]) + ")");
    }
    SUBCASE("gzip per record, cut in the last member's trailer: the record itself is whole") {
        std::string warc = gzip_per_record(records, &offsets);
        warc.resize(warc.size() - 4);
        TempFile file("crawl.warc.gz");
        file.write(warc);
        Collected got = read(file.path());
        CHECK(got.records.size() == 3);
        CHECK(got.status.code() == ErrorCode::bad_input);
        CHECK(got.status.message().find("is truncated at byte " + std::to_string(warc.size()) + " (record 4") != std::string::npos);
    }
}

TEST_CASE("a file that is not a WARC is refused with a message saying so") {
    const std::vector<std::string> not_warcs = {"<html><body>not a warc</body></html>\n", "", "WARC/0.9\r\n\r\n",
                                                gzip("just some text\n"), std::string("\x1F\x8B\x08garbage", 11)};
    for (const std::string& bytes : not_warcs) {
        TempFile file("thing.warc");
        file.write(bytes);
        Collected got = read(file.path());
        CHECK(got.status.code() == ErrorCode::bad_input);
        CHECK(got.status.message() == file.path() + " is not a WARC file (no 'WARC/1.' at byte 0)");
        CHECK(got.records.empty());
    }
}

TEST_CASE("a missing path or a folder is refused") {
    Collected missing = read("/nonexistent/crawl.warc.gz");
    CHECK(missing.status.code() == ErrorCode::not_found);
    CHECK(missing.status.message() == "no such file or folder: /nonexistent/crawl.warc.gz");

    Collected folder = read(fs::temp_directory_path().string());
    CHECK(folder.status.code() == ErrorCode::invalid_argument);

    CHECK(read("").status.code() == ErrorCode::invalid_argument);
}

TEST_CASE("a record over the size limit is skipped with its offset and reading goes on") {
    std::vector<std::size_t> offsets;
    const std::string big = "<html><body>" + std::string(5000, 'x') + "</body></html>";
    const std::string bomb = gzip(std::string(200000, ' '));  // small on disk, large once decompressed
    const std::vector<std::string> records = {
        response("https://example.com/big", ok_html(big)),
        response("https://example.com/bomb", http("HTTP/1.1 200 OK", {"Content-Type: text/html", "Content-Encoding: gzip"}, bomb)),
        response("https://example.com/small", ok_html()),
    };
    WarcOptions options;
    options.max_record_bytes = 4000;
    REQUIRE(bomb.size() < 4000);

    for (bool compressed : {false, true}) {
        CAPTURE(compressed);
        offsets.clear();
        TempFile file(compressed ? "big.warc.gz" : "big.warc");
        file.write(compressed ? gzip_per_record(records, &offsets) : plain_warc(records, &offsets));
        Collected got = read(file.path(), options);
        REQUIRE(got.status.ok());
        REQUIRE(got.records.size() == 1);
        CHECK(got.records[0].url == "https://example.com/small");
        CHECK(got.skipped["larger than 4000 bytes"] == 2);
        REQUIRE(got.skip_details.size() == 2);
        CHECK(got.skip_details[0].second == file.path() + " at byte " + std::to_string(offsets[0]));
        CHECK(got.skip_details[1].second == file.path() + " at byte " + std::to_string(offsets[1]));
    }
    CHECK(WarcOptions().max_record_bytes == 64 * 1024 * 1024);
}

TEST_CASE("damaged gzip data stops reading with the offset of the damaged member") {
    std::vector<std::size_t> offsets;
    const std::vector<std::string> records = {response("https://example.com/1", ok_html()),
                                              response("https://example.com/2", ok_html()),
                                              response("https://example.com/3", ok_html())};
    std::string warc = gzip_per_record(records, &offsets);
    for (std::size_t i = offsets[1] + 12; i < offsets[1] + 40; ++i) warc[i] = static_cast<char>(warc[i] ^ 0x5A);
    TempFile file("damaged.warc.gz");
    file.write(warc);
    Collected got = read(file.path());
    CHECK(got.records.size() == 1);
    CHECK(got.status.code() == ErrorCode::bad_input);
    INFO(got.status.message());
    CHECK(got.status.message().find(file.path() + " is damaged at byte " + std::to_string(offsets[1]) + " (record 2)") == 0);
}

TEST_CASE("WARC 1.0 records with bracketed URIs and bare line feeds are read") {
    std::string record = "WARC/1.0\nWARC-Type: response\nWARC-Target-URI: <http://example.com/old>\n"
                         "Content-Type: application/http; msgtype=response\n";
    const std::string block = "HTTP/1.0 200 OK\nContent-Type: text/html\n\n<p>old</p>";
    record += "Content-Length: " + std::to_string(block.size()) + "\n\n" + block + "\n\n";
    TempFile file("old.warc");
    file.write(record);
    Collected got = read(file.path());
    REQUIRE(got.status.ok());
    REQUIRE(got.records.size() == 1);
    CHECK(got.records[0].url == "http://example.com/old");
    CHECK(got.records[0].body == "<p>old</p>");
}

TEST_CASE("a sink that refuses a record stops the read with its status") {
    TempFile file("stop.warc");
    file.write(plain_warc({response("https://example.com/1", ok_html()), response("https://example.com/2", ok_html())}));
    int calls = 0;
    SkipCounts skipped;
    Status status = read_warc(
        file.path(),
        [&](SourceRecord&&) {
            ++calls;
            return Status(ErrorCode::io, "bundle full");
        },
        skipped);
    CHECK(status.code() == ErrorCode::io);
    CHECK(status.message() == "bundle full");
    CHECK(calls == 1);
}

TEST_CASE("progress is reported after every WARC record") {
    TempFile file("progress.warc.gz");
    const std::string warc = gzip_per_record({warcinfo(), response("https://example.com/1", ok_html()),
                                              response("https://example.com/2", ok_html())});
    file.write(warc);
    std::vector<WarcProgress> reports;
    WarcOptions options;
    options.progress = [&](const WarcProgress& progress) { reports.push_back(progress); };
    Collected got = read(file.path(), options);
    REQUIRE(got.status.ok());
    REQUIRE(reports.size() == 3);
    CHECK(reports[0].records_read == 1);
    CHECK(reports[0].records_delivered == 0);
    CHECK(reports[2].records_read == 3);
    CHECK(reports[2].records_delivered == 2);
    CHECK(reports[2].file_bytes == static_cast<int64_t>(warc.size()));
    CHECK(reports[2].bytes_read == static_cast<int64_t>(warc.size()));
}

TEST_CASE("parse_http_response reads status, folded headers and bodies") {
    auto parsed = parse_http_response("HTTP/1.1 200 OK\r\nContent-Type: text/html;\r\n charset=EUC-KR\r\nX-A: 1\r\n\r\nbody", 1000);
    REQUIRE(parsed.ok());
    CHECK(parsed->status == 200);
    CHECK(parsed->header("content-type") == "text/html; charset=EUC-KR");
    CHECK(parsed->header("X-MISSING").empty());
    CHECK(parsed->body == "body");

    auto headers_only = parse_http_response("HTTP/1.1 404 Not Found\r\nServer: x", 1000);
    REQUIRE(headers_only.ok());
    CHECK(headers_only->status == 404);
    CHECK(headers_only->body.empty());

    auto no_reason = parse_http_response("HTTP/2 301\r\nLocation: /x\r\n\r\n", 1000);
    REQUIRE(no_reason.ok());
    CHECK(no_reason->status == 301);
    CHECK(no_reason->header("location") == "/x");

    CHECK(parse_http_response("GET / HTTP/1.1\r\n\r\n", 1000).code() == ErrorCode::bad_input);
    CHECK(parse_http_response("HTTP/1.1 abc\r\n\r\n", 1000).code() == ErrorCode::bad_input);
    CHECK(parse_http_response("HTTP/1.1 200 OK\r\n\r\n" + std::string(2000, 'x'), 1000).code() == ErrorCode::too_large);

    // A body that claims to be chunked but is not keeps its bytes.
    auto not_chunked = parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n<html></html>", 1000);
    REQUIRE(not_chunked.ok());
    CHECK(not_chunked->body == "<html></html>");
}
