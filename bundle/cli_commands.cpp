// cli_commands.cpp: the commands of the `sitepack` program (see cli_commands.h).
//
// Output is meant for two readers: a person at a terminal and a script. So
// results go to Io::out and everything else (progress, warnings, errors) to
// Io::err; text output is deterministic (no locale, no colours unless
// Io::color says the terminal shows them); --json gives the same facts as
// one JSON document for scripts.
#include "cli_commands.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "progress.h"
#include "read_first.h"
#include "sitepack/document.h"
#include "sitepack/signature.h"
#include "sitepack/text_width.h"

#ifndef SITEPACK_VERSION
#define SITEPACK_VERSION "unknown"
#endif

namespace sitepack::cli {

namespace {

// Keys in the order written, so the JSON reads like the text output.
using Json = nlohmann::ordered_json;

// Titles come from arbitrary web pages: a stray invalid UTF-8 byte must
// not make dump() throw, so it is replaced instead.
std::string dump_json(const Json& json) {
    return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

void print_error(const Io& io, const std::string& message) {
    io.err << "sitepack: error: " << message << '\n';
    io.err.flush();
}

// [SECTION] Argument parsing ------------------------------------------------------

struct OptionSpec {
    const char* name;        // "--threads"
    char short_name;         // 'j', or 0 for none
    const char* value_name;  // "N" for options taking a value, nullptr for flags
};

struct RawArgs {
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> options;  // long name, value ("" for flags)
    bool help = false;
};

// Optimal string alignment distance: a swapped pair of letters ("biuld")
// counts as one edit, the most common typo.
size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

// " (did you mean 'build'?)" for the closest candidate, "" when none is close.
std::string did_you_mean(const std::string& typed, const std::vector<std::string>& candidates) {
    std::string best;
    size_t best_distance = 3;  // more than two edits is a different word
    for (const std::string& candidate : candidates) {
        size_t distance = edit_distance(typed, candidate);
        if (distance < best_distance && distance * 2 < candidate.size()) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

Error usage(std::string message) { return Error{ErrorCode::invalid_argument, std::move(message)}; }

Result<RawArgs> parse_words(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
    RawArgs raw;
    // --help wins over everything else on the line, so that adding it to a
    // half-typed command always works.
    for (const std::string& word : args) {
        if (word == "--") break;
        if (word == "--help" || word == "-h") {
            raw.help = true;
            return raw;
        }
    }

    std::vector<std::string> names;
    for (const OptionSpec& spec : specs) names.push_back(spec.name);

    bool options_ended = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        // "-" alone is a positional (conventionally stdin); so is everything
        // after "--", which lets a query or URL start with a dash.
        if (options_ended || word.size() < 2 || word[0] != '-') {
            raw.positional.push_back(word);
            continue;
        }
        if (word == "--") {
            options_ended = true;
            continue;
        }

        const OptionSpec* spec = nullptr;
        std::string shown;  // the option as typed, for messages
        std::string value;
        bool inline_value = false;
        if (word[1] == '-') {
            size_t equals = word.find('=');
            shown = word.substr(0, equals);
            if (equals != std::string::npos) {
                value = word.substr(equals + 1);
                inline_value = true;
            }
            for (const OptionSpec& candidate : specs)
                if (shown == candidate.name) spec = &candidate;
        } else {
            shown = word.substr(0, 2);
            for (const OptionSpec& candidate : specs)
                if (candidate.short_name != 0 && word[1] == candidate.short_name) spec = &candidate;
            if (spec != nullptr && word.size() > 2) {
                if (spec->value_name == nullptr) {
                    spec = nullptr;  // "-qx": flags are not bundled, so this is no option we know
                    shown = word;
                } else {
                    value = word.substr(2);  // "-j4", "-oOUT"
                    inline_value = true;
                }
            }
        }
        if (spec == nullptr) return usage("unknown option '" + shown + "'" + did_you_mean(shown, names));

        if (spec->value_name != nullptr && !inline_value) {
            if (i + 1 >= args.size())
                return usage(std::string(spec->name) + " needs a value: " + spec->name + " " + spec->value_name);
            value = args[++i];
        } else if (spec->value_name == nullptr && inline_value) {
            return usage(std::string(spec->name) + " takes no value");
        }
        raw.options.emplace_back(spec->name, value);
    }
    return raw;
}

Result<int64_t> parse_number(const std::string& option, const std::string& text, int64_t min, int64_t max) {
    const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
    errno = 0;
    char* end = nullptr;
    long long value = std::strtoll(text.c_str(), &end, 10);
    bool whole = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-') &&
                 end != nullptr && *end == '\0' && errno != ERANGE;
    if (!whole) return usage(option + " needs a whole number " + range + ", not '" + text + "'");
    if (value < min || value > max) return usage(option + " must be " + range + ", not " + text);
    return static_cast<int64_t>(value);
}

Error extra_argument(const std::string& command, const std::string& word) {
    return usage(command + " does not take '" + word + "' (quote a value with spaces; put -- before words starting with '-')");
}

// [SECTION] Formatting helpers -----------------------------------------------------

std::string plural(int64_t count, const char* one, const char* many) {
    return group_digits(count) + " " + (count == 1 ? one : many);
}

// "2023-10-21T12:00:00Z" -> "2023-10-21": the day is what a list needs.
std::string day_of(const std::string& iso) {
    if (iso.size() >= 10 && iso[4] == '-' && iso[7] == '-') return iso.substr(0, 10);
    return iso;
}

std::string pad_to(const std::string& text, size_t columns) {
    size_t width = static_cast<size_t>(std::max(0, text::display_width(text)));
    return width >= columns ? text : text + std::string(columns - width, ' ');
}

std::string right_align(const std::string& text, size_t columns) {
    return text.size() >= columns ? text : std::string(columns - text.size(), ' ') + text;
}

std::string ratio_text(int64_t before, int64_t after) {
    if (before <= 0 || after <= 0) return "";
    char text[48];
    std::snprintf(text, sizeof text, "%.1f:1", static_cast<double>(before) / static_cast<double>(after));
    return text;
}

std::string seconds_text(double seconds) {
    if (!(seconds >= 0)) seconds = 0;
    if (seconds < 60) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f s", seconds);
        return text;
    }
    return format_clock(seconds);
}

ProgressOptions progress_options(const Io& io, bool quiet) {
    ProgressOptions options;
    options.terminal = io.progress_terminal;
    options.quiet = quiet;
    options.clock = io.clock;
    options.columns = io.columns;
    return options;
}

// What the builder counts in each of its stages, for the progress line.
std::string unit_of_stage(const std::string& stage) {
    if (stage == "reading" || stage == "extracting") return "files";
    if (stage == "compressing" || stage == "indexing" || stage == "writing") return "pages";
    return "";
}

std::optional<Bundle> open_bundle(const std::string& path, const Io& io) {
    auto opened = Bundle::open(path);
    if (!opened) {
        print_error(io, opened.error().message);
        return std::nullopt;
    }
    return std::move(opened).value();
}

// The signature state in words, one line: "verified: signed by LFNKR (3f2a ...) on 2026-11-26T10:00:00Z".
std::string signature_line(const signing::SignatureCheck& check) {
    using signing::SignatureState;
    std::string signer = check.publisher + " (key " + check.fingerprint + ")";
    switch (check.state) {
        case SignatureState::unsigned_bundle:
            return check.weak_hashes ? "unsigned (made before signatures existed: its hashes detect damage, not forgery)"
                                     : "unsigned (nothing says who made it)";
        case SignatureState::verified: {
            std::string line = "verified: signed by " + signer + " on " + check.signed_at;
            if (check.trust == signing::PublisherTrust::unknown_key) line += ", a key that is not pinned";
            return line;
        }
        case SignatureState::tampered: return "TAMPERED: signed by " + signer + ", but changed since it was signed";
        case SignatureState::bad_signature: return "BAD SIGNATURE: it cannot be trusted";
    }
    return "";
}

Json signature_json(const signing::SignatureCheck& check) {
    return Json{{"state", signing::state_name(check.state)},
                {"publisher", check.publisher},
                {"fingerprint", check.fingerprint},
                {"public_key", check.public_key},
                {"signed_at", check.signed_at},
                {"trust", signing::trust_name(check.trust)},
                {"weak_hashes", check.weak_hashes},
                {"problems", check.problems}};
}

Result<std::string> read_small_file(const std::string& path, const char* what) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
        return Error{ErrorCode::not_found, path + ": no such " + std::string(what) + " file"};
    if (std::filesystem::file_size(path, error) > 64 * 1024)
        return Error{ErrorCode::bad_input, path + ": too large to be a " + std::string(what) + " file"};
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) return Error{ErrorCode::io, path + ": cannot read"};
    return text.str();
}

// ISO 8601 UTC now, or SOURCE_DATE_EPOCH when set (reproducible signing).
std::string utc_now() {
    std::time_t now = std::time(nullptr);
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) now = static_cast<std::time_t>(std::strtoll(epoch, nullptr, 10));
    std::tm parts{};
    gmtime_r(&now, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

Json page_json(const PageRecord& page) {
    return Json{{"id", page.id},
                {"url", page.url},
                {"kind", page.kind},
                {"title", page.title},
                {"published", page.published},
                {"modified", page.modified},
                {"author", page.author},
                {"language", page.language},
                {"description", page.description},
                {"body_size", page.body_size}};
}

// [SECTION] Help texts ---------------------------------------------------------------

const char kBuildUsage[] = "sitepack build SRC... -o OUT.sitepack [--threads N] [--level L] [--quiet]";
const char kBuildHelp[] = R"(Turns a whole website into one bundle file that can be read offline.
Each SRC is a folder mirrored with wget or HTTrack, or a .warc / .warc.gz
file; give several to merge them. Pages are extracted, linked to each
other, compressed and indexed for full-text search. OUT is written only
when the build succeeds: a failed build leaves no half-written file.

Options:
  -o, --output OUT   the bundle to write (required)
  -j, --threads N    worker threads (default: one per core)
      --level L      compression level, 1 to 22 (default 19); lower builds
                     faster, higher makes a smaller file
  -q, --quiet        no progress display (warnings and the summary still
                     print)
  -h, --help         show this help

Example:
  sitepack build www.northkoreanrefugees.com/ -o lfnkr.sitepack
)";

const char kInfoUsage[] = "sitepack info BUNDLE [--json]";
const char kInfoHelp[] = R"(Shows what a bundle holds: the site's name and address, when and by
which version it was built, its languages, how many pages, images and
redirects it has, its size and the site's navigation.

Options:
      --json         print the same as one JSON object
  -h, --help         show this help

Example:
  sitepack info lfnkr.sitepack
)";

const char kLsUsage[] = "sitepack ls BUNDLE [--by-date] [--kind article|listing] [--json]";
const char kLsHelp[] = R"(Lists the pages of a bundle, one per line: URL, kind, date and title.
Pages come in URL order unless --by-date is given.

Options:
      --by-date      newest first
      --kind KIND    only articles or only listings (category, tag and
                     archive pages)
      --json         print a JSON array of pages
  -h, --help         show this help

Example:
  sitepack ls lfnkr.sitepack --by-date --kind article
)";

const char kCatUsage[] = "sitepack cat BUNDLE URL [--width N]";
const char kCatHelp[] = R"(Prints one page as plain text: its title, date, author and URL, then
the text wrapped to the width, with links numbered [n] and listed at the
end. URL is the page's address in any spelling (http or https, with or
without index.html) or just its path.

Options:
  -w, --width N      wrap at N columns, 20 to 1000 (default 78)
  -h, --help         show this help

Example:
  sitepack cat lfnkr.sitepack /about/
)";

const char kSearchUsage[] = "sitepack search BUNDLE QUERY... [--limit N] [--offset K] [--json]";
const char kSearchHelp[] = R"(Searches the titles and text of a bundle's articles and prints the best
matches, each with its title, URL, date and the passage that matched.
Every word must match; English and CJK text both work.

Options:
  -n, --limit N      show N results, 1 to 1000 (default 10)
      --offset K     skip the first K results (for the next page)
      --json         print the results as one JSON object
  -h, --help         show this help

Example:
  sitepack search lfnkr.sitepack human rights --limit 5
)";

const char kVerifyUsage[] = "sitepack verify BUNDLE [--publisher PUBKEY] [--json] [--quiet]";
const char kVerifyHelp[] = R"(Checks a bundle for damage (a copy gone wrong, a failing USB stick) and
for tampering: the database's integrity, every page, image and font
against the hash stored when it was built, and the publisher's signature
(see 'sitepack sign'). Says who signed it (name and key fingerprint) and
whether the content is still what they signed. Exits with 0 when
everything is intact, 1 when anything is damaged, tampered or the file
cannot be read.

Options:
  --publisher PUBKEY  also fail unless the bundle is signed by this key: a
                      .pub file made by 'sitepack keygen', or the base64 key
  --json              the result as JSON
  -q, --quiet         no progress display
  -h, --help          show this help

Example:
  sitepack verify /media/usb/lfnkr.sitepack --publisher lfnkr.pub
)";

const char kKeygenUsage[] = "sitepack keygen KEYFILE --publisher NAME";
const char kKeygenHelp[] = R"(Makes a new Ed25519 key pair for signing bundles. KEYFILE gets the
secret key (readable by you only; keep it off the USB sticks and back it
up), KEYFILE with .pub instead of .key gets the public key, which you give
to readers so they can check that a bundle is yours. Existing files are
never overwritten.

Options:
  --publisher NAME   the name readers see beside the key, e.g. your
                     organisation's
  -h, --help         show this help

Example:
  sitepack keygen lfnkr.key --publisher "Life Funds for North Korean Refugees"
)";

const char kSignUsage[] = "sitepack sign BUNDLE --key KEYFILE [--quiet]";
const char kSignHelp[] = R"(Signs a bundle with your secret key, so readers can tell it is exactly
what you built. The signature covers every page, image, font and
metadata row (through their BLAKE2b hashes), not the file's bytes. The
bundle is checked for damage first; the signed bundle replaces it only
when everything succeeded (nothing half-written is left). Signing again
replaces the signature. Bundles built before sitepack 0.2 hold weak
hashes and must be rebuilt to be signed.

Options:
  --key KEYFILE      the secret key made by 'sitepack keygen'
  -q, --quiet        no progress display
  -h, --help         show this help

Example:
  sitepack sign lfnkr.sitepack --key lfnkr.key
)";

// [SECTION] Command entry points (parse, then run) ------------------------------------

template <class Args>
int parse_and_run(const char* name, Result<Args> (*parse)(const std::vector<std::string>&),
                  int (*run_command)(const Args&, const Io&), const std::vector<std::string>& args,
                  const Io& io) {
    const CommandInfo* command = find_command(name);
    Result<Args> parsed = parse(args);
    if (!parsed) {
        print_error(io, parsed.error().message);
        io.err << "usage: " << command->usage << "\n"
               << "Run 'sitepack " << name << " --help' for more.\n";
        return kExitUsage;
    }
    if (parsed->help) {
        io.out << command_help(*command);
        return kExitOk;
    }
    return run_command(parsed.value(), io);
}

int main_build(const std::vector<std::string>& a, const Io& io) { return parse_and_run("build", parse_build_args, run_build, a, io); }
int main_info(const std::vector<std::string>& a, const Io& io) { return parse_and_run("info", parse_info_args, run_info, a, io); }
int main_ls(const std::vector<std::string>& a, const Io& io) { return parse_and_run("ls", parse_ls_args, run_ls, a, io); }
int main_cat(const std::vector<std::string>& a, const Io& io) { return parse_and_run("cat", parse_cat_args, run_cat, a, io); }
int main_search(const std::vector<std::string>& a, const Io& io) { return parse_and_run("search", parse_search_args, run_search, a, io); }
int main_verify(const std::vector<std::string>& a, const Io& io) { return parse_and_run("verify", parse_verify_args, run_verify, a, io); }
int main_keygen(const std::vector<std::string>& a, const Io& io) { return parse_and_run("keygen", parse_keygen_args, run_keygen, a, io); }
int main_sign(const std::vector<std::string>& a, const Io& io) { return parse_and_run("sign", parse_sign_args, run_sign, a, io); }

}  // namespace

// [SECTION] The command table and help --------------------------------------------------

const std::vector<CommandInfo>& commands() {
    static const std::vector<CommandInfo> table = {
        {"build", "make a bundle from mirrored folders and WARC files", kBuildUsage, kBuildHelp, main_build},
        {"info", "show what a bundle holds", kInfoUsage, kInfoHelp, main_info},
        {"ls", "list the pages of a bundle", kLsUsage, kLsHelp, main_ls},
        {"cat", "print one page as plain text", kCatUsage, kCatHelp, main_cat},
        {"search", "search the text of a bundle", kSearchUsage, kSearchHelp, main_search},
        {"verify", "check a bundle for damage and its signature", kVerifyUsage, kVerifyHelp, main_verify},
        {"keygen", "make a key pair for signing bundles", kKeygenUsage, kKeygenHelp, main_keygen},
        {"sign", "sign a bundle as its publisher", kSignUsage, kSignHelp, main_sign},
    };
    return table;
}

const CommandInfo* find_command(const std::string& name) {
    for (const CommandInfo& command : commands())
        if (name == command.name) return &command;
    return nullptr;
}

std::string overview_help() {
    std::string text =
        "sitepack: a whole website in one file, readable offline\n"
        "\n"
        "usage: sitepack COMMAND [ARGS...]\n"
        "\n"
        "Commands:\n";
    for (const CommandInfo& command : commands()) text += "  " + pad_to(command.name, 9) + command.summary + "\n";
    text += "  " + pad_to("help", 9) + "show the help of a command\n";
    text +=
        "\n"
        "Options:\n"
        "  -h, --help     show this help\n"
        "  --version      show the version\n"
        "\n"
        "Run 'sitepack help COMMAND' or 'sitepack COMMAND --help' for a command's\n"
        "options and an example.\n";
    return text;
}

std::string command_help(const CommandInfo& command) {
    return std::string("usage: ") + command.usage + "\n\n" + command.help;
}

std::string version_text() { return std::string("sitepack ") + SITEPACK_VERSION + "\n"; }

int run(const std::vector<std::string>& args, const Io& io) {
    // Nothing below throws by design (errors are values), but a std::bad_alloc
    // on a huge input must still end as a message, not an abort.
    try {
        if (args.empty()) {
            io.err << overview_help();
            return kExitUsage;
        }
        const std::string& word = args[0];
        std::vector<std::string> rest(args.begin() + 1, args.end());

        if (word == "--help" || word == "-h" || (word == "help" && rest.empty())) {
            io.out << overview_help();
            return kExitOk;
        }
        if (word == "--version" || word == "-V") {
            io.out << version_text();
            return kExitOk;
        }

        std::vector<std::string> names;
        for (const CommandInfo& command : commands()) names.push_back(command.name);

        if (word == "help") {
            const CommandInfo* command = find_command(rest[0]);
            if (command == nullptr) {
                print_error(io, "no command '" + rest[0] + "'" + did_you_mean(rest[0], names));
                io.err << "Run 'sitepack --help' for the list of commands.\n";
                return kExitUsage;
            }
            io.out << command_help(*command);
            return kExitOk;
        }
        if (!word.empty() && word[0] == '-') {
            print_error(io, "unknown option '" + word + "'" + did_you_mean(word, {"--help", "--version"}));
            io.err << "usage: sitepack COMMAND [ARGS...]\nRun 'sitepack --help' for the list of commands.\n";
            return kExitUsage;
        }
        const CommandInfo* command = find_command(word);
        if (command == nullptr) {
            print_error(io, "unknown command '" + word + "'" + did_you_mean(word, names));
            io.err << "Run 'sitepack --help' for the list of commands.\n";
            return kExitUsage;
        }
        return command->main(rest, io);
    } catch (const std::bad_alloc&) {
        print_error(io, "out of memory");
    } catch (const std::exception& e) {
        print_error(io, std::string("unexpected failure: ") + e.what());
    }
    return kExitFailure;
}

// [SECTION] Parsing each command's arguments ------------------------------------------------

Result<BuildArgs> parse_build_args(const std::vector<std::string>& args) {
    auto raw = parse_words(args, {{"--output", 'o', "OUT.sitepack"},
                                  {"--threads", 'j', "N"},
                                  {"--level", 0, "L"},
                                  {"--quiet", 'q', nullptr}});
    if (!raw) return raw.error();
    BuildArgs parsed;
    if (raw->help) {
        parsed.help = true;
        return parsed;
    }
    for (const auto& [name, value] : raw->options) {
        if (name == "--output") {
            if (value.empty()) return usage("--output needs a file name");
            parsed.output = value;
        } else if (name == "--threads") {
            auto number = parse_number(name, value, 0, 1024);
            if (!number) return number.error();
            parsed.threads = static_cast<int>(number.value());
        } else if (name == "--level") {
            auto number = parse_number(name, value, 1, 22);
            if (!number) return number.error();
            parsed.level = static_cast<int>(number.value());
        } else if (name == "--quiet") {
            parsed.quiet = true;
        }
    }
    parsed.inputs = raw->positional;
    if (parsed.output.empty()) {
        // "sitepack build site/ out.sitepack" is the likeliest slip.
        std::string hint;
        if (!parsed.inputs.empty()) {
            const std::string& last = parsed.inputs.back();
            const std::string suffix = ".sitepack";
            if (last.size() > suffix.size() && last.compare(last.size() - suffix.size(), suffix.size(), suffix) == 0)
                hint = " (did you mean '-o " + last + "'?)";
        }
        return usage("build needs the file to write: -o OUT.sitepack" + hint);
    }
    if (parsed.inputs.empty()) return usage("build needs at least one SRC: a mirrored folder or a WARC file");
    return parsed;
}

Result<InfoArgs> parse_info_args(const std::vector<std::string>& args) {
    auto raw = parse_words(args, {{"--json", 0, nullptr}});
    if (!raw) return raw.error();
    InfoArgs parsed;
    if (raw->help) {
        parsed.help = true;
        return parsed;
    }
    for (const auto& option : raw->options)
        if (option.first == "--json") parsed.json = true;
    if (raw->positional.empty()) return usage("info needs a BUNDLE file");
    if (raw->positional.size() > 1) return extra_argument("info", raw->positional[1]);
    parsed.bundle = raw->positional[0];
    return parsed;
}

Result<LsArgs> parse_ls_args(const std::vector<std::string>& args) {
    auto raw = parse_words(args, {{"--by-date", 0, nullptr}, {"--kind", 0, "KIND"}, {"--json", 0, nullptr}});
    if (!raw) return raw.error();
    LsArgs parsed;
    if (raw->help) {
        parsed.help = true;
        return parsed;
    }
    for (const auto& [name, value] : raw->options) {
        if (name == "--by-date") {
            parsed.by_date = true;
        } else if (name == "--kind") {
            if (value != "article" && value != "listing")
                return usage("--kind must be 'article' or 'listing', not '" + value + "'");
            parsed.kind = value;
        } else if (name == "--json") {
            parsed.json = true;
        }
    }
    if (raw->positional.empty()) return usage("ls needs a BUNDLE file");
    if (raw->positional.size() > 1) return extra_argument("ls", raw->positional[1]);
    parsed.bundle = raw->positional[0];
    return parsed;
}

Result<CatArgs> parse_cat_args(const std::vector<std::string>& args) {
    auto raw = parse_words(args, {{"--width", 'w', "N"}});
    if (!raw) return raw.error();
    CatArgs parsed;
    if (raw->help) {
        parsed.help = true;
        return parsed;
    }
    for (const auto& [name, value] : raw->options) {
        if (name == "--width") {
            auto number = parse_number(name, value, 20, 1000);
            if (!number) return number.error();
            parsed.width = static_cast<int>(number.value());
        }
    }
    if (raw->positional.empty()) return usage("cat needs a BUNDLE file and the URL or path of a page");
    if (raw->positional.size() == 1) return usage("cat needs the URL or path of a page after the BUNDLE, e.g. /about/");
    if (raw->positional.size() > 2) return extra_argument("cat", raw->positional[2]);
    parsed.bundle = raw->positional[0];
    parsed.url = raw->positional[1];
    return parsed;
}

Result<SearchArgs> parse_search_args(const std::vector<std::string>& args) {
    auto raw = parse_words(args, {{"--limit", 'n', "N"}, {"--offset", 0, "K"}, {"--json", 0, nullptr}});
    if (!raw) return raw.error();
    SearchArgs parsed;
    if (raw->help) {
        parsed.help = true;
        return parsed;
    }
    for (const auto& [name, value] : raw->options) {
        if (name == "--limit") {
            auto number = parse_number(name, value, 1, 1000);
            if (!number) return number.error();
            parsed.limit = number.value();
        } else if (name == "--offset") {
            auto number = parse_number(name, value, 0, 1000000000);
            if (!number) return number.error();
            parsed.offset = number.value();
        } else if (name == "--json") {
            parsed.json = true;
        }
    }
    if (raw->positional.empty()) return usage("search needs a BUNDLE file and the words to look for");
    if (raw->positional.size() == 1) return usage("search needs the words to look for after the BUNDLE");
    parsed.bundle = raw->positional[0];
    // Several words or one quoted phrase mean the same: every word must match.
    for (size_t i = 1; i < raw->positional.size(); ++i)
        parsed.query += (parsed.query.empty() ? "" : " ") + raw->positional[i];
    return parsed;
}

Result<VerifyArgs> parse_verify_args(const std::vector<std::string>& args) {
    auto raw = parse_words(args, {{"--quiet", 'q', nullptr}, {"--json", 0, nullptr}, {"--publisher", 0, "PUBKEY"}});
    if (!raw) return raw.error();
    VerifyArgs parsed;
    if (raw->help) {
        parsed.help = true;
        return parsed;
    }
    for (const auto& option : raw->options) {
        if (option.first == "--quiet") parsed.quiet = true;
        else if (option.first == "--json") parsed.json = true;
        else if (option.first == "--publisher") {
            if (option.second.empty()) return usage("--publisher needs a .pub file or a base64 key");
            parsed.publisher = option.second;
        }
    }
    if (raw->positional.empty()) return usage("verify needs a BUNDLE file");
    if (raw->positional.size() > 1) return extra_argument("verify", raw->positional[1]);
    parsed.bundle = raw->positional[0];
    return parsed;
}

Result<KeygenArgs> parse_keygen_args(const std::vector<std::string>& args) {
    auto raw = parse_words(args, {{"--publisher", 0, "NAME"}});
    if (!raw) return raw.error();
    KeygenArgs parsed;
    if (raw->help) {
        parsed.help = true;
        return parsed;
    }
    for (const auto& option : raw->options)
        if (option.first == "--publisher") parsed.publisher = option.second;
    if (raw->positional.empty()) return usage("keygen needs a KEYFILE to write the secret key to");
    if (raw->positional.size() > 1) return extra_argument("keygen", raw->positional[1]);
    if (parsed.publisher.empty()) return usage("keygen needs --publisher NAME: the name readers will see beside your key");
    parsed.key_file = raw->positional[0];
    return parsed;
}

Result<SignArgs> parse_sign_args(const std::vector<std::string>& args) {
    auto raw = parse_words(args, {{"--key", 'k', "KEYFILE"}, {"--quiet", 'q', nullptr}});
    if (!raw) return raw.error();
    SignArgs parsed;
    if (raw->help) {
        parsed.help = true;
        return parsed;
    }
    for (const auto& option : raw->options) {
        if (option.first == "--key") parsed.key_file = option.second;
        else if (option.first == "--quiet") parsed.quiet = true;
    }
    if (raw->positional.empty()) return usage("sign needs a BUNDLE file");
    if (raw->positional.size() > 1) return extra_argument("sign", raw->positional[1]);
    if (parsed.key_file.empty()) return usage("sign needs --key KEYFILE (make one with 'sitepack keygen')");
    parsed.bundle = raw->positional[0];
    return parsed;
}

// [SECTION] Output pieces -------------------------------------------------------------------------

std::string public_key_path(const std::string& key_file) {
    const std::string suffix = ".key";
    if (key_file.size() > suffix.size() && key_file.compare(key_file.size() - suffix.size(), suffix.size(), suffix) == 0)
        return key_file.substr(0, key_file.size() - suffix.size()) + ".pub";
    return key_file + ".pub";
}

std::string group_digits(int64_t value) {
    std::string digits = std::to_string(value);
    size_t first_digit = (value < 0) ? 1 : 0;
    for (size_t at = digits.size(); at > first_digit + 3; at -= 3) digits.insert(at - 3, ",");
    return digits;
}

std::string format_snippet(const std::string& snippet, const std::vector<std::pair<size_t, size_t>>& highlights,
                           bool bold, int width, int indent) {
    // A snippet is one passage: newlines and tabs from the page's layout
    // become spaces (same byte length, so the highlight offsets still hold).
    std::string text = snippet;
    for (char& c : text)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';

    // Markers per byte position; a close sorts before an open at the same
    // position so adjacent matches read "[a][b]", not "[a[]b]".
    std::vector<int> opens(text.size() + 1, 0), closes(text.size() + 1, 0);
    std::vector<std::pair<size_t, size_t>> ranges = highlights;
    std::sort(ranges.begin(), ranges.end());
    size_t covered = 0;
    for (const auto& [first, second] : ranges) {
        if (first >= second || second > text.size() || first < covered) continue;
        ++opens[first];
        ++closes[second];
        covered = second;
    }
    const std::string open_mark = bold ? "\x1b[1m" : "[";
    const std::string close_mark = bold ? "\x1b[0m" : "]";
    const int mark_width = bold ? 0 : 1;

    std::string out;
    size_t cursor = 0;  // bytes before it (and their markers) are emitted
    auto emit_closes = [&](size_t at) {
        for (; closes[at] > 0; --closes[at]) out += close_mark;
    };
    // Emits text[cursor, to) with its markers; `with_bytes` false emits only
    // the markers (for spaces dropped at a line break).
    auto advance = [&](size_t to, bool with_bytes) {
        for (; cursor < to; ++cursor) {
            emit_closes(cursor);
            for (; opens[cursor] > 0; --opens[cursor]) out += open_mark;
            if (with_bytes) out += text[cursor];
        }
    };
    auto marked_width = [&](size_t begin, size_t end) {
        int columns = text::display_width(std::string_view(text).substr(begin, end - begin));
        for (size_t at = begin; at < end; ++at) columns += mark_width * opens[at];
        for (size_t at = begin + 1; at <= end; ++at) columns += mark_width * closes[at];
        return columns;
    };

    const int available = std::max(10, width - indent);
    int line_width = 0;
    bool line_empty = true;
    size_t spaces_begin = 0, spaces_end = 0;  // the spaces after the previous segment
    for (const text::LineBreakSegment& segment : text::line_break_segments(text)) {
        if (segment.begin == segment.end) continue;  // leading spaces
        int columns = marked_width(segment.begin, segment.end);
        // Runs of spaces (a paragraph break flattened) show as one space.
        bool spaced = spaces_end > spaces_begin;
        int space_columns = spaced ? 1 : 0;
        advance(segment.begin, false);
        if (!line_empty && line_width + space_columns + columns > available) {
            out += "\n" + std::string(static_cast<size_t>(std::max(0, indent)), ' ');
            line_width = 0;
        } else if (!line_empty) {
            if (spaced) out += ' ';
            line_width += space_columns;
        }
        advance(segment.end, true);
        // A match ending with the segment is closed before a line break can
        // come between, so brackets never straddle the indentation.
        emit_closes(segment.end);
        line_width += columns;
        line_empty = false;
        spaces_begin = segment.end;
        spaces_end = segment.space_end;
    }
    advance(text.size(), false);
    emit_closes(text.size());
    return out;
}

void print_build_summary(const build::BuildSummary& summary, std::ostream& out) {
    int64_t links = summary.links_internal + summary.links_missing + summary.links_external;
    int64_t skipped = 0;
    for (const auto& entry : summary.skipped) skipped += entry.second;

    // Counts right-aligned in one column so their magnitudes compare at a glance.
    size_t column = 1;
    for (int64_t count : {summary.pages, summary.images, summary.redirects, links, skipped})
        column = std::max(column, group_digits(count).size());
    auto row = [&](const char* label, int64_t count, const std::string& detail) {
        out << "  " << pad_to(label, 11) << right_align(group_digits(count), column);
        if (!detail.empty()) out << "  " << detail;
        out << '\n';
    };

    out << "wrote " << summary.output << '\n';
    row("pages:", summary.pages,
        "(" + plural(summary.articles, "article", "articles") + ", " + plural(summary.listings, "listing", "listings") + ")");
    row("images:", summary.images, "");
    row("redirects:", summary.redirects, "");
    row("links:", links,
        "(" + group_digits(summary.links_internal) + " internal, " + group_digits(summary.links_missing) +
            " missing, " + group_digits(summary.links_external) + " external)");
    row("skipped:", skipped, "");
    // Most frequent reason first: that is the one worth looking into.
    std::vector<std::pair<std::string, int64_t>> reasons(summary.skipped.begin(), summary.skipped.end());
    std::stable_sort(reasons.begin(), reasons.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [reason, count] : reasons)
        out << "  " << std::string(11, ' ') << right_align(group_digits(count), column) << "  " << reason << '\n';

    std::string size = format_bytes(static_cast<double>(summary.bytes_in)) + " in, " +
                       format_bytes(static_cast<double>(summary.bytes_out)) + " out";
    if (std::string ratio = ratio_text(summary.bytes_in, summary.bytes_out); !ratio.empty()) size += " (" + ratio + ")";
    out << "  " << pad_to("size:", 11) << size << '\n';
    if (summary.body_bytes > 0) {
        std::string bodies = format_bytes(static_cast<double>(summary.body_bytes)) + " of page text, " +
                             format_bytes(static_cast<double>(summary.body_compressed_bytes)) + " compressed";
        if (std::string ratio = ratio_text(summary.body_bytes, summary.body_compressed_bytes); !ratio.empty())
            bodies += " (" + ratio + ")";
        if (summary.dictionary_bytes > 0)
            bodies += ", dictionary " + format_bytes(static_cast<double>(summary.dictionary_bytes));
        out << "  " << pad_to("text:", 11) << bodies << '\n';
    }
    std::string time = seconds_text(summary.seconds);
    if (summary.seconds > 0 && summary.pages > 0) {
        char rate[48];
        std::snprintf(rate, sizeof rate, "%.0f", static_cast<double>(summary.pages) / summary.seconds);
        time += " (" + std::string(rate) + " pages/s)";
    }
    out << "  " << pad_to("time:", 11) << time << '\n';
}

// [SECTION] The commands -------------------------------------------------------------------------

int run_build(const BuildArgs& args, const Io& io) {
    ProgressReporter progress(io.err, progress_options(io, args.quiet));
    build::BuildOptions options;
    options.inputs = args.inputs;
    options.output = args.output;
    options.threads = args.threads;
    options.compression_level = args.level;
    options.progress = [&progress](const std::string& stage, int64_t done, int64_t total) {
        progress.update(stage, done, total, unit_of_stage(stage));
    };
    // Through the reporter, so a warning never lands in the middle of the bar.
    options.warn = [&progress](const std::string& line) { progress.message("warning: " + line); };

    Result<build::BuildSummary> summary = build::build_bundle(options);
    progress.finish();
    if (!summary) {
        print_error(io, summary.error().message);
        return kExitFailure;
    }
    print_build_summary(summary.value(), io.out);
    io.out.flush();
    return kExitOk;
}

int run_info(const InfoArgs& args, const Io& io) {
    std::optional<Bundle> bundle = open_bundle(args.bundle, io);
    if (!bundle) return kExitFailure;
    const BundleInfo& info = bundle->info();

    std::string home_url;
    if (info.home_page_id != 0)
        if (auto home = bundle->page(info.home_page_id)) home_url = home->url;

    if (args.json) {
        Json menu = Json::array();
        for (const NavigationEntry& entry : info.menu)
            menu.push_back(Json{{"label", entry.label}, {"url", entry.url}, {"page_id", entry.page_id}});
        Json json{{"path", info.path},
                  {"file_size", info.file_size},
                  {"site_name", info.site_name},
                  {"base_url", info.base_url},
                  {"build_date", info.build_date},
                  {"builder_version", info.builder_version},
                  {"format_version", info.format_version},
                  {"languages", info.languages},
                  {"home_page", home_url.empty() ? Json(nullptr) : Json(home_url)},
                  {"counts", Json{{"pages", info.page_count},
                                  {"articles", info.article_count},
                                  {"listings", info.listing_count},
                                  {"images", info.image_count},
                                  {"redirects", info.redirect_count}}},
                  {"navigation", Json{{"menu", menu},
                                      {"categories", info.categories.size()},
                                      {"archive_months", info.archives.size()}}},
                  {"signature", signature_json(info.signature)}};
        io.out << dump_json(json);
        return kExitOk;
    }

    auto row = [&](const char* label, const std::string& value) {
        io.out << pad_to(label, 12) << (value.empty() ? "(unknown)" : value) << '\n';
    };
    std::string languages;
    for (const std::string& language : info.languages) languages += (languages.empty() ? "" : ", ") + language;

    row("site:", info.site_name);
    row("base URL:", info.base_url);
    row("built:", info.build_date);
    row("builder:", info.builder_version);
    row("format:", std::to_string(info.format_version));
    row("languages:", languages);
    row("pages:", group_digits(info.page_count) + " (" + plural(info.article_count, "article", "articles") + ", " +
                      plural(info.listing_count, "listing", "listings") + ")");
    row("images:", group_digits(info.image_count));
    row("redirects:", group_digits(info.redirect_count));
    row("file:", info.path + " (" + format_bytes(static_cast<double>(info.file_size)) + ", " +
                     plural(info.file_size, "byte", "bytes") + ")");
    row("home page:", home_url.empty() ? "not in the bundle" : home_url);

    if (info.menu.empty()) {
        row("menu:", "none");
    } else {
        size_t label_columns = 0;
        for (const NavigationEntry& entry : info.menu)
            label_columns = std::max(label_columns, static_cast<size_t>(std::max(0, text::display_width(entry.label))));
        label_columns = std::min<size_t>(label_columns, 30);
        bool first = true;
        for (const NavigationEntry& entry : info.menu) {
            std::string line = pad_to(entry.label, label_columns) + "  " + entry.url;
            if (entry.page_id == 0) line += "  (not in the bundle)";
            io.out << pad_to(first ? "menu:" : "", 12) << line << '\n';
            first = false;
        }
    }
    row("categories:", group_digits(static_cast<int64_t>(info.categories.size())));
    row("archives:", plural(static_cast<int64_t>(info.archives.size()), "month", "months"));
    row("signature:", signature_line(info.signature));
    return kExitOk;
}

int run_ls(const LsArgs& args, const Io& io) {
    std::optional<Bundle> bundle = open_bundle(args.bundle, io);
    if (!bundle) return kExitFailure;

    // In slices, so a bundle of 100,000 pages is never asked for all at once.
    constexpr int64_t kSlice = 1000;
    std::vector<PageRecord> pages;
    for (int64_t offset = 0;; offset += kSlice) {
        auto slice = bundle->list_pages(offset, kSlice, args.by_date);
        if (!slice) {
            print_error(io, slice.error().message);
            return kExitFailure;
        }
        for (PageRecord& page : slice.value())
            if (args.kind.empty() || page.kind == args.kind) pages.push_back(std::move(page));
        if (static_cast<int64_t>(slice->size()) < kSlice) break;
    }

    if (args.json) {
        Json json = Json::array();
        for (const PageRecord& page : pages) json.push_back(page_json(page));
        io.out << dump_json(json);
        return kExitOk;
    }

    // Aligned columns; the title comes last as the only one with spaces, so
    // `awk '{print $1}'` still picks the URLs. The URL column is as wide as
    // the longest URL: capping it would misalign every line past the cap,
    // and blog URLs (dated slugs) are routinely 80 characters or more.
    size_t url_columns = 0;
    for (const PageRecord& page : pages)
        url_columns = std::max(url_columns, static_cast<size_t>(std::max(0, text::display_width(page.url))));
    for (const PageRecord& page : pages) {
        std::string date = day_of(page.published);
        io.out << pad_to(page.url, url_columns) << "  " << pad_to(page.kind, 7) << "  "
               << pad_to(date.empty() ? "-" : date, 10) << "  " << page.title << '\n';
    }
    return kExitOk;
}

int run_cat(const CatArgs& args, const Io& io) {
    std::optional<Bundle> bundle = open_bundle(args.bundle, io);
    if (!bundle) return kExitFailure;

    auto page = bundle->find_page(args.url);
    if (!page) {
        if (page.code() == ErrorCode::not_found)
            print_error(io, "no page " + args.url + " in " + args.bundle);
        else
            print_error(io, page.error().message);
        return kExitFailure;
    }
    auto document = bundle->read_document(page->id);
    if (!document) {
        print_error(io, document.error().message);
        return kExitFailure;
    }

    std::string title = page->title.empty() ? page->url : page->title;
    int title_columns = std::min(args.width, std::max(1, text::display_width(title)));
    io.out << title << '\n' << std::string(static_cast<size_t>(title_columns), '=') << '\n';
    if (!page->published.empty()) {
        std::string date = day_of(page->published);
        std::string updated = day_of(page->modified);
        if (!updated.empty() && updated != date) date += " (updated " + updated + ")";
        io.out << "date:    " << date << '\n';
    }
    if (!page->author.empty()) io.out << "author:  " << page->author << '\n';
    io.out << "url:     " << page->url << "\n\n";

    std::string body = doc::render_text(document.value(), args.width);
    while (!body.empty() && body.back() == '\n') body.pop_back();
    io.out << body << '\n';
    return kExitOk;
}

int run_search(const SearchArgs& args, const Io& io) {
    std::optional<Bundle> bundle = open_bundle(args.bundle, io);
    if (!bundle) return kExitFailure;

    auto results = bundle->search(args.query, args.offset, args.limit);
    if (!results) {
        print_error(io, results.error().message);
        return kExitFailure;
    }
    const SearchResults& found = results.value();

    if (args.json) {
        Json hits = Json::array();
        int64_t rank = args.offset;
        for (const SearchHit& hit : found.hits) {
            Json highlights = Json::array();
            for (const auto& [first, second] : hit.highlights) highlights.push_back(Json::array({first, second}));
            hits.push_back(Json{{"rank", ++rank},
                                {"page_id", hit.page_id},
                                {"url", hit.url},
                                {"title", hit.title},
                                {"published", hit.published},
                                {"score", hit.score},
                                {"snippet", hit.snippet},
                                {"highlights", highlights}});
        }
        io.out << dump_json(Json{{"query", args.query},
                                 {"total", found.total},
                                 {"offset", args.offset},
                                 {"limit", args.limit},
                                 {"hits", hits}});
        return kExitOk;
    }

    io.out << group_digits(found.total) << (found.total == 1 ? " page matches" : " pages match") << " \""
           << args.query << "\"";
    int64_t first = args.offset + 1;
    int64_t last = args.offset + static_cast<int64_t>(found.hits.size());
    if (found.hits.empty() && found.total > 0)
        io.out << " (none from result " << group_digits(first) << " on)";
    else if (!found.hits.empty() && (first > 1 || last < found.total))
        io.out << " (showing " << group_digits(first) << "-" << group_digits(last) << ")";
    io.out << '\n';

    // "  9. " and " 10. " line up: numbers right-aligned to the widest.
    size_t number_columns = std::to_string(std::max<int64_t>(last, 1)).size();
    int indent = static_cast<int>(number_columns) + 2;
    std::string margin(static_cast<size_t>(indent), ' ');
    int64_t number = args.offset;
    for (const SearchHit& hit : found.hits) {
        io.out << '\n' << right_align(std::to_string(++number), number_columns) << ". "
               << (hit.title.empty() ? "(untitled)" : hit.title);
        if (!hit.published.empty()) io.out << "  (" << day_of(hit.published) << ")";
        io.out << '\n' << margin << hit.url << '\n';
        if (!hit.snippet.empty())
            io.out << margin << format_snippet(hit.snippet, hit.highlights, io.color, 78, indent) << '\n';
    }
    if (last < found.total && !found.hits.empty())
        io.out << "\nMore: --offset " << last << '\n';
    return kExitOk;
}

int run_verify(const VerifyArgs& args, const Io& io) {
    OpenOptions options;
    if (!args.publisher.empty()) {
        // A file holding key lines, or the key itself typed on the line.
        std::error_code error;
        Result<std::vector<signing::PublicKey>> keys = Error{ErrorCode::invalid_argument, ""};
        if (std::filesystem::exists(args.publisher, error)) {
            Result<std::string> text = read_small_file(args.publisher, "public key");
            if (!text) {
                print_error(io, text.error().message);
                return kExitFailure;
            }
            keys = signing::parse_public_key_list(text.value());
            if (keys && keys->empty()) keys = Error{ErrorCode::invalid_argument, "it holds no key"};
        } else {
            Result<signing::PublicKey> key = signing::parse_public_key(args.publisher);
            if (key) keys = std::vector<signing::PublicKey>{key.value()};
            else keys = key.error();
        }
        if (!keys) {
            print_error(io, "--publisher " + args.publisher + ": " + keys.error().message);
            return kExitUsage;
        }
        options.trusted_publishers = std::move(keys.value());
    }
    auto opened = Bundle::open(args.bundle, options);
    if (!opened) {
        print_error(io, opened.error().message);
        return kExitFailure;
    }
    Bundle& bundle = opened.value();
    const signing::SignatureCheck& signature = bundle.info().signature;

    ProgressReporter progress(io.err, progress_options(io, args.quiet || args.json));
    auto report = bundle.verify(
        [&progress](int64_t done, int64_t total) { progress.update("verifying", done, total, "items"); });
    progress.finish();
    if (!report) {
        print_error(io, report.error().message);
        return kExitFailure;
    }

    const VerifyReport& checked = report.value();
    // --publisher: only a good signature by that key passes.
    std::string publisher_problem;
    if (!args.publisher.empty()) {
        if (signature.state == signing::SignatureState::unsigned_bundle)
            publisher_problem = "the bundle is not signed, so it cannot be shown to come from the publisher given";
        else if (signature.trust != signing::PublisherTrust::pinned)
            publisher_problem = "the bundle is signed by another key (" + signature.publisher + ", " + signature.fingerprint +
                                "), not by the publisher given";
    }
    const bool ok = checked.ok() && publisher_problem.empty();

    if (args.json) {
        Json problems = Json::array();
        for (const VerifyProblem& problem : checked.problems)
            problems.push_back(Json{{"what", problem.what}, {"message", problem.message}});
        if (!publisher_problem.empty()) problems.push_back(Json{{"what", "publisher"}, {"message", publisher_problem}});
        io.out << dump_json(Json{{"bundle", args.bundle},
                                 {"ok", ok},
                                 {"pages_checked", checked.pages_checked},
                                 {"images_checked", checked.images_checked},
                                 {"signature", signature_json(signature)},
                                 {"problems", problems}});
        return ok ? kExitOk : kExitFailure;
    }

    std::string counts = plural(checked.pages_checked, "page", "pages") + " and " +
                         plural(checked.images_checked, "image", "images");
    if (checked.ok()) io.out << "ok: " << counts << " verified\n";
    for (const VerifyProblem& problem : checked.problems) {
        if (problem.what == "signature") {
            io.out << (signature.state == signing::SignatureState::tampered ? "tampered: " : "bad signature: ")
                   << problem.message << '\n';
            continue;
        }
        // Messages made to stand alone repeat the subject ("page X is
        // damaged: ..."); after "damaged: page X: " that is said already.
        std::string message = problem.message;
        for (const std::string& echo : {problem.what + " is damaged: ", problem.what + ": "})
            if (!problem.what.empty() && message.size() > echo.size() && message.compare(0, echo.size(), echo) == 0) {
                message.erase(0, echo.size());
                break;
            }
        io.out << "damaged: " << problem.what << ": " << message << '\n';
    }
    io.out << "signature: " << signature_line(signature) << '\n';
    if (!publisher_problem.empty()) io.out << "wrong publisher: " << publisher_problem << '\n';
    if (!checked.ok())
        io.out << plural(static_cast<int64_t>(checked.problems.size()), "problem", "problems") << " found in "
               << args.bundle << " (" << counts << " checked)\n";
    return ok ? kExitOk : kExitFailure;
}

int run_keygen(const KeygenArgs& args, const Io& io) {
    const std::string public_path = public_key_path(args.key_file);
    std::error_code error;
    for (const std::string& path : {args.key_file, public_path})
        if (std::filesystem::exists(path, error)) {
            print_error(io, path + " already exists: keygen never overwrites a key (a lost secret key cannot sign again)");
            return kExitFailure;
        }
    Result<signing::SecretKey> key = signing::generate_key(args.publisher);
    if (!key) {
        print_error(io, key.error().message);
        return kExitFailure;
    }
    const signing::PublicKey public_key = key->public_key();

    // O_EXCL: created here or not at all; 0600: readable by its owner only.
    auto write_new = [](const std::string& path, const std::string& text, mode_t mode) -> Status {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
        if (fd < 0) return Status(ErrorCode::io, path + ": cannot create: " + std::strerror(errno));
        ::fchmod(fd, mode);  // whatever the umask said
        size_t written = 0;
        while (written < text.size()) {
            ssize_t n = ::write(fd, text.data() + written, text.size() - written);
            if (n <= 0) break;
            written += static_cast<size_t>(n);
        }
        bool ok = written == text.size() && ::fsync(fd) == 0;
        ::close(fd);
        if (!ok) {
            ::unlink(path.c_str());
            return Status(ErrorCode::io, path + ": cannot write the key");
        }
        return {};
    };
    if (Status wrote = write_new(args.key_file, signing::format_secret_key(key.value()), 0600); !wrote) {
        print_error(io, wrote.message());
        return kExitFailure;
    }
    if (Status wrote = write_new(public_path, signing::format_public_key(public_key), 0644); !wrote) {
        ::unlink(args.key_file.c_str());
        print_error(io, wrote.message());
        return kExitFailure;
    }
    io.out << "secret key: " << args.key_file << " (only you can read it: keep it off USB sticks, back it up offline)\n"
           << "public key: " << public_path << " (give it to readers)\n"
           << "publisher:  " << public_key.publisher << "\n"
           << "fingerprint: " << signing::fingerprint(public_key) << "\n";
    return kExitOk;
}

int run_sign(const SignArgs& args, const Io& io) {
    Result<std::string> key_text = read_small_file(args.key_file, "key");
    if (!key_text) {
        print_error(io, key_text.error().message);
        return kExitFailure;
    }
    Result<signing::SecretKey> key = signing::parse_secret_key(key_text.value());
    if (!key) {
        print_error(io, args.key_file + ": " + key.error().message);
        return kExitFailure;
    }
    struct stat key_stat {};
    if (::stat(args.key_file.c_str(), &key_stat) == 0 && (key_stat.st_mode & 077) != 0)
        io.err << "sitepack: warning: " << args.key_file << " can be read by other users: chmod 600 it\n";

    // Never sign what is already damaged.
    {
        auto opened = Bundle::open(args.bundle);
        if (!opened) {
            print_error(io, opened.error().message);
            return kExitFailure;
        }
        if (opened->info().signature.weak_hashes) {
            print_error(io, args.bundle + ": made before signing existed: its XXH64 hashes detect damage but not forgery, "
                                          "so it cannot be signed; rebuild it with this sitepack (sitepack build), then sign it");
            return kExitFailure;
        }
        ProgressReporter progress(io.err, progress_options(io, args.quiet));
        auto report = opened->verify(
            [&progress](int64_t done, int64_t total) { progress.update("checking", done, total, "items"); });
        progress.finish();
        if (!report) {
            print_error(io, report.error().message);
            return kExitFailure;
        }
        for (const VerifyProblem& problem : report->problems)
            if (problem.what != "signature") {  // an old signature is replaced anyway
                print_error(io, args.bundle + " is damaged (" + problem.what + ": " + problem.message +
                                    "); run 'sitepack verify' and rebuild it before signing");
                return kExitFailure;
            }
    }

    // The signature is written into a copy beside the bundle, which then
    // replaces it in one rename: readers open bundles immutable (they ignore
    // a hot journal), so an in-place write cut short would be read as is.
    const std::string temporary = args.bundle + ".signing-" + std::to_string(::getpid()) + ".tmp";
    auto cleanup = [&temporary]() {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        std::filesystem::remove(temporary + "-journal", ignored);
    };
    std::error_code error;
    std::filesystem::copy_file(args.bundle, temporary, std::filesystem::copy_options::overwrite_existing, error);
    if (error) {
        cleanup();
        print_error(io, temporary + ": cannot copy the bundle to sign it: " + error.message());
        return kExitFailure;
    }
    sqlite3* db = nullptr;
    Status signed_status;
    if (sqlite3_open_v2(temporary.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        signed_status = Status(ErrorCode::io, temporary + ": cannot open: " + sqlite3_errmsg(db));
    } else {
        signed_status = signing::sign_database(db, key.value(), utc_now());
        if (signed_status) {
            char* message = nullptr;
            // The file replaces the bundle whole: no journal beside it.
            if (sqlite3_exec(db, "PRAGMA journal_mode = DELETE", nullptr, nullptr, &message) != SQLITE_OK)
                signed_status = Status(ErrorCode::io, message ? message : "journal");
            sqlite3_free(message);
        }
    }
    if (sqlite3_close(db) != SQLITE_OK && signed_status) signed_status = Status(ErrorCode::io, temporary + ": cannot close");
    // The signature's table is read at open: the pages read first change.
    if (signed_status) signed_status = build::record_read_first(temporary);
    if (signed_status) {
        int fd = ::open(temporary.c_str(), O_RDONLY);
        if (fd < 0 || ::fsync(fd) != 0) signed_status = Status(ErrorCode::io, temporary + ": cannot flush to disk");
        if (fd >= 0) ::close(fd);
    }
    if (signed_status && std::rename(temporary.c_str(), args.bundle.c_str()) != 0)
        signed_status = Status(ErrorCode::io, args.bundle + ": cannot replace it with the signed copy: " + std::strerror(errno));
    if (!signed_status) {
        cleanup();
        print_error(io, (signed_status.code() == ErrorCode::invalid_argument ? args.bundle + ": " : std::string()) +
                            signed_status.message());
        return kExitFailure;
    }
    const signing::PublicKey public_key = key->public_key();
    io.out << "signed " << args.bundle << " as " << public_key.publisher << " (key " << signing::fingerprint(public_key)
           << ")\n";
    return kExitOk;
}

}  // namespace sitepack::cli
