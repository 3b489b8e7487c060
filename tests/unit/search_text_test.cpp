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
