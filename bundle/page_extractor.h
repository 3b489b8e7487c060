// page_extractor.h: from one HTML page to what a reader needs of it.
//
// extract_page() parses HTML5 (gumbo) and returns the page's metadata (title,
// date, author, categories, tags, language, kind), its main content as a
// doc::Document with the boilerplate (menus, sidebars, archive lists, footers,
// comment forms) left out, and the site navigation found on the page (menu,
// category list, monthly archive), which the builder keeps once per bundle.
// Scripts, styles, forms, iframes and event handlers never reach the output.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sitepack/document.h"
#include "sitepack/result.h"

namespace sitepack::build {

enum class PageKind {
    article,   // a post or a static page: one piece of content
    listing,   // home, category, tag, monthly archive, "older posts" pages: a list of posts
};

// A named link: a menu entry, a category, a monthly archive entry.
struct NavLink {
    std::string label;  // visible text, whitespace collapsed
    std::string url;    // absolute URL (resolved against the page)
};

struct SiteNavigation {
    std::vector<NavLink> menu;        // the site's main menu, in order
    std::vector<NavLink> categories;  // category list (sidebar widget)
    std::vector<NavLink> archives;    // monthly archive list ("October 2023" -> /2023/10/)
    bool empty() const { return menu.empty() && categories.empty() && archives.empty(); }
};

struct ExtractedPage {
    PageKind kind = PageKind::article;
    std::string title;                    // without the " – Site Name" suffix
    std::string site_name;                // og:site_name, or the title suffix; "" if unknown
    std::string canonical_url;            // <link rel=canonical> resolved, "" if absent
    std::vector<std::string> alias_urls;  // other URLs of this page: rel=shortlink ("?p=123")
    std::string redirect_to;              // meta refresh target (absolute) when the page only redirects, else ""
    std::string published;                // ISO 8601 "YYYY-MM-DD" (or with time), "" if unknown
    std::string modified;                 // ISO 8601, "" if unknown
    std::string author;                   // "" if unknown
    std::vector<NavLink> categories;      // the post's categories (name + archive URL)
    std::vector<NavLink> tags;            // the post's tags
    std::string language;                 // BCP 47 primary tag, e.g. "en", "ja", "ko"
    std::string description;              // meta description or first sentences, for listings
    doc::Document body;                   // main content; links and images with absolute URLs, unresolved
    SiteNavigation navigation;            // navigation found on this page (may be empty)
};

// `html` is the page as UTF-8; `page_url` is its absolute URL, used to
// resolve relative links (a <base href> in the page takes precedence).
// Fails with ErrorCode::bad_input only when the bytes are not a usable HTML
// document (e.g. no element at all, or binary data); odd markup is parsed as
// browsers do. Fails with too_large for a page over 32 MiB, and with internal
// if memory runs out. Hostile markup (a million nested elements, markup that
// crashes the parser) gives a bounded result, never a crash.
Result<ExtractedPage> extract_page(std::string_view html, std::string_view page_url);

}  // namespace sitepack::build
