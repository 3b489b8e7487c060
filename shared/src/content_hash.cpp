#include "sitepack/bundle_format.h"

#include <sodium.h>

#include <cstdio>

// zstd's copy of xxHash, namespaced ZSTD_XXH*: kept to read bundles made
// before BLAKE2b hashes (format version 1).
#include "common/xxhash.h"

namespace sitepack {
namespace {

std::string xxh64_hash(std::string_view bytes) {
    unsigned long long hash = XXH64(bytes.data(), bytes.size(), 0);
    char text[32];
    std::snprintf(text, sizeof text, "xxh64:%016llx", hash);
    return text;
}

}  // namespace

std::string content_hash(std::string_view bytes) {
    unsigned char digest[32];
    // BLAKE2b needs no sodium_init(): it has no run-time implementation choice
    // unless sodium_init() picked a SIMD one, and the portable one is the default.
    crypto_generichash_blake2b(digest, sizeof digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                               nullptr, 0);
    std::string text = "blake2b:";
    static const char kHex[] = "0123456789abcdef";
    for (unsigned char byte : digest) {
        text += kHex[byte >> 4];
        text += kHex[byte & 15];
    }
    return text;
}

bool content_hash_matches(std::string_view bytes, std::string_view stored) {
    if (stored.substr(0, 8) == "blake2b:") return content_hash(bytes) == stored;
    if (stored.substr(0, 6) == "xxh64:") return xxh64_hash(bytes) == stored;
    return false;
}

bool is_strong_hash(std::string_view stored) { return stored.size() == 8 + 64 && stored.substr(0, 8) == "blake2b:"; }

}  // namespace sitepack
