# Builds and runs the consumer project in MODE against the asiows checkout in
# SOURCE_DIR, working in WORK_DIR. Run by ctest with cmake -P.
file(REMOVE_RECURSE "${WORK_DIR}")
set(consumer_options -G Ninja -DMODE=${MODE} -DCMAKE_CXX_COMPILER=${CXX})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}\n${output}")
  endif()
endfunction()

if(MODE STREQUAL "find_package" OR MODE STREQUAL "pkg-config")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/asiows" -G Ninja -DCMAKE_CXX_COMPILER=${CXX}
      -DASIOWS_BUILD_TESTS=OFF -DASIOWS_BUILD_EXAMPLES=OFF -DASIOWS_BUILD_BENCH=OFF
      "-DCMAKE_INSTALL_PREFIX=${WORK_DIR}/prefix")
  run(${CMAKE_COMMAND} --install "${WORK_DIR}/asiows")
  list(APPEND consumer_options "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix")
  if(MODE STREQUAL "pkg-config")
    # Nothing but the compiler and pkg-config, as a Makefile user builds.
    set(ENV{PKG_CONFIG_PATH} "${WORK_DIR}/prefix/share/pkgconfig")
    set(modules asiows)
    if(EXISTS "${WORK_DIR}/prefix/share/pkgconfig/asiows-ssl.pc")
      list(APPEND modules asiows-ssl)
    endif()
    foreach(module IN LISTS modules)
      execute_process(COMMAND pkg-config --cflags --libs ${module} RESULT_VARIABLE result
                      OUTPUT_VARIABLE flags ERROR_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
      if(NOT result EQUAL 0)
        message(FATAL_ERROR "pkg-config --cflags --libs ${module} failed: ${flags}")
      endif()
      separate_arguments(flags UNIX_COMMAND "${flags}")
      run(${CXX} -std=c++17 "${CMAKE_CURRENT_LIST_DIR}/main.cpp" ${flags} -o "${WORK_DIR}/${module}-consumer")
      run("${WORK_DIR}/${module}-consumer")
    endforeach()
    message(STATUS "asiows consumed through pkg-config: ${modules}")
    return()
  endif()
elseif(MODE STREQUAL "vcpkg")
  set(FEATURES ssl deflate) # the port's default features
  include("${CMAKE_CURRENT_LIST_DIR}/vcpkg_port.cmake")
  set(consumer_options -G Ninja -DMODE=find_package -DCMAKE_CXX_COMPILER=${CXX}
      "-DCMAKE_PREFIX_PATH=${WORK_DIR}/packages/asiows")
elseif(MODE STREQUAL "add_subdirectory")
  list(APPEND consumer_options "-DASIOWS_SOURCE_DIR=${SOURCE_DIR}")
else()
  list(APPEND consumer_options "-DFETCHCONTENT_SOURCE_DIR_ASIOWS=${SOURCE_DIR}")
endif()

run(${CMAKE_COMMAND} -S "${CMAKE_CURRENT_LIST_DIR}" -B "${WORK_DIR}/consumer" ${consumer_options})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/consumer")
run("${WORK_DIR}/consumer/consumer")
if(NOT MODE STREQUAL "find_package" AND NOT MODE STREQUAL "vcpkg")
  # A guest: the application's install holds the application, and nothing of asiows.
  run(${CMAKE_COMMAND} --install "${WORK_DIR}/consumer" --prefix "${WORK_DIR}/consumer-prefix")
  if(NOT EXISTS "${WORK_DIR}/consumer-prefix/bin/consumer")
    message(FATAL_ERROR "the consumer did not install itself")
  endif()
  file(GLOB_RECURSE installed_by_asiows "${WORK_DIR}/consumer-prefix/*asiows*")
  if(installed_by_asiows)
    message(FATAL_ERROR "asiows installed files as a subproject: ${installed_by_asiows}")
  endif()
endif()
message(STATUS "asiows consumed through ${MODE}")
