// image_decode.cpp: the one place stb_image is compiled (JPEG, PNG, GIF only;
// no stdio: bundles hand us bytes, never file names).
// Static: the builder (image_probe.cpp) compiles its own copy, and unit_tests
// links both.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_GIF
#define STBI_NO_STDIO
#define STBI_NO_FAILURE_STRINGS
#define STBI_MAX_DIMENSIONS 8192
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#endif
#include <stb/stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <climits>
#include <cstring>

#include "image_decode.h"

namespace sitepack::ui {

DecodedImage decode_image(const std::string& bytes) {
    DecodedImage out;
    if (bytes.empty() || bytes.size() > static_cast<size_t>(INT_MAX)) return out;
    int width = 0, height = 0, channels = 0;
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    stbi_uc* pixels = stbi_load_from_memory(data, static_cast<int>(bytes.size()), &width, &height, &channels, 4);
    if (!pixels) return out;
    if (width > 0 && height > 0) {
        out.width = width;
        out.height = height;
        out.rgba.assign(pixels, pixels + static_cast<size_t>(width) * static_cast<size_t>(height) * 4);
    }
    stbi_image_free(pixels);
    return out;
}

}  // namespace sitepack::ui
