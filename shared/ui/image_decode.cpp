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
// Every allocation of the decoder goes through a cap (see
// kMaxDecoderAllocation): a few KB of PNG can hold zlib data that inflates
// far past the size its header claims, and stb_image doubles its buffer
// until that data ends (up to 2 GB).
#include <stdlib.h>
#include "image_decode.h"
static void* stb_malloc_capped(size_t size) {
    return size > sitepack::ui::kMaxDecoderAllocation ? nullptr : malloc(size);
}
static void* stb_realloc_capped(void* block, size_t size) {
    return size > sitepack::ui::kMaxDecoderAllocation ? nullptr : realloc(block, size);
}
#define STBI_MALLOC(size) stb_malloc_capped(size)
#define STBI_REALLOC(block, size) stb_realloc_capped(block, size)
#define STBI_FREE(block) free(block)
// stb_image copies zero bytes into a buffer it has not allocated yet (a PNG
// whose first IDAT chunk is empty: memcpy(NULL, p, 0)). Harmless with any
// real memcpy, but undefined behaviour that UBSan rightly stops on; a copy
// that skips empty copies keeps the pinned header untouched.
#include <string.h>
static inline void* stb_memcpy_skipping_empty(void* destination, const void* source, size_t size) {
    return size == 0 ? destination : memcpy(destination, source, size);
}
#define memcpy(destination, source, size) stb_memcpy_skipping_empty(destination, source, size)
#include "stb_image.h"
#undef memcpy
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <climits>
#include <cstring>

#include "sitepack/image_header.h"

namespace sitepack::ui {
namespace {

std::string size_text(int64_t width, int64_t height) { return std::to_string(width) + "x" + std::to_string(height); }

std::string too_large(int64_t width, int64_t height) {
    return "image " + size_text(width, height) + " is larger than the reader draws (at most " +
           std::to_string(kMaxImageSide) + " px a side, " + std::to_string(kMaxImagePixels >> 20) + " Mpixels)";
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
    if (image_header_size(bytes, claimed_width, claimed_height) && image_over_limits(claimed_width, claimed_height)) {
        out.error = too_large(claimed_width, claimed_height);
        return out;
    }
    int width = 0, height = 0, channels = 0;
    if (!stbi_info_from_memory(data, length, &width, &height, &channels) || width <= 0 || height <= 0) {
        out.error = "image that is not a readable JPEG, PNG or GIF";
        return out;
    }
    const int64_t pixels = int64_t(width) * height;
    if (image_over_limits(width, height)) {
        out.error = too_large(width, height);
        return out;
    }
    // 16-bit PNG is decoded at 8 bytes a pixel before conversion.
    if (stbi_is_16_bit_from_memory(data, length) && pixels * 8 > (int64_t(128) << 20)) {
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
    if (decoded_width > 0 && decoded_height > 0 && decoded_width <= kMaxImageSide &&
        decoded_height <= kMaxImageSide) {
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
