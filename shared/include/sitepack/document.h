// document.h: the document model of a page body, as stored in a bundle.
//
// The builder turns a page's main content into a Document: a tree of blocks
// (headings, paragraphs, lists, quotes, tables, figures, preformatted text,
// rules) whose text lives in spans carrying bold/italic/code style and an
// optional link. Links and images are listed once per document and referred
// to by index, so the reader can number links and find every image.
//
// A Document is encoded to compact bytes (encode_document), zstd-compressed
// and stored per page; the reader decodes it (decode_document), lays it out
// and renders it. The model carries no HTML, script, style or event handler:
// nothing in a bundle can run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sitepack/result.h"

namespace sitepack::doc {

// Style bits of a span.
enum SpanStyle : uint8_t {
    kPlain = 0,
    kBold = 1 << 0,
    kItalic = 1 << 1,
    kCode = 1 << 2,       // inline code / monospace
    kSuperscript = 1 << 3,
    kSubscript = 1 << 4,
};

enum class SpanKind : uint8_t {
    text = 0,        // `text` holds UTF-8 text (never empty)
    line_break = 1,  // a hard line break (<br>); `text` is empty
};

struct Span {
    SpanKind kind = SpanKind::text;
    std::string text;
    uint8_t style = kPlain;   // SpanStyle bits
    int32_t link = -1;        // index into Document::links, or -1
    bool operator==(const Span&) const;
};

enum class BlockKind : uint8_t {
    paragraph = 0,     // spans
    heading = 1,       // spans; level 1..6
    list = 2,          // children are list_item blocks; ordered, start
    list_item = 3,     // children are blocks
    quote = 4,         // children are blocks
    table = 5,         // children are table_row blocks
    table_row = 6,     // children are table_cell blocks
    table_cell = 7,    // children are blocks; header, colspan, rowspan
    figure = 8,        // image: index into Document::images; spans = caption (may be empty)
    preformatted = 9,  // spans (whitespace kept verbatim, usually one text span)
    rule = 10,         // a horizontal rule; nothing else
};

constexpr size_t kMaxAnchorsPerBlock = 64;
constexpr size_t kMaxAnchorBytes = 256;

struct Block {
    BlockKind kind = BlockKind::paragraph;
    uint8_t level = 0;          // heading: 1..6
    bool ordered = false;       // list
    int32_t start = 1;          // ordered list: number of the first item
    bool header = false;        // table_cell: a <th>
    uint16_t colspan = 1;       // table_cell
    uint16_t rowspan = 1;       // table_cell
    int32_t image = -1;         // figure: index into Document::images
    // The HTML ids (and <a name> names) that point at this block, so a link
    // ending in "#name" can land on it. At most kMaxAnchorsPerBlock, each
    // 1..kMaxAnchorBytes bytes; the encoder drops any beyond that.
    std::vector<std::string> anchors;
    std::vector<Span> spans;
    std::vector<Block> children;
    bool operator==(const Block&) const;
};

// Where a link leads, decided by the builder once every page is known.
enum class LinkTarget : uint8_t {
    unresolved = 0,  // not yet resolved (builder's first pass)
    internal = 1,    // a page in this bundle: page_id is set
    missing = 2,     // on the archived site, but not in this bundle
    external = 3,    // another site
    image = 4,       // an image in this bundle (image_id is set)
};

struct Link {
    std::string url;        // absolute URL as on the site (fragment kept)
    LinkTarget target = LinkTarget::unresolved;
    int64_t page_id = 0;    // internal: pages.id of the target
    bool operator==(const Link&) const;
};

struct Image {
    std::string url;        // absolute URL of the image on the site
    std::string alt;        // alternative text ("" if none)
    int64_t image_id = 0;   // images.id in the bundle, 0 if the image is not in it
    uint32_t width = 0;     // declared or decoded size in pixels, 0 if unknown
    uint32_t height = 0;
    bool operator==(const Image&) const;
};

struct Document {
    std::vector<Block> blocks;
    std::vector<Link> links;
    std::vector<Image> images;
    bool operator==(const Document&) const;
};

// Encodes a document to its stored byte form (format described in
// docs/FORMAT.md). Deterministic: equal documents give equal bytes. A
// document with no anchors is written as version 1 (as before anchors
// existed); one with anchors as version 2.
std::string encode_document(const Document& document);

// Decodes bytes made by encode_document. Never reads out of bounds and never
// recurses deeper than kMaxDepth; damaged or hostile bytes give
// ErrorCode::corrupt with the byte offset where decoding failed.
constexpr int kMaxDepth = 64;
Result<Document> decode_document(std::string_view bytes);

// The document's text without markup: blocks separated by blank lines, list
// items and table cells on their own lines. Used for the full-text index,
// snippets and "copy page text".
std::string plain_text(const Document& document);

// The block an anchor names: its pre-order number (the document's first
// top-level block is 0, then its children, then the next top-level block...;
// the order the layout numbers blocks in), or nullopt if no block carries
// `anchor`. `anchor` is a URL fragment without '#'; it is compared exactly
// first and, failing that, percent-decoded (HTML ids are matched
// case-sensitively). Blocks deeper than kMaxDepth are not searched.
std::optional<uint32_t> block_of_anchor(const Document& document, std::string_view anchor);

// The document as wrapped plain text for a terminal, `width` columns wide
// (CJK characters count two columns): headings underlined, lists indented and
// numbered, quotes prefixed with "> ", links marked [n] after their text and
// listed at the end with their URL and whether they lead to a page in the
// bundle, a missing page, or another site; images shown as [image: alt].
std::string render_text(const Document& document, int width = 78);

}  // namespace sitepack::doc
