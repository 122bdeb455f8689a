// stream<NextLayer>::async_accept (server) and async_handshake (client): the
// opening handshake over the next layer, under options::handshake_timeout.
// Bytes that arrive after the handshake stay in the read buffer: they are the
// first frames.
#ifndef ASIOWS_DETAIL_STREAM_HANDSHAKE_OPS_HPP
#define ASIOWS_DETAIL_STREAM_HANDSHAKE_OPS_HPP

#include <asiows/detail/stream_read_op.hpp>

#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
#include <asiows/core/deflate_codec.hpp>
#endif

#include <asiows/detail/asio.hpp>

#include <memory>
#include <optional>
#include <string>

namespace asiows::detail {

// Turns on the compression a handshake agreed to (when built with zlib).
template <class NextLayer>
void enable_agreed_compression(stream_impl<NextLayer>& s, const std::optional<deflate_params>& agreed) {
#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
  if (agreed && s.engine)
    s.engine->enable_compression(std::make_unique<deflate_codec>(*agreed, s.settings().deflate),
                                 s.settings().deflate.threshold);
#else
  (void)s;
  (void)agreed;
#endif
}

// Whether this build can compress (permessage-deflate needs zlib).
inline constexpr bool deflate_available =
#if defined(ASIOWS_ENABLE_DEFLATE) && ASIOWS_ENABLE_DEFLATE
    true;
#else
    false;
#endif

// Feeds the buffered bytes to a handshake reader; true once it has finished.
template <class NextLayer, class Reader>
bool feed_buffered(stream_impl<NextLayer>& s, Reader& reader) {
  const auto progress = reader.feed(reinterpret_cast<const char*>(s.unparsed()), s.unparsed_size());
  s.parsed(progress.consumed);
  s.release_read_buffer_if_parsed();
  return progress.status != parse_status::need_more;
}

// Reads an upgrade request (unless one is given), then answers it; or, with
// no decider, only reads a request into *out (the server endpoint then routes
// it: upgrade or plain HTTP).
template <class NextLayer, class Decider>
class accept_op : asio::coroutine {
public:
  accept_op(std::shared_ptr<stream_impl<NextLayer>> impl, Decider decider, std::optional<http_request> request,
            http_request* read_only_into = nullptr)
      : impl_(std::move(impl)), decider_(std::move(decider)), given_request_(std::move(request)),
        reader_(impl_->settings()), read_only_into_(read_only_into) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}, std::size_t bytes = 0) {
    stream_impl<NextLayer>& s = *impl_;
    ASIOWS_CORO_REENTER(*this) {
      if (s.engine || s.transport_closed) {
        result_ = asio::error::already_connected;
      } else {
        s.start_handshake_timer();
        if (!given_request_) {
          // Read until the request's blank line; slow or endless requests meet the timeout or the size limit.
          while (!feed_buffered(s, reader_)) {
            ASIOWS_CORO_YIELD s.next_layer.async_read_some(s.read_space(), std::move(self));
            did_io_ = true;
            if (ec) {
              result_ = s.translate(ec);
              break;
            }
            s.received(bytes);
          }
        }
        if (read_only_into_ && !result_) {
          // Only the request's head was asked for; any parse error is left to the caller to answer.
          result_ = reader_.failure() == error::header_block_too_large || reader_.failure() == error::malformed_http
                        ? error_code(reader_.failure())
                        : error_code{};
          *read_only_into_ = reader_.request();
          s.cancel_timer(); // the caller re-arms it when it goes on with this connection
        } else if (!result_) {
          decide();
          ASIOWS_CORO_YIELD asio::async_write(s.next_layer, asio::buffer(response_), std::move(self));
          did_io_ = true;
          if (ec && !result_) result_ = s.translate(ec);
        }
      }
      if (!read_only_into_) {
        s.finish_opening(role::server, result_);
        if (!result_) enable_agreed_compression(s, deflate_agreed_);
      }
      else if (result_ && result_ != error::header_block_too_large && result_ != error::malformed_http)
        s.close_transport(); // an I/O error; a bad request is left open for the caller's answer
      if (!did_io_) {
        ASIOWS_CORO_YIELD asio::post(s.next_layer.get_executor(), std::move(self));
      }
      self.complete(result_);
    }
  }

private:
  // Checks the request, asks the application, and writes the answer into response_.
  void decide() {
    const http_request& request = given_request_ ? *given_request_ : reader_.request();
    result_ = given_request_ ? check_upgrade_request(request) : reader_.failure();
    if (result_) {
      response_ = build_error_response(result_);
      return;
    }
    handshake_answer answer;
    // permessage-deflate first, so the application's decider sees (and may drop) the answer.
    if (deflate_available && impl_->settings().enable_deflate) {
      if (const auto offers = parse_extensions(request.fields))
        deflate_agreed_ = negotiate_deflate(*offers, impl_->settings().deflate, answer.accept.extensions);
    }
    decider_(request, answer);
    // Compression follows what is answered: the decider may have removed or replaced it.
    if (answer.accept.extensions.find(permessage_deflate_name) == std::string::npos) deflate_agreed_.reset();
    if (answer.refused()) {
      result_ = error::handshake_refused;
      response_ = build_error_response(answer.refusal_status(), answer.refusal_body(), answer.accept.fields);
      return;
    }
    if (auto failure = build_accept_response(request, answer.accept, response_)) {
      result_ = failure; // the application's answer was invalid (e.g. a subprotocol not offered)
      response_ = build_error_response(500, "invalid handshake answer: " + failure.message() + "\n");
      return;
    }
    impl_->set_subprotocol(answer.accept.subprotocol);
  }

  std::shared_ptr<stream_impl<NextLayer>> impl_;
  Decider decider_;
  std::optional<http_request> given_request_;
  server_handshake reader_;
  http_request* read_only_into_;
  std::optional<deflate_params> deflate_agreed_;
  std::string response_;
  bool did_io_ = false;
  error_code result_;
};

// Writes an HTTP response (a refusal, or a plain-HTTP page) and closes the
// connection gracefully: FIN, then read and discard until the client closes
// too (or close_timeout passes). Closing with unread bytes would send a TCP
// reset, and the client could lose the response, e.g. a 431 to a header flood.
template <class NextLayer>
class respond_op : asio::coroutine {
public:
  respond_op(std::shared_ptr<stream_impl<NextLayer>> impl, std::string response)
      : impl_(std::move(impl)), response_(std::move(response)) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}, std::size_t = 0) {
    stream_impl<NextLayer>& s = *impl_;
    ASIOWS_CORO_REENTER(*this) {
      if (s.engine || s.transport_closed || s.writer.held()) {
        result_ = asio::error::already_connected;
        ASIOWS_CORO_YIELD asio::post(s.next_layer.get_executor(), std::move(self));
      } else {
        s.start_closing_timer(); // a client that never reads, or never closes, cannot hold the connection
        ASIOWS_CORO_YIELD asio::async_write(s.next_layer, asio::buffer(response_), std::move(self));
        result_ = s.translate(ec);
        if (!ec) {
          shutdown_lowest_layer_send(s.next_layer);
          s.drop_unparsed(); // what the client sends now is read only to be dropped
          do {
            ASIOWS_CORO_YIELD s.next_layer.async_read_some(s.read_space(), std::move(self));
          } while (!ec);
        }
        s.close_transport();
      }
      self.complete(result_);
    }
  }

private:
  std::shared_ptr<stream_impl<NextLayer>> impl_;
  std::string response_;
  error_code result_;
};

template <class NextLayer>
class handshake_op : asio::coroutine {
public:
  handshake_op(std::shared_ptr<stream_impl<NextLayer>> impl, std::string host, std::string target,
               client_handshake_options offer)
      : impl_(std::move(impl)), host_(std::move(host)), target_(std::move(target)), offer_(std::move(offer)),
        handshake_(impl_->settings()) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}, std::size_t bytes = 0) {
    stream_impl<NextLayer>& s = *impl_;
    ASIOWS_CORO_REENTER(*this) {
      if (s.engine || s.transport_closed) {
        result_ = asio::error::already_connected;
      } else if (!(result_ = handshake_.start(host_, target_, with_deflate_offer(std::move(offer_))))) {
        s.start_handshake_timer();
        ASIOWS_CORO_YIELD asio::async_write(s.next_layer, asio::buffer(handshake_.request()), std::move(self));
        did_io_ = true;
        if (ec) result_ = s.translate(ec);
        while (!result_ && !feed_buffered(s, handshake_)) {
          ASIOWS_CORO_YIELD s.next_layer.async_read_some(s.read_space(), std::move(self));
          if (ec) result_ = s.translate(ec);
          else s.received(bytes);
        }
        if (!result_) result_ = handshake_.failure();
        s.handshake_response = std::make_unique<http_response>(handshake_.response());
      }
      if (!result_) {
        s.set_subprotocol(handshake_.subprotocol());
        if (deflate_available && s.settings().enable_deflate)
          result_ = check_deflate_answer(handshake_.extensions(), s.settings().deflate, deflate_agreed_);
      }
      s.finish_opening(role::client, result_);
      if (!result_) enable_agreed_compression(s, deflate_agreed_);
      if (!did_io_) {
        ASIOWS_CORO_YIELD asio::post(s.next_layer.get_executor(), std::move(self));
      }
      self.complete(result_);
    }
  }

private:
  // Adds our permessage-deflate offer to the application's extensions.
  client_handshake_options with_deflate_offer(client_handshake_options offer) const {
    if (deflate_available && impl_->settings().enable_deflate) {
      const std::string ours = deflate_offer(impl_->settings().deflate);
      offer.extensions = offer.extensions.empty() ? ours : offer.extensions + ", " + ours;
    }
    return offer;
  }

  std::shared_ptr<stream_impl<NextLayer>> impl_;
  std::optional<deflate_params> deflate_agreed_;
  std::string host_;
  std::string target_;
  client_handshake_options offer_;
  client_handshake handshake_;
  bool did_io_ = false;
  error_code result_;
};

} // namespace asiows::detail

#endif
