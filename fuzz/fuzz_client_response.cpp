// The client's check of the server's handshake response, fed in arbitrary
// pieces. "Sec-WebSocket-Accept: {ACCEPT}" in the input gets the right accept
// key, so the fuzzer reaches the subprotocol and extension checks past it
// (the two handshakes have different random keys: only there may they differ). Invariants:
// the outcome does not depend on the split; an accepted response is a 101
// whose subprotocol and extensions are among those offered, and whose
// permessage-deflate answer, if any, the negotiation code can judge.
#include <asiows/core.hpp>

#include "fuzz_input.hpp"

#include <optional>
#include <string>

namespace {

asiows::client_handshake started() {
  asiows::client_handshake handshake;
  asiows::client_handshake_options offer;
  offer.subprotocols = {"chat", "superchat"};
  offer.extensions = "permessage-deflate; client_max_window_bits=10, permessage-deflate";
  if (handshake.start("example.com", "/", offer)) fuzz::violated("start() refused a valid offer");
  return handshake;
}

std::string with_key(std::string response, const std::string& accept) {
  static const std::string placeholder = "Sec-WebSocket-Accept: {ACCEPT}";
  for (std::size_t at = 0; (at = response.find(placeholder, at)) != std::string::npos; at += placeholder.size())
    response.replace(at + placeholder.size() - 8, 8, accept);
  return response;
}

asiows::parse_status read_response(asiows::client_handshake& handshake, const std::string& bytes,
                                   fuzz::input* splits) {
  std::size_t at = 0;
  asiows::parse_status status = asiows::parse_status::need_more;
  while (at < bytes.size()) {
    const std::size_t piece = splits ? splits->next_piece(bytes.size() - at) : bytes.size() - at;
    const auto progress = handshake.feed(bytes.data() + at, piece);
    FUZZ_CHECK(progress.consumed <= piece);
    at += progress.consumed;
    status = progress.status;
    if (status != asiows::parse_status::need_more) break;
  }
  return status;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::input in(data, size);
  std::uint8_t split_bytes[32];
  for (auto& b : split_bytes) b = in.take_byte();
  fuzz::input splits(split_bytes, sizeof split_bytes);
  const std::string raw(reinterpret_cast<const char*>(in.data()), in.size());

  asiows::client_handshake at_once = started(), in_pieces = started();
  const auto whole = read_response(at_once, with_key(raw, asiows::compute_accept_key(at_once.key())), nullptr);
  const auto pieces = read_response(in_pieces, with_key(raw, asiows::compute_accept_key(in_pieces.key())), &splits);
  FUZZ_CHECK(whole == pieces);
  FUZZ_CHECK(at_once.failure() == in_pieces.failure());
  if (whole == asiows::parse_status::error) FUZZ_CHECK(static_cast<bool>(at_once.failure()));

  if (whole == asiows::parse_status::complete) {
    FUZZ_CHECK(at_once.response().status == 101);
    FUZZ_CHECK(at_once.subprotocol().empty() || at_once.subprotocol() == "chat" ||
               at_once.subprotocol() == "superchat");
    for (const auto& extension : at_once.extensions())
      FUZZ_CHECK(asiows::detail::iequals(extension.name, "permessage-deflate"));
    std::optional<asiows::deflate_params> agreed;
    asiows::deflate_options ours;
    ours.client_max_window_bits = 10;
    if (!asiows::check_deflate_answer(at_once.extensions(), ours, agreed) && agreed) {
      FUZZ_CHECK(agreed->local_window_bits >= 9 && agreed->local_window_bits <= 10); // we never compress with 8
      FUZZ_CHECK(agreed->remote_window_bits >= 8 && agreed->remote_window_bits <= 15);
    }
  }
  return 0;
}
