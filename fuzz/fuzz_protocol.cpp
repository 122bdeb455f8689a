// The protocol state machine, either role, fed an arbitrary byte stream in
// arbitrary pieces, with permessage-deflate on or off. Invariants:
// - receive() never consumes more than it is given, and ends in need_more;
// - a message never exceeds max_message_size; a text message is valid UTF-8;
// - control payloads are at most 125 bytes;
// - after the peer's Close or a failure, nothing more is reported;
// - a failure carries an error and a close code a Close frame may carry;
// - what take_pending_control() writes is well-formed frames for the peer;
// - when message_buffered() says the bytes hold the rest of a message,
//   receive() delivers it whole (or fails) before it asks for more;
// - bytes within payload_ahead() come back in one piece, in place.
#include <asiows/core.hpp>
#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
#include <asiows/core/deflate_codec.hpp>
#endif

#include "fuzz_input.hpp"

#include <memory>
#include <string>
#include <vector>

namespace {

// Checks that `bytes` is a sequence of whole control frames written by `role`.
void check_control_output(const std::vector<std::uint8_t>& bytes, asiows::role writer) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    asiows::frame_header header;
    const auto parsed = asiows::parse_frame_header(bytes.data() + at, bytes.size() - at, header);
    FUZZ_CHECK(parsed.status == asiows::parse_status::complete);
    FUZZ_CHECK(asiows::is_control(header.op) && header.op != asiows::opcode::ping);
    FUZZ_CHECK(header.masked == (writer == asiows::role::client));
    FUZZ_CHECK(!header.rsv1 && !header.rsv2 && !header.rsv3);
    at += parsed.size + header.payload_length;
    FUZZ_CHECK(at <= bytes.size());
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::input in(data, size);
  const std::uint8_t setup = in.take_byte();
  const asiows::role role = (setup & 1) ? asiows::role::client : asiows::role::server;
  asiows::options opts;
  opts.max_message_size = 4096;
  opts.max_frame_size = (setup & 2) ? 1024 : 4096;
  asiows::protocol engine(role, opts);
#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
  if (setup & 4) {
    asiows::deflate_params params;
    params.remote_no_context_takeover = (setup & 8) != 0;
    params.remote_window_bits = 8 + (setup >> 4) % 8;
    engine.enable_compression(std::make_unique<asiows::deflate_codec>(params, asiows::deflate_options{}), 0);
  }
#endif

  std::vector<std::uint8_t> stream(in.data(), in.data() + in.size());
  std::string message;
  bool in_message = false, text = false, ended = false;
  std::vector<std::uint8_t> control;
  std::size_t at = 0;
  while (at < stream.size()) {
    const std::size_t piece = in.next_piece(stream.size() - at);
    std::size_t offset = 0;
    bool promised = false; // message_buffered() said a whole message is in this piece
    for (;;) {
      std::uint8_t* const next = stream.data() + at + offset;
      const std::size_t left = piece - offset;
      if (!promised) promised = engine.message_buffered(next, left);
      const std::uint64_t ahead = engine.payload_ahead();
      const asiows::event ev = engine.receive(next, left);
      FUZZ_CHECK(ev.consumed <= left);
      if (ahead > 0 && left > 0 && left <= ahead && ev.type != asiows::event_type::failure) {
        FUZZ_CHECK(ev.type == asiows::event_type::message_data);
        FUZZ_CHECK(ev.consumed == left && ev.size == left && ev.data == next);
      }
      offset += ev.consumed;
      if (ev.type == asiows::event_type::need_more) {
        FUZZ_CHECK(offset == piece);
        FUZZ_CHECK(!promised);
        break;
      }
      if ((ev.type == asiows::event_type::message_data && ev.message_complete) ||
          ev.type == asiows::event_type::failure)
        promised = false;
      FUZZ_CHECK(!ended); // nothing after a Close or a failure
      switch (ev.type) {
      case asiows::event_type::message_data:
        if (in_message) FUZZ_CHECK((ev.kind == asiows::message_kind::text) == text);
        in_message = true;
        text = ev.kind == asiows::message_kind::text;
        message.append(ev.text());
        FUZZ_CHECK(message.size() <= opts.max_message_size);
        if (ev.message_complete) {
          if (text) FUZZ_CHECK(asiows::is_valid_utf8(message));
          message.clear();
          in_message = false;
        }
        break;
      case asiows::event_type::ping:
      case asiows::event_type::pong:
        FUZZ_CHECK(ev.size <= asiows::max_control_payload);
        break;
      case asiows::event_type::close:
        FUZZ_CHECK(ev.size <= asiows::max_control_payload - 2);
        FUZZ_CHECK(asiows::is_valid_utf8(ev.data, ev.size));
        ended = true;
        break;
      case asiows::event_type::failure:
        FUZZ_CHECK(static_cast<bool>(ev.error));
        FUZZ_CHECK(asiows::is_valid_wire_close_code(ev.close_code));
        ended = true;
        break;
      case asiows::event_type::need_more:
        break;
      }
      if (engine.has_pending_control()) {
        control.resize(asiows::max_pending_control_size);
        control.resize(engine.take_pending_control(control.data()));
        check_control_output(control, role);
      }
    }
    at += piece;
  }
  return 0;
}
