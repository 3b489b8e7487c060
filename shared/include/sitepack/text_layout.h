// text_layout.h: the reader's page layout, independent of any UI toolkit.
//
// layout_document turns a doc::Document into positioned pieces for one
// column width: text runs (a piece of one line in one face, size and colour
// role), decorations (list markers, quote bars, rules, table borders and
// header backgrounds, images, preformatted backgrounds), heading anchors for
// a table of contents and link hit areas. The reader draws them with Dear
// ImGui (natively and in WebAssembly); tests draw nothing and look at the
// numbers. The code has no platform or ImGui dependency and throws nothing.
//
// Text is measured through FontMetrics, which the UI implements with its
// fonts; whole words are measured at once, never glyph by glyph. Lines break
// where text_width.h allows (spaces; between CJK characters; never before
// closing or after opening punctuation; never at a non-breaking space) across
// spans of different styles, so one line may mix bold, italic, code and link
// runs. A word wider than the line (a long URL) is cut the way
// text::split_long_word cuts it, measured in pixels.
//
// Coordinates are pixels: x from the left edge of the column, y from the top
// of the page, growing downwards. A run's (x, y) is the top-left corner of
// its glyph box, as ImDrawList::AddText expects; runs of one line share a
// baseline.
//
// A Layout owns copies of every string it shows, so it stays valid after the
// Document is gone; the UI caches one per (document, width, zoom) and asks
// visible_range for what intersects the viewport (O(log n + visible)).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sitepack/document.h"

namespace sitepack::layout {

// ---------------------------------------------------------------------------
// Fonts

enum class FontFace : uint8_t { regular = 0, bold = 1, italic = 2, bold_italic = 3, monospace = 4 };

// Text measurement, implemented by the UI with its fonts (ImFont::CalcTextSizeA
// and the font's Ascent/FontSize scaled to `size`) and by tests with a fake.
// `utf8` is valid UTF-8 without newlines: a word, a run of spaces or a whole
// run. All results are in pixels for a font drawn `size` pixels high.
class FontMetrics {
public:
    virtual ~FontMetrics() = default;
    // Horizontal advance of the text.
    virtual float advance(std::string_view utf8, FontFace face, float size) const = 0;
    // Height of one line of the font without extra spacing (ImGui: the font size).
    virtual float line_height(FontFace face, float size) const = 0;
    // Distance from the top of the line to the baseline.
    virtual float ascent(FontFace face, float size) const = 0;
};

// ---------------------------------------------------------------------------
// Style

// Lengths marked "em" are multiples of em() = base_size * zoom, so zooming
// scales text and spacing together; hairlines are pixels times zoom.
struct LayoutStyle {
    float base_size = 16.0f;  // body text size in pixels at zoom 1
    float zoom = 1.0f;        // scales everything (text, spacing, images)
    std::array<float, 6> heading_scale{{2.0f, 1.6f, 1.35f, 1.15f, 1.0f, 0.9f}};  // h1..h6 size / base
    float code_scale = 0.9f;     // inline code and preformatted text
    float caption_scale = 0.9f;  // figure captions and image alt text
    float script_scale = 0.75f;  // superscript and subscript
    float line_spacing = 1.35f;  // line box height = FontMetrics::line_height * line_spacing

    float paragraph_spacing = 0.75f;      // em, between blocks
    float heading_spacing_above = 1.1f;   // em, before a heading
    float heading_spacing_below = 0.4f;   // em, after a heading
    float tight_spacing = 0.3f;           // em, between list items and between blocks in items and cells
    float list_indent = 1.75f;            // em per list level (wider when a number needs it)
    float list_marker_gap = 0.5f;         // em between a marker and its item's text
    float quote_indent = 1.25f;           // em
    float quote_bar_width = 0.2f;         // em
    float table_cell_padding = 0.4f;      // em
    float table_border_width = 1.0f;      // pixels at zoom 1
    float table_word_cap = 10.0f;         // em: a longer word sizes a column as if this wide (it is cut instead)
    float preformatted_padding = 0.6f;    // em
    float rule_thickness = 1.0f;          // pixels at zoom 1
    float rule_spacing = 0.5f;            // em above and below a rule
    float caption_spacing = 0.4f;         // em between an image and its caption
    float image_placeholder_padding = 0.5f;  // em around the alt text of an image that cannot be shown
    float max_image_width = 0.0f;         // pixels at zoom 1; 0: only the column limits images
    float min_column_width = 4.0f;        // em: deeply indented content never gets narrower than this
    bool underline_links = true;
    bool wrap_preformatted = true;  // cut preformatted lines wider than the column (else they overflow)

    float em() const { return base_size * zoom; }
};

// What colour the UI gives a run or decoration text.
enum class ColorRole : uint8_t { body, heading, link, code, quote, caption, muted };

// ---------------------------------------------------------------------------
// Output

struct Rect {
    float x = 0.0f;
    float y = 0.0f;
    float width = 0.0f;
    float height = 0.0f;
    float right() const { return x + width; }
    float bottom() const { return y + height; }
    bool contains(float px, float py) const { return px >= x && px < x + width && py >= y && py < y + height; }
};

// A piece of one line drawn in one face, size and role.
struct TextRun {
    float x = 0.0f;  // top-left of the glyph box
    float y = 0.0f;
    float width = 0.0f;
    float height = 0.0f;    // FontMetrics::line_height(face, size)
    float baseline = 0.0f;  // y of the line's baseline (superscripts sit above it)
    uint32_t text_offset = 0;  // the text: Layout::text(run)
    uint32_t text_length = 0;
    uint32_t flow = 0;  // index into Layout::flows()
    uint32_t line = 0;  // index into Layout::lines()
    FontFace face = FontFace::regular;
    float size = 0.0f;
    ColorRole role = ColorRole::body;
    int32_t link = -1;  // index into Document::links, or -1
    bool underline = false;
};

// One line of a text flow; lines() is sorted by top.
struct LayoutLine {
    float top = 0.0f;
    float height = 0.0f;
    float baseline = 0.0f;
    uint32_t flow = 0;
    uint32_t first_run = 0;  // runs()[first_run, first_run + run_count), left to right
    uint32_t run_count = 0;
    float bottom() const { return top + height; }
};

enum class DecorationKind : uint8_t {
    list_marker,              // text (bullet or number), drawn like a run
    quote_bar,                // filled rectangle left of a quote
    rule,                     // filled rectangle: a horizontal rule
    table_border,             // filled rectangle: one edge of a table cell
    table_header_background,  // filled rectangle: the inside of a header cell
    image,                    // Document::images[image], or a horizontal slice of it (uv_top..uv_bottom)
    image_placeholder,        // filled rectangle behind the alt text of an image that cannot be shown
    preformatted_background,  // filled rectangle behind preformatted text
};

// Every decoration is a filled rectangle, an image slice or a marker text.
// Decorations taller than 1024 px are cut into horizontal slices (an image
// slice carries its part of the texture in uv_top..uv_bottom), so drawing
// each one as it is draws the whole. Draw decorations before runs.
struct Decoration {
    DecorationKind kind = DecorationKind::rule;
    Rect rect;
    // list_marker: the text (Layout::text(decoration)), its face, size and role; rect is its glyph box.
    uint32_t text_offset = 0;
    uint32_t text_length = 0;
    FontFace face = FontFace::regular;
    float size = 0.0f;
    ColorRole role = ColorRole::body;
    // image: which image, and which part of it this slice shows (0 = top, 1 = bottom).
    int32_t image = -1;
    float uv_top = 0.0f;
    float uv_bottom = 1.0f;
};

// A heading, for the table of contents, in document order.
struct HeadingAnchor {
    int level = 1;     // 1..6
    float y = 0.0f;    // top of the heading's first line
    uint32_t flow = 0;
    uint32_t text_offset = 0;  // the heading's text on one line: Layout::text(anchor)
    uint32_t text_length = 0;
};

// Where a click opens a link: one rectangle per line a link's text occupies.
struct LinkArea {
    int32_t link = -1;
    Rect rect;
};

// A text flow: the inline text of one block (a paragraph, a heading, a list
// item's or table cell's own text, a caption, preformatted text) or the alt
// text shown for an image. Its text is the spans' text as displayed (tabs of
// preformatted text expanded, line breaks as "\n", control characters
// dropped, bad UTF-8 replaced); find-in-page searches it.
struct TextFlow {
    uint32_t block = 0;  // the block's number in a pre-order walk of Document::blocks (0 = first top-level block)
    doc::BlockKind kind = doc::BlockKind::paragraph;
    bool alt_text = false;  // the alt text of a figure's image, shown instead of the image
    uint32_t text_offset = 0;
    uint32_t text_length = 0;
};

// A place in the text: byte `offset` into flow `flow`'s text.
struct TextPosition {
    uint32_t flow = 0;
    uint32_t block = 0;  // flows()[flow].block, for convenience
    uint32_t offset = 0;
};

// One occurrence of a find-in-page query: flow text [begin, end) and the
// rectangles it covers, one per line, top to bottom.
struct TextMatch {
    uint32_t flow = 0;
    uint32_t block = 0;
    uint32_t begin = 0;
    uint32_t end = 0;
    std::vector<Rect> rects;
};

// The bundle's faces a page's text is drawn with, as the layout picks them
// (style bits; headings and header cells bold; CJK characters from the CJK
// face of the same weight; code from the machine's monospace face, so no
// Latin face). A reader loads these before showing the page, and the builder
// lists their pages among those read first.
struct FacesUsed {
    bool latin[4] = {};  // indexed by FontFace: regular, bold, italic, bold-italic
    bool cjk_regular = false, cjk_bold = false;
    // The used faces' names in a bundle's fonts table: "regular", "bold",
    // "italic", "bold-italic", "cjk-regular", "cjk-bold", in that order.
    std::vector<std::string> names() const;
};
// For `page` under a header whose `title` is drawn bold and `meta` (date and
// author) plain; a picture that is not shown says its alt text in italic.
FacesUsed faces_used(const doc::Document& page, std::string_view title, std::string_view meta);

// What intersects a vertical band of the page, in drawing order.
struct VisibleItems {
    std::vector<const TextRun*> runs;
    std::vector<const Decoration*> decorations;
};

namespace detail {
class LayoutBuilder;
}

class Layout {
public:
    float width() const { return width_; }                  // the column width it was made for
    float height() const { return height_; }                // total height of the page
    float content_width() const { return content_width_; }  // rightmost edge drawn (> width() only if something overflows)

    const std::vector<TextRun>& runs() const { return runs_; }
    const std::vector<LayoutLine>& lines() const { return lines_; }
    const std::vector<Decoration>& decorations() const { return decorations_; }
    const std::vector<HeadingAnchor>& headings() const { return headings_; }
    const std::vector<LinkArea>& link_areas() const { return link_areas_; }
    const std::vector<TextFlow>& flows() const { return flows_; }

    std::string_view text(const TextRun& run) const { return slice(run.text_offset, run.text_length); }
    std::string_view text(const Decoration& decoration) const {
        return slice(decoration.text_offset, decoration.text_length);
    }
    std::string_view text(const HeadingAnchor& anchor) const { return slice(anchor.text_offset, anchor.text_length); }
    std::string_view text(const TextFlow& flow) const { return slice(flow.text_offset, flow.text_length); }

    // Runs and decorations intersecting the band y0 <= y < y1, in O(log n + k).
    // The second form reuses `out`'s storage (call it every frame).
    VisibleItems visible_range(float y0, float y1) const;
    void visible_range(float y0, float y1, VisibleItems& out) const;

    // The link under a point, or -1.
    int32_t link_at(float x, float y) const;

    // The text position nearest a point on a line (nullopt between lines).
    std::optional<TextPosition> position_at(float x, float y, const FontMetrics& metrics) const;

    // Rectangles covering flow text [begin, end), one per line it spans.
    std::vector<Rect> range_rects(uint32_t flow, uint32_t begin, uint32_t end, const FontMetrics& metrics) const;

    // Every occurrence of `query` (ASCII letters match case-insensitively,
    // other characters exactly), in document order, not overlapping. Matches
    // may cross style changes; they do not cross flows. Empty query: none.
    std::vector<TextMatch> find_matches(std::string_view query, const FontMetrics& metrics) const;

    // The y where block number `block` (pre-order, as TextFlow::block) starts:
    // the top of its first line or decoration, spacing above it excluded. A
    // block the layout does not show (nested too deep, a table cell that did
    // not fit the grid) gets the top of the nearest shown block before it.
    // nullopt if the document has no such block.
    std::optional<float> block_top(uint32_t block) const;

    // The y of the block `fragment` names (doc::block_of_anchor) in this
    // layout of `document`; nullopt if no block carries that anchor (the
    // reader then shows the top of the page).
    std::optional<float> anchor_y(const doc::Document& document, std::string_view fragment) const;

private:
    friend class detail::LayoutBuilder;
    std::string_view slice(uint32_t offset, uint32_t length) const {
        return std::string_view(text_).substr(offset, length);
    }
    // Runs of one flow in text order: flow_runs_[flow_run_begin_[f] .. flow_run_begin_[f + 1]).
    const uint32_t* flow_runs_begin(uint32_t flow) const;
    const uint32_t* flow_runs_end(uint32_t flow) const;

    float width_ = 0.0f;
    float height_ = 0.0f;
    float content_width_ = 0.0f;
    std::string text_;
    std::vector<TextRun> runs_;
    std::vector<LayoutLine> lines_;
    std::vector<Decoration> decorations_;
    std::vector<HeadingAnchor> headings_;
    std::vector<LinkArea> link_areas_;
    std::vector<TextFlow> flows_;
    std::vector<uint32_t> flow_run_begin_;
    std::vector<uint32_t> flow_runs_;
    std::vector<float> block_tops_;  // by pre-order block number; negative: not shown
    // Upper bounds of item heights, so a band query can binary-search on top.
    float max_line_height_ = 0.0f;
    float max_decoration_height_ = 0.0f;
    float max_link_height_ = 0.0f;
};

// Pixel size of an image at zoom 1; zero when unknown.
struct ImageSize {
    float width = 0.0f;
    float height = 0.0f;
    bool known() const { return width > 0.0f && height > 0.0f; }
};

// Image index (into Document::images) -> its size, or {} when the UI cannot
// show it (not in the bundle, not decodable). Without a lookup the sizes
// declared in the document are used for images that are in the bundle.
using ImageSizeLookup = std::function<ImageSize(int32_t image_index)>;

// Lays out the document for a column `width` pixels wide (at least 1).
Layout layout_document(const doc::Document& document, float width, const FontMetrics& metrics,
                       const LayoutStyle& style = LayoutStyle(), const ImageSizeLookup& image_size = nullptr);

}  // namespace sitepack::layout
