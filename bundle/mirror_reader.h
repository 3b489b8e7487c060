// mirror_reader.h: a website saved as files (wget --mirror, HTTrack) as a
// stream of SourceRecords.
//
// Which folder is which. The folder given is either
//   * a host folder, when its own name looks like a host name
//     ("www.example.com", "example.com:8080", "example.com+8080" as wget
//     writes ports with --restrict-file-names=windows, "10.0.0.1"): its
//     files are that host's pages; or
//   * a mirror root (wget's working directory, an HTTrack project folder):
//     each subfolder whose name looks like a host name is a host folder.
//     Other files and folders there are not site content: HTTrack's own
//     (hts-cache/, hts-log.txt, backblue.gif, fade.gif, its index.html
//     project list) are passed over silently, anything else is counted as
//     "outside any host folder".
// MirrorOptions::host overrides this: the folder is then the host folder of
// that host, whatever its name (for wget -nH mirrors and renamed folders).
//
// File path -> URL. Inside a host folder, "dir/page.html" is
// "https://HOST/dir/page.html" and "dir/index.html" is
// "https://HOST/dir/index.html" (canonical_url() later makes it ".../dir").
// wget stores a query in the file name: "index.html?p=123.html" is
// "https://HOST/?p=123" and "page.php?id=3.html" is
// "https://HOST/page.php?id=3" (the ".html" that --adjust-extension
// appended is dropped); "%3F", and "@" followed by a "name=value" query
// (--restrict-file-names=windows), stand for "?" as well. HTTrack renames
// such pages but writes the original address in a comment ("<!-- Mirrored
// from HOST/PATH by HTTrack ... -->"), which is used when its host is the
// folder's host. Characters a URL cannot hold (spaces, non-ASCII bytes) are
// percent-encoded. A page wget saved as "about.html" for the URL "/about"
// keeps the ".html": the mirror does not record the difference.
//
// What is delivered: HTML (.html .htm .shtml .xhtml, and .php/.asp/...
// or extension-less files whose first bytes sniff as HTML) and images
// (.jpg .jpeg .png .gif .webp .svg), each with status 200, a content type
// from the extension or the sniff ("text/html", "image/jpeg", ...) and the
// file's bytes. A ".html" file that is really an RSS or Atom feed (wget
// saves WordPress's /feed/ as feed/index.html) is not HTML. Files are
// visited in byte order of their paths, folder by folder, so two runs over
// the same mirror deliver the same records in the same order. Symbolic
// links to files are followed; symbolic links to folders are not (no loop
// can hang the walk).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "sitepack/result.h"
#include "source_record.h"

namespace sitepack::build {

struct MirrorProgress {
    int64_t files_seen = 0;         // files looked at so far, delivered or not
    int64_t records_delivered = 0;  // records handed to the sink so far
    std::string current_file;       // the file just looked at, as in SourceRecord::origin
};

struct MirrorOptions {
    // Scheme of the URLs made from file paths; the files do not say
    // whether the site was fetched over http or https.
    std::string scheme = "https";
    // When set ("www.example.com" or "example.com:8080"), the folder is the
    // host folder of this host, whatever its name.
    std::string host;
    // Files larger than this are skipped without being read.
    int64_t max_file_bytes = int64_t{64} * 1024 * 1024;
    // Called after each file looked at; may be empty.
    std::function<void(const MirrorProgress&)> progress;
    // Called for each file or folder not delivered, with the reason counted
    // in SkipCounts and its path; may be empty. For logs that need more
    // than the counts.
    std::function<void(const std::string& reason, const std::string& origin)> on_skip;
};

// Walks `folder` and calls `sink` once per HTML page or image, in sorted
// path order. SourceRecord::origin is the file's path: `folder` as given
// joined with the path inside it ("mirror/www.example.com/a/index.html").
// Files not delivered are counted in `skipped` by reason:
//   "not HTML or image: .css"           (the lower-case extension, or
//   "not HTML or image: (no extension)"  when the name has none, or
//   "not HTML or image: feed"            for an RSS/Atom feed)
//   "larger than 64 MiB"                (the limit in MiB, or in bytes when
//                                        not a whole number of MiB)
//   "unreadable file"                   (the operating system refused it)
//   "symbolic link to a folder (not followed)", "broken symbolic link",
//   "not a regular file" (fifo, socket, device), "folder nested too deep",
//   "outside any host folder".
//
// Fails with
//   ErrorCode::not_found         "no such file or folder: X";
//   ErrorCode::invalid_argument  "not a folder: X" (a file was given), or an
//                                 option that is not usable (bad host, scheme);
//   ErrorCode::io                when a folder cannot be listed (names it);
//   ErrorCode::bad_input         when the folder holds no host folder and its
//                                 name is no host name, or when no HTML page
//                                 was found in it at all (names the folder);
//   whatever Status the sink returned, when it returned one that is not ok
//                                 (reading stops there).
Status read_mirror(const std::string& folder, const RecordSink& sink, SkipCounts& skipped,
                   const MirrorOptions& options = MirrorOptions());

// The URL a file of a host folder stands for: `relative_path` is the path
// inside the host folder with "/" separators ("dir/index.html?p=1.html"),
// `host` the host and port ("example.com:8080"). Exposed for tests and for
// tools that map files to URLs. Example:
//   url_for_mirror_file("https", "example.com", "index.html?p=123.html")
//     == "https://example.com/?p=123"
std::string url_for_mirror_file(const std::string& scheme, const std::string& host, const std::string& relative_path);

// The content type that the first bytes of an unlabelled resource show:
// "text/html" for the HTML signatures of the WHATWG MIME Sniffing standard
// (and XHTML after an XML declaration), "image/jpeg", "image/png",
// "image/gif", "image/webp" or "image/svg+xml" by magic bytes, else "".
// Also used by the WARC reader for responses without a Content-Type.
std::string sniff_html_or_image(std::string_view bytes);

// True when a folder name looks like a host name (with an optional
// ":port" or "+port"): "www.example.com", "example.com:8080", "127.0.0.1".
bool looks_like_host_folder(const std::string& name);

}  // namespace sitepack::build
