// progress_test.cpp: the progress line of `sitepack build` and `sitepack verify`.
#include <doctest/doctest.h>

#include <atomic>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "progress.h"

using namespace sitepack::cli;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

size_t count_of(const std::string& text, const std::string& piece) {
    size_t count = 0;
    for (size_t at = text.find(piece); at != std::string::npos; at = text.find(piece, at + piece.size())) ++count;
    return count;
}

// A clock the test moves by hand.
struct FakeClock {
    double now = 0;
    std::function<double()> function() {
        return [this] { return now; };
    }
};

ProgressOptions plain(FakeClock& clock) {
    ProgressOptions options;
    options.clock = clock.function();
    return options;
}

ProgressOptions terminal(FakeClock& clock) {
    ProgressOptions options = plain(clock);
    options.terminal = true;
    return options;
}

}  // namespace

TEST_CASE("in a log, a slow stage prints one line per 10% step, each step once") {
    std::ostringstream out;
    FakeClock clock;
    {
        ProgressReporter progress(out, plain(clock));
        for (int done = 0; done <= 1000; ++done) {
            clock.now = done / 20.0;  // 50 seconds in all: a step every 5 seconds
            progress.update("compressing", done, 1000, "pages");
            progress.update("compressing", done, 1000, "pages");  // repeated counts add nothing
        }
        progress.finish();
    }
    auto lines = lines_of(out.str());
    REQUIRE(lines.size() == 11);
    CHECK(lines[0] == "compressing: 0/1000 pages (0%)");
    CHECK(lines[1] == "compressing: 100/1000 pages (10%)");
    CHECK(lines[5] == "compressing: 500/1000 pages (50%)");
    CHECK(lines[9] == "compressing: 900/1000 pages (90%)");
    CHECK(lines[10] == "compressing: 1000/1000 pages (100%) in 0:50");
}

TEST_CASE("in a log, a fast stage prints its start and its completion only") {
    std::ostringstream out;
    FakeClock clock;
    ProgressReporter progress(out, plain(clock));
    for (int done = 1; done <= 1000; ++done) {
        clock.now = done / 1000.0;  // one second in all
        progress.update("compressing", done, 1000, "pages");
    }
    progress.finish();
    auto lines = lines_of(out.str());
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "compressing: 1/1000 pages (0%)");
    CHECK(lines[1] == "compressing: 1000/1000 pages (100%) in 0:00");
}

TEST_CASE("in a log, a jump over several steps prints one line with the real count") {
    std::ostringstream out;
    FakeClock clock;
    ProgressReporter progress(out, plain(clock));
    progress.update("writing", 0, 200, "pages");
    clock.now = 6;
    progress.update("writing", 71, 200, "pages");
    clock.now = 12;
    progress.update("writing", 75, 200, "pages");  // still the 30% step
    progress.finish();
    auto lines = lines_of(out.str());
    REQUIRE(lines.size() == 3);
    CHECK(lines[1] == "writing: 71/200 pages (35%)");
    CHECK(lines[2] == "writing: 75/200 pages (37%)");  // the stage ended between steps: its last count
}

TEST_CASE("in a log, a count without a total prints at most every 5 seconds and its final count") {
    std::ostringstream out;
    FakeClock clock;
    {
        ProgressReporter progress(out, plain(clock));
        for (int done = 1; done <= 48; ++done) {
            clock.now += 0.25;  // 12 seconds in all
            progress.update("extracting", done, 0, "files");
        }
    }  // the destructor finishes the stage
    auto lines = lines_of(out.str());
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "extracting: 1 file");
    CHECK(lines[1] == "extracting: 21 files");  // 5 s later
    CHECK(lines[2] == "extracting: 41 files");  // 10 s
    CHECK(lines[3] == "extracting: 48 files");  // the stage's end
}

TEST_CASE("in a log, a stage that counts nothing prints its name once") {
    std::ostringstream out;
    FakeClock clock;
    ProgressReporter progress(out, plain(clock));
    progress.update("training dictionary", 0, 0);
    clock.now += 30;
    progress.update("training dictionary", 0, 0);
    progress.finish();
    CHECK(out.str() == "training dictionary...\n");
}

TEST_CASE("on a terminal, the line is redrawn at most about 10 times a second") {
    std::ostringstream out;
    FakeClock clock;
    ProgressReporter progress(out, terminal(clock));
    for (int done = 1; done <= 1000; ++done) {
        clock.now += 0.001;  // 1000 updates in one second
        progress.update("extracting", done, 1000, "pages");
    }
    std::string drawn = out.str();
    size_t frames = count_of(drawn, "\r");
    CHECK(frames >= 10);
    CHECK(frames <= 12);  // first frame, one per 0.1 s, and the completed state
    CHECK(drawn.find("1000/1000 pages  100%") != std::string::npos);
    CHECK(drawn.find('\n') == std::string::npos);  // all in place, on one line
    progress.finish();
    CHECK(out.str().back() == '\n');
}

TEST_CASE("on a terminal, the line shows a bar, the counts, the rate and the time left") {
    std::ostringstream out;
    FakeClock clock;
    ProgressReporter progress(out, terminal(clock));
    progress.update("extracting", 0, 5000, "pages");
    CHECK(out.str() == "\rextracting [....................] 0/5000 pages    0%");
    out.str("");
    clock.now = 2.0;
    progress.update("extracting", 1000, 5000, "pages");
    CHECK(out.str() == "\rextracting [####................] 1000/5000 pages   20%  500 pages/s  ETA 0:08");
    out.str("");
    clock.now = 10.0;
    progress.update("extracting", 5000, 5000, "pages");
    progress.finish();
    // The completed frame is shorter than the one with the ETA: blanked with spaces.
    CHECK(out.str() ==
          "\rextracting [####################] 5000/5000 pages  100%  500 pages/s" + std::string(10, ' ') +
          "\rextracting [####################] 5000/5000 pages  100%  500 pages/s  in 0:10\n");
}

TEST_CASE("on a terminal, an unknown total shows a spinner and a count") {
    std::ostringstream out;
    FakeClock clock;
    ProgressReporter progress(out, terminal(clock));
    progress.update("extracting", 1, 0, "files");
    CHECK(out.str() == "\rextracting | 1 file");
    out.str("");
    clock.now = 1.0;
    progress.update("extracting", 400, 0, "files");
    CHECK(out.str() == "\rextracting / 400 files  400 files/s");
}

TEST_CASE("on a terminal, a warning gets a line of its own and the bar is drawn again below it") {
    std::ostringstream out;
    FakeClock clock;
    ProgressReporter progress(out, terminal(clock));
    progress.update("verifying", 1, 10, "items");
    clock.now = 1.0;
    progress.update("verifying", 5, 10, "items");  // gains "  5.0 items/s  ETA 0:01"
    std::string all = out.str();
    std::string longer = all.substr(all.rfind('\r') + 1);
    out.str("");
    progress.message("warning: page x: no title");
    std::string shown = out.str();
    // Cleared with spaces, the warning on its own line, then the bar again.
    CHECK(shown.rfind("\r" + std::string(longer.size(), ' ') + "\rwarning: page x: no title\n\rverifying [", 0) == 0);
}

TEST_CASE("on a narrow terminal, the line drops the rate and the bar rather than wrap") {
    std::ostringstream out;
    FakeClock clock;
    ProgressOptions options = terminal(clock);
    options.columns = 40;
    ProgressReporter progress(out, options);
    clock.now = 3.0;
    progress.update("compressing", 1234, 5000, "pages");
    std::string frame = out.str().substr(1);
    CHECK(frame.size() <= 39);
    CHECK(frame.find("1234/5000 pages") != std::string::npos);
}

TEST_CASE("a new stage finishes the previous stage's line") {
    SUBCASE("on a terminal") {
        std::ostringstream out;
        FakeClock clock;
        ProgressReporter progress(out, terminal(clock));
        progress.update("compressing", 3, 4, "pages");
        clock.now = 1.0;
        progress.update("writing", 1, 4, "pages");
        std::string shown = out.str();
        size_t newline = shown.find('\n');
        REQUIRE(newline != std::string::npos);
        CHECK(shown.substr(0, newline).find("compressing [###############.....] 3/4 pages   75%  3.0 pages/s  in 0:01") !=
              std::string::npos);
        CHECK(shown.substr(newline + 1).rfind("\rwriting [", 0) == 0);
    }
    SUBCASE("in a log") {
        std::ostringstream out;
        FakeClock clock;
        ProgressReporter progress(out, plain(clock));
        progress.update("extracting", 1, 0, "files");
        progress.update("extracting", 37, 0, "files");  // within 5 seconds: not printed yet
        progress.update("compressing", 0, 10, "pages");
        auto lines = lines_of(out.str());
        REQUIRE(lines.size() == 3);
        CHECK(lines[1] == "extracting: 37 files");
        CHECK(lines[2] == "compressing: 0/10 pages (0%)");
    }
}

TEST_CASE("--quiet shows no progress but still prints warnings") {
    std::ostringstream out;
    FakeClock clock;
    ProgressOptions options = terminal(clock);
    options.quiet = true;
    ProgressReporter progress(out, options);
    progress.update("extracting", 1, 10, "pages");
    progress.message("warning: a.html: not HTML");
    progress.update("extracting", 10, 10, "pages");
    progress.finish();
    CHECK(out.str() == "warning: a.html: not HTML\n");
}

TEST_CASE("counts arriving out of order from worker threads never move the display backwards") {
    std::ostringstream out;
    FakeClock clock;
    ProgressReporter progress(out, terminal(clock));
    progress.update("extracting", 500, 1000, "pages");
    clock.now = 1.0;
    progress.update("extracting", 499, 1000, "pages");
    CHECK(out.str().find("499") == std::string::npos);
}

TEST_CASE("reports from many threads at once give well-formed lines, each step once") {
    std::ostringstream out;
    ProgressOptions options;  // the real clock
    options.plain_interval = 0;  // every step, however fast
    {
        ProgressReporter progress(out, options);
        std::atomic<int> done{0};
        std::vector<std::thread> workers;
        for (int t = 0; t < 4; ++t)
            workers.emplace_back([&] {
                for (int i = 0; i < 250; ++i) progress.update("extracting", ++done, 1000, "pages");
            });
        for (std::thread& worker : workers) worker.join();
    }
    auto lines = lines_of(out.str());
    REQUIRE(lines.size() >= 10);
    REQUIRE(lines.size() <= 11);  // the 0% step may be passed over by the first report
    for (const std::string& line : lines) CHECK(line.rfind("extracting: ", 0) == 0);
    CHECK(lines.back().rfind("extracting: 1000/1000 pages (100%) in ", 0) == 0);
}

TEST_CASE("durations and sizes read as a person writes them") {
    CHECK(format_clock(0) == "0:00");
    CHECK(format_clock(7.9) == "0:07");
    CHECK(format_clock(754) == "12:34");
    CHECK(format_clock(3723) == "1:02:03");
    CHECK(format_clock(-5) == "0:00");
    CHECK(format_bytes(999) == "999 B");
    CHECK(format_bytes(2100000) == "2.1 MB");
    CHECK(format_bytes(999960) == "1.0 MB");
    CHECK(format_bytes(45600000000.0) == "45.6 GB");
}
