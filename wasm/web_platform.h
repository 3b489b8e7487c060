// web_platform.h: the reader's Platform in the browser page.
//
// Everything machine-specific goes to JavaScript functions the page's shell
// (web/) sets on the Module object before the UI starts (wasm/CONTRACT.md):
// settings in localStorage, external links in a new tab, the browser's own
// file picker, the address bar and the screen-reader mirror. The core runs
// in a Web Worker; WebChannel carries the requests there as JSON text.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "sitepack/ui/platform.h"

namespace sitepack::web {

// Requests go out through Module.sitepackPostToCore(jsonText); responses
// come back through sitepack_ui_deliver (web_main.cpp), which calls
// deliver() on the live channel.
class WebChannel final : public ui::CoreChannel {
public:
    WebChannel();
    ~WebChannel() override;
    uint64_t post(reader::Request request) override;
    std::vector<reader::Response> poll() override;

    // A response's JSON text from the Worker. Malformed text is reported on
    // the console and dropped (the request stays pending).
    void deliver(const std::string& json_text);

    // The channel the UI uses now, or nullptr before the UI starts.
    static WebChannel* current();

private:
    uint64_t next_id_ = 1;
    std::vector<reader::Response> arrived_;
};

class WebPlatform final : public ui::Platform {
public:
    Result<std::string> read_config(const std::string& name) override;
    Status write_config(const std::string& name, const std::string& contents) override;
    std::string config_folder() const override;
    Result<std::vector<ui::DirectoryEntry>> list_directory(const std::string& path) override;
    std::string home_folder() const override { return ""; }
    char path_separator() const override { return '/'; }
    Status open_in_browser(const std::string& url) override;
    void wake() override { wanted_frames = 3; }
    ui::FontFiles system_fonts(bool with_cjk) override;
    std::unique_ptr<ui::CoreChannel> open_core_channel() override;
    void page_shown(const std::string& location, const std::string& title,
                    const std::vector<ui::MirrorBlock>& mirror) override;
    bool choose_file() override;
    std::vector<std::string> trusted_publishers() override;
    ImVec2 status_line_reserved() const override;
    bool step_history(int steps) override;

    // Frames still to draw before the loop may idle (set by wake()).
    int wanted_frames = 3;
    // The box the shell's offline controls take at the status line's right
    // end, in CSS pixels (sitepack_ui_reserve_status_line).
    int status_reserved_css_width = 0, status_reserved_css_height = 0;
};

// Textures through WebGL2.
class WebTextureFactory final : public ui::TextureFactory {
public:
    ImTextureID create_rgba(const unsigned char* rgba, int width, int height) override;
    void destroy(ImTextureID texture) override;
};

}  // namespace sitepack::web
