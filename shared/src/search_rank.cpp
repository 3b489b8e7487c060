#include "search_rank.h"

#include "sitepack/search_text.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
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
    bool matches_many = false;  // a phrase matches over a fifth of the pages
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
        if (matching * 5 > rows) statistics->matches_many = true;
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

// The length of every page's columns, read once per connection: from the
// builder's compact search_lengths blob when the bundle has one (30 KB for
// 10,000 pages, read for any query), else with one scan of FTS5's docsize
// table (110 KB, read for a query matching many pages). BM25 needs the
// matched page's length; asked through xColumnSize, FTS5 seeks docsize once
// per matching row, which was half of the time of a query matching most of
// the bundle, and over HTTP a request per row.
class ColumnSizes {
public:
    explicit ColumnSizes(sqlite3* db) : db_(db) {}

    // Lengths of `rowid`'s columns, or nullptr (the caller then asks FTS5).
    const uint32_t* find(sqlite3_int64 rowid, int columns, bool matches_many) {
        if (source_ == Source::not_read) source_ = load_compact(columns) ? Source::read : Source::docsize_when_needed;
        if (source_ == Source::docsize_when_needed && matches_many) {
            load_docsize(columns);
            source_ = Source::read;  // read, or found unusable: FTS5 seeks each row from now on
        }
        if (columns != columns_ || ids_.empty()) return nullptr;
        auto found = std::lower_bound(ids_.begin(), ids_.end(), rowid);
        if (found == ids_.end() || *found != rowid) return nullptr;
        return &sizes_[static_cast<size_t>(found - ids_.begin()) * static_cast<size_t>(columns_)];
    }

private:
    static constexpr sqlite3_int64 kMaxRows = 4'000'000;  // beyond: 32 MB of lengths; seek instead

    bool load_compact(int columns) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db_, "SELECT columns, codes FROM search_lengths WHERE id = 1", -1, &statement, nullptr) != SQLITE_OK)
            return false;  // an older bundle: no such table
        bool usable = false;
        if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_int64(statement, 0) == columns) {
            const auto* blob = static_cast<const char*>(sqlite3_column_blob(statement, 1));
            const int bytes = sqlite3_column_bytes(statement, 1);
            usable = blob && decode_length_entries(std::string_view(blob, static_cast<size_t>(bytes)), columns,
                                                   static_cast<size_t>(kMaxRows), ids_, sizes_);
        }
        sqlite3_finalize(statement);
        columns_ = usable ? columns : 0;
        return usable;
    }

    void load_docsize(int columns) {
        columns_ = columns;
        ids_.clear();
        sizes_.clear();
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db_, "SELECT id, sz FROM search_docsize ORDER BY id", -1, &statement, nullptr) != SQLITE_OK)
            return;
        bool usable = true;
        while (usable && sqlite3_step(statement) == SQLITE_ROW) {
            if (static_cast<sqlite3_int64>(ids_.size()) >= kMaxRows) { usable = false; break; }
            // A damaged record makes the whole cache unusable, never a bad read.
            usable = decode_docsize_record(static_cast<const unsigned char*>(sqlite3_column_blob(statement, 1)),
                                           sqlite3_column_bytes(statement, 1), columns, sizes_);
            ids_.push_back(static_cast<int64_t>(sqlite3_column_int64(statement, 0)));
        }
        sqlite3_finalize(statement);
        if (!usable) { ids_.clear(); sizes_.clear(); }
    }

    sqlite3* db_;
    // The compact table is tried at the first query; docsize, the first time
    // a query matches many pages.
    enum class Source { not_read, docsize_when_needed, read } source_ = Source::not_read;
    int columns_ = 0;
    std::vector<int64_t> ids_;        // ascending
    std::vector<uint32_t> sizes_;     // columns_ per id
};

void rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* context, int argument_count,
          sqlite3_value** arguments) {
    QueryStatistics* statistics = statistics_of(api, fts);
    int columns = api->xColumnCount(fts);
    const uint32_t* lengths = static_cast<ColumnSizes*>(api->xUserData(fts))->find(api->xRowid(fts), columns,
                                                                                        statistics->matches_many);
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
            if (lengths) length = static_cast<int>(std::min<uint32_t>(lengths[column], INT32_MAX));
            else api->xColumnSize(fts, column, &length);
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
    auto* sizes = new ColumnSizes(db);
    return api->xCreateFunction(api, "sitepack_rank", sizes, rank,
                                [](void* data) { delete static_cast<ColumnSizes*>(data); }) == SQLITE_OK;
}

}  // namespace sitepack::search
