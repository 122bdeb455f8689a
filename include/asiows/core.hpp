/// \file
/// The sans-I/O core: everything of RFC 6455 that needs no socket.
#ifndef ASIOWS_CORE_HPP
#define ASIOWS_CORE_HPP

#include <asiows/core/client_handshake.hpp>
#include <asiows/core/close_code.hpp>
#include <asiows/core/error.hpp>
#include <asiows/core/extensions.hpp>
#include <asiows/core/frame.hpp>
#include <asiows/core/handshake_key.hpp>
#include <asiows/core/http.hpp>
#include <asiows/core/mask.hpp>
#include <asiows/core/options.hpp>
#include <asiows/core/protocol.hpp>
#include <asiows/core/server_handshake.hpp>
#include <asiows/core/utf8.hpp>

#endif
