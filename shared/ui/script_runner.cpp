// script_runner.cpp: the --script automation mode (see script_runner.h).
#include "sitepack/ui/script_runner.h"

#include "app_impl.h"

namespace sitepack::ui {
namespace {

std::string trim(const std::string& text) {
    const size_t begin = text.find_first_not_of(" \t\r");
    if (begin == std::string::npos) return "";
    const size_t end = text.find_last_not_of(" \t\r");
    return text.substr(begin, end - begin + 1);
}

std::string unquote(const std::string& text) {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') return text.substr(1, text.size() - 2);
    return text;
}

const char* const kCommands[] = {"open", "click", "search", "result", "back", "forward", "home", "scroll", "zoom",
                                 "theme", "find", "key", "select", "type", "resize", "wait", "screenshot", "dump", "expect", "frames"};

}  // namespace

Status ScriptRunner::load(const std::string& text) {
    steps_.clear();
    next_ = 0;
    int number = 0;
    for (const std::string_view raw : text_lines(text)) {
        ++number;
        const std::string line = trim(std::string(raw));
        if (line.empty() || line[0] == '#') continue;
        const size_t space = line.find_first_of(" \t");
        Step step;
        step.line = number;
        step.command = line.substr(0, space);
        step.argument = space == std::string::npos ? "" : unquote(trim(line.substr(space)));
        bool known = false;
        for (const char* command : kCommands) known = known || step.command == command;
        if (!known) return Status(ErrorCode::invalid_argument, "script line " + std::to_string(number) + ": unknown step \"" + step.command + "\"");
        steps_.push_back(step);
    }
    return {};
}

void ScriptRunner::platform_done(const Status& status) {
    if (!status.ok()) platform_error_ = status.message();
}

std::vector<ScriptRunner::FileWrite> ScriptRunner::take_file_writes() {
    std::vector<FileWrite> out;
    out.swap(writes_);
    return out;
}

ScriptAction ScriptRunner::step(ReaderApp& app) {
    ScriptAction action;
    auto fail = [&](const Step& step, const std::string& why) {
        action.kind = ScriptAction::Kind::failed;
        action.message = "script line " + std::to_string(step.line) + " (" + step.command +
                         (step.argument.empty() ? "" : " " + step.argument) + "): " + why;
        return action;
    };
    if (!platform_error_.empty()) return fail(steps_[next_ - 1], platform_error_);
    if (!pointer_moves_.empty()) {
        // One pointer event a frame, as a hand would make them.
        action = pointer_moves_.front();
        pointer_moves_.erase(pointer_moves_.begin());
        return action;
    }
    if (settling_) {
        // Settled = idle for three frames in a row (a response can start
        // new work, e.g. images, one frame later).
        if (app.idle()) {
            if (++settle_frames_ >= 3) settling_ = false;
        } else {
            settle_frames_ = 0;
        }
        if (settling_ && ++waited_frames_ > 3000) return fail(steps_[next_ - 1], "the reader did not settle (still busy)");
        if (settling_) return action;
    }
    if (next_ >= steps_.size()) { action.kind = ScriptAction::Kind::finished; return action; }
    const Step& step = steps_[next_++];
    settling_ = true;
    settle_frames_ = 0;
    waited_frames_ = 0;
    Status status;
    const std::string& arg = step.argument;
    if (step.command == "open") status = app.script_open(arg);
    else if (step.command == "click") status = app.script_click(arg);
    else if (step.command == "search") status = app.script_search(arg);
    else if (step.command == "type") status = app.script_type(arg);
    else if (step.command == "result") status = app.script_result(std::atoi(arg.c_str()));
    else if (step.command == "back") status = app.script_back();
    else if (step.command == "forward") status = app.script_forward();
    else if (step.command == "home") status = app.script_home();
    else if (step.command == "scroll") status = app.script_scroll(static_cast<float>(std::atof(arg.c_str())));
    else if (step.command == "zoom") status = app.script_zoom(std::atoi(arg.c_str()));
    else if (step.command == "theme") status = app.script_theme(arg);
    else if (step.command == "find") status = app.script_find(arg);
    else if (step.command == "key") status = app.script_key(arg);
    else if (step.command == "select") {
        const Result<ReaderApp::ScreenSpan> span = app.script_selection_span(arg);
        if (!span.ok()) return fail(step, span.error().message);
        auto pointer = [](float x, float y, int button) {
            ScriptAction move; move.kind = ScriptAction::Kind::pointer; move.x = x; move.y = y; move.button = button; return move;
        };
        const ReaderApp::ScreenSpan& at = span.value();
        pointer_moves_ = {pointer(at.from_x, at.from_y, -1), pointer(at.from_x, at.from_y, 1),
                          pointer((at.from_x + at.to_x) * 0.5f, (at.from_y + at.to_y) * 0.5f, -1),
                          pointer(at.to_x, at.to_y, -1), pointer(at.to_x, at.to_y, 0)};
    }
    else if (step.command == "wait" || step.command == "frames") status = {};
    else if (step.command == "dump") writes_.push_back({arg, app.dump_json()});
    else if (step.command == "expect") {
        if (app.dump_json().find(arg) == std::string::npos) return fail(step, "the reader's state does not contain \"" + arg + "\"");
    } else if (step.command == "resize") {
        int width = 0, height = 0;
        if (std::sscanf(arg.c_str(), "%d %d", &width, &height) != 2 || width < 200 || height < 150)
            return fail(step, "resize needs a width and height (at least 200 150)");
        action.kind = ScriptAction::Kind::resize;
        action.width = width;
        action.height = height;
    } else if (step.command == "screenshot") {
        if (arg.empty()) return fail(step, "screenshot needs a file name");
        action.kind = ScriptAction::Kind::screenshot;
        action.path = arg;
    }
    if (!status.ok()) return fail(step, status.message());
    return action;
}

}  // namespace sitepack::ui
