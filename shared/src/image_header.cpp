#include "sitepack/image_header.h"

#include <cstring>

namespace sitepack {
namespace {

bool starts_with(std::string_view bytes, std::string_view magic) {
    return bytes.size() >= magic.size() && std::memcmp(bytes.data(), magic.data(), magic.size()) == 0;
}

uint32_t big_endian(std::string_view bytes, size_t at, int length) {
    uint32_t value = 0;
    for (int i = 0; i < length; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
}

}  // namespace

bool image_header_size(std::string_view bytes, int64_t& width, int64_t& height) {
    if (starts_with(bytes, std::string_view("\x89PNG\r\n\x1A\n", 8))) {
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
    if (!starts_with(bytes, "\xFF\xD8")) return false;
    size_t at = 2;  // JPEG: walk the marker segments to the first start-of-frame
    while (at + 4 <= bytes.size()) {
        if (static_cast<unsigned char>(bytes[at]) != 0xFF) return false;
        const unsigned marker = static_cast<unsigned char>(bytes[at + 1]);
        if (marker == 0xFF) { ++at; continue; }  // fill byte
        // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
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

}  // namespace sitepack
