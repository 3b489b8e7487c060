// page_mirror.cpp: the shown page as plain structure for a screen-reader mirror.
#include "page_mirror.h"

#include "sitepack/url.h"

namespace sitepack::ui {
namespace {

struct MirrorBuilder {
    const doc::Document& document;
    std::vector<MirrorBlock> out;

    // The spans' text, with the links they carry (adjacent spans of one link merged).
    void add_spans(const std::vector<doc::Span>& spans, MirrorBlock& block) {
        int32_t last_link = -1;
        for (const doc::Span& span : spans) {
            if (span.kind == doc::SpanKind::line_break) { block.text += '\n'; last_link = -1; continue; }
            block.text += span.text;
            if (span.link < 0 || span.link >= static_cast<int32_t>(document.links.size())) { last_link = -1; continue; }
            if (span.link == last_link && !block.links.empty()) { block.links.back().text += span.text; continue; }
            const doc::Link& link = document.links[static_cast<size_t>(span.link)];
            const bool in_bundle = link.target == doc::LinkTarget::internal;
            block.links.push_back({span.text, in_bundle ? url::path_and_query(link.url) : link.url});
            last_link = span.link;
        }
    }

    void emit(MirrorBlock block) {
        if (!block.text.empty()) out.push_back(std::move(block));
    }

    void walk(const doc::Block& block, const char* inherited) {
        using doc::BlockKind;
        switch (block.kind) {
        case BlockKind::heading: {
            MirrorBlock heading;
            const int level = block.level >= 1 && block.level <= 6 ? block.level : 2;
            heading.kind = "h" + std::to_string(level);
            add_spans(block.spans, heading);
            emit(std::move(heading));
            return;
        }
        case BlockKind::paragraph:
        case BlockKind::preformatted:
        case BlockKind::figure: {
            MirrorBlock text;
            text.kind = block.kind == BlockKind::preformatted ? "pre" : (inherited ? inherited : "p");
            add_spans(block.spans, text);
            if (block.kind == BlockKind::figure && text.text.empty() && block.image >= 0 &&
                block.image < static_cast<int32_t>(document.images.size()))
                text.text = document.images[static_cast<size_t>(block.image)].alt;
            emit(std::move(text));
            return;
        }
        case BlockKind::list_item:
        case BlockKind::quote: {
            // A list item's or quote's paragraphs take its kind.
            const char* kind = block.kind == BlockKind::list_item ? "li" : "quote";
            MirrorBlock own;
            own.kind = kind;
            add_spans(block.spans, own);
            emit(std::move(own));
            for (const doc::Block& child : block.children) walk(child, kind);
            return;
        }
        case BlockKind::table_row: {
            MirrorBlock row;
            row.kind = "p";
            for (const doc::Block& cell : block.children) {
                MirrorBlock cell_text;
                for (const doc::Block& part : cell.children) {
                    MirrorBuilder inner{document, {}};
                    inner.walk(part, "p");
                    for (MirrorBlock& piece : inner.out) {
                        if (!cell_text.text.empty()) cell_text.text += ' ';
                        cell_text.text += piece.text;
                        for (MirrorLink& link : piece.links) cell_text.links.push_back(std::move(link));
                    }
                }
                add_spans(cell.spans, cell_text);
                if (cell_text.text.empty()) continue;
                if (!row.text.empty()) row.text += " | ";
                row.text += cell_text.text;
                for (MirrorLink& link : cell_text.links) row.links.push_back(std::move(link));
            }
            emit(std::move(row));
            return;
        }
        case BlockKind::rule: return;
        default:
            for (const doc::Block& child : block.children) walk(child, inherited);
            return;
        }
    }
};

}  // namespace

std::vector<MirrorBlock> page_mirror(const doc::Document& document, const std::string& title, const std::string& meta) {
    MirrorBuilder builder{document, {}};
    if (!title.empty()) builder.out.push_back({"h1", title, {}});
    if (!meta.empty()) builder.out.push_back({"p", meta, {}});
    for (const doc::Block& block : document.blocks) builder.walk(block, nullptr);
    return std::move(builder.out);
}

std::string mirror_location(const std::string& url) {
    if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) return url::path_and_query(url);
    return url;
}

}  // namespace sitepack::ui
