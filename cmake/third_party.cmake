# Third-party libraries compiled from the pinned Debian source packages that
# scripts/deps.sh unpacks into .deps/src. The same sources are used for the
# native and the WebAssembly builds, so a bundle behaves the same everywhere.

set(SITEPACK_DEPS_DIR "${PROJECT_SOURCE_DIR}/.deps/src" CACHE PATH "Unpacked third-party sources (made by scripts/deps.sh)")

foreach(required sqlite-amalgamation/sqlite3.c zstd/lib/zstd.h)
  if(NOT EXISTS "${SITEPACK_DEPS_DIR}/${required}")
    message(FATAL_ERROR "${SITEPACK_DEPS_DIR}/${required} is missing: run scripts/deps.sh first")
  endif()
endforeach()

# SQLite with FTS5. Threadsafe because the reader's core runs on its own thread.
add_library(sp_sqlite3 STATIC "${SITEPACK_DEPS_DIR}/sqlite-amalgamation/sqlite3.c")
target_include_directories(sp_sqlite3 SYSTEM PUBLIC "${SITEPACK_DEPS_DIR}/sqlite-amalgamation")
target_compile_definitions(sp_sqlite3 PRIVATE
  SQLITE_ENABLE_FTS5 SQLITE_THREADSAFE=1 SQLITE_DQS=0 SQLITE_OMIT_LOAD_EXTENSION
  SQLITE_DEFAULT_FOREIGN_KEYS=1 SQLITE_USE_ALLOCA SQLITE_OMIT_DEPRECATED)
set_target_properties(sp_sqlite3 PROPERTIES POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)
find_package(Threads REQUIRED)
target_link_libraries(sp_sqlite3 PRIVATE Threads::Threads ${CMAKE_DL_LIBS})
if(NOT MSVC)
  target_compile_options(sp_sqlite3 PRIVATE -w)
endif()

# zstd, split as zstd itself is: the reader links only the decompressor.
set(ZSTD_LIB "${SITEPACK_DEPS_DIR}/zstd/lib")
file(GLOB sp_zstd_common_sources "${ZSTD_LIB}/common/*.c")
file(GLOB sp_zstd_decompress_sources "${ZSTD_LIB}/decompress/*.c")
file(GLOB sp_zstd_compress_sources "${ZSTD_LIB}/compress/*.c" "${ZSTD_LIB}/dictBuilder/*.c")

add_library(sp_zstd_decompress STATIC ${sp_zstd_common_sources} ${sp_zstd_decompress_sources})
target_include_directories(sp_zstd_decompress SYSTEM PUBLIC "${ZSTD_LIB}")
# The x86-64 assembly Huffman decoder is not portable to WebAssembly; the C
# fallback is used everywhere so both builds run the same code.
target_compile_definitions(sp_zstd_decompress PUBLIC ZSTD_DISABLE_ASM ZSTD_LEGACY_SUPPORT=0)
target_compile_options(sp_zstd_decompress PRIVATE -w)

add_library(sp_zstd_compress STATIC ${sp_zstd_compress_sources})
target_link_libraries(sp_zstd_compress PUBLIC sp_zstd_decompress)
target_compile_options(sp_zstd_compress PRIVATE -w)

set(SITEPACK_IMGUI_DIR "${SITEPACK_DEPS_DIR}/imgui")
