// image_decode.cpp: the one place the reader compiles stb_image (JPEG, PNG,
// GIF only; no stdio: bundles hand us bytes, never file names). The header
// comes from the pinned libstb source package (.deps/src/stb, newer than
// bookworm's: its JPEG Huffman builder wrote past a table on hostile input;
// tests/regressions/fuzz_image_decode keeps that file).
// Static: the builder (image_probe.cpp) compiles its own copy, and unit_tests
// links both.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_GIF
#define STBI_NO_STDIO
// stb_image's own check, a second fence behind the header check below (it
// also covers frames inside a GIF, which stbi_info does not look at).
#define STBI_MAX_DIMENSIONS 16384
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#endif
#include "stb_image.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <climits>
#include <cstring>

#include "image_decode.h"

namespace sitepack::ui {
namespace {

std::string size_text(int64_t width, int64_t height) { return std::to_string(width) + "x" + std::to_string(height); }

bool starts_with(const std::string& bytes, const char* magic, size_t length) {
    return bytes.size() >= length && bytes.compare(0, length, magic, length) == 0;
}

uint32_t big_endian(const std::string& bytes, size_t at, int length) {
    uint32_t value = 0;
    for (int i = 0; i < length; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
}

// The size a PNG, GIF or JPEG header claims, read here rather than by
// stb_image: stb calls a header whose pixels pass 1 GB unreadable, and the
// reader should say what the file claims. False when no size is found.
// (The builder reads headers the same way in bundle/image_probe.cpp.)
bool claimed_size(const std::string& bytes, int64_t& width, int64_t& height) {
    if (starts_with(bytes, "\x89PNG\r\n\x1A\n", 8)) {
        if (bytes.size() < 24 || bytes.compare(12, 4, "IHDR") != 0) return false;
        width = big_endian(bytes, 16, 4);
        height = big_endian(bytes, 20, 4);
        return true;
    }
    if (starts_with(bytes, "GIF8", 4)) {
        if (bytes.size() < 10) return false;
        width = static_cast<unsigned char>(bytes[6]) | static_cast<unsigned char>(bytes[7]) << 8;
        height = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
        return true;
    }
    if (!starts_with(bytes, "\xFF\xD8", 2)) return false;
    size_t at = 2;  // JPEG: walk the marker segments to the first start-of-frame
    while (at + 4 <= bytes.size()) {
        if (static_cast<unsigned char>(bytes[at]) != 0xFF) return false;
        const unsigned marker = static_cast<unsigned char>(bytes[at + 1]);
        if (marker == 0xFF) { ++at; continue; }  // fill byte
        const bool start_of_frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (start_of_frame) {
            if (at + 9 > bytes.size()) return false;
            height = big_endian(bytes, at + 5, 2);
            width = big_endian(bytes, at + 7, 2);
            return true;
        }
        const size_t length = big_endian(bytes, at + 2, 2);
        if (length < 2) return false;
        at += 2 + length;
    }
    return false;
}

std::string too_large(int64_t width, int64_t height) {
    return "image " + size_text(width, height) + " is larger than the reader draws (at most " +
           std::to_string(kMaxDecodedSide) + " px a side, " + std::to_string(kMaxDecodedPixels >> 20) + " Mpixels)";
}

bool over_limits(int64_t width, int64_t height) {
    return width > kMaxDecodedSide || height > kMaxDecodedSide || width * height > kMaxDecodedPixels;
}

}  // namespace

DecodedImage decode_image(const std::string& bytes) {
    DecodedImage out;
    if (bytes.empty()) { out.error = "empty image"; return out; }
    if (bytes.size() > static_cast<size_t>(INT_MAX)) { out.error = "image file over 2 GB"; return out; }
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    const int length = static_cast<int>(bytes.size());
    // The header alone first: a few hundred bytes can claim any size, and the
    // decoder would allocate for the claim before finding the data missing.
    int64_t claimed_width = 0, claimed_height = 0;
    if (claimed_size(bytes, claimed_width, claimed_height) && over_limits(claimed_width, claimed_height)) {
        out.error = too_large(claimed_width, claimed_height);
        return out;
    }
    int width = 0, height = 0, channels = 0;
    if (!stbi_info_from_memory(data, length, &width, &height, &channels) || width <= 0 || height <= 0) {
        out.error = "image that is not a readable JPEG, PNG or GIF";
        return out;
    }
    const int64_t pixels = int64_t(width) * height;
    if (over_limits(width, height)) {
        out.error = too_large(width, height);
        return out;
    }
    // 16-bit PNG is decoded at 8 bytes a pixel before conversion.
    if (stbi_is_16_bit_from_memory(data, length) && pixels * 8 > (int64_t(256) << 20)) {
        out.error = "16-bit image " + size_text(width, height) + " is larger than the reader draws";
        return out;
    }
    int decoded_width = 0, decoded_height = 0;
    stbi_uc* decoded = stbi_load_from_memory(data, length, &decoded_width, &decoded_height, &channels, 4);
    if (!decoded) {
        const char* reason = stbi_failure_reason();
        out.error = std::string("damaged image (") + (reason ? reason : "unreadable") + ")";
        return out;
    }
    if (decoded_width > 0 && decoded_height > 0 && decoded_width <= kMaxDecodedSide &&
        decoded_height <= kMaxDecodedSide) {
        out.width = decoded_width;
        out.height = decoded_height;
        out.rgba.assign(decoded, decoded + static_cast<size_t>(decoded_width) * static_cast<size_t>(decoded_height) * 4);
    } else {
        out.error = "damaged image (decoded size " + size_text(decoded_width, decoded_height) + ")";
    }
    stbi_image_free(decoded);
    return out;
}

}  // namespace sitepack::ui
