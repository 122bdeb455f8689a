// Compile-time subject: Boost.Beast's asynchronous echo over wss:// (the
// counterpart of asiows_echo_wss.cpp): bench/beast_echo.cpp built with TLS.
#define BEAST_ECHO_WSS 1
#include "../beast_echo.cpp"
