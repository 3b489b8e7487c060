// progress.h: telling the person at the terminal how far a long job has got.
//
// `sitepack build` on a large site runs for minutes; `sitepack verify` on a
// big bundle too. The reporter shows where the work stands without flooding
// the screen or a log file:
//
//   * on a terminal, one line redrawn in place (with \r) at most ~10 times a
//     second:
//       extracting [#########...........] 2300/5000 pages  46%  410 pages/s  ETA 0:06
//     or, when the total is not known yet, a spinner and a count:
//       reading | 1234 records  410 records/s
//     When the stage ends its line is drawn a last time, with the time taken
//     instead of the ETA, and left on screen.
//   * elsewhere (a pipe, a CI log, TERM=dumb), plain lines: the stage's
//     first line, then one per 10% step reached but at most one every 5
//     seconds ("compressing: 2500/5000 pages (50%)"), and its completion
//     ("compressing: 5000/5000 pages (100%) in 0:42"); without a total, a
//     count every 5 seconds at most ("extracting: 1234 files") and the
//     final count when the stage ends. A fast stage is two lines, a slow
//     one at most twelve.
//
// A new stage name finishes the previous stage's line. Everything goes to
// one stream (stderr in the CLI, so stdout stays clean for the results).
// Every member is thread-safe: the builder reports from worker threads.
// The output stream, the clock and the is-a-terminal flag are injected so
// the tests can drive it deterministically.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>

namespace sitepack::cli {

struct ProgressOptions {
    bool terminal = false;   // redraw one line in place instead of printing plain lines
    bool quiet = false;      // show no progress at all (message() still prints)
    // Monotonic time in seconds; empty: std::chrono::steady_clock.
    std::function<double()> clock;
    double redraw_interval = 0.1;  // terminal: least time between two redraws
    double plain_interval = 5.0;   // plain lines: least time between two (first and last excepted)
    int bar_width = 20;            // characters between the brackets
    int columns = 0;               // terminal width; 0: unknown (no shortening)
};

class ProgressReporter {
public:
    ProgressReporter(std::ostream& out, ProgressOptions options);
    ~ProgressReporter();  // finishes the current line

    ProgressReporter(const ProgressReporter&) = delete;
    ProgressReporter& operator=(const ProgressReporter&) = delete;

    // `done` of `total` units of `stage` are complete (`total` <= 0: unknown).
    // `unit` names what is counted ("pages"); "" counts plain numbers.
    // `bytes`, when >= 0, is the number of bytes processed so far in this
    // stage and makes the rate show as MB/s instead of units per second.
    void update(const std::string& stage, int64_t done, int64_t total,
                const std::string& unit = "", int64_t bytes = -1);

    // Prints a line of its own (a warning) without tearing the progress
    // line: on a terminal the bar is cleared, the line printed and the bar
    // drawn again below it. Printed even when quiet.
    void message(const std::string& line);

    // Ends the current stage: draws its final state and ends the line.
    // Call before printing anything else to the same stream.
    void finish();

    // True when stderr is a terminal that understands \r redraws: isatty
    // and TERM set and not "dumb".
    static bool stderr_is_terminal();
    // The width of the terminal on stderr (or $COLUMNS); 0 when unknown.
    static int stderr_columns();

private:
    double now() const;
    void finish_locked();
    void draw_terminal_locked(bool final_draw);
    void print_plain_locked();
    std::string counts_text() const;
    std::string rate_text(double elapsed) const;
    void clear_terminal_line_locked();

    std::ostream& out_;
    ProgressOptions options_;
    std::mutex mutex_;

    // The stage in progress ("" when none).
    std::string stage_;
    std::string unit_;
    int64_t done_ = 0;
    int64_t total_ = 0;
    int64_t bytes_ = -1;
    double stage_start_ = 0;

    // Terminal mode: what is on screen.
    bool line_drawn_ = false;       // the current stage's bar is on screen
    size_t drawn_length_ = 0;       // characters of the bar on screen, to blank leftovers
    int64_t drawn_done_ = -1;       // `done` shown by the last frame
    double last_draw_ = 0;
    int spinner_ = 0;

    // Plain mode: what has been printed for this stage.
    int64_t last_step_ = -1;         // last 10% step printed (0..10), -1: none
    int64_t last_printed_done_ = -1; // `done` of the last line printed
    double last_print_ = 0;
};

// Helpers shared with the CLI's summaries, exposed for the tests.

// "0:07", "12:34", "1:02:03" (hours appear only when needed).
std::string format_clock(double seconds);
// 999 -> "999 B", 2100000 -> "2.1 MB" (decimal units, as disks are sold).
std::string format_bytes(double bytes);

}  // namespace sitepack::cli
