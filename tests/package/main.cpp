// Compiles against asiows and Asio as an application would, and checks one result.
#include <asio.hpp>
#include <asiows/asiows.hpp>

int main() {
  asio::io_context context; // Asio's include directory came with asiows::asiows
  const bool ok = asiows::compute_accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
  return ok ? 0 : 1;
}
