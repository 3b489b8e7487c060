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

// The width and height in a PNG (IHDR), GIF (logical screen) or JPEG (first
// start-of-frame) header. Returns false, leaving the outputs alone, for other
// formats and for headers cut short or malformed. Reads only within `bytes`.
bool image_header_size(std::string_view bytes, int64_t& width, int64_t& height);

}  // namespace sitepack
