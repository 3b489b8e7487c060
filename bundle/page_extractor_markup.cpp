#include "page_extractor_markup.h"

#include <algorithm>
#include <initializer_list>
#include <unordered_map>
#include <vector>

namespace sitepack::build::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool is_void(std::string_view name) {
    return one_of(name, {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                         "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame", "image"});
}

// Elements whose content the tokenizer reads as text up to their end tag
// (in HTML content; gumbo parses <noscript> content as markup).
bool is_raw_text(std::string_view name) {
    return one_of(name, {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"});
}

bool is_formatting(std::string_view name) {
    return one_of(name, {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"});
}

// Elements that put a marker on the list of active formatting elements.
bool is_marker(std::string_view name) {
    return one_of(name, {"applet", "caption", "marquee", "object", "td", "th", "template"});
}

bool closes_paragraph(std::string_view name) {
    return one_of(name, {"address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div",
                         "dl", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
                         "h6", "header", "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre", "section",
                         "summary", "table", "ul", "li", "dd", "dt", "plaintext", "listing", "xmp", "search"});
}

bool is_scope_boundary(std::string_view name) {
    return one_of(name, {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button"});
}

// HTML start tags that end foreign (SVG, MathML) content in the tree builder.
bool breaks_out_of_foreign_content(std::string_view name) {
    return one_of(name, {"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
                         "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
                         "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike",
                         "sub", "sup", "table", "tt", "u", "ul", "var", "font"});
}

bool is_heading(std::string_view name) {
    return name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6';
}

struct Tag {
    bool end = false;
    std::string name;           // lower case
    size_t begin = 0;           // offset of '<'
    size_t end_offset = 0;      // one past '>'
    size_t attributes_begin = 0;
    int attribute_count = 0;
    size_t attribute_cut = 0;   // end of the last attribute kept, when over the limit
    bool self_closing = false;
    bool renamed = false;       // a <template> written as a hidden <div>
};

struct FormattingEntry {
    bool marker = false;
    std::string name;
    std::string_view attributes;
};

class Limiter {
public:
    Limiter(std::string_view html, const MarkupLimits& limits) : html_(html), limits_(limits) {}

    std::optional<std::string> run() {
        const size_t n = html_.size();
        size_t i = 0;
        while (i < n) {
            size_t lt = html_.find('<', i);
            if (lt == std::string_view::npos || lt + 1 >= n) break;
            const char next = html_[lt + 1];
            if (next == '!') {
                if (skipping_foreign_ && html_.compare(lt, 9, "<![CDATA[") == 0) {
                    size_t end = html_.find("]]>", lt + 9);
                    i = end == std::string_view::npos ? n : end + 3;
                    continue;
                }
                i = skip_markup_declaration(lt);
            } else if (next == '?') {
                i = find_after(lt + 2, '>');
            } else if (next == '/') {
                if (lt + 2 < n && is_alpha(html_[lt + 2])) {
                    Tag tag;
                    tag.end = true;
                    tag.begin = lt;
                    size_t after = parse_tag(lt + 2, tag);
                    if (after == std::string_view::npos) break;
                    tag.end_offset = after;
                    if (skipping_foreign_) {
                        on_foreign_end_tag(tag);
                    } else {
                        on_end_tag(tag);
                    }
                    i = after;
                } else {
                    i = find_after(lt + 2, '>');
                }
            } else if (is_alpha(next)) {
                Tag tag;
                tag.begin = lt;
                size_t after = parse_tag(lt + 1, tag);
                if (after == std::string_view::npos) break;
                tag.end_offset = after;
                if (skipping_foreign_ && !on_foreign_start_tag(tag)) {
                    i = after;
                    continue;
                }
                i = on_start_tag(tag);
            } else {
                i = lt + 1;
            }
        }
        if (skipping_foreign_) replace(foreign_begin_, html_.size(), "");
        if (!changed_) return std::nullopt;
        out_.append(html_.substr(copied_));
        return std::move(out_);
    }

private:
    size_t find_after(size_t from, char c) const {
        size_t at = html_.find(c, from);
        return at == std::string_view::npos ? html_.size() : at + 1;
    }

    size_t skip_markup_declaration(size_t lt) const {
        if (html_.compare(lt, 4, "<!--") == 0) {
            // "<!-->" and "<!--->" end at once, as in the HTML tokenizer.
            if (html_.compare(lt + 4, 1, ">") == 0) return lt + 5;
            if (html_.compare(lt + 4, 2, "->") == 0) return lt + 6;
            size_t end = html_.find("-->", lt + 4);
            return end == std::string_view::npos ? html_.size() : end + 3;
        }
        return find_after(lt + 2, '>');
    }

    // Reads a tag from its name at `p`; returns the offset after '>', or npos
    // when the input ends inside the tag (the tokenizer drops such a tag).
    size_t parse_tag(size_t p, Tag& tag) const {
        const size_t n = html_.size();
        const size_t name_begin = p;
        while (p < n && !is_space(html_[p]) && html_[p] != '/' && html_[p] != '>') ++p;
        const size_t name_length = std::min<size_t>(p - name_begin, 64);
        tag.name.resize(name_length);
        for (size_t k = 0; k < name_length; ++k) tag.name[k] = lower(html_[name_begin + k]);
        tag.attributes_begin = p;
        while (true) {
            while (p < n && (is_space(html_[p]) || html_[p] == '/')) {
                if (html_[p] == '/' && p + 1 < n && html_[p + 1] == '>') tag.self_closing = true;
                ++p;
            }
            if (p >= n) return std::string_view::npos;
            if (html_[p] == '>') return p + 1;
            tag.self_closing = false;
            ++p;  // the first character of a name may be '='
            while (p < n && !is_space(html_[p]) && html_[p] != '/' && html_[p] != '>' && html_[p] != '=') ++p;
            size_t q = p;
            while (q < n && is_space(html_[q])) ++q;
            if (q < n && html_[q] == '=') {
                ++q;
                while (q < n && is_space(html_[q])) ++q;
                if (q < n && (html_[q] == '"' || html_[q] == '\'')) {
                    size_t close = html_.find(html_[q], q + 1);
                    if (close == std::string_view::npos) return std::string_view::npos;
                    p = close + 1;
                } else {
                    while (q < n && !is_space(html_[q]) && html_[q] != '>') ++q;
                    p = q;
                }
            }
            ++tag.attribute_count;
            if (tag.attribute_count == limits_.max_attributes) tag.attribute_cut = p;
        }
    }

    void replace(size_t begin, size_t end, std::string_view replacement) {
        if (begin < copied_) return;  // ranges come in order; never rewrite twice
        if (!changed_) out_.reserve(html_.size());
        changed_ = true;
        out_.append(html_.substr(copied_, begin - copied_));
        out_.append(replacement);
        copied_ = end;
    }

    bool is_open(std::string_view name) const {
        auto found = open_counts_.find(std::string(name));
        return found != open_counts_.end() && found->second > 0;
    }

    void push(const std::string& name) {
        stack_.push_back(name);
        ++open_counts_[name];
    }

    // Index in stack_ of the nearest `name` above any element in `stops`, or -1.
    long find_open(std::initializer_list<std::string_view> names, std::initializer_list<std::string_view> stops) const {
        // Most searches find nothing: skip them unless a name is open at all.
        if (std::none_of(names.begin(), names.end(), [&](std::string_view name) { return is_open(name); })) return -1;
        for (size_t k = stack_.size(); k-- > 0;) {
            if (one_of(stack_[k], names)) return static_cast<long>(k);
            if (one_of(stack_[k], stops)) return -1;
        }
        return -1;
    }

    long find_paragraph_in_scope() const {
        if (!is_open("p")) return -1;
        for (size_t k = stack_.size(); k-- > 0;) {
            if (stack_[k] == "p") return static_cast<long>(k);
            if (is_scope_boundary(stack_[k])) return -1;
        }
        return -1;
    }

    void pop_to(long index) {
        if (index < 0) return;
        for (size_t k = stack_.size(); k-- > static_cast<size_t>(index);) {
            const std::string& name = stack_[k];
            --open_counts_[name];
            if ((name == "svg" || name == "math") && foreign_ > 0) --foreign_;
            if (is_marker(name)) clear_formatting_to_marker();
        }
        stack_.resize(static_cast<size_t>(index));
    }

    void clear_formatting_to_marker() {
        while (!formatting_.empty()) {
            bool marker = formatting_.back().marker;
            formatting_.pop_back();
            if (marker) break;
        }
    }

    size_t formatting_after_marker() const {
        size_t count = 0;
        for (size_t k = formatting_.size(); k-- > 0 && !formatting_[k].marker;) ++count;
        return count;
    }

    // The tree builder closes some open elements when certain tags start.
    void apply_implied_closes(const std::string& name) {
        if (closes_paragraph(name)) pop_to(find_paragraph_in_scope());
        if (name == "li") {
            pop_to(find_open({"li"}, {"ul", "ol", "menu", "dir", "table", "td", "th", "caption"}));
        } else if (name == "dd" || name == "dt") {
            pop_to(find_open({"dd", "dt"}, {"dl", "table", "td", "th", "caption"}));
        } else if (name == "tr" || name == "tbody" || name == "thead" || name == "tfoot" || name == "caption" ||
                   name == "colgroup") {
            long table = find_open({"table"}, {});
            if (table >= 0) {
                long section = -1;
                if (name == "tr") {
                    for (size_t k = static_cast<size_t>(table) + 1; k < stack_.size(); ++k) {
                        if (one_of(stack_[k], {"tbody", "thead", "tfoot"})) section = static_cast<long>(k);
                    }
                }
                pop_to(section >= 0 ? section + 1 : table + 1);
            }
        } else if (name == "td" || name == "th") {
            long row = find_open({"tr"}, {"table"});
            if (row >= 0) pop_to(row + 1);
        } else if (name == "option" || name == "optgroup") {
            if (!stack_.empty() && stack_.back() == "option") pop_to(static_cast<long>(stack_.size()) - 1);
            if (name == "optgroup" && !stack_.empty() && stack_.back() == "optgroup") {
                pop_to(static_cast<long>(stack_.size()) - 1);
            }
        } else if (is_heading(name)) {
            if (!stack_.empty() && is_heading(stack_.back())) pop_to(static_cast<long>(stack_.size()) - 1);
        } else if (name == "a" || name == "nobr" || name == "button") {
            pop_to(find_open({name}, {"table", "td", "th", "caption"}));
        }
    }

    void add_formatting(const std::string& name, std::string_view attributes) {
        // "Noah's Ark": at most three identical entries after the last marker.
        size_t identical = 0;
        size_t earliest = formatting_.size();
        for (size_t k = formatting_.size(); k-- > 0 && !formatting_[k].marker;) {
            if (formatting_[k].name == name && formatting_[k].attributes == attributes) {
                ++identical;
                earliest = k;
            }
        }
        if (identical >= 3) formatting_.erase(formatting_.begin() + static_cast<long>(earliest));
        formatting_.push_back(FormattingEntry{false, name, attributes});
    }

    size_t skip_raw_text(const std::string& name, size_t from) const {
        if (name == "plaintext") return html_.size();
        size_t p = from;
        while (true) {
            size_t at = html_.find("</", p);
            if (at == std::string_view::npos) return html_.size();
            size_t k = 0;
            while (k < name.size() && at + 2 + k < html_.size() && lower(html_[at + 2 + k]) == name[k]) ++k;
            size_t after = at + 2 + k;
            if (k == name.size() && (after >= html_.size() || is_space(html_[after]) || html_[after] == '/' ||
                                     html_[after] == '>')) {
                return at;
            }
            p = at + 2;
        }
    }

    size_t on_start_tag(const Tag& tag) {
        if (tag.name == "template" && !tag.renamed) {
            // gumbo 0.10.1 aborts on some misnested templates
            // ("<table><svg><select><title><template></template><td>"); a
            // template's content is never shown, so it becomes a hidden div.
            Tag renamed = tag;
            renamed.name = "div";
            renamed.renamed = true;
            return on_start_tag(renamed);
        }
        const std::string& name = tag.name;
        if (name == "svg" || name == "math") {
            // Foreign content never reaches a document, and gumbo 0.10.1
            // aborts on some of it ("<table><svg><td><title><select></table>"):
            // it is cut out up to its end tag or to a tag that ends it.
            if (tag.self_closing) {
                replace(tag.begin, tag.end_offset, "");
            } else {
                skipping_foreign_ = true;
                foreign_name_ = name;
                foreign_nesting_ = 1;
                foreign_begin_ = tag.begin;
            }
            return tag.end_offset;
        }
        if (name == "html" || name == "head" || name == "body") {
            cut_attributes(tag);
            return tag.end_offset;
        }
        if (is_void(name) || (tag.self_closing && foreign_ > 0)) {
            cut_attributes(tag);
            return tag.end_offset;
        }
        if (foreign_ == 0) apply_implied_closes(name);
        bool drop = false;
        if (is_formatting(name) && formatting_after_marker() >= static_cast<size_t>(limits_.max_formatting_elements)) {
            drop = true;
        }
        if (stack_.size() >= static_cast<size_t>(limits_.max_open_elements) && !(foreign_ == 0 && is_raw_text(name))) {
            drop = true;
        }
        if (drop) {
            ++dropped_[name];
            replace(tag.begin, tag.end_offset, "");
            return tag.end_offset;
        }
        cut_attributes(tag);
        push(name);
        if (name == "svg" || name == "math") ++foreign_;
        if (is_marker(name)) formatting_.push_back(FormattingEntry{true, {}, {}});
        if (is_formatting(name)) {
            add_formatting(name, html_.substr(tag.attributes_begin, tag.end_offset - 1 - tag.attributes_begin));
        }
        if (foreign_ == 0 && (is_raw_text(name) || name == "plaintext")) return skip_raw_text(name, tag.end_offset);
        return tag.end_offset;
    }

    // Writes a kept start tag when it must change: attributes over the
    // limit cut, a template renamed.
    void cut_attributes(const Tag& tag) {
        const bool cut = tag.attribute_count > limits_.max_attributes;
        if (!cut && !tag.renamed) return;
        std::string kept = tag.renamed ? "<div hidden" : std::string(html_.substr(tag.begin, tag.attributes_begin - tag.begin));
        if (cut) {
            kept += html_.substr(tag.attributes_begin, tag.attribute_cut - tag.attributes_begin);
            kept += tag.self_closing ? "/>" : ">";
        } else {
            kept += html_.substr(tag.attributes_begin, tag.end_offset - tag.attributes_begin);
        }
        replace(tag.begin, tag.end_offset, kept);
    }

    // Inside cut-out foreign content. Returns true when the tag ends it and
    // is to be handled as HTML.
    bool on_foreign_start_tag(const Tag& tag) {
        if (breaks_out_of_foreign_content(tag.name)) {
            skipping_foreign_ = false;
            replace(foreign_begin_, tag.begin, "");
            return true;
        }
        if (tag.name == foreign_name_ && !tag.self_closing) ++foreign_nesting_;
        return false;
    }

    void on_foreign_end_tag(const Tag& tag) {
        if (tag.name != foreign_name_ || --foreign_nesting_ > 0) return;
        skipping_foreign_ = false;
        replace(foreign_begin_, tag.end_offset, "");
    }

    void on_end_tag(const Tag& tag) {
        if (tag.name == "template" && !tag.renamed) {
            Tag renamed = tag;
            renamed.name = "div";
            renamed.renamed = true;
            on_end_tag(renamed);
            if (copied_ <= tag.begin) replace(tag.begin, tag.end_offset, "</div>");  // unless dropped
            return;
        }
        const std::string& name = tag.name;
        if (name == "html" || name == "head" || name == "body" || name == "br") return;
        auto dropped = dropped_.find(name);
        if (dropped != dropped_.end() && dropped->second > 0) {
            --dropped->second;
            replace(tag.begin, tag.end_offset, "");
            return;
        }
        for (size_t k = stack_.size(); is_open(name) && k-- > 0;) {
            if (stack_[k] == name) {
                pop_to(static_cast<long>(k));
                break;
            }
        }
        if (is_formatting(name)) {
            for (size_t k = formatting_.size(); k-- > 0 && !formatting_[k].marker;) {
                if (formatting_[k].name == name) {
                    formatting_.erase(formatting_.begin() + static_cast<long>(k));
                    break;
                }
            }
        }
    }

    std::string_view html_;
    MarkupLimits limits_;
    std::vector<std::string> stack_;
    std::unordered_map<std::string, long> open_counts_;  // of each name in stack_
    std::vector<FormattingEntry> formatting_;
    std::unordered_map<std::string, long> dropped_;
    int foreign_ = 0;
    bool skipping_foreign_ = false;  // inside <svg> or <math>, which is cut out
    std::string foreign_name_;
    int foreign_nesting_ = 0;
    size_t foreign_begin_ = 0;
    std::string out_;
    size_t copied_ = 0;
    bool changed_ = false;
};

}  // namespace

std::optional<std::string> limit_markup(std::string_view html, const MarkupLimits& limits) {
    return Limiter(html, limits).run();
}

}  // namespace sitepack::build::detail
