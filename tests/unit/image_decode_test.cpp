// image_decode_test.cpp: the reader's image decoder (shared/ui/image_decode.cpp)
// on real pictures of the sample site and on hostile headers.
#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include "image_decode.h"

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const std::string kCorpus = std::string(SITEPACK_SOURCE_DIR) + "/fuzz/corpus/image_decode/";

void put_big_endian(std::string& out, uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

// A PNG signature and an IHDR chunk claiming width x height, 8-bit RGBA;
// no pixel data (the decoder must refuse before looking for any).
std::string png_claiming(uint32_t width, uint32_t height) {
    std::string png = "\x89PNG\r\n\x1A\n";
    put_big_endian(png, 13);
    png += "IHDR";
    put_big_endian(png, width);
    put_big_endian(png, height);
    png += std::string("\x08\x06\x00\x00\x00", 5);
    put_big_endian(png, 0);  // CRC, not checked by the header reader
    return png;
}

// Appends one PNG chunk (CRC left 0: stb_image does not check it).
void put_chunk(std::string& png, const char* type, const std::string& data) {
    put_big_endian(png, static_cast<uint32_t>(data.size()));
    png += type;
    png += data;
    put_big_endian(png, 0);
}

// A 1x1 grey PNG (2 bytes: row filter, pixel) whose zlib data inflates to
// about `inflated_bytes` zeros: one fixed-Huffman deflate block of two
// literal zeros, then (length 258, distance 1) copies of 13 bits each.
std::string png_with_zlib_bomb(uint64_t inflated_bytes) {
    std::string deflate;
    uint32_t bit_buffer = 0;
    int bit_count = 0;
    auto put_bits = [&](uint32_t value, int count) {  // least significant bit first
        bit_buffer |= value << bit_count;
        bit_count += count;
        while (bit_count >= 8) { deflate.push_back(static_cast<char>(bit_buffer & 0xFF)); bit_buffer >>= 8; bit_count -= 8; }
    };
    auto put_code = [&](uint32_t code, int length) {  // Huffman codes go most significant bit first
        for (int bit = length - 1; bit >= 0; --bit) put_bits((code >> bit) & 1, 1);
    };
    put_bits(1, 1);                 // last block
    put_bits(1, 2);                 // fixed Huffman codes
    put_code(0x30, 8);              // literal 0: the row's filter
    put_code(0x30, 8);              // literal 0: the pixel
    for (uint64_t made = 2; made + 258 <= inflated_bytes; made += 258) {
        put_code(0xC5, 8);          // length 258 (symbol 285)
        put_code(0, 5);             // distance 1
    }
    put_code(0, 7);                 // end of block
    if (bit_count > 0) put_bits(0, 8 - bit_count);
    std::string idat = std::string("\x78\x01", 2) + deflate + std::string(4, '\0');  // zlib header, adler-32 unchecked
    std::string png = "\x89PNG\r\n\x1A\n";
    std::string header;
    put_big_endian(header, 1);
    put_big_endian(header, 1);
    header += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit grey
    put_chunk(png, "IHDR", header);
    put_chunk(png, "IDAT", idat);
    put_chunk(png, "IEND", "");
    return png;
}

}  // namespace

TEST_CASE("image_decode: the sample's PNG, JPEG and GIF decode to RGBA of their size") {
    for (const char* name : {"lfnkr-logo.png", "reunion-tokyo-2022.jpg", "tiny.gif"}) {
        INFO(name);
        const sitepack::ui::DecodedImage image = sitepack::ui::decode_image(read_file(kCorpus + name));
        CHECK(image.error.empty());
        REQUIRE(image.width > 0);
        REQUIRE(image.height > 0);
        CHECK(image.rgba.size() == size_t(image.width) * size_t(image.height) * 4);
    }
}

TEST_CASE("image_decode: a header claiming 60000x60000 pixels is refused with its size, before decoding") {
    const sitepack::ui::DecodedImage image = sitepack::ui::decode_image(png_claiming(60000, 60000));
    CHECK(image.rgba.empty());
    CHECK(image.error.find("60000x60000") != std::string::npos);
    CHECK(image.error.find("larger than the reader draws") != std::string::npos);
}

TEST_CASE("image_decode: a picture within one limit but over the pixel count is refused") {
    // 16000 x 16000 is under 16384 a side but 244 Mpixels.
    const sitepack::ui::DecodedImage image = sitepack::ui::decode_image(png_claiming(16000, 16000));
    CHECK(image.rgba.empty());
    CHECK(image.error.find("16000x16000") != std::string::npos);
}

TEST_CASE("image_decode: a small PNG whose data inflates far past its size is refused, not inflated") {
    // A 1x1 picture needs 2 bytes; these 2 MB of zlib inflate to 300 MB,
    // which stb_image alone would hold (in a 512 MB buffer) before decoding
    // the one pixel.
    const std::string bomb = png_with_zlib_bomb(uint64_t(300) << 20);
    CHECK(bomb.size() < 2100 * 1024);
    const sitepack::ui::DecodedImage image = sitepack::ui::decode_image(bomb);
    CHECK(image.rgba.empty());
    CHECK(image.error.find("damaged image") != std::string::npos);
    // The same picture with as much data as it needs decodes.
    const sitepack::ui::DecodedImage honest = sitepack::ui::decode_image(png_with_zlib_bomb(2));
    CHECK(honest.error.empty());
    CHECK(honest.width == 1);
}

TEST_CASE("image_decode: a cut or damaged picture is refused with a reason, never decoded past its end") {
    const std::string jpeg = read_file(kCorpus + "reunion-tokyo-2022.jpg");
    for (size_t length : {size_t(0), size_t(3), size_t(100), jpeg.size() / 2}) {
        INFO("length " << length);
        const sitepack::ui::DecodedImage image = sitepack::ui::decode_image(jpeg.substr(0, length));
        // stb_image fills a cut JPEG's missing rows: either refused with a
        // reason or decoded at its full size.
        if (image.rgba.empty()) CHECK_FALSE(image.error.empty());
        else CHECK(image.rgba.size() == size_t(image.width) * size_t(image.height) * 4);
    }
    CHECK_FALSE(sitepack::ui::decode_image("not a picture at all").error.empty());
}
