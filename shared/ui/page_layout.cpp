// page_layout.cpp: block and inline layout of a document (see page_layout.h).
//
// Typesetting choices, in units of the body size (ImGui sizes a font by its
// ascent + descent, about 1.36 typographic ems for Noto Sans, so 1.2 here is a
// line height of about 1.65 em): paragraphs 0.7 apart; headings bold,
// 1.6/1.35/1.18/1.06 times the body, with more space above than below so
// they bind to their text; lists indented 1.6 with hanging
// markers; quotes indented behind a thin bar; code on a tinted band.
// Lines break at the opportunities of text::line_break_segments (spaces,
// between CJK characters), greedily, ragged right.
#include "page_layout.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "sitepack/text_width.h"

namespace sitepack::ui {
namespace {

// [SECTION] Measuring

float measure(const LayoutFonts& fonts, int face, float size, const char* begin, const char* end) {
    if (begin == end) return 0.0f;
    ImFont* font = fonts.faces[face] ? fonts.faces[face] : fonts.faces[0];
    return font->CalcTextSizeA(size, FLT_MAX, 0.0f, begin, end).x;
}

// [SECTION] Inline layout

struct InlineStyle {
    float size = 18.0f;
    float line_height = 28.0f;
    uint8_t extra_style = 0;      // style bits added to every span (headings: bold)
    TextRole role = TextRole::body;
    bool center = false;
};

struct Piece {
    std::string text;            // the unbreakable part
    std::string spaces;          // trailing spaces, shown only if the line continues
    int face = 0;
    float size = 0;
    float y_shift = 0;           // superscript / subscript
    TextRole role = TextRole::body;
    int32_t link = -1;
    bool glued = false;          // no break allowed before this piece
    bool forced_break = false;   // a line ends after this piece
    float width = 0, space_width = 0;
};

TextRole role_for_link(const doc::Document& document, int32_t link, TextRole base) {
    if (link < 0 || link >= static_cast<int32_t>(document.links.size())) return base;
    switch (document.links[link].target) {
    case doc::LinkTarget::internal: return TextRole::link_internal;
    case doc::LinkTarget::missing: return TextRole::link_missing;
    case doc::LinkTarget::image: return TextRole::link_image;
    default: return TextRole::link_external;
    }
}

char32_t last_code_point(const std::string& text) {
    if (text.empty()) return 0;
    size_t i = text.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
    return text::decode_utf8(text, i).code_point;
}

class Layouter {
public:
    Layouter(const doc::Document& document, const LayoutFonts& fonts, PageLayout& out)
        : document_(document), fonts_(fonts), out_(out), em_(fonts.body_size) {}

    void header(const PageHeader& header, float width);
    void blocks(const std::vector<doc::Block>& blocks, float x0, float width, int depth);

    float y = 0;

private:
    void block(const doc::Block& block, float x0, float width, int depth);
    void gap(float amount) { pending_gap_ = std::max(pending_gap_, amount); }
    void flush_gap() { y += pending_gap_; pending_gap_ = 0; }
    void inline_spans(const std::vector<doc::Span>& spans, float x0, float width, const InlineStyle& style);
    std::vector<Piece> make_pieces(const std::vector<doc::Span>& spans, const InlineStyle& style);
    void place_lines(std::vector<Piece>& pieces, float x0, float width, const InlineStyle& style);
    void preformatted(const doc::Block& block, float x0, float width);
    void table(const doc::Block& block, float x0, float width, int depth);
    void figure(const doc::Block& block, float x0, float width);

    const doc::Document& document_;
    const LayoutFonts& fonts_;
    PageLayout& out_;
    float em_;
    float pending_gap_ = 0;
    bool in_quote_ = false;
};

std::vector<Piece> Layouter::make_pieces(const std::vector<doc::Span>& spans, const InlineStyle& style) {
    std::vector<Piece> pieces;
    for (const doc::Span& span : spans) {
        if (span.kind == doc::SpanKind::line_break) {
            if (!pieces.empty()) pieces.back().forced_break = true;
            else pieces.push_back(Piece{"", "", 0, style.size, 0, style.role, -1, false, true});
            continue;
        }
        const uint8_t bits = span.style | style.extra_style;
        Piece model;
        model.face = (bits & doc::kCode) ? kFaceMono : ((bits & doc::kBold) ? 1 : 0) + ((bits & doc::kItalic) ? 2 : 0);
        model.size = style.size * ((bits & doc::kCode) ? 0.9f : 1.0f);
        if (bits & (doc::kSuperscript | doc::kSubscript)) {
            model.size = style.size * 0.72f;
            model.y_shift = (bits & doc::kSuperscript) ? -0.12f * style.size : 0.38f * style.size;
        }
        model.role = role_for_link(document_, span.link, (bits & doc::kCode) ? TextRole::code : style.role);
        model.link = span.link;
        bool first = true;
        for (const text::LineBreakSegment& segment : text::line_break_segments(span.text)) {
            Piece piece = model;
            piece.text = span.text.substr(segment.begin, segment.end - segment.begin);
            piece.spaces = span.text.substr(segment.end, segment.space_end - segment.end);
            for (char& c : piece.spaces) if (c == '\t' || c == '\r') c = ' ';
            piece.forced_break = segment.forced_break;
            if (piece.text.empty()) {
                // Spaces alone: they belong to the previous piece's tail.
                if (!pieces.empty() && !pieces.back().forced_break && !piece.spaces.empty()) {
                    pieces.back().spaces += " ";
                    pieces.back().forced_break = piece.forced_break;
                } else if (piece.forced_break && !pieces.empty()) {
                    pieces.back().forced_break = true;
                }
                first = false;
                continue;
            }
            if (first && !pieces.empty()) {
                const Piece& previous = pieces.back();
                piece.glued = previous.spaces.empty() && !previous.forced_break &&
                              !text::can_break_between(last_code_point(previous.text),
                                                       text::decode_utf8(piece.text, 0).code_point);
            }
            first = false;
            pieces.push_back(std::move(piece));
        }
    }
    for (Piece& piece : pieces) {
        piece.width = measure(fonts_, piece.face, piece.size, piece.text.data(), piece.text.data() + piece.text.size());
        piece.space_width = measure(fonts_, piece.face, piece.size, piece.spaces.data(), piece.spaces.data() + piece.spaces.size());
    }
    return pieces;
}

void Layouter::place_lines(std::vector<Piece>& pieces, float x0, float width, const InlineStyle& style) {
    if (pieces.empty()) return;
    size_t line_first_run = out_.runs.size();
    float cursor = 0;           // x of the end of the last placed text on this line
    float pending_space = 0;    // trailing space width of the last placed piece
    bool line_empty = true;

    auto end_line = [&]() {
        LaidLine line;
        line.top = y;
        line.bottom = y + style.line_height;
        line.first_run = static_cast<uint32_t>(line_first_run);
        line.end_run = static_cast<uint32_t>(out_.runs.size());
        if (style.center) {
            const float shift = std::max(0.0f, (width - cursor) * 0.5f);
            for (size_t i = line_first_run; i < out_.runs.size(); ++i) out_.runs[i].x += shift;
        }
        out_.lines.push_back(line);
        y += style.line_height;
        line_first_run = out_.runs.size();
        cursor = 0; pending_space = 0; line_empty = true;
    };
    auto place = [&](const Piece& piece, const std::string& text, float text_width) {
        const float x = cursor + (line_empty ? 0 : pending_space);
        const float top = y + (style.line_height - piece.size) * 0.5f + piece.y_shift;
        LaidRun* previous = out_.runs.size() > line_first_run ? &out_.runs.back() : nullptr;
        if (previous && previous->face == piece.face && previous->size == piece.size && previous->link == piece.link &&
            previous->role == piece.role && previous->y == top) {
            // Same look: extend the run (with the space between) so it is drawn as one string.
            if (!line_empty && pending_space > 0) previous->text += " ";
            previous->text += text;
        } else {
            LaidRun run;
            run.x = x0 + x; run.y = top; run.width = text_width; run.size = piece.size;
            run.face = static_cast<uint8_t>(piece.face); run.role = piece.role; run.link = piece.link;
            run.text = text;
            // Runs store absolute x; width is measured from run.x.
            out_.runs.push_back(std::move(run));
            previous = &out_.runs.back();
        }
        previous->width = (x0 + x + text_width) - previous->x;
        cursor = x + text_width;
        line_empty = false;
    };

    size_t i = 0;
    while (i < pieces.size()) {
        // A word: this piece and the pieces glued after it.
        size_t word_end = i + 1;
        float word_width = pieces[i].width;
        while (word_end < pieces.size() && pieces[word_end].glued && !pieces[word_end - 1].forced_break) {
            word_width += pieces[word_end].width;
            ++word_end;
        }
        if (!line_empty && cursor + pending_space + word_width > width) end_line();
        for (size_t k = i; k < word_end; ++k) {
            Piece& piece = pieces[k];
            if (piece.text.empty()) { if (piece.forced_break) end_line(); continue; }
            if (cursor + (line_empty ? 0 : pending_space) + piece.width <= width || (line_empty && piece.width <= width)) {
                place(piece, piece.text, piece.width);
            } else {
                // Wider than the line (a long URL): cut between characters.
                size_t start = 0;
                while (start < piece.text.size()) {
                    size_t end = start;
                    float fitted = 0;
                    const float room = width - cursor - (line_empty ? 0 : pending_space);
                    while (end < piece.text.size()) {
                        const size_t next = end + text::decode_utf8(piece.text, end).length;
                        const float w = measure(fonts_, piece.face, piece.size, piece.text.data() + start, piece.text.data() + next);
                        if (w > room && end > start) break;
                        if (w > room && !line_empty) break;
                        fitted = w; end = next;
                    }
                    if (end == start) { end_line(); continue; }
                    place(piece, piece.text.substr(start, end - start), fitted);
                    start = end;
                    if (start < piece.text.size()) end_line();
                }
            }
            pending_space = piece.space_width;
            if (piece.forced_break) end_line();
        }
        i = word_end;
    }
    if (!line_empty) end_line();
}

void Layouter::inline_spans(const std::vector<doc::Span>& spans, float x0, float width, const InlineStyle& style) {
    std::vector<Piece> pieces = make_pieces(spans, style);
    place_lines(pieces, x0, width, style);
}

// [SECTION] Blocks

void Layouter::header(const PageHeader& header, float width) {
    if (!header.title.empty()) {
        InlineStyle style;
        style.size = std::round(em_ * 1.85f);
        style.line_height = std::round(style.size * 1.1f);
        style.extra_style = doc::kBold;
        style.role = TextRole::title;
        doc::Span span; span.text = header.title;
        inline_spans({span}, 0, width, style);
        out_.headings.push_back({header.title, 1, 0});
    }
    if (!header.meta.empty()) {
        y += em_ * 0.35f;
        InlineStyle style;
        style.size = std::round(em_ * 0.82f);
        style.line_height = std::round(style.size * 1.3f);
        style.role = TextRole::meta;
        doc::Span span; span.text = header.meta;
        inline_spans({span}, 0, width, style);
    }
    if (!header.title.empty() || !header.meta.empty()) {
        y += em_ * 0.7f;
        out_.boxes.push_back({BoxKind::rule, 0, y, width, y + 1.0f, -1});
        gap(em_ * 1.1f);
    }
}

void Layouter::blocks(const std::vector<doc::Block>& blocks, float x0, float width, int depth) {
    if (depth > doc::kMaxDepth) return;
    for (const doc::Block& child : blocks) block(child, x0, width, depth + 1);
}

void Layouter::block(const doc::Block& block, float x0, float width, int depth) {
    width = std::max(width, em_ * 4.0f);
    switch (block.kind) {
    case doc::BlockKind::paragraph: {
        if (block.spans.empty()) return;
        flush_gap();
        InlineStyle style;
        style.size = em_; style.line_height = std::round(em_ * 1.22f);
        style.role = in_quote_ ? TextRole::quote : TextRole::body;
        if (in_quote_) style.extra_style = doc::kItalic;
        inline_spans(block.spans, x0, width, style);
        gap(em_ * 0.7f);
        break;
    }
    case doc::BlockKind::heading: {
        static const float kScale[7] = {1.0f, 1.6f, 1.35f, 1.18f, 1.06f, 1.0f, 0.95f};
        const int level = std::clamp<int>(block.level, 1, 6);
        gap(em_ * (level <= 2 ? 1.25f : 1.0f));
        flush_gap();
        InlineStyle style;
        style.size = em_ * kScale[level];
        style.line_height = std::round(style.size * 1.12f);
        style.extra_style = doc::kBold;
        style.role = TextRole::heading;
        std::string text;
        for (const doc::Span& span : block.spans) text += span.text;
        out_.headings.push_back({text, level + 1, y});
        inline_spans(block.spans, x0, width, style);
        gap(em_ * 0.4f);
        break;
    }
    case doc::BlockKind::list: {
        flush_gap();
        const float indent = em_ * 1.6f;
        int number = block.start;
        for (const doc::Block& item : block.children) {
            flush_gap();
            const std::string marker = block.ordered ? std::to_string(number++) + "." : "\xE2\x80\xA2";
            const size_t line_before = out_.lines.size();
            const float item_top = y;
            if (item.kind == doc::BlockKind::list_item) blocks(item.children, x0 + indent, width - indent, depth);
            else this->block(item, x0 + indent, width - indent, depth + 1);
            // Hang the marker on the item's first line, right-aligned before the text.
            float line_top = item_top, line_height = std::round(em_ * 1.22f);
            if (out_.lines.size() > line_before) { line_top = out_.lines[line_before].top; line_height = out_.lines[line_before].bottom - line_top; }
            LaidRun run;
            run.size = em_; run.face = 0; run.role = TextRole::marker; run.text = marker;
            run.width = measure(fonts_, 0, em_, marker.data(), marker.data() + marker.size());
            run.x = x0 + indent - run.width - em_ * 0.45f;
            run.y = line_top + (line_height - em_) * 0.5f;
            if (out_.lines.size() > line_before) {
                // Insert into the first line's runs so it is drawn with that line.
                LaidLine& line = out_.lines[line_before];
                out_.runs.insert(out_.runs.begin() + line.end_run, run);
                line.end_run++;
                for (size_t k = line_before + 1; k < out_.lines.size(); ++k) { out_.lines[k].first_run++; out_.lines[k].end_run++; }
            }
            pending_gap_ = 0;
            gap(em_ * 0.25f);
        }
        pending_gap_ = 0;
        gap(em_ * 0.7f);
        break;
    }
    case doc::BlockKind::list_item:
        blocks(block.children, x0, width, depth);
        break;
    case doc::BlockKind::quote: {
        gap(em_ * 0.9f);
        flush_gap();
        const float top = y;
        const bool was_in_quote = in_quote_;
        in_quote_ = true;
        blocks(block.children, x0 + em_ * 1.3f, width - em_ * 1.3f, depth);
        in_quote_ = was_in_quote;
        pending_gap_ = 0;
        out_.boxes.push_back({BoxKind::quote_bar, x0 + em_ * 0.2f, top + em_ * 0.2f, x0 + em_ * 0.2f + 3.0f, y - em_ * 0.2f, -1});
        gap(em_ * 1.0f);
        break;
    }
    case doc::BlockKind::preformatted:
        flush_gap();
        preformatted(block, x0, width);
        gap(em_ * 0.9f);
        break;
    case doc::BlockKind::table:
        flush_gap();
        table(block, x0, width, depth);
        gap(em_ * 1.0f);
        break;
    case doc::BlockKind::table_row:
    case doc::BlockKind::table_cell:
        blocks(block.children, x0, width, depth);
        break;
    case doc::BlockKind::figure:
        gap(em_ * 0.9f);
        flush_gap();
        figure(block, x0, width);
        gap(em_ * 1.1f);
        break;
    case doc::BlockKind::rule:
        gap(em_ * 1.0f);
        flush_gap();
        out_.boxes.push_back({BoxKind::rule, x0 + width * 0.35f, y, x0 + width * 0.65f, y + 1.0f, -1});
        y += 1.0f;
        gap(em_ * 1.0f);
        break;
    }
}

void Layouter::preformatted(const doc::Block& block, float x0, float width) {
    const float pad = em_ * 0.6f;
    const float top = y;
    y += pad;
    InlineStyle style;
    style.size = em_ * 0.85f;
    style.line_height = std::round(style.size * 1.2f);
    style.extra_style = doc::kCode;
    style.role = TextRole::code;
    std::vector<doc::Span> spans = block.spans;
    inline_spans(spans, x0 + pad, width - 2 * pad, style);
    y += pad;
    out_.boxes.push_back({BoxKind::code_background, x0, top, x0 + width, y, -1});
}

void Layouter::table(const doc::Block& block, float x0, float width, int depth) {
    size_t columns = 1;
    for (const doc::Block& row : block.children) {
        size_t count = 0;
        for (const doc::Block& cell : row.children) count += std::max<uint16_t>(cell.colspan, 1);
        columns = std::max(columns, count);
    }
    const float column_width = width / static_cast<float>(columns);
    const float pad = em_ * 0.45f;
    out_.boxes.push_back({BoxKind::table_line, x0, y, x0 + width, y + 1.0f, -1});
    for (const doc::Block& row : block.children) {
        const float row_top = y;
        float row_bottom = y;
        size_t column = 0;
        bool header_row = !row.children.empty();
        for (const doc::Block& cell : row.children) {
            header_row = header_row && cell.header;
            const size_t span = std::max<uint16_t>(cell.colspan, 1);
            y = row_top + pad;
            pending_gap_ = 0;
            const float cell_x = x0 + column * column_width + pad;
            const float cell_width = column_width * span - 2 * pad;
            if (cell.header) {
                // Header cells: their paragraphs in bold.
                doc::Block bold = cell;
                for (doc::Block& child : bold.children)
                    for (doc::Span& s : child.spans) s.style |= doc::kBold;
                blocks(bold.children, cell_x, cell_width, depth);
                for (doc::Span s : cell.spans) { (void)s; }
            } else {
                blocks(cell.children, cell_x, cell_width, depth);
            }
            if (!cell.spans.empty()) {
                InlineStyle style; style.size = em_; style.line_height = std::round(em_ * 1.2f);
                if (cell.header) style.extra_style = doc::kBold;
                inline_spans(cell.spans, cell_x, cell_width, style);
            }
            row_bottom = std::max(row_bottom, y + pad);
            column += span;
        }
        pending_gap_ = 0;
        y = row_bottom;
        if (header_row) out_.boxes.push_back({BoxKind::table_header, x0, row_top, x0 + width, y, -1});
        out_.boxes.push_back({BoxKind::table_line, x0, y, x0 + width, y + 1.0f, -1});
    }
    // Cells were laid out column by column; keep lines in top-to-bottom order
    // so visible_lines can binary-search them.
    std::stable_sort(out_.lines.begin(), out_.lines.end(),
                     [](const LaidLine& a, const LaidLine& b) { return a.top < b.top; });
}

void Layouter::figure(const doc::Block& block, float x0, float width) {
    float image_width = width, image_height = width * 9.0f / 16.0f;
    if (block.image >= 0 && block.image < static_cast<int32_t>(document_.images.size())) {
        const doc::Image& image = document_.images[block.image];
        if (image.width > 0 && image.height > 0) {
            // Never enlarge a small picture: it would blur. Scale with the zoom.
            const float natural = static_cast<float>(image.width) * (em_ / 23.0f);
            image_width = std::min(width, natural);
            image_height = image_width * static_cast<float>(image.height) / static_cast<float>(image.width);
        }
    }
    const float left = x0 + (width - image_width) * 0.5f;
    out_.boxes.push_back({BoxKind::image, left, y, left + image_width, y + image_height, block.image});
    // An empty line over the picture lets visible_lines find it.
    out_.lines.push_back({y, y + image_height, static_cast<uint32_t>(out_.runs.size()), static_cast<uint32_t>(out_.runs.size())});
    y += image_height;
    if (!block.spans.empty()) {
        y += em_ * 0.5f;
        InlineStyle style;
        style.size = std::round(em_ * 0.85f);
        style.line_height = std::round(style.size * 1.2f);
        style.extra_style = doc::kItalic;
        style.role = TextRole::caption;
        style.center = true;
        inline_spans(block.spans, x0, width, style);
    }
}

}  // namespace

// [SECTION] Public

PageLayout layout_page(const doc::Document& document, const PageHeader& header, const LayoutFonts& fonts, float width,
                       bool shared_engine) {
    PageLayout layout;
    layout.width = width;
    Layouter layouter(document, fonts, layout);
    layouter.header(header, width);
    if (shared_engine) {
        const float top = layouter.y + (header.title.empty() && header.meta.empty() ? 0.0f : fonts.body_size * 1.1f);
        append_shared_layout(document, fonts, width, top, layout);
        return layout;
    }
    layouter.blocks(document.blocks, 0, width, 0);
    layout.height = layouter.y + fonts.body_size * 2.0f;
    return layout;
}

std::pair<size_t, size_t> visible_lines(const PageLayout& layout, float top, float bottom) {
    auto first = std::lower_bound(layout.lines.begin(), layout.lines.end(), top,
                                  [](const LaidLine& line, float value) { return line.bottom < value; });
    auto end = first;
    while (end != layout.lines.end() && end->top < bottom) ++end;
    return {static_cast<size_t>(first - layout.lines.begin()), static_cast<size_t>(end - layout.lines.begin())};
}

const LaidRun* run_at(const PageLayout& layout, ImVec2 point) {
    auto [first, end] = visible_lines(layout, point.y, point.y + 1.0f);
    for (size_t i = first; i < end; ++i) {
        const LaidLine& line = layout.lines[i];
        for (uint32_t r = line.first_run; r < line.end_run; ++r) {
            const LaidRun& run = layout.runs[r];
            if (point.x >= run.x && point.x < run.x + run.width && point.y >= line.top && point.y < line.bottom) return &run;
        }
    }
    return nullptr;
}

}  // namespace sitepack::ui
