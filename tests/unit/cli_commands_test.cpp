// cli_commands_test.cpp: the `sitepack` command line: its arguments, its
// usage errors, its help and what each command prints.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <zstd.h>

#include "bundle_writer.h"
#include "cli_commands.h"
#include "progress.h"
#include "sitepack/bundle_format.h"
#include "sitepack/document.h"
#include "sitepack/search_text.h"
#include "sitepack/text_width.h"
#include "test_support.h"

using namespace sitepack;
using namespace sitepack::cli;
namespace fs = std::filesystem;

namespace {

std::string cli_tmp() { return test::scratch_folder().string(); }


struct Ran {
    int status = -1;
    std::string out;
    std::string err;
};

Ran run_cli(const std::vector<std::string>& args, bool color = false) {
    std::ostringstream out, err;
    Io io{out, err, color, false, 0, [] { return 0.0; }};
    Ran ran;
    ran.status = run(args, io);
    ran.out = out.str();
    ran.err = err.str();
    return ran;
}

bool contains(const std::string& text, const std::string& piece) { return text.find(piece) != std::string::npos; }

}  // namespace

// --- arguments -----------------------------------------------------------------------

TEST_CASE("build takes its sources, the output and numbers in any order and spelling") {
    auto parsed = parse_build_args({"site-a/", "--threads=4", "-o", "out.sitepack", "crawl.warc.gz", "--level", "12", "-q"});
    REQUIRE(parsed);
    CHECK(parsed->inputs == std::vector<std::string>{"site-a/", "crawl.warc.gz"});
    CHECK(parsed->output == "out.sitepack");
    CHECK(parsed->threads == 4);
    CHECK(parsed->level == 12);
    CHECK(parsed->quiet);

    auto short_forms = parse_build_args({"-j2", "-oout.sitepack", "site/"});
    REQUIRE(short_forms);
    CHECK(short_forms->threads == 2);
    CHECK(short_forms->output == "out.sitepack");
    CHECK(short_forms->level == build::BuildOptions{}.compression_level);  // the builder's default
    CHECK_FALSE(short_forms->quiet);
}

TEST_CASE("build without -o says so, and guesses the slip of leaving -o out") {
    auto missing = parse_build_args({"site/"});
    REQUIRE_FALSE(missing);
    CHECK(missing.code() == ErrorCode::invalid_argument);
    CHECK(missing.error().message == "build needs the file to write: -o OUT.sitepack");

    auto slip = parse_build_args({"site/", "lfnkr.sitepack"});
    REQUIRE_FALSE(slip);
    CHECK(contains(slip.error().message, "(did you mean '-o lfnkr.sitepack'?)"));

    auto no_source = parse_build_args({"-o", "out.sitepack"});
    REQUIRE_FALSE(no_source);
    CHECK(contains(no_source.error().message, "at least one SRC"));
}

TEST_CASE("numbers must be whole and in range, and the message says which range") {
    auto word = parse_build_args({"site/", "-o", "x.sitepack", "--threads", "many"});
    REQUIRE_FALSE(word);
    CHECK(word.error().message == "--threads needs a whole number from 0 to 1024, not 'many'");

    auto too_high = parse_build_args({"site/", "-o", "x.sitepack", "--level", "30"});
    REQUIRE_FALSE(too_high);
    CHECK(too_high.error().message == "--level must be from 1 to 22, not 30");

    CHECK_FALSE(parse_build_args({"site/", "-o", "x.sitepack", "--level", "3.5"}));
    CHECK_FALSE(parse_build_args({"site/", "-o", "x.sitepack", "--level", ""}));
    CHECK_FALSE(parse_cat_args({"b.sitepack", "/", "--width", "5"}));
    CHECK_FALSE(parse_search_args({"b.sitepack", "x", "--limit", "0"}));
    CHECK_FALSE(parse_search_args({"b.sitepack", "x", "--offset", "-1"}));
}

TEST_CASE("an option missing its value, or a flag given one, is a usage error") {
    auto no_value = parse_build_args({"site/", "-o"});
    REQUIRE_FALSE(no_value);
    CHECK(no_value.error().message == "--output needs a value: --output OUT.sitepack");

    auto flag_value = parse_info_args({"b.sitepack", "--json=yes"});
    REQUIRE_FALSE(flag_value);
    CHECK(flag_value.error().message == "--json takes no value");
}

TEST_CASE("an unknown option is named, with the closest known one suggested") {
    auto typo = parse_ls_args({"b.sitepack", "--bydate"});
    REQUIRE_FALSE(typo);
    CHECK(typo.error().message == "unknown option '--bydate' (did you mean '--by-date'?)");

    auto unrelated = parse_verify_args({"b.sitepack", "--frobnicate"});
    REQUIRE_FALSE(unrelated);
    CHECK(unrelated.error().message == "unknown option '--frobnicate'");

    CHECK_FALSE(parse_build_args({"site/", "-o", "x.sitepack", "-qz"}));
}

TEST_CASE("--help wins over any other word on the line") {
    auto build = parse_build_args({"--bogus", "--help"});
    REQUIRE(build);
    CHECK(build->help);
    auto cat = parse_cat_args({"-h"});
    REQUIRE(cat);
    CHECK(cat->help);
    // After "--" it is a word like any other: here, what to search for.
    auto search = parse_search_args({"b.sitepack", "--", "--help"});
    REQUIRE(search);
    CHECK_FALSE(search->help);
    CHECK(search->query == "--help");
}

TEST_CASE("ls accepts only the two kinds of page") {
    auto articles = parse_ls_args({"b.sitepack", "--kind", "article", "--by-date", "--json"});
    REQUIRE(articles);
    CHECK(articles->kind == "article");
    CHECK(articles->by_date);
    CHECK(articles->json);
    auto posts = parse_ls_args({"b.sitepack", "--kind=post"});
    REQUIRE_FALSE(posts);
    CHECK(posts.error().message == "--kind must be 'article' or 'listing', not 'post'");
}

TEST_CASE("cat needs a bundle and one page, and says which is missing") {
    auto none = parse_cat_args({});
    REQUIRE_FALSE(none);
    CHECK(contains(none.error().message, "BUNDLE"));
    auto no_url = parse_cat_args({"b.sitepack"});
    REQUIRE_FALSE(no_url);
    CHECK(contains(no_url.error().message, "URL or path"));
    auto extra = parse_cat_args({"b.sitepack", "/about/", "/contact/"});
    REQUIRE_FALSE(extra);
    CHECK(contains(extra.error().message, "'/contact/'"));
    auto both = parse_cat_args({"b.sitepack", "https://Example.org/about", "-w", "60"});
    REQUIRE(both);
    CHECK(both->url == "https://Example.org/about");
    CHECK(both->width == 60);
}

TEST_CASE("search joins its words into one query and keeps paging options") {
    auto parsed = parse_search_args({"b.sitepack", "human", "rights", "-n", "5", "--offset=10"});
    REQUIRE(parsed);
    CHECK(parsed->bundle == "b.sitepack");
    CHECK(parsed->query == "human rights");
    CHECK(parsed->limit == 5);
    CHECK(parsed->offset == 10);
    CHECK_FALSE(parse_search_args({"b.sitepack"}));
}

// --- the program -----------------------------------------------------------------------

TEST_CASE("sitepack with no command prints the overview as a usage error") {
    auto ran = run_cli({});
    CHECK(ran.status == kExitUsage);
    CHECK(ran.out.empty());
    CHECK(contains(ran.err, "usage: sitepack COMMAND"));
}

TEST_CASE("sitepack --help lists every command") {
    auto ran = run_cli({"--help"});
    CHECK(ran.status == kExitOk);
    for (const CommandInfo& command : commands()) CHECK(contains(ran.out, std::string("  ") + command.name + " "));
    CHECK(run_cli({"help"}).out == ran.out);
    CHECK(run_cli({"-h"}).out == ran.out);
}

TEST_CASE("sitepack --version prints the version") {
    auto ran = run_cli({"--version"});
    CHECK(ran.status == kExitOk);
    CHECK(ran.out == std::string("sitepack ") + SITEPACK_VERSION + "\n");
}

TEST_CASE("every command has help with its usage, options and an example, both ways of asking") {
    for (const CommandInfo& command : commands()) {
        CAPTURE(command.name);
        auto asked = run_cli({command.name, "--help"});
        CHECK(asked.status == kExitOk);
        CHECK(asked.out.rfind(std::string("usage: sitepack ") + command.name, 0) == 0);
        CHECK(contains(asked.out, "Options:"));
        CHECK(contains(asked.out, "Example:\n  sitepack " + std::string(command.name)));
        auto help = run_cli({"help", command.name});
        CHECK(help.status == kExitOk);
        CHECK(help.out == asked.out);
        // Lines fit an 80-column terminal.
        std::istringstream lines(asked.out);
        for (std::string line; std::getline(lines, line);) CHECK(line.size() <= 80);
    }
}

TEST_CASE("an unknown command is a usage error that suggests the closest one") {
    auto ran = run_cli({"biuld", "site/"});
    CHECK(ran.status == kExitUsage);
    CHECK(contains(ran.err, "sitepack: error: unknown command 'biuld' (did you mean 'build'?)\n"));
    auto help = run_cli({"help", "serch"});
    CHECK(help.status == kExitUsage);
    CHECK(contains(help.err, "(did you mean 'search'?)"));
    auto option = run_cli({"--verbose"});
    CHECK(option.status == kExitUsage);
    CHECK(contains(option.err, "unknown option '--verbose'"));
}

TEST_CASE("a usage error in a command names the problem, shows the usage and exits 2") {
    auto ran = run_cli({"ls", "b.sitepack", "--kind", "page"});
    CHECK(ran.status == kExitUsage);
    CHECK(ran.out.empty());
    CHECK(ran.err ==
          "sitepack: error: --kind must be 'article' or 'listing', not 'page'\n"
          "usage: sitepack ls BUNDLE [--by-date] [--kind article|listing] [--json]\n"
          "Run 'sitepack ls --help' for more.\n");
}

TEST_CASE("every reading command reports a missing bundle file and exits 1") {
    std::string missing = cli_tmp() + "/no-such.sitepack";
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"info", missing}, {"ls", missing}, {"cat", missing, "/"}, {"search", missing, "x"}, {"verify", missing}}) {
        CAPTURE(args[0]);
        auto ran = run_cli(args);
        CHECK(ran.status == kExitFailure);
        CHECK(ran.out.empty());
        CHECK(ran.err.rfind("sitepack: error: ", 0) == 0);
        CHECK(contains(ran.err, "no-such.sitepack"));
    }
}

TEST_CASE("verify of a file that is not a bundle reports the open error and exits 1") {
    fs::create_directories(cli_tmp());
    std::string path = cli_tmp() + "/notes.txt";
    std::ofstream(path) << "just some notes, not a bundle\n";
    auto ran = run_cli({"verify", path});
    CHECK(ran.status == kExitFailure);
    CHECK(ran.out.empty());
    CHECK(ran.err.rfind("sitepack: error: ", 0) == 0);
    CHECK(contains(ran.err, "notes.txt"));
}

TEST_CASE("build with a missing source fails with the builder's message and exit 1") {
    std::string tmp = cli_tmp();
    fs::create_directories(tmp);
    auto ran = run_cli({"build", tmp + "/no-such-site", "-o", tmp + "/x.sitepack", "--quiet"});
    CHECK(ran.status == kExitFailure);
    CHECK(ran.out.empty());
    CHECK(ran.err.rfind("sitepack: error: ", 0) == 0);
    CHECK(contains(ran.err, "no-such-site"));
    CHECK_FALSE(fs::exists(tmp + "/x.sitepack"));
}

// --- output pieces ---------------------------------------------------------------------------

TEST_CASE("the build summary lines up its counts and lists every skip reason, commonest first") {
    build::BuildSummary summary;
    summary.output = "lfnkr.sitepack";
    summary.pages = 1234;
    summary.articles = 1100;
    summary.listings = 134;
    summary.images = 567;
    summary.redirects = 89;
    summary.links_internal = 10000;
    summary.links_missing = 345;
    summary.links_external = 2000;
    summary.skipped = {{"HTTP 404", 8}, {"not HTML or image: text/css", 15}};
    summary.bytes_in = 45600000;
    summary.bytes_out = 12300000;
    summary.body_bytes = 30100000;
    summary.body_compressed_bytes = 5200000;
    summary.dictionary_bytes = 112640;
    summary.seconds = 12.34;
    std::ostringstream out;
    print_build_summary(summary, out);
    CHECK(out.str() ==
          "wrote lfnkr.sitepack\n"
          "  pages:      1,234  (1,100 articles, 134 listings)\n"
          "  images:       567\n"
          "  redirects:     89\n"
          "  links:     12,345  (10,000 internal, 345 missing, 2,000 external)\n"
          "  skipped:       23\n"
          "                 15  not HTML or image: text/css\n"
          "                  8  HTTP 404\n"
          "  size:      45.6 MB in, 12.3 MB out (3.7:1)\n"
          "  text:      30.1 MB of page text, 5.2 MB compressed (5.8:1), dictionary 112.6 kB\n"
          "  time:      12.3 s (100 pages/s)\n");
}

TEST_CASE("big numbers are grouped by thousands whatever the locale") {
    CHECK(group_digits(0) == "0");
    CHECK(group_digits(999) == "999");
    CHECK(group_digits(1000) == "1,000");
    CHECK(group_digits(1234567) == "1,234,567");
    CHECK(group_digits(-1234) == "-1,234");
}

TEST_CASE("search matches are marked with brackets in a pipe and in bold on a terminal") {
    std::string snippet = "...crossed the river near the border at night...";
    std::vector<std::pair<size_t, size_t>> highlights = {{15, 20}, {30, 36}};
    CHECK(format_snippet(snippet, highlights, false, 200, 0) == "...crossed the [river] near the [border] at night...");
    CHECK(format_snippet(snippet, highlights, true, 200, 0) ==
          "...crossed the \x1b[1mriver\x1b[0m near the \x1b[1mborder\x1b[0m at night...");
    // Ranges a damaged bundle might hold are ignored, not trusted.
    CHECK(format_snippet("abc", {{1, 99}, {2, 1}}, false, 200, 0) == "abc");
}

TEST_CASE("a search snippet wraps at the width with its lines indented, marks included") {
    std::string snippet = "one two three four five six seven eight";
    std::string wrapped = format_snippet(snippet, {{8, 13}}, false, 24, 4);
    CHECK(wrapped == "one two [three] four\n    five six seven eight");
    // CJK text breaks between characters; each counts two columns.
    std::string cjk = "北朝鮮の人権状況について";
    std::string cjk_wrapped = format_snippet(cjk, {}, false, 14, 4);
    CHECK(cjk_wrapped == "北朝鮮の人\n    権状況につ\n    いて");
}

// --- the reading commands on a small bundle ------------------------------------------------
// The bundle is written row by row with BundleWriter, so these tests pin the
// commands' output without depending on how the builder extracts pages.
// URLs are stored canonical (url::canonical_url: no trailing slash).

namespace {

struct FixturePage {
    int64_t id;
    std::string url, kind, title, published, modified, author;
    doc::Document body;
};

doc::Block paragraph(std::vector<doc::Span> spans) {
    doc::Block block;
    block.spans = std::move(spans);
    return block;
}

doc::Span span(std::string text, int32_t link = -1) {
    doc::Span piece;
    piece.text = std::move(text);
    piece.link = link;
    return piece;
}

std::vector<FixturePage> fixture_pages() {
    doc::Document home;
    home.blocks.push_back(paragraph({span("Stories of people who left North Korea.")}));

    doc::Document about;
    about.blocks.push_back(paragraph({span("We tell the stories of refugees in their own words.")}));

    doc::Document letter;
    doc::Block heading = paragraph({span("Dear President")});
    heading.kind = doc::BlockKind::heading;
    heading.level = 2;
    letter.blocks.push_back(heading);
    letter.blocks.push_back(paragraph({span("We ask you to stop sending refugees back across the river. Read "),
                                       span("about us", 0), span(".")}));
    letter.links.push_back(doc::Link{"https://www.example.org/about", doc::LinkTarget::internal, 2});

    return {
        {1, "https://www.example.org/", "listing", "Example Stories", "", "", "", home},
        {2, "https://www.example.org/about", "article", "About us", "2020-01-05", "", "", about},
        {3, "https://www.example.org/2023/10/21/open-letter", "article", "Open letter", "2023-10-21T09:00:00+00:00",
         "2023-11-02T10:00:00+00:00", "Jane Doe", letter},
    };
}

// Writes the bundle (afresh) and returns its path; `damage_page` gets a
// wrong stored hash, as a flipped bit on a USB stick would give.
std::string write_fixture(const std::string& name, int64_t damage_page = 0) {
    std::string dir = cli_tmp();
    fs::create_directories(dir);
    std::string path = dir + "/" + name;
    fs::remove(path);
    auto writer = build::BundleWriter::create(path);
    REQUIRE(writer);
    const std::pair<const char*, const char*> metadata[] = {
        {"format_version", "1"},           {"site_name", "Example Stories"},
        {"base_url", "https://www.example.org/"}, {"build_date", "2024-01-02T03:04:05Z"},
        {"builder_version", "sitepack 0.1.0"},    {"languages", "en,ko"},
        {"home_page_id", "1"},             {"page_count", "3"},
        {"article_count", "2"},            {"listing_count", "1"},
        {"image_count", "0"},              {"redirect_count", "0"},
    };
    for (const auto& [key, value] : metadata) REQUIRE(writer->add_metadata(key, value));
    for (const FixturePage& page : fixture_pages()) {
        std::string encoded = doc::encode_document(page.body);
        std::string frame(ZSTD_compressBound(encoded.size()), '\0');
        size_t size = ZSTD_compress(frame.data(), frame.size(), encoded.data(), encoded.size(), 3);
        REQUIRE_FALSE(ZSTD_isError(size));
        frame.resize(size);
        build::PageRow row;
        row.id = page.id;
        row.url = page.url;
        row.kind = page.kind;
        row.title = page.title;
        row.published = page.published;
        row.modified = page.modified;
        row.author = page.author;
        row.language = "en";
        row.body = frame;
        row.body_size = static_cast<int64_t>(encoded.size());
        row.body_hash = content_hash(page.id == damage_page ? encoded + "!" : encoded);
        REQUIRE(writer->add_page(row));
        if (page.kind == "article")
            REQUIRE(writer->add_search_text(page.id, search::index_text(page.title),
                                            search::index_text(doc::plain_text(page.body))));
    }
    REQUIRE(writer->add_navigation("menu", 0, "Home", "https://www.example.org/", 1));
    REQUIRE(writer->add_navigation("menu", 1, "About us", "https://www.example.org/about", 2));
    REQUIRE(writer->add_navigation("menu", 2, "Donate", "https://www.example.org/donate", 0));
    REQUIRE(writer->add_navigation("categories", 0, "Letters", "https://www.example.org/category/letters", 0));
    REQUIRE(writer->add_navigation("categories", 1, "Stories", "https://www.example.org/category/stories", 0));
    REQUIRE(writer->add_navigation("archives", 0, "October 2023", "https://www.example.org/2023/10", 0));
    REQUIRE(writer->finish());
    return path;
}

}  // namespace

TEST_CASE("info shows the site, its build, its counts and its navigation") {
    std::string path = write_fixture("info.sitepack");
    auto ran = run_cli({"info", path});
    CHECK(ran.status == kExitOk);
    CHECK(ran.err.empty());
    std::string size = std::to_string(fs::file_size(path));
    CHECK(ran.out ==
          "site:       Example Stories\n"
          "base URL:   https://www.example.org/\n"
          "built:      2024-01-02T03:04:05Z\n"
          "builder:    sitepack 0.1.0\n"
          "format:     " + std::to_string(kBundleFormatVersion) + "\n"
          "languages:  en, ko\n"
          "pages:      3 (2 articles, 1 listing)\n"
          "images:     0\n"
          "redirects:  0\n"
          "file:       " + path + " (" + format_bytes(static_cast<double>(fs::file_size(path))) + ", " +
              group_digits(static_cast<int64_t>(fs::file_size(path))) + " bytes)\n"
          "home page:  https://www.example.org/\n"
          "menu:       Home      https://www.example.org/\n"
          "            About us  https://www.example.org/about\n"
          "            Donate    https://www.example.org/donate  (not in the bundle)\n"
          "categories: 2\n"
          "archives:   1 month\n"
          "signature:  unsigned (nothing says who made it)\n");
}

TEST_CASE("info --json gives the same facts as one object") {
    std::string path = write_fixture("info-json.sitepack");
    auto ran = run_cli({"info", path, "--json"});
    CHECK(ran.status == kExitOk);
    auto json = nlohmann::json::parse(ran.out);
    CHECK(json["site_name"] == "Example Stories");
    CHECK(json["format_version"] == kBundleFormatVersion);
    CHECK(json["signature"]["state"] == "unsigned");
    CHECK(json["languages"] == nlohmann::json::array({"en", "ko"}));
    CHECK(json["home_page"] == "https://www.example.org/");
    CHECK(json["counts"]["pages"] == 3);
    CHECK(json["counts"]["listings"] == 1);
    CHECK(json["file_size"] == fs::file_size(path));
    CHECK(json["navigation"]["menu"].size() == 3);
    CHECK(json["navigation"]["menu"][2]["page_id"] == 0);
    CHECK(json["navigation"]["categories"] == 2);
    CHECK(json["navigation"]["archive_months"] == 1);
}

TEST_CASE("ls lists every page in URL order, newest first with --by-date, one kind with --kind") {
    std::string path = write_fixture("ls.sitepack");
    auto all = run_cli({"ls", path});
    CHECK(all.status == kExitOk);
    CHECK(all.out ==
          "https://www.example.org/                        listing  -           Example Stories\n"
          "https://www.example.org/2023/10/21/open-letter  article  2023-10-21  Open letter\n"
          "https://www.example.org/about                   article  2020-01-05  About us\n");
    auto by_date = run_cli({"ls", path, "--by-date", "--kind", "article"});
    CHECK(by_date.status == kExitOk);
    CHECK(by_date.out ==
          "https://www.example.org/2023/10/21/open-letter  article  2023-10-21  Open letter\n"
          "https://www.example.org/about                   article  2020-01-05  About us\n");
    auto json = run_cli({"ls", path, "--json", "--kind", "listing"});
    auto pages = nlohmann::json::parse(json.out);
    REQUIRE(pages.size() == 1);
    CHECK(pages[0]["url"] == "https://www.example.org/");
    CHECK(pages[0]["kind"] == "listing");
}

TEST_CASE("cat prints the title, date, author and URL, then the page as wrapped text") {
    std::string path = write_fixture("cat.sitepack");
    auto ran = run_cli({"cat", path, "http://WWW.example.org/2023/10/21/open-letter/index.html", "--width", "40"});
    CHECK(ran.status == kExitOk);
    CHECK(ran.err.empty());
    std::string header =
        "Open letter\n"
        "===========\n"
        "date:    2023-10-21 (updated 2023-11-02)\n"
        "author:  Jane Doe\n"
        "url:     https://www.example.org/2023/10/21/open-letter\n"
        "\n";
    REQUIRE(ran.out.size() > header.size());
    CHECK(ran.out.substr(0, header.size()) == header);
    CHECK(contains(ran.out, "Dear President"));
    CHECK(contains(ran.out, "https://www.example.org/about"));
    CHECK(ran.out.back() == '\n');
    std::istringstream lines(ran.out.substr(header.size()));
    // The text is wrapped at 40 columns; the list of link URLs is not (a URL is not cut).
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("[", 0) != 0) CHECK(text::display_width(line) <= 40);

    auto by_path = run_cli({"cat", path, "/about/"});
    CHECK(by_path.status == kExitOk);
    CHECK(by_path.out.rfind("About us\n========\ndate:    2020-01-05\nurl:     https://www.example.org/about\n\n", 0) == 0);
    CHECK(contains(by_path.out, "We tell the stories of refugees"));
}

TEST_CASE("cat of a page not in the bundle says so and exits 1") {
    std::string path = write_fixture("cat-missing.sitepack");
    auto ran = run_cli({"cat", path, "/x"});
    CHECK(ran.status == kExitFailure);
    CHECK(ran.out.empty());
    CHECK(ran.err == "sitepack: error: no page /x in " + path + "\n");
}

TEST_CASE("search prints how many pages match, then numbered results with the matches marked") {
    std::string path = write_fixture("search.sitepack");
    auto ran = run_cli({"search", path, "refugees"});
    CHECK(ran.status == kExitOk);
    CHECK(ran.out.rfind("2 pages match \"refugees\"\n\n1. ", 0) == 0);
    CHECK(contains(ran.out, "[refugees]"));
    CHECK(contains(ran.out, "\n   https://www.example.org/about\n"));
    CHECK(contains(ran.out, "About us  (2020-01-05)\n"));
    CHECK_FALSE(contains(ran.out, "\x1b["));

    auto bold = run_cli({"search", path, "refugees"}, true);
    CHECK(contains(bold.out, "\x1b[1mrefugees\x1b[0m"));
    CHECK_FALSE(contains(bold.out, "[refugees]"));

    auto first = run_cli({"search", path, "refugees", "--limit", "1"});
    CHECK(first.out.rfind("2 pages match \"refugees\" (showing 1-1)\n", 0) == 0);
    CHECK(contains(first.out, "\nMore: --offset 1\n"));
    auto second = run_cli({"search", path, "refugees", "--limit", "1", "--offset", "1"});
    CHECK(second.out.rfind("2 pages match \"refugees\" (showing 2-2)\n\n2. ", 0) == 0);

    auto none = run_cli({"search", path, "zebra"});
    CHECK(none.status == kExitOk);
    CHECK(none.out == "0 pages match \"zebra\"\n");

    auto json = nlohmann::json::parse(run_cli({"search", path, "river", "--json"}).out);
    CHECK(json["total"] == 1);
    CHECK(json["hits"][0]["rank"] == 1);
    CHECK(json["hits"][0]["url"] == "https://www.example.org/2023/10/21/open-letter");
    CHECK(json["hits"][0]["highlights"].size() >= 1);
}

TEST_CASE("verify of an intact bundle says ok with what it checked") {
    std::string path = write_fixture("verify.sitepack");
    auto ran = run_cli({"verify", path});
    CHECK(ran.status == kExitOk);
    CHECK(ran.out == "ok: 3 pages and 0 images verified\nsignature: unsigned (nothing says who made it)\n");
}

TEST_CASE("verify of a damaged bundle names each damaged page and exits 1") {
    std::string path = write_fixture("damaged.sitepack", 2);
    auto ran = run_cli({"verify", path, "--quiet"});
    CHECK(ran.status == kExitFailure);
    CHECK(ran.err.empty());
    CHECK(ran.out.rfind("damaged: page https://www.example.org/about: ", 0) == 0);
    CHECK_FALSE(contains(ran.out, "about: page https://www.example.org/about"));  // the subject is said once
    CHECK(contains(ran.out, "\n1 problem found in " + path + " (3 pages and 0 images checked)\n"));
}

TEST_CASE("build turns a mirrored folder into a bundle and prints what it holds") {
    std::string tmp = cli_tmp() + "/build";
    fs::remove_all(tmp);
    std::string host = tmp + "/site/www.example.org";
    fs::create_directories(host + "/about");
    std::ofstream(host + "/index.html") << "<!DOCTYPE html><html lang=\"en\"><head><title>Example Stories</title></head>"
                                           "<body><main><h1>Example Stories</h1><p>Read <a href=\"/about/\">about us</a>."
                                           "</p></main></body></html>";
    std::ofstream(host + "/about/index.html")
        << "<!DOCTYPE html><html lang=\"en\"><head><title>About us</title></head><body><main><article>"
           "<h1>About us</h1><p>We tell the stories of refugees in their own words, from the border "
           "towns to the cities where they make new lives.</p></article></main></body></html>";
    std::string out = tmp + "/example.sitepack";

    auto ran = run_cli({"build", tmp + "/site", "-o", out, "--quiet", "--threads", "2"});
    CHECK(ran.err.find("sitepack: error") == std::string::npos);
    REQUIRE(ran.status == kExitOk);
    CHECK(ran.out.rfind("wrote " + out + "\n  pages:", 0) == 0);
    CHECK(contains(ran.out, "\n  skipped:"));
    CHECK(contains(ran.out, "\n  time:"));
    REQUIRE(fs::exists(out));

    auto listed = run_cli({"ls", out});
    CHECK(listed.status == kExitOk);
    CHECK(contains(listed.out, "https://www.example.org/about"));
    auto verified = run_cli({"verify", out, "-q"});
    CHECK(verified.status == kExitOk);
    CHECK(verified.out.rfind("ok: ", 0) == 0);
}

TEST_CASE("the sample site builds, and every reading command works on its bundle") {
    std::string sample = std::string(SITEPACK_SOURCE_DIR) + "/samples/lfnkr";
    if (!fs::exists(sample)) return;  // the sample is not in every checkout
    std::string tmp = cli_tmp();
    fs::create_directories(tmp);
    std::string out = tmp + "/lfnkr.sitepack";
    fs::remove(out);
    auto built = run_cli({"build", sample, "-o", out, "-q"});
    REQUIRE(built.status == kExitOk);
    CHECK(contains(built.out, "  pages:"));

    auto info = run_cli({"info", out});
    CHECK(info.status == kExitOk);
    CHECK(contains(info.out, "base URL:   https://www.northkoreanrefugees.com/\n"));
    CHECK(contains(info.out, "languages:  en, ja\n"));

    auto page = run_cli({"cat", out, "http://www.northkoreanrefugees.com/2020/02/20/why-she-had-to-flee-from-north-korea/index.html"});
    CHECK(page.status == kExitOk);
    CHECK(page.out.rfind("Why she had to flee from North Korea\n====", 0) == 0);
    CHECK(contains(page.out, "date:    2020-02-20\n"));

    auto japanese = run_cli({"search", out, "脱北者"});
    CHECK(japanese.status == kExitOk);
    CHECK(contains(japanese.out, "https://www.northkoreanrefugees.com/jp\n"));
    CHECK(contains(japanese.out, "[脱北者]"));

    auto verified = run_cli({"verify", out, "-q"});
    CHECK(verified.status == kExitOk);
    CHECK(verified.out.rfind("ok: ", 0) == 0);
}

TEST_CASE("keygen, sign and verify --publisher parse their arguments and refuse what is missing") {
    auto keygen = parse_keygen_args({"lfnkr.key", "--publisher", "LFNKR"});
    REQUIRE(keygen.ok());
    CHECK(keygen->key_file == "lfnkr.key");
    CHECK(keygen->publisher == "LFNKR");
    auto no_name = parse_keygen_args({"lfnkr.key"});
    REQUIRE_FALSE(no_name.ok());
    CHECK(no_name.error().message.find("--publisher") != std::string::npos);
    CHECK(public_key_path("keys/lfnkr.key") == "keys/lfnkr.pub");
    CHECK(public_key_path("secret") == "secret.pub");

    auto sign = parse_sign_args({"b.sitepack", "--key", "lfnkr.key", "-q"});
    REQUIRE(sign.ok());
    CHECK(sign->bundle == "b.sitepack");
    CHECK(sign->key_file == "lfnkr.key");
    CHECK(sign->quiet);
    auto no_key = parse_sign_args({"b.sitepack"});
    REQUIRE_FALSE(no_key.ok());
    CHECK(no_key.error().message.find("--key") != std::string::npos);

    auto verify = parse_verify_args({"b.sitepack", "--publisher", "lfnkr.pub", "--json"});
    REQUIRE(verify.ok());
    CHECK(verify->publisher == "lfnkr.pub");
    CHECK(verify->json);
}

TEST_CASE("sign then verify through run(): signed, then tampered, with exit statuses") {
    std::string path = write_fixture("signed-cli.sitepack");
    const std::string key = cli_tmp() + "/cli.key";
    fs::remove(key);
    fs::remove(cli_tmp() + "/cli.pub");
    auto made = run_cli({"keygen", key, "--publisher", "Example Publisher"});
    REQUIRE(made.status == kExitOk);
    CHECK((fs::status(key).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
    auto signed_run = run_cli({"sign", path, "--key", key, "-q"});
    REQUIRE_MESSAGE(signed_run.status == kExitOk, signed_run.err);
    auto verified = run_cli({"verify", path, "-q", "--publisher", cli_tmp() + "/cli.pub"});
    CHECK(verified.status == kExitOk);
    CHECK(verified.out.find("verified: signed by Example Publisher") != std::string::npos);

    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "UPDATE pages SET title = 'Forged' WHERE id = 2", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto tampered = run_cli({"verify", path, "-q"});
    CHECK(tampered.status == kExitFailure);
    CHECK(tampered.out.find("tampered: the pages table changed since it was signed") != std::string::npos);
}
