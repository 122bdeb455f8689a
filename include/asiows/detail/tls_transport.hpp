// wss:// for the endpoints: OpenSSL on the socket itself (ssl::socket_stream),
// with the TLS handshake before the WebSocket one. See endpoint_transport.hpp.
#ifndef ASIOWS_DETAIL_TLS_TRANSPORT_HPP
#define ASIOWS_DETAIL_TLS_TRANSPORT_HPP

#include <asiows/detail/endpoint_transport.hpp>
#include <asiows/ssl.hpp>
#include <asiows/ssl_socket_stream.hpp>

#include <asiows/detail/asio_ssl.hpp>

namespace asiows::detail {

struct tls_transport {
  using stream_type = ssl::socket_stream<asio::ip::tcp::socket>;

  explicit tls_transport(asio::ssl::context& tls) noexcept : context(&tls) {}
  asio::ssl::context* context; // the application's, which outlives the endpoint

  template <class UserData>
  std::shared_ptr<endpoint_connection<stream_type, UserData>> accepted(std::shared_ptr<endpoint_shared<UserData>> shared,
                                                                       asio::ip::tcp::socket socket) const {
    return std::make_shared<endpoint_connection<stream_type, UserData>>(std::move(shared), std::move(socket),
                                                                        *context);
  }

  template <class UserData>
  std::shared_ptr<endpoint_connection<stream_type, UserData>>
  unconnected(std::shared_ptr<endpoint_shared<UserData>> shared, asio::any_io_executor executor) const {
    return std::make_shared<endpoint_connection<stream_type, UserData>>(std::move(shared), std::move(executor),
                                                                        *context);
  }

  // The TLS handshake, under the handshake timeout: a client that stalls it is dropped.
  template <class Connection, class Then>
  void server_handshake(const std::shared_ptr<Connection>& c, Then&& then) const {
    c->ws().start_handshake_timeout();
    c->ws().next_layer().async_handshake(asio::ssl::stream_base::server, std::forward<Then>(then));
  }

  // SNI and host name verification for `host`, then the TLS handshake.
  template <class Connection, class Then>
  void client_handshake(const std::shared_ptr<Connection>& c, const std::string& host, Then&& then) const {
    if (const error_code failure = ssl::prepare_client(c->ws().next_layer(), host)) return then(failure);
    c->ws().next_layer().async_handshake(asio::ssl::stream_base::client, std::forward<Then>(then));
  }
};

template <>
struct tls_transport_of<asio::ssl::context> {
  using type = tls_transport;
};

} // namespace asiows::detail

#endif
