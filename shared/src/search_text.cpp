#include "sitepack/search_text.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "sitepack/text_width.h"

namespace sitepack::search {
namespace {

// Decodes the character at text[pos]; returns its length (at least 1).
size_t next_code_point(std::string_view text, size_t pos, char32_t& cp) {
    text::DecodedChar decoded = text::decode_utf8(text, pos);
    cp = decoded.code_point;
    return decoded.length;
}

bool is_word_char(char32_t cp) {
    if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    // Non-ASCII letters outside CJK (é, ü, Cyrillic...) belong to words;
    // general punctuation, quotes, dashes and spaces do not.
    if (cp >= 0x2000 && cp <= 0x206F) return false;
    if (cp == 0xA0 || cp == 0xFFFD || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF0F)) return false;
    return !is_cjk(cp);
}

void append_bigrams(const std::vector<std::string_view>& run, std::string& out) {
    if (run.size() == 1) {
        out.append(run[0]);
        out.push_back(' ');
        return;
    }
    for (size_t i = 0; i + 1 < run.size(); ++i) {
        out.append(run[i]);
        out.append(run[i + 1]);
        out.push_back(' ');
    }
}

std::string ascii_lower(std::string_view text) {
    std::string lowered(text);
    for (char& c : lowered)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return lowered;
}

bool is_ascii_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

bool is_cjk(char32_t cp) {
    return (cp >= 0x3040 && cp <= 0x30FF) ||   // hiragana, katakana
           (cp >= 0x31F0 && cp <= 0x31FF) ||   // katakana extensions
           (cp >= 0x3400 && cp <= 0x4DBF) ||   // CJK extension A
           (cp >= 0x4E00 && cp <= 0x9FFF) ||   // CJK unified ideographs
           (cp >= 0xF900 && cp <= 0xFAFF) ||   // compatibility ideographs
           (cp >= 0xFF66 && cp <= 0xFF9F) ||   // half-width katakana
           (cp >= 0x1100 && cp <= 0x11FF) ||   // Hangul jamo
           (cp >= 0x3130 && cp <= 0x318F) ||   // Hangul compatibility jamo
           (cp >= 0xAC00 && cp <= 0xD7AF) ||   // Hangul syllables
           (cp >= 0x20000 && cp <= 0x3FFFF);   // CJK extensions B and later
}

bool contains_cjk(std::string_view text) {
    for (size_t at = 0; at < text.size();) {
        const text::DecodedChar c = text::decode_utf8(text, at);
        if (is_cjk(c.code_point)) return true;
        at += std::max<size_t>(1, c.length);
    }
    return false;
}

std::string index_text(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 4);
    std::vector<std::string_view> run;
    size_t pos = 0;
    while (pos < text.size()) {
        char32_t cp;
        size_t length = next_code_point(text, pos, cp);
        if (is_cjk(cp)) {
            run.push_back(text.substr(pos, length));
        } else {
            if (!run.empty()) {
                out.push_back(' ');
                append_bigrams(run, out);
                run.clear();
            }
            if (cp != 0xFFFD) out.append(text.substr(pos, length));
        }
        pos += length;
    }
    if (!run.empty()) {
        out.push_back(' ');
        append_bigrams(run, out);
    }
    return out;
}

std::vector<std::string> query_words(std::string_view typed) {
    std::vector<std::string> words;
    std::string word;
    bool word_is_cjk = false;
    auto flush = [&] {
        if (!word.empty()) words.push_back(word);
        word.clear();
    };
    size_t pos = 0;
    while (pos < typed.size()) {
        char32_t cp;
        size_t length = next_code_point(typed, pos, cp);
        bool cjk = is_cjk(cp);
        if (cjk || is_word_char(cp)) {
            if (!word.empty() && cjk != word_is_cjk) flush();
            word_is_cjk = cjk;
            word.append(typed.substr(pos, length));
        } else {
            flush();
        }
        pos += length;
    }
    flush();
    return words;
}

std::string match_expression(std::string_view typed, bool last_is_prefix) {
    std::vector<std::string> words = query_words(typed);
    std::string expression;
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        char32_t first;
        next_code_point(word, 0, first);
        if (!expression.empty()) expression += " AND ";
        if (is_cjk(first)) {
            // Every bigram of the run must occur. The index keeps no
            // positions (detail=column, a third of the size), so adjacency
            // is not checked; bigrams of one short run rarely occur apart.
            // A lone character can only match as the first half of an
            // indexed bigram, hence the prefix.
            std::string bigrams = index_text(word);
            size_t start = 0;
            bool first_bigram = true;
            while (start < bigrams.size()) {
                size_t end = bigrams.find(' ', start);
                if (end == std::string::npos) end = bigrams.size();
                if (end > start) {
                    std::string bigram = bigrams.substr(start, end - start);
                    expression += (first_bigram ? "\"" : " AND \"") + bigram + "\"" + (bigram == word ? "*" : "");
                    first_bigram = false;
                }
                start = end + 1;
            }
        } else {
            expression += "\"" + word + "\"";
            if (last_is_prefix && i + 1 == words.size()) expression += "*";
        }
    }
    return expression;
}

Snippet make_snippet(std::string_view text, const std::vector<std::string>& words, size_t max_chars) {
    std::string lowered = ascii_lower(text);
    std::vector<std::string> needles;
    for (const std::string& word : words)
        if (!word.empty()) needles.push_back(ascii_lower(word));

    // Latin words match at the start of a word (so "refugee" finds
    // "Refugees"); CJK runs match anywhere.
    auto find_word = [&](const std::string& needle, size_t from) -> size_t {
        bool latin = is_ascii_alnum(needle[0]) || static_cast<unsigned char>(needle[0]) < 0x80;
        for (size_t at = lowered.find(needle, from); at != std::string::npos; at = lowered.find(needle, at + 1)) {
            if (!latin || at == 0 || !is_ascii_alnum(lowered[at - 1])) return at;
        }
        return std::string::npos;
    };

    size_t first_match = std::string::npos;
    for (const std::string& needle : needles) first_match = std::min(first_match, find_word(needle, 0));

    // Start about a third of the window before the first match, on a
    // character boundary, preferably just after a space.
    size_t start = 0;
    if (first_match != std::string::npos && first_match > max_chars / 3) {
        start = first_match - max_chars / 3;
        while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
        size_t space = text.find(' ', start);
        if (space != std::string::npos && space < first_match) start = space + 1;
    }
    size_t end = start;
    for (size_t chars = 0; end < text.size() && chars < max_chars; ++chars) {
        char32_t cp;
        end += next_code_point(text, end, cp);
    }
    if (end < text.size()) {
        size_t space = text.rfind(' ', end);
        if (space != std::string::npos && space > start + max_chars / 2) end = space;
    }

    Snippet snippet;
    size_t offset = 0;
    if (start > 0) {
        snippet.text = "...";
        offset = 3;
    }
    snippet.text.append(text.substr(start, end - start));
    for (char& c : snippet.text)
        if (c == '\n' || c == '\t') c = ' ';
    if (end < text.size()) snippet.text += "...";

    for (const std::string& needle : needles) {
        for (size_t at = find_word(needle, start); at != std::string::npos && at + needle.size() <= end;
             at = find_word(needle, at + needle.size())) {
            snippet.highlights.emplace_back(at - start + offset, at - start + offset + needle.size());
        }
    }
    std::sort(snippet.highlights.begin(), snippet.highlights.end());
    return snippet;
}

// [SECTION] Page lengths for ranking

namespace {

constexpr double kLengthStep = 1.08;

// Unsigned LEB128, as FTS5 and the search_lengths blob write them.
bool read_varint(std::string_view bytes, size_t& at, uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
        if (at >= bytes.size()) return false;
        const unsigned char byte = static_cast<unsigned char>(bytes[at++]);
        value |= static_cast<uint64_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80)) return true;
    }
    return false;
}

}  // namespace

uint8_t length_code(uint32_t length) {
    if (length == 0) return 0;
    const double code = 1.0 + std::round(std::log(static_cast<double>(length)) / std::log(kLengthStep));
    return static_cast<uint8_t>(std::min(code, 255.0));
}

uint32_t length_of_code(uint8_t code) {
    if (code == 0) return 0;
    return static_cast<uint32_t>(std::lround(std::pow(kLengthStep, code - 1)));
}

void append_length_entry(std::string& blob, int64_t rowid_delta, const std::vector<uint32_t>& lengths) {
    uint64_t value = static_cast<uint64_t>(rowid_delta);
    do {
        const unsigned char low = value & 0x7F;
        value >>= 7;
        blob.push_back(static_cast<char>(value ? (low | 0x80) : low));
    } while (value);
    for (uint32_t length : lengths) blob.push_back(static_cast<char>(length_code(length)));
}

bool decode_length_entries(std::string_view blob, int columns, size_t max_rows, std::vector<int64_t>& rowids,
                           std::vector<uint32_t>& lengths) {
    rowids.clear();
    lengths.clear();
    if (columns <= 0) return false;
    size_t at = 0;
    uint64_t rowid = 0;
    while (at < blob.size()) {
        uint64_t delta = 0;
        const bool fits = read_varint(blob, at, delta) && delta > 0 && delta <= uint64_t(INT64_MAX) - rowid &&
                          blob.size() - at >= static_cast<size_t>(columns) && rowids.size() < max_rows;
        if (!fits) { rowids.clear(); lengths.clear(); return false; }
        rowid += delta;
        rowids.push_back(static_cast<int64_t>(rowid));
        for (int column = 0; column < columns; ++column) lengths.push_back(length_of_code(static_cast<uint8_t>(blob[at++])));
    }
    return true;
}

bool decode_docsize_record(const unsigned char* record, int bytes, int columns, std::vector<uint32_t>& lengths) {
    int at = 0;
    for (int column = 0; column < columns; ++column) {
        uint64_t value = 0;
        bool done = false;
        for (int length = 1; length <= 9 && at < bytes; ++length) {
            const unsigned char byte = record[at++];
            if (length == 9) { value = (value << 8) | byte; done = true; break; }
            value = (value << 7) | (byte & 0x7F);
            if (!(byte & 0x80)) { done = true; break; }
        }
        if (!done) return false;
        lengths.push_back(static_cast<uint32_t>(std::min<uint64_t>(value, UINT32_MAX)));
    }
    return true;
}

}  // namespace sitepack::search
