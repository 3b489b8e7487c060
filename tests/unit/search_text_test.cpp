// search_text_test.cpp: how text is prepared for the full-text index and
// how typed queries become FTS5 expressions and snippets.
#include <doctest/doctest.h>

#include "sitepack/search_text.h"

using namespace sitepack::search;

TEST_CASE("English text is indexed as it is") {
    CHECK(index_text("North Korean refugees in China") == "North Korean refugees in China");
}

TEST_CASE("Japanese text is indexed as overlapping bigrams") {
    CHECK(index_text("北朝鮮難民") == " 北朝 朝鮮 鮮難 難民 ");
    CHECK(index_text("LFNKR（北朝鮮）") == "LFNKR（ 北朝 朝鮮 ）");
}

TEST_CASE("Korean Hangul is indexed as bigrams too, and a lone character stays whole") {
    CHECK(index_text("탈북자 지원") == " 탈북 북자   지원 ");
    CHECK(index_text("a 北 b") == "a  北  b");
}

TEST_CASE("query words split Latin words from CJK runs and ignore operators") {
    CHECK(query_words("forced \"repatriation\" OR-NOT") == std::vector<std::string>{"forced", "repatriation", "OR", "NOT"});
    CHECK(query_words("LFNKR北朝鮮") == std::vector<std::string>{"LFNKR", "北朝鮮"});
    CHECK(query_words("  ,.;  ").empty());
}

TEST_CASE("a typed query becomes an expression that needs every word") {
    CHECK(match_expression("forced repatriation") == "\"forced\" AND \"repatriation\"");
    CHECK(match_expression("refu", true) == "\"refu\"*");
    CHECK(match_expression("北朝鮮") == "\"北朝\" AND \"朝鮮\"");
    CHECK(match_expression("北") == "\"北\"*");
    CHECK(match_expression("\"; DROP TABLE pages; --").find(';') == std::string::npos);
    CHECK(match_expression("!!!").empty());
}

TEST_CASE("a snippet is a window around the first match with every match marked") {
    std::string text(300, 'x');
    text += " the forced repatriation of refugees, forced again. ";
    text += std::string(300, 'y');
    Snippet snippet = make_snippet(text, {"forced"}, 120);
    CHECK(snippet.text.rfind("...", 0) == 0);
    REQUIRE(snippet.highlights.size() == 2);
    for (auto [first, last] : snippet.highlights) CHECK(snippet.text.substr(first, last - first) == "forced");
}

TEST_CASE("snippet matching ignores case and matches word starts only") {
    Snippet snippet = make_snippet("Refugees and unrefugeed words", {"refugee"});
    REQUIRE(snippet.highlights.size() == 1);
    CHECK(snippet.highlights[0] == std::make_pair<size_t, size_t>(0, 7));
}

TEST_CASE("a snippet of CJK text marks the run and never cuts a character") {
    std::string text;
    for (int i = 0; i < 200; ++i) text += "難民";
    text += "北朝鮮の人々";
    Snippet snippet = make_snippet(text, {"北朝鮮"}, 40);
    REQUIRE(snippet.highlights.size() == 1);
    auto [first, last] = snippet.highlights[0];
    CHECK(snippet.text.substr(first, last - first) == "北朝鮮");
    for (size_t i = 0; i < snippet.text.size();) {
        unsigned char lead = static_cast<unsigned char>(snippet.text[i]);
        REQUIRE((lead & 0xC0) != 0x80);
        i += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    }
}

TEST_CASE("page lengths coded in a byte come back within 4%") {
    CHECK(length_of_code(length_code(0)) == 0);
    CHECK(length_of_code(length_code(1)) == 1);
    for (uint32_t length : {2u, 7u, 30u, 340u, 1000u, 12345u, 600000u}) {
        INFO(length);
        const double back = length_of_code(length_code(length));
        CHECK(back == doctest::Approx(double(length)).epsilon(0.04));
    }
    CHECK(length_code(4000000000u) == 255);
}

TEST_CASE("FTS5 docsize records are SQLite varints, high bits first") {
    // Title 6 words, body 340 words, as FTS5 writes them: 06 82 54.
    const unsigned char record[] = {0x06, 0x82, 0x54};
    std::vector<uint32_t> lengths;
    REQUIRE(decode_docsize_record(record, 3, 2, lengths));
    REQUIRE(lengths.size() == 2);
    CHECK(lengths[0] == 6);
    CHECK(lengths[1] == 340);
    lengths.clear();
    CHECK_FALSE(decode_docsize_record(record, 2, 2, lengths));  // cut inside the second
}

TEST_CASE("a search_lengths blob round-trips, and a cut or disordered one is refused whole") {
    std::string blob;
    append_length_entry(blob, 3, {6, 340});
    append_length_entry(blob, 200, {1, 0});  // rowid 203: a two-byte distance
    std::vector<int64_t> rowids;
    std::vector<uint32_t> lengths;
    REQUIRE(decode_length_entries(blob, 2, 100, rowids, lengths));
    CHECK(rowids == std::vector<int64_t>{3, 203});
    REQUIRE(lengths.size() == 4);
    CHECK(lengths[0] == 6);
    CHECK(lengths[1] == doctest::Approx(340).epsilon(0.04));
    CHECK(lengths[3] == 0);
    CHECK_FALSE(decode_length_entries(blob.substr(0, blob.size() - 1), 2, 100, rowids, lengths));
    CHECK(rowids.empty());
    CHECK_FALSE(decode_length_entries(blob, 2, 1, rowids, lengths));  // over max_rows
    std::string zero_step;
    append_length_entry(zero_step, 0, {1, 1});
    CHECK_FALSE(decode_length_entries(zero_step, 2, 100, rowids, lengths));
}
