// reader_messages_test.cpp: the messages between the reader's UI and its
// reading core, and their JSON form (what crosses postMessage in the browser).
#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sitepack/reader_messages.h"

using namespace sitepack;
using namespace sitepack::reader;

namespace {

bool contains(const std::string& text, const std::string& piece) { return text.find(piece) != std::string::npos; }

// A document using every kind of block, span, link and image.
doc::Document sample_document() {
    doc::Document document;
    document.links.push_back({"https://www.northkoreanrefugees.com/about", doc::LinkTarget::internal, 26});
    document.links.push_back({"https://example.org/x#frag", doc::LinkTarget::external, 0});
    document.images.push_back({"https://www.northkoreanrefugees.com/logo.png", "the logo", 4, 96, 96});

    doc::Block heading;
    heading.kind = doc::BlockKind::heading;
    heading.level = 2;
    heading.spans.push_back({doc::SpanKind::text, "北朝鮮難民 — Refugees", doc::kBold, -1});
    document.blocks.push_back(heading);

    doc::Block paragraph;
    paragraph.spans.push_back({doc::SpanKind::text, "Read ", doc::kPlain, -1});
    paragraph.spans.push_back({doc::SpanKind::text, "about us", doc::kItalic, 0});
    paragraph.spans.push_back({doc::SpanKind::line_break, "", doc::kPlain, -1});
    paragraph.spans.push_back({doc::SpanKind::text, "and \"quotes\" \\ here", doc::kCode, 1});
    document.blocks.push_back(paragraph);

    doc::Block item;
    item.kind = doc::BlockKind::list_item;
    item.children.push_back(paragraph);
    doc::Block list;
    list.kind = doc::BlockKind::list;
    list.ordered = true;
    list.start = 3;
    list.children.push_back(item);
    document.blocks.push_back(list);

    doc::Block figure;
    figure.kind = doc::BlockKind::figure;
    figure.image = 0;
    figure.spans.push_back({doc::SpanKind::text, "caption", doc::kPlain, -1});
    document.blocks.push_back(figure);

    doc::Block cell;
    cell.kind = doc::BlockKind::table_cell;
    cell.header = true;
    cell.colspan = 2;
    cell.children.push_back(heading);
    doc::Block row;
    row.kind = doc::BlockKind::table_row;
    row.children.push_back(cell);
    doc::Block table;
    table.kind = doc::BlockKind::table;
    table.children.push_back(row);
    document.blocks.push_back(table);

    doc::Block rule;
    rule.kind = doc::BlockKind::rule;
    document.blocks.push_back(rule);
    return document;
}

PageRecord sample_record() {
    PageRecord page;
    page.id = 25;
    page.url = "https://www.northkoreanrefugees.com/2023/10/21/open-letter-to-xi-jinping";
    page.kind = "article";
    page.title = "Open Letter to Xi Jinping";
    page.published = "2023-10-21T09:00:00+09:00";
    page.modified = "2023-10-23";
    page.author = "LFNKR";
    page.language = "en";
    page.description = "Dear Mr. President: ...";
    page.body_size = 6123;
    return page;
}

// Text -> struct -> text gives the same text.
void check_request_round_trip(const Request& request) {
    std::string text = to_json_text(request);
    Result<Request> back = request_from_json_text(text);
    REQUIRE_MESSAGE(back.ok(), text << ": " << (back.ok() ? "" : back.error().message));
    CHECK(back->id == request.id);
    CHECK(back->type() == request.type());
    CHECK(to_json_text(back.value()) == text);
}

Response check_response_round_trip(const Response& response) {
    std::string text = to_json_text(response);
    Result<Response> back = response_from_json_text(text);
    REQUIRE_MESSAGE(back.ok(), text << ": " << (back.ok() ? "" : back.error().message));
    CHECK(back->id == response.id);
    CHECK(back->type == response.type);
    CHECK(back->ok == response.ok);
    CHECK(back->cancelled == response.cancelled);
    CHECK(back->partial == response.partial);
    CHECK(back->error_code == response.error_code);
    CHECK(back->payload.index() == response.payload.index());
    CHECK(to_json_text(back.value()) == text);
    return back.value();
}

}  // namespace

TEST_CASE("a page request has a documented JSON form") {
    Request request{7, PageRequest{"/about/"}};
    CHECK(to_json_text(request) ==
          R"({"id":7,"type":"page","params":{"url_or_path":"/about/","page_id":0,"replace_pending":true}})");

    Response refused = Response::failure(7, RequestType::page, Error{ErrorCode::not_found, "no page /about/ in x.sitepack"});
    CHECK(to_json_text(refused) ==
          R"({"id":7,"type":"page","ok":false,"error_code":"not_found","error_message":"no page /about/ in x.sitepack","partial":false,"payload":null})");
}

TEST_CASE("every kind of request survives a trip through JSON text exactly") {
    PageRequest by_id;
    by_id.page_id = 42;
    by_id.replace_pending = false;
    std::vector<Request> requests = {
        {1, OpenBundleRequest{"/media/USB STICK/lfnkr.sitepack"}},
        {2, BundleInfoRequest{}},
        {3, PageRequest{"https://www.northkoreanrefugees.com/2023/10/21/open-letter-to-xi-jinping/#comments"}},
        {4, by_id},
        {5, SearchRequest{"北朝鮮 refugees \"quoted\"", 20, 10}},
        {6, SuggestRequest{"ope", 7}},
        {7, TermsRequest{"tag"}},
        {8, PagesWithTermRequest{21}},
        {9, MonthArchiveRequest{}},
        {10, PagesInMonthRequest{"2023-10"}},
        {11, ListPagesRequest{100, 50, true, "article"}},
        {12, RandomPageRequest{18446744073709551615ull}},
        {13, ImageRequest{6}},
        {14, VerifyRequest{}},
        {15, CancelRequest{4}},
        {16, FontsRequest{}},
        {17, FontsRequest{{"cjk-regular", "cjk-bold"}}},
    };
    std::set<size_t> types;
    for (const Request& request : requests) types.insert(request.body.index());
    CHECK(types.size() == std::variant_size_v<RequestBody>);  // every type once at least
    for (const Request& request : requests) {
        CAPTURE(request_type_name(request.type()));
        check_request_round_trip(request);
    }

    Result<Request> search = request_from_json_text(to_json_text(requests[4]));
    REQUIRE(search.ok());
    const SearchRequest& asked = std::get<SearchRequest>(search->body);
    CHECK(asked.query == "北朝鮮 refugees \"quoted\"");
    CHECK(asked.offset == 20);
    CHECK(asked.limit == 10);
    Result<Request> faces = request_from_json_text(to_json_text(requests[16]));
    REQUIRE(faces.ok());
    CHECK(std::get<FontsRequest>(faces->body).faces == std::vector<std::string>{"cjk-regular", "cjk-bold"});
    Result<Request> random = request_from_json_text(to_json_text(requests[11]));
    CHECK(std::get<RandomPageRequest>(random->body).seed == 18446744073709551615ull);
}

TEST_CASE("a request from JavaScript may leave out parameters that have defaults") {
    Result<Request> search = request_from_json_text(R"({"id":3,"type":"search","params":{"query":"refugees"}})");
    REQUIRE(search.ok());
    CHECK(std::get<SearchRequest>(search->body).limit == SearchRequest{}.limit);
    Result<Request> info = request_from_json_text(R"({"id":4,"type":"bundle_info"})");
    REQUIRE(info.ok());
    CHECK(info->type() == RequestType::bundle_info);
    Result<Request> list = request_from_json_text(R"({"id":5,"type":"list_pages","params":{"kind":"listing"}})");
    REQUIRE(list.ok());
    CHECK(std::get<ListPagesRequest>(list->body).limit == ListPagesRequest{}.limit);
    CHECK(std::get<ListPagesRequest>(list->body).kind == "listing");
}

TEST_CASE("a malformed request is an error naming what is wrong, never a crash") {
    struct Case {
        const char* text;
        const char* says;
    };
    for (const Case& bad : std::vector<Case>{
             {"", "not valid JSON"},
             {"{\"id\":1,", "not valid JSON"},
             {"[1,2,3]", "not a JSON object"},
             {R"({"type":"page"})", "\"id\" is missing"},
             {R"({"id":-3,"type":"bundle_info"})", "\"id\" must be an integer of at least 0"},
             {R"({"id":"7","type":"bundle_info"})", "\"id\" must be"},
             {R"({"id":1})", "\"type\" is missing"},
             {R"({"id":1,"type":"launch_rockets"})", "\"launch_rockets\" is not a request type"},
             {R"({"id":1,"type":"search","params":{"query":"x","limit":"ten"}})", "\"params.limit\" must be an integer"},
             {R"({"id":1,"type":"search","params":{}})", "\"params.query\" is missing"},
             {R"({"id":1,"type":"search","params":[]})", "params is not a JSON object"},
             {R"({"id":1,"type":"page","params":{}})", "needs \"params.url_or_path\" or \"params.page_id\""},
             {R"({"id":1,"type":"page","params":{"page_id":1.5}})", "\"params.page_id\" must be an integer"},
             {R"({"id":1,"type":"list_pages","params":{"by_date":"yes"}})", "\"params.by_date\" must be true or false"},
             {R"({"id":1,"type":"suggest","params":{"prefix":"a","limit":99999999999}})", "32-bit"},
             {R"({"id":1,"type":"image","params":{"image_id":99999999999999999999}})", "\"params.image_id\""},
             {"{\"id\":1,\"type\":\"open_bundle\",\"params\":{\"path\":\"\xff\xfe\"}}", "not valid JSON"},
         }) {
        CAPTURE(bad.text);
        Result<Request> parsed = request_from_json_text(bad.text);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.code() == ErrorCode::invalid_argument);
        CHECK_MESSAGE(contains(parsed.error().message, bad.says), parsed.error().message);
    }
}

TEST_CASE("a page response with its document survives JSON exactly") {
    PageContent content;
    content.page = sample_record();
    content.document = std::make_shared<const doc::Document>(sample_document());
    content.terms.push_back(Term{21, "tag", "Xi Jinping", "https://www.northkoreanrefugees.com/tag/xi-jinping", 2});
    content.terms.push_back(Term{15, "category", "China", "", 4});
    content.verified = true;
    Response response = Response::success(9, RequestType::page, content);

    Response back = check_response_round_trip(response);
    const PageContent* page = back.get<PageContent>();
    REQUIRE(page);
    REQUIRE(page->document);
    CHECK(*page->document == sample_document());
    CHECK(page->page.title == "Open Letter to Xi Jinping");
    CHECK(page->page.body_size == 6123);
    CHECK(page->terms.size() == 2);
    CHECK(page->terms[0].name == "Xi Jinping");
    CHECK(page->verified);

    // The document travels as base64 of its stored bytes, not as a tree.
    nlohmann::json json = nlohmann::json::parse(to_json_text(response), nullptr, false);
    REQUIRE(json["payload"]["document"].is_string());
    CHECK(json["payload"]["document"].get<std::string>() == base64_encode(doc::encode_document(sample_document())));
}

TEST_CASE("a response carrying a damaged document is refused as corrupt") {
    PageContent content;
    content.page = sample_record();
    content.document = std::make_shared<const doc::Document>(sample_document());
    nlohmann::json json = nlohmann::json::parse(to_json_text(Response::success(9, RequestType::page, content)), nullptr, false);
    std::string bytes = doc::encode_document(sample_document());
    bytes.resize(bytes.size() / 2);
    json["payload"]["document"] = base64_encode(bytes);
    Result<Response> back = response_from_json_text(json.dump());
    REQUIRE_FALSE(back.ok());
    CHECK(back.code() == ErrorCode::corrupt);
    CHECK(contains(back.error().message, "payload.document"));

    json["payload"]["document"] = "not base64!";
    Result<Response> garbled = response_from_json_text(json.dump());
    REQUIRE_FALSE(garbled.ok());
    CHECK(contains(garbled.error().message, "payload.document"));
}

TEST_CASE("every kind of answer survives a trip through JSON text exactly") {
    BundleInfo info;
    info.path = "/media/usb/lfnkr.sitepack";
    info.file_size = 245760;
    info.format_version = 1;
    info.site_name = "northkoreanrefugees.com";
    info.base_url = "https://www.northkoreanrefugees.com/";
    info.build_date = "2026-11-26T06:26:53Z";
    info.builder_version = "sitepack 0.1.0";
    info.languages = {"en", "ja"};
    info.home_page_id = 1;
    info.page_count = 45;
    info.article_count = 39;
    info.listing_count = 6;
    info.image_count = 6;
    info.redirect_count = 30;
    info.menu = {{"About", "https://www.northkoreanrefugees.com/about", 26}, {"Donate", "https://x/donate", 0}};
    info.categories = {{"China", "https://www.northkoreanrefugees.com/category/china", 0}};
    info.archives = {{"October 2023", "https://www.northkoreanrefugees.com/2023/10", 0}};
    Response opened = check_response_round_trip(Response::success(1, RequestType::open_bundle, info));
    CHECK(opened.get<BundleInfo>()->menu[0].label == "About");
    CHECK(opened.get<BundleInfo>()->languages == std::vector<std::string>{"en", "ja"});

    SearchResults results;
    results.query = "refugees";
    results.total = 31;
    results.hits.push_back({25, "https://x/letter", "Open Letter", "2023-10-21", -7.123456789012345, "…North Korean refugees…", {{14, 22}, {30, 31}}});
    Response searched = check_response_round_trip(Response::success(2, RequestType::search, results));
    CHECK(searched.get<SearchResults>()->hits[0].score == -7.123456789012345);  // exactly
    CHECK(searched.get<SearchResults>()->hits[0].highlights[1] == std::pair<size_t, size_t>{30, 31});

    check_response_round_trip(Response::success(3, RequestType::list_pages, PageList{45, {sample_record(), sample_record()}}));
    check_response_round_trip(Response::success(4, RequestType::terms, TermList{{Term{1, "category", "LFNKR", "", 4}}}));
    Response months = check_response_round_trip(
        Response::success(5, RequestType::month_archive, MonthList{{{"2023-10", 1}, {"2022-03", 2}}}));
    CHECK(months.get<MonthList>()->months[1].month == "2022-03");
    CHECK(months.get<MonthList>()->months[1].page_count == 2);
    check_response_round_trip(Response::success(6, RequestType::random_page, sample_record()));

    VerifyReport report;
    report.pages_checked = 45;
    report.images_checked = 6;
    report.problems.push_back({"page https://x/y", "page https://x/y is damaged: decompression failed"});
    check_response_round_trip(Response::success(7, RequestType::verify, report));
    Response progress = Response::success(7, RequestType::verify, VerifyProgress{12, 51});
    progress.partial = true;
    Response progress_back = check_response_round_trip(progress);
    CHECK(progress_back.get<VerifyProgress>()->done == 12);

    check_response_round_trip(Response::success(8, RequestType::cancel, CancelOutcome{7, true}));
    // Fonts are binary (a subset of Noto Sans): base64 in the JSON, byte-exact back.
    FontList fonts;
    fonts.fonts.push_back({"regular", "Noto Sans", std::string("\0\1\0\0\xff\xfe glyf", 11)});
    fonts.fonts.push_back({"cjk-regular", "Noto Sans CJK JP", ""});
    Response fonts_back = check_response_round_trip(Response::success(10, RequestType::fonts, fonts));
    REQUIRE(fonts_back.get<FontList>()->fonts.size() == 2);
    CHECK(fonts_back.get<FontList>()->fonts[0].content == fonts.fonts[0].content);
    CHECK(fonts_back.get<FontList>()->fonts[1].family == "Noto Sans CJK JP");
    Response cancelled = check_response_round_trip(Response::cancellation(9, RequestType::page, "replaced by page request 10"));
    CHECK(cancelled.cancelled);
    CHECK_FALSE(cancelled.ok);
    CHECK(contains(to_json_text(cancelled), R"("error_code":"cancelled")"));
    Response failed = check_response_round_trip(
        Response::failure(10, RequestType::page, Error{ErrorCode::corrupt, "page https://x/y is damaged: bad frame"}));
    CHECK(failed.error_code == ErrorCode::corrupt);
    CHECK(failed.error_message == "page https://x/y is damaged: bad frame");
}

TEST_CASE("image bytes travel as base64 in JSON and come back byte for byte") {
    ImageRecord image;
    image.id = 6;
    image.url = "https://www.northkoreanrefugees.com/wp-content/uploads/2022/11/reunion-tokyo-2022.jpg";
    image.mime_type = "image/jpeg";
    image.width = 320;
    image.height = 200;
    for (int round = 0; round < 3; ++round)
        for (int byte = 0; byte < 256; ++byte) image.content += static_cast<char>(byte);
    image.content += "\xFF\xD9";
    Response back = check_response_round_trip(Response::success(11, RequestType::image, image));
    CHECK(back.get<ImageRecord>()->content == image.content);
    CHECK(back.get<ImageRecord>()->width == 320);
}

TEST_CASE("base64 follows RFC 4648 and rejects what is not base64") {
    const std::vector<std::pair<std::string, std::string>> vectors = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
        {std::string("\xFF\xFE\x00", 3), "//4A"}};
    for (const auto& [bytes, text] : vectors) {
        CHECK(base64_encode(bytes) == text);
        Result<std::string> decoded = base64_decode(text);
        REQUIRE(decoded.ok());
        CHECK(decoded.value() == bytes);
    }
    CHECK_FALSE(base64_decode("Zm9").ok());
    CHECK_FALSE(base64_decode("Zm9v!A==").ok());
    CHECK_FALSE(base64_decode("Z===").ok());
    CHECK_FALSE(base64_decode("=m9v").ok());
}

TEST_CASE("a malformed response is an error, and a successful one must carry its payload") {
    CHECK(response_from_json_text("nope").code() == ErrorCode::invalid_argument);
    Result<Response> no_payload = response_from_json_text(R"({"id":1,"type":"page","ok":true,"error_code":"ok","payload":null})");
    REQUIRE_FALSE(no_payload.ok());
    CHECK(contains(no_payload.error().message, "payload"));
    Result<Response> unknown_code = response_from_json_text(R"({"id":1,"type":"page","ok":false,"error_code":"oops"})");
    REQUIRE_FALSE(unknown_code.ok());
    CHECK(contains(unknown_code.error().message, "\"oops\" is not an error code"));
    Result<Response> bad_pages = response_from_json_text(
        R"({"id":1,"type":"list_pages","ok":true,"payload":{"total":1,"pages":[{"id":1,"url":"u"},{"url":"v"}]}})");
    REQUIRE_FALSE(bad_pages.ok());
    CHECK(contains(bad_pages.error().message, "\"payload.pages[1].id\" is missing"));
}

TEST_CASE("text that is not UTF-8 is sent with replacement characters instead of failing") {
    Request request{1, SearchRequest{"caf\xE9", 0, 10}};
    std::string text = to_json_text(request);
    Result<Request> back = request_from_json_text(text);
    REQUIRE(back.ok());
    CHECK(std::get<SearchRequest>(back->body).query == "caf\xEF\xBF\xBD");
}
