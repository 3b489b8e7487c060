// charset_test.cpp: choosing a page's encoding and converting it to UTF-8.
#include <doctest/doctest.h>

#include <string>

#include "charset.h"

using namespace sitepack::build;

namespace {

// The same Japanese sentence, "日本語のテキストです。ひらがなとカタカナ。", in each encoding.
const std::string kJapanese = "日本語のテキストです。ひらがなとカタカナ。";
const std::string kJapaneseShiftJis =
    "\x93\xFA\x96{\x8C\xEA\x82\xCC\x83" "e\x83L\x83X\x83g\x82\xC5\x82\xB7\x81" "B\x82\xD0\x82\xE7\x82\xAA\x82\xC8"
    "\x82\xC6\x83J\x83^\x83J\x83i\x81" "B";
const std::string kJapaneseEucJp =
    "\xC6\xFC\xCB\xDC\xB8\xEC\xA4\xCE\xA5\xC6\xA5\xAD\xA5\xB9\xA5\xC8\xA4\xC7\xA4\xB9\xA1\xA3\xA4\xD2\xA4\xE9\xA4\xAC"
    "\xA4\xCA\xA4\xC8\xA5\xAB\xA5\xBF\xA5\xAB\xA5\xCA\xA1\xA3";

// "한국어 텍스트입니다. 북한 이탈 주민의 이야기."
const std::string kKorean = "한국어 텍스트입니다. 북한 이탈 주민의 이야기.";
const std::string kKoreanEucKr =
    "\xC7\xD1\xB1\xB9\xBE\xEE \xC5\xD8\xBD\xBA\xC6\xAE\xC0\xD4\xB4\xCF\xB4\xD9. \xBA\xCF\xC7\xD1 \xC0\xCC\xC5\xBB "
    "\xC1\xD6\xB9\xCE\xC0\xC7 \xC0\xCC\xBE\xDF\xB1\xE2.";

// windows-1252: curly quotes 0x93/0x94, en dash 0x96, e acute 0xE9.
const std::string kWestern1252 = "\x93quoted\x94 \x96 dash caf\xE9";
const std::string kWestern = "“quoted” – dash café";

std::string page(const std::string& head, const std::string& body) {
    return "<!DOCTYPE html>\n<html><head>" + head + "<title>t</title></head><body><p>" + body + "</p></body></html>";
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

DecodedText decode(const std::string& bytes, const std::string& content_type = "") {
    auto decoded = decode_to_utf8(bytes, content_type);
    REQUIRE(decoded.ok());
    return decoded.value();
}

}  // namespace

TEST_CASE("a UTF-8 page is kept as it is, whether declared by header, meta or not at all") {
    const std::string bytes = page("<meta charset=\"utf-8\">", kKorean + " " + kJapanese);

    DecodedText by_header = decode(bytes, "text/html; charset=UTF-8");
    CHECK(by_header.charset == "UTF-8");
    CHECK(by_header.source == "http header");
    CHECK(by_header.utf8 == bytes);

    DecodedText by_meta = decode(bytes, "text/html");
    CHECK(by_meta.charset == "UTF-8");
    CHECK(by_meta.source == "meta");

    DecodedText detected = decode(page("", kKorean), "");
    CHECK(detected.charset == "UTF-8");
    CHECK(detected.source == "detected");
    CHECK(contains(detected.utf8, kKorean));
}

TEST_CASE("windows-1252 curly quotes and dashes become their Unicode characters") {
    const std::string body = kWestern1252;

    DecodedText by_header = decode(page("", body), "text/html; charset=windows-1252");
    CHECK(by_header.charset == "windows-1252");
    CHECK(by_header.source == "http header");
    CHECK(contains(by_header.utf8, kWestern));

    DecodedText by_meta = decode(page("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">", body), "");
    CHECK(by_meta.charset == "windows-1252");
    CHECK(by_meta.source == "meta");
    CHECK(contains(by_meta.utf8, kWestern));

    DecodedText unlabelled = decode(page("", body), "");
    CHECK(unlabelled.charset == "windows-1252");
    CHECK(unlabelled.source == "default");
    CHECK(contains(unlabelled.utf8, kWestern));
}

TEST_CASE("an ISO-8859-1 or us-ascii label is read as windows-1252, as browsers do") {
    for (const char* label : {"ISO-8859-1", "iso-8859-1", "latin1", "us-ascii", "ASCII", "l1"}) {
        CAPTURE(label);
        DecodedText by_header = decode(page("", kWestern1252), std::string("text/html; charset=") + label);
        CHECK(by_header.charset == "windows-1252");
        CHECK(contains(by_header.utf8, kWestern));  // 0x93 is a curly quote, not a C1 control

        DecodedText by_meta = decode(page(std::string("<meta charset=") + label + ">", kWestern1252), "");
        CHECK(by_meta.charset == "windows-1252");
        CHECK(by_meta.source == "meta");
        CHECK(contains(by_meta.utf8, kWestern));
    }
}

TEST_CASE("Shift_JIS pages decode via header, meta and detection") {
    DecodedText by_header = decode(page("", kJapaneseShiftJis), "text/html; charset=Shift_JIS");
    CHECK(by_header.charset == "Shift_JIS");
    CHECK(by_header.source == "http header");
    CHECK(contains(by_header.utf8, kJapanese));

    DecodedText by_meta = decode(page("<meta http-equiv=Content-Type content=\"text/html; charset=x-sjis\">", kJapaneseShiftJis), "");
    CHECK(by_meta.charset == "Shift_JIS");
    CHECK(by_meta.source == "meta");
    CHECK(contains(by_meta.utf8, kJapanese));

    DecodedText detected = decode(page("", kJapaneseShiftJis), "text/html");
    CHECK(detected.charset == "Shift_JIS");
    CHECK(detected.source == "detected");
    CHECK(contains(detected.utf8, kJapanese));
}

TEST_CASE("Shift_JIS labels accept Windows' extensions such as circled digits") {
    for (const char* label : {"sjis", "x-sjis", "ms_kanji", "shift-jis", "windows-31j", "MS932"}) {
        CAPTURE(label);
        DecodedText decoded = decode("\x87@ \x82\xA0", std::string("text/plain; charset=") + label);  // "① あ"
        CHECK(decoded.charset == "Shift_JIS");
        CHECK(decoded.utf8 == "① あ");
    }
}

TEST_CASE("EUC-JP pages decode via header, meta and detection") {
    DecodedText by_header = decode(page("", kJapaneseEucJp), "text/html; charset=EUC-JP");
    CHECK(by_header.charset == "EUC-JP");
    CHECK(contains(by_header.utf8, kJapanese));

    DecodedText by_meta = decode(page("<meta charset='euc-jp'>", kJapaneseEucJp), "");
    CHECK(by_meta.charset == "EUC-JP");
    CHECK(by_meta.source == "meta");
    CHECK(contains(by_meta.utf8, kJapanese));

    DecodedText detected = decode(page("", kJapaneseEucJp), "");
    CHECK(detected.charset == "EUC-JP");
    CHECK(detected.source == "detected");
    CHECK(contains(detected.utf8, kJapanese));
}

TEST_CASE("EUC-KR pages decode via header, meta and detection, with CP949's extra syllables") {
    DecodedText by_header = decode(page("", kKoreanEucKr), "text/html; charset=euc-kr");
    CHECK(by_header.charset == "EUC-KR");
    CHECK(by_header.source == "http header");
    CHECK(contains(by_header.utf8, kKorean));

    DecodedText by_meta = decode(page("<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=ks_c_5601-1987\">", kKoreanEucKr), "");
    CHECK(by_meta.charset == "EUC-KR");
    CHECK(by_meta.source == "meta");
    CHECK(contains(by_meta.utf8, kKorean));

    DecodedText detected = decode(page("", kKoreanEucKr), "");
    CHECK(detected.charset == "EUC-KR");
    CHECK(detected.source == "detected");
    CHECK(contains(detected.utf8, kKorean));

    // "똠" exists only in CP949's extension (0x8C 0x63).
    DecodedText extension = decode("\x8C" "c", "text/plain; charset=euc-kr");
    CHECK(extension.utf8 == "똠");
}

TEST_CASE("detection tells Korean from Japanese in EUC encodings") {
    const std::string longer_korean = kKoreanEucKr + " " + kKoreanEucKr + " " + kKoreanEucKr;
    CHECK(decode(longer_korean, "").charset == "EUC-KR");
    const std::string longer_japanese = kJapaneseEucJp + "\n" + kJapaneseEucJp;
    CHECK(decode(longer_japanese, "").charset == "EUC-JP");
    CHECK(decode(kJapaneseShiftJis + kJapaneseShiftJis, "").charset == "Shift_JIS");

    // Kanji-heavy Japanese: "北朝鮮からの脱北者は、中国を経由して日本や韓国に渡ることが多い。政府発表、国際連合人権理事会報告書。"
    const std::string kanji_heavy_euc_jp = "\xCB\xCC\xC4\xAB\xC1\xAF\xA4\xAB\xA4\xE9\xA4\xCE\xC3\xA6\xCB\xCC\xBC\xD4\xA4\xCF\xA1\xA2\xC3\xE6\xB9\xF1\xA4\xF2\xB7\xD0\xCD\xB3\xA4\xB7\xA4\xC6\xC6\xFC\xCB\xDC\xA4\xE4\xB4\xDA\xB9\xF1\xA4\xCB\xC5\xCF\xA4\xEB\xA4\xB3\xA4\xC8\xA4\xAC\xC2\xBF\xA4\xA4\xA1\xA3\xC0\xAF\xC9\xDC\xC8\xAF\xC9\xBD\xA1\xA2\xB9\xF1\xBA\xDD\xCF\xA2\xB9\xE7\xBF\xCD\xB8\xA2\xCD\xFD\xBB\xF6\xB2\xF1\xCA\xF3\xB9\xF0\xBD\xF1\xA1\xA3";
    DecodedText japanese = decode(kanji_heavy_euc_jp, "");
    CHECK(japanese.charset == "EUC-JP");
    CHECK(japanese.utf8 == "北朝鮮からの脱北者は、中国を経由して日本や韓国に渡ることが多い。政府発表、国際連合人権理事会報告書。");
    // Korean with hanja: "북한 이탈 주민들은 대개 중국을 거쳐 한국으로 건너간다. 國際聯合 人權理事會 보고서."
    const std::string hanja_euc_kr = "\xBA\xCF\xC7\xD1 \xC0\xCC\xC5\xBB \xC1\xD6\xB9\xCE\xB5\xE9\xC0\xBA \xB4\xEB\xB0\xB3 \xC1\xDF\xB1\xB9\xC0\xBB \xB0\xC5\xC3\xC4 \xC7\xD1\xB1\xB9\xC0\xB8\xB7\xCE \xB0\xC7\xB3\xCA\xB0\xA3\xB4\xD9. \xCF\xD0\xF0\xB7\xD6\xA4\xF9\xEA \xEC\xD1\xCF\xED\xD7\xE2\xDE\xC0\xFC\xE5 \xBA\xB8\xB0\xED\xBC\xAD.";
    DecodedText korean = decode(hanja_euc_kr, "");
    CHECK(korean.charset == "EUC-KR");
    CHECK(korean.utf8 == "북한 이탈 주민들은 대개 중국을 거쳐 한국으로 건너간다. 國際聯合 人權理事會 보고서.");
}

TEST_CASE("an English windows-1252 page full of apostrophes is not taken for Japanese or Korean") {
    // 0x92 't' is a valid Shift_JIS kanji and a valid CP949 pair.
    const std::string bytes = page("", "Don\x92t, can\x92t, won\x92t, it\x92s, isn\x92t and that\x92s it. "
                                       "\xC0 la carte, na\xEFve, \xE9t\xE9");
    DecodedText decoded = decode(bytes, "");
    CHECK(decoded.charset == "windows-1252");
    CHECK(contains(decoded.utf8, "Don’t, can’t"));
    CHECK(contains(decoded.utf8, "À la carte, naïve, été"));
}

TEST_CASE("the HTTP header wins over a contradicting meta element") {
    const std::string bytes = page("<meta charset=\"Shift_JIS\">", kKoreanEucKr);
    DecodedText decoded = decode(bytes, "text/html; charset=EUC-KR");
    CHECK(decoded.charset == "EUC-KR");
    CHECK(decoded.source == "http header");
    CHECK(contains(decoded.utf8, kKorean));
}

TEST_CASE("a byte order mark wins over header and meta") {
    const std::string utf8_bom = "\xEF\xBB\xBF" + page("<meta charset=\"windows-1252\">", kJapanese);
    DecodedText decoded = decode(utf8_bom, "text/html; charset=Shift_JIS");
    CHECK(decoded.charset == "UTF-8");
    CHECK(decoded.source == "bom");
    CHECK(contains(decoded.utf8, kJapanese));
    CHECK(decoded.utf8.substr(0, 3) != "\xEF\xBB\xBF");  // the BOM itself is not text

    const std::string utf16le_bom("\xFF\xFE" "\xE5" "e," "g", 6);  // "日本"
    DecodedText utf16le = decode(utf16le_bom, "text/html; charset=windows-1252");
    CHECK(utf16le.charset == "UTF-16LE");
    CHECK(utf16le.utf8 == "日本");

    const std::string utf16be_bom("\xFE\xFF" "e\xE5" "g,", 6);
    DecodedText utf16be = decode(utf16be_bom, "");
    CHECK(utf16be.charset == "UTF-16BE");
    CHECK(utf16be.source == "bom");
    CHECK(utf16be.utf8 == "日本");
}

TEST_CASE("an unknown or unusable declared charset falls back to the next clue") {
    // Unknown in the header: the meta element decides.
    DecodedText meta_decides = decode(page("<meta charset=euc-kr>", kKoreanEucKr), "text/html; charset=klingon");
    CHECK(meta_decides.charset == "EUC-KR");
    CHECK(meta_decides.source == "meta");

    // Unknown everywhere: detection decides.
    DecodedText detected = decode(page("<meta charset=\"no-such-charset\">", kKoreanEucKr), "text/html; charset=x-nothing");
    CHECK(detected.charset == "EUC-KR");
    CHECK(detected.source == "detected");

    // "replacement" (ISO-2022-KR and friends): we read the bytes instead.
    DecodedText replacement = decode(page("", kKoreanEucKr), "text/html; charset=iso-2022-kr");
    CHECK(replacement.source == "detected");
}

TEST_CASE("invalid byte sequences become U+FFFD instead of failing") {
    // Declared UTF-8 with a stray windows-1252 byte.
    DecodedText utf8 = decode("caf\xE9 au lait", "text/html; charset=utf-8");
    CHECK(utf8.utf8 == "caf\xEF\xBF\xBD au lait");

    // A Shift_JIS lead byte followed by a space, and one cut off at the end.
    DecodedText sjis = decode("\x82\xA0\x82 x\x82", "text/plain; charset=shift_jis");
    CHECK(sjis.utf8 == "あ\xEF\xBF\xBD x\xEF\xBF\xBD");

    // EUC-KR with a lone lead byte.
    DecodedText euckr = decode("\xC7\xD1\xFF!", "text/plain; charset=euc-kr");
    CHECK(euckr.utf8.substr(0, 3) == "한");
    CHECK(contains(euckr.utf8, "\xEF\xBF\xBD"));
    CHECK(is_valid_utf8(euckr.utf8));
}

TEST_CASE("windows-1252 maps every byte, including the five undefined ones") {
    std::string all_bytes;
    for (int byte = 0; byte < 256; ++byte) all_bytes += static_cast<char>(byte);
    DecodedText decoded = decode(all_bytes, "text/plain; charset=windows-1252");
    CHECK(is_valid_utf8(decoded.utf8));
    CHECK_FALSE(contains(decoded.utf8, "\xEF\xBF\xBD"));
    CHECK(contains(decoded.utf8, "€"));          // 0x80
    CHECK(contains(decoded.utf8, "\xC2\x81"));   // 0x81 -> U+0081
    CHECK(contains(decoded.utf8, "ÿ"));          // 0xFF
}

TEST_CASE("empty and pure-ASCII pages decode as UTF-8") {
    DecodedText empty = decode("", "");
    CHECK(empty.utf8.empty());
    CHECK(empty.charset == "UTF-8");
    DecodedText ascii = decode("<p>plain</p>", "");
    CHECK(ascii.utf8 == "<p>plain</p>");
    CHECK(ascii.charset == "UTF-8");
}

TEST_CASE("ISO-2022-JP text is recognised by its escape sequences") {
    // "日本" in ISO-2022-JP: ESC $ B, 0x46 0x7C 0x4B 0x5C, ESC ( B.
    const std::string bytes = "\x1B$BF|K\\\x1B(B";
    DecodedText decoded = decode(bytes, "");
    CHECK(decoded.charset == "ISO-2022-JP");
    CHECK(decoded.utf8 == "日本");
}

TEST_CASE("encoding_for_label follows the WHATWG Encoding Standard") {
    CHECK(encoding_for_label("utf8") == "UTF-8");
    CHECK(encoding_for_label("  UTF-8 ") == "UTF-8");
    CHECK(encoding_for_label("Latin1") == "windows-1252");
    CHECK(encoding_for_label("iso-8859-1") == "windows-1252");
    CHECK(encoding_for_label("us-ascii") == "windows-1252");
    CHECK(encoding_for_label("sjis") == "Shift_JIS");
    CHECK(encoding_for_label("ms_kanji") == "Shift_JIS");
    CHECK(encoding_for_label("x-euc-jp") == "EUC-JP");
    CHECK(encoding_for_label("ks_c_5601-1987") == "EUC-KR");
    CHECK(encoding_for_label("windows-949") == "EUC-KR");
    CHECK(encoding_for_label("gb2312") == "GBK");
    CHECK(encoding_for_label("iso-8859-9") == "windows-1254");
    CHECK(encoding_for_label("utf-16") == "UTF-16LE");
    CHECK(encoding_for_label("nonsense").empty());
    CHECK(encoding_for_label("").empty());
}

TEST_CASE("other WHATWG encodings convert through iconv") {
    CHECK(decode("\xE0\xE1", "text/plain; charset=windows-1251").utf8 == "аб");
    CHECK(decode("\xC1\xC2", "text/plain; charset=koi8-r").utf8 == "аб");
    CHECK(decode("\xA4\xA4", "text/plain; charset=big5").utf8 == "中");
    CHECK(decode("\xD6\xD0", "text/plain; charset=gb2312").utf8 == "中");
    CHECK(decode("\xA4", "text/plain; charset=iso-8859-15").utf8 == "€");
}

TEST_CASE("charset_parameter reads quoted and unquoted charset parameters") {
    CHECK(charset_parameter("text/html; charset=UTF-8") == "UTF-8");
    CHECK(charset_parameter("text/html;charset=\"Shift_JIS\"") == "Shift_JIS");
    CHECK(charset_parameter("text/html; Charset = 'euc-kr' ; x=y") == "euc-kr");
    CHECK(charset_parameter("text/html; charset=utf-8; foo=bar") == "utf-8");
    CHECK(charset_parameter("text/html").empty());
    CHECK(charset_parameter("").empty());
    CHECK(charset_parameter("text/html; charset=\"unclosed").empty());
}

TEST_CASE("the meta prescan finds declarations as a browser would") {
    CHECK(prescan_meta_charset("<meta charset=utf-8>") == "UTF-8");
    CHECK(prescan_meta_charset("<html><head><META CHARSET=\"EUC-KR\"/>") == "EUC-KR");
    CHECK(prescan_meta_charset("<meta content='text/html; charset=shift_jis' http-equiv='content-type'>") == "Shift_JIS");
    // content= without http-equiv=Content-Type is not a declaration.
    CHECK(prescan_meta_charset("<meta name=x content=\"text/html; charset=euc-jp\">").empty());
    // The first of two attributes with one name counts.
    CHECK(prescan_meta_charset("<meta charset=euc-kr charset=utf-8>") == "EUC-KR");
    // A declaration inside a comment or in another tag's attribute is not one.
    CHECK(prescan_meta_charset("<!-- <meta charset=euc-kr> --><meta charset=utf-8>") == "UTF-8");
    CHECK(prescan_meta_charset("<div title='<meta charset=euc-kr>'></div>").empty());
    CHECK(prescan_meta_charset("<!--><meta charset=euc-jp>") == "EUC-JP");  // "<!-->" is a whole comment
    // A page cannot declare UTF-16 in ASCII; x-user-defined means windows-1252.
    CHECK(prescan_meta_charset("<meta charset=utf-16>") == "UTF-8");
    CHECK(prescan_meta_charset("<meta charset=x-user-defined>") == "windows-1252");
    // Only the first 1024 bytes are looked at.
    CHECK(prescan_meta_charset(std::string(1100, ' ') + "<meta charset=euc-kr>").empty());
    CHECK(prescan_meta_charset(std::string(900, ' ') + "<meta charset=euc-kr>") == "EUC-KR");
    // Garbage and truncation do not trip it.
    CHECK(prescan_meta_charset("<meta").empty());
    CHECK(prescan_meta_charset("<meta charset=\"").empty());
    CHECK(prescan_meta_charset("<<<!--").empty());
    CHECK(prescan_meta_charset(std::string("\0<meta charset=euc-kr>", 22)) == "EUC-KR");
}

TEST_CASE("repair_utf8 replaces each ill-formed sequence with U+FFFD and keeps the rest") {
    const std::string fffd = "\xEF\xBF\xBD";
    CHECK(repair_utf8("plain") == "plain");
    CHECK(repair_utf8("한국") == "한국");
    CHECK(repair_utf8("a\xFF" "b") == "a" + fffd + "b");
    CHECK(repair_utf8("\xC0\xAF") == fffd + fffd);               // overlong "/"
    CHECK(repair_utf8("\xED\xA0\x80") == fffd + fffd + fffd);    // a surrogate
    CHECK(repair_utf8("\xE2\x82" "A") == fffd + "A");            // cut short: the "A" survives
    CHECK(repair_utf8("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // above U+10FFFF
    CHECK(repair_utf8("end\xE2\x82") == "end" + fffd);
    CHECK(is_valid_utf8(repair_utf8("\x80\x81\xFE\xFF\xC3")));
}

TEST_CASE("is_valid_utf8 rejects overlong forms, surrogates and truncation") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("ascii"));
    CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));  // an emoji
    CHECK_FALSE(is_valid_utf8("\xC0\x80"));
    CHECK_FALSE(is_valid_utf8("\xED\xB0\x80"));
    CHECK_FALSE(is_valid_utf8("\xE2\x82"));
    CHECK_FALSE(is_valid_utf8("\x93quote\x94"));
}
