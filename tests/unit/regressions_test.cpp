// regressions_test.cpp: every input a fuzzer ever crashed on, replayed.
//
// tests/regressions/TARGET/ holds the inputs that made fuzz target TARGET
// (fuzz/TARGET.cpp) crash, kept once the bug was fixed; fuzz/corpus/NAME/
// holds the fuzzers' seeds. Each file goes through the very function its
// fuzzer calls (fuzz/targets.h), here without sanitizers: it must return
// (an error or a value), and the invariants the fuzzer checks must hold.
// A new crash input needs no new code: drop it in the target's folder.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// The fuzzers abort on a broken invariant; here it is a failed check.
#define SITEPACK_FUZZ_CHECK(condition, what) CHECK_MESSAGE((condition), what)
#include "../../fuzz/reader_targets.h"
#include "../../fuzz/targets.h"

namespace fs = std::filesystem;

namespace {

using TargetFunction = void (*)(std::string_view);

struct Target {
    const char* name;  // the fuzz program, and its folder under tests/regressions/
    TargetFunction run;
};

const Target kTargets[] = {
    {"fuzz_document_decode", sitepack_fuzz::document_decode},
    {"fuzz_warc_reader", sitepack_fuzz::warc_reader},
    {"fuzz_html_extract", sitepack_fuzz::html_extract},
    {"fuzz_charset", sitepack_fuzz::charset},
    {"fuzz_url", sitepack_fuzz::url},
    {"fuzz_bundle_open", sitepack_fuzz::bundle_open},
    {"fuzz_text_layout", sitepack_fuzz::text_layout},
    {"fuzz_image_decode", sitepack_fuzz::image_decode},
    {"fuzz_font_load", sitepack_fuzz::font_load},
};

const fs::path kSourceDir = SITEPACK_SOURCE_DIR;

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> files;
    std::error_code error;
    if (!fs::is_directory(dir, error)) return files;
    for (const auto& entry : fs::directory_iterator(dir, error)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs every kept crash input and every seed of `target`; returns how many.
size_t replay(const Target& target) {
    const std::string seeds = std::string(target.name).substr(5);  // "fuzz_url" -> "url"
    size_t count = 0;
    for (const fs::path& dir : {kSourceDir / "tests/regressions" / target.name, kSourceDir / "fuzz/corpus" / seeds}) {
        for (const fs::path& file : files_in(dir)) {
            INFO("input: " << file.string());
            const std::string bytes = read_file(file);
            target.run(bytes);
            ++count;
        }
    }
    return count;
}

}  // namespace

TEST_CASE("regressions: every folder of tests/regressions is a fuzz target") {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(kSourceDir / "tests/regressions", error)) {
        if (!entry.is_directory()) continue;
        const std::string name = entry.path().filename().string();
        const bool known = std::any_of(std::begin(kTargets), std::end(kTargets),
                                       [&](const Target& target) { return name == target.name; });
        CHECK_MESSAGE(known, "tests/regressions/" << name << " names no fuzz target");
    }
}

// These two would not crash the harness but hang it or take gigabytes, so
// say outright that they are refused.
TEST_CASE("regressions: a bundle whose schema computes its values is refused at open") {
    for (const char* name : {"recursive-view-metadata", "generated-column-900mb"}) {
        const fs::path file = kSourceDir / "tests/regressions/fuzz_bundle_open" / name;
        INFO("bundle: " << file.string());
        auto opened = sitepack::Bundle::open(file.string());
        REQUIRE_FALSE(opened.ok());
        CHECK(opened.code() == sitepack::ErrorCode::not_a_bundle);
    }
}

TEST_CASE("regressions: fuzz_document_decode inputs") { CHECK(replay(kTargets[0]) > 0); }
TEST_CASE("regressions: fuzz_warc_reader inputs") { CHECK(replay(kTargets[1]) > 0); }
TEST_CASE("regressions: fuzz_html_extract inputs") { CHECK(replay(kTargets[2]) > 0); }
TEST_CASE("regressions: fuzz_charset inputs") { CHECK(replay(kTargets[3]) > 0); }
TEST_CASE("regressions: fuzz_url inputs") { CHECK(replay(kTargets[4]) > 0); }
TEST_CASE("regressions: fuzz_bundle_open inputs") { CHECK(replay(kTargets[5]) > 0); }
TEST_CASE("regressions: fuzz_text_layout inputs") { CHECK(replay(kTargets[6]) > 0); }
TEST_CASE("regressions: fuzz_image_decode inputs") { CHECK(replay(kTargets[7]) > 0); }
TEST_CASE("regressions: fuzz_font_load inputs") { CHECK(replay(kTargets[8]) > 0); }
