// main.cpp: the `sitepack` program. Gathers argv and what kind of terminal
// the output goes to, then hands over to cli::run (cli_commands.cpp), which
// reads the command word and runs the command; all logic lives there so
// the tests can drive it with string streams.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli_commands.h"
#include "progress.h"

#if defined(_WIN32)
#include <io.h>
#define SITEPACK_ISATTY(fd) _isatty(fd)
#else
#include <unistd.h>
#define SITEPACK_ISATTY(fd) isatty(fd)
#endif

namespace {

// Bold search matches only where they show as bold: a terminal that is not
// "dumb", and not when the person asked for no colour (https://no-color.org).
bool stdout_shows_ansi() {
    if (!SITEPACK_ISATTY(1)) return false;
    const char* term = std::getenv("TERM");
    if (term == nullptr || *term == '\0' || std::strcmp(term, "dumb") == 0) return false;
    const char* no_color = std::getenv("NO_COLOR");
    return no_color == nullptr || *no_color == '\0';
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    bool progress_terminal = sitepack::cli::ProgressReporter::stderr_is_terminal();
    sitepack::cli::Io io{std::cout, std::cerr, stdout_shows_ansi(), progress_terminal,
                         progress_terminal ? sitepack::cli::ProgressReporter::stderr_columns() : 0, {}};
    int status = sitepack::cli::run(args, io);
    std::cout.flush();
    return status;
}
