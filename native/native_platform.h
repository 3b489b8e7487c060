// native_platform.h: the desktop's side of shared/ui's interfaces.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sitepack/ui/platform.h"

struct GLFWwindow;

namespace sitepack::native {

class NativePlatform : public ui::Platform {
public:
    explicit NativePlatform(GLFWwindow* window);
    Result<std::string> read_config(const std::string& name) override;
    Status write_config(const std::string& name, const std::string& contents) override;
    std::string config_folder() const override { return config_folder_; }
    Result<std::vector<ui::DirectoryEntry>> list_directory(const std::string& path) override;
    std::string home_folder() const override;
    char path_separator() const override;
    Status open_in_browser(const std::string& url) override;
    void wake() override;
    ui::FontFiles system_fonts(bool with_cjk) override;
    // The core thread's channel; bundles open with the pinned publisher keys.
    std::unique_ptr<ui::CoreChannel> open_core_channel() override;
    // trusted-publishers.txt and publishers/*.pub beside the executable and
    // in the config folder.
    std::vector<std::string> trusted_publishers() override;

private:
    GLFWwindow* window_;
    std::string config_folder_;
};

// GL textures for decoded images (ImGui's OpenGL3 backend: ImTextureID = GLuint).
class GlTextureFactory : public ui::TextureFactory {
public:
    ImTextureID create_rgba(const unsigned char* rgba, int width, int height) override;
    void destroy(ImTextureID texture) override;
};

// Reads the current framebuffer (before the swap) and writes it as PNG.
Status save_screenshot(const std::string& path, int width, int height);

// Paths are UTF-8 strings in the reader; these convert them for
// std::filesystem (on Windows a plain std::string means the ANSI code page).
std::filesystem::path path_of(const std::string& utf8);
std::string utf8_of(const std::filesystem::path& path);

#ifdef _WIN32
// The UTF-16 command line Windows gives wmain(), as UTF-8 strings.
std::vector<std::string> utf8_arguments(int argc, wchar_t** argv);
#endif

// The folder of the running executable, "" when unknown.
std::string executable_folder(const char* argv0);

}  // namespace sitepack::native
