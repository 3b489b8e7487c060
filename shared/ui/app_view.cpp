// app_view.cpp: drawing the reader and handling its input.
//
// The reading view is drawn with ImDrawList from the page layout, only the
// lines inside the viewport, on a centred column about 70 characters wide.
// Scrolling is the app's own (eased towards a target) with a thin scrollbar
// drawn here, so keyboard, wheel and scripted scrolling behave the same.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "app_impl.h"
#include "sitepack/text_width.h"
#include "sitepack/url.h"

namespace sitepack::ui {
namespace {

ImU32 color_for(const Palette& p, TextRole role) {
    switch (role) {
    case TextRole::heading: case TextRole::title: return p.heading;
    case TextRole::meta: case TextRole::caption: case TextRole::marker: return p.muted;
    case TextRole::quote: return p.text;
    case TextRole::code: return p.text;
    case TextRole::link_internal: case TextRole::link_image: return p.link;
    case TextRole::link_missing: return p.link_missing;
    case TextRole::link_external: return p.link_external;
    default: return p.text;
    }
}

bool is_link(TextRole role) {
    return role == TextRole::link_internal || role == TextRole::link_missing || role == TextRole::link_external || role == TextRole::link_image;
}

}  // namespace

// 23 px in ImGui's measure (ascent + descent) is about 17 px per em: a
// comfortable book size on a laptop screen.
float ReaderApp::Impl::body_size() const { return 23.0f * ui_scale * std::pow(1.1f, static_cast<float>(zoom_step)); }

LayoutFonts ReaderApp::Impl::layout_fonts() const {
    LayoutFonts fonts;
    for (int i = 0; i < 5; ++i) fonts.faces[i] = faces[i] ? faces[i] : ImGui::GetFont();
    fonts.body_size = std::round(body_size());
    return fonts;
}

float ReaderApp::Impl::max_scroll() const { return std::max(0.0f, layout.height + top_margin - viewport_height); }

void ReaderApp::Impl::set_scroll(float y, bool smooth) {
    scroll_target = std::clamp(y, 0.0f, max_scroll());
    if (!smooth) scroll = scroll_target;
}

void ReaderApp::Impl::ensure_layout(float column_width) {
    const LayoutFonts fonts = layout_fonts();
    if (!layout_dirty && column_width == layout_width && fonts.body_size == layout_em) return;
    // Re-wrapping (zoom, resize) keeps the reader's place in the text.
    const float fraction = layout.height > 0 ? scroll_target / layout.height : 0.0f;
    layout = layout_page(document, header, fonts, column_width);
    clear_selection();
    layout_width = column_width;
    layout_em = fonts.body_size;
    layout_dirty = false;
    top_margin = fonts.body_size * 1.8f;
    if (restore_scroll >= 0) {
        set_scroll(restore_scroll, false);
        restore_scroll = -1;
    } else {
        set_scroll(fraction * layout.height, false);
    }
    if (!pending_fragment.empty()) {
        scroll_to_fragment(pending_fragment, false);  // an unknown anchor leaves the page at its top
        pending_fragment.clear();
    }
    for (const LaidBox& box : layout.boxes)
        if (box.kind == BoxKind::image && box.image >= 0 && box.image < static_cast<int32_t>(document.images.size()))
            request_image(document.images[box.image].image_id);
    found_for.clear();
    update_find();
}

// [SECTION] Find in page

void ReaderApp::Impl::update_find() {
    const std::string wanted = lower_ascii(find_text);
    if (wanted == found_for) return;
    found_for = wanted;
    find_matches.clear();
    find_current = 0;
    if (wanted.empty()) return;
    for (size_t r = 0; r < layout.runs.size(); ++r) {
        const std::string text = lower_ascii(layout.runs[r].text);
        for (size_t at = text.find(wanted); at != std::string::npos; at = text.find(wanted, at + wanted.size()))
            find_matches.push_back({r, at, at + wanted.size()});
    }
}

bool ReaderApp::Impl::scroll_to_fragment(const std::string& fragment, bool smooth) {
    const std::optional<float> top = anchor_top(layout, document, fragment);
    if (!top) return false;
    set_scroll(*top - body_size(), smooth);  // a little above, as the contents menu does
    return true;
}

void ReaderApp::Impl::scroll_to_match() {
    if (find_matches.empty()) return;
    find_current = std::clamp(find_current, 0, static_cast<int>(find_matches.size()) - 1);
    const LaidRun& run = layout.runs[find_matches[find_current].run];
    set_scroll(run.y - viewport_height * 0.35f, true);
}

// [SECTION] Frame

bool ReaderApp::Impl::draw() {
    const double now = ImGui::GetTime();
    const float dt = last_time > 0 ? static_cast<float>(now - last_time) : 0.016f;
    last_time = now;

    const Palette p = palette_for(dark);
    ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("##reader", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                 ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar();

    draw_toolbar();
    if (!message.empty()) {
        ImGui::PushStyleColor(ImGuiCol_ChildBg, p.banner_bg);
        const float h = ImGui::GetFrameHeightWithSpacing() + 4 * ui_scale;
        ImGui::BeginChild("##banner", ImVec2(0, h), ImGuiChildFlags_None, ImGuiWindowFlags_NoScrollbar);
        ImGui::SetCursorPos(ImVec2(12 * ui_scale, 4 * ui_scale));
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(message.c_str());
        ImGui::SameLine(ImGui::GetWindowWidth() - 80 * ui_scale);
        if (ImGui::Button("Dismiss")) message.clear();
        ImGui::EndChild();
        ImGui::PopStyleColor();
    }
    status_line_reserved = platform.status_line_reserved();  // once a frame: the browser's asks the page
    const float status_height = std::max(ImGui::GetTextLineHeight() + 10 * ui_scale, status_line_reserved.y);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, p.page_bg);
    ImGui::BeginChild("##content", ImVec2(0, -status_height), ImGuiChildFlags_None,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    if (screen == Screen::chooser) draw_chooser();
    else draw_page();
    ImGui::EndChild();
    status_line_top = ImGui::GetItemRectMax().y;  // where the page's area ends
    ImGui::PopStyleColor();
    draw_status_bar();
    draw_popups();
    ImGui::End();
    handle_keys();

    // Ease the scroll towards its target: quick, but the eye can follow.
    if (std::abs(scroll_target - scroll) > 0.5f) {
        scroll += (scroll_target - scroll) * (1.0f - std::exp(-dt * 16.0f));
        animating = true;
    } else {
        scroll = scroll_target;
        animating = false;
    }
    return animating || layout_dirty;
}

// [SECTION] Toolbar

void ReaderApp::Impl::draw_toolbar() {
    const float pad = 8 * ui_scale;
    ImGui::SetCursorPos(ImVec2(pad, pad));
    const bool open = bundle_state == BundleState::open;
    ImGui::BeginDisabled(history_index <= 0);
    if (ImGui::ArrowButton("##back", ImGuiDir_Left)) go_back();
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Back (Alt+Left)");
    ImGui::SameLine();
    ImGui::BeginDisabled(history_index + 1 >= static_cast<int>(history.size()));
    if (ImGui::ArrowButton("##forward", ImGuiDir_Right)) go_forward();
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Forward (Alt+Right)");
    ImGui::SameLine();
    ImGui::BeginDisabled(!open);
    if (ImGui::Button("Home")) go_home();
    ImGui::SameLine();

    // Search, with title suggestions as one types.
    const float search_width = std::min(320.0f * ui_scale, ImGui::GetContentRegionAvail().x * 0.35f);
    ImGui::SetNextItemWidth(search_width);
    const ImVec2 search_pos = ImGui::GetCursorScreenPos();
    if (ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_K) || ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_L))
        ImGui::SetKeyboardFocusHere();
    const bool submitted = ImGui::InputTextWithHint("##search", "Search the site", search_text, sizeof search_text,
                                                    ImGuiInputTextFlags_EnterReturnsTrue);
    const bool search_active = ImGui::IsItemActive();
    if (submitted && search_text[0]) {
        Location location; location.url = "app:search/1/" + std::string(search_text);
        navigate(location, true);
        suggestions_open = false;
    }
    if (search_active && suggested_for != search_text) {
        suggested_for = search_text;
        ask_faces_for_text(search_text);
        if (std::string(search_text).size() >= 2) {
            CoreRequest request; request.kind = RequestKind::suggest; request.text = search_text; request.limit = 8;
            suggest_request = core.post(request);
        } else {
            suggestions.clear();
            suggestions_open = false;
        }
    }
    if (suggestions_open && !suggestions.empty() && (search_active || suggestions_hovered)) {
        ImGui::SetNextWindowPos(ImVec2(search_pos.x, search_pos.y + ImGui::GetFrameHeight() + 2));
        ImGui::SetNextWindowSizeConstraints(ImVec2(search_width * 1.4f, 0), ImVec2(search_width * 2.2f, FLT_MAX));
        ImGui::Begin("##suggestions", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_Tooltip);
        for (const PageRecord& page : suggestions) {
            if (ImGui::Selectable((page.title.empty() ? page.url : page.title).c_str())) {
                Location location; location.page_id = page.id; location.url = page.url;
                navigate(location, true);
                suggestions_open = false;
            }
        }
        suggestions_hovered = ImGui::IsWindowHovered();
        ImGui::End();
    } else {
        suggestions_hovered = false;
    }
    ImGui::SameLine();
    if (ImGui::Button("Browse")) ImGui::OpenPopup("browse_menu");
    if (ImGui::BeginPopup("browse_menu")) {
        if (ImGui::IsKeyPressed(ImGuiKey_Escape, false)) ImGui::CloseCurrentPopup();  // as a menu closes
        auto go = [&](const char* label, const char* address) {
            if (ImGui::MenuItem(label)) { Location location; location.url = address; navigate(location, true); }
        };
        go("Categories, tags and months", "app:browse");
        go("All pages, A to Z", "app:az");
        go("Newest pages", "app:overview");
        go("A random page", "random");
        ImGui::Separator();
        go("History", "app:history");
        go("Bookmarks", "app:bookmarks");
        ImGui::Separator();
        if (ImGui::MenuItem("Copy page address", nullptr, false, record.has_value())) ImGui::SetClipboardText(current.url.c_str());
        if (ImGui::MenuItem("Copy selection", "Ctrl+C", false, has_selection())) copy_selection();
        if (ImGui::MenuItem("Copy page text", nullptr, false, !document.blocks.empty()))
            ImGui::SetClipboardText((header.title + "\n\n" + doc::plain_text(document)).c_str());
        ImGui::Separator();
        go("About this bundle", "app:info");
        if (ImGui::MenuItem("Open another bundle\xE2\x80\xA6")) {
            const size_t cut = bundle_path.find_last_of("/\\");
            if (!platform.choose_file()) screen = Screen::chooser;  // else the platform's own picker
            if (screen == Screen::chooser) chooser_list(cut == std::string::npos ? platform.home_folder() : bundle_path.substr(0, cut));
        }
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(layout.headings.size() < 2);
    if (ImGui::Button("Contents")) ImGui::OpenPopup("contents_menu");
    ImGui::EndDisabled();
    if (ImGui::BeginPopup("contents_menu")) {
        if (ImGui::IsKeyPressed(ImGuiKey_Escape, false)) ImGui::CloseCurrentPopup();
        for (const HeadingAnchor& heading : layout.headings) {
            ImGui::Indent(static_cast<float>(std::max(0, heading.level - 1)) * 12 * ui_scale);
            if (ImGui::Selectable(heading.text.c_str())) set_scroll(heading.y - body_size(), true);
            ImGui::Unindent(static_cast<float>(std::max(0, heading.level - 1)) * 12 * ui_scale);
        }
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    bool marked = false;
    for (const Bookmark& mark : bookmarks) marked = marked || (mark.bundle_key == bundle_key() && mark.url == current.url);
    ImGui::BeginDisabled(!record.has_value());
    if (ImGui::Button(marked ? "Bookmarked" : "Bookmark")) {
        if (marked) {
            bookmarks.erase(std::remove_if(bookmarks.begin(), bookmarks.end(), [&](const Bookmark& mark) {
                return mark.bundle_key == bundle_key() && mark.url == current.url; }), bookmarks.end());
        } else {
            bookmarks.push_back({bundle_key(), current.url, current.title});
        }
        save_settings();
    }
    ImGui::EndDisabled();
    ImGui::EndDisabled();
    if (!open && screen != Screen::chooser) {
        ImGui::SameLine();
        if (ImGui::Button("Open a bundle\xE2\x80\xA6")) {
            const size_t cut = bundle_path.find_last_of("/\\");
            if (!platform.choose_file()) screen = Screen::chooser;  // else the platform's own picker
            if (screen == Screen::chooser) chooser_list(cut == std::string::npos ? platform.home_folder() : bundle_path.substr(0, cut));
        }
    }

    // Right-aligned: text size and theme; in a narrow window, after the
    // last button rather than over it (the cursor is already on the next
    // line here, so its x is no guide).
    const float right_width = ImGui::CalcTextSize("A-A+Dark").x + ImGui::GetStyle().FramePadding.x * 6 + ImGui::GetStyle().ItemSpacing.x * 2 + pad;
    toolbar_left_end = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
    toolbar_right_start = std::max(toolbar_left_end + ImGui::GetStyle().ItemSpacing.x, ImGui::GetWindowWidth() - right_width);
    ImGui::SameLine(toolbar_right_start);
    if (ImGui::Button("A-")) { zoom_step = std::max(zoom_step - 1, -5); save_settings(); }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Smaller text (Ctrl -)");
    ImGui::SameLine();
    if (ImGui::Button("A+")) { zoom_step = std::min(zoom_step + 1, 10); save_settings(); }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Larger text (Ctrl +)");
    ImGui::SameLine();
    if (ImGui::Button(dark ? "Light" : "Dark")) { dark = !dark; apply_imgui_style(dark, ui_scale); save_settings(); }

    if (find_open) {
        ImGui::SetCursorPosX(pad);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("Find in page");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(260 * ui_scale);
        if (find_focus) { ImGui::SetKeyboardFocusHere(); find_focus = false; }
        const bool enter = ImGui::InputText("##find", find_text, sizeof find_text, ImGuiInputTextFlags_EnterReturnsTrue);
        if (found_for != lower_ascii(find_text)) { update_find(); scroll_to_match(); }
        if (enter) { find_current = find_matches.empty() ? 0 : (find_current + 1) % static_cast<int>(find_matches.size()); scroll_to_match(); ImGui::SetKeyboardFocusHere(-1); }
        ImGui::SameLine();
        if (ImGui::Button("Previous") && !find_matches.empty()) {
            find_current = (find_current + static_cast<int>(find_matches.size()) - 1) % static_cast<int>(find_matches.size());
            scroll_to_match();
        }
        ImGui::SameLine();
        if (ImGui::Button("Next") && !find_matches.empty()) {
            find_current = (find_current + 1) % static_cast<int>(find_matches.size());
            scroll_to_match();
        }
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        if (find_text[0] == 0) ImGui::TextDisabled(" ");
        else if (find_matches.empty()) ImGui::TextDisabled("not found");
        else ImGui::TextDisabled("%d of %d", find_current + 1, static_cast<int>(find_matches.size()));
        ImGui::SameLine();
        if (ImGui::Button("Close")) { find_open = false; find_text[0] = 0; update_find(); }
    }
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + pad - ImGui::GetStyle().ItemSpacing.y);
}

// [SECTION] Reading view

void ReaderApp::Impl::draw_page() {
    const Palette p = palette_for(dark);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 size = ImGui::GetContentRegionAvail();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    viewport_height = size.y;
    content_top = origin.y;

    if (bundle_state == BundleState::opening || (bundle_state == BundleState::open && current.url.empty() && pending_request)) {
        const char* text = "Opening\xE2\x80\xA6";
        const ImVec2 text_size = ImGui::CalcTextSize(text);
        draw->AddText(ImVec2(origin.x + (size.x - text_size.x) * 0.5f, origin.y + size.y * 0.4f), p.muted, text);
        return;
    }
    if (bundle_state == BundleState::none && document.blocks.empty()) {
        const char* text = "No bundle is open. Use Browse \xE2\x80\xBA Open another bundle.";
        const ImVec2 text_size = ImGui::CalcTextSize(text);
        draw->AddText(ImVec2(origin.x + (size.x - text_size.x) * 0.5f, origin.y + size.y * 0.4f), p.muted, text);
        return;
    }

    const float em = std::round(body_size());
    const float side = std::max(em * 1.5f, 24.0f * ui_scale);
    // About 70 characters a line: Noto Sans averages ~0.38 of ImGui's size per character.
    const float column = std::floor(std::min(size.x - 2 * side, em * 27.0f));
    ensure_layout(std::max(column, em * 6));
    column_left = std::floor(origin.x + (size.x - layout.width) * 0.5f);
    page_top = std::floor(origin.y + top_margin - scroll);
    const float band_top = scroll - top_margin, band_bottom = band_top + size.y;

    // Boxes: rules, quote bars, code bands, tables, images.
    for (const LaidBox& box : layout.boxes) {
        if (box.y1 < band_top || box.y0 > band_bottom) continue;
        const ImVec2 a(column_left + box.x0, page_top + box.y0), b(column_left + box.x1, page_top + box.y1);
        switch (box.kind) {
        case BoxKind::rule: case BoxKind::table_line: draw->AddRectFilled(a, ImVec2(b.x, a.y + 1), p.rule); break;
        case BoxKind::quote_bar: draw->AddRectFilled(a, b, p.quote_bar, 1.5f); break;
        case BoxKind::code_background: draw->AddRectFilled(a, b, p.code_bg, 4.0f); break;
        case BoxKind::table_header: draw->AddRectFilled(a, b, p.table_header); break;
        case BoxKind::filled: draw->AddRectFilled(a, b, p.rule); break;
        case BoxKind::image: {
            const doc::Image* image = box.image >= 0 && box.image < static_cast<int32_t>(document.images.size()) ? &document.images[box.image] : nullptr;
            auto slot = image ? images.find(image->image_id) : images.end();
            if (slot != images.end() && slot->second.state == ImageSlot::State::ready) {
                draw->AddImage(ImTextureRef(slot->second.texture), a, b, ImVec2(0, box.uv_top), ImVec2(1, box.uv_bottom));
            } else {
                draw->AddRectFilled(a, b, p.code_bg, 4.0f);
                std::string label = slot != images.end() && slot->second.state == ImageSlot::State::failed ? "[image could not be shown]"
                                  : (image && image->image_id <= 0) ? "[image not in this bundle]" : "";
                if (image && !image->alt.empty()) label += (label.empty() ? "" : " ") + image->alt;
                if (!label.empty()) {
                    ImFont* font = faces[2] ? faces[2] : ImGui::GetFont();
                    const float fs = em * 0.85f;
                    draw->AddText(font, fs, ImVec2(a.x + em * 0.6f, a.y + em * 0.6f), p.muted, label.c_str(), nullptr, b.x - a.x - em * 1.2f);
                }
            }
            break;
        }
        }
    }

    // Hover and click.
    const ImVec2 mouse = ImGui::GetMousePos();
    const bool hovered = ImGui::IsWindowHovered() && mouse.x < origin.x + size.x - 14 * ui_scale;
    const LaidRun* under = hovered ? run_at(layout, ImVec2(mouse.x - column_left, mouse.y - page_top)) : nullptr;
    const int32_t hovered_link = under ? under->link : -1;
    hover_target.clear();
    if (hovered_link >= 0 && hovered_link < static_cast<int32_t>(document.links.size())) {
        const doc::Link& link = document.links[hovered_link];
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        if (link.url.rfind("app:", 0) == 0 || link.url == "random") hover_target = "";
        else if (link.target == doc::LinkTarget::internal) hover_target = url::path_and_query(link.url);
        else if (link.target == doc::LinkTarget::missing) hover_target = "Not in this bundle: " + link.url;
        else if (link.target == doc::LinkTarget::image) hover_target = "Image: " + link.url;
        else hover_target = "Another website: " + link.url;
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) pressed_link = hovered_link;
    }
    if (under && hovered_link < 0) ImGui::SetMouseCursor(ImGuiMouseCursor_TextInput);
    handle_selection_mouse(mouse, hovered, hovered_link >= 0);
    if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
        const int32_t clicked = pressed_link;
        pressed_link = -1;
        if (clicked >= 0 && clicked == hovered_link) follow_link(clicked);
        if (clicked >= 0) return;  // the document may have changed
    }

    // Find highlights behind the text.
    const auto [first_line, end_line] = visible_lines(layout, band_top, band_bottom);
    if (!find_matches.empty() && !layout.lines.empty()) {
        const uint32_t first_run = first_line < layout.lines.size() ? layout.lines[first_line].first_run : 0;
        const uint32_t end_run = end_line > 0 ? layout.lines[end_line - 1].end_run : 0;
        for (size_t m = 0; m < find_matches.size(); ++m) {
            const FindMatch& match = find_matches[m];
            if (match.run < first_run || match.run >= end_run) continue;
            const LaidRun& run = layout.runs[match.run];
            ImFont* font = faces[run.face];
            const float x0 = font->CalcTextSizeA(run.size, FLT_MAX, 0, run.text.data(), run.text.data() + match.begin).x;
            const float x1 = font->CalcTextSizeA(run.size, FLT_MAX, 0, run.text.data(), run.text.data() + match.end).x;
            draw->AddRectFilled(ImVec2(column_left + run.x + x0 - 1, page_top + run.y - run.size * 0.1f),
                                ImVec2(column_left + run.x + x1 + 1, page_top + run.y + run.size * 1.2f),
                                static_cast<int>(m) == find_current ? p.find_current : p.find_highlight, 2.0f);
        }
    }

    draw_selection(draw, p, first_line, end_line);

    // The text, only the visible lines.
    visible_headings.clear();
    visible_links.clear();
    missing_glyphs = 0;
    int32_t last_link = -1;
    for (size_t i = first_line; i < end_line; ++i) {
        const LaidLine& line = layout.lines[i];
        for (uint32_t r = line.first_run; r < line.end_run; ++r) {
            const LaidRun& run = layout.runs[r];
            ImFont* font = faces[run.face] ? faces[run.face] : ImGui::GetFont();
            const ImVec2 at(column_left + run.x, page_top + run.y);
            ImU32 color = color_for(p, run.role);
            draw->AddText(font, run.size, at, color, run.text.data(), run.text.data() + run.text.size());
            if (run.link >= 0 && is_link(run.role)) {
                // Underline just below the baseline; stronger when hovered.
                const float baseline = at.y + font->GetFontBaked(run.size)->Ascent;
                const bool hot = run.link == hovered_link;
                const ImU32 line_color = hot ? color : (color & 0x00FFFFFF) | (0x70u << 24);
                draw->AddRectFilled(ImVec2(at.x, baseline + run.size * 0.12f), ImVec2(at.x + run.width, baseline + run.size * 0.12f + (hot ? 1.6f : 1.0f) * ui_scale), line_color);
                if (run.link != last_link) visible_links.push_back(run.text);
                else if (!visible_links.empty()) visible_links.back() += " " + run.text;
                last_link = run.link;
            } else if (run.role != TextRole::marker) {
                last_link = -1;
            }
            // Count characters no face can draw (they would show as boxes).
            for (size_t k = 0; k < run.text.size();) {
                const text::DecodedChar c = text::decode_utf8(run.text, k);
                k += c.length;
                if (c.code_point > 0x20 && c.code_point < 0x10000 && text::char_width(c.code_point) > 0 &&
                    !font->IsGlyphInFont(static_cast<ImWchar>(c.code_point)))
                    ++missing_glyphs;
            }
        }
    }
    for (const HeadingAnchor& heading : layout.headings)
        if (heading.y >= band_top && heading.y < band_bottom) visible_headings.push_back(heading.text);

    // A thin scrollbar at the right edge, draggable.
    const float total = layout.height + top_margin;
    if (total > size.y + 1) {
        const float bar_w = 6 * ui_scale;
        const float x = origin.x + size.x - bar_w - 4 * ui_scale;
        const float thumb_h = std::max(size.y * size.y / total, 30 * ui_scale);
        const float thumb_y = origin.y + (size.y - thumb_h) * (scroll / std::max(1.0f, max_scroll()));
        const ImVec2 rail_a(x - 6 * ui_scale, origin.y), rail_b(origin.x + size.x, origin.y + size.y);
        ImGui::SetCursorScreenPos(rail_a);
        ImGui::InvisibleButton("##scrollbar", ImVec2(rail_b.x - rail_a.x, rail_b.y - rail_a.y));
        const bool hot = ImGui::IsItemHovered() || ImGui::IsItemActive();
        if (ImGui::IsItemActive()) {
            const float fraction = (mouse.y - origin.y - thumb_h * 0.5f) / std::max(1.0f, size.y - thumb_h);
            set_scroll(fraction * max_scroll(), false);
        }
        draw->AddRectFilled(ImVec2(x, thumb_y), ImVec2(x + bar_w, thumb_y + thumb_h), hot ? p.scrollbar_hover : p.scrollbar, bar_w * 0.5f);
    }
}

// [SECTION] Status bar, popups

void ReaderApp::Impl::draw_status_bar() {
    const Palette p = palette_for(dark);
    // The platform's own controls at the right end (the browser's offline
    // controls): the line's text stops short of them, the percentage sits
    // left of them.
    const float right = ImGui::GetWindowWidth() - std::max(0.0f, status_line_reserved.x);
    const ImVec2 line_min(ImGui::GetWindowPos().x, ImGui::GetWindowPos().y + ImGui::GetCursorPosY());
    ImGui::PushClipRect(line_min, ImVec2(line_min.x + right, line_min.y + ImGui::GetWindowHeight()), true);
    status_line_text_right = line_min.x + right;
    ImGui::SetCursorPos(ImVec2(12 * ui_scale, ImGui::GetCursorPosY() + 4 * ui_scale));
    std::string left = hover_target;
    if (left.empty()) {
        if (bundle_state == BundleState::failed) left = "Cannot read " + bundle_shown_name;
        else if (record) left = url::path_and_query(current.url);
        else left = info.site_name;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, p.status_text);
    ImGui::TextUnformatted(left.c_str());
    // A bundle that is not what its signer made stays flagged on every page.
    if (bundle_state != BundleState::failed && !bundle_path.empty()) {
        const signing::SignatureCheck& signature = info.signature;
        std::string warning;
        if (signature.state == signing::SignatureState::tampered)
            warning = "TAMPERED: changed since " + signature.publisher + " signed it (see Bundle information)";
        else if (signature.state == signing::SignatureState::bad_signature)
            warning = "BAD SIGNATURE: do not trust this bundle (see Bundle information)";
        else if (signature.state == signing::SignatureState::verified && signature.trust == signing::PublisherTrust::unknown_key)
            warning = "Signed by an unknown key: " + signature.publisher + " (" + signature.fingerprint + ")";
        if (!warning.empty()) {
            ImGui::SameLine(0, 24 * ui_scale);
            ImGui::TextColored(ImVec4(0.86f, 0.22f, 0.18f, 1.0f), "%s", warning.c_str());
        }
    }
    if (verifying) {
        // Checking a big bundle on a slow stick takes a while: say how far.
        char label[96];
        const float fraction = verify_total > 0 ? static_cast<float>(verify_done) / static_cast<float>(verify_total) : 0.0f;
        std::snprintf(label, sizeof label, "Verifying: %lld of %lld", static_cast<long long>(verify_done),
                      static_cast<long long>(verify_total));
        const float bar_width = 260 * ui_scale;
        ImGui::SameLine(right - bar_width - 70 * ui_scale);
        ImGui::ProgressBar(fraction, ImVec2(bar_width, ImGui::GetTextLineHeight()), label);
    } else if (screen == Screen::page && layout.height > viewport_height) {
        char where[32];
        std::snprintf(where, sizeof where, "%d%%", static_cast<int>(std::round(100.0f * scroll / std::max(1.0f, max_scroll()))));
        ImGui::SameLine(right - ImGui::CalcTextSize(where).x - 14 * ui_scale);
        ImGui::TextUnformatted(where);
    }
    ImGui::PopStyleColor();
    ImGui::PopClipRect();
}

void ReaderApp::Impl::draw_popups() {
    const bool close_now = close_popups && !open_external_popup;
    close_popups = false;
    if (open_external_popup) { ImGui::OpenPopup("Another website"); open_external_popup = false; }
    ImGui::SetNextWindowSize(ImVec2(std::min(560.0f * ui_scale, ImGui::GetMainViewport()->WorkSize.x - 40), 0));
    if (ImGui::BeginPopupModal("Another website", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::TextWrapped("This link leads outside this bundle, to:");
        ImGui::Spacing();
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette_for(dark).link), "%s", external_url.c_str());
        ImGui::PopTextWrapPos();
        ImGui::Spacing();
        ImGui::TextDisabled("Opening it needs an internet connection.");
        ImGui::Spacing();
        if (ImGui::Button("Copy address")) ImGui::SetClipboardText(external_url.c_str());
        ImGui::SameLine();
        if (ImGui::Button("Open in browser")) {
            Status opened = platform.open_in_browser(external_url);
            if (!opened.ok()) message = "Could not start a browser: " + opened.message();
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGuiKey_Escape) || close_now) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
}

// [SECTION] File chooser

void ReaderApp::Impl::draw_chooser() {
    const float pad = 24 * ui_scale;
    ImGui::SetCursorPos(ImVec2(pad, pad));
    ImGui::BeginGroup();
    ImFont* bold = faces[1] ? faces[1] : ImGui::GetFont();
    ImGui::PushFont(bold, ImGui::GetStyle().FontSizeBase * 1.4f);
    ImGui::TextUnformatted("Open a bundle");
    ImGui::PopFont();
    ImGui::TextDisabled("Choose a .sitepack file. Nothing is ever written to it or beside it.");
    ImGui::Spacing();
    if (ImGui::Button("Up")) {
        std::string folder = chooser_folder;
        while (folder.size() > 1 && (folder.back() == '/' || folder.back() == '\\')) folder.pop_back();
        const size_t cut = folder.find_last_of("/\\");
        chooser_list(cut == std::string::npos ? folder : (cut == 0 ? folder.substr(0, 1) : folder.substr(0, cut)));
    }
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(chooser_folder.c_str());
    if (bundle_state == BundleState::open) {
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) screen = Screen::page;
    }
    ImGui::EndGroup();
    if (!chooser_error.empty()) ImGui::TextWrapped("%s", chooser_error.c_str());
    ImGui::SetCursorPosX(pad);
    ImGui::BeginChild("##entries", ImVec2(ImGui::GetContentRegionAvail().x - pad, -pad), ImGuiChildFlags_Borders);
    std::string chosen_folder, chosen_file;
    for (const DirectoryEntry& entry : chooser_entries) {
        if (!entry.name.empty() && entry.name[0] == '.') continue;
        const bool bundle = entry.name.size() > 9 && lower_ascii(entry.name.substr(entry.name.size() - 9)) == ".sitepack";
        if (!entry.is_directory && !bundle) continue;
        std::string label = entry.is_directory ? entry.name + "/" : entry.name + "   (" + std::to_string(entry.size / 1024) + " KB)";
        if (ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_AllowDoubleClick)) {
            std::string path = chooser_folder;
            if (!path.empty() && path.back() != platform.path_separator()) path += platform.path_separator();
            path += entry.name;
            if (entry.is_directory) chosen_folder = path; else chosen_file = path;
        }
    }
    ImGui::EndChild();
    if (!chosen_folder.empty()) chooser_list(chosen_folder);
    if (!chosen_file.empty()) begin_open(chosen_file, chosen_file);
}

// [SECTION] Selecting text

std::string ReaderApp::Impl::selection_text() const {
    return has_selection() ? selected_text(layout, selection_anchor, selection_focus) : std::string();
}

void ReaderApp::Impl::copy_selection() {
    const std::string text = selection_text();
    if (!text.empty()) ImGui::SetClipboardText(text.c_str());
}

void ReaderApp::Impl::select_all() {
    clear_selection();
    bool first = true;
    for (uint32_t i = 0; i < layout.lines.size(); ++i) {
        const LaidLine& line = layout.lines[i];
        if (line.end_run <= line.first_run) continue;
        if (first) selection_anchor = {i, line.first_run, 0};
        first = false;
        selection_focus = {i, line.end_run - 1, static_cast<uint32_t>(layout.runs[line.end_run - 1].text.size())};
    }
}

// A press on text (not on a link) starts a selection, Shift+press extends
// it, a double-click takes a word; dragging past the top or bottom edge
// scrolls the page along.
void ReaderApp::Impl::handle_selection_mouse(ImVec2 mouse, bool over_page, bool over_link) {
    const ImVec2 point(mouse.x - column_left, mouse.y - page_top);
    if (over_page && !over_link && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        const std::optional<TextPosition> at = text_position_at(layout, layout_fonts(), point);
        if (!at) { clear_selection(); return; }
        if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
            std::tie(selection_anchor, selection_focus) = word_around(layout, *at);
            selecting = false;
            return;
        }
        if (!(ImGui::GetIO().KeyShift && has_selection())) selection_anchor = *at;
        selection_focus = *at;
        selecting = true;
        return;
    }
    if (!selecting) return;
    // Also on the frame of the release: a quick hand moves and lets go at once.
    if (const std::optional<TextPosition> at = text_position_at(layout, layout_fonts(), point)) selection_focus = *at;
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) { selecting = false; return; }
    const float step = body_size();
    if (mouse.y < content_top) set_scroll(scroll_target - step, false);
    else if (mouse.y > content_top + viewport_height) set_scroll(scroll_target + step, false);
}

void ReaderApp::Impl::draw_selection(ImDrawList* draw, const Palette& palette, size_t first_line, size_t end_line) {
    if (!has_selection()) return;
    TextPosition from = selection_anchor, to = selection_focus;
    if (to < from) std::swap(from, to);
    const LayoutFonts fonts = layout_fonts();
    for (size_t i = std::max<size_t>(first_line, from.line); i < end_line && i <= to.line; ++i) {
        const LaidLine& line = layout.lines[i];
        for (uint32_t r = line.first_run; r < line.end_run; ++r) {
            const LaidRun& run = layout.runs[r];
            if (run.role == TextRole::marker) continue;
            const auto [begin, end] = selected_bytes(layout, static_cast<uint32_t>(i), r, from, to);
            if (begin >= end) continue;
            const auto [x0, x1] = run_span_x(run, fonts, begin, end);
            draw->AddRectFilled(ImVec2(column_left + run.x + x0, page_top + line.top),
                                ImVec2(column_left + run.x + x1, page_top + line.bottom), palette.selection);
        }
    }
}

// [SECTION] Keyboard and wheel

void ReaderApp::Impl::handle_keys() {
    ImGuiIO& io = ImGui::GetIO();
    const float em = body_size();
    if (ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_F)) { find_open = true; find_focus = true; }
    if (ImGui::IsKeyChordPressed(ImGuiMod_Alt | ImGuiKey_LeftArrow) || ImGui::IsMouseClicked(3)) go_back();
    if (ImGui::IsKeyChordPressed(ImGuiMod_Alt | ImGuiKey_RightArrow) || ImGui::IsMouseClicked(4)) go_forward();
    if (ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_Equal) || ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_KeypadAdd)) zoom_step = std::min(zoom_step + 1, 10);
    if (ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_Minus) || ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_KeypadSubtract)) zoom_step = std::max(zoom_step - 1, -5);
    if (ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_0)) zoom_step = 0;
    if (find_open && ImGui::IsKeyPressed(ImGuiKey_Escape)) { find_open = false; find_text[0] = 0; update_find(); }
    if (screen != Screen::page) return;
    if (io.MouseWheel != 0 && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
        if (io.KeyCtrl) zoom_step = std::clamp(zoom_step + (io.MouseWheel > 0 ? 1 : -1), -5, 10);
        else set_scroll(scroll_target - io.MouseWheel * em * 4.0f, true);
    }
    if (io.WantTextInput) return;  // typing in the search or find box
    if (ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_C) && has_selection()) copy_selection();
    if (ImGui::IsKeyChordPressed(ImGuiMod_Ctrl | ImGuiKey_A)) select_all();
    if (ImGui::IsKeyPressed(ImGuiKey_Escape, false) && !find_open) clear_selection();
    const float page = viewport_height * 0.88f;
    if (ImGui::IsKeyPressed(ImGuiKey_DownArrow)) set_scroll(scroll_target + em * 2.5f, true);
    if (ImGui::IsKeyPressed(ImGuiKey_UpArrow)) set_scroll(scroll_target - em * 2.5f, true);
    if (ImGui::IsKeyPressed(ImGuiKey_PageDown) || (ImGui::IsKeyPressed(ImGuiKey_Space) && !io.KeyShift)) set_scroll(scroll_target + page, true);
    if (ImGui::IsKeyPressed(ImGuiKey_PageUp) || (ImGui::IsKeyPressed(ImGuiKey_Space) && io.KeyShift)) set_scroll(scroll_target - page, true);
    if (ImGui::IsKeyPressed(ImGuiKey_Home, false) && !io.KeyCtrl) set_scroll(0, true);
    if (ImGui::IsKeyPressed(ImGuiKey_End, false)) set_scroll(max_scroll(), true);
    if (ImGui::IsKeyPressed(ImGuiKey_Backspace, false)) go_back();
}

}  // namespace sitepack::ui
