// core_worker.cpp: the reading core of the browser reader, in a Web Worker.
//
// The worker script (web/core-worker.js) hands each request's JSON text to
// sitepack_core_handle(); every response, partial or final, goes back
// through Module.sitepackCoreRespond(jsonText). Requests are served one at
// a time, synchronously: the Worker is the core's thread.
#include <string>

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
    reader::HandleContext context;
    context.progress = [](reader::Response partial) { respond(partial); };
    respond(core().handle(request.value(), context));
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
