// web_platform.cpp: the Platform and core channel of the browser reader.
#include "web_platform.h"

#include <cstdio>
#include <cstdlib>

#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <nlohmann/json.hpp>

namespace sitepack::web {

// [SECTION] JavaScript side (functions the shell puts on Module)

EM_JS(void, js_post_to_core, (const char* text), {
    if (typeof Module.sitepackPostToCore === 'function') Module.sitepackPostToCore(UTF8ToString(text));
    else err('sitepack-ui: Module.sitepackPostToCore is not set; a request was dropped');
});

// Returns a malloc'd UTF-8 copy (the caller frees it), or 0 when absent.
EM_JS(char*, js_config_read, (const char* name), {
    if (typeof Module.sitepackConfigRead !== 'function') return 0;
    var text;
    try { text = Module.sitepackConfigRead(UTF8ToString(name)); } catch (e) { return 0; }
    if (typeof text !== 'string') return 0;
    var size = lengthBytesUTF8(text) + 1;
    var out = _malloc(size);
    stringToUTF8(text, out, size);
    return out;
});

// Back or Forward in the page's own history (the hashchange brings the page).
EM_JS(void, js_step_history, (int steps), { history.go(steps); });

// The publisher keys the hosted config.json pins, as a malloc'd JSON array
// (the caller frees it), or 0.
EM_JS(char*, js_trusted_publishers, (), {
    if (typeof Module.sitepackTrustedPublishers !== 'function') return 0;
    var text;
    try { text = Module.sitepackTrustedPublishers(); } catch (e) { return 0; }
    if (typeof text !== 'string') return 0;
    var size = lengthBytesUTF8(text) + 1;
    var out = _malloc(size);
    stringToUTF8(text, out, size);
    return out;
});

EM_JS(int, js_config_write, (const char* name, const char* text), {
    if (typeof Module.sitepackConfigWrite !== 'function') return 0;
    try { Module.sitepackConfigWrite(UTF8ToString(name), UTF8ToString(text)); return 1; } catch (e) { return 0; }
});

EM_JS(int, js_open_external, (const char* url), {
    if (typeof Module.sitepackOpenExternal !== 'function') return 0;
    Module.sitepackOpenExternal(UTF8ToString(url));
    return 1;
});

EM_JS(int, js_choose_file, (), {
    if (typeof Module.sitepackChooseFile !== 'function') return 0;
    Module.sitepackChooseFile();
    return 1;
});

EM_JS(void, js_page_shown, (const char* url, const char* title, const char* mirror), {
    if (typeof Module.sitepackPageShown === 'function')
        Module.sitepackPageShown(UTF8ToString(url), UTF8ToString(title), UTF8ToString(mirror));
});

// [SECTION] Channel

namespace {
WebChannel* live_channel = nullptr;
}

WebChannel::WebChannel() { live_channel = this; }
WebChannel::~WebChannel() {
    if (live_channel == this) live_channel = nullptr;
}
WebChannel* WebChannel::current() { return live_channel; }

uint64_t WebChannel::post(reader::Request request) {
    if (request.id == 0) request.id = next_id_++;
    const std::string text = reader::to_json_text(request);
    js_post_to_core(text.c_str());
    return request.id;
}

std::vector<reader::Response> WebChannel::poll() {
    std::vector<reader::Response> out;
    out.swap(arrived_);
    return out;
}

void WebChannel::deliver(const std::string& json_text) {
    Result<reader::Response> response = reader::response_from_json_text(json_text);
    if (!response) {
        std::fprintf(stderr, "sitepack-ui: a response from the core could not be read: %s\n", response.error().message.c_str());
        return;
    }
    arrived_.push_back(std::move(response).value());
}

// [SECTION] Platform

Result<std::string> WebPlatform::read_config(const std::string& name) {
    char* text = js_config_read(name.c_str());
    if (!text) return Error{ErrorCode::not_found, name + " was never saved in this browser"};
    std::string contents(text);
    std::free(text);
    return contents;
}

Status WebPlatform::write_config(const std::string& name, const std::string& contents) {
    if (!js_config_write(name.c_str(), contents.c_str()))
        return Status(ErrorCode::io, "cannot save " + name + " in this browser's storage (private mode or storage full?)");
    return {};
}

std::string WebPlatform::config_folder() const { return "this browser's local storage"; }

Result<std::vector<ui::DirectoryEntry>> WebPlatform::list_directory(const std::string& path) {
    return Error{ErrorCode::invalid_argument, "a web page cannot list folders (" + path + "): use the browser's file picker"};
}

Status WebPlatform::open_in_browser(const std::string& url) {
    if (!js_open_external(url.c_str())) return Status(ErrorCode::internal, "this page cannot open " + url);
    return {};
}

ui::FontFiles WebPlatform::system_fonts(bool) {
    // A web page cannot read the machine's font files: the bundle brings its
    // own, and ImGui's built-in font covers a bundle without any.
    ui::FontFiles none;
    none.source = "ImGui's built-in font (this bundle embeds none)";
    return none;
}

std::unique_ptr<ui::CoreChannel> WebPlatform::open_core_channel() { return std::make_unique<WebChannel>(); }

void WebPlatform::page_shown(const std::string& location, const std::string& title,
                             const std::vector<ui::MirrorBlock>& mirror) {
    reader::Json blocks = reader::Json::array();
    for (const ui::MirrorBlock& block : mirror) {
        reader::Json links = reader::Json::array();
        for (const ui::MirrorLink& link : block.links) links.push_back(reader::Json{{"text", link.text}, {"href", link.href}});
        blocks.push_back(reader::Json{{"kind", block.kind}, {"text", block.text}, {"links", std::move(links)}});
    }
    const reader::Json json{{"title", title}, {"blocks", std::move(blocks)}};
    const std::string text = json.dump(-1, ' ', false, reader::Json::error_handler_t::replace);
    js_page_shown(location.c_str(), title.c_str(), text.c_str());
}

bool WebPlatform::choose_file() { return js_choose_file() != 0; }

std::vector<std::string> WebPlatform::trusted_publishers() {
    std::vector<std::string> keys;
    char* text = js_trusted_publishers();
    if (!text) return keys;
    // The shell builds this array itself; anything else is ignored.
    nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    std::free(text);
    if (!parsed.is_array()) return keys;
    for (const auto& key : parsed)
        if (key.is_string()) keys.push_back(key.get<std::string>());
    return keys;
}

// The browser's history holds an entry per page shown (web/app.js pushes
// one): its Back and the reader's are the same step. The hashchange that
// follows brings the page (sitepack_ui_navigate).
bool WebPlatform::step_history(int steps) {
    js_step_history(steps);
    return true;
}

// CSS pixels to the UI's device pixels at the current ratio (the browser's
// zoom changes it).
ImVec2 WebPlatform::status_line_reserved() const {
    const double ratio = emscripten_get_device_pixel_ratio();
    return ImVec2(static_cast<float>(status_reserved_css_width * ratio), static_cast<float>(status_reserved_css_height * ratio));
}

// [SECTION] Textures

ImTextureID WebTextureFactory::create_rgba(const unsigned char* rgba, int width, int height) {
    GLuint texture = 0;
    glGenTextures(1, &texture);
    if (!texture) return ImTextureID_Invalid;
    glBindTexture(GL_TEXTURE_2D, texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    return static_cast<ImTextureID>(texture);
}

void WebTextureFactory::destroy(ImTextureID texture) {
    GLuint name = static_cast<GLuint>(texture);
    if (name) glDeleteTextures(1, &name);
}

}  // namespace sitepack::web
