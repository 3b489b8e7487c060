// ui_script_runner_test.cpp: parsing of the reader's automation scripts.
#include <doctest/doctest.h>

#include "sitepack/ui/script_runner.h"

using sitepack::ErrorCode;
using sitepack::ui::ScriptRunner;

TEST_CASE("a script of known steps loads, comments and blank lines skipped") {
    ScriptRunner runner;
    const auto loaded = runner.load("# a test\n\nopen /about/\nclick \"UNHCR\"\nsearch forced repatriation\n"
                                    "result 1\nback\nscroll 800\nzoom +1\nresize 1024 768\nwait\n"
                                    "screenshot out.png\ndump out.json\n");
    CHECK(loaded.ok());
}

TEST_CASE("an unknown step is refused naming its line") {
    ScriptRunner runner;
    const auto loaded = runner.load("open /about/\nfly away\n");
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.code() == ErrorCode::invalid_argument);
    CHECK(loaded.message().find("line 2") != std::string::npos);
    CHECK(loaded.message().find("fly") != std::string::npos);
}
