// app_pages.cpp: pages the reader writes itself, as documents.
//
// Search results, browsing lists, history, bookmarks, the bundle's info and
// error notices are built as doc::Documents and shown by the same reading
// view as the site's pages: they are typeset alike, scroll alike, and their
// links (internal pages, or "app:" addresses for the reader's own pages)
// are followed alike.
#include <algorithm>
#include <cstdio>
#include <map>

#include "app_impl.h"
#include "sitepack/url.h"

namespace sitepack::ui {
namespace {

class DocumentBuilder {
public:
    doc::Document document;

    int32_t page_link(int64_t page_id, const std::string& url) {
        doc::Link link; link.url = url; link.page_id = page_id;
        link.target = page_id > 0 ? doc::LinkTarget::internal : doc::LinkTarget::missing;
        document.links.push_back(link);
        return static_cast<int32_t>(document.links.size() - 1);
    }
    int32_t app_link(const std::string& address) {
        doc::Link link; link.url = address; link.target = doc::LinkTarget::external;
        document.links.push_back(link);
        return static_cast<int32_t>(document.links.size() - 1);
    }
    static doc::Span span(const std::string& text, uint8_t style = doc::kPlain, int32_t link = -1) {
        doc::Span s; s.text = text; s.style = style; s.link = link; return s;
    }
    void heading(int level, const std::string& text) {
        doc::Block block; block.kind = doc::BlockKind::heading; block.level = static_cast<uint8_t>(level);
        block.spans.push_back(span(text));
        document.blocks.push_back(block);
    }
    void paragraph(std::vector<doc::Span> spans) {
        doc::Block block; block.kind = doc::BlockKind::paragraph; block.spans = std::move(spans);
        document.blocks.push_back(block);
    }
    void text(const std::string& text) { paragraph({span(text)}); }
    void list(const std::vector<std::vector<doc::Span>>& items) {
        doc::Block list; list.kind = doc::BlockKind::list;
        for (const auto& item_spans : items) {
            doc::Block item; item.kind = doc::BlockKind::list_item;
            doc::Block para; para.kind = doc::BlockKind::paragraph; para.spans = item_spans;
            item.children.push_back(para);
            list.children.push_back(item);
        }
        if (!list.children.empty()) document.blocks.push_back(list);
    }
    void rule() { doc::Block block; block.kind = doc::BlockKind::rule; document.blocks.push_back(block); }
};

std::string path_of(const std::string& url) {
    std::string path = url::path_and_query(url);
    return path.empty() ? url : path;
}

}  // namespace

void ReaderApp::Impl::show_error_page(const Location& location, const std::string& title, const std::string& what,
                                      const std::string& still_works, bool push) {
    DocumentBuilder b;
    size_t start = 0;
    while (start <= what.size()) {
        size_t end = what.find("\n\n", start);
        std::string part = what.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!part.empty()) b.text(part);
        if (end == std::string::npos) break;
        start = end + 2;
    }
    b.paragraph({DocumentBuilder::span(still_works, doc::kItalic)});
    PageHeader page_header; page_header.title = title;
    Location shown = location;
    if (shown.title.empty()) shown.title = title;
    show_document(shown, std::move(b.document), page_header, nullptr, push);
}

// Addresses: app:search/PAGE/QUERY, app:browse, app:term/ID, app:az,
// app:history, app:bookmarks, app:info, app:overview, app:verify.
void ReaderApp::Impl::open_app_page(const Location& location, bool push) {
    const std::string& address = location.url;
    pending_location = location;
    pending_push = push;
    CoreRequest request;
    if (address.rfind("app:search/", 0) == 0) {
        const std::string rest = address.substr(11);
        const size_t slash = rest.find('/');
        const int page = std::max(1, std::atoi(rest.substr(0, slash).c_str()));
        request.kind = RequestKind::search;
        request.text = slash == std::string::npos ? "" : rest.substr(slash + 1);
        request.offset = static_cast<int64_t>(page - 1) * kResultsPerPage;
        request.limit = kResultsPerPage;
        pending_request = core.post(request);
    } else if (address == "app:browse") {
        request.kind = RequestKind::terms;
        pending_request = core.post(request);
    } else if (address.rfind("app:term/", 0) == 0) {
        request.kind = RequestKind::pages_with_term;
        request.number = std::atoll(address.c_str() + 9);
        pending_request = core.post(request);
    } else if (address == "app:az" || address == "app:overview") {
        request.kind = RequestKind::list_pages;
        request.offset = 0;
        request.limit = address == "app:az" ? 100000 : 30;
        request.flag = address == "app:overview";  // newest first
        pending_request = core.post(request);
    } else if (address == "app:history") {
        build_history_page(location, push);
    } else if (address == "app:bookmarks") {
        build_bookmarks_page(location, push);
    } else if (address == "app:info") {
        build_info_page(location, push);
    } else if (address == "app:verify") {
        if (!verifying) {
            verifying = true;
            verify_done = verify_total = 0;
            verify_error.clear();
            request.kind = RequestKind::verify;
            core.post(request);
        }
        Location info_page; info_page.url = "app:info";
        build_info_page(info_page, push);
    } else {
        message = "Unknown reader address: " + address;
    }
}

void ReaderApp::Impl::build_results_page(const Location& location, bool push) {
    DocumentBuilder b;
    const std::string query = results.query;
    const int page = static_cast<int>(location.url.size() > 11 ? std::max(1, std::atoi(location.url.c_str() + 11)) : 1);
    const int64_t pages = (results.total + kResultsPerPage - 1) / kResultsPerPage;
    result_page_ids.clear();
    if (results.total == 0) {
        b.text("No page contains all the words of \xE2\x80\x9C" + query + "\xE2\x80\x9D.");
        b.paragraph({DocumentBuilder::span("Try fewer or other words, or ", doc::kItalic),
                     DocumentBuilder::span("browse the site", doc::kItalic, b.app_link("app:browse")),
                     DocumentBuilder::span(".", doc::kItalic)});
    } else {
        char summary[160];
        std::snprintf(summary, sizeof summary, "%lld page%s found, best first. Page %d of %lld.",
                      static_cast<long long>(results.total), results.total == 1 ? "" : "s", page, static_cast<long long>(pages));
        b.paragraph({DocumentBuilder::span(summary, doc::kItalic)});
        for (const SearchHit& hit : results.hits) {
            result_page_ids.push_back(hit.page_id);
            doc::Block title; title.kind = doc::BlockKind::heading; title.level = 3;
            title.spans.push_back(DocumentBuilder::span(hit.title.empty() ? path_of(hit.url) : hit.title, doc::kPlain,
                                                        b.page_link(hit.page_id, hit.url)));
            b.document.blocks.push_back(title);
            std::string meta = path_of(hit.url);
            if (!hit.published.empty()) meta = display_date(hit.published.substr(0, 10)) + "  \xC2\xB7  " + meta;
            // Highlighted query words are set in bold inside the snippet.
            std::vector<doc::Span> snippet;
            size_t at = 0;
            for (const auto& [begin, end] : hit.highlights) {
                if (begin < at || end > hit.snippet.size() || begin >= end) continue;
                if (begin > at) snippet.push_back(DocumentBuilder::span(hit.snippet.substr(at, begin - at)));
                snippet.push_back(DocumentBuilder::span(hit.snippet.substr(begin, end - begin), doc::kBold));
                at = end;
            }
            if (at < hit.snippet.size()) snippet.push_back(DocumentBuilder::span(hit.snippet.substr(at)));
            b.paragraph({DocumentBuilder::span(meta, doc::kItalic)});
            if (!snippet.empty()) b.paragraph(snippet);
        }
        std::vector<doc::Span> paging;
        if (page > 1) paging.push_back(DocumentBuilder::span("\xE2\x80\xB9 Previous results", 0, b.app_link("app:search/" + std::to_string(page - 1) + "/" + query)));
        if (page < pages) {
            if (!paging.empty()) paging.push_back(DocumentBuilder::span("     "));
            paging.push_back(DocumentBuilder::span("More results \xE2\x80\xBA", 0, b.app_link("app:search/" + std::to_string(page + 1) + "/" + query)));
        }
        if (!paging.empty()) { b.rule(); b.paragraph(paging); }
    }
    PageHeader page_header; page_header.title = "Search: " + query;
    Location shown = location; shown.title = page_header.title;
    show_document(shown, std::move(b.document), page_header, nullptr, push);
}

void ReaderApp::Impl::build_browse_page(const Location& location, bool push, const std::vector<Term>& terms) {
    DocumentBuilder b;
    b.paragraph({DocumentBuilder::span("All pages from A to Z", 0, b.app_link("app:az")),
                 DocumentBuilder::span("   \xC2\xB7   "),
                 DocumentBuilder::span("A random page", 0, b.app_link("random")),
                 DocumentBuilder::span("   \xC2\xB7   "),
                 DocumentBuilder::span("Newest pages", 0, b.app_link("app:overview"))});
    if (!info.menu.empty()) {
        b.heading(2, "The site\xE2\x80\x99s menu");
        std::vector<std::vector<doc::Span>> items;
        for (const NavigationEntry& entry : info.menu)
            items.push_back({DocumentBuilder::span(entry.label, 0, b.page_link(entry.page_id, entry.url))});
        b.list(items);
    }
    for (const char* kind : {"category", "tag"}) {
        std::vector<std::vector<doc::Span>> items;
        for (const Term& term : terms) {
            if (term.kind != kind) continue;
            items.push_back({DocumentBuilder::span(term.name, 0, b.app_link("app:term/" + std::to_string(term.id))),
                             DocumentBuilder::span("  (" + std::to_string(term.page_count) + ")", doc::kItalic)});
        }
        if (items.empty()) continue;
        b.heading(2, std::string(kind) == "category" ? "Categories" : "Tags");
        b.list(items);
    }
    if (!info.archives.empty()) {
        b.heading(2, "By month");
        std::vector<std::vector<doc::Span>> items;
        for (const NavigationEntry& entry : info.archives)
            items.push_back({DocumentBuilder::span(entry.label, 0, b.page_link(entry.page_id, entry.url))});
        b.list(items);
    }
    PageHeader page_header; page_header.title = "Browse " + (info.site_name.empty() ? std::string("the site") : info.site_name);
    Location shown = location; shown.title = "Browse";
    show_document(shown, std::move(b.document), page_header, nullptr, push);
}

void ReaderApp::Impl::build_term_page(const Location& location, bool push, const std::vector<PageRecord>& pages) {
    DocumentBuilder b;
    const int64_t term_id = std::atoll(location.url.c_str() + 9);
    std::string name = "Pages";
    for (const Term& term : terms_cache) if (term.id == term_id) name = (term.kind == "tag" ? "Tag: " : "Category: ") + term.name;
    std::vector<std::vector<doc::Span>> items;
    for (const PageRecord& page : pages) {
        std::vector<doc::Span> item{DocumentBuilder::span(page.title.empty() ? path_of(page.url) : page.title, 0, b.page_link(page.id, page.url))};
        if (!page.published.empty()) item.push_back(DocumentBuilder::span("  " + display_date(page.published.substr(0, 10)), doc::kItalic));
        items.push_back(item);
    }
    b.paragraph({DocumentBuilder::span(std::to_string(pages.size()) + " pages", doc::kItalic)});
    b.list(items);
    PageHeader page_header; page_header.title = name;
    Location shown = location; shown.title = name;
    show_document(shown, std::move(b.document), page_header, nullptr, push);
}

void ReaderApp::Impl::build_az_page(const Location& location, bool push, const std::vector<PageRecord>& pages) {
    DocumentBuilder b;
    std::vector<const PageRecord*> sorted;
    for (const PageRecord& page : pages) if (page.kind == "article") sorted.push_back(&page);
    std::sort(sorted.begin(), sorted.end(), [](const PageRecord* x, const PageRecord* y) { return lower_ascii(x->title) < lower_ascii(y->title); });
    std::string letter;
    std::vector<std::vector<doc::Span>> items;
    auto flush = [&]() { if (!items.empty()) { b.heading(2, letter); b.list(items); items.clear(); } };
    for (const PageRecord* page : sorted) {
        std::string first = page->title.empty() ? "#" : page->title.substr(0, 1);
        if (first[0] >= 'a' && first[0] <= 'z') first[0] = static_cast<char>(first[0] - 32);
        if (static_cast<unsigned char>(first[0]) >= 0x80 || !std::isalpha(static_cast<unsigned char>(first[0]))) first = "#";
        if (first != letter) { flush(); letter = first; }
        items.push_back({DocumentBuilder::span(page->title.empty() ? path_of(page->url) : page->title, 0, b.page_link(page->id, page->url))});
    }
    flush();
    PageHeader page_header; page_header.title = "All pages, A to Z";
    page_header.meta = std::to_string(sorted.size()) + " articles";
    Location shown = location; shown.title = page_header.title;
    show_document(shown, std::move(b.document), page_header, nullptr, push);
}

void ReaderApp::Impl::build_overview_page(const Location& location, bool push, const std::vector<PageRecord>& recent) {
    DocumentBuilder b;
    char counts[200];
    std::snprintf(counts, sizeof counts, "%lld pages: %lld articles and %lld listings, with %lld images.",
                  static_cast<long long>(info.page_count), static_cast<long long>(info.article_count),
                  static_cast<long long>(info.listing_count), static_cast<long long>(info.image_count));
    b.text(counts);
    if (!info.menu.empty()) {
        std::vector<doc::Span> menu;
        for (const NavigationEntry& entry : info.menu) {
            if (!menu.empty()) menu.push_back(DocumentBuilder::span("   \xC2\xB7   "));
            menu.push_back(DocumentBuilder::span(entry.label, 0, b.page_link(entry.page_id, entry.url)));
        }
        b.paragraph(menu);
    }
    b.heading(2, "Newest pages");
    std::vector<std::vector<doc::Span>> items;
    for (const PageRecord& page : recent) {
        if (page.kind != "article") continue;
        std::vector<doc::Span> item{DocumentBuilder::span(page.title.empty() ? path_of(page.url) : page.title, 0, b.page_link(page.id, page.url))};
        if (!page.published.empty()) item.push_back(DocumentBuilder::span("  " + display_date(page.published.substr(0, 10)), doc::kItalic));
        items.push_back(item);
    }
    b.list(items);
    b.paragraph({DocumentBuilder::span("Browse by category, tag and month", 0, b.app_link("app:browse"))});
    PageHeader page_header; page_header.title = info.site_name.empty() ? "This bundle" : info.site_name;
    page_header.meta = "The site\xE2\x80\x99s front page is not in this bundle; here is an overview.";
    Location shown = location; shown.title = page_header.title;
    show_document(shown, std::move(b.document), page_header, nullptr, push);
}

void ReaderApp::Impl::build_history_page(const Location& location, bool push) {
    DocumentBuilder b;
    std::vector<std::vector<doc::Span>> items;
    for (int i = static_cast<int>(history.size()) - 1; i >= 0; --i) {
        const Location& entry = history[i];
        if (entry.url.rfind("app:history", 0) == 0) continue;
        const int32_t link = entry.url.rfind("app:", 0) == 0 ? b.app_link(entry.url) : b.page_link(std::max<int64_t>(entry.page_id, 1), entry.url);
        b.document.links[link].page_id = entry.page_id;
        if (entry.page_id <= 0 && entry.url.rfind("app:", 0) != 0) b.document.links[link].target = doc::LinkTarget::internal;
        items.push_back({DocumentBuilder::span(entry.title.empty() ? entry.url : entry.title, i == history_index ? doc::kBold : 0, link)});
    }
    b.heading(2, "This session");
    if (items.empty()) b.text("Nothing read yet.");
    b.list(items);
    // Earlier sessions too (settings.txt keeps the last pages read per bundle).
    std::vector<std::vector<doc::Span>> earlier;
    for (auto visit = visits.rbegin(); visit != visits.rend(); ++visit) {
        if (visit->bundle_key != bundle_key()) continue;
        const int32_t link = b.page_link(0, visit->url);
        b.document.links[link].target = doc::LinkTarget::internal;
        earlier.push_back({DocumentBuilder::span(visit->title.empty() ? visit->url : visit->title, 0, link)});
    }
    if (!earlier.empty()) {
        b.heading(2, "Recently read");
        b.list(earlier);
    }
    PageHeader page_header; page_header.title = "History";
    page_header.meta = "Back and forward in this session; below, the pages read last in this bundle, latest first.";
    Location shown = location; shown.title = "History";
    show_document(shown, std::move(b.document), page_header, nullptr, push);
}

void ReaderApp::Impl::build_bookmarks_page(const Location& location, bool push) {
    DocumentBuilder b;
    std::vector<std::vector<doc::Span>> items;
    for (const Bookmark& mark : bookmarks) {
        if (mark.bundle_key != bundle_key()) continue;
        const int32_t link = b.page_link(0, mark.url);
        b.document.links[link].target = doc::LinkTarget::internal;
        items.push_back({DocumentBuilder::span(mark.title.empty() ? mark.url : mark.title, 0, link)});
    }
    if (items.empty()) b.text("No bookmarks yet. Press \xE2\x80\x9C" "Bookmark\xE2\x80\x9D in the toolbar on a page to keep it here.");
    b.list(items);
    PageHeader page_header; page_header.title = "Bookmarks";
    Location shown = location; shown.title = "Bookmarks";
    show_document(shown, std::move(b.document), page_header, nullptr, push);
}

void ReaderApp::Impl::build_info_page(const Location& location, bool push) {
    DocumentBuilder b;
    auto row = [&](const std::string& name, const std::string& value) {
        b.paragraph({DocumentBuilder::span(name + ":  ", doc::kBold), DocumentBuilder::span(value)});
    };
    row("Site", info.site_name);
    row("Address", info.base_url);
    // The name the person picked (the browser's), else the core's full path.
    const bool picked_name = bundle_shown_name != bundle_path;
    row("File", picked_name ? bundle_shown_name : (info.path.empty() ? bundle_path : info.path));
    row("Size", std::to_string(info.file_size / 1024) + " KB");
    row("Built", info.build_date + " by " + info.builder_version);
    row("Format version", std::to_string(info.format_version));
    std::string languages;
    for (const std::string& language : info.languages) languages += (languages.empty() ? "" : ", ") + language;
    row("Languages", languages);
    row("Pages", std::to_string(info.page_count) + " (" + std::to_string(info.article_count) + " articles, " +
                     std::to_string(info.listing_count) + " listings)");
    row("Images", std::to_string(info.image_count));
    row("Redirects", std::to_string(info.redirect_count));
    b.heading(2, "Publisher");
    {
        const signing::SignatureCheck& signature = info.signature;
        using signing::SignatureState;
        if (signature.state != SignatureState::unsigned_bundle) {
            row("Signed by", signature.publisher.empty() ? "(no name)" : signature.publisher);
            row("Key fingerprint", signature.fingerprint.empty() ? "(unreadable)" : signature.fingerprint);
            if (!signature.signed_at.empty()) row("Signed on", signature.signed_at);
        }
        std::string state;
        switch (signature.state) {
            case SignatureState::unsigned_bundle:
                state = signature.weak_hashes ? "Not signed: made before signatures existed. Damage is detected, forgery is not."
                                              : "Not signed: nothing says who made this bundle.";
                break;
            case SignatureState::verified:
                state = signature.trust == signing::PublisherTrust::pinned      ? "Signed and verified, by a publisher you trust."
                        : signature.trust == signing::PublisherTrust::unknown_key ? "Signed and verified, but by a key you have not pinned: "
                                                                                    "check the fingerprint with the publisher."
                                                                                  : "Signed and verified: the content is what this key signed.";
                break;
            case SignatureState::tampered: state = "TAMPERED: the bundle was changed after it was signed."; break;
            case SignatureState::bad_signature: state = "BAD SIGNATURE: the signature is damaged or forged; do not trust this bundle."; break;
        }
        row("State", state);
        for (const std::string& problem : signature.problems) row("What failed", problem);
    }
    b.heading(2, "Integrity");
    if (verifying) {
        b.text("Checking every page and image against its stored hash\xE2\x80\xA6");
    } else if (!verify_error.empty()) {
        b.text("The check could not run: " + verify_error);
    } else if (verify_report) {
        if (verify_report->ok()) {
            b.text("Verified: " + std::to_string(verify_report->pages_checked) + " pages and " +
                   std::to_string(verify_report->images_checked) + " images are intact.");
        } else {
            b.text(std::to_string(verify_report->problems.size()) + " problems found (the other pages are readable):");
            std::vector<std::vector<doc::Span>> items;
            for (const VerifyProblem& problem : verify_report->problems)
                items.push_back({DocumentBuilder::span(problem.what + ": ", doc::kBold), DocumentBuilder::span(problem.message)});
            b.list(items);
        }
    } else {
        b.paragraph({DocumentBuilder::span("Not checked yet. "), DocumentBuilder::span("Verify the bundle now", 0, b.app_link("app:verify"))});
    }
    b.heading(2, "This reader");
    row("Settings", platform.config_folder());
    row("Fonts", font_source + (have_cjk ? " (with Japanese and Korean)" : " (no Japanese or Korean font)"));
    PageHeader page_header; page_header.title = "About this bundle";
    Location shown = location; shown.title = page_header.title;
    show_document(shown, std::move(b.document), page_header, nullptr, push);
}

}  // namespace sitepack::ui
