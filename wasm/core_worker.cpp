// core_worker.cpp: the reading core of the browser reader, in a Web Worker.
//
// The worker script (web/core-worker.js) hands each request's JSON text to
// sitepack_core_handle(); every response, partial or final, goes back
// through Module.sitepackCoreRespond(jsonText). Requests are served one at
// a time, synchronously: the Worker is the core's thread.
#include <string>

#include <emscripten.h>

#include "js_source_vfs.h"
#include "sitepack/reader_core.h"
#include "sitepack/reader_messages.h"

using namespace sitepack;

EM_JS(void, js_core_respond, (const char* text), {
    var respond = Module.sitepackCoreRespond;
    if (typeof respond === 'function') respond(UTF8ToString(text));
    else err('sitepack-core: Module.sitepackCoreRespond is not set; a response was dropped');
});

// Bundle::open checks the file's first bytes and size with stdio before
// SQLite opens it, so the source also appears in the Worker's in-memory
// filesystem as a lazy file whose reads go to the same JS byte source
// (nothing is copied in). Returns 1 when the source exists.
EM_JS(int, js_mount_source, (const char* name_ptr), {
    var name = UTF8ToString(name_ptr);
    var size = typeof Module.sitepackSourceSize === 'function' ? Module.sitepackSourceSize(name) : -1;
    if (!(typeof size === 'number' && size >= 0)) return 0;
    var path = name.charAt(0) === '/' ? name : '/' + name;
    var cut = path.lastIndexOf('/');
    var folder = cut > 0 ? path.substring(0, cut) : '/';
    var base = path.substring(cut + 1);
    if (!base) return 0;
    try {
        if (folder !== '/') FS.mkdirTree(folder);
        try { FS.unlink(path); } catch (e) {}
        var node = FS.createFile(folder, base, {}, true, false);
        Object.defineProperties(node, {usedBytes: {get: function() { return size; }}});
        var ops = {};
        Object.keys(node.stream_ops).forEach(function(key) { ops[key] = node.stream_ops[key]; });
        ops.read = function(stream, buffer, offset, length, position) {
            if (position >= size) return 0;
            var wanted = Math.min(size - position, length);
            if (buffer.buffer === HEAPU8.buffer) {
                var got = Module.sitepackSourceRead(name, position, wanted, buffer.byteOffset + offset);
                if (got < 0) throw new FS.ErrnoError(29);  // EIO
                return got;
            }
            var temp = _malloc(wanted);
            try {
                var got2 = Module.sitepackSourceRead(name, position, wanted, temp);
                if (got2 < 0) throw new FS.ErrnoError(29);
                buffer.set(HEAPU8.subarray(temp, temp + got2), offset);
                return got2;
            } finally {
                _free(temp);
            }
        };
        ops.write = function() { throw new FS.ErrnoError(63); };  // EROFS
        node.stream_ops = ops;
        return 1;
    } catch (e) {
        err('sitepack-core: cannot mount ' + name + ': ' + e);
        return 0;
    }
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
    if (auto* open = std::get_if<reader::OpenBundleRequest>(&request->body)) js_mount_source(open->path.c_str());
    reader::HandleContext context;
    context.progress = [](reader::Response partial) { respond(partial); };
    respond(core().handle(request.value(), context));
}

// Bytes the bundle's reads have asked of the byte sources so far.
EMSCRIPTEN_KEEPALIVE double sitepack_core_bytes_read() { return sitepack::web::js_source_bytes_read(); }

}  // extern "C"
