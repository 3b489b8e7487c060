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
