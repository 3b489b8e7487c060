// image_decode.h: JPEG, PNG and GIF bytes from a bundle to RGBA pixels.
#pragma once

#include <string>
#include <vector>

namespace sitepack::ui {

struct DecodedImage {
    int width = 0, height = 0;
    std::vector<unsigned char> rgba;  // empty when the bytes could not be decoded
};

// Never reads outside `bytes`; refuses pictures over 8192 pixels a side
// (a damaged header must not make the reader allocate gigabytes).
DecodedImage decode_image(const std::string& bytes);

}  // namespace sitepack::ui
