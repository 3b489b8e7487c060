// ui_page_mirror_test.cpp: the shown page as plain structure for the
// browser's screen-reader mirror (Platform::page_shown).
#include <doctest/doctest.h>

#include "page_mirror.h"  // private to the views (shared/ui)

using namespace sitepack;

namespace {

doc::Span text(std::string t, int32_t link = -1) {
    doc::Span span;
    span.text = std::move(t);
    span.link = link;
    return span;
}

doc::Block block(doc::BlockKind kind, std::vector<doc::Span> spans, std::vector<doc::Block> children = {}) {
    doc::Block b;
    b.kind = kind;
    b.spans = std::move(spans);
    b.children = std::move(children);
    return b;
}

}  // namespace

TEST_CASE("page mirror: headings, paragraphs, list items, quotes and preformatted text, with links") {
    doc::Document document;
    document.links.push_back({"https://www.lfnkr.org/2021/01/letter/?p=2", doc::LinkTarget::internal, 7});
    document.links.push_back({"https://example.org/elsewhere", doc::LinkTarget::external, 0});
    doc::Block heading = block(doc::BlockKind::heading, {text("Section")});
    heading.level = 3;
    document.blocks.push_back(heading);
    document.blocks.push_back(block(doc::BlockKind::paragraph, {text("Read "), text("the letter", 0), text(" or "), text("this", 1)}));
    document.blocks.push_back(block(doc::BlockKind::list, {},
                                    {block(doc::BlockKind::list_item, {}, {block(doc::BlockKind::paragraph, {text("first")})}),
                                     block(doc::BlockKind::list_item, {}, {block(doc::BlockKind::paragraph, {text("second")})})}));
    document.blocks.push_back(block(doc::BlockKind::quote, {}, {block(doc::BlockKind::paragraph, {text("quoted")})}));
    document.blocks.push_back(block(doc::BlockKind::preformatted, {text("code  kept")}));
    document.blocks.push_back(block(doc::BlockKind::rule, {}));

    std::vector<ui::MirrorBlock> mirror = ui::page_mirror(document, "Title", "21 October 2023");
    REQUIRE(mirror.size() == 8);
    CHECK(mirror[0].kind == "h1");
    CHECK(mirror[0].text == "Title");
    CHECK(mirror[1].kind == "p");
    CHECK(mirror[2].kind == "h3");
    CHECK(mirror[3].text == "Read the letter or this");
    REQUIRE(mirror[3].links.size() == 2);
    CHECK(mirror[3].links[0].text == "the letter");
    CHECK(mirror[3].links[0].href == "/2021/01/letter/?p=2");  // a page of the bundle: its path
    CHECK(mirror[3].links[1].href == "https://example.org/elsewhere");
    CHECK(mirror[4].kind == "li");
    CHECK(mirror[4].text == "first");
    CHECK(mirror[5].kind == "li");
    CHECK(mirror[6].kind == "quote");
    CHECK(mirror[6].text == "quoted");
    CHECK(mirror[7].kind == "pre");
    CHECK(mirror[7].text == "code  kept");
}

TEST_CASE("page mirror: a table row is one line, a figure its caption or alt text") {
    doc::Document document;
    document.images.push_back({"https://x.org/a.jpg", "a protest in Seoul", 0, 0, 0});
    doc::Block cell_a = block(doc::BlockKind::table_cell, {}, {block(doc::BlockKind::paragraph, {text("2021")})});
    doc::Block cell_b = block(doc::BlockKind::table_cell, {}, {block(doc::BlockKind::paragraph, {text("letters")})});
    document.blocks.push_back(block(doc::BlockKind::table, {}, {block(doc::BlockKind::table_row, {}, {cell_a, cell_b})}));
    doc::Block figure = block(doc::BlockKind::figure, {});
    figure.image = 0;
    document.blocks.push_back(figure);
    std::vector<ui::MirrorBlock> mirror = ui::page_mirror(document, "", "");
    REQUIRE(mirror.size() == 2);
    CHECK(mirror[0].text == "2021 | letters");
    CHECK(mirror[1].text == "a protest in Seoul");
}

TEST_CASE("mirror location: a page's path for the address bar, generated pages as they are") {
    CHECK(ui::mirror_location("https://www.lfnkr.org/2021/01/x/") == "/2021/01/x/");
    CHECK(ui::mirror_location("app:search/1/refugees") == "app:search/1/refugees");
}
