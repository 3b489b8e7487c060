#include "font_subset.h"

#include <hb-subset.h>
#include <hb.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>

namespace sitepack::build {

// [SECTION] Where the fonts come from --------------------------------------------
namespace {

// The font files every bundle's fonts are cut from, as Debian's
// fonts-noto-core (Noto Sans, TrueType) and fonts-noto-cjk (Noto Sans CJK,
// CFF OpenType collections of JP/KR/SC/TC/HK faces) install them. Each file
// is looked for in the folders of kFontDirectories in turn (Debian and
// Ubuntu first, then Arch Linux's noto-fonts and noto-fonts-cjk layout);
// $SITEPACK_FONT_DIR, when set, replaces that list with one folder (tests
// point it at a folder holding fewer fonts). Changing these changes every
// bundle's bytes.
struct FaceSource {
    const char* face;  // the fonts.face value
    const char* file;
    bool cjk;
};
constexpr FaceSource kFaces[] = {
    {"regular", "NotoSans-Regular.ttf", false},
    {"bold", "NotoSans-Bold.ttf", false},
    {"italic", "NotoSans-Italic.ttf", false},
    {"bold-italic", "NotoSans-BoldItalic.ttf", false},
    {"cjk-regular", "NotoSansCJK-Regular.ttc", true},
    {"cjk-bold", "NotoSansCJK-Bold.ttc", true},
};
constexpr const char* kFontDirectories[] = {
    "/usr/share/fonts/truetype/noto",  // Debian, Ubuntu: fonts-noto-core
    "/usr/share/fonts/opentype/noto",  // Debian, Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/noto",           // Arch: noto-fonts
    "/usr/share/fonts/noto-cjk",       // Arch: noto-fonts-cjk
};
constexpr const char* kDefaultCjkFamily = "Noto Sans CJK JP";

// Tables the reader never reads: layout (ImGui 1.92 neither shapes nor
// kerns, and keeping GSUB would also pull in every glyph its substitutions
// reach: the JP/KR/SC locale variants and vertical forms, which doubles a
// CJK subset) and vertical metrics. HarfBuzz drops `kern`, `DSIG`, bitmap
// and Graphite tables by default.
constexpr const char* kDroppedTables[] = {"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "vhea", "vmtx", "VORG"};

// The name records kept: family, style, version, PostScript name (0-6, as
// HarfBuzz keeps by default) and the licence with its URL (13, 14), so the
// subset carries its SIL Open Font License notice with it.
constexpr unsigned kKeptNameIds[] = {0, 1, 2, 3, 4, 5, 6, 13, 14};

std::vector<std::string> font_directories(const FontSubsetOptions& options) {
    if (!options.font_directory.empty()) return {options.font_directory};
    if (const char* folder = std::getenv("SITEPACK_FONT_DIR"); folder && *folder) return {folder};
    return std::vector<std::string>(std::begin(kFontDirectories), std::end(kFontDirectories));
}

std::string folder_list(const std::vector<std::string>& folders) {
    std::string text;
    for (const std::string& folder : folders) text += (text.empty() ? "" : ", ") + folder;
    return text;
}

// The file's bytes, or "" when it is absent or unreadable.
std::string read_font_file(const std::vector<std::string>& folders, const char* name) {
    for (const std::string& folder : folders) {
        std::ifstream in(folder + "/" + name, std::ios::binary | std::ios::ate);
        if (!in) continue;
        std::streamoff size = in.tellg();
        if (size <= 0) continue;
        std::string bytes(static_cast<size_t>(size), '\0');
        in.seekg(0);
        if (in.read(bytes.data(), size)) return bytes;
    }
    return "";
}

}  // namespace

// [SECTION] Characters -----------------------------------------------------------
namespace {
constexpr char32_t kLastCodePoint = 0x10FFFF;
}

CharacterSet::CharacterSet() : bits_((kLastCodePoint + 1) / 64, 0) {}

void CharacterSet::add(char32_t code_point) {
    if (code_point > kLastCodePoint) return;
    uint64_t& word = bits_[code_point / 64];
    uint64_t bit = uint64_t{1} << (code_point % 64);
    if (!(word & bit)) {
        word |= bit;
        ++count_;
    }
}

void CharacterSet::add_range(char32_t first, char32_t last) {
    for (char32_t c = first; c <= last && c <= kLastCodePoint; ++c) add(c);
}

void CharacterSet::add_utf8(std::string_view text) {
    size_t i = 0, size = text.size();
    while (i < size) {
        unsigned char lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            add(lead);
            ++i;
            continue;
        }
        int length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0;
        if (length == 0 || i + static_cast<size_t>(length) > size) {
            ++i;
            continue;
        }
        char32_t code_point = lead & (0x7F >> length);
        bool valid = true;
        for (int k = 1; k < length; ++k) {
            unsigned char next = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
            if ((next & 0xC0) != 0x80) valid = false;
            code_point = (code_point << 6) | (next & 0x3F);
        }
        bool overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
        bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
        if (!valid || overlong || surrogate || code_point > kLastCodePoint) {
            ++i;
            continue;
        }
        add(code_point);
        i += static_cast<size_t>(length);
    }
}

namespace {
void add_blocks(CharacterSet& characters, const std::vector<doc::Block>& blocks) {
    for (const doc::Block& block : blocks) {
        for (const doc::Span& span : block.spans) characters.add_utf8(span.text);
        add_blocks(characters, block.children);
    }
}
}  // namespace

void CharacterSet::add_document(const doc::Document& document) {
    add_blocks(*this, document.blocks);
    for (const doc::Image& image : document.images) add_utf8(image.alt);
    for (const doc::Link& link : document.links) add_utf8(link.url);
}

void CharacterSet::add_all(const CharacterSet& other) {
    for (char32_t c : other.code_points()) add(c);
}

bool CharacterSet::contains(char32_t code_point) const {
    return code_point <= kLastCodePoint && (bits_[code_point / 64] >> (code_point % 64)) & 1;
}

std::vector<char32_t> CharacterSet::code_points() const {
    std::vector<char32_t> points;
    points.reserve(count_);
    for (size_t i = 0; i < bits_.size(); ++i)
        if (bits_[i])
            for (unsigned k = 0; k < 64; ++k)
                if ((bits_[i] >> k) & 1) points.push_back(static_cast<char32_t>(i * 64 + k));
    return points;
}

void add_interface_characters(CharacterSet& characters) {
    characters.add_range(0x20, 0x7E);      // ASCII
    characters.add_range(0xA0, 0xFF);      // Latin-1
    characters.add_range(0x2000, 0x206F);  // General Punctuation
    characters.add(0xFFFD);                // the replacement character, ImGui's first choice of fallback glyph
}

bool is_cjk(char32_t c) {
    return (c >= 0x1100 && c <= 0x11FF) ||    // Hangul Jamo
           (c >= 0x2E80 && c <= 0x2FDF) ||    // CJK radicals, Kangxi radicals
           (c >= 0x3000 && c <= 0x9FFF) ||    // CJK symbols, kana, Bopomofo, compatibility Jamo, Han
           (c >= 0xA960 && c <= 0xA97F) ||    // Hangul Jamo Extended-A
           (c >= 0xAC00 && c <= 0xD7FF) ||    // Hangul syllables, Jamo Extended-B
           (c >= 0xF900 && c <= 0xFAFF) ||    // CJK compatibility ideographs
           (c >= 0xFE30 && c <= 0xFE4F) ||    // CJK compatibility forms
           (c >= 0xFF00 && c <= 0xFFEF) ||    // half- and full-width forms
           (c >= 0x20000 && c <= 0x3134F);    // Han extensions B-G
}

// [SECTION] Subsetting -----------------------------------------------------------
namespace {

struct BlobDeleter {
    void operator()(hb_blob_t* blob) const { hb_blob_destroy(blob); }
};
struct FaceDeleter {
    void operator()(hb_face_t* face) const { hb_face_destroy(face); }
};
struct InputDeleter {
    void operator()(hb_subset_input_t* input) const { hb_subset_input_destroy(input); }
};
using BlobPtr = std::unique_ptr<hb_blob_t, BlobDeleter>;
using FacePtr = std::unique_ptr<hb_face_t, FaceDeleter>;

// A blob over bytes the caller keeps alive.
BlobPtr borrow_blob(std::string_view bytes) {
    return BlobPtr(hb_blob_create(bytes.data(), static_cast<unsigned>(bytes.size()), HB_MEMORY_MODE_READONLY, nullptr, nullptr));
}

std::string name_of(hb_face_t* face, hb_ot_name_id_t id) {
    hb_language_t english = hb_language_from_string("en", -1);
    unsigned size = hb_ot_name_get_utf8(face, id, english, nullptr, nullptr);
    if (size == 0) return "";
    std::string text(size + 1, '\0');
    unsigned capacity = size + 1;
    hb_ot_name_get_utf8(face, id, english, &capacity, text.data());
    text.resize(capacity);
    return text;
}

// The typographic family ("Noto Sans CJK JP"), else the legacy one.
std::string family_of(hb_face_t* face) {
    std::string family = name_of(face, HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY);
    return family.empty() ? name_of(face, HB_OT_NAME_ID_FONT_FAMILY) : family;
}

CharacterSet coverage_of(hb_face_t* face) {
    hb_set_t* unicodes = hb_set_create();
    hb_face_collect_unicodes(face, unicodes);
    CharacterSet covered;
    for (hb_codepoint_t c = HB_SET_VALUE_INVALID; hb_set_next(unicodes, &c);) covered.add(c);
    hb_set_destroy(unicodes);
    return covered;
}

std::string code_point_name(char32_t c) {
    char text[16];
    std::snprintf(text, sizeof text, "U+%04X", static_cast<unsigned>(c));
    return text;
}

}  // namespace

int find_face(std::string_view font_file, std::string_view family) {
    BlobPtr blob = borrow_blob(font_file);
    unsigned count = hb_face_count(blob.get());
    for (unsigned index = 0; index < count; ++index) {
        FacePtr face(hb_face_create(blob.get(), index));
        if (family_of(face.get()) == family) return static_cast<int>(index);
    }
    return -1;
}

Result<std::string> subset_font(std::string_view font_file, unsigned face_index, const std::vector<char32_t>& code_points) {
    BlobPtr blob = borrow_blob(font_file);
    FacePtr face(hb_face_create(blob.get(), face_index));
    if (hb_face_get_glyph_count(face.get()) == 0)
        return Error{ErrorCode::bad_input, "not a font file (or no face " + std::to_string(face_index) + " in it)"};
    std::unique_ptr<hb_subset_input_t, InputDeleter> input(hb_subset_input_create_or_fail());
    if (!input) return Error{ErrorCode::internal, "out of memory starting a font subset"};
    hb_set_t* unicodes = hb_subset_input_unicode_set(input.get());
    for (char32_t c : code_points) hb_set_add(unicodes, c);
    hb_subset_input_set_flags(input.get(), HB_SUBSET_FLAGS_NO_HINTING);
    hb_set_t* dropped = hb_subset_input_set(input.get(), HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (const char* tag : kDroppedTables) hb_set_add(dropped, hb_tag_from_string(tag, -1));
    hb_set_t* names = hb_subset_input_set(input.get(), HB_SUBSET_SETS_NAME_ID);
    hb_set_clear(names);
    for (unsigned id : kKeptNameIds) hb_set_add(names, id);

    FacePtr subset(hb_subset_or_fail(face.get(), input.get()));
    if (!subset) return Error{ErrorCode::bad_input, "HarfBuzz could not subset the font"};
    BlobPtr bytes(hb_face_reference_blob(subset.get()));
    unsigned length = 0;
    const char* data = hb_blob_get_data(bytes.get(), &length);
    if (!data || length == 0) return Error{ErrorCode::bad_input, "HarfBuzz could not subset the font"};
    return std::string(data, length);
}

std::string cjk_family_for_languages(const std::vector<std::string>& languages) {
    for (const std::string& tag : languages) {
        std::string lower;
        for (char c : tag) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c == '_' ? '-' : c);
        std::string primary = lower.substr(0, lower.find('-'));
        if (primary == "ja") return "Noto Sans CJK JP";
        if (primary == "ko") return "Noto Sans CJK KR";
        if (primary == "zh") {
            if (lower.find("-hk") != std::string::npos || lower.find("-mo") != std::string::npos) return "Noto Sans CJK HK";
            if (lower.find("-hant") != std::string::npos || lower.find("-tw") != std::string::npos) return "Noto Sans CJK TC";
            return "Noto Sans CJK SC";
        }
    }
    return kDefaultCjkFamily;
}

FontSubsets subset_fonts(const CharacterSet& used, const FontSubsetOptions& options) {
    FontSubsets result;
    std::vector<std::string> folders = font_directories(options);
    std::string wanted_cjk = options.cjk_family.empty() ? kDefaultCjkFamily : options.cjk_family;

    // Read the files (40 MB with the CJK collections, for a moment).
    constexpr size_t kFaceCount = std::size(kFaces);
    std::vector<std::string> files(kFaceCount);
    for (size_t i = 0; i < kFaceCount; ++i) files[i] = read_font_file(folders, kFaces[i].file);

    // Which face index and family each file gives.
    std::vector<unsigned> indexes(kFaceCount, 0);
    std::vector<std::string> families(kFaceCount);
    for (size_t i = 0; i < kFaceCount; ++i) {
        if (files[i].empty()) continue;
        if (kFaces[i].cjk) {
            int index = find_face(files[i], wanted_cjk);
            if (index < 0) {
                result.warnings.push_back(std::string(kFaces[i].file) + " has no \"" + wanted_cjk + "\" face: using its first face");
                index = 0;
            }
            indexes[i] = static_cast<unsigned>(index);
        }
        BlobPtr blob = borrow_blob(files[i]);
        FacePtr face(hb_face_create(blob.get(), indexes[i]));
        if (hb_face_get_glyph_count(face.get()) == 0) {
            result.warnings.push_back(std::string(kFaces[i].file) + " is not a font file HarfBuzz can read: left out");
            files[i].clear();
            continue;
        }
        families[i] = family_of(face.get());
    }

    // Which characters go to which family.
    CharacterSet wanted = used;
    add_interface_characters(wanted);
    CharacterSet latin_covered, cjk_covered;
    auto coverage = [&](size_t i) {
        BlobPtr blob = borrow_blob(files[i]);
        FacePtr face(hb_face_create(blob.get(), indexes[i]));
        return coverage_of(face.get());
    };
    constexpr size_t kRegular = 0, kCjkRegular = 4;
    for (size_t i = 0; i < kFaceCount; ++i) {  // the first Latin and the first CJK face found
        CharacterSet& covered = kFaces[i].cjk ? cjk_covered : latin_covered;
        if (!files[i].empty() && covered.size() == 0) covered = coverage(i);
    }
    std::vector<char32_t> latin_points, cjk_points, missing;
    int64_t missing_cjk = 0;
    for (char32_t c : wanted.code_points()) {
        if (latin_covered.contains(c)) latin_points.push_back(c);
        else if (cjk_covered.contains(c)) cjk_points.push_back(c);
        // Controls never show; ASCII is in every reader's built-in font.
        else if (used.contains(c) && c > 0x9F) {
            missing.push_back(c);
            if (is_cjk(c)) ++missing_cjk;
        }
    }

    // Subset the faces, the large CJK ones on threads of their own.
    std::vector<Result<std::string>> subsets(kFaceCount, Result<std::string>(ErrorCode::not_found, ""));
    std::vector<std::thread> workers;
    for (size_t i = 0; i < kFaceCount; ++i) {
        if (files[i].empty()) continue;
        const std::vector<char32_t>& points = kFaces[i].cjk ? cjk_points : latin_points;
        if (kFaces[i].cjk && cjk_points.empty()) continue;  // no text needs it
        workers.emplace_back([&, i, &points = points] { subsets[i] = subset_font(files[i], indexes[i], points); });
    }
    for (std::thread& worker : workers) worker.join();

    for (size_t i = 0; i < kFaceCount; ++i) {
        if (files[i].empty()) continue;
        if (!subsets[i]) {
            if (subsets[i].code() != ErrorCode::not_found)
                result.warnings.push_back(std::string(kFaces[i].file) + ": " + subsets[i].error().message + ": left out");
            continue;
        }
        SubsetFont font;
        font.face = kFaces[i].face;
        font.family = families[i];
        font.content = std::move(subsets[i].value());
        font.source_bytes = static_cast<int64_t>(files[i].size());
        BlobPtr blob = borrow_blob(font.content);
        FacePtr face(hb_face_create(blob.get(), 0));
        font.glyphs = static_cast<int>(hb_face_get_glyph_count(face.get()));
        result.fonts.push_back(std::move(font));
    }

    // What the reader will lack.
    std::string where = " in " + folder_list(folders);
    if (files[kRegular].empty())
        result.warnings.push_back(std::string(kFaces[kRegular].file) + " not found" + where +
                                  " (install fonts-noto-core): readers will draw regular text with their built-in font,"
                                  " which has ASCII only");
    for (size_t i = 1; i < kFaceCount; ++i) {
        if (!files[i].empty() || files[kFaces[i].cjk ? kCjkRegular : kRegular].empty()) continue;
        if (kFaces[i].cjk && cjk_points.empty()) continue;
        result.warnings.push_back(std::string(kFaces[i].file) + " not found" + where + ": readers will show " +
                                  (kFaces[i].cjk ? "bold CJK" : kFaces[i].face) + " text in the regular face");
    }
    result.characters_without_glyph = static_cast<int64_t>(missing.size());
    if (!missing.empty()) {
        std::string line = std::to_string(missing.size()) + " distinct character" + (missing.size() == 1 ? "" : "s") +
                           " of the text (";
        for (size_t k = 0; k < missing.size() && k < 5; ++k) line += (k ? " " : "") + code_point_name(missing[k]);
        line += missing.size() > 5 ? " ...)" : ")";
        line += " have no glyph in the embedded fonts and will show as boxes";
        if (missing_cjk > 0 && files[kCjkRegular].empty())
            line += ", " + std::to_string(missing_cjk) + " of them CJK because " + kFaces[kCjkRegular].file + " was not found" +
                    where + " (install fonts-noto-cjk)";
        result.warnings.push_back(line);
    }
    return result;
}

}  // namespace sitepack::build
