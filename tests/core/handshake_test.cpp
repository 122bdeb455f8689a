#include <asiows/core/client_handshake.hpp>
#include <asiows/core/server_handshake.hpp>

#include "catch.hpp"
#include "feed_in_pieces.hpp"

#include <string>

using namespace asiows;

namespace {

// The client handshake of RFC 6455 section 1.3.
const std::string rfc_request = "GET /chat HTTP/1.1\r\n"
                                "Host: server.example.com\r\n"
                                "Upgrade: websocket\r\n"
                                "Connection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "Origin: http://example.com\r\n"
                                "Sec-WebSocket-Protocol: chat, superchat\r\n"
                                "Sec-WebSocket-Version: 13\r\n"
                                "\r\n";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Feeds `wire` to a server handshake in one piece; returns the handshake.
server_handshake serve(const std::string& wire, const options& opts = {}) {
  server_handshake handshake(opts);
  handshake.feed(wire.data(), wire.size());
  return handshake;
}

} // namespace

TEST_CASE("accept key of RFC 6455 section 1.3") {
  CHECK(compute_accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("generated keys are 16 random bytes in base64") {
  const std::string a = generate_websocket_key();
  CHECK(a.size() == 24);
  CHECK(is_valid_websocket_key(a));
  CHECK(a != generate_websocket_key());
  CHECK_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZQ=="));     // 10 bytes
  CHECK_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ")); // no padding
}

TEST_CASE("server reads the RFC's request in pieces and keeps the bytes after it") {
  const std::string frames = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  const std::string wire = rfc_request + frames;
  for (std::size_t piece : {1u, 2u, 7u, 100u, 1000u}) {
    server_handshake handshake;
    const auto result = test::feed_in_pieces(handshake, wire, piece);
    REQUIRE(result.last.status == parse_status::complete);
    CHECK(wire.substr(result.consumed) == frames);
    const http_request& request = handshake.request();
    CHECK(request.path() == "/chat");
    CHECK(request.origin() == std::string_view("http://example.com"));
    CHECK(offered_subprotocols(request) == std::vector<std::string>{"chat", "superchat"});
  }
}

TEST_CASE("server answers the RFC's request with 101") {
  const server_handshake handshake = serve(rfc_request);
  REQUIRE_FALSE(handshake.failure());
  accept_options answer;
  answer.subprotocol = "chat";
  answer.fields.add("Set-Cookie", "id=7");
  std::string response;
  REQUIRE_FALSE(build_accept_response(handshake.request(), answer, response));
  CHECK(response == "HTTP/1.1 101 Switching Protocols\r\n"
                    "Upgrade: websocket\r\n"
                    "Connection: Upgrade\r\n"
                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                    "Sec-WebSocket-Protocol: chat\r\n"
                    "Set-Cookie: id=7\r\n"
                    "\r\n");

  answer.subprotocol = "mqtt"; // not offered
  CHECK(build_accept_response(handshake.request(), answer, response) == error::unexpected_subprotocol);
  answer.subprotocol.clear();
  answer.fields.add("X-Bad", "a\r\nInjected: yes");
  CHECK(build_accept_response(handshake.request(), answer, response) == error::invalid_header_value);
}

TEST_CASE("server refuses requests that are not valid upgrades, with the right status") {
  struct refusal {
    std::string wire;
    error failure;
    unsigned status;
  };
  const refusal cases[] = {
      {replace(rfc_request, "GET", "POST"), error::not_get_method, 405},
      {replace(rfc_request, "HTTP/1.1", "HTTP/1.0"), error::bad_http_version, 400},
      {replace(rfc_request, "Host: server.example.com\r\n", ""), error::missing_host, 400},
      {replace(rfc_request, "Host: server.example.com\r\n", "Host: a\r\nHost: b\r\n"), error::missing_host, 400},
      {replace(rfc_request, "Upgrade: websocket", "Upgrade: h2c"), error::not_upgrade_request, 426},
      {replace(rfc_request, "Connection: Upgrade", "Connection: keep-alive"), error::missing_connection_upgrade,
       400},
      {replace(rfc_request, "Version: 13", "Version: 8"), error::bad_websocket_version, 426},
      {replace(rfc_request, "Sec-WebSocket-Version: 13\r\n", ""), error::bad_websocket_version, 426},
      {replace(rfc_request, "dGhlIHNhbXBsZSBub25jZQ==", "short"), error::bad_websocket_key, 400},
      {replace(rfc_request, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""), error::bad_websocket_key, 400},
      {replace(rfc_request, "Origin", "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nOrigin"),
       error::duplicate_header, 400},
      {replace(rfc_request, "Host: server", "Host : server"), error::malformed_http, 400},
  };
  for (const auto& c : cases) {
    const server_handshake handshake = serve(c.wire);
    CAPTURE(c.wire);
    CHECK(handshake.failure() == c.failure);
    CHECK(http_status_for(handshake.failure()) == c.status);
  }
}

TEST_CASE("upgrade tokens are case-insensitive and Connection is a list") {
  const std::string wire = replace(replace(rfc_request, "Upgrade: websocket", "Upgrade: WebSocket"),
                                   "Connection: Upgrade", "Connection: keep-alive, upgrade");
  CHECK_FALSE(serve(wire).failure());
}

TEST_CASE("a version other than 13 gets 426 naming version 13") {
  const server_handshake handshake = serve(replace(rfc_request, "Version: 13", "Version: 8"));
  const std::string response = build_error_response(handshake.failure());
  CHECK(response.rfind("HTTP/1.1 426 Upgrade Required\r\n", 0) == 0);
  CHECK(response.find("\r\nSec-WebSocket-Version: 13\r\n") != std::string::npos);
  CHECK(response.find("\r\n\r\nSec-WebSocket-Version is missing or not 13\n") != std::string::npos);
}

TEST_CASE("a header block over the limit gets 431 without being buffered") {
  options opts;
  opts.max_handshake_size = 1024;
  const std::string flood = "GET / HTTP/1.1\r\nX-Flood: " + std::string(100 * 1024, 'a') + "\r\n\r\n";
  server_handshake handshake(opts);
  const auto result = handshake.feed(flood.data(), flood.size());
  CHECK(result.status == parse_status::error);
  CHECK(result.consumed <= 1024);
  CHECK(handshake.failure() == error::header_block_too_large);
  CHECK(build_error_response(handshake.failure()).rfind("HTTP/1.1 431 ", 0) == 0);
}

TEST_CASE("client builds a request the server accepts, and checks the answer") {
  client_handshake_options offer;
  offer.origin = "https://example.org";
  offer.subprotocols = {"v2.chat", "v1.chat"};
  offer.extensions = "x-test; a=1";
  offer.fields.add("Authorization", "Bearer token");
  client_handshake client;
  REQUIRE_FALSE(client.start("example.org:8080", "/live?feed=1", offer));
  const std::string& request = client.request();
  CHECK(request.rfind("GET /live?feed=1 HTTP/1.1\r\nHost: example.org:8080\r\n", 0) == 0);
  CHECK(request.find("\r\nOrigin: https://example.org\r\n") != std::string::npos);
  CHECK(request.find("\r\nSec-WebSocket-Protocol: v2.chat, v1.chat\r\n") != std::string::npos);
  CHECK(request.find("\r\nAuthorization: Bearer token\r\n") != std::string::npos);

  server_handshake server = serve(request);
  REQUIRE_FALSE(server.failure());
  CHECK(server.request().fields.find("Sec-WebSocket-Key") == std::string_view(client.key()));
  accept_options answer;
  answer.subprotocol = "v1.chat";
  answer.extensions = "x-test";
  std::string response;
  REQUIRE_FALSE(build_accept_response(server.request(), answer, response));

  const std::string first_frame = "\x81\x02hi";
  const std::string wire = response + first_frame;
  const auto result = client.feed(wire.data(), wire.size());
  REQUIRE(result.status == parse_status::complete);
  CHECK(wire.substr(result.consumed) == first_frame);
  CHECK(client.subprotocol() == "v1.chat");
  REQUIRE(client.extensions().size() == 1);
  CHECK(client.extensions()[0].name == "x-test");
}

TEST_CASE("client refuses responses that do not complete the handshake") {
  client_handshake_options offer;
  offer.subprotocols = {"chat"};
  offer.extensions = "permessage-deflate";
  auto response_to = [&](const client_handshake& client, const std::string& extra, bool good_accept = true) {
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " +
           (good_accept ? compute_accept_key(client.key()) : std::string("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")) + "\r\n" +
           extra + "\r\n";
  };
  auto failure_for = [&](const std::string& extra, bool good_accept = true) {
    client_handshake client;
    REQUIRE_FALSE(client.start("h", "/", offer));
    const std::string wire = response_to(client, extra, good_accept);
    client.feed(wire.data(), wire.size());
    return client.failure();
  };
  CHECK_FALSE(failure_for(""));
  CHECK_FALSE(failure_for("Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Extensions: permessage-deflate\r\n"));
  CHECK(failure_for("", false) == error::bad_accept_key);
  CHECK(failure_for("Sec-WebSocket-Protocol: mqtt\r\n") == error::unexpected_subprotocol);
  CHECK(failure_for("Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat\r\n") ==
        error::unexpected_subprotocol);
  CHECK(failure_for("Sec-WebSocket-Extensions: x-other\r\n") == error::unexpected_extension);
  CHECK(failure_for("Sec-WebSocket-Extensions: permessage-deflate;\r\n") == error::malformed_extension_header);

  client_handshake refused;
  REQUIRE_FALSE(refused.start("h", "/"));
  const std::string forbidden = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
  refused.feed(forbidden.data(), forbidden.size());
  CHECK(refused.failure() == error::bad_status);
  CHECK(refused.response().status == 403); // the application can see why
}

TEST_CASE("client refuses to send header injections") {
  client_handshake client;
  CHECK(client.start("evil\r\nX: y", "/") == error::invalid_header_value);
  CHECK(client.start("h", "/a b") == error::invalid_header_value);
  CHECK(client.start("h", "no-slash") == error::invalid_header_value);
  CHECK(client.start("", "/") == error::invalid_header_value);
  client_handshake_options offer;
  offer.subprotocols = {"two words"};
  CHECK(client.start("h", "/", offer) == error::invalid_header_value);
  offer.subprotocols.clear();
  offer.fields.add("X-Ok", "line\nbreak");
  CHECK(client.start("h", "/", offer) == error::invalid_header_value);
}

TEST_CASE("handshake_answer::refuse keeps 4xx and 5xx, and answers anything else as 500") {
  asiows::handshake_answer answer;
  CHECK_FALSE(answer.refused());
  answer.refuse(429, "slow down\n");
  CHECK(answer.refused());
  CHECK(answer.refusal_status() == 429);
  CHECK(answer.refusal_body() == "slow down\n");
  for (const unsigned odd : {0u, 101u, 200u, 302u, 600u}) {
    asiows::handshake_answer strange;
    strange.refuse(odd);
    CHECK(strange.refused());
    CHECK(strange.refusal_status() == 500);
  }
}
