/// \file
/// Opt-in wss support: link asiows::ssl (OpenSSL). Contexts with safe
/// defaults, and the client set-up that TLS needs before the WebSocket
/// handshake: SNI and host name verification.
///
///   asio::ssl::context tls = asiows::ssl::make_client_context();
///   asiows::stream<asio::ssl::stream<asio::ip::tcp::socket>> ws(io, tls);
///   // connect ws.next_layer().next_layer(), then:
///   asiows::ssl::prepare_client(ws.next_layer(), "example.com");
///   ws.next_layer().async_handshake(asio::ssl::stream_base::client, ...);
///   ws.async_handshake("example.com", "/", ...);
///
/// asiows::ssl::socket_stream<tcp::socket> (ssl_socket_stream.hpp) is used the
/// same way and is leaner: OpenSSL works on the socket itself.
#ifndef ASIOWS_SSL_HPP
#define ASIOWS_SSL_HPP


#include <asiows/ssl_socket_stream.hpp>
#include <asiows/stream.hpp>

#include <asiows/detail/asio_ssl.hpp>

#include <openssl/ssl.h>

#include <string>
#include <system_error>

namespace asiows::ssl {

namespace detail {

inline void apply_common_settings(asio::ssl::context& context) {
  // TLS 1.2 and later only; no compression (CRIME), no renegotiation.
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                      asio::ssl::context::no_compression);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_options(context.native_handle(), SSL_OP_NO_RENEGOTIATION);
  // An idle connection then holds no read/write buffers in OpenSSL (some 34 KiB each).
  SSL_CTX_set_mode(context.native_handle(), SSL_MODE_RELEASE_BUFFERS);
}

} // namespace detail

/// A client context that verifies the server's certificate: against the
/// system's CA store, or against `ca_file` (PEM) when given. Turning
/// verification off is possible (set_verify_mode(verify_none)) and must be explicit.
inline asio::ssl::context make_client_context(const std::string& ca_file = {}) {
  asio::ssl::context context(asio::ssl::context::tls_client);
  detail::apply_common_settings(context);
  context.set_verify_mode(asio::ssl::verify_peer);
  if (ca_file.empty())
    context.set_default_verify_paths();
  else
    context.load_verify_file(ca_file);
  return context;
}

/// A server context from a certificate chain and its private key (PEM files).
/// Throws system_error when they cannot be loaded.
inline asio::ssl::context make_server_context(const std::string& certificate_chain_file,
                                              const std::string& private_key_file) {
  asio::ssl::context context(asio::ssl::context::tls_server);
  detail::apply_common_settings(context);
  context.use_certificate_chain_file(certificate_chain_file);
  context.use_private_key_file(private_key_file, asio::ssl::context::pem);
  return context;
}

namespace detail {

/// SNI for `host` (RFC 6066; not for IP addresses), and whether it is an address.
inline error_code send_server_name(SSL* ssl, const std::string& host, bool& is_address) {
  error_code ec;
  asio::ip::make_address(host, ec);
  is_address = !ec;
  if (!is_address && !SSL_set_tlsext_host_name(ssl, host.c_str()))
    return {static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()};
  return {};
}

} // namespace detail

/// Sets up a client TLS stream for `host` before its TLS handshake: sends the
/// name as SNI (RFC 6066; not for IP addresses) and checks that the
/// certificate names it (RFC 6125). A mismatch fails the TLS handshake with
/// "certificate verify failed".
template <class Socket>
error_code prepare_client(asio::ssl::stream<Socket>& stream, const std::string& host) {
  bool is_address = false;
  if (auto failure = detail::send_server_name(stream.native_handle(), host, is_address)) return failure;
  stream.set_verify_callback(asio::ssl::host_name_verification(host));
  return {};
}

/// The same for a socket_stream, through OpenSSL's own name check.
template <class Socket>
error_code prepare_client(socket_stream<Socket>& stream, const std::string& host) {
  bool is_address = false;
  if (auto failure = detail::send_server_name(stream.native_handle(), host, is_address)) return failure;
  const int checked = is_address ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.native_handle()), host.c_str())
                                 : SSL_set1_host(stream.native_handle(), host.c_str());
  if (checked != 1) return {static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()};
  return {};
}

} // namespace asiows::ssl

// wss for the endpoints (server::listen_tls, client::enable_wss).
#include <asiows/detail/tls_transport.hpp>

#endif
