// page_extractor_dom.h: reading a gumbo tree without recursion.
//
// Small accessors (tag, attribute, class tokens), iterative traversals (a
// million nested elements must not exhaust the stack), text collection with
// HTML whitespace collapsing, and the rules that say an element is page
// furniture (menus, sidebars, footers, forms, share buttons) rather than
// content. Private to page_extractor.cpp and its helpers.
#pragma once

#include <gumbo.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sitepack::build::detail {

// ---- accessors ----

bool is_element(const GumboNode* node);  // an element or a template
GumboTag tag_of(const GumboNode* node);  // GUMBO_TAG_UNKNOWN when not an element
bool is_html_element(const GumboNode* node, GumboTag tag);
const GumboVector* children_of(const GumboNode* node);  // nullptr for text nodes
// The attribute's value, or "" when absent.
std::string_view attribute(const GumboNode* node, const char* name);
bool has_attribute(const GumboNode* node, const char* name);
// Splits on ASCII whitespace.
std::vector<std::string_view> split_tokens(std::string_view text);
// True when the space-separated `attr` attribute holds `token` (ASCII case-insensitive).
bool has_token(const GumboNode* node, const char* attr, std::string_view token);
bool has_class(const GumboNode* node, std::string_view class_name);
// True when an element's id or any class token contains `part` (lower case).
bool id_or_class_contains(const GumboNode* node, std::string_view part);
std::string ascii_lower(std::string_view text);

// ---- traversal ----

// Visits `root` and its descendants in document order. `visit` returns
// false to skip the node's descendants. Iterative.
void for_each_node(const GumboNode* root, const std::function<bool(const GumboNode*)>& visit);
// The first element (pre-order, `root` included) for which `match` holds.
const GumboNode* find_first(const GumboNode* root, const std::function<bool(const GumboNode*)>& match);
// All matching elements; the descendants of a match are not searched when
// `nested` is false.
std::vector<const GumboNode*> find_all(const GumboNode* root, const std::function<bool(const GumboNode*)>& match,
                                       bool nested = true);
// The nearest ancestor (not `node` itself) for which `match` holds, or nullptr.
const GumboNode* find_ancestor(const GumboNode* node, const std::function<bool(const GumboNode*)>& match);

// ---- text ----

// The element's text with whitespace collapsed and trimmed, at most about
// `max_bytes`. Script, style and other never-shown elements are left out;
// with `image_alt`, an image contributes its alt text. U+00A0 becomes a space.
std::string collapsed_text(const GumboNode* node, size_t max_bytes = 4096, bool image_alt = false);
// Collapses runs of ASCII whitespace and U+00A0 into one space and trims.
std::string collapse_whitespace(std::string_view text);

// ---- what is not content ----

// Elements whose content never reaches a document: script, style, forms,
// embedded objects, SVG, ... (and anything outside the HTML namespace).
bool is_never_content(const GumboNode* node);
// Page furniture recognisable from the element alone: nav, aside, footer,
// site header, hidden elements, ARIA landmarks other than main, and ids or
// classes naming menus, sidebars, widgets, breadcrumbs, comments, sharing,
// pagination, skip links, screen-reader text and the like.
bool is_furniture(const GumboNode* node);

}  // namespace sitepack::build::detail
