// search_text.h: how text is prepared for SQLite's FTS5 index and queries.
//
// FTS5's unicode61 tokenizer splits on spaces and punctuation, folds case
// and removes diacritics: right for English, useless for Japanese or Chinese
// (no spaces) and weak for Korean (particles glued to words). So CJK runs are
// rewritten as overlapping bigrams ("北朝鮮" -> "北朝 朝鮮") both when a page
// is indexed and when a query is made; a CJK query requires all of its
// bigrams. The bundle keeps using
// the built-in tokenizer, so the plain sqlite3 shell can still query it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sitepack::search {

// True for code points searched as bigrams: CJK ideographs, kana, Hangul.
bool is_cjk(char32_t code_point);
// True when UTF-8 `text` has such a code point (invalid bytes are skipped).
bool contains_cjk(std::string_view text);

// Text to insert into the FTS5 index for `text` (UTF-8; invalid bytes are
// dropped). Non-CJK text passes through; CJK runs become bigrams.
std::string index_text(std::string_view text);

// The query words of what a person typed: Latin words (letters and digits)
// and CJK runs, in order, without FTS5 syntax. Quotes and operators are
// treated as plain punctuation, so no input can make a malformed query.
std::vector<std::string> query_words(std::string_view typed);

// An FTS5 MATCH expression requiring every word of `typed`: each Latin word
// as a quoted token (the last one as a prefix when `last_is_prefix`), each
// CJK run as all of its bigrams. "" when `typed` has no words.
std::string match_expression(std::string_view typed, bool last_is_prefix = false);

struct Snippet {
    std::string text;                                  // UTF-8, "..." marks cut ends
    std::vector<std::pair<size_t, size_t>> highlights; // byte ranges [first, second) in text
};

// A window of about `max_chars` characters of `text` around the first place
// where query words appear (case-insensitively, ASCII), with each
// occurrence of a query word marked. Starts at the text's beginning when
// no word is found.
Snippet make_snippet(std::string_view text, const std::vector<std::string>& words, size_t max_chars = 220);

// [SECTION] Page lengths for ranking (the search_lengths table)
//
// Ranking needs each indexed page's length in words per column. FTS5 keeps
// them in its docsize table, one b-tree row per page (110 KB for 10,000
// pages), which a browser reading a hosted bundle would fetch in full for
// its first search. The builder also writes them in one blob, a byte per
// column: ranking barely notices a length known within 4%.

// The one-byte code of a length: 0 for 0, else 1 + round(log(length) /
// log(1.08)), at most 255 (lengths past ~300 million words share it).
uint8_t length_code(uint32_t length);
// The length a code stands for (within 4% of the length coded).
uint32_t length_of_code(uint8_t code);

// Appends to `blob` one page's entry: the rowid's distance from the
// previous entry's (the first from 0) as a varint, then one code a column.
void append_length_entry(std::string& blob, int64_t rowid_delta, const std::vector<uint32_t>& lengths);

// Reads a search_lengths blob of `columns` codes per entry into ascending
// rowids and `columns` lengths per rowid. Returns false, leaving both empty,
// when the blob is cut short, a rowid does not increase, or it holds more
// than `max_rows` entries.
bool decode_length_entries(std::string_view blob, int columns, size_t max_rows, std::vector<int64_t>& rowids,
                           std::vector<uint32_t>& lengths);

// One FTS5 docsize record into `columns` lengths (appended). FTS5 writes
// SQLite's varints: big-endian groups of 7 bits, a set high bit meaning
// more follow, the ninth byte whole. Returns false on a record cut short.
bool decode_docsize_record(const unsigned char* record, int bytes, int columns, std::vector<uint32_t>& lengths);

}  // namespace sitepack::search
