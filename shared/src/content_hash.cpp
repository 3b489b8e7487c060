#include "sitepack/bundle_format.h"

#include <cstdio>

// zstd's copy of xxHash, namespaced ZSTD_XXH*: the reader already links it,
// so hashing adds no dependency.
#include "common/xxhash.h"

namespace sitepack {

std::string content_hash(std::string_view bytes) {
    unsigned long long hash = XXH64(bytes.data(), bytes.size(), 0);
    char text[32];
    std::snprintf(text, sizeof text, "xxh64:%016llx", hash);
    return text;
}

}  // namespace sitepack
