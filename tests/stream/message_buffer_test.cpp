#include <asiows/message_buffer.hpp>

#include "catch.hpp"
#include "test_asio.hpp"

#include <cstring>
#include <stdexcept>

using asiows::message_buffer;

static_assert(asio::is_dynamic_buffer_v2<asiows::message_dynamic_buffer>::value,
              "async_read must accept message_dynamic_buffer(message_buffer&)");

TEST_CASE("message_buffer: grows without zeroing, keeps its memory, shrinks and consumes") {
  message_buffer buffer;
  CHECK(buffer.empty());
  auto dynamic = asiows::message_dynamic_buffer(buffer);
  dynamic.grow(5);
  std::memcpy(dynamic.data(0, 5).data(), "hello", 5);
  dynamic.grow(6);
  std::memcpy(dynamic.data(5, 6).data(), " world", 6);
  CHECK(buffer.view() == "hello world");
  CHECK(dynamic.data(6, 100).size() == 5); // clipped to what is there
  CHECK(dynamic.data(50, 1).size() == 0);
  dynamic.shrink(6);
  CHECK(buffer.view() == "hello");
  dynamic.consume(2);
  CHECK(buffer.view() == "llo");
  const std::size_t capacity = buffer.capacity();
  buffer.clear();
  CHECK(buffer.empty());
  CHECK(buffer.capacity() == capacity);
  buffer.release();
  CHECK(buffer.capacity() == 0);

  auto bounded = asiows::message_dynamic_buffer(buffer, 8);
  bounded.grow(8);
  CHECK_THROWS_AS(bounded.grow(1), std::length_error);
}
