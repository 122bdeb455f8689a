#include <asiows/url.hpp>

#include "catch.hpp"

using asiows::parse_url;

TEST_CASE("parse_url reads ws and wss URLs") {
  auto u = parse_url("ws://example.com/chat?room=1");
  REQUIRE(u);
  CHECK_FALSE(u->secure);
  CHECK(u->host == "example.com");
  CHECK(u->port == "80");
  CHECK(u->target == "/chat?room=1");
  CHECK(u->host_header() == "example.com");

  u = parse_url("WSS://example.com:8443");
  REQUIRE(u);
  CHECK(u->secure);
  CHECK(u->port == "8443");
  CHECK(u->target == "/");
  CHECK(u->host_header() == "example.com:8443");

  u = parse_url("wss://example.com:443/");
  REQUIRE(u);
  CHECK(u->host_header() == "example.com"); // the default port is left out

  u = parse_url("ws://[::1]:9001/echo");
  REQUIRE(u);
  CHECK(u->host == "::1");
  CHECK(u->port == "9001");
  CHECK(u->host_header() == "[::1]:9001");

  u = parse_url("ws://127.0.0.1?x=1");
  REQUIRE(u);
  CHECK(u->target == "/?x=1");
}

TEST_CASE("parse_url refuses what is not a WebSocket URL") {
  for (const char* text : {"http://example.com/", "example.com", "ws://", "ws:///path", "ws://host/#frag",
                           "ws://user@host/", "ws://host:0/", "ws://host:65536/", "ws://host:80a/", "ws://[::1/",
                           "ws://[::1]x/", "ws://ho st/", "ws://host/a b", "ws://[zz::1]/"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_url(text));
  }
}
