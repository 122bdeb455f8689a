// What the endpoints run their connections over: a transport makes a
// connection's stream and does what must come before the WebSocket handshake.
// The plain one is here; the TLS one is in tls_transport.hpp, which
// <asiows/ssl.hpp> brings. The endpoints are the same code either way: wss is
// chosen by the type of the TLS context a program passes (listen_tls,
// enable_wss), never by a macro, so every translation unit sees one
// definition of every class (no ODR violation between a file that includes
// <asiows/ssl.hpp> and one that does not).
#ifndef ASIOWS_DETAIL_ENDPOINT_TRANSPORT_HPP
#define ASIOWS_DETAIL_ENDPOINT_TRANSPORT_HPP

#include <asiows/detail/endpoint_connection.hpp>

#include <asiows/detail/asio.hpp>

#include <memory>
#include <string>
#include <system_error>
#include <utility>

namespace asiows::detail {

// ws:// over TCP (and a server's Unix domain sockets): nothing before the WebSocket handshake.
struct plain_transport {
  // A server's connection over an accepted socket.
  template <class UserData, class Socket>
  std::shared_ptr<endpoint_connection<Socket, UserData>> accepted(std::shared_ptr<endpoint_shared<UserData>> shared,
                                                                  Socket socket) const {
    return std::make_shared<endpoint_connection<Socket, UserData>>(std::move(shared), std::move(socket));
  }

  // A client's connection, to connect, on `executor`.
  template <class UserData>
  std::shared_ptr<endpoint_connection<asio::ip::tcp::socket, UserData>>
  unconnected(std::shared_ptr<endpoint_shared<UserData>> shared, asio::any_io_executor executor) const {
    return std::make_shared<endpoint_connection<asio::ip::tcp::socket, UserData>>(std::move(shared),
                                                                                 std::move(executor));
  }

  template <class Connection, class Then>
  void server_handshake(const std::shared_ptr<Connection>&, Then&& then) const {
    then(error_code{});
  }

  template <class Connection, class Then>
  void client_handshake(const std::shared_ptr<Connection>&, const std::string&, Then&& then) const {
    then(error_code{});
  }
};

// The transport of wss for a TLS context type. Defined for asio::ssl::context
// by tls_transport.hpp (<asiows/ssl.hpp>): a program that calls listen_tls or
// enable_wss without including it fails to compile here.
template <class TlsContext>
struct tls_transport_of;

} // namespace asiows::detail

#endif
