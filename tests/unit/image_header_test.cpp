// image_header_test.cpp: the size an image claims, read from its header
// before any decoder sees it.
#include <doctest/doctest.h>

#include <string>

#include "sitepack/image_header.h"

using sitepack::image_header_size;

namespace {

std::string big_endian(uint32_t value, int bytes) {
    std::string out;
    for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
    return out;
}

std::string png_header(uint32_t width, uint32_t height) {
    return std::string("\x89PNG\r\n\x1A\n", 8) + big_endian(13, 4) + "IHDR" + big_endian(width, 4) + big_endian(height, 4) +
           std::string("\x08\x06\x00\x00\x00", 5);
}

// SOI, an APP0 segment to skip, a fill byte, then SOF0 with the size.
std::string jpeg_header(uint16_t width, uint16_t height) {
    std::string app0 = std::string("\xFF\xE0", 2) + big_endian(16, 2) + std::string("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
    std::string sof0 = std::string("\xFF\xC0", 2) + big_endian(17, 2) + "\x08" + big_endian(height, 2) + big_endian(width, 2) +
                       std::string("\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
    return std::string("\xFF\xD8", 2) + app0 + "\xFF" + sof0;
}

}  // namespace

TEST_CASE("an image header's claimed size is read for PNG, GIF and JPEG, huge claims included") {
    int64_t width = 0, height = 0;
    REQUIRE(image_header_size(png_header(60000, 60000), width, height));
    CHECK(width == 60000);
    CHECK(height == 60000);
    REQUIRE(image_header_size(std::string("GIF89a\x40\x01\xF0\x00", 10), width, height));
    CHECK(width == 320);
    CHECK(height == 240);
    REQUIRE(image_header_size(jpeg_header(1024, 768), width, height));
    CHECK(width == 1024);
    CHECK(height == 768);
}

TEST_CASE("a header cut short or of another format claims nothing and is never read past its end") {
    int64_t width = 7, height = 9;
    const std::string jpeg = jpeg_header(1024, 768);
    const std::string png = png_header(10, 10);
    for (size_t length = 0; length < jpeg.size() - 10; ++length)
        CHECK_FALSE(image_header_size(std::string_view(jpeg).substr(0, length), width, height));
    for (size_t length = 0; length < 24; ++length)
        CHECK_FALSE(image_header_size(std::string_view(png).substr(0, length), width, height));
    CHECK_FALSE(image_header_size("BM\x36\x00\x00\x00", width, height));
    CHECK_FALSE(image_header_size("<svg width='10' height='10'/>", width, height));
    // A JPEG segment with a length under 2 would loop forever if trusted.
    CHECK_FALSE(image_header_size(std::string("\xFF\xD8\xFF\xE0\x00\x01\xFF\xC0", 8), width, height));
    CHECK(width == 7);
    CHECK(height == 9);
}
