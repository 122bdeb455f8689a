// Includes Catch2 whichever major version is installed: Debian 12 ships 2.13,
// newer systems 3.x. Test files include this and use only the common macros.
#ifndef ASIOWS_TESTS_CATCH_HPP
#define ASIOWS_TESTS_CATCH_HPP

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

#endif
