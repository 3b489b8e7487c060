// core_client.cpp: the views' requests, carried to the reading core by the platform's channel.
#include "core_client.h"

#include <algorithm>
#include <chrono>


namespace sitepack::ui {

CoreClient::CoreClient(std::unique_ptr<CoreChannel> channel, std::function<std::vector<std::string>()> trusted_publishers)
    : channel_(std::move(channel)), trusted_publishers_(std::move(trusted_publishers)) {
    random_seed_ = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}
CoreClient::~CoreClient() = default;

uint64_t CoreClient::post(CoreRequest request) {
    reader::RequestBody body;
    switch (request.kind) {
    case RequestKind::open_bundle:
        // Asked at each open: the browser learns its pins from config.json
        // after the reader has started.
        body = reader::OpenBundleRequest{request.text, trusted_publishers_ ? trusted_publishers_() : std::vector<std::string>{}};
        break;
    case RequestKind::page_by_url: body = reader::PageRequest{request.text, 0, true}; break;
    case RequestKind::page_by_id: body = reader::PageRequest{"", request.number, true}; break;
    case RequestKind::random_page: body = reader::RandomPageRequest{random_seed_++}; break;
    case RequestKind::search: body = reader::SearchRequest{request.text, request.offset, request.limit}; break;
    case RequestKind::suggest: body = reader::SuggestRequest{request.text, static_cast<int32_t>(request.limit)}; break;
    case RequestKind::terms: body = reader::TermsRequest{request.text}; break;
    case RequestKind::pages_with_term: body = reader::PagesWithTermRequest{request.number}; break;
    case RequestKind::list_pages: body = reader::ListPagesRequest{request.offset, request.limit, request.flag, "article"}; break;
    case RequestKind::image: body = reader::ImageRequest{request.number}; break;
    case RequestKind::verify: body = reader::VerifyRequest{}; break;
    case RequestKind::fonts: {
        reader::FontsRequest fonts;  // request.text: faces separated by commas, "" for all
        for (size_t start = 0; start < request.text.size();) {
            const size_t comma = std::min(request.text.find(',', start), request.text.size());
            if (comma > start) fonts.faces.push_back(request.text.substr(start, comma - start));
            start = comma + 1;
        }
        body = std::move(fonts);
        break;
    }
    }
    request.id = channel_->post(reader::Request{0, std::move(body)});
    waiting_[request.id] = request;
    return request.id;
}

std::vector<CoreResponse> CoreClient::poll() {
    std::vector<CoreResponse> out;
    out.swap(ready_);
    for (reader::Response& answer : channel_->poll()) {
        auto asked = waiting_.find(answer.id);
        if (asked == waiting_.end()) continue;
        if (answer.partial) {
            // Verify progress: the request stays waiting for its report.
            if (auto* progress = answer.get<reader::VerifyProgress>()) {
                CoreResponse update;
                update.id = answer.id;
                update.kind = asked->second.kind;
                update.partial = true;
                update.done = progress->done;
                update.total = progress->total;
                out.push_back(std::move(update));
            }
            continue;
        }
        const CoreRequest request = asked->second;
        waiting_.erase(asked);
        CoreResponse response;
        response.id = answer.id;
        response.kind = request.kind;
        if (answer.cancelled) continue;  // superseded by a newer page request: nobody waits for it
        if (!answer.ok) {
            response.status = Status(answer.error_code == ErrorCode::ok ? ErrorCode::internal : answer.error_code, answer.error_message);
            out.push_back(std::move(response));
            continue;
        }
        if (auto* info = answer.get<BundleInfo>()) response.info = *info;
        if (auto* content = answer.get<reader::PageContent>()) {
            response.page = content->page;
            if (content->document) response.document = *content->document;
        }
        if (auto* results = answer.get<SearchResults>()) response.search = std::move(*results);
        if (auto* list = answer.get<reader::PageList>()) response.pages = std::move(list->pages);
        if (auto* terms = answer.get<reader::TermList>()) response.terms = std::move(terms->terms);
        if (auto* image = answer.get<ImageRecord>()) response.image = std::move(*image);
        if (auto* report = answer.get<VerifyReport>()) response.verify = std::move(*report);
        if (auto* fonts = answer.get<reader::FontList>()) response.fonts = std::move(fonts->fonts);
        if (auto* record = answer.get<PageRecord>()) {
            // A random page is answered with its record; ask for the page itself.
            CoreRequest follow;
            follow.kind = RequestKind::page_by_id;
            follow.number = record->id;
            follow.id = channel_->post(reader::Request{0, reader::PageRequest{"", record->id, true}});
            waiting_[follow.id] = follow;
            // The views wait for the random request's id: keep it pointing there.
            random_follow_[follow.id] = response.id;
            continue;
        }
        auto followed = random_follow_.find(response.id);
        if (followed != random_follow_.end()) {
            response.id = followed->second;
            response.kind = RequestKind::random_page;
            random_follow_.erase(followed);
        }
        out.push_back(std::move(response));
    }
    return out;
}

bool CoreClient::busy() const { return !waiting_.empty() || !ready_.empty(); }

}  // namespace sitepack::ui
