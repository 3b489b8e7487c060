// web_main.cpp: the browser reader's UI module (on the page): a GLFW
// (Emscripten's JavaScript emulation) window on the canvas "canvas", WebGL2,
// Dear ImGui's GLFW and OpenGL3 (ES3) backends, hosting shared/ui's
// ReaderApp. The page's shell (web/) starts it and talks to it through the
// exported sitepack_ui_* functions below (wasm/CONTRACT.md).
//
// ImGui works in device pixels: the canvas is window.innerWidth x
// innerHeight CSS pixels times devicePixelRatio, and the reader's scale is
// devicePixelRatio (followed when the browser's zoom changes it), so text is
// rasterised at the screen's resolution (crisp at 1, 1.5 and 2). A frame is drawn only when something changed: input, a
// core response, an animation, a resize, or the text cursor's blink.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <nlohmann/json.hpp>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "imgui_internal.h"  // ImGuiContext::InputEventsQueue
#include "sitepack/ui/reader_app.h"
#include "web_platform.h"

using namespace sitepack;

EM_JS(int, js_window_css_width, (), { return Math.max(1, window.innerWidth | 0); });
EM_JS(int, js_window_css_height, (), { return Math.max(1, window.innerHeight | 0); });

// The canvas's pixel size, and the GLFW emulation's idea of the window
// (ImGui's backend reads it). Not glfwSetWindowSize: the emulation asks for
// full screen when the size equals the screen's, which a page may not do
// without a user gesture.
EM_JS(void, js_set_canvas_size, (int width, int height), {
    Browser.setCanvasSize(width, height, true);
    if (GLFW.active) {
        GLFW.active.width = width;
        GLFW.active.height = height;
    }
});

EM_JS(void, js_copy_text, (const char* text), {
    if (typeof Module.sitepackCopyText === 'function') Module.sitepackCopyText(UTF8ToString(text));
});

EM_JS(void, js_text_input_active, (int active, double x, double y), {
    if (typeof Module.sitepackTextInputActive === 'function') Module.sitepackTextInputActive(!!active, x, y);
});

EM_JS(void, js_status, (const char* json), {
    if (typeof Module.sitepackStatus === 'function') Module.sitepackStatus(UTF8ToString(json));
});

namespace {

struct Web {
    GLFWwindow* window = nullptr;
    web::WebPlatform platform;
    web::WebTextureFactory textures;
    std::unique_ptr<ui::ReaderApp> app;
    float scale = 1;             // devicePixelRatio, at least 1 (the reader's ui scale)
    int css_width = 0, css_height = 0, pixel_width = 0, pixel_height = 0;
    bool input_seen = false;     // the reader's input since the last frame: draw, and two more after
    bool redraw = true;          // something else changed (window size, the shell's bar): draw once
    bool animating = true;
    double last_blink = 0;
    std::string title;
    std::string clipboard;       // what we copied last (ImGui's paste reads it)
    bool text_input = false;
    ImVec2 text_input_at;
    ui::ReaderApp::BundleStatus last_status;  // as last told to the shell
};

Web* web_state = nullptr;

void mark_input() {
    if (web_state) web_state->input_seen = true;
}

// Our GLFW callbacks run first and chain to ImGui's (installed after them):
// they only note that a frame is due.
void on_cursor(GLFWwindow*, double, double) { mark_input(); }
void on_button(GLFWwindow*, int, int, int) { mark_input(); }
void on_key(GLFWwindow*, int, int, int, int) { mark_input(); }
void on_char(GLFWwindow*, unsigned int) { mark_input(); }
void on_enter(GLFWwindow*, int) { mark_input(); }
void on_focus(GLFWwindow*, int) { mark_input(); }

EM_BOOL on_wheel(int, const EmscriptenWheelEvent* event, void*) {
    // Emscripten's GLFW emulation gets the wheel's sign and size wrong
    // (ImGui issue 6096): read the DOM event. Pixels (deltaMode 0) scroll
    // about a line per 100; lines and pages as one and ten steps.
    float factor = event->deltaMode == DOM_DELTA_PIXEL ? 0.01f : event->deltaMode == DOM_DELTA_LINE ? 0.33f : 10.0f;
    ImGui::GetIO().AddMouseWheelEvent(-static_cast<float>(event->deltaX) * factor, -static_cast<float>(event->deltaY) * factor);
    mark_input();
    return EM_TRUE;  // the page itself never scrolls
}

// CSS pixels to device pixels, rounded as the shell rounds (web/app.js).
int device_pixels(int css, double ratio) { return static_cast<int>(std::lround(css * ratio)); }

// Keeps the canvas at the window's size in device pixels.
void follow_window_size(Web& w) {
    const int css_w = js_window_css_width(), css_h = js_window_css_height();
    const double ratio = emscripten_get_device_pixel_ratio();
    const int px_w = device_pixels(css_w, ratio), px_h = device_pixels(css_h, ratio);
    if (css_w == w.css_width && css_h == w.css_height && px_w == w.pixel_width && px_h == w.pixel_height) return;
    w.css_width = css_w;
    w.css_height = css_h;
    w.pixel_width = px_w;
    w.pixel_height = px_h;
    js_set_canvas_size(px_w, px_h);
    emscripten_set_element_css_size("#canvas", css_w, css_h);
    w.redraw = true;
    // The browser's zoom changes devicePixelRatio: text is rasterised anew
    // at the new density rather than scaled.
    const float scale = static_cast<float>(std::max(1.0, ratio));
    if (w.app && scale != w.scale) {
        w.scale = scale;
        w.app->set_ui_scale(scale);
    }
}

void report_status(Web& w) {
    // The shell's bundle state (loaded, failed), told when it changes.
    ui::ReaderApp::BundleStatus now = w.app->bundle_status();
    if (now == w.last_status) return;
    reader::Json status = reader::Json::object();
    status["bundle_state"] = now.bundle_state;
    status["bundle_error"] = now.bundle_error;
    status["bundle"] = now.bundle;
    status["url"] = now.url;
    status["title"] = now.title;
    w.last_status = std::move(now);
    js_status(status.dump(-1, ' ', false, reader::Json::error_handler_t::replace).c_str());
}

// New glyphs reach the font texture in one upload per texture per frame:
// the box around all of the frame's new glyphs, read from ImGui's copy
// with a row length. ImGui's backend makes one WebGL call per glyph (the
// home page: about 200), and each is a command the GPU process carries
// out on its own, on the same thread that draws the page. The box's other
// pixels are the texture's own, already uploaded, so sending them again
// changes nothing. The backend then sees the texture up to date.
void upload_new_glyphs(ImDrawData* draw_data) {
    if (!draw_data->Textures) return;
    for (ImTextureData* texture : *draw_data->Textures) {
        if (texture->Status != ImTextureStatus_WantUpdates || texture->Updates.Size < 2) continue;
        const ImTextureRect& box = texture->UpdateRect;
        glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(texture->GetTexID()));
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glPixelStorei(GL_UNPACK_ROW_LENGTH, texture->Width);
        glTexSubImage2D(GL_TEXTURE_2D, 0, box.x, box.y, box.w, box.h, GL_RGBA, GL_UNSIGNED_BYTE,
                        texture->GetPixelsAt(box.x, box.y));
        glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
        texture->SetStatus(ImTextureStatus_OK);
    }
}

void frame() {
    Web& w = *web_state;
    follow_window_size(w);
    const double now = emscripten_get_now();
    bool due = w.input_seen || w.redraw || w.animating || w.platform.wanted_frames > 0;
    if (!due && ImGui::GetIO().WantTextInput && now - w.last_blink > 500) due = true;  // the text cursor blinks
    if (!due) return;
    w.last_blink = now;
    if (w.platform.wanted_frames > 0) --w.platform.wanted_frames;
    // As the desktop reader does: two more frames after input. What a click
    // changes (the theme, a panel) is drawn by the frame after the one that
    // saw the click; hover settles a frame later.
    if (w.input_seen) w.platform.wanted_frames = std::max(w.platform.wanted_frames, 2);
    w.input_seen = w.redraw = false;

    w.app->before_new_frame();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    w.animating = w.app->frame();
    ImGui::Render();
    // ImGui takes at most one change of a mouse button or position per frame
    // from its input queue, so a click that arrives all at once (position,
    // press, release: a tap, a quick click) needs three frames. Draw until
    // the queue is empty, else the press waits for the next input.
    if (!ImGui::GetCurrentContext()->InputEventsQueue.empty()) w.input_seen = true;
    upload_new_glyphs(ImGui::GetDrawData());
    glViewport(0, 0, w.pixel_width, w.pixel_height);
    glClearColor(0.5f, 0.5f, 0.5f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    w.app->after_render();
    // ImGui settles hover and layout over a couple of frames.
    if (w.animating) w.platform.wanted_frames = std::max(w.platform.wanted_frames, 2);

    const std::string title = w.app->window_title();
    if (title != w.title) {
        w.title = title;
        emscripten_set_window_title(title.c_str());
    }
    report_status(w);
}

}  // namespace

// [SECTION] Exports (wasm/CONTRACT.md)
extern "C" {

// A core response (JSON text) arrived from the Worker.
EMSCRIPTEN_KEEPALIVE void sitepack_ui_deliver(const char* json_text) {
    if (web::WebChannel* channel = web::WebChannel::current()) channel->deliver(json_text ? json_text : "");
    if (!web_state) return;
    web_state->app->take_core_answers();
    web_state->platform.wake();
}

// Opens the byte source NAME (a picked file or the hosted bundle) in the
// Worker's core. `display_name` is for the shell's messages; the reader
// shows NAME.
EMSCRIPTEN_KEEPALIVE void sitepack_ui_open_source(const char* name, const char* display_name) {
    if (!web_state || !name) return;
    web_state->app->open_bundle(name, display_name ? display_name : "");
    web_state->platform.wake();
}

// Shows a page: a path ("/2021/01/x/"), a full URL of the site, or a
// generated page ("app:browse"), as the address bar's fragment holds it;
// `replace` (0 or 1): in the current history entry's place (the deep link
// the page was opened with). Returns "" or why not (no bundle open yet).
EMSCRIPTEN_KEEPALIVE const char* sitepack_ui_navigate(const char* target, int replace) {
    static std::string result;
    result.clear();
    if (!web_state || !target) return "the reader has not started";
    Status status = web_state->app->open_address(target, replace != 0);
    if (!status) result = status.message();
    web_state->platform.wake();
    return result.c_str();
}

// Text committed by the shell's hidden input (IME compositions included).
EMSCRIPTEN_KEEPALIVE void sitepack_ui_text_input(const char* utf8) {
    if (!web_state || !utf8) return;
    ImGui::GetIO().AddInputCharactersUTF8(utf8);
    mark_input();
}

// The reader's visible state as JSON (native --script "dump").
EMSCRIPTEN_KEEPALIVE const char* sitepack_ui_dump() {
    static std::string dump;
    dump = web_state ? web_state->app->dump_json() : "{}";
    return dump.c_str();
}

// Automation: returns "" when the action started, else why not. Its effect
// is on screen once the dump's "idle" is true.
EMSCRIPTEN_KEEPALIVE const char* sitepack_ui_search(const char* query) {
    static std::string result;
    Status status = web_state ? web_state->app->script_search(query ? query : "") : Status(ErrorCode::internal, "not started");
    result = status ? "" : status.message();
    if (web_state) web_state->platform.wake();
    return result.c_str();
}

EMSCRIPTEN_KEEPALIVE const char* sitepack_ui_open_result(int number) {
    static std::string result;
    Status status = web_state ? web_state->app->script_result(number) : Status(ErrorCode::internal, "not started");
    result = status ? "" : status.message();
    if (web_state) web_state->platform.wake();
    return result.c_str();
}

EMSCRIPTEN_KEEPALIVE const char* sitepack_ui_click_link(const char* text) {
    static std::string result;
    Status status = web_state ? web_state->app->script_click(text ? text : "") : Status(ErrorCode::internal, "not started");
    result = status ? "" : status.message();
    if (web_state) web_state->platform.wake();
    return result.c_str();
}

// Automation: where a mouse drag selecting `phrase` starts and ends, in the
// page's CSS pixels (the tests then drag the browser's real mouse there):
// {"from":[x,y],"to":[x,y]}, or {"error":"why not"}.
EMSCRIPTEN_KEEPALIVE const char* sitepack_ui_selection_span(const char* phrase) {
    static std::string result;
    reader::Json out = reader::Json::object();
    if (!web_state) {
        out["error"] = "the reader has not started";
    } else if (Result<ui::ReaderApp::ScreenSpan> span = web_state->app->script_selection_span(phrase ? phrase : ""); !span.ok()) {
        out["error"] = span.error().message;
    } else {
        // ImGui works in device pixels; the page in CSS pixels.
        const Web& w = *web_state;
        const double to_css = w.pixel_width > 0 ? double(w.css_width) / double(w.pixel_width) : 1.0;
        out["from"] = {span->from_x * to_css, span->from_y * to_css};
        out["to"] = {span->to_x * to_css, span->to_y * to_css};
    }
    result = out.dump();
    return result.c_str();
}

// The shell's controls take a box of `css_width` x `css_height` at the
// status line's right end (0 x 0: none); the reader keeps its own status
// text left of it and makes the line at least that high.
EMSCRIPTEN_KEEPALIVE void sitepack_ui_reserve_status_line(int css_width, int css_height) {
    if (!web_state) return;
    web_state->platform.status_reserved_css_width = css_width > 0 ? css_width : 0;
    web_state->platform.status_reserved_css_height = css_height > 0 ? css_height : 0;
    web_state->redraw = true;  // drawn again with the room made
}

// 1 when the reader is idle: no request pending, nothing animating.
EMSCRIPTEN_KEEPALIVE int sitepack_ui_idle() { return web_state && web_state->app->idle() ? 1 : 0; }

}  // extern "C"

int main() {
    static Web w;
    web_state = &w;
    if (!glfwInit()) {
        std::fprintf(stderr, "sitepack-ui: GLFW could not start\n");
        return 1;
    }
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    // ImGui draws with neither depth nor stencil, over an opaque canvas: a
    // software renderer has less to clear and compose each frame. The same
    // attributes as the shell's WebGL2 check (web/app.js), whose context on
    // this canvas is then the one used here.
    glfwWindowHint(GLFW_DEPTH_BITS, 0);
    glfwWindowHint(GLFW_STENCIL_BITS, 0);
    glfwWindowHint(GLFW_ALPHA_BITS, 0);
    w.scale = static_cast<float>(std::max(1.0, emscripten_get_device_pixel_ratio()));
    // At the canvas's size in device pixels, which the shell gave it before
    // making its context (web/app.js): a canvas that changes size has its
    // drawing buffer made again, a wait on the GPU process per side.
    const double ratio = emscripten_get_device_pixel_ratio();
    w.window = glfwCreateWindow(device_pixels(js_window_css_width(), ratio), device_pixels(js_window_css_height(), ratio),
                                "sitepack reader", nullptr, nullptr);
    if (!w.window) {
        std::fprintf(stderr, "sitepack-ui: cannot create a WebGL2 context\n");
        return 1;
    }
    glfwMakeContextCurrent(w.window);
    follow_window_size(w);

    glfwSetCursorPosCallback(w.window, on_cursor);
    glfwSetMouseButtonCallback(w.window, on_button);
    glfwSetKeyCallback(w.window, on_key);
    glfwSetCharCallback(w.window, on_char);
    glfwSetCursorEnterCallback(w.window, on_enter);
    glfwSetWindowFocusCallback(w.window, on_focus);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(w.window, true);  // chains to the callbacks above
    emscripten_set_wheel_callback("#canvas", nullptr, EM_FALSE, on_wheel);
    if (!ImGui_ImplOpenGL3_Init("#version 300 es")) {
        std::fprintf(stderr, "sitepack-ui: WebGL2 setup failed\n");
        return 1;
    }

    ImGuiPlatformIO& platform_io = ImGui::GetPlatformIO();
    // Copies go to the system clipboard through the shell.
    platform_io.Platform_SetClipboardTextFn = [](ImGuiContext*, const char* text) {
        web_state->clipboard = text ? text : "";
        js_copy_text(web_state->clipboard.c_str());
    };
    platform_io.Platform_GetClipboardTextFn = [](ImGuiContext*) { return web_state->clipboard.c_str(); };
    // The search box wants text: the shell focuses a hidden input there, so
    // Korean and Japanese IMEs work. Positions go out in CSS pixels.
    platform_io.Platform_SetImeDataFn = [](ImGuiContext*, ImGuiViewport*, ImGuiPlatformImeData* data) {
        Web& s = *web_state;
        const bool active = data->WantTextInput || data->WantVisible;
        const float ratio = s.pixel_width > 0 ? static_cast<float>(s.pixel_width) / static_cast<float>(s.css_width) : 1.0f;
        const ImVec2 at(data->InputPos.x / ratio, data->InputPos.y / ratio);
        if (active == s.text_input && (!active || (at.x == s.text_input_at.x && at.y == s.text_input_at.y))) return;
        s.text_input = active;
        s.text_input_at = at;
        js_text_input_active(active, at.x, at.y);
    };
    platform_io.Platform_OpenInShellFn = [](ImGuiContext*, const char* url) {
        return url && web_state->platform.open_in_browser(url).ok();
    };

    w.app = std::make_unique<ui::ReaderApp>(w.platform, w.textures, w.scale);
    emscripten_set_main_loop(frame, 0, false);
    return 0;
}
