// page_layout.h: a page set as a drawing list for one column width.
//
// What the reading view draws: runs of text, boxes (rules, quote bars, code
// bands, table lines, images), lines for finding the visible band, and
// heading anchors. The body comes from the shared engine
// (sitepack/text_layout.h), the page header (title, date line) from here.
// Pure arithmetic over font metrics: ImFont is used only to measure; it is
// recomputed when the column width or the zoom changes. Coordinates are in
// pixels from the column's top-left corner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imgui.h"
#include "sitepack/document.h"

namespace sitepack::ui {

// Faces by style bits: index = (bold ? 1 : 0) + (italic ? 2 : 0); 4 is mono.
constexpr int kFaceMono = 4;
struct LayoutFonts {
    ImFont* faces[5] = {};
    float body_size = 18.0f;  // pixels, zoom included
};

enum class TextRole : uint8_t {
    body, heading, title, meta, quote, caption, code, marker,
    link_internal, link_missing, link_external, link_image,
};

struct LaidRun {
    float x = 0, y = 0;       // top-left of the text
    float width = 0, size = 0;
    uint8_t face = 0;
    TextRole role = TextRole::body;
    int32_t link = -1;        // index into Document::links
    std::string text;
};

enum class BoxKind : uint8_t { quote_bar, rule, code_background, table_line, table_header, image, filled };
struct LaidBox {
    BoxKind kind = BoxKind::rule;
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    int32_t image = -1;       // image: index into Document::images
    float uv_top = 0, uv_bottom = 1;  // image: the slice of the picture shown
};

struct LaidLine {
    float top = 0, bottom = 0;
    uint32_t first_run = 0, end_run = 0;  // runs [first_run, end_run)
};

struct HeadingAnchor {
    std::string text;
    int level = 1;
    float y = 0;
};

struct PageHeader {
    std::string title;
    std::string meta;         // "21 October 2023 · Author", may be ""
};

struct PageLayout {
    float width = 0, height = 0;
    std::vector<LaidLine> lines;     // in reading order, top to bottom
    std::vector<LaidRun> runs;
    std::vector<LaidBox> boxes;
    std::vector<HeadingAnchor> headings;
    // Top of each body block (pre-order number, as doc::block_of_anchor
    // counts), page header included: where a "#fragment" link lands.
    std::vector<float> block_tops;
};

// The header is set here; the body by sitepack/text_layout.h (the project's
// layout engine), converted by layout_adapter.cpp.
PageLayout layout_page(const doc::Document& document, const PageHeader& header,
                       const LayoutFonts& fonts, float width);

// layout_adapter.cpp: appends the shared engine's layout of `document`, `top` pixels down.
void append_shared_layout(const doc::Document& document, const LayoutFonts& fonts, float width, float top,
                          PageLayout& out);

// The y in `layout` (made from `document`) of the block `fragment` (a URL
// fragment without '#') names; nullopt when no block carries it.
std::optional<float> anchor_top(const PageLayout& layout, const doc::Document& document, std::string_view fragment);

// Lines [first, end) that intersect the band [top, bottom).
std::pair<size_t, size_t> visible_lines(const PageLayout& layout, float top, float bottom);

// The run under a point, or nullptr.
const LaidRun* run_at(const PageLayout& layout, ImVec2 point);

// [SECTION] Selecting text with the mouse

// A place between two characters of the laid-out text: before byte `offset`
// of run `run`, which is drawn on line `line`. Ordered as the text reads:
// by line (top to bottom), then by run and byte within the line.
struct TextPosition {
    uint32_t line = 0, run = 0, offset = 0;
    bool operator==(const TextPosition& other) const {
        return line == other.line && run == other.run && offset == other.offset;
    }
    bool operator!=(const TextPosition& other) const { return !(*this == other); }
    bool operator<(const TextPosition& other) const {
        if (line != other.line) return line < other.line;
        if (run != other.run) return run < other.run;
        return offset < other.offset;
    }
};

// The character boundary nearest to `point` (column coordinates): on the
// text line at that height (the first line when above all text, the last
// when below), before the first character whose middle is right of point.x.
// Lines without text (images) are skipped. nullopt when the page has no text.
std::optional<TextPosition> text_position_at(const PageLayout& layout, const LayoutFonts& fonts, ImVec2 point);

// The word (letters, digits, or one CJK character) around `at`, as the
// positions before and after it; an empty range [at, at] on a space.
std::pair<TextPosition, TextPosition> word_around(const PageLayout& layout, TextPosition at);

// The text between two positions (either order), as a reader would paste
// it: runs of a line joined (a space where the layout left a gap, a tab
// between table cells on one row), wrapped lines joined by a space (none
// between CJK characters), and a line break between paragraphs, headings
// and list items. List markers are left out, as browsers do.
std::string selected_text(const PageLayout& layout, TextPosition from, TextPosition to);

// The bytes [first, second) of run `run` on line `line` that lie between
// `from` and `to` (from <= to); first == second when none do.
std::pair<uint32_t, uint32_t> selected_bytes(const PageLayout& layout, uint32_t line, uint32_t run,
                                             TextPosition from, TextPosition to);

// The pixel span [x0, x1) of bytes [begin, end) of `run`, from the run's left.
std::pair<float, float> run_span_x(const LaidRun& run, const LayoutFonts& fonts, uint32_t begin, uint32_t end);

}  // namespace sitepack::ui
