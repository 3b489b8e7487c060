#include "image_probe.h"

#include <cstring>

#include "sitepack/image_header.h"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_GIF
#define STBI_NO_FAILURE_STRINGS
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
// The pinned libstb source package (.deps/src/stb), as the reader decodes with.
#include "stb_image.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace sitepack::build {
namespace {

bool starts_with(std::string_view bytes, std::string_view magic) {
    return bytes.size() >= magic.size() && std::memcmp(bytes.data(), magic.data(), magic.size()) == 0;
}

}  // namespace

bool looks_like_image(std::string_view bytes) {
    return starts_with(bytes, "\xFF\xD8\xFF") || starts_with(bytes, "\x89PNG\r\n\x1A\n") || starts_with(bytes, "GIF8") ||
           (starts_with(bytes, "RIFF") && bytes.size() >= 12 && bytes.substr(8, 4) == "WEBP") ||
           starts_with(bytes, "BM") || bytes.find("<svg") < 512;
}

Result<ImageProbe> probe_image(std::string_view bytes) {
    ImageProbe probe;
    if (starts_with(bytes, "\xFF\xD8\xFF")) probe.mime_type = "image/jpeg";
    else if (starts_with(bytes, "\x89PNG\r\n\x1A\n")) probe.mime_type = "image/png";
    else if (starts_with(bytes, "GIF8")) probe.mime_type = "image/gif";
    else if (bytes.find("<svg") < 512) return Error{ErrorCode::bad_input, "SVG image (not kept: SVG can hold scripts)"};
    else if (starts_with(bytes, "RIFF")) return Error{ErrorCode::bad_input, "image format the reader cannot show: WebP"};
    else return Error{ErrorCode::bad_input, "image format the reader cannot show"};

    int64_t claimed_width = 0, claimed_height = 0;
    if (image_header_size(bytes, claimed_width, claimed_height) && image_over_limits(claimed_width, claimed_height))
        return Error{ErrorCode::too_large, "image claiming " + std::to_string(claimed_width) + "x" +
                                               std::to_string(claimed_height) + " pixels (over " +
                                               std::to_string(kMaxImageSide) + " a side or " +
                                               std::to_string(kMaxImagePixels >> 20) + " Mpixels)"};
    int width = 0, height = 0, channels = 0;
    if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
        !stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), static_cast<int>(bytes.size()), &width,
                               &height, &channels))
        return Error{ErrorCode::bad_input, "image whose header cannot be read"};
    if (width <= 0 || height <= 0) return Error{ErrorCode::bad_input, "image whose header cannot be read"};
    if (image_over_limits(width, height))
        return Error{ErrorCode::too_large, "image claiming " + std::to_string(width) + "x" + std::to_string(height) + " pixels"};
    probe.width = width;
    probe.height = height;
    return probe;
}

}  // namespace sitepack::build
