// fuzz_common.h: helpers the libFuzzer targets share.
//
// Some parsers only read files (read_warc, Bundle::open), so those targets
// write each input to a scratch file first. The file lives in /dev/shm when
// there is one (no disk I/O per execution) and is named after the process,
// so parallel fuzzing jobs (-jobs=N, -fork=N) never share one.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sitepack_fuzz {

inline std::string_view as_view(const uint8_t* data, size_t size) {
    return std::string_view(reinterpret_cast<const char*>(data), size);
}

// A scratch path unique to this process; `suffix` keeps a file name
// extension that the code under test may look at.
inline std::string scratch_path(const char* suffix) {
    static const std::string dir = [] {
        if (access("/dev/shm", W_OK) == 0) return std::string("/dev/shm");
        const char* tmp = std::getenv("TMPDIR");
        return std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
    }();
    return dir + "/sitepack-fuzz-" + std::to_string(getpid()) + suffix;
}

// Deletes `path` when the process exits normally (libFuzzer ends a timed run
// with exit()), so runs leave nothing behind in /dev/shm.
inline void remove_at_exit(const std::string& path) {
    static std::vector<std::string>* paths = nullptr;
    if (paths == nullptr) {
        paths = new std::vector<std::string>();
        std::atexit([] {
            for (const std::string& p : *paths) std::remove(p.c_str());
        });
    }
    for (const std::string& p : *paths) {
        if (p == path) return;
    }
    paths->push_back(path);
}

// Replaces the scratch file's contents with `bytes`. Aborts when it cannot:
// a fuzzer that silently tests nothing is worse than one that stops.
inline void write_scratch(const std::string& path, std::string_view bytes) {
    FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
        std::perror(path.c_str());
        std::abort();
    }
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size()) {
        std::perror(path.c_str());
        std::abort();
    }
    std::fclose(file);
}

// Splits off the first line (without "\n"); the rest follows it.
inline std::pair<std::string_view, std::string_view> split_first_line(std::string_view input) {
    const size_t newline = input.find('\n');
    if (newline == std::string_view::npos) return {input, std::string_view()};
    return {input.substr(0, newline), input.substr(newline + 1)};
}

// A check the fuzzer must treat as a crash: prints what failed and aborts,
// so libFuzzer saves the input. The regression suite defines its own (a
// doctest CHECK) before including this file, to report instead of abort.
#ifndef SITEPACK_FUZZ_CHECK
#define SITEPACK_FUZZ_CHECK(condition, what)                                                    \
    do {                                                                                        \
        if (!(condition)) {                                                                     \
            std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", what, __FILE__, __LINE__); \
            std::abort();                                                                       \
        }                                                                                       \
    } while (0)
#endif

}  // namespace sitepack_fuzz
