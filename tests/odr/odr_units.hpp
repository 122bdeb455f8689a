// The ODR test: two translation units use the same endpoint types, one with
// <asiows/ssl.hpp> and one without; linked with -flto -Werror=odr (g++
// reports any class or inline function whose definition differs between them).
#ifndef ASIOWS_TESTS_ODR_UNITS_HPP
#define ASIOWS_TESTS_ODR_UNITS_HPP

#include "../test_asio.hpp"

#include <string>

std::string plain_echo();
std::string tls_echo(const std::string& cert_dir);

#endif
