// read_first.h: the pages a reader reads first, written into the bundle.
//
// A reader over HTTP (the browser's Worker) reads a bundle by range
// requests, and SQLite asks for one page at a time: opening the 10,000-post
// bundle and drawing its home page takes about 20 requests one after the
// other. The builder knows which pages those are, because it can open the
// finished file the way the reader does. It records them in the read_first
// table (docs/FORMAT.md), and the reader fetches them all at once, in
// parallel, before it opens the bundle.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sitepack/result.h"

namespace sitepack::build {

// The table (docs/FORMAT.md). The builder makes it right after metadata, so
// its root page is among the first a reader fetches; record_read_first makes
// it in bundles from older builders.
extern const char* const kReadFirstTable;

// Inclusive ranges of 1-based SQLite page numbers, ascending, not touching.
using PageRanges = std::vector<std::pair<int64_t, int64_t>>;

// The pages the reader core reads to answer the requests the reader's UI
// makes first on opening the bundle at `path` (reader::handle_first_requests:
// open, the two faces every page is drawn with, the home page, the other
// faces its text needs, the home page by address), read through a
// recording SQLite file layer. Fails with the reader's own message when the bundle
// does not open. While it runs, that layer is SQLite's default for this
// process: call it when no other thread uses SQLite.
Result<PageRanges> pages_read_first(const std::string& path);

// "2-9,23-85,601": the table's text form.
std::string format_page_ranges(const PageRanges& ranges);

// Records pages_read_first(path) in the bundle's read_first table (made if
// missing, its one row replaced). Writing the row can move pages, so the
// recording is repeated until what is stored is what a reader reads (at most
// three times). Fails with a message naming the file.
Status record_read_first(const std::string& path);

}  // namespace sitepack::build
