// Compiles against asiows and Asio as an application would, and checks one result.
// ASIOWS_EXPECT_BOOST_ASIO: the package was built on Boost.Asio, and the application
// uses Boost.Asio itself, as a Boost user does.
#include <asiows/asiows.hpp>

#if defined(ASIOWS_EXPECT_BOOST_ASIO)
#include <boost/asio/io_context.hpp>
using application_io_context = boost::asio::io_context;
#else
#include <asio/io_context.hpp>
using application_io_context = asio::io_context;
#endif

int main() {
  application_io_context context; // Asio's include directory came with asiows::asiows
  asiows::server server(context);  // on the application's own io_context
  if (server.listen("127.0.0.1", 0)) return 1;
  const bool ok = asiows::compute_accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
  return ok ? 0 : 1;
}
