// layout_adapter.cpp: the reading view's layout from the shared layout
// engine (sitepack/text_layout.h), converted to the drawing list the view
// uses (page_layout.h).
//
// The page's own header (title, date line, rule) is set by page_layout.cpp's
// header code; the body comes from layout::layout_document, shifted below
// it. The style is tuned for ImGui's font sizes, which measure ascent +
// descent (about 1.36 typographic ems for Noto Sans): a line spacing of
// 1.22 is about 1.65 em.
#include <algorithm>
#include <cfloat>

#include "page_layout.h"
#include "sitepack/text_layout.h"

namespace sitepack::ui {
namespace {

class ImGuiFontMetrics : public layout::FontMetrics {
public:
    explicit ImGuiFontMetrics(const LayoutFonts& fonts) : fonts_(fonts) {}
    float advance(std::string_view utf8, layout::FontFace face, float size) const override {
        if (utf8.empty()) return 0.0f;
        return font(face)->CalcTextSizeA(size, FLT_MAX, 0.0f, utf8.data(), utf8.data() + utf8.size()).x;
    }
    float line_height(layout::FontFace, float size) const override { return size; }
    float ascent(layout::FontFace face, float size) const override { return font(face)->GetFontBaked(size)->Ascent; }

private:
    ImFont* font(layout::FontFace face) const {
        ImFont* chosen = fonts_.faces[static_cast<int>(face)];
        return chosen ? chosen : fonts_.faces[0];
    }
    const LayoutFonts& fonts_;
};

TextRole role_of(const layout::TextRun& run, const doc::Document& document) {
    if (run.link >= 0 && run.link < static_cast<int32_t>(document.links.size())) {
        switch (document.links[run.link].target) {
        case doc::LinkTarget::internal: return TextRole::link_internal;
        case doc::LinkTarget::missing: return TextRole::link_missing;
        case doc::LinkTarget::image: return TextRole::link_image;
        default: return TextRole::link_external;
        }
    }
    switch (run.role) {
    case layout::ColorRole::heading: return TextRole::heading;
    case layout::ColorRole::code: return TextRole::code;
    case layout::ColorRole::quote: return TextRole::quote;
    case layout::ColorRole::caption: return TextRole::caption;
    case layout::ColorRole::muted: return TextRole::meta;
    default: return TextRole::body;
    }
}

}  // namespace

layout::LayoutStyle reading_style(float body_size) {
    layout::LayoutStyle style;
    style.base_size = body_size;
    style.zoom = 1.0f;
    style.heading_scale = {{1.6f, 1.35f, 1.18f, 1.06f, 1.0f, 0.95f}};
    style.line_spacing = 1.22f;
    style.paragraph_spacing = 0.7f;
    style.heading_spacing_above = 1.1f;
    style.heading_spacing_below = 0.35f;
    style.tight_spacing = 0.25f;
    style.list_indent = 1.5f;
    style.quote_indent = 1.2f;
    style.quote_bar_width = 0.12f;
    style.code_scale = 0.88f;
    style.caption_scale = 0.85f;
    return style;
}

void append_shared_layout(const doc::Document& document, const LayoutFonts& fonts, float width, float top,
                          PageLayout& out) {
    const ImGuiFontMetrics metrics(fonts);
    const layout::Layout body = layout::layout_document(document, width, metrics, reading_style(fonts.body_size));
    const uint32_t run_base = static_cast<uint32_t>(out.runs.size());
    for (const layout::TextRun& run : body.runs()) {
        LaidRun laid;
        laid.x = run.x; laid.y = run.y + top; laid.width = run.width; laid.size = run.size;
        laid.face = static_cast<uint8_t>(run.face);
        laid.role = role_of(run, document);
        laid.link = run.link;
        laid.text = std::string(body.text(run));
        out.runs.push_back(std::move(laid));
    }
    for (const layout::LayoutLine& line : body.lines())
        out.lines.push_back({line.top + top, line.bottom() + top, run_base + line.first_run, run_base + line.first_run + line.run_count});
    for (const layout::Decoration& decoration : body.decorations()) {
        const layout::Rect& r = decoration.rect;
        LaidBox box;
        box.x0 = r.x; box.y0 = r.y + top; box.x1 = r.right(); box.y1 = r.bottom() + top;
        switch (decoration.kind) {
        case layout::DecorationKind::list_marker: {
            // A marker is text: its own one-run line, drawn with the others.
            LaidRun marker;
            marker.x = r.x; marker.y = r.y + top; marker.width = r.width; marker.size = decoration.size;
            marker.face = static_cast<uint8_t>(decoration.face);
            marker.role = TextRole::marker;
            marker.text = std::string(body.text(decoration));
            out.lines.push_back({r.y + top, r.bottom() + top, static_cast<uint32_t>(out.runs.size()), static_cast<uint32_t>(out.runs.size() + 1)});
            out.runs.push_back(std::move(marker));
            continue;
        }
        case layout::DecorationKind::quote_bar: box.kind = BoxKind::quote_bar; break;
        case layout::DecorationKind::rule: box.kind = BoxKind::filled; break;
        case layout::DecorationKind::table_border: box.kind = BoxKind::filled; break;
        case layout::DecorationKind::table_header_background: box.kind = BoxKind::table_header; break;
        case layout::DecorationKind::image:
            box.kind = BoxKind::image; box.image = decoration.image;
            box.uv_top = decoration.uv_top; box.uv_bottom = decoration.uv_bottom;
            // An empty line over the picture, so the visible band finds it.
            out.lines.push_back({box.y0, box.y1, static_cast<uint32_t>(out.runs.size()), static_cast<uint32_t>(out.runs.size())});
            break;
        case layout::DecorationKind::image_placeholder: box.kind = BoxKind::code_background; break;
        case layout::DecorationKind::preformatted_background: box.kind = BoxKind::code_background; break;
        }
        out.boxes.push_back(box);
    }
    std::stable_sort(out.lines.begin(), out.lines.end(), [](const LaidLine& a, const LaidLine& b) { return a.top < b.top; });
    for (const layout::HeadingAnchor& anchor : body.headings())
        out.headings.push_back({std::string(body.text(anchor)), anchor.level + 1, anchor.y + top});
    out.block_tops.clear();
    for (uint32_t block = 0;; ++block) {
        const std::optional<float> block_top = body.block_top(block);
        if (!block_top) break;
        out.block_tops.push_back(*block_top + top);
    }
    out.height = top + body.height() + fonts.body_size * 2.0f;
}

}  // namespace sitepack::ui
