// fuzz_document_decode.cpp: libFuzzer entry for sitepack_fuzz::document_decode (targets.h).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sitepack_fuzz::document_decode(sitepack_fuzz::as_view(data, size));
    return 0;
}
