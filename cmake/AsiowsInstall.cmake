# Install rules: headers, the exported targets and a relocatable package config,
# so that find_package(asiows CONFIG) works after `cmake --install`.
include(CMakePackageConfigHelpers)

set(ASIOWS_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/asiows")

install(DIRECTORY include/asiows DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

set(_asiows_export_targets asiows_core asiows)
if(TARGET asiows_ssl)
  list(APPEND _asiows_export_targets asiows_ssl)
endif()
install(TARGETS ${_asiows_export_targets} EXPORT asiows-targets)
install(EXPORT asiows-targets NAMESPACE asiows:: DESTINATION "${ASIOWS_CMAKE_INSTALL_DIR}")

configure_package_config_file(cmake/asiows-config.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/asiows-config.cmake"
  INSTALL_DESTINATION "${ASIOWS_CMAKE_INSTALL_DIR}")
# Header-only and architecture independent.
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/asiows-config-version.cmake"
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES
  "${CMAKE_CURRENT_BINARY_DIR}/asiows-config.cmake"
  "${CMAKE_CURRENT_BINARY_DIR}/asiows-config-version.cmake"
  cmake/FindAsio.cmake
  DESTINATION "${ASIOWS_CMAKE_INSTALL_DIR}")
