// main.cpp: the desktop reader: a GLFW window with OpenGL 3 and Dear ImGui,
// hosting shared/ui's ReaderApp.
//
//   sitepack-reader [BUNDLE]                 read a bundle
//   sitepack-reader --script FILE [--bundle BUNDLE]   automation for tests
//
// Bundle choice: the command line; else a .sitepack file beside the
// executable (the USB stick case); else the one opened last; else the
// in-app file chooser. When nothing moves the loop sleeps in
// glfwWaitEvents(): an idle reader costs no CPU.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_opengl3_loader.h"
#include "imgui_internal.h"  // ImGuiContext::InputEventsQueue

#include "native_platform.h"
#include "sitepack/ui/reader_app.h"
#include "sitepack/ui/script_runner.h"

namespace fs = std::filesystem;
using namespace sitepack;

namespace {

struct Options {
    std::string bundle, script;
};

bool parse(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--script" && i + 1 < argc) options.script = argv[++i];
        else if (arg == "--bundle" && i + 1 < argc) options.bundle = argv[++i];
        else if (arg == "--help" || arg == "-h") return false;
        else if (!arg.empty() && arg[0] != '-' && options.bundle.empty()) options.bundle = arg;
        else { std::fprintf(stderr, "sitepack-reader: unknown argument %s\n", arg.c_str()); return false; }
    }
    return true;
}

std::string bundle_beside(const std::string& folder) {
    std::error_code error;
    if (folder.empty()) return "";
    for (const auto& entry : fs::directory_iterator(native::path_of(folder), error))
        if (entry.path().extension() == ".sitepack") return native::utf8_of(entry.path());
    return "";
}

// GL 3.0 with GLSL 130 first (old laptops' drivers have it); else whatever
// context the driver gives, with GLSL 120 (GL 2.1).
GLFWwindow* create_window(const char*& glsl) {
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glsl = "#version 130";
    GLFWwindow* window = glfwCreateWindow(1280, 800, "sitepack reader", nullptr, nullptr);
    if (window) return window;
    glfwDefaultWindowHints();
    glsl = "#version 120";
    return glfwCreateWindow(1280, 800, "sitepack reader", nullptr, nullptr);
}

}  // namespace

static int run_reader(int argc, char** argv) {
    Options options;
    if (!parse(argc, argv, options)) {
        std::fprintf(stderr, "usage: sitepack-reader [BUNDLE] | --script FILE [--bundle BUNDLE]\n");
        return 2;
    }
    ui::ScriptRunner runner;
    if (!options.script.empty()) {
        std::ifstream in(native::path_of(options.script));
        if (!in) { std::fprintf(stderr, "sitepack-reader: cannot read script %s\n", options.script.c_str()); return 2; }
        std::stringstream text;
        text << in.rdbuf();
        Status loaded = runner.load(text.str());
        if (!loaded) { std::fprintf(stderr, "sitepack-reader: %s\n", loaded.message().c_str()); return 2; }
    }

    glfwSetErrorCallback([](int code, const char* text) { std::fprintf(stderr, "GLFW error %d: %s\n", code, text); });
    if (!glfwInit()) { std::fprintf(stderr, "sitepack-reader: no display (GLFW could not start)\n"); return 1; }
    const char* glsl = nullptr;
    GLFWwindow* window = create_window(glsl);
    if (!window) { std::fprintf(stderr, "sitepack-reader: cannot create an OpenGL window\n"); glfwTerminate(); return 1; }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(options.script.empty() ? 1 : 0);

    float scale_x = 1, scale_y = 1;
    glfwGetWindowContentScale(window, &scale_x, &scale_y);
    const float scale = std::max(1.0f, scale_y);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // never write imgui.ini beside the reader (a read-only stick)
    io.LogFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    if (!ImGui_ImplOpenGL3_Init(glsl)) { std::fprintf(stderr, "sitepack-reader: OpenGL setup failed\n"); return 1; }

    native::NativePlatform platform(window);
    native::GlTextureFactory textures;
    int exit_code = 0;
    {
        ui::ReaderApp app(platform, textures, scale);
        std::string bundle = options.bundle;
        if (bundle.empty() && options.script.empty()) bundle = bundle_beside(native::executable_folder(argv[0]));
        if (bundle.empty() && options.script.empty()) bundle = app.last_bundle_path();
        if (!bundle.empty()) app.open_bundle(bundle);
        else app.show_file_chooser("");

        int extra_frames = 3;  // ImGui settles hover and layout over a couple of frames
        bool animating = true;
        std::string title;
        while (!glfwWindowShouldClose(window)) {
            if (!options.script.empty() || animating || extra_frames > 0) {
                glfwPollEvents();
                if (extra_frames > 0) --extra_frames;
            } else if (io.WantTextInput) {
                glfwWaitEventsTimeout(0.5);  // the text cursor blinks
                extra_frames = 2;
            } else {
                glfwWaitEvents();
                extra_frames = 2;
            }
            app.before_new_frame();
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            ImGui::NewFrame();
            animating = app.frame();
            ImGui::Render();
            // ImGui takes one change of a mouse button or position per frame:
            // events that came at once (a tap, a double click) need a frame each.
            if (!ImGui::GetCurrentContext()->InputEventsQueue.empty()) extra_frames = std::max(extra_frames, 1);
            if (app.window_title() != title) { title = app.window_title(); glfwSetWindowTitle(window, title.c_str()); }
            int width = 0, height = 0;
            glfwGetFramebufferSize(window, &width, &height);
            glViewport(0, 0, width, height);
            glClearColor(0.5f, 0.5f, 0.5f, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            app.after_render();

            if (!options.script.empty()) {
                ui::ScriptAction action = runner.step(app);
                for (const auto& write : runner.take_file_writes()) {
                    std::ofstream out(write.path, std::ios::binary);
                    out << write.contents;
                    if (!out) runner.platform_done(Status(ErrorCode::io, "cannot write " + write.path));
                }
                if (action.kind == ui::ScriptAction::Kind::screenshot)
                    runner.platform_done(native::save_screenshot(action.path, width, height));
                else if (action.kind == ui::ScriptAction::Kind::resize)
                    glfwSetWindowSize(window, action.width, action.height);
                else if (action.kind == ui::ScriptAction::Kind::pointer) {
                    // The real pointer moves too: ImGui's GLFW backend reads it back.
                    glfwSetCursorPos(window, action.x, action.y);
                    ImGui::GetIO().AddMousePosEvent(action.x, action.y);
                    if (action.button >= 0) ImGui::GetIO().AddMouseButtonEvent(ImGuiMouseButton_Left, action.button == 1);
                }
                else if (action.kind == ui::ScriptAction::Kind::finished)
                    glfwSetWindowShouldClose(window, 1);
                else if (action.kind == ui::ScriptAction::Kind::failed) {
                    std::fprintf(stderr, "sitepack-reader: %s\n", action.message.c_str());
                    exit_code = 3;
                    glfwSetWindowShouldClose(window, 1);
                }
            }
            glfwSwapBuffers(window);
        }
        app.shutdown();
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return exit_code;
}

#ifdef _WIN32
// Windows gives the command line in UTF-16 (-municode): a bundle in a folder
// named in Korean or Japanese must still open.
int wmain(int argc, wchar_t** wide_argv) {
    std::vector<std::string> arguments = native::utf8_arguments(argc, wide_argv);
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    return run_reader(argc, argv.data());
}
#else
int main(int argc, char** argv) { return run_reader(argc, argv); }
#endif
