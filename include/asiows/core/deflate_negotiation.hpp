/// \file
/// Negotiating permessage-deflate (RFC 7692 section 7.1): the client's offer,
/// the server's choice among offers and its answer, the client's check of the
/// answer. No zlib here: the result is a deflate_params for deflate_codec.hpp.
///
/// zlib cannot compress with a raw 8-bit window (it refuses windowBits -8).
/// Rather than decline an agreement that gives it one, asiows accepts it and
/// sends its messages uncompressed (RFC 7692 6 lets a sender leave any message
/// uncompressed) while it still inflates what the peer sends: a server accepts
/// an offer of server_max_window_bits=8, and a client always offers
/// client_max_window_bits, so a server may pick any client window, 8 included
/// (Autobahn 13.3 - 13.6). Decompressing with any window from 8 to 15 works.
#ifndef ASIOWS_CORE_DEFLATE_NEGOTIATION_HPP
#define ASIOWS_CORE_DEFLATE_NEGOTIATION_HPP

#include <asiows/core/error.hpp>
#include <asiows/core/extensions.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace asiows {

/// The extension's token in Sec-WebSocket-Extensions (RFC 7692 7).
inline constexpr std::string_view permessage_deflate_name = "permessage-deflate";

/// What an endpoint asks for and accepts.
struct deflate_options {
  int compression_level = 6; ///< zlib 0-9: 6 is zlib's default balance of speed and ratio
  /// zlib memLevel 1-9. 4 keeps the compressor at 2^(w+2) + 2^(4+9) bytes: 136 KiB for w = 15
  /// rather than 256 KiB at zlib's default 8, for a few percent of ratio.
  int memory_level = 4;
  /// Messages shorter than this go out uncompressed: below it DEFLATE's overhead outweighs the gain.
  std::size_t threshold = 64;
  bool server_no_context_takeover = false; ///< ask that the server reset its compressor after every message
  bool client_no_context_takeover = false; ///< ask that the client reset its compressor after every message
  /// The largest window each side may compress with, 8-15 bits; 8 means that side
  /// sends uncompressed (zlib has no 8-bit window) and holds no compressor.
  int server_max_window_bits = 15;
  int client_max_window_bits = 15; ///< the same for the client's side
};

/// What was agreed, from this endpoint's side.
struct deflate_params {
  bool local_no_context_takeover = false;  ///< we reset our compressor after each message
  bool remote_no_context_takeover = false; ///< the peer resets its compressor after each message
  int local_window_bits = 15;              ///< our compressor's window
  int remote_window_bits = 15;             ///< the peer's compressor's window, so our decompressor's
};

namespace detail {

/// A window-bits value: a decimal integer 8-15 without leading zeros (RFC 7692 7.1.2); 0 if not.
inline int parse_window_bits(std::string_view text) {
  if (text.size() == 1 && text[0] >= '8' && text[0] <= '9') return text[0] - '0';
  if (text.size() == 2 && text[0] == '1' && text[1] >= '0' && text[1] <= '5') return 10 + (text[1] - '0');
  return 0;
}

/// The parameters of one permessage-deflate element, checked: known names,
/// each at most once, values where required and valid. nullopt when not.
struct deflate_element {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  int server_max_window_bits = 0; ///< 0: absent
  bool client_max_window_bits_present = false;
  int client_max_window_bits = 0; ///< 0: absent or without a value
};

inline std::optional<deflate_element> read_deflate_element(const extension& element) {
  deflate_element out;
  bool seen[4] = {};
  for (const auto& parameter : element.parameters) {
    const std::string& name = parameter.name;
    if (name == "server_no_context_takeover" || name == "client_no_context_takeover") {
      bool& flag = name[0] == 's' ? out.server_no_context_takeover : out.client_no_context_takeover;
      bool& once = seen[name[0] == 's' ? 0 : 1];
      if (once || parameter.value) return std::nullopt;
      once = flag = true;
    } else if (name == "server_max_window_bits") {
      if (seen[2] || !parameter.value) return std::nullopt;
      seen[2] = true;
      out.server_max_window_bits = parse_window_bits(*parameter.value);
      if (out.server_max_window_bits == 0) return std::nullopt;
    } else if (name == "client_max_window_bits") {
      if (seen[3]) return std::nullopt;
      seen[3] = out.client_max_window_bits_present = true;
      if (parameter.value) {
        out.client_max_window_bits = parse_window_bits(*parameter.value);
        if (out.client_max_window_bits == 0) return std::nullopt;
      }
    } else {
      return std::nullopt; // an unknown parameter declines the offer (RFC 7692 7.1)
    }
  }
  return out;
}

} // namespace detail

/// Server: picks the first acceptable permessage-deflate offer (RFC 7692 7.1),
/// writes the answer for Sec-WebSocket-Extensions into `answer`, and returns
/// the agreement; nullopt when no offer is acceptable (then send no answer).
inline std::optional<deflate_params> negotiate_deflate(const std::vector<extension>& offers,
                                                       const deflate_options& ours, std::string& answer) {
  for (const auto& offer : offers) {
    if (offer.name != permessage_deflate_name) continue;
    const auto element = detail::read_deflate_element(offer);
    if (!element) continue;

    deflate_params agreed;
    agreed.local_no_context_takeover = element->server_no_context_takeover || ours.server_no_context_takeover;
    agreed.remote_no_context_takeover = element->client_no_context_takeover || ours.client_no_context_takeover;
    agreed.local_window_bits = std::clamp(ours.server_max_window_bits, 8, 15); // 8: we send uncompressed
    if (element->server_max_window_bits != 0)
      agreed.local_window_bits = std::min(agreed.local_window_bits, element->server_max_window_bits);
    agreed.remote_window_bits = 15;
    if (element->client_max_window_bits_present) {
      agreed.remote_window_bits = std::clamp(ours.client_max_window_bits, 8, 15);
      if (element->client_max_window_bits != 0)
        agreed.remote_window_bits = std::min(agreed.remote_window_bits, element->client_max_window_bits);
    }

    answer = std::string(permessage_deflate_name);
    if (agreed.local_no_context_takeover) answer += "; server_no_context_takeover";
    if (agreed.remote_no_context_takeover) answer += "; client_no_context_takeover";
    if (element->server_max_window_bits != 0 || agreed.local_window_bits < 15)
      answer += "; server_max_window_bits=" + std::to_string(agreed.local_window_bits);
    if (element->client_max_window_bits_present && (element->client_max_window_bits != 0 || agreed.remote_window_bits < 15))
      answer += "; client_max_window_bits=" + std::to_string(agreed.remote_window_bits);
    return agreed;
  }
  return std::nullopt;
}

/// Client: the offer to send in Sec-WebSocket-Extensions.
inline std::string deflate_offer(const deflate_options& ours) {
  std::string offer(permessage_deflate_name);
  if (ours.server_no_context_takeover) offer += "; server_no_context_takeover";
  if (ours.client_no_context_takeover) offer += "; client_no_context_takeover";
  if (ours.server_max_window_bits < 15)
    offer += "; server_max_window_bits=" + std::to_string(std::clamp(ours.server_max_window_bits, 8, 15));
  // Always offered, so the server may pick our window (bare: any, 8 to 15). A server
  // that wants a small client window declines an offer without it.
  if (ours.client_max_window_bits < 15)
    offer += "; client_max_window_bits=" + std::to_string(std::clamp(ours.client_max_window_bits, 8, 15));
  else
    offer += "; client_max_window_bits";
  return offer;
}

/// Client: checks the server's answer to deflate_offer(ours). `accepted` holds
/// the server's Sec-WebSocket-Extensions elements. Sets `agreed` when the
/// server accepted permessage-deflate; an error fails the handshake.
inline std::error_code check_deflate_answer(const std::vector<extension>& accepted, const deflate_options& ours,
                                            std::optional<deflate_params>& agreed) {
  agreed.reset();
  for (const auto& answer : accepted) {
    if (answer.name != permessage_deflate_name) continue;
    if (agreed) return error::bad_deflate_parameters; // accepted twice
    const auto element = detail::read_deflate_element(answer);
    if (!element) return error::bad_deflate_parameters;
    deflate_params params;
    params.local_no_context_takeover = element->client_no_context_takeover || ours.client_no_context_takeover;
    params.remote_no_context_takeover = element->server_no_context_takeover;
    if (ours.server_no_context_takeover && !element->server_no_context_takeover)
      return error::bad_deflate_parameters; // RFC 7692 7.1.1.1: the server must agree to it
    // Our decompressor: whatever the server says it uses, within what we asked for.
    params.remote_window_bits = element->server_max_window_bits != 0 ? element->server_max_window_bits : 15;
    if (ours.server_max_window_bits < 15 && params.remote_window_bits > std::clamp(ours.server_max_window_bits, 8, 15))
      return error::bad_deflate_parameters;
    // Our compressor: within what we offered, and what the server picked (8: we send uncompressed).
    params.local_window_bits = std::clamp(ours.client_max_window_bits, 8, 15);
    if (element->client_max_window_bits_present) {
      // RFC 7692 7.1.2.2: the answer carries a value, no larger than the one offered.
      if (element->client_max_window_bits == 0 || element->client_max_window_bits > params.local_window_bits)
        return error::bad_deflate_parameters;
      params.local_window_bits = element->client_max_window_bits;
    }
    agreed = params;
  }
  return {};
}

} // namespace asiows

#endif
