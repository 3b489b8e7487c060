#include "page_extractor_blocks.h"

#include <algorithm>
#include <utility>

#include "page_extractor_dom.h"
#include "sitepack/url.h"

namespace sitepack::build::detail {
namespace {

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// True when the text shows something: not only whitespace, no-break spaces,
// zero-width spaces or byte order marks.
bool is_visible(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (is_ascii_space(static_cast<char>(c))) {
            ++i;
        } else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
            i += 2;
        } else if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(text[i + 2]) >= 0x8B && static_cast<unsigned char>(text[i + 2]) <= 0x8D)) {
            i += 3;  // U+200B..U+200D
        } else if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBB &&
                   static_cast<unsigned char>(text[i + 2]) == 0xBF) {
            i += 3;  // U+FEFF
        } else {
            return true;
        }
    }
    return false;
}

bool is_heading_tag(GumboTag tag) {
    return tag == GUMBO_TAG_H1 || tag == GUMBO_TAG_H2 || tag == GUMBO_TAG_H3 || tag == GUMBO_TAG_H4 ||
           tag == GUMBO_TAG_H5 || tag == GUMBO_TAG_H6;
}

bool is_block_tag(GumboTag tag) {
    switch (tag) {
        case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN:
        case GUMBO_TAG_CENTER: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY:
        case GUMBO_TAG_HGROUP: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE:
        case GUMBO_TAG_NAV: case GUMBO_TAG_BODY: case GUMBO_TAG_HTML: case GUMBO_TAG_LI: case GUMBO_TAG_DD:
        case GUMBO_TAG_DT: case GUMBO_TAG_DL: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_CAPTION:
        case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD:
        case GUMBO_TAG_TFOOT: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_LEGEND: case GUMBO_TAG_MARQUEE:
        case GUMBO_TAG_MULTICOL: case GUMBO_TAG_P: case GUMBO_TAG_FIGURE: case GUMBO_TAG_BLOCKQUOTE:
        case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_MENU: case GUMBO_TAG_DIR: case GUMBO_TAG_TABLE:
        case GUMBO_TAG_PRE: case GUMBO_TAG_LISTING: case GUMBO_TAG_XMP: case GUMBO_TAG_PLAINTEXT:
        case GUMBO_TAG_HR: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
        case GUMBO_TAG_H5: case GUMBO_TAG_H6:
            return true;
        default:
            return false;
    }
}

// A leading integer of an attribute ("300", "300px"); 0 when absent or a
// percentage.
uint32_t pixel_size(std::string_view value) {
    size_t i = 0;
    while (i < value.size() && is_ascii_space(value[i])) ++i;
    uint64_t number = 0;
    size_t digits = 0;
    while (i < value.size() && value[i] >= '0' && value[i] <= '9' && digits < 9) {
        number = number * 10 + static_cast<uint64_t>(value[i] - '0');
        ++i;
        ++digits;
    }
    if (digits == 0) return 0;
    while (i < value.size() && (value[i] == '.' || (value[i] >= '0' && value[i] <= '9'))) ++i;
    if (i < value.size() && value[i] == '%') return 0;
    return static_cast<uint32_t>(number);
}

int32_t integer_attribute(const GumboNode* node, const char* name, int32_t fallback, int32_t low, int32_t high) {
    std::string_view value = attribute(node, name);
    size_t i = 0;
    while (i < value.size() && is_ascii_space(value[i])) ++i;
    bool negative = false;
    if (i < value.size() && (value[i] == '-' || value[i] == '+')) negative = value[i++] == '-';
    int64_t number = 0;
    size_t digits = 0;
    while (i < value.size() && value[i] >= '0' && value[i] <= '9') {
        if (number < 1000000000) number = number * 10 + (value[i] - '0');
        ++i;
        ++digits;
    }
    if (digits == 0) return fallback;
    if (negative) number = -number;
    return static_cast<int32_t>(std::clamp<int64_t>(number, low, high));
}

std::string lower_scheme(std::string_view url) {
    size_t colon = url.find(':');
    return colon == std::string_view::npos ? std::string() : ascii_lower(url.substr(0, colon));
}

// The rows of a table (through thead/tbody/tfoot), not of nested tables.
struct TableShape {
    const GumboNode* caption = nullptr;
    std::vector<const GumboNode*> rows;
};

TableShape shape_of(const GumboNode* table) {
    TableShape shape;
    const GumboVector* children = children_of(table);
    for (unsigned i = 0; children && i < children->length; ++i) {
        const auto* child = static_cast<const GumboNode*>(children->data[i]);
        GumboTag tag = tag_of(child);
        if (tag == GUMBO_TAG_CAPTION && !shape.caption) {
            shape.caption = child;
        } else if (tag == GUMBO_TAG_TR) {
            shape.rows.push_back(child);
        } else if (tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TBODY || tag == GUMBO_TAG_TFOOT) {
            const GumboVector* rows = children_of(child);
            for (unsigned k = 0; rows && k < rows->length; ++k) {
                const auto* row = static_cast<const GumboNode*>(rows->data[k]);
                if (tag_of(row) == GUMBO_TAG_TR) shape.rows.push_back(row);
            }
        }
    }
    return shape;
}

std::vector<const GumboNode*> cells_of(const GumboNode* row) {
    std::vector<const GumboNode*> cells;
    const GumboVector* children = children_of(row);
    for (unsigned i = 0; children && i < children->length; ++i) {
        const auto* child = static_cast<const GumboNode*>(children->data[i]);
        GumboTag tag = tag_of(child);
        if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) cells.push_back(child);
    }
    return cells;
}

// A cell that holds page structure rather than a value: headings, lists,
// quotes, nested tables, several paragraphs or long text.
bool is_heavy_cell(const GumboNode* cell) {
    bool heavy = false;
    size_t text = 0;
    int paragraphs = 0;
    for_each_node(cell, [&](const GumboNode* node) {
        if (heavy) return false;
        if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
            for (const char* p = node->v.text.text; *p; ++p) {
                if (!is_ascii_space(*p)) ++text;
            }
            if (text > 300) heavy = true;
            return false;
        }
        if (!is_element(node) || node == cell) return node == cell;
        if (is_never_content(node)) return false;
        GumboTag tag = tag_of(node);
        if (is_heading_tag(tag) || tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL || tag == GUMBO_TAG_DL ||
            tag == GUMBO_TAG_BLOCKQUOTE || tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_TABLE || tag == GUMBO_TAG_HR) {
            heavy = true;
            return false;
        }
        if ((tag == GUMBO_TAG_P || tag == GUMBO_TAG_DIV) && ++paragraphs > 2) heavy = true;
        return true;
    });
    return heavy;
}

bool is_layout_table(const GumboNode* table, const TableShape& shape) {
    if (ascii_lower(attribute(table, "role")) == "presentation") return true;
    size_t cells = 0, max_columns = 0;
    bool header = false;
    for (const GumboNode* row : shape.rows) {
        std::vector<const GumboNode*> row_cells = cells_of(row);
        cells += row_cells.size();
        max_columns = std::max(max_columns, row_cells.size());
        for (const GumboNode* cell : row_cells) {
            if (tag_of(cell) == GUMBO_TAG_TH) header = true;
            if (is_heavy_cell(cell)) return true;
        }
    }
    if (cells <= 1) return true;
    if (max_columns == 1 && !header) return true;
    return false;
}

bool is_caption_element(const GumboNode* node) {
    return tag_of(node) == GUMBO_TAG_FIGCAPTION || has_class(node, "wp-caption-text") ||
           has_class(node, "gallery-caption");
}

bool is_figure_container(const GumboNode* node) {
    GumboTag tag = tag_of(node);
    if (tag == GUMBO_TAG_FIGURE) return true;
    return (tag == GUMBO_TAG_DIV || tag == GUMBO_TAG_DL || tag == GUMBO_TAG_SPAN) &&
           (has_class(node, "wp-caption") || has_class(node, "wp-caption-dd"));
}

// Site logos: images inside a link to the site's front page.
bool links_to_front_page(const std::string& url) {
    std::string path = url::path_and_query(url);
    return path == "/" || path == "/index.html" || path == "/index.htm" || path == "/index.php";
}

}  // namespace

struct DocumentBuilder::Sink {
    std::vector<doc::Block>* out = nullptr;
    int depth = 1;  // depth in the document of the blocks written to `out`
    SinkMode mode = SinkMode::blocks;
    std::vector<doc::Span> spans;
    bool pending_space = false;
    std::vector<doc::Block> deferred;  // blocks met where only inline content fits
    std::vector<std::string> anchors;  // ids of inline elements inside the paragraph in `spans`
};

DocumentBuilder::DocumentBuilder(ConvertOptions options) : options_(std::move(options)) {}

void DocumentBuilder::append_children(const GumboNode* node) {
    Sink sink;
    sink.out = &document_.blocks;
    walk_children(node, sink, Inline{}, 0);
    flush(sink);
}

void DocumentBuilder::append_node(const GumboNode* node) {
    Sink sink;
    sink.out = &document_.blocks;
    walk(node, sink, Inline{}, 0);
    flush(sink);
}

void DocumentBuilder::append_block(doc::Block block) {
    if (!has_budget() || blocks_ >= kMaxBlocks) return;
    ++blocks_;
    take_anchors(block);
    document_.blocks.push_back(std::move(block));
}

std::optional<std::string> DocumentBuilder::resolve_link(std::string_view href) const {
    size_t begin = 0, end = href.size();
    while (begin < end && static_cast<unsigned char>(href[begin]) <= 0x20) ++begin;
    while (end > begin && static_cast<unsigned char>(href[end - 1]) <= 0x20) --end;
    href = href.substr(begin, end - begin);
    if (href.empty() || href == "#" || href.size() > 8192) return std::nullopt;
    std::string resolved = url::resolve(options_.base_url, href);
    if (resolved.empty()) {
        if (!url::parse(href)) return std::nullopt;
        resolved = std::string(href);
    }
    std::string scheme = lower_scheme(resolved);
    if (scheme != "http" && scheme != "https" && scheme != "mailto" && scheme != "ftp" && scheme != "tel") {
        return std::nullopt;
    }
    return resolved;
}

int32_t DocumentBuilder::link(std::string_view href) {
    if (document_.links.size() >= kMaxLinks) return -1;
    std::optional<std::string> resolved = resolve_link(href);
    if (!resolved) return -1;
    auto found = link_index_.find(*resolved);
    if (found != link_index_.end()) return found->second;
    if (document_.links.size() >= kMaxLinks) return -1;
    auto index = static_cast<int32_t>(document_.links.size());
    doc::Link entry;
    entry.url = *resolved;
    document_.links.push_back(std::move(entry));
    link_index_.emplace(std::move(*resolved), index);
    return index;
}

int32_t DocumentBuilder::image(const GumboNode* img) {
    if (document_.images.size() >= kMaxImages) return -1;
    const uint32_t width = pixel_size(attribute(img, "width"));
    const uint32_t height = pixel_size(attribute(img, "height"));
    if ((width && width <= 2) || (height && height <= 2) || (width && height && width <= 24 && height <= 24)) return -1;
    std::string_view src = attribute(img, "src");
    for (const char* lazy : {"data-src", "data-lazy-src", "data-original"}) {
        if (!src.empty() && src.substr(0, 5) != "data:") break;
        src = attribute(img, lazy);
    }
    std::optional<std::string> resolved = resolve_link(src);
    if (!resolved) return -1;
    std::string scheme = lower_scheme(*resolved);
    if (scheme != "http" && scheme != "https") return -1;

    std::string file = ascii_lower(url::path_and_query(*resolved));
    file = file.substr(file.rfind('/') + 1);
    for (std::string_view spacer : {"spacer", "blank.gif", "pixel.gif", "transparent.gif", "clear.gif", "1x1.", "shim.gif"}) {
        if (file.find(spacer) != std::string::npos) return -1;
    }
    const GumboNode* anchor = find_ancestor(img, [](const GumboNode* up) { return tag_of(up) == GUMBO_TAG_A; });
    if (anchor) {
        std::optional<std::string> target = resolve_link(attribute(anchor, "href"));
        if (target && links_to_front_page(*target)) return -1;
    }

    auto found = image_index_.find(*resolved);
    if (found != image_index_.end()) return found->second;
    if (document_.images.size() >= kMaxImages) return -1;
    auto index = static_cast<int32_t>(document_.images.size());
    doc::Image entry;
    entry.url = *resolved;
    entry.alt = collapse_whitespace(attribute(img, "alt"));
    if (entry.alt.size() > 1000) {
        size_t cut = 1000;
        while (cut > 0 && (static_cast<unsigned char>(entry.alt[cut]) & 0xC0) == 0x80) --cut;
        entry.alt.resize(cut);
    }
    entry.width = width;
    entry.height = height;
    document_.images.push_back(std::move(entry));
    image_index_.emplace(std::move(*resolved), index);
    return index;
}

bool DocumentBuilder::is_skipped(const GumboNode* node) const {
    return options_.skip && options_.skip->count(node) > 0;
}

bool DocumentBuilder::is_read_more(const GumboNode* node) const {
    if (!options_.wordpress) return false;
    std::string text = ascii_lower(collapsed_text(node, 200));
    std::string words;
    for (char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            words += c;
        } else if (!words.empty() && words.back() != ' ') {
            words += ' ';
        }
    }
    while (!words.empty() && words.back() == ' ') words.pop_back();
    return words == "read more" || words == "more" || words.rfind("continue reading", 0) == 0 ||
           words == "read the rest of this entry" || words == "read full article";
}

// ---- the walk ----

void DocumentBuilder::walk_children(const GumboNode* node, Sink& sink, Inline ctx, int depth) {
    const GumboVector* children = children_of(node);
    for (unsigned i = 0; children && i < children->length && has_budget(); ++i) {
        walk(static_cast<const GumboNode*>(children->data[i]), sink, ctx, depth + 1);
    }
}

void DocumentBuilder::walk(const GumboNode* node, Sink& sink, Inline ctx, int depth) {
    if (!has_budget()) return;
    switch (node->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA:
            add_text(sink, node->v.text.text, ctx);
            return;
        case GUMBO_NODE_ELEMENT:
            break;
        default:
            return;  // comments, templates
    }
    if (is_never_content(node) || is_furniture(node) || is_skipped(node)) return;
    if (depth > kMaxWalkDepth) {
        flatten(node, sink, ctx);
        return;
    }
    note_anchors(node, sink);
    const GumboTag tag = node->v.element.tag;
    switch (tag) {
        case GUMBO_TAG_BR:
            line_break(sink);
            return;
        case GUMBO_TAG_WBR:
            return;
        case GUMBO_TAG_HR:
            if (sink.mode == SinkMode::blocks) {
                doc::Block rule;
                rule.kind = doc::BlockKind::rule;
                add_block(sink, std::move(rule));
            } else {
                flush(sink);
            }
            return;
        case GUMBO_TAG_IMG:
        case GUMBO_TAG_IMAGE:
            image_block(node, sink);
            return;
        case GUMBO_TAG_A:
            anchor(node, sink, ctx, depth);
            return;
        case GUMBO_TAG_B:
        case GUMBO_TAG_STRONG:
            ctx.style |= doc::kBold;
            break;
        case GUMBO_TAG_I:
        case GUMBO_TAG_EM:
        case GUMBO_TAG_CITE:
        case GUMBO_TAG_VAR:
        case GUMBO_TAG_DFN:
            ctx.style |= doc::kItalic;
            break;
        case GUMBO_TAG_CODE:
        case GUMBO_TAG_KBD:
        case GUMBO_TAG_TT:
        case GUMBO_TAG_SAMP:
            ctx.style |= doc::kCode;
            break;
        case GUMBO_TAG_SUP:
            ctx.style = static_cast<uint8_t>((ctx.style | doc::kSuperscript) & ~doc::kSubscript);
            break;
        case GUMBO_TAG_SUB:
            ctx.style = static_cast<uint8_t>((ctx.style | doc::kSubscript) & ~doc::kSuperscript);
            break;
        case GUMBO_TAG_H1: heading(node, sink, ctx, depth, 1); return;
        case GUMBO_TAG_H2: heading(node, sink, ctx, depth, 2); return;
        case GUMBO_TAG_H3: heading(node, sink, ctx, depth, 3); return;
        case GUMBO_TAG_H4: heading(node, sink, ctx, depth, 4); return;
        case GUMBO_TAG_H5: heading(node, sink, ctx, depth, 5); return;
        case GUMBO_TAG_H6: heading(node, sink, ctx, depth, 6); return;
        case GUMBO_TAG_UL:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_MENU:
        case GUMBO_TAG_DIR:
            list(node, sink, ctx, depth);
            return;
        case GUMBO_TAG_BLOCKQUOTE:
            quote(node, sink, ctx, depth);
            return;
        case GUMBO_TAG_PRE:
        case GUMBO_TAG_LISTING:
        case GUMBO_TAG_XMP:
        case GUMBO_TAG_PLAINTEXT:
            preformatted(node, sink, ctx, depth);
            return;
        case GUMBO_TAG_TABLE:
            table(node, sink, ctx, depth);
            return;
        case GUMBO_TAG_DT:
            ctx.style |= doc::kBold;
            block_container(node, sink, ctx, depth);
            return;
        case GUMBO_TAG_P:
            paragraph(node, sink, ctx, depth);
            return;
        default:
            if (is_figure_container(node)) {
                figure(node, sink, ctx, depth);
                return;
            }
            if (is_block_tag(tag)) {
                block_container(node, sink, ctx, depth);
                return;
            }
            break;
    }
    walk_children(node, sink, ctx, depth);
}

// Past the depth bound: the subtree's text, iteratively, as inline content.
void DocumentBuilder::flatten(const GumboNode* node, Sink& sink, Inline ctx) {
    for_each_node(node, [&](const GumboNode* n) {
        if (!has_budget()) return false;
        if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
            add_text(sink, n->v.text.text, ctx);
            return false;
        }
        if (n->type != GUMBO_NODE_ELEMENT) return false;
        if (is_never_content(n) || is_furniture(n) || is_skipped(n)) return false;
        GumboTag tag = tag_of(n);
        if (tag == GUMBO_TAG_BR) {
            line_break(sink);
        } else if (is_block_tag(tag)) {
            sink.pending_space = sink.pending_space || !sink.spans.empty();
        }
        return true;
    });
}

void DocumentBuilder::block_container(const GumboNode* node, Sink& sink, Inline ctx, int depth) {
    flush(sink);
    walk_children(node, sink, ctx, depth);
    flush(sink);
}

void DocumentBuilder::paragraph(const GumboNode* node, Sink& sink, Inline ctx, int depth) {
    flush(sink);
    const size_t before = sink.out ? sink.out->size() : 0;
    walk_children(node, sink, ctx, depth);
    flush(sink);
    if (options_.bold_paragraph_headings && sink.mode == SinkMode::blocks && sink.depth == 1 && sink.out &&
        sink.out->size() == before + 1 && sink.out->back().kind == doc::BlockKind::paragraph) {
        promote_to_heading(sink.out->back());
    }
}

void DocumentBuilder::promote_to_heading(doc::Block& block) const {
    size_t chars = 0;
    for (const doc::Span& span : block.spans) {
        if (span.kind != doc::SpanKind::text || !(span.style & doc::kBold) || span.link >= 0) return;
        for (char c : span.text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }
    if (chars < 2 || chars > 120) return;
    const char last = block.spans.back().text.back();
    if (last == '.' || last == ',' || last == ';') return;
    block.kind = doc::BlockKind::heading;
    block.level = static_cast<uint8_t>(std::min(6, last_heading_level_ + 1));
    for (doc::Span& span : block.spans) span.style = static_cast<uint8_t>(span.style & ~doc::kBold);
}

void DocumentBuilder::heading(const GumboNode* node, Sink& sink, Inline ctx, int depth, int level) {
    if (sink.mode != SinkMode::blocks) {
        block_container(node, sink, ctx, depth);
        return;
    }
    flush(sink);
    Sink inner;
    inner.depth = sink.depth;
    inner.mode = SinkMode::inline_only;
    walk_children(node, inner, ctx, depth);
    doc::Block block;
    block.kind = doc::BlockKind::heading;
    block.level = static_cast<uint8_t>(level);
    block.spans = finish_spans(inner);
    if (!block.spans.empty()) {
        if (sink.depth == 1) last_heading_level_ = level;
        add_block(sink, std::move(block));
    }
    for (doc::Block& deferred : inner.deferred) add_block(sink, std::move(deferred));
}

void DocumentBuilder::list(const GumboNode* node, Sink& sink, Inline ctx, int depth) {
    if (sink.mode != SinkMode::blocks || sink.depth + 2 > kMaxBlockDepth) {
        block_container(node, sink, ctx, depth);
        return;
    }
    flush(sink);
    if (!has_budget() || blocks_ >= kMaxBlocks) return;
    ++blocks_;
    doc::Block list;
    list.kind = doc::BlockKind::list;
    list.ordered = tag_of(node) == GUMBO_TAG_OL;
    if (list.ordered) list.start = integer_attribute(node, "start", 1, -1000000000, 1000000000);
    const GumboVector* children = children_of(node);
    for (unsigned i = 0; children && i < children->length && has_budget(); ++i) {
        const auto* child = static_cast<const GumboNode*>(children->data[i]);
        if (child->type == GUMBO_NODE_WHITESPACE || child->type == GUMBO_NODE_COMMENT) continue;
        if (is_element(child) && (is_never_content(child) || is_furniture(child) || is_skipped(child))) continue;
        doc::Block item;
        item.kind = doc::BlockKind::list_item;
        const bool is_item = tag_of(child) == GUMBO_TAG_LI;
        // Stray content (a nested list right inside <ul>) belongs to the item before it.
        const bool append_to_last = !is_item && !list.children.empty();
        Sink inner;
        inner.out = append_to_last ? &list.children.back().children : &item.children;
        inner.depth = sink.depth + 2;
        if (is_item) {
            note_anchors(child, inner);
            walk_children(child, inner, ctx, depth + 1);
        } else {
            walk(child, inner, ctx, depth + 1);
        }
        flush(inner);
        if (!append_to_last && !item.children.empty() && blocks_ < kMaxBlocks) {
            ++blocks_;
            list.children.push_back(std::move(item));
        }
    }
    if (!list.children.empty()) attach_block(sink, std::move(list));
}

void DocumentBuilder::quote(const GumboNode* node, Sink& sink, Inline ctx, int depth) {
    if (sink.mode != SinkMode::blocks || sink.depth + 1 > kMaxBlockDepth) {
        block_container(node, sink, ctx, depth);
        return;
    }
    flush(sink);
    if (!has_budget() || blocks_ >= kMaxBlocks) return;
    ++blocks_;
    doc::Block quote;
    quote.kind = doc::BlockKind::quote;
    Sink inner;
    inner.out = &quote.children;
    inner.depth = sink.depth + 1;
    walk_children(node, inner, ctx, depth);
    flush(inner);
    if (!quote.children.empty()) attach_block(sink, std::move(quote));
}

void DocumentBuilder::preformatted(const GumboNode* node, Sink& sink, Inline ctx, int depth) {
    if (sink.mode != SinkMode::blocks) {
        block_container(node, sink, ctx, depth);
        return;
    }
    flush(sink);
    Sink inner;
    inner.depth = sink.depth;
    inner.mode = SinkMode::preformatted;
    walk_children(node, inner, ctx, depth);
    doc::Block block;
    block.kind = doc::BlockKind::preformatted;
    block.spans = finish_spans(inner);
    if (!block.spans.empty()) add_block(sink, std::move(block));
    for (doc::Block& deferred : inner.deferred) add_block(sink, std::move(deferred));
}

void DocumentBuilder::table(const GumboNode* node, Sink& sink, Inline ctx, int depth) {
    const TableShape shape = shape_of(node);
    if (sink.mode != SinkMode::blocks || sink.depth + 3 > kMaxBlockDepth || is_layout_table(node, shape)) {
        // A layout table: its cells' content, in reading order.
        flush(sink);
        if (shape.caption) walk(shape.caption, sink, ctx, depth + 1);
        for (const GumboNode* row : shape.rows) {
            if (!has_budget()) break;
            if (is_furniture(row) || is_skipped(row)) continue;
            note_anchors(row, sink);
            for (const GumboNode* cell : cells_of(row)) {
                if (is_furniture(cell) || is_skipped(cell) || is_never_content(cell)) continue;
                flush(sink);
                note_anchors(cell, sink);
                walk_children(cell, sink, ctx, depth + 2);
                flush(sink);
            }
        }
        return;
    }
    flush(sink);
    if (shape.caption && !is_furniture(shape.caption)) {
        Inline caption_ctx = ctx;
        caption_ctx.style |= doc::kBold;
        block_container(shape.caption, sink, caption_ctx, depth + 1);
    }
    if (!has_budget() || blocks_ >= kMaxBlocks) return;
    ++blocks_;
    doc::Block table;
    table.kind = doc::BlockKind::table;
    bool any_content = false;
    for (const GumboNode* row : shape.rows) {
        if (!has_budget() || blocks_ >= kMaxBlocks) break;
        if (is_furniture(row) || is_skipped(row)) continue;
        doc::Block table_row;
        table_row.kind = doc::BlockKind::table_row;
        note_anchors(row, sink);
        for (const GumboNode* cell : cells_of(row)) {
            if (is_furniture(cell) || is_skipped(cell) || blocks_ >= kMaxBlocks) continue;
            doc::Block table_cell;
            table_cell.kind = doc::BlockKind::table_cell;
            table_cell.header = tag_of(cell) == GUMBO_TAG_TH;
            table_cell.colspan = static_cast<uint16_t>(integer_attribute(cell, "colspan", 1, 1, 1000));
            table_cell.rowspan = static_cast<uint16_t>(integer_attribute(cell, "rowspan", 1, 1, 65534));
            if (table_cell.rowspan == 0) table_cell.rowspan = 1;
            Sink inner;
            inner.out = &table_cell.children;
            inner.depth = sink.depth + 3;
            note_anchors(cell, inner);
            walk_children(cell, inner, ctx, depth + 2);
            flush(inner);
            any_content = any_content || !table_cell.children.empty();
            ++blocks_;
            table_row.children.push_back(std::move(table_cell));
        }
        if (!table_row.children.empty()) {
            ++blocks_;
            table.children.push_back(std::move(table_row));
        }
    }
    if (any_content) attach_block(sink, std::move(table));
}

void DocumentBuilder::figure(const GumboNode* node, Sink& sink, Inline ctx, int depth) {
    const GumboNode* caption = nullptr;
    std::vector<const GumboNode*> images;
    bool complex = false;
    for_each_node(node, [&](const GumboNode* n) {
        if (complex) return false;
        if (n == node) return true;
        if (n->type == GUMBO_NODE_TEXT) {
            // Text outside the caption makes this more than a captioned image.
            complex = is_visible(n->v.text.text);
            return false;
        }
        if (!is_element(n) || is_never_content(n) || is_furniture(n) || is_skipped(n)) return false;
        GumboTag tag = tag_of(n);
        if (is_caption_element(n)) {
            if (!caption) caption = n;
            return false;
        }
        if (tag == GUMBO_TAG_IMG || tag == GUMBO_TAG_IMAGE) {
            images.push_back(n);
            return false;
        }
        if (is_figure_container(n) || tag == GUMBO_TAG_TABLE || tag == GUMBO_TAG_BLOCKQUOTE || tag == GUMBO_TAG_PRE ||
            tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL || tag == GUMBO_TAG_DL || is_heading_tag(tag)) {
            complex = true;
            return false;
        }
        return true;
    });
    if (complex || images.empty() || sink.mode != SinkMode::blocks) {
        block_container(node, sink, ctx, depth);
        return;
    }
    std::vector<doc::Span> caption_spans;
    std::vector<doc::Block> caption_deferred;
    if (caption) {
        Sink inner;
        inner.depth = sink.depth;
        inner.mode = SinkMode::inline_only;
        walk_children(caption, inner, ctx, depth + 1);
        caption_spans = finish_spans(inner);
        caption_deferred = std::move(inner.deferred);
    }
    std::vector<doc::Block> figures;
    for (const GumboNode* img : images) {
        int32_t index = image(img);
        if (index < 0) continue;
        doc::Block block;
        block.kind = doc::BlockKind::figure;
        block.image = index;
        figures.push_back(std::move(block));
    }
    if (figures.empty()) {
        if (!caption_spans.empty()) {
            doc::Block paragraph;
            paragraph.spans = std::move(caption_spans);
            add_block(sink, std::move(paragraph));
        }
    } else {
        figures.back().spans = std::move(caption_spans);
        for (doc::Block& block : figures) add_block(sink, std::move(block));
    }
    for (doc::Block& block : caption_deferred) add_block(sink, std::move(block));
}

void DocumentBuilder::image_block(const GumboNode* node, Sink& sink) {
    int32_t index = image(node);
    if (index < 0) return;
    doc::Block block;
    block.kind = doc::BlockKind::figure;
    block.image = index;
    add_block(sink, std::move(block));
}

void DocumentBuilder::anchor(const GumboNode* node, Sink& sink, Inline ctx, int depth) {
    if (is_read_more(node)) return;
    if (has_attribute(node, "href")) ctx.link = link(attribute(node, "href"));
    walk_children(node, sink, ctx, depth);
}

// ---- spans ----

void DocumentBuilder::add_text(Sink& sink, std::string_view text, Inline ctx) {
    if (sink.mode == SinkMode::preformatted) {
        append_span_text(sink, text, ctx);
        return;
    }
    std::string piece;
    for (char c : text) {
        if (is_ascii_space(c)) {
            sink.pending_space = true;
            continue;
        }
        if (sink.pending_space) {
            if (!piece.empty()) {
                piece += ' ';
            } else if (!sink.spans.empty() && sink.spans.back().kind == doc::SpanKind::text) {
                doc::Span& last = sink.spans.back();
                // The space goes to the plainer side: not under a link's
                // underline, not raised, lowered or in code type.
                auto oddness = [](uint8_t style, int32_t link) {
                    return (link >= 0 ? 2 : 0) + ((style & (doc::kSuperscript | doc::kSubscript | doc::kCode)) ? 1 : 0);
                };
                if (oddness(last.style, last.link) <= oddness(ctx.style, ctx.link)) {
                    last.text += ' ';
                    ++text_bytes_;
                } else {
                    piece += ' ';
                }
            }
            sink.pending_space = false;
        }
        piece += c;
    }
    if (!piece.empty()) append_span_text(sink, piece, ctx);
}

void DocumentBuilder::append_span_text(Sink& sink, std::string_view text, Inline ctx) {
    if (text.empty() || !has_budget()) return;
    if (text_bytes_ + text.size() > kMaxTextBytes) {
        // Keep what fits, cut at a character boundary, and stop.
        size_t fits = kMaxTextBytes - text_bytes_;
        while (fits > 0 && fits < text.size() && (static_cast<unsigned char>(text[fits]) & 0xC0) == 0x80) --fits;
        text = text.substr(0, fits);
        truncated_ = true;
        if (text.empty()) return;
    }
    text_bytes_ += text.size();
    if (!sink.spans.empty()) {
        doc::Span& last = sink.spans.back();
        if (last.kind == doc::SpanKind::text && last.style == ctx.style && last.link == ctx.link) {
            last.text += text;
            return;
        }
    }
    doc::Span span;
    span.text = std::string(text);
    span.style = ctx.style;
    span.link = ctx.link;
    sink.spans.push_back(std::move(span));
}

void DocumentBuilder::line_break(Sink& sink) {
    sink.pending_space = false;
    if (sink.mode == SinkMode::preformatted) {
        doc::Span span;
        span.kind = doc::SpanKind::line_break;
        sink.spans.push_back(std::move(span));
        return;
    }
    if (sink.spans.empty()) return;
    if (sink.spans.back().kind == doc::SpanKind::line_break) {
        // Two breaks in a row separate paragraphs in hand-made pages.
        sink.spans.pop_back();
        flush(sink);
        return;
    }
    doc::Span span;
    span.kind = doc::SpanKind::line_break;
    sink.spans.push_back(std::move(span));
}

std::vector<doc::Span> DocumentBuilder::finish_spans(Sink& sink) {
    std::vector<doc::Span> spans = std::move(sink.spans);
    sink.spans.clear();
    sink.pending_space = false;
    bool visible = false;
    for (const doc::Span& span : spans) {
        if (span.kind == doc::SpanKind::text && is_visible(span.text)) {
            visible = true;
            break;
        }
    }
    if (!visible) return {};
    if (sink.mode == SinkMode::preformatted) return spans;
    while (!spans.empty() && spans.back().kind == doc::SpanKind::line_break) spans.pop_back();
    size_t first = 0;
    while (first < spans.size() && spans[first].kind == doc::SpanKind::line_break) ++first;
    spans.erase(spans.begin(), spans.begin() + static_cast<long>(first));
    if (!spans.empty() && spans.back().kind == doc::SpanKind::text) {
        std::string& text = spans.back().text;
        while (!text.empty() && text.back() == ' ') text.pop_back();
        if (text.empty()) spans.pop_back();
    }
    if (!spans.empty() && spans.front().kind == doc::SpanKind::text) {
        std::string& text = spans.front().text;
        size_t lead = 0;
        while (lead < text.size() && text[lead] == ' ') ++lead;
        text.erase(0, lead);
        if (text.empty()) spans.erase(spans.begin());
    }
    // Trimming may leave a break at an edge again.
    while (!spans.empty() && spans.back().kind == doc::SpanKind::line_break) spans.pop_back();
    return spans;
}

void DocumentBuilder::flush(Sink& sink) {
    if (sink.mode != SinkMode::blocks) {
        if (sink.mode == SinkMode::inline_only && !sink.spans.empty()) sink.pending_space = true;
        return;
    }
    std::vector<doc::Span> spans = finish_spans(sink);
    if (spans.empty() || !sink.out) {
        // No paragraph to hold them: they name whatever comes next.
        for (std::string& anchor : sink.anchors) pending_anchors_.push_back(std::move(anchor));
        sink.anchors.clear();
        return;
    }
    if (blocks_ >= kMaxBlocks) {  // text cut at the budget still makes its paragraph
        truncated_ = true;
        return;
    }
    ++blocks_;
    doc::Block paragraph;
    paragraph.kind = doc::BlockKind::paragraph;
    paragraph.spans = std::move(spans);
    take_anchors(paragraph, &sink.anchors);
    sink.out->push_back(std::move(paragraph));
}

// Where a link "page#name" lands: an element's id (any element) and an <a>'s
// name. A block-level element's ids name the next block made (the paragraph
// in progress is finished first, so text before <h2 id=x> does not take x);
// an inline element's ids name the paragraph it sits in.
void DocumentBuilder::note_anchors(const GumboNode* node, Sink& sink) {
    const std::string_view id = attribute(node, "id");
    const std::string_view name = tag_of(node) == GUMBO_TAG_A ? attribute(node, "name") : std::string_view();
    if (id.empty() && name.empty()) return;
    const bool block_level = is_block_tag(tag_of(node)) || is_figure_container(node);
    if (block_level) flush(sink);
    const bool in_paragraph = !block_level && sink.mode == SinkMode::blocks && !sink.spans.empty();
    std::vector<std::string>& into = in_paragraph ? sink.anchors : pending_anchors_;
    for (std::string_view anchor : {id, name}) {
        if (anchor.empty() || anchor.size() > doc::kMaxAnchorBytes || anchors_ >= kMaxAnchors) continue;
        if (std::find(into.begin(), into.end(), anchor) != into.end()) continue;
        ++anchors_;
        into.emplace_back(anchor);
    }
}

// Gives `block` the pending anchors (and `first`'s before them: the
// paragraph's own), at most doc::kMaxAnchorsPerBlock.
void DocumentBuilder::take_anchors(doc::Block& block, std::vector<std::string>* first) {
    for (std::vector<std::string>* from : {&pending_anchors_, first}) {
        if (from == nullptr) continue;
        for (std::string& anchor : *from) {
            if (block.anchors.size() >= doc::kMaxAnchorsPerBlock) break;
            if (std::find(block.anchors.begin(), block.anchors.end(), anchor) != block.anchors.end()) continue;
            block.anchors.push_back(std::move(anchor));
        }
        from->clear();
    }
}

// A list, quote or table whose content was counted as it was built: kept
// even when the budget ran out inside it, so a long table is cut, not lost.
void DocumentBuilder::attach_block(Sink& sink, doc::Block block) {
    if (sink.mode != SinkMode::blocks) {
        sink.deferred.push_back(std::move(block));
        return;
    }
    flush(sink);
    if (!sink.out) return;
    take_anchors(block);
    sink.out->push_back(std::move(block));
}

void DocumentBuilder::add_block(Sink& sink, doc::Block block) {
    if (sink.mode != SinkMode::blocks) {
        sink.deferred.push_back(std::move(block));
        return;
    }
    flush(sink);
    if (!sink.out) return;
    if (!has_budget() || blocks_ >= kMaxBlocks) {
        truncated_ = true;
        return;
    }
    ++blocks_;
    take_anchors(block);
    sink.out->push_back(std::move(block));
}

}  // namespace sitepack::build::detail
