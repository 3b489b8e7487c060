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
  # Smaller download: what a reader of immutable bundles never uses (bundles
  # are written with journal_mode OFF, never WAL; no JSON in their SQL).
  target_compile_definitions(sp_sqlite3 PRIVATE
    SQLITE_OMIT_JSON SQLITE_OMIT_WAL SQLITE_OMIT_SHARED_CACHE SQLITE_OMIT_PROGRESS_CALLBACK
    SQLITE_OMIT_UTF16 SQLITE_OMIT_COMPLETE SQLITE_OMIT_GET_TABLE SQLITE_OMIT_TRACE SQLITE_OMIT_DECLTYPE
    SQLITE_DEFAULT_MEMSTATUS=0)
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
  # Fonts come from untrusted bundles: ImGui loads them with FreeType
  # (IMGUI_ENABLE_FREETYPE), which rejects malformed tables; stb_truetype,
  # which trusts them, is not compiled at all.
  sitepack_add_freetype()
  add_library(sp_imgui STATIC
    "${SITEPACK_IMGUI_DIR}/imgui.cpp" "${SITEPACK_IMGUI_DIR}/imgui_draw.cpp"
    "${SITEPACK_IMGUI_DIR}/imgui_tables.cpp" "${SITEPACK_IMGUI_DIR}/imgui_widgets.cpp"
    "${SITEPACK_IMGUI_DIR}/misc/freetype/imgui_freetype.cpp")
  target_include_directories(sp_imgui SYSTEM PUBLIC "${SITEPACK_IMGUI_DIR}" "${SITEPACK_IMGUI_DIR}/misc/freetype")
  target_compile_definitions(sp_imgui PUBLIC IMGUI_ENABLE_FREETYPE)
  target_link_libraries(sp_imgui PUBLIC sp_freetype)
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
  if(NOT WIN32)
    set(GLFW_BUILD_X11 ON CACHE BOOL "" FORCE)
  endif()
  set(BUILD_SHARED_LIBS OFF)
  add_subdirectory("${glfw_dir}" "${CMAKE_BINARY_DIR}/glfw" EXCLUDE_FROM_ALL SYSTEM)
  add_library(sp_glfw INTERFACE)
  target_link_libraries(sp_glfw INTERFACE glfw)
endfunction()

# libsodium 1.0.18 (Debian's source package, with Debian's security patches)
# for BLAKE2b content hashes and Ed25519 bundle signatures. Plain portable C:
# no assembly and no configure-time probes, so the same files compile with
# emcc; the SIMD variants compile to nothing without their HAVE_* defines.
function(sitepack_add_sodium)
  if(TARGET sp_sodium)
    return()
  endif()
  set(sodium_dir "${SITEPACK_DEPS_DIR}/libsodium/src/libsodium")
  if(NOT EXISTS "${sodium_dir}/include/sodium.h")
    message(FATAL_ERROR "${sodium_dir}/include/sodium.h is missing: run scripts/deps.sh first")
  endif()
  # version.h is made by libsodium's configure from version.h.in.
  set(VERSION "1.0.18")
  set(SODIUM_LIBRARY_VERSION_MAJOR 10)
  set(SODIUM_LIBRARY_VERSION_MINOR 3)
  set(SODIUM_LIBRARY_MINIMAL_DEF "")
  configure_file("${sodium_dir}/include/sodium/version.h.in" "${CMAKE_BINARY_DIR}/sodium-include/sodium/version.h" @ONLY)
  # version.h includes "export.h" from its own folder.
  configure_file("${sodium_dir}/include/sodium/export.h" "${CMAKE_BINARY_DIR}/sodium-include/sodium/export.h" COPYONLY)
  file(GLOB_RECURSE sp_sodium_sources "${sodium_dir}/*.c")
  add_library(sp_sodium STATIC ${sp_sodium_sources})
  target_include_directories(sp_sodium SYSTEM PUBLIC "${CMAKE_BINARY_DIR}/sodium-include" "${sodium_dir}/include")
  target_include_directories(sp_sodium PRIVATE "${CMAKE_BINARY_DIR}/sodium-include/sodium" "${sodium_dir}/include/sodium")
  # CONFIGURED: the defines below are what configure would decide for the
  # targets we build (little-endian x86-64 and wasm32).
  target_compile_definitions(sp_sodium PUBLIC SODIUM_STATIC)
  target_compile_definitions(sp_sodium PRIVATE CONFIGURED=1 NATIVE_LITTLE_ENDIAN=1)
  set_target_properties(sp_sodium PROPERTIES POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)
  if(NOT MSVC)
    target_compile_options(sp_sodium PRIVATE -w)
  endif()
endfunction()

# stb_image from the pinned libstb source package (newer than bookworm's
# libstb-dev, whose JPEG Huffman table builder reads past its array on a
# hostile file). Header-only: image_decode.cpp and image_probe.cpp compile it.
add_library(sp_stb INTERFACE)
target_include_directories(sp_stb SYSTEM INTERFACE "${SITEPACK_DEPS_DIR}/stb")

# FreeType 2.13 from its Debian source package: the reader's font loader
# (through ImGui's imgui_freetype.cpp), since fonts arrive inside untrusted
# bundles and stb_truetype trusts their offsets. Only the modules needed for
# TrueType and CFF/OpenType outlines (docs/INSTALL.ANY's file list), no
# configure step, no compression libraries, no assembly: the same files
# compile with emcc.
function(sitepack_add_freetype)
  if(TARGET sp_freetype)
    return()
  endif()
  set(ft_dir "${SITEPACK_DEPS_DIR}/freetype")
  if(NOT EXISTS "${ft_dir}/src/base/ftbase.c")
    message(FATAL_ERROR "${ft_dir}/src/base/ftbase.c is missing: run scripts/deps.sh first")
  endif()
  set(ft_config "${CMAKE_BINARY_DIR}/sp-freetype-config")
  # Our module list instead of FreeType's "everything" ftmodule.h.
  file(WRITE "${ft_config}/sp_ftmodule.h.new"
    "/* Generated by cmake/third_party.cmake: the FreeType modules sitepack compiles. */\n"
    "FT_USE_MODULE( FT_Module_Class, autofit_module_class )\n"
    "FT_USE_MODULE( FT_Driver_ClassRec, tt_driver_class )\n"
    "FT_USE_MODULE( FT_Driver_ClassRec, cff_driver_class )\n"
    "FT_USE_MODULE( FT_Module_Class, psaux_module_class )\n"
    "FT_USE_MODULE( FT_Module_Class, psnames_module_class )\n"
    "FT_USE_MODULE( FT_Module_Class, pshinter_module_class )\n"
    "FT_USE_MODULE( FT_Module_Class, sfnt_module_class )\n"
    "FT_USE_MODULE( FT_Renderer_Class, ft_smooth_renderer_class )\n")
  # FreeType's options with the features that need other libraries or code
  # we leave out switched off: zlib/LZW (WOFF, compressed fonts), SVG glyphs.
  file(READ "${ft_dir}/include/freetype/config/ftoption.h" ft_options)
  foreach(option FT_CONFIG_OPTION_USE_ZLIB FT_CONFIG_OPTION_USE_LZW FT_CONFIG_OPTION_SVG)
    string(REGEX REPLACE "\n#define +${option}\n" "\n/* ${option} off (sitepack) */\n" ft_options "${ft_options}")
  endforeach()
  file(WRITE "${ft_config}/sp_ftoption.h.new" "${ft_options}")
  foreach(header sp_ftmodule.h sp_ftoption.h)
    configure_file("${ft_config}/${header}.new" "${ft_config}/${header}" COPYONLY)
  endforeach()
  set(ft_sources)
  foreach(source base/ftsystem.c base/ftinit.c base/ftdebug.c base/ftbase.c base/ftbbox.c base/ftglyph.c
                 base/ftbitmap.c base/ftsynth.c base/ftmm.c
                 sfnt/sfnt.c truetype/truetype.c cff/cff.c psaux/psaux.c pshinter/pshinter.c
                 psnames/psnames.c smooth/smooth.c autofit/autofit.c)
    list(APPEND ft_sources "${ft_dir}/src/${source}")
  endforeach()
  add_library(sp_freetype STATIC ${ft_sources})
  target_include_directories(sp_freetype SYSTEM PUBLIC "${ft_config}" "${ft_dir}/include")
  target_compile_definitions(sp_freetype PUBLIC
    "FT_CONFIG_MODULES_H=<sp_ftmodule.h>" "FT_CONFIG_OPTIONS_H=<sp_ftoption.h>")
  target_compile_definitions(sp_freetype PRIVATE FT2_BUILD_LIBRARY)
  set_target_properties(sp_freetype PROPERTIES POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)
  if(NOT MSVC)
    target_compile_options(sp_freetype PRIVATE -w)
  endif()
endfunction()
