// test_support.h: what several unit suites share: a scratch folder of the
// test process's own, and the sample site's bundle built by the real
// builder once per process.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "site_builder.h"

namespace sitepack::test {

// A folder below SITEPACK_TEST_TMP for this process alone (CTest runs test
// cases as parallel processes), emptied on first use and removed at exit.
inline const std::filesystem::path& scratch_folder() {
    // Never destroyed, so the exit handler can still read it.
    static const std::filesystem::path* folder = [] {
        auto* path = new std::filesystem::path(std::filesystem::path(SITEPACK_TEST_TMP) /
                                               ("unit-" + std::to_string(::getpid())));
        std::filesystem::remove_all(*path);
        std::filesystem::create_directories(*path);
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(*folder, ignored);
        });
        return path;
    }();
    return *folder;
}

// samples/lfnkr built into the scratch folder on first use (compression
// level 3, build time 0: the same bytes every time); fails the test case
// with the builder's message when it cannot be built.
inline const std::string& sample_bundle() {
    static const std::string path = [] {
        const std::filesystem::path output = scratch_folder() / "sample.sitepack";
        std::filesystem::remove(output);
        build::BuildOptions options;
        options.inputs = {std::string(SITEPACK_SOURCE_DIR) + "/samples/lfnkr"};
        options.output = output.string();
        options.compression_level = 3;
        options.build_time = 0;
        Result<build::BuildSummary> built = build::build_bundle(options);
        REQUIRE_MESSAGE(built.ok(), (built.ok() ? "" : built.error().message));
        return output.string();
    }();
    return path;
}

}  // namespace sitepack::test
