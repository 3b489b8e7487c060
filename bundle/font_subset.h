// font_subset.h: the fonts a bundle carries, cut down to the characters it uses.
//
// The reader draws text with Dear ImGui from fonts held in memory and needs
// no font of the system, so every bundle embeds Noto Sans (regular, bold,
// italic, bold italic: Latin, Greek, Cyrillic) and Noto Sans CJK (regular,
// bold: kana, kanji, Hangul, hanzi), each subset with HarfBuzz to the
// characters of the bundle plus those of the reader's own interface.
//
//   CharacterSet used;
//   used.add_utf8(title);
//   used.add_document(document);
//   FontSubsets fonts = subset_fonts(used, {});
//   for (const SubsetFont& font : fonts.fonts) writer.add_font(font.face, font.family, font.content);
//   for (const std::string& line : fonts.warnings) warn(line);
//
// Each character goes to one family: the Latin faces take every character
// Noto Sans has; the CJK faces take the rest that Noto Sans CJK has (the
// reader merges them behind the Latin face). Missing font files are not an
// error: the bundle then carries fewer (or no) fonts and a warning says what
// the reader will lack. The same characters and font files give
// byte-identical subsets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sitepack/document.h"
#include "sitepack/result.h"

namespace sitepack::build {

// A set of Unicode code points (a bitmap of the whole range: adding is cheap
// enough for every character of every page).
class CharacterSet {
public:
    CharacterSet();
    void add(char32_t code_point);  // ignored beyond U+10FFFF
    void add_range(char32_t first, char32_t last);
    // Invalid UTF-8 bytes are skipped.
    void add_utf8(std::string_view text);
    // Every span, image description and link address of a document.
    void add_document(const doc::Document& document);
    void add_all(const CharacterSet& other);

    bool contains(char32_t code_point) const;
    size_t size() const { return count_; }
    std::vector<char32_t> code_points() const;  // ascending

private:
    std::vector<uint64_t> bits_;
    size_t count_ = 0;
};

// Characters embedded in every bundle whatever its text, so the reader's own
// strings render: ASCII, Latin-1, General Punctuation (dashes, quotes, "…",
// "•") and U+FFFD (ImGui's fallback glyph).
void add_interface_characters(CharacterSet& characters);

// Is the code point Han, kana, Hangul or CJK punctuation (what needs the CJK font)?
bool is_cjk(char32_t code_point);

struct SubsetFont {
    std::string face;     // "regular", "bold", "italic", "bold-italic", "cjk-regular", "cjk-bold"
    std::string family;   // "Noto Sans", "Noto Sans CJK JP", ...
    std::string content;  // the subset font file (TrueType or CFF OpenType)
    int glyphs = 0;       // glyphs in the subset, .notdef included
    int64_t source_bytes = 0;  // size of the font file it was cut from
};

struct FontSubsets {
    std::vector<SubsetFont> fonts;      // in the order of the face list above; missing faces left out
    std::vector<std::string> warnings;  // one line each, for the builder to show
    int64_t characters_without_glyph = 0;  // distinct characters of the text no embedded font has
};

struct FontSubsetOptions {
    // Folder holding the font files; "" means $SITEPACK_FONT_DIR when set,
    // else the system's Noto folders (see kFontDirectories in font_subset.cpp).
    std::string font_directory;
    // Which CJK face of the collection: "Noto Sans CJK JP" (the default),
    // "… KR", "… SC", "… TC", "… HK". See cjk_family_for_languages.
    std::string cjk_family;
};

// The CJK family fitting a site's languages (most used first, e.g. "en,ja,ko"):
// the first CJK language decides (ja: JP, ko: KR, zh-TW/zh-Hant: TC,
// zh-HK: HK, other zh: SC); JP when there is none.
std::string cjk_family_for_languages(const std::vector<std::string>& languages);

// Subsets every face to `used` plus the interface characters.
// Never fails: what cannot be done is reported in `warnings`.
FontSubsets subset_fonts(const CharacterSet& used, const FontSubsetOptions& options);

// One face of a font file (face_index within a .ttc collection) cut to
// `code_points`, without hinting, layout tables (ImGui neither shapes nor
// kerns) or vertical metrics. Fails with bad_input when the bytes are not a
// font HarfBuzz can subset.
Result<std::string> subset_font(std::string_view font_file, unsigned face_index, const std::vector<char32_t>& code_points);

// The face index of `family` in a font file (a .ttc holds several), or -1.
int find_face(std::string_view font_file, std::string_view family);

}  // namespace sitepack::build
