#include <asiows/core/extensions.hpp>

#include "catch.hpp"

using namespace asiows;

TEST_CASE("parse_extensions reads names, parameters and values") {
  const auto parsed = parse_extensions(
      "permessage-deflate; client_max_window_bits; server_max_window_bits=10 , "
      "permessage-deflate;client_max_window_bits=\"12\", x-custom");
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 3);
  const extension& first = (*parsed)[0];
  CHECK(first.name == "permessage-deflate");
  REQUIRE(first.parameters.size() == 2);
  CHECK(first.parameters[0].name == "client_max_window_bits");
  CHECK_FALSE(first.parameters[0].value);
  CHECK(first.parameters[1].value == std::string("10"));
  CHECK((*parsed)[1].parameters[0].value == std::string("12")); // quotes removed
  CHECK((*parsed)[2].name == "x-custom");
  CHECK((*parsed)[2].parameters.empty());
}

TEST_CASE("parse_extensions accepts empty lists and elements") {
  CHECK(parse_extensions("")->empty());
  CHECK(parse_extensions(" , ,")->empty());
  CHECK(parse_extensions("a,,b")->size() == 2);
}

TEST_CASE("parse_extensions refuses malformed values") {
  CHECK_FALSE(parse_extensions("permessage-deflate;"));              // parameter missing
  CHECK_FALSE(parse_extensions("permessage-deflate; a="));           // value missing
  CHECK_FALSE(parse_extensions("permessage-deflate; a=\"1 2\""));    // quoted content not a token
  CHECK_FALSE(parse_extensions("permessage-deflate; a=\"12"));       // unterminated quote
  CHECK_FALSE(parse_extensions("permessage deflate"));               // two tokens
  CHECK_FALSE(parse_extensions(";a"));
  CHECK_FALSE(parse_extensions("a; b=c d"));
}

TEST_CASE("parse_extensions over fields joins every Sec-WebSocket-Extensions field") {
  http_fields fields;
  fields.add("Sec-WebSocket-Extensions", "a; x=1");
  fields.add("Other", "not, this");
  fields.add("sec-websocket-extensions", "b");
  const auto parsed = parse_extensions(fields);
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[1].name == "b");
  fields.add("Sec-WebSocket-Extensions", "c;");
  CHECK_FALSE(parse_extensions(fields));
}
