"""The conformance peer's own WebSocket wire code, written from RFC 6455 and
RFC 7692 and sharing nothing with asiows, so a bug in asiows' codec cannot
hide itself: frames (any bits, any opcode, masked or not, written in chunks),
the opening handshake in both roles, and permessage-deflate."""
import base64
import hashlib
import os
import select
import socket
import struct
import time
import zlib

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 1, 2, 0, 8, 9, 10


def accept_key(key):
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def mask(payload, key):
    """XORs payload with the 4-byte key, fast for large payloads."""
    if not payload:
        return b""
    repeated = (key * (len(payload) // 4 + 1))[:len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(payload), "big")


def encode_frame(opcode, payload, fin=True, rsv=0, masked=True, length_override=None):
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    length = len(payload) if length_override is None else length_override
    bit = 0x80 if masked else 0
    if length < 126:
        header = bytes([first, bit | length])
    elif length <= 0xFFFF:
        header = bytes([first, bit | 126]) + struct.pack(">H", length)
    else:
        header = bytes([first, bit | 127]) + struct.pack(">Q", length)
    if not masked:
        return header + payload
    key = os.urandom(4)
    return header + key + mask(payload, key)


class Frame:
    def __init__(self, fin, rsv, opcode, payload, masked):
        self.fin, self.rsv, self.opcode, self.payload, self.masked = fin, rsv, opcode, payload, masked

    def close_code(self):
        return struct.unpack(">H", self.payload[:2])[0] if len(self.payload) >= 2 else None


class Deflate:
    """permessage-deflate for one connection (RFC 7692 7.2). What comes in is inflated
    with exactly the window agreed, so a peer that compresses with a larger one fails.
    zlib cannot compress with an 8-bit window: with one, our messages go uncompressed."""

    def __init__(self, send_bits=15, receive_bits=15, send_reset=False, receive_reset=False):
        self.send_bits, self.receive_bits = send_bits, receive_bits
        self.send_reset, self.receive_reset = send_reset, receive_reset
        self.can_compress = send_bits >= 9
        self.compressor = zlib.compressobj(6, zlib.DEFLATED, -send_bits) if self.can_compress else None
        self.decompressor = zlib.decompressobj(-receive_bits)

    def compress(self, data):
        out = self.compressor.compress(data) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
        assert out.endswith(b"\x00\x00\xff\xff")
        if self.send_reset:
            self.compressor = zlib.compressobj(6, zlib.DEFLATED, -self.send_bits)
        return out[:-4]

    def decompress(self, data):
        out = self.decompressor.decompress(data + b"\x00\x00\xff\xff")
        if self.receive_reset:
            self.decompressor = zlib.decompressobj(-self.receive_bits)
        return out


def parse_extension_answer(header):
    """'permessage-deflate; a; b=1' -> {'a': None, 'b': '1'}, or None if not permessage-deflate."""
    if not header:
        return None
    parts = [p.strip() for p in header.split(";")]
    if parts[0].lower() != "permessage-deflate":
        return None
    params = {}
    for part in parts[1:]:
        name, _, value = part.partition("=")
        params[name.strip()] = value.strip().strip('"') if value else None
    return params


class Connection:
    """One WebSocket connection as the fuzzing peer sees it: raw frames out, frames in."""

    def __init__(self, sock, role, leftover=b""):
        self.sock, self.role, self.buffer = sock, role, leftover
        self.deflate = None
        self.eof = False
        self.compressed_received = 0  # compressed messages read so far
        self.other_side_choice = None  # the alternative of a case's deflate parameters agreed (0: the first)

    # ---- sending ----
    def send_raw(self, data, chunk=None, delay=0.0):
        """Sends data (in chunks, with pauses, if asked). The other side may fail the
        connection midway (that is often what a case tests): the case then reads what it did."""
        try:
            if chunk is None:
                self.sock.sendall(data)
                return
            for at in range(0, len(data), chunk):
                self.sock.sendall(data[at:at + chunk])
                if delay:
                    time.sleep(delay)
        except OSError:
            pass

    def send_frame(self, opcode, payload=b"", fin=True, rsv=0, chunk=None, delay=0.0, **kwargs):
        self.send_raw(encode_frame(opcode, payload, fin, rsv, self.role == "client", **kwargs), chunk, delay)

    def send_message(self, opcode, payload, compress=False):
        if compress and self.deflate.can_compress:
            self.send_frame(opcode, self.deflate.compress(payload), rsv=4)
        else:
            self.send_frame(opcode, payload)

    def send_close(self, code=1000, reason=b""):
        self.send_frame(CLOSE, b"" if code is None else struct.pack(">H", code) + reason)

    # ---- receiving ----
    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([self.sock], [], [], remaining)
        if not ready:
            return False
        try:
            data = self.sock.recv(1 << 20)
        except OSError:
            data = b""
        if not data:
            self.eof = True
            return False
        self.buffer += data
        return True

    def _need(self, size, deadline):
        while len(self.buffer) < size:
            if self.eof or not self._fill(deadline):
                return False
        return True

    def read_frame(self, timeout=2.0):
        """The next frame, or None on timeout / EOF (self.eof tells which)."""
        deadline = time.monotonic() + timeout
        if not self._need(2, deadline):
            return None
        first, second = self.buffer[0], self.buffer[1]
        length, at = second & 0x7F, 2
        if length == 126:
            if not self._need(4, deadline):
                return None
            length, at = struct.unpack(">H", self.buffer[2:4])[0], 4
        elif length == 127:
            if not self._need(10, deadline):
                return None
            length, at = struct.unpack(">Q", self.buffer[2:10])[0], 10
        masked = bool(second & 0x80)
        key = b""
        if masked:
            if not self._need(at + 4, deadline):
                return None
            key, at = self.buffer[at:at + 4], at + 4
        if not self._need(at + length, deadline):
            return None
        payload = self.buffer[at:at + length]
        self.buffer = self.buffer[at + length:]
        if masked:
            payload = mask(payload, key)
        return Frame(bool(first & 0x80), (first >> 4) & 7, first & 0x0F, payload, masked)

    def wait_eof(self, timeout=2.0):
        """True if the other side closes TCP (no more bytes) within timeout."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            if not self._fill(deadline):
                break
        return self.eof

    def close_tcp(self):
        try:
            self.sock.close()
        except OSError:
            pass


def read_http_head(sock, timeout=5.0):
    """Reads up to the blank line; returns (head text, bytes after it)."""
    data = b""
    deadline = time.monotonic() + timeout
    while b"\r\n\r\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([sock], [], [], remaining)[0]:
            raise TimeoutError("no HTTP head")
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed during the HTTP head")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), rest


def header_fields(head):
    fields = {}
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        fields.setdefault(name.strip().lower(), []).append(value.strip())
    return fields


def client_connect(port, extensions=None, path="/"):
    """Opens a connection to a server as a client: (Connection, the server's extensions answer)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
    if extensions:
        request += f"Sec-WebSocket-Extensions: {extensions}\r\n"
    sock.sendall((request + "\r\n").encode())
    head, rest = read_http_head(sock)
    fields = header_fields(head)
    if not head.startswith("HTTP/1.1 101") or fields.get("sec-websocket-accept") != [accept_key(key)]:
        raise ConnectionError("bad handshake response: " + head.split("\r\n")[0])
    return Connection(sock, "client", rest), (fields.get("sec-websocket-extensions") or [None])[0]


def server_accept(sock, choose_extensions=None):
    """Answers a client's upgrade on an accepted socket: (Connection, request path, the client's offer)."""
    head, rest = read_http_head(sock)
    fields = header_fields(head)
    path = head.split(" ")[1]
    offer = ", ".join(fields.get("sec-websocket-extensions", [])) or None
    answer = choose_extensions(offer) if choose_extensions else None
    response = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept_key(fields['sec-websocket-key'][0])}\r\n")
    if answer:
        response += f"Sec-WebSocket-Extensions: {answer}\r\n"
    sock.sendall((response + "\r\n").encode())
    return Connection(sock, "server", rest), path, offer, answer
