// cli_commands.h: the commands of the `sitepack` program.
//
// main.cpp only gathers argv and the terminal facts into an Io and calls
// run(). Each command is split in two so the tests can reach both halves:
// parse_*_args() turns words into a typed struct (or a usage error), and
// run_*() does the work, writing to the streams of an Io, never to
// std::cout directly. Errors are values (sitepack/result.h); a command
// reports them as "sitepack: error: ..." on Io::err and returns an exit
// status: 0 success, 1 failure, 2 usage error.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sitepack/bundle.h"
#include "sitepack/result.h"
#include "site_builder.h"

namespace sitepack::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Where a command writes and what kind of terminal it writes to.
struct Io {
    std::ostream& out;               // results (stdout)
    std::ostream& err;               // progress, warnings, errors (stderr)
    bool color = false;              // `out` shows ANSI bold (search matches)
    bool progress_terminal = false;  // `err` redraws a progress line in place
    int columns = 0;                 // width of the terminal on `err`, 0 unknown
    std::function<double()> clock;   // seconds for progress timing; empty: steady clock
};

// The whole program: `args` are argv without the program name.
int run(const std::vector<std::string>& args, const Io& io);

// --- parsed arguments --------------------------------------------------------
// Every struct has `help`: --help or -h was given, print the command's help
// and do nothing else (whatever the other words were).

struct BuildArgs {
    std::vector<std::string> inputs;
    std::string output;
    int threads = 0;                                   // 0: one per core
    int level = build::BuildOptions{}.compression_level;
    bool quiet = false;
    bool help = false;
};

struct InfoArgs {
    std::string bundle;
    bool json = false;
    bool help = false;
};

struct LsArgs {
    std::string bundle;
    bool by_date = false;
    std::string kind;  // "", "article" or "listing"
    bool json = false;
    bool help = false;
};

struct CatArgs {
    std::string bundle;
    std::string url;
    int width = 78;
    bool help = false;
};

struct SearchArgs {
    std::string bundle;
    std::string query;  // the QUERY words joined by single spaces
    int64_t limit = 10;
    int64_t offset = 0;
    bool json = false;
    bool help = false;
};

struct VerifyArgs {
    std::string bundle;
    std::string publisher;  // --publisher: a .pub file or a base64 key; "" for any
    bool json = false;
    bool quiet = false;
    bool help = false;
};

struct KeygenArgs {
    std::string key_file;   // the secret key; the public key goes beside it (.pub)
    std::string publisher;  // --publisher NAME, shown to readers
    bool help = false;
};

struct SignArgs {
    std::string bundle;
    std::string key_file;   // --key
    bool quiet = false;
    bool help = false;
};

// Each fails with ErrorCode::invalid_argument and a message for the person
// typing (an unknown option, a missing value, a number out of range).
Result<BuildArgs> parse_build_args(const std::vector<std::string>& args);
Result<InfoArgs> parse_info_args(const std::vector<std::string>& args);
Result<LsArgs> parse_ls_args(const std::vector<std::string>& args);
Result<CatArgs> parse_cat_args(const std::vector<std::string>& args);
Result<SearchArgs> parse_search_args(const std::vector<std::string>& args);
Result<VerifyArgs> parse_verify_args(const std::vector<std::string>& args);
Result<KeygenArgs> parse_keygen_args(const std::vector<std::string>& args);
Result<SignArgs> parse_sign_args(const std::vector<std::string>& args);

// --- the commands --------------------------------------------------------------

int run_build(const BuildArgs& args, const Io& io);
int run_info(const InfoArgs& args, const Io& io);
int run_ls(const LsArgs& args, const Io& io);
int run_cat(const CatArgs& args, const Io& io);
int run_search(const SearchArgs& args, const Io& io);
int run_verify(const VerifyArgs& args, const Io& io);
int run_keygen(const KeygenArgs& args, const Io& io);
int run_sign(const SignArgs& args, const Io& io);

// Where keygen puts the public key of secret key file `key_file`:
// "lfnkr.key" -> "lfnkr.pub", anything else -> "<key_file>.pub".
std::string public_key_path(const std::string& key_file);

// --- help ------------------------------------------------------------------------

struct CommandInfo {
    const char* name;
    const char* summary;  // one line for the overview
    const char* usage;    // "sitepack ls BUNDLE [--by-date] ..."
    const char* help;     // the rest of `sitepack help CMD`: description, options, example
    int (*main)(const std::vector<std::string>& args, const Io& io);  // parse, then run
};

const std::vector<CommandInfo>& commands();
const CommandInfo* find_command(const std::string& name);  // nullptr when unknown
std::string overview_help();                               // `sitepack --help`
std::string command_help(const CommandInfo& command);      // `sitepack help CMD`
std::string version_text();                                // `sitepack --version`

// --- output pieces, exposed for the tests ------------------------------------------

// The end-of-build report of `sitepack build`.
void print_build_summary(const build::BuildSummary& summary, std::ostream& out);

// 1234567 -> "1,234,567" (the same whatever the locale).
std::string group_digits(int64_t value);

// A search snippet for the terminal: the byte ranges of `highlights` marked
// (ANSI bold when `bold`, else [brackets]) and the text word-wrapped to
// `width` columns, every line after the first starting with `indent`
// spaces (the caller places the first line at that indent). Ranges out of
// bounds or overlapping an earlier one are ignored rather than trusted.
std::string format_snippet(const std::string& snippet,
                           const std::vector<std::pair<size_t, size_t>>& highlights, bool bold,
                           int width, int indent);

}  // namespace sitepack::cli
