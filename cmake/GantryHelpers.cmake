# Helpers shared by every component's CMakeLists.txt.

# The build tree mirrors the installed layout (bin/, lib/gantry/plugins/),
# so tools find their plugins relative to their own executable in both.
set(GANTRY_PLUGIN_OUTPUT_DIR "${CMAKE_BINARY_DIR}/lib/gantry/plugins")

# gantry_add_plugin(<name> KIND <kind> SOURCES <impl sources...>
#                   ENTRY <file with GANTRY_PLUGIN(...)> [LIBS <libs...>])
# Builds <name>_impl (STATIC: unit tests link it and test through the SDK
# interface) and <name> (MODULE: the .so the registry loads). Plugins see the
# SDK only, never core, and hide every symbol but the descriptor.
function(gantry_add_plugin name)
  cmake_parse_arguments(P "" "KIND;ENTRY" "SOURCES;LIBS" ${ARGN})
  if(NOT P_KIND OR NOT P_ENTRY)
    message(FATAL_ERROR "gantry_add_plugin(${name}) needs KIND and ENTRY")
  endif()
  add_library(${name}_impl STATIC ${P_SOURCES})
  target_link_libraries(${name}_impl PUBLIC gantry_sdk ${P_LIBS})
  target_include_directories(${name}_impl PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  set_target_properties(${name}_impl PROPERTIES
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)

  add_library(${name} MODULE ${P_ENTRY})
  target_link_libraries(${name} PRIVATE ${name}_impl)
  set_target_properties(${name} PROPERTIES
    PREFIX "" OUTPUT_NAME "${name}"
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${GANTRY_PLUGIN_OUTPUT_DIR}/${P_KIND}")
  # Export the descriptor (and the SDK types it needs), not the copies of
  # static libraries linked in.
  target_link_options(${name} PRIVATE "LINKER:--no-undefined"
                      "LINKER:--exclude-libs,ALL")
  install(TARGETS ${name}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/gantry/plugins/${P_KIND})
  set_property(GLOBAL APPEND PROPERTY GANTRY_PLUGIN_TARGETS ${name})
endfunction()

# gantry_add_test_folder(<name> SOURCES <...> LIBS <...> [LABELS <...>]
#                        [TIMEOUT <s>] [SLOW_TIMEOUT <s>])
# One executable per test folder; tests are discovered when ctest runs them,
# never at build time. Suites whose name contains "Slow" get the label
# `slow` (and SLOW_TIMEOUT), so `ctest -LE slow` is the quick loop.
function(gantry_add_test_folder name)
  cmake_parse_arguments(T "" "TIMEOUT;SLOW_TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(NOT T_SLOW_TIMEOUT)
    set(T_SLOW_TIMEOUT 600)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock
                        GTest::gtest_main Threads::Threads)
  target_precompile_headers(${name} PRIVATE
    <gtest/gtest.h> <nlohmann/json.hpp> <string> <vector> <map> <filesystem>)
  target_compile_definitions(${name} PRIVATE
    GANTRY_SHARED_DIR="${GANTRY_SHARED_DIR}"
    GANTRY_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    GANTRY_BINARY_DIR="${CMAKE_BINARY_DIR}"
    GANTRY_PLUGIN_DIR="${GANTRY_PLUGIN_OUTPUT_DIR}")
  gtest_discover_tests(${name}
    TEST_FILTER "-*Slow*"
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}")
  gtest_discover_tests(${name}
    TEST_FILTER "*Slow*"
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${T_SLOW_TIMEOUT} LABELS "slow;${T_LABELS}")
endfunction()
