// The server's upgrade request reader and its RFC 6455 4.2.1 checks, fed the
// same bytes at once and in arbitrary pieces. Invariants: the outcome does not
// depend on the split; the bytes consumed end at the blank line (what follows
// is WebSocket frames); an accepted request answers 101 with its accept key;
// a refused one maps to a 4xx status.
#include <asiows/core.hpp>

#include "fuzz_input.hpp"

#include <string>
#include <string_view>

namespace {

struct outcome {
  asiows::parse_status status = asiows::parse_status::need_more;
  std::size_t consumed = 0;
};

outcome read_request(const char* data, std::size_t size, fuzz::input* splits, asiows::server_handshake& handshake) {
  outcome result;
  while (result.consumed < size) {
    const std::size_t left = size - result.consumed;
    const std::size_t piece = splits ? splits->next_piece(left) : left;
    const auto progress = handshake.feed(data + result.consumed, piece);
    FUZZ_CHECK(progress.consumed <= piece);
    result.consumed += progress.consumed;
    result.status = progress.status;
    if (progress.status != asiows::parse_status::need_more) break;
    FUZZ_CHECK(progress.consumed == piece);
  }
  return result;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::input in(data, size);
  std::uint8_t split_bytes[32]; // the first 32 bytes choose the pieces; the rest is the request
  for (auto& b : split_bytes) b = in.take_byte();
  fuzz::input splits(split_bytes, sizeof split_bytes); // then 1 byte at a time once they run out
  const auto* text = reinterpret_cast<const char*>(in.data());
  asiows::options opts;
  opts.max_handshake_size = 2048;

  asiows::server_handshake at_once(opts), in_pieces(opts);
  const outcome whole = read_request(text, in.size(), nullptr, at_once);
  const outcome pieces = read_request(text, in.size(), &splits, in_pieces);
  FUZZ_CHECK(whole.status == pieces.status);
  FUZZ_CHECK(at_once.failure() == in_pieces.failure());

  if (whole.status == asiows::parse_status::complete) {
    FUZZ_CHECK(whole.consumed == pieces.consumed);
    FUZZ_CHECK(std::string_view(text, whole.consumed).find("\r\n\r\n") == whole.consumed - 4);
    const asiows::http_request& request = at_once.request();
    FUZZ_CHECK(request.method == "GET");
    FUZZ_CHECK(request.fields.count("Sec-WebSocket-Key") == 1);
    std::string response;
    FUZZ_CHECK(!asiows::build_accept_response(request, asiows::accept_options{}, response));
    FUZZ_CHECK(response.rfind("HTTP/1.1 101 ", 0) == 0);
    FUZZ_CHECK(response.find(asiows::compute_accept_key(*request.fields.find("Sec-WebSocket-Key"))) !=
               std::string::npos);
  } else if (whole.status == asiows::parse_status::error) {
    const unsigned status = asiows::http_status_for(at_once.failure());
    FUZZ_CHECK(status >= 400 && status < 500);
    const std::string response = asiows::build_error_response(at_once.failure());
    FUZZ_CHECK(response.find("\r\n\r\n") != std::string::npos);
  }
  return 0;
}
