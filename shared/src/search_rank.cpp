#include "search_rank.h"

#include <cmath>
#include <vector>

namespace sitepack::search {
namespace {

fts5_api* fts5_api_of(sqlite3* db) {
    fts5_api* api = nullptr;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, nullptr) != SQLITE_OK) return nullptr;
    sqlite3_bind_pointer(statement, 1, &api, "fts5_api_ptr", nullptr);
    sqlite3_step(statement);
    sqlite3_finalize(statement);
    return api;
}

// Per query: the inverse document frequency of each phrase and the average
// length of each column, computed once and kept as the query's aux data.
struct QueryStatistics {
    std::vector<double> idf;
    std::vector<double> average_length;
};

int count_row(const Fts5ExtensionApi*, Fts5Context*, void* rows) {
    ++*static_cast<int64_t*>(rows);
    return SQLITE_OK;
}

QueryStatistics* statistics_of(const Fts5ExtensionApi* api, Fts5Context* fts) {
    if (auto* cached = static_cast<QueryStatistics*>(api->xGetAuxdata(fts, 0))) return cached;
    auto* statistics = new QueryStatistics;
    sqlite3_int64 rows = 0;
    api->xRowCount(fts, &rows);
    int phrases = api->xPhraseCount(fts);
    for (int phrase = 0; phrase < phrases; ++phrase) {
        int64_t matching = 0;
        api->xQueryPhrase(fts, phrase, &matching, count_row);
        // BM25's IDF, kept positive as FTS5 does for very common words.
        double idf = std::log((rows - matching + 0.5) / (matching + 0.5));
        statistics->idf.push_back(idf > 1e-6 ? idf : 1e-6);
    }
    int columns = api->xColumnCount(fts);
    for (int column = 0; column < columns; ++column) {
        sqlite3_int64 tokens = 0;
        api->xColumnTotalSize(fts, column, &tokens);
        statistics->average_length.push_back(rows > 0 ? double(tokens) / double(rows) : 1.0);
    }
    api->xSetAuxdata(fts, statistics, [](void* data) { delete static_cast<QueryStatistics*>(data); });
    return statistics;
}

void rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* context, int argument_count,
          sqlite3_value** arguments) {
    QueryStatistics* statistics = statistics_of(api, fts);
    int columns = api->xColumnCount(fts);
    constexpr double k1 = 1.2, b = 0.75;
    double score = 0;
    for (int phrase = 0; phrase < api->xPhraseCount(fts); ++phrase) {
        Fts5PhraseIter iterator;
        int column = -1;
        for (api->xPhraseFirstColumn(fts, phrase, &iterator, &column); column >= 0;
             api->xPhraseNextColumn(fts, &iterator, &column)) {
            if (column >= columns) continue;
            double weight = column < argument_count ? sqlite3_value_double(arguments[column]) : 1.0;
            int length = 0;
            api->xColumnSize(fts, column, &length);
            // BM25 with a term frequency of one: the index knows that a word
            // occurs in a column, not how often.
            double normalised = 1.0 - b + b * length / statistics->average_length[static_cast<size_t>(column)];
            score += weight * statistics->idf[static_cast<size_t>(phrase)] * (k1 + 1.0) / (1.0 + k1 * normalised);
        }
    }
    sqlite3_result_double(context, -score);
}

}  // namespace

bool register_rank_function(sqlite3* db) {
    fts5_api* api = fts5_api_of(db);
    if (!api) return false;
    return api->xCreateFunction(api, "sitepack_rank", nullptr, rank, nullptr) == SQLITE_OK;
}

}  // namespace sitepack::search
