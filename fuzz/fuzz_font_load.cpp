// fuzz_font_load.cpp: a bundle's embedded font (Bundle::fonts) loaded as the
// reader loads it: Dear ImGui 1.92's atlas with the FreeType loader, drawing
// the characters of a page (reader_targets.h).
#include <cstdint>

#include "reader_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sitepack_fuzz::font_load(sitepack_fuzz::as_view(data, size));
    return 0;
}
