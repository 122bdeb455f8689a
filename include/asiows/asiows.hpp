/// \file
/// asiows: a header-only WebSocket library (RFC 6455) on standalone Asio.
/// This umbrella header includes everything but TLS: for wss, link asiows::ssl
/// (or include <asiows/ssl.hpp> first).
#ifndef ASIOWS_ASIOWS_HPP
#define ASIOWS_ASIOWS_HPP

#include <asiows/client.hpp>
#include <asiows/connection.hpp>
#include <asiows/core.hpp>
#include <asiows/message_buffer.hpp>
#include <asiows/server.hpp>
#include <asiows/stream.hpp>
#include <asiows/url.hpp>
#include <asiows/version.hpp>

#endif
