// font_subset_test.cpp: cutting Noto Sans and Noto Sans CJK down to a bundle's characters.
#include <doctest/doctest.h>

#include <hb.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "font_subset.h"
#include "site_builder.h"
#include "sitepack/bundle.h"

using namespace sitepack;
using namespace sitepack::build;
namespace fs = std::filesystem;

namespace {

const char* kLatinFont = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
const char* kCjkFont = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    std::string bytes(static_cast<size_t>(std::max<std::streamoff>(0, in.tellg())), '\0');
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return bytes;
}

bool have_fonts() { return fs::exists(kLatinFont) && fs::exists(kCjkFont); }

std::vector<char32_t> code_points_of(const std::string& utf8) {
    CharacterSet set;
    set.add_utf8(utf8);
    return set.code_points();
}

// Does the font map the character to a glyph (other than .notdef)?
bool has_glyph(const std::string& font_file, char32_t c) {
    hb_blob_t* blob = hb_blob_create(font_file.data(), static_cast<unsigned>(font_file.size()), HB_MEMORY_MODE_READONLY,
                                     nullptr, nullptr);
    hb_face_t* face = hb_face_create(blob, 0);
    hb_font_t* font = hb_font_create(face);
    hb_codepoint_t glyph = 0;
    bool found = hb_font_get_nominal_glyph(font, c, &glyph) && glyph != 0;
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return found;
}

unsigned glyph_count(const std::string& font_file) {
    hb_blob_t* blob = hb_blob_create(font_file.data(), static_cast<unsigned>(font_file.size()), HB_MEMORY_MODE_READONLY,
                                     nullptr, nullptr);
    hb_face_t* face = hb_face_create(blob, 0);
    unsigned count = hb_face_get_glyph_count(face);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return count;
}

std::string temporary_path(const std::string& name) {
    fs::create_directories(SITEPACK_TEST_TMP);
    std::string path = std::string(SITEPACK_TEST_TMP) + "/" + name + "-" + std::to_string(::getpid());
    std::error_code ignored;
    fs::remove_all(path, ignored);
    return path;
}

// Sets an environment variable for the life of the object.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) had_ = true, old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (had_) ::setenv(name_, old_.c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char* name_;
    bool had_ = false;
    std::string old_;
};

}  // namespace

TEST_CASE("a font character set holds each code point of UTF-8 text once and skips invalid bytes") {
    CharacterSet set;
    set.add_utf8("aab 北北 한\xFF\xC0\xAF");
    CHECK(set.size() == 5);  // a b space 北 한
    CHECK(set.contains(U'北'));
    CHECK(set.contains(U'한'));
    CHECK_FALSE(set.contains(U'c'));
    CHECK(set.code_points() == std::vector<char32_t>{U' ', U'a', U'b', U'北', U'한'});
}

TEST_CASE("a font character set takes the spans image descriptions and links of a document") {
    doc::Document document;
    doc::Block paragraph;
    paragraph.spans.push_back(doc::Span{doc::SpanKind::text, "x", doc::kPlain, -1});
    doc::Block quote;
    quote.kind = doc::BlockKind::quote;
    quote.children.push_back(paragraph);
    quote.children.back().spans[0].text = "北";
    document.blocks.push_back(paragraph);
    document.blocks.push_back(quote);
    document.images.push_back(doc::Image{"https://example.org/Z.png", "한", 0, 0, 0});
    document.links.push_back(doc::Link{"https://example.org/ü", doc::LinkTarget::external, 0});
    CharacterSet set;
    set.add_document(document);
    CHECK(set.contains(U'x'));
    CHECK(set.contains(U'北'));
    CHECK(set.contains(U'한'));  // an image's description
    CHECK(set.contains(U'ü'));   // a link's address (the reader shows it)
    CHECK_FALSE(set.contains(U'Z'));  // an image's address is never shown
}

TEST_CASE("the CJK font family follows the first CJK language of the site") {
    CHECK(cjk_family_for_languages({"en", "ja", "ko"}) == "Noto Sans CJK JP");
    CHECK(cjk_family_for_languages({"en", "ko", "ja"}) == "Noto Sans CJK KR");
    CHECK(cjk_family_for_languages({"zh-TW"}) == "Noto Sans CJK TC");
    CHECK(cjk_family_for_languages({"zh_Hant_HK"}) == "Noto Sans CJK HK");
    CHECK(cjk_family_for_languages({"zh"}) == "Noto Sans CJK SC");
    CHECK(cjk_family_for_languages({"en"}) == "Noto Sans CJK JP");
}

TEST_CASE("subsetting a font keeps exactly the glyphs of the characters asked for") {
    REQUIRE_MESSAGE(have_fonts(), "Noto fonts are not installed: run scripts/deps.sh (fonts-noto-core, fonts-noto-cjk)");
    std::string latin_source = read_file(kLatinFont);
    std::string cjk_source = read_file(kCjkFont);
    int jp = find_face(cjk_source, "Noto Sans CJK JP");
    REQUIRE(jp >= 0);
    CHECK(find_face(cjk_source, "Noto Sans CJK KR") > 0);
    CHECK(find_face(cjk_source, "No Such Family") == -1);

    Result<std::string> latin = subset_font(latin_source, 0, code_points_of("ABC"));
    REQUIRE(latin);
    CHECK(has_glyph(latin.value(), U'A'));
    CHECK(has_glyph(latin.value(), U'C'));
    CHECK_FALSE(has_glyph(latin.value(), U'D'));
    CHECK_FALSE(has_glyph(latin.value(), U'é'));
    CHECK(glyph_count(latin.value()) == 4);  // .notdef A B C
    CHECK(has_glyph(latin_source, U'D'));    // the source had it

    Result<std::string> cjk = subset_font(cjk_source, static_cast<unsigned>(jp), code_points_of("A北한"));
    REQUIRE(cjk);
    CHECK(has_glyph(cjk.value(), U'A'));
    CHECK(has_glyph(cjk.value(), U'北'));
    CHECK(has_glyph(cjk.value(), U'한'));
    CHECK_FALSE(has_glyph(cjk.value(), U'南'));
    CHECK_FALSE(has_glyph(cjk.value(), U'국'));
    CHECK(glyph_count(cjk.value()) == 4);
    CHECK(has_glyph(cjk_source, U'南'));  // hb_face_create(…, 0) of the .ttc: face 0 is JP

    Result<std::string> garbage = subset_font("not a font at all", 0, code_points_of("A"));
    CHECK(garbage.code() == ErrorCode::bad_input);
}

TEST_CASE("a subset is much smaller than the font it was cut from") {
    REQUIRE_MESSAGE(have_fonts(), "Noto fonts are not installed: run scripts/deps.sh (fonts-noto-core, fonts-noto-cjk)");
    std::string cjk_source = read_file(kCjkFont);
    std::string latin_source = read_file(kLatinFont);
    std::vector<char32_t> text = code_points_of("North Korean refugees 北朝鮮難民 탈북자 ありがとう");
    Result<std::string> cjk = subset_font(cjk_source, 0, text);
    Result<std::string> latin = subset_font(latin_source, 0, text);
    REQUIRE(cjk);
    REQUIRE(latin);
    MESSAGE("CJK subset " << cjk->size() << " bytes of " << cjk_source.size() << ", Latin " << latin->size() << " of "
                          << latin_source.size());
    CHECK(cjk->size() < 20 * 1024);
    CHECK(cjk->size() * 500 < cjk_source.size());
    CHECK(latin->size() * 20 < latin_source.size());
}

TEST_CASE("subsetting fonts to the same characters twice gives the same bytes") {
    REQUIRE_MESSAGE(have_fonts(), "Noto fonts are not installed: run scripts/deps.sh (fonts-noto-core, fonts-noto-cjk)");
    CharacterSet used;
    used.add_utf8("Life Funds for North Korean Refugees 北朝鮮難民救援基金 탈북자 «café» — “quotes”");
    FontSubsets first = subset_fonts(used, {});
    FontSubsets second = subset_fonts(used, {});
    REQUIRE(first.fonts.size() == 6);
    REQUIRE(second.fonts.size() == 6);
    for (size_t i = 0; i < first.fonts.size(); ++i) {
        CAPTURE(first.fonts[i].face);
        CHECK(first.fonts[i].face == second.fonts[i].face);
        CHECK(first.fonts[i].content == second.fonts[i].content);
    }
}

TEST_CASE("font subsets split the characters between the Latin and the CJK faces") {
    REQUIRE_MESSAGE(have_fonts(), "Noto fonts are not installed: run scripts/deps.sh (fonts-noto-core, fonts-noto-cjk)");
    CharacterSet used;
    used.add_utf8("Ωмир 北朝鮮 한국 、。");
    FontSubsets fonts = subset_fonts(used, {"", "Noto Sans CJK KR"});
    CHECK(fonts.warnings.empty());
    CHECK(fonts.characters_without_glyph == 0);
    std::vector<std::string> faces;
    for (const SubsetFont& font : fonts.fonts) faces.push_back(font.face);
    CHECK(faces == std::vector<std::string>{"regular", "bold", "italic", "bold-italic", "cjk-regular", "cjk-bold"});
    for (const SubsetFont& font : fonts.fonts) {
        CAPTURE(font.face);
        bool cjk = font.face.rfind("cjk-", 0) == 0;
        CHECK(font.family == (cjk ? "Noto Sans CJK KR" : "Noto Sans"));
        CHECK(has_glyph(font.content, U'北') == cjk);
        CHECK(has_glyph(font.content, U'。') == cjk);
        CHECK(has_glyph(font.content, U'Ω') == !cjk);
        CHECK(has_glyph(font.content, U'м') == !cjk);
        CHECK(has_glyph(font.content, U'A') == !cjk);  // the interface characters, in the Latin faces
        CHECK(has_glyph(font.content, U'…') == !cjk);
    }
}

TEST_CASE("a text without CJK characters gets no CJK font faces") {
    REQUIRE_MESSAGE(have_fonts(), "Noto fonts are not installed: run scripts/deps.sh (fonts-noto-core, fonts-noto-cjk)");
    CharacterSet used;
    used.add_utf8("Plain English, naïve café.");
    FontSubsets fonts = subset_fonts(used, {});
    CHECK(fonts.fonts.size() == 4);
    CHECK(fonts.warnings.empty());
}

TEST_CASE("missing font files give warnings and fewer faces instead of failing") {
    std::string empty = temporary_path("no-fonts");
    fs::create_directories(empty);
    CharacterSet used;
    used.add_utf8("North Korea 北朝鮮 한국 😀");

    FontSubsets none = subset_fonts(used, {empty, ""});
    CHECK(none.fonts.empty());
    CHECK(none.characters_without_glyph == 6);  // 北 朝 鮮 한 국 😀
    REQUIRE(none.warnings.size() == 2);
    CHECK(none.warnings[0].find("NotoSans-Regular.ttf not found") != std::string::npos);
    CHECK(none.warnings[1].find("6 distinct characters") != std::string::npos);
    CHECK(none.warnings[1].find("5 of them CJK") != std::string::npos);

    if (have_fonts()) {
        // Only the regular Latin face: the others missing, CJK shown as boxes.
        fs::copy_file(kLatinFont, empty + "/NotoSans-Regular.ttf");
        ScopedEnv folder("SITEPACK_FONT_DIR", empty);
        FontSubsets latin_only = subset_fonts(used, {});
        REQUIRE(latin_only.fonts.size() == 1);
        CHECK(latin_only.fonts[0].face == "regular");
        CHECK(has_glyph(latin_only.fonts[0].content, U'N'));
        CHECK(latin_only.characters_without_glyph == 6);
        std::string all;
        for (const std::string& line : latin_only.warnings) all += line + "\n";
        CHECK(all.find("NotoSans-Bold.ttf not found") != std::string::npos);
        CHECK(all.find("NotoSansCJK-Regular.ttc was not found") != std::string::npos);
        CHECK(all.find("NotoSansCJK-Bold.ttc") == std::string::npos);  // one line for CJK is enough
    }
    std::error_code ignored;
    fs::remove_all(empty, ignored);
}

TEST_CASE("a bundle built from the sample carries Latin and CJK fonts that Bundle fonts returns") {
    REQUIRE_MESSAGE(have_fonts(), "Noto fonts are not installed: run scripts/deps.sh (fonts-noto-core, fonts-noto-cjk)");
    std::string output = temporary_path("fonts-sample") + ".sitepack";
    BuildOptions options;
    options.inputs = {std::string(SITEPACK_SOURCE_DIR) + "/samples/lfnkr"};
    options.output = output;
    options.build_time = 0;
    std::vector<std::string> warnings;
    options.warn = [&](const std::string& line) { warnings.push_back(line); };
    Result<BuildSummary> built = build_bundle(options);
    REQUIRE(built);
    for (const std::string& line : warnings) CHECK_MESSAGE(line.find("fonts:") != 0, line);

    Result<Bundle> bundle = Bundle::open(output);
    REQUIRE(bundle);
    Result<std::vector<FontRecord>> fonts = bundle->fonts();
    REQUIRE(fonts);
    std::vector<std::string> faces;
    for (const FontRecord& font : fonts.value()) {
        faces.push_back(font.face);
        MESSAGE(font.face << " (" << font.family << "): " << font.content.size() << " bytes, " << glyph_count(font.content)
                          << " glyphs");
    }
    CHECK(faces == std::vector<std::string>{"regular", "bold", "italic", "bold-italic", "cjk-regular", "cjk-bold"});
    const FontRecord& regular = fonts->front();
    const FontRecord& cjk = fonts->at(4);
    CHECK(regular.family == "Noto Sans");
    CHECK(cjk.family == "Noto Sans CJK JP");
    // Faces asked by name (the reader's CJK faces come when a page needs them).
    Result<std::vector<FontRecord>> asked = bundle->fonts({"cjk-bold", "no-such-face"});
    REQUIRE(asked);
    REQUIRE(asked->size() == 1);
    CHECK(asked->front().face == "cjk-bold");
    CHECK(asked->front().content == fonts->at(5).content);
    CHECK(has_glyph(regular.content, U'R'));
    CHECK(has_glyph(regular.content, U'—'));
    // The sample's Japanese and Korean pages.
    CHECK(has_glyph(cjk.content, U'北'));
    CHECK(has_glyph(cjk.content, U'朝'));
    CHECK(has_glyph(cjk.content, U'북'));  // 북한
    CHECK_FALSE(has_glyph(cjk.content, U'鬱'));
    // Every character of every page has a glyph in some face.
    for (int64_t id = 1; id <= bundle->info().page_count; ++id) {
        Result<doc::Document> document = bundle->read_document(id);
        REQUIRE(document);
        CharacterSet used;
        used.add_document(document.value());
        for (char32_t c : used.code_points()) {
            if (c < 0x20) continue;
            bool found = false;
            for (const FontRecord& font : fonts.value())
                if (font.face == "regular" || font.face == "cjk-regular") found = found || has_glyph(font.content, c);
            CHECK_MESSAGE(found, "page " << id << ": U+" << std::hex << static_cast<unsigned>(c));
        }
    }
    std::error_code ignored;
    fs::remove(output, ignored);
}
