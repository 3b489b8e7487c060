// platform.h: what the reader's views need from the machine they run on.
//
// shared/ui never includes a platform header (no GLFW, GL, emscripten or
// POSIX), so the same views compile natively and to WebAssembly. Everything
// that touches files, the window, the GPU or other programs goes through
// these small interfaces, implemented by native/ (and later by the web
// entry). shared/ui sees only strings and ImGui texture ids.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "imgui.h"
#include "sitepack/result.h"
#include "sitepack/ui/core_channel.h"

namespace sitepack::ui {

struct DirectoryEntry {
    std::string name;        // file name without its folder
    bool is_directory = false;
    int64_t size = 0;        // bytes, 0 for folders
};

// Fonts the platform can offer when a bundle carries none (system fonts on
// a desktop). Empty strings mean "not available". The bytes must stay alive
// as long as the ImGui font atlas uses them.
struct FontFiles {
    std::string regular, bold, italic, bold_italic;  // a Latin text face
    std::string cjk;                                 // a face with kana, kanji and Hangul
    std::string cjk_bold;                            // its bold weight ("" = use cjk)
    int cjk_face_index = 0;                          // face inside a .ttc collection
    std::string mono;                                // for preformatted text
    std::string source;                              // where they came from, for the info page
};

// The shown page as plain structure, for a screen-reader mirror (the
// browser keeps it in a visually hidden DOM tree: a canvas is invisible to
// assistive technology and cannot be selected).
struct MirrorLink {
    std::string text;
    std::string href;  // a page of the bundle: its path ("/2021/01/x/"); else the address as on the site
};
struct MirrorBlock {
    std::string kind;  // "h1".."h6", "p", "li", "pre", "quote"
    std::string text;
    std::vector<MirrorLink> links;
};

class Platform {
public:
    virtual ~Platform() = default;

    // The user's settings, bookmarks and history live in named files of the
    // user's config folder (never beside the bundle: it may be read-only).
    // read_config gives not_found for a file never written.
    virtual Result<std::string> read_config(const std::string& name) = 0;
    virtual Status write_config(const std::string& name, const std::string& contents) = 0;
    virtual std::string config_folder() const = 0;  // shown in the info panel

    // For the in-app file chooser.
    virtual Result<std::vector<DirectoryEntry>> list_directory(const std::string& path) = 0;
    virtual std::string home_folder() const = 0;
    virtual char path_separator() const = 0;

    // Hands an external address to the system browser. Only ever called on
    // an explicit action of the reader (a button), never on a plain click.
    virtual Status open_in_browser(const std::string& url) = 0;

    // Wakes the event loop from another thread (a core response arrived).
    virtual void wake() = 0;

    // Fallback fonts when the bundle has none. The CJK faces are read only
    // when asked for: they are tens of megabytes, and a bundle usually
    // brings its own subset.
    virtual FontFiles system_fonts(bool with_cjk) = 0;

    // [SECTION] Hooks with defaults (the desktop needs none of them).

    // The channel to the reading core: natively make_thread_channel (a core
    // on a thread of its own, waking the loop with wake()), in the browser a
    // Web Worker. No default here: it would link the whole core (SQLite
    // included) into the browser's UI module.
    virtual std::unique_ptr<CoreChannel> open_core_channel() = 0;
    // A page is on screen: `location` is a bundle page's path (with its
    // query, "/2021/01/x/") or a generated page's name ("app:browse"); the
    // browser puts it in the address bar's fragment and the title in the tab.
    virtual void page_shown(const std::string& location, const std::string& title,
                            const std::vector<MirrorBlock>& mirror) {
        (void)location, (void)title, (void)mirror;
    }
    // The reader pressed "Open a bundle": true when the platform shows a
    // chooser of its own (the browser's file picker), false for the in-app one.
    virtual bool choose_file() { return false; }
    // Publisher keys the reader pins, one public key line each
    // ("sitepack-ed25519 <base64> <name>", sitepack/signature.h): the info
    // view then says whether a bundle is signed by one of them. Natively
    // from files beside the executable or in the config folder, in the
    // browser from the hosted config.json; none by default. Asked at each
    // open.
    virtual std::vector<std::string> trusted_publishers() { return {}; }
    // The box at the status line's right end (width x height, in the UI's
    // pixels) that the platform covers with controls of its own: the browser
    // shell's offline controls sit there rather than over the page's text.
    // The reader draws nothing of its own under it and makes the status line
    // at least that high. (0, 0), the default: none.
    virtual ImVec2 status_line_reserved() const { return ImVec2(0, 0); }
    // Back (-1) or Forward (+1) through the platform's own history, where it
    // has one (the browser's: its buttons and the reader's must agree).
    // true: the platform took the step and will ask for the page it lands
    // on (ReaderApp::open_address). false, the default: the reader steps
    // through its own history.
    virtual bool step_history(int steps) { (void)steps; return false; }
};

// Creates GPU textures for decoded images. ImGui 1.92's OpenGL3 backend
// draws an ImTextureID as a GL texture name; making one is platform code.
class TextureFactory {
public:
    virtual ~TextureFactory() = default;
    // `rgba` holds width*height*4 bytes. Returns ImTextureID_Invalid on failure.
    virtual ImTextureID create_rgba(const unsigned char* rgba, int width, int height) = 0;
    virtual void destroy(ImTextureID texture) = 0;
};

}  // namespace sitepack::ui
