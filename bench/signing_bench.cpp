// signing_bench.cpp: what signatures cost a reader, on one bundle
// (bench/run_signing_bench.py runs it and writes bench/RESULTS.md).
//
//   signing_bench BUNDLE [--pages N] [--rounds R]
//
// Prints one JSON object: the median time of Bundle::open, of the signature
// check alone (signing::check_signature: manifest + one Ed25519 verify), of
// reading one page (Bundle::read_document: decompress, hash, decode), and
// of hashing a decoded page body with BLAKE2b and with XXH64, over the same
// random pages. Everything runs in this process, one after the other, so
// the ratios compare like with like. Times are the thread's CPU time (the
// bundle is in the page cache after the first round).
#include <sqlite3.h>
#include <zstd.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "common/xxhash.h"
#include "sitepack/bundle.h"
#include "sitepack/bundle_format.h"
#include "sitepack/signature.h"

using namespace sitepack;
namespace {

// CPU time of this thread, not wall time: the shared machine runs other
// jobs, and a time slice lost to them is no cost of signing.
struct Clock {
    using time_point = double;
    static double now() {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
    }
};
double since(double start) { return Clock::now() - start; }

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

int fail(const std::string& message) {
    std::fprintf(stderr, "signing_bench: %s\n", message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return fail("usage: signing_bench BUNDLE [--pages N] [--rounds R]");
    const std::string path = argv[1];
    int pages = 500, rounds = 15;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (std::string(argv[i]) == "--pages") pages = std::atoi(argv[i + 1]);
        else if (std::string(argv[i]) == "--rounds") rounds = std::atoi(argv[i + 1]);
    }

    // Bundle::open, whole (the signature check included).
    std::vector<double> open_ms;
    signing::SignatureState state = signing::SignatureState::unsigned_bundle;
    for (int round = 0; round < rounds; ++round) {
        Clock::time_point start = Clock::now();
        Result<Bundle> bundle = Bundle::open(path);
        open_ms.push_back(since(start));
        if (!bundle) return fail(bundle.error().message);
        state = bundle->info().signature.state;
    }

    // The signature check alone, on a connection of its own.
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(("file:" + path + "?mode=ro&immutable=1").c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                        nullptr) != SQLITE_OK)
        return fail("cannot open " + path);
    std::vector<double> check_ms;
    for (int round = 0; round < rounds; ++round) {
        Clock::time_point start = Clock::now();
        signing::SignatureCheck check = signing::check_signature(db, {});
        check_ms.push_back(since(start));
        if (check.state != state) return fail("the signature state changed between runs");
    }

    // The same random pages for every measure below.
    std::vector<int64_t> ids;
    std::string dictionary;
    {
        sqlite3_stmt* rows = nullptr;
        sqlite3_prepare_v2(db, "SELECT id FROM pages", -1, &rows, nullptr);
        while (sqlite3_step(rows) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(rows, 0));
        sqlite3_finalize(rows);
        sqlite3_prepare_v2(db, "SELECT content FROM zstd_dictionaries LIMIT 1", -1, &rows, nullptr);
        if (sqlite3_step(rows) == SQLITE_ROW)
            dictionary.assign(static_cast<const char*>(sqlite3_column_blob(rows, 0)), sqlite3_column_bytes(rows, 0));
        sqlite3_finalize(rows);
    }
    if (ids.empty()) return fail("the bundle has no pages");
    std::mt19937_64 random(42);
    std::shuffle(ids.begin(), ids.end(), random);
    if (static_cast<int>(ids.size()) > pages) ids.resize(static_cast<size_t>(pages));

    // The decoded bodies, for the hash-only measures.
    std::vector<std::string> bodies;
    {
        ZSTD_DCtx* context = ZSTD_createDCtx();
        sqlite3_stmt* row = nullptr;
        sqlite3_prepare_v2(db, "SELECT body, body_size FROM pages WHERE id = ?", -1, &row, nullptr);
        for (int64_t id : ids) {
            sqlite3_bind_int64(row, 1, id);
            if (sqlite3_step(row) == SQLITE_ROW) {
                std::string body(static_cast<size_t>(sqlite3_column_int64(row, 1)), '\0');
                size_t got = ZSTD_decompress_usingDict(context, body.data(), body.size(), sqlite3_column_blob(row, 0),
                                                       sqlite3_column_bytes(row, 0), dictionary.data(), dictionary.size());
                if (ZSTD_isError(got)) return fail("a page does not decompress");
                bodies.push_back(std::move(body));
            }
            sqlite3_reset(row);
        }
        sqlite3_finalize(row);
        ZSTD_freeDCtx(context);
    }
    sqlite3_close(db);

    Result<Bundle> bundle = Bundle::open(path);
    if (!bundle) return fail(bundle.error().message);
    std::vector<double> read_us, blake_us, xxh_us;
    double body_bytes = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        Clock::time_point start = Clock::now();
        Result<doc::Document> document = bundle->read_document(ids[i]);
        read_us.push_back(since(start) * 1000);
        if (!document) return fail(document.error().message);
        // Each hash is run 5 times and the mean kept: one run is near the
        // clock's resolution for small pages.
        start = Clock::now();
        size_t sink = 0;
        for (int r = 0; r < 5; ++r) sink += content_hash(bodies[i]).size();
        blake_us.push_back(since(start) * 1000 / 5);
        start = Clock::now();
        for (int r = 0; r < 5; ++r) sink += static_cast<size_t>(XXH64(bodies[i].data(), bodies[i].size(), 0) & 1);
        xxh_us.push_back(since(start) * 1000 / 5);
        if (sink == 0) return fail("unreachable");
        body_bytes += static_cast<double>(bodies[i].size());
    }
    const double mean_body = body_bytes / static_cast<double>(ids.size());

    std::printf(
        "{\"bundle\": \"%s\", \"state\": \"%s\", \"rounds\": %d, \"pages_sampled\": %zu, \"mean_body_bytes\": %.0f,\n"
        " \"open_ms\": %.3f, \"signature_check_ms\": %.3f,\n"
        " \"read_page_us\": %.2f, \"blake2b_page_us\": %.2f, \"xxh64_page_us\": %.2f}\n",
        path.c_str(), signing::state_name(state), rounds, ids.size(), mean_body, median(open_ms), median(check_ms),
        median(read_us), median(blake_us), median(xxh_us));
    return 0;
}
