// url.cpp: RFC 3986 parsing and resolution, and the canonical identity of a
// page. Pure string work: no exceptions, no locale, no platform headers, so
// the same file compiles for the native tools and for WebAssembly.
#include "sitepack/url.h"

#include <cstddef>

namespace sitepack::url {
namespace {

// ---- ASCII helpers (no <cctype>: its answers depend on the C locale) ----

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

int hex_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = to_lower(c);
    return out;
}

// C0 controls and space: what browsers strip from both ends of a URL.
bool is_edge_space(char c) { return static_cast<unsigned char>(c) <= 0x20; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_edge_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_edge_space(text.back())) text.remove_suffix(1);
    return text;
}

bool is_unreserved(char c) {
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// Bytes that may not appear literally in a URL and are percent-encoded when
// a canonical URL is built: controls, space, non-ASCII (UTF-8 bytes of an
// IRI), and the characters RFC 3986 excludes from every component.
bool needs_encoding(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F) return true;
    switch (c) {
        case '"': case '<': case '>': case '\\': case '^': case '`':
        case '{': case '|': case '}':
            return true;
        default:
            return false;
    }
}

// ---- RFC 3986 appendix B split ----

// A URI reference split into its five components, exactly as written.
struct Reference {
    bool has_scheme = false;
    std::string scheme;
    bool has_authority = false;
    std::string authority;
    std::string path;
    bool has_query = false;
    std::string query;
    bool has_fragment = false;
    std::string fragment;
};

bool is_valid_scheme(std::string_view scheme) {
    if (scheme.empty() || !is_alpha(scheme[0])) return false;
    for (char c : scheme) {
        if (!(is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.')) return false;
    }
    return true;
}

// ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?
// A "scheme" that is not a valid one ("1a:b") leaves the whole as a path,
// as a relative reference whose first segment contains a colon.
Reference split(std::string_view text) {
    Reference ref;
    std::size_t pos = 0;
    const std::size_t colon = text.find_first_of(":/?#");
    if (colon != std::string_view::npos && text[colon] == ':' && is_valid_scheme(text.substr(0, colon))) {
        ref.has_scheme = true;
        ref.scheme = std::string(text.substr(0, colon));
        pos = colon + 1;
    }
    if (text.substr(pos, 2) == "//") {
        const std::size_t start = pos + 2;
        std::size_t end = text.find_first_of("/?#", start);
        if (end == std::string_view::npos) end = text.size();
        ref.has_authority = true;
        ref.authority = std::string(text.substr(start, end - start));
        pos = end;
    }
    std::size_t path_end = text.find_first_of("?#", pos);
    if (path_end == std::string_view::npos) path_end = text.size();
    ref.path = std::string(text.substr(pos, path_end - pos));
    pos = path_end;
    if (pos < text.size() && text[pos] == '?') {
        std::size_t query_end = text.find('#', pos + 1);
        if (query_end == std::string_view::npos) query_end = text.size();
        ref.has_query = true;
        ref.query = std::string(text.substr(pos + 1, query_end - pos - 1));
        pos = query_end;
    }
    if (pos < text.size() && text[pos] == '#') {
        ref.has_fragment = true;
        ref.fragment = std::string(text.substr(pos + 1));
    }
    return ref;
}

// RFC 3986 section 5.2.4.
std::string remove_dot_segments(std::string_view input) {
    std::string output;
    while (!input.empty()) {
        if (input.substr(0, 3) == "../") {
            input.remove_prefix(3);
        } else if (input.substr(0, 2) == "./") {
            input.remove_prefix(2);
        } else if (input.substr(0, 3) == "/./") {
            input.remove_prefix(2);  // leaves "/"
        } else if (input == "/.") {
            input = "/";
        } else if (input.substr(0, 4) == "/../" || input == "/..") {
            // Replace the prefix by "/" and drop the output's last segment.
            input = (input.size() == 3) ? std::string_view("/") : input.substr(3);
            const std::size_t last_slash = output.rfind('/');
            output.erase(last_slash == std::string::npos ? 0 : last_slash);
        } else if (input == "." || input == "..") {
            input = std::string_view();
        } else {
            // Move the first segment (with its leading "/", if any) to output.
            const std::size_t next = input.find('/', input[0] == '/' ? 1 : 0);
            const std::size_t length = next == std::string_view::npos ? input.size() : next;
            output.append(input.substr(0, length));
            input.remove_prefix(length);
        }
    }
    return output;
}

// RFC 3986 section 5.2.3.
std::string merge(const Reference& base, const std::string& reference_path) {
    if (base.has_authority && base.path.empty()) return "/" + reference_path;
    const std::size_t last_slash = base.path.rfind('/');
    if (last_slash == std::string::npos) return reference_path;
    return base.path.substr(0, last_slash + 1) + reference_path;
}

// RFC 3986 section 5.3.
std::string recompose(const Reference& ref) {
    std::string out;
    if (ref.has_scheme) out += ref.scheme + ":";
    if (ref.has_authority) out += "//" + ref.authority;
    out += ref.path;
    if (ref.has_query) out += "?" + ref.query;
    if (ref.has_fragment) out += "#" + ref.fragment;
    return out;
}

// Host and port out of an authority ("user@Host:8080"); userinfo is dropped
// (a page's identity never depends on it). False when the port is not a
// port number or the host holds characters no host can hold.
bool split_authority(std::string_view authority, std::string& host, std::string& port) {
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) authority.remove_prefix(at + 1);
    std::string_view host_text = authority;
    std::string_view port_text;
    if (!authority.empty() && authority[0] == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return false;
        host_text = authority.substr(0, close + 1);
        std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') return false;
            port_text = rest.substr(1);
        }
    } else {
        const std::size_t colon = authority.rfind(':');
        if (colon != std::string_view::npos) {
            host_text = authority.substr(0, colon);
            port_text = authority.substr(colon + 1);
        }
    }
    for (char c : port_text) {
        if (!is_digit(c)) return false;
    }
    // Leading zeros say nothing; "0080" is port 80.
    while (port_text.size() > 1 && port_text[0] == '0') port_text.remove_prefix(1);
    if (port_text.size() > 5 || (port_text.size() == 5 && port_text > "65535")) return false;
    const bool bracketed = !host_text.empty() && host_text[0] == '[';
    for (char c : host_text) {
        if (needs_encoding(c) && static_cast<unsigned char>(c) < 0x80) return false;
        if (c == '/' || c == '?' || c == '#' || c == '@') return false;
        // Only an IP literal ("[::1]") holds colons or brackets; "a:b:80"
        // would otherwise give host "a:b", which reads back as a bad port.
        if (!bracketed && (c == ':' || c == '[' || c == ']')) return false;
    }
    host = lower(host_text);
    while (!host.empty() && host.back() == '.') host.pop_back();
    port = std::string(port_text);
    return true;
}

bool is_web_scheme(std::string_view lower_scheme) {
    return lower_scheme == "http" || lower_scheme == "https";
}

// Percent-encoding normalisation (RFC 3986 6.2.2.1 and 6.2.2.2): "%7e" and
// "%41" become "~" and "A"; other escapes get upper-case hex; bytes that may
// not appear literally are encoded; a "%" that starts no escape becomes "%25".
std::string normalise_percent_encoding(std::string_view text) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 < text.size() && is_hex(text[i + 1]) && is_hex(text[i + 2])) {
                const char decoded = static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
                if (is_unreserved(decoded)) {
                    out += decoded;
                } else {
                    out += '%';
                    out += to_upper(text[i + 1]);
                    out += to_upper(text[i + 2]);
                }
                i += 2;
            } else {
                out += "%25";
            }
        } else if (needs_encoding(c)) {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        } else {
            out += c;
        }
    }
    return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::optional<UrlParts> parse(std::string_view text) {
    const Reference ref = split(trim(text));
    if (!ref.has_scheme) return std::nullopt;
    UrlParts parts;
    parts.scheme = lower(ref.scheme);
    if (ref.has_authority) {
        if (!split_authority(ref.authority, parts.host, parts.port)) return std::nullopt;
    }
    if (is_web_scheme(parts.scheme) && parts.host.empty()) return std::nullopt;  // "http:x", "http:///x"
    parts.path = ref.path;
    if (ref.has_authority && parts.path.empty()) parts.path = "/";
    parts.has_query = ref.has_query;
    parts.query = ref.query;
    parts.fragment = ref.fragment;
    return parts;
}

std::string to_string(const UrlParts& parts) {
    std::string out = parts.scheme + ":";
    const bool has_authority = !parts.host.empty() || parts.scheme == "file";
    if (has_authority) {
        out += "//" + parts.host;
        if (!parts.port.empty()) out += ":" + parts.port;
    } else if (parts.path.substr(0, 2) == "//") {
        out += "/.";  // RFC 3986 5.3: keep a path from being read as an authority
    }
    out += parts.path;
    if (parts.has_query) out += "?" + parts.query;
    if (!parts.fragment.empty()) out += "#" + parts.fragment;
    return out;
}

std::string resolve(std::string_view base, std::string_view reference) {
    const Reference base_ref = split(trim(base));
    if (!base_ref.has_scheme || !parse(base)) return "";

    // Browsers drop tabs and newlines anywhere in an href (old HTML wraps
    // long attribute values); do the same so such links still resolve.
    std::string cleaned;
    for (char c : trim(reference)) {
        if (c != '\t' && c != '\n' && c != '\r') cleaned += c;
    }
    Reference ref = split(cleaned);

    // RFC 3986 5.2.2, non-strict: "http:g" against an http base is relative,
    // as every browser treats it.
    if (ref.has_scheme && !ref.has_authority && lower(ref.scheme) == lower(base_ref.scheme)) {
        ref.has_scheme = false;
        ref.scheme.clear();
    }

    Reference target;
    if (ref.has_scheme) {
        target = ref;
        target.path = remove_dot_segments(ref.path);
    } else {
        // A base such as "mailto:x" has no hierarchy to resolve against.
        const bool base_is_hierarchical = base_ref.has_authority || (!base_ref.path.empty() && base_ref.path[0] == '/');
        const bool fragment_only = !ref.has_authority && ref.path.empty() && !ref.has_query;
        if (!base_is_hierarchical && !fragment_only) return "";

        target.has_scheme = true;
        target.scheme = base_ref.scheme;
        if (ref.has_authority) {
            target.has_authority = true;
            target.authority = ref.authority;
            target.path = remove_dot_segments(ref.path);
            target.has_query = ref.has_query;
            target.query = ref.query;
        } else {
            target.has_authority = base_ref.has_authority;
            target.authority = base_ref.authority;
            if (ref.path.empty()) {
                target.path = base_ref.path;
                if (ref.has_query) {
                    target.has_query = true;
                    target.query = ref.query;
                } else {
                    target.has_query = base_ref.has_query;
                    target.query = base_ref.query;
                }
            } else {
                if (ref.path[0] == '/') {
                    target.path = remove_dot_segments(ref.path);
                } else {
                    target.path = remove_dot_segments(merge(base_ref, ref.path));
                }
                target.has_query = ref.has_query;
                target.query = ref.query;
            }
        }
    }
    target.has_fragment = ref.has_fragment;
    target.fragment = ref.fragment;

    std::string result = recompose(target);
    if (!parse(result)) return "";
    return result;
}

std::string canonical_url(std::string_view absolute_url) {
    std::optional<UrlParts> parts = parse(absolute_url);
    if (!parts || !is_web_scheme(parts->scheme) || parts->host.empty()) return "";

    std::string out = "https://" + parts->host;
    if (!parts->port.empty() && parts->port != "80" && parts->port != "443") out += ":" + parts->port;

    // Percent-encoding first, so "%2E%2E" is seen as ".." (RFC 3986 6.2.2).
    std::string path = remove_dot_segments(normalise_percent_encoding(parts->path));
    if (path.empty() || path[0] != '/') path = "/" + path;

    // A directory's index document is the directory. Trailing slashes go
    // before and after, until nothing changes: "/a/index.html/" and
    // "/a/index.html/index.html" must not stop at "/a/index.html", whose own
    // canonical form is "/a" (canonical_url must be idempotent, or a URL the
    // bundle lists would not find its own page).
    static const char* const kIndexNames[] = {"index.html", "index.htm", "index.php", "default.htm", "default.html"};
    for (bool dropped = true; dropped;) {
        while (path.size() > 1 && path.back() == '/') path.pop_back();
        dropped = false;
        for (const char* name : kIndexNames) {
            const std::string with_slash = std::string("/") + name;
            if (ends_with(path, with_slash)) {
                path.erase(path.size() - with_slash.size() + 1);
                dropped = true;
                break;
            }
        }
    }
    out += path;

    if (parts->has_query && !parts->query.empty()) out += "?" + normalise_percent_encoding(parts->query);
    return out;
}

std::string fragment_of(std::string_view url) {
    const std::size_t hash = url.find('#');
    if (hash == std::string_view::npos) return "";
    return std::string(trim(url.substr(hash + 1)));
}

std::string path_and_query(std::string_view url) {
    if (std::optional<UrlParts> parts = parse(url)) {
        std::string out = parts->path.empty() ? "/" : parts->path;
        if (parts->has_query) out += "?" + parts->query;
        return out;
    }
    // Already a path ("/2021/01/x?p=2#c"), as a person may type it.
    std::string_view text = trim(url);
    if (!text.empty() && text[0] == '/' && text.substr(0, 2) != "//") {
        return std::string(text.substr(0, text.find('#')));
    }
    return "";
}

bool is_web_url(std::string_view url) {
    std::optional<UrlParts> parts = parse(url);
    return parts && is_web_scheme(parts->scheme) && !parts->host.empty();
}

}  // namespace sitepack::url
