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
#include "stb_image_write.h"  // the pinned stb source (.deps/src/stb)

#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <shellapi.h>
#else
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

#ifdef _WIN32
std::wstring wide_of(const std::string& utf8) {
    if (utf8.empty()) return {};
    const int length = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
    std::wstring wide(static_cast<size_t>(length), L'\0');
    MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), wide.data(), length);
    return wide;
}

std::string utf8_of_wide(const wchar_t* wide) {
    if (!wide || !*wide) return {};
    const int length = WideCharToMultiByte(CP_UTF8, 0, wide, -1, nullptr, 0, nullptr, nullptr);
    std::string utf8(static_cast<size_t>(length > 0 ? length - 1 : 0), '\0');
    if (length > 1) WideCharToMultiByte(CP_UTF8, 0, wide, -1, utf8.data(), length, nullptr, nullptr);
    return utf8;
}

// The environment as UTF-8: getenv() would give the ANSI code page, which
// mangles a user name in Korean or Japanese.
std::string env(const char* name) {
    const std::wstring wide_name = wide_of(name);
    return utf8_of_wide(_wgetenv(wide_name.c_str()));
}
#else
std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}
#endif

}  // namespace

// The reader's paths are UTF-8 strings everywhere; std::filesystem on
// Windows would read a plain std::string in the ANSI code page.
fs::path path_of(const std::string& utf8) { return fs::u8path(utf8); }
std::string utf8_of(const fs::path& path) { return path.u8string(); }

#ifdef _WIN32
std::vector<std::string> utf8_arguments(int argc, wchar_t** argv) {
    std::vector<std::string> arguments;
    for (int i = 0; i < argc; ++i) arguments.push_back(utf8_of_wide(argv[i]));
    return arguments;
}
#endif

NativePlatform::NativePlatform(GLFWwindow* window) : window_(window) {
    // Settings live with the user, never on the (possibly read-only) stick.
#ifdef _WIN32
    std::string base = env("APPDATA");
#else
    std::string base = env("XDG_CONFIG_HOME");
    if (base.empty() && !env("HOME").empty()) base = env("HOME") + "/.config";
#endif
    config_folder_ = base.empty() ? "" : utf8_of(path_of(base) / "sitepack");
}

Result<std::string> NativePlatform::read_config(const std::string& name) {
    if (config_folder_.empty()) return Error{ErrorCode::not_found, "no config folder"};
    const fs::path path = path_of(config_folder_) / name;
    std::error_code error;
    if (!fs::exists(path, error)) return Error{ErrorCode::not_found, utf8_of(path) + " does not exist"};
    return read_file(path);
}

Status NativePlatform::write_config(const std::string& name, const std::string& contents) {
    if (config_folder_.empty()) return Status(ErrorCode::io, "no config folder (HOME is not set)");
    std::error_code error;
    fs::create_directories(path_of(config_folder_), error);
    // Write then rename, so a crash never leaves half a settings file.
    const fs::path path = path_of(config_folder_) / name;
    const fs::path temporary = path_of(config_folder_) / (name + ".tmp");
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) return Status(ErrorCode::io, "cannot write " + utf8_of(temporary));
        out << contents;
        if (!out) return Status(ErrorCode::io, "cannot write " + utf8_of(temporary));
    }
    fs::rename(temporary, path, error);
    if (error) return Status(ErrorCode::io, "cannot replace " + utf8_of(path) + ": " + error.message());
    return {};
}

Result<std::vector<ui::DirectoryEntry>> NativePlatform::list_directory(const std::string& path) {
    std::vector<ui::DirectoryEntry> entries;
    std::error_code error;
    fs::directory_iterator it(path_of(path), fs::directory_options::skip_permission_denied, error);
    if (error) return Error{ErrorCode::io, "Cannot list " + path + ": " + error.message()};
    for (; it != fs::directory_iterator(); it.increment(error)) {
        if (error) break;
        ui::DirectoryEntry entry;
        entry.name = utf8_of(it->path().filename());
        std::error_code kind_error;
        entry.is_directory = it->is_directory(kind_error);
        if (!entry.is_directory) entry.size = static_cast<int64_t>(it->file_size(kind_error));
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::string NativePlatform::home_folder() const {
#ifdef _WIN32
    std::string home = env("USERPROFILE");
#else
    std::string home = env("HOME");
#endif
    std::error_code error;
    return home.empty() ? utf8_of(fs::current_path(error)) : home;
}

char NativePlatform::path_separator() const { return static_cast<char>(fs::path::preferred_separator); }

Status NativePlatform::open_in_browser(const std::string& url) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        return Status(ErrorCode::invalid_argument, "only web addresses are opened");
#ifdef _WIN32
    // ShellExecute hands the address to the default browser; the check above
    // keeps it from ever starting a program or opening a local file.
    const std::wstring address = wide_of(url);
    const auto started = reinterpret_cast<intptr_t>(
        ShellExecuteW(nullptr, L"open", address.c_str(), nullptr, nullptr, SW_SHOWNORMAL));
    if (started <= 32) return Status(ErrorCode::io, "Windows could not open the browser for " + url);
    return {};
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
#ifdef _WIN32
    // Windows' own faces: Segoe UI for Latin text; Yu Gothic or MS Gothic
    // for Japanese; Malgun Gothic has Hangul but no kana, so it comes last.
    std::string windows = env("WINDIR");
    if (windows.empty()) windows = "C:\\Windows";
    const std::string folder = windows + "\\Fonts\\";
    fonts.regular = first({(folder + "segoeui.ttf").c_str(), (folder + "arial.ttf").c_str()});
    fonts.bold = first({(folder + "segoeuib.ttf").c_str(), (folder + "arialbd.ttf").c_str()});
    fonts.italic = first({(folder + "segoeuii.ttf").c_str(), (folder + "ariali.ttf").c_str()});
    fonts.bold_italic = first({(folder + "segoeuiz.ttf").c_str(), (folder + "arialbi.ttf").c_str()});
    fonts.mono = first({(folder + "consola.ttf").c_str(), (folder + "cour.ttf").c_str()});
    if (!with_cjk) return fonts;
    fonts.cjk = first({(folder + "YuGothR.ttc").c_str(), (folder + "msgothic.ttc").c_str(), (folder + "malgun.ttf").c_str()});
    fonts.cjk_face_index = 0;
    return fonts;
#else
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
#endif
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

void read_key_lines(const fs::path& file, std::vector<std::string>& keys) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("sitepack-ed25519 ", 0) == 0) keys.push_back(line);
}

}  // namespace

std::unique_ptr<ui::CoreChannel> NativePlatform::open_core_channel() {
    return ui::make_thread_channel([this] { wake(); });
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
#ifdef _WIN32
    wchar_t self[MAX_PATH * 4] = {};
    const DWORD length = GetModuleFileNameW(nullptr, self, static_cast<DWORD>(std::size(self)));
    if (length > 0 && length < std::size(self)) return utf8_of(fs::path(self).parent_path());
#else
    fs::path self = fs::read_symlink("/proc/self/exe", error);
    if (!error) return utf8_of(self.parent_path());
#endif
    fs::path guess = fs::absolute(path_of(argv0 ? argv0 : ""), error);
    return error ? "" : utf8_of(guess.parent_path());
}

}  // namespace sitepack::native
