# asiows_forbid_asio(target): puts first on the target's include path a directory where
# <asio.hpp> and every <asio/...> header is one that stops the build. The core's tests and
# the fuzzers compile so: a core header that includes Asio, directly or through another,
# fails to build, whatever is installed on the machine.
set(ASIOWS_NO_ASIO_DIR "${CMAKE_BINARY_DIR}/no_asio")
if(NOT EXISTS "${ASIOWS_NO_ASIO_DIR}/asio.hpp")
  file(GLOB_RECURSE _asio_headers RELATIVE "${ASIO_INCLUDE_DIR}" "${ASIO_INCLUDE_DIR}/asio.hpp"
       "${ASIO_INCLUDE_DIR}/asio/*")
  foreach(header ${_asio_headers})
    file(WRITE "${ASIOWS_NO_ASIO_DIR}/${header}"
         "#error \"asiows::core must build without Asio, and this includes <${header}>\"\n")
  endforeach()
endif()

function(asiows_forbid_asio target)
  target_include_directories(${target} BEFORE PRIVATE "${ASIOWS_NO_ASIO_DIR}")
endfunction()
