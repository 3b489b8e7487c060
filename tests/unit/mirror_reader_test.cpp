// mirror_reader_test.cpp: wget and HTTrack mirror folders as records.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "mirror_reader.h"
#include "sitepack/url.h"

using namespace sitepack;
using namespace sitepack::build;
namespace fs = std::filesystem;

namespace {

const std::string kPage = "<!DOCTYPE html>\n<html><head><title>t</title></head><body><p>hi</p></body></html>\n";
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(16, '\0');
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "JFIF";

// A fresh folder under the system's temporary folder, removed afterwards.
class TempFolder {
public:
    TempFolder() {
        static int counter = 0;
        path_ = fs::temp_directory_path() /
                ("sitepack-mirror-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempFolder() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }
    std::string str() const { return path_.string(); }

    void write(const std::string& relative, const std::string& bytes) const {
        const fs::path file = path_ / relative;
        fs::create_directories(file.parent_path());
        std::ofstream out(file, std::ios::binary);
        out << bytes;
    }

private:
    fs::path path_;
};

struct Collected {
    std::vector<SourceRecord> records;
    SkipCounts skipped;
    Status status;

    const SourceRecord* find(const std::string& url) const {
        for (const SourceRecord& record : records) {
            if (record.url == url) return &record;
        }
        return nullptr;
    }
    std::vector<std::string> urls() const {
        std::vector<std::string> out;
        for (const SourceRecord& record : records) out.push_back(record.url);
        return out;
    }
};

Collected read(const std::string& folder, const MirrorOptions& options = MirrorOptions()) {
    Collected collected;
    collected.status = read_mirror(
        folder,
        [&](SourceRecord&& record) {
            collected.records.push_back(std::move(record));
            return Status();
        },
        collected.skipped, options);
    return collected;
}

}  // namespace

TEST_CASE("a wget mirror root delivers pages and images of its host folder with their URLs") {
    TempFolder mirror;
    const std::string host = "www.northkoreanrefugees.com";
    mirror.write(host + "/index.html", kPage);
    mirror.write(host + "/about/index.html", kPage);
    mirror.write(host + "/index.html?p=123.html", kPage);
    mirror.write(host + "/page.php?id=3.html", kPage);
    mirror.write(host + "/old/story.htm", kPage);
    mirror.write(host + "/wp-content/uploads/2021/01/photo.jpg", kJpeg);
    mirror.write(host + "/wp-content/uploads/2021/01/chart.png", kPng);
    mirror.write(host + "/wp-content/themes/x/style.css?ver=5.8.css", "body{}");
    mirror.write(host + "/wp-includes/js/jquery.js", "var x;");
    mirror.write(host + "/robots.txt", "User-agent: *");
    mirror.write(host + "/feed/index.html", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel></channel></rss>");

    Collected got = read(mirror.str());
    REQUIRE(got.status.ok());

    const std::vector<std::string> expected = {
        // byte order of paths: "about" < "feed" < "index.html" < "index.html?..." < "old" < "page.php..." < "wp-content"
        "https://www.northkoreanrefugees.com/about/index.html",
        "https://www.northkoreanrefugees.com/index.html",
        "https://www.northkoreanrefugees.com/?p=123",
        "https://www.northkoreanrefugees.com/old/story.htm",
        "https://www.northkoreanrefugees.com/page.php?id=3",
        "https://www.northkoreanrefugees.com/wp-content/uploads/2021/01/chart.png",
        "https://www.northkoreanrefugees.com/wp-content/uploads/2021/01/photo.jpg",
    };
    CHECK(got.urls() == expected);

    const SourceRecord* home = got.find("https://www.northkoreanrefugees.com/index.html");
    REQUIRE(home);
    CHECK(home->status == 200);
    CHECK(home->content_type == "text/html");
    CHECK(home->body == kPage);
    CHECK(home->location.empty());
    CHECK(home->origin == mirror.str() + "/" + host + "/index.html");
    CHECK(url::canonical_url(home->url) == "https://www.northkoreanrefugees.com/");

    const SourceRecord* photo = got.find("https://www.northkoreanrefugees.com/wp-content/uploads/2021/01/photo.jpg");
    REQUIRE(photo);
    CHECK(photo->content_type == "image/jpeg");
    CHECK(photo->body == kJpeg);
    CHECK(got.find("https://www.northkoreanrefugees.com/wp-content/uploads/2021/01/chart.png")->content_type == "image/png");

    CHECK(got.skipped["not HTML or image: .css"] == 1);
    CHECK(got.skipped["not HTML or image: .js"] == 1);
    CHECK(got.skipped["not HTML or image: .txt"] == 1);
    CHECK(got.skipped["not HTML or image: feed"] == 1);
    CHECK(got.skipped.size() == 4);
}

TEST_CASE("a host folder can be given directly, its name giving the host and port") {
    TempFolder mirror;
    mirror.write("example.com:8080/a/index.html", kPage);
    mirror.write("example.com+8081/b.html", kPage);

    Collected colon = read(mirror.str() + "/example.com:8080");
    REQUIRE(colon.status.ok());
    CHECK(colon.urls() == std::vector<std::string>{"https://example.com:8080/a/index.html"});

    Collected plus = read(mirror.str() + "/example.com+8081/");  // trailing slash and wget's Windows spelling
    REQUIRE(plus.status.ok());
    CHECK(plus.urls() == std::vector<std::string>{"https://example.com:8081/b.html"});
    CHECK(plus.records[0].origin == mirror.str() + "/example.com+8081/b.html");
}

TEST_CASE("a mirror root with several hosts delivers each host's pages") {
    TempFolder mirror;
    mirror.write("www.example.com/index.html", kPage);
    mirror.write("cdn.example.com/img/a.gif", "GIF89a....");
    mirror.write("notes.txt", "my notes");

    Collected got = read(mirror.str());
    REQUIRE(got.status.ok());
    CHECK(got.urls() == std::vector<std::string>{"https://cdn.example.com/img/a.gif", "https://www.example.com/index.html"});
    CHECK(got.find("https://cdn.example.com/img/a.gif")->content_type == "image/gif");
    CHECK(got.skipped["outside any host folder"] == 1);
}

TEST_CASE("wget's %3F and @ spellings of a query give the same URL as ?") {
    TempFolder mirror;
    mirror.write("example.com/index.html%3Fp=5.html", kPage);
    mirror.write("example.com/index.html@p=6.html", kPage);
    mirror.write("example.com/archive.php@cat=2&page=3.html", kPage);
    mirror.write("example.com/user@home.html", kPage);  // an "@" without a query is a name

    Collected got = read(mirror.str() + "/example.com");
    REQUIRE(got.status.ok());
    CHECK(got.find("https://example.com/?p=5"));
    CHECK(got.find("https://example.com/?p=6"));
    CHECK(got.find("https://example.com/archive.php?cat=2&page=3"));
    CHECK(got.find("https://example.com/user@home.html"));
}

TEST_CASE("the scheme of mirrored URLs can be set to http") {
    TempFolder mirror;
    mirror.write("example.com/index.html", kPage);
    MirrorOptions options;
    options.scheme = "http";
    Collected got = read(mirror.str(), options);
    REQUIRE(got.status.ok());
    CHECK(got.urls() == std::vector<std::string>{"http://example.com/index.html"});

    options.scheme = "ftp";
    CHECK(read(mirror.str(), options).status.code() == ErrorCode::invalid_argument);
}

TEST_CASE("a folder whose name is no host can be read by naming the host") {
    TempFolder mirror;
    mirror.write("site/index.html", kPage);

    Collected unnamed = read(mirror.str() + "/site");
    CHECK(unnamed.status.code() == ErrorCode::bad_input);
    CHECK(unnamed.status.message().find(mirror.str() + "/site") != std::string::npos);
    CHECK(unnamed.status.message().find("host") != std::string::npos);

    MirrorOptions options;
    options.host = "www.example.com";
    Collected named = read(mirror.str() + "/site", options);
    REQUIRE(named.status.ok());
    CHECK(named.urls() == std::vector<std::string>{"https://www.example.com/index.html"});

    options.host = "not a host/";
    CHECK(read(mirror.str() + "/site", options).status.code() == ErrorCode::invalid_argument);
}

TEST_CASE("an HTTrack project delivers its host folder and passes over HTTrack's own files") {
    TempFolder project;
    project.write("index.html", "<html><body>HTTrack project list</body></html>");
    project.write("backblue.gif", "GIF89a");
    project.write("fade.gif", "GIF89a");
    project.write("hts-log.txt", "HTTrack3.49 launched");
    project.write("hts-cache/new.zip", "PK");
    project.write("hts-cache/doit.log", "-qwC2");
    project.write("www.example.com/index.html",
                  "<html><!-- Mirrored from www.example.com/ by HTTrack Website Copier/3.x [XR&CO'2014], "
                  "Sat, 01 Jan 2022 00:00:00 GMT --><body>home</body></html>");
    project.write("www.example.com/index4b2a.html",
                  "<html><!-- Mirrored from www.example.com/?p=5 by HTTrack Website Copier/3.x [XR&CO'2014], "
                  "Sat, 01 Jan 2022 00:00:00 GMT --><body>post</body></html>");
    project.write("www.example.com/foreign.html",
                  "<html><!-- Mirrored from evil.example.org/x by HTTrack Website Copier/3.x --><body></body></html>");
    project.write("www.example.com/hts-cache/x.dat", "cache");

    Collected got = read(project.str());
    REQUIRE(got.status.ok());
    CHECK(got.urls() == std::vector<std::string>{
                            "https://www.example.com/foreign.html",  // another host's address is not believed
                            "https://www.example.com/",
                            "https://www.example.com/?p=5",
                        });
    CHECK(got.skipped.empty());
}

TEST_CASE("extension-less and script files are delivered when their bytes are HTML or an image") {
    TempFolder mirror;
    mirror.write("example.com/page", "  <!DOCTYPE html><html><body>x</body></html>");
    mirror.write("example.com/picture", kPng);
    mirror.write("example.com/blob", std::string("\x00\x01\x02binary", 9));
    mirror.write("example.com/view.php", "<html><body>php page</body></html>");
    mirror.write("example.com/xmlrpc.php", "<?xml version=\"1.0\"?><methodResponse/>");
    mirror.write("example.com/.htaccess", "Deny from all");

    Collected got = read(mirror.str() + "/example.com");
    REQUIRE(got.status.ok());
    REQUIRE(got.find("https://example.com/page"));
    CHECK(got.find("https://example.com/page")->content_type == "text/html");
    REQUIRE(got.find("https://example.com/picture"));
    CHECK(got.find("https://example.com/picture")->content_type == "image/png");
    REQUIRE(got.find("https://example.com/view.php"));
    CHECK(got.find("https://example.com/view.php")->content_type == "text/html");
    CHECK(got.skipped["not HTML or image: (no extension)"] == 2);  // blob, .htaccess
    CHECK(got.skipped["not HTML or image: .php"] == 1);
}

TEST_CASE("files over the size limit are skipped without being read") {
    TempFolder mirror;
    mirror.write("example.com/index.html", kPage);
    mirror.write("example.com/huge.html", std::string(5000, 'x'));
    mirror.write("example.com/huge.jpg", kJpeg + std::string(5000, 'x'));

    MirrorOptions options;
    options.max_file_bytes = 1000;
    Collected got = read(mirror.str() + "/example.com", options);
    REQUIRE(got.status.ok());
    CHECK(got.urls() == std::vector<std::string>{"https://example.com/index.html"});
    CHECK(got.skipped["larger than 1000 bytes"] == 2);

    MirrorOptions default_options;
    CHECK(default_options.max_file_bytes == 64 * 1024 * 1024);
}

TEST_CASE("a missing folder, a file, and a folder without HTML are errors that name the path") {
    TempFolder mirror;
    Collected missing = read(mirror.str() + "/nope");
    CHECK(missing.status.code() == ErrorCode::not_found);
    CHECK(missing.status.message() == "no such file or folder: " + mirror.str() + "/nope");

    mirror.write("file.html", kPage);
    Collected file = read(mirror.str() + "/file.html");
    CHECK(file.status.code() == ErrorCode::invalid_argument);
    CHECK(file.status.message().find("file.html") != std::string::npos);

    mirror.write("example.com/style.css", "body{}");
    mirror.write("example.com/logo.png", kPng);
    Collected no_html = read(mirror.str() + "/example.com");
    CHECK(no_html.status.code() == ErrorCode::bad_input);
    CHECK(no_html.status.message().find(mirror.str() + "/example.com") != std::string::npos);
    CHECK(no_html.status.message().find("no HTML") != std::string::npos);

    CHECK(read("").status.code() == ErrorCode::invalid_argument);
}

TEST_CASE("symbolic links to folders are not followed, so a loop cannot hang the walk") {
    TempFolder mirror;
    mirror.write("example.com/index.html", kPage);
    mirror.write("example.com/real/page.html", kPage);
    fs::create_directory_symlink(mirror.path() / "example.com", mirror.path() / "example.com/loop");
    fs::create_directory_symlink(mirror.path() / "example.com/real", mirror.path() / "example.com/alias");
    fs::create_symlink(mirror.path() / "example.com/real/page.html", mirror.path() / "example.com/linked.html");
    fs::create_symlink(mirror.path() / "example.com/gone.html", mirror.path() / "example.com/broken.html");

    Collected got = read(mirror.str() + "/example.com");
    REQUIRE(got.status.ok());
    CHECK(got.urls() == std::vector<std::string>{"https://example.com/index.html", "https://example.com/linked.html",
                                                 "https://example.com/real/page.html"});
    CHECK(got.skipped["symbolic link to a folder (not followed)"] == 2);
    CHECK(got.skipped["broken symbolic link"] == 1);
}

TEST_CASE("a fifo in the mirror is skipped instead of blocking the read") {
    TempFolder mirror;
    mirror.write("example.com/index.html", kPage);
    REQUIRE(::mkfifo((mirror.path() / "example.com/pipe.html").c_str(), 0600) == 0);
    Collected got = read(mirror.str() + "/example.com");
    REQUIRE(got.status.ok());
    CHECK(got.records.size() == 1);
    CHECK(got.skipped["not a regular file"] == 1);
}

TEST_CASE("two reads of the same mirror deliver the same records in the same order") {
    TempFolder mirror;
    for (const char* name : {"z.html", "a.html", "m/index.html", "B.html", "a/b/c.html", "index.html?p=2.html",
                             "index.html?p=10.html"}) {
        mirror.write(std::string("example.com/") + name, kPage);
    }
    Collected first = read(mirror.str());
    Collected second = read(mirror.str());
    REQUIRE(first.status.ok());
    CHECK(first.urls() == second.urls());
    CHECK(first.urls() == std::vector<std::string>{
                              "https://example.com/B.html", "https://example.com/a/b/c.html",
                              "https://example.com/a.html", "https://example.com/?p=10", "https://example.com/?p=2",
                              "https://example.com/m/index.html", "https://example.com/z.html"});
}

TEST_CASE("a sink that refuses a record stops the read with its status") {
    TempFolder mirror;
    mirror.write("example.com/a.html", kPage);
    mirror.write("example.com/b.html", kPage);
    int calls = 0;
    SkipCounts skipped;
    Status status = read_mirror(
        mirror.str(),
        [&](SourceRecord&&) {
            ++calls;
            return Status(ErrorCode::io, "disk full");
        },
        skipped);
    CHECK(status.code() == ErrorCode::io);
    CHECK(status.message() == "disk full");
    CHECK(calls == 1);
}

TEST_CASE("progress is reported after every file looked at") {
    TempFolder mirror;
    mirror.write("example.com/a.html", kPage);
    mirror.write("example.com/b.css", "x");
    mirror.write("example.com/c.html", kPage);
    std::vector<MirrorProgress> reports;
    MirrorOptions options;
    options.progress = [&](const MirrorProgress& progress) { reports.push_back(progress); };
    Collected got = read(mirror.str(), options);
    REQUIRE(got.status.ok());
    REQUIRE(reports.size() == 3);
    CHECK(reports[0].files_seen == 1);
    CHECK(reports[0].records_delivered == 1);
    CHECK(reports[1].records_delivered == 1);
    CHECK(reports[1].current_file == mirror.str() + "/example.com/b.css");
    CHECK(reports[2].files_seen == 3);
    CHECK(reports[2].records_delivered == 2);
}

TEST_CASE("file names with spaces and non-ASCII characters become percent-encoded URLs") {
    TempFolder mirror;
    mirror.write("example.com/my page.html", kPage);
    mirror.write("example.com/탈북자/index.html", kPage);
    mirror.write("example.com/a%20b.html", kPage);
    Collected got = read(mirror.str() + "/example.com");
    REQUIRE(got.status.ok());
    CHECK(got.find("https://example.com/my%20page.html"));
    CHECK(got.find("https://example.com/a%20b.html"));
    CHECK(got.find("https://example.com/%ED%83%88%EB%B6%81%EC%9E%90/index.html"));
    CHECK(url::canonical_url("https://example.com/%ED%83%88%EB%B6%81%EC%9E%90/index.html") ==
          url::canonical_url("https://example.com/탈북자/"));
}

TEST_CASE("url_for_mirror_file maps wget's file names back to URLs") {
    CHECK(url_for_mirror_file("https", "example.com", "index.html") == "https://example.com/index.html");
    CHECK(url_for_mirror_file("https", "example.com", "dir/index.html") == "https://example.com/dir/index.html");
    CHECK(url_for_mirror_file("https", "example.com", "index.html?p=123.html") == "https://example.com/?p=123");
    CHECK(url_for_mirror_file("https", "example.com", "dir/index.html?p=1") == "https://example.com/dir/?p=1");
    CHECK(url_for_mirror_file("https", "example.com", "page.php?id=3.html") == "https://example.com/page.php?id=3");
    CHECK(url_for_mirror_file("http", "example.com+8080", "a.html") == "http://example.com:8080/a.html");
    CHECK(url_for_mirror_file("https", "example.com", "q.php?a=b c#d") == "https://example.com/q.php?a=b%20c%23d");
}

TEST_CASE("looks_like_host_folder tells host folders from other folders") {
    CHECK(looks_like_host_folder("www.northkoreanrefugees.com"));
    CHECK(looks_like_host_folder("example.com:8080"));
    CHECK(looks_like_host_folder("example.com+8080"));
    CHECK(looks_like_host_folder("127.0.0.1"));
    CHECK(looks_like_host_folder("localhost:8000"));
    CHECK(looks_like_host_folder("my_site.example.com"));
    CHECK_FALSE(looks_like_host_folder("localhost"));
    CHECK_FALSE(looks_like_host_folder("hts-cache"));
    CHECK_FALSE(looks_like_host_folder("wp-content"));
    CHECK_FALSE(looks_like_host_folder("2021.01"));
    CHECK_FALSE(looks_like_host_folder("v1.2"));
    CHECK_FALSE(looks_like_host_folder(".hidden"));
    CHECK_FALSE(looks_like_host_folder("site"));
    CHECK_FALSE(looks_like_host_folder("my site.com"));
    CHECK_FALSE(looks_like_host_folder(""));
}
