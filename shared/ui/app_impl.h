// app_impl.h: ReaderApp's state, shared by the files of shared/ui that draw
// and drive it (reader_app.cpp: navigation and responses; app_pages.cpp:
// pages the reader generates; app_view.cpp: drawing and input).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core_client.h"
#include "page_layout.h"
#include "sitepack/ui/reader_app.h"

namespace sitepack::ui {

struct Palette {
    ImU32 page_bg, text, heading, muted, link, link_missing, link_external, code_bg, rule, quote_bar,
        find_highlight, find_current, selection, table_header, toolbar_bg, status_text, scrollbar, scrollbar_hover, banner_bg;
};
Palette palette_for(bool dark);
void apply_imgui_style(bool dark, float scale);

// Where the reader is or was: a page of the bundle, or a page the reader
// generates ("app:search/1/refugees", "app:browse", ...).
struct Location {
    std::string url;
    int64_t page_id = 0;
    std::string title;
    float scroll = 0;
};

struct Bookmark {
    std::string bundle_key, url, title;
};

struct ImageSlot {
    enum class State { requested, ready, failed } state = State::requested;
    ImTextureID texture = ImTextureID_Invalid;
    int width = 0, height = 0;
};

struct FindMatch {
    size_t run = 0;
    size_t begin = 0, end = 0;  // bytes within the run's text
};

enum class BundleState { none, opening, open, failed };
enum class Screen { page, chooser };

struct ReaderApp::Impl {
    Impl(Platform& p, TextureFactory& t, float scale)
        : platform(p), textures(t), ui_scale(scale),
          core(p.open_core_channel(), [&p] { return p.trusted_publishers(); }) {}

    Platform& platform;
    TextureFactory& textures;
    float ui_scale = 1.0f;
    CoreClient core;

    // [SECTION] Fonts
    FontFiles font_files;
    std::optional<FontFiles> bundle_fonts;  // arrived, loaded before the next frame
    bool fonts_loaded = false;
    bool system_cjk_wanted = false;  // the open bundle has no fonts of its own
    // The bundle's faces are asked for as pages need them: regular and bold
    // at open; italic, bold-italic and the CJK faces before the first page
    // drawn with them (a browser on a hosted bundle fetches 20-90 KB less).
    enum class EmbeddedFonts { unknown, yes, no } embedded_fonts = EmbeddedFonts::unknown;
    std::set<std::string> faces_asked;
    std::set<uint64_t> font_requests;          // this bundle's, answered or not
    std::vector<std::string> font_families;    // of the faces loaded, for the info page
    void reset_bundle_fonts();
    bool ask_faces(const std::vector<std::string>& wanted_faces);  // true when a request went out
    void ask_faces_for_text(std::string_view text);         // CJK faces, for typed or listed text
    std::vector<std::string> faces_missing(const doc::Document& document, const PageHeader& page_header) const;
    void handle_fonts(CoreResponse& response);
    // A page that arrived before the faces it needs: shown when they come.
    struct DeferredShow {
        Location location;
        doc::Document document;
        PageHeader header;
        std::optional<PageRecord> record;
        bool push = false;
    };
    std::optional<DeferredShow> deferred_show;
    void show_deferred();
    ImFont* faces[5] = {};
    bool have_cjk = false;
    std::string font_source;

    // [SECTION] Settings (persisted in the config folder)
    bool dark = false;
    int zoom_step = 0;
    std::string last_bundle;
    std::map<std::string, std::pair<std::string, float>> positions;  // bundle key -> (url, scroll)
    std::vector<Bookmark> bookmarks;
    // Pages read, per bundle, oldest first, kept across sessions (settings.txt)
    // for the History page; back and forward stay this session's.
    std::vector<Bookmark> visits;
    static constexpr size_t kMaxVisitsPerBundle = 200;
    void remember_visit(const std::string& url, const std::string& title);
    void load_settings();
    void save_settings();

    // [SECTION] Bundle
    BundleState bundle_state = BundleState::none;
    std::string bundle_path;
    std::string bundle_shown_name;  // how the reader names it to the person: bundle_path, or what they picked
    void begin_open(const std::string& path, const std::string& shown_name);
    std::string bundle_error;
    BundleInfo info;
    std::string bundle_key() const { return info.base_url.empty() ? bundle_path : info.base_url; }
    std::optional<VerifyReport> verify_report;
    bool verifying = false;
    int64_t verify_done = 0, verify_total = 0;  // progress of the running check
    std::string verify_error;

    // [SECTION] Navigation
    std::vector<Location> history;
    int history_index = -1;
    uint64_t pending_request = 0;
    Location pending_location;
    bool pending_push = false;
    void navigate(Location location, bool push);
    void go_back();     // the reader's Back: the platform's history where it has one
    void go_forward();
    void move_in_history(int steps);  // in the reader's own history
    void go_home();
    void follow_link(int32_t link);
    void handle(CoreResponse& response);
    void show_document(const Location& location, doc::Document document, PageHeader header,
                       const PageRecord* record, bool push);

    // [SECTION] The shown page
    Location current;
    std::optional<PageRecord> record;     // the bundle page shown, if any
    doc::Document document;
    PageHeader header;
    PageLayout layout;
    float layout_width = -1, layout_em = -1;
    bool layout_dirty = true;
    float scroll = 0, scroll_target = 0;
    float restore_scroll = -1;            // applied once the page is laid out
    std::string pending_fragment;         // "#name" of the address: scrolled to once laid out
    bool scroll_to_fragment(const std::string& fragment, bool smooth);  // false: no such anchor
    float viewport_height = 600;
    ImVec2 status_line_reserved;          // the platform's box at the status line's right end, this frame
    float status_line_top = 0, status_line_text_right = 0;  // as last drawn, for the dump
    float toolbar_left_end = 0, toolbar_right_start = 0;     // the same: the toolbar's two groups
    float column_left = 0;                // screen x of the column, last frame
    float page_top = 0;                   // screen y of the page's top (scroll included)
    float content_top = 0;                // screen y of the content area
    float top_margin = 0;
    std::string message;                  // a plain notice shown in a banner
    std::string hover_target;             // shown in the status bar
    int32_t pressed_link = -1;            // a link follows on release over the same link
    std::string external_url;             // the external-link popup's address
    bool open_external_popup = false;
    bool close_popups = false;            // navigation closes a dialog left open

    // [SECTION] Search
    char search_text[256] = {};
    std::string suggested_for;
    uint64_t suggest_request = 0;
    std::vector<PageRecord> suggestions;
    bool suggestions_open = false;
    bool suggestions_hovered = false;     // the list keeps showing while the pointer is on it
    SearchResults results;                // the results shown, if the page is a results page
    std::vector<int64_t> result_page_ids;
    static constexpr int kResultsPerPage = 10;

    // [SECTION] Find in page
    bool find_open = false;
    bool find_focus = false;
    char find_text[128] = {};
    std::string found_for;
    std::vector<FindMatch> find_matches;
    int find_current = 0;
    void update_find();
    void scroll_to_match();

    // [SECTION] Text selected with the mouse (positions in `layout`: a new
    // layout clears it)
    TextPosition selection_anchor, selection_focus;  // where the drag began, where it is
    bool selecting = false;                          // the left button is down
    bool has_selection() const { return selection_anchor != selection_focus; }
    void clear_selection() { selection_anchor = selection_focus = TextPosition{}; selecting = false; }
    std::string selection_text() const;
    void copy_selection();
    void select_all();
    void handle_selection_mouse(ImVec2 mouse, bool over_text, bool over_link);
    void draw_selection(ImDrawList* draw, const Palette& palette, size_t first_line, size_t end_line);

    // [SECTION] Images
    std::map<int64_t, ImageSlot> images;
    std::map<uint64_t, int64_t> image_requests;  // request id -> image id
    void request_image(int64_t image_id);
    void release_images();

    // [SECTION] File chooser
    Screen screen = Screen::page;
    std::string chooser_folder;
    std::vector<DirectoryEntry> chooser_entries;
    std::string chooser_error;
    void chooser_list(const std::string& folder);

    // [SECTION] Layout and drawing (app_view.cpp)
    LayoutFonts layout_fonts() const;
    float body_size() const;
    void ensure_layout(float column_width);
    bool draw();                          // returns "animating"
    void draw_toolbar();
    void draw_page();
    void draw_status_bar();
    void draw_chooser();
    void draw_popups();
    void handle_keys();
    void set_scroll(float y, bool smooth);
    float max_scroll() const;
    bool animating = false;
    double last_time = 0;

    // [SECTION] Generated pages (app_pages.cpp)
    void open_app_page(const Location& location, bool push);
    void build_results_page(const Location& location, bool push);
    void build_info_page(const Location& location, bool push);
    void build_history_page(const Location& location, bool push);
    void build_bookmarks_page(const Location& location, bool push);
    void build_overview_page(const Location& location, bool push, const std::vector<PageRecord>& recent);
    void build_browse_page(const Location& location, bool push, const std::vector<Term>& terms);
    void build_term_page(const Location& location, bool push, const std::vector<PageRecord>& pages);
    void build_az_page(const Location& location, bool push, const std::vector<PageRecord>& pages);
    void show_error_page(const Location& location, const std::string& title, const std::string& what,
                         const std::string& still_works, bool push);
    std::vector<Term> terms_cache;
    bool terms_loaded = false;

    // [SECTION] Visible state for dump_json (refreshed each frame)
    std::vector<std::string> visible_headings;
    std::vector<std::string> visible_links;
    int missing_glyphs = 0;
};

// Small helpers shared by the files.
std::string json_escape(const std::string& text);
std::string lower_ascii(std::string text);
// The lines of `text` (split at '\n'; a '\r' before it dropped; no empty
// last line for a final '\n'). Not std::getline: iostreams would add
// 26 KB of locale code to the browser's download.
std::vector<std::string_view> text_lines(std::string_view text);
std::string display_date(const std::string& iso);  // "2023-10-21" -> "21 October 2023"

}  // namespace sitepack::ui
