# vcpkg port of asiows: header-only; the features decide whether OpenSSL
# (asiows::ssl) and zlib (permessage-deflate) are looked for.
vcpkg_from_github(
  OUT_SOURCE_PATH SOURCE_PATH
  REPO asiows/asiows
  REF "v${VERSION}"
  SHA512 0
  HEAD_REF main
)

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
  INVERTED_FEATURES
    ssl CMAKE_DISABLE_FIND_PACKAGE_OpenSSL
    deflate CMAKE_DISABLE_FIND_PACKAGE_ZLIB
)

set(VCPKG_BUILD_TYPE release) # headers only: no debug variant
vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DASIOWS_BUILD_TESTS=OFF
    -DASIOWS_BUILD_EXAMPLES=OFF
    -DASIOWS_BUILD_BENCH=OFF
    -DASIOWS_INSTALL=ON
    ${FEATURE_OPTIONS}
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/asiows)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/lib" "${CURRENT_PACKAGES_DIR}/debug")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
