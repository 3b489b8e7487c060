// progress.cpp: the progress line of long CLI jobs (see progress.h).
#include "progress.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#if defined(_WIN32)
#include <io.h>
#else
#include <sys/ioctl.h>
#include <unistd.h>
#endif

namespace sitepack::cli {

namespace {

// Below this much elapsed time a rate is noise (a burst of the first
// items), and an ETA computed from it would jump around wildly.
constexpr double kMinElapsedForRate = 0.5;

// "1 file", "2 files": units are plural English nouns ending in "s".
std::string with_unit(int64_t count, const std::string& unit) {
    std::string text = std::to_string(count);
    if (unit.empty()) return text;
    if (count == 1 && unit.size() > 1 && unit.back() == 's') return text + " " + unit.substr(0, unit.size() - 1);
    return text + " " + unit;
}

}  // namespace

std::string format_clock(double seconds) {
    if (!(seconds > 0)) seconds = 0;  // also catches NaN
    auto total = static_cast<int64_t>(seconds);
    int64_t hours = total / 3600;
    int64_t minutes = (total % 3600) / 60;
    int64_t secs = total % 60;
    char text[48];
    if (hours > 0)
        std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(hours),
                      static_cast<long long>(minutes), static_cast<long long>(secs));
    else
        std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(minutes),
                      static_cast<long long>(secs));
    return text;
}

std::string format_bytes(double bytes) {
    if (!(bytes > 0)) bytes = 0;
    if (bytes < 1000) return std::to_string(static_cast<int64_t>(bytes)) + " B";
    static const char* const units[] = {"kB", "MB", "GB", "TB", "PB"};
    double value = bytes / 1000;
    size_t unit = 0;
    // 999.96 kB would print as "1000.0 kB": move up a unit before that.
    while (value >= 999.95 && unit + 1 < sizeof units / sizeof units[0]) {
        value /= 1000;
        ++unit;
    }
    char text[48];
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
    return text;
}

ProgressReporter::ProgressReporter(std::ostream& out, ProgressOptions options)
    : out_(out), options_(std::move(options)) {
    if (options_.bar_width < 1) options_.bar_width = 1;
}

ProgressReporter::~ProgressReporter() { finish(); }

bool ProgressReporter::stderr_is_terminal() {
#if defined(_WIN32)
    if (!_isatty(2)) return false;
#else
    if (!isatty(STDERR_FILENO)) return false;
#endif
    // Emacs shell buffers and some CI runners set TERM=dumb: \r does not
    // redraw there, every frame would pile up as its own line.
    const char* term = std::getenv("TERM");
    return term != nullptr && *term != '\0' && std::strcmp(term, "dumb") != 0;
}

int ProgressReporter::stderr_columns() {
#if !defined(_WIN32)
    struct winsize size {};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
#endif
    if (const char* columns = std::getenv("COLUMNS")) {
        int value = std::atoi(columns);
        if (value > 0) return value;
    }
    return 0;
}

double ProgressReporter::now() const {
    if (options_.clock) return options_.clock();
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void ProgressReporter::update(const std::string& stage, int64_t done, int64_t total,
                              const std::string& unit, int64_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (options_.quiet) return;
    double t = now();

    if (stage != stage_ || stage_.empty()) {
        finish_locked();
        stage_ = stage.empty() ? std::string("working") : stage;
        done_ = 0;
        bytes_ = -1;
        stage_start_ = t;
        line_drawn_ = false;
        drawn_length_ = 0;
        drawn_done_ = -1;
        spinner_ = 0;
        last_step_ = -1;
        last_printed_done_ = -1;
        last_print_ = t;
    }
    // Worker threads report concurrently, so a smaller count can arrive
    // after a larger one: never let the display go backwards.
    done_ = std::max(done_, std::max<int64_t>(done, 0));
    total_ = total > 0 ? total : 0;
    unit_ = unit;
    if (bytes >= 0) bytes_ = std::max(bytes_, bytes);

    if (options_.terminal) {
        // The first frame and the completed state are always drawn so the
        // screen never lies about where the stage stands; in between, at
        // most one redraw per interval keeps the terminal (and a remote
        // session over ssh) from drowning in output.
        bool complete = total_ > 0 && done_ >= total_ && drawn_done_ != done_;
        if (!line_drawn_ || complete || t - last_draw_ >= options_.redraw_interval)
            draw_terminal_locked(false);
        return;
    }

    // A log gets the stage's first line (it has begun) and its completion
    // at once; in between, a line per 10% step reached, but never more than
    // one per interval: a fast stage is two lines, not eleven.
    bool first = last_printed_done_ < 0;
    bool waited = t - last_print_ >= options_.plain_interval;
    if (total_ > 0) {
        int64_t step = std::min<int64_t>(10, done_ * 10 / total_);
        if (step > last_step_ && (first || waited || done_ >= total_)) {
            last_step_ = step;
            print_plain_locked();
        }
    } else if (first || (done_ != last_printed_done_ && waited)) {
        print_plain_locked();
    }
}

void ProgressReporter::message(const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    bool redraw = options_.terminal && line_drawn_ && !stage_.empty();
    if (redraw) clear_terminal_line_locked();
    out_ << line << '\n';
    if (redraw) {
        // The bar was blanked: nothing of it is on screen to overwrite.
        drawn_length_ = 0;
        draw_terminal_locked(false);
    }
    out_.flush();
}

void ProgressReporter::finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    finish_locked();
}

void ProgressReporter::finish_locked() {
    if (stage_.empty()) return;
    if (options_.terminal) {
        draw_terminal_locked(true);
        out_ << '\n';
    } else if (done_ != last_printed_done_) {
        // The stage ended between two printed lines (or before reaching
        // 100%): its last count is worth a line of its own.
        print_plain_locked();
    }
    out_.flush();
    stage_.clear();
    line_drawn_ = false;
    drawn_length_ = 0;
}

std::string ProgressReporter::counts_text() const {
    // A stage that counts nothing ("training dictionary" reports 0 of 0)
    // shows no number rather than a meaningless 0.
    if (total_ <= 0 && done_ <= 0) return "";
    if (total_ > 0) return std::to_string(done_) + "/" + with_unit(total_, unit_);
    return with_unit(done_, unit_);
}

std::string ProgressReporter::rate_text(double elapsed) const {
    if (elapsed < kMinElapsedForRate) return "";
    char text[64];
    if (bytes_ > 0) return format_bytes(static_cast<double>(bytes_) / elapsed) + "/s";
    if (done_ <= 0) return "";
    double rate = static_cast<double>(done_) / elapsed;
    std::snprintf(text, sizeof text, rate < 10 ? "%.1f" : "%.0f", rate);
    return std::string(text) + (unit_.empty() ? "/s" : " " + unit_ + "/s");
}

void ProgressReporter::print_plain_locked() {
    double t = now();
    std::string counts = counts_text();
    std::string line = counts.empty() ? stage_ + "..." : stage_ + ": " + counts;
    if (total_ > 0) {
        int64_t percent = std::min<int64_t>(100, done_ * 100 / total_);
        line += " (" + std::to_string(percent) + "%)";
        if (done_ >= total_) line += " in " + format_clock(t - stage_start_);
    }
    out_ << line << '\n';
    out_.flush();
    last_printed_done_ = done_;
    last_print_ = t;
}

void ProgressReporter::draw_terminal_locked(bool final_draw) {
    double t = now();
    double elapsed = t - stage_start_;

    std::string bar;
    std::string percent;
    if (total_ > 0) {
        int64_t width = options_.bar_width;
        int64_t filled = std::min<int64_t>(width, done_ * width / total_);
        bar = "[" + std::string(static_cast<size_t>(filled), '#') +
              std::string(static_cast<size_t>(width - filled), '.') + "]";
        char text[16];
        std::snprintf(text, sizeof text, "%3lld%%",
                      static_cast<long long>(std::min<int64_t>(100, done_ * 100 / total_)));
        percent = text;
    } else if (!final_draw) {
        static const char spinner[] = {'|', '/', '-', '\\'};
        bar = std::string(1, spinner[spinner_++ % 4]);
    }

    std::string rate = rate_text(elapsed);
    std::string tail;
    if (final_draw) {
        tail = "in " + format_clock(elapsed);
    } else if (total_ > 0 && done_ < total_ && elapsed >= kMinElapsedForRate && done_ > 0) {
        double per_second = static_cast<double>(done_) / elapsed;
        tail = "ETA " + format_clock(static_cast<double>(total_ - done_) / per_second);
    }

    // Most important first: what is done, then how far, then the rest. On a
    // narrow terminal the optional parts go first, since a line longer than
    // the terminal wraps and \r then redraws only its last row.
    auto compose = [&](bool with_bar, bool with_rate, bool with_tail) {
        std::string line = stage_;
        if (with_bar && !bar.empty()) line += " " + bar;
        if (std::string counts = counts_text(); !counts.empty()) line += " " + counts;
        if (!percent.empty()) line += "  " + percent;
        if (with_rate && !rate.empty()) line += "  " + rate;
        if (with_tail && !tail.empty()) line += "  " + tail;
        return line;
    };
    std::string line = compose(true, true, true);
    if (options_.columns > 0) {
        size_t limit = static_cast<size_t>(std::max(options_.columns - 1, 1));
        if (line.size() > limit) line = compose(true, false, true);
        if (line.size() > limit) line = compose(false, false, true);
        if (line.size() > limit) line = compose(false, false, false);
        if (line.size() > limit) line.resize(limit);
    }

    std::string output = "\r" + line;
    // Blank what a longer previous frame left behind (a shrinking ETA).
    if (line.size() < drawn_length_) output += std::string(drawn_length_ - line.size(), ' ');
    out_ << output;
    out_.flush();
    drawn_length_ = line.size();
    drawn_done_ = done_;
    line_drawn_ = true;
    last_draw_ = t;
}

void ProgressReporter::clear_terminal_line_locked() {
    out_ << '\r' << std::string(drawn_length_, ' ') << '\r';
}

}  // namespace sitepack::cli
