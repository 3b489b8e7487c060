// ui_page_layout_test.cpp: the reading view's layout, measured with a real
// ImGui font (no window: ImGui runs headless with a texture-capable renderer
// declared, so glyphs load on demand).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "imgui.h"
#include "page_layout.h"  // private to the views (shared/ui)

using namespace sitepack;

namespace {

std::string read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// A headless ImGui frame with Noto Sans (or the built-in font when absent).
struct HeadlessImGui {
    std::string regular = read_file("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf");
    ImFont* font = nullptr;
    HeadlessImGui() {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.BackendFlags |= ImGuiBackendFlags_RendererHasTextures;
        io.DisplaySize = ImVec2(1280, 800);
        ImFontConfig config;
        config.FontDataOwnedByAtlas = false;
        font = regular.empty() ? io.Fonts->AddFontDefault()
                               : io.Fonts->AddFontFromMemoryTTF(regular.data(), static_cast<int>(regular.size()), 18.0f, &config);
        ImGui::NewFrame();
    }
    ~HeadlessImGui() {
        ImGui::EndFrame();
        ImGui::DestroyContext();
    }
    ui::LayoutFonts fonts() const {
        ui::LayoutFonts out;
        for (ImFont*& face : out.faces) face = font;
        out.body_size = 18.0f;
        return out;
    }
};

doc::Span span(const std::string& text, uint8_t style = doc::kPlain, int32_t link = -1) {
    doc::Span s; s.text = text; s.style = style; s.link = link; return s;
}

doc::Document paragraph(std::vector<doc::Span> spans) {
    doc::Document document;
    doc::Block block; block.kind = doc::BlockKind::paragraph; block.spans = std::move(spans);
    document.blocks.push_back(block);
    return document;
}

}  // namespace

TEST_CASE("runs of one line sit where the drawn text of the runs before them ends") {
    HeadlessImGui imgui;
    const auto document = paragraph({span("Dear Mr. President: We call on the Chinese government to stop the "),
                                     span("forced repatriation", doc::kBold), span(" of refugees.")});
    const ui::PageLayout layout = ui::layout_page(document, {}, imgui.fonts(), 2000.0f);
    REQUIRE(layout.lines.size() == 1);
    REQUIRE(layout.runs.size() == 3);
    const ui::LaidRun& first = layout.runs[0];
    const float drawn = imgui.font->CalcTextSizeA(18.0f, 1e9f, 0.0f, first.text.c_str()).x;
    CHECK(first.width <= drawn + 0.01f);
    // The space between the runs is drawn at the end of the first one, or skipped over.
    const float space = first.text.back() == ' ' ? 0.0f : imgui.font->CalcTextSizeA(18.0f, 1e9f, 0.0f, " ").x;
    CHECK(layout.runs[1].x == doctest::Approx(first.x + drawn + space).epsilon(0.001));
}

TEST_CASE("a paragraph wraps inside the column and lines go down the page") {
    HeadlessImGui imgui;
    std::string text;
    for (int i = 0; i < 60; ++i) text += "refugees ";
    const ui::PageLayout layout = ui::layout_page(paragraph({span(text)}), {}, imgui.fonts(), 400.0f);
    CHECK(layout.lines.size() > 3);
    for (const ui::LaidRun& run : layout.runs) CHECK(run.x + run.width <= 400.5f);
    for (size_t i = 1; i < layout.lines.size(); ++i) CHECK(layout.lines[i].top > layout.lines[i - 1].top);
    const auto visible = ui::visible_lines(layout, 0.0f, 40.0f);
    CHECK(visible.first == 0);
    CHECK(visible.second >= 1);
    CHECK(visible.second < layout.lines.size());
}

TEST_CASE("CJK text breaks between characters and a link's run is found under the pointer") {
    HeadlessImGui imgui;
    std::string text;
    for (int i = 0; i < 40; ++i) text += "\xE5\x8C\x97\xE6\x9C\x9D\xE9\xAE\xAE";  // 北朝鮮
    auto document = paragraph({span(text), span(" UNHCR", doc::kPlain, 0)});
    doc::Link link; link.url = "https://www.unhcr.org/"; link.target = doc::LinkTarget::external;
    document.links.push_back(link);
    const ui::PageLayout layout = ui::layout_page(document, {}, imgui.fonts(), 300.0f);
    CHECK(layout.lines.size() > 2);
    const ui::LaidRun& last = layout.runs.back();
    CHECK(last.link == 0);
    const ui::LaidRun* found = ui::run_at(layout, ImVec2(last.x + 2, last.y + 4));
    REQUIRE(found != nullptr);
    CHECK(found->link == 0);
}

TEST_CASE("an anchor's top in the reading view is its heading's first line, below the page header") {
    HeadlessImGui imgui;
    doc::Document document;
    for (int i = 0; i < 12; ++i) {
        doc::Block block; block.kind = doc::BlockKind::paragraph; block.spans = {span("Paragraph " + std::to_string(i))};
        document.blocks.push_back(block);
    }
    doc::Block target; target.kind = doc::BlockKind::heading; target.level = 2;
    target.spans = {span("Section three")};
    target.anchors = {"section-3"};
    document.blocks.push_back(target);

    ui::PageHeader header;
    header.title = "A long report";
    header.meta = "26 November 2026";
    const ui::PageLayout with_header = ui::layout_page(document, header, imgui.fonts(), 600.0f);
    const ui::PageLayout without_header = ui::layout_page(document, {}, imgui.fonts(), 600.0f);
    const std::optional<float> top = ui::anchor_top(with_header, document, "section-3");
    const std::optional<float> bare = ui::anchor_top(without_header, document, "section-3");
    REQUIRE(top.has_value());
    REQUIRE(bare.has_value());
    CHECK(*top > *bare);  // the header pushes the body down
    REQUIRE(!with_header.headings.empty());
    CHECK(with_header.headings.back().text == "Section three");
    CHECK(*top == doctest::Approx(with_header.headings.back().y));
    CHECK(with_header.block_tops.size() == document.blocks.size());
    CHECK_FALSE(ui::anchor_top(with_header, document, "section-4").has_value());
}

// [SECTION] Selecting text with the mouse

namespace {

// The point (column coordinates) on a run's line before byte `offset`.
ImVec2 point_before(const ui::PageLayout& layout, const ui::LayoutFonts& fonts, uint32_t run, uint32_t offset) {
    const ui::LaidRun& laid = layout.runs[run];
    const float x = ui::run_span_x(laid, fonts, 0, offset).second;
    for (const ui::LaidLine& line : layout.lines)
        if (run >= line.first_run && run < line.end_run) return ImVec2(laid.x + x, (line.top + line.bottom) * 0.5f);
    FAIL("run " << run << " is on no line");
    return ImVec2();
}

}  // namespace

TEST_CASE("dragging over two wrapped paragraphs selects their text as written, a line break between them") {
    HeadlessImGui imgui;
    const std::string first = "Dear Mr. President: We call on the Chinese government to stop the forced repatriation of refugees.";
    const std::string second = "Life Funds for North Korean Refugees has helped people since 1998.";
    doc::Document document = paragraph({span(first)});
    doc::Block block; block.kind = doc::BlockKind::paragraph; block.spans = {span(second)};
    document.blocks.push_back(block);
    const ui::LayoutFonts fonts = imgui.fonts();
    const ui::PageLayout layout = ui::layout_page(document, {}, fonts, 260.0f);
    REQUIRE(layout.lines.size() > 4);  // both paragraphs wrap

    // From above the text to below it: everything.
    const auto top = ui::text_position_at(layout, fonts, ImVec2(-50, -50));
    const auto bottom = ui::text_position_at(layout, fonts, ImVec2(5000, layout.height + 100));
    REQUIRE(top.has_value());
    REQUIRE(bottom.has_value());
    CHECK(ui::selected_text(layout, *top, *bottom) == first + "\n" + second);
    // Dragged upwards: the same text.
    CHECK(ui::selected_text(layout, *bottom, *top) == first + "\n" + second);

    // From inside "President" to inside "North": the characters between.
    const uint32_t president = static_cast<uint32_t>(layout.runs[0].text.find("President"));
    REQUIRE(president != std::string::npos);
    const auto from = ui::text_position_at(layout, fonts, point_before(layout, fonts, 0, president + 3));
    REQUIRE(from.has_value());
    CHECK(from->run == 0);
    CHECK(from->offset == president + 3);
    uint32_t north_run = 0, north_at = 0;
    for (uint32_t r = 0; r < layout.runs.size(); ++r) {
        const size_t at = layout.runs[r].text.find("North");
        if (at != std::string::npos) { north_run = r; north_at = static_cast<uint32_t>(at); break; }
    }
    REQUIRE(north_run > 0);
    const auto to = ui::text_position_at(layout, fonts, point_before(layout, fonts, north_run, north_at + 2));
    REQUIRE(to.has_value());
    const std::string expected = first.substr(first.find("President") + 3) + "\n" + second.substr(0, second.find("North") + 2);
    CHECK(ui::selected_text(layout, *from, *to) == expected);
}

TEST_CASE("a double-click takes the word under the pointer, and a CJK character alone") {
    HeadlessImGui imgui;
    const ui::LayoutFonts fonts = imgui.fonts();
    const ui::PageLayout layout = ui::layout_page(paragraph({span("We call on the government: don\xE2\x80\x99t return them.")}), {}, fonts, 2000.0f);
    const std::string& text = layout.runs[0].text;
    const uint32_t inside = static_cast<uint32_t>(text.find("government") + 4);
    const auto word = ui::word_around(layout, ui::TextPosition{0, 0, inside});
    CHECK(ui::selected_text(layout, word.first, word.second) == "government");
    const auto apostrophe = ui::word_around(layout, ui::TextPosition{0, 0, static_cast<uint32_t>(text.find("don"))});
    CHECK(ui::selected_text(layout, apostrophe.first, apostrophe.second) == "don\xE2\x80\x99t");
    // On the space after a word: that word; on a colon's following space: nothing.
    const auto after = ui::word_around(layout, ui::TextPosition{0, 0, static_cast<uint32_t>(text.find(" on"))});
    CHECK(ui::selected_text(layout, after.first, after.second) == "call");

    const ui::PageLayout cjk = ui::layout_page(paragraph({span("\xE5\x8C\x97\xE6\x9C\x9D\xE9\xAE\xAE")}), {}, fonts, 2000.0f);
    const auto character = ui::word_around(cjk, ui::TextPosition{0, 0, 3});
    CHECK(ui::selected_text(cjk, character.first, character.second) == "\xE6\x9C\x9D");  // 朝
}

TEST_CASE("selected CJK text that wrapped gets no spaces, and list items come out one a line without markers") {
    HeadlessImGui imgui;
    const ui::LayoutFonts fonts = imgui.fonts();
    std::string korean;
    for (int i = 0; i < 30; ++i) korean += "\xED\x83\x88\xEB\xB6\x81\xEB\xAF\xBC";  // 탈북민
    const ui::PageLayout wrapped = ui::layout_page(paragraph({span(korean)}), {}, fonts, 200.0f);
    REQUIRE(wrapped.lines.size() > 2);
    const auto start = ui::text_position_at(wrapped, fonts, ImVec2(-10, -10));
    const auto end = ui::text_position_at(wrapped, fonts, ImVec2(9999, 9999));
    CHECK(ui::selected_text(wrapped, *start, *end) == korean);

    doc::Document list;
    doc::Block items; items.kind = doc::BlockKind::list; items.ordered = true;
    for (const char* text : {"Shelter in China", "Passage to Thailand", "A new life in Japan"}) {
        doc::Block item; item.kind = doc::BlockKind::list_item;
        doc::Block body; body.kind = doc::BlockKind::paragraph; body.spans = {span(text)};
        item.children.push_back(body);
        items.children.push_back(item);
    }
    list.blocks.push_back(items);
    const ui::PageLayout listed = ui::layout_page(list, {}, fonts, 600.0f);
    const auto first = ui::text_position_at(listed, fonts, ImVec2(-10, -10));
    const auto last = ui::text_position_at(listed, fonts, ImVec2(9999, 9999));
    CHECK(ui::selected_text(listed, *first, *last) == "Shelter in China\nPassage to Thailand\nA new life in Japan");
}
