// image_probe.h: what kind of image a byte string is, and how big it claims
// to be, without decoding its pixels.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sitepack/result.h"

namespace sitepack::build {

struct ImageProbe {
    std::string mime_type;  // "image/jpeg", "image/png", "image/gif"
    int32_t width = 0;
    int32_t height = 0;
};

// Identifies JPEG, PNG and GIF by their signature and reads their size from
// the header. Fails with bad_input for other formats (the reader could not
// show them; SVG is refused because it can hold scripts) or unreadable
// headers, and with too_large for images over the limits the reader draws
// (kMaxImageSide, kMaxImagePixels in sitepack/image_header.h).
Result<ImageProbe> probe_image(std::string_view bytes);

// True when `bytes` start like an image format (any, supported or not).
bool looks_like_image(std::string_view bytes);

}  // namespace sitepack::build
