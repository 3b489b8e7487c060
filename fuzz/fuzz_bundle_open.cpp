// fuzz_bundle_open.cpp: libFuzzer entry for sitepack_fuzz::bundle_open (targets.h).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sitepack_fuzz::bundle_open(sitepack_fuzz::as_view(data, size));
    return 0;
}
