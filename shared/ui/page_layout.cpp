// page_layout.cpp: the page's header (title, date line, rule) set here; the
// body by the shared engine (layout_adapter.cpp).
//
// The title is 1.85 times the body size, bold, on lines of 1.1; the date
// line smaller and muted; a hairline rule closes the header. (ImGui sizes a
// font by ascent + descent, about 1.36 typographic ems for Noto Sans.)
// Lines break at the opportunities of text::line_break_segments, greedily.
#include "page_layout.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "sitepack/search_text.h"
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

    float y = 0;

private:
    void inline_spans(const std::vector<doc::Span>& spans, float x0, float width, const InlineStyle& style);
    std::vector<Piece> make_pieces(const std::vector<doc::Span>& spans, const InlineStyle& style);
    void place_lines(std::vector<Piece>& pieces, float x0, float width, const InlineStyle& style);

    const doc::Document& document_;
    const LayoutFonts& fonts_;
    PageLayout& out_;
    float em_;
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
        y += 1.0f;
    }
}

}  // namespace

// [SECTION] Public

PageLayout layout_page(const doc::Document& document, const PageHeader& header, const LayoutFonts& fonts, float width) {
    PageLayout layout;
    layout.width = width;
    Layouter layouter(document, fonts, layout);
    layouter.header(header, width);
    const float top = layouter.y + (header.title.empty() && header.meta.empty() ? 0.0f : fonts.body_size * 1.1f);
    append_shared_layout(document, fonts, width, top, layout);
    return layout;
}

std::optional<float> anchor_top(const PageLayout& layout, const doc::Document& document, std::string_view fragment) {
    const std::optional<uint32_t> block = doc::block_of_anchor(document, fragment);
    if (!block || *block >= layout.block_tops.size()) return std::nullopt;
    return layout.block_tops[*block];
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

// [SECTION] Selecting text with the mouse

namespace {

ImFont* face_of(const LaidRun& run, const LayoutFonts& fonts) {
    ImFont* face = run.face < 5 ? fonts.faces[run.face] : nullptr;
    return face ? face : fonts.faces[0];
}

float prefix_width(const LaidRun& run, ImFont* face, uint32_t end) {
    if (!face || end == 0) return 0.0f;
    return face->CalcTextSizeA(run.size, FLT_MAX, 0, run.text.data(), run.text.data() + end).x;
}

bool has_text(const LaidLine& line) { return line.end_run > line.first_run; }

// The byte where the character before `offset` starts (0 at the start).
uint32_t previous_boundary(const std::string& text, uint32_t offset) {
    if (offset == 0) return 0;
    uint32_t at = offset - 1;
    while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
    return at;
}

char32_t code_point_at(const std::string& text, uint32_t offset) {
    return offset < text.size() ? text::decode_utf8(text, offset).code_point : 0;
}

// Letters and digits of any script, apostrophes inside words: what a
// double-click takes as one word. CJK characters are words of their own.
bool is_word_character(char32_t c) {
    if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    if (c == 0x2019) return true;  // ’ in "don’t"
    return c >= 0xC0 && !search::is_cjk(c) && !(c >= 0x2000 && c <= 0x206F) && !(c >= 0x3000 && c <= 0x303F) &&
           !(c >= 0xFF00 && c <= 0xFF0F);
}

}  // namespace

std::pair<uint32_t, uint32_t> selected_bytes(const PageLayout& layout, uint32_t line, uint32_t run,
                                             TextPosition from, TextPosition to) {
    const uint32_t size = static_cast<uint32_t>(layout.runs[run].text.size());
    const TextPosition start{line, run, 0}, stop{line, run, size};
    if (stop < from || to < start) return {0, 0};
    const uint32_t begin = (line == from.line && run == from.run) ? std::min(from.offset, size) : 0;
    const uint32_t end = (line == to.line && run == to.run) ? std::min(to.offset, size) : size;
    return begin < end ? std::make_pair(begin, end) : std::make_pair(0u, 0u);
}

std::pair<float, float> run_span_x(const LaidRun& run, const LayoutFonts& fonts, uint32_t begin, uint32_t end) {
    ImFont* face = face_of(run, fonts);
    const uint32_t size = static_cast<uint32_t>(run.text.size());
    return {prefix_width(run, face, std::min(begin, size)), prefix_width(run, face, std::min(end, size))};
}

std::optional<TextPosition> text_position_at(const PageLayout& layout, const LayoutFonts& fonts, ImVec2 point) {
    // The text line at that height; in a table row, the cell's line left of
    // the point. In a gap between lines, the line below; past the ends, the
    // first or last line.
    std::optional<uint32_t> chosen, below, last;
    for (uint32_t i = 0; i < layout.lines.size(); ++i) {
        const LaidLine& line = layout.lines[i];
        if (!has_text(line)) continue;
        last = i;
        if (!below && line.top > point.y) below = i;
        if (point.y < line.top || point.y >= line.bottom) continue;
        const float x = layout.runs[line.first_run].x;
        if (!chosen) { chosen = i; continue; }
        const float chosen_x = layout.runs[layout.lines[*chosen].first_run].x;
        if ((x <= point.x && (chosen_x > point.x || x > chosen_x)) || (chosen_x > point.x && x < chosen_x)) chosen = i;
    }
    if (!chosen) chosen = below ? below : last;
    if (!chosen) return std::nullopt;
    const LaidLine& line = layout.lines[*chosen];
    TextPosition position;
    position.line = *chosen;
    for (uint32_t r = line.first_run; r < line.end_run; ++r) {
        const LaidRun& run = layout.runs[r];
        if (point.x < run.x) { position.run = r; position.offset = 0; return position; }
        if (point.x >= run.x + run.width) continue;
        ImFont* face = face_of(run, fonts);
        position.run = r;
        float before = 0.0f;
        for (uint32_t at = 0; at < run.text.size();) {
            const uint32_t next = at + std::max<uint32_t>(1, static_cast<uint32_t>(text::decode_utf8(run.text, at).length));
            const float after = prefix_width(run, face, std::min<uint32_t>(next, static_cast<uint32_t>(run.text.size())));
            if (point.x - run.x < (before + after) * 0.5f) { position.offset = at; return position; }
            before = after;
            at = next;
        }
        position.offset = static_cast<uint32_t>(run.text.size());
        return position;
    }
    position.run = line.end_run - 1;
    position.offset = static_cast<uint32_t>(layout.runs[position.run].text.size());
    return position;
}

std::pair<TextPosition, TextPosition> word_around(const PageLayout& layout, TextPosition at) {
    if (at.run >= layout.runs.size()) return {at, at};
    const std::string& text = layout.runs[at.run].text;
    TextPosition begin = at, end = at;
    const char32_t here = code_point_at(text, at.offset);
    if (search::is_cjk(here)) {
        end.offset = at.offset + static_cast<uint32_t>(text::decode_utf8(text, at.offset).length);
        return {begin, end};
    }
    if (!is_word_character(here)) {
        // Just after a word (the pointer past its last letter): that word.
        const uint32_t before = previous_boundary(text, at.offset);
        if (at.offset == 0 || !is_word_character(code_point_at(text, before))) return {at, at};
        begin.offset = end.offset = at.offset;
    }
    while (begin.offset > 0) {
        const uint32_t before = previous_boundary(text, begin.offset);
        if (!is_word_character(code_point_at(text, before))) break;
        begin.offset = before;
    }
    while (end.offset < text.size() && is_word_character(code_point_at(text, end.offset)))
        end.offset += static_cast<uint32_t>(std::max<size_t>(1, text::decode_utf8(text, end.offset).length));
    return {begin, end};
}

std::string selected_text(const PageLayout& layout, TextPosition from, TextPosition to) {
    if (to < from) std::swap(from, to);
    std::string out;
    const LaidLine* previous_line = nullptr;
    const LaidRun* previous_run = nullptr;
    for (uint32_t i = from.line; i <= to.line && i < layout.lines.size(); ++i) {
        const LaidLine& line = layout.lines[i];
        for (uint32_t r = line.first_run; r < line.end_run; ++r) {
            const LaidRun& run = layout.runs[r];
            if (run.role == TextRole::marker) continue;
            const auto [begin, end] = selected_bytes(layout, i, r, from, to);
            if (begin >= end) continue;
            const std::string piece = run.text.substr(begin, end - begin);
            if (previous_run && !out.empty()) {
                const bool ends_blank = out.back() == ' ' || out.back() == '\n' || out.back() == '\t';
                const bool starts_blank = piece.front() == ' ';
                if (previous_line == &line) {
                    // The same line: a gap wider than a space's fraction is a word break.
                    if (!ends_blank && !starts_blank && run.x - (previous_run->x + previous_run->width) > run.size * 0.15f) out += ' ';
                } else if (line.top < previous_line->bottom - 0.5f && line.top + 0.5f >= previous_line->top) {
                    out += '\t';  // another cell of the same table row
                } else if (line.top - previous_line->bottom > run.size * 0.15f) {
                    while (!out.empty() && out.back() == ' ') out.pop_back();
                    out += '\n';  // a new paragraph, heading or list item
                } else if (!ends_blank && !starts_blank) {
                    // A wrapped line: the break was a space, except between CJK characters.
                    const char32_t last = code_point_at(out, previous_boundary(out, static_cast<uint32_t>(out.size())));
                    const char32_t first = code_point_at(piece, 0);
                    if (!(search::is_cjk(last) && search::is_cjk(first)) && last != 0x2D) out += ' ';
                }
            }
            out += piece;
            previous_line = &line;
            previous_run = &run;
        }
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
    return out;
}

}  // namespace sitepack::ui
