#include "odr_units.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string plain = plain_echo(), secure = tls_echo(argv[1]);
  std::printf("ws: %s, wss: %s\n", plain.c_str(), secure.c_str());
  return plain == "plain" && secure == "secure" ? 0 : 1;
}
