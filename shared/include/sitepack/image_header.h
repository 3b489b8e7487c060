// image_header.h: the pixel size an image file claims, read from its header.
//
// The builder (bundle/image_probe.cpp) and the reader (shared/ui/
// image_decode.cpp) both check an image's size before decoding it: a few
// hundred hostile bytes can claim 60000 x 60000 pixels, and a decoder would
// allocate for the claim. stb_image refuses such headers as "unreadable"
// without saying what they claim; this reader of headers lets both sides
// name the size in their messages.
#pragma once

#include <cstdint>
#include <string_view>

namespace sitepack {

// The largest picture a bundle keeps and the reader decodes: 16384 px a side
// and 32 Mpixels (a 6500 x 4900 camera photo; WordPress scales uploads to
// 2560 px). Its RGBA pixels are then at most 128 MB, which an old laptop can
// spare; a hostile header claiming more is refused before any decoding.
constexpr int64_t kMaxImageSide = 16384;
constexpr int64_t kMaxImagePixels = 32LL * 1024 * 1024;

// True when a width x height picture is over one of the limits above.
inline bool image_over_limits(int64_t width, int64_t height) {
    return width > kMaxImageSide || height > kMaxImageSide || width * height > kMaxImagePixels;
}

// The width and height in a PNG (IHDR), GIF (logical screen) or JPEG (first
// start-of-frame) header. Returns false, leaving the outputs alone, for other
// formats and for headers cut short or malformed. Reads only within `bytes`.
bool image_header_size(std::string_view bytes, int64_t& width, int64_t& height);

}  // namespace sitepack
