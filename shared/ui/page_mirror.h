// page_mirror.h: the shown page as headings, paragraphs, list items,
// preformatted text and quotes with their links (Platform::page_shown).
#pragma once

#include <string>
#include <vector>

#include "sitepack/document.h"
#include "sitepack/ui/platform.h"

namespace sitepack::ui {

// `title` and `meta` (the page header) come first, as an h1 and a p, when
// not empty. Tables give one "p" per row (cells separated by " | "); a
// figure gives its caption or its image's alternative text as a "p".
std::vector<MirrorBlock> page_mirror(const doc::Document& document, const std::string& title, const std::string& meta);

// Where a shown page is, for the browser's address bar: a bundle page's
// path and query ("/2021/01/x/"), or a generated page's name as it is.
std::string mirror_location(const std::string& url);

}  // namespace sitepack::ui
