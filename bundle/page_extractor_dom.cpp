#include "page_extractor_dom.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>

namespace sitepack::build::detail {
namespace {

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

bool one_of(GumboTag tag, std::initializer_list<GumboTag> tags) {
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

bool is_inline_tag(GumboTag tag) {
    return one_of(tag, {GUMBO_TAG_A, GUMBO_TAG_SPAN, GUMBO_TAG_B, GUMBO_TAG_STRONG, GUMBO_TAG_I, GUMBO_TAG_EM,
                        GUMBO_TAG_FONT, GUMBO_TAG_SMALL, GUMBO_TAG_BIG, GUMBO_TAG_U, GUMBO_TAG_S, GUMBO_TAG_STRIKE,
                        GUMBO_TAG_SUB, GUMBO_TAG_SUP, GUMBO_TAG_CODE, GUMBO_TAG_ABBR, GUMBO_TAG_ACRONYM,
                        GUMBO_TAG_TIME, GUMBO_TAG_MARK, GUMBO_TAG_Q, GUMBO_TAG_CITE, GUMBO_TAG_TT, GUMBO_TAG_KBD,
                        GUMBO_TAG_VAR, GUMBO_TAG_BDI, GUMBO_TAG_BDO, GUMBO_TAG_DATA, GUMBO_TAG_NOBR, GUMBO_TAG_DFN,
                        GUMBO_TAG_SAMP, GUMBO_TAG_INS, GUMBO_TAG_DEL, GUMBO_TAG_WBR, GUMBO_TAG_RUBY, GUMBO_TAG_RT,
                        GUMBO_TAG_RP, GUMBO_TAG_LABEL});
}

// Class tokens that carry user-chosen slugs (a WordPress tag named "menu"
// gives an article the class "tag-menu") say nothing about furniture.
bool is_slug_token(std::string_view token) {
    for (std::string_view prefix : {"category-", "tag-", "postid-", "author-", "term-", "tax-", "format-", "status-",
                                    "type-", "wp-image-", "attachment-", "size-", "parent-pageid-", "page-template",
                                    "tag_", "category_", "page-id-", "post-type-"}) {
        if (token.substr(0, prefix.size()) == prefix) return true;
    }
    return false;
}

bool contains_nav(std::string_view token) {
    for (size_t at = token.find("nav"); at != std::string_view::npos; at = token.find("nav", at + 1)) {
        if (at + 3 < token.size() && token[at + 3] == 'y') continue;  // "navy"
        return true;
    }
    return false;
}

bool is_furniture_token(std::string_view token) {
    if (token.empty() || is_slug_token(token)) return false;
    for (std::string_view exact : {"hidden", "hide", "d-none", "invisible", "secondary", "noprint"}) {
        if (token == exact) return true;
    }
    if (contains_nav(token)) return true;
    for (std::string_view part :
         {"menu", "sidebar", "widget", "breadcrumb", "comment", "respond", "share", "sharing", "social", "skip-link",
          "skiplink", "skip-to", "searchform", "search-form", "searchbox", "search-box", "wp-block-search", "masthead",
          "colophon", "footer", "pagination", "pager", "paging", "relatedposts", "related-posts", "yarpp", "cookie",
          "advert", "screen-reader", "sr-only", "visually-hidden", "assistive-text", "more-link", "read-more",
          "readmore", "edit-link", "entry-meta", "entry-footer", "post-meta", "site-header", "site-footer",
          "site-info", "site-branding", "printfriendly", "addtoany", "a2a_", "sharedaddy", "subscribe", "tagcloud",
          "tag-cloud", "wpcnt", "widget-area", "toolbar", "banner"}) {
        if (token.find(part) != std::string_view::npos) return true;
    }
    return false;
}

// Calls `visit` with each whitespace-separated token of `text`, lower-cased,
// until it returns true; returns whether one did. No allocation for tokens
// of ordinary length.
template <class Visit>
bool any_lower_token(std::string_view text, Visit visit) {
    char buffer[96];
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_ascii_space(text[i])) ++i;
        size_t begin = i;
        while (i < text.size() && !is_ascii_space(text[i])) ++i;
        if (i == begin) break;
        std::string_view token = text.substr(begin, i - begin);
        if (token.size() <= sizeof buffer) {
            for (size_t k = 0; k < token.size(); ++k) {
                char c = token[k];
                buffer[k] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
            }
            if (visit(std::string_view(buffer, token.size()))) return true;
        } else if (visit(std::string_view(ascii_lower(token)))) {
            return true;
        }
    }
    return false;
}

// The attributes that decide whether an element is furniture, read in one pass.
struct FurnitureAttributes {
    std::string_view id, class_name, style, role, aria_hidden;
    bool hidden = false;
};

FurnitureAttributes furniture_attributes(const GumboNode* node) {
    FurnitureAttributes out;
    const GumboVector& attributes = node->v.element.attributes;
    for (unsigned i = 0; i < attributes.length; ++i) {
        const auto* attr = static_cast<const GumboAttribute*>(attributes.data[i]);
        const char* name = attr->name;
        const char* value = attr->value ? attr->value : "";
        if (std::strcmp(name, "class") == 0) out.class_name = value;
        else if (std::strcmp(name, "id") == 0) out.id = value;
        else if (std::strcmp(name, "style") == 0) out.style = value;
        else if (std::strcmp(name, "role") == 0) out.role = value;
        else if (std::strcmp(name, "aria-hidden") == 0) out.aria_hidden = value;
        else if (std::strcmp(name, "hidden") == 0) out.hidden = true;
    }
    return out;
}

bool has_furniture_name(const FurnitureAttributes& attrs) {
    if (any_lower_token(attrs.id, is_furniture_token)) return true;
    return any_lower_token(attrs.class_name, is_furniture_token);
}

bool is_hidden(const FurnitureAttributes& attrs) {
    if (attrs.hidden) return true;
    if (equals_ignoring_case(attrs.aria_hidden, "true")) return true;
    if (attrs.style.empty()) return false;
    std::string compact;
    for (char c : attrs.style) {
        if (!is_ascii_space(c)) compact += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return compact.find("display:none") != std::string::npos ||
           compact.find("visibility:hidden") != std::string::npos;
}

}  // namespace

// ---- accessors ----

bool is_element(const GumboNode* node) {
    return node && (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE);
}

GumboTag tag_of(const GumboNode* node) { return is_element(node) ? node->v.element.tag : GUMBO_TAG_UNKNOWN; }

bool is_html_element(const GumboNode* node, GumboTag tag) {
    return is_element(node) && node->v.element.tag == tag && node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

const GumboVector* children_of(const GumboNode* node) {
    if (!node) return nullptr;
    if (node->type == GUMBO_NODE_DOCUMENT) return &node->v.document.children;
    if (is_element(node)) return &node->v.element.children;
    return nullptr;
}

// gumbo lower-cases the attribute names of HTML elements, so a plain
// comparison finds them (and is much cheaper than gumbo_get_attribute's
// strcasecmp on pages of a million elements).
static const GumboAttribute* find_attribute(const GumboNode* node, const char* name) {
    if (!is_element(node)) return nullptr;
    const GumboVector& attributes = node->v.element.attributes;
    for (unsigned i = 0; i < attributes.length; ++i) {
        const auto* attr = static_cast<const GumboAttribute*>(attributes.data[i]);
        if (std::strcmp(attr->name, name) == 0) return attr;
    }
    return nullptr;
}

std::string_view attribute(const GumboNode* node, const char* name) {
    const GumboAttribute* found = find_attribute(node, name);
    return found && found->value ? std::string_view(found->value) : std::string_view();
}

bool has_attribute(const GumboNode* node, const char* name) { return find_attribute(node, name) != nullptr; }

std::vector<std::string_view> split_tokens(std::string_view text) {
    std::vector<std::string_view> tokens;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_ascii_space(text[i])) ++i;
        size_t begin = i;
        while (i < text.size() && !is_ascii_space(text[i])) ++i;
        if (i > begin) tokens.push_back(text.substr(begin, i - begin));
    }
    return tokens;
}

bool has_token(const GumboNode* node, const char* attr, std::string_view token) {
    std::string_view text = attribute(node, attr);
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_ascii_space(text[i])) ++i;
        size_t begin = i;
        while (i < text.size() && !is_ascii_space(text[i])) ++i;
        if (i > begin && equals_ignoring_case(text.substr(begin, i - begin), token)) return true;
    }
    return false;
}

bool has_class(const GumboNode* node, std::string_view class_name) { return has_token(node, "class", class_name); }

bool id_or_class_contains(const GumboNode* node, std::string_view part) {
    auto contains_part = [&](std::string_view token) { return token.find(part) != std::string_view::npos; };
    return any_lower_token(attribute(node, "id"), contains_part) ||
           any_lower_token(attribute(node, "class"), contains_part);
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// ---- traversal ----

void for_each_node(const GumboNode* root, const std::function<bool(const GumboNode*)>& visit) {
    if (!root) return;
    std::vector<const GumboNode*> pending{root};
    while (!pending.empty()) {
        const GumboNode* node = pending.back();
        pending.pop_back();
        if (!visit(node)) continue;
        const GumboVector* children = children_of(node);
        if (!children) continue;
        for (unsigned i = children->length; i-- > 0;) pending.push_back(static_cast<const GumboNode*>(children->data[i]));
    }
}

const GumboNode* find_first(const GumboNode* root, const std::function<bool(const GumboNode*)>& match) {
    const GumboNode* found = nullptr;
    for_each_node(root, [&](const GumboNode* node) {
        if (found) return false;
        if (is_element(node) && match(node)) {
            found = node;
            return false;
        }
        return true;
    });
    return found;
}

std::vector<const GumboNode*> find_all(const GumboNode* root, const std::function<bool(const GumboNode*)>& match,
                                       bool nested) {
    std::vector<const GumboNode*> found;
    for_each_node(root, [&](const GumboNode* node) {
        if (is_element(node) && match(node)) {
            found.push_back(node);
            return nested;
        }
        return true;
    });
    return found;
}

const GumboNode* find_ancestor(const GumboNode* node, const std::function<bool(const GumboNode*)>& match) {
    for (const GumboNode* up = node ? node->parent : nullptr; up; up = up->parent) {
        if (is_element(up) && match(up)) return up;
    }
    return nullptr;
}

// ---- text ----

std::string collapse_whitespace(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool is_nbsp = static_cast<unsigned char>(c) == 0xC2 && i + 1 < text.size() &&
                       static_cast<unsigned char>(text[i + 1]) == 0xA0;
        if (is_ascii_space(c) || is_nbsp) {
            if (is_nbsp) ++i;
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string collapsed_text(const GumboNode* node, size_t max_bytes, bool image_alt) {
    std::string raw;
    // Whitespace collapsing can shrink text, so read a margin beyond max_bytes
    // (but not a whole 40 MB text node).
    const size_t raw_limit = 4 * max_bytes + 64;
    for_each_node(node, [&](const GumboNode* n) {
        if (raw.size() > raw_limit) return false;
        switch (n->type) {
            case GUMBO_NODE_TEXT:
            case GUMBO_NODE_WHITESPACE:
            case GUMBO_NODE_CDATA:
                raw.append(std::string_view(n->v.text.text).substr(0, raw_limit + 1 - raw.size()));
                return false;
            case GUMBO_NODE_ELEMENT:
            case GUMBO_NODE_TEMPLATE:
                if (n != node && is_never_content(n)) return false;
                if (image_alt && tag_of(n) == GUMBO_TAG_IMG) {
                    raw += ' ';
                    raw += attribute(n, "alt");
                    raw += ' ';
                    return false;
                }
                if (!is_inline_tag(tag_of(n))) raw += ' ';
                return true;
            case GUMBO_NODE_DOCUMENT:
                return true;
            default:
                return false;
        }
    });
    std::string out = collapse_whitespace(raw);
    if (out.size() > max_bytes) {
        size_t cut = max_bytes;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
    }
    return out;
}

// ---- what is not content ----

bool is_never_content(const GumboNode* node) {
    if (!is_element(node)) return false;
    if (node->type == GUMBO_NODE_TEMPLATE) return true;
    if (node->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) return true;
    return one_of(node->v.element.tag,
                  {GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_NOSCRIPT, GUMBO_TAG_TEMPLATE, GUMBO_TAG_FORM,
                   GUMBO_TAG_INPUT, GUMBO_TAG_BUTTON, GUMBO_TAG_SELECT, GUMBO_TAG_TEXTAREA, GUMBO_TAG_IFRAME,
                   GUMBO_TAG_OBJECT, GUMBO_TAG_EMBED, GUMBO_TAG_SVG, GUMBO_TAG_MATH, GUMBO_TAG_CANVAS,
                   GUMBO_TAG_HEAD, GUMBO_TAG_TITLE, GUMBO_TAG_META, GUMBO_TAG_LINK, GUMBO_TAG_BASE,
                   GUMBO_TAG_APPLET, GUMBO_TAG_FRAME, GUMBO_TAG_FRAMESET, GUMBO_TAG_NOFRAMES, GUMBO_TAG_AUDIO,
                   GUMBO_TAG_VIDEO, GUMBO_TAG_SOURCE, GUMBO_TAG_TRACK, GUMBO_TAG_MAP, GUMBO_TAG_AREA,
                   GUMBO_TAG_PARAM, GUMBO_TAG_DATALIST, GUMBO_TAG_OPTION, GUMBO_TAG_OPTGROUP, GUMBO_TAG_KEYGEN,
                   GUMBO_TAG_OUTPUT, GUMBO_TAG_PROGRESS, GUMBO_TAG_METER, GUMBO_TAG_ISINDEX, GUMBO_TAG_NOEMBED,
                   GUMBO_TAG_BGSOUND});
}

bool is_furniture(const GumboNode* node) {
    if (!is_element(node)) return false;
    const GumboTag tag = node->v.element.tag;
    if (tag == GUMBO_TAG_NAV || tag == GUMBO_TAG_ASIDE || tag == GUMBO_TAG_FOOTER) return true;
    if (tag == GUMBO_TAG_HEADER) {
        // A site header; the header of an article or of the main part stays.
        bool in_content = find_ancestor(node, [](const GumboNode* up) {
            GumboTag t = tag_of(up);
            return t == GUMBO_TAG_ARTICLE || t == GUMBO_TAG_MAIN || t == GUMBO_TAG_SECTION;
        }) != nullptr;
        if (!in_content) return true;
    }
    if (node->v.element.attributes.length == 0) return false;
    const FurnitureAttributes attrs = furniture_attributes(node);
    if (is_hidden(attrs)) return true;
    if (!attrs.role.empty()) {
        for (std::string_view furniture : {"navigation", "banner", "contentinfo", "complementary", "search", "menu",
                                           "menubar", "dialog", "alertdialog", "toolbar"}) {
            if (equals_ignoring_case(attrs.role, furniture)) return true;
        }
    }
    return has_furniture_name(attrs);
}

}  // namespace sitepack::build::detail
