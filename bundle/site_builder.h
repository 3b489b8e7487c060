// site_builder.h: `sitepack build` — from mirrored folders and WARC files to
// one bundle.
//
// build_bundle() reads every input, converts pages to UTF-8, extracts their
// content (page_extractor.h), resolves links between them, trains a zstd
// dictionary on the site, compresses each page body alone, indexes titles
// and text for full-text search and writes one SQLite file. The output is
// written to a temporary file beside OUT and renamed only when complete, so a
// failed build never leaves a half-written bundle at OUT. The same inputs
// give a byte-identical bundle (the build date comes from SOURCE_DATE_EPOCH
// when set, else from the newest input file's time).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sitepack/result.h"

namespace sitepack::build {

// Progress of one stage: `stage` names it ("reading", "extracting",
// "compressing", "indexing", "writing"); total is 0 when unknown.
using ProgressCallback = std::function<void(const std::string& stage, int64_t done, int64_t total)>;

struct BuildOptions {
    std::vector<std::string> inputs;  // folders (wget/HTTrack mirrors) and .warc/.warc.gz files
    std::string output;               // the .sitepack file to write
    int threads = 0;                  // 0: one per core
    int compression_level = 19;       // zstd level for page bodies
    int64_t build_time = -1;          // seconds since 1970 for the build date; -1: SOURCE_DATE_EPOCH or newest input
    ProgressCallback progress;        // may be empty
    std::function<void(const std::string&)> warn;  // one line per page that failed, may be empty
};

struct BuildSummary {
    std::string output;
    int64_t records_read = 0;      // records delivered by the inputs
    int64_t pages = 0;             // articles + listings
    int64_t articles = 0;
    int64_t listings = 0;
    int64_t images = 0;
    int64_t redirects = 0;         // HTTP redirects, meta refreshes and aliases kept
    int64_t links_internal = 0;
    int64_t links_missing = 0;
    int64_t links_external = 0;
    std::map<std::string, int64_t> skipped;  // reason -> count
    int64_t bytes_in = 0;          // bytes of HTML and images read
    int64_t bytes_out = 0;         // size of the bundle file
    int64_t body_bytes = 0;        // encoded page bodies before compression
    int64_t body_compressed_bytes = 0;
    int64_t largest_body_bytes = 0;  // the most any one page decompresses to
    int64_t dictionary_bytes = 0;
    double seconds = 0;
};

// Fails with not_found (an input path is missing), bad_input (an input is
// neither a folder nor a WARC file; no usable page in any input), io
// (cannot write the output), each naming the file. Pages that fail alone
// are counted in `skipped` and reported through `warn`.
Result<BuildSummary> build_bundle(const BuildOptions& options);

}  // namespace sitepack::build
