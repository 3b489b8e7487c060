// mirror_reader.cpp: walking a wget or HTTrack mirror folder.
//
// std::filesystem is used only through its error_code overloads: a folder
// that cannot be listed is an error value, never an exception.
#include "mirror_reader.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "sitepack/url.h"

namespace sitepack::build {
namespace {

namespace fs = std::filesystem;

// A host folder nested deeper than this is not a website.
constexpr int kMaxDepth = 64;

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool ascii_alnum(char c) { return ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

bool ends_with_ci(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && lower(text.substr(text.size() - suffix.size())) == suffix;
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), ascii_digit);
}

// Splits "host:port" / "host+port" (wget's Windows-safe spelling).
void split_host_port(std::string_view name, std::string_view& host, std::string_view& port) {
    host = name;
    port = std::string_view();
    const std::size_t mark = name.find_last_of(":+");
    if (mark != std::string_view::npos && all_digits(name.substr(mark + 1))) {
        host = name.substr(0, mark);
        port = name.substr(mark + 1);
    }
}

// "example.com+8080" -> "example.com:8080".
std::string host_with_port(std::string_view folder_name) {
    std::string_view host, port;
    split_host_port(folder_name, host, port);
    std::string out(host);
    if (!port.empty()) out += ":" + std::string(port);
    return out;
}

// Percent-encodes what a URL path or query cannot hold literally. "%" is
// kept: a file name that still holds "%20" came from an encoded URL.
std::string encode_for_url(std::string_view text, bool in_query) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        bool keep = ascii_alnum(c);
        if (!keep) {
            switch (c) {
                case '-': case '.': case '_': case '~': case '!': case '$': case '&': case '\'': case '(':
                case ')': case '*': case '+': case ',': case ';': case '=': case ':': case '@': case '%':
                case '/':
                    keep = true;
                    break;
                case '?':
                    keep = in_query;
                    break;
                default:
                    keep = false;
            }
        }
        if (keep) {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        }
    }
    return out;
}

// A file name split where wget put the URL's "?": "page.php?id=3.html" ->
// base "page.php", query "id=3" (the ".html" of --adjust-extension dropped,
// and remembered in adjusted_html).
struct MirrorFileName {
    std::string base;
    bool has_query = false;
    std::string query;
    bool adjusted_html = false;
};

MirrorFileName split_file_name(std::string_view name) {
    MirrorFileName out;
    std::size_t mark = name.find('?');
    std::size_t mark_length = 1;
    if (mark == std::string_view::npos) {
        for (std::size_t i = 0; i + 3 <= name.size(); ++i) {
            if (name[i] == '%' && name[i + 1] == '3' && (name[i + 2] == 'F' || name[i + 2] == 'f')) {
                mark = i;
                mark_length = 3;
                break;
            }
        }
    }
    if (mark == std::string_view::npos) {
        // --restrict-file-names=windows writes "?" as "@"; an "@" followed
        // by "name=value" is taken for one ("index.html@p=123.html").
        const std::size_t at = name.find('@');
        if (at != std::string_view::npos && at > 0 && name.find('=', at) != std::string_view::npos) mark = at;
    }
    if (mark == std::string_view::npos) {
        out.base = std::string(name);
        return out;
    }
    out.base = std::string(name.substr(0, mark));
    out.has_query = true;
    out.query = std::string(name.substr(mark + mark_length));
    if (ends_with_ci(out.query, ".html")) {
        out.query.erase(out.query.size() - 5);
        out.adjusted_html = true;
    }
    return out;
}

// The lower-case extension of a name without the dot, "" when none
// (".htaccess" has none: a leading dot starts a hidden name).
std::string extension_of(std::string_view name) {
    const std::size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return "";
    return lower(name.substr(dot + 1));
}

enum class FileKind { html, image, sniff, other };

struct Classified {
    FileKind kind = FileKind::other;
    std::string content_type;  // for html and image
};

Classified classify_extension(const std::string& extension) {
    if (extension == "html" || extension == "htm" || extension == "shtml") return {FileKind::html, "text/html"};
    if (extension == "xhtml") return {FileKind::html, "application/xhtml+xml"};
    if (extension == "jpg" || extension == "jpeg") return {FileKind::image, "image/jpeg"};
    if (extension == "png") return {FileKind::image, "image/png"};
    if (extension == "gif") return {FileKind::image, "image/gif"};
    if (extension == "webp") return {FileKind::image, "image/webp"};
    if (extension == "svg") return {FileKind::image, "image/svg+xml"};
    // Server-side scripts and extension-less names: the bytes decide.
    if (extension.empty() || extension == "php" || extension == "php3" || extension == "php4" ||
        extension == "php5" || extension == "asp" || extension == "aspx" || extension == "jsp" ||
        extension == "cfm" || extension == "cgi" || extension == "pl") {
        return {FileKind::sniff, ""};
    }
    return {FileKind::other, ""};
}

std::string_view skip_bom_and_space(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    while (!bytes.empty() && (bytes[0] == ' ' || bytes[0] == '\t' || bytes[0] == '\n' || bytes[0] == '\r' ||
                              bytes[0] == '\f')) {
        bytes.remove_prefix(1);
    }
    return bytes;
}

// The HTML signatures of the WHATWG MIME Sniffing standard, plus XHTML
// announced by an XML declaration.
bool sniffs_as_html(std::string_view bytes) {
    const std::string_view text = skip_bom_and_space(bytes);
    static const char* const kSignatures[] = {"<!doctype html", "<html", "<head", "<script", "<iframe", "<h1",
                                              "<div", "<font", "<table", "<a", "<style", "<title", "<b",
                                              "<body", "<br", "<p", "<!--"};
    for (const char* signature : kSignatures) {
        const std::string_view sig(signature);
        if (text.size() > sig.size() && lower(text.substr(0, sig.size())) == sig &&
            (text[sig.size()] == ' ' || text[sig.size()] == '>')) {
            return true;
        }
    }
    if (lower(text.substr(0, 5)) == "<?xml") {
        return lower(text.substr(0, 1024)).find("<html") != std::string::npos;
    }
    return false;
}

// An image type from magic bytes, "" when none.
std::string sniff_image_type(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xFF\xD8\xFF") return "image/jpeg";
    if (bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n") return "image/png";
    if (bytes.substr(0, 6) == "GIF87a" || bytes.substr(0, 6) == "GIF89a") return "image/gif";
    if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") return "image/webp";
    const std::string head = lower(skip_bom_and_space(bytes).substr(0, 512));
    if (head.compare(0, 4, "<svg") == 0 || (head.compare(0, 5, "<?xml") == 0 && head.find("<svg") != std::string::npos)) {
        return "image/svg+xml";
    }
    return "";
}

// WordPress feeds saved by wget as "feed/index.html".
bool is_feed(std::string_view bytes) {
    const std::string head = lower(skip_bom_and_space(bytes).substr(0, 1024));
    if (head.compare(0, 5, "<?xml") != 0 && head.compare(0, 4, "<rss") != 0 && head.compare(0, 5, "<feed") != 0) {
        return false;
    }
    return head.find("<rss") != std::string::npos || head.find("<feed") != std::string::npos ||
           head.find("<rdf:rdf") != std::string::npos;
}

// The address HTTrack wrote into a page it saved, "" when none:
// "<!-- Mirrored from www.example.com/?p=1 by HTTrack Website Copier/3.x ..."
std::string httrack_original_address(std::string_view html) {
    static constexpr std::string_view kStart = "<!-- Mirrored from ";
    const std::size_t start = html.find(kStart);
    if (start == std::string_view::npos) return "";
    const std::size_t from = start + kStart.size();
    const std::size_t end = html.find(" by HTTrack", from);
    if (end == std::string_view::npos || end - from > 4096) return "";
    return std::string(html.substr(from, end - from));
}

std::string size_limit_reason(int64_t limit) {
    constexpr int64_t kMiB = 1024 * 1024;
    if (limit > 0 && limit % kMiB == 0) return "larger than " + std::to_string(limit / kMiB) + " MiB";
    return "larger than " + std::to_string(limit) + " bytes";
}

bool is_httrack_project_file(const std::string& name) {
    return name == "hts-cache" || name == "hts-log.txt" || name == "hts-err.txt" || name == "hts-nohup.out" ||
           name == "hts-ioinfo.txt" || name == "hts-stats.txt" || name == "backblue.gif" || name == "fade.gif" ||
           name == "index.html" || name == "cookies.txt" || extension_of(name) == "whtt";
}

struct Entry {
    std::string name;
    fs::path path;
};

// The entries of a folder in byte order of their names.
Status list_folder(const fs::path& folder, const std::string& shown, std::vector<Entry>& entries) {
    entries.clear();
    std::error_code error;
    fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, error);
    if (error) return Status(ErrorCode::io, "cannot list the folder " + shown + ": " + error.message());
    for (; it != fs::directory_iterator(); it.increment(error)) {
        if (error) return Status(ErrorCode::io, "cannot list the folder " + shown + ": " + error.message());
        entries.push_back({it->path().filename().string(), it->path()});
    }
    if (error) return Status(ErrorCode::io, "cannot list the folder " + shown + ": " + error.message());
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
    return Status();
}

// Reads a whole file known to be at most `limit` bytes; false on any error.
bool read_file(const fs::path& path, int64_t limit, std::string& bytes) {
    bytes.clear();
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) return false;
    char buffer[65536];
    bool ok = true;
    for (;;) {
        const std::size_t got = std::fread(buffer, 1, sizeof(buffer), file);
        bytes.append(buffer, got);
        if (static_cast<int64_t>(bytes.size()) > limit) {
            ok = false;  // grew while we read it
            break;
        }
        if (got < sizeof(buffer)) {
            ok = !std::ferror(file);
            break;
        }
    }
    std::fclose(file);
    return ok;
}

class MirrorWalker {
public:
    MirrorWalker(const MirrorOptions& options, const RecordSink& sink, SkipCounts& skipped)
        : options_(options), sink_(sink), skipped_(skipped) {}

    // Walks one host folder; `shown` is how its path appears in messages.
    Status walk_host(const fs::path& folder, const std::string& shown, const std::string& host) {
        return walk(folder, shown, host, "", 0);
    }

    void skip(const std::string& reason, const std::string& origin) {
        ++skipped_[reason];
        if (options_.on_skip) options_.on_skip(reason, origin);
    }

    int64_t files_seen() const { return files_seen_; }
    int64_t html_delivered() const { return html_delivered_; }

private:
    Status walk(const fs::path& folder, const std::string& shown, const std::string& host,
                const std::string& relative, int depth) {
        std::vector<Entry> entries;
        Status listed = list_folder(folder, shown, entries);
        if (!listed) return listed;
        for (const Entry& entry : entries) {
            const std::string entry_shown = shown + "/" + entry.name;
            const std::string entry_relative = relative.empty() ? entry.name : relative + "/" + entry.name;
            std::error_code error;
            const fs::file_status link_status = fs::symlink_status(entry.path, error);
            if (error) {
                skip("unreadable file", entry_shown);
                continue;
            }
            if (fs::is_symlink(link_status)) {
                const fs::file_status target = fs::status(entry.path, error);
                if (error || !fs::exists(target)) {
                    skip("broken symbolic link", entry_shown);
                } else if (fs::is_directory(target)) {
                    skip("symbolic link to a folder (not followed)", entry_shown);
                } else if (fs::is_regular_file(target)) {
                    Status visited = visit_file(entry.path, entry_shown, host, entry_relative, entry.name);
                    if (!visited) return visited;
                } else {
                    skip("not a regular file", entry_shown);
                }
                continue;
            }
            if (fs::is_directory(link_status)) {
                if (entry.name == "hts-cache") continue;  // HTTrack's cache, wherever it is
                if (depth + 1 > kMaxDepth) {
                    skip("folder nested too deep", entry_shown);
                    continue;
                }
                Status walked = walk(entry.path, entry_shown, host, entry_relative, depth + 1);
                if (!walked) return walked;
                continue;
            }
            if (fs::is_regular_file(link_status)) {
                Status visited = visit_file(entry.path, entry_shown, host, entry_relative, entry.name);
                if (!visited) return visited;
                continue;
            }
            skip("not a regular file", entry_shown);
        }
        return Status();
    }

    Status visit_file(const fs::path& path, const std::string& shown, const std::string& host,
                      const std::string& relative, const std::string& name) {
        ++files_seen_;
        Status result = deliver_file(path, shown, host, relative, name);
        if (options_.progress) {
            MirrorProgress progress;
            progress.files_seen = files_seen_;
            progress.records_delivered = delivered_;
            progress.current_file = shown;
            options_.progress(progress);
        }
        return result;
    }

    Status deliver_file(const fs::path& path, const std::string& shown, const std::string& host,
                        const std::string& relative, const std::string& name) {
        const MirrorFileName split = split_file_name(name);
        const std::string extension = split.adjusted_html ? "html" : extension_of(split.base);
        Classified classified = classify_extension(extension);
        if (classified.kind == FileKind::other) {
            skip("not HTML or image: ." + extension, shown);
            return Status();
        }

        std::error_code error;
        const std::uintmax_t size = fs::file_size(path, error);
        if (error) {
            skip("unreadable file", shown);
            return Status();
        }
        if (static_cast<int64_t>(size) > options_.max_file_bytes) {
            skip(size_limit_reason(options_.max_file_bytes), shown);
            return Status();
        }
        SourceRecord record;
        if (!read_file(path, options_.max_file_bytes, record.body)) {
            skip("unreadable file", shown);
            return Status();
        }

        if (classified.kind == FileKind::sniff) {
            if (sniffs_as_html(record.body)) {
                classified = {FileKind::html, "text/html"};
            } else if (std::string image = sniff_image_type(record.body); !image.empty()) {
                classified = {FileKind::image, image};
            } else {
                skip(extension.empty() ? "not HTML or image: (no extension)" : "not HTML or image: ." + extension, shown);
                return Status();
            }
        }
        if (classified.kind == FileKind::html && is_feed(record.body)) {
            skip("not HTML or image: feed", shown);
            return Status();
        }

        record.url = url_for_mirror_file(options_.scheme, host, relative);
        if (classified.kind == FileKind::html) {
            // HTTrack renames query pages ("index2a4b.html") but says where
            // they came from.
            std::string original = httrack_original_address(record.body);
            if (!original.empty()) {
                if (original.find("://") == std::string::npos) original = options_.scheme + "://" + original;
                const std::optional<url::UrlParts> parts = url::parse(original);
                if (parts && url::is_web_url(original) &&
                    parts->host + (parts->port.empty() ? "" : ":" + parts->port) == lower(host)) {
                    record.url = original;
                }
            }
        }
        record.status = 200;
        record.content_type = classified.content_type;
        record.origin = shown;
        const bool is_html = classified.kind == FileKind::html;
        Status accepted = sink_(std::move(record));
        if (!accepted) return accepted;
        ++delivered_;
        if (is_html) ++html_delivered_;
        return Status();
    }

    const MirrorOptions& options_;
    const RecordSink& sink_;
    SkipCounts& skipped_;
    int64_t files_seen_ = 0;
    int64_t delivered_ = 0;
    int64_t html_delivered_ = 0;
};

// The folder's own name, also for "." and paths ending in "/".
std::string folder_name(const fs::path& folder) {
    std::error_code error;
    fs::path absolute = fs::absolute(folder, error);
    if (error) absolute = folder;
    absolute = absolute.lexically_normal();
    std::string name = absolute.filename().string();
    if (name.empty()) name = absolute.parent_path().filename().string();
    return name;
}

Status read_mirror_unguarded(const std::string& folder, const RecordSink& sink, SkipCounts& skipped,
                             const MirrorOptions& options) {
    if (folder.empty()) return Status(ErrorCode::invalid_argument, "no mirror folder given");
    if (options.scheme != "http" && options.scheme != "https") {
        return Status(ErrorCode::invalid_argument, "the mirror's scheme must be http or https, not '" + options.scheme + "'");
    }
    if (options.max_file_bytes < 0) return Status(ErrorCode::invalid_argument, "the file size limit cannot be negative");
    if (!options.host.empty() && !looks_like_host_folder(options.host) && lower(options.host) != "localhost") {
        return Status(ErrorCode::invalid_argument, "'" + options.host + "' is not a host name");
    }

    const fs::path path(folder);
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status)) return Status(ErrorCode::not_found, "no such file or folder: " + folder);
    if (!fs::is_directory(status)) return Status(ErrorCode::invalid_argument, "not a folder: " + folder);

    // Messages show the folder as the caller spelled it, without a trailing "/".
    std::string shown = folder;
    while (shown.size() > 1 && shown.back() == '/') shown.pop_back();

    MirrorWalker walker(options, sink, skipped);
    const std::string own_name = folder_name(path);
    if (!options.host.empty() || looks_like_host_folder(own_name)) {
        const std::string host = host_with_port(options.host.empty() ? own_name : options.host);
        Status walked = walker.walk_host(path, shown, host);
        if (!walked) return walked;
    } else {
        std::vector<Entry> entries;
        Status listed = list_folder(path, shown, entries);
        if (!listed) return listed;
        int host_folders = 0;
        for (const Entry& entry : entries) {
            const fs::file_status entry_status = fs::symlink_status(entry.path, error);
            const bool is_folder = !error && fs::is_directory(entry_status);
            if (is_folder && looks_like_host_folder(entry.name)) {
                ++host_folders;
                Status walked = walker.walk_host(entry.path, shown + "/" + entry.name, host_with_port(entry.name));
                if (!walked) return walked;
            } else if (!is_httrack_project_file(entry.name)) {
                walker.skip("outside any host folder", shown + "/" + entry.name);
            }
        }
        if (host_folders == 0) {
            return Status(ErrorCode::bad_input,
                          folder + " holds no host folder (such as www.example.com/) and its name is not a host "
                                   "name: give the host folder of a wget or HTTrack mirror, or name the host");
        }
    }
    if (walker.html_delivered() == 0) {
        return Status(ErrorCode::bad_input, "no HTML page found in " + folder + " (looked at " +
                                                std::to_string(walker.files_seen()) + " files)");
    }
    return Status();
}

}  // namespace

std::string sniff_html_or_image(std::string_view bytes) {
    if (sniffs_as_html(bytes)) return "text/html";
    return sniff_image_type(bytes);
}

bool looks_like_host_folder(const std::string& name) {
    std::string_view host, port;
    split_host_port(name, host, port);
    if (port.size() > 5) return false;
    if (host == "localhost" || host == "LOCALHOST") return !port.empty();
    if (host.empty() || host.front() == '.' || host.back() == '.') return false;
    if (host.find('.') == std::string_view::npos) return false;
    std::vector<std::string_view> labels;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = host.find('.', start);
        labels.push_back(host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    for (std::string_view label : labels) {
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label) {
            if (!ascii_alnum(c) && c != '-' && c != '_') return false;
        }
    }
    // "2021.01" or "v1.2" are folders, not hosts; "10.0.0.1" is a host.
    const bool ipv4 = labels.size() == 4 && std::all_of(labels.begin(), labels.end(), all_digits);
    if (all_digits(labels.back()) && !ipv4) return false;
    return true;
}

std::string url_for_mirror_file(const std::string& scheme, const std::string& host, const std::string& relative_path) {
    std::string folder_part;
    std::string name = relative_path;
    const std::size_t slash = relative_path.rfind('/');
    if (slash != std::string::npos) {
        folder_part = relative_path.substr(0, slash + 1);
        name = relative_path.substr(slash + 1);
    }
    const MirrorFileName split = split_file_name(name);
    std::string path = folder_part;
    // wget names the page of "/dir/?q" "dir/index.html?q": the URL had no file name.
    if (!(split.has_query && split.base == "index.html")) path += split.base;
    std::string url = scheme + "://" + host_with_port(host) + "/" + encode_for_url(path, false);
    if (split.has_query) url += "?" + encode_for_url(split.query, true);
    return url;
}

Status read_mirror(const std::string& folder, const RecordSink& sink, SkipCounts& skipped,
                   const MirrorOptions& options) {
    try {
        return read_mirror_unguarded(folder, sink, skipped, options);
    } catch (const std::exception& failure) {
        // std::filesystem and std::string can still throw (bad_alloc); no
        // exception leaves the reader.
        return Status(ErrorCode::internal, "reading the mirror " + folder + " failed: " + failure.what());
    } catch (...) {
        return Status(ErrorCode::internal, "reading the mirror " + folder + " failed");
    }
}

}  // namespace sitepack::build
