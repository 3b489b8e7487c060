// targets.h: what each fuzz target does with one input.
//
// The libFuzzer programs (fuzz_*.cpp) and the regression suite
// (tests/unit/regressions_test.cpp, which replays tests/regressions/) call
// these same functions, so a crash input kept as a regression exercises
// exactly the code that crashed. Each function returns normally for any
// input; a broken invariant (a round trip that differs, invalid UTF-8 where
// valid UTF-8 is promised) aborts through SITEPACK_FUZZ_CHECK.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "charset.h"
#include "fuzz_common.h"
#include "page_extractor.h"
#include "sitepack/bundle.h"
#include "sitepack/document.h"
#include "sitepack/text_layout.h"
#include "sitepack/text_width.h"
#include "sitepack/url.h"
#include "warc_reader.h"

namespace sitepack_fuzz {

// decode_document on raw bytes; a document that decodes must survive the
// reader's renderings and re-encode to bytes that decode to an equal document.
inline void document_decode(std::string_view input) {
    using namespace sitepack::doc;
    auto decoded = decode_document(input);
    if (!decoded) {
        // A newer format version is refused as such; anything else is damage.
        SITEPACK_FUZZ_CHECK(decoded.code() == sitepack::ErrorCode::corrupt ||
                                decoded.code() == sitepack::ErrorCode::unsupported_version,
                            "decode_document fails with corrupt or unsupported_version");
        return;
    }
    const Document& document = decoded.value();
    (void)plain_text(document);
    (void)render_text(document, 78);
    (void)render_text(document, 1 + static_cast<int>(input.size() % 40));
    const std::string encoded = encode_document(document);
    auto again = decode_document(encoded);
    SITEPACK_FUZZ_CHECK(again.ok(), "encode_document output decodes");
    SITEPACK_FUZZ_CHECK(again.value() == document, "decode(encode(document)) == document");
    SITEPACK_FUZZ_CHECK(encode_document(again.value()) == encoded, "encoding is deterministic");
}

// read_warc on the bytes as a file, with a small record limit so the
// limit's paths are reached.
inline void warc_reader(std::string_view input) {
    using namespace sitepack::build;
    const std::string path = scratch_path(".warc.gz");
    remove_at_exit(path);
    write_scratch(path, input);
    WarcOptions options;
    options.max_record_bytes = 64 * 1024;
    int64_t progress_calls = 0;
    options.progress = [&progress_calls](const WarcProgress&) { ++progress_calls; };
    options.on_skip = [](const std::string& reason, const std::string& origin) {
        SITEPACK_FUZZ_CHECK(!reason.empty() && !origin.empty(), "a skip has a reason and an origin");
    };
    SkipCounts skipped;
    size_t delivered_bytes = 0;
    const sitepack::Status status = read_warc(
        path,
        [&delivered_bytes](SourceRecord&& record) {
            delivered_bytes += record.url.size() + record.body.size() + record.location.size();
            return sitepack::Status::success();
        },
        skipped, options);
    (void)status.message();
    // The HTTP parser on its own, too: the same bytes as a response block.
    auto response = parse_http_response(input, 64 * 1024);
    if (response) (void)response->header("content-type");
}

// extract_page on the bytes as HTML; the body it makes must encode to
// bytes the reader decodes.
inline void html_extract(std::string_view input) {
    using namespace sitepack;
    auto page = build::extract_page(input, "https://example.org/a/b.html");
    if (!page) return;
    const std::string encoded = doc::encode_document(page->body);
    auto decoded = doc::decode_document(encoded);
    SITEPACK_FUZZ_CHECK(decoded.ok(), "an extracted body encodes to a decodable document");
    SITEPACK_FUZZ_CHECK(doc::encode_document(decoded.value()) == encoded, "an extracted body re-encodes equal");
    (void)doc::plain_text(decoded.value());
}

// decode_to_utf8 with the first line as the Content-Type header: whatever
// the bytes, the output must be valid UTF-8.
inline void charset(std::string_view input) {
    using namespace sitepack::build;
    const auto [content_type, bytes] = split_first_line(input);
    auto decoded = decode_to_utf8(bytes, content_type);
    if (decoded) {
        SITEPACK_FUZZ_CHECK(is_valid_utf8(decoded->utf8), "decode_to_utf8 gives valid UTF-8");
        SITEPACK_FUZZ_CHECK(!decoded->charset.empty(), "decode_to_utf8 names the charset");
    }
    SITEPACK_FUZZ_CHECK(is_valid_utf8(repair_utf8(bytes)), "repair_utf8 gives valid UTF-8");
    SITEPACK_FUZZ_CHECK(is_valid_utf8(input) == (repair_utf8(input) == input), "repair_utf8 keeps valid UTF-8");
    (void)encoding_for_label(content_type);
    (void)charset_parameter(content_type);
    (void)prescan_meta_charset(bytes);
}

// The URL functions on the input split at its first newline: a base and a
// reference. canonical_url must be idempotent.
inline void url(std::string_view input) {
    using namespace sitepack::url;
    const auto [base, reference] = split_first_line(input);
    for (std::string_view text : {base, reference}) {
        if (auto parts = parse(text)) (void)parse(to_string(*parts));
        (void)fragment_of(text);
        (void)path_and_query(text);
        (void)is_web_url(text);
    }
    const std::string resolved = resolve(base, reference);
    for (std::string_view text : {base, std::string_view(resolved)}) {
        const std::string canonical = canonical_url(text);
        if (canonical.empty()) continue;
        SITEPACK_FUZZ_CHECK(canonical_url(canonical) == canonical, "canonical_url is idempotent");
        SITEPACK_FUZZ_CHECK(is_web_url(canonical), "a canonical URL is a web URL");
    }
}

// The read_first list and Bundle::open on the bytes as a file, then what a
// reader does first: the front page, a few page bodies, a search, and a full
// verify.
inline void bundle_open(std::string_view input) {
    using namespace sitepack;
    const std::string path = scratch_path(".sitepack");
    remove_at_exit(path);
    write_scratch(path, input);
    (void)Bundle::pages_read_first(path);  // the browser's Worker asks this before opening
    auto opened = Bundle::open(path);
    if (!opened) return;
    const Bundle& bundle = opened.value();
    const BundleInfo& info = bundle.info();
    int64_t ids[] = {info.home_page_id, 1, 2, 3, -1, 0};
    if (auto front = bundle.find_page("/")) ids[4] = front->id;
    for (int64_t id : ids) {
        if (auto document = bundle.read_document(id)) (void)doc::render_text(document.value(), 60);
        (void)bundle.page(id);
        (void)bundle.page_terms(id);
    }
    (void)bundle.find_page("https://www.northkoreanrefugees.com/about/");
    (void)bundle.list_pages(0, 5);
    (void)bundle.suggest_titles("No", 5);
    (void)bundle.search("refugees", 0, 5);
    (void)bundle.image(1);
    (void)bundle.fonts();
    (void)bundle.terms("");
    (void)bundle.months();
    (void)bundle.verify();
}

// A monospace font: every column of text::display_width is 8 px at 16 px.
class MonospaceMetrics : public sitepack::layout::FontMetrics {
public:
    float advance(std::string_view utf8, sitepack::layout::FontFace, float size) const override {
        return static_cast<float>(sitepack::text::display_width(utf8)) * size / 2.0f;
    }
    float line_height(sitepack::layout::FontFace, float size) const override { return size * 1.25f; }
    float ascent(sitepack::layout::FontFace, float size) const override { return size; }
};

// The first byte sets the column width, the rest is a document to lay out;
// then the queries the reader makes of a layout every frame.
inline void text_layout(std::string_view input) {
    using namespace sitepack;
    if (input.empty()) return;
    const float width = 1.0f + static_cast<float>(static_cast<unsigned char>(input[0])) * 4.0f;
    auto decoded = doc::decode_document(input.substr(1));
    if (!decoded) return;
    const MonospaceMetrics metrics;
    const layout::Layout page = layout::layout_document(decoded.value(), width, metrics);
    (void)page.visible_range(0.0f, std::min(page.height(), 4096.0f));
    (void)page.visible_range(page.height() / 2.0f, page.height());
    (void)page.link_at(width / 2.0f, page.height() / 2.0f);
    (void)page.position_at(width / 3.0f, page.height() / 3.0f, metrics);
    (void)page.find_matches("e", metrics);
    for (const layout::TextRun& run : page.runs()) (void)page.text(run);
}

}  // namespace sitepack_fuzz
