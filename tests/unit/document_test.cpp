// Tests of the document model: equality, the stored byte form (round trips,
// exact bytes, hostile input), plain_text and render_text.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sitepack/document.h"

using namespace sitepack;
using namespace sitepack::doc;

namespace {

Span text_span(std::string text, int32_t link = -1, uint8_t style = kPlain) {
    Span span;
    span.text = std::move(text);
    span.link = link;
    span.style = style;
    return span;
}

Span line_break() {
    Span span;
    span.kind = SpanKind::line_break;
    return span;
}

Block block_of(BlockKind kind, std::vector<Block> children = {}, std::vector<Span> spans = {}) {
    Block block;
    block.kind = kind;
    block.children = std::move(children);
    block.spans = std::move(spans);
    return block;
}

Block paragraph(std::vector<Span> spans) { return block_of(BlockKind::paragraph, {}, std::move(spans)); }
Block paragraph(std::string text) { return paragraph(std::vector<Span>{text_span(std::move(text))}); }

Block heading(int level, std::string text) {
    Block block = block_of(BlockKind::heading, {}, {text_span(std::move(text))});
    block.level = static_cast<uint8_t>(level);
    return block;
}

Block item(std::vector<Block> children) { return block_of(BlockKind::list_item, std::move(children)); }
Block item(std::string text) { return item({paragraph(std::move(text))}); }

Block list(std::vector<Block> items, bool ordered = false, int32_t start = 1) {
    Block block = block_of(BlockKind::list, std::move(items));
    block.ordered = ordered;
    block.start = start;
    return block;
}

Block cell(std::string text, bool header = false) {
    Block block = block_of(BlockKind::table_cell, {paragraph(std::move(text))});
    block.header = header;
    return block;
}

Block row(std::vector<Block> cells) { return block_of(BlockKind::table_row, std::move(cells)); }
Block table(std::vector<Block> rows) { return block_of(BlockKind::table, std::move(rows)); }

Block figure(int32_t image, std::string caption) {
    Block block = block_of(BlockKind::figure);
    block.image = image;
    if (!caption.empty()) block.spans.push_back(text_span(std::move(caption)));
    return block;
}

std::string varint(uint64_t value) {
    std::string out;
    while (value >= 0x80) {
        out += static_cast<char>((value & 0x7F) | 0x80);
        value >>= 7;
    }
    out += static_cast<char>(value);
    return out;
}

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int value : values) out += static_cast<char>(value);
    return out;
}

// Every block kind, every attribute away from its default, every style and
// link target, and text in several scripts.
Document rich_document() {
    Document document;
    document.links = {
        {"https://example.org/2021/01/hello#top", LinkTarget::internal, 4'000'000'000LL},
        {"https://example.org/missing", LinkTarget::missing, 0},
        {"https://other.example/", LinkTarget::external, 0},
        {"https://example.org/cat.jpg", LinkTarget::image, 0},
        {"relative/unresolved", LinkTarget::unresolved, -5},
    };
    document.images = {
        {"https://example.org/cat.jpg", "A cat on a mat", 12, 640, 480},
        {"https://example.org/empty.png", "", 0, 0, 0},
        {"https://example.org/huge.png", "huge", -1, 0xFFFFFFFFu, 1},
    };
    for (int level = 1; level <= 6; ++level) document.blocks.push_back(heading(level, "Heading " + std::to_string(level)));
    document.blocks.push_back(paragraph({
        text_span("plain "),
        text_span("bold", -1, kBold),
        text_span("italic", -1, kItalic),
        text_span("code", -1, kCode),
        text_span("2", -1, kSuperscript),
        text_span("i", -1, kSubscript),
        text_span("all", -1, kBold | kItalic | kCode | kSuperscript | kSubscript),
        line_break(),
        text_span("internal", 0),
        text_span("missing", 1, kBold),
        text_span("external", 2),
        text_span("image", 3),
        text_span("unresolved", 4),
    }));
    document.blocks.push_back(paragraph("日本語の文章です。한국어 텍스트. Ελληνικά, العربية, café, e\u0301, 😀, \u00A0nbsp"));
    document.blocks.push_back(list({item("one"), item({paragraph("two"), list({item("two a"), item("two b")})})}, true, -3));
    document.blocks.push_back(list({item("bullet")}, false, 1));
    document.blocks.push_back(block_of(BlockKind::quote, {paragraph("quoted"), block_of(BlockKind::quote, {paragraph("deeper")})}));
    Block wide = cell("spanning", true);
    wide.colspan = 3;
    wide.rowspan = 65535;
    document.blocks.push_back(table({row({cell("a", true), cell("b", true)}), row({wide}), row({cell("c"), cell("")})}));
    document.blocks.push_back(figure(0, "A caption with a link"));
    document.blocks.back().spans.push_back(text_span(" here", 2));
    document.blocks.push_back(figure(-1, ""));
    document.blocks.push_back(figure(2, ""));
    document.blocks.push_back(block_of(BlockKind::preformatted, {}, {text_span("int main() {\n\treturn 0;\n}\n")}));
    document.blocks.push_back(block_of(BlockKind::rule));
    document.blocks.push_back(paragraph(std::vector<Span>{text_span("")}));  // an empty span survives too
    return document;
}

// A random document within the model's rules, for round-trip sweeps.
class RandomDocuments {
public:
    explicit RandomDocuments(uint32_t seed) : random_(seed) {}

    Document next() {
        Document document;
        const int link_count = below(4);
        for (int i = 0; i < link_count; ++i) {
            document.links.push_back({random_text(), static_cast<LinkTarget>(below(5)), below(3) == 0 ? 0 : wide_number()});
        }
        const int image_count = below(3);
        for (int i = 0; i < image_count; ++i) {
            document.images.push_back({random_text(), below(2) ? random_text() : "", wide_number(),
                                       static_cast<uint32_t>(random_()), static_cast<uint32_t>(below(3))});
        }
        document.blocks = blocks(document, 1);
        return document;
    }

private:
    int below(int limit) { return static_cast<int>(random_() % static_cast<uint32_t>(limit)); }

    int64_t wide_number() {
        const uint64_t bits = (static_cast<uint64_t>(random_()) << 32) | random_();
        return static_cast<int64_t>(bits >> below(64));
    }

    std::string random_text() {
        static const char* const kPieces[] = {"a", " ", "word", "漢字", "。", "\xff", "\xe6\x97", "\n", "é", "😀", ""};
        std::string text;
        const int count = below(6);
        for (int i = 0; i < count; ++i) text += kPieces[below(11)];
        return text;
    }

    std::vector<Block> blocks(const Document& document, int depth) {
        std::vector<Block> result;
        const int count = depth > 4 ? 0 : below(4);
        for (int i = 0; i < count; ++i) {
            Block block;
            block.kind = static_cast<BlockKind>(below(11));
            if (block.kind == BlockKind::heading) block.level = static_cast<uint8_t>(1 + below(6));
            if (below(4) == 0) block.ordered = true;
            if (below(4) == 0) block.start = static_cast<int32_t>(random_());
            if (below(4) == 0) block.header = true;
            if (below(4) == 0) block.colspan = static_cast<uint16_t>(random_());
            if (below(4) == 0) block.rowspan = static_cast<uint16_t>(random_());
            if (!document.images.empty() && below(2) == 0) block.image = below(static_cast<int>(document.images.size()));
            const int span_count = below(4);
            for (int s = 0; s < span_count; ++s) {
                Span span;
                if (below(5) == 0) {
                    span.kind = SpanKind::line_break;
                } else {
                    span.text = random_text();
                }
                span.style = static_cast<uint8_t>(below(32));
                if (!document.links.empty() && below(2) == 0) span.link = below(static_cast<int>(document.links.size()));
                block.spans.push_back(span);
            }
            block.children = blocks(document, depth + 1);
            result.push_back(std::move(block));
        }
        return result;
    }

    std::mt19937 random_;
};

// Quotes nested `depth` levels deep, the innermost holding a paragraph.
Document nested_quotes(int depth) {
    Block innermost = block_of(BlockKind::quote, {paragraph("bottom")});
    for (int i = 1; i < depth; ++i) innermost = block_of(BlockKind::quote, {innermost});
    Document document;
    document.blocks.push_back(innermost);
    return document;
}

int depth_of(const std::vector<Block>& blocks) {
    int deepest = 0;
    for (const Block& block : blocks) deepest = std::max(deepest, 1 + depth_of(block.children));
    return deepest;
}

// A small page with every feature render_text and plain_text show.
Document travel_notes() {
    Document document;
    document.links = {
        {"https://example.org/museum", LinkTarget::internal, 7},
        {"https://example.org/old-page", LinkTarget::missing, 0},
        {"https://other.example/", LinkTarget::external, 0},
    };
    document.images = {{"https://example.org/cat.jpg", "A cat", 3, 640, 480}};
    document.blocks = {
        heading(1, "Travel notes"),
        paragraph({text_span("We went to "), text_span("the museum", 0), text_span(" and read "),
                   text_span("an old page", 1), text_span(". More on "), text_span("another site", 2),
                   text_span(".")}),
        heading(2, "Plan"),
        list({item("Pack"), item({paragraph("Walk"), list({item("left"), item("right")})})}, true, 9),
        block_of(BlockKind::quote, {paragraph("Not all who wander are lost.")}),
        heading(3, "Days"),
        table({row({cell("City", true), cell("Days", true)}), row({cell("Kyoto"), cell("3")}),
               row({cell("Seoul"), cell("12")})}),
        figure(0, "Our cat, asleep."),
        block_of(BlockKind::preformatted, {}, {text_span("int main() {\n\treturn 0;\n}\n")}),
        block_of(BlockKind::rule),
        paragraph({text_span("Line one"), line_break(), text_span("line two, see "), text_span("the museum", 0)}),
    };
    return document;
}

}  // namespace

// ---------------------------------------------------------------------------
// Equality

TEST_CASE("documents compare equal field by field") {
    const Document original = rich_document();
    CHECK(original == rich_document());

    Document changed = original;
    changed.blocks[0].level = 2;
    CHECK_FALSE(changed == original);

    changed = original;
    changed.blocks[6].spans[1].style = kItalic;
    CHECK_FALSE(changed == original);

    changed = original;
    changed.links[0].page_id += 1;
    CHECK_FALSE(changed == original);

    changed = original;
    changed.images[0].height = 1;
    CHECK_FALSE(changed == original);

    Block cell_a = cell("x");
    Block cell_b = cell("x");
    cell_b.rowspan = 2;
    CHECK_FALSE(cell_a == cell_b);
    cell_b.rowspan = 1;
    CHECK(cell_a == cell_b);
    cell_b.children[0].spans[0].link = 0;
    CHECK_FALSE(cell_a == cell_b);
}

// ---------------------------------------------------------------------------
// Byte form: round trips

TEST_CASE("a document survives encoding and decoding unchanged") {
    const Document original = rich_document();
    const std::string encoded = encode_document(original);
    const Result<Document> decoded = decode_document(encoded);
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == original);
}

TEST_CASE("an empty document is four bytes and decodes back to an empty document") {
    const std::string encoded = encode_document(Document{});
    CHECK(encoded == bytes({1, 0, 0, 0}));
    const Result<Document> decoded = decode_document(encoded);
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == Document{});
}

TEST_CASE("encoding is deterministic: equal documents give equal bytes") {
    const std::string first = encode_document(rich_document());
    CHECK(first == encode_document(rich_document()));
    const Result<Document> decoded = decode_document(first);
    REQUIRE(decoded.ok());
    CHECK(encode_document(decoded.value()) == first);
}

TEST_CASE("the byte layout of small documents is exactly as documented") {
    // A paragraph with one plain span: defaults cost nothing.
    Document simple;
    simple.blocks.push_back(paragraph("hi"));
    CHECK(encode_document(simple) == bytes({
        0x01,                    // format version
        0x00,                    // no links
        0x00,                    // no images
        0x01,                    // one block
        0x20,                    //   paragraph (kind 0) | has spans
        0x01,                    //   one span
        0x00,                    //     plain text span, no link
        0x02, 'h', 'i',          //     text
    }));

    // A bold linked heading, an ordered list starting at -2 and a figure.
    Document richer;
    richer.links = {{"u", LinkTarget::internal, 300}};
    richer.images = {{"i", "a", 0, 2, 0}};
    Block title = heading(2, "A");
    title.spans[0].link = 0;
    title.spans[0].style = kBold;
    richer.blocks = {title, list({item("x")}, true, -2), figure(0, ""), block_of(BlockKind::rule)};
    CHECK(encode_document(richer) == bytes({
        0x01,                          // format version
        0x01,                          // one link
        0x09, 0x01, 'u', 0xD8, 0x04,   //   internal (1) | has page id; url "u"; zigzag(300) = 600
        0x01,                          // one image
        0x05, 0x01, 'i', 0x01, 'a',    //   has alt | has width; url "i"; alt "a"
        0x02,                          //   width 2
        0x04,                          // four blocks
        0x31, 0x01, 0x02,              //   heading (1) | attributes | spans; attributes: level; level 2
        0x01, 0x41, 0x00, 0x01, 'A',   //   one span: bold | has link; link 0; text "A"
        0x52, 0x06, 0x03,              //   list (2) | attributes | children; attributes: ordered | start; zigzag(-2) = 3
        0x01,                          //   one item
        0x43, 0x01,                    //     list_item (3) | children; one child
        0x20, 0x01, 0x00, 0x01, 'x',   //       paragraph "x"
        0x18, 0x40, 0x00,              //   figure (8) | attributes; attributes: image; image 0
        0x0A,                          //   rule (10)
    }));
}

TEST_CASE("random documents survive encoding and decoding unchanged") {
    RandomDocuments random(20240601);
    for (int i = 0; i < 500; ++i) {
        const Document original = random.next();
        const std::string encoded = encode_document(original);
        const Result<Document> decoded = decode_document(encoded);
        REQUIRE_MESSAGE(decoded.ok(), decoded.error().message);
        REQUIRE(decoded.value() == original);
        REQUIRE(encode_document(decoded.value()) == encoded);
    }
}

TEST_CASE("the encoder normalises values the model forbids, so its output always decodes") {
    Document document;
    document.links = {{"u", static_cast<LinkTarget>(9), 0}};
    Block bad_heading = heading(0, "too low");
    Block high_heading = heading(9, "too high");
    Block bad_figure = figure(7, "");
    Block bad_kind = paragraph("kind 200");
    bad_kind.kind = static_cast<BlockKind>(200);
    Span bad_span = text_span("span", 5, 0xFF);
    Span odd_line_break = line_break();
    odd_line_break.text = "dropped";
    Span negative_link = text_span("negative", -9);
    document.blocks = {bad_heading, high_heading, bad_figure, bad_kind,
                       paragraph({bad_span, odd_line_break, negative_link})};

    const Result<Document> decoded = decode_document(encode_document(document));
    REQUIRE_MESSAGE(decoded.ok(), decoded.error().message);
    const Document& result = decoded.value();
    CHECK(result.links[0].target == LinkTarget::unresolved);
    CHECK(result.blocks[0].level == 1);
    CHECK(result.blocks[1].level == 6);
    CHECK(result.blocks[2].image == -1);
    CHECK(result.blocks[3].kind == BlockKind::paragraph);
    CHECK(result.blocks[4].spans[0].link == -1);
    CHECK(result.blocks[4].spans[0].style == 0x1F);
    CHECK(result.blocks[4].spans[1].text.empty());
    CHECK(result.blocks[4].spans[2].link == -1);
}

TEST_CASE("blocks nested up to kMaxDepth round-trip and deeper ones are left out by the encoder") {
    const Document deepest_allowed = nested_quotes(kMaxDepth - 1);  // the paragraph sits at depth kMaxDepth
    const Result<Document> allowed = decode_document(encode_document(deepest_allowed));
    REQUIRE(allowed.ok());
    CHECK(allowed.value() == deepest_allowed);
    CHECK(depth_of(allowed.value().blocks) == kMaxDepth);

    const Result<Document> trimmed = decode_document(encode_document(nested_quotes(kMaxDepth + 10)));
    REQUIRE(trimmed.ok());
    CHECK(depth_of(trimmed.value().blocks) == kMaxDepth);
}

// ---------------------------------------------------------------------------
// Byte form: damaged and hostile input

TEST_CASE("every truncation of a valid encoding is reported as corrupt") {
    const std::string encoded = encode_document(rich_document());
    for (size_t length = 0; length < encoded.size(); ++length) {
        // An exact-size heap copy, so AddressSanitizer sees any read past the end.
        std::vector<char> copy(encoded.begin(), encoded.begin() + static_cast<std::ptrdiff_t>(length));
        const Result<Document> decoded = decode_document(std::string_view(copy.data(), copy.size()));
        REQUIRE_FALSE(decoded.ok());
        REQUIRE(decoded.code() == ErrorCode::corrupt);
        REQUIRE(decoded.error().message.rfind("document is damaged at byte ", 0) == 0);
    }
}

TEST_CASE("flipping any bit or byte of a valid encoding gives an error or a document, never a crash") {
    const std::string encoded = encode_document(rich_document());
    int errors = 0;
    int documents = 0;
    for (size_t position = 0; position < encoded.size(); ++position) {
        for (int mask : {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF}) {
            std::vector<char> damaged(encoded.begin(), encoded.end());
            damaged[position] = static_cast<char>(damaged[position] ^ mask);
            const Result<Document> decoded = decode_document(std::string_view(damaged.data(), damaged.size()));
            if (decoded.ok()) {
                ++documents;
                // Whatever decodes is a document the rest of the program can use.
                const Result<Document> again = decode_document(encode_document(decoded.value()));
                REQUIRE(again.ok());
                REQUIRE(again.value() == decoded.value());
                (void)plain_text(decoded.value());
                (void)render_text(decoded.value(), 40);
            } else {
                ++errors;
                REQUIRE((decoded.code() == ErrorCode::corrupt || decoded.code() == ErrorCode::unsupported_version));
            }
        }
    }
    CHECK(errors > 0);
    CHECK(documents > 0);  // flips inside text still decode
}

TEST_CASE("random bytes after a valid header never crash the decoder") {
    std::mt19937 random(7);
    for (int i = 0; i < 20000; ++i) {
        std::vector<char> input(1 + random() % 40);
        for (char& byte : input) byte = static_cast<char>(random());
        input[0] = 1;
        const Result<Document> decoded = decode_document(std::string_view(input.data(), input.size()));
        if (decoded.ok()) (void)render_text(decoded.value(), 20);
    }
}

TEST_CASE("a huge claimed count fails fast instead of allocating") {
    const uint64_t huge = uint64_t{1} << 40;

    const Result<Document> links = decode_document("\x01" + varint(huge));
    REQUIRE_FALSE(links.ok());
    CHECK(links.code() == ErrorCode::corrupt);
    CHECK(links.error().message == "document is damaged at byte 1: link count claims 1099511627776 but only 0 bytes remain");

    const Result<Document> images = decode_document(bytes({1, 0}) + varint(huge) + "xyz");
    REQUIRE_FALSE(images.ok());
    CHECK(images.error().message.find("at byte 2: image count claims") != std::string::npos);

    const Result<Document> blocks = decode_document(bytes({1, 0, 0}) + varint(huge) + "abc");
    REQUIRE_FALSE(blocks.ok());
    CHECK(blocks.error().message.find("at byte 3: block count claims 1099511627776 but only 3 bytes remain") !=
          std::string::npos);

    const Result<Document> spans = decode_document(bytes({1, 0, 0, 1, 0x20}) + varint(huge));
    REQUIRE_FALSE(spans.ok());
    CHECK(spans.error().message.find("at byte 5: span count claims") != std::string::npos);

    const Result<Document> text = decode_document(bytes({1, 0, 0, 1, 0x20, 1, 0}) + varint(huge) + "abc");
    REQUIRE_FALSE(text.ok());
    CHECK(text.error().message == "document is damaged at byte 7: span text runs past the end");

    const Result<Document> url = decode_document(bytes({1, 1, 0}) + varint(~uint64_t{0}));
    REQUIRE_FALSE(url.ok());
    CHECK(url.error().message == "document is damaged at byte 3: link url runs past the end");
}

TEST_CASE("blocks nested deeper than kMaxDepth are rejected") {
    auto nested_bytes = [](int quotes) {
        std::string encoded = bytes({1, 0, 0});
        for (int i = 0; i < quotes; ++i) encoded += bytes({1, 0x44});  // one quote, with children
        return encoded + bytes({0});                                   // the innermost holds none
    };
    CHECK(decode_document(nested_bytes(kMaxDepth - 1)).ok());
    const Result<Document> too_deep = decode_document(nested_bytes(kMaxDepth));
    REQUIRE_FALSE(too_deep.ok());
    CHECK(too_deep.code() == ErrorCode::corrupt);
    CHECK(too_deep.error().message.find("nested deeper than 64 levels") != std::string::npos);

    // A hostile document far deeper than the limit fails just as quickly.
    CHECK_FALSE(decode_document(nested_bytes(100000)).ok());
}

TEST_CASE("link and image indexes outside their tables are corrupt") {
    // One link; a paragraph whose span refers to link 1.
    const Result<Document> link = decode_document(bytes({1, 1, 3, 1, 'u', 0, 1, 0x20, 1, 0x40, 1, 1, 'x'}));
    REQUIRE_FALSE(link.ok());
    CHECK(link.error().message == "document is damaged at byte 10: span refers to link 1 but the document has 1");

    // No images; a figure refers to image 0.
    const Result<Document> image = decode_document(bytes({1, 0, 0, 1, 0x18, 0x40, 0}));
    REQUIRE_FALSE(image.ok());
    CHECK(image.error().message == "document is damaged at byte 6: figure refers to image 0 but the document has 0");

    // The same bytes with a valid index decode.
    CHECK(decode_document(bytes({1, 1, 3, 1, 'u', 0, 1, 0x20, 1, 0x40, 0, 1, 'x'})).ok());
}

TEST_CASE("unknown enum values and reserved flags are corrupt") {
    struct Case {
        std::string input;
        std::string message;
    };
    const Case cases[] = {
        {bytes({1, 0, 0, 1, 0x0B}), "at byte 4: block has unknown kind 11"},
        {bytes({1, 0, 0, 1, 0x80}), "at byte 4: block has unknown flags"},
        {bytes({1, 0, 0, 1, 0x10, 0x80}), "at byte 5: block has unknown attributes"},
        {bytes({1, 0, 0, 1, 0x20, 1, 0x80}), "at byte 6: span has unknown flags"},
        {bytes({1, 1, 0x05, 0, 0, 0}), "at byte 2: link has unknown target 5"},
        {bytes({1, 1, 0x10, 0, 0, 0}), "at byte 2: link has unknown flags"},
        {bytes({1, 0, 1, 0x10, 0, 0}), "at byte 3: image has unknown flags"},
        {bytes({1, 0, 0, 1, 0x01}), "at byte 4: heading level 0 is not between 1 and 6"},
        {bytes({1, 0, 0, 1, 0x11, 0x01, 7}), "at byte 4: heading level 7 is not between 1 and 6"},
        {bytes({1, 0, 0, 1, 0x17, 0x10}) + varint(70000), "at byte 6: cell column span is out of range"},
        {bytes({1, 0, 0, 1, 0x12, 0x04}) + varint(uint64_t{1} << 33), "at byte 6: list start is out of range"},
        {bytes({1, 0, 1, 0x04, 0}) + varint(uint64_t{1} << 32) + bytes({0}), "at byte 5: image width is out of range"},
        {bytes({1, 0x80, 0x00, 0, 0}), "at byte 1: link count is not in its shortest form"},
        {bytes({1, 0, 0}) + std::string(10, '\xff') + bytes({1}), "at byte 3: block count is larger than 64 bits"},
        {bytes({1, 0, 0, 0, 0}), "at byte 4: unexpected bytes after the end of the document"},
        {bytes({0, 0, 0, 0}), "at byte 0: unknown document format version 0"},
        {std::string(), "at byte 0: the document is empty"},
    };
    for (const Case& c : cases) {
        const Result<Document> decoded = decode_document(c.input);
        REQUIRE_FALSE(decoded.ok());
        CHECK(decoded.code() == ErrorCode::corrupt);
        CHECK_MESSAGE(decoded.error().message == "document is damaged " + c.message, decoded.error().message);
    }
}

TEST_CASE("a document from a newer format version is reported as unsupported, not corrupt") {
    const Result<Document> decoded = decode_document(bytes({3, 0, 0, 0}));
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.code() == ErrorCode::unsupported_version);
    CHECK(decoded.error().message.find("version 3") != std::string::npos);
}

// ---------------------------------------------------------------------------
// Anchors (ids a "#fragment" link lands on)

namespace {

Block with_anchors(Block block, std::vector<std::string> anchors) {
    block.anchors = std::move(anchors);
    return block;
}

Document anchored_document() {
    Document document;
    document.links = {{"https://example.org/page/#part-2", LinkTarget::internal, 7}};
    document.blocks = {
        with_anchors(heading(1, "Contents"), {"top", "contents"}),
        paragraph(std::vector<Span>{text_span("Part 2", 0)}),
        list({item({with_anchors(paragraph("first"), {"fn1"})}), item("second")}),
        with_anchors(heading(2, "Part 2"), {"part-2"}),
        paragraph("The end."),
    };
    return document;
}

}  // namespace

TEST_CASE("a document with anchors is written as version 2 and round-trips exactly") {
    const Document document = anchored_document();
    const std::string encoded = encode_document(document);
    REQUIRE_FALSE(encoded.empty());
    CHECK(encoded[0] == 2);
    const Result<Document> decoded = decode_document(encoded);
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == document);
    CHECK(decoded.value().blocks[0].anchors == std::vector<std::string>{"top", "contents"});
    CHECK(encode_document(decoded.value()) == encoded);
}

TEST_CASE("anchors take part in equality") {
    Document a = anchored_document();
    Document b = anchored_document();
    CHECK(a == b);
    b.blocks[3].anchors = {"part-3"};
    CHECK_FALSE(a == b);
}

TEST_CASE("an anchored paragraph's bytes are exactly as documented and without anchors it stays version 1") {
    Document document;
    document.blocks = {with_anchors(paragraph("hi"), {"a"})};
    CHECK(encode_document(document) == bytes({2, 0, 0, 1, 0x30, 0x80, 1, 1, 'a', 1, 0, 2, 'h', 'i'}));

    // The same paragraph without anchors, or with only anchors the encoder
    // drops (empty), keeps the version 1 bytes of the format's first release.
    const std::string version1 = bytes({1, 0, 0, 1, 0x20, 1, 0, 2, 'h', 'i'});
    document.blocks[0].anchors.clear();
    CHECK(encode_document(document) == version1);
    document.blocks[0].anchors = {""};
    CHECK(encode_document(document) == version1);
    CHECK(encode_document(travel_notes())[0] == 1);
}

TEST_CASE("the encoder keeps at most 64 anchors per block and drops empty and over-long ones") {
    Block block = paragraph("x");
    block.anchors.push_back("");
    block.anchors.push_back(std::string(kMaxAnchorBytes + 1, 'l'));
    for (int i = 0; i < 70; ++i) block.anchors.push_back("a" + std::to_string(i));
    Document document;
    document.blocks = {block};
    const Result<Document> decoded = decode_document(encode_document(document));
    REQUIRE(decoded.ok());
    const std::vector<std::string>& kept = decoded.value().blocks[0].anchors;
    REQUIRE(kept.size() == kMaxAnchorsPerBlock);
    CHECK(kept.front() == "a0");
    CHECK(kept.back() == "a63");

    // Exactly at the limits: kept whole.
    document.blocks[0].anchors = {std::string(kMaxAnchorBytes, 'z')};
    const Result<Document> limit = decode_document(encode_document(document));
    REQUIRE(limit.ok());
    CHECK(limit.value() == document);
}

TEST_CASE("hostile anchor counts and lengths are rejected with their byte offset, before allocating") {
    struct Case {
        std::string input;
        std::string message;
    };
    const std::vector<Case> cases = {
        // Version 1 has no anchors: attribute bit 7 is still reserved.
        {bytes({1, 0, 0, 1, 0x10, 0x80, 1, 1, 'a'}), "at byte 5: block has unknown attributes"},
        {bytes({2, 0, 0, 1, 0x10, 0x80}) + varint(65) + std::string(130, '\x01'),
         "at byte 6: block has 65 anchors, more than 64"},
        {bytes({2, 0, 0, 1, 0x10, 0x80}) + varint(uint64_t{1} << 40),
         "at byte 6: anchor count claims 1099511627776 but only 0 bytes remain"},
        {bytes({2, 0, 0, 1, 0x10, 0x80, 1}) + varint(257) + std::string(257, 'a'),
         "at byte 7: anchor is 257 bytes, more than 256"},
        {bytes({2, 0, 0, 1, 0x10, 0x80, 1}) + varint(uint64_t{1} << 62) + "ab",
         "at byte 7: anchor is 4611686018427387904 bytes, more than 256"},
        {bytes({2, 0, 0, 1, 0x10, 0x80, 1, 5, 'a', 'b'}), "at byte 7: anchor runs past the end"},
        {bytes({2, 0, 0, 1, 0x10, 0x80, 1, 0, 0}), "at byte 7: anchor is empty"},
        {bytes({2, 0, 0, 1, 0x10, 0x80, 0}), "at byte 6: block has an empty anchor list"},
        {bytes({2, 0, 0, 0}), "at byte 0: document format version 2 without any anchor"},
    };
    for (const Case& c : cases) {
        const Result<Document> decoded = decode_document(c.input);
        REQUIRE_FALSE(decoded.ok());
        CHECK(decoded.code() == ErrorCode::corrupt);
        CHECK_MESSAGE(decoded.error().message == "document is damaged " + c.message, decoded.error().message);
    }
}

TEST_CASE("flipping any bit of an anchored document gives an error or a document that re-encodes to itself") {
    const std::string encoded = encode_document(anchored_document());
    int documents = 0;
    for (size_t position = 0; position < encoded.size(); ++position) {
        for (int mask : {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF}) {
            std::string damaged = encoded;
            damaged[position] = static_cast<char>(damaged[position] ^ mask);
            const Result<Document> decoded = decode_document(damaged);
            if (!decoded.ok()) {
                REQUIRE((decoded.code() == ErrorCode::corrupt || decoded.code() == ErrorCode::unsupported_version));
                continue;
            }
            ++documents;
            const std::string again = encode_document(decoded.value());
            const Result<Document> redecoded = decode_document(again);
            REQUIRE(redecoded.ok());
            REQUIRE(redecoded.value() == decoded.value());
        }
    }
    CHECK(documents > 0);
}

TEST_CASE("block_of_anchor numbers blocks in pre-order, as the layout does") {
    const Document document = anchored_document();
    // 0 heading, 1 paragraph, 2 list, 3 item, 4 its paragraph, 5 item, 6 its paragraph, 7 heading, 8 paragraph.
    CHECK(block_of_anchor(document, "top") == std::optional<uint32_t>(0));
    CHECK(block_of_anchor(document, "contents") == std::optional<uint32_t>(0));
    CHECK(block_of_anchor(document, "fn1") == std::optional<uint32_t>(4));
    CHECK(block_of_anchor(document, "part-2") == std::optional<uint32_t>(7));
    CHECK_FALSE(block_of_anchor(document, "Part-2").has_value());  // ids are case-sensitive
    CHECK_FALSE(block_of_anchor(document, "missing").has_value());
    CHECK_FALSE(block_of_anchor(document, "").has_value());
}

TEST_CASE("block_of_anchor matches a percent-encoded fragment against the id as written") {
    Document document;
    document.blocks = {paragraph("a"), with_anchors(heading(2, "\xC3\xA9t\xC3\xA9"), {"\xC3\xA9t\xC3\xA9", "a b"})};
    CHECK(block_of_anchor(document, "%C3%A9t%C3%A9") == std::optional<uint32_t>(1));
    CHECK(block_of_anchor(document, "\xC3\xA9t\xC3\xA9") == std::optional<uint32_t>(1));
    CHECK(block_of_anchor(document, "a%20b") == std::optional<uint32_t>(1));
    CHECK_FALSE(block_of_anchor(document, "%zz").has_value());
}

// ---------------------------------------------------------------------------
// plain_text

TEST_CASE("plain text separates blocks by blank lines and puts items and rows on their own lines") {
    CHECK(plain_text(travel_notes()) ==
          "Travel notes\n"
          "\n"
          "We went to the museum and read an old page. More on another site.\n"
          "\n"
          "Plan\n"
          "\n"
          "Pack\n"
          "Walk\n"
          "left\n"
          "right\n"
          "\n"
          "Not all who wander are lost.\n"
          "\n"
          "Days\n"
          "\n"
          "City | Days\n"
          "Kyoto | 3\n"
          "Seoul | 12\n"
          "\n"
          "Our cat, asleep.\n"
          "\n"
          "int main() {\n"
          "\treturn 0;\n"
          "}\n"
          "\n"
          "Line one\n"
          "line two, see the museum");
}

TEST_CASE("plain text of a figure is its caption, or its alt text when it has no caption") {
    Document document;
    document.images = {{"https://example.org/a.png", "Alt text", 0, 0, 0}};
    document.blocks = {figure(0, "Caption"), figure(0, ""), figure(-1, ""), paragraph("end")};
    CHECK(plain_text(document) == "Caption\n\nAlt text\n\nend");
    CHECK(plain_text(Document{}).empty());
}

TEST_CASE("plain text keeps a table cell with several paragraphs on its row's line") {
    Block two_paragraphs = block_of(BlockKind::table_cell, {paragraph("first"), paragraph({text_span("a"), line_break(), text_span("b")})});
    Document document;
    document.blocks = {table({row({cell("x"), two_paragraphs}), row({cell(""), cell("")})})};
    CHECK(plain_text(document) == "x | first a b");
}

// ---------------------------------------------------------------------------
// render_text

TEST_CASE("render_text lays out a page for a terminal with numbered links listed at the end") {
    CHECK(render_text(travel_notes(), 40) ==
          "Travel notes\n"
          "============\n"
          "\n"
          "We went to the museum[1] and read an old\n"
          "page[2]. More on another site[3].\n"
          "\n"
          "Plan\n"
          "----\n"
          "\n"
          " 9. Pack\n"
          "10. Walk\n"
          "    - left\n"
          "    - right\n"
          "\n"
          "> Not all who wander are lost.\n"
          "\n"
          "### Days\n"
          "\n"
          "City  | Days\n"
          "------+-----\n"
          "Kyoto | 3\n"
          "Seoul | 12\n"
          "\n"
          "[image: A cat]\n"
          "Our cat, asleep.\n"
          "\n"
          "    int main() {\n"
          "            return 0;\n"
          "    }\n"
          "\n"
          "----------------------------------------\n"
          "\n"
          "Line one\n"
          "line two, see the museum[1]\n"
          "\n"
          "Links:\n"
          "[1] https://example.org/museum (in this bundle)\n"
          "[2] https://example.org/old-page (not in this bundle)\n"
          "[3] https://other.example/ (external)\n");
}

TEST_CASE("render_text numbers links by first appearance, not by their place in the table") {
    Document document;
    document.links = {{"https://a.example/", LinkTarget::external, 0}, {"https://b.example/", LinkTarget::external, 0},
                      {"https://unused.example/", LinkTarget::external, 0}};
    document.blocks = {paragraph({text_span("B", 1), text_span(" then "), text_span("A", 0), text_span(" then "),
                                  text_span("B again", 1)})};
    CHECK(render_text(document, 78) ==
          "B[1] then A[2] then B again[1]\n"
          "\n"
          "Links:\n"
          "[1] https://b.example/ (external)\n"
          "[2] https://a.example/ (external)\n");
}

TEST_CASE("render_text marks a link once after consecutive spans of the same link") {
    Document document;
    document.links = {{"https://example.org/", LinkTarget::internal, 1}};
    document.blocks = {paragraph({text_span("a ", 0), text_span("bold", 0, kBold), text_span(" link", 0), text_span(".")})};
    CHECK(render_text(document).rfind("a bold link[1].\n", 0) == 0);
}

TEST_CASE("render_text shows a table too wide for the terminal as one cell per line") {
    Document document;
    document.blocks = {table({row({cell("Name", true), cell("Description", true)}),
                              row({cell("sitepack"), cell("turns a whole website into one file you can carry")}),
                              row({cell("reader"), cell("shows it offline")})})};
    CHECK(render_text(document, 32) ==
          "Name: sitepack\n"
          "Description: turns a whole\n"
          "  website into one file you can\n"
          "  carry\n"
          "\n"
          "Name: reader\n"
          "Description: shows it offline\n");
}

TEST_CASE("render_text aligns tables with spanning cells and CJK text by display width") {
    Block spanning = cell("合計 total");
    spanning.colspan = 2;
    Block tall = cell("tall");
    tall.rowspan = 2;
    Document document;
    document.blocks = {table({row({tall, cell("漢字"), cell("x")}), row({cell("b"), cell("yy")}), row({spanning, cell("z")})})};
    CHECK(render_text(document, 40) ==
          "tall | 漢字 | x\n"
          "     | b    | yy\n"
          "合計 total  | z\n");
}

TEST_CASE("render_text wraps CJK paragraphs by display width and underlines headings to match") {
    Document document;
    document.blocks = {heading(1, "日本語"), paragraph("これは日本語の文章です。次の文です。")};
    CHECK(render_text(document, 22) ==
          "日本語\n"
          "======\n"
          "\n"
          "これは日本語の文章で\n"
          "す。次の文です。\n");
}

TEST_CASE("render_text indents nested quotes and lists and honours an ordered list's start") {
    Document document;
    document.blocks = {
        block_of(BlockKind::quote, {paragraph("outer"), block_of(BlockKind::quote, {paragraph("inner")})}),
        list({item("zero"), item({paragraph("one"), list({item("one a")}, true, 1)})}, true, 0),
        block_of(BlockKind::rule),
        heading(4, "A fourth-level heading that wraps"),
    };
    CHECK(render_text(document, 20) ==
          "> outer\n"
          ">\n"
          "> > inner\n"
          "\n"
          "0. zero\n"
          "1. one\n"
          "   1. one a\n"
          "\n"
          "--------------------\n"
          "\n"
          "#### A fourth-level\n"
          "     heading that\n"
          "     wraps\n");
}

TEST_CASE("render_text shows figures without alt text or caption as [image]") {
    Document document;
    document.images = {{"https://example.org/x.png", "", 0, 0, 0}};
    document.blocks = {figure(0, ""), figure(-1, "Only a caption")};
    CHECK(render_text(document) == "[image]\n\n[image]\nOnly a caption\n");
    CHECK(render_text(Document{}).empty());
}

TEST_CASE("render_text never passes control characters or bad UTF-8 to the terminal") {
    Document document;
    document.links = {{"https://evil.example/\x1b[2J", LinkTarget::external, 0}};
    document.blocks = {paragraph({text_span("red \x1b[31mtext\x07 \xff end\r", 0)})};
    const std::string rendered = render_text(document, 78);
    CHECK(rendered.find('\x1b') == std::string::npos);
    CHECK(rendered.find('\x07') == std::string::npos);
    CHECK(rendered.find('\r') == std::string::npos);
    CHECK(rendered.find('\xff') == std::string::npos);
    CHECK(rendered.find("red \xEF\xBF\xBD[31mtext\xEF\xBF\xBD \xEF\xBF\xBD end[1]") != std::string::npos);
}

TEST_CASE("render_text copes with documents that break the model's rules") {
    Document document;
    document.links = {{"u", LinkTarget::external, 0}};
    Block odd_list = list({paragraph("not an item"), item("item")}, true, 2147483647);
    Block odd_table = table({paragraph("not a row"), row({paragraph("not a cell"), cell("cell")})});
    Block huge_spans = cell("huge");
    huge_spans.colspan = 65535;
    huge_spans.rowspan = 65535;
    Block bad_heading = heading(0, "level zero");
    Span bad_link = text_span("bad link", 99);
    document.blocks = {odd_list, odd_table, table({row({huge_spans, cell("next")})}), bad_heading,
                       paragraph({bad_link}), block_of(BlockKind::table_cell, {paragraph("stray cell")}),
                       nested_quotes(200).blocks[0], figure(42, "")};
    const std::string rendered = render_text(document, 5);  // below the minimum width, too
    CHECK(rendered.find("2147483647. not") != std::string::npos);
    CHECK(rendered.find("2147483648. item") != std::string::npos);
    CHECK(rendered.find("huge") != std::string::npos);
    CHECK(rendered.find("bad link") != std::string::npos);
    CHECK(rendered.find("Links:") == std::string::npos);
    CHECK_FALSE(plain_text(document).empty());
}
