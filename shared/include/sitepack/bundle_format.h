// bundle_format.h: constants of the bundle file format, shared by the
// builder (which writes them) and the reader (which checks them at open).
// The format itself is described in docs/FORMAT.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sitepack {

// SQLite's PRAGMA application_id of every bundle: "SPAK".
constexpr int32_t kBundleApplicationId = 0x5350414B;

// PRAGMA user_version: the format version. A reader opens bundles whose
// version is at most kBundleFormatVersion; see docs/FORMAT.md for the log
// of breaking changes (2: BLAKE2b content hashes, the signature table;
// 3: fonts stored as zstd frames).
constexpr int32_t kBundleFormatVersion = 3;

// A page body never decompresses to more than this: a frame claiming more is
// treated as damaged (a decompression bomb), not allocated.
constexpr int64_t kMaxPageBodyBytes = 64 * 1024 * 1024;

// Nor does a stored font (a whole, unsubset Noto Sans CJK face is 16 MB).
constexpr int64_t kMaxFontBytes = 32 * 1024 * 1024;

// The hash stored beside every page body, image and font: "blake2b:"
// followed by 64 lower-case hex digits of BLAKE2b-256 (no key) of the
// bytes. A signature covers these hashes (signature.h), so they must be
// collision resistant: XXH64 is not.
std::string content_hash(std::string_view bytes);

// Whether `bytes` match a stored hash: a "blake2b:" hash, or the "xxh64:"
// hash (seed 0) of bundles of format version 1. Any other text never matches.
bool content_hash_matches(std::string_view bytes, std::string_view stored);

// A stored hash a signature can rely on ("blake2b:" and 64 hex digits).
bool is_strong_hash(std::string_view stored);

}  // namespace sitepack
