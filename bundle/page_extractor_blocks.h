// page_extractor_blocks.h: an HTML subtree as doc::Document blocks.
//
// DocumentBuilder walks gumbo elements and appends blocks to one Document:
// headings, paragraphs (an inline run directly in a div or cell becomes a
// paragraph; two <br>s in a row split one), lists, quotes, data tables
// (layout tables are flattened into their content), figures with captions,
// preformatted text and rules; spans carry bold/italic/code/sup/sub and a
// link. Links and images are resolved to absolute URLs and listed once per
// URL. Furniture (page_extractor_dom.h) and the nodes in `skip` are left out.
//
// Bounded whatever the input: the walk recurses at most kMaxWalkDepth
// elements deep and flattens deeper content to text; blocks nest at most
// kMaxBlockDepth deep; text, blocks, links and images have caps beyond
// which further content is dropped. Private to page_extractor.cpp.
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sitepack/document.h"

namespace sitepack::build::detail {

constexpr int kMaxWalkDepth = 160;
constexpr int kMaxBlockDepth = 40;
constexpr size_t kMaxTextBytes = size_t{16} << 20;
constexpr size_t kMaxBlocks = 200000;
constexpr size_t kMaxLinks = 50000;
constexpr size_t kMaxImages = 20000;
constexpr size_t kMaxAnchors = 10000;  // ids and <a name>s kept per document

struct ConvertOptions {
    std::string base_url;  // absolute URL that links and images resolve against
    bool wordpress = false;  // drop "read more" / "continue reading" links
    // Hand-made reports mark sections with a short bold paragraph
    // ("<p><b>II. Protection of Refugees</b></p>"): make it a heading one
    // level below the last real one.
    bool bold_paragraph_headings = false;
    const std::unordered_set<const GumboNode*>* skip = nullptr;  // more furniture, found by the caller
};

class DocumentBuilder {
public:
    explicit DocumentBuilder(ConvertOptions options);

    // Appends the content of `node`'s children (the node itself is not
    // checked for furniture: it is the chosen content root).
    void append_children(const GumboNode* node);
    // Appends `node` as content (checked for furniture like any descendant).
    void append_node(const GumboNode* node);
    // Appends a block built by the caller (a listing's post heading).
    void append_block(doc::Block block);

    // The index of the link to `href` resolved, or -1 when it leads nowhere
    // usable (javascript:, data:, empty, over the cap).
    int32_t link(std::string_view href);
    // `href` resolved against the base; nullopt for schemes other than
    // http, https, mailto, ftp and tel, and for empty or "#" references.
    std::optional<std::string> resolve_link(std::string_view href) const;
    // The index of the image of an <img>, or -1 (no usable src, decorative
    // spacer, site logo).
    int32_t image(const GumboNode* img);

    doc::Document& document() { return document_; }
    bool truncated() const { return truncated_; }

private:
    enum class SinkMode { blocks, inline_only, preformatted };
    struct Sink;
    struct Inline {
        uint8_t style = doc::kPlain;
        int32_t link = -1;
    };

    void walk(const GumboNode* node, Sink& sink, Inline ctx, int depth);
    void walk_children(const GumboNode* node, Sink& sink, Inline ctx, int depth);
    void flatten(const GumboNode* node, Sink& sink, Inline ctx);
    void block_container(const GumboNode* node, Sink& sink, Inline ctx, int depth);
    void paragraph(const GumboNode* node, Sink& sink, Inline ctx, int depth);
    void promote_to_heading(doc::Block& block) const;
    void heading(const GumboNode* node, Sink& sink, Inline ctx, int depth, int level);
    void list(const GumboNode* node, Sink& sink, Inline ctx, int depth);
    void quote(const GumboNode* node, Sink& sink, Inline ctx, int depth);
    void preformatted(const GumboNode* node, Sink& sink, Inline ctx, int depth);
    void table(const GumboNode* node, Sink& sink, Inline ctx, int depth);
    void figure(const GumboNode* node, Sink& sink, Inline ctx, int depth);
    void image_block(const GumboNode* node, Sink& sink);
    void anchor(const GumboNode* node, Sink& sink, Inline ctx, int depth);

    void add_text(Sink& sink, std::string_view text, Inline ctx);
    void append_span_text(Sink& sink, std::string_view text, Inline ctx);
    void line_break(Sink& sink);
    void flush(Sink& sink);
    void note_anchors(const GumboNode* node, Sink& sink);
    void take_anchors(doc::Block& block, std::vector<std::string>* first = nullptr);
    void add_block(Sink& sink, doc::Block block);
    void attach_block(Sink& sink, doc::Block block);
    std::vector<doc::Span> finish_spans(Sink& sink);
    bool is_skipped(const GumboNode* node) const;
    bool is_read_more(const GumboNode* node) const;
    bool has_budget() const { return !truncated_; }

    ConvertOptions options_;
    doc::Document document_;
    std::unordered_map<std::string, int32_t> link_index_;
    std::unordered_map<std::string, int32_t> image_index_;
    int last_heading_level_ = 1;  // of the last heading among the document's own blocks
    size_t text_bytes_ = 0;
    size_t blocks_ = 0;
    // Ids met where no block holds them yet: the next block made takes them.
    std::vector<std::string> pending_anchors_;
    size_t anchors_ = 0;
    bool truncated_ = false;
};

}  // namespace sitepack::build::detail
