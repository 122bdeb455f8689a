#!/usr/bin/env bash
# Makes the certificates the TLS tests use (kept in the tree, valid for 100 years):
#   ca.pem / ca-key.pem             a test certificate authority
#   server.pem / server-key.pem     a certificate for localhost and 127.0.0.1, signed by it
#   untrusted-ca.pem                another authority, which signed nothing the server uses
# Run it again only to renew them.
set -euo pipefail
cd "$(dirname "$0")"
days=36500

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
  -subj "/CN=asiows test CA" -keyout ca-key.pem -out ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" -keyout server-key.pem -out server.csr
cat > server.ext <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days "$days" -sha256 \
  -extfile server.ext -out server.pem

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
  -subj "/CN=asiows untrusted test CA" -keyout untrusted-ca-key.pem -out untrusted-ca.pem
rm -f server.csr server.ext ca.srl untrusted-ca-key.pem
