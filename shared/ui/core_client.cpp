// core_client.cpp: the views' requests, served by the reading core's thread.
#include "core_client.h"

#include <chrono>

#include "sitepack/reader_core.h"

namespace sitepack::ui {

namespace reader_detail {
struct Core {
    explicit Core(std::function<void()> wake) : thread(std::move(wake)) {}
    reader::CoreThread thread;
};
}  // namespace reader_detail

CoreClient::CoreClient(std::function<void()> wake) : wake_(wake), core_(std::make_unique<reader_detail::Core>(std::move(wake))) {
    random_seed_ = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}
CoreClient::~CoreClient() {
    if (fonts_thread_.joinable()) fonts_thread_.join();
}

void CoreClient::read_fonts(uint64_t id, std::string path) {
    CoreResponse response;
    response.id = id;
    response.kind = RequestKind::fonts;
    auto bundle = Bundle::open(path);
    if (!bundle) {
        response.status = bundle.status();
    } else {
        auto fonts = bundle->fonts();
        if (!fonts) response.status = fonts.status(); else response.fonts = std::move(fonts).value();
    }
    {
        std::lock_guard<std::mutex> lock(fonts_mutex_);
        fonts_ready_.push_back(std::move(response));
    }
    if (wake_) wake_();
}

uint64_t CoreClient::post(CoreRequest request) {
    reader::RequestBody body;
    switch (request.kind) {
    case RequestKind::open_bundle: body = reader::OpenBundleRequest{request.text}; break;
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
        if (fonts_thread_.joinable()) fonts_thread_.join();
        const uint64_t id = next_fonts_id_++;
        request.id = id;
        waiting_[id] = request;
        fonts_thread_ = std::thread(&CoreClient::read_fonts, this, id, request.text);
        return id;
    }
    }
    request.id = core_->thread.post(std::move(body));
    waiting_[request.id] = request;
    return request.id;
}

std::vector<CoreResponse> CoreClient::poll() {
    std::vector<CoreResponse> out;
    out.swap(ready_);
    {
        std::lock_guard<std::mutex> lock(fonts_mutex_);
        for (CoreResponse& response : fonts_ready_) {
            waiting_.erase(response.id);
            out.push_back(std::move(response));
        }
        fonts_ready_.clear();
    }
    for (reader::Response& answer : core_->thread.poll()) {
        if (answer.partial) continue;  // verify progress: not shown yet
        auto asked = waiting_.find(answer.id);
        if (asked == waiting_.end()) continue;
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
        if (auto* record = answer.get<PageRecord>()) {
            // A random page is answered with its record; ask for the page itself.
            CoreRequest follow;
            follow.kind = RequestKind::page_by_id;
            follow.number = record->id;
            follow.id = core_->thread.post(reader::PageRequest{"", record->id, true});
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
