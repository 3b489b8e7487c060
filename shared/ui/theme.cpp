// theme.cpp: the reader's two colour schemes and ImGui's widget style.
//
// The page is paper-like: warm off-white with near-black text in light mode,
// soft grey-on-charcoal in dark mode (pure white on black glares at night).
// Links are the one saturated colour, so they can be found at a glance.
#include "app_impl.h"

namespace sitepack::ui {

Palette palette_for(bool dark) {
    Palette p;
    if (dark) {
        p.page_bg = IM_COL32(30, 31, 34, 255);
        p.text = IM_COL32(216, 214, 208, 255);
        p.heading = IM_COL32(236, 234, 228, 255);
        p.muted = IM_COL32(150, 150, 146, 255);
        p.link = IM_COL32(130, 176, 255, 255);
        p.link_missing = IM_COL32(204, 150, 110, 255);
        p.link_external = IM_COL32(150, 190, 240, 255);
        p.code_bg = IM_COL32(42, 44, 48, 255);
        p.rule = IM_COL32(70, 72, 76, 255);
        p.quote_bar = IM_COL32(90, 110, 140, 255);
        p.find_highlight = IM_COL32(120, 100, 20, 200);
        p.find_current = IM_COL32(200, 120, 20, 230);
        p.selection = IM_COL32(60, 96, 150, 170);
        p.table_header = IM_COL32(40, 42, 46, 255);
        p.toolbar_bg = IM_COL32(38, 39, 43, 255);
        p.status_text = IM_COL32(160, 160, 156, 255);
        p.scrollbar = IM_COL32(80, 82, 86, 160);
        p.scrollbar_hover = IM_COL32(120, 122, 126, 220);
        p.banner_bg = IM_COL32(70, 56, 30, 255);
    } else {
        p.page_bg = IM_COL32(252, 251, 248, 255);
        p.text = IM_COL32(34, 34, 34, 255);
        p.heading = IM_COL32(17, 17, 17, 255);
        p.muted = IM_COL32(110, 108, 104, 255);
        p.link = IM_COL32(26, 86, 170, 255);
        p.link_missing = IM_COL32(150, 80, 40, 255);
        p.link_external = IM_COL32(40, 100, 170, 255);
        p.code_bg = IM_COL32(242, 240, 234, 255);
        p.rule = IM_COL32(222, 219, 212, 255);
        p.quote_bar = IM_COL32(190, 200, 215, 255);
        p.find_highlight = IM_COL32(255, 226, 120, 255);
        p.find_current = IM_COL32(255, 170, 60, 255);
        p.selection = IM_COL32(170, 204, 245, 255);
        p.table_header = IM_COL32(244, 242, 237, 255);
        p.toolbar_bg = IM_COL32(240, 238, 233, 255);
        p.status_text = IM_COL32(100, 98, 94, 255);
        p.scrollbar = IM_COL32(190, 188, 182, 160);
        p.scrollbar_hover = IM_COL32(150, 148, 142, 220);
        p.banner_bg = IM_COL32(255, 240, 200, 255);
    }
    return p;
}

void apply_imgui_style(bool dark, float scale) {
    ImGuiStyle style;
    if (dark) ImGui::StyleColorsDark(&style); else ImGui::StyleColorsLight(&style);
    style.WindowRounding = 0;
    style.FrameRounding = 4;
    style.PopupRounding = 4;
    style.GrabRounding = 4;
    style.FramePadding = ImVec2(8, 5);
    style.ItemSpacing = ImVec2(6, 6);
    style.WindowBorderSize = 0;
    style.PopupBorderSize = 1;
    const Palette p = palette_for(dark);
    style.Colors[ImGuiCol_WindowBg] = ImGui::ColorConvertU32ToFloat4(p.toolbar_bg);
    style.Colors[ImGuiCol_ChildBg] = ImGui::ColorConvertU32ToFloat4(p.page_bg);
    style.Colors[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(p.text);
    // Opaque popups: page text must never show through a dialog.
    style.Colors[ImGuiCol_PopupBg] = ImGui::ColorConvertU32ToFloat4(dark ? IM_COL32(44, 45, 49, 255) : IM_COL32(255, 255, 255, 255));
    style.WindowPadding = ImVec2(14, 12);
    if (!dark) {
        style.Colors[ImGuiCol_Button] = ImVec4(0, 0, 0, 0.04f);
        style.Colors[ImGuiCol_ButtonHovered] = ImVec4(0, 0, 0, 0.09f);
        style.Colors[ImGuiCol_ButtonActive] = ImVec4(0, 0, 0, 0.15f);
        style.Colors[ImGuiCol_FrameBg] = ImVec4(1, 1, 1, 1);
        style.FrameBorderSize = 1;
        style.Colors[ImGuiCol_Border] = ImVec4(0, 0, 0, 0.14f);
    } else {
        style.Colors[ImGuiCol_Button] = ImVec4(1, 1, 1, 0.06f);
        style.Colors[ImGuiCol_ButtonHovered] = ImVec4(1, 1, 1, 0.12f);
        style.Colors[ImGuiCol_ButtonActive] = ImVec4(1, 1, 1, 0.18f);
        style.Colors[ImGuiCol_FrameBg] = ImVec4(0.1f, 0.1f, 0.11f, 1);
    }
    style.ScaleAllSizes(scale);
    const float font_size = ImGui::GetStyle().FontSizeBase;
    ImGui::GetStyle() = style;
    ImGui::GetStyle().FontSizeBase = font_size;
}

}  // namespace sitepack::ui
