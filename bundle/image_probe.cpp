#include "image_probe.h"

#include <cstring>

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

uint32_t big_endian(std::string_view bytes, size_t at, int length) {
    uint32_t value = 0;
    for (int i = 0; i < length; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
}

// The size the header claims, read without stb_image: stb refuses a header
// whose pixels would pass 1 GB as unreadable, and the message should say
// what the file claims. False when the header holds no size.
bool claimed_size(std::string_view bytes, int64_t& width, int64_t& height) {
    if (starts_with(bytes, "\x89PNG\r\n\x1A\n")) {
        if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") return false;
        width = big_endian(bytes, 16, 4);
        height = big_endian(bytes, 20, 4);
        return true;
    }
    if (starts_with(bytes, "GIF8")) {
        if (bytes.size() < 10) return false;
        width = static_cast<unsigned char>(bytes[6]) | static_cast<unsigned char>(bytes[7]) << 8;
        height = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
        return true;
    }
    // JPEG: walk the marker segments to the first start-of-frame.
    size_t at = 2;
    while (at + 4 <= bytes.size()) {
        if (static_cast<unsigned char>(bytes[at]) != 0xFF) return false;
        const unsigned marker = static_cast<unsigned char>(bytes[at + 1]);
        if (marker == 0xFF) { ++at; continue; }  // fill byte
        const size_t length = big_endian(bytes, at + 2, 2);
        const bool start_of_frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (start_of_frame) {
            if (at + 9 > bytes.size()) return false;
            height = big_endian(bytes, at + 5, 2);
            width = big_endian(bytes, at + 7, 2);
            return true;
        }
        if (length < 2) return false;
        at += 2 + length;
    }
    return false;
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
    if (claimed_size(bytes, claimed_width, claimed_height) &&
        (claimed_width > kMaxImageSide || claimed_height > kMaxImageSide ||
         claimed_width * claimed_height > kMaxImagePixels))
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
    if (width > kMaxImageSide || height > kMaxImageSide || int64_t(width) * height > kMaxImagePixels)
        return Error{ErrorCode::too_large, "image claiming " + std::to_string(width) + "x" + std::to_string(height) + " pixels"};
    probe.width = width;
    probe.height = height;
    return probe;
}

}  // namespace sitepack::build
