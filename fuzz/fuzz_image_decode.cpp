// fuzz_image_decode.cpp: the reader's image decoder (shared/ui/image_decode.cpp,
// stb_image) on the bytes of a bundle's image. Opt-in (see CMakeLists.txt):
// it finds crashes in the stb_image the reader uses, not yet fixed.
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "image_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const sitepack::ui::DecodedImage image =
        sitepack::ui::decode_image(std::string(sitepack_fuzz::as_view(data, size)));
    SITEPACK_FUZZ_CHECK(image.rgba.empty() || image.rgba.size() == size_t(image.width) * size_t(image.height) * 4,
                        "decoded pixels match the size");
    return 0;
}
