// Tests of the page layout (text_layout.h) with a fake monospace font: every
// column is 8 px at the base size of 16 px (a CJK character 16 px), a line
// is 20 px high with its baseline 16 px down.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "sitepack/text_layout.h"
#include "sitepack/text_width.h"

using namespace sitepack;
using namespace sitepack::layout;

namespace {

class FakeMetrics : public FontMetrics {
public:
    float advance(std::string_view utf8, FontFace, float size) const override {
        ++calls;
        return static_cast<float>(text::display_width(utf8)) * 8.0f * size / 16.0f;
    }
    float line_height(FontFace, float size) const override { return size * 1.25f; }
    float ascent(FontFace, float size) const override { return size; }
    mutable long calls = 0;
};

constexpr float kColumn = 8.0f;

LayoutStyle test_style() {
    LayoutStyle style;
    style.line_spacing = 1.0f;  // a line is exactly 20 px
    return style;
}

doc::Span span(std::string text, uint8_t style = doc::kPlain, int32_t link = -1) {
    doc::Span result;
    result.text = std::move(text);
    result.style = style;
    result.link = link;
    return result;
}

doc::Span line_break() {
    doc::Span result;
    result.kind = doc::SpanKind::line_break;
    return result;
}

doc::Block paragraph(std::vector<doc::Span> spans) {
    doc::Block block;
    block.kind = doc::BlockKind::paragraph;
    block.spans = std::move(spans);
    return block;
}

doc::Block paragraph(const std::string& text) { return paragraph(std::vector<doc::Span>{span(text)}); }

doc::Block heading(int level, const std::string& text) {
    doc::Block block = paragraph(text);
    block.kind = doc::BlockKind::heading;
    block.level = static_cast<uint8_t>(level);
    return block;
}

doc::Block list(bool ordered, int32_t start, std::vector<doc::Block> items) {
    doc::Block block;
    block.kind = doc::BlockKind::list;
    block.ordered = ordered;
    block.start = start;
    block.children = std::move(items);
    return block;
}

doc::Block item(const std::string& text, std::vector<doc::Block> children = {}) {
    doc::Block block = paragraph(text);
    block.kind = doc::BlockKind::list_item;
    block.children = std::move(children);
    return block;
}

doc::Block cell(const std::string& text, bool header = false) {
    doc::Block block = paragraph(text);
    block.kind = doc::BlockKind::table_cell;
    block.header = header;
    return block;
}

doc::Block row(std::vector<doc::Block> cells) {
    doc::Block block;
    block.kind = doc::BlockKind::table_row;
    block.children = std::move(cells);
    return block;
}

doc::Block table(std::vector<doc::Block> rows) {
    doc::Block block;
    block.kind = doc::BlockKind::table;
    block.children = std::move(rows);
    return block;
}

doc::Document document_of(std::vector<doc::Block> blocks, size_t links = 0) {
    doc::Document document;
    document.blocks = std::move(blocks);
    for (size_t i = 0; i < links; ++i) document.links.push_back(doc::Link{"https://example.org/" + std::to_string(i)});
    return document;
}

// Each line's text (its runs side by side).
std::vector<std::string> line_texts(const Layout& layout) {
    std::vector<std::string> lines;
    for (const LayoutLine& line : layout.lines()) {
        std::string text;
        for (uint32_t r = line.first_run; r < line.first_run + line.run_count; ++r) text += layout.text(layout.runs()[r]);
        lines.push_back(text);
    }
    return lines;
}

const TextRun* run_with_text(const Layout& layout, std::string_view text) {
    for (const TextRun& run : layout.runs()) {
        if (layout.text(run) == text) return &run;
    }
    return nullptr;
}

char32_t first_char(const std::string& line) { return line.empty() ? 0 : text::decode_utf8(line, 0).code_point; }

char32_t last_char(const std::string& line) {
    char32_t last = 0;
    for (size_t offset = 0; offset < line.size();) {
        const text::DecodedChar decoded = text::decode_utf8(line, offset);
        last = decoded.code_point;
        offset += decoded.length;
    }
    return last;
}

std::string without_spaces(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c != ' ') out += c;
    }
    return out;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& line : lines) out += line;
    return out;
}

void check_runs_within(const Layout& layout, float width) {
    for (const TextRun& run : layout.runs()) {
        CHECK(run.x >= 0.0f);
        CHECK(run.x + run.width <= width + 0.01f);
    }
}

}  // namespace

TEST_CASE("layout wraps a paragraph at the width and across bold, italic and link spans keeping each run's face") {
    const FakeMetrics metrics;
    const doc::Document document = document_of(
        {paragraph({span("The quick "), span("brown fox", doc::kBold), span(" jumps over "),
                    span("the lazy", doc::kItalic), span(" dog and "), span("links", doc::kPlain, 0), span(" un"),
                    span("believable", doc::kBold)})},
        1);
    const Layout layout = layout_document(document, 15 * kColumn, metrics, test_style());

    const std::vector<std::string> expected = {"The quick brown", "fox jumps over", "the lazy dog", "and links",
                                               "unbelievable"};
    CHECK(line_texts(layout) == expected);
    check_runs_within(layout, 15 * kColumn);

    const TextRun* brown = run_with_text(layout, "brown");
    REQUIRE(brown != nullptr);
    CHECK(brown->face == FontFace::bold);
    CHECK(brown->x == doctest::Approx(10 * kColumn));
    const TextRun* fox = run_with_text(layout, "fox");
    REQUIRE(fox != nullptr);
    CHECK(fox->face == FontFace::bold);
    CHECK(fox->x == doctest::Approx(0.0f));
    const TextRun* lazy = run_with_text(layout, "the lazy");
    REQUIRE(lazy != nullptr);
    CHECK(lazy->face == FontFace::italic);
    const TextRun* links = run_with_text(layout, "links");
    REQUIRE(links != nullptr);
    CHECK(links->role == ColorRole::link);
    CHECK(links->link == 0);
    CHECK(links->underline);
    CHECK(links->face == FontFace::regular);
    // A word made of two spans stays whole, each part in its own face.
    const TextRun* believable = run_with_text(layout, "believable");
    REQUIRE(believable != nullptr);
    CHECK(believable->face == FontFace::bold);
    CHECK(believable->x == doctest::Approx(2 * kColumn));

    // Lines are 20 px apart and share a baseline per line.
    REQUIRE(layout.lines().size() == 5);
    for (size_t i = 0; i < layout.lines().size(); ++i) {
        CHECK(layout.lines()[i].top == doctest::Approx(20.0f * static_cast<float>(i)));
        CHECK(layout.lines()[i].height == doctest::Approx(20.0f));
    }
    CHECK(layout.height() == doctest::Approx(100.0f));
}

TEST_CASE("layout places each run where the drawn text of the run before it ends") {
    // A font whose widths of separate words do not add up to the width of
    // the words together (each measurement rounded up, like ImGui::CalcTextSize).
    class RoundingMetrics : public FakeMetrics {
    public:
        float advance(std::string_view utf8, FontFace, float size) const override {
            return std::ceil(static_cast<float>(text::display_width(utf8)) * 7.3f * size / 16.0f);
        }
    };
    const RoundingMetrics metrics;
    const doc::Document document = document_of(
        {paragraph({span("several plain words then "), span("some bold words", doc::kBold), span(" and plain again "),
                    span("with a link", doc::kPlain, 0), span(" at the end of a long line of text")})},
        1);
    const float width = 300;
    const Layout layout = layout_document(document, width, metrics, test_style());
    check_runs_within(layout, width);
    int checked = 0;
    for (const LayoutLine& line : layout.lines()) {
        for (uint32_t r = line.first_run; r < line.first_run + line.run_count; ++r) {
            const TextRun& run = layout.runs()[r];
            const float drawn = metrics.advance(layout.text(run), run.face, run.size);
            CHECK(run.width == doctest::Approx(drawn));
            if (r + 1 < line.first_run + line.run_count) {
                CHECK(layout.runs()[r + 1].x == doctest::Approx(run.x + drawn));
                ++checked;
            }
        }
    }
    CHECK(checked >= 3);
}

TEST_CASE("layout breaks CJK text between ideographs but never puts closing punctuation at a line start") {
    const FakeMetrics metrics;
    const std::string text = "日本語の文章は、句読点「かぎ括弧」の前後でも正しく改行されます。次の文。";
    const doc::Document document = document_of({paragraph(text)});
    for (int columns = 4; columns <= 40; ++columns) {
        CAPTURE(columns);
        const float width = static_cast<float>(columns) * kColumn;
        const Layout layout = layout_document(document, width, metrics, test_style());
        const std::vector<std::string> lines = line_texts(layout);
        CHECK(joined(lines) == text);
        check_runs_within(layout, width);
        for (size_t i = 0; i < lines.size(); ++i) {
            CAPTURE(lines[i]);
            if (i > 0) {
                CHECK(first_char(lines[i]) != U'。');
                CHECK(first_char(lines[i]) != U'、');
                CHECK(first_char(lines[i]) != U'」');
            }
            if (i + 1 < lines.size()) CHECK(last_char(lines[i]) != U'「');
        }
        if (columns == 10) {
            // Five ideographs to a line: breaks fall between them, not at spaces.
            CHECK(lines.size() > 5);
            CHECK(lines.front() == "日本語の文");
        }
    }
}

TEST_CASE("layout keeps words joined by a no-break space together") {
    const FakeMetrics metrics;
    const doc::Document document = document_of({paragraph("aaaa bbbb\u00A0cccc dddd\u00A0eeee ffff")});
    for (int columns = 9; columns <= 30; ++columns) {
        CAPTURE(columns);
        const Layout layout = layout_document(document, static_cast<float>(columns) * kColumn, metrics, test_style());
        const std::vector<std::string> lines = line_texts(layout);
        const std::string all = joined(lines);
        CHECK(all.find("bbbb\u00A0cccc") != std::string::npos);
        CHECK(all.find("dddd\u00A0eeee") != std::string::npos);
        for (const std::string& line : lines) {
            CHECK(line != "bbbb");
            CHECK(line.find("cccc") != 0);
        }
    }
}

TEST_CASE("layout cuts a long URL that does not fit on a line") {
    const FakeMetrics metrics;
    const std::string url = "https://example.org/a/very/long/path/that/never/ends/index.html";
    const doc::Document document = document_of({paragraph({span("see "), span(url, doc::kPlain, 0), span(" now")})}, 1);
    const float width = 20 * kColumn;
    const Layout layout = layout_document(document, width, metrics, test_style());
    const std::vector<std::string> lines = line_texts(layout);
    CHECK(lines.size() >= 4);
    CHECK(lines.front() == "see");
    CHECK(without_spaces(joined(lines)) == without_spaces("see " + url + " now"));
    check_runs_within(layout, width);
    // Cut after a slash where one fits, never inside "//".
    CHECK(lines[1] == "https://example.org/");
    int slash_ends = 0;
    for (const std::string& line : lines) slash_ends += !line.empty() && line.back() == '/';
    CHECK(slash_ends >= 2);
    // Every piece of the URL is still the link.
    for (const TextRun& run : layout.runs()) {
        if (layout.text(run).find("example") != std::string_view::npos) CHECK(run.link == 0);
    }
}

TEST_CASE("layout link areas cover exactly the link's text on both lines when it wraps") {
    const FakeMetrics metrics;
    const doc::Document document =
        document_of({paragraph({span("Read the "), span("full annual", doc::kPlain, 0), span(" report", doc::kBold, 0),
                                span(" today or "), span("later", doc::kPlain, 1)})},
                    2);
    const Layout layout = layout_document(document, 14 * kColumn, metrics, test_style());
    const std::vector<std::string> expected = {"Read the full", "annual report", "today or later"};
    REQUIRE(line_texts(layout) == expected);

    const std::vector<LinkArea>& areas = layout.link_areas();
    REQUIRE(areas.size() == 3);
    CHECK(areas[0].link == 0);
    CHECK(areas[0].rect.x == doctest::Approx(9 * kColumn));
    CHECK(areas[0].rect.width == doctest::Approx(4 * kColumn));
    CHECK(areas[0].rect.y == doctest::Approx(0.0f));
    CHECK(areas[0].rect.height == doctest::Approx(20.0f));
    // "annual" and the bold " report" are one link: one area on the second line.
    CHECK(areas[1].link == 0);
    CHECK(areas[1].rect.x == doctest::Approx(0.0f));
    CHECK(areas[1].rect.width == doctest::Approx(13 * kColumn));
    CHECK(areas[1].rect.y == doctest::Approx(20.0f));
    CHECK(areas[2].link == 1);
    CHECK(areas[2].rect.x == doctest::Approx(9 * kColumn));
    CHECK(areas[2].rect.width == doctest::Approx(5 * kColumn));

    CHECK(layout.link_at(9 * kColumn + 1, 5) == 0);
    CHECK(layout.link_at(9 * kColumn - 1, 5) == -1);  // "the " before the link
    CHECK(layout.link_at(13 * kColumn + 1, 5) == -1); // past its end
    CHECK(layout.link_at(1, 25) == 0);
    CHECK(layout.link_at(12 * kColumn, 25) == 0);
    CHECK(layout.link_at(10 * kColumn, 45) == 1);
    CHECK(layout.link_at(1, 45) == -1);
    CHECK(layout.link_at(1, 75) == -1);  // below the text
}

TEST_CASE("layout numbers lists from their start and nests them with a deeper indent") {
    const FakeMetrics metrics;
    const doc::Document document = document_of({list(
        true, 7,
        {item("seven"),
         item("eight", {list(true, 1, {item("one"), item("two", {list(false, 1, {item("dot")})})})}),
         item("nine"), item("ten")})});
    const Layout layout = layout_document(document, 400, metrics, test_style());

    std::vector<std::string> markers;
    std::vector<const Decoration*> marker_decorations;
    for (const Decoration& decoration : layout.decorations()) {
        if (decoration.kind != DecorationKind::list_marker) continue;
        markers.emplace_back(layout.text(decoration));
        marker_decorations.push_back(&decoration);
    }
    const std::vector<std::string> expected = {"7.", "8.", "1.", "2.", "\u25AA", "9.", "10."};
    REQUIRE(markers == expected);

    const TextRun* seven = run_with_text(layout, "seven");
    const TextRun* one = run_with_text(layout, "one");
    const TextRun* dot = run_with_text(layout, "dot");
    const TextRun* ten = run_with_text(layout, "ten");
    REQUIRE(seven != nullptr);
    REQUIRE(one != nullptr);
    REQUIRE(dot != nullptr);
    REQUIRE(ten != nullptr);
    CHECK(one->x > seven->x);
    CHECK(dot->x > one->x);
    CHECK(ten->x == doctest::Approx(seven->x));
    // Markers sit left of their item's text, on its first line, numbers right-aligned.
    CHECK(marker_decorations[0]->rect.right() < seven->x);
    CHECK(marker_decorations[0]->rect.y == doctest::Approx(seven->y));
    CHECK(marker_decorations[2]->rect.right() < one->x);
    CHECK(marker_decorations[2]->rect.x > marker_decorations[0]->rect.x);
    CHECK(marker_decorations[2]->rect.y == doctest::Approx(one->y));
    CHECK(marker_decorations[6]->rect.right() == doctest::Approx(marker_decorations[0]->rect.right()));
    CHECK(marker_decorations[6]->rect.y == doctest::Approx(ten->y));
    // Items go down the page.
    CHECK(seven->y < one->y);
    CHECK(dot->y < ten->y);
}

TEST_CASE("layout sizes table columns to their content and never beyond the width") {
    const FakeMetrics metrics;
    SUBCASE("narrow content: each column as wide as its widest cell") {
        const doc::Document document = document_of({table({row({cell("Name", true), cell("Qty", true)}),
                                                           row({cell("apple"), cell("3")}),
                                                           row({cell("banana"), cell("12")})})});
        const Layout layout = layout_document(document, 400, metrics, test_style());
        const LayoutStyle style = test_style();
        const float padding = style.table_cell_padding * style.em();
        const float border = style.table_border_width;
        const TextRun* name = run_with_text(layout, "Name");
        const TextRun* qty = run_with_text(layout, "Qty");
        const TextRun* three = run_with_text(layout, "3");
        REQUIRE(name != nullptr);
        REQUIRE(qty != nullptr);
        REQUIRE(three != nullptr);
        CHECK(name->face == FontFace::bold);
        CHECK(run_with_text(layout, "apple")->face == FontFace::regular);
        CHECK(name->x == doctest::Approx(border + padding));
        // The first column is as wide as "banana".
        CHECK(qty->x == doctest::Approx(border + padding + 6 * kColumn + padding + border + padding));
        CHECK(three->x == doctest::Approx(qty->x));
        CHECK(line_texts(layout).size() == 6);  // nothing wrapped

        float right = 0;
        int header_backgrounds = 0;
        for (const Decoration& decoration : layout.decorations()) {
            right = std::max(right, decoration.rect.right());
            header_backgrounds += decoration.kind == DecorationKind::table_header_background;
        }
        CHECK(header_backgrounds == 2);
        CHECK(right == doctest::Approx(3 * border + 4 * padding + (6 + 3) * kColumn));
    }
    SUBCASE("spanning cells take the columns and rows they span") {
        doc::Block wide = cell("Wide title", true);
        wide.colspan = 2;
        doc::Block tall = cell("tall");
        tall.rowspan = 2;
        const doc::Document document =
            document_of({table({row({wide}), row({tall, cell("right1")}), row({cell("right2")})})});
        const Layout layout = layout_document(document, 400, metrics, test_style());
        const TextRun* title = run_with_text(layout, "Wide title");
        const TextRun* tall_run = run_with_text(layout, "tall");
        const TextRun* right1 = run_with_text(layout, "right1");
        const TextRun* right2 = run_with_text(layout, "right2");
        REQUIRE(title != nullptr);
        REQUIRE(tall_run != nullptr);
        REQUIRE(right1 != nullptr);
        REQUIRE(right2 != nullptr);
        CHECK(title->x == doctest::Approx(tall_run->x));
        CHECK(right2->x == doctest::Approx(right1->x));  // column 0 is still covered by "tall"
        CHECK(right2->y > right1->y);
        const Decoration* header = nullptr;
        float right = 0;
        for (const Decoration& decoration : layout.decorations()) {
            if (decoration.kind == DecorationKind::table_header_background) header = &decoration;
            right = std::max(right, decoration.rect.right());
        }
        REQUIRE(header != nullptr);
        CHECK(header->rect.right() == doctest::Approx(right - test_style().table_border_width));
    }
    SUBCASE("wide content: columns share the width, cells wrap") {
        const std::string long_text = "a cell with a great deal of text in it that must wrap over several lines";
        const doc::Document document = document_of({table({row({cell("id", true), cell("text", true), cell("more", true)}),
                                                           row({cell("1"), cell(long_text), cell(long_text)}),
                                                           row({cell("2"), cell("short"), cell(long_text + " " + long_text)})})});
        for (float width : {120.0f, 200.0f, 300.0f, 640.0f}) {
            CAPTURE(width);
            const Layout layout = layout_document(document, width, metrics, test_style());
            check_runs_within(layout, width);
            for (const Decoration& decoration : layout.decorations()) CHECK(decoration.rect.right() <= width + 0.01f);
            CHECK(line_texts(layout).size() > 9);
            // The id column keeps its content on one line.
            CHECK(run_with_text(layout, "1") != nullptr);
            // Runs of a cell never reach into the next column.
            const TextRun* text_header = run_with_text(layout, "text");
            const TextRun* more_header = run_with_text(layout, "more");
            REQUIRE(text_header != nullptr);
            REQUIRE(more_header != nullptr);
            for (const TextRun& run : layout.runs()) {
                if (run.x >= text_header->x && run.x < more_header->x) CHECK(run.x + run.width <= more_header->x);
            }
        }
    }
}

TEST_CASE("layout scales a figure larger than the column down keeping its aspect ratio") {
    const FakeMetrics metrics;
    doc::Document document;
    document.images.push_back(doc::Image{"https://example.org/big.jpg", "a big picture", 1, 1200, 800});
    document.images.push_back(doc::Image{"https://example.org/small.png", "", 2, 100, 50});
    document.images.push_back(doc::Image{"https://example.org/gone.png", "the lost picture", 0, 0, 0});
    document.images.push_back(doc::Image{"https://example.org/tall.png", "", 3, 300, 5000});
    for (int32_t i = 0; i < 4; ++i) {
        doc::Block figure;
        figure.kind = doc::BlockKind::figure;
        figure.image = i;
        figure.spans = {span("Caption " + std::to_string(i))};
        document.blocks.push_back(figure);
    }
    const ImageSizeLookup lookup = [&](int32_t index) {
        const doc::Image& image = document.images[static_cast<size_t>(index)];
        if (image.image_id == 0) return ImageSize{};
        return ImageSize{static_cast<float>(image.width), static_cast<float>(image.height)};
    };
    const Layout layout = layout_document(document, 300, metrics, test_style(), lookup);

    std::vector<const Decoration*> images;
    const Decoration* placeholder = nullptr;
    for (const Decoration& decoration : layout.decorations()) {
        if (decoration.kind == DecorationKind::image) images.push_back(&decoration);
        if (decoration.kind == DecorationKind::image_placeholder) placeholder = &decoration;
    }
    REQUIRE(images.size() >= 3);
    CHECK(images[0]->image == 0);
    CHECK(images[0]->rect.width == doctest::Approx(300.0f));
    CHECK(images[0]->rect.height == doctest::Approx(200.0f));
    CHECK(images[1]->image == 1);
    CHECK(images[1]->rect.width == doctest::Approx(100.0f));
    CHECK(images[1]->rect.height == doctest::Approx(50.0f));

    // The caption comes below its image.
    const TextRun* caption = run_with_text(layout, "Caption 0");
    REQUIRE(caption != nullptr);
    CHECK(caption->y >= images[0]->rect.bottom());
    CHECK(caption->role == ColorRole::caption);

    // An unknown image shows its alt text in a box instead.
    REQUIRE(placeholder != nullptr);
    const TextRun* alt = run_with_text(layout, "the lost picture");
    REQUIRE(alt != nullptr);
    CHECK(layout.flows()[alt->flow].alt_text);
    CHECK(placeholder->rect.y < alt->y);
    CHECK(placeholder->rect.bottom() > alt->y + alt->height - 0.01f);
    CHECK(placeholder->rect.right() <= 300.0f);

    // A tall image comes in slices that make up the whole, texture included.
    float height = 0;
    float uv = 0;
    for (const Decoration* image : images) {
        if (image->image != 3) continue;
        CHECK(image->rect.height <= 1024.0f + 0.01f);
        CHECK(image->uv_top == doctest::Approx(uv));
        uv = image->uv_bottom;
        height += image->rect.height;
    }
    CHECK(height == doctest::Approx(5000.0f));
    CHECK(uv == doctest::Approx(1.0f));
}

TEST_CASE("layout zoom scales text, spacing and images together") {
    const FakeMetrics metrics;
    doc::Document document = document_of({paragraph("zoomed words here"), paragraph("second")});
    document.images.push_back(doc::Image{"https://example.org/i.png", "", 1, 100, 40});
    doc::Block figure;
    figure.kind = doc::BlockKind::figure;
    figure.image = 0;
    document.blocks.push_back(figure);
    LayoutStyle style = test_style();
    const Layout normal = layout_document(document, 1000, metrics, style);
    style.zoom = 2.0f;
    const Layout zoomed = layout_document(document, 1000, metrics, style);
    REQUIRE(normal.runs().size() == zoomed.runs().size());
    for (size_t i = 0; i < normal.runs().size(); ++i) {
        CHECK(zoomed.runs()[i].size == doctest::Approx(2 * normal.runs()[i].size));
        CHECK(zoomed.runs()[i].width == doctest::Approx(2 * normal.runs()[i].width));
        CHECK(zoomed.runs()[i].y == doctest::Approx(2 * normal.runs()[i].y));
    }
    CHECK(zoomed.height() == doctest::Approx(2 * normal.height()));
    REQUIRE(zoomed.decorations().size() == 1);
    CHECK(zoomed.decorations()[0].rect.width == doctest::Approx(200.0f));
}

TEST_CASE("layout turns headings into table-of-contents anchors in order with increasing y") {
    const FakeMetrics metrics;
    const doc::Document document =
        document_of({heading(1, "Annual report"), paragraph("Intro text."), heading(2, "Activities"),
                     paragraph("More text that is long enough to wrap over a couple of lines here."),
                     heading(3, "Rescues"), paragraph("Last.")});
    const Layout layout = layout_document(document, 200, metrics, test_style());
    const std::vector<HeadingAnchor>& headings = layout.headings();
    REQUIRE(headings.size() == 3);
    const std::vector<std::string> texts = {"Annual report", "Activities", "Rescues"};
    for (size_t i = 0; i < headings.size(); ++i) {
        CHECK(layout.text(headings[i]) == texts[i]);
        CHECK(headings[i].level == static_cast<int>(i) + 1);
        if (i > 0) CHECK(headings[i].y > headings[i - 1].y);
        // The anchor is the top of the heading's first line.
        const LayoutLine* first = nullptr;
        for (const LayoutLine& line : layout.lines()) {
            if (line.flow == headings[i].flow) {
                first = &line;
                break;
            }
        }
        REQUIRE(first != nullptr);
        CHECK(first->top == doctest::Approx(headings[i].y));
    }
    const TextRun* title = run_with_text(layout, "Annual");
    REQUIRE(title != nullptr);
    CHECK(title->face == FontFace::bold);
    CHECK(title->role == ColorRole::heading);
    CHECK(title->size > test_style().base_size);
    CHECK(layout.flows()[headings[1].flow].block == 2);
}

TEST_CASE("layout visible_range returns only the runs and decorations that intersect the band") {
    const FakeMetrics metrics;
    std::vector<doc::Block> blocks;
    for (int i = 0; i < 200; ++i) {
        if (i % 17 == 0) {
            doc::Block quote;
            quote.kind = doc::BlockKind::quote;
            quote.children = {paragraph("quoted text number " + std::to_string(i) + " which goes on for a while"),
                              paragraph("and a second quoted paragraph")};
            blocks.push_back(quote);
        } else if (i % 23 == 0) {
            blocks.push_back(table({row({cell("k", true), cell("v", true)}), row({cell("key"), cell("value " + std::to_string(i))})}));
        } else if (i % 29 == 0) {
            doc::Block rule;
            rule.kind = doc::BlockKind::rule;
            blocks.push_back(rule);
        } else {
            blocks.push_back(paragraph("Paragraph " + std::to_string(i) + " has some words that wrap around the column."));
        }
    }
    const doc::Document document = document_of(std::move(blocks));
    const Layout layout = layout_document(document, 240, metrics, test_style());
    REQUIRE(layout.height() > 5000.0f);

    VisibleItems visible;
    for (float y0 : {-50.0f, 0.0f, 13.0f, 777.5f, 2000.0f, 4321.0f, layout.height() - 30.0f}) {
        for (float band : {1.0f, 45.0f, 600.0f}) {
            CAPTURE(y0);
            CAPTURE(band);
            const float y1 = y0 + band;
            layout.visible_range(y0, y1, visible);
            std::set<const TextRun*> runs(visible.runs.begin(), visible.runs.end());
            std::set<const Decoration*> decorations(visible.decorations.begin(), visible.decorations.end());
            CHECK(runs.size() == visible.runs.size());
            for (const TextRun& run : layout.runs()) {
                const LayoutLine& line = layout.lines()[run.line];
                const bool intersects = line.top < y1 && line.bottom() > y0;
                CHECK(runs.count(&run) == (intersects ? 1u : 0u));
            }
            for (const Decoration& decoration : layout.decorations()) {
                const bool intersects = decoration.rect.y < y1 && decoration.rect.bottom() > y0;
                CHECK(decorations.count(&decoration) == (intersects ? 1u : 0u));
            }
        }
    }
    CHECK(layout.visible_range(layout.height() + 10, layout.height() + 500).runs.empty());
    CHECK(layout.visible_range(100, 100).runs.empty());
}

TEST_CASE("layout find_matches finds every occurrence case-insensitively with its rectangles") {
    const FakeMetrics metrics;
    const doc::Document document = document_of(
        {paragraph("Apple, apple and APPLE."), paragraph({span("a pine"), span("apple", doc::kBold), span(" tree")}),
         paragraph("one red apple"), heading(2, "No fruit here")});
    const Layout layout = layout_document(document, 12 * kColumn, metrics, test_style());
    const std::vector<TextMatch> matches = layout.find_matches("aPPle", metrics);
    REQUIRE(matches.size() == 5);
    for (const TextMatch& match : matches) {
        CHECK(layout.text(layout.flows()[match.flow]).substr(match.begin, match.end - match.begin).size() == 5);
        REQUIRE(match.rects.size() == 1);
        CHECK(match.rects[0].width == doctest::Approx(5 * kColumn));
    }
    CHECK(matches[0].rects[0].x == doctest::Approx(0.0f));
    CHECK(matches[1].rects[0].x == doctest::Approx(7 * kColumn));
    // "a pineapple" crosses a style change: one rectangle over both runs.
    CHECK(matches[3].rects[0].x == doctest::Approx(6 * kColumn));
    CHECK(matches[3].block == 1);
    for (size_t i = 1; i < matches.size(); ++i) CHECK(matches[i].rects[0].y >= matches[i - 1].rects[0].y);

    // A match across a line wrap has a rectangle on each line.
    const std::vector<TextMatch> wrapped = layout.find_matches("red apple", metrics);
    REQUIRE(wrapped.size() == 1);
    REQUIRE(wrapped[0].rects.size() == 2);
    CHECK(wrapped[0].rects[0].width == doctest::Approx(3 * kColumn));
    CHECK(wrapped[0].rects[1].x == doctest::Approx(0.0f));
    CHECK(wrapped[0].rects[1].width == doctest::Approx(5 * kColumn));
    CHECK(wrapped[0].rects[1].y > wrapped[0].rects[0].y);

    CHECK(layout.find_matches("", metrics).empty());
    CHECK(layout.find_matches("banana", metrics).empty());

    // A point maps back to its place in the text.
    const std::optional<TextPosition> position =
        layout.position_at(matches[1].rects[0].x + 2 * kColumn + 1, matches[1].rects[0].y + 5, metrics);
    REQUIRE(position.has_value());
    CHECK(position->flow == matches[1].flow);
    CHECK(position->offset == matches[1].begin + 2);
}

TEST_CASE("layout honours line breaks, keeps preformatted text unwrapped and draws quote bars and rules") {
    const FakeMetrics metrics;
    doc::Block code;
    code.kind = doc::BlockKind::preformatted;
    code.spans = {span("int main() {\n\treturn 0;  // a comment that is much wider than the column\n}\n")};
    doc::Block quote;
    quote.kind = doc::BlockKind::quote;
    quote.children = {paragraph("quoted words"), paragraph("more quoted words")};
    doc::Block rule;
    rule.kind = doc::BlockKind::rule;
    const doc::Document document =
        document_of({paragraph({span("first"), line_break(), span("second")}), code, quote, rule});
    LayoutStyle style = test_style();
    style.wrap_preformatted = false;
    const Layout layout = layout_document(document, 30 * kColumn, metrics, style);
    const std::vector<std::string> lines = line_texts(layout);
    REQUIRE(lines.size() == 7);
    CHECK(lines[0] == "first");
    CHECK(lines[1] == "second");
    CHECK(lines[2] == "int main() {");
    CHECK(lines[3] == "        return 0;  // a comment that is much wider than the column");  // tab expanded
    CHECK(lines[4] == "}");
    CHECK(layout.content_width() > layout.width());
    const TextRun* ret = run_with_text(layout, lines[3]);
    REQUIRE(ret != nullptr);
    CHECK(ret->face == FontFace::monospace);

    const Decoration* bar = nullptr;
    const Decoration* background = nullptr;
    const Decoration* rule_line = nullptr;
    for (const Decoration& decoration : layout.decorations()) {
        if (decoration.kind == DecorationKind::quote_bar) bar = &decoration;
        if (decoration.kind == DecorationKind::preformatted_background) background = &decoration;
        if (decoration.kind == DecorationKind::rule) rule_line = &decoration;
    }
    REQUIRE(bar != nullptr);
    REQUIRE(background != nullptr);
    REQUIRE(rule_line != nullptr);
    const TextRun* quoted = run_with_text(layout, "quoted words");
    const TextRun* more = run_with_text(layout, "more quoted words");
    REQUIRE(quoted != nullptr);
    REQUIRE(more != nullptr);
    CHECK(quoted->role == ColorRole::quote);
    CHECK(quoted->x > bar->rect.right());
    CHECK(bar->rect.y <= quoted->y);
    CHECK(bar->rect.bottom() >= more->y + more->height - 0.01f);
    CHECK(background->rect.y < ret->y);
    CHECK(rule_line->rect.y > bar->rect.bottom());
    CHECK(rule_line->rect.width == doctest::Approx(30 * kColumn));

    // With the fallback on, the long code line is cut at the column.
    style.wrap_preformatted = true;
    const Layout wrapped = layout_document(document, 30 * kColumn, metrics, style);
    CHECK(line_texts(wrapped).size() > 7);
    CHECK(line_texts(wrapped)[3].rfind("        return", 0) == 0);  // indentation kept
    check_runs_within(wrapped, 30 * kColumn);
}

TEST_CASE("layout of random text keeps every character and stays within the width") {
    const FakeMetrics metrics;
    const std::vector<std::string> words = {"a", "word", "longerword", "漢字", "かな。", "「引用」", "x\u00A0y", "(paren)",
                                            "https://example.org/some/long/path?query=1&other=2", "é", "e\u0301",
                                            "end.", "🙂", "tab\there", "bad\xFF" "byte"};
    std::mt19937 random(12345);
    for (int round = 0; round < 300; ++round) {
        std::vector<doc::Span> spans;
        const int count = 1 + static_cast<int>(random() % 12);
        for (int i = 0; i < count; ++i) {
            if (random() % 9 == 0) {
                spans.push_back(line_break());
                continue;
            }
            std::string text;
            const int length = 1 + static_cast<int>(random() % 5);
            for (int w = 0; w < length; ++w) {
                if (random() % 3 != 0) text += ' ';
                text += words[random() % words.size()];
            }
            spans.push_back(span(text, static_cast<uint8_t>(random() % 8), random() % 4 == 0 ? 0 : -1));
        }
        const float width = static_cast<float>(2 + random() % 40) * kColumn;
        CAPTURE(round);
        CAPTURE(width);
        const Layout layout = layout_document(document_of({paragraph(spans)}, 1), width, metrics, test_style());
        check_runs_within(layout, width);
        REQUIRE(layout.flows().size() <= 1);
        if (layout.flows().empty()) continue;
        std::string shown;
        for (const TextRun& run : layout.runs()) shown += layout.text(run);
        std::string flow_text(layout.text(layout.flows()[0]));
        flow_text.erase(std::remove(flow_text.begin(), flow_text.end(), '\n'), flow_text.end());
        CHECK(without_spaces(shown) == without_spaces(flow_text));
        for (size_t i = 1; i < layout.lines().size(); ++i) CHECK(layout.lines()[i].top >= layout.lines()[i - 1].bottom() - 0.01f);
    }
}

TEST_CASE("layout survives hostile documents") {
    const FakeMetrics metrics;
    // Nesting far deeper than a decoded document may have.
    doc::Block deep = paragraph("bottom");
    for (int i = 0; i < 200; ++i) {
        doc::Block quote;
        quote.kind = i % 2 == 0 ? doc::BlockKind::quote : doc::BlockKind::list_item;
        quote.spans = {span("level " + std::to_string(i))};
        quote.children = {deep};
        deep = quote;
    }
    // Spans and cells with absurd attributes.
    doc::Block wide_cell = cell("wide");
    wide_cell.colspan = 65535;
    wide_cell.rowspan = 65535;
    doc::Block many_cells = row({});
    for (int i = 0; i < 1200; ++i) many_cells.children.push_back(cell("c"));
    doc::Block bad_figure;
    bad_figure.kind = doc::BlockKind::figure;
    bad_figure.image = 99;
    doc::Block bad_heading = heading(0, "level zero");
    bad_heading.level = 200;
    doc::Block stray_cell = cell("stray", true);
    const doc::Document document = document_of(
        {deep, table({row({wide_cell, cell("x")}), many_cells, paragraph("not a row"), row({})}), bad_figure,
         bad_heading, paragraph({span("bad link", doc::kBold, 42), span("\xC0\xAF\xED\xA0\x80 bytes\x01\x7F"), line_break(),
                                 line_break()}),
         paragraph({line_break()}), stray_cell, row({cell("lone row")}), list(true, std::numeric_limits<int32_t>::max(),
                                                                              {item("big"), item("bigger")})});
    for (float width : {0.0f, -5.0f, 1.0f, 37.0f, 800.0f, std::numeric_limits<float>::quiet_NaN()}) {
        CAPTURE(width);
        const Layout layout = layout_document(document, width, metrics, test_style());
        CHECK(layout.height() > 0.0f);
        CHECK(std::isfinite(layout.height()));
        CHECK(layout.width() >= 1.0f);
        for (const TextRun& run : layout.runs()) {
            CHECK(run.link == -1);  // the only link index is out of range
            CHECK(std::isfinite(run.x));
            CHECK(std::isfinite(run.y));
        }
        // Blocks nested deeper than doc::kMaxDepth are left out.
        CHECK(layout.find_matches("level 199", metrics).size() == 1);
        CHECK(layout.find_matches("level 0", metrics).empty());
        CHECK(layout.find_matches("bottom", metrics).empty());
        CHECK(!layout.find_matches("wide", metrics).empty());
        CHECK(!layout.find_matches("bigger", metrics).empty());
        CHECK(layout.link_at(1, 1) == -1);
        const VisibleItems all = layout.visible_range(-1, layout.height() + 1);
        CHECK(all.runs.size() == layout.runs().size());
        CHECK(all.decorations.size() == layout.decorations().size());
    }
}

TEST_CASE("layout of a 2000-paragraph document is fast") {
    const FakeMetrics metrics;
    std::vector<doc::Block> blocks;
    for (int i = 0; i < 2000; ++i) {
        if (i % 50 == 0) blocks.push_back(heading(2, "Section " + std::to_string(i / 50)));
        blocks.push_back(paragraph({span("Paragraph " + std::to_string(i) +
                                         " tells how the refugees crossed the border at night and reached a safe "
                                         "house, where volunteers "),
                                    span("gave them food", doc::kBold), span(" and shelter; the "),
                                    span("full story", doc::kPlain, 0),
                                    span(" is in the annual report, with photographs and letters from the families "
                                         "who were helped this year.")}));
    }
    const doc::Document document = document_of(std::move(blocks), 1);
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    const Layout layout = layout_document(document, 640, metrics, test_style());
    const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
#ifdef NDEBUG
    const std::string build = "optimised build";
#else
    const std::string build = "unoptimised build";
#endif
    MESSAGE("2000 paragraphs (" << layout.runs().size() << " runs, " << layout.lines().size() << " lines, "
                                << metrics.calls << " measurements) laid out in " << ms << " ms (" << cpu_ms
                                << " ms CPU, " << build << ")");
    CHECK(layout.headings().size() == 40);
    CHECK(layout.lines().size() > 4000);
    const auto query_start = std::chrono::steady_clock::now();
    VisibleItems visible;
    for (int i = 0; i < 1000; ++i) layout.visible_range(static_cast<float>(i) * 100.0f, static_cast<float>(i) * 100.0f + 800.0f, visible);
    const double query_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - query_start).count();
    MESSAGE("1000 visible_range queries of an 800 px band: " << query_ms << " ms");
    CHECK(!visible.runs.empty());
}

TEST_CASE("layout gives the top of every block, so a #fragment link can land on an anchored heading") {
    const FakeMetrics metrics;
    std::vector<doc::Block> blocks = {heading(1, "Contents")};
    for (int i = 0; i < 20; ++i) blocks.push_back(paragraph("Paragraph number " + std::to_string(i) + " of the intro."));
    doc::Block target = heading(2, "Section three");
    target.anchors = {"section-3"};
    blocks.push_back(target);
    blocks.push_back(list(false, 1, {item("one"), item("two")}));
    blocks.push_back(table({row({cell("a"), cell("b")})}));
    const doc::Document document = document_of(blocks);
    const Layout layout = layout_document(document, 400, metrics, test_style());

    // The anchored heading is block 21: its top is the top of its first line.
    const std::optional<float> y = layout.anchor_y(document, "section-3");
    REQUIRE(y.has_value());
    const TextRun* run = run_with_text(layout, "Section three");
    REQUIRE(run != nullptr);
    const LayoutLine& line = layout.lines()[run->line];
    CHECK(*y == doctest::Approx(line.top));
    CHECK(*y > 20 * 20.0f);  // below twenty one-line paragraphs
    CHECK(layout.block_top(21) == y);
    CHECK_FALSE(layout.anchor_y(document, "section-4").has_value());

    // Every block has a top, in document order; list items and table cells included.
    // 22 list, 23 item, 24 item, 25 table, 26 row, 27 cell, 28 cell.
    float previous = -1.0f;
    for (uint32_t block = 0; block <= 28; ++block) {
        const std::optional<float> top = layout.block_top(block);
        REQUIRE(top.has_value());
        CHECK(*top >= previous);
        previous = *top;
    }
    CHECK_FALSE(layout.block_top(29).has_value());
    CHECK(*layout.block_top(23) < *layout.block_top(24));     // second item below the first
    CHECK(*layout.block_top(27) == *layout.block_top(28));    // cells of one row share their top
    const TextRun* two = run_with_text(layout, "two");
    REQUIRE(two != nullptr);
    CHECK(*layout.block_top(24) == doctest::Approx(layout.lines()[two->line].top));
}

TEST_CASE("faces_used names the faces a page is drawn with, so a reader loads those and no others") {
    doc::Document page;
    page.blocks.push_back(paragraph("Plain words"));
    // A Korean name in a heading: the bold CJK face, not the regular one.
    page.blocks.push_back(heading(2, "\xED\x83\x88\xEB\xB6\x81\xEB\xAF\xBC"));
    page.blocks.push_back(paragraph({span("emphasis", doc::kItalic), span("code", doc::kCode)}));
    layout::FacesUsed used = layout::faces_used(page, "Title", "21 October 2023");
    CHECK(used.names() == std::vector<std::string>{"regular", "bold", "italic", "cjk-bold"});

    // Japanese in the meta line (an author's name) and an image's alt text:
    // the regular CJK face and the italic one.
    doc::Document plain;
    plain.blocks.push_back(paragraph("Plain words"));
    doc::Image picture;
    picture.alt = "A photograph";
    plain.images.push_back(picture);
    used = layout::faces_used(plain, "Title", "\xE5\xB1\xB1\xE7\x94\xB0");
    CHECK(used.names() == std::vector<std::string>{"regular", "bold", "italic", "cjk-regular"});

    // Code alone needs no Latin face of the bundle's (it is monospace).
    doc::Document code;
    code.blocks.push_back(paragraph({span("int main()", doc::kCode)}));
    CHECK(layout::faces_used(code, "", "").names().empty());
}
