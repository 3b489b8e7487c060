// fuzz_image_decode.cpp: the reader's image decoder (shared/ui/image_decode.cpp,
// the pinned stb_image) on the bytes of a bundle's image.
#include <cstdint>

#include "reader_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sitepack_fuzz::image_decode(sitepack_fuzz::as_view(data, size));
    return 0;
}
