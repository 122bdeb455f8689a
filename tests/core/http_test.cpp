#include <asiows/core/http.hpp>

#include "catch.hpp"
#include "feed_in_pieces.hpp"

#include <string>

using namespace asiows;

TEST_CASE("http_block_reader finds the end of the block however the bytes arrive") {
  const std::string block = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  const std::string after = "\x81\x05Hello";
  const std::string wire = block + after;
  for (std::size_t piece = 1; piece <= wire.size(); ++piece) {
    http_block_reader reader;
    const auto result = test::feed_in_pieces(reader, wire, piece);
    REQUIRE(result.last.status == parse_status::complete);
    CHECK(reader.block() == block);
    CHECK(result.consumed == block.size()); // the frame bytes after it are left alone
  }
}

TEST_CASE("http_block_reader stops at its limit without buffering more") {
  http_block_reader reader(64);
  const std::string flood(1000, 'x');
  const auto result = reader.feed(flood.data(), flood.size());
  CHECK(result.status == parse_status::error);
  CHECK(result.failure == error::header_block_too_large);
  CHECK(result.consumed == 64);
  CHECK(reader.block().size() == 64);

  http_block_reader exact(27);
  const std::string block = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"; // 27 bytes: exactly the limit is fine
  CHECK(exact.feed(block.data(), block.size()).status == parse_status::complete);
}

TEST_CASE("parse_http_request reads the request line and fields") {
  http_request request;
  REQUIRE_FALSE(parse_http_request("GET /chat?room=1&x=2 HTTP/1.1\r\n"
                                   "Host: example.com\r\n"
                                   "upgrade:websocket  \r\n"
                                   "Connection: keep-alive, Upgrade\r\n"
                                   "Cookie: session=abc123; theme=dark\r\n"
                                   "X-Empty:\r\n"
                                   "\r\n",
                                   request));
  CHECK(request.method == "GET");
  CHECK(request.target == "/chat?room=1&x=2");
  CHECK(request.path() == "/chat");
  CHECK(request.query() == "room=1&x=2");
  CHECK(request.version_minor == 1);
  CHECK(request.fields.size() == 5);
  CHECK(request.fields.find("UPGRADE") == std::string_view("websocket"));
  CHECK(request.fields.find("x-empty") == std::string_view(""));
  CHECK_FALSE(request.fields.find("Origin"));
  CHECK(request.fields.has_token("connection", "upgrade"));
  CHECK_FALSE(request.fields.has_token("Connection", "close"));
  CHECK(request.cookie("session") == std::string_view("abc123"));
  CHECK(request.cookie("theme") == std::string_view("dark"));
  CHECK_FALSE(request.cookie("sess"));
}

TEST_CASE("parse_http_request refuses malformed requests") {
  auto refuses = [](const std::string& block) {
    http_request request;
    return parse_http_request(block, request) == error::malformed_http;
  };
  CHECK(refuses("GET / HTTP/1.1\r\nHost : a\r\n\r\n"));        // space before the colon
  CHECK(refuses("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n")); // obsolete line folding
  CHECK(refuses("GET / HTTP/1.1\r\nHost a\r\n\r\n"));          // no colon
  CHECK(refuses("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"));      // bare CR in a value
  CHECK(refuses("GET / HTTP/1.1\nHost: a\n\n"));               // bare LF line endings
  CHECK(refuses("GET /  HTTP/1.1\r\n\r\n"));                   // two spaces
  CHECK(refuses("GET / HTTP/1.10\r\n\r\n"));
  CHECK(refuses("GET / FTP/1.1\r\n\r\n"));
  CHECK(refuses("G(T / HTTP/1.1\r\n\r\n"));                    // method not a token
  CHECK(refuses("GET /\x01 HTTP/1.1\r\n\r\n"));                // control character in the target
  CHECK(refuses("GET / HTTP/1.1\r\nHost: a\r\n"));             // no blank line
}

TEST_CASE("parse_http_response reads the status line") {
  http_response response;
  REQUIRE_FALSE(parse_http_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", response));
  CHECK(response.status == 101);
  CHECK(response.reason == "Switching Protocols");
  CHECK(response.fields.find("Upgrade") == std::string_view("websocket"));

  http_response bare;
  REQUIRE_FALSE(parse_http_response("HTTP/1.1 403\r\n\r\n", bare));
  CHECK(bare.status == 403);

  http_response bad;
  CHECK(parse_http_response("HTTP/1.1 1O1 Switching\r\n\r\n", bad) == error::malformed_http);
  CHECK(parse_http_response("HTTP/1.1 101Switching\r\n\r\n", bad) == error::malformed_http);
  CHECK(parse_http_response("ICY 200 OK\r\n\r\n", bad) == error::malformed_http);
}

TEST_CASE("http_request::query_param decodes percent escapes and '+', and finds the first of a name") {
  asiows::http_request request;
  request.target = "/feed?token=a%20b%2Bc&room=caf%C3%A9+bar&debug&token=second&bad=%zz&cut=%4";
  CHECK(request.query_param("token") == std::string("a b+c"));
  CHECK(request.query_param("room") == std::string("caf\xc3\xa9 bar"));
  CHECK(request.query_param("debug") == std::string());
  CHECK_FALSE(request.query_param("missing"));
  CHECK_FALSE(request.query_param("bad")); // broken escapes are not guessed at
  CHECK_FALSE(request.query_param("cut"));
  request.target = "/feed";
  CHECK_FALSE(request.query_param("token"));
  request.target = "/feed?na%6De=encoded";
  CHECK(request.query_param("name") == std::string("encoded"));
}

TEST_CASE("http_request::method_is compares the method as sent (case-sensitive)") {
  asiows::http_request request;
  request.method = "POST";
  CHECK(request.method_is("POST"));
  CHECK_FALSE(request.method_is("GET"));
  CHECK_FALSE(request.method_is("post"));
}
