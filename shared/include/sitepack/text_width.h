// text_width.h: how wide text is on a terminal and where a line may break.
//
// Used by render_text (`sitepack cat`) and by the GUI's layout. Widths are in
// terminal columns: CJK ideographs, kana, Hangul syllables, fullwidth forms
// and most emoji take two, combining marks and zero-width characters none,
// everything else one. Line breaking follows a small subset of UAX #14 that
// is enough for European and CJK text:
//
//   - a line may break at spaces (the spaces are dropped at the break), and
//     between two CJK characters (ideographs, kana, Hangul syllables, CJK
//     punctuation, fullwidth forms);
//   - never before closing punctuation (、。，．）」』】〕！？・ー, small kana,
//     and ASCII ) ] } . , ! ? ; :), never after opening punctuation
//     (（「『【〔 and ASCII ( [ {), even across spaces;
//   - never at or next to a non-breaking space (U+00A0, U+202F, U+2007) or a
//     word joiner, never before a combining mark;
//   - "\n" (and U+2028, U+2029) force a break;
//   - a word wider than the line (a long URL) is cut after '/', '-', '?' or
//     '&' where possible, else between any two characters.
//
// All functions take UTF-8 that may be invalid: bad bytes decode to U+FFFD
// and nothing is ever read outside the given string_view.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sitepack::text {

constexpr char32_t kReplacementCharacter = 0xFFFD;

struct DecodedChar {
    char32_t code_point = kReplacementCharacter;
    size_t length = 1;  // bytes consumed, at least 1
};

// Decodes the character starting at byte `offset` (precondition:
// offset < text.size()). An ill-formed sequence (stray continuation byte,
// overlong form, surrogate, value above U+10FFFF, truncated sequence) gives
// U+FFFD and consumes its maximal ill-formed prefix, as the Unicode standard
// recommends, so decoding always advances.
DecodedChar decode_utf8(std::string_view text, size_t offset);

// Appends the UTF-8 form of a code point (surrogates and values above
// U+10FFFF are written as U+FFFD).
void append_utf8(std::string& out, char32_t code_point);

// `text` with every ill-formed sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view text);

// Columns one code point occupies: 0 (controls, combining marks, zero-width
// characters), 2 (East Asian Wide and Fullwidth) or 1.
int char_width(char32_t code_point);

// Columns a UTF-8 string occupies: the sum of char_width over its characters.
// A tab counts as 0 (callers expand tabs first when they matter).
int display_width(std::string_view utf8);

// True when a line may break between two adjacent non-space characters.
// `before` is the last base character (combining marks skipped), `after` the
// next character. Spaces are handled by line_break_segments.
bool can_break_between(char32_t before, char32_t after);

// True for characters that are break opportunities and disappear at a break:
// ASCII space, tab, CR, U+3000 ideographic space, the typographic spaces
// U+2000..U+2006, U+2008..U+200A, U+205F, U+1680 and U+200B zero-width space.
bool is_breaking_space(char32_t code_point);

// Text cut at its break opportunities. Each segment is a piece that must stay
// on one line, text[begin, end), followed by the spaces text[end, space_end)
// that are shown only if the next segment stays on the same line. When
// `forced_break` is set a newline follows and the next segment starts a new
// line; the newline itself lies between space_end and the next begin.
// A layout engine (the GUI measures in pixels) places segments greedily:
// it keeps adding segments while width(spaces) + width(next text) fits.
struct LineBreakSegment {
    size_t begin = 0;
    size_t end = 0;
    size_t space_end = 0;
    bool forced_break = false;
};
std::vector<LineBreakSegment> line_break_segments(std::string_view utf8);

// Cuts one word wider than `width` columns into pieces of at most `width`
// columns (a piece holds at least one character, so a 2-column character in
// a 1-column line still makes progress). Cuts after '/', '-', '?' or '&'
// when one falls in the piece (not inside "//"), else at the last place
// that fits and does not start a line with closing punctuation, end one with
// opening punctuation or split a non-breaking space from its neighbours,
// else wherever the line is full; never before a combining mark.
std::vector<std::string_view> split_long_word(std::string_view word, int width);

// Wraps text into lines of at most `width` display columns (width < 1 is
// treated as 1). Spaces at a break are dropped; spaces at the start of the
// text or after a "\n" are kept (indentation). Each "\n" ends a line, so
// "a\n\nb" gives {"a", "", "b"}; a trailing "\n" does not add an empty line.
// The lines are valid UTF-8 (ill-formed input bytes become U+FFFD).
std::vector<std::string> wrap_text(std::string_view utf8, int width);

}  // namespace sitepack::text
