// native_platform.cpp: files, config folder, browser, fonts and GL textures
// for the desktop reader. The only code that knows the machine.
#include "native_platform.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#define GLFW_INCLUDE_NONE  // GL comes from ImGui's loader below
#include <GLFW/glfw3.h>
#include "imgui_impl_opengl3_loader.h"
#ifndef GL_RGB
#define GL_RGB 0x1907
#endif
#ifndef GL_UNPACK_ALIGNMENT
#define GL_UNPACK_ALIGNMENT 0x0CF5
#endif

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#ifndef _WIN32
#include <spawn.h>
#include <sys/wait.h>
extern char** environ;
#endif

namespace fs = std::filesystem;

namespace sitepack::native {
namespace {

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

}  // namespace

NativePlatform::NativePlatform(GLFWwindow* window) : window_(window) {
    // Settings live with the user, never on the (possibly read-only) stick.
#ifdef _WIN32
    std::string base = env("APPDATA");
#else
    std::string base = env("XDG_CONFIG_HOME");
    if (base.empty() && !env("HOME").empty()) base = env("HOME") + "/.config";
#endif
    config_folder_ = base.empty() ? "" : (fs::path(base) / "sitepack").string();
}

Result<std::string> NativePlatform::read_config(const std::string& name) {
    if (config_folder_.empty()) return Error{ErrorCode::not_found, "no config folder"};
    const fs::path path = fs::path(config_folder_) / name;
    std::error_code error;
    if (!fs::exists(path, error)) return Error{ErrorCode::not_found, path.string() + " does not exist"};
    return read_file(path);
}

Status NativePlatform::write_config(const std::string& name, const std::string& contents) {
    if (config_folder_.empty()) return Status(ErrorCode::io, "no config folder (HOME is not set)");
    std::error_code error;
    fs::create_directories(config_folder_, error);
    // Write then rename, so a crash never leaves half a settings file.
    const fs::path path = fs::path(config_folder_) / name;
    const fs::path temporary = fs::path(config_folder_) / (name + ".tmp");
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) return Status(ErrorCode::io, "cannot write " + temporary.string());
        out << contents;
        if (!out) return Status(ErrorCode::io, "cannot write " + temporary.string());
    }
    fs::rename(temporary, path, error);
    if (error) return Status(ErrorCode::io, "cannot replace " + path.string() + ": " + error.message());
    return {};
}

Result<std::vector<ui::DirectoryEntry>> NativePlatform::list_directory(const std::string& path) {
    std::vector<ui::DirectoryEntry> entries;
    std::error_code error;
    fs::directory_iterator it(path, fs::directory_options::skip_permission_denied, error);
    if (error) return Error{ErrorCode::io, "Cannot list " + path + ": " + error.message()};
    for (; it != fs::directory_iterator(); it.increment(error)) {
        if (error) break;
        ui::DirectoryEntry entry;
        entry.name = it->path().filename().string();
        std::error_code kind_error;
        entry.is_directory = it->is_directory(kind_error);
        if (!entry.is_directory) entry.size = static_cast<int64_t>(it->file_size(kind_error));
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::string NativePlatform::home_folder() const {
    std::string home = env("HOME");
    if (home.empty()) home = env("USERPROFILE");
    return home.empty() ? fs::current_path().string() : home;
}

char NativePlatform::path_separator() const { return static_cast<char>(fs::path::preferred_separator); }

Status NativePlatform::open_in_browser(const std::string& url) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        return Status(ErrorCode::invalid_argument, "only web addresses are opened");
#ifdef _WIN32
    return Status(ErrorCode::internal, "opening a browser is not implemented on Windows yet; copy the address instead");
#else
    // No shell: the address goes to xdg-open as one argument, never parsed.
    pid_t pid = 0;
    char program[] = "xdg-open";
    std::vector<char> argument(url.begin(), url.end());
    argument.push_back('\0');
    char* argv[] = {program, argument.data(), nullptr};
    if (posix_spawnp(&pid, "xdg-open", nullptr, nullptr, argv, environ) != 0)
        return Status(ErrorCode::io, "xdg-open could not be started");
    return {};
#endif
}

void NativePlatform::wake() { glfwPostEmptyEvent(); }

ui::FontFiles NativePlatform::system_fonts(bool with_cjk) {
    ui::FontFiles fonts;
    auto first = [](std::initializer_list<const char*> paths) {
        for (const char* path : paths) { std::string bytes = read_file(path); if (!bytes.empty()) return bytes; }
        return std::string();
    };
    const std::string noto = "/usr/share/fonts/truetype/noto/", dejavu = "/usr/share/fonts/truetype/dejavu/";
    fonts.regular = first({(noto + "NotoSans-Regular.ttf").c_str(), (dejavu + "DejaVuSans.ttf").c_str()});
    fonts.bold = first({(noto + "NotoSans-Bold.ttf").c_str(), (dejavu + "DejaVuSans-Bold.ttf").c_str()});
    fonts.italic = first({(noto + "NotoSans-Italic.ttf").c_str(), (dejavu + "DejaVuSans-Oblique.ttf").c_str()});
    fonts.bold_italic = first({(noto + "NotoSans-BoldItalic.ttf").c_str(), (dejavu + "DejaVuSans-BoldOblique.ttf").c_str()});
    fonts.mono = first({(dejavu + "DejaVuSansMono.ttf").c_str()});
    // Noto Sans CJK's collection: face 0 is the Japanese one, which also has every Hangul syllable.
    if (!with_cjk) return fonts;
    fonts.cjk = first({"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"});
    fonts.cjk_bold = first({"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/truetype/noto/NotoSansCJK-Bold.ttc"});
    fonts.cjk_face_index = 0;
    return fonts;
}

ImTextureID GlTextureFactory::create_rgba(const unsigned char* rgba, int width, int height) {
    GLuint texture = 0;
    glGenTextures(1, &texture);
    if (texture == 0) return ImTextureID_Invalid;
    glBindTexture(GL_TEXTURE_2D, texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    return static_cast<ImTextureID>(texture);
}

void GlTextureFactory::destroy(ImTextureID texture) {
    GLuint name = static_cast<GLuint>(texture);
    glDeleteTextures(1, &name);
}

Status save_screenshot(const std::string& path, int width, int height) {
    std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    stbi_flip_vertically_on_write(1);  // GL's rows run bottom-up
    if (!stbi_write_png(path.c_str(), width, height, 3, pixels.data(), width * 3))
        return Status(ErrorCode::io, "cannot write " + path);
    return {};
}

namespace {

// Adds the pinned publisher keys to every open request on its way to the core.
class PinningChannel : public ui::CoreChannel {
public:
    PinningChannel(std::unique_ptr<ui::CoreChannel> inner, std::vector<std::string> keys)
        : inner_(std::move(inner)), keys_(std::move(keys)) {}
    uint64_t post(reader::Request request) override {
        if (auto* open = std::get_if<reader::OpenBundleRequest>(&request.body); open && open->trusted_publishers.empty())
            open->trusted_publishers = keys_;
        return inner_->post(std::move(request));
    }
    std::vector<reader::Response> poll() override { return inner_->poll(); }

private:
    std::unique_ptr<ui::CoreChannel> inner_;
    std::vector<std::string> keys_;
};

void read_key_lines(const fs::path& file, std::vector<std::string>& keys) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("sitepack-ed25519 ", 0) == 0) keys.push_back(line);
}

}  // namespace

std::unique_ptr<ui::CoreChannel> NativePlatform::open_core_channel() {
    return std::make_unique<PinningChannel>(ui::make_thread_channel([this] { wake(); }), trusted_publishers());
}

std::vector<std::string> NativePlatform::trusted_publishers() {
    std::vector<std::string> keys;
    for (const std::string& folder : {executable_folder(nullptr), config_folder_}) {
        if (folder.empty()) continue;
        std::error_code error;
        const fs::path base = fs::u8path(folder);
        read_key_lines(base / "trusted-publishers.txt", keys);
        for (const auto& entry : fs::directory_iterator(base / "publishers", error))
            if (entry.path().extension() == ".pub") read_key_lines(entry.path(), keys);
    }
    return keys;
}

std::string executable_folder(const char* argv0) {
    std::error_code error;
#ifndef _WIN32
    fs::path self = fs::read_symlink("/proc/self/exe", error);
    if (!error) return self.parent_path().string();
#endif
    fs::path guess = fs::absolute(argv0 ? argv0 : "", error);
    return error ? "" : guess.parent_path().string();
}

}  // namespace sitepack::native
