// Asio's TLS layer, from the Asio asiows is built on (see asio.hpp beside this).
#ifndef ASIOWS_DETAIL_ASIO_SSL_HPP
#define ASIOWS_DETAIL_ASIO_SSL_HPP

#include <asiows/detail/asio.hpp>

#if defined(ASIOWS_USE_BOOST_ASIO)
#include <boost/asio/ssl.hpp>
#else
#include <asio/ssl.hpp>
#endif

#endif // ASIOWS_DETAIL_ASIO_SSL_HPP
