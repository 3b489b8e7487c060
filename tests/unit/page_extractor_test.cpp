// Tests of page_extractor: metadata, boilerplate removal, the document
// mapping, navigation, hostile input, and every page of the sample mirror.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "charset.h"
#include "page_extractor.h"
#include "page_extractor_markup.h"
#include "sitepack/url.h"

using namespace sitepack;
using sitepack::build::extract_page;
using sitepack::build::ExtractedPage;
using sitepack::build::PageKind;

namespace {

const char* const kPostUrl = "https://www.northkoreanrefugees.com/2023/10/21/open-letter-to-xi-jinping/";

// The site's WordPress theme around one post, trimmed.
std::string wordpress_page(const std::string& body_class, const std::string& main) {
    return R"(<!doctype html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<title>Open Letter to Xi Jinping &#8211; northkoreanrefugees.com</title>
<script>window._wpemojiSettings = {"baseUrl":"x"};</script>
<style>img.wp-smiley { display: inline !important; }</style>
<meta name="generator" content="WordPress 6.4.2" />
<link rel="canonical" href="https://www.northkoreanrefugees.com/2023/10/21/open-letter-to-xi-jinping/" />
<link rel='shortlink' href='https://www.northkoreanrefugees.com/?p=4512' />
</head>
<body class=")" + body_class + R"(">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<header id="masthead" class="site-header">
  <div class="site-branding">
    <a href="https://www.northkoreanrefugees.com/" rel="home"><img width="96" height="96" src="/wp-content/uploads/2019/05/lfnkr-logo.png" alt="northkoreanrefugees.com"></a>
    <p class="site-title"><a href="https://www.northkoreanrefugees.com/" rel="home">northkoreanrefugees.com</a></p>
    <p class="site-description">Life Funds for North Korean Refugees</p>
  </div>
  <nav id="site-navigation" class="main-navigation">
    <button class="menu-toggle" onclick="this.parentNode.classList.toggle('toggled');">Menu</button>
    <ul id="primary-menu" class="menu">
      <li><a href="https://www.northkoreanrefugees.com/">Home</a></li>
      <li><a href="/sitemap/">Sitemap</a></li>
      <li><a href="/about/">About</a></li>
      <li><a href="/faq/">FAQ</a></li>
      <li><a href="/privacy-policy/">Privacy Policy</a></li>
    </ul>
  </nav>
</header>
<div id="content" class="site-content">
<main id="primary" class="site-main">
)" + main + R"(
</main>
<aside id="secondary" class="widget-area">
  <section class="widget widget_search"><form role="search" class="search-form" action="/"><label><span class="screen-reader-text">Search for:</span><input type="search" placeholder="Search this website" name="s"></label></form></section>
  <section class="widget widget_archive"><h2 class="widget-title">Archives</h2>
    <select name="archive-dropdown"><option value="">Select Month</option>
      <option value='https://www.northkoreanrefugees.com/2023/10/'> October 2023 </option>
      <option value='https://www.northkoreanrefugees.com/2022/11/'> November 2022 </option>
    </select></section>
  <section class="widget widget_text"><h2 class="widget-title">Older Archives</h2>
    <div class="textwidget"><p><a href="/old/archives/2006-2014.htm">Jan. 2006 --&gt; Dec. 2014</a></p></div></section>
  <section class="widget widget_categories"><h2 class="widget-title">Categories</h2>
    <form action="https://www.northkoreanrefugees.com" method="get"><select name='cat'>
      <option value='-1'>Select Category</option>
      <option class="level-0" value="3">China&nbsp;&nbsp;(4)</option>
      <option class="level-0" value="10">North Korea</option>
    </select></form></section>
  <section class="widget widget_text"><h2 class="widget-title">Who We Are</h2><div class="textwidget"><p><strong>LFNKR</strong> is a Japanese-based NGO</p></div></section>
</aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">&copy; 2025 <a href="/">northkoreanrefugees.com</a> | <a href="https://wordpress.org/">Powered by WordPress</a></div></footer>
</div>
<script>console.log('x');</script>
</body>
</html>)";
}

const char* const kSinglePostMain = R"(
<article id="post-4512" class="post-4512 post type-post hentry category-china tag-menu">
  <header class="entry-header">
    <h1 class="entry-title">Open Letter to Xi Jinping</h1>
    <div class="entry-meta">
      <span class="posted-on"><a href="/2023/10/21/open-letter-to-xi-jinping/" rel="bookmark"><time class="entry-date published" datetime="2023-10-21T09:00:00+09:00">October 21, 2023</time><time class="updated" datetime="2023-10-23T11:12:40+09:00">October 23, 2023</time></a></span>
      <span class="byline"> by <span class="author vcard"><a class="url fn n" href="/author/lfnkr/">LFNKR</a></span></span>
      <span class="cat-links"><a href="/category/china/" rel="category tag">China</a>, <a href="/category/north-korea/" rel="category tag">North Korea</a></span>
    </div>
  </header>
  <div class="post-thumbnail"><img width="640" height="400" src="/wp-content/uploads/2023/10/letter.jpg" class="wp-post-image" alt="The letter"></div>
  <div class="entry-content">
    <p>Dear Mr. President:</p>
    <h3 class="wp-block-heading">We call on the Chinese government to stop the forced repatriation</h3>
    <p>As we reported in <a href="../../../../2020/11/16/north-korea-rejects/">November 2020</a>, hundreds of defectors were held.</p>
    <p><span id="more-4512"></span></p>
    <ol class="wp-block-list"><li>immediately halt the forced repatriation;</li><li>grant the <a href="https://www.unhcr.org/">UNHCR</a> access.</li></ol>
    <p>Kato Hiroshi<br>
    Executive Director</p>
  </div>
  <footer class="entry-footer"><span class="tags-links">Tagged <a href="/tag/forced-repatriation/" rel="tag">forced repatriation</a>, <a href="/tag/xi-jinping/" rel="tag">Xi Jinping</a></span>
  <span class="print-link"><a href="#" onclick="window.print(); return false;">Print this page</a></span></footer>
</article>
<nav class="navigation post-navigation"><div class="nav-links"><a href="/2022/11/08/x/" rel="prev">Previous: Former Street Child</a></div></nav>
<div id="comments" class="comments-area"><h2>One comment</h2><div class="comment-author vcard"><b class="fn">A visitor</b></div><p>Thank you</p></div>
)";

std::string listing_post(const std::string& slug, const std::string& title, const std::string& date,
                         const std::string& excerpt) {
    return R"(<article class="post type-post hentry">
  <header class="entry-header">
    <h2 class="entry-title"><a href="https://www.northkoreanrefugees.com/)" + slug + R"(/" rel="bookmark">)" + title + R"(</a></h2>
    <div class="entry-meta"><span class="posted-on"><a href="/)" + slug + R"(/" rel="bookmark"><time class="entry-date published" datetime="2022-11-08T10:30:00+09:00">)" + date + R"(</time></a></span>
    <span class="cat-links"><a href="/category/lfnkr/" rel="category tag">LFNKR</a></span></div>
  </header>
  <div class="entry-content"><p>)" + excerpt + R"(</p>
  <p><a href="https://www.northkoreanrefugees.com/)" + slug + R"(/#more-1" class="more-link">Read more<span class="screen-reader-text"> ")" + title + R"("</span></a></p></div>
</article>)";
}

// A page of the old hand-made site: a layout table, a menu cell that is
// only links (no id or class says so), a report with numbered and lettered
// sections, a data table and the copyright line.
const char* const kOldReport = R"(<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><title>LFNKR - Annual Report 2006</title></head>
<body bgcolor="#FFFFFF">
<table width="780" border="0" cellpadding="0" cellspacing="0" align="center">
  <tr>
    <td width="170" valign="top">
      <form method="get" action="http://www.google.com/search"><b>Search Website</b><br><input type="text" name="q"></form>
      <p><a href="../about.htm">About Our Group</a></p>
      <p><a href="../../jp/index.htm">Our Japanese Website</a></p>
      <p><a href="../faq.htm">Frequently Asked Questions</a></p>
      <p><a href="../activities.htm">What We Are Doing</a></p>
      <p><a href="../contact.htm" onClick="window.open('../contact.htm'); return false;">Contact Us</a></p>
    </td>
    <td valign="top">
      <h1>Annual Report 2006</h1>
      <h2>Activity Report &#150; Fiscal Year 2005-2006</h2>
      <h3>Current Situation of North Korean Refugees</h3>
      <p>Pressure on the North Korean government by the international community is increasing thanks to greater international awareness of the grave human rights abuses committed by the North Korean government, in addition to the refugee and abductee issues.
      <p>China still refuses to formally recognize the existence of North Korean refugees. Consequently, there is no end in sight to the forced repatriation of North Korean refugees and the tragedy it brings.
      <p><b>I. North Korean Refugees and Humanitarian Rescue Work</b></p>
      <ol type="A">
        <li>We expanded our links to cooperate with groups and individuals in Asia.
        <li>We reported on human rights violations at international conferences:
          <ul><li>Spoke at the European Parliament;<li>Spoke at the U.S. Asia Society Symposium.</ul>
      </ol>
      <ol start="3"><li>Third point<li>Fourth point</ol>
      <table border="1"><tr><th>Foster children</th><th>Number</th></tr><tr><td>Graduated</td><td>2</td></tr><tr><td colspan="2">Total 20</td></tr></table>
      <hr size="1" noshade>
      <p class="small">Copyright &copy; 2002-2014 Life Funds for North Korean Refugees. All rights reserved.</p>
    </td>
  </tr>
</table>
</body></html>)";

void for_each_block(const std::vector<doc::Block>& blocks, const std::function<void(const doc::Block&)>& visit) {
    for (const doc::Block& block : blocks) {
        visit(block);
        for_each_block(block.children, visit);
    }
}

std::string span_text(const doc::Block& block) {
    std::string out;
    for (const doc::Span& span : block.spans) out += span.kind == doc::SpanKind::line_break ? "\n" : span.text;
    return out;
}

// Every span's text, blocks separated by newlines.
std::string body_text(const doc::Document& document) {
    std::string out;
    for_each_block(document.blocks, [&](const doc::Block& block) {
        if (!block.spans.empty()) out += span_text(block) + "\n";
    });
    return out;
}

std::vector<const doc::Block*> blocks_of(const doc::Document& document, doc::BlockKind kind) {
    std::vector<const doc::Block*> found;
    for_each_block(document.blocks, [&](const doc::Block& block) {
        if (block.kind == kind) found.push_back(&block);
    });
    return found;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

ExtractedPage extract(const std::string& html, const std::string& page_url = kPostUrl) {
    auto result = extract_page(html, page_url);
    REQUIRE_MESSAGE(result.ok(), (result.ok() ? "" : result.error().message));
    return std::move(result).value();
}

std::filesystem::path source_dir() {
#ifdef SITEPACK_SOURCE_DIR
    return SITEPACK_SOURCE_DIR;
#else
    return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
#endif
}

}  // namespace

TEST_CASE("a WordPress single post gives its title without the site suffix, date, author, categories and tags") {
    ExtractedPage page = extract(wordpress_page("post-template-default single single-post postid-4512", kSinglePostMain));
    CHECK(page.kind == PageKind::article);
    CHECK(page.title == "Open Letter to Xi Jinping");
    CHECK(page.site_name == "northkoreanrefugees.com");
    CHECK(page.canonical_url == "https://www.northkoreanrefugees.com/2023/10/21/open-letter-to-xi-jinping/");
    REQUIRE(page.alias_urls.size() == 1);
    CHECK(page.alias_urls[0] == "https://www.northkoreanrefugees.com/?p=4512");
    CHECK(page.published == "2023-10-21T09:00:00+09:00");
    CHECK(page.modified == "2023-10-23T11:12:40+09:00");
    CHECK(page.author == "LFNKR");
    CHECK(page.language == "en");
    CHECK(page.redirect_to.empty());
    REQUIRE(page.categories.size() == 2);
    CHECK(page.categories[0].label == "China");
    CHECK(page.categories[0].url == "https://www.northkoreanrefugees.com/category/china/");
    CHECK(page.categories[1].label == "North Korea");
    REQUIRE(page.tags.size() == 2);
    CHECK(page.tags[0].label == "forced repatriation");
    CHECK(page.tags[1].url == "https://www.northkoreanrefugees.com/tag/xi-jinping/");
    CHECK(contains(page.description, "Dear Mr. President:"));
}

TEST_CASE("a WordPress single post's body is its content without menu, sidebar, footer or comments") {
    ExtractedPage page = extract(wordpress_page("single single-post postid-4512", kSinglePostMain));
    const std::string text = body_text(page.body);
    CHECK(contains(text, "Dear Mr. President:"));
    CHECK(contains(text, "hundreds of defectors were held"));
    for (const char* furniture : {"Privacy Policy", "Skip to content", "Older Archives", "Who We Are", "Search",
                                  "Powered by WordPress", "Print this page", "Previous:", "Thank you",
                                  "October 21, 2023", "Open Letter to Xi Jinping", "Life Funds for North Korean"}) {
        CHECK_MESSAGE(!contains(text, furniture), furniture);
    }
    // The featured image comes first, then the content; the title heading is not repeated.
    REQUIRE(!page.body.blocks.empty());
    CHECK(page.body.blocks[0].kind == doc::BlockKind::figure);
    REQUIRE(page.body.images.size() == 1);
    CHECK(page.body.images[0].url == "https://www.northkoreanrefugees.com/wp-content/uploads/2023/10/letter.jpg");
    CHECK(page.body.images[0].width == 640);
    auto headings = blocks_of(page.body, doc::BlockKind::heading);
    REQUIRE(headings.size() == 1);
    CHECK(headings[0]->level == 3);
    // Links are absolute, resolved against the page.
    REQUIRE(page.body.links.size() == 2);
    CHECK(page.body.links[0].url == "https://www.northkoreanrefugees.com/2020/11/16/north-korea-rejects/");
    CHECK(page.body.links[1].url == "https://www.unhcr.org/");
    auto lists = blocks_of(page.body, doc::BlockKind::list);
    REQUIRE(lists.size() == 1);
    CHECK(lists[0]->ordered);
    CHECK(lists[0]->children.size() == 2);
    // "Kato Hiroshi<br>Executive Director" keeps its line break.
    bool has_break = false;
    for (const doc::Block* paragraph : blocks_of(page.body, doc::BlockKind::paragraph)) {
        if (span_text(*paragraph) == "Kato Hiroshi\nExecutive Director") has_break = true;
    }
    CHECK(has_break);
}

TEST_CASE("a WordPress page gives the site navigation: menu, categories and monthly archives") {
    ExtractedPage page = extract(wordpress_page("single single-post", kSinglePostMain));
    const auto& navigation = page.navigation;
    REQUIRE(navigation.menu.size() == 5);
    CHECK(navigation.menu[0].label == "Home");
    CHECK(navigation.menu[0].url == "https://www.northkoreanrefugees.com/");
    CHECK(navigation.menu[4].label == "Privacy Policy");
    CHECK(navigation.menu[4].url == "https://www.northkoreanrefugees.com/privacy-policy/");
    REQUIRE(navigation.archives.size() == 2);
    CHECK(navigation.archives[0].label == "October 2023");
    CHECK(navigation.archives[0].url == "https://www.northkoreanrefugees.com/2023/10/");
    REQUIRE(navigation.categories.size() == 2);
    CHECK(navigation.categories[0].label == "China");
    CHECK(navigation.categories[0].url == "https://www.northkoreanrefugees.com/?cat=3");
}

TEST_CASE("a listing page gives each post as a heading link, its date line and its excerpt") {
    std::string posts = listing_post("2023/10/21/open-letter-to-xi-jinping", "Open Letter to Xi Jinping",
                                     "October 21, 2023", "We call on the Chinese government to stop.") +
                        listing_post("2022/11/08/former-street-child", "Former Street Child Refugee Re-visits Japanese Rescuers",
                                     "November 8, 2022", "At the end of October, O.C. came to visit us again.") +
                        R"(<nav class="navigation posts-navigation"><div class="nav-links"><div class="nav-previous"><a href="/page/2/">Older posts</a></div></div></nav>)";
    ExtractedPage page = extract(wordpress_page("home blog", posts), "https://www.northkoreanrefugees.com/");
    CHECK(page.kind == PageKind::listing);
    CHECK(page.published.empty());
    CHECK(page.categories.empty());

    const auto& blocks = page.body.blocks;
    REQUIRE(blocks.size() == 6);
    CHECK(blocks[0].kind == doc::BlockKind::heading);
    CHECK(blocks[0].level == 2);
    CHECK(span_text(blocks[0]) == "Open Letter to Xi Jinping");
    REQUIRE(blocks[0].spans.size() == 1);
    REQUIRE(blocks[0].spans[0].link >= 0);
    CHECK(page.body.links[static_cast<size_t>(blocks[0].spans[0].link)].url == kPostUrl);
    CHECK(span_text(blocks[1]) == "October 21, 2023");
    CHECK(span_text(blocks[2]) == "We call on the Chinese government to stop.");
    CHECK(span_text(blocks[3]) == "Former Street Child Refugee Re-visits Japanese Rescuers");
    CHECK(span_text(blocks[5]) == "At the end of October, O.C. came to visit us again.");

    const std::string text = body_text(page.body);
    CHECK(!contains(text, "Read more"));
    CHECK(!contains(text, "Older posts"));
    CHECK(!contains(text, "Older Archives"));
    CHECK(!contains(text, "LFNKR"));  // the category line and the sidebar
    CHECK(page.description == "We call on the Chinese government to stop.");
}

TEST_CASE("several articles or an older-posts link make a page a listing without body classes") {
    std::string two = listing_post("a", "First", "May 1, 2020", "One.") + listing_post("b", "Second", "May 2, 2020", "Two.");
    CHECK(extract(wordpress_page("", two)).kind == PageKind::listing);
    std::string paged = listing_post("a", "First", "May 1, 2020", "One.") +
                        R"(<nav class="navigation posts-navigation"><a href="/page/2/">Older posts</a></nav>)";
    CHECK(extract(wordpress_page("", paged)).kind == PageKind::listing);
    CHECK(extract(wordpress_page("", kSinglePostMain)).kind == PageKind::article);
}

TEST_CASE("an old static page loses its menu and copyright but keeps its report headings and numbered lists") {
    ExtractedPage page = extract(kOldReport, "https://www.northkoreanrefugees.com/old/reports/annual_report_2006.htm");
    CHECK(page.kind == PageKind::article);
    CHECK(page.title == "Annual Report 2006");
    CHECK(page.site_name == "LFNKR");
    CHECK(page.language == "en");

    const std::string text = body_text(page.body);
    for (const char* furniture : {"About Our Group", "Frequently Asked Questions", "Contact Us", "Search Website",
                                  "Copyright", "All rights reserved"}) {
        CHECK_MESSAGE(!contains(text, furniture), furniture);
    }
    std::vector<std::string> headings;
    for (const doc::Block* heading : blocks_of(page.body, doc::BlockKind::heading)) headings.push_back(span_text(*heading));
    REQUIRE(headings.size() == 3);
    CHECK(headings[0] == "Activity Report \xE2\x80\x93 Fiscal Year 2005-2006");  // &#150; is an en dash
    CHECK(headings[1] == "Current Situation of North Korean Refugees");
    CHECK(headings[2] == "I. North Korean Refugees and Humanitarian Rescue Work");  // bold paragraph promoted

    auto lists = blocks_of(page.body, doc::BlockKind::list);
    REQUIRE(lists.size() == 3);
    CHECK(lists[0]->ordered);
    CHECK(lists[0]->children.size() == 2);
    CHECK(!lists[1]->ordered);  // nested in the second item
    CHECK(lists[2]->start == 3);

    // The layout table is flattened; the data table stays a table.
    auto tables = blocks_of(page.body, doc::BlockKind::table);
    REQUIRE(tables.size() == 1);
    REQUIRE(tables[0]->children.size() == 3);
    CHECK(tables[0]->children[0].children[0].header);
    CHECK(tables[0]->children[2].children[0].colspan == 2);
    // The rule above the copyright line goes with it.
    CHECK(page.body.blocks.back().kind != doc::BlockKind::rule);

    const auto& menu = page.navigation.menu;
    REQUIRE(menu.size() == 5);
    CHECK(menu[0].label == "About Our Group");
    CHECK(menu[0].url == "https://www.northkoreanrefugees.com/old/about.htm");
    CHECK(menu[1].url == "https://www.northkoreanrefugees.com/jp/index.htm");
    CHECK(menu[4].label == "Contact Us");
}

TEST_CASE("a date in an old report's first heading becomes its publication date") {
    ExtractedPage page = extract(
        "<html><body><table><tr><td><h2>LFNKR Annual Report Released at the<br>14th General Meeting Oct. 9, 2011</h2>"
        "<p>The new currency system initiated in November 2009 has led to serious confusion.</p></td></tr></table>",
        "https://www.northkoreanrefugees.com/old/reports/annual_report_2011.htm");
    CHECK(page.published == "2011-10-09");
    CHECK(extract("<p>Posted</p>", "https://example.org/2019/05/07/a-post/").published == "2019-05-07");
}

TEST_CASE("an image with a caption becomes a figure with the caption as its spans") {
    ExtractedPage page = extract(R"(<html><body class="single"><article><div class="entry-content">
      <figure class="wp-block-image"><img src="/wp-content/uploads/2011/07/class.png" width="320" height="200" alt="Students practicing hiragana"><figcaption class="wp-element-caption">The first <em>lesson</em>, June 29, 2011</figcaption></figure>
      <div id="attachment_7" class="wp-caption aligncenter"><img src="old.jpg" alt="Rice" width="300" height="200"><p class="wp-caption-text">Rice distribution</p></div>
      <p><img src="spacer.gif" width="1" height="1">Text after a spacer.</p>
    </div></article></body></html>)",
                                 "https://www.northkoreanrefugees.com/2011/07/04/center/");
    auto figures = blocks_of(page.body, doc::BlockKind::figure);
    REQUIRE(figures.size() == 2);
    REQUIRE(page.body.images.size() == 2);
    const doc::Image& image = page.body.images[static_cast<size_t>(figures[0]->image)];
    CHECK(image.url == "https://www.northkoreanrefugees.com/wp-content/uploads/2011/07/class.png");
    CHECK(image.alt == "Students practicing hiragana");
    CHECK(image.width == 320);
    CHECK(image.height == 200);
    CHECK(span_text(*figures[0]) == "The first lesson, June 29, 2011");
    REQUIRE(figures[0]->spans.size() == 3);
    CHECK(figures[0]->spans[1].style == doc::kItalic);
    CHECK(page.body.images[static_cast<size_t>(figures[1]->image)].url ==
          "https://www.northkoreanrefugees.com/2011/07/04/center/old.jpg");
    CHECK(span_text(*figures[1]) == "Rice distribution");
    CHECK(contains(body_text(page.body), "Text after a spacer."));
}

TEST_CASE("scripts, styles and event handlers never reach any span or link") {
    ExtractedPage page = extract(R"html(<html><head><style>p { color: red }</style></head><body>
      <p onclick="alert('click')" onmouseover="steal()">Visible <a href="javascript:alert('x')">kept text</a> and
      <a href=" JavaScript:evil()">more</a> <a href="data:text/html,hi">data</a></p>
      <script>alert('script')</script><noscript>Enable JavaScript</noscript>
      <style>.x { color: blue }</style><iframe src="https://evil.example/"></iframe>
      <form><input value="typed"><button onclick="go()">Press</button><textarea>area</textarea><select><option>choice</option></select></form>
      <svg><script>alert('svg')</script><text>svg text</text></svg><template><p>template</p></template>
      <object data="x.swf">object text</object><embed src="x.swf"><canvas>canvas text</canvas>
      <img src="javascript:alert(1)" onerror="alert(2)" width="100" height="100">
    </body></html>)html",
                                 "https://example.org/page");
    const std::string text = body_text(page.body);
    CHECK(contains(text, "Visible kept text and more data"));
    for (const char* hostile : {"alert", "steal", "color", "Enable JavaScript", "evil", "typed", "Press", "area",
                                "choice", "svg", "template", "object text", "canvas text", "onclick", "onerror"}) {
        CHECK_MESSAGE(!contains(text, hostile), hostile);
    }
    CHECK(page.body.links.empty());
    CHECK(page.body.images.empty());
}

TEST_CASE("a meta refresh page is a redirect stub with an empty body") {
    ExtractedPage page = extract(R"(<html><head><title>Redirecting…</title>
      <meta http-equiv="refresh" content="0; URL='/about/'"></head><body><p>Moved to <a href="/about/">about</a>.</p></body></html>)",
                                 "https://www.northkoreanrefugees.com/donate/");
    CHECK(page.redirect_to == "https://www.northkoreanrefugees.com/about/");
    CHECK(page.body.blocks.empty());
    // A page that refreshes itself is not a redirect.
    ExtractedPage self = extract(R"(<html><head><meta http-equiv="refresh" content="300"></head><body><p>News</p></body></html>)",
                                 "https://example.org/news");
    CHECK(self.redirect_to.empty());
    CHECK(!self.body.blocks.empty());
}

TEST_CASE("the language comes from <html lang> or is detected from kana, Hangul or Latin text") {
    CHECK(extract("<html lang=\"en-US\"><body><p>\xE5\x8C\x97\xE6\x9C\x9D\xE9\xAE\xAE\xE9\x9B\xA3\xE6\xB0\x91</p>").language == "en");
    CHECK(extract("<html lang=\"JA\"><body><p>x</p>").language == "ja");
    // 北朝鮮難民救援基金は、1998年に東京で設立された民間の非政府組織です。
    CHECK(extract("<html><body><p>\xE5\x8C\x97\xE6\x9C\x9D\xE9\xAE\xAE\xE9\x9B\xA3\xE6\xB0\x91\xE6\x95\x91\xE6\x8F\xB4"
                  "\xE5\x9F\xBA\xE9\x87\x91\xE3\x81\xAF\xE3\x80\x81" "1998\xE5\xB9\xB4\xE3\x81\xAB\xE6\x9D\xB1\xE4\xBA\xAC"
                  "\xE3\x81\xA7\xE8\xA8\xAD\xE7\xAB\x8B\xE3\x81\x95\xE3\x82\x8C\xE3\x81\x9F\xE6\xB0\x91\xE9\x96\x93"
                  "\xE3\x81\xAE\xE9\x9D\x9E\xE6\x94\xBF\xE5\xBA\x9C\xE7\xB5\x84\xE7\xB9\x94\xE3\x81\xA7\xE3\x81\x99"
                  "\xE3\x80\x82</p>")
              .language == "ja");
    // 북한 이탈 주민을 돕는 일본의 비정부 기구입니다.
    CHECK(extract("<html><body><p>\xEB\xB6\x81\xED\x95\x9C \xEC\x9D\xB4\xED\x83\x88 \xEC\xA3\xBC\xEB\xAF\xBC\xEC\x9D\x84 "
                  "\xEB\x8F\x95\xEB\x8A\x94 \xEC\x9D\xBC\xEB\xB3\xB8\xEC\x9D\x98 \xEB\xB9\x84\xEC\xA0\x95\xEB\xB6\x80 "
                  "\xEA\xB8\xB0\xEA\xB5\xAC\xEC\x9E\x85\xEB\x8B\x88\xEB\x8B\xA4.</p>")
              .language == "ko");
    // English that quotes a Japanese name stays English.
    CHECK(extract("<html><body><p>LFNKR (in Japanese \xE5\x8C\x97\xE6\x9C\x9D\xE9\xAE\xAE\xE9\x9B\xA3\xE6\xB0\x91"
                  "\xE6\x95\x91\xE6\x8F\xB4\xE5\x9F\xBA\xE9\x87\x91) is a Japanese-based NGO dedicated to the support "
                  "and protection of North Korean refugees.</p>")
              .language == "en");
}

TEST_CASE("whitespace collapses as in HTML, no-break spaces stay and empty paragraphs vanish") {
    ExtractedPage page = extract("<body><div>  Inline   run\n in a div <b>bold</b>\tword&nbsp;&nbsp;kept </div>"
                                 "<p>&nbsp;</p><p> </p><p>a<br><br>b</p><pre>  two\n   lines</pre><hr>"
                                 "<dl><dt>Term</dt><dd>Definition</dd></dl><p>x<sup>2</sup> H<sub>2</sub>O <code>f()</code></p>",
                                 "https://example.org/");
    const auto& blocks = page.body.blocks;
    REQUIRE(blocks.size() == 8);
    CHECK(span_text(blocks[0]) == "Inline run in a div bold word\xC2\xA0\xC2\xA0kept");
    CHECK(blocks[0].spans[1].style == doc::kBold);
    CHECK(span_text(blocks[1]) == "a");  // two <br>s end a paragraph
    CHECK(span_text(blocks[2]) == "b");
    CHECK(blocks[3].kind == doc::BlockKind::preformatted);
    CHECK(span_text(blocks[3]) == "  two\n   lines");
    CHECK(blocks[4].kind == doc::BlockKind::rule);
    CHECK(span_text(blocks[5]) == "Term");
    CHECK(blocks[5].spans[0].style == doc::kBold);
    CHECK(span_text(blocks[6]) == "Definition");
    REQUIRE(blocks[7].spans.size() == 6);
    CHECK(blocks[7].spans[1].style == doc::kSuperscript);
    CHECK(blocks[7].spans[3].style == doc::kSubscript);
    CHECK(blocks[7].spans[5].style == doc::kCode);
    for_each_block(blocks, [](const doc::Block& block) {
        for (const doc::Span& span : block.spans) {
            if (span.kind == doc::SpanKind::text) CHECK(!span.text.empty());
        }
    });
}

TEST_CASE("links resolve against <base href>, keep mailto and share one entry per URL") {
    ExtractedPage page = extract(R"(<html><head><base href="https://example.org/docs/"></head><body>
      <p><a href="a.html">one</a> and <a href="https://example.org/docs/a.html">two</a> <a href="mailto:info@example.org">mail</a>
      <a href="#">nowhere</a> <a href="#part">part</a></p></body></html>)",
                                 "https://example.org/index.html");
    REQUIRE(page.body.links.size() == 3);
    CHECK(page.body.links[0].url == "https://example.org/docs/a.html");
    CHECK(page.body.links[1].url == "mailto:info@example.org");
    CHECK(page.body.links[2].url == "https://example.org/docs/#part");
    const auto& spans = page.body.blocks.at(0).spans;
    REQUIRE(spans.size() >= 3);
    CHECK(spans[0].link == 0);
    CHECK(spans[2].link == 0);  // the same URL, the same entry
}

TEST_CASE("a table of one cell or of long text is flattened but a table of values stays a table") {
    ExtractedPage page = extract("<title>Tables</title><body><table><tr><td><h2>Inside</h2><p>Text</p></td></tr></table>"
                                 "<table><tr><td>Name</td><td>Value</td></tr><tr><td>a</td><td>1</td></tr></table>",
                                 "https://example.org/");
    const auto& blocks = page.body.blocks;
    REQUIRE(blocks.size() == 3);
    CHECK(blocks[0].kind == doc::BlockKind::heading);
    CHECK(blocks[1].kind == doc::BlockKind::paragraph);
    CHECK(blocks[2].kind == doc::BlockKind::table);
    CHECK(blocks[2].children.size() == 2);
}

TEST_CASE("100000 nested divs finish quickly without a crash") {
    for (const char* tag : {"div", "b", "table", "ul"}) {
        std::string html = "<html><body>";
        for (int i = 0; i < 100000; ++i) html += std::string("<") + tag + ">";
        html += "deep text";
        const auto start = std::chrono::steady_clock::now();
        auto result = extract_page(html, "https://example.org/");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        REQUIRE(result.ok());
        CHECK_MESSAGE(seconds < 15.0, tag);  // generous for sanitizer builds; about a tenth of a second optimised
        CHECK_MESSAGE(contains(body_text(result.value().body), "deep text"), tag);
    }
}

TEST_CASE("thousands of distinct unclosed formatting tags before many paragraphs stay bounded") {
    std::string html = "<body>";
    for (int i = 0; i < 5000; ++i) html += "<p><b class=c" + std::to_string(i) + "></p>";
    for (int i = 0; i < 5000; ++i) html += "<p>x";  // each would reopen every <b> above
    const auto start = std::chrono::steady_clock::now();
    auto result = extract_page(html, "https://example.org/");
    REQUIRE(result.ok());
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 30.0);
    CHECK(result.value().body.blocks.size() == 5000);
}

TEST_CASE("the nesting limiter leaves ordinary markup unchanged and cuts only what is too deep") {
    CHECK(!build::detail::limit_markup(kOldReport).has_value());
    CHECK(!build::detail::limit_markup(wordpress_page("single", kSinglePostMain)).has_value());
    std::string deep;
    for (int i = 0; i < 1000; ++i) deep += "<div>";
    deep += "x";
    for (int i = 0; i < 1000; ++i) deep += "</div>";
    auto limited = build::detail::limit_markup(deep);
    REQUIRE(limited.has_value());
    size_t opened = 0;
    for (size_t at = limited->find("<div>"); at != std::string::npos; at = limited->find("<div>", at + 1)) ++opened;
    size_t closed = 0;
    for (size_t at = limited->find("</div>"); at != std::string::npos; at = limited->find("</div>", at + 1)) ++closed;
    CHECK(opened == 256);
    CHECK(closed == 256);
}

TEST_CASE("markup that makes gumbo 0.10.1 abort is defused before parsing") {
    // Minimised from fuzzing: each aborted the process on an assertion in gumbo.
    for (const char* html : {"<table><svg><select><title><template></template><td>",
                             "<table><svg><td><title><select></table>",
                             "<table><svg><select><title><select><th>",
                             "<table><svg><select><title><select><td>"}) {
        CAPTURE(html);
        CHECK(extract_page(html, "https://example.org/").ok());
    }
    // SVG is cut out up to its end tag, or up to a tag that ends foreign content.
    ExtractedPage page = extract("<title>T</title><p>a<svg><g><svg/></g><text>icon</text></svg>b</p>"
                                 "<svg><circle/><p>after unclosed svg</p><math><mi>x</mi></math><template><p>t</p></template>",
                                 "https://example.org/");
    const std::string text = body_text(page.body);
    CHECK(contains(text, "ab"));
    CHECK(contains(text, "after unclosed svg"));
    CHECK(!contains(text, "icon"));
    CHECK(!contains(text, "x"));
    CHECK(!contains(text, "\nt\n"));
}

TEST_CASE("bytes that are not HTML fail with bad_input, and a page over 32 MiB with too_large") {
    CHECK(extract_page("", "https://example.org/").code() == ErrorCode::bad_input);
    CHECK(extract_page("just some text, no markup", "https://example.org/").code() == ErrorCode::bad_input);
    CHECK(extract_page(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\0", 20), "https://example.org/").code() ==
          ErrorCode::bad_input);
    CHECK(extract_page("<p>" + std::string(33 << 20, 'a'), "https://example.org/").code() == ErrorCode::too_large);
    // Broken markup is still HTML, parsed as a browser would.
    CHECK(extract_page("<p>unclosed <b>bold <i>both</p></div></table>", "https://example.org/").ok());
}

TEST_CASE("every page of the sample mirror extracts without error and without sidebar or footer text") {
    const std::filesystem::path mirror = source_dir() / "samples" / "lfnkr" / "www.northkoreanrefugees.com";
    if (!std::filesystem::is_directory(mirror)) {
        MESSAGE("sample mirror not found at " << mirror.string() << "; skipped");
        return;
    }
    int pages = 0, listings = 0, old_pages = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(mirror)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file()) continue;
        if (name.size() < 4 || (name.substr(name.size() - 4) != ".htm" && name.substr(name.size() - 5) != ".html")) continue;
        const std::string relative = std::filesystem::relative(entry.path(), mirror).generic_string();
        const std::string page_url = "https://www.northkoreanrefugees.com/" + relative;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        auto text = build::decode_to_utf8(bytes.str(), "");
        REQUIRE(text.ok());
        auto result = extract_page(text.value().utf8, page_url);
        CAPTURE(relative);
        REQUIRE(result.ok());
        const ExtractedPage& page = result.value();
        ++pages;
        listings += page.kind == PageKind::listing;
        const std::string body = body_text(page.body);
        CHECK(!contains(body, "Older Archives"));
        CHECK(!contains(body, "Powered by WordPress"));
        CHECK(!contains(body, "All rights reserved"));
        CHECK(!contains(body, "Search Website"));
        CHECK(!contains(body, "Read more"));
        CHECK(!page.title.empty());
        CHECK(!page.language.empty());
        if (page.redirect_to.empty()) CHECK(!page.body.blocks.empty());
        if (relative.rfind("old/", 0) == 0) {
            ++old_pages;
            CHECK(page.navigation.menu.size() >= 4);
            CHECK(!contains(body, "About Our Group"));
        }
        for (const doc::Link& link : page.body.links) CHECK(url::parse(link.url).has_value());
    }
    CHECK(pages >= 10);
    CHECK(listings >= 1);
    MESSAGE(pages << " pages, " << listings << " listings, " << old_pages << " pages of the old site");
}

// ---------------------------------------------------------------------------
// Anchors: where "page#name" links land

TEST_CASE("ids on headings and <a name> become the anchors of the block they name") {
    ExtractedPage page = extract(R"(<title>Anchors</title><body>
      <p><a href="#q1">Question one</a> <a href="#q2">Question two</a></p>
      <h2 id="q1">Question one</h2><p>Answer one.</p>
      <p><a name="q2"></a>Question two, named the old way.</p>
      <h3><a name="old" id="both">Old style</a></h3>
      </body>)",
                                 "https://example.org/interview/");
    const auto& blocks = page.body.blocks;
    REQUIRE(blocks.size() == 5);
    CHECK(blocks[0].anchors.empty());
    CHECK(blocks[1].kind == doc::BlockKind::heading);
    CHECK(blocks[1].anchors == std::vector<std::string>{"q1"});
    CHECK(blocks[2].anchors.empty());
    CHECK(span_text(blocks[3]) == "Question two, named the old way.");
    CHECK(blocks[3].anchors == std::vector<std::string>{"q2"});
    CHECK(blocks[4].kind == doc::BlockKind::heading);
    CHECK(blocks[4].anchors == std::vector<std::string>{"both", "old"});
    // In-page links point at this page with the fragment kept.
    REQUIRE(page.body.links.size() == 2);
    CHECK(page.body.links[0].url == "https://example.org/interview/#q1");
    CHECK(url::canonical_url(page.body.links[1].url) == url::canonical_url("https://example.org/interview/"));
    CHECK(url::fragment_of(page.body.links[1].url) == "q2");
}

TEST_CASE("text before <h2 id> does not take its id and an inline id inside a paragraph names that paragraph") {
    ExtractedPage page = extract(R"(<title>Order</title><body><div>Intro text before the heading
      <h2 id="x">Heading</h2>Text after <span id="mid">with an inline id</span> inside.</div></body>)",
                                 "https://example.org/");
    const auto& blocks = page.body.blocks;
    REQUIRE(blocks.size() == 3);
    CHECK(span_text(blocks[0]) == "Intro text before the heading");
    CHECK(blocks[0].anchors.empty());
    CHECK(blocks[1].anchors == std::vector<std::string>{"x"});
    CHECK(span_text(blocks[2]) == "Text after with an inline id inside.");
    CHECK(blocks[2].anchors == std::vector<std::string>{"mid"});
}

TEST_CASE("a container's id names its first block and an empty anchor element names the next block") {
    ExtractedPage page = extract(R"(<title>Containers</title><body>
      <p>First paragraph.</p>
      <div id="section-2"><div class="inner" id="inner"><p>Section two starts here.</p></div><p>More.</p></div>
      <a id="notes"></a>
      <ul id="list"><li id="item-1">One</li><li>Two</li></ul>
      <blockquote id="quote"><p>Quoted.</p></blockquote>
      <p>Last<a name="end"></a></p>
      </body>)",
                                 "https://example.org/");
    const auto& blocks = page.body.blocks;
    REQUIRE(blocks.size() == 6);
    CHECK(blocks[0].anchors.empty());
    CHECK(span_text(blocks[1]) == "Section two starts here.");
    CHECK(blocks[1].anchors == std::vector<std::string>{"section-2", "inner"});
    CHECK(blocks[2].anchors.empty());
    // The list's first item's paragraph is made first: the ids before it land there.
    REQUIRE(blocks[3].kind == doc::BlockKind::list);
    REQUIRE(!blocks[3].children.empty());
    REQUIRE(!blocks[3].children[0].children.empty());
    CHECK(blocks[3].children[0].children[0].anchors == std::vector<std::string>{"notes", "list", "item-1"});
    REQUIRE(blocks[4].kind == doc::BlockKind::quote);
    CHECK(blocks[4].children.at(0).anchors == std::vector<std::string>{"quote"});
    CHECK(blocks[5].anchors == std::vector<std::string>{"end"});

    // The anchors survive encoding, and the document finds them.
    const std::string encoded = doc::encode_document(page.body);
    CHECK(encoded[0] == 2);
    const Result<doc::Document> decoded = doc::decode_document(encoded);
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == page.body);
    CHECK(doc::block_of_anchor(page.body, "section-2") == std::optional<uint32_t>(1));
}

TEST_CASE("a page without ids or names keeps a version 1 document") {
    ExtractedPage page = extract("<title>Plain</title><body><h2>Heading</h2><p>Text <b>bold</b>.</p></body>",
                                 "https://example.org/");
    REQUIRE(page.body.blocks.size() == 2);
    CHECK(doc::encode_document(page.body)[0] == 1);
}

TEST_CASE("a table of contents of in-page links on a hand-made page is content, not a menu") {
    std::string sections;
    for (int n = 1; n <= 4; ++n) {
        sections += "<h2 id=\"s" + std::to_string(n) + "\">Section " + std::to_string(n) + "</h2><p>";
        for (int i = 0; i < 12; ++i) sections += "Text of the section that is long enough to be the page's content. ";
        sections += "</p>";
    }
    ExtractedPage page = extract("<title>Report</title><body><ul><li><a href=\"#s1\">One</a></li><li><a href=\"#s2\">Two</a>"
                                 "</li><li><a href=\"#s3\">Three</a></li><li><a href=\"#s4\">Four</a></li></ul>" + sections +
                                 "</body>",
                                 "https://example.org/report/");
    const auto& blocks = page.body.blocks;
    REQUIRE(!blocks.empty());
    REQUIRE(blocks[0].kind == doc::BlockKind::list);
    CHECK(blocks[0].children.size() == 4);
    REQUIRE(page.body.links.size() == 4);
    CHECK(page.body.links[2].url == "https://example.org/report/#s3");
    CHECK(doc::block_of_anchor(page.body, "s3").has_value());
}

TEST_CASE("a page with more ids than the cap keeps the first 10000 and still extracts every paragraph") {
    std::string html = "<title>Many ids</title><body>";
    for (int i = 0; i < 10050; ++i) html += "<p id=\"p" + std::to_string(i) + "\">Paragraph.</p>";
    html += "</body>";
    ExtractedPage page = extract(html, "https://example.org/");
    size_t anchors = 0;
    for_each_block(page.body.blocks, [&](const doc::Block& block) { anchors += block.anchors.size(); });
    CHECK(page.body.blocks.size() == 10050);
    CHECK(anchors == 10000);
    CHECK(page.body.blocks.front().anchors == std::vector<std::string>{"p0"});
    CHECK(page.body.blocks.back().anchors.empty());
}
