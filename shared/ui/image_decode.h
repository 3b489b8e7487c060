// image_decode.h: JPEG, PNG and GIF bytes from a bundle to RGBA pixels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sitepack::ui {

// The most stb_image may allocate at once: a 16-bit RGBA picture at the
// 16-bit limit (16 Mpixels x 8 bytes), doubled once by its zlib buffer
// growing (interlaced PNGs need a little more than stb's first guess).
constexpr size_t kMaxDecoderAllocation = (size_t(256) << 20) + (size_t(1) << 20);

struct DecodedImage {
    int width = 0, height = 0;
    std::vector<unsigned char> rgba;  // width * height * 4 bytes; empty when not decoded
    std::string error;                // why rgba is empty, for the reader to show
};

// Decodes `bytes` (from an untrusted bundle) with the pinned stb_image.
// Reads the header first and refuses, without decoding, a picture over
// kMaxImageSide a side or kMaxImagePixels (sitepack/image_header.h: the
// builder keeps no bigger one) with "image 60000x60000 is larger than the
// reader draws", or whose 16-bit samples would need over 128 MB. No single
// allocation of the decoder exceeds kMaxDecoderAllocation: a PNG whose zlib
// data inflates past its claimed size is refused as damaged.
// Never reads outside `bytes`; on any failure rgba is empty and error says
// what was wrong (unknown format, damaged data, too large).
DecodedImage decode_image(const std::string& bytes);

}  // namespace sitepack::ui
