# wasm/wasm.cmake: the browser reader, included by the top-level
# CMakeLists.txt when configured with emcmake (scripts/build-web.sh).
#
#   sitepack-core(.js/.wasm)         the reading core, for the Web Worker
#   sitepack-core.single.js          the same with the wasm inlined (file:// build)
#   sitepack-core-node.js            the same for node (tests/wasm/)
#   sitepack-ui(.js/.wasm)           the views (ImGui, WebGL2), for the page
#   sitepack-ui.single.js            the same with the wasm inlined
#
# Sizes matter (the reader is downloaded): -Oz, no exception catching, and
# the JS glue minified by the Closure Compiler (--closure 1; the hooks the
# EM_JS code calls by name are declared in wasm/closure-externs.js).

# nlohmann/json is header-only; emcc does not search /usr/include, so only
# its folder is made visible (never the host's libc headers).
find_path(SITEPACK_NLOHMANN_DIR nlohmann/json.hpp PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH REQUIRED)
set(sitepack_nlohmann_include "${CMAKE_BINARY_DIR}/nlohmann-include")
file(MAKE_DIRECTORY "${sitepack_nlohmann_include}")
file(CREATE_LINK "${SITEPACK_NLOHMANN_DIR}/nlohmann" "${sitepack_nlohmann_include}/nlohmann" SYMBOLIC)
target_include_directories(sitepack_core SYSTEM PUBLIC "${sitepack_nlohmann_include}")
# Exception catching is off in the browser, so a throw from nlohmann/json
# aborts either way; JSON_NOEXCEPTION aborts without building the exception
# and its message first. PUBLIC: every web target sees json the same way.
target_compile_definitions(sitepack_core PUBLIC JSON_NOEXCEPTION)

# -Oz and link-time optimisation: the modules are downloaded, so size comes
# first. (LTO once lost the Worker's lazy in-memory source files; the core
# has had no filesystem since, it reads through its SQLite VFS only.)
# Two WebAssembly features every browser with WebGL2 has (Chrome 75,
# Firefox 64, Safari 15), later Emscripten's defaults: float-to-int
# conversions without their guard code, and sign extension in one
# instruction. Also given at the link: LTO generates the code there.
set(sitepack_web_compile -Oz -flto -mnontrapping-fptoint -msign-ext)
foreach(target sitepack_core sp_sqlite3 sp_zstd_decompress)
  target_compile_options(${target} PRIVATE ${sitepack_web_compile})
endforeach()
# zstd's own size switches (lib/README.md): one Huffman decoder and one
# sequence decoder instead of two of each. Decoding stays complete, a little
# slower; pages are small.
target_compile_definitions(sp_zstd_decompress PRIVATE HUF_FORCE_DECOMPRESS_X1 ZSTD_FORCE_DECOMPRESS_SEQUENCES_SHORT)
if(TARGET sp_sodium)
  target_compile_options(sp_sodium PRIVATE ${sitepack_web_compile})
endif()

# --- the views --------------------------------------------------------------
sitepack_add_imgui()
# Its native GLFW backend target is not for the browser.
set_target_properties(sp_imgui_glfw_gl3 PROPERTIES EXCLUDE_FROM_ALL ON)
# No Metrics/Debug Log windows in the download (the reader never shows them).
target_compile_definitions(sp_imgui PUBLIC IMGUI_DISABLE_DEBUG_TOOLS)
# No tables or legacy columns either: the views call no BeginTable or
# Columns, yet ImGui's core names a few table functions, which would link
# all of imgui_tables.cpp (about 13 KB gzip -9). wasm/imgui_tables_absent.cpp
# stands in for those few; a view calling BeginTable fails to link.
get_target_property(sitepack_imgui_sources sp_imgui SOURCES)
list(FILTER sitepack_imgui_sources EXCLUDE REGEX "/imgui_tables\\.cpp$")
list(APPEND sitepack_imgui_sources "${PROJECT_SOURCE_DIR}/wasm/imgui_tables_absent.cpp")
set_property(TARGET sp_imgui PROPERTY SOURCES ${sitepack_imgui_sources})
foreach(target sp_imgui sp_freetype)
  if(TARGET ${target})
    target_compile_options(${target} PRIVATE ${sitepack_web_compile})
  endif()
endforeach()
file(GLOB sitepack_ui_sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/shared/ui/*.cpp")
add_library(sitepack_ui STATIC ${sitepack_ui_sources})
target_include_directories(sitepack_ui PUBLIC "${PROJECT_SOURCE_DIR}/shared/include")
target_link_libraries(sitepack_ui PUBLIC sitepack_core sp_imgui)
target_compile_options(sitepack_ui PRIVATE ${sitepack_warnings} ${sitepack_web_compile})
if(TARGET sp_stb)
  target_link_libraries(sitepack_ui PRIVATE sp_stb)  # the pinned stb_image
else()
  # Debian's libstb-dev headers, made visible alone (not all of /usr/include).
  file(CREATE_LINK /usr/include/stb "${sitepack_nlohmann_include}/stb" SYMBOLIC)
endif()

# ImGui's GLFW backend over Emscripten's built-in GLFW emulation, and its
# OpenGL3 backend as OpenGL ES 3 (WebGL2).
add_library(sp_imgui_web_backends STATIC
  "${SITEPACK_IMGUI_DIR}/backends/imgui_impl_glfw.cpp" "${SITEPACK_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp")
target_include_directories(sp_imgui_web_backends SYSTEM PUBLIC "${SITEPACK_IMGUI_DIR}/backends")
target_compile_definitions(sp_imgui_web_backends PUBLIC IMGUI_IMPL_OPENGL_ES3)
target_compile_options(sp_imgui_web_backends PRIVATE -w ${sitepack_web_compile})
target_link_libraries(sp_imgui_web_backends PUBLIC sp_imgui)

# --- link settings ----------------------------------------------------------
# emmalloc: Emscripten's small allocator instead of dlmalloc (3 KB gzip -9
# less in each module).
# --closure 1: Emscripten runs the Closure Compiler that scripts/deps.sh
# installs (scripts/build-web.sh sets EM_CLOSURE_COMPILER); the glue shrinks
# to about half. Module fields the shell reads (ccall, HEAPU8, _exports) stay
# quoted in the glue; the sitepack* hooks are kept by the externs.
# BINARYEN_EXTRA_PASSES: wasm-opt's -Oz once more, repeated until the
# module stops shrinking (--converge), with functions of up to 6 of its
# size units always inlined (its default is 2): the many one-line C++
# helpers disappear into their callers. That leaves 18% fewer functions in
# the UI module and 13% fewer in the core, and 3.5 KB less to download in
# gzip -9. V8 compiles each function on its first call, each in a compile
# of its own: 1,178 and 1,028 of them before the first page instead of
# 1,508 and 1,250 (traced; their time moved within this machine's noise).
set(sitepack_web_link -Oz -flto -mnontrapping-fptoint -msign-ext
    -sBINARYEN_EXTRA_PASSES=--always-inline-max-function-size=6,-Oz,--converge
    --closure 1 "--closure-args=--externs=${PROJECT_SOURCE_DIR}/wasm/closure-externs.js"
    -sALLOW_MEMORY_GROWTH=1 -sMALLOC=emmalloc -sMODULARIZE=1 -sEXIT_RUNTIME=0
    -sDISABLE_EXCEPTION_CATCHING=1
    "-sEXPORTED_RUNTIME_METHODS=[ccall,cwrap,UTF8ToString,stringToUTF8,lengthBytesUTF8]"
    # Only the Module fields of Emscripten's own that the shell passes get
    # handling code in the glue. (Our sitepack* hooks need none: the EM_JS
    # code reads them from Module, whose names the externs keep.)
    "-sINCOMING_MODULE_JS_API=[locateFile,print,printErr,onRuntimeInitialized,onAbort,canvas,wasmBinary,instantiateWasm,noInitialRun,setStatus,monitorRunDependencies,preRun,postRun]")

# FILESYSTEM=0: the core reads bundles through its SQLite VFS
# (wasm/js_source_vfs.cpp; Bundle::open checks the header through the same
# VFS) and keeps SQLite's temporary data in memory (SQLITE_TEMP_STORE=3), so
# Emscripten's in-memory filesystem is left out of sitepack-core.js.
set(sitepack_core_link ${sitepack_web_link} -sEXPORT_NAME=createSitepackCore
    "-sEXPORTED_FUNCTIONS=[_sitepack_core_handle,_sitepack_core_bytes_read,_sitepack_core_read_first,_sitepack_core_prepare,_malloc,_free]"
    -sFILESYSTEM=0)

function(sitepack_web_core name environment)
  add_executable(${name} wasm/core_worker.cpp wasm/js_source_vfs.cpp)
  target_link_libraries(${name} PRIVATE sitepack_core)
  target_compile_options(${name} PRIVATE ${sitepack_warnings} ${sitepack_web_compile})
  set(externs "${PROJECT_SOURCE_DIR}/wasm/closure-externs.js")
  if(environment STREQUAL "worker")
    list(APPEND externs "${PROJECT_SOURCE_DIR}/wasm/closure-externs-worker.js")
    target_link_options(${name} PRIVATE "--closure-args=--externs=${PROJECT_SOURCE_DIR}/wasm/closure-externs-worker.js")
  endif()
  target_link_options(${name} PRIVATE ${sitepack_core_link} -sENVIRONMENT=${environment} ${ARGN})
  set_target_properties(${name} PROPERTIES SUFFIX ".js" LINK_DEPENDS "${externs}")
endfunction()
sitepack_web_core(sitepack-core worker)
sitepack_web_core(sitepack-core.single worker -sSINGLE_FILE=1)
sitepack_web_core(sitepack-core-node node)

# FILESYSTEM=0: the views read nothing from files (bundles are read by the
# core in its Worker, settings through Module.sitepackConfigRead), so
# Emscripten's in-memory filesystem is left out of sitepack-ui.js (13 KB
# gzip -9); stdout/stderr still reach the console.
# GL_SUPPORT_AUTOMATIC_ENABLE_EXTENSIONS=0: ImGui's GLES3 backend needs no
# WebGL extension, and enabling every one the browser offers (Emscripten's
# default) costs a wait on the GPU process for each: about 90 ms of the
# first page in Chromium with a software renderer.
set(sitepack_ui_link ${sitepack_web_link} -sEXPORT_NAME=createSitepackUI -sENVIRONMENT=web
    -sUSE_GLFW=3 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2 -sFILESYSTEM=0
    -sGL_SUPPORT_AUTOMATIC_ENABLE_EXTENSIONS=0
    "-sEXPORTED_FUNCTIONS=[_main,_sitepack_ui_deliver,_sitepack_ui_open_source,_sitepack_ui_navigate,_sitepack_ui_text_input,_sitepack_ui_dump,_sitepack_ui_search,_sitepack_ui_open_result,_sitepack_ui_click_link,_sitepack_ui_selection_span,_sitepack_ui_idle,_sitepack_ui_reserve_status_line,_malloc,_free]")

function(sitepack_web_ui name)
  add_executable(${name} wasm/web_main.cpp wasm/web_platform.cpp)
  target_link_libraries(${name} PRIVATE sitepack_ui sp_imgui_web_backends)
  target_compile_options(${name} PRIVATE ${sitepack_warnings} ${sitepack_web_compile})
  target_link_options(${name} PRIVATE ${sitepack_ui_link} ${ARGN})
  set_target_properties(${name} PROPERTIES SUFFIX ".js" LINK_DEPENDS "${PROJECT_SOURCE_DIR}/wasm/closure-externs.js")
endfunction()
sitepack_web_ui(sitepack-ui)
sitepack_web_ui(sitepack-ui.single -sSINGLE_FILE=1)
