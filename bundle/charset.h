// charset.h: turning a fetched page's bytes into UTF-8.
//
// Pages of an old site come in many encodings (windows-1252 with curly
// quotes, Shift_JIS, EUC-KR, ...), often mislabelled or unlabelled. The
// builder works on UTF-8 only, so every page passes through
// decode_to_utf8(), which picks the encoding the way a browser does:
//
//   1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE);
//   2. the charset parameter of the HTTP Content-Type header;
//   3. <meta charset=...> or <meta http-equiv=Content-Type content="...;
//      charset=..."> found by the HTML5 prescan of the first 1024 bytes;
//   4. detection: valid UTF-8 is UTF-8 (7-bit text with ISO-2022-JP escapes
//      is ISO-2022-JP); otherwise Shift_JIS, EUC-JP and EUC-KR are scored
//      by the multibyte sequences they parse (kana and Hangul count most,
//      invalid sequences count against), and the best plausible one wins.
//      Plausible means at most 1 invalid sequence in 20 and text that looks
//      like the language (Japanese has kana, Korean is mostly Hangul), so a
//      kanji-only snippet is not detected, and an English windows-1252 page
//      whose apostrophes happen to parse as Shift_JIS is not mistaken;
//   5. otherwise windows-1252 (source "default").
//
// Labels are mapped to encodings per the WHATWG Encoding Standard
// ("latin1", "iso-8859-1" and "us-ascii" all mean windows-1252; "sjis" is
// Shift_JIS; "ks_c_5601-1987" is EUC-KR, ...). A label that the standard
// does not know, or whose encoding iconv cannot convert, is ignored and the
// next step is tried. Conversion never fails on bad bytes: each invalid
// sequence becomes U+FFFD.
#pragma once

#include <string>
#include <string_view>

#include "sitepack/result.h"

namespace sitepack::build {

struct DecodedText {
    std::string utf8;     // the text as valid UTF-8, without a byte order mark
    std::string charset;  // WHATWG name of the encoding used: "UTF-8", "windows-1252", "Shift_JIS", "EUC-KR", ...
    std::string source;   // how it was chosen: "bom", "http header", "meta", "detected" or "default"
};

// Decodes `bytes` (a page as served) to UTF-8. `content_type_header` is the
// HTTP Content-Type value ("text/html; charset=euc-kr"), "" when unknown.
// Always succeeds today: bad bytes become U+FFFD, and an encoding iconv
// lacks falls through to the next step (windows-1252 needs no iconv). The
// Result leaves room for a future size limit.
Result<DecodedText> decode_to_utf8(std::string_view bytes, std::string_view content_type_header);

// The WHATWG name for an encoding label, matched case-insensitively after
// trimming whitespace ("Latin1" -> "windows-1252", "x-sjis" -> "Shift_JIS",
// "utf8" -> "UTF-8"); "" for a label the standard does not know.
std::string encoding_for_label(std::string_view label);

// The raw charset parameter of a Content-Type value or of a meta content
// attribute ("text/html; charset=\"Shift_JIS\"" -> "Shift_JIS"); "" if none.
std::string charset_parameter(std::string_view content_type);

// The HTML5 prescan (WHATWG HTML "prescan a byte stream to determine its
// encoding") over the first 1024 bytes: the WHATWG name declared by a meta
// element, or "" when none is found. Comments and other tags' attributes
// are skipped as a browser skips them.
std::string prescan_meta_charset(std::string_view bytes);

// True when `bytes` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// `bytes` with every ill-formed UTF-8 sequence replaced by U+FFFD (one per
// maximal invalid subpart, as the Encoding Standard's decoder does).
std::string repair_utf8(std::string_view bytes);

}  // namespace sitepack::build
