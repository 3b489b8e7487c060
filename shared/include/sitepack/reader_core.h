// reader_core.h: the reader's reading core, between the UI and the bundle.
//
// The UI never blocks a frame on the bundle: it posts requests
// (reader_messages.h) and picks up their responses on later frames.
//
// ReaderCore is the request handler itself: synchronous, single-threaded,
// holding the open Bundle and a small cache of recently decoded pages (so
// going back and forward is instant). In the browser it runs inside the Web
// Worker, fed by JSON text from postMessage:
//
//   ReaderCore core;
//   Result<Request> request = request_from_json_text(message);
//   if (request) post_back(to_json_text(core.handle(request.value(), context)));
//
// CoreThread runs a ReaderCore on its own std::thread for the native reader,
// so a slow USB stick never freezes the window:
//
//   CoreThread core([] { glfwPostEmptyEvent(); });   // wake the UI loop
//   uint64_t asked = core.post(PageRequest{"/about/"});
//   ...each frame:
//   for (Response& response : core.poll()) if (response.id == asked) show(response);
//
// No platform headers: only the standard library's threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "sitepack/reader_messages.h"

namespace sitepack::reader {

// What a long request (verify) may use while it runs. Both may be empty.
struct HandleContext {
    // Receives partial responses (progress) before handle() returns.
    std::function<void(Response)> progress;
    // Asked now and then; once true, the request stops and is answered as
    // cancelled.
    std::function<bool()> cancelled;
};

class ReaderCore {
public:
    static constexpr size_t kDefaultCachedPages = 16;

    // `cached_pages` decoded pages are kept, least recently used dropped first.
    explicit ReaderCore(size_t cached_pages = kDefaultCachedPages);
    ReaderCore(ReaderCore&&) noexcept;
    ReaderCore& operator=(ReaderCore&&) noexcept;
    ~ReaderCore();

    // Answers one request; never throws. Every failure (no bundle open, a
    // damaged page, a bad argument) is an error response whose message
    // names the file, page or URL concerned. Opening a bundle replaces the
    // open one and empties the cache; if opening fails the open one stays.
    // A cancel request answered here finds nothing to cancel (queues are
    // CoreThread's).
    Response handle(const Request& request, const HandleContext& context = {});

    bool has_bundle() const;
    // The open bundle's description, or nullptr.
    const BundleInfo* info() const;
    // Pages held in the cache now.
    size_t cached_pages() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// The requests the reader's UI makes first on opening a bundle
// (shared/ui/reader_app.cpp), in its order: `open`; the regular and bold
// faces (the toolbar's and every title's); the home page; the other faces
// its text is drawn with (layout::faces_used); the home page again by its
// address, as a returning reader's UI resumes there. Each is handled by
// `core` in turn (ids 1, 2, ...) and handed to `answered` with its
// response. Stops after an open that fails, and after the faces when the
// bundle has no home page or it cannot be read. The builder records the
// pages these read (bundle/read_first.h); the browser's core answers them
// ahead while the page is busy starting (wasm/core_worker.cpp).
void handle_first_requests(ReaderCore& core, const OpenBundleRequest& open,
                           const std::function<void(const Request&, Response)>& answered);

// A ReaderCore on its own thread, with a queue of requests in and a list of
// responses out. All methods may be called from any thread.
class CoreThread {
public:
    // `on_response` (may be empty) is called on the core's thread each time
    // a response becomes ready, e.g. to wake an event loop that sleeps.
    explicit CoreThread(std::function<void()> on_response = {},
                        size_t cached_pages = ReaderCore::kDefaultCachedPages);
    CoreThread(const CoreThread&) = delete;
    CoreThread& operator=(const CoreThread&) = delete;
    // Drops the requests still waiting, stops a running verify and joins the
    // thread. Responses not yet polled are dropped.
    ~CoreThread();

    // Queues a request and returns its id (a fresh one when request.id is 0;
    // do not mix chosen ids with given ones). Never blocks on the core.
    // A page request with replace_pending answers older waiting page
    // requests with replace_pending as cancelled; a cancel request is
    // answered at once (the cancelled request too, if it was waiting).
    uint64_t post(Request request);
    uint64_t post(RequestBody body);
    // Several requests at once, in order, before the core picks any up.
    std::vector<uint64_t> post_all(std::vector<Request> requests);

    // Every response ready now, in the order they were made (partial ones
    // included). Never blocks on the core.
    std::vector<Response> poll();

    // Waits up to `timeout` for the final response to request `id` and
    // takes it (other responses stay for poll()). For tests and scripts,
    // not for a UI frame.
    std::optional<Response> wait_for(uint64_t id, std::chrono::milliseconds timeout);

    // Requests waiting or running.
    size_t pending() const;

private:
    void run();
    void deliver(Response response);  // locks
    void post_locked(Request& request, std::vector<Response>& immediate);

    ReaderCore core_;
    std::function<void()> on_response_;
    mutable std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable response_ready_;
    std::deque<Request> queue_;
    std::vector<Response> responses_;
    uint64_t next_id_ = 1;
    uint64_t running_id_ = 0;
    RequestType running_type_ = RequestType::bundle_info;
    bool running_ = false;
    std::atomic<bool> cancel_running_{false};
    std::atomic<bool> stopping_{false};
    std::thread thread_;  // last: starts after everything above exists
};

}  // namespace sitepack::reader
