// search_rank.h (private): the ranking function of bundle searches.
#pragma once

#include <sqlite3.h>

namespace sitepack::search {

// Registers the FTS5 auxiliary function sitepack_rank(search, title_weight,
// body_weight) on `db`: lower is better, like bm25(). FTS5's own bm25()
// returns 0 for every row of a detail=column index (it counts positions,
// which such an index does not keep), so this one scores what the index
// does keep: which columns a word occurs in, how rare the word is, and how
// long the page is. Returns false when FTS5 is unavailable.
bool register_rank_function(sqlite3* db);

}  // namespace sitepack::search
