// page_extractor_markup.h: bounds what an HTML5 parser can be made to build.
//
// The HTML5 tree builder does work proportional to the depth of the open
// element stack for most start tags, and reconstructs every open formatting
// element at each new paragraph; gumbo also copies that stack into each
// parse error. A hostile page of a million nested <div>s, or of thousands of
// distinct unclosed <b>s followed by paragraphs, therefore costs quadratic
// time or memory. limit_markup() scans the markup once, approximating the
// tree builder's stack, and drops the start tags (and their end tags) that
// would nest deeper than the limits, and the attributes of a tag beyond a
// count. Ordinary pages stay far below the limits and come back unchanged.
//
// It also defuses markup on which gumbo 0.10.1 aborts (assertions in its
// foreign-content and template handling, found by fuzzing): <svg> and
// <math> elements are cut out (up to their end tag, or up to an HTML tag
// that ends foreign content, as the tree builder does), and <template>
// becomes a hidden <div>. Neither ever reaches a document.
// Private to page_extractor.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sitepack::build::detail {

struct MarkupLimits {
    int max_open_elements = 256;      // elements open at once (html/head/body not counted)
    int max_formatting_elements = 16; // unclosed b/i/font/a/... remembered for reconstruction
    int max_attributes = 64;          // attributes kept per tag
};

// The markup rewritten to respect `limits`, or nullopt when it already does
// (the caller then parses the original bytes).
std::optional<std::string> limit_markup(std::string_view html, const MarkupLimits& limits = {});

}  // namespace sitepack::build::detail
