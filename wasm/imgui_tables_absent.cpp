// imgui_tables_absent.cpp: the browser reader's Dear ImGui is linked without
// imgui_tables.cpp (tables and legacy columns; wasm/wasm.cmake), about
// 13 KB gzip -9 of code the reader's views never use: they call no
// BeginTable or Columns. ImGui's core still names a few table functions.
// Some run every frame or at start-up on the (always empty) table pools:
// they have nothing to do here. The others run only inside a table or
// columns, which cannot exist without BeginTable/BeginColumns, both absent
// from this build: a view that calls one fails to link instead.
#include <cstdlib>

#include "imgui.h"
#include "imgui_internal.h"

// Start-up and garbage collection over the table pools, empty here.
void ImGui::TableSettingsAddSettingsHandler() {}
void ImGui::TableGcCompactSettings() {}
void ImGui::TableGcCompactTransientBuffers(ImGuiTable*) {}
void ImGui::TableGcCompactTransientBuffers(ImGuiTableTempData*) {}

// Reached only inside a table or columns; unreachable in this build.
namespace {
[[noreturn]] void no_tables_here() {
    IM_ASSERT(false && "ImGui tables are not linked into the browser reader");
    std::abort();
}
}  // namespace

void ImGui::EndTable() { no_tables_here(); }
void ImGui::TableEndRow(ImGuiTable*) { no_tables_here(); }
void ImGui::TableEndCell(ImGuiTable*) { no_tables_here(); }
void ImGui::TablePushBackgroundChannel() { no_tables_here(); }
void ImGui::TablePopBackgroundChannel() { no_tables_here(); }
void ImGui::TablePushColumnChannel(int) { no_tables_here(); }
void ImGui::TablePopColumnChannel() { no_tables_here(); }
void ImGui::EndColumns() { no_tables_here(); }
void ImGui::PushColumnsBackground() { no_tables_here(); }
void ImGui::PopColumnsBackground() { no_tables_here(); }
