// fuzz_url.cpp: libFuzzer entry for sitepack_fuzz::url (targets.h).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sitepack_fuzz::url(sitepack_fuzz::as_view(data, size));
    return 0;
}
