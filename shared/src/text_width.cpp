// text_width.cpp: UTF-8 decoding, display width and line breaking.
//
// The tables below are deliberately compact approximations of Unicode's
// EastAsianWidth.txt and LineBreak.txt covering the scripts sites are written
// in; they err towards the common terminal behaviour (wcwidth).
#include "sitepack/text_width.h"

#include <algorithm>
#include <iterator>

namespace sitepack::text {
namespace {

struct Range {
    char32_t first;
    char32_t last;
};

template <size_t N>
bool in_table(const Range (&table)[N], char32_t code_point) {
    if (code_point < table[0].first || code_point > table[N - 1].last) return false;
    // Binary search for the last range whose first <= code_point.
    const Range* it = std::upper_bound(std::begin(table), std::end(table), code_point,
                                       [](char32_t value, const Range& range) { return value < range.first; });
    if (it == std::begin(table)) return false;
    --it;
    return code_point <= it->last;
}

// Characters drawn on top of the previous one or not drawn at all: combining
// marks (Mn, Me), conjoining Hangul vowels and finals, zero-width format
// characters, variation selectors. Sorted, non-overlapping.
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
    {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0600, 0x0605}, {0x0610, 0x061A}, {0x061C, 0x061C},
    {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DD}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8},
    {0x06EA, 0x06ED}, {0x070F, 0x070F}, {0x0711, 0x0711}, {0x0730, 0x074A}, {0x07A6, 0x07B0},
    {0x07EB, 0x07F3}, {0x0816, 0x0819}, {0x081B, 0x0823}, {0x0825, 0x0827}, {0x0829, 0x082D},
    {0x0859, 0x085B}, {0x08D3, 0x0902}, {0x093A, 0x093A}, {0x093C, 0x093C}, {0x0941, 0x0948},
    {0x094D, 0x094D}, {0x0951, 0x0957}, {0x0962, 0x0963}, {0x0981, 0x0981}, {0x09BC, 0x09BC},
    {0x09C1, 0x09C4}, {0x09CD, 0x09CD}, {0x09E2, 0x09E3}, {0x0A01, 0x0A02}, {0x0A3C, 0x0A3C},
    {0x0A41, 0x0A42}, {0x0A47, 0x0A48}, {0x0A4B, 0x0A4D}, {0x0A51, 0x0A51}, {0x0A70, 0x0A71},
    {0x0A75, 0x0A75}, {0x0A81, 0x0A82}, {0x0ABC, 0x0ABC}, {0x0AC1, 0x0AC5}, {0x0AC7, 0x0AC8},
    {0x0ACD, 0x0ACD}, {0x0AE2, 0x0AE3}, {0x0B01, 0x0B01}, {0x0B3C, 0x0B3C}, {0x0B3F, 0x0B3F},
    {0x0B41, 0x0B44}, {0x0B4D, 0x0B4D}, {0x0B56, 0x0B56}, {0x0B62, 0x0B63}, {0x0B82, 0x0B82},
    {0x0BC0, 0x0BC0}, {0x0BCD, 0x0BCD}, {0x0C00, 0x0C00}, {0x0C3E, 0x0C40}, {0x0C46, 0x0C48},
    {0x0C4A, 0x0C4D}, {0x0C55, 0x0C56}, {0x0C62, 0x0C63}, {0x0CBC, 0x0CBC}, {0x0CBF, 0x0CBF},
    {0x0CC6, 0x0CC6}, {0x0CCC, 0x0CCD}, {0x0CE2, 0x0CE3}, {0x0D00, 0x0D01}, {0x0D41, 0x0D44},
    {0x0D4D, 0x0D4D}, {0x0D62, 0x0D63}, {0x0DCA, 0x0DCA}, {0x0DD2, 0x0DD4}, {0x0DD6, 0x0DD6},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x0EB1, 0x0EB1}, {0x0EB4, 0x0EBC},
    {0x0EC8, 0x0ECD}, {0x0F18, 0x0F19}, {0x0F35, 0x0F35}, {0x0F37, 0x0F37}, {0x0F39, 0x0F39},
    {0x0F71, 0x0F7E}, {0x0F80, 0x0F84}, {0x0F86, 0x0F87}, {0x0F8D, 0x0FBC}, {0x0FC6, 0x0FC6},
    {0x102D, 0x1030}, {0x1032, 0x1037}, {0x1039, 0x103A}, {0x103D, 0x103E}, {0x1058, 0x1059},
    {0x105E, 0x1060}, {0x1071, 0x1074}, {0x1082, 0x1082}, {0x1085, 0x1086}, {0x108D, 0x108D},
    {0x109D, 0x109D}, {0x1160, 0x11FF}, {0x135D, 0x135F}, {0x1712, 0x1714}, {0x1732, 0x1734},
    {0x1752, 0x1753}, {0x1772, 0x1773}, {0x17B4, 0x17B5}, {0x17B7, 0x17BD}, {0x17C6, 0x17C6},
    {0x17C9, 0x17D3}, {0x17DD, 0x17DD}, {0x180B, 0x180F}, {0x18A9, 0x18A9}, {0x1920, 0x1922},
    {0x1927, 0x1928}, {0x1932, 0x1932}, {0x1939, 0x193B}, {0x1A17, 0x1A18}, {0x1A1B, 0x1A1B},
    {0x1A56, 0x1A56}, {0x1A58, 0x1A60}, {0x1A62, 0x1A62}, {0x1A65, 0x1A6C}, {0x1A73, 0x1A7F},
    {0x1AB0, 0x1AFF}, {0x1B00, 0x1B03}, {0x1B34, 0x1B34}, {0x1B36, 0x1B3A}, {0x1B3C, 0x1B3C},
    {0x1B42, 0x1B42}, {0x1B6B, 0x1B73}, {0x1B80, 0x1B81}, {0x1BA2, 0x1BA5}, {0x1BA8, 0x1BA9},
    {0x1BAB, 0x1BAD}, {0x1BE6, 0x1BE6}, {0x1BE8, 0x1BE9}, {0x1BED, 0x1BED}, {0x1BEF, 0x1BF1},
    {0x1C2C, 0x1C33}, {0x1C36, 0x1C37}, {0x1CD0, 0x1CD2}, {0x1CD4, 0x1CE0}, {0x1CE2, 0x1CE8},
    {0x1CED, 0x1CED}, {0x1CF4, 0x1CF4}, {0x1CF8, 0x1CF9}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
    {0x2028, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x206F}, {0x20D0, 0x20F0}, {0x2CEF, 0x2CF1},
    {0x2D7F, 0x2D7F}, {0x2DE0, 0x2DFF}, {0x302A, 0x302D}, {0x3099, 0x309A}, {0xA66F, 0xA672},
    {0xA674, 0xA67D}, {0xA69E, 0xA69F}, {0xA6F0, 0xA6F1}, {0xA802, 0xA802}, {0xA806, 0xA806},
    {0xA80B, 0xA80B}, {0xA825, 0xA826}, {0xA8C4, 0xA8C5}, {0xA8E0, 0xA8F1}, {0xA926, 0xA92D},
    {0xA947, 0xA951}, {0xA980, 0xA982}, {0xA9B3, 0xA9B3}, {0xA9B6, 0xA9B9}, {0xA9BC, 0xA9BD},
    {0xAA29, 0xAA2E}, {0xAA31, 0xAA32}, {0xAA35, 0xAA36}, {0xAA43, 0xAA43}, {0xAA4C, 0xAA4C},
    {0xAAB0, 0xAAB0}, {0xAAB2, 0xAAB4}, {0xAAB7, 0xAAB8}, {0xAABE, 0xAABF}, {0xAAC1, 0xAAC1},
    {0xAAEC, 0xAAED}, {0xAAF6, 0xAAF6}, {0xABE5, 0xABE5}, {0xABE8, 0xABE8}, {0xABED, 0xABED},
    {0xD7B0, 0xD7FF}, {0xFB1E, 0xFB1E}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
    {0xFFF9, 0xFFFB}, {0x101FD, 0x101FD}, {0x10A01, 0x10A0F}, {0x10A38, 0x10A3F},
    {0x11001, 0x11001}, {0x11038, 0x11046}, {0x1107F, 0x11081}, {0x110B3, 0x110B6},
    {0x110B9, 0x110BA}, {0x11100, 0x11102}, {0x11127, 0x1112B}, {0x1112D, 0x11134},
    {0x1D167, 0x1D169}, {0x1D173, 0x1D182}, {0x1D185, 0x1D18B}, {0x1D1AA, 0x1D1AD},
    {0x1D242, 0x1D244}, {0x1E000, 0x1E02A}, {0x1E8D0, 0x1E8D6}, {0x1E944, 0x1E94A},
    {0x1F3FB, 0x1F3FF}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xE0100, 0xE01EF},
};

// East Asian Wide (W) and Fullwidth (F) characters. Sorted, non-overlapping.
constexpr Range kWide[] = {
    {0x1100, 0x115F},   // Hangul Jamo initial consonants
    {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0}, {0x23F3, 0x23F3},
    {0x25FD, 0x25FE}, {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693},
    {0x26A1, 0x26A1}, {0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE},
    {0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5}, {0x26FA, 0x26FA},
    {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728}, {0x274C, 0x274C},
    {0x274E, 0x274E}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0},
    {0x27BF, 0x27BF}, {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55},
    {0x2E80, 0x3029},   // CJK radicals, Kangxi, ideographic description, CJK symbols
    {0x302E, 0x303E},   // (302A..302D are combining tone marks)
    {0x3041, 0x3098},   // Hiragana (3099, 309A are combining)
    {0x309B, 0x33FF},   // kana, Bopomofo, compatibility Jamo, Kanbun, enclosed CJK, CJK compatibility
    {0x3400, 0x4DBF},   // CJK extension A
    {0x4E00, 0x9FFF},   // CJK unified ideographs
    {0xA000, 0xA4CF},   // Yi
    {0xA960, 0xA97F},   // Hangul Jamo extended A
    {0xAC00, 0xD7A3},   // Hangul syllables
    {0xF900, 0xFAFF},   // CJK compatibility ideographs
    {0xFE10, 0xFE19},   // vertical forms
    {0xFE30, 0xFE6F},   // CJK compatibility forms, small form variants
    {0xFF00, 0xFF60},   // fullwidth forms
    {0xFFE0, 0xFFE6},   // fullwidth signs
    {0x16FE0, 0x16FE4}, {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004},
    {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251},
    {0x1F300, 0x1F320}, {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393},
    {0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4},
    {0x1F3F8, 0x1F3FA}, {0x1F400, 0x1F43E}, {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC},
    {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A},
    {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5},
    {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7}, {0x1F6EB, 0x1F6EC},
    {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
    {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD},  // CJK extensions B..F, compatibility supplement
    {0x30000, 0x3FFFD},  // CJK extension G and beyond
};

// Characters between which a line may break without a space: ideographs,
// kana, Hangul syllables, CJK punctuation and fullwidth forms. Conjoining
// Jamo are left out: breaking between them would split a syllable.
constexpr Range kCjkBreakable[] = {
    {0x2E80, 0x2FDF}, {0x2FF0, 0x2FFF}, {0x3001, 0x303F}, {0x3040, 0x30FF}, {0x3100, 0x312F},
    {0x3131, 0x318E}, {0x3190, 0x31FF}, {0x3200, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
    {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF01, 0xFF60},
    {0xFF61, 0xFF9F}, {0xFFE0, 0xFFE6}, {0x1B000, 0x1B2FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

// May not start a line (kinsoku: closing brackets, stops, small kana,
// iteration and prolonged sound marks; ASCII closing punctuation).
constexpr char32_t kClosing[] = {
    U'!', U')', U',', U'.', U':', U';', U'?', U']', U'}',
    0x00BB,  // »
    0x2019, 0x201D,  // ’ ”
    0x2024, 0x2025, 0x2026,  // ․ ‥ …
    0x203C, 0x2047, 0x2048, 0x2049,  // ‼ ⁇ ⁈ ⁉
    0x3001, 0x3002,  // 、。
    0x3005, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017, 0x3019, 0x301B,  // 々 〉》」』】〕〗〙〛
    0x301E, 0x301F,  // 〞〟
    0x303B,  // 〻
    0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087, 0x308E, 0x3095, 0x3096,  // small hiragana
    0x309D, 0x309E,  // ゝゞ
    0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6,  // small katakana
    0x30FB, 0x30FC, 0x30FD, 0x30FE,  // ・ー ヽヾ
    0x31F0, 0x31F1, 0x31F2, 0x31F3, 0x31F4, 0x31F5, 0x31F6, 0x31F7,  // small katakana extension
    0x31F8, 0x31F9, 0x31FA, 0x31FB, 0x31FC, 0x31FD, 0x31FE, 0x31FF,
    0xFF01, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D, 0xFF5D, 0xFF60,  // ！）　，．：；？］｝｠
    0xFF61, 0xFF63, 0xFF64, 0xFF65,  // halfwidth ｡｣､･
    0xFF67, 0xFF68, 0xFF69, 0xFF6A, 0xFF6B, 0xFF6C, 0xFF6D, 0xFF6E, 0xFF6F, 0xFF70,  // halfwidth small kana, ｰ
};

// May not end a line (opening brackets and quotes).
constexpr char32_t kOpening[] = {
    U'(', U'[', U'{',
    0x00AB,          // «
    0x2018, 0x201C,  // ‘ “
    0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016, 0x3018, 0x301A, 0x301D,  // 〈《「『【〔〖〘〚〝
    0xFF08, 0xFF3B, 0xFF5B, 0xFF5F, 0xFF62,  // （［｛｟｢
};

// The lookups binary-search; a mis-sorted entry would silently break them.
template <size_t N>
constexpr bool ranges_sorted(const Range (&table)[N]) {
    for (size_t i = 0; i < N; ++i) {
        if (table[i].first > table[i].last) return false;
        if (i > 0 && table[i - 1].last >= table[i].first) return false;
    }
    return true;
}
template <size_t N>
constexpr bool list_sorted(const char32_t (&list)[N]) {
    for (size_t i = 1; i < N; ++i) {
        if (list[i - 1] >= list[i]) return false;
    }
    return true;
}
static_assert(ranges_sorted(kZeroWidth), "kZeroWidth must be sorted and disjoint");
static_assert(ranges_sorted(kWide), "kWide must be sorted and disjoint");
static_assert(ranges_sorted(kCjkBreakable), "kCjkBreakable must be sorted and disjoint");
static_assert(list_sorted(kClosing), "kClosing must be sorted");
static_assert(list_sorted(kOpening), "kOpening must be sorted");

template <size_t N>
bool in_sorted_list(const char32_t (&list)[N], char32_t code_point) {
    return std::binary_search(std::begin(list), std::end(list), code_point);
}

bool is_zero_width(char32_t code_point) { return in_table(kZeroWidth, code_point); }

// Glue: no break on either side (non-breaking spaces, word joiner, BOM).
bool is_glue(char32_t code_point) {
    return code_point == 0x00A0 || code_point == 0x202F || code_point == 0x2007 || code_point == 0x2060 ||
           code_point == 0xFEFF || code_point == 0x2011 /* non-breaking hyphen */;
}

bool is_closing(char32_t code_point) { return in_sorted_list(kClosing, code_point); }
bool is_opening(char32_t code_point) { return in_sorted_list(kOpening, code_point); }

bool is_forced_break(char32_t code_point) { return code_point == U'\n' || code_point == 0x2028 || code_point == 0x2029; }

// Where split_long_word likes to cut a URL: after these characters.
bool is_url_break_after(char32_t code_point) {
    return code_point == U'/' || code_point == U'-' || code_point == U'?' || code_point == U'&';
}

}  // namespace

DecodedChar decode_utf8(std::string_view text, size_t offset) {
    if (offset >= text.size()) return {kReplacementCharacter, 1};
    const unsigned char lead = static_cast<unsigned char>(text[offset]);
    if (lead < 0x80) return {lead, 1};
    // C0, C1 would be overlong two-byte forms; 80..BF are stray continuations.
    if (lead < 0xC2 || lead > 0xF4) return {kReplacementCharacter, 1};

    size_t continuation_count = 0;
    char32_t code_point = 0;
    // The allowed range of the first continuation byte excludes overlong
    // forms (E0, F0), surrogates (ED) and values above U+10FFFF (F4).
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead < 0xE0) {
        continuation_count = 1;
        code_point = lead & 0x1F;
    } else if (lead < 0xF0) {
        continuation_count = 2;
        code_point = lead & 0x0F;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else {
        continuation_count = 3;
        code_point = lead & 0x07;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    }

    size_t length = 1;
    for (size_t i = 0; i < continuation_count; ++i) {
        if (offset + length >= text.size()) return {kReplacementCharacter, length};
        const unsigned char byte = static_cast<unsigned char>(text[offset + length]);
        if (byte < low || byte > high) return {kReplacementCharacter, length};
        code_point = (code_point << 6) | (byte & 0x3F);
        ++length;
        low = 0x80;
        high = 0xBF;
    }
    return {code_point, length};
}

void append_utf8(std::string& out, char32_t code_point) {
    if ((code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF) code_point = kReplacementCharacter;
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

std::string to_valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t offset = 0;
    while (offset < text.size()) {
        const DecodedChar decoded = decode_utf8(text, offset);
        // A genuine U+FFFD in the input is 3 bytes; a replacement for bad bytes may be 1..3.
        if (decoded.code_point == kReplacementCharacter) {
            append_utf8(out, kReplacementCharacter);
        } else {
            out.append(text.substr(offset, decoded.length));
        }
        offset += decoded.length;
    }
    return out;
}

int char_width(char32_t code_point) {
    if (code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0)) return 0;  // controls
    if (code_point < 0x300) return 1;                                             // fast path: Latin
    if (is_zero_width(code_point)) return 0;
    if (in_table(kWide, code_point)) return 2;
    return 1;
}

int display_width(std::string_view utf8) {
    int width = 0;
    size_t offset = 0;
    while (offset < utf8.size()) {
        const DecodedChar decoded = decode_utf8(utf8, offset);
        width += char_width(decoded.code_point);
        offset += decoded.length;
    }
    return width;
}

bool is_breaking_space(char32_t code_point) {
    switch (code_point) {
        case U' ':
        case U'\t':
        case U'\r':
        case 0x1680:
        case 0x200B:
        case 0x205F:
        case 0x3000:
            return true;
        default:
            return (code_point >= 0x2000 && code_point <= 0x2006) || (code_point >= 0x2008 && code_point <= 0x200A);
    }
}

bool can_break_between(char32_t before, char32_t after) {
    // Only CJK pairs break without a space; this also keeps Latin text off the slower checks.
    if (!in_table(kCjkBreakable, before) || !in_table(kCjkBreakable, after)) return false;
    if (is_zero_width(after)) return false;  // a combining mark (U+3099) belongs to the character before it
    return !is_closing(after) && !is_opening(before);
}

std::vector<LineBreakSegment> line_break_segments(std::string_view utf8) {
    std::vector<LineBreakSegment> segments;
    LineBreakSegment current;
    bool in_spaces = false;       // inside a run of breaking spaces after current's text
    char32_t previous_base = 0;   // last non-space, non-combining character of current's text; 0 if none
    size_t offset = 0;
    while (offset < utf8.size()) {
        const DecodedChar decoded = decode_utf8(utf8, offset);
        const char32_t code_point = decoded.code_point;

        if (is_forced_break(code_point)) {
            if (!in_spaces) current.end = offset;
            current.space_end = offset;
            current.forced_break = true;
            segments.push_back(current);
            offset += decoded.length;
            current = LineBreakSegment{offset, offset, offset, false};
            in_spaces = false;
            previous_base = 0;
            continue;
        }

        if (is_breaking_space(code_point)) {
            if (!in_spaces) {
                current.end = offset;
                in_spaces = true;
            }
            offset += decoded.length;
            continue;
        }

        if (in_spaces) {
            // The spaces are a break opportunity unless closing punctuation
            // follows them or opening punctuation precedes them ("( x )").
            const bool keep_together =
                is_closing(code_point) || (previous_base != 0 && is_opening(previous_base));
            if (!keep_together) {
                current.space_end = offset;
                segments.push_back(current);
                current = LineBreakSegment{offset, offset, offset, false};
            }
            in_spaces = false;
        } else if (previous_base != 0 && can_break_between(previous_base, code_point)) {
            current.end = offset;
            current.space_end = offset;
            segments.push_back(current);
            current = LineBreakSegment{offset, offset, offset, false};
        }
        if (!is_zero_width(code_point) || previous_base == 0) previous_base = code_point;
        offset += decoded.length;
    }
    if (current.begin < utf8.size()) {
        if (!in_spaces) current.end = utf8.size();
        current.space_end = utf8.size();
        segments.push_back(current);
    }
    return segments;
}

std::vector<std::string_view> split_long_word(std::string_view word, int width) {
    if (width < 1) width = 1;
    std::vector<std::string_view> pieces;
    size_t piece_begin = 0;
    while (piece_begin < word.size()) {
        int piece_width = 0;
        size_t offset = piece_begin;
        size_t last_url_break = 0;  // end of the longest fitting prefix ending after '/', '-', '?', '&'
        size_t last_polite_cut = 0; // end of the longest fitting prefix whose cut keeps kinsoku and glue rules
        char32_t previous = 0;
        bool overflowed = false;
        while (offset < word.size()) {
            const DecodedChar decoded = decode_utf8(word, offset);
            const int char_columns = char_width(decoded.code_point);
            // The first character is always taken (progress even when it is
            // wider than the line); combining marks stay with their base.
            const bool cuttable_before = offset > piece_begin && !is_zero_width(decoded.code_point);
            const bool polite_cut = cuttable_before && !is_closing(decoded.code_point) && !is_opening(previous) &&
                                    !is_glue(decoded.code_point) && !is_glue(previous);
            if (polite_cut) last_polite_cut = offset;
            if (cuttable_before && piece_width + char_columns > width) {
                overflowed = true;
                break;
            }
            if (!is_zero_width(decoded.code_point)) previous = decoded.code_point;
            piece_width += char_columns;
            offset += decoded.length;
            if (is_url_break_after(decoded.code_point) && offset < word.size()) {
                // Not inside "//", so "https://" stays whole.
                const bool inside_double_slash = decoded.code_point == U'/' && word[offset] == '/';
                if (!inside_double_slash && piece_width <= width) last_url_break = offset;
            }
        }
        if (!overflowed) {
            pieces.push_back(word.substr(piece_begin));
            break;
        }
        size_t cut = offset;  // failing everything else: right where the line is full
        if (last_url_break > piece_begin) {
            cut = last_url_break;
        } else if (last_polite_cut > piece_begin) {
            cut = last_polite_cut;
        }
        pieces.push_back(word.substr(piece_begin, cut - piece_begin));
        piece_begin = cut;
    }
    return pieces;
}

std::vector<std::string> wrap_text(std::string_view utf8, int width) {
    if (width < 1) width = 1;
    const std::string valid = to_valid_utf8(utf8);
    const std::string_view text = valid;

    std::vector<std::string> lines;
    std::string line;
    int line_width = 0;
    bool line_open = false;           // a line has been started (it may still be empty)
    std::string_view pending_spaces;  // spaces after the last placed text, shown only if more follows

    auto finish_line = [&]() {
        lines.push_back(line);
        line.clear();
        line_width = 0;
        line_open = false;
        pending_spaces = {};
    };
    // Places a word at the start of the line, cutting it if it is wider than the line.
    auto start_line_with = [&](std::string_view word, int word_width) {
        if (word_width <= width) {
            line.assign(word);
            line_width = word_width;
        } else {
            const std::vector<std::string_view> pieces = split_long_word(word, width);
            for (size_t i = 0; i + 1 < pieces.size(); ++i) lines.emplace_back(pieces[i]);
            line.assign(pieces.back());
            line_width = display_width(pieces.back());
        }
        line_open = true;
    };

    for (const LineBreakSegment& segment : line_break_segments(text)) {
        const std::string_view word = text.substr(segment.begin, segment.end - segment.begin);
        const std::string_view spaces = text.substr(segment.end, segment.space_end - segment.end);
        const int word_width = display_width(word);

        if (!line_open) {
            start_line_with(word, word_width);
        } else if (line_width + display_width(pending_spaces) + word_width <= width) {
            line.append(pending_spaces);
            line.append(word);
            line_width += display_width(pending_spaces) + word_width;
        } else if (line.empty()) {
            // Only indentation so far: drop it rather than leave a blank line.
            start_line_with(word, word_width);
        } else {
            finish_line();
            start_line_with(word, word_width);
        }
        pending_spaces = spaces;

        if (segment.forced_break) finish_line();
    }
    if (line_open) finish_line();
    return lines;
}

}  // namespace sitepack::text
