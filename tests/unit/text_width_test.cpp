// Tests of UTF-8 decoding, display width and line breaking (text_width.h).
#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "sitepack/text_width.h"

using namespace sitepack::text;

namespace {

using Lines = std::vector<std::string>;

// The first character of a line, decoded.
char32_t first_char(const std::string& line) { return line.empty() ? 0 : decode_utf8(line, 0).code_point; }

// The last character of a line, decoded (walks from the start: lines are short).
char32_t last_char(const std::string& line) {
    char32_t last = 0;
    for (size_t offset = 0; offset < line.size();) {
        const DecodedChar decoded = decode_utf8(line, offset);
        last = decoded.code_point;
        offset += decoded.length;
    }
    return last;
}

std::string without_spaces(std::string_view text) {
    std::string out;
    for (size_t offset = 0; offset < text.size();) {
        const DecodedChar decoded = decode_utf8(text, offset);
        if (!is_breaking_space(decoded.code_point) && decoded.code_point != U'\n') {
            out.append(text.substr(offset, decoded.length));
        }
        offset += decoded.length;
    }
    return out;
}

std::string join(const Lines& lines) {
    std::string out;
    for (const std::string& line : lines) out += line;
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// UTF-8

TEST_CASE("well-formed UTF-8 decodes to its code points") {
    CHECK(decode_utf8("A", 0).code_point == U'A');
    CHECK(decode_utf8("é", 0).code_point == 0xE9);
    CHECK(decode_utf8("é", 0).length == 2);
    CHECK(decode_utf8("漢", 0).code_point == 0x6F22);
    CHECK(decode_utf8("漢", 0).length == 3);
    CHECK(decode_utf8("😀", 0).code_point == 0x1F600);
    CHECK(decode_utf8("😀", 0).length == 4);
    CHECK(decode_utf8("a漢", 1).code_point == 0x6F22);
}

TEST_CASE("ill-formed UTF-8 decodes to U+FFFD and always advances") {
    struct Case {
        std::string input;
        size_t length;
    };
    const Case cases[] = {
        {"\x80", 1},              // stray continuation byte
        {"\xC0\xAF", 1},          // overlong lead
        {"\xC1\xBF", 1},          // overlong lead
        {"\xE0\x80\xAF", 1},      // overlong three-byte form
        {"\xED\xA0\x80", 1},      // UTF-16 surrogate
        {"\xF4\x90\x80\x80", 1},  // above U+10FFFF
        {"\xF5\x80\x80\x80", 1},  // invalid lead
        {"\xFF", 1},
        {"\xE6\x97", 2},          // truncated: the maximal ill-formed prefix is consumed
        {"\xF0\x9F\x98", 3},
        {"\xE6\x97x", 2},         // interrupted by ASCII, which is kept
        {"\xC3", 1},
    };
    for (const Case& c : cases) {
        const DecodedChar decoded = decode_utf8(c.input, 0);
        CHECK(decoded.code_point == kReplacementCharacter);
        CHECK_MESSAGE(decoded.length == c.length, c.input);
    }
    CHECK(to_valid_utf8("a\xE6\x97x\xFFz") == "a\xEF\xBF\xBDx\xEF\xBF\xBDz");
    CHECK(to_valid_utf8("日本語 ok") == "日本語 ok");
}

TEST_CASE("decoding never reads past the end of its input") {
    // Every sequence sits at the very end of an exact-size heap block, so
    // AddressSanitizer reports any read beyond it.
    int failures = 0;
    for (size_t length = 1; length <= 3; ++length) {
        std::unique_ptr<char[]> buffer(new char[length]);
        const std::string_view view(buffer.get(), length);
        const uint32_t combinations = length == 3 ? (0xF5 - 0xC2) * 64 * 256 : 1u << (8 * length);
        for (uint32_t n = 0; n < combinations; ++n) {
            if (length == 3) {
                // Leads that start multi-byte sequences, a valid first continuation, any third byte.
                buffer[0] = static_cast<char>(0xC2 + n / (64 * 256));
                buffer[1] = static_cast<char>(0x80 + (n / 256) % 64);
                buffer[2] = static_cast<char>(n % 256);
            } else {
                for (size_t i = 0; i < length; ++i) buffer[i] = static_cast<char>(n >> (8 * i));
            }
            size_t offset = 0;
            while (offset < length) {
                const DecodedChar decoded = decode_utf8(view, offset);
                if (decoded.length < 1 || offset + decoded.length > length) break;
                offset += decoded.length;
            }
            // Counted rather than asserted one by one: millions of doctest assertions are slow.
            if (offset != length || display_width(view) < 0) ++failures;
        }
    }
    CHECK(failures == 0);
}

TEST_CASE("append_utf8 writes code points back and refuses surrogates") {
    for (char32_t code_point : {U'A', char32_t{0xE9}, char32_t{0x6F22}, char32_t{0x1F600}, char32_t{0x10FFFF}}) {
        std::string out;
        append_utf8(out, code_point);
        CHECK(decode_utf8(out, 0).code_point == code_point);
        CHECK(decode_utf8(out, 0).length == out.size());
    }
    std::string surrogate;
    append_utf8(surrogate, 0xD800);
    CHECK(surrogate == "\xEF\xBF\xBD");
}

// ---------------------------------------------------------------------------
// Width

TEST_CASE("漢 is two columns wide") {
    CHECK(display_width("漢") == 2);
    CHECK(char_width(0x6F22) == 2);
}

TEST_CASE("display width follows East Asian width") {
    CHECK(display_width("abc") == 3);
    CHECK(display_width("日本語") == 6);
    CHECK(display_width("ひらがな") == 8);
    CHECK(display_width("カタカナ") == 8);
    CHECK(display_width("한국어") == 6);
    CHECK(display_width("ＡＢ") == 4);      // fullwidth forms
    CHECK(display_width("ｱｲ") == 2);        // halfwidth katakana
    CHECK(display_width("\u3000") == 2);    // ideographic space
    CHECK(display_width("😀") == 2);
    CHECK(display_width("café") == 4);
    CHECK(display_width("Ελληνικά") == 8);
    CHECK(display_width("\U00020B9F") == 2);  // CJK extension B
}

TEST_CASE("combining marks, zero-width characters and controls take no columns") {
    CHECK(display_width("e\u0301") == 1);         // e + combining acute
    CHECK(display_width("か\u3099") == 2);        // か + combining voiced mark
    CHECK(display_width("a\u200Bb") == 2);        // zero-width space
    CHECK(display_width("\u200D\uFE0F") == 0);    // joiner, variation selector
    CHECK(display_width("a\x1b") == 1);           // ESC
    CHECK(display_width("\xff") == 1);            // U+FFFD
}

// ---------------------------------------------------------------------------
// Breaking

TEST_CASE("a Japanese sentence never puts 。 at the start of a line") {
    const std::string sentence = "これは日本語の文章です。次の文です。";
    CHECK(wrap_text(sentence, 22) == Lines{"これは日本語の文章で", "す。次の文です。"});
    // From 4 columns on, where "す。" (the widest unbreakable piece) fits.
    for (int width = 4; width <= 40; ++width) {
        const Lines lines = wrap_text(sentence, width);
        CHECK(join(lines) == sentence);
        for (const std::string& line : lines) {
            CHECK(display_width(line) <= width);
            CHECK(first_char(line) != U'。');
        }
    }
}

TEST_CASE("closing punctuation and prolonged sound marks stay with the character before them") {
    const std::string text = "「コーヒー」、ください！（はい）";
    for (int width = 8; width <= 30; ++width) {  // "ヒー」、" is 8 columns and cannot break
        for (const std::string& line : wrap_text(text, width)) {
            const char32_t first = first_char(line);
            CHECK(first != U'ー');
            CHECK(first != U'」');
            CHECK(first != U'、');
            CHECK(first != U'！');
            CHECK(first != U'）');
            const char32_t last = last_char(line);
            CHECK(last != U'「');
            CHECK(last != U'（');
        }
    }
}

TEST_CASE("opening brackets stay with the character after them") {
    CHECK(wrap_text("これは「日本語」です", 8) == Lines{"これは", "「日本", "語」です"});
}

TEST_CASE("Korean breaks between Hangul syllables or at spaces") {
    CHECK(wrap_text("한국어 텍스트를 줄바꿈합니다", 10) == Lines{"한국어 텍", "스트를 줄", "바꿈합니다"});
    CHECK(wrap_text("한국어 텍스트를 줄바꿈합니다", 8) == Lines{"한국어", "텍스트를", "줄바꿈합", "니다"});
}

TEST_CASE("a non-breaking space keeps its words together") {
    CHECK(wrap_text("a b c 10\u00A0km", 6) == Lines{"a b c", "10\u00A0km"});
    CHECK(wrap_text("page 12\u202F345 end", 8) == Lines{"page", "12\u202F345", "end"});
    CHECK(wrap_text("x 漢\u00A0字", 5) == Lines{"x", "漢\u00A0字"});  // not even between ideographs
}

TEST_CASE("a long URL is broken after slashes and query separators") {
    CHECK(wrap_text("see https://example.com/a/very/long/path/to/some/page?query=1&x=2 now", 20) ==
          Lines{"see", "https://example.com/", "a/very/long/path/to/", "some/page?query=1&", "x=2 now"});
}

TEST_CASE("a word without break characters is cut anywhere, but not before a combining mark") {
    CHECK(wrap_text("abcdefghij", 4) == Lines{"abcd", "efgh", "ij"});
    CHECK(split_long_word("e\u0301e\u0301e\u0301", 1) ==
          std::vector<std::string_view>{"e\u0301", "e\u0301", "e\u0301"});
    CHECK(split_long_word("https://x", 4) == std::vector<std::string_view>{"http", "s://", "x"});
    // Cut where a line may start: not before the full stop, not after the bracket.
    CHECK(split_long_word("abc.de", 3) == std::vector<std::string_view>{"ab", "c.d", "e"});
    CHECK(split_long_word("ab(cd", 3) == std::vector<std::string_view>{"ab", "(cd"});
}

TEST_CASE("a character wider than the line still makes progress") {
    CHECK(wrap_text("漢字", 1) == Lines{"漢", "字"});
    CHECK(wrap_text("ab", 0) == Lines{"a", "b"});
}

TEST_CASE("spaces before closing punctuation and after opening punctuation do not break") {
    CHECK(wrap_text("Il a dit : oui", 9) == Lines{"Il a", "dit : oui"});
    CHECK(wrap_text("word ( aside )", 9) == Lines{"word", "( aside )"});
}

TEST_CASE("wrap_text keeps line breaks and indentation and drops spaces at soft breaks") {
    CHECK(wrap_text("", 10).empty());
    CHECK(wrap_text("a\n\nb", 10) == Lines{"a", "", "b"});
    CHECK(wrap_text("a\n", 10) == Lines{"a"});
    CHECK(wrap_text("  indented text", 40) == Lines{"  indented text"});
    CHECK(wrap_text("one two   three", 7) == Lines{"one two", "three"});
    CHECK(wrap_text("one two   three", 20) == Lines{"one two   three"});
    CHECK(wrap_text("   longword", 5) == Lines{"longw", "ord"});
    CHECK(wrap_text("x\xffy", 10) == Lines{"x\xEF\xBF\xBDy"});
}

TEST_CASE("wrapped lines never exceed the width and lose nothing but spaces") {
    const char* const pieces[] = {"word", " ", "  ", "漢字", "。", "「", "」", "한국", "https://a.b/c-d?e&f",
                                  "\u00A0", "e\u0301", "\n", "😀", "x", "(", ")", "\xff", "\xE6\x97"};
    std::mt19937 random(99);
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        const int count = 1 + static_cast<int>(random() % 20);
        for (int i = 0; i < count; ++i) text += pieces[random() % (sizeof(pieces) / sizeof(pieces[0]))];
        const int width = 1 + static_cast<int>(random() % 30);
        const Lines lines = wrap_text(text, width);
        for (const std::string& line : lines) {
            const bool single_character = !line.empty() && decode_utf8(line, 0).length == line.size();
            REQUIRE_MESSAGE((display_width(line) <= width || single_character || display_width(line) <= 4),
                            text << " @" << width << " -> " << line);
            REQUIRE(to_valid_utf8(line) == line);
        }
        REQUIRE(without_spaces(join(lines)) == without_spaces(to_valid_utf8(text)));
    }
}

TEST_CASE("line_break_segments gives the pieces a layout engine places") {
    const std::string text = "Hello,  world\n漢字";
    const std::vector<LineBreakSegment> segments = line_break_segments(text);
    REQUIRE(segments.size() == 4);
    CHECK(text.substr(segments[0].begin, segments[0].end - segments[0].begin) == "Hello,");
    CHECK(text.substr(segments[0].end, segments[0].space_end - segments[0].end) == "  ");
    CHECK_FALSE(segments[0].forced_break);
    CHECK(text.substr(segments[1].begin, segments[1].end - segments[1].begin) == "world");
    CHECK(segments[1].forced_break);
    CHECK(text.substr(segments[2].begin, segments[2].end - segments[2].begin) == "漢");
    CHECK(segments[2].end == segments[2].space_end);
    CHECK(text.substr(segments[3].begin, segments[3].end - segments[3].begin) == "字");
    CHECK(segments[3].space_end == text.size());
}

TEST_CASE("can_break_between allows breaks between CJK characters only where kinsoku allows") {
    CHECK(can_break_between(U'漢', U'字'));
    CHECK(can_break_between(U'か', U'な'));
    CHECK(can_break_between(U'가', U'나'));
    CHECK(can_break_between(U'」', U'で'));
    CHECK_FALSE(can_break_between(U'漢', U'。'));
    CHECK_FALSE(can_break_between(U'漢', U'、'));
    CHECK_FALSE(can_break_between(U'カ', U'ー'));
    CHECK_FALSE(can_break_between(U'「', U'漢'));
    CHECK_FALSE(can_break_between(U'（', U'漢'));
    CHECK_FALSE(can_break_between(U'a', U'b'));
    CHECK_FALSE(can_break_between(U'漢', U'a'));
    CHECK_FALSE(can_break_between(0x00A0, U'漢'));
    CHECK_FALSE(can_break_between(U'か', 0x3099));  // combining voiced mark
    CHECK(is_breaking_space(U' '));
    CHECK(is_breaking_space(0x3000));
    CHECK_FALSE(is_breaking_space(0x00A0));
    CHECK_FALSE(is_breaking_space(0x202F));
}
