// url.h: URL parsing, resolution and the identity of a page.
//
// A site reaches its pages under many spellings: http and https, with and
// without "index.html", with a trailing slash or not, with a default port,
// with a fragment. canonical_url() maps all of them to one string, which is
// the key under which a page is stored in a bundle and looked up by the
// reader. Used by the builder (identity, link resolution) and the reader
// (the user types a URL or a path).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sitepack::url {

struct UrlParts {
    std::string scheme;    // lower case, e.g. "https"
    std::string host;      // lower case, no trailing dot; may be empty for non-hierarchical URLs
    std::string port;      // digits, "" when absent
    std::string path;      // begins with "/" for hierarchical URLs
    std::string query;     // without the "?"; "" when absent
    bool has_query = false;
    std::string fragment;  // without the "#"; "" when absent
};

// Splits an absolute URL ("scheme:..."). Returns nullopt when `text` has no
// scheme or is not a URL (whitespace inside is trimmed at the ends only).
std::optional<UrlParts> parse(std::string_view text);

// Joins parts back into a URL string.
std::string to_string(const UrlParts& parts);

// Resolves a reference (absolute, "//host/x", "/x", "x", "../x", "?q", "#f")
// against an absolute base URL, per RFC 3986 section 5.2, removing dot
// segments. Returns "" when base is not absolute or the result is not a URL.
std::string resolve(std::string_view base, std::string_view reference);

// The identity of a page: scheme http/https becomes "https"; host lower case
// with default port (80, 443) dropped; percent-encoding normalised (unreserved
// characters decoded, hex upper case); dot segments removed; a final
// "index.html", "index.htm", "index.php", "default.htm" or "default.html"
// dropped; a trailing "/" dropped (except the root "/"); empty query dropped;
// fragment dropped. Returns "" for non-http(s) URLs (mailto:, javascript:,
// data:, ...).
std::string canonical_url(std::string_view absolute_url);

// The fragment of a URL without "#", "" when none.
std::string fragment_of(std::string_view url);

// Path and query of a URL for display and lookup, e.g. "/2021/01/x?p=2".
std::string path_and_query(std::string_view url);

// True for http and https URLs.
bool is_web_url(std::string_view url);

}  // namespace sitepack::url
