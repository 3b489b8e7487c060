// source_record.h: one fetched resource, as the builder's inputs deliver it.
//
// A mirrored folder and a WARC file both come down to a stream of records:
// the URL that was fetched, the HTTP status, the content type, a redirect
// target, the raw body bytes, and where the record came from (for messages).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "sitepack/result.h"

namespace sitepack::build {

struct SourceRecord {
    std::string url;           // absolute URL of the resource as fetched
    int status = 200;          // HTTP status (200 for files of a mirror)
    std::string content_type;  // the Content-Type header ("" when unknown: sniff the body)
    std::string location;      // redirect target (absolute or relative) for 3xx, else ""
    std::string body;          // raw bytes as served (not yet converted to UTF-8)
    std::string origin;        // where it came from, for messages: "site/a/index.html" or "crawl.warc.gz at byte 1234"
};

// Counts of what an input reader saw but did not deliver, by reason
// (e.g. "not HTML or image: text/css" -> 12, "HTTP 404" -> 1).
using SkipCounts = std::map<std::string, int64_t>;

// Called once per delivered record. Returning a non-ok Status stops reading
// and the reader returns that Status.
using RecordSink = std::function<Status(SourceRecord&&)>;

}  // namespace sitepack::build
