// image_decode.h: JPEG, PNG and GIF bytes from a bundle to RGBA pixels.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sitepack::ui {

// The largest picture the reader decodes: the builder's own limits
// (bundle/image_probe.h), so every image a builder keeps is shown, and a
// hostile bundle's image costs at most 256 MB of pixels.
constexpr int kMaxDecodedSide = 16384;
constexpr int64_t kMaxDecodedPixels = 64LL * 1024 * 1024;

struct DecodedImage {
    int width = 0, height = 0;
    std::vector<unsigned char> rgba;  // width * height * 4 bytes; empty when not decoded
    std::string error;                // why rgba is empty, for the reader to show
};

// Decodes `bytes` (from an untrusted bundle) with the pinned stb_image.
// Reads the header first and refuses, without decoding, a picture over
// kMaxDecodedSide a side or kMaxDecodedPixels ("image 60000x60000 is larger
// than the reader draws"), or whose 16-bit samples would need over 256 MB.
// Never reads outside `bytes`; on any failure rgba is empty and error says
// what was wrong (unknown format, damaged data, too large).
DecodedImage decode_image(const std::string& bytes);

}  // namespace sitepack::ui
