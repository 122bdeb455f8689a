// Which Asio asiows is built on: standalone Asio (the default), or Boost.Asio
// when ASIOWS_USE_BOOST_ASIO is defined (CMake: -DASIOWS_USE_BOOST_ASIO=ON).
//
// Inside namespace asiows, `asio::` names the chosen one, and asiows::error_code
// and asiows::system_error are its error types: std::error_code and
// std::system_error on standalone Asio, boost::system's on Boost.Asio. Every
// completion handler and every result of the Asio layer uses them; the sans-I/O
// core (core/) keeps std::error_code, which Boost.System converts both ways.
//
// Boost.Asio from 1.79 (which carries Asio 1.22, the oldest standalone Asio
// asiows supports): older ones lack bind_allocator and recycling_allocator.
#ifndef ASIOWS_DETAIL_ASIO_HPP
#define ASIOWS_DETAIL_ASIO_HPP

#if defined(ASIOWS_USE_BOOST_ASIO)

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/defer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/recycling_allocator.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/version.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#if BOOST_ASIO_VERSION < 102200
#error "asiows needs Boost.Asio from Boost 1.79 (Asio 1.22) or later"
#endif

// The Asio release (XXYYZZ: 102600 is 1.26.0), co_await support, and stackless
// coroutine keywords of the chosen Asio, under names that do not depend on it.
#define ASIOWS_ASIO_VERSION BOOST_ASIO_VERSION
#if defined(BOOST_ASIO_HAS_CO_AWAIT)
#define ASIOWS_HAS_CO_AWAIT 1
#endif
#define ASIOWS_CORO_REENTER BOOST_ASIO_CORO_REENTER
#define ASIOWS_CORO_YIELD BOOST_ASIO_CORO_YIELD

namespace asiows {
namespace asio = ::boost::asio;
using error_code = ::boost::system::error_code;
using system_error = ::boost::system::system_error;
} // namespace asiows

#else

#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/basic_stream_socket.hpp>
#include <asio/bind_allocator.hpp>
#include <asio/bind_executor.hpp>
#include <asio/buffer.hpp>
#include <asio/cancellation_type.hpp>
#include <asio/compose.hpp>
#include <asio/coroutine.hpp>
#include <asio/defer.hpp>
#include <asio/dispatch.hpp>
#include <asio/error.hpp>
#include <asio/execution.hpp>
#include <asio/execution_context.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/recycling_allocator.hpp>
#include <asio/socket_base.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/version.hpp>
#include <asio/write.hpp>

#include <system_error>

#define ASIOWS_ASIO_VERSION ASIO_VERSION
#if defined(ASIO_HAS_CO_AWAIT)
#define ASIOWS_HAS_CO_AWAIT 1
#endif
#define ASIOWS_CORO_REENTER ASIO_CORO_REENTER
#define ASIOWS_CORO_YIELD ASIO_CORO_YIELD

namespace asiows {
#if !defined(ASIOWS_DOXYGEN) // which reads the alias as naming itself
namespace asio = ::asio;
#endif
/// The error code of the Asio layer's handlers and results: std::error_code, or
/// boost::system::error_code on Boost.Asio.
using error_code = std::error_code;
/// What the Asio layer throws (use_future, use_awaitable): std::system_error, or
/// boost::system::system_error on Boost.Asio.
using system_error = std::system_error;
} // namespace asiows

#endif

#endif // ASIOWS_DETAIL_ASIO_HPP
