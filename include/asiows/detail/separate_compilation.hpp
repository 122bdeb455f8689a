// ASIOWS_SEPARATE_COMPILATION: what the extern template declarations of the
// endpoints' wss members name, declared without pulling in <asio/ssl.hpp>
// (and OpenSSL's headers) where only the declarations are needed.
#ifndef ASIOWS_DETAIL_SEPARATE_COMPILATION_HPP
#define ASIOWS_DETAIL_SEPARATE_COMPILATION_HPP

#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
#if defined(ASIOWS_USE_BOOST_ASIO)
namespace boost::asio::ssl {
class context;
} // namespace boost::asio::ssl
#else
namespace asio::ssl {
class context;
} // namespace asio::ssl
#endif
#endif

#endif
