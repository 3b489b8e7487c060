// fuzz_warc_reader.cpp: libFuzzer entry for sitepack_fuzz::warc_reader (targets.h).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sitepack_fuzz::warc_reader(sitepack_fuzz::as_view(data, size));
    return 0;
}
