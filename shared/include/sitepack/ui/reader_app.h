// reader_app.h: the reader's whole user interface, drawn with Dear ImGui.
//
// The native entry (and later the web entry) owns the window, the GL
// context and the ImGui context; each frame it calls before_new_frame(),
// starts an ImGui frame, calls frame(), renders, then after_render(). The
// app talks to the bundle only through asynchronous requests, so frame()
// never waits on I/O; its return value says whether another frame is needed
// soon (scrolling, a pending request) or the loop may sleep until input.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sitepack/result.h"
#include "sitepack/ui/platform.h"

namespace sitepack::ui {

class ReaderApp {
public:
    // `ui_scale` is the monitor's content scale (1 on ordinary screens, 2 on HiDPI).
    ReaderApp(Platform& platform, TextureFactory& textures, float ui_scale);
    ~ReaderApp();
    ReaderApp(const ReaderApp&) = delete;
    ReaderApp& operator=(const ReaderApp&) = delete;

    // Opens a bundle (asynchronously); failures are shown in the window,
    // naming it `shown_name` when given (the browser's "picked:x.sitepack"
    // source is the reader's "x.sitepack"), else `path`.
    void open_bundle(const std::string& path, const std::string& shown_name = "");
    // Shows the in-app file chooser, starting in `folder` ("" = home).
    void show_file_chooser(const std::string& folder);
    // The bundle opened last time (from the settings), "" when none.
    std::string last_bundle_path() const;

    // Loads or reloads fonts; only between frames (before ImGui::NewFrame).
    void before_new_frame();
    // Builds the frame. Returns true when another frame is wanted soon
    // (scrolling, a layout settling, fonts to reload). A request waiting for
    // the core is not a reason: the core's answer wakes the loop
    // (Platform::wake), and drawing frames meanwhile only takes the CPU the
    // core needs (a browser with a software renderer spends each frame
    // waiting for the GPU process).
    bool frame();
    // Acts on the core's answers that have arrived (frame() does it first
    // thing too): the requests they lead to (a page's fonts, its images) go
    // out now instead of at the next frame. Only between frames. The browser
    // calls it as each answer is delivered: there a frame can be 30-60 ms
    // away when the GPU is software, and opening a bundle takes several
    // rounds of questions and answers.
    void take_core_answers();
    // Serves pending core requests (bounded time); call after rendering.
    void after_render();
    // Saves settings (last page, scroll position); call before exiting.
    void shutdown();

    std::string window_title() const;

    // The screen's scale changed (the browser's zoom or a window moved to a
    // denser screen): fonts and spacing follow before the next frame.
    void set_ui_scale(float ui_scale);

    // The page an address names (the browser's fragment: a path, a site URL
    // or "app:..."), as the platform's history lands on it: a neighbouring
    // entry of the reader's history is stepped to, anything else opened as
    // a new page. `replace`: it takes the current entry's place instead (a
    // deep link shown after the page the bundle opened on, which the
    // platform's history never had). Fails only when no bundle is open.
    Status open_address(const std::string& address, bool replace = false);

    // [SECTION] Automation (sitepack-reader --script). Each call starts an
    // action; idle() tells when its effects are settled and on screen.
    bool idle() const;
    Status script_open(const std::string& url);
    Status script_click(const std::string& link_text);
    Status script_search(const std::string& query);
    Status script_type(const std::string& text);  // typed into the search box: title suggestions
    Status script_result(int number);           // 1-based, on the current results page
    Status script_back();
    Status script_forward();
    Status script_home();
    Status script_scroll(float pixels);
    Status script_zoom(int steps);
    Status script_theme(const std::string& name);  // "light" or "dark"
    Status script_find(const std::string& text);   // find in page
    Status script_key(const std::string& key);     // "PageDown", "End", "Alt+Left", "Ctrl+C", "Ctrl+A", ...
    // Where a mouse drag selecting `phrase` starts and ends, in window
    // coordinates (the runner then moves, presses and releases the real
    // pointer there). Fails when the phrase is not on the page as one
    // selection, or not on screen.
    struct ScreenSpan { float from_x = 0, from_y = 0, to_x = 0, to_y = 0; };
    Result<ScreenSpan> script_selection_span(const std::string& phrase) const;
    // The visible state as JSON: URL, title, headings and links on screen,
    // search results, messages, fonts.
    std::string dump_json() const;
    // The part of it a shell shows (the browser page's panel and title),
    // cheap enough to ask each frame: dump_json lists the page's headings
    // and links.
    struct BundleStatus {
        std::string bundle;        // the path or source name opened
        std::string bundle_state;  // "none", "opening", "open" or "failed"
        std::string bundle_error;
        std::string url, title;    // the page shown
        bool operator==(const BundleStatus& other) const {
            return bundle == other.bundle && bundle_state == other.bundle_state &&
                   bundle_error == other.bundle_error && url == other.url && title == other.title;
        }
    };
    BundleStatus bundle_status() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sitepack::ui
