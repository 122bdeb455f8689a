"""The conformance cases, in the families and numbering of the Autobahn
TestSuite (1.x framing ... 13.x compression parameters), each a function of a
wire.Connection that returns a verdict. The same cases test a server (the
peer is the client) and a client (the peer is the server): only masking and
who closes TCP differ. The other side must echo every message it gets.

Verdicts, as Autobahn's: OK; NON-STRICT (acceptable, not the strictest
behaviour, e.g. closing without the exact code); INFORMATIONAL (the RFC leaves
the behaviour open; recorded); UNIMPLEMENTED (an optional feature declined);
FAILED."""
import struct
import time
import zlib

import wire
from wire import BINARY, CLOSE, CONTINUATION, PING, PONG, TEXT, Deflate, parse_extension_answer

OK, NON_STRICT, INFORMATIONAL, UNIMPLEMENTED, FAILED = "OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"


class Verdict(Exception):
    def __init__(self, verdict, note):
        super().__init__(note)
        self.verdict, self.note = verdict, note


def next_event(c, timeout=2.0):
    """The next thing the other side did: ('message', opcode, payload), ('ping'|'pong', payload),
    ('close', code, reason), ('eof',) or ('timeout',). Protocol violations by it raise FAILED."""
    opcode, parts, compressed = None, [], False
    while True:
        frame = c.read_frame(timeout)
        if frame is None:
            return ("eof",) if c.eof else ("timeout",)
        if frame.masked != (c.role == "server"):
            raise Verdict(FAILED, "frame masking wrong for its direction")
        if frame.rsv & 3 or (frame.rsv & 4 and (c.deflate is None or frame.opcode in (CONTINUATION, CLOSE, PING, PONG))):
            raise Verdict(FAILED, f"reserved bits {frame.rsv} set")
        if frame.opcode in (CLOSE, PING, PONG):
            if not frame.fin or len(frame.payload) > 125:
                raise Verdict(FAILED, "bad control frame")
            if frame.opcode == CLOSE:
                return ("close", frame.close_code(), frame.payload[2:])
            return ("ping" if frame.opcode == PING else "pong", frame.payload)
        if frame.opcode == CONTINUATION:
            if opcode is None:
                raise Verdict(FAILED, "continuation without a message")
        elif frame.opcode in (TEXT, BINARY):
            if opcode is not None:
                raise Verdict(FAILED, "new message inside a fragmented one")
            opcode, compressed = frame.opcode, bool(frame.rsv & 4)
            c.compressed_received += compressed
        else:
            raise Verdict(FAILED, f"reserved opcode {frame.opcode}")
        parts.append(frame.payload)
        if frame.fin:
            payload = b"".join(parts)
            if compressed:
                payload = c.deflate.decompress(payload)
            if opcode == TEXT:
                try:
                    payload.decode("utf-8")
                except UnicodeDecodeError:
                    raise Verdict(FAILED, "sent invalid UTF-8 text")
            return ("message", opcode, payload)


def expect_messages(c, expected, timeout=5.0, pongs=()):
    """Reads the echoes of `expected` [(opcode, payload)] and the pongs, in order; FAILED otherwise."""
    want_messages, want_pongs = list(expected), list(pongs)
    while want_messages or want_pongs:
        event = next_event(c, timeout)
        if event[0] == "message":
            if not want_messages or (event[1], event[2]) != want_messages[0]:
                raise Verdict(FAILED, f"unexpected message ({len(event[2])} bytes)")
            want_messages.pop(0)
        elif event[0] == "pong":
            if not want_pongs or event[1] != want_pongs[0]:
                raise Verdict(FAILED, "unexpected pong")
            want_pongs.pop(0)
        elif event[0] == "ping":
            c.send_frame(PONG, event[1])
        else:
            raise Verdict(FAILED, f"{event[0]} while {len(want_messages)} echoes and {len(want_pongs)} pongs were due")


def close_normally(c, code=1000, reason=b"", expect_code=None):
    """We close; the other side must answer with a Close (code echoed) and TCP must end."""
    c.send_close(code, reason)
    event = next_event(c)
    while event[0] in ("ping", "pong"):
        event = next_event(c)
    if event[0] != "close":
        raise Verdict(FAILED, f"no Close answered ours ({event[0]})")
    want = code if expect_code is None else expect_code
    if event[1] != want and not (want is None and event[1] in (None, 1000)):
        raise Verdict(NON_STRICT, f"Close answered with {event[1]}, not {want}")
    if c.role == "server":
        c.close_tcp()  # a server closes TCP after the close handshake
        return OK
    return OK if c.wait_eof() else (NON_STRICT, "TCP not closed after the close handshake")


def expect_failure(c, codes=(1002,), echoes=(), pongs=()):
    """The other side must fail the connection: a Close with one of `codes`, then TCP closed.
    Before its Close it must answer what came before the bad frame, in order: `echoes`
    [(opcode, payload)] and `pongs`; a Close without them is NON-STRICT (as in Autobahn),
    and an answer to anything sent after the bad frame is FAILED."""
    want_echoes, want_pongs = list(echoes), list(pongs)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        event = next_event(c, 3.0)
        if event[0] == "message":
            if not want_echoes or (event[1], event[2]) != want_echoes[0]:
                raise Verdict(FAILED, f"a message ({len(event[2])} bytes) that answers nothing before the bad frame")
            want_echoes.pop(0)
            continue
        if event[0] == "pong":
            if not want_pongs or event[1] != want_pongs[0]:
                raise Verdict(FAILED, f"a pong ({event[1][:20]!r}) for no ping before the bad frame")
            want_pongs.pop(0)
            continue
        if event[0] == "ping":
            continue
        if event[0] == "close":
            if event[1] not in codes:
                raise Verdict(FAILED, f"closed with {event[1]}, not {' or '.join(map(str, codes))}")
            if c.role == "server":
                c.close_tcp()
            elif not c.wait_eof():
                return NON_STRICT, "Close sent, TCP left open"
            if want_echoes or want_pongs:
                return NON_STRICT, (f"closed before answering what came before the bad frame "
                                    f"({len(want_echoes)} echoes, {len(want_pongs)} pongs missing)")
            return OK
        if event[0] == "eof":
            return NON_STRICT, "TCP dropped without a Close"
        if event[0] == "timeout":
            raise Verdict(FAILED, "did not fail the connection")
        raise Verdict(FAILED, f"answered with a {event[0]} instead of failing")
    raise Verdict(FAILED, "did not fail the connection")


def echo(c, messages, chunk=None, delay=0.0, compress=False):
    for opcode, payload in messages:
        if compress:
            c.send_message(opcode, payload, compress=True)
        else:
            c.send_frame(opcode, payload, chunk=chunk, delay=delay)
    expect_messages(c, messages, timeout=30.0)
    return close_normally(c)


# ---- the case table -----------------------------------------------------------

CASES = []  # (id, description, function(c), deflate parameters or None)


def case(case_id, description, deflate=None):
    def register(function):
        CASES.append((case_id, description, function, deflate))
        return function
    return register


def add(case_id, description, function, deflate=None):
    CASES.append((case_id, description, function, deflate))


# 1.x framing: text and binary at every length encoding boundary, and written in chunks.
for kind, opcode, family in (("text", TEXT, "1.1"), ("binary", BINARY, "1.2")):
    fill = b"*" if opcode == TEXT else b"\xfe"
    for n, size in enumerate([0, 125, 126, 127, 128, 65535, 65536], 1):
        add(f"{family}.{n}", f"{kind} message of {size} bytes",
            lambda c, s=size, o=opcode, f=fill: echo(c, [(o, f * s)]))
    add(f"{family}.8", f"{kind} message of 65536 bytes written in chunks of 997",
        lambda c, o=opcode, f=fill: echo(c, [(o, f * 65536)], chunk=997))

# 2.x ping and pong.
add("2.1", "ping without payload", lambda c: ping_case(c, b""))
add("2.2", "ping with a text payload", lambda c: ping_case(c, b"Hello, world!"))
add("2.3", "ping with a binary payload", lambda c: ping_case(c, b"\x00\xff\xfe\xfd\xfc\xfb\x00\xff"))
add("2.4", "ping with 125 bytes", lambda c: ping_case(c, b"\xfe" * 125))
add("2.5", "ping with 126 bytes: protocol error",
    lambda c: (c.send_frame(PING, b"\xfe" * 126), expect_failure(c))[1])
add("2.6", "ping with 125 bytes written a byte at a time", lambda c: ping_case(c, b"\xfe" * 125, chunk=1))
add("2.7", "an unsolicited pong without payload is ignored",
    lambda c: (c.send_frame(PONG), close_normally(c))[1])
add("2.8", "an unsolicited pong with payload is ignored",
    lambda c: (c.send_frame(PONG, b"unsolicited"), close_normally(c))[1])


def ping_case(c, payload, chunk=None):
    c.send_frame(PING, payload, chunk=chunk)
    expect_messages(c, [], pongs=[payload])
    return close_normally(c)


@case("2.9", "unsolicited pong, then ping: one pong, for the ping")
def _(c):
    c.send_frame(PONG, b"unsolicited")
    return ping_case(c, b"solicited")


@case("2.10", "10 pings in a row: every one answered (the RFC allows answering only the last)")
def _(c):
    payloads = [f"payload-{i}".encode() for i in range(10)]
    for payload in payloads:
        c.send_frame(PING, payload)
    got = []
    while True:
        event = next_event(c, 2.0)
        if event[0] != "pong":
            break
        got.append(event[1])
    if event[0] != "timeout":
        raise Verdict(FAILED, f"{event[0]} after the pongs")
    if got == payloads:
        return close_normally(c)
    if got and got[-1] == payloads[-1] and all(p in payloads for p in got):
        close_normally(c)
        return NON_STRICT, f"{len(got)} of 10 pongs (the last answered)"
    raise Verdict(FAILED, f"pongs {len(got)} of 10, the last not answered")


# 3.x reserved bits (no extension agreed: every RSV bit is an error).
add("3.1", "text with RSV1... (RSV = 1)", lambda c: (c.send_frame(TEXT, b"Hello", rsv=1), expect_failure(c))[1])
add("3.2", "text, then text with RSV = 2, then ping, in one write: the echo, then 1002, no pong",
    lambda c: rsv_after_echo(c, 2, "one"))
add("3.3", "the same with RSV = 3, frame by frame", lambda c: rsv_after_echo(c, 3, "frame"))
add("3.4", "the same with RSV = 4, a byte at a time", lambda c: rsv_after_echo(c, 4, "octet"))
add("3.5", "binary with RSV = 5", lambda c: (c.send_frame(BINARY, b"\x00\xff", rsv=5), expect_failure(c))[1])
add("3.6", "ping with RSV = 6", lambda c: (c.send_frame(PING, b"Hello", rsv=6), expect_failure(c))[1])
add("3.7", "close with RSV = 7", lambda c: (c.send_frame(CLOSE, struct.pack(">H", 1000), rsv=7), expect_failure(c))[1])


def send_frames(c, frames, chops="one", delay=0.0):
    """Sends frames [(opcode, payload, fin, rsv)] in one write ("one"), a write per
    frame ("frame") or a byte per write ("octet"), as Autobahn's chopping does."""
    encoded = [wire.encode_frame(op, payload, fin, rsv, c.role == "client") for op, payload, fin, rsv in frames]
    if chops == "one":
        c.send_raw(b"".join(encoded))
    else:
        for frame in encoded:
            c.send_raw(frame, chunk=1 if chops == "octet" else None, delay=delay)


def rsv_after_echo(c, rsv, chops):
    send_frames(c, [(TEXT, b"Hello", True, 0), (TEXT, b"Hello", True, rsv), (PING, b"", True, 0)], chops)
    return expect_failure(c, echoes=[(TEXT, b"Hello")])


@case("3.2.p", "ping, text, then text with RSV = 2, in one write: the pong and the echo, then 1002")
def _(c):
    send_frames(c, [(PING, b"before", True, 0), (TEXT, b"Hello", True, 0), (TEXT, b"bad", True, 2)])
    return expect_failure(c, echoes=[(TEXT, b"Hello")], pongs=[b"before"])


# 4.x opcodes.
for n, op in enumerate([3, 4, 5, 6, 7], 1):
    add(f"4.1.{n}", f"reserved data opcode {op}" + (" with payload" if n % 2 == 0 else ""),
        lambda c, o=op, p=(b"reserved" if n % 2 == 0 else b""): reserved_opcode(c, o, p))
for n, op in enumerate([11, 12, 13, 14, 15], 1):
    add(f"4.2.{n}", f"reserved control opcode {op}" + (" with payload" if n % 2 == 0 else ""),
        lambda c, o=op, p=(b"reserved" if n % 2 == 0 else b""): reserved_opcode(c, o, p))


def reserved_opcode(c, opcode, payload):
    send_frames(c, [(TEXT, b"Hello", True, 0), (opcode, payload, True, 0), (PING, b"", True, 0)])
    return expect_failure(c, echoes=[(TEXT, b"Hello")])


# 5.x fragmentation.
add("5.1", "ping in 2 fragments", lambda c: (c.send_frame(PING, b"frag", fin=False), c.send_frame(CONTINUATION, b"ment"),
                                          expect_failure(c))[2])
add("5.2", "pong in 2 fragments", lambda c: (c.send_frame(PONG, b"frag", fin=False), c.send_frame(CONTINUATION, b"ment"),
                                          expect_failure(c))[2])


def fragments(c, parts, opcode=TEXT, chunk=None, delay=0.0, ping_between=False):
    for i, part in enumerate(parts):
        c.send_frame(opcode if i == 0 else CONTINUATION, part, fin=i == len(parts) - 1, chunk=chunk, delay=delay)
        if ping_between and i < len(parts) - 1:
            c.send_frame(PING, b"between", chunk=chunk, delay=delay)
    expect_messages(c, [(opcode, b"".join(parts))], pongs=[b"between"] * (len(parts) - 1) if ping_between else ())
    return close_normally(c)


add("5.3", "text in 2 fragments", lambda c: fragments(c, [b"frag", b"ment"]))
add("5.4", "text in 2 fragments, written a byte at a time", lambda c: fragments(c, [b"frag", b"ment"], chunk=1))
add("5.5", "text in 2 fragments, a byte at a time with pauses",
    lambda c: fragments(c, [b"frag", b"ment"], chunk=1, delay=0.01))
add("5.6", "text in 2 fragments with a ping between", lambda c: fragments(c, [b"frag", b"ment"], ping_between=True))
add("5.7", "the same, a byte at a time", lambda c: fragments(c, [b"frag", b"ment"], chunk=1, ping_between=True))
add("5.8", "the same, with pauses",
    lambda c: fragments(c, [b"frag", b"ment"], chunk=1, delay=0.005, ping_between=True))
for n, (fin, chops, delay) in enumerate([(True, "one", 0.0), (True, "octet", 0.0), (True, "octet", 0.002),
                                        (False, "one", 0.0), (False, "octet", 0.0), (False, "octet", 0.002)], 9):
    add(f"5.{n}", f"a continuation (fin {fin}) with nothing to continue, then text"
        + {"one": "", "octet": ", a byte at a time"}[chops] + (", with pauses" if delay else ""),
        lambda c, f=fin, k=chops, d=delay: (send_frames(c, [(CONTINUATION, b"non-continuation payload", f, 0),
                                                            (TEXT, b"Hello, world!", True, 0)], k, d),
                                            expect_failure(c))[1])


@case("5.15", "text in 2 fragments, then a continuation with nothing to continue, then text, in one write: "
              "the first message echoed, then 1002")
def _(c):
    send_frames(c, [(TEXT, b"fragment1", False, 0), (CONTINUATION, b"fragment2", True, 0),
                    (CONTINUATION, b"fragment3", False, 0), (TEXT, b"fragment4", True, 0)])
    return expect_failure(c, echoes=[(TEXT, b"fragment1fragment2")])


for n, fin in ((16, False), (17, True)):
    add(f"5.{n}", f"twice: a continuation (fin {fin}) with nothing to continue, then text in 2 fragments",
        lambda c, f=fin: (send_frames(c, [(CONTINUATION, b"fragment1", f, 0), (TEXT, b"fragment2", False, 0),
                                          (CONTINUATION, b"fragment3", True, 0)] * 2), expect_failure(c))[1])
add("5.18", "text in 2 fragments, both with the text opcode",
    lambda c: (send_frames(c, [(TEXT, b"fragment1", False, 0), (TEXT, b"fragment2", True, 0)]), expect_failure(c))[1])


def five_fragments_with_pings(c, pause):
    frames = [(TEXT, b"fragment1", False), (CONTINUATION, b"fragment2", False), (PING, b"pongme 1!", True),
              (CONTINUATION, b"fragment3", False), (CONTINUATION, b"fragment4", False), (PING, b"pongme 2!", True),
              (CONTINUATION, b"fragment5", True)]
    for i, (op, payload, fin) in enumerate(frames):
        c.send_frame(op, payload, fin=fin)
        if i == 2:
            time.sleep(pause)
    expect_messages(c, [(TEXT, b"fragment1fragment2fragment3fragment4fragment5")], pongs=[b"pongme 1!", b"pongme 2!"])
    return close_normally(c)


add("5.19", "text in 5 fragments, pings between, a pause in the middle",
    lambda c: five_fragments_with_pings(c, 0.1))
add("5.20", "the same, a longer pause", lambda c: five_fragments_with_pings(c, 0.5))
add("5.21", "text in 2 fragments, then the same with a continuation too many",
    lambda c: (c.send_frame(TEXT, b"a", fin=False), c.send_frame(CONTINUATION, b"b"),
               c.send_frame(CONTINUATION, b"c"), expect_failure(c, echoes=[(TEXT, b"ab")]))[3])
add("5.22", "binary in 3 fragments, the first empty", lambda c: fragments(c, [b"", b"\x01\x02", b"\x03"], BINARY))
add("5.23", "many fragments: 100 of 100 bytes", lambda c: fragments(c, [b"x" * 100] * 100))
add("5.24", "text not fin, then binary",
    lambda c: (send_frames(c, [(TEXT, b"frag", False, 0), (BINARY, b"new", True, 0)]), expect_failure(c))[1])

# 6.x UTF-8.
VALID_UTF8 = [
    ("6.2.1", "Hello-µ@ßöäüàá-UTF-8!!", "Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!".encode()),
    ("6.5.1", "κόσμε", "\u03ba\u1f79\u03c3\u03bc\u03b5".encode()),
    ("6.7.1", "U+0000", b"\x00"), ("6.7.2", "U+0080", b"\xc2\x80"), ("6.7.3", "U+0800", b"\xe0\xa0\x80"),
    ("6.7.4", "U+10000", b"\xf0\x90\x80\x80"), ("6.9.1", "U+007F", b"\x7f"), ("6.9.2", "U+07FF", b"\xdf\xbf"),
    ("6.9.3", "U+FFFF", b"\xef\xbf\xbf"), ("6.9.4", "U+10FFFF", b"\xf4\x8f\xbf\xbf"),
    ("6.11.1", "U+D7FF", b"\xed\x9f\xbf"), ("6.11.2", "U+E000", b"\xee\x80\x80"),
    ("6.11.3", "U+FFFD", b"\xef\xbf\xbd"), ("6.23.1", "noncharacter U+FFFE", b"\xef\xbf\xbe"),
    ("6.23.2", "noncharacter U+1FFFF", b"\xf0\x9f\xbf\xbf"),
]
INVALID_UTF8 = [
    ("6.3.1", "κόσμε with an invalid byte", "\u03ba\u1f79\u03c3\u03bc\u03b5".encode() + b"\xed\xa0\x80edited"),
    ("6.8.1", "5-byte sequence", b"\xf8\x88\x80\x80\x80"), ("6.8.2", "6-byte sequence", b"\xfc\x84\x80\x80\x80\x80"),
    ("6.10.1", "U+110000 (past the range)", b"\xf4\x90\x80\x80"), ("6.12.1", "lone continuation 0x80", b"\x80"),
    ("6.12.2", "lone continuation 0xbf", b"\xbf"), ("6.12.3", "2 continuations", b"\x80\xbf"),
    ("6.13.1", "2-byte lead then a space", b"\xc0 "), ("6.14.1", "truncated 3-byte sequence", b"\xe0\x80"),
    ("6.14.2", "truncated 4-byte sequence", b"\xf0\x80\x80"), ("6.15.1", "concatenated truncated sequences",
                                                                  b"\xc0\xe0\x80\xf0\x80\x80\xdf"),
    ("6.16.1", "0xfe", b"\xfe"), ("6.16.2", "0xff", b"\xff"), ("6.16.3", "0xfe 0xfe 0xff 0xff", b"\xfe\xfe\xff\xff"),
    ("6.17.1", "overlong '/' in 2 bytes", b"\xc0\xaf"), ("6.17.2", "overlong '/' in 3 bytes", b"\xe0\x80\xaf"),
    ("6.17.3", "overlong '/' in 4 bytes", b"\xf0\x80\x80\xaf"), ("6.18.1", "overlong U+007F", b"\xc1\xbf"),
    ("6.18.2", "overlong U+07FF", b"\xe0\x9f\xbf"), ("6.18.3", "overlong U+FFFF", b"\xf0\x8f\xbf\xbf"),
    ("6.19.1", "overlong NUL", b"\xc0\x80"), ("6.20.1", "surrogate U+D800", b"\xed\xa0\x80"),
    ("6.20.2", "surrogate U+DFFF", b"\xed\xbf\xbf"), ("6.21.1", "surrogate pair", b"\xed\xa0\x80\xed\xb0\x80"),
]

add("6.1.1", "empty text", lambda c: echo(c, [(TEXT, b"")]))
add("6.1.2", "empty text in 3 empty fragments", lambda c: fragments(c, [b"", b"", b""]))
add("6.1.3", "text in 3 fragments, the middle one empty", lambda c: fragments(c, [b"mid", b"", b"dle"]))
for case_id, name, text in VALID_UTF8:
    add(case_id, f"valid UTF-8: {name}", lambda c, t=text: echo(c, [(TEXT, t)]))
    add(case_id + ".f", f"valid UTF-8 a byte per fragment: {name}",
        lambda c, t=text: fragments(c, [t[i:i + 1] for i in range(len(t))] or [b""]))
for case_id, name, text in INVALID_UTF8:
    add(case_id, f"invalid UTF-8: {name}", lambda c, t=b"ok " + text: (c.send_frame(TEXT, t), expect_failure(c, (1007,)))[1])
    add(case_id + ".f", f"invalid UTF-8 a byte per fragment: {name}",
        lambda c, t=b"ok " + text: invalid_in_fragments(c, t))


def invalid_in_fragments(c, text):
    parts = [text[i:i + 1] for i in range(len(text))]
    for i, part in enumerate(parts):
        c.send_frame(TEXT if i == 0 else CONTINUATION, part, fin=i == len(parts) - 1)
    return expect_failure(c, (1007,))


@case("6.4.1", "fail fast: invalid bytes in the second of three fragments, the third held back")
def _(c):
    c.send_frame(TEXT, "\u03ba\u1f79\u03c3\u03bc\u03b5".encode(), fin=False)
    c.send_frame(CONTINUATION, b"\xf4\x90\x80\x80", fin=False)  # past U+10FFFF
    event = next_event(c, 1.0)
    if event[0] == "timeout":
        c.send_frame(CONTINUATION, b"edited")
        expect_failure(c, (1007,))
        return NON_STRICT, "failed only at the end of the message, not fail-fast"
    if event[0] == "close" and event[1] == 1007:
        return OK if (c.role == "server" or c.wait_eof()) else (NON_STRICT, "TCP left open")
    raise Verdict(FAILED, f"{event[0]} instead of 1007")


@case("6.4.2", "fail fast: an invalid byte in a frame written a byte at a time, the rest held back")
def _(c):
    good = "\u03ba\u1f79\u03c3\u03bc\u03b5".encode()
    frame_bytes = __import__("wire").encode_frame(TEXT, good + b"\xf4\x90\x80\x80" + b"edited", True, 0,
                                                  c.role == "client")
    cut = len(frame_bytes) - len(b"edited")
    c.send_raw(frame_bytes[:cut], chunk=1)
    event = next_event(c, 1.0)
    if event[0] == "close" and event[1] == 1007:
        return OK if (c.role == "server" or c.wait_eof()) else (NON_STRICT, "TCP left open")
    if event[0] == "timeout":
        c.send_raw(frame_bytes[cut:])
        expect_failure(c, (1007,))
        return NON_STRICT, "failed only once the frame was whole"
    raise Verdict(FAILED, f"{event[0]} instead of 1007")


# 7.x closing.
add("7.1.1", "echo, then a normal close", lambda c: echo(c, [(TEXT, b"Hello World!")]))
add("7.1.2", "close twice: the second is ignored",
    lambda c: (c.send_close(1000), c.send_close(1000), expect_close_then_eof(c))[2])
add("7.1.3", "close, then ping: no pong", lambda c: (c.send_close(1000), c.send_frame(PING, b"late"),
                                                    expect_close_then_eof(c))[2])
add("7.1.4", "close, then text: not echoed", lambda c: (c.send_close(1000), c.send_frame(TEXT, b"late"),
                                                       expect_close_then_eof(c))[2])
add("7.1.5", "a first fragment, close, then the rest: not echoed",
    lambda c: (c.send_frame(TEXT, b"frag", fin=False), c.send_close(1000), c.send_frame(CONTINUATION, b"ment"),
               expect_close_then_eof(c))[3])
add("7.1.6", "256 KiB text, ping, close: the echo and the pong, then the Close (else INFORMATIONAL, as Autobahn)",
    lambda c: (c.send_frame(TEXT, b"BAsd7&jh23" * 26214), c.send_frame(PING, b"ping"), c.send_close(1000),
               expect_close_then_eof(c, answers=[("message", TEXT, b"BAsd7&jh23" * 26214), ("pong", b"ping")]))[3])
add("7.1.7", "text, then close, in one write: the echo, then the Close (else INFORMATIONAL)",
    lambda c: (send_frames(c, [(TEXT, b"Hello", True, 0), (CLOSE, struct.pack(">H", 1000), True, 0)]),
               expect_close_then_eof(c, answers=[("message", TEXT, b"Hello")]))[1])
add("7.3.1", "close without payload", lambda c: close_normally(c, None))
add("7.3.2", "close with a 1-byte payload: protocol error",
    lambda c: (c.send_frame(CLOSE, b"\x03"), expect_failure(c))[1])
add("7.3.3", "close with code 1000", lambda c: close_normally(c, 1000))
add("7.3.4", "close with code 1000 and a reason", lambda c: close_normally(c, 1000, b"Hello World!"))
add("7.3.5", "close with a 123-byte reason", lambda c: close_normally(c, 1000, b"*" * 123))
add("7.3.6", "close with a 124-byte reason (126 bytes): protocol error",
    lambda c: (c.send_frame(CLOSE, struct.pack(">H", 1000) + b"*" * 124), expect_failure(c))[1])
add("7.5.1", "close reason with invalid UTF-8",
    lambda c: (c.send_frame(CLOSE, struct.pack(">H", 1000) + b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"),
               expect_failure(c, (1007, 1002)))[1])
for n, code in enumerate([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999], 1):
    add(f"7.7.{n}", f"close with valid code {code}: echoed", lambda c, k=code: close_normally(c, k))
for n, code in enumerate([0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999], 1):
    add(f"7.9.{n}", f"close with invalid code {code}: protocol error",
        lambda c, k=code: (c.send_close(k), expect_failure(c))[1])
add("7.13.1", "close with code 5000: protocol error", lambda c: (c.send_close(5000), expect_failure(c))[1])
add("7.13.2", "close with code 65535: protocol error", lambda c: (c.send_close(65535), expect_failure(c))[1])


def expect_close_then_eof(c, answers=()):
    """The answering Close, then TCP closed. `answers` (in any order) may come before the
    Close: replies to what came before ours, which the RFC lets a peer send or skip; all
    of them there is OK, some missing is INFORMATIONAL; anything else is FAILED."""
    missing = list(answers)
    while True:
        event = next_event(c, 5.0)
        if event[0] not in ("message", "pong"):
            break
        if event not in missing:
            raise Verdict(FAILED, f"a {event[0]} that answers nothing sent before the Close")
        missing.remove(event)
    if event[0] != "close":
        raise Verdict(FAILED, f"{event[0]} instead of the answering Close")
    if c.role == "server":
        c.close_tcp()
    elif not c.wait_eof():
        return NON_STRICT, "TCP left open after the close handshake"
    if missing:
        return INFORMATIONAL, f"closed without {', '.join(e[0] for e in missing)} for what came before the Close"
    return OK


# 9.x large messages (bounded: 16 MiB at most).
for n, size in enumerate([64 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20, 16 << 20], 1):
    add(f"9.1.{n}", f"text message of {size >> 10} KiB", lambda c, s=size: echo(c, [(TEXT, b"*" * s)]))
    add(f"9.2.{n}", f"binary message of {size >> 10} KiB", lambda c, s=size: echo(c, [(BINARY, b"\xfe" * s)]))
for n, frame_size in enumerate([64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20], 1):
    add(f"9.3.{n}", f"4 MiB text in frames of {frame_size} bytes",
        lambda c, f=frame_size: fragments(c, [b"*" * f] * ((4 << 20) // f)))
for n, chunk in enumerate([64, 4 << 10, 64 << 10, 1 << 20], 1):
    add(f"9.5.{n}", f"1 MiB text written in chunks of {chunk} bytes",
        lambda c, k=chunk: echo(c, [(TEXT, b"*" * (1 << 20))], chunk=k))
add("9.7.1", "1000 text messages of 16 bytes, one after another",
    lambda c: echo(c, [(TEXT, b"0123456789abcdef")] * 1000))
add("9.8.1", "1000 binary messages of 1 KiB", lambda c: echo(c, [(BINARY, bytes(range(256)) * 4)] * 1000))


# 10.x auto-fragmentation: the other side may echo in any fragmentation.
add("10.1.1", "64 KiB text sent in frames of 1300 bytes",
    lambda c: fragments(c, [b"*" * 1300] * 50 + [b"*" * (65536 - 1300 * 50)]))


# 12.x / 13.x permessage-deflate: with each parameter set, messages of growing
# size, compressed by us, must come back (compressed or not) intact, and the
# other side must keep to what it agreed for its own compressor.
def compressed_echo(c, sizes, count=10, opcode=TEXT, params=None):
    if c.deflate is None:
        return UNIMPLEMENTED, "permessage-deflate not agreed"
    if params is not None:
        broken = agreement_breaks(c, params)
        if broken:
            return broken
    import random
    source = random.Random(7)
    words = [b"ping", b"pong", b"symbol", b"ASW", b"price", b"qty", b'{"a":', b"}", b"\xce\xba", b" "]
    messages = []
    for size in sizes:
        for _ in range(count):
            text = b""
            while len(text) < size:
                text += source.choice(words)
            messages.append((opcode, text[:size] if opcode == BINARY else text[:size].decode("utf-8", "ignore").encode()))
    for message in messages:
        c.send_message(message[0], message[1], compress=True)
    c.compressed_received = 0
    expect_messages(c, messages, timeout=30.0)
    verdict = close_normally(c)
    # Echoes were inflated with exactly the window the other side agreed to (wire.Deflate).
    note = (f"window {c.deflate.receive_bits}: {c.compressed_received} of {len(messages)} echoes compressed"
            + (" (zlib has no 8-bit window: sent uncompressed)" if c.deflate.receive_bits == 8 and
               not c.compressed_received else ""))
    return (verdict, note) if isinstance(verdict, str) else verdict


def agreement_breaks(c, params):
    """What the other side agreed for its own compressor, against what the case asked
    of it (the first alternative that it could accept): a verdict if it strays, else None."""
    asked = params.get("ask_other_side")
    if not asked:
        return None
    reset, bits = asked[0]
    if c.other_side_choice is not None and c.other_side_choice != 0:
        return UNIMPLEMENTED, f"our first offer {asked[0]} was declined; alternative {c.other_side_choice} taken"
    if reset and not c.deflate.receive_reset:
        return FAILED, "agreed without the no_context_takeover it was asked for"
    if bits and c.deflate.receive_bits > bits:
        return FAILED, f"agreed to a {c.deflate.receive_bits}-bit window, {bits} asked"
    return None


# 13.x as Autobahn's: what the peer asks of the other side's compressor,
# (no_context_takeover, max_window_bits; 0: not asked), alternatives in order
# of preference. A server is asked in the client's offer (server_*); a client
# in the server's answer (client_*), which its offer must allow: a client
# that does not offer client_max_window_bits gets no compression there
# (UNIMPLEMENTED), as from Autobahn's fuzzing server.
AUTOBAHN_13 = [
    ("13.1", [(False, 0)]),
    ("13.2", [(True, 0)]),
    ("13.3", [(False, 8)]),
    ("13.4", [(False, 15)]),
    ("13.5", [(True, 8)]),
    ("13.6", [(True, 15)]),
    ("13.7", [(True, 8), (True, 0), (False, 0)]),
]
# Ours: parameters for both sides at once, named as on the wire.
DEFLATE_SETS = [
    ("13.8", "client_no_context_takeover", {"client_no_context_takeover": True}),
    ("13.9", "server_no_context_takeover", {"server_no_context_takeover": True}),
    ("13.10", "both no_context_takeover", {"client_no_context_takeover": True, "server_no_context_takeover": True}),
    ("13.11", "client_max_window_bits=9", {"client_max_window_bits": 9}),
    ("13.12", "server_max_window_bits=9", {"server_max_window_bits": 9}),
    ("13.13", "both windows 15, both no takeover",
     {"client_max_window_bits": 15, "server_max_window_bits": 15, "client_no_context_takeover": True,
      "server_no_context_takeover": True}),
    ("13.14", "client_max_window_bits=8, server_max_window_bits=8",
     {"client_max_window_bits": 8, "server_max_window_bits": 8}),
]
for n, (size_case, sizes) in enumerate([("12.1", [16, 64, 256]), ("12.2", [1024, 4096]), ("12.3", [16384, 65536])], 1):
    add(f"{size_case}.1", f"compressed text, {sizes} bytes", lambda c, s=sizes: compressed_echo(c, s), {})
    add(f"{size_case}.2", f"compressed binary, {sizes} bytes", lambda c, s=sizes: compressed_echo(c, s, opcode=BINARY), {})
for case_id, alternatives in AUTOBAHN_13:
    params = {"ask_other_side": alternatives}
    for n, (sizes, opcode) in enumerate([([16, 256, 4096], TEXT), ([64, 1024, 65536], BINARY)], 1):
        add(f"{case_id}.{n}", f"compressed {'text' if opcode == TEXT else 'binary'} echo, the other side asked "
            + " or ".join(f"(no_context_takeover {r}, max_window_bits {b or 'any'})" for r, b in alternatives),
            lambda c, s=sizes, o=opcode, p=params: compressed_echo(c, s, count=3, opcode=o, params=p), params)
for case_id, name, params in DEFLATE_SETS:
    add(f"{case_id}.1", f"compressed echo with {name}", lambda c: compressed_echo(c, [16, 256, 4096], count=4), params)


@case("12.9.1", "a compressed message with RSV1 on its continuation frame: protocol error", {})
def _(c):
    if c.deflate is None:
        return UNIMPLEMENTED, "permessage-deflate not agreed"
    data = c.deflate.compress(b"Hello, Hello, Hello")
    c.send_frame(TEXT, data[:3], fin=False, rsv=4)
    c.send_frame(CONTINUATION, data[3:], rsv=4)
    return expect_failure(c)


@case("12.9.2", "a compressed ping: protocol error", {})
def _(c):
    if c.deflate is None:
        return UNIMPLEMENTED, "permessage-deflate not agreed"
    c.send_frame(PING, zlib.compress(b"x")[2:-4], rsv=4)
    return expect_failure(c)


# ---- permessage-deflate negotiation, both roles ----

def offer_for(params):
    """Our offer (as the client) for a case's parameters: one element per alternative."""
    if "ask_other_side" in params:
        return ", ".join("permessage-deflate" + ("; server_no_context_takeover" if reset else "")
                         + (f"; server_max_window_bits={bits}" if bits else "") + "; client_max_window_bits"
                         for reset, bits in params["ask_other_side"])
    offer = "permessage-deflate"
    for name in ("client_no_context_takeover", "server_no_context_takeover"):
        if params.get(name):
            offer += "; " + name
    for name in ("server_max_window_bits", "client_max_window_bits"):
        if params.get(name):
            offer += f"; {name}={params[name]}"
    if "client_max_window_bits" not in params:
        offer += "; client_max_window_bits"
    return offer


def deflate_from_answer(answer, role):
    """The Deflate the peer uses in `role`, from the agreed answer's parameters."""
    params = parse_extension_answer(answer)
    if params is None:
        return None
    server_bits = int(params.get("server_max_window_bits") or 15)
    client_bits = int(params.get("client_max_window_bits") or 15)
    server_reset = "server_no_context_takeover" in params
    client_reset = "client_no_context_takeover" in params
    if role == "client":
        return Deflate(client_bits, server_bits, client_reset, server_reset)
    return Deflate(server_bits, client_bits, server_reset, client_reset)


def chosen_alternative(answer, params):
    """Which alternative of a case's offer (as the client) the other side's answer took; None for none."""
    agreed = parse_extension_answer(answer)
    if agreed is None or "ask_other_side" not in params:
        return None
    bits_agreed = int(agreed.get("server_max_window_bits") or 15)
    for index, (reset, bits) in enumerate(params["ask_other_side"]):
        if reset == ("server_no_context_takeover" in agreed) and (not bits or bits_agreed <= bits):
            return index
    return None


def answer_for(offer, params):
    """Our answer (as the server) to a client's offer, for a case's parameters, and which
    alternative of the case it takes (0: the first); (None, None) to decline."""
    offered = parse_extension_answer(offer.split(",")[0]) if offer else None
    if offered is None:
        return None, None
    answer = "permessage-deflate"
    if "server_no_context_takeover" in offered or params.get("server_no_context_takeover"):
        answer += "; server_no_context_takeover"
    server_bits = [int(b) for b in (offered.get("server_max_window_bits"), params.get("server_max_window_bits")) if b]
    if server_bits:
        answer += f"; server_max_window_bits={min(server_bits)}"
    if "ask_other_side" in params:
        for index, (reset, bits) in enumerate(params["ask_other_side"]):
            if bits and "client_max_window_bits" not in offered:
                continue  # we may ask for a client window only when the client offered to take one
            if bits and offered["client_max_window_bits"] and bits > int(offered["client_max_window_bits"]):
                continue
            return (answer + ("; client_no_context_takeover" if reset else "")
                    + (f"; client_max_window_bits={bits}" if bits else "")), index
        return None, None
    if params.get("client_no_context_takeover"):
        answer += "; client_no_context_takeover"
    if params.get("client_max_window_bits"):
        if "client_max_window_bits" not in offered:
            return None, None
        bits = min(int(params["client_max_window_bits"]), int(offered["client_max_window_bits"] or 15))
        answer += f"; client_max_window_bits={bits}"
    return answer, 0


def run_case(c, function):
    """Runs one case; returns (verdict, note)."""
    try:
        result = function(c)
    except Verdict as v:
        return v.verdict, v.note
    except (OSError, zlib.error) as e:
        return FAILED, f"{type(e).__name__}: {e}"
    finally:
        c.close_tcp()
    if isinstance(result, tuple):
        return result
    return result, ""
