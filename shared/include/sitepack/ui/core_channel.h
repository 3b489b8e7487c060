// core_channel.h: how the views' requests reach the reading core.
//
// The views (shared/ui) only post reader::Requests and poll for
// reader::Responses once per frame; what carries them is the platform's
// business. Natively the core runs on a thread of the reader's own
// (make_thread_channel, over reader::CoreThread); in the browser it runs in
// a Web Worker and the messages cross postMessage as JSON text (wasm/).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "sitepack/reader_messages.h"

namespace sitepack::ui {

class CoreChannel {
public:
    virtual ~CoreChannel() = default;

    // Sends a request; returns its id (a fresh one when request.id is 0).
    // Never blocks on the core.
    virtual uint64_t post(reader::Request request) = 0;

    // Every response that arrived since the last call, partial ones
    // included, in arrival order. Never blocks on the core.
    virtual std::vector<reader::Response> poll() = 0;
};

// The native channel: a reader::CoreThread. `wake` is called on the core's
// thread each time a response is ready (to wake a sleeping event loop).
std::unique_ptr<CoreChannel> make_thread_channel(std::function<void()> wake);

}  // namespace sitepack::ui
