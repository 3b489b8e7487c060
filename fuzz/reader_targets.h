// reader_targets.h: what the reader's fuzz targets do with one input — the
// third-party decoders that see a bundle's bytes: stb_image for pictures
// (shared/ui/image_decode.cpp) and FreeType, through Dear ImGui's font atlas,
// for embedded fonts. fuzz_image_decode.cpp, fuzz_font_load.cpp and
// tests/unit/regressions_test.cpp call these same functions (see targets.h).
#pragma once

#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "image_decode.h"
#include "imgui.h"
#include "sitepack/image_header.h"

namespace sitepack_fuzz {

// A bundle's image as the reader decodes it (ReaderApp's image responses).
inline void image_decode(std::string_view input) {
    const sitepack::ui::DecodedImage image = sitepack::ui::decode_image(std::string(input));
    SITEPACK_FUZZ_CHECK(image.rgba.empty() || image.rgba.size() == size_t(image.width) * size_t(image.height) * 4,
                        "decoded pixels match the size");
    SITEPACK_FUZZ_CHECK(!image.rgba.empty() || !image.error.empty(), "a picture not decoded says why");
    SITEPACK_FUZZ_CHECK(image.width <= sitepack::kMaxImageSide && image.height <= sitepack::kMaxImageSide,
                        "no picture over the size limit is decoded");
}

// A bundle's font as the reader loads it (ReaderApp::before_new_frame):
// AddFontFromMemoryTTF into ImGui's atlas, whose loader is FreeType
// (IMGUI_ENABLE_FREETYPE), then a frame drawing Latin, Japanese and Korean
// text at two sizes, which makes the atlas rasterise those glyphs on demand.
inline void font_load(std::string_view input) {
    if (input.empty()) return;  // the reader never adds an empty font (ImGui asserts on it)
    ImGuiContext* context = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize = ImVec2(800, 600);
    io.DeltaTime = 1.0f / 60.0f;
    io.BackendFlags |= ImGuiBackendFlags_RendererHasTextures;  // 1.92's dynamic atlas, as the reader's backends
    // A copy with exact bounds, as the reader's bytes live in their own string.
    std::string bytes(input);
    ImFontConfig config;
    config.FontDataOwnedByAtlas = false;
    ImFont* font = io.Fonts->AddFontFromMemoryTTF(bytes.data(), static_cast<int>(bytes.size()), 18.0f, &config);
    if (font) {
        ImGui::NewFrame();
        ImGui::Begin("page");
        for (float size : {18.0f, 31.0f}) {
            ImGui::PushFont(font, size);
            ImGui::TextUnformatted("Ag \xC3\xA9\xE2\x80\x99 \xE3\x81\x82\xE6\x97\xA5\xEA\xB0\x80 \xEF\xBF\xBD 0123 fi");
            (void)ImGui::CalcTextSize("Wrapped text of a page, wider than the window", nullptr, false, 120.0f);
            ImGui::PopFont();
        }
        ImGui::End();
        ImGui::Render();
    }
    ImGui::DestroyContext(context);
}

}  // namespace sitepack_fuzz
