// page_layout.h: a page's document set as positioned text for one column width.
//
// Stands in for sitepack/text_layout.h (written in parallel) so the reading
// view works now. The layout is pure arithmetic over font metrics: it knows
// ImFont only to measure text, draws nothing, and is recomputed when the
// column width or the zoom changes. Coordinates are in pixels relative to
// the column's top-left corner.
#pragma once

#include <cstdint>
#include <string>
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
};

// `shared_engine`: the body laid out by sitepack/text_layout.h (the
// project's layout engine, layout_adapter.cpp); else by this file's own
// simpler layout, kept as a fallback.
PageLayout layout_page(const doc::Document& document, const PageHeader& header,
                       const LayoutFonts& fonts, float width, bool shared_engine = true);

// layout_adapter.cpp: appends the shared engine's layout of `document`, `top` pixels down.
void append_shared_layout(const doc::Document& document, const LayoutFonts& fonts, float width, float top,
                          PageLayout& out);

// Lines [first, end) that intersect the band [top, bottom).
std::pair<size_t, size_t> visible_lines(const PageLayout& layout, float top, float bottom);

// The run under a point, or nullptr.
const LaidRun* run_at(const PageLayout& layout, ImVec2 point);

}  // namespace sitepack::ui
