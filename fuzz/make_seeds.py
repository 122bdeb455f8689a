#!/usr/bin/python3
"""Writes the seed corpora in fuzz/corpus/<target>/: small valid inputs that
start the fuzzers deep in each parser. Frames are built here from RFC 6455
and RFC 7692 directly, not with asiows. Run from anywhere; rewrites the seeds."""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = b"\x37\xfa\x21\x3d"


def frame(opcode, payload, fin=True, rsv1=False, masked=True):
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    length = len(payload)
    if length < 126:
        header = bytes([first, (0x80 if masked else 0) | length])
    elif length <= 0xFFFF:
        header = bytes([first, (0x80 if masked else 0) | 126]) + struct.pack(">H", length)
    else:
        header = bytes([first, (0x80 if masked else 0) | 127]) + struct.pack(">Q", length)
    if not masked:
        return header + payload
    return header + KEY + bytes(b ^ KEY[i % 4] for i, b in enumerate(payload))


def deflate(data):
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# frame_header: the bytes of a header alone.
for name, data in [("text-small", frame(1, b"hi")[:6]), ("binary-16bit", frame(2, b"x" * 300)[:8]),
                   ("binary-64bit", frame(2, b"", masked=False)[:1] + b"\x7f" + struct.pack(">Q", 70000)),
                   ("ping", frame(9, b"")[:6]), ("close-unmasked", frame(8, b"", masked=False)[:2])]:
    write("frame_header", name, data)

# utf8: one control byte (how to split), then text.
for name, text in [("ascii", "hello, world"), ("greek", "κόσμε"), ("emoji", "😀🎉 ok"),
                   ("cjk", "中文字"), ("mixed", "a é κ 中 😀 z")]:
    write("utf8", name, b"\x05" + text.encode())
write("utf8", "invalid-surrogate", b"\x03" + b"ab\xed\xa0\x80cd")
write("utf8", "truncated", b"\x01" + "κό".encode()[:-1])

# protocol: a setup byte (bit 0 client role, bit 2 deflate...), then the stream
# in pieces: each piece's size comes from the byte before it, so these seeds
# put one size byte (255: 256 bytes) before every 256 bytes of stream.
def protocol_seed(setup, stream):
    out = bytes([setup])
    for at in range(0, len(stream), 256):
        out += b"\xff" + stream[at:at + 256]
    return out

server_stream = (frame(1, b"hello") + frame(9, b"ping!") + frame(1, b"frag", fin=False) +
                 frame(0, "мент".encode(), fin=False) + frame(0, b"ed") + frame(2, bytes(range(200))) +
                 frame(10, b"pong") + frame(8, struct.pack(">H", 1000) + b"bye"))
write("protocol", "server-mixed", protocol_seed(0x00, server_stream))
client_stream = frame(1, b"hello", masked=False) + frame(8, struct.pack(">H", 1001), masked=False)
write("protocol", "client-mixed", protocol_seed(0x01, client_stream))
compressed = frame(1, deflate(b'{"a":1,"b":[1,2,3]}' * 20), rsv1=True) + frame(1, b"plain")
write("protocol", "server-deflate", protocol_seed(0x04, compressed))
write("protocol", "server-bad-utf8", protocol_seed(0x00, frame(1, b"\xce\xba\xff")))

# server_request: 32 split bytes, then the request.
SPLITS = bytes([7, 1, 40, 3, 100, 2, 9, 255] * 4)
request = ("GET /chat?x=1 HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Origin: https://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n"
           "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
write("server_request", "upgrade", SPLITS + request.encode())
write("server_request", "version-8", SPLITS + request.replace("Version: 13", "Version: 8").encode())
write("server_request", "post", SPLITS + request.replace("GET", "POST", 1).encode())

# client_response: 32 split bytes, then the response; {ACCEPT} becomes the right key.
response = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: {ACCEPT}\r\n")
write("client_response", "plain", SPLITS + (response + "\r\n").encode())
write("client_response", "subprotocol-deflate", SPLITS + (
    response + "Sec-WebSocket-Protocol: chat\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10; server_no_context_takeover\r\n\r\n"
).encode())
write("client_response", "refused", SPLITS + b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

# inflate: a setup byte, 16 split bytes, then compressed data.
for name, data in [("json", b'{"symbol":"ASW","price":101.5}' * 30), ("hello", b"Hello"), ("empty", b"")]:
    write("inflate", name, b"\x00" + bytes([3, 200, 1, 17] * 4) + deflate(data))
