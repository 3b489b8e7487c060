// fuzz_html_extract.cpp: libFuzzer entry for sitepack_fuzz::html_extract (targets.h).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sitepack_fuzz::html_extract(sitepack_fuzz::as_view(data, size));
    return 0;
}
