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

if(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/asiows" -G Ninja -DCMAKE_CXX_COMPILER=${CXX}
      -DASIOWS_BUILD_TESTS=OFF -DASIOWS_BUILD_EXAMPLES=OFF "-DCMAKE_INSTALL_PREFIX=${WORK_DIR}/prefix")
  run(${CMAKE_COMMAND} --install "${WORK_DIR}/asiows")
  list(APPEND consumer_options "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix")
elseif(MODE STREQUAL "add_subdirectory")
  list(APPEND consumer_options "-DASIOWS_SOURCE_DIR=${SOURCE_DIR}")
else()
  list(APPEND consumer_options "-DFETCHCONTENT_SOURCE_DIR_ASIOWS=${SOURCE_DIR}")
endif()

run(${CMAKE_COMMAND} -S "${CMAKE_CURRENT_LIST_DIR}" -B "${WORK_DIR}/consumer" ${consumer_options})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/consumer")
run("${WORK_DIR}/consumer/consumer")
message(STATUS "asiows consumed through ${MODE}")
