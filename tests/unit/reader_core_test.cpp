// reader_core_test.cpp: the reader's reading core on a real bundle built from
// the sample mirror: what the UI gets back for each request, on the core's
// own thread too, and how damage and wrong files are answered.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "site_builder.h"
#include "sitepack/reader_core.h"
#include "test_support.h"

using namespace sitepack;
using namespace sitepack::reader;
namespace fs = std::filesystem;

namespace {

const char* kLetterPath = "/2023/10/21/open-letter-to-xi-jinping/";
const char* kLetterUrl = "https://www.northkoreanrefugees.com/2023/10/21/open-letter-to-xi-jinping";

bool contains(const std::string& text, const std::string& piece) { return text.find(piece) != std::string::npos; }

const fs::path& scratch() { return test::scratch_folder(); }
using test::sample_bundle;

Response ask(ReaderCore& core, RequestBody body, const HandleContext& context = {}) {
    static uint64_t next_id = 1000;
    return core.handle(Request{++next_id, std::move(body)}, context);
}

ReaderCore open_core(const std::string& path, size_t cached_pages = ReaderCore::kDefaultCachedPages) {
    ReaderCore core(cached_pages);
    Response opened = ask(core, OpenBundleRequest{path});
    REQUIRE_MESSAGE(opened.ok, opened.error_message);
    return core;
}

// A copy of the sample bundle with one byte of `url`'s compressed body flipped.
std::string damaged_copy(const std::string& url) {
    fs::path copy = scratch() / "damaged.sitepack";
    fs::copy_file(sample_bundle(), copy, fs::copy_options::overwrite_existing);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(copy.string().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    sqlite3_stmt* select = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT body FROM pages WHERE url = ?", -1, &select, nullptr) == SQLITE_OK);
    sqlite3_bind_text(select, 1, url.c_str(), -1, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(select) == SQLITE_ROW);
    std::string body(static_cast<const char*>(sqlite3_column_blob(select, 0)), sqlite3_column_bytes(select, 0));
    sqlite3_finalize(select);
    REQUIRE(body.size() > 16);
    body[body.size() / 2] = static_cast<char>(body[body.size() / 2] ^ 0x5A);
    sqlite3_stmt* update = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "UPDATE pages SET body = ? WHERE url = ?", -1, &update, nullptr) == SQLITE_OK);
    sqlite3_bind_blob(update, 1, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(update, 2, url.c_str(), -1, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(update) == SQLITE_DONE);
    sqlite3_finalize(update);
    sqlite3_close(db);
    return copy.string();
}

std::vector<std::string> titles(const std::vector<PageRecord>& pages) {
    std::vector<std::string> names;
    for (const PageRecord& page : pages) names.push_back(page.title);
    return names;
}

}  // namespace

// --- opening ------------------------------------------------------------------------

TEST_CASE("opening the sample bundle answers with the site's name and its page counts") {
    ReaderCore core;
    CHECK_FALSE(core.has_bundle());
    Response opened = ask(core, OpenBundleRequest{sample_bundle()});
    REQUIRE_MESSAGE(opened.ok, opened.error_message);
    CHECK(opened.type == RequestType::open_bundle);
    const BundleInfo* info = opened.get<BundleInfo>();
    REQUIRE(info);
    CHECK(info->site_name == "northkoreanrefugees.com");
    CHECK(info->base_url == "https://www.northkoreanrefugees.com/");
    CHECK(info->page_count == 45);
    CHECK(info->article_count == 39);
    CHECK(info->image_count == 6);
    CHECK(info->home_page_id != 0);
    CHECK(core.has_bundle());

    Response again = ask(core, BundleInfoRequest{});
    REQUIRE(again.ok);
    CHECK(again.get<BundleInfo>()->path == sample_bundle());
}

TEST_CASE("every request before a bundle is open is refused with a message saying to open one") {
    ReaderCore core;
    for (RequestBody body : std::vector<RequestBody>{BundleInfoRequest{}, PageRequest{"/about/"}, SearchRequest{"refugees"},
                                                     MonthArchiveRequest{}, RandomPageRequest{1}, VerifyRequest{}}) {
        Response refused = ask(core, body);
        CHECK_FALSE(refused.ok);
        CHECK(refused.error_code == ErrorCode::invalid_argument);
        CHECK(refused.error_message == "no bundle is open: open one first");
        CHECK(std::holds_alternative<std::monostate>(refused.payload));
    }
}

TEST_CASE("opening a text file gives not_a_bundle and the bundle open before stays open") {
    fs::path text = scratch() / "notes.txt";
    std::ofstream(text) << "These are my notes, not a website.\n";

    ReaderCore fresh;
    Response refused = ask(fresh, OpenBundleRequest{text.string()});
    CHECK_FALSE(refused.ok);
    CHECK(refused.error_code == ErrorCode::not_a_bundle);
    CHECK(contains(refused.error_message, text.string()));
    CHECK(contains(refused.error_message, "not a sitepack bundle"));
    CHECK_FALSE(fresh.has_bundle());

    ReaderCore core = open_core(sample_bundle());
    CHECK(ask(core, OpenBundleRequest{text.string()}).error_code == ErrorCode::not_a_bundle);
    CHECK(ask(core, OpenBundleRequest{(scratch() / "nowhere.sitepack").string()}).error_code == ErrorCode::not_found);
    CHECK(core.has_bundle());
    CHECK(ask(core, PageRequest{kLetterPath}).ok);
}

TEST_CASE("the UI's first requests open the bundle, bring its faces and its home page, by id and by address") {
    // What a reader sees first, answered before the UI asks (the browser) and
    // recorded by the builder (read_first): the same answers it would get.
    ReaderCore core;
    std::vector<Request> asked;
    std::vector<Response> answers;
    handle_first_requests(core, OpenBundleRequest{sample_bundle()}, [&](const Request& request, Response response) {
        asked.push_back(request);
        answers.push_back(std::move(response));
    });
    REQUIRE(asked.size() >= 4);
    for (size_t i = 0; i < asked.size(); ++i) {
        CHECK(asked[i].id == i + 1);
        CHECK(answers[i].id == asked[i].id);
        CHECK_MESSAGE(answers[i].ok, answers[i].error_message);
    }
    CHECK(asked[0].type() == RequestType::open_bundle);
    REQUIRE(asked[1].type() == RequestType::fonts);
    CHECK(std::get<FontsRequest>(asked[1].body).faces == std::vector<std::string>{"regular", "bold"});
    const auto* fonts = answers[1].get<FontList>();
    REQUIRE(fonts);
    CHECK(fonts->fonts.size() == 2);  // the sample bundle embeds its faces
    const auto* home = answers[2].get<PageContent>();
    const auto* again = answers.back().get<PageContent>();
    REQUIRE(home);
    REQUIRE(again);
    CHECK(home->page.id == core.info()->home_page_id);
    CHECK(std::get<PageRequest>(asked.back().body).url_or_path == home->page.url);
    CHECK(again->page.id == home->page.id);
    CHECK(again->page.title == home->page.title);
}

TEST_CASE("the UI's first requests stop at an open that fails, which is answered with its reason") {
    fs::path text = scratch() / "not-a-bundle.txt";
    std::ofstream(text) << "plain text\n";
    ReaderCore core;
    std::vector<Response> answers;
    handle_first_requests(core, OpenBundleRequest{text.string()}, [&](const Request&, Response response) {
        answers.push_back(std::move(response));
    });
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].error_code == ErrorCode::not_a_bundle);
    CHECK(contains(answers[0].error_message, text.string()));
}

// --- pages --------------------------------------------------------------------------

TEST_CASE("a page asked for by its path comes with its title, body, categories and tags") {
    ReaderCore core = open_core(sample_bundle());
    Response answer = ask(core, PageRequest{kLetterPath});
    REQUIRE_MESSAGE(answer.ok, answer.error_message);
    const PageContent* page = answer.get<PageContent>();
    REQUIRE(page);
    CHECK(page->page.title == "Open Letter to Xi Jinping");
    CHECK(page->page.url == kLetterUrl);
    CHECK(page->page.kind == "article");
    CHECK(page->page.published.rfind("2023-10-21", 0) == 0);
    CHECK(page->verified);
    REQUIRE(page->document);
    std::string text = doc::plain_text(*page->document);
    CHECK(contains(text, "Dear Mr. President:"));
    CHECK(contains(text, "forcibly repatriated approximately 600"));

    std::set<std::string> terms;
    for (const Term& term : page->terms) terms.insert(term.kind + ":" + term.name);
    CHECK(terms.count("category:China") == 1);
    CHECK(terms.count("category:North Korean Refugees") == 1);
    CHECK(terms.count("tag:Xi Jinping") == 1);
    CHECK(terms.count("tag:forced repatriation") == 1);
    CHECK(page->terms.front().kind == "category");  // categories first
}

TEST_CASE("a page can be asked for by any spelling of its URL or by its id") {
    ReaderCore core = open_core(sample_bundle());
    Response by_path = ask(core, PageRequest{kLetterPath});
    REQUIRE(by_path.ok);
    int64_t id = by_path.get<PageContent>()->page.id;

    Response by_url = ask(core, PageRequest{"http://www.northkoreanrefugees.com/2023/10/21/open-letter-to-xi-jinping/index.html"});
    REQUIRE(by_url.ok);
    CHECK(by_url.get<PageContent>()->page.id == id);

    PageRequest by_id_request;
    by_id_request.page_id = id;
    Response by_id = ask(core, by_id_request);
    REQUIRE(by_id.ok);
    CHECK(by_id.get<PageContent>()->page.url == kLetterUrl);

    Response missing = ask(core, PageRequest{"/no/such/page/"});
    CHECK_FALSE(missing.ok);
    CHECK(missing.error_code == ErrorCode::not_found);
    CHECK(contains(missing.error_message, "/no/such/page/"));

    Response empty = ask(core, PageRequest{});
    CHECK(empty.error_code == ErrorCode::invalid_argument);
}

TEST_CASE("going back to a recent page is served from the cache, the least recent dropped first") {
    ReaderCore core = open_core(sample_bundle(), 2);
    Response first = ask(core, PageRequest{kLetterPath});
    Response about = ask(core, PageRequest{"/about/"});
    REQUIRE(first.ok);
    REQUIRE(about.ok);
    CHECK(core.cached_pages() == 2);

    // Back: the very same decoded document, not decoded again.
    Response back = ask(core, PageRequest{kLetterPath});
    REQUIRE(back.ok);
    CHECK(back.get<PageContent>()->document == first.get<PageContent>()->document);

    // A third page pushes out the least recently used one (/about/).
    REQUIRE(ask(core, PageRequest{"/faq/"}).ok);
    CHECK(core.cached_pages() == 2);
    CHECK(ask(core, PageRequest{kLetterPath}).get<PageContent>()->document == first.get<PageContent>()->document);
    Response about_again = ask(core, PageRequest{"/about/"});
    REQUIRE(about_again.ok);
    CHECK(about_again.get<PageContent>()->document != about.get<PageContent>()->document);
    CHECK(*about_again.get<PageContent>()->document == *about.get<PageContent>()->document);

    // Opening a bundle empties the cache.
    REQUIRE(ask(core, OpenBundleRequest{sample_bundle()}).ok);
    CHECK(core.cached_pages() == 0);
}

// --- finding pages ------------------------------------------------------------------

TEST_CASE("search returns ranked hits with snippets, a page at a time") {
    ReaderCore core = open_core(sample_bundle());
    Response answer = ask(core, SearchRequest{"refugees", 0, 5});
    REQUIRE_MESSAGE(answer.ok, answer.error_message);
    const SearchResults* results = answer.get<SearchResults>();
    REQUIRE(results);
    CHECK(results->query == "refugees");
    CHECK(results->total > 5);
    REQUIRE(results->hits.size() == 5);
    for (size_t i = 1; i < results->hits.size(); ++i) CHECK(results->hits[i - 1].score <= results->hits[i].score);
    for (const SearchHit& hit : results->hits) {
        CHECK_FALSE(hit.snippet.empty());
        CHECK_FALSE(hit.highlights.empty());
    }

    Response next = ask(core, SearchRequest{"refugees", 5, 5});
    REQUIRE(next.ok);
    CHECK(next.get<SearchResults>()->total == results->total);
    CHECK(next.get<SearchResults>()->hits.front().page_id != results->hits.front().page_id);

    Response letter = ask(core, SearchRequest{"Xi Jinping", 0, 10});
    REQUIRE(letter.ok);
    std::vector<std::string> urls;
    for (const SearchHit& hit : letter.get<SearchResults>()->hits) urls.push_back(hit.url);
    CHECK(std::find(urls.begin(), urls.end(), kLetterUrl) != urls.end());

    CHECK(ask(core, SearchRequest{"", 0, 5}).get<SearchResults>()->total == 0);
    CHECK(ask(core, SearchRequest{"refugees", -1, 5}).error_code == ErrorCode::invalid_argument);
}

TEST_CASE("a search for the words of a page's title ranks that page first") {
    ReaderCore core = open_core(sample_bundle());
    Response letter = ask(core, SearchRequest{"Xi Jinping", 0, 3});
    REQUIRE(letter.ok);
    REQUIRE_FALSE(letter.get<SearchResults>()->hits.empty());
    CHECK(letter.get<SearchResults>()->hits.front().url == kLetterUrl);
    CHECK(letter.get<SearchResults>()->hits.front().score < 0);
}

TEST_CASE("title suggestions offer titles starting with what was typed first") {
    ReaderCore core = open_core(sample_bundle());
    Response answer = ask(core, SuggestRequest{"open", 5});
    REQUIRE(answer.ok);
    const PageList* list = answer.get<PageList>();
    REQUIRE(list);
    REQUIRE_FALSE(list->pages.empty());
    CHECK(list->pages.front().title == "Open Letter to Xi Jinping");
    CHECK(list->total == static_cast<int64_t>(list->pages.size()));
}

TEST_CASE("categories and tags are listed with their counts and lead to their pages") {
    ReaderCore core = open_core(sample_bundle());
    Response tags = ask(core, TermsRequest{"tag"});
    REQUIRE(tags.ok);
    const Term* xi = nullptr;
    for (const Term& term : tags.get<TermList>()->terms) {
        CHECK(term.kind == "tag");
        if (term.name == "Xi Jinping") xi = &term;
    }
    REQUIRE(xi);
    CHECK(xi->page_count == 2);

    Response pages = ask(core, PagesWithTermRequest{xi->id});
    REQUIRE(pages.ok);
    std::vector<std::string> names = titles(pages.get<PageList>()->pages);
    CHECK(names.size() == 2);
    CHECK(std::find(names.begin(), names.end(), "Open Letter to Xi Jinping") != names.end());

    Response both = ask(core, TermsRequest{""});
    REQUIRE(both.ok);
    CHECK(both.get<TermList>()->terms.size() > tags.get<TermList>()->terms.size());

    Response wrong = ask(core, TermsRequest{"genre"});
    CHECK(wrong.error_code == ErrorCode::invalid_argument);
    CHECK(contains(wrong.error_message, "genre"));
}

TEST_CASE("the month archive counts articles per month, newest first, and opens a month") {
    ReaderCore core = open_core(sample_bundle());
    Response answer = ask(core, MonthArchiveRequest{});
    REQUIRE(answer.ok);
    const std::vector<MonthCount>& months = answer.get<MonthList>()->months;
    REQUIRE(months.size() > 5);
    CHECK(months.front().month == "2023-10");
    CHECK(months.front().page_count == 1);
    for (size_t i = 1; i < months.size(); ++i) CHECK(months[i - 1].month > months[i].month);
    auto march = std::find_if(months.begin(), months.end(), [](const MonthCount& m) { return m.month == "2022-03"; });
    REQUIRE(march != months.end());
    CHECK(march->page_count == 2);

    Response in_march = ask(core, PagesInMonthRequest{"2022-03"});
    REQUIRE(in_march.ok);
    const std::vector<PageRecord>& pages = in_march.get<PageList>()->pages;
    REQUIRE(pages.size() == 2);
    CHECK(pages[0].published > pages[1].published);  // newest first
    for (const PageRecord& page : pages) CHECK(page.published.rfind("2022-03", 0) == 0);

    CHECK(ask(core, PagesInMonthRequest{"1999-01"}).get<PageList>()->pages.empty());
    Response wrong = ask(core, PagesInMonthRequest{"March 2022"});
    CHECK(wrong.error_code == ErrorCode::invalid_argument);
    CHECK(contains(wrong.error_message, "YYYY-MM"));
}

TEST_CASE("the page list pages through one kind of page and tells the total") {
    ReaderCore core = open_core(sample_bundle());
    Response articles = ask(core, ListPagesRequest{0, 10, false, "article"});
    REQUIRE(articles.ok);
    CHECK(articles.get<PageList>()->total == 39);
    REQUIRE(articles.get<PageList>()->pages.size() == 10);
    for (const PageRecord& page : articles.get<PageList>()->pages) CHECK(page.kind == "article");

    Response listings = ask(core, ListPagesRequest{0, 100, false, "listing"});
    REQUIRE(listings.ok);
    CHECK(listings.get<PageList>()->total == 6);
    CHECK(listings.get<PageList>()->pages.size() == 6);

    Response newest = ask(core, ListPagesRequest{0, 1, true, ""});
    REQUIRE(newest.ok);
    CHECK(newest.get<PageList>()->total == 45);
    CHECK(newest.get<PageList>()->pages.front().url == kLetterUrl);

    CHECK(ask(core, ListPagesRequest{0, 10, false, "post"}).error_code == ErrorCode::invalid_argument);
}

TEST_CASE("a random page is an article of the bundle, and the same seed gives the same one") {
    ReaderCore core = open_core(sample_bundle());
    std::set<int64_t> seen;
    for (uint64_t seed = 0; seed < 40; ++seed) {
        Response answer = ask(core, RandomPageRequest{seed});
        REQUIRE(answer.ok);
        const PageRecord* page = answer.get<PageRecord>();
        REQUIRE(page);
        CHECK(page->kind == "article");
        PageRequest open_it;
        open_it.page_id = page->id;
        CHECK(ask(core, open_it).ok);
        CHECK(ask(core, RandomPageRequest{seed}).get<PageRecord>()->id == page->id);
        seen.insert(page->id);
    }
    CHECK(seen.size() > 10);  // neighbouring seeds do not give neighbouring pages
}

TEST_CASE("an image comes with its original bytes") {
    ReaderCore core = open_core(sample_bundle());
    Response answer = ask(core, ImageRequest{1});
    REQUIRE_MESSAGE(answer.ok, answer.error_message);
    const ImageRecord* image = answer.get<ImageRecord>();
    REQUIRE(image);
    CHECK(image->width > 0);
    REQUIRE(image->content.size() > 8);
    bool jpeg = image->content.compare(0, 3, "\xFF\xD8\xFF") == 0;
    bool png = image->content.compare(0, 8, "\x89PNG\r\n\x1A\n") == 0;
    CHECK((jpeg || png));
    CHECK(image->mime_type == (jpeg ? "image/jpeg" : "image/png"));

    CHECK(ask(core, ImageRequest{9999}).error_code == ErrorCode::not_found);
}

TEST_CASE("verify reports its progress and then a clean report") {
    ReaderCore core = open_core(sample_bundle());
    std::vector<Response> partials;
    HandleContext context;
    context.progress = [&](Response partial) { partials.push_back(std::move(partial)); };
    Response answer = core.handle(Request{77, VerifyRequest{}}, context);
    REQUIRE_MESSAGE(answer.ok, answer.error_message);
    CHECK_FALSE(answer.partial);
    const VerifyReport* report = answer.get<VerifyReport>();
    REQUIRE(report);
    CHECK(report->ok());
    CHECK(report->pages_checked == 45);
    CHECK(report->images_checked == 6);

    REQUIRE_FALSE(partials.empty());
    CHECK(partials.size() <= 101);  // at most one per percent
    for (const Response& partial : partials) {
        CHECK(partial.id == 77);
        CHECK(partial.partial);
        REQUIRE(partial.get<VerifyProgress>());
    }
    CHECK(partials.back().get<VerifyProgress>()->done == 51);
    CHECK(partials.back().get<VerifyProgress>()->total == 51);
}

TEST_CASE("a verify that is cancelled stops and is answered as cancelled") {
    ReaderCore core = open_core(sample_bundle());
    int progress_seen = 0;
    HandleContext context;
    context.progress = [&](Response) { ++progress_seen; };
    context.cancelled = [&] { return progress_seen >= 3; };
    Response answer = core.handle(Request{78, VerifyRequest{}}, context);
    CHECK_FALSE(answer.ok);
    CHECK(answer.cancelled);
    CHECK(std::string(answer.error_name()) == "cancelled");
    CHECK(progress_seen == 3);
}

// --- damage -------------------------------------------------------------------------

TEST_CASE("a damaged page gives an error naming its URL while the other pages still load") {
    ReaderCore core = open_core(damaged_copy(kLetterUrl));
    Response damaged = ask(core, PageRequest{kLetterPath});
    CHECK_FALSE(damaged.ok);
    CHECK(damaged.error_code == ErrorCode::corrupt);
    CHECK(contains(damaged.error_message, kLetterUrl));
    CHECK(contains(damaged.error_message, "damaged"));

    Response about = ask(core, PageRequest{"/about/"});
    REQUIRE_MESSAGE(about.ok, about.error_message);
    CHECK(about.get<PageContent>()->page.title == "About");

    // Search still answers; the damaged hit says why it has no snippet.
    Response found = ask(core, SearchRequest{"Xi Jinping", 0, 10});
    REQUIRE(found.ok);
    bool letter_listed = false;
    for (const SearchHit& hit : found.get<SearchResults>()->hits)
        if (hit.url == kLetterUrl) letter_listed = contains(hit.snippet, "damaged");
    CHECK(letter_listed);

    Response verified = ask(core, VerifyRequest{});
    REQUIRE(verified.ok);
    const VerifyReport* report = verified.get<VerifyReport>();
    REQUIRE(report->problems.size() == 1);
    CHECK(contains(report->problems.front().what, kLetterUrl));
}

TEST_CASE("a truncated bundle answers every request with a response, never a crash") {
    fs::path truncated = scratch() / "truncated.sitepack";
    fs::copy_file(sample_bundle(), truncated, fs::copy_options::overwrite_existing);
    fs::resize_file(truncated, fs::file_size(truncated) / 3);

    ReaderCore core;
    Response opened = ask(core, OpenBundleRequest{truncated.string()});
    if (!opened.ok) {
        CHECK_FALSE(opened.error_message.empty());
        CHECK(contains(opened.error_message, truncated.string()));
        return;
    }
    int failures = 0;
    for (RequestBody body : std::vector<RequestBody>{
             BundleInfoRequest{}, PageRequest{kLetterPath}, PageRequest{"/about/"}, SearchRequest{"refugees", 0, 10},
             SuggestRequest{"a", 10}, TermsRequest{""}, PagesWithTermRequest{1}, MonthArchiveRequest{},
             PagesInMonthRequest{"2022-03"}, ListPagesRequest{0, 100, true, ""}, RandomPageRequest{3}, ImageRequest{6},
             VerifyRequest{}}) {
        Response answer = ask(core, body);
        if (!answer.ok) {
            ++failures;
            CHECK_FALSE(answer.error_message.empty());
        }
    }
    Response verified = ask(core, VerifyRequest{});
    CHECK((!verified.ok || !verified.get<VerifyReport>()->ok()));
    CHECK(failures > 0);
}

// --- the core on its own thread -----------------------------------------------------

TEST_CASE("a request on the core thread is answered without poll ever blocking") {
    std::atomic<int> wakeups{0};
    CoreThread core([&] { ++wakeups; });
    uint64_t open_id = core.post(OpenBundleRequest{sample_bundle()});
    uint64_t page_id = core.post(PageRequest{kLetterPath});
    CHECK(open_id != page_id);

    std::vector<Response> received;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (received.size() < 2 && std::chrono::steady_clock::now() < deadline) {
        auto before = std::chrono::steady_clock::now();
        for (Response& response : core.poll()) received.push_back(std::move(response));
        CHECK(std::chrono::steady_clock::now() - before < std::chrono::milliseconds(250));
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a frame
    }
    REQUIRE(received.size() == 2);
    CHECK(received[0].id == open_id);
    CHECK(received[0].ok);
    CHECK(received[1].id == page_id);
    REQUIRE(received[1].ok);
    CHECK(received[1].get<PageContent>()->page.title == "Open Letter to Xi Jinping");
    CHECK(wakeups >= 2);
    CHECK(core.pending() == 0);
    CHECK(core.poll().empty());
}

TEST_CASE("wait_for takes one answer and leaves the others for poll") {
    CoreThread core;
    uint64_t opened = core.post(OpenBundleRequest{sample_bundle()});
    uint64_t info = core.post(BundleInfoRequest{});
    std::optional<Response> answer = core.wait_for(info, std::chrono::seconds(30));
    REQUIRE(answer);
    CHECK(answer->ok);
    CHECK(answer->get<BundleInfo>()->page_count == 45);
    std::vector<Response> rest = core.poll();
    REQUIRE(rest.size() == 1);
    CHECK(rest[0].id == opened);

    CHECK_FALSE(core.wait_for(424242, std::chrono::milliseconds(20)));  // never asked: times out
}

TEST_CASE("a newer page request replaces an older one still waiting") {
    CoreThread core;
    std::vector<Request> batch;
    batch.push_back(Request{1, OpenBundleRequest{sample_bundle()}});
    batch.push_back(Request{2, PageRequest{"/about/"}});
    PageRequest prefetch{"/faq/"};
    prefetch.replace_pending = false;
    batch.push_back(Request{3, prefetch});
    batch.push_back(Request{4, PageRequest{kLetterPath}});
    CHECK(core.post_all(batch) == std::vector<uint64_t>{1, 2, 3, 4});

    std::optional<Response> replaced = core.wait_for(2, std::chrono::seconds(30));
    REQUIRE(replaced);
    CHECK_FALSE(replaced->ok);
    CHECK(replaced->cancelled);
    CHECK(replaced->type == RequestType::page);
    CHECK(contains(replaced->error_message, "replaced by page request 4"));

    std::optional<Response> kept = core.wait_for(3, std::chrono::seconds(30));  // not replaceable
    REQUIRE(kept);
    CHECK(kept->ok);
    std::optional<Response> latest = core.wait_for(4, std::chrono::seconds(30));
    REQUIRE(latest);
    REQUIRE(latest->ok);
    CHECK(latest->get<PageContent>()->page.url == kLetterUrl);
}

TEST_CASE("cancelling a waiting request answers it as cancelled and the cancel as found") {
    CoreThread core;
    std::vector<Request> batch;
    batch.push_back(Request{10, OpenBundleRequest{sample_bundle()}});
    batch.push_back(Request{11, SearchRequest{"refugees", 0, 10}});
    batch.push_back(Request{12, CancelRequest{11}});
    batch.push_back(Request{13, CancelRequest{999}});
    core.post_all(batch);

    std::optional<Response> cancelled = core.wait_for(11, std::chrono::seconds(30));
    REQUIRE(cancelled);
    CHECK(cancelled->cancelled);
    CHECK(cancelled->type == RequestType::search);
    std::optional<Response> outcome = core.wait_for(12, std::chrono::seconds(30));
    REQUIRE(outcome);
    REQUIRE(outcome->ok);
    CHECK(outcome->get<CancelOutcome>()->id == 11);
    CHECK(outcome->get<CancelOutcome>()->found);
    std::optional<Response> nothing = core.wait_for(13, std::chrono::seconds(30));
    REQUIRE(nothing);
    CHECK_FALSE(nothing->get<CancelOutcome>()->found);
    CHECK(core.wait_for(10, std::chrono::seconds(30))->ok);
}

TEST_CASE("verify on the core thread sends progress before its report") {
    CoreThread core;
    core.post(Request{20, OpenBundleRequest{sample_bundle()}});
    core.post(Request{21, VerifyRequest{}});
    std::optional<Response> report = core.wait_for(21, std::chrono::seconds(60));
    REQUIRE(report);
    REQUIRE(report->ok);
    CHECK(report->get<VerifyReport>()->ok());
    int partials = 0;
    for (const Response& response : core.poll())
        if (response.id == 21) {
            CHECK(response.partial);
            ++partials;
        }
    CHECK(partials > 0);
}

TEST_CASE("closing the reader with requests still waiting returns promptly") {
    auto started = std::chrono::steady_clock::now();
    {
        CoreThread core;
        core.post(OpenBundleRequest{sample_bundle()});
        for (int i = 0; i < 200; ++i) core.post(VerifyRequest{});
    }
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
}

// --- the worker's JSON loop ---------------------------------------------------------

TEST_CASE("a page asked for in JSON text comes back in JSON text with the same document") {
    ReaderCore core = open_core(sample_bundle());
    Result<Request> request = request_from_json_text(
        R"({"id":5,"type":"page","params":{"url_or_path":"/2023/10/21/open-letter-to-xi-jinping/"}})");
    REQUIRE(request.ok());
    Response direct = core.handle(request.value());
    REQUIRE(direct.ok);
    std::string text = to_json_text(direct);
    Result<Response> back = response_from_json_text(text);
    REQUIRE_MESSAGE(back.ok(), (back.ok() ? "" : back.error().message));
    CHECK(back->id == 5);
    REQUIRE(back->get<PageContent>());
    CHECK(*back->get<PageContent>()->document == *direct.get<PageContent>()->document);
    CHECK(back->get<PageContent>()->terms.size() == direct.get<PageContent>()->terms.size());
    CHECK(to_json_text(back.value()) == text);

    Response damaged = ask(core, PageRequest{"/nowhere/"});
    Result<Response> error_back = response_from_json_text(to_json_text(damaged));
    REQUIRE(error_back.ok());
    CHECK(error_back->error_code == ErrorCode::not_found);
    CHECK(error_back->error_message == damaged.error_message);
}
