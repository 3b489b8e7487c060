// fuzz_font_load.cpp: a bundle's embedded font (Bundle::fonts) as the reader
// loads it: Dear ImGui 1.92 hands the bytes to stb_truetype, and this target
// makes the calls ImGui's stb_truetype loader makes (imgui_draw.cpp,
// ImGui_ImplStbTrueType_*) for the characters a page shows. Opt-in (see
// CMakeLists.txt): stb_truetype does not check its input ("no security
// guarantee"), so this crashes until the reader validates fonts first.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#include "imstb_truetype.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // ImGui keeps the bytes as they are; a copy gives ASan exact bounds.
    std::vector<unsigned char> font_bytes(data, data + size);
    const unsigned char* bytes = font_bytes.data();
    if (size < 12) return 0;  // stb reads the header unchecked; ImGui fails earlier on such sizes too
    const int offset = stbtt_GetFontOffsetForIndex(bytes, 0);
    if (offset < 0) return 0;
    stbtt_fontinfo font;
    if (!stbtt_InitFont(&font, bytes, offset)) return 0;
    const float scale = stbtt_ScaleForPixelHeight(&font, 1.0f) * 20.0f;
    int ascent = 0, descent = 0, line_gap = 0;
    stbtt_GetFontVMetrics(&font, &ascent, &descent, &line_gap);
    for (int codepoint : {0x41, 0x67, 0x20, 0xE9, 0x2019, 0x3042, 0x65E5, 0xAC00, 0xFFFD}) {
        const int glyph = stbtt_FindGlyphIndex(&font, codepoint);
        if (glyph == 0) continue;
        int x0, y0, x1, y1, advance, lsb;
        stbtt_GetGlyphBitmapBoxSubpixel(&font, glyph, scale * 2.0f, scale, 0, 0, &x0, &y0, &x1, &y1);
        stbtt_GetGlyphHMetrics(&font, glyph, &advance, &lsb);
        if (x0 == x1 || y0 == y1) continue;
        const long w = long(x1) - x0 + 1, h = long(y1) - y0;
        if (w <= 0 || h <= 0 || w * h > 4096L * 4096L) continue;  // ImGui's atlas refuses such rectangles
        std::vector<unsigned char> pixels(static_cast<size_t>(w * h));
        float sub_x, sub_y;
        stbtt_MakeGlyphBitmapSubpixelPrefilter(&font, pixels.data(), int(w), int(h), int(w), scale * 2.0f, scale, 0, 0, 2, 1,
                                               &sub_x, &sub_y, glyph);
    }
    return 0;
}
