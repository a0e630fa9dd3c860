# gantry_vendor_plugin(<name> SOURCES <...>): a plugin .so for Gantry built
# against the installed SDK. The sources must contain one GANTRY_PLUGIN(...)
# line. Same compiler and standard library as Gantry itself are required
# (C++ types cross the boundary once the descriptor has been checked).
function(gantry_vendor_plugin name)
  cmake_parse_arguments(P "" "" "SOURCES" ${ARGN})
  add_library(${name} MODULE ${P_SOURCES})
  target_link_libraries(${name} PRIVATE Gantry::sdk)
  target_compile_features(${name} PRIVATE cxx_std_20)
  set_target_properties(${name} PROPERTIES
    PREFIX "" CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
endfunction()
