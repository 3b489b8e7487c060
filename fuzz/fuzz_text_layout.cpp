// fuzz_text_layout.cpp: libFuzzer entry for sitepack_fuzz::text_layout (targets.h).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sitepack_fuzz::text_layout(sitepack_fuzz::as_view(data, size));
    return 0;
}
