// bundle_writer.h: writing the SQLite file of a bundle (docs/FORMAT.md).
//
// BundleWriter creates the schema in a new file, takes rows in the order
// the builder gives them, and finish() builds the full-text index, compacts
// the file (VACUUM) and closes it. It knows the format, not the site: the
// builder (site_builder.cpp) decides what goes in.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sitepack/result.h"

namespace sitepack::build {

struct PageRow {
    int64_t id = 0;
    std::string url;
    std::string kind;         // "article" or "listing"
    std::string title;
    std::string published, modified, author, description;  // "" is stored as NULL
    std::string language;
    std::string body;         // zstd frame
    int64_t body_size = 0;    // decoded size
    std::string body_hash;    // content_hash of the decoded body
    bool has_dictionary = false;
};

struct ImageRow {
    int64_t id = 0;
    std::string url;
    std::string mime_type;
    int32_t width = 0, height = 0;
    std::string content;
};

class BundleWriter {
public:
    // Creates `path` (which must not exist) with the bundle schema.
    // Fails with io naming the path.
    static Result<BundleWriter> create(const std::string& path);

    BundleWriter(BundleWriter&&) noexcept;
    BundleWriter& operator=(BundleWriter&&) noexcept;
    ~BundleWriter();  // closes the file if finish() was not called (the caller removes it)

    Status add_metadata(std::string_view key, std::string_view value);
    Status add_dictionary(int64_t id, std::string_view content);
    Status add_page(const PageRow& page);
    // Full-text index entry of a page: both texts already passed through
    // search::index_text.
    Status add_search_text(int64_t page_id, std::string_view title, std::string_view body);
    Status add_redirect(std::string_view url, std::string_view target_url, int64_t target_page_id, std::string_view reason);
    Status add_term(int64_t id, std::string_view kind, std::string_view name, std::string_view url);
    Status add_page_term(int64_t page_id, int64_t term_id);
    // target: "internal", "missing", "external" or "image"; url "" for internal.
    Status add_link(int64_t page_id, int64_t position, std::string_view target, int64_t target_id, std::string_view url);
    Status add_image(const ImageRow& image);
    Status add_navigation(std::string_view kind, int64_t position, std::string_view label, std::string_view url,
                          int64_t target_page_id);
    // fonts: one subset font file per face ("regular", "bold", "italic",
    // "bold-italic", "cjk-regular", "cjk-bold"), see font_subset.h.
    Status add_font(std::string_view face, std::string_view family, std::string_view content);

    // Commits, optimizes the full-text index, writes the compact page
    // lengths (search_lengths), VACUUMs and closes the file.
    Status finish();

private:
    Status write_search_lengths();
    struct State;
    explicit BundleWriter(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace sitepack::build
