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
  SQLITE_ENABLE_FTS5 SQLITE_DQS=0 SQLITE_OMIT_LOAD_EXTENSION
  SQLITE_DEFAULT_FOREIGN_KEYS=1 SQLITE_USE_ALLOCA SQLITE_OMIT_DEPRECATED)
if(EMSCRIPTEN)
  # In the browser the core is alone in its Web Worker: no threads, no
  # filesystem VFS (wasm/js_source_vfs.cpp is the only one), temporary
  # tables in memory.
  target_compile_definitions(sp_sqlite3 PRIVATE SQLITE_THREADSAFE=0 SQLITE_OS_OTHER=1 SQLITE_TEMP_STORE=3)
else()
  target_compile_definitions(sp_sqlite3 PRIVATE SQLITE_THREADSAFE=1)
  find_package(Threads REQUIRED)
  target_link_libraries(sp_sqlite3 PRIVATE Threads::Threads ${CMAKE_DL_LIBS})
endif()
set_target_properties(sp_sqlite3 PROPERTIES POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)
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

# Dear ImGui 1.92 (dynamic font atlas: CJK glyphs are rasterised on demand).
# The core library holds no backend; each platform entry adds its own.
function(sitepack_add_imgui)
  if(TARGET sp_imgui)
    return()
  endif()
  if(NOT EXISTS "${SITEPACK_IMGUI_DIR}/imgui.cpp")
    message(FATAL_ERROR "${SITEPACK_IMGUI_DIR}/imgui.cpp is missing: run scripts/deps.sh first")
  endif()
  add_library(sp_imgui STATIC
    "${SITEPACK_IMGUI_DIR}/imgui.cpp" "${SITEPACK_IMGUI_DIR}/imgui_draw.cpp"
    "${SITEPACK_IMGUI_DIR}/imgui_tables.cpp" "${SITEPACK_IMGUI_DIR}/imgui_widgets.cpp")
  target_include_directories(sp_imgui SYSTEM PUBLIC "${SITEPACK_IMGUI_DIR}")
  # No obsolete APIs, and no demo window code in the reader.
  target_compile_definitions(sp_imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS IMGUI_DISABLE_DEMO_WINDOWS)
  target_compile_options(sp_imgui PRIVATE -w)

  add_library(sp_imgui_glfw_gl3 STATIC
    "${SITEPACK_IMGUI_DIR}/backends/imgui_impl_glfw.cpp" "${SITEPACK_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp")
  target_include_directories(sp_imgui_glfw_gl3 SYSTEM PUBLIC "${SITEPACK_IMGUI_DIR}/backends")
  target_link_libraries(sp_imgui_glfw_gl3 PUBLIC sp_imgui sp_glfw)
  target_compile_options(sp_imgui_glfw_gl3 PRIVATE -w)
endfunction()

# GLFW 3.4 from its Debian source package, compiled into the reader so it
# runs from a USB stick with no GLFW installed. X11 only: GLFW loads libX11
# and libGL at run time, and Wayland desktops run X11 programs through
# XWayland.
function(sitepack_add_glfw)
  if(TARGET sp_glfw)
    return()
  endif()
  set(glfw_dir "${SITEPACK_DEPS_DIR}/glfw")
  if(NOT EXISTS "${glfw_dir}/CMakeLists.txt")
    message(FATAL_ERROR "${glfw_dir}/CMakeLists.txt is missing: run scripts/deps.sh first")
  endif()
  foreach(setting GLFW_BUILD_EXAMPLES GLFW_BUILD_TESTS GLFW_BUILD_DOCS GLFW_INSTALL GLFW_BUILD_WAYLAND)
    set(${setting} OFF CACHE BOOL "" FORCE)
  endforeach()
  set(GLFW_BUILD_X11 ON CACHE BOOL "" FORCE)
  set(BUILD_SHARED_LIBS OFF)
  add_subdirectory("${glfw_dir}" "${CMAKE_BINARY_DIR}/glfw" EXCLUDE_FROM_ALL SYSTEM)
  add_library(sp_glfw INTERFACE)
  target_link_libraries(sp_glfw INTERFACE glfw)
endfunction()
