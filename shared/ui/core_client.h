// core_client.h: the views' only way to reach the bundle.
//
// Asynchronous by contract: the views post requests and collect responses
// once per frame, never waiting on I/O inside a frame. Requests go to the
// reading core (sitepack/reader_core.h) through the platform's CoreChannel
// (a thread natively, a Web Worker in the browser); this adapter keeps the
// views' code free of the message variants.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sitepack/bundle.h"
#include "sitepack/document.h"
#include "sitepack/result.h"
#include "sitepack/ui/core_channel.h"

namespace sitepack::ui {

enum class RequestKind {
    open_bundle,      // text = path
    page_by_url,      // text = URL or path
    page_by_id,       // number = page id
    random_page,      // an article chosen at random
    search,           // text = query, offset, limit
    suggest,          // text = typed prefix, limit
    terms,            // text = "category", "tag" or ""
    pages_with_term,  // number = term id
    list_pages,       // offset, limit, flag = newest first
    image,            // number = image id
    verify,
    fonts,            // the open bundle's embedded fonts (none when it has none)
};

struct CoreRequest {
    uint64_t id = 0;
    RequestKind kind = RequestKind::open_bundle;
    std::string text;
    int64_t number = 0;
    int64_t offset = 0;
    int64_t limit = 0;
    bool flag = false;
};

struct CoreResponse {
    uint64_t id = 0;
    RequestKind kind = RequestKind::open_bundle;
    Status status;                       // failure: message for the reader
    BundleInfo info;                     // open_bundle
    PageRecord page;                     // page_* (filled even when the body is damaged, if known)
    std::optional<doc::Document> document;
    SearchResults search;                // search
    std::vector<PageRecord> pages;       // suggest, pages_with_term, list_pages
    std::vector<Term> terms;             // terms
    ImageRecord image;                   // image
    VerifyReport verify;                 // verify
    // verify: a progress report while the check runs (more responses
    // follow with the same id; the last one has partial false).
    bool partial = false;
    int64_t done = 0, total = 0;
    std::vector<FontRecord> fonts;       // fonts
};

class CoreClient {
public:
    // Requests travel over `channel` (never null). `trusted_publishers`, if
    // set, gives the publisher keys the reader pins (Platform::
    // trusted_publishers); they go with every request to open a bundle.
    explicit CoreClient(std::unique_ptr<CoreChannel> channel,
                        std::function<std::vector<std::string>()> trusted_publishers = {});
    ~CoreClient();

    // Queues a request; returns its id.
    uint64_t post(CoreRequest request);

    // Responses finished since the last call, in request order.
    std::vector<CoreResponse> poll();

    // True while requests are pending (the frame loop keeps drawing).
    bool busy() const;

private:
    std::unique_ptr<CoreChannel> channel_;
    std::function<std::vector<std::string>()> trusted_publishers_;
    std::map<uint64_t, CoreRequest> waiting_;  // posted, not yet answered
    std::vector<CoreResponse> ready_;          // answered, for the next poll()
    std::map<uint64_t, uint64_t> random_follow_;  // page request -> the random request it completes
    uint64_t random_seed_ = 0;
};

}  // namespace sitepack::ui
