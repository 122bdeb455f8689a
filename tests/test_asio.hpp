// The whole of the Asio asiows is built on, standalone or Boost's (ASIOWS_USE_BOOST_ASIO),
// and a global `asio::` that names it, as the tests write it either way.
#ifndef ASIOWS_TESTS_TEST_ASIO_HPP
#define ASIOWS_TESTS_TEST_ASIO_HPP

#include <asiows/detail/asio.hpp>

#if defined(ASIOWS_USE_BOOST_ASIO)
#include <boost/asio.hpp>
#if ASIOWS_ASIO_VERSION < 102400 // deferred left experimental in Asio 1.24
#include <boost/asio/experimental/deferred.hpp>
#endif
namespace asio = boost::asio;
#else
#include <asio.hpp>
#if ASIOWS_ASIO_VERSION < 102400
#include <asio/experimental/deferred.hpp>
#endif
#endif

#endif // ASIOWS_TESTS_TEST_ASIO_HPP
