// script_runner.h: drives the reader from a script, for tests (--script).
//
// One step a line; blank lines and lines starting with '#' are skipped:
//   open URL_OR_PATH        click "LINK TEXT"       search WORDS
//   result N                back | forward | home   scroll PIXELS
//   zoom +N | -N            theme light|dark        find TEXT
//   key NAME                resize W H              wait
//   select TEXT (drags the mouse over TEXT on screen: a selection)
//   type TEXT (into the search box: title suggestions)
//   screenshot FILE.png     dump FILE.json          expect TEXT (in the dump)
// After each step the runner waits until the reader is idle (responses in,
// scrolling settled) and two more frames are drawn, so a screenshot shows
// the step's result.
#pragma once

#include <string>
#include <vector>

#include "sitepack/result.h"
#include "sitepack/ui/reader_app.h"

namespace sitepack::ui {

// What the platform must do for a step it alone can perform.
struct ScriptAction {
    enum class Kind { none, resize, screenshot, pointer, finished, failed } kind = Kind::none;
    int width = 0, height = 0;
    // pointer: move the real pointer to (x, y), window coordinates, then
    // press (1) or release (0) the left button, or neither (-1).
    float x = 0, y = 0;
    int button = -1;
    std::string path;
    std::string message;  // failed: which step and why
};

class ScriptRunner {
public:
    // Parses the script text; fails naming the first malformed line.
    Status load(const std::string& text);

    // Called once per frame after the reader's frame is drawn and rendered.
    ScriptAction step(ReaderApp& app);

    // The platform reports a screenshot or resize outcome.
    void platform_done(const Status& status);

    // Writes `dump` output; shared/ui cannot touch files, so the runner
    // hands the text back to the platform through this action.
    struct FileWrite { std::string path, contents; };
    std::vector<FileWrite> take_file_writes();

private:
    struct Step { int line = 0; std::string command, argument; };
    std::vector<Step> steps_;
    size_t next_ = 0;
    bool settling_ = true;  // first wait for the bundle to open
    int settle_frames_ = 0;
    int waited_frames_ = 0;
    std::string platform_error_;
    std::vector<FileWrite> writes_;
    std::vector<ScriptAction> pointer_moves_;  // a drag in progress: one a frame
};

}  // namespace sitepack::ui
