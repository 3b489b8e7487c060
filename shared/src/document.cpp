// document.cpp: equality, the stored byte form, plain text and terminal text
// of a Document.
//
// Byte form (versions 1 and 2; docs/FORMAT.md has the full table):
//
//   document := version:u8(=1|2) links images blocks
//   links    := count:varint link*       link  := flags:u8 url:str [page_id:zigzag]
//   images   := count:varint image*      image := flags:u8 url:str [alt:str]
//                                                 [image_id:zigzag] [width:varint] [height:varint]
//   blocks   := count:varint block*      block := head:u8 [attributes:u8 values...]
//                                                 [count:varint span*] [blocks]
//   attributes := mask:u8 values...; in version 2, mask bit 7 adds
//                 anchor_count:varint anchor:str* after the other values
//   span     := head:u8 [link:varint] [text:str]
//   str      := length:varint bytes
//
// Links and images come first so the decoder can check every index as soon
// as it reads it. Fields at their default value are not written at all.
//
// The encoder never writes something the decoder rejects: values the model
// forbids are normalised on the way out (a heading level outside 1..6 is
// clamped, an out-of-range link or image index is written as "none", unknown
// style bits and enum values are dropped, blocks nested deeper than
// kMaxDepth are left out, anchors beyond kMaxAnchorsPerBlock, empty ones and
// longer ones than kMaxAnchorBytes are dropped). A valid document
// round-trips exactly. Version 2 is written only when an anchor is, so
// documents without anchors keep the bytes they had before anchors existed.
#include "sitepack/document.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "sitepack/text_width.h"

namespace sitepack::doc {

bool Span::operator==(const Span& other) const {
    return kind == other.kind && text == other.text && style == other.style && link == other.link;
}

bool Block::operator==(const Block& other) const {
    return kind == other.kind && level == other.level && ordered == other.ordered && start == other.start &&
           header == other.header && colspan == other.colspan && rowspan == other.rowspan &&
           image == other.image && anchors == other.anchors && spans == other.spans && children == other.children;
}

bool Link::operator==(const Link& other) const {
    return url == other.url && target == other.target && page_id == other.page_id;
}

bool Image::operator==(const Image& other) const {
    return url == other.url && alt == other.alt && image_id == other.image_id && width == other.width &&
           height == other.height;
}

bool Document::operator==(const Document& other) const {
    return blocks == other.blocks && links == other.links && images == other.images;
}

namespace {

// ---------------------------------------------------------------------------
// Byte form constants

constexpr uint8_t kFormatVersion = 1;         // no anchors anywhere
constexpr uint8_t kFormatVersionAnchors = 2;  // attribute bit 7: anchors
constexpr uint8_t kNewestFormatVersion = kFormatVersionAnchors;

// Block head byte: kind in the low nibble, then which parts follow.
constexpr uint8_t kBlockKindMask = 0x0F;
constexpr uint8_t kBlockHasAttributes = 0x10;
constexpr uint8_t kBlockHasSpans = 0x20;
constexpr uint8_t kBlockHasChildren = 0x40;
constexpr uint8_t kBlockReservedBits = 0x80;
constexpr uint8_t kLastBlockKind = static_cast<uint8_t>(BlockKind::rule);

// Block attribute byte: which non-default attributes follow, in this order
// (ordered and header are flags without a value).
constexpr uint8_t kAttributeLevel = 0x01;    // u8
constexpr uint8_t kAttributeOrdered = 0x02;  // no value: true
constexpr uint8_t kAttributeStart = 0x04;    // zigzag varint, int32 range
constexpr uint8_t kAttributeHeader = 0x08;   // no value: true
constexpr uint8_t kAttributeColspan = 0x10;  // varint, uint16 range
constexpr uint8_t kAttributeRowspan = 0x20;  // varint, uint16 range
constexpr uint8_t kAttributeImage = 0x40;    // varint index into images
constexpr uint8_t kAttributeAnchors = 0x80;  // version 2: count, then strings (reserved in version 1)

// Span head byte.
constexpr uint8_t kSpanStyleMask = 0x1F;  // SpanStyle bits
constexpr uint8_t kSpanLineBreak = 0x20;  // kind line_break: no text follows
constexpr uint8_t kSpanHasLink = 0x40;    // a link index follows
constexpr uint8_t kSpanReservedBits = 0x80;

// Link head byte.
constexpr uint8_t kLinkTargetMask = 0x07;
constexpr uint8_t kLinkHasPageId = 0x08;
constexpr uint8_t kLinkReservedBits = 0xF0;
constexpr uint8_t kLastLinkTarget = static_cast<uint8_t>(LinkTarget::image);

// Image head byte.
constexpr uint8_t kImageHasAlt = 0x01;
constexpr uint8_t kImageHasId = 0x02;
constexpr uint8_t kImageHasWidth = 0x04;
constexpr uint8_t kImageHasHeight = 0x08;
constexpr uint8_t kImageReservedBits = 0xF0;

// Smallest encodings, used to reject counts the remaining bytes cannot hold
// before any memory is reserved for them.
constexpr size_t kMinBlockBytes = 1;  // head
constexpr size_t kMinSpanBytes = 1;   // head (a line break)
constexpr size_t kMinLinkBytes = 2;   // flags, empty url
constexpr size_t kMinImageBytes = 2;  // flags, empty url
constexpr size_t kMinAnchorBytes = 2; // length, one byte

// ---------------------------------------------------------------------------
// Encoding

void put_varint(std::string& out, uint64_t value) {
    while (value >= 0x80) {
        out += static_cast<char>((value & 0x7F) | 0x80);
        value >>= 7;
    }
    out += static_cast<char>(value);
}

// Zigzag maps small negative numbers to small unsigned ones: 0,-1,1,-2 -> 0,1,2,3.
uint64_t zigzag(int64_t value) {
    const uint64_t shifted = static_cast<uint64_t>(value) << 1;
    return value < 0 ? ~shifted : shifted;
}

int64_t unzigzag(uint64_t value) {
    const int64_t magnitude = static_cast<int64_t>(value >> 1);
    return (value & 1) ? -magnitude - 1 : magnitude;
}

void put_string(std::string& out, std::string_view text) {
    put_varint(out, text.size());
    out.append(text.data(), text.size());
}

bool valid_index(int32_t index, size_t table_size) {
    return index >= 0 && static_cast<size_t>(index) < table_size;
}

bool valid_anchor(const std::string& anchor) { return !anchor.empty() && anchor.size() <= kMaxAnchorBytes; }

// The anchors of a block that get written: valid ones, at most kMaxAnchorsPerBlock.
size_t writable_anchor_count(const Block& block) {
    size_t count = 0;
    for (const std::string& anchor : block.anchors) {
        if (valid_anchor(anchor) && ++count == kMaxAnchorsPerBlock) break;
    }
    return count;
}

class Encoder {
public:
    explicit Encoder(const Document& document) : document_(document) {}

    std::string encode() {
        out_ += static_cast<char>(kFormatVersion);
        put_varint(out_, document_.links.size());
        for (const Link& link : document_.links) put_link(link);
        put_varint(out_, document_.images.size());
        for (const Image& image : document_.images) put_image(image);
        put_blocks(document_.blocks, 1);
        if (wrote_anchors_) out_[0] = static_cast<char>(kFormatVersionAnchors);
        return std::move(out_);
    }

private:
    void put_link(const Link& link) {
        uint8_t target = static_cast<uint8_t>(link.target);
        if (target > kLastLinkTarget) target = static_cast<uint8_t>(LinkTarget::unresolved);
        uint8_t flags = target;
        if (link.page_id != 0) flags |= kLinkHasPageId;
        out_ += static_cast<char>(flags);
        put_string(out_, link.url);
        if (link.page_id != 0) put_varint(out_, zigzag(link.page_id));
    }

    void put_image(const Image& image) {
        uint8_t flags = 0;
        if (!image.alt.empty()) flags |= kImageHasAlt;
        if (image.image_id != 0) flags |= kImageHasId;
        if (image.width != 0) flags |= kImageHasWidth;
        if (image.height != 0) flags |= kImageHasHeight;
        out_ += static_cast<char>(flags);
        put_string(out_, image.url);
        if (flags & kImageHasAlt) put_string(out_, image.alt);
        if (flags & kImageHasId) put_varint(out_, zigzag(image.image_id));
        if (flags & kImageHasWidth) put_varint(out_, image.width);
        if (flags & kImageHasHeight) put_varint(out_, image.height);
    }

    // `depth` is the depth of the blocks in `blocks`: 1 for the document's own.
    void put_blocks(const std::vector<Block>& blocks, int depth) {
        put_varint(out_, blocks.size());
        for (const Block& block : blocks) put_block(block, depth);
    }

    void put_block(const Block& block, int depth) {
        uint8_t kind = static_cast<uint8_t>(block.kind);
        if (kind > kLastBlockKind) kind = static_cast<uint8_t>(BlockKind::paragraph);

        uint8_t level = block.level;
        if (kind == static_cast<uint8_t>(BlockKind::heading)) level = std::clamp<uint8_t>(level, 1, 6);

        uint8_t attributes = 0;
        if (level != 0) attributes |= kAttributeLevel;
        if (block.ordered) attributes |= kAttributeOrdered;
        if (block.start != 1) attributes |= kAttributeStart;
        if (block.header) attributes |= kAttributeHeader;
        if (block.colspan != 1) attributes |= kAttributeColspan;
        if (block.rowspan != 1) attributes |= kAttributeRowspan;
        if (valid_index(block.image, document_.images.size())) attributes |= kAttributeImage;
        const size_t anchor_count = writable_anchor_count(block);
        if (anchor_count > 0) attributes |= kAttributeAnchors;

        // Deeper children would be rejected by the decoder: leave them out.
        const bool write_children = !block.children.empty() && depth < kMaxDepth;

        uint8_t head = kind;
        if (attributes != 0) head |= kBlockHasAttributes;
        if (!block.spans.empty()) head |= kBlockHasSpans;
        if (write_children) head |= kBlockHasChildren;
        out_ += static_cast<char>(head);

        if (attributes != 0) {
            out_ += static_cast<char>(attributes);
            if (attributes & kAttributeLevel) out_ += static_cast<char>(level);
            if (attributes & kAttributeStart) put_varint(out_, zigzag(block.start));
            if (attributes & kAttributeColspan) put_varint(out_, block.colspan);
            if (attributes & kAttributeRowspan) put_varint(out_, block.rowspan);
            if (attributes & kAttributeImage) put_varint(out_, static_cast<uint64_t>(block.image));
            if (attributes & kAttributeAnchors) {
                wrote_anchors_ = true;
                put_varint(out_, anchor_count);
                size_t written = 0;
                for (const std::string& anchor : block.anchors) {
                    if (written == anchor_count) break;
                    if (!valid_anchor(anchor)) continue;
                    put_string(out_, anchor);
                    ++written;
                }
            }
        }
        if (!block.spans.empty()) {
            put_varint(out_, block.spans.size());
            for (const Span& span : block.spans) put_span(span);
        }
        if (write_children) put_blocks(block.children, depth + 1);
    }

    void put_span(const Span& span) {
        const bool line_break = span.kind == SpanKind::line_break;
        const bool has_link = valid_index(span.link, document_.links.size());
        uint8_t head = span.style & kSpanStyleMask;
        if (line_break) head |= kSpanLineBreak;
        if (has_link) head |= kSpanHasLink;
        out_ += static_cast<char>(head);
        if (has_link) put_varint(out_, static_cast<uint64_t>(span.link));
        if (!line_break) put_string(out_, span.text);
    }

    const Document& document_;
    std::string out_;
    bool wrote_anchors_ = false;
};

// ---------------------------------------------------------------------------
// Decoding

// Reads untrusted bytes. Every read is bounds-checked; the first failure is
// remembered with its byte offset and every later read fails, so callers
// just return false up the stack.
class Decoder {
public:
    explicit Decoder(std::string_view bytes) : bytes_(bytes) {}

    Result<Document> decode() {
        if (bytes_.empty()) return damaged(0, "the document is empty");
        const uint8_t version = static_cast<uint8_t>(bytes_[0]);
        position_ = 1;
        if (version > kNewestFormatVersion) {
            return Error{ErrorCode::unsupported_version,
                         "document format version " + std::to_string(version) +
                             " is newer than this program reads (version " + std::to_string(kNewestFormatVersion) +
                             "); a newer sitepack is needed"};
        }
        if (version == 0) return damaged(0, "unknown document format version 0");
        version_ = version;

        Document document;
        if (!read_links(document.links) || !read_images(document.images) ||
            !read_blocks(document.blocks, 1, document)) {
            return damaged(error_offset_, error_);
        }
        if (position_ != bytes_.size()) {
            return damaged(position_, "unexpected bytes after the end of the document");
        }
        // Version 2 exists for anchors; without any, the same document is
        // version 1 (one document, one encoding).
        if (version_ == kFormatVersionAnchors && !read_anchors_) {
            return damaged(0, "document format version 2 without any anchor");
        }
        return document;
    }

private:
    static Error damaged(size_t offset, const std::string& what) {
        return Error{ErrorCode::corrupt, "document is damaged at byte " + std::to_string(offset) + ": " + what};
    }

    bool fail(size_t offset, std::string what) {
        if (error_.empty()) {
            error_offset_ = offset;
            error_ = std::move(what);
        }
        return false;
    }

    size_t remaining() const { return bytes_.size() - position_; }

    bool read_byte(uint8_t& value, const char* what) {
        if (position_ >= bytes_.size()) return fail(position_, std::string(what) + " runs past the end");
        value = static_cast<uint8_t>(bytes_[position_++]);
        return true;
    }

    // Unsigned LEB128, at most 10 bytes, shortest form only (so one value
    // has one encoding).
    bool read_varint(uint64_t& value, const char* what) {
        const size_t start = position_;
        value = 0;
        for (int shift = 0;; shift += 7) {
            if (position_ >= bytes_.size()) return fail(start, std::string(what) + " runs past the end");
            const uint8_t byte = static_cast<uint8_t>(bytes_[position_++]);
            if (shift == 63 && byte > 1) return fail(start, std::string(what) + " is larger than 64 bits");
            value |= static_cast<uint64_t>(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) {
                if (byte == 0 && shift > 0) return fail(start, std::string(what) + " is not in its shortest form");
                return true;
            }
        }
    }

    // A count of items each taking at least `min_bytes`: checked against the
    // bytes left so a hostile count fails here instead of allocating.
    bool read_count(size_t& count, size_t min_bytes, const char* what) {
        const size_t start = position_;
        uint64_t value = 0;
        if (!read_varint(value, what)) return false;
        if (value > remaining() / min_bytes) {
            return fail(start, std::string(what) + " claims " + std::to_string(value) + " but only " +
                                   std::to_string(remaining()) + " bytes remain");
        }
        count = static_cast<size_t>(value);
        return true;
    }

    bool read_string(std::string& text, const char* what) {
        const size_t start = position_;
        uint64_t length = 0;
        if (!read_varint(length, what)) return false;
        if (length > remaining()) return fail(start, std::string(what) + " runs past the end");
        text.assign(bytes_.data() + position_, static_cast<size_t>(length));
        position_ += static_cast<size_t>(length);
        return true;
    }

    bool read_links(std::vector<Link>& links) {
        size_t count = 0;
        if (!read_count(count, kMinLinkBytes, "link count")) return false;
        links.resize(count);
        for (Link& link : links) {
            const size_t start = position_;
            uint8_t flags = 0;
            if (!read_byte(flags, "link")) return false;
            if (flags & kLinkReservedBits) return fail(start, "link has unknown flags");
            const uint8_t target = flags & kLinkTargetMask;
            if (target > kLastLinkTarget) return fail(start, "link has unknown target " + std::to_string(target));
            link.target = static_cast<LinkTarget>(target);
            if (!read_string(link.url, "link url")) return false;
            if (flags & kLinkHasPageId) {
                uint64_t page_id = 0;
                if (!read_varint(page_id, "link page id")) return false;
                link.page_id = unzigzag(page_id);
            }
        }
        return true;
    }

    bool read_images(std::vector<Image>& images) {
        size_t count = 0;
        if (!read_count(count, kMinImageBytes, "image count")) return false;
        images.resize(count);
        for (Image& image : images) {
            const size_t start = position_;
            uint8_t flags = 0;
            if (!read_byte(flags, "image")) return false;
            if (flags & kImageReservedBits) return fail(start, "image has unknown flags");
            if (!read_string(image.url, "image url")) return false;
            if ((flags & kImageHasAlt) && !read_string(image.alt, "image alt text")) return false;
            if (flags & kImageHasId) {
                uint64_t id = 0;
                if (!read_varint(id, "image id")) return false;
                image.image_id = unzigzag(id);
            }
            if ((flags & kImageHasWidth) && !read_uint32(image.width, "image width")) return false;
            if ((flags & kImageHasHeight) && !read_uint32(image.height, "image height")) return false;
        }
        return true;
    }

    bool read_uint32(uint32_t& value, const char* what) {
        const size_t start = position_;
        uint64_t wide = 0;
        if (!read_varint(wide, what)) return false;
        if (wide > std::numeric_limits<uint32_t>::max()) return fail(start, std::string(what) + " is out of range");
        value = static_cast<uint32_t>(wide);
        return true;
    }

    bool read_uint16(uint16_t& value, const char* what) {
        const size_t start = position_;
        uint64_t wide = 0;
        if (!read_varint(wide, what)) return false;
        if (wide > std::numeric_limits<uint16_t>::max()) return fail(start, std::string(what) + " is out of range");
        value = static_cast<uint16_t>(wide);
        return true;
    }

    // `depth` is the depth of the blocks being read: 1 for the document's own.
    bool read_blocks(std::vector<Block>& blocks, int depth, const Document& document) {
        if (depth > kMaxDepth) {
            return fail(position_, "blocks are nested deeper than " + std::to_string(kMaxDepth) + " levels");
        }
        size_t count = 0;
        if (!read_count(count, kMinBlockBytes, "block count")) return false;
        // Grown one block at a time: every block consumes input bytes, so
        // memory stays proportional to what is actually there.
        for (size_t i = 0; i < count; ++i) {
            blocks.emplace_back();
            if (!read_block(blocks.back(), depth, document)) return false;
        }
        return true;
    }

    bool read_block(Block& block, int depth, const Document& document) {
        const size_t start = position_;
        uint8_t head = 0;
        if (!read_byte(head, "block")) return false;
        if (head & kBlockReservedBits) return fail(start, "block has unknown flags");
        const uint8_t kind = head & kBlockKindMask;
        if (kind > kLastBlockKind) return fail(start, "block has unknown kind " + std::to_string(kind));
        block.kind = static_cast<BlockKind>(kind);

        if ((head & kBlockHasAttributes) && !read_attributes(block, document)) return false;
        if (block.kind == BlockKind::heading && (block.level < 1 || block.level > 6)) {
            return fail(start, "heading level " + std::to_string(block.level) + " is not between 1 and 6");
        }
        if ((head & kBlockHasSpans) && !read_spans(block.spans, document)) return false;
        if ((head & kBlockHasChildren) && !read_blocks(block.children, depth + 1, document)) return false;
        return true;
    }

    bool read_attributes(Block& block, const Document& document) {
        const size_t start = position_;
        uint8_t attributes = 0;
        if (!read_byte(attributes, "block attributes")) return false;
        if ((attributes & kAttributeAnchors) && version_ < kFormatVersionAnchors) {
            return fail(start, "block has unknown attributes");
        }
        if ((attributes & kAttributeLevel) && !read_byte(block.level, "heading level")) return false;
        block.ordered = (attributes & kAttributeOrdered) != 0;
        block.header = (attributes & kAttributeHeader) != 0;
        if (attributes & kAttributeStart) {
            const size_t start_offset = position_;
            uint64_t encoded = 0;
            if (!read_varint(encoded, "list start")) return false;
            const int64_t value = unzigzag(encoded);
            if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
                return fail(start_offset, "list start is out of range");
            }
            block.start = static_cast<int32_t>(value);
        }
        if ((attributes & kAttributeColspan) && !read_uint16(block.colspan, "cell column span")) return false;
        if ((attributes & kAttributeRowspan) && !read_uint16(block.rowspan, "cell row span")) return false;
        if (attributes & kAttributeImage) {
            const size_t image_offset = position_;
            uint64_t index = 0;
            if (!read_varint(index, "figure image")) return false;
            if (index >= document.images.size()) {
                return fail(image_offset, "figure refers to image " + std::to_string(index) +
                                              " but the document has " + std::to_string(document.images.size()));
            }
            block.image = static_cast<int32_t>(index);
        }
        if ((attributes & kAttributeAnchors) && !read_anchors(block.anchors)) return false;
        return true;
    }

    // Both caps are checked before anything is allocated for the anchors.
    bool read_anchors(std::vector<std::string>& anchors) {
        const size_t count_offset = position_;
        size_t count = 0;
        if (!read_count(count, kMinAnchorBytes, "anchor count")) return false;
        if (count == 0) return fail(count_offset, "block has an empty anchor list");
        if (count > kMaxAnchorsPerBlock) {
            return fail(count_offset, "block has " + std::to_string(count) + " anchors, more than " +
                                          std::to_string(kMaxAnchorsPerBlock));
        }
        anchors.reserve(count);
        for (size_t i = 0; i < count; ++i) {
            const size_t anchor_offset = position_;
            uint64_t length = 0;
            if (!read_varint(length, "anchor")) return false;
            if (length == 0) return fail(anchor_offset, "anchor is empty");
            if (length > kMaxAnchorBytes) {
                return fail(anchor_offset, "anchor is " + std::to_string(length) + " bytes, more than " +
                                               std::to_string(kMaxAnchorBytes));
            }
            if (length > remaining()) return fail(anchor_offset, "anchor runs past the end");
            anchors.emplace_back(bytes_.data() + position_, static_cast<size_t>(length));
            position_ += static_cast<size_t>(length);
        }
        read_anchors_ = true;
        return true;
    }

    bool read_spans(std::vector<Span>& spans, const Document& document) {
        size_t count = 0;
        if (!read_count(count, kMinSpanBytes, "span count")) return false;
        for (size_t i = 0; i < count; ++i) {
            spans.emplace_back();
            Span& span = spans.back();
            const size_t start = position_;
            uint8_t head = 0;
            if (!read_byte(head, "span")) return false;
            if (head & kSpanReservedBits) return fail(start, "span has unknown flags");
            span.style = head & kSpanStyleMask;
            span.kind = (head & kSpanLineBreak) ? SpanKind::line_break : SpanKind::text;
            if (head & kSpanHasLink) {
                const size_t link_offset = position_;
                uint64_t index = 0;
                if (!read_varint(index, "span link")) return false;
                if (index >= document.links.size()) {
                    return fail(link_offset, "span refers to link " + std::to_string(index) +
                                                 " but the document has " + std::to_string(document.links.size()));
                }
                span.link = static_cast<int32_t>(index);
            }
            if (span.kind == SpanKind::text && !read_string(span.text, "span text")) return false;
        }
        return true;
    }

    std::string_view bytes_;
    size_t position_ = 0;
    uint8_t version_ = kFormatVersion;
    bool read_anchors_ = false;  // at least one block had anchors
    size_t error_offset_ = 0;
    std::string error_;
};

// ---------------------------------------------------------------------------
// Plain text

void append_spans_text(std::string& out, const std::vector<Span>& spans) {
    for (const Span& span : spans) {
        if (span.kind == SpanKind::line_break) {
            out += '\n';
        } else {
            out += span.text;
        }
    }
}

void append_joined(std::string& out, std::string part, std::string_view separator) {
    // A block's trailing newlines (preformatted text ending in "\n") would
    // widen the separator between blocks.
    while (!part.empty() && part.back() == '\n') part.pop_back();
    if (part.empty()) return;
    if (!out.empty()) out.append(separator.data(), separator.size());
    out += part;
}

std::string plain_block(const Document& document, const Block& block, int depth);

std::string plain_blocks(const Document& document, const std::vector<Block>& blocks, std::string_view separator,
                         int depth) {
    std::string out;
    for (const Block& block : blocks) append_joined(out, plain_block(document, block, depth), separator);
    return out;
}

// A table cell's text on one line, so each row stays one line.
std::string plain_cell(const Document& document, const Block& cell, int depth) {
    std::string text = plain_block(document, cell, depth);
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}

std::string plain_block(const Document& document, const Block& block, int depth) {
    if (depth > kMaxDepth) return {};
    std::string own;
    append_spans_text(own, block.spans);

    std::string children;
    switch (block.kind) {
        case BlockKind::figure:
            if (own.empty() && valid_index(block.image, document.images.size())) {
                own = document.images[static_cast<size_t>(block.image)].alt;
            }
            children = plain_blocks(document, block.children, "\n\n", depth + 1);
            break;
        case BlockKind::list:
        case BlockKind::list_item:
            // One line per item; an item's own blocks (a nested list) follow on the next lines.
            children = plain_blocks(document, block.children, "\n", depth + 1);
            break;
        case BlockKind::table:
            children = plain_blocks(document, block.children, "\n", depth + 1);
            break;
        case BlockKind::table_row: {
            bool any_text = false;
            for (size_t i = 0; i < block.children.size(); ++i) {
                const std::string cell = plain_cell(document, block.children[i], depth + 1);
                any_text = any_text || !cell.empty();
                if (i > 0) children += " | ";
                children += cell;
            }
            if (!any_text) children.clear();
            break;
        }
        case BlockKind::table_cell:
            children = plain_blocks(document, block.children, " ", depth + 1);
            break;
        default:
            children = plain_blocks(document, block.children, "\n\n", depth + 1);
            break;
    }
    std::string out = std::move(own);
    append_joined(out, children, block.kind == BlockKind::table_cell ? " " : "\n");
    return out;
}

// ---------------------------------------------------------------------------
// Terminal text

using Lines = std::vector<std::string>;

constexpr int kMinRenderWidth = 10;  // nested content never gets narrower than this
constexpr int kTabStop = 8;
constexpr int kMaxTableColumns = 200;

std::string spaces(int count) { return std::string(static_cast<size_t>(std::max(count, 0)), ' '); }

std::string trim_right(std::string text) {
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

std::string trim(std::string_view text) {
    size_t begin = 0;
    size_t end = text.size();
    while (begin < end && text[begin] == ' ') ++begin;
    while (end > begin && text[end - 1] == ' ') --end;
    return std::string(text.substr(begin, end - begin));
}

// Text from a bundle made safe for a terminal: ill-formed UTF-8 and control
// characters (an ESC could drive the terminal) become U+FFFD; CR is dropped;
// tabs become spaces unless `keep_tabs`.
std::string terminal_safe(std::string_view text, bool keep_tabs) {
    std::string out;
    out.reserve(text.size());
    size_t offset = 0;
    while (offset < text.size()) {
        const text::DecodedChar decoded = text::decode_utf8(text, offset);
        const char32_t code_point = decoded.code_point;
        if (code_point == U'\n') {
            out += '\n';
        } else if (code_point == U'\t') {
            out += keep_tabs ? '\t' : ' ';
        } else if (code_point == U'\r') {
            // dropped: "\r\n" line ends
        } else if (code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0) ||
                   code_point == text::kReplacementCharacter) {
            text::append_utf8(out, text::kReplacementCharacter);
        } else {
            out.append(text.substr(offset, decoded.length));
        }
        offset += decoded.length;
    }
    return out;
}

// Replaces tabs by spaces up to the next multiple of kTabStop columns, so
// preformatted text keeps its alignment under an indent.
std::string expand_tabs(std::string_view line) {
    std::string out;
    int column = 0;
    size_t offset = 0;
    while (offset < line.size()) {
        const text::DecodedChar decoded = text::decode_utf8(line, offset);
        if (decoded.code_point == U'\t') {
            const int next_stop = (column / kTabStop + 1) * kTabStop;
            out += spaces(next_stop - column);
            column = next_stop;
        } else {
            out.append(line.substr(offset, decoded.length));
            column += text::char_width(decoded.code_point);
        }
        offset += decoded.length;
    }
    return out;
}

// Prefixes every line: `first` on the first, `rest` on the others. Empty lines
// get the prefix without its trailing spaces, so no line ends in a space.
void prefix_lines(Lines& lines, const std::string& first, const std::string& rest) {
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string& prefix = i == 0 ? first : rest;
        lines[i] = lines[i].empty() ? trim_right(prefix) : prefix + lines[i];
    }
}

void append_lines(Lines& out, Lines more, bool blank_line_between) {
    if (more.empty()) return;
    if (blank_line_between && !out.empty()) out.emplace_back();
    for (std::string& line : more) out.push_back(std::move(line));
}

const char* target_note(LinkTarget target) {
    switch (target) {
        case LinkTarget::internal: return " (in this bundle)";
        case LinkTarget::missing: return " (not in this bundle)";
        case LinkTarget::external: return " (external)";
        case LinkTarget::image: return " (image in this bundle)";
        case LinkTarget::unresolved: return "";
    }
    return "";
}

class TextRenderer {
public:
    TextRenderer(const Document& document, int width)
        : document_(document), width_(std::max(width, kMinRenderWidth)), link_numbers_(document.links.size(), 0) {}

    std::string render() {
        const Lines lines = render_blocks(document_.blocks, width_, 1, false);
        std::string out;
        for (const std::string& line : lines) {
            out += line;
            out += '\n';
        }
        if (!numbered_links_.empty()) {
            if (!out.empty()) out += '\n';
            out += "Links:\n";
            for (size_t i = 0; i < numbered_links_.size(); ++i) {
                const Link& link = document_.links[static_cast<size_t>(numbered_links_[i])];
                out += "[" + std::to_string(i + 1) + "] " + terminal_safe(link.url, false) + target_note(link.target);
                out += '\n';
            }
        }
        return out;
    }

private:
    static int available(int width, int used) { return std::max(width - used, kMinRenderWidth); }

    static Lines wrap(std::string_view text, int width) { return text::wrap_text(text, std::max(width, 1)); }

    // The spans as one string: line breaks as "\n", each link's text followed
    // by "[n]", numbering links in the order they first appear.
    std::string inline_text(const std::vector<Span>& spans, bool keep_tabs) {
        std::string out;
        for (size_t i = 0; i < spans.size(); ++i) {
            const Span& span = spans[i];
            if (span.kind == SpanKind::line_break) {
                out += '\n';
            } else {
                out += terminal_safe(span.text, keep_tabs);
            }
            const int32_t link = valid_index(span.link, link_numbers_.size()) ? span.link : -1;
            const bool run_ends = i + 1 == spans.size() || spans[i + 1].link != span.link;
            if (link >= 0 && run_ends) out += "[" + std::to_string(number_of(link)) + "]";
        }
        return out;
    }

    int number_of(int32_t link) {
        int& number = link_numbers_[static_cast<size_t>(link)];
        if (number == 0) {
            numbered_links_.push_back(link);
            number = static_cast<int>(numbered_links_.size());
        }
        return number;
    }

    std::string image_label(const Block& figure) const {
        std::string alt;
        if (valid_index(figure.image, document_.images.size())) {
            alt = trim(terminal_safe(document_.images[static_cast<size_t>(figure.image)].alt, false));
        }
        return alt.empty() ? "[image]" : "[image: " + alt + "]";
    }

    // Blocks one after another; `tight` (inside list items) leaves out the
    // blank line between them.
    Lines render_blocks(const std::vector<Block>& blocks, int width, int depth, bool tight) {
        Lines out;
        for (const Block& block : blocks) append_lines(out, render_block(block, width, depth), !tight);
        return out;
    }

    Lines render_block(const Block& block, int width, int depth) {
        if (depth > kMaxDepth) return {};
        switch (block.kind) {
            case BlockKind::heading: return render_heading(block, width, depth);
            case BlockKind::list: return render_list(block, width, depth);
            case BlockKind::list_item: return render_item_content(block, width, depth);
            case BlockKind::quote: return render_quote(block, width, depth);
            case BlockKind::table:
            case BlockKind::table_row: return render_table(block, width, depth);
            case BlockKind::table_cell: return render_item_content(block, width, depth);
            case BlockKind::figure: return render_figure(block, width, depth);
            case BlockKind::preformatted: return render_preformatted(block, width, depth);
            case BlockKind::rule: {
                Lines lines{std::string(static_cast<size_t>(width), '-')};
                append_lines(lines, render_blocks(block.children, width, depth + 1, false), true);
                return lines;
            }
            case BlockKind::paragraph:
            default: {
                Lines lines = wrap(inline_text(block.spans, false), width);
                append_lines(lines, render_blocks(block.children, width, depth + 1, false), true);
                return lines;
            }
        }
    }

    Lines render_heading(const Block& block, int width, int depth) {
        const int level = std::clamp<int>(block.level, 1, 6);
        const std::string text = inline_text(block.spans, false);
        Lines lines;
        if (level <= 2) {
            lines = wrap(text, width);
            int underline = 0;
            for (const std::string& line : lines) underline = std::max(underline, text::display_width(line));
            if (underline > 0) lines.push_back(std::string(static_cast<size_t>(underline), level == 1 ? '=' : '-'));
        } else {
            const std::string marker = std::string(static_cast<size_t>(level), '#') + " ";
            const int marker_width = static_cast<int>(marker.size());
            lines = wrap(text, available(width, marker_width));
            prefix_lines(lines, marker, spaces(marker_width));
        }
        append_lines(lines, render_blocks(block.children, width, depth + 1, false), true);
        return lines;
    }

    // A list item (or cell) body: its own spans as a paragraph, then its blocks.
    Lines render_item_content(const Block& block, int width, int depth) {
        Lines lines = wrap(inline_text(block.spans, false), width);
        append_lines(lines, render_blocks(block.children, width, depth + 1, true), false);
        return lines;
    }

    Lines render_list(const Block& list, int width, int depth) {
        // Numbers are right-aligned so the items' text lines up: " 9." "10.".
        std::vector<std::string> markers;
        int64_t number = list.start;  // 64-bit: start may be near INT32_MAX
        size_t marker_width = 1;
        for (size_t i = 0; i < list.children.size(); ++i) {
            markers.push_back(list.ordered ? std::to_string(number++) + "." : "-");
            marker_width = std::max(marker_width, markers.back().size());
        }
        const int indent = static_cast<int>(marker_width) + 1;
        Lines out;
        for (size_t i = 0; i < list.children.size(); ++i) {
            const Block& item = list.children[i];
            Lines content = item.kind == BlockKind::list_item ? render_item_content(item, available(width, indent), depth + 1)
                                                              : render_block(item, available(width, indent), depth + 1);
            const std::string marker = spaces(static_cast<int>(marker_width - markers[i].size())) + markers[i];
            if (content.empty()) {
                out.push_back(marker);
                continue;
            }
            prefix_lines(content, marker + " ", spaces(indent));
            append_lines(out, std::move(content), false);
        }
        return out;
    }

    Lines render_quote(const Block& quote, int width, int depth) {
        const int inner_width = available(width, 2);
        Lines lines = wrap(inline_text(quote.spans, false), inner_width);
        append_lines(lines, render_blocks(quote.children, inner_width, depth + 1, false), true);
        prefix_lines(lines, "> ", "> ");
        return lines;
    }

    Lines render_figure(const Block& figure, int width, int depth) {
        Lines lines = wrap(image_label(figure), width);
        append_lines(lines, wrap(inline_text(figure.spans, false), width), false);
        append_lines(lines, render_blocks(figure.children, width, depth + 1, false), true);
        return lines;
    }

    Lines render_preformatted(const Block& block, int width, int depth) {
        // Kept verbatim (never wrapped), indented to set it apart from prose.
        const std::string text = inline_text(block.spans, true);
        Lines lines;
        size_t line_begin = 0;
        while (line_begin < text.size()) {
            size_t line_end = text.find('\n', line_begin);
            if (line_end == std::string::npos) line_end = text.size();
            lines.push_back(trim_right(expand_tabs(std::string_view(text).substr(line_begin, line_end - line_begin))));
            line_begin = line_end + 1;  // a final "\n" adds no empty line
        }
        prefix_lines(lines, "    ", "    ");
        append_lines(lines, render_blocks(block.children, width, depth + 1, false), true);
        return lines;
    }

    // --- tables

    // A cell's content on one line (blocks joined by spaces), for the grid.
    std::string flatten(const Block& block, int depth) {
        if (depth > kMaxDepth) return {};
        std::string text;
        if (block.kind == BlockKind::figure) text = image_label(block);
        std::string own = inline_text(block.spans, false);
        std::replace(own.begin(), own.end(), '\n', ' ');
        append_joined(text, own, " ");
        for (const Block& child : block.children) append_joined(text, flatten(child, depth + 1), " ");
        return trim(text);
    }

    struct TableCell {
        size_t row = 0;
        size_t column = 0;  // first grid column; kUnplaced when the grid ran out of columns
        size_t colspan = 1;
        bool header = false;
        std::string text;
        int width = 0;
    };
    static constexpr size_t kUnplaced = static_cast<size_t>(-1);

    Lines render_table(const Block& table, int width, int depth) {
        // Rows of a table; a lone row (or any non-row child) counts as a one-cell row.
        std::vector<const Block*> rows;
        if (table.kind == BlockKind::table_row) {
            rows.push_back(&table);
        } else {
            for (const Block& child : table.children) rows.push_back(&child);
        }

        // Place cells on a grid the way HTML does: a cell takes the next
        // column not covered by a rowspan from above.
        std::vector<std::vector<TableCell>> cells(rows.size());
        std::vector<size_t> covered_until;  // per grid column: first row not covered by an earlier cell
        bool too_many_columns = false;
        for (size_t row = 0; row < rows.size(); ++row) {
            const Block& row_block = *rows[row];
            std::vector<const Block*> row_cells;
            if (row_block.kind == BlockKind::table_row) {
                for (const Block& cell : row_block.children) row_cells.push_back(&cell);
            } else {
                row_cells.push_back(&row_block);
            }
            size_t column = 0;
            for (const Block* cell_block : row_cells) {
                TableCell cell;
                cell.row = row;
                const bool is_cell = cell_block->kind == BlockKind::table_cell;
                cell.header = is_cell && cell_block->header;
                cell.text = flatten(*cell_block, depth + 2);
                cell.width = text::display_width(cell.text);
                while (column < covered_until.size() && covered_until[column] > row) ++column;
                const size_t colspan = is_cell ? std::max<size_t>(cell_block->colspan, 1) : 1;
                const size_t rowspan =
                    is_cell ? std::clamp<size_t>(cell_block->rowspan, 1, rows.size() - row) : 1;
                if (column + colspan > kMaxTableColumns) {
                    too_many_columns = true;
                    cell.column = kUnplaced;
                } else {
                    cell.column = column;
                    cell.colspan = colspan;
                    if (covered_until.size() < column + colspan) covered_until.resize(column + colspan, 0);
                    for (size_t c = column; c < column + colspan; ++c) covered_until[c] = row + rowspan;
                    column += colspan;
                }
                cells[row].push_back(std::move(cell));
            }
        }
        const size_t column_count = covered_until.size();

        // Leading rows made only of header cells.
        size_t header_rows = 0;
        while (header_rows < rows.size() && !cells[header_rows].empty() &&
               std::all_of(cells[header_rows].begin(), cells[header_rows].end(),
                           [](const TableCell& cell) { return cell.header; })) {
            ++header_rows;
        }

        // Column widths: single-column cells first, then widen the last
        // column of a spanning cell that needs more room.
        std::vector<int> widths(column_count, 0);
        for (const auto& row : cells) {
            for (const TableCell& cell : row) {
                if (cell.column != kUnplaced && cell.colspan == 1) widths[cell.column] = std::max(widths[cell.column], cell.width);
            }
        }
        for (const auto& row : cells) {
            for (const TableCell& cell : row) {
                if (cell.column == kUnplaced || cell.colspan == 1) continue;
                const int have = spanned_width(widths, cell);
                if (cell.width > have) widths[cell.column + cell.colspan - 1] += cell.width - have;
            }
        }
        int total = column_count == 0 ? 0 : static_cast<int>(3 * (column_count - 1));
        for (int column_width : widths) total += column_width;

        if (!too_many_columns && column_count > 0 && total <= width) {
            return render_table_grid(cells, widths, header_rows);
        }
        return render_table_cells(cells, header_rows, width);
    }

    static int spanned_width(const std::vector<int>& widths, const TableCell& cell) {
        int have = static_cast<int>(3 * (cell.colspan - 1));
        for (size_t c = cell.column; c < cell.column + cell.colspan; ++c) have += widths[c];
        return have;
    }

    // Aligned columns separated by " | ", a "-+-" rule under the header rows.
    static Lines render_table_grid(const std::vector<std::vector<TableCell>>& cells, const std::vector<int>& widths,
                                   size_t header_rows) {
        Lines lines;
        for (size_t row = 0; row < cells.size(); ++row) {
            std::string line;
            size_t next_cell = 0;
            for (size_t column = 0; column < widths.size();) {
                if (column > 0) line += " | ";
                if (next_cell < cells[row].size() && cells[row][next_cell].column == column) {
                    const TableCell& cell = cells[row][next_cell++];
                    line += cell.text + spaces(spanned_width(widths, cell) - cell.width);
                    column += cell.colspan;
                } else {
                    line += spaces(widths[column]);  // empty, or covered by a rowspan from above
                    ++column;
                }
            }
            lines.push_back(trim_right(line));
            if (header_rows > 0 && row + 1 == header_rows && header_rows < cells.size()) {
                std::string rule;
                for (size_t column = 0; column < widths.size(); ++column) {
                    if (column > 0) rule += "-+-";
                    rule += std::string(static_cast<size_t>(widths[column]), '-');
                }
                lines.push_back(rule);
            }
        }
        return lines;
    }

    // Too wide for a grid: one cell per line, rows separated by blank lines.
    // Under a header row each cell is labelled with its column's header.
    static Lines render_table_cells(const std::vector<std::vector<TableCell>>& cells, size_t header_rows, int width) {
        const bool use_labels = header_rows > 0 && header_rows < cells.size();
        std::vector<std::string> labels;
        if (use_labels) {
            for (const TableCell& header : cells[header_rows - 1]) {
                if (header.column == kUnplaced) continue;
                if (labels.size() < header.column + header.colspan) labels.resize(header.column + header.colspan);
                for (size_t c = header.column; c < header.column + header.colspan; ++c) labels[c] = header.text;
            }
        }
        Lines out;
        for (size_t row = use_labels ? header_rows : 0; row < cells.size(); ++row) {
            Lines row_lines;
            for (const TableCell& cell : cells[row]) {
                if (cell.text.empty()) continue;
                std::string line = cell.text;
                if (use_labels && cell.column < labels.size() && !labels[cell.column].empty()) {
                    line = labels[cell.column] + ": " + cell.text;
                }
                Lines wrapped = wrap(line, available(width, 2));
                prefix_lines(wrapped, "", "  ");  // continuation lines hang under the label
                append_lines(row_lines, std::move(wrapped), false);
            }
            append_lines(out, std::move(row_lines), true);
        }
        return out;
    }

    const Document& document_;
    const int width_;
    std::vector<int> link_numbers_;       // per link index: its [n], 0 until it first appears
    std::vector<int32_t> numbered_links_; // link indexes in order of first appearance
};

}  // namespace

std::string encode_document(const Document& document) { return Encoder(document).encode(); }

Result<Document> decode_document(std::string_view bytes) { return Decoder(bytes).decode(); }

std::string plain_text(const Document& document) { return plain_blocks(document, document.blocks, "\n\n", 1); }

std::string render_text(const Document& document, int width) { return TextRenderer(document, width).render(); }

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// "%C3%A9t%C3%A9" -> "été"; a '%' not followed by two hex digits is kept.
std::string percent_decoded(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

// Pre-order walk with an explicit stack (documents come from untrusted bytes
// and may be deep); numbering matches the layout's, including blocks it does
// not show. Blocks below kMaxDepth are numbered but not searched.
std::optional<uint32_t> find_anchor(const Document& document, std::string_view anchor) {
    struct Entry {
        const Block* block;
        int depth;
    };
    std::vector<Entry> stack;
    for (auto it = document.blocks.rbegin(); it != document.blocks.rend(); ++it) stack.push_back({&*it, 1});
    uint32_t number = 0;
    while (!stack.empty()) {
        const Entry entry = stack.back();
        stack.pop_back();
        if (entry.depth <= kMaxDepth) {
            for (const std::string& candidate : entry.block->anchors) {
                if (candidate == anchor) return number;
            }
        }
        ++number;
        const std::vector<Block>& children = entry.block->children;
        for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back({&*it, entry.depth + 1});
    }
    return std::nullopt;
}

}  // namespace

std::optional<uint32_t> block_of_anchor(const Document& document, std::string_view anchor) {
    if (anchor.empty()) return std::nullopt;
    if (auto found = find_anchor(document, anchor)) return found;
    const std::string decoded = percent_decoded(anchor);
    if (decoded != anchor) return find_anchor(document, decoded);
    return std::nullopt;
}

}  // namespace sitepack::doc
