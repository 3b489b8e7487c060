// charset.cpp: encoding choice (BOM, header, meta prescan, detection) and
// conversion to UTF-8. UTF-8, windows-1252 and x-user-defined are decoded
// here (glibc's CP1252 rejects the five bytes the standard maps to C1
// controls); everything else goes through iconv.
#include "charset.h"

#include "sitepack/text_width.h"

#include <iconv.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace sitepack::build {
namespace {

// ---- small byte helpers ----

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// HTML's "ASCII whitespace" as the prescan sees it.
bool html_space(char c) { return c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x20; }

bool starts_with_ci(std::string_view text, std::size_t pos, std::string_view prefix) {
    if (pos > text.size() || text.size() - pos < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (ascii_lower(text[pos + i]) != prefix[i]) return false;
    }
    return true;
}

bool equals_ci(std::string_view a, std::string_view b) {
    return a.size() == b.size() && starts_with_ci(a, 0, b);
}

void append_code_point(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

constexpr const char kReplacementCharacter[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// ---- the WHATWG Encoding Standard's labels ----

struct Label {
    const char* label;
    const char* encoding;
};

// Every label of the Encoding Standard (encodings.json), lower case.
constexpr Label kLabels[] = {
    {"unicode-1-1-utf-8", "UTF-8"}, {"unicode11utf8", "UTF-8"}, {"unicode20utf8", "UTF-8"}, {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"}, {"x-unicode20utf8", "UTF-8"},
    {"866", "IBM866"}, {"cp866", "IBM866"}, {"csibm866", "IBM866"}, {"ibm866", "IBM866"},
    {"csisolatin2", "ISO-8859-2"}, {"iso-8859-2", "ISO-8859-2"}, {"iso-ir-101", "ISO-8859-2"},
    {"iso8859-2", "ISO-8859-2"}, {"iso88592", "ISO-8859-2"}, {"iso_8859-2", "ISO-8859-2"},
    {"iso_8859-2:1987", "ISO-8859-2"}, {"l2", "ISO-8859-2"}, {"latin2", "ISO-8859-2"},
    {"csisolatin3", "ISO-8859-3"}, {"iso-8859-3", "ISO-8859-3"}, {"iso-ir-109", "ISO-8859-3"},
    {"iso8859-3", "ISO-8859-3"}, {"iso88593", "ISO-8859-3"}, {"iso_8859-3", "ISO-8859-3"},
    {"iso_8859-3:1988", "ISO-8859-3"}, {"l3", "ISO-8859-3"}, {"latin3", "ISO-8859-3"},
    {"csisolatin4", "ISO-8859-4"}, {"iso-8859-4", "ISO-8859-4"}, {"iso-ir-110", "ISO-8859-4"},
    {"iso8859-4", "ISO-8859-4"}, {"iso88594", "ISO-8859-4"}, {"iso_8859-4", "ISO-8859-4"},
    {"iso_8859-4:1988", "ISO-8859-4"}, {"l4", "ISO-8859-4"}, {"latin4", "ISO-8859-4"},
    {"csisolatincyrillic", "ISO-8859-5"}, {"cyrillic", "ISO-8859-5"}, {"iso-8859-5", "ISO-8859-5"},
    {"iso-ir-144", "ISO-8859-5"}, {"iso8859-5", "ISO-8859-5"}, {"iso88595", "ISO-8859-5"},
    {"iso_8859-5", "ISO-8859-5"}, {"iso_8859-5:1988", "ISO-8859-5"},
    {"arabic", "ISO-8859-6"}, {"asmo-708", "ISO-8859-6"}, {"csiso88596e", "ISO-8859-6"},
    {"csiso88596i", "ISO-8859-6"}, {"csisolatinarabic", "ISO-8859-6"}, {"ecma-114", "ISO-8859-6"},
    {"iso-8859-6", "ISO-8859-6"}, {"iso-8859-6-e", "ISO-8859-6"}, {"iso-8859-6-i", "ISO-8859-6"},
    {"iso-ir-127", "ISO-8859-6"}, {"iso8859-6", "ISO-8859-6"}, {"iso88596", "ISO-8859-6"},
    {"iso_8859-6", "ISO-8859-6"}, {"iso_8859-6:1987", "ISO-8859-6"},
    {"csisolatingreek", "ISO-8859-7"}, {"ecma-118", "ISO-8859-7"}, {"elot_928", "ISO-8859-7"},
    {"greek", "ISO-8859-7"}, {"greek8", "ISO-8859-7"}, {"iso-8859-7", "ISO-8859-7"}, {"iso-ir-126", "ISO-8859-7"},
    {"iso8859-7", "ISO-8859-7"}, {"iso88597", "ISO-8859-7"}, {"iso_8859-7", "ISO-8859-7"},
    {"iso_8859-7:1987", "ISO-8859-7"}, {"sun_eu_greek", "ISO-8859-7"},
    {"csiso88598e", "ISO-8859-8"}, {"csisolatinhebrew", "ISO-8859-8"}, {"hebrew", "ISO-8859-8"},
    {"iso-8859-8", "ISO-8859-8"}, {"iso-8859-8-e", "ISO-8859-8"}, {"iso-ir-138", "ISO-8859-8"},
    {"iso8859-8", "ISO-8859-8"}, {"iso88598", "ISO-8859-8"}, {"iso_8859-8", "ISO-8859-8"},
    {"iso_8859-8:1988", "ISO-8859-8"}, {"visual", "ISO-8859-8"},
    {"csiso88598i", "ISO-8859-8-I"}, {"iso-8859-8-i", "ISO-8859-8-I"}, {"logical", "ISO-8859-8-I"},
    {"csisolatin6", "ISO-8859-10"}, {"iso-8859-10", "ISO-8859-10"}, {"iso-ir-157", "ISO-8859-10"},
    {"iso8859-10", "ISO-8859-10"}, {"iso885910", "ISO-8859-10"}, {"l6", "ISO-8859-10"}, {"latin6", "ISO-8859-10"},
    {"iso-8859-13", "ISO-8859-13"}, {"iso8859-13", "ISO-8859-13"}, {"iso885913", "ISO-8859-13"},
    {"iso-8859-14", "ISO-8859-14"}, {"iso8859-14", "ISO-8859-14"}, {"iso885914", "ISO-8859-14"},
    {"csisolatin9", "ISO-8859-15"}, {"iso-8859-15", "ISO-8859-15"}, {"iso8859-15", "ISO-8859-15"},
    {"iso885915", "ISO-8859-15"}, {"iso_8859-15", "ISO-8859-15"}, {"l9", "ISO-8859-15"},
    {"iso-8859-16", "ISO-8859-16"},
    {"cskoi8r", "KOI8-R"}, {"koi", "KOI8-R"}, {"koi8", "KOI8-R"}, {"koi8-r", "KOI8-R"}, {"koi8_r", "KOI8-R"},
    {"koi8-ru", "KOI8-U"}, {"koi8-u", "KOI8-U"},
    {"csmacintosh", "macintosh"}, {"mac", "macintosh"}, {"macintosh", "macintosh"}, {"x-mac-roman", "macintosh"},
    {"dos-874", "windows-874"}, {"iso-8859-11", "windows-874"}, {"iso8859-11", "windows-874"},
    {"iso885911", "windows-874"}, {"tis-620", "windows-874"}, {"windows-874", "windows-874"},
    {"cp1250", "windows-1250"}, {"windows-1250", "windows-1250"}, {"x-cp1250", "windows-1250"},
    {"cp1251", "windows-1251"}, {"windows-1251", "windows-1251"}, {"x-cp1251", "windows-1251"},
    {"ansi_x3.4-1968", "windows-1252"}, {"ascii", "windows-1252"}, {"cp1252", "windows-1252"},
    {"cp819", "windows-1252"}, {"csisolatin1", "windows-1252"}, {"ibm819", "windows-1252"},
    {"iso-8859-1", "windows-1252"}, {"iso-ir-100", "windows-1252"}, {"iso8859-1", "windows-1252"},
    {"iso88591", "windows-1252"}, {"iso_8859-1", "windows-1252"}, {"iso_8859-1:1987", "windows-1252"},
    {"l1", "windows-1252"}, {"latin1", "windows-1252"}, {"us-ascii", "windows-1252"},
    {"windows-1252", "windows-1252"}, {"x-cp1252", "windows-1252"},
    {"cp1253", "windows-1253"}, {"windows-1253", "windows-1253"}, {"x-cp1253", "windows-1253"},
    {"cp1254", "windows-1254"}, {"csisolatin5", "windows-1254"}, {"iso-8859-9", "windows-1254"},
    {"iso-ir-148", "windows-1254"}, {"iso8859-9", "windows-1254"}, {"iso88599", "windows-1254"},
    {"iso_8859-9", "windows-1254"}, {"iso_8859-9:1989", "windows-1254"}, {"l5", "windows-1254"},
    {"latin5", "windows-1254"}, {"windows-1254", "windows-1254"}, {"x-cp1254", "windows-1254"},
    {"cp1255", "windows-1255"}, {"windows-1255", "windows-1255"}, {"x-cp1255", "windows-1255"},
    {"cp1256", "windows-1256"}, {"windows-1256", "windows-1256"}, {"x-cp1256", "windows-1256"},
    {"cp1257", "windows-1257"}, {"windows-1257", "windows-1257"}, {"x-cp1257", "windows-1257"},
    {"cp1258", "windows-1258"}, {"windows-1258", "windows-1258"}, {"x-cp1258", "windows-1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic"}, {"x-mac-ukrainian", "x-mac-cyrillic"},
    {"chinese", "GBK"}, {"csgb2312", "GBK"}, {"csiso58gb231280", "GBK"}, {"gb2312", "GBK"}, {"gb_2312", "GBK"},
    {"gb_2312-80", "GBK"}, {"gbk", "GBK"}, {"iso-ir-58", "GBK"}, {"x-gbk", "GBK"},
    {"gb18030", "gb18030"},
    {"big5", "Big5"}, {"big5-hkscs", "Big5"}, {"cn-big5", "Big5"}, {"csbig5", "Big5"}, {"x-x-big5", "Big5"},
    {"cseucpkdfmtjapanese", "EUC-JP"}, {"euc-jp", "EUC-JP"}, {"x-euc-jp", "EUC-JP"},
    {"csiso2022jp", "ISO-2022-JP"}, {"iso-2022-jp", "ISO-2022-JP"},
    {"csshiftjis", "Shift_JIS"}, {"ms932", "Shift_JIS"}, {"ms_kanji", "Shift_JIS"}, {"shift-jis", "Shift_JIS"},
    {"shift_jis", "Shift_JIS"}, {"sjis", "Shift_JIS"}, {"windows-31j", "Shift_JIS"}, {"x-sjis", "Shift_JIS"},
    {"cseuckr", "EUC-KR"}, {"csksc56011987", "EUC-KR"}, {"euc-kr", "EUC-KR"}, {"iso-ir-149", "EUC-KR"},
    {"korean", "EUC-KR"}, {"ks_c_5601-1987", "EUC-KR"}, {"ks_c_5601-1989", "EUC-KR"}, {"ksc5601", "EUC-KR"},
    {"ksc_5601", "EUC-KR"}, {"windows-949", "EUC-KR"},
    {"csiso2022kr", "replacement"}, {"hz-gb-2312", "replacement"}, {"iso-2022-cn", "replacement"},
    {"iso-2022-cn-ext", "replacement"}, {"iso-2022-kr", "replacement"}, {"replacement", "replacement"},
    {"unicodefffe", "UTF-16BE"}, {"utf-16be", "UTF-16BE"},
    {"csunicode", "UTF-16LE"}, {"iso-10646-ucs-2", "UTF-16LE"}, {"ucs-2", "UTF-16LE"}, {"unicode", "UTF-16LE"},
    {"unicodefeff", "UTF-16LE"}, {"utf-16", "UTF-16LE"}, {"utf-16le", "UTF-16LE"},
    {"x-user-defined", "x-user-defined"},
};

// The glibc iconv name that decodes each WHATWG encoding most faithfully:
// the Microsoft code pages for Shift_JIS and EUC-KR (their extensions are
// what Windows pages use), GB18030 for GBK (a superset), HKSCS for Big5.
struct IconvName {
    const char* encoding;
    const char* iconv_name;
    std::size_t unit;  // bytes to skip over an invalid sequence
};

constexpr IconvName kIconvNames[] = {
    {"IBM866", "CP866", 1}, {"ISO-8859-2", "ISO-8859-2", 1}, {"ISO-8859-3", "ISO-8859-3", 1},
    {"ISO-8859-4", "ISO-8859-4", 1}, {"ISO-8859-5", "ISO-8859-5", 1}, {"ISO-8859-6", "ISO-8859-6", 1},
    {"ISO-8859-7", "ISO-8859-7", 1}, {"ISO-8859-8", "ISO-8859-8", 1}, {"ISO-8859-8-I", "ISO-8859-8", 1},
    {"ISO-8859-10", "ISO-8859-10", 1}, {"ISO-8859-13", "ISO-8859-13", 1}, {"ISO-8859-14", "ISO-8859-14", 1},
    {"ISO-8859-15", "ISO-8859-15", 1}, {"ISO-8859-16", "ISO-8859-16", 1}, {"KOI8-R", "KOI8-R", 1},
    {"KOI8-U", "KOI8-U", 1}, {"macintosh", "MACINTOSH", 1}, {"windows-874", "CP874", 1},
    {"windows-1250", "CP1250", 1}, {"windows-1251", "CP1251", 1}, {"windows-1253", "CP1253", 1},
    {"windows-1254", "CP1254", 1}, {"windows-1255", "CP1255", 1}, {"windows-1256", "CP1256", 1},
    {"windows-1257", "CP1257", 1}, {"windows-1258", "CP1258", 1}, {"x-mac-cyrillic", "MAC-CYRILLIC", 1},
    {"GBK", "GB18030", 1}, {"gb18030", "GB18030", 1}, {"Big5", "BIG5-HKSCS", 1}, {"EUC-JP", "EUC-JP-MS", 1},
    {"ISO-2022-JP", "ISO-2022-JP", 1}, {"Shift_JIS", "CP932", 1}, {"EUC-KR", "CP949", 1},
    {"UTF-16BE", "UTF-16BE", 2}, {"UTF-16LE", "UTF-16LE", 2},
};

// windows-1252 bytes 0x80..0x9F (the rest equal their code points).
constexpr uint16_t kWindows1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

std::string decode_windows_1252(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 4);
    for (char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            out += c;
        } else if (byte < 0xA0) {
            append_code_point(out, kWindows1252High[byte - 0x80]);
        } else {
            append_code_point(out, byte);
        }
    }
    return out;
}

std::string decode_x_user_defined(std::string_view bytes) {
    std::string out;
    for (char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            out += c;
        } else {
            append_code_point(out, 0xF780 + byte - 0x80);
        }
    }
    return out;
}

// Converts with iconv, writing U+FFFD for each invalid sequence (skipping
// `unit` bytes) and for a sequence cut off at the end. False only when
// iconv does not know `iconv_name`.
bool decode_with_iconv(const char* iconv_name, std::size_t unit, std::string_view bytes, std::string& out) {
    iconv_t converter = iconv_open("UTF-8", iconv_name);
    if (converter == reinterpret_cast<iconv_t>(-1)) return false;

    out.clear();
    out.reserve(bytes.size() * 2);
    char buffer[16384];
    char* in = const_cast<char*>(bytes.data());  // iconv's API is not const-correct; it only reads
    std::size_t in_left = bytes.size();
    while (in_left > 0) {
        char* out_ptr = buffer;
        std::size_t out_left = sizeof(buffer);
        const std::size_t converted = iconv(converter, &in, &in_left, &out_ptr, &out_left);
        const int error = errno;
        out.append(buffer, static_cast<std::size_t>(out_ptr - buffer));
        if (converted != static_cast<std::size_t>(-1)) break;
        if (error == E2BIG) continue;
        out += kReplacementCharacter;
        if (error == EILSEQ) {
            const std::size_t skip = unit < in_left ? unit : in_left;
            in += skip;
            in_left -= skip;
        } else {
            break;  // EINVAL: a sequence cut off at the end; anything else: give up on the rest
        }
    }
    // Return a stateful encoding (ISO-2022-JP) to its initial state.
    char* out_ptr = buffer;
    std::size_t out_left = sizeof(buffer);
    iconv(converter, nullptr, nullptr, &out_ptr, &out_left);
    out.append(buffer, static_cast<std::size_t>(out_ptr - buffer));
    iconv_close(converter);
    return true;
}

// Decodes with a WHATWG encoding. False when it cannot be used here (the
// "replacement" encoding, or an iconv that lacks the converter).
bool decode_with(std::string_view encoding, std::string_view bytes, std::string& out) {
    if (encoding == "UTF-8") {
        out = repair_utf8(bytes);
        return true;
    }
    if (encoding == "windows-1252") {
        out = decode_windows_1252(bytes);
        return true;
    }
    if (encoding == "x-user-defined") {
        out = decode_x_user_defined(bytes);
        return true;
    }
    for (const IconvName& name : kIconvNames) {
        if (encoding == name.encoding) {
            if (!decode_with_iconv(name.iconv_name, name.unit, bytes, out)) return false;
            if (!is_valid_utf8(out)) out = repair_utf8(out);  // belt and braces: the output must be UTF-8
            return true;
        }
    }
    return false;  // "replacement" and anything unlisted
}

// ---- HTML5 prescan ----

struct Attribute {
    std::string name;
    std::string value;
};

// HTML "get an attribute" (prescan variant). False at '>' or the end.
bool get_attribute(std::string_view s, std::size_t& pos, Attribute& attribute) {
    attribute = Attribute();
    const std::size_t n = s.size();
    while (pos < n && (html_space(s[pos]) || s[pos] == '/')) ++pos;
    if (pos >= n || s[pos] == '>') return false;

    // Name.
    for (;;) {
        if (pos >= n) return false;
        const char c = s[pos];
        if (c == '=' && !attribute.name.empty()) {
            ++pos;
            goto value;
        }
        if (html_space(c)) break;
        if (c == '/' || c == '>') return true;
        attribute.name += ascii_lower(c);
        ++pos;
    }
    // Spaces before a possible "=".
    while (pos < n && html_space(s[pos])) ++pos;
    if (pos >= n) return false;
    if (s[pos] != '=') return true;
    ++pos;

value:
    while (pos < n && html_space(s[pos])) ++pos;
    if (pos >= n) return false;
    if (s[pos] == '"' || s[pos] == '\'') {
        const char quote = s[pos++];
        for (;;) {
            if (pos >= n) return false;
            if (s[pos] == quote) {
                ++pos;
                return true;
            }
            attribute.value += ascii_lower(s[pos++]);
        }
    }
    if (s[pos] == '>') return true;
    attribute.value += ascii_lower(s[pos++]);
    for (;;) {
        if (pos >= n) return false;
        if (html_space(s[pos]) || s[pos] == '>') return true;
        attribute.value += ascii_lower(s[pos++]);
    }
}

// HTML "extracting a character encoding from a meta element": the raw label
// after "charset=" in a content attribute, "" when there is none.
std::string extract_charset_label(std::string_view s) {
    std::size_t pos = 0;
    const std::size_t n = s.size();
    for (;;) {
        bool found = false;
        for (; pos + 7 <= n; ++pos) {
            if (starts_with_ci(s, pos, "charset")) {
                found = true;
                pos += 7;
                break;
            }
        }
        if (!found) return "";
        while (pos < n && html_space(s[pos])) ++pos;
        if (pos < n && s[pos] == '=') {
            ++pos;
            break;
        }
        // Not "charset=": look for the next "charset" from here.
    }
    while (pos < n && html_space(s[pos])) ++pos;
    if (pos >= n) return "";
    if (s[pos] == '"' || s[pos] == '\'') {
        const char quote = s[pos];
        const std::size_t close = s.find(quote, pos + 1);
        if (close == std::string_view::npos) return "";
        return std::string(s.substr(pos + 1, close - pos - 1));
    }
    std::size_t end = pos;
    while (end < n && !html_space(s[end]) && s[end] != ';') ++end;
    return std::string(s.substr(pos, end - pos));
}

// ---- detection ----

// How plausible the bytes are as one CJK multibyte encoding: characteristic
// characters (kana for Japanese, KS X 1001 Hangul for Korean) count most,
// other valid double-byte characters less, invalid sequences against.
struct CjkScore {
    long score = 0;
    long valid = 0;           // valid multibyte characters
    long characteristic = 0;  // of which kana (Japanese) or common Hangul (Korean)
    long invalid = 0;  // invalid sequences
};

constexpr long kCharacteristicWeight = 4;
constexpr long kOtherWeight = 2;
constexpr long kUnusualWeight = -2;
constexpr long kInvalidWeight = -6;

bool in_range(unsigned char b, unsigned char low, unsigned char high) { return b >= low && b <= high; }

CjkScore score_shift_jis(std::string_view s) {
    CjkScore result;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto lead = static_cast<unsigned char>(s[i]);
        if (lead < 0x80) continue;
        if (in_range(lead, 0xA1, 0xDF)) continue;  // half-width katakana: valid, but proves nothing
        if (in_range(lead, 0x81, 0x9F) || in_range(lead, 0xE0, 0xFC)) {
            if (i + 1 < s.size()) {
                const auto trail = static_cast<unsigned char>(s[i + 1]);
                if (in_range(trail, 0x40, 0x7E) || in_range(trail, 0x80, 0xFC)) {
                    ++i;
                    ++result.valid;
                    const bool kana = (lead == 0x82 && trail >= 0x9F) || (lead == 0x83 && trail <= 0x96);
                    result.characteristic += kana ? 1 : 0;
                    result.score += kana ? kCharacteristicWeight : kOtherWeight;
                    continue;
                }
            }
        }
        ++result.invalid;
        result.score += kInvalidWeight;
    }
    return result;
}

CjkScore score_euc_jp(std::string_view s) {
    CjkScore result;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto lead = static_cast<unsigned char>(s[i]);
        if (lead < 0x80) continue;
        if (lead == 0x8E && i + 1 < s.size() && in_range(static_cast<unsigned char>(s[i + 1]), 0xA1, 0xDF)) {
            ++i;  // half-width katakana
            ++result.valid;
            result.score += kOtherWeight;
            continue;
        }
        if (lead == 0x8F && i + 2 < s.size() && in_range(static_cast<unsigned char>(s[i + 1]), 0xA1, 0xFE) &&
            in_range(static_cast<unsigned char>(s[i + 2]), 0xA1, 0xFE)) {
            i += 2;  // JIS X 0212
            ++result.valid;
            result.score += kOtherWeight;
            continue;
        }
        if (in_range(lead, 0xA1, 0xFE) && i + 1 < s.size() && in_range(static_cast<unsigned char>(s[i + 1]), 0xA1, 0xFE)) {
            ++i;
            ++result.valid;
            const bool kana = lead == 0xA4 || lead == 0xA5;
            result.characteristic += kana ? 1 : 0;
            result.score += kana ? kCharacteristicWeight : kOtherWeight;
            continue;
        }
        ++result.invalid;
        result.score += kInvalidWeight;
    }
    return result;
}

// EUC-KR as the Encoding Standard defines it, i.e. Windows code page 949.
CjkScore score_euc_kr(std::string_view s) {
    CjkScore result;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto lead = static_cast<unsigned char>(s[i]);
        if (lead < 0x80) continue;
        if (in_range(lead, 0x81, 0xFE) && i + 1 < s.size()) {
            const auto trail = static_cast<unsigned char>(s[i + 1]);
            if (in_range(lead, 0xA1, 0xFE) && in_range(trail, 0xA1, 0xFE)) {
                ++i;
                ++result.valid;
                const bool hangul = in_range(lead, 0xB0, 0xC8);
                // Rows 0xA4/0xA5 (compatibility jamo, Roman numerals) are
                // rare in Korean prose but are the kana rows of EUC-JP:
                // they speak against Korean.
                const bool kana_rows = lead == 0xA4 || lead == 0xA5;
                result.characteristic += hangul ? 1 : 0;
                result.score += hangul ? kCharacteristicWeight : kana_rows ? kUnusualWeight : kOtherWeight;
                continue;
            }
            if (in_range(trail, 0x41, 0x5A) || in_range(trail, 0x61, 0x7A) || in_range(trail, 0x81, 0xFE)) {
                // CP949's extension: rare syllables that real Korean text
                // seldom uses, but that Shift_JIS text often looks like.
                ++i;
                ++result.valid;
                continue;
            }
        }
        ++result.invalid;
        result.score += kInvalidWeight;
    }
    return result;
}

bool looks_like_iso_2022_jp(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return s.find("\x1B$B") != std::string_view::npos || s.find("\x1B$@") != std::string_view::npos;
}

// The detected encoding's WHATWG name, or "" when nothing is plausible.
std::string detect_encoding(std::string_view bytes) {
    if (is_valid_utf8(bytes)) return looks_like_iso_2022_jp(bytes) ? "ISO-2022-JP" : "UTF-8";

    const struct {
        const char* encoding;
        CjkScore score;
    } candidates[] = {
        {"Shift_JIS", score_shift_jis(bytes)},
        {"EUC-JP", score_euc_jp(bytes)},
        {"EUC-KR", score_euc_kr(bytes)},
    };
    const char* best = nullptr;
    long best_score = 0;
    for (const auto& candidate : candidates) {
        const CjkScore& score = candidate.score;
        // Plausible: a few characters at least, at most one invalid
        // sequence in twenty (pages often carry a stray byte or two), and
        // text that looks like the language: Japanese always has kana,
        // Korean is mostly Hangul. The last rule keeps an English page
        // whose only non-ASCII bytes are windows-1252 apostrophes
        // ("don\x92t" is also a valid Shift_JIS kanji) from being taken
        // for Japanese.
        const bool plausible = score.valid >= 2 && score.invalid * 20 <= score.valid &&
                               score.characteristic >= 1 && score.characteristic * 5 >= score.valid;
        if (plausible && score.score > best_score) {
            best = candidate.encoding;
            best_score = score.score;
        }
    }
    return best ? best : "";
}

}  // namespace

std::string encoding_for_label(std::string_view label) {
    while (!label.empty() && html_space(label.front())) label.remove_prefix(1);
    while (!label.empty() && html_space(label.back())) label.remove_suffix(1);
    for (const Label& entry : kLabels) {
        if (equals_ci(label, entry.label)) return entry.encoding;
    }
    return "";
}

std::string charset_parameter(std::string_view content_type) { return extract_charset_label(content_type); }

std::string prescan_meta_charset(std::string_view bytes) {
    const std::string_view s = bytes.substr(0, 1024);
    const std::size_t n = s.size();
    std::size_t pos = 0;
    while (pos < n) {
        if (s.compare(pos, 4, "<!--") == 0) {
            // The comment ends at the first "-->" whose dashes may be the ones of "<!--".
            const std::size_t end = s.find("-->", pos + 2);
            if (end == std::string_view::npos) return "";
            pos = end + 3;
            continue;
        }
        if (starts_with_ci(s, pos, "<meta") && pos + 5 < n && (html_space(s[pos + 5]) || s[pos + 5] == '/')) {
            pos += 6;
            std::string seen_names = "|";
            bool got_pragma = false;
            enum { need_unset, need_true, need_false } need_pragma = need_unset;
            bool charset_set = false;
            std::string charset;  // "" after charset_set: a label that names no encoding
            Attribute attribute;
            while (get_attribute(s, pos, attribute)) {
                if (seen_names.find("|" + attribute.name + "|") != std::string::npos) continue;
                seen_names += attribute.name + "|";
                if (attribute.name == "http-equiv") {
                    if (attribute.value == "content-type") got_pragma = true;
                } else if (attribute.name == "content") {
                    const std::string encoding = encoding_for_label(extract_charset_label(attribute.value));
                    if (!encoding.empty() && !charset_set) {
                        charset_set = true;
                        charset = encoding;
                        need_pragma = need_true;
                    }
                } else if (attribute.name == "charset") {
                    charset_set = true;
                    charset = encoding_for_label(attribute.value);
                    need_pragma = need_false;
                }
            }
            const bool usable = need_pragma != need_unset && !(need_pragma == need_true && !got_pragma) &&
                                charset_set && !charset.empty();
            if (usable) {
                // A page that could declare UTF-16 in ASCII is not UTF-16.
                if (charset == "UTF-16BE" || charset == "UTF-16LE") return "UTF-8";
                if (charset == "x-user-defined") return "windows-1252";
                return charset;
            }
            ++pos;
            continue;
        }
        if (s[pos] == '<' && pos + 1 < n &&
            (ascii_alpha(s[pos + 1]) || (s[pos + 1] == '/' && pos + 2 < n && ascii_alpha(s[pos + 2])))) {
            while (pos < n && !html_space(s[pos]) && s[pos] != '>') ++pos;
            Attribute ignored;
            while (get_attribute(s, pos, ignored)) {
            }
            ++pos;
            continue;
        }
        if (s.compare(pos, 2, "<!") == 0 || s.compare(pos, 2, "</") == 0 || s.compare(pos, 2, "<?") == 0) {
            const std::size_t end = s.find('>', pos + 2);
            if (end == std::string_view::npos) return "";
            pos = end + 1;
            continue;
        }
        ++pos;
    }
    return "";
}

// UTF-8 decoding lives in the core (text_width.h); these are its builder
// names, kept for the encoding steps above.
bool is_valid_utf8(std::string_view bytes) {
    for (size_t offset = 0; offset < bytes.size();) {
        const text::DecodedChar decoded = text::decode_utf8(bytes, offset);
        // U+FFFD also stands for an ill-formed sequence; a real one is EF BF BD.
        if (decoded.code_point == text::kReplacementCharacter && bytes.substr(offset, decoded.length) != "\xEF\xBF\xBD")
            return false;
        offset += decoded.length;
    }
    return true;
}

std::string repair_utf8(std::string_view bytes) { return text::to_valid_utf8(bytes); }

Result<DecodedText> decode_to_utf8(std::string_view bytes, std::string_view content_type_header) {
    DecodedText decoded;

    // 1. Byte order mark: wins over every declaration.
    struct Bom {
        std::string_view bytes;
        const char* encoding;
    };
    static constexpr Bom kBoms[] = {
        {"\xEF\xBB\xBF", "UTF-8"}, {"\xFE\xFF", "UTF-16BE"}, {"\xFF\xFE", "UTF-16LE"}};
    for (const Bom& bom : kBoms) {
        if (bytes.substr(0, bom.bytes.size()) == bom.bytes &&
            decode_with(bom.encoding, bytes.substr(bom.bytes.size()), decoded.utf8)) {
            decoded.charset = bom.encoding;
            decoded.source = "bom";
            return decoded;
        }
    }

    // 2. The HTTP header, 3. the meta prescan: each only when its label
    // names an encoding we can decode.
    const std::string from_header = encoding_for_label(charset_parameter(content_type_header));
    if (!from_header.empty() && decode_with(from_header, bytes, decoded.utf8)) {
        decoded.charset = from_header;
        decoded.source = "http header";
        return decoded;
    }
    const std::string from_meta = prescan_meta_charset(bytes);
    if (!from_meta.empty() && decode_with(from_meta, bytes, decoded.utf8)) {
        decoded.charset = from_meta;
        decoded.source = "meta";
        return decoded;
    }

    // 4. Detection.
    const std::string detected = detect_encoding(bytes);
    if (!detected.empty() && decode_with(detected, bytes, decoded.utf8)) {
        decoded.charset = detected;
        decoded.source = "detected";
        return decoded;
    }

    // 5. The web's default for unlabelled Western pages.
    decoded.utf8 = decode_windows_1252(bytes);
    decoded.charset = "windows-1252";
    decoded.source = "default";
    return decoded;
}

}  // namespace sitepack::build
