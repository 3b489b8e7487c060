// text_layout.cpp: a Document laid out into lines, runs and decorations.
//
// One pass over the block tree, top to bottom. Each block with inline text
// becomes a "flow": its spans' text is copied (cleaned for display) into the
// Layout's text buffer, cut at text::line_break_segments' break
// opportunities, and placed greedily: a segment joins the line when the
// pending spaces plus the segment fit. Segments may cross span boundaries
// (a word half bold), so every segment is measured as parts, one per span,
// and a line's parts of the same span merge into one run.
//
// Tables are sized like CSS's automatic table layout: each column gets its
// cells' minimum (widest word) and maximum (unwrapped) content widths, and
// the space left is shared in proportion to max - min.
//
// At the end, lines are sorted by top (table cells are laid out one after
// another, so their lines interleave), decorations by top, and link areas
// are built from the lines; every item has a bounded height, so a band query
// is a binary search plus a short scan.
#include "sitepack/text_layout.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "sitepack/search_text.h"
#include "sitepack/text_width.h"

namespace sitepack::layout {
namespace {

constexpr float kMaxPieceHeight = 1024.0f;  // taller decorations are cut into slices
// No image is shown taller than this (pixels at zoom 1; a taller one is
// scaled down whole). A bundle may declare any size: 1 x 4e9 px would be
// cut into millions of slices and exhaust memory.
constexpr float kMaxImageHeight = 32768.0f;
constexpr size_t kMaxColumns = 1000;        // HTML's own limit on colspan; cells beyond are left out
constexpr float kEpsilon = 0.01f;           // slack when comparing summed float widths
constexpr float kNoTop = -1.0f;             // Layout::block_tops_ of a block not shown (y is never negative)

bool valid_index(int32_t index, size_t size) { return index >= 0 && static_cast<size_t>(index) < size; }

FontFace face_for(uint8_t bits, bool monospace) {
    if (monospace || (bits & doc::kCode) != 0) return FontFace::monospace;
    const bool bold = (bits & doc::kBold) != 0;
    const bool italic = (bits & doc::kItalic) != 0;
    if (bold && italic) return FontFace::bold_italic;
    if (bold) return FontFace::bold;
    if (italic) return FontFace::italic;
    return FontFace::regular;
}

// Appends span text as it is displayed. Outside preformatted text, newlines,
// tabs and other whitespace controls become spaces; in preformatted text,
// newlines stay, tabs expand to the next multiple of 8 columns and carriage
// returns go. Other control characters are dropped (a font has no glyph for
// them) and ill-formed UTF-8 becomes U+FFFD, so FontMetrics only ever sees
// valid, newline-free UTF-8 once the text is cut at its forced breaks.
void append_display_text(std::string& out, std::string_view text, bool preformatted, int& column) {
    size_t offset = 0;
    while (offset < text.size()) {
        const unsigned char byte = static_cast<unsigned char>(text[offset]);
        if (byte >= 0x20 && byte < 0x7F) {  // printable ASCII, copied in one go
            size_t end = offset + 1;
            while (end < text.size() && static_cast<unsigned char>(text[end]) >= 0x20 &&
                   static_cast<unsigned char>(text[end]) < 0x7F) {
                ++end;
            }
            out.append(text, offset, end - offset);
            column += static_cast<int>(end - offset);
            offset = end;
            continue;
        }
        if (byte < 0x80) {
            if (preformatted) {
                if (byte == '\n') {
                    out += '\n';
                    column = 0;
                } else if (byte == '\t') {
                    const int spaces = 8 - column % 8;
                    out.append(static_cast<size_t>(spaces), ' ');
                    column += spaces;
                }
            } else if (byte == '\n' || byte == '\t' || byte == '\r' || byte == '\f' || byte == '\v') {
                out += ' ';
                ++column;
            }
            ++offset;
            continue;
        }
        const text::DecodedChar decoded = text::decode_utf8(text, offset);
        if (decoded.code_point == text::kReplacementCharacter) {
            text::append_utf8(out, text::kReplacementCharacter);
        } else if (decoded.code_point >= 0x80 && decoded.code_point < 0xA0) {
            // C1 controls: dropped like C0 ones.
        } else {
            out.append(text.substr(offset, decoded.length));
        }
        column += text::char_width(decoded.code_point);
        offset += decoded.length;
    }
}

template <typename T, typename Key>
size_t first_not_before(const std::vector<T>& items, float value, Key key) {
    const auto it = std::lower_bound(items.begin(), items.end(), value,
                                     [&](const T& item, float v) { return key(item) < v; });
    return static_cast<size_t>(it - items.begin());
}

}  // namespace

namespace detail {

// A span's part of a flow's text, with everything needed to draw it.
struct StyledRange {
    uint32_t begin = 0;  // flow-relative bytes
    uint32_t end = 0;
    FontFace face = FontFace::regular;
    float size = 0.0f;
    float shift = 0.0f;  // baseline shift: > 0 raises (superscript)
    ColorRole role = ColorRole::body;
    int32_t link = -1;
    // Measured on first use.
    float space_width = -1.0f;
    float ascent = -1.0f;
    float line_height = -1.0f;
};

// How a block's spans are drawn before span styles apply.
struct FlowStyle {
    uint8_t bits = 0;  // style bits added to every span (bold for headings and header cells)
    float size = 16.0f;
    ColorRole role = ColorRole::body;
    bool preformatted = false;
};

// Measured text on the line being filled: flow bytes [begin, end) of one range.
struct Piece {
    uint32_t begin = 0;
    uint32_t end = 0;
    uint32_t range = 0;
    float width = 0.0f;
    bool merged = false;  // several measured parts: measure the whole again when drawn
};

struct Widths {
    float min = 0.0f;  // widest word (capped): narrower, and words must be cut
    float max = 0.0f;  // every line unwrapped
};

// The horizontal space a block gets and what it inherits.
struct Box {
    float x = 0.0f;
    float width = 0.0f;
    ColorRole role = ColorRole::body;
    bool header = false;  // inside a table header cell: text is bold
    int list_depth = 0;   // lists around this block (chooses the bullet)
    int depth = 0;        // nesting, bounded by doc::kMaxDepth
};

struct FlowResult {
    float bottom = 0.0f;
    float right = 0.0f;  // rightmost text edge
    bool any = false;    // a flow was made
};

// A cell placed on the table grid.
struct GridCell {
    const doc::Block* block = nullptr;
    bool is_cell = false;  // a table_cell (else any other block standing in a row)
    bool header = false;
    bool placed = true;    // false beyond kMaxColumns: left out
    size_t row = 0;
    size_t column = 0;
    size_t colspan = 1;
    size_t rowspan = 1;
    Widths widths;
    float height = 0.0f;
};

struct Grid {
    std::vector<const doc::Block*> rows;
    std::vector<size_t> row_first_cell;  // cells of row r: [row_first_cell[r], row_first_cell[r + 1])
    std::vector<GridCell> cells;
    size_t columns = 0;
    std::vector<float> min;
    std::vector<float> max;
};

class LayoutBuilder {
public:
    LayoutBuilder(const doc::Document& document, float width, const FontMetrics& metrics, const LayoutStyle& style,
                  const ImageSizeLookup& image_size, Layout& out)
        : document_(document),
          metrics_(metrics),
          style_(style),
          image_size_(image_size),
          out_(out),
          width_(std::isfinite(width) ? std::max(width, 1.0f) : 1.0f),
          em_(std::max(style.em(), 1.0f)) {}

    void run() {
        out_.width_ = width_;
        Box box;
        box.width = width_;
        const float bottom = layout_blocks(document_.blocks, box, 0.0f, false);
        out_.block_tops_.resize(next_block_, kNoTop);
        finish(bottom);
    }

private:
    // -----------------------------------------------------------------------
    // Flow text and measurement

    void build_text(const std::vector<doc::Span>& spans, const FlowStyle& flow, std::string& text, size_t base,
                    std::vector<StyledRange>& ranges) const {
        int column = 0;
        for (const doc::Span& span : spans) {
            if (span.kind == doc::SpanKind::line_break) {
                text += '\n';
                column = 0;
                continue;
            }
            const size_t begin = text.size();
            append_display_text(text, span.text, flow.preformatted, column);
            if (text.size() == begin) continue;

            StyledRange range;
            range.begin = static_cast<uint32_t>(begin - base);
            range.end = static_cast<uint32_t>(text.size() - base);
            const uint8_t bits = static_cast<uint8_t>(span.style | flow.bits);
            const bool code = (span.style & doc::kCode) != 0 && !flow.preformatted;
            range.face = face_for(bits, flow.preformatted);
            float size = flow.size;
            if (code) size *= style_.code_scale;
            if ((span.style & doc::kSuperscript) != 0) {
                range.shift = flow.size * 0.35f;
                size *= style_.script_scale;
            } else if ((span.style & doc::kSubscript) != 0) {
                range.shift = -flow.size * 0.15f;
                size *= style_.script_scale;
            }
            range.size = size;
            range.link = valid_index(span.link, document_.links.size()) ? span.link : -1;
            range.role = range.link >= 0 ? ColorRole::link : code ? ColorRole::code : flow.role;

            if (!ranges.empty()) {
                StyledRange& last = ranges.back();
                if (last.end == range.begin && last.face == range.face && last.size == range.size &&
                    last.shift == range.shift && last.role == range.role && last.link == range.link) {
                    last.end = range.end;  // same look: one range, so one run
                    continue;
                }
            }
            ranges.push_back(range);
        }
    }

    float measure_part(std::string_view text, StyledRange& range, uint32_t begin, uint32_t end) const {
        if (end - begin == 1 && text[begin] == ' ') {
            if (range.space_width < 0.0f) range.space_width = metrics_.advance(" ", range.face, range.size);
            return range.space_width;
        }
        return metrics_.advance(text.substr(begin, end - begin), range.face, range.size);
    }

    // Width of flow bytes [begin, end), measured per range; the parts are
    // appended to `parts` when given.
    float measure(std::string_view text, std::vector<StyledRange>& ranges, uint32_t begin, uint32_t end,
                  std::vector<Piece>* parts) const {
        if (ranges.empty() || begin >= end) return 0.0f;
        size_t index = range_hint_ < ranges.size() ? range_hint_ : 0;
        if (!(ranges[index].begin <= begin && begin < ranges[index].end)) {
            const auto found = std::upper_bound(ranges.begin(), ranges.end(), begin, [](uint32_t value, const StyledRange& range) {
                return value < range.begin;
            });
            index = found == ranges.begin() ? 0 : static_cast<size_t>(found - ranges.begin()) - 1;
        }
        float total = 0.0f;
        uint32_t position = begin;
        while (position < end && index < ranges.size()) {
            StyledRange& range = ranges[index];
            if (range.end <= position) {
                ++index;
                continue;
            }
            if (range.begin > position) position = std::min(range.begin, end);  // a line break's "\n": never drawn
            if (position >= end) break;
            const uint32_t part_end = std::min(end, range.end);
            const float width = measure_part(text, range, position, part_end);
            if (parts != nullptr) parts->push_back(Piece{position, part_end, static_cast<uint32_t>(index), width});
            total += width;
            position = part_end;
            range_hint_ = index;
            ++index;
        }
        return total;
    }

    void range_box(StyledRange& range) const {
        if (range.ascent < 0.0f) {
            range.ascent = metrics_.ascent(range.face, range.size);
            range.line_height = metrics_.line_height(range.face, range.size);
        }
    }

    // Space a font needs above and below the baseline in a line box.
    void grow_box(float ascent, float line_height, float shift, float& above, float& below) const {
        const float half_leading = line_height * (style_.line_spacing - 1.0f) * 0.5f;
        above = std::max(above, ascent + half_leading + shift);
        below = std::max(below, line_height - ascent + half_leading - shift);
    }

    // The longest piece text::split_long_word would cut from the start of
    // flow bytes [begin, end) that is at most `width` pixels wide, in bytes;
    // at least one character even when that is wider.
    size_t fitting_piece(std::string_view text, uint32_t begin, uint32_t end, float width) {
        const std::string_view rest = text.substr(begin, end - begin);
        // The piece split_long_word cuts for a `columns`-wide line only depends
        // on the characters up to the first one that overflows it.
        auto piece_for = [&](int columns) -> size_t {
            int used = 0;
            size_t offset = 0;
            while (offset < rest.size()) {
                const text::DecodedChar decoded = text::decode_utf8(rest, offset);
                used += text::char_width(decoded.code_point);
                offset += decoded.length;
                if (used > columns) break;
            }
            if (offset >= rest.size() && used <= columns) return rest.size();
            const std::vector<std::string_view> pieces = text::split_long_word(rest.substr(0, offset), columns);
            return pieces.empty() ? rest.size() : pieces.front().size();
        };
        auto fits = [&](size_t bytes) {
            return measure(text, ranges_, begin, begin + static_cast<uint32_t>(bytes), nullptr) <= width + kEpsilon;
        };
        int good = 0;
        size_t good_bytes = 0;
        int bad = 0;
        for (int columns = 1;; columns *= 2) {
            const size_t bytes = piece_for(columns);
            if (!fits(bytes)) {
                bad = columns;
                break;
            }
            good = columns;
            good_bytes = bytes;
            if (bytes >= rest.size() || columns > (1 << 29)) return bytes;
        }
        if (good == 0) return piece_for(1);
        while (bad - good > 1) {
            const int middle = good + (bad - good) / 2;
            const size_t bytes = piece_for(middle);
            if (fits(bytes)) {
                good = middle;
                good_bytes = bytes;
            } else {
                bad = middle;
            }
        }
        return good_bytes;
    }

    // -----------------------------------------------------------------------
    // Lines

    // Lays out the text of a flow just added to out_.flows_ (its ranges in ranges_).
    FlowResult layout_flow(uint32_t flow_index, const FlowStyle& flow_style, float x, float width, float y) {
        const TextFlow flow = out_.flows_[flow_index];
        const std::string_view text = std::string_view(out_.text_).substr(flow.text_offset, flow.text_length);
        const bool wrap = !flow_style.preformatted || style_.wrap_preformatted;
        width = std::max(width, 1.0f);

        const FontFace strut_face = face_for(flow_style.bits, flow_style.preformatted);
        float strut_above = 0.0f;
        float strut_below = 0.0f;
        grow_box(metrics_.ascent(strut_face, flow_style.size), metrics_.line_height(strut_face, flow_style.size), 0.0f,
                 strut_above, strut_below);

        FlowResult result{y, x, true};
        float top = y;
        float line_width = 0.0f;
        bool hard_start = true;    // the line starts the flow or follows a forced break
        bool only_indent = false;  // the line holds only a preformatted line's indentation
        float pending_width = 0.0f;
        pieces_.clear();
        pending_.clear();

        // Parts of the same range side by side merge at once: pieces_ holds the line's runs.
        auto append = [&](const std::vector<Piece>& parts, float parts_width) {
            for (const Piece& part : parts) {
                Piece* last = pieces_.empty() ? nullptr : &pieces_.back();
                if (last != nullptr && last->range == part.range && last->end == part.begin) {
                    last->end = part.end;
                    last->width += part.width;
                    last->merged = true;
                } else {
                    pieces_.push_back(part);
                }
            }
            line_width += parts_width;
        };
        auto finish_line = [&](bool next_hard) {
            top = emit_line(text, flow_index, x, top, strut_above, strut_below, flow.text_offset);
            result.right = std::max(result.right, last_line_right_);
            pieces_.clear();
            line_width = 0.0f;
            hard_start = next_hard;
        };

        const std::vector<text::LineBreakSegment> segments = text::line_break_segments(text);
        for (const text::LineBreakSegment& segment : segments) {
            const auto word_begin = static_cast<uint32_t>(segment.begin);
            const auto word_end = static_cast<uint32_t>(segment.end);
            if (word_end > word_begin) {
                word_.clear();
                const float word_width = measure(text, ranges_, word_begin, word_end, &word_);
                if (!pieces_.empty() && (!wrap || line_width + pending_width + word_width <= width + kEpsilon)) {
                    append(pending_, pending_width);
                    append(word_, word_width);
                } else {
                    if (only_indent) {  // indentation alone would make a blank line: dropped
                        pieces_.clear();
                        line_width = 0.0f;
                    } else if (!pieces_.empty()) {
                        finish_line(false);
                    }
                    // At a line start: spaces before the word are dropped.
                    if (!wrap || word_width <= width + kEpsilon) {
                        append(word_, word_width);
                    } else {
                        uint32_t begin = word_begin;  // a word wider than the line: cut it
                        while (begin < word_end) {
                            const auto bytes = static_cast<uint32_t>(fitting_piece(text, begin, word_end, width));
                            word_.clear();
                            const float piece_width = measure(text, ranges_, begin, begin + bytes, &word_);
                            append(word_, piece_width);
                            begin += bytes;
                            if (begin < word_end) finish_line(false);
                        }
                    }
                }
            }
            only_indent = false;
            pending_.clear();
            pending_width = 0.0f;
            if (segment.space_end > segment.end) {
                const auto spaces_end = static_cast<uint32_t>(segment.space_end);
                if (word_end == word_begin && pieces_.empty() && hard_start && flow_style.preformatted) {
                    // Indentation of a preformatted line is kept.
                    word_.clear();
                    append(word_, measure(text, ranges_, word_end, spaces_end, &word_));
                    only_indent = true;
                } else {
                    pending_width = measure(text, ranges_, word_end, spaces_end, &pending_);
                }
            }
            if (segment.forced_break) finish_line(true);
        }
        if (!pieces_.empty()) finish_line(false);
        result.bottom = top;
        return result;
    }

    // Turns pieces_ into one line at `top`; returns its bottom.
    float emit_line(std::string_view text, uint32_t flow_index, float x, float top, float strut_above,
                    float strut_below, uint32_t flow_offset) {
        float above = strut_above;
        float below = strut_below;
        for (const Piece& piece : pieces_) {
            StyledRange& range = ranges_[piece.range];
            range_box(range);
            grow_box(range.ascent, range.line_height, range.shift, above, below);
        }
        LayoutLine line;
        line.top = top;
        line.baseline = top + above;
        line.height = above + below;
        line.flow = flow_index;
        line.first_run = static_cast<uint32_t>(out_.runs_.size());
        const auto line_index = static_cast<uint32_t>(out_.lines_.size());

        // One run per piece (layout_flow merged them). A run is measured
        // whole, as it is drawn, so the next run starts where its text ends
        // even if the font's widths of separate words do not add up exactly.
        float pen = x;
        for (const Piece& piece : pieces_) {
            const StyledRange& range = ranges_[piece.range];
            TextRun run;
            run.x = pen;
            run.width = piece.merged ? metrics_.advance(text.substr(piece.begin, piece.end - piece.begin), range.face,
                                                        range.size)
                                     : piece.width;
            run.height = range.line_height;
            run.baseline = line.baseline;
            run.y = line.baseline - range.shift - range.ascent;
            run.text_offset = flow_offset + piece.begin;
            run.text_length = piece.end - piece.begin;
            run.flow = flow_index;
            run.line = line_index;
            run.face = range.face;
            run.size = range.size;
            run.role = range.role;
            run.link = range.link;
            run.underline = range.link >= 0 && style_.underline_links;
            out_.runs_.push_back(run);
            pen += run.width;
        }
        line.run_count = static_cast<uint32_t>(out_.runs_.size()) - line.first_run;
        content_right_ = std::max(content_right_, pen);
        last_line_right_ = pen;
        out_.lines_.push_back(line);
        return line.bottom();
    }

    // Makes a flow of the spans and lays it out in the box at y.
    FlowResult text_block(const std::vector<doc::Span>& spans, const FlowStyle& flow_style, const Box& box, float y,
                          uint32_t block, doc::BlockKind kind, bool alt_text = false) {
        FlowResult none{y, box.x, false};
        if (spans.empty()) return none;
        std::string& text = out_.text_;
        const size_t begin = text.size();
        ranges_.clear();
        build_text(spans, flow_style, text, begin, ranges_);
        if (ranges_.empty()) {  // nothing to show (only line breaks)
            text.resize(begin);
            return none;
        }
        TextFlow flow;
        flow.block = block;
        flow.kind = kind;
        flow.alt_text = alt_text;
        flow.text_offset = static_cast<uint32_t>(begin);
        flow.text_length = static_cast<uint32_t>(text.size() - begin);
        out_.flows_.push_back(flow);
        return layout_flow(static_cast<uint32_t>(out_.flows_.size() - 1), flow_style, box.x, box.width, y);
    }

    // Minimum and maximum content widths of spans (see Widths).
    Widths flow_widths(const std::vector<doc::Span>& spans, const FlowStyle& flow_style) {
        Widths widths;
        if (spans.empty()) return widths;
        scratch_.clear();
        scratch_ranges_.clear();
        build_text(spans, flow_style, scratch_, 0, scratch_ranges_);
        if (scratch_ranges_.empty()) return widths;
        const float cap = style_.table_word_cap * em_;
        float line = 0.0f;
        float pending = 0.0f;
        bool started = false;
        for (const text::LineBreakSegment& segment : text::line_break_segments(scratch_)) {
            const auto begin = static_cast<uint32_t>(segment.begin);
            const auto end = static_cast<uint32_t>(segment.end);
            const float spaces = measure(scratch_, scratch_ranges_, end, static_cast<uint32_t>(segment.space_end), nullptr);
            if (end > begin) {
                const float word = measure(scratch_, scratch_ranges_, begin, end, nullptr);
                widths.min = std::max(widths.min, std::min(word, cap));
                line += (started ? pending : 0.0f) + word;
                started = true;
                pending = spaces;
            } else if (!started && flow_style.preformatted) {
                line += spaces;  // indentation
                started = true;
            } else {
                pending = spaces;
            }
            if (segment.forced_break) {
                widths.max = std::max(widths.max, line);
                line = 0.0f;
                pending = 0.0f;
                started = false;
            }
        }
        widths.max = std::max(widths.max, line);
        if (flow_style.preformatted && !style_.wrap_preformatted) widths.min = std::min(widths.max, cap);
        return widths;
    }

    // -----------------------------------------------------------------------
    // Blocks

    FlowStyle body_style(const Box& box) const {
        FlowStyle flow;
        flow.bits = box.header ? doc::kBold : doc::kPlain;
        flow.size = em_;
        flow.role = box.role;
        return flow;
    }
    FlowStyle heading_style(const doc::Block& block, const Box& box) const {
        FlowStyle flow;
        flow.bits = doc::kBold;
        const int level = std::clamp<int>(block.level, 1, 6);
        flow.size = em_ * style_.heading_scale[static_cast<size_t>(level - 1)];
        flow.role = box.role == ColorRole::body ? ColorRole::heading : box.role;
        return flow;
    }
    FlowStyle preformatted_style() const {
        FlowStyle flow;
        flow.size = em_ * style_.code_scale;
        flow.role = ColorRole::code;
        flow.preformatted = true;
        return flow;
    }
    FlowStyle caption_style(ColorRole role) const {
        FlowStyle flow;
        flow.size = em_ * style_.caption_scale;
        flow.role = role;
        return flow;
    }

    // Width left for content indented by `indent`: never below min_column_width.
    float narrowed(float width, float indent) const {
        return std::max(width - indent, std::min(width, style_.min_column_width * em_));
    }

    float gap(const doc::Block& previous, const doc::Block& next, bool tight) const {
        if (tight) return style_.tight_spacing * em_;
        if (next.kind == doc::BlockKind::heading) return std::max(style_.paragraph_spacing, style_.heading_spacing_above) * em_;
        if (previous.kind == doc::BlockKind::heading) return style_.heading_spacing_below * em_;
        return style_.paragraph_spacing * em_;
    }

    // Blocks one below another from y; returns the bottom. Blocks that show
    // nothing take no space and no spacing.
    float layout_blocks(const std::vector<doc::Block>& blocks, const Box& box, float y, bool tight) {
        float cursor = y;
        const doc::Block* previous = nullptr;
        for (const doc::Block& block : blocks) {
            const float start = previous != nullptr ? cursor + gap(*previous, block, tight) : cursor;
            const float end = layout_block(block, box, start);
            if (end <= start) continue;
            cursor = end;
            previous = &block;
        }
        return cursor;
    }

    // The children of a block that has shown `content` down to `y`.
    float children_after(const doc::Block& block, const Box& box, float y, bool content, bool tight) {
        if (block.children.empty()) return y;
        const float gap_before = content ? (tight ? style_.tight_spacing : style_.paragraph_spacing) * em_ : 0.0f;
        const float bottom = layout_blocks(block.children, box, y + gap_before, tight);
        return bottom > y + gap_before ? bottom : y;
    }

    void skip_subtree(const std::vector<doc::Block>& blocks) {
        std::vector<const doc::Block*> stack;
        for (const doc::Block& block : blocks) stack.push_back(&block);
        while (!stack.empty()) {
            const doc::Block* block = stack.back();
            stack.pop_back();
            ++next_block_;
            for (const doc::Block& child : block->children) stack.push_back(&child);
        }
    }

    // Remembers where block `ordinal` starts, for Layout::block_top.
    void note_top(uint32_t ordinal, float y) {
        if (out_.block_tops_.size() <= ordinal) out_.block_tops_.resize(ordinal + 1, kNoTop);
        out_.block_tops_[ordinal] = y;
    }

    float layout_block(const doc::Block& block, const Box& outer, float y) {
        const uint32_t ordinal = next_block_++;
        if (outer.depth >= doc::kMaxDepth) {
            skip_subtree(block.children);
            return y;
        }
        note_top(ordinal, y);
        Box box = outer;
        box.depth = outer.depth + 1;
        switch (block.kind) {
            case doc::BlockKind::heading: return layout_heading(block, box, y, ordinal);
            case doc::BlockKind::list: return layout_list(block, box, y);
            case doc::BlockKind::quote: return layout_quote(block, box, y, ordinal);
            case doc::BlockKind::table:
            case doc::BlockKind::table_row: return layout_table(block, box, y);
            case doc::BlockKind::figure: return layout_figure(block, box, y, ordinal);
            case doc::BlockKind::preformatted: return layout_preformatted(block, box, y, ordinal);
            case doc::BlockKind::rule: return layout_rule(block, box, y);
            case doc::BlockKind::table_cell:
                box.header = box.header || block.header;
                return layout_container(block, box, y, ordinal, true);
            case doc::BlockKind::list_item: return layout_container(block, box, y, ordinal, true);
            case doc::BlockKind::paragraph:
            default: return layout_container(block, box, y, ordinal, false);
        }
    }

    // A paragraph, list item or cell: its own text, then its blocks.
    float layout_container(const doc::Block& block, const Box& box, float y, uint32_t ordinal, bool tight) {
        const FlowResult flow = text_block(block.spans, body_style(box), box, y, ordinal, block.kind);
        return children_after(block, box, flow.bottom, flow.any, tight);
    }

    float layout_heading(const doc::Block& block, const Box& box, float y, uint32_t ordinal) {
        const FlowResult flow = text_block(block.spans, heading_style(block, box), box, y, ordinal, block.kind);
        if (flow.any) {
            const TextFlow& made = out_.flows_.back();
            HeadingAnchor anchor;
            anchor.level = std::clamp<int>(block.level, 1, 6);
            anchor.y = y;
            anchor.flow = static_cast<uint32_t>(out_.flows_.size() - 1);
            anchor.text_offset = static_cast<uint32_t>(out_.text_.size());
            for (uint32_t i = 0; i < made.text_length; ++i) {
                const char c = out_.text_[made.text_offset + i];
                out_.text_ += c == '\n' ? ' ' : c;
            }
            anchor.text_length = made.text_length;
            out_.headings_.push_back(anchor);
        }
        return children_after(block, box, flow.bottom, flow.any, false);
    }

    // The marker of each item and the indent they need.
    float list_markers(const doc::Block& list, int list_depth, bool header, std::vector<std::string>* markers,
                       std::vector<float>* widths) {
        static const char* const kBullets[] = {"\xE2\x80\xA2", "\xE2\x97\xA6", "\xE2\x96\xAA"};  // • ◦ ▪
        const FontFace face = header ? FontFace::bold : FontFace::regular;
        float widest = 0.0f;
        float bullet_width = -1.0f;
        int64_t number = list.start;
        for (size_t i = 0; i < list.children.size(); ++i) {
            std::string marker;
            float width = 0.0f;
            if (list.ordered) {
                marker = std::to_string(number++) + ".";
                width = metrics_.advance(marker, face, em_);
            } else {
                marker = kBullets[std::min(list_depth, 2)];
                if (bullet_width < 0.0f) bullet_width = metrics_.advance(marker, face, em_);
                width = bullet_width;
            }
            widest = std::max(widest, width);
            if (markers != nullptr) markers->push_back(std::move(marker));
            if (widths != nullptr) widths->push_back(width);
        }
        return std::max(style_.list_indent * em_, widest + style_.list_marker_gap * em_);
    }

    float layout_list(const doc::Block& list, const Box& box, float y) {
        std::vector<std::string> markers;
        std::vector<float> marker_widths;
        const float indent = list_markers(list, box.list_depth, box.header, &markers, &marker_widths);
        Box item_box = box;
        item_box.x = box.x + indent;
        item_box.width = narrowed(box.width, indent);
        item_box.list_depth = box.list_depth + 1;

        const FontFace face = box.header ? FontFace::bold : FontFace::regular;
        const float ascent = metrics_.ascent(face, em_);
        const float line_height = metrics_.line_height(face, em_);
        float above = 0.0f;
        float below = 0.0f;
        grow_box(ascent, line_height, 0.0f, above, below);

        float cursor = y;
        for (size_t i = 0; i < list.children.size(); ++i) {
            const float start = i == 0 ? y : cursor + style_.tight_spacing * em_;
            const size_t lines_before = out_.lines_.size();
            float bottom = layout_block(list.children[i], item_box, start);
            const float baseline = out_.lines_.size() > lines_before ? out_.lines_[lines_before].baseline : start + above;
            bottom = std::max(bottom, baseline + below);

            Decoration marker;
            marker.kind = DecorationKind::list_marker;
            marker.rect = Rect{item_box.x - style_.list_marker_gap * em_ - marker_widths[i], baseline - ascent,
                               marker_widths[i], line_height};
            marker.text_offset = static_cast<uint32_t>(out_.text_.size());
            marker.text_length = static_cast<uint32_t>(markers[i].size());
            out_.text_ += markers[i];
            marker.face = face;
            marker.size = em_;
            marker.role = box.role;
            add_decoration(marker);
            cursor = bottom;
        }
        return cursor;
    }

    float layout_quote(const doc::Block& quote, const Box& box, float y, uint32_t ordinal) {
        const float indent = style_.quote_indent * em_;
        Box inner = box;
        inner.x = box.x + indent;
        inner.width = narrowed(box.width, indent);
        inner.role = ColorRole::quote;
        const FlowResult flow = text_block(quote.spans, body_style(inner), inner, y, ordinal, quote.kind);
        const float bottom = children_after(quote, inner, flow.bottom, flow.any, false);
        if (bottom > y) {
            Decoration bar;
            bar.kind = DecorationKind::quote_bar;
            bar.rect = Rect{box.x, y, std::max(style_.quote_bar_width * em_, 1.0f), bottom - y};
            add_decoration(bar);
        }
        return bottom;
    }

    ImageSize image_size(int32_t index) const {
        if (!valid_index(index, document_.images.size())) return {};
        if (image_size_) return image_size_(index);
        const doc::Image& image = document_.images[static_cast<size_t>(index)];
        if (image.image_id == 0 || image.width == 0 || image.height == 0) return {};
        return ImageSize{static_cast<float>(image.width), static_cast<float>(image.height)};
    }

    // The image's size on the page (zoomed, then scaled down to fit `width`).
    ImageSize shown_size(ImageSize size, float width) const {
        float shown_width = size.width * style_.zoom;
        float shown_height = size.height * style_.zoom;
        float limit = width;
        if (style_.max_image_width > 0.0f) limit = std::min(limit, style_.max_image_width * style_.zoom);
        if (shown_width > limit) {
            shown_height *= limit / shown_width;
            shown_width = limit;
        }
        const float height_limit = kMaxImageHeight * style_.zoom;
        if (shown_height > height_limit) {
            shown_width *= height_limit / shown_height;
            shown_height = height_limit;
        }
        return ImageSize{shown_width, shown_height};
    }

    std::vector<doc::Span> alt_spans(const doc::Block& figure) const {
        std::string alt;
        if (valid_index(figure.image, document_.images.size())) {
            alt = document_.images[static_cast<size_t>(figure.image)].alt;
        }
        const bool blank = alt.find_first_not_of(" \t\r\n") == std::string::npos;
        doc::Span span;
        span.text = blank ? "[image]" : std::move(alt);
        return {span};
    }

    float layout_figure(const doc::Block& figure, const Box& box, float y, uint32_t ordinal) {
        float cursor = y;
        const ImageSize size = image_size(figure.image);
        if (size.known()) {
            const ImageSize shown = shown_size(size, box.width);
            Decoration image;
            image.kind = DecorationKind::image;
            image.rect = Rect{box.x, y, shown.width, shown.height};
            image.image = figure.image;
            add_decoration(image);
            cursor = y + shown.height;
        } else {
            // The alt text in a box where the image would be.
            const float padding = style_.image_placeholder_padding * em_;
            Box inner = box;
            inner.x = box.x + padding;
            inner.width = narrowed(box.width, 2.0f * padding);
            const FlowResult alt =
                text_block(alt_spans(figure), caption_style(ColorRole::muted), inner, y + padding, ordinal, figure.kind, true);
            cursor = alt.bottom + padding;
            Decoration placeholder;
            placeholder.kind = DecorationKind::image_placeholder;
            placeholder.rect = Rect{box.x, y, std::min(std::max(alt.right + padding - box.x, 2.0f * padding), box.width),
                                    cursor - y};
            add_decoration(placeholder);
        }
        const float caption_top = cursor + style_.caption_spacing * em_;
        const FlowResult caption =
            text_block(figure.spans, caption_style(ColorRole::caption), box, caption_top, ordinal, figure.kind);
        if (caption.any) cursor = caption.bottom;
        return children_after(figure, box, cursor, true, false);
    }

    float layout_preformatted(const doc::Block& block, const Box& box, float y, uint32_t ordinal) {
        const float padding = style_.preformatted_padding * em_;
        Box inner = box;
        inner.x = box.x + padding;
        inner.width = narrowed(box.width, 2.0f * padding);
        const FlowResult flow = text_block(block.spans, preformatted_style(), inner, y + padding, ordinal, block.kind);
        if (!flow.any) return children_after(block, box, y, false, false);
        const float bottom = flow.bottom + padding;
        Decoration background;
        background.kind = DecorationKind::preformatted_background;
        background.rect = Rect{box.x, y, std::max(box.width, flow.right + padding - box.x), bottom - y};
        add_decoration(background);
        return children_after(block, box, bottom, true, false);
    }

    float layout_rule(const doc::Block& block, const Box& box, float y) {
        const float spacing = style_.rule_spacing * em_;
        const float thickness = std::max(style_.rule_thickness * style_.zoom, 1.0f);
        Decoration rule;
        rule.kind = DecorationKind::rule;
        rule.rect = Rect{box.x, y + spacing, box.width, thickness};
        add_decoration(rule);
        return children_after(block, box, y + 2.0f * spacing + thickness, true, false);
    }

    // -----------------------------------------------------------------------
    // Tables

    float border_width() const { return std::max(style_.table_border_width * style_.zoom, 0.0f); }

    // Places the cells on a grid the way HTML does (a cell takes the next
    // column not covered by a rowspan from above) and measures them.
    Grid analyze_table(const doc::Block& table, const Box& box) {
        Grid grid;
        if (table.kind == doc::BlockKind::table_row) {
            grid.rows.push_back(&table);
        } else {
            for (const doc::Block& child : table.children) grid.rows.push_back(&child);
        }
        const float padding = style_.table_cell_padding * em_;
        const float border = border_width();
        std::vector<size_t> covered_until;  // per column: first row not covered by a cell from above
        for (size_t row = 0; row < grid.rows.size(); ++row) {
            grid.row_first_cell.push_back(grid.cells.size());
            const doc::Block& row_block = *grid.rows[row];
            const bool is_row = row_block.kind == doc::BlockKind::table_row;
            const size_t count = is_row ? row_block.children.size() : 1;
            size_t column = 0;
            for (size_t i = 0; i < count; ++i) {
                GridCell cell;
                cell.block = is_row ? &row_block.children[i] : &row_block;
                cell.is_cell = cell.block->kind == doc::BlockKind::table_cell;
                cell.header = cell.is_cell && cell.block->header;
                cell.row = row;
                while (column < covered_until.size() && covered_until[column] > row) ++column;
                cell.colspan = cell.is_cell ? std::clamp<size_t>(cell.block->colspan, 1, kMaxColumns) : 1;
                cell.rowspan = cell.is_cell ? std::clamp<size_t>(cell.block->rowspan, 1, grid.rows.size() - row) : 1;
                if (column + cell.colspan > kMaxColumns) {
                    cell.placed = false;
                } else {
                    cell.column = column;
                    if (covered_until.size() < column + cell.colspan) covered_until.resize(column + cell.colspan, 0);
                    for (size_t c = column; c < column + cell.colspan; ++c) covered_until[c] = row + cell.rowspan;
                    column += cell.colspan;
                    Box cell_box = box;
                    cell_box.header = cell.header;
                    cell.widths = cell.is_cell ? content_widths(*cell.block, cell_box, box.depth + 1)
                                               : block_widths(*cell.block, cell_box, box.depth + 1);
                }
                grid.cells.push_back(cell);
            }
        }
        grid.row_first_cell.push_back(grid.cells.size());
        grid.columns = covered_until.size();

        // Single-column cells set the columns' widths; a spanning cell that
        // needs more shares the difference among its columns.
        grid.min.assign(grid.columns, 0.0f);
        grid.max.assign(grid.columns, 0.0f);
        for (const GridCell& cell : grid.cells) {
            if (!cell.placed || cell.colspan != 1) continue;
            grid.min[cell.column] = std::max(grid.min[cell.column], cell.widths.min);
            grid.max[cell.column] = std::max(grid.max[cell.column], cell.widths.max);
        }
        for (const GridCell& cell : grid.cells) {
            if (!cell.placed || cell.colspan == 1) continue;
            const float between = static_cast<float>(cell.colspan - 1) * (2.0f * padding + border);
            float have_min = between;
            float have_max = between;
            for (size_t c = cell.column; c < cell.column + cell.colspan; ++c) {
                have_min += grid.min[c];
                have_max += grid.max[c];
            }
            const auto span = static_cast<float>(cell.colspan);
            for (size_t c = cell.column; c < cell.column + cell.colspan; ++c) {
                if (cell.widths.min > have_min) grid.min[c] += (cell.widths.min - have_min) / span;
                if (cell.widths.max > have_max) grid.max[c] += (cell.widths.max - have_max) / span;
            }
        }
        for (size_t c = 0; c < grid.columns; ++c) grid.max[c] = std::max(grid.max[c], grid.min[c]);
        return grid;
    }

    Widths table_widths(const doc::Block& table, const Box& box) {
        const Grid grid = analyze_table(table, box);
        const auto columns = static_cast<float>(grid.columns);
        const float overhead =
            grid.columns == 0 ? 0.0f : columns * 2.0f * style_.table_cell_padding * em_ + (columns + 1.0f) * border_width();
        Widths widths;
        widths.min = std::accumulate(grid.min.begin(), grid.min.end(), overhead);
        widths.max = std::accumulate(grid.max.begin(), grid.max.end(), overhead);
        return widths;
    }

    static void merge(Widths& into, Widths add, float indent) {
        into.min = std::max(into.min, add.min + indent);
        into.max = std::max(into.max, add.max + indent);
    }

    // A paragraph-like block's own text and its children.
    Widths content_widths(const doc::Block& block, const Box& box, int depth) {
        Widths widths = flow_widths(block.spans, body_style(box));
        for (const doc::Block& child : block.children) merge(widths, block_widths(child, box, depth + 1), 0.0f);
        return widths;
    }

    Widths block_widths(const doc::Block& block, const Box& box, int depth) {
        if (depth >= doc::kMaxDepth) return {};
        Widths widths;
        float child_indent = 0.0f;
        Box child_box = box;
        switch (block.kind) {
            case doc::BlockKind::heading: widths = flow_widths(block.spans, heading_style(block, box)); break;
            case doc::BlockKind::list: {
                child_indent = list_markers(block, box.list_depth, box.header, nullptr, nullptr);
                child_box.list_depth = box.list_depth + 1;
                break;
            }
            case doc::BlockKind::quote:
                child_indent = style_.quote_indent * em_;
                child_box.role = ColorRole::quote;
                merge(widths, flow_widths(block.spans, body_style(child_box)), child_indent);
                break;
            case doc::BlockKind::table:
            case doc::BlockKind::table_row: return table_widths(block, box);
            case doc::BlockKind::figure: {
                const ImageSize size = image_size(block.image);
                if (size.known()) {
                    const ImageSize shown = shown_size(size, 1e9f);
                    widths.max = shown.width;
                    widths.min = std::min(shown.width, style_.table_word_cap * em_);
                } else {
                    const float padding = 2.0f * style_.image_placeholder_padding * em_;
                    merge(widths, flow_widths(alt_spans(block), caption_style(ColorRole::muted)), padding);
                }
                merge(widths, flow_widths(block.spans, caption_style(ColorRole::caption)), 0.0f);
                break;
            }
            case doc::BlockKind::preformatted:
                merge(widths, flow_widths(block.spans, preformatted_style()), 2.0f * style_.preformatted_padding * em_);
                break;
            case doc::BlockKind::rule: break;
            case doc::BlockKind::table_cell:
                child_box.header = box.header || block.header;
                widths = flow_widths(block.spans, body_style(child_box));
                break;
            default: widths = flow_widths(block.spans, body_style(box)); break;
        }
        for (const doc::Block& child : block.children) merge(widths, block_widths(child, child_box, depth + 1), child_indent);
        return widths;
    }

    float layout_table(const doc::Block& table, const Box& box, float y) {
        Grid grid = analyze_table(table, box);
        const size_t columns = grid.columns;
        const auto column_count = static_cast<float>(columns);
        const float border = border_width();
        float padding = style_.table_cell_padding * em_;

        // Content widths: the space left after borders and padding, shared
        // by min/max content. Padding shrinks in a very narrow column.
        std::vector<float> widths(columns, 0.0f);
        if (columns > 0) {
            const float borders = (column_count + 1.0f) * border;
            if (box.width - borders - column_count * 2.0f * padding < column_count * em_) {
                padding = std::max(0.0f, (box.width - borders - column_count * em_) / (4.0f * column_count));
            }
            const float available = std::max(0.0f, box.width - borders - column_count * 2.0f * padding);
            const float sum_min = std::accumulate(grid.min.begin(), grid.min.end(), 0.0f);
            const float sum_max = std::accumulate(grid.max.begin(), grid.max.end(), 0.0f);
            for (size_t c = 0; c < columns; ++c) {
                if (sum_max <= available) {
                    widths[c] = grid.max[c];
                } else if (sum_min < available) {
                    widths[c] = grid.min[c] + (grid.max[c] - grid.min[c]) * (available - sum_min) / (sum_max - sum_min);
                } else if (sum_min > 0.0f) {
                    widths[c] = available * grid.min[c] / sum_min;
                } else {
                    widths[c] = available / column_count;
                }
            }
        }
        std::vector<float> column_x(columns + 1, 0.0f);  // left edge of each column's padding box
        float x = box.x + border;
        for (size_t c = 0; c < columns; ++c) {
            column_x[c] = x;
            x += widths[c] + 2.0f * padding + border;
        }
        column_x[columns] = x;
        auto span_width = [&](const GridCell& cell) {  // the padding box of a cell
            return column_x[cell.column + cell.colspan] - border - column_x[cell.column];
        };

        const size_t rows = grid.rows.size();
        // Cells spanning several rows, by the last row they span.
        std::vector<std::pair<size_t, size_t>> spanning;  // (last row, cell index)
        for (size_t i = 0; i < grid.cells.size(); ++i) {
            const GridCell& cell = grid.cells[i];
            if (cell.placed && cell.rowspan > 1) spanning.emplace_back(cell.row + cell.rowspan - 1, i);
        }
        std::sort(spanning.begin(), spanning.end());
        size_t next_spanning = 0;
        std::vector<float> row_top(rows + 1, y + border);
        std::vector<float> row_height(rows, 0.0f);
        for (size_t row = 0; row < rows; ++row) {
            if (grid.rows[row] != &table && grid.rows[row]->kind == doc::BlockKind::table_row) {
                note_top(next_block_++, row_top[row]);
            }
            for (size_t i = grid.row_first_cell[row]; i < grid.row_first_cell[row + 1]; ++i) {
                GridCell& cell = grid.cells[i];
                if (!cell.placed) {
                    ++next_block_;
                    skip_subtree(cell.block->children);
                    continue;
                }
                Box cell_box = box;
                cell_box.x = column_x[cell.column] + padding;
                cell_box.width = std::max(span_width(cell) - 2.0f * padding, 1.0f);
                cell_box.header = cell.header;
                cell_box.depth = box.depth + 1;
                const float start = row_top[row] + padding;
                float bottom = start;
                if (cell.is_cell) {
                    const uint32_t ordinal = next_block_++;
                    note_top(ordinal, row_top[row]);
                    bottom = layout_container(*cell.block, cell_box, start, ordinal, true);
                } else {
                    bottom = layout_block(*cell.block, cell_box, start);
                }
                cell.height = bottom + padding - row_top[row];
                if (cell.rowspan == 1) row_height[row] = std::max(row_height[row], cell.height);
            }
            // Cells spanning down to this row: the rows they span must hold them.
            for (; next_spanning < spanning.size() && spanning[next_spanning].first == row; ++next_spanning) {
                const GridCell& cell = grid.cells[spanning[next_spanning].second];
                row_height[row] = std::max(row_height[row], row_top[cell.row] + cell.height - row_top[row]);
            }
            row_top[row + 1] = row_top[row] + row_height[row] + border;
        }
        const float bottom = rows > 0 && columns > 0 ? row_top[rows] : y;

        for (const GridCell& cell : grid.cells) {
            if (!cell.placed) continue;
            const Rect inside{column_x[cell.column], row_top[cell.row], span_width(cell),
                              row_top[cell.row + cell.rowspan] - border - row_top[cell.row]};
            if (cell.header) {
                Decoration background;
                background.kind = DecorationKind::table_header_background;
                background.rect = inside;
                add_decoration(background);
            }
            if (border > 0.0f) {
                const Rect edges[] = {
                    {inside.x - border, inside.y - border, inside.width + 2.0f * border, border},  // top
                    {inside.x - border, inside.bottom(), inside.width + 2.0f * border, border},    // bottom
                    {inside.x - border, inside.y, border, inside.height},                          // left
                    {inside.right(), inside.y, border, inside.height},                             // right
                };
                for (const Rect& edge : edges) {
                    Decoration line;
                    line.kind = DecorationKind::table_border;
                    line.rect = edge;
                    add_decoration(line);
                }
            }
        }
        return bottom;
    }

    // -----------------------------------------------------------------------
    // Output

    // Adds a decoration, cut into slices no taller than kMaxPieceHeight.
    void add_decoration(const Decoration& decoration) {
        content_right_ = std::max(content_right_, decoration.rect.right());
        const Rect& rect = decoration.rect;
        if (!(rect.height > kMaxPieceHeight)) {
            out_.decorations_.push_back(decoration);
            return;
        }
        const auto slices = static_cast<size_t>(std::ceil(rect.height / kMaxPieceHeight));
        for (size_t i = 0; i < slices; ++i) {
            Decoration slice = decoration;
            const float top = rect.y + static_cast<float>(i) * kMaxPieceHeight;
            const float bottom = i + 1 == slices ? rect.bottom() : top + kMaxPieceHeight;
            slice.rect.y = top;
            slice.rect.height = bottom - top;
            const float uv_span = decoration.uv_bottom - decoration.uv_top;
            slice.uv_top = decoration.uv_top + uv_span * (top - rect.y) / rect.height;
            slice.uv_bottom = i + 1 == slices ? decoration.uv_bottom : decoration.uv_top + uv_span * (bottom - rect.y) / rect.height;
            out_.decorations_.push_back(slice);
        }
    }

    void finish(float bottom) {
        Layout& out = out_;
        out.height_ = bottom;
        out.content_width_ = std::max(content_right_, 0.0f);

        // Lines by top; runs follow their lines.
        const auto by_top = [](const LayoutLine& a, const LayoutLine& b) { return a.top < b.top; };
        if (!std::is_sorted(out.lines_.begin(), out.lines_.end(), by_top)) {
            std::stable_sort(out.lines_.begin(), out.lines_.end(), by_top);
            std::vector<TextRun> runs;
            runs.reserve(out.runs_.size());
            for (size_t index = 0; index < out.lines_.size(); ++index) {
                LayoutLine& line = out.lines_[index];
                const uint32_t first = static_cast<uint32_t>(runs.size());
                for (uint32_t r = 0; r < line.run_count; ++r) {
                    runs.push_back(out.runs_[line.first_run + r]);
                    runs.back().line = static_cast<uint32_t>(index);
                }
                line.first_run = first;
            }
            out.runs_ = std::move(runs);
        }
        out.max_line_height_ = 0.0f;
        for (const LayoutLine& line : out.lines_) out.max_line_height_ = std::max(out.max_line_height_, line.height);

        // Each flow's runs in text order (a flow's lines keep their order).
        out.flow_run_begin_.assign(out.flows_.size() + 1, 0);
        for (const TextRun& run : out.runs_) ++out.flow_run_begin_[run.flow + 1];
        for (size_t f = 0; f < out.flows_.size(); ++f) out.flow_run_begin_[f + 1] += out.flow_run_begin_[f];
        out.flow_runs_.assign(out.runs_.size(), 0);
        std::vector<uint32_t> fill(out.flow_run_begin_.begin(), out.flow_run_begin_.end() - 1);
        for (size_t r = 0; r < out.runs_.size(); ++r) out.flow_runs_[fill[out.runs_[r].flow]++] = static_cast<uint32_t>(r);

        // Link areas: a link's consecutive runs on a line make one rectangle.
        out.max_link_height_ = 0.0f;
        for (const LayoutLine& line : out.lines_) {
            for (uint32_t r = line.first_run; r < line.first_run + line.run_count; ++r) {
                const TextRun& run = out.runs_[r];
                if (run.link < 0) continue;
                LinkArea* last = out.link_areas_.empty() ? nullptr : &out.link_areas_.back();
                const bool extends = last != nullptr && r > line.first_run && out.runs_[r - 1].link == run.link &&
                                     last->rect.y == line.top && last->link == run.link;
                if (extends) {
                    last->rect.width = run.x + run.width - last->rect.x;
                } else {
                    out.link_areas_.push_back(LinkArea{run.link, Rect{run.x, line.top, run.width, line.height}});
                    out.max_link_height_ = std::max(out.max_link_height_, line.height);
                }
            }
        }

        std::stable_sort(out.decorations_.begin(), out.decorations_.end(),
                         [](const Decoration& a, const Decoration& b) { return a.rect.y < b.rect.y; });
        out.max_decoration_height_ = 0.0f;
        for (const Decoration& decoration : out.decorations_) {
            out.max_decoration_height_ = std::max(out.max_decoration_height_, decoration.rect.height);
        }
    }

    const doc::Document& document_;
    const FontMetrics& metrics_;
    const LayoutStyle& style_;
    const ImageSizeLookup& image_size_;
    Layout& out_;
    const float width_;
    const float em_;
    uint32_t next_block_ = 0;
    float content_right_ = 0.0f;
    float last_line_right_ = 0.0f;  // right end of the line emit_line made last
    mutable size_t range_hint_ = 0;  // where measure() found its last range
    // Working storage, reused from flow to flow.
    std::vector<StyledRange> ranges_;
    std::vector<Piece> pieces_;
    std::vector<Piece> word_;
    std::vector<Piece> pending_;
    std::string scratch_;
    std::vector<StyledRange> scratch_ranges_;
};

}  // namespace detail

// ---------------------------------------------------------------------------
// Layout queries

std::optional<float> Layout::block_top(uint32_t block) const {
    if (block >= block_tops_.size()) return std::nullopt;
    for (size_t i = block + 1; i-- > 0;) {
        if (block_tops_[i] >= 0.0f) return block_tops_[i];
    }
    return 0.0f;
}

std::optional<float> Layout::anchor_y(const doc::Document& document, std::string_view fragment) const {
    const std::optional<uint32_t> block = doc::block_of_anchor(document, fragment);
    if (!block) return std::nullopt;
    return block_top(*block);
}

const uint32_t* Layout::flow_runs_begin(uint32_t flow) const { return flow_runs_.data() + flow_run_begin_[flow]; }
const uint32_t* Layout::flow_runs_end(uint32_t flow) const { return flow_runs_.data() + flow_run_begin_[flow + 1]; }

VisibleItems Layout::visible_range(float y0, float y1) const {
    VisibleItems items;
    visible_range(y0, y1, items);
    return items;
}

void Layout::visible_range(float y0, float y1, VisibleItems& out) const {
    out.runs.clear();
    out.decorations.clear();
    if (!(y1 > y0)) return;
    // Nothing starting above y0 - (tallest item) can reach y0.
    for (size_t i = first_not_before(lines_, y0 - max_line_height_, [](const LayoutLine& line) { return line.top; });
         i < lines_.size() && lines_[i].top < y1; ++i) {
        const LayoutLine& line = lines_[i];
        if (line.bottom() <= y0) continue;
        for (uint32_t r = line.first_run; r < line.first_run + line.run_count; ++r) out.runs.push_back(&runs_[r]);
    }
    for (size_t i = first_not_before(decorations_, y0 - max_decoration_height_,
                                     [](const Decoration& decoration) { return decoration.rect.y; });
         i < decorations_.size() && decorations_[i].rect.y < y1; ++i) {
        if (decorations_[i].rect.bottom() > y0) out.decorations.push_back(&decorations_[i]);
    }
}

int32_t Layout::link_at(float x, float y) const {
    for (size_t i = first_not_before(link_areas_, y - max_link_height_, [](const LinkArea& area) { return area.rect.y; });
         i < link_areas_.size() && link_areas_[i].rect.y <= y; ++i) {
        if (link_areas_[i].rect.contains(x, y)) return link_areas_[i].link;
    }
    return -1;
}

std::optional<TextPosition> Layout::position_at(float x, float y, const FontMetrics& metrics) const {
    // The line under y; in a table row several are, so the nearest in x.
    const LayoutLine* best = nullptr;
    float best_distance = 0.0f;
    for (size_t i = first_not_before(lines_, y - max_line_height_, [](const LayoutLine& line) { return line.top; });
         i < lines_.size() && lines_[i].top <= y; ++i) {
        const LayoutLine& line = lines_[i];
        if (y >= line.bottom() || line.run_count == 0) continue;
        const float left = runs_[line.first_run].x;
        const TextRun& last = runs_[line.first_run + line.run_count - 1];
        const float right = last.x + last.width;
        const float distance = x < left ? left - x : x > right ? x - right : 0.0f;
        if (best == nullptr || distance < best_distance) {
            best = &line;
            best_distance = distance;
        }
    }
    if (best == nullptr) return std::nullopt;

    const TextFlow& flow = flows_[best->flow];
    const TextRun* run = &runs_[best->first_run];
    for (uint32_t r = best->first_run; r < best->first_run + best->run_count; ++r) {
        if (x >= runs_[r].x) run = &runs_[r];
    }
    const std::string_view text = this->text(*run);
    // The character boundary nearest x.
    size_t offset = 0;
    if (x >= run->x + run->width) {
        offset = text.size();
    } else if (x > run->x) {
        float previous = 0.0f;
        size_t position = 0;
        while (position < text.size()) {
            const size_t next = position + text::decode_utf8(text, position).length;
            const float advance = metrics.advance(text.substr(0, next), run->face, run->size);
            if (run->x + advance > x) {
                offset = (x - run->x) - previous < run->x + advance - x ? position : next;
                break;
            }
            previous = advance;
            position = next;
            offset = next;
        }
    }
    TextPosition position;
    position.flow = best->flow;
    position.block = flow.block;
    position.offset = run->text_offset - flow.text_offset + static_cast<uint32_t>(offset);
    return position;
}

std::vector<Rect> Layout::range_rects(uint32_t flow, uint32_t begin, uint32_t end, const FontMetrics& metrics) const {
    std::vector<Rect> rects;
    if (flow >= flows_.size() || begin >= end) return rects;
    const TextFlow& text_flow = flows_[flow];
    uint32_t last_line = 0;
    for (const uint32_t* it = flow_runs_begin(flow); it != flow_runs_end(flow); ++it) {
        const TextRun& run = runs_[*it];
        const uint32_t run_begin = run.text_offset - text_flow.text_offset;
        const uint32_t run_end = run_begin + run.text_length;
        if (run_end <= begin) continue;
        if (run_begin >= end) break;
        const std::string_view text = this->text(run);
        const uint32_t from = std::max(begin, run_begin) - run_begin;
        const uint32_t to = std::min(end, run_end) - run_begin;
        const float x0 = run.x + (from > 0 ? metrics.advance(text.substr(0, from), run.face, run.size) : 0.0f);
        const float x1 = to < run.text_length ? run.x + metrics.advance(text.substr(0, to), run.face, run.size)
                                              : run.x + run.width;
        const LayoutLine& line = lines_[run.line];
        if (!rects.empty() && last_line == run.line) {
            Rect& rect = rects.back();
            const float right = std::max(rect.right(), x1);
            rect.x = std::min(rect.x, x0);
            rect.width = right - rect.x;
        } else {
            rects.push_back(Rect{x0, line.top, x1 - x0, line.height});
            last_line = run.line;
        }
    }
    return rects;
}

std::vector<TextMatch> Layout::find_matches(std::string_view query, const FontMetrics& metrics) const {
    std::vector<TextMatch> matches;
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    std::string needle = text::to_valid_utf8(query);
    for (char& c : needle) c = lower(c);
    if (needle.empty()) return matches;
    for (uint32_t f = 0; f < flows_.size(); ++f) {
        const std::string_view text = this->text(flows_[f]);
        size_t position = 0;
        while (position + needle.size() <= text.size()) {
            bool same = true;
            for (size_t i = 0; i < needle.size(); ++i) {
                if (lower(text[position + i]) != needle[i]) {
                    same = false;
                    break;
                }
            }
            if (!same) {
                ++position;
                continue;
            }
            TextMatch match;
            match.flow = f;
            match.block = flows_[f].block;
            match.begin = static_cast<uint32_t>(position);
            match.end = static_cast<uint32_t>(position + needle.size());
            match.rects = range_rects(f, match.begin, match.end, metrics);
            if (!match.rects.empty()) matches.push_back(std::move(match));  // only spaces dropped at a line end: nothing to show
            position += needle.size();
        }
    }
    return matches;
}

Layout layout_document(const doc::Document& document, float width, const FontMetrics& metrics, const LayoutStyle& style,
                       const ImageSizeLookup& image_size) {
    Layout layout;
    detail::LayoutBuilder(document, width, metrics, style, image_size, layout).run();
    return layout;
}

namespace {

void add_text(FacesUsed& used, std::string_view text, uint8_t style) {
    if (text.empty()) return;
    const bool bold = style & doc::kBold;
    if (!(style & doc::kCode)) used.latin[(bold ? 1 : 0) + ((style & doc::kItalic) ? 2 : 0)] = true;
    if (search::contains_cjk(text)) (bold && !(style & doc::kCode) ? used.cjk_bold : used.cjk_regular) = true;
}

void add_block(FacesUsed& used, const doc::Block& block) {
    const bool bold_block = block.kind == doc::BlockKind::heading || (block.kind == doc::BlockKind::table_cell && block.header);
    for (const doc::Span& span : block.spans) add_text(used, span.text, static_cast<uint8_t>(span.style | (bold_block ? doc::kBold : 0)));
    for (const doc::Block& child : block.children) add_block(used, child);
}

}  // namespace

std::vector<std::string> FacesUsed::names() const {
    static const char* const kLatin[4] = {"regular", "bold", "italic", "bold-italic"};
    std::vector<std::string> out;
    for (int face = 0; face < 4; ++face)
        if (latin[face]) out.push_back(kLatin[face]);
    if (cjk_regular) out.push_back("cjk-regular");
    if (cjk_bold) out.push_back("cjk-bold");
    return out;
}

FacesUsed faces_used(const doc::Document& page, std::string_view title, std::string_view meta) {
    FacesUsed used;
    add_text(used, title, doc::kBold);
    add_text(used, meta, doc::kPlain);
    for (const doc::Block& block : page.blocks) add_block(used, block);
    for (const doc::Image& image : page.images) add_text(used, image.alt, doc::kItalic);
    return used;
}

}  // namespace sitepack::layout
