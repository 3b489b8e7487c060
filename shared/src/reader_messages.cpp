#include "sitepack/reader_messages.h"

#include <nlohmann/json.hpp>

#include <limits>

// Only nlohmann's non-throwing paths are used: parse(..., nullptr, false),
// find(), is_*() before get(), dump() with the replace error handler. The
// Emscripten build disables exceptions.

namespace sitepack::reader {

// [SECTION] Names ------------------------------------------------------------
namespace {

constexpr const char* kRequestTypeNames[] = {
    "open_bundle", "bundle_info", "page",       "search", "suggest", "terms",  "pages_with_term",
    "month_archive", "pages_in_month", "list_pages", "random_page", "image", "verify", "cancel", "fonts",
};
static_assert(sizeof kRequestTypeNames / sizeof kRequestTypeNames[0] == std::variant_size_v<RequestBody>,
              "one name per request type");

constexpr const char* kCancelledName = "cancelled";

bool error_code_from_name(std::string_view name, ErrorCode& code) {
    for (int i = 0; i <= static_cast<int>(ErrorCode::internal); ++i) {
        if (name == error_code_name(static_cast<ErrorCode>(i))) {
            code = static_cast<ErrorCode>(i);
            return true;
        }
    }
    return false;
}

}  // namespace

const char* request_type_name(RequestType type) {
    size_t index = static_cast<size_t>(type);
    return index < std::variant_size_v<RequestBody> ? kRequestTypeNames[index] : "unknown";
}

bool request_type_from_name(std::string_view name, RequestType& type) {
    for (size_t i = 0; i < std::variant_size_v<RequestBody>; ++i) {
        if (name == kRequestTypeNames[i]) {
            type = static_cast<RequestType>(i);
            return true;
        }
    }
    return false;
}

const char* Response::error_name() const { return cancelled ? kCancelledName : error_code_name(error_code); }

Response Response::success(uint64_t id, RequestType type, Payload payload) {
    Response response;
    response.id = id;
    response.type = type;
    response.ok = true;
    response.payload = std::move(payload);
    return response;
}

Response Response::failure(uint64_t id, RequestType type, const Error& error) {
    Response response;
    response.id = id;
    response.type = type;
    response.ok = false;
    response.error_code = error.code == ErrorCode::ok ? ErrorCode::internal : error.code;
    response.error_message = error.message;
    return response;
}

Response Response::cancellation(uint64_t id, RequestType type, std::string why) {
    Response response;
    response.id = id;
    response.type = type;
    response.ok = false;
    response.cancelled = true;
    response.error_message = std::move(why);
    return response;
}

// [SECTION] Base64 -----------------------------------------------------------
// Fonts, images and documents cross between the core and the UI as base64
// (hundreds of KB when a bundle opens). Both directions write into a buffer
// sized once, not character by character: in the browser the first use of
// this code runs as the baseline compiler makes it, where each append is a
// call.
namespace {
constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}
}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string text((bytes.size() + 2) / 3 * 4, '=');
    const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
    char* out = text.data();
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3, out += 4) {
        const uint32_t chunk = uint32_t{in[i]} << 16 | uint32_t{in[i + 1]} << 8 | in[i + 2];
        out[0] = kBase64Alphabet[chunk >> 18 & 63];
        out[1] = kBase64Alphabet[chunk >> 12 & 63];
        out[2] = kBase64Alphabet[chunk >> 6 & 63];
        out[3] = kBase64Alphabet[chunk & 63];
    }
    const size_t rest = bytes.size() - i;
    if (rest > 0) {  // the '=' padding is already in place
        uint32_t chunk = uint32_t{in[i]} << 16;
        if (rest == 2) chunk |= uint32_t{in[i + 1]} << 8;
        out[0] = kBase64Alphabet[chunk >> 18 & 63];
        out[1] = kBase64Alphabet[chunk >> 12 & 63];
        if (rest == 2) out[2] = kBase64Alphabet[chunk >> 6 & 63];
    }
    return text;
}

Result<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0)
        return Error{ErrorCode::invalid_argument,
                     "base64 text of " + std::to_string(text.size()) + " characters (not a multiple of 4)"};
    // '=' pads the last group only: one or two of them.
    size_t padding = 0;
    if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
    std::string bytes(text.size() / 4 * 3 - padding, '\0');
    char* out = bytes.data();
    for (size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const size_t pad_here = last ? padding : 0;
        uint32_t chunk = 0;
        for (size_t j = 0; j < 4; ++j) {
            if (j >= 4 - pad_here) {
                chunk <<= 6;
                continue;
            }
            const int value = base64_value(text[i + j]);
            if (value < 0)
                return Error{ErrorCode::invalid_argument, "base64 text has an invalid character at " + std::to_string(i + j)};
            chunk = chunk << 6 | static_cast<uint32_t>(value);
        }
        *out++ = static_cast<char>(chunk >> 16 & 0xFF);
        if (pad_here < 2) *out++ = static_cast<char>(chunk >> 8 & 0xFF);
        if (pad_here < 1) *out++ = static_cast<char>(chunk & 0xFF);
    }
    return bytes;
}

// [SECTION] Reading JSON without exceptions ----------------------------------
namespace {

// Reads the fields of one JSON object; remembers the first problem, naming
// the field by its path ("payload.pages[2].title"). A missing optional field
// keeps the value the struct already has.
class Fields {
public:
    Fields(const Json& object, std::string where, Error& error) : object_(object), where_(std::move(where)), error_(error) {
        if (!object_.is_object()) fail(where_.empty() ? "the message is not a JSON object" : where_ + " is not a JSON object");
    }

    bool failed() const { return error_.code != ErrorCode::ok; }
    std::string path(const char* key) const { return where_.empty() ? key : where_ + "." + key; }

    const Json* find(const char* key, bool required) {
        if (failed()) return nullptr;
        auto it = object_.find(key);
        if (it == object_.end()) {
            if (required) fail("\"" + path(key) + "\" is missing");
            return nullptr;
        }
        return &*it;
    }

    void text(const char* key, std::string& out, bool required = false) {
        const Json* value = find(key, required);
        if (!value) return;
        if (const std::string* s = value->get_ptr<const std::string*>()) out = *s;
        else wrong(key, "a string");
    }

    void integer(const char* key, int64_t& out, bool required = false) {
        const Json* value = find(key, required);
        if (!value) return;
        if (value->is_number_unsigned()) {
            uint64_t got = value->get<uint64_t>();
            if (got > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return wrong(key, "a smaller integer");
            out = static_cast<int64_t>(got);
        } else if (value->is_number_integer()) {
            out = value->get<int64_t>();
        } else {
            wrong(key, "an integer");
        }
    }

    void integer32(const char* key, int32_t& out, bool required = false) {
        int64_t wide = out;
        integer(key, wide, required);
        if (failed()) return;
        if (wide < std::numeric_limits<int32_t>::min() || wide > std::numeric_limits<int32_t>::max())
            return wrong(key, "a 32-bit integer");
        out = static_cast<int32_t>(wide);
    }

    void unsigned_integer(const char* key, uint64_t& out, bool required = false) {
        const Json* value = find(key, required);
        if (!value) return;
        if (value->is_number_unsigned()) out = value->get<uint64_t>();
        else if (value->is_number_integer() && value->get<int64_t>() >= 0) out = static_cast<uint64_t>(value->get<int64_t>());
        else wrong(key, "an integer of at least 0");
    }

    void boolean(const char* key, bool& out, bool required = false) {
        const Json* value = find(key, required);
        if (!value) return;
        if (value->is_boolean()) out = value->get<bool>();
        else wrong(key, "true or false");
    }

    void number(const char* key, double& out, bool required = false) {
        const Json* value = find(key, required);
        if (!value) return;
        if (value->is_number()) out = value->get<double>();
        else wrong(key, "a number");
    }

    // An array field; null when missing (and not required) or not an array.
    const Json* array(const char* key, bool required = false) {
        const Json* value = find(key, required);
        if (!value) return nullptr;
        if (!value->is_array()) {
            wrong(key, "an array");
            return nullptr;
        }
        return value;
    }

    void fail(std::string message) {
        if (!failed()) error_ = Error{ErrorCode::invalid_argument, std::move(message)};
    }
    void wrong(const char* key, const char* expected) { fail("\"" + path(key) + "\" must be " + expected); }

private:
    const Json& object_;
    std::string where_;
    Error& error_;
};

std::string element_path(const std::string& where, const char* key, size_t index) {
    return (where.empty() ? std::string(key) : where + "." + key) + "[" + std::to_string(index) + "]";
}

// Reads every element of array `key` with `read(element, its_path, out)`.
template <class T, class ReadOne>
void read_array(Fields& fields, const std::string& where, const char* key, std::vector<T>& out, ReadOne read_one,
                bool required = false) {
    const Json* items = fields.array(key, required);
    if (!items) return;
    out.clear();
    out.reserve(items->size());
    for (size_t i = 0; i < items->size() && !fields.failed(); ++i) {
        T item{};
        read_one((*items)[i], element_path(where, key, i), item);
        out.push_back(std::move(item));
    }
}

}  // namespace

// [SECTION] Records to and from JSON -----------------------------------------
namespace {

std::string dump(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json page_json(const PageRecord& page) {
    return Json{{"id", page.id},
                {"url", page.url},
                {"kind", page.kind},
                {"title", page.title},
                {"published", page.published},
                {"modified", page.modified},
                {"author", page.author},
                {"language", page.language},
                {"description", page.description},
                {"body_size", page.body_size}};
}

void read_page(const Json& json, const std::string& where, PageRecord& page, Error& error) {
    Fields f(json, where, error);
    f.integer("id", page.id, true);
    f.text("url", page.url, true);
    f.text("kind", page.kind);
    f.text("title", page.title);
    f.text("published", page.published);
    f.text("modified", page.modified);
    f.text("author", page.author);
    f.text("language", page.language);
    f.text("description", page.description);
    f.integer("body_size", page.body_size);
}

Json pages_json(const std::vector<PageRecord>& pages) {
    Json list = Json::array();
    for (const PageRecord& page : pages) list.push_back(page_json(page));
    return list;
}

Json term_json(const Term& term) {
    return Json{{"id", term.id}, {"kind", term.kind}, {"name", term.name}, {"url", term.url}, {"page_count", term.page_count}};
}

void read_term(const Json& json, const std::string& where, Term& term, Error& error) {
    Fields f(json, where, error);
    f.integer("id", term.id, true);
    f.text("kind", term.kind);
    f.text("name", term.name);
    f.text("url", term.url);
    f.integer("page_count", term.page_count);
}

Json terms_json(const std::vector<Term>& terms) {
    Json list = Json::array();
    for (const Term& term : terms) list.push_back(term_json(term));
    return list;
}

Json navigation_json(const std::vector<NavigationEntry>& entries) {
    Json list = Json::array();
    for (const NavigationEntry& entry : entries)
        list.push_back(Json{{"label", entry.label}, {"url", entry.url}, {"page_id", entry.page_id}});
    return list;
}

Json info_json(const BundleInfo& info) {
    return Json{{"path", info.path},
                {"file_size", info.file_size},
                {"format_version", info.format_version},
                {"site_name", info.site_name},
                {"base_url", info.base_url},
                {"build_date", info.build_date},
                {"builder_version", info.builder_version},
                {"languages", info.languages},
                {"home_page_id", info.home_page_id},
                {"page_count", info.page_count},
                {"article_count", info.article_count},
                {"listing_count", info.listing_count},
                {"image_count", info.image_count},
                {"redirect_count", info.redirect_count},
                {"menu", navigation_json(info.menu)},
                {"categories", navigation_json(info.categories)},
                {"archives", navigation_json(info.archives)},
                {"signature", Json{{"state", signing::state_name(info.signature.state)},
                                   {"trust", signing::trust_name(info.signature.trust)},
                                   {"publisher", info.signature.publisher},
                                   {"fingerprint", info.signature.fingerprint},
                                   {"public_key", info.signature.public_key},
                                   {"signed_at", info.signature.signed_at},
                                   {"weak_hashes", info.signature.weak_hashes},
                                   {"problems", info.signature.problems}}}};
}

void read_info(const Json& json, const std::string& where, BundleInfo& info, Error& error) {
    Fields f(json, where, error);
    f.text("path", info.path);
    f.integer("file_size", info.file_size);
    f.integer32("format_version", info.format_version);
    f.text("site_name", info.site_name);
    f.text("base_url", info.base_url);
    f.text("build_date", info.build_date);
    f.text("builder_version", info.builder_version);
    read_array(f, where, "languages", info.languages, [&](const Json& item, const std::string& at, std::string& out) {
        if (const std::string* s = item.get_ptr<const std::string*>()) out = *s;
        else f.fail("\"" + at + "\" must be a string");
    });
    f.integer("home_page_id", info.home_page_id);
    f.integer("page_count", info.page_count);
    f.integer("article_count", info.article_count);
    f.integer("listing_count", info.listing_count);
    f.integer("image_count", info.image_count);
    f.integer("redirect_count", info.redirect_count);
    auto read_entry = [&](const Json& item, const std::string& at, NavigationEntry& entry) {
        Fields e(item, at, error);
        e.text("label", entry.label);
        e.text("url", entry.url);
        e.integer("page_id", entry.page_id);
    };
    read_array(f, where, "menu", info.menu, read_entry);
    read_array(f, where, "categories", info.categories, read_entry);
    read_array(f, where, "archives", info.archives, read_entry);
    // The signature check (absent from older messages: unsigned).
    if (auto found = json.find("signature"); !f.failed() && found != json.end()) {
        const std::string at = where.empty() ? "signature" : where + ".signature";
        Fields s(*found, at, error);
        std::string state, trust;
        s.text("state", state);
        s.text("trust", trust);
        for (auto value : {signing::SignatureState::unsigned_bundle, signing::SignatureState::verified,
                           signing::SignatureState::tampered, signing::SignatureState::bad_signature})
            if (state == signing::state_name(value)) info.signature.state = value;
        for (auto value : {signing::PublisherTrust::no_pins, signing::PublisherTrust::pinned, signing::PublisherTrust::unknown_key})
            if (trust == signing::trust_name(value)) info.signature.trust = value;
        s.text("publisher", info.signature.publisher);
        s.text("fingerprint", info.signature.fingerprint);
        s.text("public_key", info.signature.public_key);
        s.text("signed_at", info.signature.signed_at);
        s.boolean("weak_hashes", info.signature.weak_hashes);
        read_array(s, at, "problems", info.signature.problems, [&](const Json& item, const std::string& item_at, std::string& out) {
            if (const std::string* text = item.get_ptr<const std::string*>()) out = *text;
            else s.fail("\"" + item_at + "\" must be a string");
        });
    }
}

Json document_json(const std::shared_ptr<const doc::Document>& document) {
    return document ? Json(base64_encode(doc::encode_document(*document))) : Json(nullptr);
}

void read_document(const Json& json, const std::string& where, std::shared_ptr<const doc::Document>& out, Error& error) {
    Fields f(json, where, error);
    const Json* value = f.find("document", false);
    if (!value || value->is_null()) return;
    const std::string* text = value->get_ptr<const std::string*>();
    if (!text) return f.wrong("document", "base64 text");
    Result<std::string> bytes = base64_decode(*text);
    if (!bytes) return f.fail("\"" + f.path("document") + "\": " + bytes.error().message);
    Result<doc::Document> document = doc::decode_document(bytes.value());
    if (!document) {
        error = Error{ErrorCode::corrupt, "\"" + f.path("document") + "\" is damaged: " + document.error().message};
        return;
    }
    out = std::make_shared<const doc::Document>(std::move(document).value());
}

Json page_content_json(const PageContent& content) {
    return Json{{"page", page_json(content.page)},
                {"document", document_json(content.document)},
                {"terms", terms_json(content.terms)},
                {"verified", content.verified}};
}

void read_page_content(const Json& json, const std::string& where, PageContent& content, Error& error) {
    Fields f(json, where, error);
    if (const Json* page = f.find("page", true)) read_page(*page, f.path("page"), content.page, error);
    if (f.failed()) return;
    read_document(json, where, content.document, error);
    read_array(f, where, "terms", content.terms,
               [&](const Json& item, const std::string& at, Term& term) { read_term(item, at, term, error); });
    f.boolean("verified", content.verified);
}

Json search_json(const SearchResults& results) {
    Json hits = Json::array();
    for (const SearchHit& hit : results.hits) {
        Json highlights = Json::array();
        for (const auto& range : hit.highlights) highlights.push_back(Json::array({range.first, range.second}));
        hits.push_back(Json{{"page_id", hit.page_id},
                            {"url", hit.url},
                            {"title", hit.title},
                            {"published", hit.published},
                            {"score", hit.score},
                            {"snippet", hit.snippet},
                            {"highlights", std::move(highlights)}});
    }
    return Json{{"query", results.query}, {"total", results.total}, {"hits", std::move(hits)}};
}

void read_search(const Json& json, const std::string& where, SearchResults& results, Error& error) {
    Fields f(json, where, error);
    f.text("query", results.query);
    f.integer("total", results.total);
    read_array(f, where, "hits", results.hits, [&](const Json& item, const std::string& at, SearchHit& hit) {
        Fields h(item, at, error);
        h.integer("page_id", hit.page_id, true);
        h.text("url", hit.url);
        h.text("title", hit.title);
        h.text("published", hit.published);
        h.number("score", hit.score);
        h.text("snippet", hit.snippet);
        read_array(h, at, "highlights", hit.highlights,
                   [&](const Json& range, const std::string& range_at, std::pair<size_t, size_t>& out) {
                       if (range.is_array() && range.size() == 2 && range[0].is_number_unsigned() &&
                           range[1].is_number_unsigned()) {
                           out = {static_cast<size_t>(range[0].get<uint64_t>()), static_cast<size_t>(range[1].get<uint64_t>())};
                       } else {
                           h.fail("\"" + range_at + "\" must be a pair of byte offsets");
                       }
                   });
    });
}

Json image_json(const ImageRecord& image) {
    return Json{{"id", image.id},
                {"url", image.url},
                {"mime_type", image.mime_type},
                {"width", image.width},
                {"height", image.height},
                {"content", base64_encode(image.content)}};
}

void read_image(const Json& json, const std::string& where, ImageRecord& image, Error& error) {
    Fields f(json, where, error);
    f.integer("id", image.id, true);
    f.text("url", image.url);
    f.text("mime_type", image.mime_type);
    f.integer32("width", image.width);
    f.integer32("height", image.height);
    std::string encoded;
    f.text("content", encoded);
    if (f.failed()) return;
    Result<std::string> bytes = base64_decode(encoded);
    if (!bytes) return f.fail("\"" + f.path("content") + "\": " + bytes.error().message);
    image.content = std::move(bytes).value();
}

Json fonts_json(const FontList& list) {
    Json fonts = Json::array();
    for (const FontRecord& font : list.fonts)
        fonts.push_back(Json{{"face", font.face}, {"family", font.family}, {"content", base64_encode(font.content)}});
    return Json{{"fonts", std::move(fonts)}};
}

Json verify_report_json(const VerifyReport& report) {
    Json problems = Json::array();
    for (const VerifyProblem& problem : report.problems)
        problems.push_back(Json{{"what", problem.what}, {"message", problem.message}});
    return Json{{"pages_checked", report.pages_checked},
                {"images_checked", report.images_checked},
                {"problems", std::move(problems)}};
}

void read_verify_report(const Json& json, const std::string& where, VerifyReport& report, Error& error) {
    Fields f(json, where, error);
    f.integer("pages_checked", report.pages_checked);
    f.integer("images_checked", report.images_checked);
    read_array(f, where, "problems", report.problems, [&](const Json& item, const std::string& at, VerifyProblem& problem) {
        Fields p(item, at, error);
        p.text("what", problem.what);
        p.text("message", problem.message);
    });
}

struct PayloadToJson {
    Json operator()(const std::monostate&) const { return nullptr; }
    Json operator()(const BundleInfo& info) const { return info_json(info); }
    Json operator()(const PageContent& content) const { return page_content_json(content); }
    Json operator()(const SearchResults& results) const { return search_json(results); }
    Json operator()(const PageList& list) const { return Json{{"total", list.total}, {"pages", pages_json(list.pages)}}; }
    Json operator()(const TermList& list) const { return Json{{"terms", terms_json(list.terms)}}; }
    Json operator()(const MonthList& list) const {
        Json months = Json::array();
        for (const MonthCount& month : list.months) months.push_back(Json{{"month", month.month}, {"page_count", month.page_count}});
        return Json{{"months", std::move(months)}};
    }
    Json operator()(const PageRecord& page) const { return page_json(page); }
    Json operator()(const ImageRecord& image) const { return image_json(image); }
    Json operator()(const VerifyProgress& progress) const { return Json{{"done", progress.done}, {"total", progress.total}}; }
    Json operator()(const VerifyReport& report) const { return verify_report_json(report); }
    Json operator()(const CancelOutcome& outcome) const { return Json{{"id", outcome.id}, {"found", outcome.found}}; }
    Json operator()(const FontList& list) const { return fonts_json(list); }
};

// The payload a successful response of `type` carries.
Payload read_payload(RequestType type, bool partial, const Json& json, Error& error) {
    const std::string where = "payload";
    switch (type) {
        case RequestType::open_bundle:
        case RequestType::bundle_info: {
            BundleInfo info;
            read_info(json, where, info, error);
            return info;
        }
        case RequestType::page: {
            PageContent content;
            read_page_content(json, where, content, error);
            return content;
        }
        case RequestType::search: {
            SearchResults results;
            read_search(json, where, results, error);
            return results;
        }
        case RequestType::suggest:
        case RequestType::pages_with_term:
        case RequestType::pages_in_month:
        case RequestType::list_pages: {
            PageList list;
            Fields f(json, where, error);
            f.integer("total", list.total);
            read_array(f, where, "pages", list.pages,
                       [&](const Json& item, const std::string& at, PageRecord& page) { read_page(item, at, page, error); }, true);
            return list;
        }
        case RequestType::terms: {
            TermList list;
            Fields f(json, where, error);
            read_array(f, where, "terms", list.terms,
                       [&](const Json& item, const std::string& at, Term& term) { read_term(item, at, term, error); }, true);
            return list;
        }
        case RequestType::month_archive: {
            MonthList list;
            Fields f(json, where, error);
            read_array(f, where, "months", list.months, [&](const Json& item, const std::string& at, MonthCount& month) {
                Fields m(item, at, error);
                m.text("month", month.month, true);
                m.integer("page_count", month.page_count);
            }, true);
            return list;
        }
        case RequestType::random_page: {
            PageRecord page;
            read_page(json, where, page, error);
            return page;
        }
        case RequestType::image: {
            ImageRecord image;
            read_image(json, where, image, error);
            return image;
        }
        case RequestType::verify: {
            if (partial) {
                VerifyProgress progress;
                Fields f(json, where, error);
                f.integer("done", progress.done, true);
                f.integer("total", progress.total);
                return progress;
            }
            VerifyReport report;
            read_verify_report(json, where, report, error);
            return report;
        }
        case RequestType::cancel: {
            CancelOutcome outcome;
            Fields f(json, where, error);
            f.unsigned_integer("id", outcome.id, true);
            f.boolean("found", outcome.found);
            return outcome;
        }
        case RequestType::fonts: {
            FontList list;
            Fields f(json, where, error);
            read_array(f, where, "fonts", list.fonts, [&](const Json& item, const std::string& at, FontRecord& font) {
                Fields g(item, at, error);
                std::string encoded;
                g.text("face", font.face, true);
                g.text("family", font.family);
                g.text("content", encoded);
                if (g.failed()) return;
                Result<std::string> bytes = base64_decode(encoded);
                if (!bytes) return g.fail("\"" + g.path("content") + "\": " + bytes.error().message);
                font.content = std::move(bytes).value();
            }, true);
            return list;
        }
    }
    error = Error{ErrorCode::internal, "a response of an unknown type"};
    return std::monostate{};
}

}  // namespace

// [SECTION] Requests to and from JSON ----------------------------------------
namespace {

struct ParamsToJson {
    Json operator()(const OpenBundleRequest& r) const {
        Json json{{"path", r.path}};
        if (!r.trusted_publishers.empty()) json["trusted_publishers"] = r.trusted_publishers;
        return json;
    }
    Json operator()(const BundleInfoRequest&) const { return Json::object(); }
    Json operator()(const PageRequest& r) const {
        return Json{{"url_or_path", r.url_or_path}, {"page_id", r.page_id}, {"replace_pending", r.replace_pending}};
    }
    Json operator()(const SearchRequest& r) const { return Json{{"query", r.query}, {"offset", r.offset}, {"limit", r.limit}}; }
    Json operator()(const SuggestRequest& r) const { return Json{{"prefix", r.prefix}, {"limit", r.limit}}; }
    Json operator()(const TermsRequest& r) const { return Json{{"kind", r.kind}}; }
    Json operator()(const PagesWithTermRequest& r) const { return Json{{"term_id", r.term_id}}; }
    Json operator()(const MonthArchiveRequest&) const { return Json::object(); }
    Json operator()(const PagesInMonthRequest& r) const { return Json{{"month", r.month}}; }
    Json operator()(const ListPagesRequest& r) const {
        return Json{{"offset", r.offset}, {"limit", r.limit}, {"by_date", r.by_date}, {"kind", r.kind}};
    }
    Json operator()(const RandomPageRequest& r) const { return Json{{"seed", r.seed}}; }
    Json operator()(const ImageRequest& r) const { return Json{{"image_id", r.image_id}}; }
    Json operator()(const VerifyRequest&) const { return Json::object(); }
    Json operator()(const CancelRequest& r) const { return Json{{"id", r.id}}; }
    Json operator()(const FontsRequest& r) const {
        Json json = Json::object();
        if (!r.faces.empty()) json["faces"] = r.faces;
        return json;
    }
};

// Missing parameters keep their defaults; present ones must have the right type.
RequestBody read_params(RequestType type, const Json& params, Error& error) {
    static const Json kEmpty = Json::object();
    const Json& json = params.is_null() ? kEmpty : params;
    Fields f(json, "params", error);
    switch (type) {
        case RequestType::open_bundle: {
            OpenBundleRequest r;
            f.text("path", r.path, true);
            read_array(f, "params", "trusted_publishers", r.trusted_publishers,
                       [&](const Json& item, const std::string& at, std::string& out) {
                           if (const std::string* text = item.get_ptr<const std::string*>()) out = *text;
                           else f.fail("\"" + at + "\" must be a string");
                       });
            return r;
        }
        case RequestType::bundle_info: return BundleInfoRequest{};
        case RequestType::page: {
            PageRequest r;
            f.text("url_or_path", r.url_or_path);
            f.integer("page_id", r.page_id);
            f.boolean("replace_pending", r.replace_pending);
            if (!f.failed() && r.url_or_path.empty() && r.page_id == 0)
                f.fail("a page request needs \"params.url_or_path\" or \"params.page_id\"");
            return r;
        }
        case RequestType::search: {
            SearchRequest r;
            f.text("query", r.query, true);
            f.integer("offset", r.offset);
            f.integer("limit", r.limit);
            return r;
        }
        case RequestType::suggest: {
            SuggestRequest r;
            f.text("prefix", r.prefix, true);
            f.integer32("limit", r.limit);
            return r;
        }
        case RequestType::terms: {
            TermsRequest r;
            f.text("kind", r.kind);
            return r;
        }
        case RequestType::pages_with_term: {
            PagesWithTermRequest r;
            f.integer("term_id", r.term_id, true);
            return r;
        }
        case RequestType::month_archive: return MonthArchiveRequest{};
        case RequestType::pages_in_month: {
            PagesInMonthRequest r;
            f.text("month", r.month, true);
            return r;
        }
        case RequestType::list_pages: {
            ListPagesRequest r;
            f.integer("offset", r.offset);
            f.integer("limit", r.limit);
            f.boolean("by_date", r.by_date);
            f.text("kind", r.kind);
            return r;
        }
        case RequestType::random_page: {
            RandomPageRequest r;
            f.unsigned_integer("seed", r.seed);
            return r;
        }
        case RequestType::image: {
            ImageRequest r;
            f.integer("image_id", r.image_id, true);
            return r;
        }
        case RequestType::verify: return VerifyRequest{};
        case RequestType::cancel: {
            CancelRequest r;
            f.unsigned_integer("id", r.id, true);
            return r;
        }
        case RequestType::fonts: {
            FontsRequest r;
            read_array(f, "params", "faces", r.faces, [&](const Json& item, const std::string& at, std::string& out) {
                if (const std::string* text = item.get_ptr<const std::string*>()) out = *text;
                else f.fail("\"" + at + "\" must be a string");
            });
            return r;
        }
    }
    error = Error{ErrorCode::invalid_argument, "a request of an unknown type"};
    return BundleInfoRequest{};
}

Result<Json> parse(std::string_view text) {
    Json json = Json::parse(text.begin(), text.end(), nullptr, false);
    if (json.is_discarded())
        return Error{ErrorCode::invalid_argument, "the message is not valid JSON (" + std::to_string(text.size()) + " bytes)"};
    return json;
}

}  // namespace

Json to_json(const Request& request) {
    return Json{{"id", request.id},
                {"type", request_type_name(request.type())},
                {"params", std::visit(ParamsToJson{}, request.body)}};
}

Result<Request> request_from_json(const Json& json) {
    Error error{ErrorCode::ok, {}};
    Fields f(json, "", error);
    Request request;
    std::string type_name;
    f.unsigned_integer("id", request.id, true);
    f.text("type", type_name, true);
    if (f.failed()) return error;
    RequestType type;
    if (!request_type_from_name(type_name, type))
        return Error{ErrorCode::invalid_argument, "\"" + type_name + "\" is not a request type"};
    const Json* params = f.find("params", false);
    static const Json kNull;
    request.body = read_params(type, params ? *params : kNull, error);
    if (error.code != ErrorCode::ok) return error;
    return request;
}

Json to_json(const Response& response) {
    const char* code = response.ok ? "ok" : response.error_name();
    return Json{{"id", response.id},
                {"type", request_type_name(response.type)},
                {"ok", response.ok},
                {"error_code", code},
                {"error_message", response.error_message},
                {"partial", response.partial},
                {"payload", std::visit(PayloadToJson{}, response.payload)}};
}

Result<Response> response_from_json(const Json& json) {
    Error error{ErrorCode::ok, {}};
    Fields f(json, "", error);
    Response response;
    std::string type_name, code_name;
    f.unsigned_integer("id", response.id, true);
    f.text("type", type_name, true);
    f.boolean("ok", response.ok, true);
    f.text("error_code", code_name);
    f.text("error_message", response.error_message);
    f.boolean("partial", response.partial);
    if (f.failed()) return error;
    if (!request_type_from_name(type_name, response.type))
        return Error{ErrorCode::invalid_argument, "\"" + type_name + "\" is not a request type"};
    if (code_name == kCancelledName) {
        response.cancelled = true;
    } else if (!code_name.empty() && !error_code_from_name(code_name, response.error_code)) {
        return Error{ErrorCode::invalid_argument, "\"" + code_name + "\" is not an error code"};
    }
    if (!response.ok && !response.cancelled && response.error_code == ErrorCode::ok) response.error_code = ErrorCode::internal;
    const Json* payload = f.find("payload", false);
    if (response.ok) {
        if (!payload || payload->is_null()) return Error{ErrorCode::invalid_argument, "a successful response without \"payload\""};
        response.payload = read_payload(response.type, response.partial, *payload, error);
        if (error.code != ErrorCode::ok) return error;
    }
    return response;
}

std::string to_json_text(const Request& request) { return dump(to_json(request)); }
std::string to_json_text(const Response& response) { return dump(to_json(response)); }

Result<Request> request_from_json_text(std::string_view text) {
    Result<Json> json = parse(text);
    if (!json) return json.error();
    return request_from_json(json.value());
}

Result<Response> response_from_json_text(std::string_view text) {
    Result<Json> json = parse(text);
    if (!json) return json.error();
    return response_from_json(json.value());
}

}  // namespace sitepack::reader
