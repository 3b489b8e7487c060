#include "sitepack/reader_core.h"

#include <list>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "sitepack/text_layout.h"

namespace sitepack::reader {

// [SECTION] ReaderCore -------------------------------------------------------
namespace {

Error no_bundle() { return Error{ErrorCode::invalid_argument, "no bundle is open: open one first"}; }

Error negative(const char* what, int64_t value) {
    return Error{ErrorCode::invalid_argument, std::string(what) + " must be 0 or more, not " + std::to_string(value)};
}

// Spreads neighbouring seeds over the whole range (splitmix64).
uint64_t mix(uint64_t seed) {
    uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// The last few decoded pages, most recently used first.
class PageCache {
public:
    explicit PageCache(size_t capacity) : capacity_(capacity) {}

    const PageContent* find(int64_t page_id) {
        auto found = index_.find(page_id);
        if (found == index_.end()) return nullptr;
        entries_.splice(entries_.begin(), entries_, found->second);
        return &found->second->second;
    }

    void insert(const PageContent& content) {
        if (capacity_ == 0) return;
        if (auto found = index_.find(content.page.id); found != index_.end()) {
            entries_.erase(found->second);
            index_.erase(found);
        }
        entries_.emplace_front(content.page.id, content);
        index_[content.page.id] = entries_.begin();
        while (entries_.size() > capacity_) {
            index_.erase(entries_.back().first);
            entries_.pop_back();
        }
    }

    void clear() {
        entries_.clear();
        index_.clear();
    }
    size_t size() const { return entries_.size(); }

private:
    size_t capacity_;
    std::list<std::pair<int64_t, PageContent>> entries_;
    std::unordered_map<int64_t, std::list<std::pair<int64_t, PageContent>>::iterator> index_;
};

}  // namespace

struct ReaderCore::State {
    explicit State(size_t cached_pages) : cache(cached_pages) {}

    std::optional<Bundle> bundle;
    PageCache cache;

    Result<Payload> open(const OpenBundleRequest& request) {
        OpenOptions options;
        for (const std::string& line : request.trusted_publishers)
            if (Result<signing::PublicKey> key = signing::parse_public_key(line)) options.trusted_publishers.push_back(key.value());
        Result<Bundle> opened = Bundle::open(request.path, options);
        if (!opened) return opened.error();
        bundle.emplace(std::move(opened).value());
        cache.clear();
        return Payload{bundle->info()};
    }

    Result<Payload> info(const BundleInfoRequest&) { return Payload{bundle->info()}; }

    Result<Payload> page(const PageRequest& request) {
        Result<PageRecord> record = request.page_id != 0 ? bundle->page(request.page_id)
                                    : !request.url_or_path.empty()
                                        ? bundle->find_page(request.url_or_path)
                                        : Result<PageRecord>(ErrorCode::invalid_argument, "a page request needs a URL, a path or a page id");
        if (!record) return record.error();
        if (const PageContent* cached = cache.find(record->id)) return Payload{*cached};

        PageContent content;
        content.page = std::move(record).value();
        Result<doc::Document> document = bundle->read_document(content.page.id);
        if (!document) return document.error();
        content.document = std::make_shared<const doc::Document>(std::move(document).value());
        content.verified = true;  // read_document checked the body against its hash
        Result<std::vector<Term>> terms = bundle->page_terms(content.page.id);
        if (!terms) return terms.error();
        content.terms = std::move(terms).value();
        cache.insert(content);
        return Payload{std::move(content)};
    }

    Result<Payload> search(const SearchRequest& request) {
        if (request.offset < 0) return negative("the search offset", request.offset);
        if (request.limit < 0) return negative("the search limit", request.limit);
        Result<SearchResults> results = bundle->search(request.query, request.offset, request.limit);
        if (!results) return results.error();
        return Payload{std::move(results).value()};
    }

    static Result<Payload> page_list(Result<std::vector<PageRecord>> pages) {
        if (!pages) return pages.error();
        PageList list;
        list.pages = std::move(pages).value();
        list.total = static_cast<int64_t>(list.pages.size());
        return Payload{std::move(list)};
    }

    Result<Payload> suggest(const SuggestRequest& request) {
        if (request.limit < 0) return negative("the suggestion limit", request.limit);
        return page_list(bundle->suggest_titles(request.prefix, request.limit));
    }

    Result<Payload> terms(const TermsRequest& request) {
        if (!request.kind.empty() && request.kind != "category" && request.kind != "tag")
            return Error{ErrorCode::invalid_argument, "term kind \"" + request.kind + "\" is not \"category\", \"tag\" or \"\""};
        Result<std::vector<Term>> terms = bundle->terms(request.kind);
        if (!terms) return terms.error();
        return Payload{TermList{std::move(terms).value()}};
    }

    Result<Payload> pages_with_term(const PagesWithTermRequest& request) {
        return page_list(bundle->pages_with_term(request.term_id));
    }

    Result<Payload> month_archive(const MonthArchiveRequest&) {
        Result<std::vector<MonthCount>> months = bundle->months();
        if (!months) return months.error();
        return Payload{MonthList{std::move(months).value()}};
    }

    Result<Payload> pages_in_month(const PagesInMonthRequest& request) {
        return page_list(bundle->pages_in_month(request.month));
    }

    Result<Payload> list_pages(const ListPagesRequest& request) {
        const BundleInfo& info = bundle->info();
        int64_t total;
        if (request.kind.empty()) total = info.page_count;
        else if (request.kind == "article") total = info.article_count;
        else if (request.kind == "listing") total = info.listing_count;
        else return Error{ErrorCode::invalid_argument, "page kind \"" + request.kind + "\" is not \"article\", \"listing\" or \"\""};
        if (request.offset < 0) return negative("the list offset", request.offset);
        if (request.limit < 0) return negative("the list limit", request.limit);
        Result<Payload> list = page_list(bundle->list_pages(request.offset, request.limit, request.by_date, request.kind));
        if (list)
            if (auto* pages = std::get_if<PageList>(&list.value())) pages->total = total;
        return list;
    }

    Result<Payload> random_page(const RandomPageRequest& request) {
        const BundleInfo& info = bundle->info();
        // Articles, unless the bundle holds none.
        const char* kind = info.article_count > 0 ? "article" : "";
        int64_t count = info.article_count > 0 ? info.article_count : info.page_count;
        int64_t offset = count > 0 ? static_cast<int64_t>(mix(request.seed) % static_cast<uint64_t>(count)) : 0;
        Result<std::vector<PageRecord>> chosen = bundle->list_pages(offset, 1, false, kind);
        // The counts come from the metadata; should they overstate, take the first.
        if (chosen && chosen->empty() && offset > 0) chosen = bundle->list_pages(0, 1, false, kind);
        if (!chosen) return chosen.error();
        if (chosen->empty()) return Error{ErrorCode::not_found, info.path + " holds no pages"};
        return Payload{std::move(chosen->front())};
    }

    Result<Payload> image(const ImageRequest& request) {
        Result<ImageRecord> image = bundle->image(request.image_id);
        if (!image) return image.error();
        return Payload{std::move(image).value()};
    }

    Result<Payload> verify(uint64_t id, const VerifyRequest&, const HandleContext& context) {
        // A partial response each time another percent is done, not one per page.
        int64_t last_percent = -1;
        auto progress = [&](int64_t done, int64_t total) {
            if (!context.progress) return;
            int64_t percent = total > 0 ? done * 100 / total : 100;
            if (percent == last_percent) return;
            last_percent = percent;
            Response partial = Response::success(id, RequestType::verify, VerifyProgress{done, total});
            partial.partial = true;
            context.progress(std::move(partial));
        };
        Result<VerifyReport> report = bundle->verify(progress, context.cancelled);
        if (!report) return report.error();
        return Payload{std::move(report).value()};
    }

    Result<Payload> cancel(const CancelRequest& request) { return Payload{CancelOutcome{request.id, false}}; }

    Result<Payload> fonts(const FontsRequest& request) {
        Result<std::vector<FontRecord>> fonts = bundle->fonts(request.faces);
        if (!fonts) return fonts.error();
        return Payload{FontList{std::move(fonts).value()}};
    }
};

ReaderCore::ReaderCore(size_t cached_pages) : state_(std::make_unique<State>(cached_pages)) {}
ReaderCore::ReaderCore(ReaderCore&&) noexcept = default;
ReaderCore& ReaderCore::operator=(ReaderCore&&) noexcept = default;
ReaderCore::~ReaderCore() = default;

bool ReaderCore::has_bundle() const { return state_->bundle.has_value(); }
const BundleInfo* ReaderCore::info() const { return state_->bundle ? &state_->bundle->info() : nullptr; }
size_t ReaderCore::cached_pages() const { return state_->cache.size(); }

Response ReaderCore::handle(const Request& request, const HandleContext& context) {
    State& s = *state_;
    RequestType type = request.type();
    Result<Payload> answer = std::visit(
        [&](const auto& body) -> Result<Payload> {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, OpenBundleRequest>) return s.open(body);
            else if constexpr (std::is_same_v<T, CancelRequest>) return s.cancel(body);
            else {
                if (!s.bundle) return no_bundle();
                if constexpr (std::is_same_v<T, BundleInfoRequest>) return s.info(body);
                else if constexpr (std::is_same_v<T, PageRequest>) return s.page(body);
                else if constexpr (std::is_same_v<T, SearchRequest>) return s.search(body);
                else if constexpr (std::is_same_v<T, SuggestRequest>) return s.suggest(body);
                else if constexpr (std::is_same_v<T, TermsRequest>) return s.terms(body);
                else if constexpr (std::is_same_v<T, PagesWithTermRequest>) return s.pages_with_term(body);
                else if constexpr (std::is_same_v<T, MonthArchiveRequest>) return s.month_archive(body);
                else if constexpr (std::is_same_v<T, PagesInMonthRequest>) return s.pages_in_month(body);
                else if constexpr (std::is_same_v<T, ListPagesRequest>) return s.list_pages(body);
                else if constexpr (std::is_same_v<T, RandomPageRequest>) return s.random_page(body);
                else if constexpr (std::is_same_v<T, ImageRequest>) return s.image(body);
                else if constexpr (std::is_same_v<T, VerifyRequest>) return s.verify(request.id, body, context);
                else if constexpr (std::is_same_v<T, FontsRequest>) return s.fonts(body);
                else static_assert(!sizeof(T), "every request type has a handler");
            }
        },
        request.body);
    if (context.cancelled && type == RequestType::verify && context.cancelled())
        return Response::cancellation(request.id, type, "request " + std::to_string(request.id) + " was cancelled");
    if (!answer) return Response::failure(request.id, type, answer.error());
    return Response::success(request.id, type, std::move(answer).value());
}

// [SECTION] CoreThread -------------------------------------------------------
CoreThread::CoreThread(std::function<void()> on_response, size_t cached_pages)
    : core_(cached_pages), on_response_(std::move(on_response)), thread_([this] { run(); }) {}

CoreThread::~CoreThread() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        cancel_running_ = true;
        queue_.clear();
    }
    work_ready_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void CoreThread::post_locked(Request& request, std::vector<Response>& immediate) {
    if (request.id == 0) request.id = next_id_++;
    if (const auto* page = std::get_if<PageRequest>(&request.body); page && page->replace_pending) {
        for (auto it = queue_.begin(); it != queue_.end();) {
            const auto* older = std::get_if<PageRequest>(&it->body);
            if (older && older->replace_pending) {
                immediate.push_back(Response::cancellation(
                    it->id, RequestType::page,
                    "page request " + std::to_string(it->id) + " was replaced by page request " + std::to_string(request.id)));
                it = queue_.erase(it);
            } else {
                ++it;
            }
        }
    }
    if (const auto* cancel = std::get_if<CancelRequest>(&request.body)) {
        // Answered here, at once: the core's thread may be busy for a while.
        CancelOutcome outcome{cancel->id, false};
        for (auto it = queue_.begin(); it != queue_.end(); ++it) {
            if (it->id == cancel->id) {
                immediate.push_back(Response::cancellation(it->id, it->type(),
                                                           "request " + std::to_string(it->id) + " was cancelled"));
                queue_.erase(it);
                outcome.found = true;
                break;
            }
        }
        if (!outcome.found && running_ && running_id_ == cancel->id) {
            cancel_running_ = true;  // run() answers it as cancelled when it returns
            outcome.found = true;
        }
        immediate.push_back(Response::success(request.id, RequestType::cancel, outcome));
        return;
    }
    queue_.push_back(std::move(request));
}

uint64_t CoreThread::post(Request request) {
    std::vector<uint64_t> ids = post_all({std::move(request)});
    return ids.front();
}

uint64_t CoreThread::post(RequestBody body) { return post(Request{0, std::move(body)}); }

std::vector<uint64_t> CoreThread::post_all(std::vector<Request> requests) {
    std::vector<uint64_t> ids;
    std::vector<Response> immediate;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (Request& request : requests) {
            post_locked(request, immediate);
            ids.push_back(request.id);
        }
        for (Response& response : immediate) responses_.push_back(std::move(response));
    }
    work_ready_.notify_one();
    if (!immediate.empty()) {
        response_ready_.notify_all();
        if (on_response_) on_response_();
    }
    return ids;
}

std::vector<Response> CoreThread::poll() {
    std::vector<Response> ready;
    std::lock_guard<std::mutex> lock(mutex_);
    ready.swap(responses_);
    return ready;
}

std::optional<Response> CoreThread::wait_for(uint64_t id, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto final_answer = [&] {
        for (auto it = responses_.begin(); it != responses_.end(); ++it)
            if (it->id == id && !it->partial) return it;
        return responses_.end();
    };
    if (!response_ready_.wait_for(lock, timeout, [&] { return final_answer() != responses_.end(); })) return std::nullopt;
    auto found = final_answer();
    Response response = std::move(*found);
    responses_.erase(found);
    return response;
}

size_t CoreThread::pending() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size() + (running_ ? 1 : 0);
}

void CoreThread::deliver(Response response) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        responses_.push_back(std::move(response));
    }
    response_ready_.notify_all();
    if (on_response_) on_response_();
}

void CoreThread::run() {
    HandleContext context;
    context.progress = [this](Response partial) { deliver(std::move(partial)); };
    context.cancelled = [this] { return cancel_running_.load() || stopping_.load(); };
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        work_ready_.wait(lock, [&] { return stopping_.load() || !queue_.empty(); });
        if (stopping_) return;
        Request request = std::move(queue_.front());
        queue_.pop_front();
        running_ = true;
        running_id_ = request.id;
        running_type_ = request.type();
        cancel_running_ = false;
        lock.unlock();

        Response response = core_.handle(request, context);

        lock.lock();
        if (cancel_running_ && !response.cancelled)
            response = Response::cancellation(request.id, running_type_, "request " + std::to_string(request.id) + " was cancelled");
        running_ = false;
        running_id_ = 0;
        bool stop = stopping_;
        if (!stop) responses_.push_back(std::move(response));
        lock.unlock();
        if (!stop) {
            response_ready_.notify_all();
            if (on_response_) on_response_();
        }
        lock.lock();
    }
}

void handle_first_requests(ReaderCore& core, const OpenBundleRequest& open,
                           const std::function<void(const Request&, Response)>& answered) {
    uint64_t next_id = 1;
    // Handles one request and hands it on with its answer; true if it was answered ok.
    auto ask = [&](RequestBody body) {
        const Request request{next_id++, std::move(body)};
        Response response = core.handle(request);
        const bool ok = response.ok;
        answered(request, std::move(response));
        return ok;
    };
    if (!ask(open)) return;
    ask(FontsRequest{{"regular", "bold"}});  // a bundle without fonts answers with none
    const BundleInfo* info = core.info();
    if (!info || info->home_page_id <= 0) return;
    // What the next requests need of the home page, read before its answer
    // is handed on.
    const Request home_request{next_id++, PageRequest{"", info->home_page_id, true}};
    Response home = core.handle(home_request);
    const auto* content = home.ok ? std::get_if<PageContent>(&home.payload) : nullptr;
    std::vector<std::string> faces;
    std::string address;
    if (content && content->document) {
        // The header's meta line is the date and the author: digits and
        // names, in the faces of the author's name.
        for (std::string& face : layout::faces_used(*content->document, content->page.title, content->page.author).names())
            if (face != "regular" && face != "bold") faces.push_back(std::move(face));
        address = content->page.url;
    }
    answered(home_request, std::move(home));
    if (address.empty()) return;
    if (!faces.empty()) ask(FontsRequest{std::move(faces)});
    ask(PageRequest{address, 0, true});
}

}  // namespace sitepack::reader
