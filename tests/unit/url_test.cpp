// url_test.cpp: parsing, RFC 3986 resolution and the canonical identity of a page.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "sitepack/url.h"

using namespace sitepack::url;

TEST_CASE("parse splits an absolute URL into lower-case scheme and host, port, path, query and fragment") {
    auto parts = parse("HTTPS://WWW.NorthKoreanRefugees.COM:8443/2021/01/Post?p=123#Comments");
    REQUIRE(parts);
    CHECK(parts->scheme == "https");
    CHECK(parts->host == "www.northkoreanrefugees.com");
    CHECK(parts->port == "8443");
    CHECK(parts->path == "/2021/01/Post");  // path case is kept: servers may care
    CHECK(parts->has_query);
    CHECK(parts->query == "p=123");
    CHECK(parts->fragment == "Comments");
}

TEST_CASE("parse gives a host-only URL the root path and no query") {
    auto parts = parse("http://example.com");
    REQUIRE(parts);
    CHECK(parts->path == "/");
    CHECK_FALSE(parts->has_query);
    CHECK(parts->query.empty());
    CHECK(parts->fragment.empty());
}

TEST_CASE("parse tells an empty query from no query") {
    auto parts = parse("http://example.com/x?");
    REQUIRE(parts);
    CHECK(parts->has_query);
    CHECK(parts->query.empty());
}

TEST_CASE("parse trims whitespace at the ends, drops the host's trailing dot and userinfo") {
    auto parts = parse("  \t http://user:secret@Example.com.:80/a b \n");
    REQUIRE(parts);
    CHECK(parts->host == "example.com");
    CHECK(parts->port == "80");
    CHECK(parts->path == "/a b");  // inner whitespace is kept as written
}

TEST_CASE("parse accepts IPv6 hosts and non-web schemes") {
    auto v6 = parse("http://[::1]:8080/x");
    REQUIRE(v6);
    CHECK(v6->host == "[::1]");
    CHECK(v6->port == "8080");

    auto mail = parse("mailto:someone@example.com");
    REQUIRE(mail);
    CHECK(mail->scheme == "mailto");
    CHECK(mail->host.empty());
    CHECK(mail->path == "someone@example.com");
}

TEST_CASE("parse rejects relative references and garbage") {
    CHECK_FALSE(parse(""));
    CHECK_FALSE(parse("   "));
    CHECK_FALSE(parse("/just/a/path"));
    CHECK_FALSE(parse("page.html"));
    CHECK_FALSE(parse("//example.com/x"));
    CHECK_FALSE(parse("1http://example.com/"));      // a scheme starts with a letter
    CHECK_FALSE(parse("http://example.com:80a/"));   // port is digits
    CHECK_FALSE(parse("http://example.com:99999/")); // port out of range
    CHECK_FALSE(parse("http://exa mple.com/"));      // no spaces in a host
    CHECK_FALSE(parse("http:///path"));              // a web URL needs a host
    CHECK_FALSE(parse("http:relative"));
    CHECK_FALSE(parse("http://[::1/"));              // unclosed IPv6 literal
    CHECK_FALSE(parse(std::string("\0\0\0", 3)));
}

TEST_CASE("to_string joins the parts back into the same URL") {
    for (const char* text : {"https://example.com/a/b?c=d#e", "http://example.com:8080/", "mailto:a@b.c",
                             "https://example.com/?", "file:///etc/hosts"}) {
        auto parts = parse(text);
        REQUIRE(parts);
        CHECK(to_string(*parts) == text);
    }
}

// RFC 3986 section 5.4, every example, against its base.
TEST_CASE("resolve gives the results of every RFC 3986 section 5.4 example") {
    const std::string base = "http://a/b/c/d;p?q";
    const std::vector<std::pair<const char*, const char*>> examples = {
        // 5.4.1 normal examples
        {"g:h", "g:h"},
        {"g", "http://a/b/c/g"},
        {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"},
        {"//g", "http://g"},
        {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"},
        {"#s", "http://a/b/c/d;p?q#s"},
        {"g#s", "http://a/b/c/g#s"},
        {"g?y#s", "http://a/b/c/g?y#s"},
        {";x", "http://a/b/c/;x"},
        {"g;x", "http://a/b/c/g;x"},
        {"g;x?y#s", "http://a/b/c/g;x?y#s"},
        {"", "http://a/b/c/d;p?q"},
        {".", "http://a/b/c/"},
        {"./", "http://a/b/c/"},
        {"..", "http://a/b/"},
        {"../", "http://a/b/"},
        {"../g", "http://a/b/g"},
        {"../..", "http://a/"},
        {"../../", "http://a/"},
        {"../../g", "http://a/g"},
        // 5.4.2 abnormal examples
        {"../../../g", "http://a/g"},
        {"../../../../g", "http://a/g"},
        {"/./g", "http://a/g"},
        {"/../g", "http://a/g"},
        {"g.", "http://a/b/c/g."},
        {".g", "http://a/b/c/.g"},
        {"g..", "http://a/b/c/g.."},
        {"..g", "http://a/b/c/..g"},
        {"./../g", "http://a/b/g"},
        {"./g/.", "http://a/b/c/g/"},
        {"g/./h", "http://a/b/c/g/h"},
        {"g/../h", "http://a/b/c/h"},
        {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
        {"g;x=1/../y", "http://a/b/c/y"},
        {"g?y/./x", "http://a/b/c/g?y/./x"},
        {"g?y/../x", "http://a/b/c/g?y/../x"},
        {"g#s/./x", "http://a/b/c/g#s/./x"},
        {"g#s/../x", "http://a/b/c/g#s/../x"},
        // The non-strict reading the RFC allows and every browser uses.
        {"http:g", "http://a/b/c/g"},
    };
    for (const auto& [reference, expected] : examples) {
        CAPTURE(reference);
        CHECK(resolve(base, reference) == expected);
    }
}

TEST_CASE("resolve handles the links a WordPress page really has") {
    const std::string page = "https://www.northkoreanrefugees.com/2021/01/some-post/";
    CHECK(resolve(page, "../../../wp-content/uploads/a.jpg") == "https://www.northkoreanrefugees.com/wp-content/uploads/a.jpg");
    CHECK(resolve(page, "?p=123") == "https://www.northkoreanrefugees.com/2021/01/some-post/?p=123");
    CHECK(resolve(page, "//cdn.example.com/x.png") == "https://cdn.example.com/x.png");
    CHECK(resolve(page, "#comments") == "https://www.northkoreanrefugees.com/2021/01/some-post/#comments");
    CHECK(resolve(page, "  /about/  ") == "https://www.northkoreanrefugees.com/about/");
    CHECK(resolve(page, "/long\n/link") == "https://www.northkoreanrefugees.com/long/link");  // wrapped attribute
    CHECK(resolve("http://example.com", "x.html") == "http://example.com/x.html");
}

TEST_CASE("resolve passes non-web references through for the caller to reject") {
    const std::string page = "https://example.com/a/";
    CHECK(resolve(page, "mailto:someone@example.com") == "mailto:someone@example.com");
    CHECK(resolve(page, "javascript:void(0)") == "javascript:void(0)");
    CHECK(canonical_url(resolve(page, "mailto:someone@example.com")).empty());
    CHECK(canonical_url(resolve(page, "javascript:void(0)")).empty());
}

TEST_CASE("resolve returns empty for a relative base or an unusable result") {
    CHECK(resolve("/relative/base", "x").empty());
    CHECK(resolve("", "x").empty());
    CHECK(resolve("garbage", "http://example.com/").empty());
    CHECK(resolve("https://example.com/", "http://exa mple.com/").empty());
    CHECK(resolve("https://example.com/", "https://example.com:port/").empty());
    CHECK(resolve("mailto:a@b.c", "x").empty());  // nothing to resolve against
}

TEST_CASE("canonical_url makes http and https the same page") {
    CHECK(canonical_url("http://example.com/a") == "https://example.com/a");
    CHECK(canonical_url("https://example.com/a") == "https://example.com/a");
}

TEST_CASE("canonical_url drops index documents, trailing slashes and default ports") {
    const std::string expected = "https://example.com/dir";
    for (const char* spelling : {"http://example.com/dir", "http://example.com/dir/", "https://example.com/dir/index.html",
                                 "http://example.com:80/dir/index.htm", "https://example.com:443/dir/index.php",
                                 "http://example.com/dir/default.htm", "http://example.com/dir/default.html",
                                 "HTTP://EXAMPLE.COM/dir/", "http://example.com./dir/#top",
                                 "http://example.com/dir/./sub/../"}) {
        CAPTURE(spelling);
        CHECK(canonical_url(spelling) == expected);
    }
    CHECK(canonical_url("http://example.com") == "https://example.com/");
    CHECK(canonical_url("http://example.com/") == "https://example.com/");
    CHECK(canonical_url("http://example.com/index.html") == "https://example.com/");
    CHECK(canonical_url("http://example.com//") == "https://example.com/");
    CHECK(canonical_url("http://example.com:8080/") == "https://example.com:8080/");
    CHECK(canonical_url("http://example.com:0080/") == "https://example.com/");
}

TEST_CASE("canonical_url keeps names that only look like index documents") {
    CHECK(canonical_url("https://example.com/myindex.html") == "https://example.com/myindex.html");
    CHECK(canonical_url("https://example.com/index.html5") == "https://example.com/index.html5");
    CHECK(canonical_url("https://example.com/page.html") == "https://example.com/page.html");
}

TEST_CASE("canonical_url keeps the query, so WordPress ?p=123 pages stay distinct") {
    CHECK(canonical_url("http://example.com/?p=123") == "https://example.com/?p=123");
    CHECK(canonical_url("http://example.com/index.php?p=123") == "https://example.com/?p=123");
    CHECK(canonical_url("http://example.com/?p=123#respond") == "https://example.com/?p=123");
    CHECK(canonical_url("http://example.com/page.php?id=3&x=y") == "https://example.com/page.php?id=3&x=y");
    CHECK(canonical_url("http://example.com/a?") == "https://example.com/a");  // empty query dropped
    CHECK(canonical_url("http://example.com/?p=1") != canonical_url("http://example.com/?p=2"));
}

TEST_CASE("canonical_url normalises percent-encoding") {
    // Unreserved characters decoded, other escapes upper-cased.
    CHECK(canonical_url("http://example.com/%7euser/%41b") == "https://example.com/~user/Ab");
    CHECK(canonical_url("http://example.com/a%2fb") == "https://example.com/a%2Fb");
    CHECK(canonical_url("http://example.com/a%2Fb") == "https://example.com/a%2Fb");
    // Raw spaces and UTF-8 are encoded, so a typed IRI matches its encoded form.
    CHECK(canonical_url("http://example.com/a b") == "https://example.com/a%20b");
    CHECK(canonical_url("http://example.com/\xED\x95\x9C") == "https://example.com/%ED%95%9C");
    CHECK(canonical_url("http://example.com/%ed%95%9c") == "https://example.com/%ED%95%9C");
    // A "%" that starts no escape is itself encoded.
    CHECK(canonical_url("http://example.com/100%") == "https://example.com/100%25");
    CHECK(canonical_url("http://example.com/?q=%zz") == "https://example.com/?q=%25zz");
    // Encoded dots are dot segments once decoded.
    CHECK(canonical_url("http://example.com/a/%2E%2E/b") == "https://example.com/b");
    CHECK(canonical_url("http://example.com/?s=a%20b") == "https://example.com/?s=a%20b");
}

TEST_CASE("canonical_url rejects non-web URLs and garbage") {
    CHECK(canonical_url("mailto:someone@example.com").empty());
    CHECK(canonical_url("javascript:alert(1)").empty());
    CHECK(canonical_url("data:text/html,hi").empty());
    CHECK(canonical_url("ftp://example.com/file").empty());
    CHECK(canonical_url("/relative/path").empty());
    CHECK(canonical_url("").empty());
    CHECK(canonical_url("http://").empty());
    CHECK(canonical_url("http://:80/").empty());
    CHECK(canonical_url("not a url at all").empty());
    CHECK(canonical_url("\xff\xfe\x00garbage").empty());
}

TEST_CASE("canonical_url is idempotent") {
    for (const char* text : {"http://Example.com:80/a/./b/../c/index.html?x=%7e#f", "https://example.com/",
                             "http://example.com/a b/%zz", "http://example.com/?p=1"}) {
        const std::string once = canonical_url(text);
        CAPTURE(text);
        CHECK(!once.empty());
        CHECK(canonical_url(once) == once);
    }
}

TEST_CASE("fragment_of returns what follows the first #") {
    CHECK(fragment_of("https://example.com/a#section-2") == "section-2");
    CHECK(fragment_of("#top") == "top");
    CHECK(fragment_of("https://example.com/a").empty());
    CHECK(fragment_of("https://example.com/a#").empty());
}

TEST_CASE("path_and_query gives what a person sees after the host") {
    CHECK(path_and_query("https://example.com/2021/01/x?p=2#c") == "/2021/01/x?p=2");
    CHECK(path_and_query("https://example.com") == "/");
    CHECK(path_and_query("https://example.com/a?") == "/a?");
    CHECK(path_and_query("/typed/path?q=1#frag") == "/typed/path?q=1");
    CHECK(path_and_query("garbage").empty());
}

TEST_CASE("is_web_url is true only for http and https URLs with a host") {
    CHECK(is_web_url("http://example.com/"));
    CHECK(is_web_url("HTTPS://example.com"));
    CHECK_FALSE(is_web_url("mailto:a@b.c"));
    CHECK_FALSE(is_web_url("javascript:void(0)"));
    CHECK_FALSE(is_web_url("/path"));
    CHECK_FALSE(is_web_url("http:///x"));
    CHECK_FALSE(is_web_url(""));
}
