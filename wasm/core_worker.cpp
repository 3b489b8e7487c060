// core_worker.cpp: the reading core of the browser reader, in a Web Worker.
//
// The worker script (web/core-worker.js) hands each request's JSON text to
// sitepack_core_handle(); every response, partial or final, goes back
// through Module.sitepackCoreRespond(jsonText). Requests are served one at
// a time, synchronously: the Worker is the core's thread.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <emscripten.h>

#include "js_source_vfs.h"
#include "sitepack/bundle.h"
#include "sitepack/reader_core.h"
#include "sitepack/reader_messages.h"

using namespace sitepack;

EM_JS(void, js_core_respond, (const char* text), {
    var respond = Module.sitepackCoreRespond;
    if (typeof respond === 'function') respond(UTF8ToString(text));
    else err('sitepack-core: Module.sitepackCoreRespond is not set; a response was dropped');
});

namespace {

reader::ReaderCore& core() {
    static reader::ReaderCore instance;
    return instance;
}

void respond(const reader::Response& response) {
    const std::string text = reader::to_json_text(response);
    js_core_respond(text.c_str());
}

// A request's text without its id: what a prepared answer is found by.
std::string request_key(reader::Request request) {
    request.id = 0;
    return reader::to_json_text(request);
}

// Answers made by sitepack_core_prepare before the page asked, as the JSON
// text sent (made then too: a first serialisation also compiles its code,
// 20-30 ms in the browser), each taken by the first request of the same
// text (id aside). They hold only while the bundle they were made from
// stays open.
struct PreparedAnswer {
    std::string request_key;
    std::string text;  // the response with id 0: it starts with kIdZero
};
constexpr std::string_view kIdZero = "{\"id\":0,";
std::vector<PreparedAnswer>& prepared_answers() {
    static std::vector<PreparedAnswer> answers;
    return answers;
}

// The prepared answer to `request` (taken out of the list, with the
// request's id), if any. An open request without one replaces the bundle
// the others were made from.
std::optional<std::string> take_prepared(const reader::Request& request) {
    auto& answers = prepared_answers();
    const std::string key = request_key(request);
    for (auto it = answers.begin(); it != answers.end(); ++it) {
        if (it->request_key != key) continue;
        std::string text = std::move(it->text);
        answers.erase(it);
        return text.replace(0, kIdZero.size(), "{\"id\":" + std::to_string(request.id) + ",");
    }
    if (request.type() == reader::RequestType::open_bundle) answers.clear();
    return std::nullopt;
}

}  // namespace

extern "C" {

// Handles one request (JSON text, reader_messages.h's form). Answers through
// Module.sitepackCoreRespond, before returning.
EMSCRIPTEN_KEEPALIVE void sitepack_core_handle(const char* json_text) {
    Result<reader::Request> request = reader::request_from_json_text(json_text ? json_text : "");
    if (!request) {
        // The id may be unreadable: answered as request 0, with the reason.
        respond(reader::Response::failure(0, reader::RequestType::bundle_info, request.error()));
        return;
    }
    if (std::optional<std::string> answer = take_prepared(request.value())) {
        js_core_respond(answer->c_str());
        return;
    }
    reader::HandleContext context;
    context.progress = [](reader::Response partial) { respond(partial); };
    respond(core().handle(request.value(), context));
}

// Opens the bundle source `name` trusting `publishers` (public keys, one
// per line, as the page's config names them) and answers the requests the
// UI makes first (reader::handle_first_requests), keeping the answers for
// when it asks. The Worker calls it while the page's thread is still busy
// starting the UI, so these answers are ready when asked for. Answers
// nothing itself.
EMSCRIPTEN_KEEPALIVE void sitepack_core_prepare(const char* name, const char* publishers) {
    reader::OpenBundleRequest open{name ? name : "", {}};
    const std::string lines = publishers ? publishers : "";
    for (size_t start = 0; start < lines.size();) {
        const size_t end = std::min(lines.find('\n', start), lines.size());
        if (end > start) open.trusted_publishers.push_back(lines.substr(start, end - start));
        start = end + 1;
    }
    prepared_answers().clear();
    reader::handle_first_requests(core(), open, [](const reader::Request& request, reader::Response response) {
        response.id = 0;
        std::string text = reader::to_json_text(response);
        if (text.compare(0, kIdZero.size(), kIdZero) == 0) prepared_answers().push_back({request_key(request), std::move(text)});
    });
}

// The bundle's read_first pages (Bundle::pages_read_first), for the Worker
// to fetch before the bundle is opened; "" when it has none or they cannot
// be read (the Worker then just reads as SQLite asks). Valid until the next
// call.
EMSCRIPTEN_KEEPALIVE const char* sitepack_core_read_first(const char* name) {
    static std::string pages;
    Result<std::string> read = Bundle::pages_read_first(name ? name : "");
    pages = read ? read.value() : std::string();
    return pages.c_str();
}

// Bytes the bundle's reads have asked of the byte sources so far.
EMSCRIPTEN_KEEPALIVE double sitepack_core_bytes_read() { return sitepack::web::js_source_bytes_read(); }

}  // extern "C"
