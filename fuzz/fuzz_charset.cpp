// fuzz_charset.cpp: libFuzzer entry for sitepack_fuzz::charset (targets.h).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sitepack_fuzz::charset(sitepack_fuzz::as_view(data, size));
    return 0;
}
