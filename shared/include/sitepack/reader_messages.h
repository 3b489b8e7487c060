// reader_messages.h: the requests the reader's UI sends to its reading core,
// and the responses it gets back.
//
// The UI never calls the Bundle itself: it posts a Request and, on a later
// frame, picks up the Response with the same id (reader_core.h). Natively the
// core runs on its own thread and the structs travel as they are (an image's
// bytes are moved, never copied through text); in the browser the core runs
// in a Web Worker and the same messages cross postMessage as JSON text.
//
//   Request asked{7, PageRequest{"/2023/10/21/open-letter-to-xi-jinping/"}};
//   std::string text = to_json_text(asked);
//   // {"id":7,"type":"page","params":{"url_or_path":"/2023/...","page_id":0,"replace_pending":true}}
//   Result<Request> back = request_from_json_text(text);   // equal to `asked`
//
// JSON forms: a request is {"id", "type", "params": {...}}; a response is
// {"id", "type", "ok", "error_code", "error_message", "partial", "payload"}
// where "type" names the request answered and "payload" is null on error.
// A decoded document travels as the base64 of its stored bytes
// (doc::encode_document), an image's bytes as base64. Ids above 2^53 do not
// survive JavaScript numbers; keep them small there.
//
// Every request gets exactly one final response. A request that was
// cancelled, or a page request superseded by a newer one, gets a final
// response with ok false and `cancelled` true (error_code "cancelled" in
// JSON). A verify request also gets partial responses (partial true,
// payload VerifyProgress) before its final one.
//
// Nothing here throws: malformed JSON gives ErrorCode::invalid_argument with
// the offending field named, a damaged document ErrorCode::corrupt.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sitepack/bundle.h"
#include "sitepack/document.h"
#include "sitepack/result.h"

namespace sitepack::reader {

using Json = nlohmann::ordered_json;

// [SECTION] Requests ---------------------------------------------------------

// Opens another bundle; the one open before stays open if this fails.
// Answer: BundleInfo.
struct OpenBundleRequest {
    std::string path;
    // Pinned publisher keys, one public key line each ("sitepack-ed25519
    // <base64> <name>", signature.h); the answer's signature says whether
    // the bundle is signed by one of them. Lines that are no key are ignored.
    std::vector<std::string> trusted_publishers;
};

// What the open bundle says about itself. Answer: BundleInfo.
struct BundleInfoRequest {};

// One page, by URL or path (any spelling find_page accepts), or by id when
// page_id is not 0. Answer: PageContent. A page request with
// replace_pending set drops any older page request with replace_pending
// still waiting in the queue (it is answered as cancelled): clicking through
// links faster than a slow stick can serve them only loads the last one.
struct PageRequest {
    std::string url_or_path;
    int64_t page_id = 0;
    bool replace_pending = true;
};

// Full-text search. Answer: SearchResults.
struct SearchRequest {
    std::string query;
    int64_t offset = 0;
    int64_t limit = 20;
};

// Titles as one types. Answer: PageList.
struct SuggestRequest {
    std::string prefix;
    int32_t limit = 10;
};

// Categories and tags: kind "category", "tag" or "" for both. Answer: TermList.
struct TermsRequest {
    std::string kind;
};

// The pages of a category or tag, newest first. Answer: PageList.
struct PagesWithTermRequest {
    int64_t term_id = 0;
};

// Months with articles, newest first. Answer: MonthList.
struct MonthArchiveRequest {};

// The articles of one month ("2023-10"), newest first. Answer: PageList.
struct PagesInMonthRequest {
    std::string month;
};

// Pages by URL (or newest first), of one kind ("article", "listing", "" for
// both). Answer: PageList, whose total counts every page of that kind.
struct ListPagesRequest {
    int64_t offset = 0;
    int64_t limit = 50;
    bool by_date = false;
    std::string kind;
};

// An article chosen by `seed` (the same seed gives the same article in the
// same bundle). Answer: PageRecord; ask for the page itself with its id.
struct RandomPageRequest {
    uint64_t seed = 0;
};

// One image's bytes. Answer: ImageRecord.
struct ImageRequest {
    int64_t image_id = 0;
};

// Checks every page and image. Answers: partial VerifyProgress responses,
// then VerifyReport.
struct VerifyRequest {};

// Cancels request `id`: if it is still waiting it is dropped, if it is a
// running verify it stops; either way it is answered as cancelled.
// Answer: CancelOutcome.
struct CancelRequest {
    uint64_t id = 0;
};

// The open bundle's embedded fonts (none when it has none): the faces named
// ("regular", "cjk-bold", ...), or every face when `faces` is empty. The
// reader asks for its italic and CJK faces only when a page needs
// them: a browser reading a hosted bundle then fetches no CJK font for
// English pages. Through the core rather than a Bundle of the UI's own: in
// the browser the core in the Worker is the only thing that can read the
// bundle. Answer: FontList.
struct FontsRequest {
    std::vector<std::string> faces;
};

// The order of the alternatives is the order of RequestType.
using RequestBody = std::variant<OpenBundleRequest, BundleInfoRequest, PageRequest, SearchRequest, SuggestRequest,
                                 TermsRequest, PagesWithTermRequest, MonthArchiveRequest, PagesInMonthRequest,
                                 ListPagesRequest, RandomPageRequest, ImageRequest, VerifyRequest, CancelRequest,
                                 FontsRequest>;

enum class RequestType : uint8_t {
    open_bundle,
    bundle_info,
    page,
    search,
    suggest,
    terms,
    pages_with_term,
    month_archive,
    pages_in_month,
    list_pages,
    random_page,
    image,
    verify,
    cancel,
    fonts,
};

// "open_bundle", "page", ...: the "type" of the JSON forms.
const char* request_type_name(RequestType type);
// The type named `name`, or false.
bool request_type_from_name(std::string_view name, RequestType& type);

struct Request {
    uint64_t id = 0;  // chosen by the client; CoreThread::post gives one when 0
    RequestBody body;

    RequestType type() const { return static_cast<RequestType>(body.index()); }
};

// [SECTION] Response payloads ------------------------------------------------

// A page ready to show.
struct PageContent {
    PageRecord page;
    // Shared and immutable, so the core's cache and the UI hold the same one.
    std::shared_ptr<const doc::Document> document;
    std::vector<Term> terms;            // its categories and tags
    // The body decompressed and matched its stored hash. A page that fails
    // the check is answered with an error (corrupt, naming its URL) instead,
    // so this is true in every successful answer; it is kept in the message
    // so a UI can show it.
    bool verified = false;
};

struct PageList {
    int64_t total = 0;  // pages in the whole list (list_pages: of that kind), not just this slice
    std::vector<PageRecord> pages;
};

struct TermList {
    std::vector<Term> terms;
};

struct MonthList {
    std::vector<MonthCount> months;  // "2023-10" -> articles, newest first
};

struct VerifyProgress {
    int64_t done = 0;
    int64_t total = 0;
};

struct FontList {
    std::vector<FontRecord> fonts;  // JSON: {"fonts":[{"face","family","content": base64}]}
};

struct CancelOutcome {
    uint64_t id = 0;          // the request cancelled
    bool found = false;       // it was waiting or running (false: already answered or unknown)
};

using Payload = std::variant<std::monostate, BundleInfo, PageContent, SearchResults, PageList, TermList, MonthList,
                             PageRecord, ImageRecord, VerifyProgress, VerifyReport, CancelOutcome, FontList>;

struct Response {
    uint64_t id = 0;                       // the request answered
    RequestType type = RequestType::bundle_info;  // its type
    bool ok = false;
    ErrorCode error_code = ErrorCode::ok;  // when !ok and !cancelled
    std::string error_message;             // for a person: names the file, page or URL
    bool cancelled = false;                // cancelled or superseded (ok is false, error_code ok)
    bool partial = false;                  // a progress report; the final response follows
    Payload payload;                       // monostate when !ok

    // "cancelled" or error_code_name(error_code).
    const char* error_name() const;

    // The payload as T, or nullptr (an error, or another payload).
    template <class T>
    const T* get() const { return std::get_if<T>(&payload); }
    template <class T>
    T* get() { return std::get_if<T>(&payload); }

    static Response success(uint64_t id, RequestType type, Payload payload);
    static Response failure(uint64_t id, RequestType type, const Error& error);
    static Response cancellation(uint64_t id, RequestType type, std::string why);
};

// [SECTION] JSON -------------------------------------------------------------
Json to_json(const Request& request);
Json to_json(const Response& response);
Result<Request> request_from_json(const Json& json);
Result<Response> response_from_json(const Json& json);

// The same as compact text (what crosses postMessage). Text that is not
// UTF-8 is replaced with U+FFFD rather than failing.
std::string to_json_text(const Request& request);
std::string to_json_text(const Response& response);
Result<Request> request_from_json_text(std::string_view text);
Result<Response> response_from_json_text(std::string_view text);

// Base64 (RFC 4648, with padding), as used for documents and images.
std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);

}  // namespace sitepack::reader
