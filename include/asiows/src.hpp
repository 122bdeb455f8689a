/// \file
/// The separately compiled part of asiows: with ASIOWS_SEPARATE_COMPILATION
/// defined for every translation unit, include this header in exactly one
/// of them (usually a file holding that one line, `asiows_src.cpp`). It
/// compiles server<void> and client<void> (and, with ASIOWS_ENABLE_SSL, their
/// wss members) there, once; the other units, where they are declared extern
/// template, compile none of their code and take a fraction of the time.
///
/// server<UserData> and client<UserData> with a UserData of yours are still
/// compiled where they are used, as in the header-only build.
#ifndef ASIOWS_SRC_HPP
#define ASIOWS_SRC_HPP

#if !defined(ASIOWS_SEPARATE_COMPILATION)
#error "<asiows/src.hpp> is for builds with ASIOWS_SEPARATE_COMPILATION defined in every translation unit"
#endif

#include <asiows/client.hpp>
#include <asiows/server.hpp>

#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
#include <asiows/ssl.hpp>
#endif

namespace asiows {

template class server<void>;
template class client<void>;

#if defined(ASIOWS_ENABLE_SSL) && ASIOWS_ENABLE_SSL
template error_code server<void>::listen_tls(const std::string&, unsigned short, asio::ssl::context&);
template void client<void>::enable_wss(asio::ssl::context&);
#endif

} // namespace asiows

#endif
