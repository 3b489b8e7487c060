// page_extractor.cpp: one HTML page -> metadata, main content, navigation.
//
// [SECTION] limits and small text helpers
// [SECTION] dates
// [SECTION] language
// [SECTION] the page: head metadata, kind, content, navigation
// [SECTION] extract_page
//
// The markup is first bounded (page_extractor_markup.h), then parsed by
// gumbo; everything after that walks the tree iteratively or with a depth
// bound (page_extractor_dom.h, page_extractor_blocks.h).
#include "page_extractor.h"

#include <gumbo.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "page_extractor_blocks.h"
#include "page_extractor_dom.h"
#include "page_extractor_markup.h"
#include "sitepack/url.h"

namespace sitepack::build {
namespace {

using namespace detail;

// ---- [SECTION] limits and small text helpers ----

constexpr size_t kMaxHtmlBytes = size_t{32} << 20;  // gumbo parses only a few MB of text a second
constexpr size_t kDescriptionChars = 300;

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && ascii_lower(text.substr(text.size() - suffix.size())) == ascii_lower(suffix);
}

// Decodes one UTF-8 code point at `i` (advancing it); invalid bytes give U+FFFD.
uint32_t next_code_point(std::string_view text, size_t& i) {
    const auto c = static_cast<unsigned char>(text[i++]);
    if (c < 0x80) return c;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
    if (extra < 0) return 0xFFFD;
    uint32_t cp = c & (0x3F >> extra);
    for (int k = 0; k < extra; ++k) {
        if (i >= text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) return 0xFFFD;
        cp = (cp << 6) | (static_cast<unsigned char>(text[i++]) & 0x3F);
    }
    return cp;
}

// At most `max_chars` code points of `text`, cut at a word boundary when
// one is near, with "…" appended when anything was cut.
std::string shorten(std::string_view text, size_t max_chars) {
    size_t i = 0, chars = 0, last_space = std::string_view::npos;
    while (i < text.size() && chars < max_chars) {
        if (text[i] == ' ') last_space = i;
        next_code_point(text, i);
        ++chars;
    }
    if (i >= text.size()) return std::string(text);
    size_t cut = (last_space != std::string_view::npos && last_space > i / 2) ? last_space : i;
    std::string out(text.substr(0, cut));
    while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == ';' || out.back() == ':')) out.pop_back();
    return out + "\xE2\x80\xA6";
}

// Text for comparing titles: lower case, punctuation and quotes dropped.
std::string comparable(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        uint32_t cp = next_code_point(text, i);
        if (cp < 0x80) {
            char c = static_cast<char>(cp);
            if (is_alpha(c) || is_digit(c)) {
                out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            } else if (!out.empty() && out.back() != ' ') {
                out += ' ';
            }
        } else if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000) {
            if (!out.empty() && out.back() != ' ') out += ' ';  // spaces, dashes, quotes
        } else {
            size_t begin = i;
            while (begin > 0 && (static_cast<unsigned char>(text[begin - 1]) & 0xC0) == 0x80) --begin;
            out.append(text.substr(begin - 1, i - begin + 1));
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// What joins a page's name and the site's name in a <title>.
constexpr std::string_view kTitleSeparators[] = {" \xE2\x80\x93 ", " \xE2\x80\x94 ", " \xE2\x80\x95 ", " | ", " - ",
                                                 " :: ", " \xC2\xBB ", " \xC2\xB7 ", ": "};

// Menus, widgets and term lists keep at most this many entries.
constexpr size_t kMaxNavLinks = 2000;

void add_unique(std::vector<NavLink>& links, NavLink link) {
    if (links.size() >= kMaxNavLinks || link.label.empty() || link.url.empty()) return;
    for (const NavLink& existing : links) {
        if (existing.url == link.url) return;
    }
    links.push_back(std::move(link));
}

std::string strip_host_www(std::string host) {
    if (starts_with(host, "www.")) host.erase(0, 4);
    return host;
}

// ---- [SECTION] dates ----

int month_number(std::string_view word) {
    static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
    static const char* const kFull[] = {"january", "february", "march", "april", "may", "june",
                                        "july", "august", "september", "october", "november", "december"};
    std::string w = ascii_lower(word);
    if (w.size() < 3) return 0;
    for (int m = 0; m < 12; ++m) {
        if (w == kMonths[m] || w == kFull[m] || (m == 8 && w == "sept")) return m + 1;
    }
    return 0;
}

bool valid_date(int year, int month, int day) {
    return year >= 1990 && year <= 2100 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::string format_date(int year, int month, int day) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
    return buffer;
}

// "2023-10-21T10:12:33+09:00" or "2023-10-21" kept as ISO 8601; "" otherwise.
std::string iso_date(std::string_view text) {
    size_t b = 0;
    while (b < text.size() && is_ascii_space(text[b])) ++b;
    text = text.substr(b);
    if (text.size() < 10) return "";
    for (size_t k : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (!is_digit(text[k])) return "";
    }
    if (text[4] != '-' || text[7] != '-') return "";
    int year = std::stoi(std::string(text.substr(0, 4)));
    int month = std::stoi(std::string(text.substr(5, 2)));
    int day = std::stoi(std::string(text.substr(8, 2)));
    if (!valid_date(year, month, day)) return "";
    size_t end = 10;
    if (text.size() > 10 && (text[10] == 'T' || text[10] == ' ')) {
        end = 11;
        while (end < text.size() && end < 35 &&
               (is_digit(text[end]) || text[end] == ':' || text[end] == '.' || text[end] == '+' || text[end] == '-' ||
                text[end] == 'Z')) {
            ++end;
        }
        if (end == 11) end = 10;
    }
    std::string out(text.substr(0, end));
    if (out.size() > 10) out[10] = 'T';
    return out;
}

// A date written in prose: "October 21, 2023", "Oct. 9, 2011", "9 October
// 2011", "2011/10/09", "2011-10-09". "" when none.
std::string date_in_text(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    auto end_word = [&]() {
        if (!word.empty()) words.push_back(word);
        word.clear();
    };
    for (size_t i = 0; i < text.size() && words.size() < 400; ++i) {
        char c = text[i];
        bool alnum = is_alpha(c) || is_digit(c);
        if (alnum && !word.empty() && is_digit(word.back()) != is_digit(c)) end_word();
        if (alnum) {
            word += c;
        } else {
            end_word();
            if (c == '/' || c == '-') words.push_back(std::string(1, c));
        }
    }
    end_word();
    auto number = [](const std::string& w) { return (w.size() <= 4 && !w.empty() && is_digit(w[0])) ? std::stoi(w) : -1; };
    for (size_t i = 0; i + 2 < words.size(); ++i) {
        int m = month_number(words[i]);
        if (m && number(words[i + 1]) > 0 && words[i + 2].size() == 4) {
            int d = number(words[i + 1]), y = number(words[i + 2]);
            if (valid_date(y, m, d)) return format_date(y, m, d);
        }
        m = month_number(words[i + 1]);
        if (m && number(words[i]) > 0 && words[i + 2].size() == 4 && words[i].size() <= 2) {
            int d = number(words[i]), y = number(words[i + 2]);
            if (valid_date(y, m, d)) return format_date(y, m, d);
        }
        if (i + 4 < words.size() && words[i].size() == 4 && number(words[i]) > 0 && (words[i + 1] == "/" || words[i + 1] == "-") &&
            words[i + 3] == words[i + 1]) {
            int y = number(words[i]), m2 = number(words[i + 2]), d = number(words[i + 4]);
            if (valid_date(y, m2, d)) return format_date(y, m2, d);
        }
    }
    return "";
}

// "/2023/10/21/" in a URL's path.
std::string date_in_url(std::string_view address) {
    std::string path = url::path_and_query(address);
    for (size_t i = 0; i + 11 <= path.size(); ++i) {
        if (path[i] != '/') continue;
        std::string_view s = std::string_view(path).substr(i);
        if (s.size() >= 11 && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && is_digit(s[4]) && s[5] == '/' &&
            is_digit(s[6]) && is_digit(s[7]) && s[8] == '/' && is_digit(s[9]) && is_digit(s[10]) &&
            (s.size() == 11 || s[11] == '/')) {
            int y = std::stoi(std::string(s.substr(1, 4)));
            int m = std::stoi(std::string(s.substr(6, 2)));
            int d = std::stoi(std::string(s.substr(9, 2)));
            if (valid_date(y, m, d)) return format_date(y, m, d);
        }
    }
    return "";
}

// ---- [SECTION] language ----

// "en-US" -> "en"; "" when not a language tag.
std::string primary_language(std::string_view tag) {
    std::string out;
    for (char c : tag) {
        if (c == '-' || c == '_') break;
        if (!is_alpha(c)) return "";
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return (out.size() == 2 || out.size() == 3) ? out : "";
}

// Kana means Japanese, Hangul Korean, other Han text Chinese, when such
// characters are a substantial part of the text; English otherwise.
std::string detect_language(std::string_view text) {
    size_t kana = 0, hangul = 0, han = 0, latin = 0;
    for (size_t i = 0; i < text.size();) {
        uint32_t cp = next_code_point(text, i);
        if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xFF66 && cp <= 0xFF9F)) {
            ++kana;
        } else if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F)) {
            ++hangul;
        } else if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) {
            ++han;
        } else if (cp < 0x80 && is_alpha(static_cast<char>(cp))) {
            ++latin;
        }
    }
    const size_t cjk = kana + hangul + han;
    if (cjk < 8 || cjk * 2 < latin) return "en";
    if (hangul > kana && hangul * 2 >= han) return "ko";
    if (kana > 0) return "ja";
    if (hangul > 0) return "ko";
    return "zh";
}

// Text of a document's blocks, in order, up to about `max_bytes`.
std::string document_text(const doc::Document& document, size_t max_bytes, bool paragraphs_only = false) {
    std::string out;
    std::vector<const doc::Block*> pending;
    for (size_t i = document.blocks.size(); i-- > 0;) pending.push_back(&document.blocks[i]);
    while (!pending.empty() && out.size() < max_bytes) {
        const doc::Block* block = pending.back();
        pending.pop_back();
        if (!paragraphs_only || block->kind == doc::BlockKind::paragraph) {
            for (const doc::Span& span : block->spans) out += span.kind == doc::SpanKind::text ? span.text : " ";
            if (!block->spans.empty()) out += ' ';
        }
        for (size_t i = block->children.size(); i-- > 0;) pending.push_back(&block->children[i]);
    }
    return collapse_whitespace(out);
}

std::string block_text(const doc::Block& block) {
    std::string out;
    for (const doc::Span& span : block.spans) out += span.kind == doc::SpanKind::text ? span.text : " ";
    return collapse_whitespace(out);
}

// ---- [SECTION] the page ----

struct GumboFree {
    void operator()(GumboOutput* output) const { gumbo_destroy_output(&kGumboDefaultOptions, output); }
};

bool is_entry_content(const GumboNode* node) {
    std::string_view classes = attribute(node, "class");
    if (classes.empty()) return false;
    for (std::string_view token : split_tokens(classes)) {
        for (std::string_view name : {"entry-content", "post-content", "article-content", "entry-body", "post-entry",
                                      "post-body", "storycontent", "entry"}) {
            if (token == name) return true;
        }
    }
    return false;
}

bool is_heading(const GumboNode* node) {
    GumboTag t = tag_of(node);
    return t == GUMBO_TAG_H1 || t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 || t == GUMBO_TAG_H4 || t == GUMBO_TAG_H5 ||
           t == GUMBO_TAG_H6;
}

// Inside the sidebar, the site header or the site footer.
bool in_sidebar(const GumboNode* node) {
    return find_ancestor(node, [](const GumboNode* up) {
               GumboTag t = tag_of(up);
               if (t == GUMBO_TAG_ASIDE || t == GUMBO_TAG_NAV) return true;
               std::string id = ascii_lower(attribute(up, "id"));
               if (id == "secondary" || id == "colophon" || id == "masthead" || id == "sidebar") return true;
               return id_or_class_contains(up, "widget") || id_or_class_contains(up, "sidebar");
           }) != nullptr;
}

bool in_comments(const GumboNode* node) {
    return find_ancestor(node, [](const GumboNode* up) { return id_or_class_contains(up, "comment"); }) != nullptr;
}

// Counts used to find blocks that are mostly links (an old site's menu).
struct TextStats {
    uint32_t text = 0;       // visible characters (image alt text included)
    uint32_t link_text = 0;  // of which inside links
    uint32_t links = 0;
    uint32_t internal_links = 0;
};

uint32_t count_chars(std::string_view text) {
    uint32_t n = 0;
    for (char c : text) {
        auto b = static_cast<unsigned char>(c);
        if (!is_ascii_space(c) && (b & 0xC0) != 0x80) ++n;
    }
    return n;
}

// Elements that can hold a menu or a copyright notice of a hand-made page.
bool is_block_candidate(const GumboNode* node) {
    switch (tag_of(node)) {
        case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY: case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
        case GUMBO_TAG_DIV: case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_P:
        case GUMBO_TAG_CENTER: case GUMBO_TAG_FONT: case GUMBO_TAG_SECTION: case GUMBO_TAG_MENU:
        case GUMBO_TAG_DIR: case GUMBO_TAG_SPAN: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_SMALL:
            return true;
        default:
            return false;
    }
}

class Page {
public:
    Page(const GumboOutput* output, std::string_view page_url) : output_(output), page_url_(page_url) {}

    ExtractedPage run() {
        find_roots();
        read_head();
        ExtractedPage page;
        base_url_ = page_url_;
        if (!head_.base_href.empty()) {
            std::string resolved = url::resolve(page_url_, head_.base_href);
            if (!resolved.empty()) base_url_ = resolved;
        }
        if (auto parts = url::parse(page_url_)) page_host_ = strip_host_www(parts->host);
        body_classes_ = split_tokens(body_class_text_);
        wordpress_ = detect_wordpress();

        DocumentBuilder builder(make_options());
        page.canonical_url = head_.canonical.empty() ? "" : builder.resolve_link(head_.canonical).value_or("");
        for (const std::string& shortlink : head_.shortlinks) {
            std::string resolved = builder.resolve_link(shortlink).value_or("");
            if (!resolved.empty() && std::find(page.alias_urls.begin(), page.alias_urls.end(), resolved) == page.alias_urls.end()) {
                page.alias_urls.push_back(resolved);
            }
        }
        page.site_name = find_site_name();
        posts_ = find_posts();
        page.kind = decide_kind();
        page.redirect_to = find_redirect(builder);

        if (page.redirect_to.empty()) {
            if (page.kind == PageKind::listing) {
                build_listing(builder, page);
            }
            if (page.kind == PageKind::article || builder.document().blocks.empty()) {
                build_article(builder);
            }
            page.body = std::move(builder.document());
            page.navigation = find_navigation(builder);
        }

        page.title = find_title(page);
        if (page.site_name.empty()) page.site_name = title_part_not_matching(head_.title, page.title);
        if (page.kind == PageKind::article) find_article_metadata(page);
        if (page.redirect_to.empty()) {
            if (page.kind == PageKind::article) drop_title_heading(page);
            drop_edge_rules(page.body);
        }
        page.language = find_language(page);
        page.description = find_description(page);
        return page;
    }

private:
    struct HeadInfo {
        std::string title;
        std::unordered_map<std::string, std::string> meta;  // lower-case name or property -> content (first)
        std::string canonical;
        std::vector<std::string> shortlinks;
        std::string base_href;
        std::string refresh;
        bool has_refresh = false;
        std::string lang;
    };

    // ---- roots and head ----

    void find_roots() {
        const GumboNode* document = output_->document;
        html_ = output_->root;
        body_ = find_first(document, [](const GumboNode* n) { return is_html_element(n, GUMBO_TAG_BODY); });
        if (!body_) body_ = html_;
        body_class_text_ = ascii_lower(attribute(body_, "class"));
    }

    void read_head() {
        head_.lang = std::string(attribute(html_, "lang"));
        if (head_.lang.empty()) head_.lang = std::string(attribute(html_, "xml:lang"));
        for_each_node(output_->document, [&](const GumboNode* n) {
            if (n->type == GUMBO_NODE_DOCUMENT) return true;
            if (!is_element(n)) return false;
            if (n->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) return false;
            switch (tag_of(n)) {
                case GUMBO_TAG_TITLE:
                    if (head_.title.empty()) head_.title = collapse_whitespace(collapsed_title_text(n));
                    return false;
                case GUMBO_TAG_META: {
                    std::string key = ascii_lower(attribute(n, "property"));
                    if (key.empty()) key = ascii_lower(attribute(n, "name"));
                    std::string equiv = ascii_lower(attribute(n, "http-equiv"));
                    std::string content(attribute(n, "content"));
                    if (equiv == "refresh" && !head_.has_refresh) {
                        head_.has_refresh = true;
                        head_.refresh = content;
                    } else if (equiv == "content-language") {
                        head_.meta.emplace("content-language", content);
                    }
                    if (!key.empty()) head_.meta.emplace(key, content);
                    return false;
                }
                case GUMBO_TAG_LINK:
                    if (has_token(n, "rel", "canonical") && head_.canonical.empty()) {
                        head_.canonical = std::string(attribute(n, "href"));
                    }
                    if (has_token(n, "rel", "shortlink") && !attribute(n, "href").empty() && head_.shortlinks.size() < 16) {
                        head_.shortlinks.emplace_back(attribute(n, "href"));
                    }
                    return false;
                case GUMBO_TAG_BASE:
                    if (head_.base_href.empty()) head_.base_href = std::string(attribute(n, "href"));
                    return false;
                case GUMBO_TAG_SCRIPT:
                case GUMBO_TAG_STYLE:
                case GUMBO_TAG_TEMPLATE:
                    return false;
                default:
                    return true;
            }
        });
    }

    static std::string collapsed_title_text(const GumboNode* title) {
        std::string text;
        const GumboVector* children = children_of(title);
        for (unsigned i = 0; children && i < children->length; ++i) {
            const auto* child = static_cast<const GumboNode*>(children->data[i]);
            if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) text += child->v.text.text;
        }
        if (text.size() > 2000) text.resize(2000);
        return text;
    }

    std::string meta(const char* key) const {
        auto found = head_.meta.find(key);
        return found == head_.meta.end() ? "" : collapse_whitespace(found->second);
    }

    bool body_has_class(std::string_view name) const {
        return std::find(body_classes_.begin(), body_classes_.end(), name) != body_classes_.end();
    }

    bool detect_wordpress() const {
        if (ascii_lower(meta("generator")).find("wordpress") != std::string::npos) return true;
        for (std::string_view token : body_classes_) {
            if (starts_with(token, "wp-") || starts_with(token, "postid-") || starts_with(token, "page-id-") ||
                token == "single-post" || starts_with(token, "category-") || starts_with(token, "tag-")) {
                return true;
            }
        }
        return find_first(body_, [](const GumboNode* n) {
                   return has_class(n, "entry-content") || has_class(n, "hentry") ||
                          ascii_lower(attribute(n, "id")) == "masthead";
               }) != nullptr;
    }

    ConvertOptions make_options() const {
        ConvertOptions options;
        options.base_url = base_url_;
        options.wordpress = wordpress_;
        options.bold_paragraph_headings = !wordpress_;
        options.skip = &skip_;
        return options;
    }

    std::string find_site_name() const {
        std::string name = meta("og:site_name");
        if (!name.empty()) return name;
        const GumboNode* site_title = find_first(body_, [](const GumboNode* n) { return has_class(n, "site-title"); });
        if (site_title) {
            name = collapsed_text(site_title, 200);
            if (!name.empty() && name.size() <= 100) return name;
        }
        // The suffix of <title> after a separator that titles use for it
        // (WordPress joins with a dash; hand-made titles use dashes in text).
        std::string_view title = head_.title;
        std::vector<std::string_view> separators{" | ", " :: "};
        if (wordpress_) separators.insert(separators.end(), {" \xE2\x80\x93 ", " \xE2\x80\x94 ", " \xC2\xBB "});
        for (std::string_view separator : separators) {
            size_t at = title.rfind(separator);
            if (at == std::string_view::npos || at == 0) continue;
            std::string_view suffix = title.substr(at + separator.size());
            if (!suffix.empty() && suffix.size() <= 80) return collapse_whitespace(suffix);
        }
        return "";
    }

    // ---- kind ----

    std::vector<const GumboNode*> find_posts() const {
        return find_all(
            body_,
            [](const GumboNode* n) {
                if (tag_of(n) == GUMBO_TAG_ARTICLE) return !in_sidebar(n);
                if (tag_of(n) != GUMBO_TAG_DIV) return false;
                return (has_class(n, "hentry") || has_class(n, "type-post")) && !in_sidebar(n);
            },
            /*nested=*/false);
    }

    PageKind decide_kind() const {
        for (std::string_view single : {"single", "single-post", "page", "attachment", "error404"}) {
            if (body_has_class(single)) return PageKind::article;
        }
        for (std::string_view listing : {"blog", "archive", "category", "tag", "date", "search", "search-results",
                                         "author", "post-type-archive"}) {
            if (body_has_class(listing)) return PageKind::listing;
        }
        if (body_has_class("home")) return PageKind::listing;
        if (posts_.size() > 1) return PageKind::listing;
        const GumboNode* paging = find_first(body_, [](const GumboNode* n) {
            return has_class(n, "posts-navigation") || has_class(n, "paging-navigation");
        });
        return paging ? PageKind::listing : PageKind::article;
    }

    // ---- redirect ----

    std::string find_redirect(const DocumentBuilder& builder) const {
        if (!head_.has_refresh) return "";
        std::string_view content = head_.refresh;
        size_t i = 0;
        while (i < content.size() && is_ascii_space(content[i])) ++i;
        size_t digits_begin = i;
        double delay = 0;
        while (i < content.size() && (is_digit(content[i]) || content[i] == '.')) {
            if (is_digit(content[i]) && delay < 1e6) delay = delay * 10 + (content[i] - '0');
            ++i;
        }
        if (i == digits_begin) delay = 0;
        while (i < content.size() && (is_ascii_space(content[i]) || content[i] == ';' || content[i] == ',')) ++i;
        std::string_view rest = content.substr(i);
        if (rest.size() >= 3 && ascii_lower(rest.substr(0, 3)) == "url") {
            size_t k = 3;
            while (k < rest.size() && is_ascii_space(rest[k])) ++k;
            if (k < rest.size() && rest[k] == '=') {
                ++k;
                while (k < rest.size() && is_ascii_space(rest[k])) ++k;
                rest = rest.substr(k);
            }
        }
        if (!rest.empty() && (rest[0] == '\'' || rest[0] == '"')) {
            size_t close = rest.find(rest[0], 1);
            rest = rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
        }
        std::optional<std::string> target = builder.resolve_link(rest);
        if (!target || !url::is_web_url(*target)) return "";
        if (url::canonical_url(*target) == url::canonical_url(page_url_)) return "";
        if (delay > 10 && collapsed_text(body_, 2000).size() >= 500) return "";
        return *target;
    }

    // ---- content ----

    const GumboNode* find_main_area() const {
        return find_first(body_, [](const GumboNode* n) {
            if (tag_of(n) == GUMBO_TAG_MAIN || ascii_lower(attribute(n, "role")) == "main") return true;
            std::string id = ascii_lower(attribute(n, "id"));
            return id == "main" || id == "content" || id == "primary" || has_class(n, "site-main");
        });
    }

    void build_article(DocumentBuilder& builder) {
        const GumboNode* article = nullptr;
        for (const GumboNode* post : posts_) {
            if (find_first(post, is_entry_content)) {
                article = post;
                break;
            }
        }
        if (!article && !posts_.empty()) article = posts_.front();
        article_ = article;
        const GumboNode* content = find_first(article ? article : body_, [](const GumboNode* n) {
            return is_entry_content(n) && !in_sidebar(n) && !in_comments(n);
        });
        if (content) {
            append_featured_image(builder, article, content);
            builder.append_children(content);
            return;
        }
        if (article) {
            builder.append_children(article);
            return;
        }
        // A page without the markers of a blog theme: the main area or the
        // whole body, without the blocks that are mostly links (menus) and
        // without the copyright footer.
        const GumboNode* root = find_main_area();
        if (!root || collapsed_text(root, 400).size() < 200) root = body_;
        mark_link_blocks(root, builder);
        builder.append_children(root);
        if (builder.document().blocks.empty()) append_frames(builder);
    }

    void append_featured_image(DocumentBuilder& builder, const GumboNode* article, const GumboNode* content) {
        if (!article) return;
        const GumboNode* img = find_first(article, [&](const GumboNode* n) {
            if (tag_of(n) != GUMBO_TAG_IMG) return false;
            if (find_ancestor(n, [&](const GumboNode* up) { return up == content; })) return false;
            return has_class(n, "wp-post-image") ||
                   find_ancestor(n, [](const GumboNode* up) {
                       return has_class(up, "post-thumbnail") || has_class(up, "featured-image");
                   }) != nullptr;
        });
        if (!img) return;
        int32_t index = builder.image(img);
        if (index < 0) return;
        doc::Block figure;
        figure.kind = doc::BlockKind::figure;
        figure.image = index;
        builder.append_block(std::move(figure));
    }

    // A frameset page: links to its frames, so the builder can follow them.
    void append_frames(DocumentBuilder& builder) {
        std::vector<const GumboNode*> frames = find_all(output_->root, [](const GumboNode* n) {
            return tag_of(n) == GUMBO_TAG_FRAME || tag_of(n) == GUMBO_TAG_IFRAME;
        });
        for (const GumboNode* frame : frames) {
            std::string_view src = attribute(frame, "src");
            int32_t link = builder.link(src);
            if (link < 0) continue;
            doc::Block paragraph;
            doc::Span span;
            span.text = std::string(attribute(frame, "name"));
            if (span.text.empty()) span.text = builder.document().links[static_cast<size_t>(link)].url;
            span.link = link;
            paragraph.spans.push_back(std::move(span));
            builder.append_block(std::move(paragraph));
        }
    }

    // Text statistics of every element under `root`, bottom-up, iteratively.
    std::unordered_map<const GumboNode*, TextStats> compute_stats(const GumboNode* root) const {
        std::unordered_map<const GumboNode*, TextStats> stats;
        struct Frame {
            const GumboNode* node;
            unsigned next;
            TextStats stats;
        };
        std::vector<Frame> stack{{root, 0, {}}};
        while (!stack.empty()) {
            Frame& frame = stack.back();
            const GumboVector* children = children_of(frame.node);
            if (children && frame.next < children->length) {
                const auto* child = static_cast<const GumboNode*>(children->data[frame.next++]);
                if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA) {
                    frame.stats.text += count_chars(child->v.text.text);
                } else if (child->type == GUMBO_NODE_ELEMENT && !is_never_content(child) && !is_furniture(child)) {
                    stack.push_back(Frame{child, 0, {}});
                }
                continue;
            }
            Frame done = stack.back();
            stack.pop_back();
            GumboTag tag = tag_of(done.node);
            if (tag == GUMBO_TAG_IMG) {
                uint32_t alt = count_chars(attribute(done.node, "alt"));
                done.stats.text += alt ? alt : 8;  // an image button counts even without alt text
            }
            if (tag == GUMBO_TAG_A && has_attribute(done.node, "href")) {
                done.stats.link_text = done.stats.text;
                done.stats.links += 1;
                if (is_internal_href(attribute(done.node, "href"))) done.stats.internal_links += 1;
            }
            if (done.node == root || is_block_candidate(done.node)) stats[done.node] = done.stats;
            if (!stack.empty()) {
                TextStats& parent = stack.back().stats;
                parent.text += done.stats.text;
                parent.link_text += done.stats.link_text;
                parent.links += done.stats.links;
                parent.internal_links += done.stats.internal_links;
            }
        }
        return stats;
    }

    // Whether a link leads to another page of this site, without resolving
    // it: relative references do (a bare "#fragment" does not); others by
    // their host.
    bool is_internal_href(std::string_view href) const {
        size_t begin = 0;
        while (begin < href.size() && static_cast<unsigned char>(href[begin]) <= 0x20) ++begin;
        href = href.substr(begin);
        // "#part-2": a table of contents within the page, not a menu of the site.
        if (href.size() > 1 && href[0] == '#') return false;
        std::string_view host;
        if (href.substr(0, 2) == "//") {
            host = href.substr(2);
        } else {
            size_t colon = href.find(':');
            size_t slash = href.find_first_of("/?#");
            if (colon == std::string_view::npos || (slash != std::string_view::npos && slash < colon)) return true;
            if (href.substr(colon + 1, 2) != "//") return false;  // mailto:, javascript:, ...
            host = href.substr(colon + 3);
        }
        host = host.substr(0, host.find_first_of("/?#:"));
        return strip_host_www(ascii_lower(host)) == page_host_;
    }

    static bool mentions_copyright(std::string_view text) {
        std::string lower = ascii_lower(text);
        return lower.find("\xC2\xA9") != std::string::npos || lower.find("copyright") != std::string::npos ||
               lower.find("all rights reserved") != std::string::npos || lower.find("(c) 19") != std::string::npos ||
               lower.find("(c) 20") != std::string::npos;
    }

    // Marks as furniture the blocks under `root` that are mostly links to
    // the site's own pages (menus; the first becomes the site menu when the
    // page has no WordPress menu) and short copyright notices.
    void mark_link_blocks(const GumboNode* root, const DocumentBuilder& builder) {
        auto stats = compute_stats(root);
        const uint32_t root_text = stats[root].text;
        for_each_node(root, [&](const GumboNode* n) {
            if (n == root) return true;
            if (!is_element(n) || is_never_content(n) || is_furniture(n)) return false;
            if (!is_block_candidate(n)) return true;
            const TextStats& s = stats[n];
            const bool mostly_links = s.links >= 3 && uint64_t{s.link_text} * 10 >= uint64_t{s.text} * 7 &&
                                      s.internal_links * 2 >= s.links &&
                                      uint64_t{s.text} * 10 <= uint64_t{root_text} * 4;
            if (mostly_links) {
                skip_.insert(n);
                if (link_block_menu_.empty()) collect_links(n, builder, link_block_menu_);
                return false;
            }
            if (s.text <= 300 && uint64_t{s.text} * 2 <= root_text && mentions_copyright(collapsed_text(n, 1200))) {
                skip_.insert(n);
                return false;
            }
            return true;
        });
    }

    void collect_links(const GumboNode* root, const DocumentBuilder& builder, std::vector<NavLink>& out) const {
        for (const GumboNode* a : find_all(root, [](const GumboNode* n) { return tag_of(n) == GUMBO_TAG_A; }, false)) {
            if (is_hidden_link(a)) continue;
            std::optional<std::string> target = builder.resolve_link(attribute(a, "href"));
            if (!target || is_same_page_anchor(*target)) continue;
            std::string label = collapsed_text(a, 300, /*image_alt=*/true);
            if (label.empty()) label = last_path_segment(*target);
            add_unique(out, NavLink{label, *target});
        }
    }

    // The links of an old site's menu block up to a rule (<hr>) that
    // separates them from links about the page itself; anchors within this
    // page are left out.
    void collect_site_menu(const GumboNode* root, const DocumentBuilder& builder, std::vector<NavLink>& out) const {
        bool stop = false;
        for_each_node(root, [&](const GumboNode* n) {
            if (stop || !is_element(n)) return false;
            if (tag_of(n) == GUMBO_TAG_HR && out.size() >= 2) {
                stop = true;
                return false;
            }
            if (is_never_content(n)) return false;
            if (tag_of(n) != GUMBO_TAG_A) return true;
            if (is_hidden_link(n)) return false;
            std::optional<std::string> target = builder.resolve_link(attribute(n, "href"));
            if (!target || is_same_page_anchor(*target)) return false;
            std::string label = collapsed_text(n, 300, /*image_alt=*/true);
            if (label.empty()) label = last_path_segment(*target);
            add_unique(out, NavLink{label, *target});
            return false;
        });
    }

    static bool is_hidden_link(const GumboNode* a) {
        return has_class(a, "screen-reader-text") || has_class(a, "skip-link") ||
               find_ancestor(a, [](const GumboNode* up) { return tag_of(up) == GUMBO_TAG_TEMPLATE; }) != nullptr;
    }

    bool is_same_page_anchor(const std::string& target) const {
        return !url::fragment_of(target).empty() && url::canonical_url(target) == url::canonical_url(page_url_);
    }

    static std::string last_path_segment(const std::string& target) {
        std::string path = url::path_and_query(target);
        while (!path.empty() && path.back() == '/') path.pop_back();
        return path.substr(path.rfind('/') + 1);
    }

    // ---- listings ----

    void build_listing(DocumentBuilder& builder, ExtractedPage& page) {
        // An archive's description ("Posts about ...") comes first.
        const GumboNode* description = find_first(body_, [](const GumboNode* n) {
            return (has_class(n, "taxonomy-description") || has_class(n, "archive-description")) && !in_sidebar(n);
        });
        if (description && !is_heading(description)) builder.append_children(description);

        for (const GumboNode* post : posts_) {
            if (builder.truncated()) break;
            const GumboNode* title = find_first(post, [](const GumboNode* n) {
                return has_class(n, "entry-title") || has_class(n, "post-title");
            });
            if (!title) title = find_first(post, is_heading);
            const GumboNode* title_link =
                title ? find_first(title, [](const GumboNode* n) { return tag_of(n) == GUMBO_TAG_A && has_attribute(n, "href"); })
                      : nullptr;
            if (!title_link) {
                title_link = find_first(post, [](const GumboNode* n) {
                    return tag_of(n) == GUMBO_TAG_A && has_token(n, "rel", "bookmark");
                });
            }
            std::string title_text = title ? collapsed_text(title, 1000) : "";
            if (!title_text.empty()) {
                doc::Block heading;
                heading.kind = doc::BlockKind::heading;
                heading.level = 2;
                doc::Span span;
                span.text = title_text;
                span.link = title_link ? builder.link(attribute(title_link, "href")) : -1;
                heading.spans.push_back(std::move(span));
                builder.append_block(std::move(heading));
            }

            const GumboNode* time = find_first(post, [](const GumboNode* n) {
                return tag_of(n) == GUMBO_TAG_TIME && (has_class(n, "published") || has_class(n, "entry-date"));
            });
            if (!time) time = find_first(post, [](const GumboNode* n) { return has_class(n, "posted-on"); });
            std::string date = time ? collapsed_text(time, 200) : "";
            if (!date.empty()) {
                doc::Block line;
                doc::Span span;
                span.text = date;
                line.spans.push_back(std::move(span));
                builder.append_block(std::move(line));
            }

            const size_t before = builder.document().blocks.size();
            const GumboNode* excerpt = find_first(post, [](const GumboNode* n) { return has_class(n, "entry-summary"); });
            if (!excerpt) excerpt = find_first(post, is_entry_content);
            if (excerpt) {
                builder.append_children(excerpt);
            } else {
                if (title) skip_.insert(title);
                builder.append_children(post);
                if (title) skip_.erase(title);
            }
            if (page.description.empty()) {
                // The first post's excerpt describes the listing.
                std::string text;
                for (size_t i = before; i < builder.document().blocks.size() && text.size() < 4 * kDescriptionChars; ++i) {
                    const doc::Block& block = builder.document().blocks[i];
                    if (block.kind == doc::BlockKind::paragraph) text += block_text(block) + " ";
                }
                page.description = shorten(collapse_whitespace(text), kDescriptionChars);
            }
        }
    }

    // ---- navigation ----

    SiteNavigation find_navigation(const DocumentBuilder& builder) const {
        SiteNavigation navigation;
        const GumboNode* menu = find_first(body_, [](const GumboNode* n) {
            return ascii_lower(attribute(n, "id")) == "site-navigation";
        });
        if (!menu) {
            menu = find_first(body_, [](const GumboNode* n) {
                std::string id = ascii_lower(attribute(n, "id"));
                return has_class(n, "main-navigation") || has_class(n, "primary-navigation") || id == "primary-menu" ||
                       id == "main-menu" || id == "primary-navigation" || id == "main-nav" || id == "navigation";
            });
        }
        if (!menu) {
            menu = find_first(body_, [](const GumboNode* n) {
                if (tag_of(n) != GUMBO_TAG_NAV && ascii_lower(attribute(n, "role")) != "navigation") return false;
                if (id_or_class_contains(n, "post") || id_or_class_contains(n, "breadcrumb") ||
                    id_or_class_contains(n, "pagination") || id_or_class_contains(n, "comment")) {
                    return false;
                }
                return find_ancestor(n, [](const GumboNode* up) { return tag_of(up) == GUMBO_TAG_FOOTER; }) == nullptr;
            });
        }
        if (menu) collect_links(menu, builder, navigation.menu);
        if (navigation.menu.empty() && !wordpress_) {
            // A hand-made site's menu: a block named "menu" or "nav..." with links.
            for (const GumboNode* block : find_all(body_, [](const GumboNode* n) {
                     return (id_or_class_contains(n, "menu") || id_or_class_contains(n, "nav")) &&
                            !find_ancestor(n, [](const GumboNode* up) { return tag_of(up) == GUMBO_TAG_FOOTER; });
                 }, false)) {
                collect_site_menu(block, builder, navigation.menu);
                if (navigation.menu.size() >= 2) break;
                navigation.menu.clear();
            }
        }
        if (navigation.menu.empty()) navigation.menu = link_block_menu_;

        for (const GumboNode* widget : find_all(body_, [](const GumboNode* n) {
                 return has_class(n, "widget_categories") || has_class(n, "wp-block-categories");
             }, false)) {
            collect_widget(widget, builder, navigation.categories, /*option_values_are_urls=*/false);
        }
        for (const GumboNode* widget : find_all(body_, [](const GumboNode* n) {
                 return has_class(n, "widget_archive") || has_class(n, "wp-block-archives");
             }, false)) {
            collect_widget(widget, builder, navigation.archives, /*option_values_are_urls=*/true);
        }
        return navigation;
    }

    // A widget's list of links, or its drop-down: archive options hold URLs,
    // category options term ids that WordPress turns into "?cat=ID" on the
    // form's action (the site's front page).
    void collect_widget(const GumboNode* widget, const DocumentBuilder& builder, std::vector<NavLink>& out,
                        bool option_values_are_urls) const {
        for (const GumboNode* a : find_all(widget, [](const GumboNode* n) { return tag_of(n) == GUMBO_TAG_A; }, false)) {
            std::optional<std::string> target = builder.resolve_link(attribute(a, "href"));
            if (!target) continue;
            add_unique(out, NavLink{collapsed_text(a, 300), *target});
        }
        for (const GumboNode* option : find_all(widget, [](const GumboNode* n) { return tag_of(n) == GUMBO_TAG_OPTION; })) {
            std::string value = collapse_whitespace(attribute(option, "value"));
            if (value.empty() || value == "-1") continue;
            std::string label = option_label(option);
            std::optional<std::string> target;
            if (option_values_are_urls) {
                target = builder.resolve_link(value);
            } else {
                const GumboNode* form = find_ancestor(option, [](const GumboNode* up) { return tag_of(up) == GUMBO_TAG_FORM; });
                std::string action = form ? std::string(attribute(form, "action")) : "";
                std::optional<std::string> home = builder.resolve_link(action.empty() ? "/" : action);
                if (home) {
                    auto parts = url::parse(*home);
                    if (parts) {
                        parts->query = "cat=" + value;
                        parts->has_query = true;
                        parts->fragment.clear();
                        if (parts->path.empty()) parts->path = "/";
                        target = url::to_string(*parts);
                    }
                }
            }
            if (target) add_unique(out, NavLink{label, *target});
        }
    }

    // An option's text without a trailing post count: "China (3)" -> "China".
    static std::string option_label(const GumboNode* option) {
        std::string label = collapsed_text(option, 300);
        if (!label.empty() && label.back() == ')') {
            size_t open = label.rfind('(');
            if (open != std::string::npos && open > 0 &&
                std::all_of(label.begin() + static_cast<long>(open) + 1, label.end() - 1, [](char c) { return is_digit(c); })) {
                label = collapse_whitespace(label.substr(0, open));
            }
        }
        return label;
    }

    // ---- title ----

    std::string strip_site_suffix(const std::string& title, const std::string& site_name) const {
        if (!site_name.empty()) {
            for (std::string_view separator : kTitleSeparators) {
                std::string suffix = std::string(separator) + site_name;
                if (title.size() > suffix.size() && ends_with_ignoring_case(title, suffix)) {
                    return collapse_whitespace(title.substr(0, title.size() - suffix.size()));
                }
            }
            for (std::string_view separator : kTitleSeparators) {
                std::string prefix = site_name + std::string(separator);
                // "Site | Page": some sites put their name first; the front page
                // ("Site – Tagline") keeps its whole title.
                if (title.size() > prefix.size() && ascii_lower(title.substr(0, prefix.size())) == ascii_lower(prefix) &&
                    separator == " | ") {
                    return collapse_whitespace(title.substr(prefix.size()));
                }
            }
        }
        return title;
    }

    std::string find_title(const ExtractedPage& page) const {
        std::string title;
        std::string og = meta("og:title");
        if (!og.empty()) title = strip_site_suffix(og, page.site_name);
        if (title.empty() && page.kind == PageKind::article) {
            const GumboNode* scope = article_ ? article_ : body_;
            const GumboNode* h1 = find_first(scope, [](const GumboNode* n) {
                return is_heading(n) && has_class(n, "entry-title") && !in_sidebar(n);
            });
            if (h1) title = collapsed_text(h1, 1000);
        }
        if (title.empty()) title = strip_site_suffix(head_.title, page.site_name);
        if (!wordpress_ && page.kind == PageKind::article) {
            std::string from_heading = title_part_matching_heading(title, page.body);
            if (!from_heading.empty()) title = from_heading;
        }
        if (title.empty() || (!page.site_name.empty() && ascii_lower(title) == ascii_lower(page.site_name) &&
                              page.kind == PageKind::article)) {
            // A generic <title>: the first heading of the content says more.
            const doc::Block* best = nullptr;
            for (const doc::Block& block : page.body.blocks) {
                if (block.kind != doc::BlockKind::heading) continue;
                if (!best || block.level < best->level) best = &block;
                if (best->level == 1) break;
            }
            if (best) title = block_text(*best);
        }
        if (title.empty()) title = page.site_name;
        if (title.size() > 1000) title = shorten(title, 300);
        return title;
    }

    // "LFNKR - Annual Report 2006" with a heading "Annual Report 2006": the
    // part of a hand-made <title> that the page's own heading repeats.
    static std::string title_part_matching_heading(const std::string& title, const doc::Document& body) {
        std::vector<std::string> headings;
        for (size_t i = 0; i < body.blocks.size() && headings.size() < 4; ++i) {
            if (body.blocks[i].kind == doc::BlockKind::heading) headings.push_back(comparable(block_text(body.blocks[i])));
        }
        if (headings.empty()) return "";
        for (std::string_view separator : kTitleSeparators) {
            for (size_t at = title.find(separator); at != std::string::npos; at = title.find(separator, at + 1)) {
                std::string left = collapse_whitespace(title.substr(0, at));
                std::string right = collapse_whitespace(title.substr(at + separator.size()));
                for (const std::string& heading : headings) {
                    if (heading.empty()) continue;
                    if (comparable(right) == heading) return right;
                    if (comparable(left) == heading) return left;
                }
            }
        }
        return "";
    }

    // The other part of such a title names the site.
    static std::string title_part_not_matching(const std::string& full_title, const std::string& title) {
        for (std::string_view separator : kTitleSeparators) {
            if (full_title.size() > title.size() + separator.size()) {
                if (full_title.compare(full_title.size() - title.size(), title.size(), title) == 0 &&
                    full_title.compare(full_title.size() - title.size() - separator.size(), separator.size(), separator) == 0) {
                    return collapse_whitespace(full_title.substr(0, full_title.size() - title.size() - separator.size()));
                }
                if (full_title.compare(0, title.size(), title) == 0 &&
                    full_title.compare(title.size(), separator.size(), separator) == 0) {
                    return collapse_whitespace(full_title.substr(title.size() + separator.size()));
                }
            }
        }
        return "";
    }

    // Rules left at the top or bottom once furniture is gone (the line
    // above an old page's copyright notice) and rules in a row separate nothing.
    static void drop_edge_rules(doc::Document& body) {
        auto& blocks = body.blocks;
        auto is_rule = [](const doc::Block& block) { return block.kind == doc::BlockKind::rule; };
        while (!blocks.empty() && is_rule(blocks.back())) blocks.pop_back();
        size_t lead = 0;
        while (lead < blocks.size() && is_rule(blocks[lead])) ++lead;
        blocks.erase(blocks.begin(), blocks.begin() + static_cast<long>(lead));
        for (size_t i = 1; i < blocks.size();) {
            if (is_rule(blocks[i]) && is_rule(blocks[i - 1])) {
                blocks.erase(blocks.begin() + static_cast<long>(i));
            } else {
                ++i;
            }
        }
    }

    static void drop_title_heading(ExtractedPage& page) {
        if (page.title.empty()) return;
        const std::string wanted = comparable(page.title);
        auto& blocks = page.body.blocks;
        for (size_t i = 0; i < blocks.size() && i < 3; ++i) {
            if (blocks[i].kind == doc::BlockKind::heading && comparable(block_text(blocks[i])) == wanted) {
                blocks.erase(blocks.begin() + static_cast<long>(i));
                return;
            }
            if (blocks[i].kind != doc::BlockKind::figure) return;  // only a leading image may come first
        }
    }

    // ---- article metadata ----

    void find_article_metadata(ExtractedPage& page) const {
        const GumboNode* scope = article_ ? article_ : body_;
        DocumentBuilder resolver(make_options());

        const GumboNode* published = find_first(scope, [](const GumboNode* n) {
            return tag_of(n) == GUMBO_TAG_TIME && has_class(n, "published") && !in_sidebar(n) && !in_comments(n);
        });
        if (!published) {
            published = find_first(scope, [](const GumboNode* n) {
                return tag_of(n) == GUMBO_TAG_TIME && has_class(n, "entry-date") && !in_sidebar(n) && !in_comments(n);
            });
        }
        if (published) {
            page.published = iso_date(attribute(published, "datetime"));
            if (page.published.empty()) page.published = date_in_text(collapsed_text(published, 200));
        }
        if (page.published.empty()) page.published = iso_date(meta("article:published_time"));
        if (page.published.empty()) page.published = date_in_url(page_url_);
        if (page.published.empty() && !page.canonical_url.empty()) page.published = date_in_url(page.canonical_url);
        if (page.published.empty() && !wordpress_) {
            // An old report often says its date in its first heading.
            for (size_t i = 0; i < page.body.blocks.size() && i < 3 && page.published.empty(); ++i) {
                const doc::Block& block = page.body.blocks[i];
                if (block.kind == doc::BlockKind::heading ||
                    (block.kind == doc::BlockKind::paragraph && block_text(block).size() <= 120)) {
                    page.published = date_in_text(block_text(block));
                }
            }
        }

        const GumboNode* updated = find_first(scope, [](const GumboNode* n) {
            return tag_of(n) == GUMBO_TAG_TIME && has_class(n, "updated") && !in_sidebar(n) && !in_comments(n);
        });
        if (updated) page.modified = iso_date(attribute(updated, "datetime"));
        if (page.modified.empty()) page.modified = iso_date(meta("article:modified_time"));
        if (page.modified.empty()) page.modified = iso_date(meta("og:updated_time"));

        const GumboNode* author = find_first(scope, [](const GumboNode* n) {
            return has_class(n, "fn") && !in_comments(n) &&
                   find_ancestor(n, [](const GumboNode* up) { return has_class(up, "author"); }) != nullptr;
        });
        if (!author) {
            author = find_first(scope, [](const GumboNode* n) {
                return ((tag_of(n) == GUMBO_TAG_A && has_token(n, "rel", "author")) ||
                        (has_class(n, "author") && has_class(n, "vcard"))) &&
                       !in_comments(n) && !in_sidebar(n);
            });
        }
        if (author) page.author = collapsed_text(author, 300);
        if (page.author.empty()) page.author = meta("author");
        if (page.author.empty()) {
            std::string article_author = meta("article:author");
            if (!url::parse(article_author)) page.author = article_author;
        }

        const GumboNode* terms_scope = article_ ? article_ : body_;
        for (const GumboNode* a : find_all(terms_scope, [](const GumboNode* n) {
                 return tag_of(n) == GUMBO_TAG_A && (has_token(n, "rel", "category") || has_token(n, "rel", "tag"));
             })) {
            if (in_sidebar(a) || in_comments(a)) continue;
            std::optional<std::string> target = resolver.resolve_link(attribute(a, "href"));
            if (!target) continue;
            NavLink link{collapsed_text(a, 300), *target};
            add_unique(has_token(a, "rel", "category") ? page.categories : page.tags, std::move(link));
        }
    }

    // ---- language and description ----

    std::string find_language(const ExtractedPage& page) const {
        std::string language = primary_language(collapse_whitespace(head_.lang));
        if (language.empty()) language = primary_language(meta("content-language"));
        if (language.empty()) language = primary_language(meta("og:locale"));
        if (!language.empty()) return language;
        return detect_language(page.title + " " + document_text(page.body, 64 * 1024));
    }

    std::string find_description(const ExtractedPage& page) const {
        if (!page.description.empty()) return page.description;
        for (const char* key : {"description", "og:description", "twitter:description"}) {
            std::string text = meta(key);
            if (!text.empty()) return shorten(text, 1000);
        }
        std::string text = document_text(page.body, 4096, /*paragraphs_only=*/true);
        if (text.empty()) text = document_text(page.body, 4096);
        return shorten(text, kDescriptionChars);
    }

    const GumboOutput* output_;
    std::string page_url_;
    std::string base_url_;
    std::string page_host_;
    const GumboNode* html_ = nullptr;
    const GumboNode* body_ = nullptr;
    const GumboNode* article_ = nullptr;
    std::string body_class_text_;
    std::vector<std::string_view> body_classes_;
    bool wordpress_ = false;
    HeadInfo head_;
    std::vector<const GumboNode*> posts_;
    std::unordered_set<const GumboNode*> skip_;
    std::vector<NavLink> link_block_menu_;
};

// Markup has at least one tag, and is not binary.
bool looks_like_html(std::string_view html) {
    size_t zeros = 0;
    const size_t sample = std::min<size_t>(html.size(), 4096);
    for (size_t i = 0; i < sample; ++i) zeros += html[i] == '\0';
    if (zeros * 10 > sample) return false;
    for (size_t at = html.find('<'); at != std::string_view::npos; at = html.find('<', at + 1)) {
        if (at + 1 < html.size() && (is_alpha(html[at + 1]) || html[at + 1] == '!')) return true;
    }
    return false;
}

}  // namespace

// ---- [SECTION] extract_page ----

Result<ExtractedPage> extract_page(std::string_view html, std::string_view page_url) {
    if (html.size() > kMaxHtmlBytes) {
        return Error{ErrorCode::too_large, std::string(page_url) + ": page of " + std::to_string(html.size()) +
                                               " bytes is over the limit of " + std::to_string(kMaxHtmlBytes)};
    }
    if (!looks_like_html(html)) {
        return Error{ErrorCode::bad_input, std::string(page_url) + ": not an HTML document (no element found)"};
    }
    try {
        std::optional<std::string> limited = limit_markup(html);
        const std::string_view markup = limited ? std::string_view(*limited) : html;
        GumboOptions options = kGumboDefaultOptions;
        options.max_errors = 0;  // gumbo copies the open-element stack into each error
        std::unique_ptr<GumboOutput, GumboFree> output(
            gumbo_parse_with_options(&options, markup.data(), markup.size()));
        if (!output || !output->root) {
            return Error{ErrorCode::internal, std::string(page_url) + ": the HTML parser returned nothing"};
        }
        return Page(output.get(), page_url).run();
    } catch (const std::exception& e) {
        return Error{ErrorCode::internal, std::string(page_url) + ": extraction failed: " + e.what()};
    }
}

}  // namespace sitepack::build
