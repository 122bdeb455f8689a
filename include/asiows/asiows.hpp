// asiows: a header-only WebSocket library (RFC 6455) on standalone Asio.
// This umbrella header includes everything but TLS (<asiows/ssl.hpp>).
#ifndef ASIOWS_ASIOWS_HPP
#define ASIOWS_ASIOWS_HPP

#include <asiows/core.hpp>
#include <asiows/stream.hpp>
#include <asiows/url.hpp>
#include <asiows/version.hpp>

#endif
