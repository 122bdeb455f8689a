# Checks that a unit built with ASIOWS_SEPARATE_COMPILATION compiles none of
# server<void>: it calls server<void>::listen (an undefined symbol there) and
# holds no definition of it, which <asiows/src.hpp>'s unit provides.
#   cmake -DNM=nm -DOBJECT=echo.o -P check_unit.cmake
execute_process(COMMAND "${NM}" -C "${OBJECT}" OUTPUT_VARIABLE symbols COMMAND_ERROR_IS_FATAL ANY)
string(REGEX MATCHALL "[^\n]*asiows::server<void>::listen\\([^\n]*" listen_lines "${symbols}")
if(NOT listen_lines)
  message(FATAL_ERROR "${OBJECT} does not call asiows::server<void>::listen")
endif()
foreach(line IN LISTS listen_lines)
  if(NOT line MATCHES "^ +U ")
    message(FATAL_ERROR "${OBJECT} compiled server<void>::listen itself: ${line}")
  endif()
endforeach()
foreach(heavy "asiows::stream<" "asiows::detail::endpoint_connection<")
  string(FIND "${symbols}" "${heavy}" found)
  if(NOT found EQUAL -1)
    message(FATAL_ERROR "${OBJECT} holds code of ${heavy}...>, which the separately compiled unit should")
  endif()
endforeach()
message(STATUS "${OBJECT}: server<void> only declared, as expected")
