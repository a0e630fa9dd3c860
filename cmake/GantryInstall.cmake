# `cmake --install` lays out bin/, sbin/, lib/gantry/plugins/<kind>/,
# include/gantry/sdk/ and the GantrySDK CMake package for plugin vendors.
include(CMakePackageConfigHelpers)

set(GANTRY_SDK_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/GantrySDK")
install(EXPORT GantrySDKTargets
        NAMESPACE Gantry::
        DESTINATION "${GANTRY_SDK_CMAKE_DIR}")
configure_package_config_file(
  "${CMAKE_SOURCE_DIR}/cmake/GantrySDKConfig.cmake.in"
  "${CMAKE_BINARY_DIR}/GantrySDKConfig.cmake"
  INSTALL_DESTINATION "${GANTRY_SDK_CMAKE_DIR}")
write_basic_package_version_file(
  "${CMAKE_BINARY_DIR}/GantrySDKConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES "${CMAKE_BINARY_DIR}/GantrySDKConfig.cmake"
              "${CMAKE_BINARY_DIR}/GantrySDKConfigVersion.cmake"
              "${CMAKE_SOURCE_DIR}/cmake/GantryPlugin.cmake"
        DESTINATION "${GANTRY_SDK_CMAKE_DIR}")
