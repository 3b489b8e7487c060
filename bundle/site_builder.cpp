#include "site_builder.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zdict.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "bundle_writer.h"
#include "charset.h"
#include "font_subset.h"
#include "image_probe.h"
#include "mirror_reader.h"
#include "page_extractor.h"
#include "read_first.h"
#include "sitepack/bundle_format.h"
#include "sitepack/document.h"
#include "sitepack/search_text.h"
#include "sitepack/url.h"
#include "warc_reader.h"

namespace sitepack::build {
namespace fs = std::filesystem;

// [SECTION] What the first pass collects -------------------------------------
namespace {

struct PageEntry {
    std::string key;          // canonical URL the page is stored under
    std::string fetched_key;  // canonical URL it was fetched from
    std::string origin;
    ExtractedPage page;       // body moved out into `body`
    std::string body;         // encoded document, links unresolved until linking
};

struct ImageEntry {
    std::string key;
    ImageProbe probe;
    std::string content;
};

struct RedirectEntry {
    std::string target;  // absolute URL
    std::string reason;  // "http 301", "meta refresh", "canonical", "shortlink"
};

// Everything gathered from the inputs, guarded by one mutex while workers run.
struct Collected {
    std::mutex mutex;
    std::vector<PageEntry> pages;
    std::map<std::string, ImageEntry> images;
    std::map<std::string, RedirectEntry> redirects;
    std::map<std::string, int64_t> skipped;
    std::vector<std::string> warnings;
    int64_t bytes_in = 0;
    int64_t records = 0;
};

bool is_html_type(const std::string& content_type, std::string_view body) {
    std::string type = content_type.substr(0, content_type.find(';'));
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    if (type == "text/html" || type == "application/xhtml+xml") return true;
    if (!type.empty()) return false;
    // Unknown type: sniff like a browser would.
    std::string head(body.substr(0, 512));
    for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return head.find("<html") != std::string::npos || head.find("<!doctype html") != std::string::npos ||
           head.find("<head") != std::string::npos || head.find("<body") != std::string::npos;
}

bool is_image_type(const std::string& content_type, std::string_view body) {
    if (content_type.rfind("image/", 0) == 0) return true;
    return content_type.empty() && looks_like_image(body);
}

// A bounded queue between the thread reading inputs and the extractors, so
// memory stays flat however large the inputs are.
class RecordQueue {
public:
    explicit RecordQueue(size_t capacity) : capacity_(capacity) {}
    void push(SourceRecord&& record) {
        std::unique_lock<std::mutex> lock(mutex_);
        space_.wait(lock, [&] { return queue_.size() < capacity_; });
        queue_.push_back(std::move(record));
        ready_.notify_one();
    }
    bool pop(SourceRecord& record) {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || closed_; });
        if (queue_.empty()) return false;
        record = std::move(queue_.front());
        queue_.pop_front();
        space_.notify_one();
        return true;
    }
    void close() {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        ready_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_, space_;
    std::deque<SourceRecord> queue_;
    size_t capacity_;
    bool closed_ = false;
};

void count_skip(Collected& collected, const std::string& reason) {
    std::lock_guard<std::mutex> lock(collected.mutex);
    ++collected.skipped[reason];
}

// Extracts one HTML record; runs on a worker thread.
void extract_record(SourceRecord& record, Collected& collected) {
    Result<DecodedText> text = decode_to_utf8(record.body, record.content_type);
    if (!text) {
        count_skip(collected, "page whose text could not be decoded");
        return;
    }
    Result<ExtractedPage> extracted = extract_page(text->utf8, record.url);
    if (!extracted) {
        std::lock_guard<std::mutex> lock(collected.mutex);
        ++collected.skipped["page that could not be parsed"];
        collected.warnings.push_back(record.origin + ": " + extracted.error().message);
        return;
    }
    std::string fetched_key = url::canonical_url(record.url);
    ExtractedPage& page = extracted.value();
    if (!page.redirect_to.empty()) {
        std::lock_guard<std::mutex> lock(collected.mutex);
        collected.redirects.emplace(fetched_key, RedirectEntry{page.redirect_to, "meta refresh"});
        return;
    }
    PageEntry entry;
    entry.fetched_key = fetched_key;
    entry.key = fetched_key;
    // A page that names another URL of the same site as canonical is stored
    // under that URL (e.g. "/?p=123" naming its permalink).
    if (!page.canonical_url.empty()) {
        std::string canonical = url::canonical_url(page.canonical_url);
        auto canonical_parts = url::parse(canonical), fetched_parts = url::parse(fetched_key);
        if (!canonical.empty() && canonical_parts && fetched_parts && canonical_parts->host == fetched_parts->host)
            entry.key = canonical;
    }
    entry.origin = record.origin;
    entry.body = doc::encode_document(page.body);
    page.body = doc::Document();
    entry.page = std::move(page);
    std::lock_guard<std::mutex> lock(collected.mutex);
    collected.pages.push_back(std::move(entry));
}

// Sorts one record into pages, images, redirects or skipped; runs on the
// reading thread, handing pages to the workers.
Status route_record(SourceRecord&& record, Collected& collected, RecordQueue& queue) {
    {
        std::lock_guard<std::mutex> lock(collected.mutex);
        ++collected.records;
        collected.bytes_in += static_cast<int64_t>(record.body.size());
    }
    std::string key = url::canonical_url(record.url);
    if (key.empty()) {
        count_skip(collected, "not a web address");
        return {};
    }
    if (record.status >= 300 && record.status < 400 && !record.location.empty()) {
        std::string target = url::resolve(record.url, record.location);
        std::lock_guard<std::mutex> lock(collected.mutex);
        if (!target.empty() && url::canonical_url(target) != key)
            collected.redirects.emplace(key, RedirectEntry{target, "http " + std::to_string(record.status)});
        return {};
    }
    if (is_html_type(record.content_type, record.body)) {
        queue.push(std::move(record));
        return {};
    }
    if (is_image_type(record.content_type, record.body)) {
        Result<ImageProbe> probe = probe_image(record.body);
        if (!probe) {
            count_skip(collected, probe.error().message);
            if (probe.code() == ErrorCode::too_large) {  // hostile or absurd: say which file
                std::lock_guard<std::mutex> lock(collected.mutex);
                collected.warnings.push_back(record.origin + ": skipped " + probe.error().message);
            }
            return {};
        }
        std::lock_guard<std::mutex> lock(collected.mutex);
        collected.images.emplace(key, ImageEntry{key, probe.value(), std::move(record.body)});
        return {};
    }
    std::string type = record.content_type.substr(0, record.content_type.find(';'));
    count_skip(collected, "not HTML or an image: " + (type.empty() ? std::string("unknown type") : type));
    return {};
}

// The description worth storing: a page's own summary (a meta description),
// not its opening words, which the body already holds compressed and the
// reader can show from there.
std::string stored_description(const std::string& description, const std::string& indexed_body,
                               const std::string& encoded_body) {
    if (description.empty()) return description;
    std::string opening = description.substr(0, std::min<size_t>(description.size(), 48));
    if (!indexed_body.empty()) return indexed_body.find(opening) == std::string::npos ? description : std::string();
    Result<doc::Document> document = doc::decode_document(encoded_body);
    if (document && doc::plain_text(document.value()).find(opening) != std::string::npos) return std::string();
    return description;
}

int64_t newest_input_time(const std::vector<std::string>& inputs) {
    int64_t newest = 0;
    for (const std::string& input : inputs) {
        struct stat info {};
        if (::stat(input.c_str(), &info) == 0) newest = std::max<int64_t>(newest, info.st_mtime);
    }
    return newest;
}

std::string iso_date(int64_t seconds) {
    std::time_t time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&time, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

template <class Map>
std::string most_common(const Map& counts) {
    std::string best;
    int64_t best_count = 0;
    for (const auto& [value, count] : counts)
        if (count > best_count) best = value, best_count = count;
    return best;
}

}  // namespace

// [SECTION] Linking: where every link and image leads --------------------------
namespace {

class LinkResolver {
public:
    LinkResolver(const std::map<std::string, int64_t>& page_ids, const std::map<std::string, int64_t>& image_ids,
                 const std::map<std::string, RedirectEntry>& redirects, const std::set<std::string>& site_hosts)
        : page_ids_(page_ids), image_ids_(image_ids), redirects_(redirects), site_hosts_(site_hosts) {}

    // The canonical URL a URL finally leads to, through up to 8 redirects.
    std::string follow(const std::string& absolute) const {
        std::string key = url::canonical_url(absolute);
        for (int hop = 0; hop < 8 && !key.empty(); ++hop) {
            if (page_ids_.count(key) || image_ids_.count(key)) return key;
            auto redirect = redirects_.find(key);
            if (redirect == redirects_.end()) return key;
            key = url::canonical_url(redirect->second.target);
        }
        return key;
    }

    int64_t page_id(const std::string& absolute) const {
        auto found = page_ids_.find(follow(absolute));
        return found == page_ids_.end() ? 0 : found->second;
    }

    void resolve(doc::Link& link) const {
        std::string key = follow(link.url);
        link.page_id = 0;
        if (auto page = page_ids_.find(key); page != page_ids_.end()) {
            link.target = doc::LinkTarget::internal;
            link.page_id = page->second;
        } else if (auto image = image_ids_.find(key); image != image_ids_.end()) {
            link.target = doc::LinkTarget::image;
            link.page_id = image->second;
        } else {
            auto parts = url::parse(link.url);
            bool on_site = parts && url::is_web_url(link.url) && site_hosts_.count(parts->host);
            link.target = on_site ? doc::LinkTarget::missing : doc::LinkTarget::external;
        }
    }

    int64_t image_id(const std::string& absolute) const {
        auto found = image_ids_.find(follow(absolute));
        return found == image_ids_.end() ? 0 : found->second;
    }

private:
    const std::map<std::string, int64_t>& page_ids_;
    const std::map<std::string, int64_t>& image_ids_;
    const std::map<std::string, RedirectEntry>& redirects_;
    const std::set<std::string>& site_hosts_;
};

const char* link_target_name(doc::LinkTarget target) {
    switch (target) {
        case doc::LinkTarget::internal: return "internal";
        case doc::LinkTarget::image: return "image";
        case doc::LinkTarget::missing: return "missing";
        default: return "external";
    }
}

// Runs `work(index, thread)` for every index in [0, count) on `threads`
// threads; `thread` in [0, threads) lets work keep per-thread state.
template <class Work>
void parallel_for(size_t count, int threads, const Work& work) {
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (size_t i = next++; i < count; i = next++) work(i, t);
        });
    for (std::thread& thread : pool) thread.join();
}

// Trains the site's dictionary on page bodies: pages of one site share most
// of their structure and vocabulary, which a dictionary captures once
// instead of once per page. Returns "" when there is too little to train on.
std::string train_dictionary(const std::vector<std::string>& bodies) {
    constexpr size_t kMaxTrainingBytes = 16 * 1024 * 1024;
    size_t total = 0;
    for (const std::string& body : bodies) total += body.size();
    if (bodies.size() < 16 || total < 16 * 1024) return "";
    // Evenly spaced pages, so the sample is the same for the same input.
    size_t stride = std::max<size_t>(1, total / kMaxTrainingBytes + 1);
    std::string samples;
    std::vector<size_t> sizes;
    for (size_t i = 0; i < bodies.size(); i += stride) {
        samples += bodies[i];
        sizes.push_back(bodies[i].size());
    }
    size_t capacity = std::clamp<size_t>(samples.size() / 20, 4096, 112640);
    std::string dictionary(capacity, '\0');
    size_t size = ZDICT_trainFromBuffer(dictionary.data(), capacity, samples.data(), sizes.data(),
                                        static_cast<unsigned>(sizes.size()));
    if (ZDICT_isError(size)) return "";
    dictionary.resize(size);
    return dictionary;
}

}  // namespace

// [SECTION] The build ----------------------------------------------------------
namespace {

Status read_inputs(const BuildOptions& options, Collected& collected, int threads) {
    RecordQueue queue(static_cast<size_t>(threads) * 16);
    std::vector<std::thread> workers;
    std::atomic<int64_t> extracted{0};
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&] {
            SourceRecord record;
            while (queue.pop(record)) {
                extract_record(record, collected);
                int64_t done = ++extracted;
                if (options.progress) options.progress("extracting", done, 0);
            }
        });

    Status outcome;
    for (const std::string& input : options.inputs) {
        SkipCounts skipped;
        RecordSink sink = [&](SourceRecord&& record) { return route_record(std::move(record), collected, queue); };
        std::error_code error;
        // A record or file over a size limit is named with where it was, so
        // the person building can look at it.
        auto on_skip = [&collected](const std::string& reason, const std::string& origin) {
            if (reason.rfind("larger than", 0) != 0) return;
            std::lock_guard<std::mutex> lock(collected.mutex);
            collected.warnings.push_back(origin + ": skipped, " + reason);
        };
        MirrorOptions mirror_options;
        mirror_options.on_skip = on_skip;
        WarcOptions warc_options;
        warc_options.on_skip = on_skip;
        Status read = fs::is_directory(input, error) ? read_mirror(input, sink, skipped, mirror_options)
                                                     : read_warc(input, sink, skipped, warc_options);
        {
            std::lock_guard<std::mutex> lock(collected.mutex);
            for (const auto& [reason, count] : skipped) collected.skipped[reason] += count;
        }
        if (!read) {
            // A truncated WARC still gave its complete records: warn, go on.
            if (read.code() == ErrorCode::bad_input && read.message().find("truncated") != std::string::npos) {
                std::lock_guard<std::mutex> lock(collected.mutex);
                collected.warnings.push_back(read.message());
                ++collected.skipped["truncated input file"];
                continue;
            }
            outcome = read;
            break;
        }
    }
    queue.close();
    for (std::thread& worker : workers) worker.join();
    return outcome;
}

Status check_inputs(const BuildOptions& options) {
    if (options.inputs.empty()) return Status(ErrorCode::invalid_argument, "no input given: name a mirrored folder or a WARC file");
    if (options.output.empty()) return Status(ErrorCode::invalid_argument, "no output given: use -o OUT.sitepack");
    for (const std::string& input : options.inputs) {
        std::error_code error;
        if (!fs::exists(input, error)) return Status(ErrorCode::not_found, input + ": no such file or folder");
    }
    fs::path parent = fs::absolute(options.output).parent_path();
    std::error_code error;
    if (!fs::is_directory(parent, error))
        return Status(ErrorCode::io, options.output + ": cannot write there: folder " + parent.string() + " does not exist");
    return {};
}

}  // namespace

Result<BuildSummary> build_bundle(const BuildOptions& options) {
    auto started = std::chrono::steady_clock::now();
    if (Status checked = check_inputs(options); !checked) return checked.error();
    int threads = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());

    // 1. Read and extract.
    Collected collected;
    if (Status read = read_inputs(options, collected, threads); !read) return read.error();
    if (options.warn)
        for (const std::string& warning : collected.warnings) options.warn(warning);
    if (collected.pages.empty()) {
        std::string inputs;
        for (const std::string& input : options.inputs) inputs += (inputs.empty() ? "" : ", ") + input;
        return Error{ErrorCode::bad_input, "no usable HTML page found in " + inputs};
    }

    // 2. One entry per canonical URL: prefer the page fetched under its own
    // canonical URL, then the first in URL order (deterministic whatever the
    // order the workers finished in).
    std::vector<PageEntry>& entries = collected.pages;
    std::sort(entries.begin(), entries.end(), [](const PageEntry& a, const PageEntry& b) {
        bool a_own = a.key == a.fetched_key, b_own = b.key == b.fetched_key;
        return std::tie(a.key, b_own, a.fetched_key) < std::tie(b.key, a_own, b.fetched_key);
    });
    std::vector<PageEntry> pages;
    for (PageEntry& entry : entries) {
        if (!pages.empty() && pages.back().key == entry.key) {
            if (entry.fetched_key != entry.key) collected.redirects.emplace(entry.fetched_key, RedirectEntry{entry.key, "canonical"});
            else ++collected.skipped["duplicate page"];
            continue;
        }
        if (entry.fetched_key != entry.key) collected.redirects.emplace(entry.fetched_key, RedirectEntry{entry.key, "canonical"});
        pages.push_back(std::move(entry));
    }
    entries.clear();

    std::map<std::string, int64_t> page_ids, image_ids;
    std::set<std::string> site_hosts;
    std::map<std::string, int64_t> host_counts, site_names, languages;
    for (size_t i = 0; i < pages.size(); ++i) {
        page_ids[pages[i].key] = static_cast<int64_t>(i + 1);
        if (auto parts = url::parse(pages[i].key)) {
            site_hosts.insert(parts->host);
            ++host_counts[parts->host];
        }
        if (!pages[i].page.site_name.empty()) ++site_names[pages[i].page.site_name];
        if (!pages[i].page.language.empty()) ++languages[pages[i].page.language];
    }
    for (const PageEntry& page : pages)
        for (const std::string& alias : page.page.alias_urls) {
            std::string key = url::canonical_url(alias);
            if (!key.empty() && !page_ids.count(key)) collected.redirects.emplace(key, RedirectEntry{page.key, "shortlink"});
        }
    int64_t next_image = 1;
    for (const auto& [key, image] : collected.images) image_ids[key] = next_image++;
    // A URL that is a page is not also a redirect.
    for (auto it = collected.redirects.begin(); it != collected.redirects.end();)
        it = page_ids.count(it->first) ? collected.redirects.erase(it) : std::next(it);

    LinkResolver resolver(page_ids, image_ids, collected.redirects, site_hosts);
    std::string base_url = "https://" + most_common(host_counts) + "/";
    int64_t home_page_id = resolver.page_id(base_url);

    // 3. Resolve links and images in every body.
    BuildSummary summary;
    std::vector<int64_t> link_counts(4, 0);
    std::mutex counts_mutex;
    std::vector<std::string> failures(pages.size());
    parallel_for(pages.size(), threads, [&](size_t i, int) {
        Result<doc::Document> document = doc::decode_document(pages[i].body);
        if (!document) {
            failures[i] = pages[i].origin + ": " + document.error().message;
            return;
        }
        std::vector<int64_t> local(4, 0);
        for (doc::Link& link : document->links) {
            resolver.resolve(link);
            ++local[static_cast<size_t>(link.target) - 1];
        }
        for (doc::Image& image : document->images) image.image_id = resolver.image_id(image.url);
        pages[i].body = doc::encode_document(document.value());
        std::lock_guard<std::mutex> lock(counts_mutex);
        for (size_t k = 0; k < 4; ++k) link_counts[k] += local[k];
    });
    for (const std::string& failure : failures)
        if (!failure.empty()) return Error{ErrorCode::internal, "a document did not survive re-encoding: " + failure};
    summary.links_internal = link_counts[0];
    summary.links_missing = link_counts[1];
    summary.links_external = link_counts[2];

    // 4. Train the dictionary, then compress every body alone with it.
    std::vector<std::string> bodies;
    bodies.reserve(pages.size());
    for (const PageEntry& page : pages) bodies.push_back(page.body);
    if (options.progress) options.progress("training dictionary", 0, 0);
    std::string dictionary = train_dictionary(bodies);
    ZSTD_CDict* cdict = dictionary.empty() ? nullptr
                                           : ZSTD_createCDict(dictionary.data(), dictionary.size(), options.compression_level);
    std::vector<std::string> compressed(pages.size());
    std::vector<std::string> search_bodies(pages.size());
    std::atomic<int64_t> compressed_count{0};
    std::atomic<bool> compression_failed{false};
    std::vector<ZSTD_CCtx*> contexts(static_cast<size_t>(threads));
    for (ZSTD_CCtx*& context : contexts) context = ZSTD_createCCtx();
    parallel_for(pages.size(), threads, [&](size_t i, int thread) {
        ZSTD_CCtx* context = contexts[static_cast<size_t>(thread)];
        ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters);
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, options.compression_level);
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1);
        // The dictionary is implied by the bundle: its ID in every frame
        // would only cost four bytes a page.
        ZSTD_CCtx_setParameter(context, ZSTD_c_dictIDFlag, 0);
        if (cdict) ZSTD_CCtx_refCDict(context, cdict);
        std::string& out = compressed[i];
        out.resize(ZSTD_compressBound(bodies[i].size()));
        size_t size = ZSTD_compress2(context, out.data(), out.size(), bodies[i].data(), bodies[i].size());
        if (ZSTD_isError(size)) {
            compression_failed = true;
            return;
        }
        out.resize(size);
        if (pages[i].page.kind == PageKind::article) {
            Result<doc::Document> document = doc::decode_document(bodies[i]);
            if (document) search_bodies[i] = search::index_text(doc::plain_text(document.value()));
        }
        int64_t done = ++compressed_count;
        if (options.progress) options.progress("compressing", done, static_cast<int64_t>(pages.size()));
    });
    for (ZSTD_CCtx* context : contexts) ZSTD_freeCCtx(context);
    ZSTD_freeCDict(cdict);
    if (compression_failed) return Error{ErrorCode::internal, "zstd failed to compress a page"};

    // 5. Write the file beside the output and rename it when complete.
    std::string temporary = options.output + ".partial-" + std::to_string(::getpid());
    std::error_code ignored;
    fs::remove(temporary, ignored);
    auto written = [&]() -> Status {
        Result<BundleWriter> created = BundleWriter::create(temporary);
        if (!created) return created.status();
        BundleWriter& writer = created.value();
        if (!dictionary.empty())
            if (Status done = writer.add_dictionary(1, dictionary); !done) return done;

        std::map<std::pair<std::string, std::string>, int64_t> term_ids;
        int64_t articles = 0, listings = 0;
        CharacterSet used_characters;  // fonts: every character a reader may draw (font_subset.h)
        for (size_t i = 0; i < pages.size(); ++i) {
            const PageEntry& entry = pages[i];
            const ExtractedPage& page = entry.page;
            int64_t id = static_cast<int64_t>(i + 1);
            bool article = page.kind == PageKind::article;
            (article ? articles : listings)++;
            PageRow row;
            row.id = id;
            row.url = entry.key;
            row.kind = article ? "article" : "listing";
            row.title = page.title.empty() ? url::path_and_query(entry.key) : page.title;
            row.published = page.published;
            row.modified = page.modified;
            row.author = page.author;
            row.language = page.language.empty() ? "en" : page.language;
            row.description = stored_description(page.description, search_bodies[i], bodies[i]);
            row.body = std::move(compressed[i]);
            row.body_size = static_cast<int64_t>(bodies[i].size());
            row.body_hash = content_hash(bodies[i]);
            row.has_dictionary = !dictionary.empty();
            summary.body_bytes += row.body_size;
            summary.body_compressed_bytes += static_cast<int64_t>(row.body.size());
            summary.largest_body_bytes = std::max(summary.largest_body_bytes, row.body_size);
            if (Status done = writer.add_page(row); !done) return done;
            // fonts: the characters of the page's title, metadata, terms and navigation labels.
            for (const std::string* text : {&row.url, &row.title, &row.author, &row.description})
                used_characters.add_utf8(*text);
            for (const auto* names : {&page.categories, &page.tags, &page.navigation.menu, &page.navigation.categories,
                                      &page.navigation.archives})
                for (const NavLink& name : *names) used_characters.add_utf8(name.label);
            if (article)
                if (Status done = writer.add_search_text(id, search::index_text(row.title), search_bodies[i]); !done) return done;

            auto add_terms = [&](const std::vector<NavLink>& names, const char* kind) -> Status {
                for (const NavLink& term : names) {
                    auto key = std::make_pair(std::string(kind), term.label);
                    auto found = term_ids.find(key);
                    if (found == term_ids.end()) {
                        int64_t term_id = static_cast<int64_t>(term_ids.size() + 1);
                        found = term_ids.emplace(key, term_id).first;
                        if (Status done = writer.add_term(term_id, kind, term.label, url::canonical_url(term.url)); !done)
                            return done;
                    }
                    if (Status done = writer.add_page_term(id, found->second); !done) return done;
                }
                return {};
            };
            if (Status done = add_terms(page.categories, "category"); !done) return done;
            if (Status done = add_terms(page.tags, "tag"); !done) return done;

            Result<doc::Document> document = doc::decode_document(bodies[i]);
            if (document) used_characters.add_document(document.value());  // fonts: the body's text
            if (document)
                for (size_t k = 0; k < document->links.size(); ++k) {
                    const doc::Link& link = document->links[k];
                    bool internal = link.target == doc::LinkTarget::internal || link.target == doc::LinkTarget::image;
                    if (Status done = writer.add_link(id, static_cast<int64_t>(k), link_target_name(link.target),
                                                      link.page_id, internal ? "" : link.url);
                        !done)
                        return done;
                }
            if (options.progress) options.progress("writing", id, static_cast<int64_t>(pages.size()));
        }
        summary.articles = articles;
        summary.listings = listings;

        for (const auto& [key, image] : collected.images) {
            ImageRow row{image_ids[key], key, image.probe.mime_type, image.probe.width, image.probe.height, image.content};
            if (Status done = writer.add_image(row); !done) return done;
        }
        for (const auto& [key, redirect] : collected.redirects) {
            std::string target = resolver.follow(redirect.target);
            if (Status done = writer.add_redirect(key, target, resolver.page_id(target), redirect.reason); !done) return done;
        }

        // The site's navigation, once: from the front page when it has it,
        // else from the page offering the most.
        const PageEntry* navigation_source = nullptr;
        for (const PageEntry& page : pages) {
            size_t size = page.page.navigation.menu.size() + page.page.navigation.categories.size() +
                          page.page.navigation.archives.size();
            if (page.key == url::canonical_url(base_url) && size > 0) {
                navigation_source = &page;
                break;
            }
            if (!navigation_source || size > navigation_source->page.navigation.menu.size() +
                                                 navigation_source->page.navigation.categories.size() +
                                                 navigation_source->page.navigation.archives.size())
                navigation_source = &page;
        }
        if (navigation_source) {
            const SiteNavigation& navigation = navigation_source->page.navigation;
            for (auto [kind, list] : {std::make_pair("menu", &navigation.menu), std::make_pair("categories", &navigation.categories),
                                      std::make_pair("archives", &navigation.archives)})
                for (size_t k = 0; k < list->size(); ++k) {
                    const NavLink& link = (*list)[k];
                    if (Status done = writer.add_navigation(kind, static_cast<int64_t>(k), link.label, link.url,
                                                            resolver.page_id(link.url));
                        !done)
                        return done;
                }
        }

        int64_t build_time = options.build_time;
        if (build_time < 0) {
            const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
            build_time = epoch && *epoch ? std::strtoll(epoch, nullptr, 10) : newest_input_time(options.inputs);
        }
        std::vector<std::pair<int64_t, std::string>> language_order;
        for (const auto& [language, count] : languages) language_order.emplace_back(-count, language);
        std::sort(language_order.begin(), language_order.end());
        std::string language_list;
        for (const auto& entry : language_order) language_list += (language_list.empty() ? "" : ",") + entry.second;

        std::string site_name = most_common(site_names);
        if (site_name.empty()) site_name = most_common(host_counts);
        std::pair<const char*, std::string> metadata[] = {
            {"format_version", std::to_string(kBundleFormatVersion)},
            {"site_name", site_name},
            {"base_url", base_url},
            {"build_date", iso_date(build_time)},
            {"builder_version", std::string("sitepack ") + SITEPACK_VERSION},
            {"languages", language_list.empty() ? "en" : language_list},
            {"home_page_id", std::to_string(home_page_id)},
            {"page_count", std::to_string(pages.size())},
            {"article_count", std::to_string(articles)},
            {"listing_count", std::to_string(listings)},
            {"image_count", std::to_string(collected.images.size())},
            {"redirect_count", std::to_string(collected.redirects.size())},
        };
        for (const auto& [key, value] : metadata)
            if (Status done = writer.add_metadata(key, value); !done) return done;

        // fonts: Noto Sans and Noto Sans CJK cut to the bundle's characters (font_subset.h).
        if (options.progress) options.progress("subsetting fonts", 0, 0);
        used_characters.add_utf8(site_name);
        std::vector<std::string> language_tags;
        for (const auto& entry : language_order) language_tags.push_back(entry.second);
        FontSubsets fonts = subset_fonts(used_characters, FontSubsetOptions{"", cjk_family_for_languages(language_tags)});
        for (const SubsetFont& font : fonts.fonts)
            if (Status done = writer.add_font(font.face, font.family, font.content); !done) return done;
        if (options.warn)
            for (const std::string& warning : fonts.warnings) options.warn("fonts: " + warning);
        if (options.progress) options.progress("finishing", 0, 0);
        if (Status done = writer.finish(); !done) return done;
        // What a reader over HTTP fetches at once before opening (read_first.h).
        return record_read_first(temporary);
    }();
    if (!written) {
        fs::remove(temporary, ignored);
        return written.error();
    }
    fs::rename(temporary, options.output, ignored);
    if (ignored) {
        fs::remove(temporary, ignored);
        return Error{ErrorCode::io, options.output + ": cannot move the finished bundle into place"};
    }

    summary.output = options.output;
    summary.records_read = collected.records;
    summary.pages = static_cast<int64_t>(pages.size());
    summary.images = static_cast<int64_t>(collected.images.size());
    summary.redirects = static_cast<int64_t>(collected.redirects.size());
    summary.skipped = collected.skipped;
    summary.bytes_in = collected.bytes_in;
    summary.bytes_out = static_cast<int64_t>(fs::file_size(options.output, ignored));
    summary.dictionary_bytes = static_cast<int64_t>(dictionary.size());
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}  // namespace sitepack::build
