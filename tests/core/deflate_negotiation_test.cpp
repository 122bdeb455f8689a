#include <asiows/core/deflate_negotiation.hpp>

#include "catch.hpp"

#include <string>

using namespace asiows;

namespace {

// Negotiates as a server with `ours` against the offers in `header`.
std::optional<deflate_params> server_answers(const std::string& header, std::string& answer,
                                             const deflate_options& ours = {}) {
  const auto offers = parse_extensions(header);
  REQUIRE(offers);
  return negotiate_deflate(*offers, ours, answer);
}

std::error_code client_checks(const std::string& header, std::optional<deflate_params>& agreed,
                              const deflate_options& ours = {}) {
  const auto answer = parse_extensions(header);
  REQUIRE(answer);
  return check_deflate_answer(*answer, ours, agreed);
}

} // namespace

TEST_CASE("deflate: the server accepts the first acceptable offer, answering only what the RFC allows") {
  struct row {
    std::string offers;
    std::string answer; // empty: declined
    int local_bits, remote_bits;
    bool local_reset, remote_reset;
  };
  const row rows[] = {
      {"permessage-deflate", "permessage-deflate", 15, 15, false, false},
      {"permessage-deflate; client_max_window_bits", "permessage-deflate", 15, 15, false, false},
      {"permessage-deflate; client_max_window_bits=10", "permessage-deflate; client_max_window_bits=10", 15, 10,
       false, false},
      {"permessage-deflate; server_max_window_bits=12", "permessage-deflate; server_max_window_bits=12", 12, 15,
       false, false},
      {"permessage-deflate; server_no_context_takeover", "permessage-deflate; server_no_context_takeover", 15, 15,
       true, false},
      {"permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover", 15, 15,
       false, true},
      // 8 bits for our compressor is accepted (we then send uncompressed), not declined.
      {"permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=9",
       "permessage-deflate; server_max_window_bits=8", 8, 15, false, false},
      {"permessage-deflate; server_max_window_bits=8", "permessage-deflate; server_max_window_bits=8", 8, 15, false,
       false},
      {"permessage-deflate; client_max_window_bits=8", "permessage-deflate; client_max_window_bits=8", 15, 8, false,
       false},
      // Invalid offers are declined: unknown, duplicate, missing or bad values.
      {"permessage-deflate; unknown_parameter", "", 0, 0, false, false},
      {"permessage-deflate; server_no_context_takeover; server_no_context_takeover", "", 0, 0, false, false},
      {"permessage-deflate; server_max_window_bits", "", 0, 0, false, false},
      {"permessage-deflate; server_max_window_bits=16", "", 0, 0, false, false},
      {"permessage-deflate; server_max_window_bits=09", "", 0, 0, false, false},
      {"permessage-deflate; client_max_window_bits=7", "", 0, 0, false, false},
      {"permessage-deflate; server_no_context_takeover=1", "", 0, 0, false, false},
      {"x-webkit-deflate-frame", "", 0, 0, false, false},
      {"x-other, permessage-deflate; unknown=1, permessage-deflate", "permessage-deflate", 15, 15, false, false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.offers);
    std::string answer;
    const auto agreed = server_answers(r.offers, answer);
    if (r.answer.empty()) {
      CHECK_FALSE(agreed);
      continue;
    }
    REQUIRE(agreed);
    CHECK(answer == r.answer);
    CHECK(agreed->local_window_bits == r.local_bits);
    CHECK(agreed->remote_window_bits == r.remote_bits);
    CHECK(agreed->local_no_context_takeover == r.local_reset);
    CHECK(agreed->remote_no_context_takeover == r.remote_reset);
  }
}

TEST_CASE("deflate: the server's own options shape its answer") {
  deflate_options ours;
  ours.server_max_window_bits = 11;
  ours.client_max_window_bits = 12;
  ours.client_no_context_takeover = true;
  std::string answer;
  auto agreed = server_answers("permessage-deflate; client_max_window_bits", answer, ours);
  REQUIRE(agreed);
  CHECK(answer ==
        "permessage-deflate; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=12");
  // client_max_window_bits is never answered to a client that did not offer it.
  agreed = server_answers("permessage-deflate", answer, ours);
  REQUIRE(agreed);
  CHECK(answer == "permessage-deflate; client_no_context_takeover; server_max_window_bits=11");
  CHECK(agreed->remote_window_bits == 15);

  // 8 bits: the server sends uncompressed, and may ask the same of the client.
  ours.server_max_window_bits = 8;
  ours.client_max_window_bits = 8;
  agreed = server_answers("permessage-deflate; client_max_window_bits", answer, ours);
  REQUIRE(agreed);
  CHECK(answer ==
        "permessage-deflate; client_no_context_takeover; server_max_window_bits=8; client_max_window_bits=8");
  CHECK(agreed->local_window_bits == 8);
  CHECK(agreed->remote_window_bits == 8);
}

TEST_CASE("deflate: the client's offer and its check of the answer") {
  // client_max_window_bits is always offered, so a server may pick our window (Autobahn 13.3 - 13.6).
  CHECK(deflate_offer({}) == "permessage-deflate; client_max_window_bits");
  deflate_options ours;
  ours.server_no_context_takeover = true;
  ours.client_max_window_bits = 10;
  ours.server_max_window_bits = 12;
  CHECK(deflate_offer(ours) ==
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=10");

  std::optional<deflate_params> agreed;
  CHECK_FALSE(client_checks("", agreed));
  CHECK_FALSE(agreed); // not accepted: no compression, no error

  CHECK_FALSE(client_checks("permessage-deflate; server_max_window_bits=10", agreed));
  REQUIRE(agreed);
  CHECK(agreed->remote_window_bits == 10); // any server window 8-15 inflates
  CHECK(agreed->local_window_bits == 15);

  CHECK_FALSE(client_checks("permessage-deflate; server_max_window_bits=8", agreed));
  CHECK(agreed->remote_window_bits == 8);

  // The server picks our window, 8 included (then we send uncompressed); without a value it is malformed.
  CHECK_FALSE(client_checks("permessage-deflate; client_max_window_bits=10", agreed));
  CHECK(agreed->local_window_bits == 10);
  CHECK_FALSE(client_checks("permessage-deflate; client_max_window_bits=8", agreed));
  CHECK(agreed->local_window_bits == 8);
  CHECK(client_checks("permessage-deflate; client_max_window_bits", agreed) == error::bad_deflate_parameters);
  // Twice accepted; malformed.
  CHECK(client_checks("permessage-deflate, permessage-deflate", agreed) == error::bad_deflate_parameters);
  CHECK(client_checks("permessage-deflate; bogus", agreed) == error::bad_deflate_parameters);

  // With our offer: values above ours and a missing no_context_takeover are refused; 8 is taken.
  CHECK_FALSE(client_checks(
      "permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=9", agreed,
      ours));
  CHECK(agreed->local_window_bits == 9);
  CHECK(agreed->remote_window_bits == 12);
  CHECK(agreed->remote_no_context_takeover);
  // We offered server_max_window_bits=12: an answer without it does not accept our offer (RFC 7692 7.1.2.1).
  CHECK(client_checks("permessage-deflate; server_no_context_takeover; client_max_window_bits=9", agreed, ours) ==
        error::bad_deflate_parameters);
  CHECK_FALSE(client_checks(
      "permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=8", agreed,
      ours));
  CHECK(agreed->local_window_bits == 8);
  CHECK(client_checks("permessage-deflate; server_no_context_takeover; client_max_window_bits=11", agreed, ours) ==
        error::bad_deflate_parameters);
  CHECK(client_checks("permessage-deflate; server_no_context_takeover; server_max_window_bits=13", agreed, ours) ==
        error::bad_deflate_parameters);
  CHECK(client_checks("permessage-deflate", agreed, ours) == error::bad_deflate_parameters);
}
