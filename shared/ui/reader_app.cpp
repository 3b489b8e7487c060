// reader_app.cpp: ReaderApp's navigation, core responses, settings, fonts
// and automation entry points. Drawing lives in app_view.cpp, generated
// pages in app_pages.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app_impl.h"
#include "image_decode.h"
#include "page_mirror.h"
#include "sitepack/search_text.h"
#include "sitepack/text_layout.h"
#include "sitepack/text_width.h"
#include "sitepack/url.h"

namespace sitepack::ui {

// [SECTION] Helpers

std::string json_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size() + 2);
    for (unsigned char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) { char buf[8]; std::snprintf(buf, sizeof buf, "\\u%04x", c); out += buf; }
            else out += static_cast<char>(c);
        }
    }
    return out;
}

std::vector<std::string_view> text_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

std::string lower_ascii(std::string text) {
    for (char& c : text) if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

std::string display_date(const std::string& iso) {
    static const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                    "August", "September", "October", "November", "December"};
    int year = 0, month = 0, day = 0;
    if (std::sscanf(iso.c_str(), "%d-%d-%d", &year, &month, &day) == 3 && month >= 1 && month <= 12)
        return std::to_string(day) + " " + kMonths[month - 1] + " " + std::to_string(year);
    if (std::sscanf(iso.c_str(), "%d-%d", &year, &month) == 2 && month >= 1 && month <= 12)
        return std::string(kMonths[month - 1]) + " " + std::to_string(year);
    return iso;
}

// [SECTION] Construction, settings

ReaderApp::ReaderApp(Platform& platform, TextureFactory& textures, float ui_scale)
    : impl_(std::make_unique<Impl>(platform, textures, ui_scale)) {
    impl_->load_settings();
    apply_imgui_style(impl_->dark, ui_scale);
}

ReaderApp::~ReaderApp() { impl_->release_images(); }

// settings.txt: one setting a line, fields separated by tabs, so a person can
// read and repair it; unknown lines are ignored (a newer reader's settings).
void ReaderApp::Impl::load_settings() {
    auto text = platform.read_config("settings.txt");
    if (!text) return;
    for (const std::string_view line : text_lines(text.value())) {
        std::vector<std::string> fields;
        size_t start = 0;
        for (;;) {
            size_t tab = line.find('\t', start);
            fields.emplace_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
            if (tab == std::string_view::npos) break;
            start = tab + 1;
        }
        if (fields.size() == 2 && fields[0] == "theme") dark = fields[1] == "dark";
        else if (fields.size() == 2 && fields[0] == "zoom") zoom_step = std::clamp(std::atoi(fields[1].c_str()), -5, 10);
        else if (fields.size() == 2 && fields[0] == "last_bundle") last_bundle = fields[1];
        else if (fields.size() == 4 && fields[0] == "position") positions[fields[1]] = {fields[2], static_cast<float>(std::atof(fields[3].c_str()))};
        else if (fields.size() == 4 && fields[0] == "bookmark") bookmarks.push_back({fields[1], fields[2], fields[3]});
        else if (fields.size() == 4 && fields[0] == "visit") visits.push_back({fields[1], fields[2], fields[3]});
    }
}

void ReaderApp::Impl::save_settings() {
    auto clean = [](std::string text) { for (char& c : text) if (c == '\t' || c == '\n' || c == '\r') c = ' '; return text; };
    std::string out = "# sitepack reader settings\n";
    out += "theme\t" + std::string(dark ? "dark" : "light") + "\n";
    out += "zoom\t" + std::to_string(zoom_step) + "\n";
    if (!last_bundle.empty()) out += "last_bundle\t" + clean(last_bundle) + "\n";
    if (bundle_state == BundleState::open && !current.url.empty() && current.url.rfind("app:", 0) != 0)
        positions[bundle_key()] = {current.url, scroll};
    for (const auto& [key, where] : positions)
        out += "position\t" + clean(key) + "\t" + clean(where.first) + "\t" + std::to_string(static_cast<int>(where.second)) + "\n";
    for (const Bookmark& mark : bookmarks)
        out += "bookmark\t" + clean(mark.bundle_key) + "\t" + clean(mark.url) + "\t" + clean(mark.title) + "\n";
    for (const Bookmark& visit : visits)
        out += "visit\t" + clean(visit.bundle_key) + "\t" + clean(visit.url) + "\t" + clean(visit.title) + "\n";
    (void)platform.write_config("settings.txt", out);  // best effort: a read-only home must not stop reading
}

std::string ReaderApp::last_bundle_path() const { return impl_->last_bundle; }

void ReaderApp::shutdown() { impl_->save_settings(); }

// [SECTION] Fonts

void ReaderApp::before_new_frame() {
    Impl& s = *impl_;
    if (s.fonts_loaded) return;
    s.fonts_loaded = true;
    ImGuiIO& io = ImGui::GetIO();
    // Replacing fonts (the bundle's arrived): remove the old faces before
    // their bytes go away. 1.92 lets fonts change between frames.
    io.FontDefault = nullptr;
    while (io.Fonts->Fonts.Size > 0) io.Fonts->RemoveFont(io.Fonts->Fonts.back());
    for (ImFont*& face : s.faces) face = nullptr;
    s.have_cjk = false;
    if (s.bundle_fonts) {
        s.font_files = std::move(*s.bundle_fonts);
        s.bundle_fonts.reset();
    } else if (s.embedded_fonts != Impl::EmbeddedFonts::yes) {
        // (A reload for a new scale keeps the bundle's faces.)
        s.font_files = s.platform.system_fonts(s.system_cjk_wanted);
    }
    const float size = 18.0f * s.ui_scale;  // toolbar text, ~13 px per em
    const std::string* latin[4] = {&s.font_files.regular, &s.font_files.bold, &s.font_files.italic, &s.font_files.bold_italic};
    for (int face = 0; face < 4; ++face) {
        const std::string& bytes = latin[face]->empty() ? s.font_files.regular : *latin[face];
        if (bytes.empty()) { s.faces[face] = nullptr; continue; }
        ImFontConfig config;
        config.FontDataOwnedByAtlas = false;  // the bytes live in font_files
        std::snprintf(config.Name, sizeof config.Name, "text face %d", face);
        s.faces[face] = io.Fonts->AddFontFromMemoryTTF(const_cast<char*>(bytes.data()), static_cast<int>(bytes.size()), size, &config);
        const bool bold = face == 1 || face == 3;
        const std::string& cjk_bytes = bold && !s.font_files.cjk_bold.empty() ? s.font_files.cjk_bold : s.font_files.cjk;
        if (s.faces[face] && !cjk_bytes.empty()) {
            // Japanese and Korean names inside English text: merged, so a
            // line of mixed text is one run of one font.
            ImFontConfig cjk;
            cjk.FontDataOwnedByAtlas = false;
            cjk.MergeMode = true;
            cjk.FontNo = s.font_files.cjk_face_index;
            io.Fonts->AddFontFromMemoryTTF(const_cast<char*>(cjk_bytes.data()), static_cast<int>(cjk_bytes.size()), size, &cjk);
            s.have_cjk = true;
        }
    }
    if (!s.font_files.mono.empty()) {
        ImFontConfig config;
        config.FontDataOwnedByAtlas = false;
        s.faces[kFaceMono] = io.Fonts->AddFontFromMemoryTTF(const_cast<char*>(s.font_files.mono.data()), static_cast<int>(s.font_files.mono.size()), size, &config);
        if (s.faces[kFaceMono] && !s.font_files.cjk.empty()) {
            ImFontConfig cjk;
            cjk.FontDataOwnedByAtlas = false;
            cjk.MergeMode = true;
            cjk.FontNo = s.font_files.cjk_face_index;
            io.Fonts->AddFontFromMemoryTTF(const_cast<char*>(s.font_files.cjk.data()), static_cast<int>(s.font_files.cjk.size()), size, &cjk);
        }
    }
    if (!s.faces[0]) {
        // No usable font at all: ImGui's built-in one still shows Latin text.
        s.faces[0] = io.Fonts->AddFontDefault();
        s.font_source = "built-in (no text font found)";
    } else {
        s.font_source = s.font_files.source.empty() ? "system fonts" : s.font_files.source;
    }
    for (int face = 1; face < 5; ++face) if (!s.faces[face]) s.faces[face] = s.faces[0];
    io.FontDefault = s.faces[0];
    ImGui::GetStyle().FontSizeBase = size;
    s.layout_dirty = true;
}

// [SECTION] Bundle and navigation

void ReaderApp::open_bundle(const std::string& path, const std::string& shown_name) {
    impl_->begin_open(path, shown_name.empty() ? path : shown_name);
}

void ReaderApp::Impl::begin_open(const std::string& path, const std::string& shown_name) {
    release_images();
    clear_selection();
    bundle_state = BundleState::opening;
    bundle_path = path;
    bundle_shown_name = shown_name;
    bundle_error.clear();
    screen = Screen::page;
    history.clear();
    history_index = -1;
    current = Location{};
    document = doc::Document{};
    layout_dirty = true;
    verify_report.reset();
    terms_loaded = false;
    CoreRequest request;
    request.kind = RequestKind::open_bundle;
    request.text = path;
    pending_request = core.post(request);
}

void ReaderApp::show_file_chooser(const std::string& folder) {
    Impl& s = *impl_;
    s.screen = Screen::chooser;
    s.chooser_list(folder.empty() ? s.platform.home_folder() : folder);
}

void ReaderApp::Impl::navigate(Location location, bool push) {
    deferred_show.reset();  // a page still waiting for its fonts is overtaken
    message.clear();
    suggestions_open = false;
    close_popups = true;
    if (push && history_index >= 0 && history_index < static_cast<int>(history.size()))
        history[history_index].scroll = scroll;
    if (location.url.rfind("app:", 0) == 0) {
        open_app_page(location, push);
        return;
    }
    CoreRequest request;
    if (location.url == "random") {
        request.kind = RequestKind::random_page;
    } else if (location.page_id > 0) {
        request.kind = RequestKind::page_by_id;
        request.number = location.page_id;
    } else {
        request.kind = RequestKind::page_by_url;
        request.text = location.url;
    }
    pending_location = location;
    pending_push = push;
    pending_request = core.post(request);
}

void ReaderApp::Impl::go_back() {
    if (history_index <= 0 || platform.step_history(-1)) return;
    move_in_history(-1);
}

void ReaderApp::Impl::go_forward() {
    if (history_index + 1 >= static_cast<int>(history.size()) || platform.step_history(1)) return;
    move_in_history(1);
}

void ReaderApp::Impl::move_in_history(int steps) {
    const int to = history_index + steps;
    if (to < 0 || to >= static_cast<int>(history.size())) return;
    if (history_index >= 0 && history_index < static_cast<int>(history.size())) history[history_index].scroll = scroll;
    history_index = to;
    navigate(history[history_index], false);
}

void ReaderApp::Impl::go_home() {
    if (bundle_state != BundleState::open) return;
    Location home;
    if (info.home_page_id > 0) home.page_id = info.home_page_id;
    else home.url = "app:overview";
    navigate(home, true);
}

void ReaderApp::Impl::follow_link(int32_t index) {
    if (index < 0 || index >= static_cast<int32_t>(document.links.size())) return;
    const doc::Link& link = document.links[index];
    if (link.url.rfind("app:", 0) == 0 || link.url == "random") {
        Location location; location.url = link.url;
        navigate(location, true);
        return;
    }
    switch (link.target) {
    case doc::LinkTarget::internal: {
        const std::string fragment = url::fragment_of(link.url);
        if (!fragment.empty() && link.page_id == current.page_id && record && screen == Screen::page) {
            // "#name" on this page: scroll there, no reload; a history entry
            // of its own, so Back returns to where the link was.
            if (history_index >= 0 && history_index < static_cast<int>(history.size()))
                history[history_index].scroll = scroll;
            Location here = current;
            here.url = link.url;
            here.scroll = 0;
            history.resize(static_cast<size_t>(history_index + 1));
            history.push_back(here);
            history_index = static_cast<int>(history.size()) - 1;
            current = here;
            message.clear();
            if (!scroll_to_fragment(fragment, true)) set_scroll(0, true);
            break;
        }
        Location location;
        location.url = link.url;
        location.page_id = link.page_id;
        navigate(location, true);
        break;
    }
    case doc::LinkTarget::missing:
        message = "Not in this bundle: " + link.url + " was on the site but was not archived.";
        break;
    case doc::LinkTarget::image:
        message = "This link leads to an image: " + link.url;
        break;
    default:
        external_url = link.url;
        open_external_popup = true;
        break;
    }
}

void ReaderApp::Impl::show_document(const Location& location, doc::Document doc_, PageHeader header_,
                                    const PageRecord* page, bool push) {
    if (ask_faces(faces_missing(doc_, header_))) {
        deferred_show = DeferredShow{location, std::move(doc_), std::move(header_),
                                     page ? std::optional<PageRecord>(*page) : std::nullopt, push};
        return;
    }
    deferred_show.reset();
    if (push) {
        if (history_index + 1 < static_cast<int>(history.size())) history.resize(history_index + 1);
        history.push_back(location);
        history_index = static_cast<int>(history.size()) - 1;
    } else if (history_index >= 0 && history_index < static_cast<int>(history.size())) {
        history[history_index].url = location.url;
        history[history_index].title = location.title;
    }
    current = location;
    if (page) record = *page; else record.reset();
    document = std::move(doc_);
    header = std::move(header_);
    layout_dirty = true;
    restore_scroll = location.scroll;
    // A saved scroll position (back, forward, resume) wins over the anchor.
    pending_fragment = location.scroll > 0 ? std::string() : url::fragment_of(location.url);
    scroll = scroll_target = 0;
    found_for.clear();
    find_matches.clear();
    screen = Screen::page;
    platform.page_shown(mirror_location(current.url), current.title, page_mirror(document, header.title, header.meta));
    if (bundle_state == BundleState::open && page) {
        positions[bundle_key()] = {location.url, location.scroll};
        remember_visit(current.url.substr(0, current.url.find('#')), current.title);
        save_settings();  // a reader who pulls the stick out still resumes here
    }
}

void ReaderApp::Impl::remember_visit(const std::string& url, const std::string& title) {
    const std::string key = bundle_key();
    // Read again: it moves to the end rather than being listed twice.
    visits.erase(std::remove_if(visits.begin(), visits.end(),
                                [&](const Bookmark& visit) { return visit.bundle_key == key && visit.url == url; }),
                 visits.end());
    visits.push_back({key, url, title});
    size_t kept = 0;
    for (size_t i = visits.size(); i-- > 0;) {
        if (visits[i].bundle_key != key) continue;
        if (++kept > kMaxVisitsPerBundle) visits.erase(visits.begin() + static_cast<std::ptrdiff_t>(i));
    }
}

// [SECTION] The bundle's fonts, face by face

void ReaderApp::Impl::reset_bundle_fonts() {
    embedded_fonts = EmbeddedFonts::unknown;
    faces_asked.clear();
    font_requests.clear();
    font_families.clear();
    deferred_show.reset();
}

bool ReaderApp::Impl::ask_faces(const std::vector<std::string>& wanted_faces) {
    if (embedded_fonts == EmbeddedFonts::no) return false;
    std::string wanted;
    for (const std::string& face : wanted_faces)
        if (faces_asked.insert(face).second) wanted += (wanted.empty() ? "" : ",") + face;
    if (wanted.empty()) return false;
    CoreRequest request;
    request.kind = RequestKind::fonts;
    request.text = wanted;
    font_requests.insert(core.post(request));
    return true;
}

void ReaderApp::Impl::ask_faces_for_text(std::string_view text) {
    if (embedded_fonts == EmbeddedFonts::yes && search::contains_cjk(text)) ask_faces({"cjk-regular"});
}

std::vector<std::string> ReaderApp::Impl::faces_missing(const doc::Document& page, const PageHeader& page_header) const {
    if (embedded_fonts != EmbeddedFonts::yes) return {};
    std::vector<std::string> missing;
    for (std::string& face : layout::faces_used(page, page_header.title, page_header.meta).names())
        if (!faces_asked.count(face)) missing.push_back(std::move(face));
    return missing;
}

void ReaderApp::Impl::handle_fonts(CoreResponse& response) {
    if (!font_requests.count(response.id)) return;  // asked for another bundle
    if (embedded_fonts == EmbeddedFonts::unknown) {
        // The first answer (regular, bold): a bundle with fonts of its
        // own has a regular face. Else an older bundle: the machine's fonts,
        // CJK included.
        const bool has_fonts = response.status.ok() && std::any_of(response.fonts.begin(), response.fonts.end(),
                                                                  [](const FontRecord& font) { return font.face == "regular"; });
        embedded_fonts = has_fonts ? EmbeddedFonts::yes : EmbeddedFonts::no;
        if (!has_fonts) {
            system_cjk_wanted = true;
            fonts_loaded = false;  // the machine's, reloaded before the next frame
            show_deferred();
            return;
        }
        bundle_fonts = FontFiles{};
        bundle_fonts->mono = font_files.mono;  // bundles carry no monospace face: keep the machine's
    } else if (!bundle_fonts) {
        bundle_fonts = font_files;  // more faces for those loaded
    }
    // A request that failed (a damaged face) brings nothing: text in its
    // faces is drawn with the regular one.
    FontFiles& files = *bundle_fonts;
    for (FontRecord& font : response.fonts) {
        if (font.face == "regular") files.regular = std::move(font.content);
        else if (font.face == "bold") files.bold = std::move(font.content);
        else if (font.face == "italic") files.italic = std::move(font.content);
        else if (font.face == "bold-italic") files.bold_italic = std::move(font.content);
        else if (font.face == "cjk-regular") files.cjk = std::move(font.content);
        else if (font.face == "cjk-bold") files.cjk_bold = std::move(font.content);
        else continue;
        if (std::find(font_families.begin(), font_families.end(), font.family) == font_families.end())
            font_families.push_back(font.family);
    }
    std::string families;
    for (const std::string& family : font_families) families += (families.empty() ? "" : ", ") + family;
    files.source = "embedded in the bundle (" + families + ")";
    fonts_loaded = false;  // reloaded before the next frame
    show_deferred();
}

// The page waiting for faces, now that they came: laid out with them next frame.
void ReaderApp::Impl::show_deferred() {
    if (!deferred_show) return;
    DeferredShow shown = std::move(*deferred_show);
    deferred_show.reset();
    show_document(shown.location, std::move(shown.document), std::move(shown.header),
                  shown.record ? &*shown.record : nullptr, shown.push);
}

void ReaderApp::Impl::handle(CoreResponse& response) {
    if (response.kind == RequestKind::image) {
        auto found = image_requests.find(response.id);
        if (found == image_requests.end()) return;
        ImageSlot& slot = images[found->second];
        image_requests.erase(found);
        if (!response.status.ok()) { slot.state = ImageSlot::State::failed; return; }
        DecodedImage decoded = decode_image(response.image.content);
        if (decoded.rgba.empty()) { slot.state = ImageSlot::State::failed; return; }
        slot.texture = textures.create_rgba(decoded.rgba.data(), decoded.width, decoded.height);
        slot.state = slot.texture == ImTextureID_Invalid ? ImageSlot::State::failed : ImageSlot::State::ready;
        slot.width = decoded.width;
        slot.height = decoded.height;
        return;
    }
    if (response.kind == RequestKind::fonts) {
        handle_fonts(response);
        return;
    }
    if (response.kind == RequestKind::suggest) {
        if (response.id == suggest_request) {
            suggestions = std::move(response.pages);
            suggestions_open = !suggestions.empty();
            for (const PageRecord& suggestion : suggestions) ask_faces_for_text(suggestion.title);
        }
        return;
    }
    if (response.kind == RequestKind::verify && response.partial) {
        verify_done = response.done;
        verify_total = response.total;
        return;
    }
    if (response.kind == RequestKind::verify) {
        verifying = false;
        if (response.status.ok()) verify_report = response.verify; else verify_error = response.status.message();
        if (current.url == "app:info") build_info_page(current, false);
        return;
    }
    if (response.id != pending_request) return;  // superseded by a newer navigation
    pending_request = 0;
    switch (response.kind) {
    case RequestKind::open_bundle: {
        if (!response.status.ok()) {
            bundle_state = BundleState::failed;
            bundle_error = response.status.message();
            // The core names the file by its path; the reader by what the person picked.
            for (size_t at = bundle_error.find(bundle_path); !bundle_path.empty() && at != std::string::npos;
                 at = bundle_error.find(bundle_path, at + bundle_shown_name.size()))
                bundle_error.replace(at, bundle_path.size(), bundle_shown_name);
            show_error_page({"app:error", 0, "Cannot open this file", 0}, "This file cannot be read",
                            "File: " + bundle_shown_name + "\n\n" + bundle_error,
                            "Nothing was changed on disk. Choose another bundle with \xE2\x80\x9COpen a bundle\xE2\x80\xA6\xE2\x80\x9D above.", false);
            return;
        }
        bundle_state = BundleState::open;
        info = response.info;
        last_bundle = bundle_path;
        reset_bundle_fonts();
        ask_faces({"regular", "bold"});  // the toolbar's and every title's; the rest as pages need them
        // Resume where the reader left off in this bundle, else the front page.
        auto position = positions.find(bundle_key());
        if (position != positions.end() && !position->second.first.empty()) {
            Location resume; resume.url = position->second.first; resume.scroll = position->second.second;
            navigate(resume, true);
        } else {
            go_home();
        }
        save_settings();
        break;
    }
    case RequestKind::page_by_url:
    case RequestKind::page_by_id:
    case RequestKind::random_page: {
        Location location = pending_location;
        if (!response.status.ok()) {
            const bool damaged = response.status.code() == ErrorCode::corrupt;
            location.title = damaged ? "Damaged page" : "Page not found";
            if (location.url.empty()) location.url = response.page.url;
            show_error_page(location, damaged ? "This page is damaged" : "This page is not in the bundle",
                            response.status.message(),
                            damaged ? "The rest of the bundle is still readable: go back, or open another page."
                                    : "It may not have been archived. Try searching for it.",
                            pending_push);
            return;
        }
        const std::string fragment = url::fragment_of(pending_location.url);
        location.url = response.page.url + (fragment.empty() ? "" : "#" + fragment);
        location.page_id = response.page.id;
        location.title = response.page.title;
        PageHeader page_header;
        page_header.title = response.page.title;
        std::string meta;
        if (!response.page.published.empty()) meta = display_date(response.page.published.substr(0, 10));
        if (!response.page.author.empty()) meta += (meta.empty() ? "" : "  \xC2\xB7  ") + response.page.author;
        page_header.meta = meta;
        // Pages whose body starts with their own title as a heading: show it once.
        doc::Document body = std::move(*response.document);
        if (!body.blocks.empty() && body.blocks[0].kind == doc::BlockKind::heading) {
            std::string first;
            for (const doc::Span& span : body.blocks[0].spans) first += span.text;
            if (lower_ascii(first) == lower_ascii(page_header.title)) {
                // Its anchors ("#top", the title's id) now name what follows.
                std::vector<std::string> anchors = std::move(body.blocks[0].anchors);
                body.blocks.erase(body.blocks.begin());
                if (!body.blocks.empty())
                    body.blocks[0].anchors.insert(body.blocks[0].anchors.begin(), anchors.begin(), anchors.end());
            }
        }
        show_document(location, std::move(body), page_header, &response.page, pending_push);
        break;
    }
    case RequestKind::search:
        results = std::move(response.search);
        build_results_page(pending_location, pending_push);
        break;
    case RequestKind::terms:
        terms_cache = response.terms;
        terms_loaded = true;
        build_browse_page(pending_location, pending_push, response.terms);
        break;
    case RequestKind::pages_with_term:
        build_term_page(pending_location, pending_push, response.pages);
        break;
    case RequestKind::list_pages:
        if (pending_location.url == "app:overview") build_overview_page(pending_location, pending_push, response.pages);
        else build_az_page(pending_location, pending_push, response.pages);
        break;
    default:
        break;
    }
}

void ReaderApp::Impl::request_image(int64_t image_id) {
    if (image_id <= 0 || images.count(image_id)) return;
    images[image_id].state = ImageSlot::State::requested;
    CoreRequest request;
    request.kind = RequestKind::image;
    request.number = image_id;
    image_requests[core.post(request)] = image_id;
}

void ReaderApp::Impl::release_images() {
    for (auto& [id, slot] : images)
        if (slot.texture != ImTextureID_Invalid) textures.destroy(slot.texture);
    images.clear();
    image_requests.clear();
}

void ReaderApp::Impl::chooser_list(const std::string& folder) {
    chooser_folder = folder;
    chooser_error.clear();
    auto listed = platform.list_directory(folder);
    if (!listed) { chooser_entries.clear(); chooser_error = listed.status().message(); return; }
    chooser_entries = std::move(listed).value();
    std::sort(chooser_entries.begin(), chooser_entries.end(), [](const DirectoryEntry& a, const DirectoryEntry& b) {
        if (a.is_directory != b.is_directory) return a.is_directory;
        return lower_ascii(a.name) < lower_ascii(b.name);
    });
}

// [SECTION] Frame

void ReaderApp::take_core_answers() {
    Impl& s = *impl_;
    for (CoreResponse& response : s.core.poll()) s.handle(response);
}

bool ReaderApp::frame() {
    Impl& s = *impl_;
    take_core_answers();
    const bool animating = s.draw();
    return animating || !s.fonts_loaded;
}

void ReaderApp::after_render() {}  // the core answers on its own thread

void ReaderApp::set_ui_scale(float ui_scale) {
    Impl& s = *impl_;
    if (ui_scale <= 0 || ui_scale == s.ui_scale) return;
    s.ui_scale = ui_scale;
    s.fonts_loaded = false;  // re-rasterised at the new size before the next frame
    s.layout_dirty = true;
    apply_imgui_style(s.dark, ui_scale);
}

std::string ReaderApp::window_title() const {
    const Impl& s = *impl_;
    std::string site = s.info.site_name.empty() ? "sitepack reader" : s.info.site_name;
    if (s.screen == Screen::chooser) return "Open a bundle - sitepack reader";
    if (s.current.title.empty()) return site;
    if (s.current.title.find(site) != std::string::npos) return s.current.title;
    return s.current.title + " - " + site;
}

// [SECTION] Automation

bool ReaderApp::idle() const {
    const Impl& s = *impl_;
    if (s.core.busy() || s.pending_request != 0 || s.bundle_state == BundleState::opening) return false;
    if (!s.image_requests.empty()) return false;
    if (std::abs(s.scroll - s.scroll_target) > 0.5f) return false;
    // A page waiting to be laid out (only the page screen lays out).
    if (s.screen == Screen::page && !s.current.url.empty() && (s.layout_dirty || s.restore_scroll >= 0)) return false;
    return true;
}

Status ReaderApp::open_address(const std::string& address, bool replace) {
    Impl& s = *impl_;
    if (s.bundle_state != BundleState::open) return Status(ErrorCode::invalid_argument, "no bundle is open");
    if (replace) {
        Location location; location.url = address;
        s.navigate(location, false);
        return {};
    }
    // The browser's Back and Forward land on the neighbouring entries of
    // the reader's own history: step there (with their scroll positions)
    // rather than add the page again.
    auto is_entry = [&](int index) {
        return index >= 0 && index < static_cast<int>(s.history.size()) && mirror_location(s.history[index].url) == address;
    };
    if (is_entry(s.history_index - 1)) s.move_in_history(-1);
    else if (is_entry(s.history_index + 1)) s.move_in_history(1);
    else if (!is_entry(s.history_index)) return script_open(address);
    return {};
}

Status ReaderApp::script_open(const std::string& target) {
    Impl& s = *impl_;
    if (s.bundle_state != BundleState::open) return Status(ErrorCode::invalid_argument, "no bundle is open");
    Location location; location.url = target;
    s.navigate(location, true);
    return {};
}

Status ReaderApp::script_click(const std::string& link_text) {
    Impl& s = *impl_;
    // Compared without spaces: a link wrapped over two lines loses the space
    // at the break.
    auto squeeze = [](const std::string& text) {
        std::string out;
        for (char c : text) if (c != ' ') out += c;
        return lower_ascii(out);
    };
    const std::string wanted = squeeze(link_text);
    // Gather each link's text across its runs; prefer exact, then partial matches.
    std::map<int32_t, std::string> texts;
    for (const LaidRun& run : s.layout.runs) if (run.link >= 0) texts[run.link] += run.text;
    int32_t partial = -1;
    for (const auto& [link, text] : texts) {
        const std::string lowered = squeeze(text);
        if (lowered == wanted) { s.follow_link(link); return {}; }
        if (partial < 0 && lowered.find(wanted) != std::string::npos) partial = link;
    }
    if (partial >= 0) { s.follow_link(partial); return {}; }
    return Status(ErrorCode::not_found, "no link with the text \"" + link_text + "\" on this page");
}

Status ReaderApp::script_search(const std::string& query) {
    Impl& s = *impl_;
    std::snprintf(s.search_text, sizeof s.search_text, "%s", query.c_str());
    Location location; location.url = "app:search/1/" + query;
    s.navigate(location, true);
    return {};
}

Status ReaderApp::script_type(const std::string& text) {
    Impl& s = *impl_;
    if (s.bundle_state != BundleState::open) return Status(ErrorCode::invalid_argument, "no bundle is open");
    std::snprintf(s.search_text, sizeof s.search_text, "%s", text.c_str());
    s.suggested_for = text;
    CoreRequest request; request.kind = RequestKind::suggest; request.text = text; request.limit = 8;
    s.suggest_request = s.core.post(request);
    return {};
}

Status ReaderApp::script_result(int number) {
    Impl& s = *impl_;
    if (s.current.url.rfind("app:search/", 0) != 0) return Status(ErrorCode::invalid_argument, "not on a search results page");
    if (number < 1 || number > static_cast<int>(s.result_page_ids.size()))
        return Status(ErrorCode::not_found, "no result " + std::to_string(number) + " (" + std::to_string(s.result_page_ids.size()) + " shown)");
    Location location; location.page_id = s.result_page_ids[number - 1];
    s.navigate(location, true);
    return {};
}

Status ReaderApp::script_back() { impl_->go_back(); return {}; }
Status ReaderApp::script_forward() { impl_->go_forward(); return {}; }
Status ReaderApp::script_home() { impl_->go_home(); return {}; }

Status ReaderApp::script_scroll(float pixels) {
    impl_->set_scroll(impl_->scroll_target + pixels, true);
    return {};
}

Status ReaderApp::script_zoom(int steps) {
    Impl& s = *impl_;
    s.zoom_step = std::clamp(s.zoom_step + steps, -5, 10);
    s.layout_dirty = true;
    return {};
}

Status ReaderApp::script_theme(const std::string& name) {
    if (name != "dark" && name != "light") return Status(ErrorCode::invalid_argument, "theme is light or dark");
    impl_->dark = name == "dark";
    apply_imgui_style(impl_->dark, impl_->ui_scale);
    return {};
}

Status ReaderApp::script_find(const std::string& text) {
    Impl& s = *impl_;
    s.find_open = true;
    std::snprintf(s.find_text, sizeof s.find_text, "%s", text.c_str());
    s.update_find();
    s.scroll_to_match();
    return {};
}

ReaderApp::BundleStatus ReaderApp::bundle_status() const {
    const Impl& s = *impl_;
    const char* state = s.bundle_state == BundleState::open ? "open" : s.bundle_state == BundleState::failed ? "failed"
                      : s.bundle_state == BundleState::opening ? "opening" : "none";
    return {s.bundle_path, state, s.bundle_error, s.current.url, s.current.title};
}

std::string ReaderApp::dump_json() const {
    const Impl& s = *impl_;
    std::string out = "{\n";
    auto field = [&](const char* name, const std::string& value) { out += "  \"" + std::string(name) + "\": \"" + json_escape(value) + "\",\n"; };
    auto list = [&](const char* name, const std::vector<std::string>& values) {
        out += "  \"" + std::string(name) + "\": [";
        for (size_t i = 0; i < values.size(); ++i) out += (i ? ", \"" : "\"") + json_escape(values[i]) + "\"";
        out += "],\n";
    };
    const BundleStatus status = bundle_status();
    field("bundle", status.bundle);
    field("bundle_state", status.bundle_state);
    field("bundle_error", status.bundle_error);
    field("screen", s.screen == Screen::chooser ? "chooser" : "page");
    field("url", s.current.url);
    field("title", s.current.title);
    field("window_title", window_title());
    field("message", s.message);
    field("theme", s.dark ? "dark" : "light");
    out += "  \"zoom_step\": " + std::to_string(s.zoom_step) + ",\n";
    out += "  \"scroll\": " + std::to_string(static_cast<int>(s.scroll)) + ",\n";
    out += "  \"page_height\": " + std::to_string(static_cast<int>(s.layout.height)) + ",\n";
    // Where the status line starts and where the platform's controls cover
    // its right end (UI pixels from the window's top left).
    out += "  \"status_line\": {\"top\": " + std::to_string(static_cast<int>(s.status_line_top)) +
           ", \"text_right\": " + std::to_string(static_cast<int>(s.status_line_text_right)) + "},\n";
    // Where the toolbar's left group of buttons ends and its right one
    // (text size, theme) starts: the second never over the first.
    out += "  \"toolbar\": {\"left_end\": " + std::to_string(static_cast<int>(s.toolbar_left_end)) +
           ", \"right_start\": " + std::to_string(static_cast<int>(s.toolbar_right_start)) + "},\n";
    out += "  \"history_index\": " + std::to_string(s.history_index) + ",\n";
    out += "  \"history_size\": " + std::to_string(s.history.size()) + ",\n";
    list("visible_headings", s.visible_headings);
    list("visible_links", s.visible_links);
    std::vector<std::string> headings;
    for (const HeadingAnchor& anchor : s.layout.headings) headings.push_back(anchor.text);
    list("headings", headings);
    // The results on screen: none unless a results page is shown (hits that
    // came for a page still waiting for its fonts are not shown yet).
    static const SearchResults kNoResults;
    const SearchResults& shown = s.current.url.rfind("app:search/", 0) == 0 ? s.results : kNoResults;
    out += "  \"search\": {\"query\": \"" + json_escape(shown.query) + "\", \"total\": " + std::to_string(shown.total) + ", \"hits\": [";
    for (size_t i = 0; i < shown.hits.size(); ++i) {
        const SearchHit& hit = shown.hits[i];
        out += std::string(i ? ", " : "") + "{\"title\": \"" + json_escape(hit.title) + "\", \"url\": \"" + json_escape(hit.url) +
               "\", \"snippet\": \"" + json_escape(hit.snippet) + "\"}";
    }
    out += "]},\n";
    out += "  \"suggestions\": [";
    for (size_t i = 0; i < s.suggestions.size(); ++i) out += (i ? ", \"" : "\"") + json_escape(s.suggestions[i].title) + "\"";
    out += "],\n";
    out += "  \"find\": {\"text\": \"" + json_escape(s.find_text) + "\", \"matches\": " + std::to_string(s.find_matches.size()) + "},\n";
    int images_ready = 0, images_failed = 0;
    for (const auto& [id, slot] : s.images) { images_ready += slot.state == ImageSlot::State::ready; images_failed += slot.state == ImageSlot::State::failed; }
    out += "  \"images\": {\"ready\": " + std::to_string(images_ready) + ", \"failed\": " + std::to_string(images_failed) + "},\n";
    field("fonts", s.font_source);
    out += "  \"cjk_font\": " + std::string(s.have_cjk ? "true" : "false") + ",\n";
    field("selection", s.selection_text());
    out += "  \"missing_glyphs\": " + std::to_string(s.missing_glyphs) + "\n";
    out += "}\n";
    return out;
}

}  // namespace sitepack::ui

namespace sitepack::ui {

Status ReaderApp::script_key(const std::string& key) {
    Impl& s = *impl_;
    const float page = s.viewport_height * 0.88f;
    if (key == "PageDown" || key == "Space") s.set_scroll(s.scroll_target + page, true);
    else if (key == "PageUp" || key == "Shift+Space") s.set_scroll(s.scroll_target - page, true);
    else if (key == "Down") s.set_scroll(s.scroll_target + s.body_size() * 2.5f, true);
    else if (key == "Up") s.set_scroll(s.scroll_target - s.body_size() * 2.5f, true);
    else if (key == "Home") s.set_scroll(0, true);
    else if (key == "End") s.set_scroll(s.max_scroll(), true);
    else if (key == "Alt+Left") s.go_back();
    else if (key == "Alt+Right") s.go_forward();
    else if (key == "Ctrl+F") { s.find_open = true; s.find_focus = true; }
    else if (key == "Ctrl+C") s.copy_selection();
    else if (key == "Ctrl+A") s.select_all();
    else return Status(ErrorCode::invalid_argument, "unknown key " + key);
    return {};
}

Result<ReaderApp::ScreenSpan> ReaderApp::script_selection_span(const std::string& phrase) const {
    const Impl& s = *impl_;
    if (phrase.empty()) return Status(ErrorCode::invalid_argument, "select needs the text to select");
    // Where the phrase starts: an occurrence of its first word; where it
    // ends: the end of an occurrence of its last word, at most 40 lines on,
    // such that the text between reads as the phrase.
    auto occurrences = [&](const std::string& word, bool at_end) {
        std::vector<TextPosition> found_at;
        for (uint32_t i = 0; i < s.layout.lines.size(); ++i)
            for (uint32_t r = s.layout.lines[i].first_run; r < s.layout.lines[i].end_run; ++r)
                for (size_t at = s.layout.runs[r].text.find(word); at != std::string::npos; at = s.layout.runs[r].text.find(word, at + 1))
                    found_at.push_back({i, r, static_cast<uint32_t>(at + (at_end ? word.size() : 0))});
        return found_at;
    };
    const size_t first_space = phrase.find(' ');
    const size_t last_space = phrase.rfind(' ');
    const std::vector<TextPosition> starts = occurrences(phrase.substr(0, first_space), false);
    const std::vector<TextPosition> stops =
        occurrences(last_space == std::string::npos ? phrase : phrase.substr(last_space + 1), true);
    std::optional<std::pair<TextPosition, TextPosition>> found;
    for (const TextPosition& start : starts) {
        for (const TextPosition& stop : stops) {
            if (!(start < stop) || stop.line >= start.line + 40) continue;
            if (selected_text(s.layout, start, stop) == phrase) { found = std::make_pair(start, stop); break; }
        }
        if (found) break;
    }
    if (!found) return Status(ErrorCode::not_found, "\"" + phrase + "\" is not on this page");
    const LayoutFonts fonts = s.layout_fonts();
    auto screen_point = [&](TextPosition position) {
        const LaidLine& line = s.layout.lines[position.line];
        const LaidRun& run = s.layout.runs[position.run];
        const float x = run_span_x(run, fonts, 0, position.offset).second;
        return ImVec2(s.column_left + run.x + x, s.page_top + (line.top + line.bottom) * 0.5f);
    };
    const ImVec2 from = screen_point(found->first), to = screen_point(found->second);
    if (from.y < s.content_top || to.y > s.content_top + s.viewport_height)
        return Status(ErrorCode::invalid_argument, "\"" + phrase + "\" is not on screen (scroll to it first)");
    return ScreenSpan{from.x, from.y, to.x, to.y};
}

}  // namespace sitepack::ui
