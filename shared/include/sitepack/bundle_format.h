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
// of breaking changes.
constexpr int32_t kBundleFormatVersion = 1;

// A page body never decompresses to more than this: a frame claiming more is
// treated as damaged (a decompression bomb), not allocated.
constexpr int64_t kMaxPageBodyBytes = 64 * 1024 * 1024;

// The hash stored beside every page body and image: "xxh64:" followed by 16
// lower-case hex digits of XXH64 (seed 0) of the bytes. It detects damage
// (a flipped bit on a USB stick); it is not a signature.
std::string content_hash(std::string_view bytes);

}  // namespace sitepack
