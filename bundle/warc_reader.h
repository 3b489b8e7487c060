// warc_reader.h: a web crawl stored as WARC (ISO 28500, WARC 1.0 and 1.1)
// as a stream of SourceRecords.
//
// Reads plain ".warc" files and gzip-compressed ones, whether each record is
// its own gzip member (as wget --warc-file, Heritrix and most crawlers write
// them) or the whole file is one gzip stream; the gzip magic bytes decide,
// not the file name. The file is streamed: only the record at hand is held
// in memory, and a record over the size limit is skipped without being
// held at all.
//
// What each record type becomes:
//   response (application/http)  its HTTP status, headers and body: the body
//       de-chunked (Transfer-Encoding: chunked) and decompressed
//       (Content-Encoding: gzip, x-gzip, deflate), since wget stores the
//       bytes as they came over the wire. Delivered when the status is 200
//       and the content is HTML or an image, and for every 3xx with a
//       Location (the builder keeps those as redirects).
//   revisit  the payload of the earlier response it refers to (found by
//       WARC-Refers-To, by WARC-Payload-Digest, or by
//       WARC-Refers-To-Target-URI, re-read from the file), with the
//       revisit's own HTTP status and headers unless they say 304.
//   resource  its block, as a 200 with the record's Content-Type.
//   request, warcinfo, metadata, and records whose target is not an http(s)
//       URL (dns:, metadata://, wget's log): passed over silently.
//
// SourceRecord::origin reads "crawl.warc.gz at byte N", N being the offset
// of the record (of its gzip member, for per-record gzip files) in the file
// as stored: the offset a CDX index would give. In a file that is one gzip
// stream the offset is into the uncompressed data: "crawl.warc.gz at
// uncompressed byte N".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sitepack/result.h"
#include "source_record.h"

namespace sitepack::build {

struct WarcProgress {
    int64_t records_read = 0;       // WARC records parsed so far, of every type
    int64_t records_delivered = 0;  // records handed to the sink so far
    int64_t bytes_read = 0;         // bytes of the file read so far (compressed bytes for .warc.gz)
    int64_t file_bytes = 0;         // size of the file
};

struct WarcOptions {
    // A record block, or a response body once decompressed, over this many
    // bytes is skipped (and never held in memory whole).
    int64_t max_record_bytes = int64_t{64} * 1024 * 1024;
    // Called after each WARC record; may be empty.
    std::function<void(const WarcProgress&)> progress;
    // Called for each record not delivered and counted in SkipCounts, with
    // the reason and the record's origin ("crawl.warc.gz at byte N"); may be
    // empty. For logs that need to say which record.
    std::function<void(const std::string& reason, const std::string& origin)> on_skip;
};

// Reads the WARC file at `path` and calls `sink` once per delivered record,
// in file order. Records not delivered are counted in `skipped` by reason:
//   "HTTP 404"                            any status but 200 and 3xx
//   "HTTP 301 without Location"           a redirect that says not where
//   "not HTML or image: text/css"         the Content-Type without parameters,
//                                          "(no content type)" when absent and
//                                          the bytes show neither
//   "larger than 64 MiB"                  the block, or the body once
//                                          decompressed, is over the limit (in
//                                          bytes when not a whole MiB)
//   "unsupported content encoding: br"    a Content-Encoding we cannot undo
//   "undecodable content encoding: gzip"  a body whose compression is damaged
//   "unreadable HTTP response"            a response block that is not HTTP
//   "revisit of a record not in this file"
//   "WARC record type: conversion"        conversion, continuation, unknown types
//
// Fails with
//   ErrorCode::invalid_argument  an empty path or a negative limit;
//   ErrorCode::not_found         "no such file or folder: X";
//   ErrorCode::io                the file cannot be opened or read (names it);
//   ErrorCode::bad_input         "X is not a WARC file (no 'WARC/1.' at byte 0)";
//                                "X is truncated at byte N (record K, which
//                                starts at byte M)" after every complete
//                                record was delivered (the caller decides
//                                whether that is fatal); "X is damaged at
//                                byte N (record K): ..." for a broken gzip
//                                stream or WARC header, after the records
//                                before it were delivered;
//   whatever Status the sink returned, when it returned one that is not ok
//                                (reading stops there).
Status read_warc(const std::string& path, const RecordSink& sink, SkipCounts& skipped,
                 const WarcOptions& options = WarcOptions());

// An HTTP response as stored in a WARC response record's block.
struct HttpResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names as written, in order
    std::string body;  // de-chunked and decompressed

    // The first header of that name (matched case-insensitively), "" if none.
    std::string header(std::string_view name) const;
};

// Parses an HTTP response block: status line, headers (obsolete line
// folding joined), then the body, de-chunked when Transfer-Encoding says
// chunked (a body that is not really chunked is kept as it is) and
// decompressed per Content-Encoding (gzip, x-gzip, deflate; a gzip body
// without the gzip magic is taken as already decompressed; a body cut off
// inside its compressed data gives what could be decompressed). A block
// with headers only (a revisit's) gives an empty body.
// Fails with ErrorCode::bad_input "unreadable HTTP response",
// "unsupported content encoding: br" or "undecodable content encoding:
// gzip", or ErrorCode::too_large "larger than N MiB" when the decompressed
// body exceeds `max_body_bytes`. The message is a short reason, suitable
// as a SkipCounts key.
Result<HttpResponse> parse_http_response(std::string_view block, int64_t max_body_bytes);

}  // namespace sitepack::build
