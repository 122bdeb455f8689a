# Install rules: headers, the exported targets and a relocatable package config,
# so that find_package(asiows CONFIG) works after `cmake --install`.
include(CMakePackageConfigHelpers)

# Header-only and architecture independent: share/, where vcpkg also wants it.
set(ASIOWS_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/asiows")

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
# Header-only and architecture independent. Releases of one major version keep
# the API (SemVer): find_package(asiows 1.2) accepts any 1.x from 1.2 on.
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/asiows-config-version.cmake"
  COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES
  "${CMAKE_CURRENT_BINARY_DIR}/asiows-config.cmake"
  "${CMAKE_CURRENT_BINARY_DIR}/asiows-config-version.cmake"
  cmake/FindAsio.cmake
  DESTINATION "${ASIOWS_CMAKE_INSTALL_DIR}")

# pkg-config: asiows.pc (ws://) and asiows-ssl.pc (wss://, OpenSSL), for builds
# without CMake: c++ main.cpp $(pkg-config --cflags --libs asiows).
if(ASIOWS_USE_BOOST_ASIO)
  set(_asiows_pc_cflags "-DASIOWS_USE_BOOST_ASIO=1 -DBOOST_ASIO_NO_DEPRECATED")
  set(_asiows_asio_include_dir "${Boost_INCLUDE_DIRS}")
else()
  set(_asiows_pc_cflags "-DASIO_STANDALONE -DASIO_NO_DEPRECATED")
  set(_asiows_asio_include_dir "${ASIO_INCLUDE_DIR}")
endif()
if(NOT _asiows_asio_include_dir STREQUAL "/usr/include")
  string(APPEND _asiows_pc_cflags " -I${_asiows_asio_include_dir}")
endif()
set(_asiows_pc_requires "")
if(ZLIB_FOUND)
  string(APPEND _asiows_pc_cflags " -DASIOWS_ENABLE_DEFLATE=1")
  set(_asiows_pc_requires "zlib")
endif()
set(ASIOWS_PC_NAME "asiows")
set(ASIOWS_PC_DESCRIPTION "${PROJECT_DESCRIPTION}")
set(ASIOWS_PC_REQUIRES "${_asiows_pc_requires}")
set(ASIOWS_PC_CFLAGS "${_asiows_pc_cflags}")
configure_file(cmake/asiows.pc.in "${CMAKE_CURRENT_BINARY_DIR}/asiows.pc" @ONLY)
set(_asiows_pc_files "${CMAKE_CURRENT_BINARY_DIR}/asiows.pc")
if(TARGET asiows_ssl)
  set(ASIOWS_PC_NAME "asiows-ssl")
  set(ASIOWS_PC_DESCRIPTION "${PROJECT_DESCRIPTION}, with wss (OpenSSL)")
  string(STRIP "${_asiows_pc_requires} openssl" ASIOWS_PC_REQUIRES)
  set(ASIOWS_PC_CFLAGS "${_asiows_pc_cflags} -DASIOWS_ENABLE_SSL=1")
  configure_file(cmake/asiows.pc.in "${CMAKE_CURRENT_BINARY_DIR}/asiows-ssl.pc" @ONLY)
  list(APPEND _asiows_pc_files "${CMAKE_CURRENT_BINARY_DIR}/asiows-ssl.pc")
endif()
install(FILES ${_asiows_pc_files} DESTINATION "${CMAKE_INSTALL_DATADIR}/pkgconfig")
