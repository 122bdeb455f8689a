#!/usr/bin/python3
"""An interop peer built on Python's `websockets` (Debian: python3-websockets).

  python_peer.py client URL [COMBO]   checks an echo server at URL (text, binary, empty,
                                      1 MiB, fragmented, ping, close code); exit 0 if all pass
  python_peer.py server [COMBO]       an echo server on 127.0.0.1 (a free port, printed first);
                                      "fragments-please" gets a fragmented reply,
                                      "close-please" gets a close with code 4001
COMBO picks permessage-deflate parameters: default, takeover, window, all, cmwb8, cmwb9,
cmwb15 (the server asks the client for that client_max_window_bits) or eight (the client
asks for server_max_window_bits=8). zlib cannot compress with an 8-bit window, and
websockets does not work around it: with cmwb8 only its server runs, with eight only
its client (the side that would compress with 8 bits is asiows, which sends uncompressed).
"""
import asyncio
import sys

import websockets
from websockets.extensions.permessage_deflate import (ClientPerMessageDeflateFactory,
                                                      ServerPerMessageDeflateFactory)

# permessage-deflate parameters per combination, and what the answer must then say.
COMBOS = {
    "default": ({}, []),
    "takeover": ({"server_no_context_takeover": True, "client_no_context_takeover": True},
                 ["server_no_context_takeover", "client_no_context_takeover"]),
    "window": ({"server_max_window_bits": 10, "client_max_window_bits": 11},
               ["server_max_window_bits=10", "client_max_window_bits=11"]),
    "all": ({"server_no_context_takeover": True, "client_no_context_takeover": True,
             "server_max_window_bits": 10, "client_max_window_bits": 11},
            ["server_no_context_takeover", "client_no_context_takeover",
             "server_max_window_bits=10", "client_max_window_bits=11"]),
    **{f"cmwb{bits}": ({"client_max_window_bits": bits}, [f"client_max_window_bits={bits}"]) for bits in (8, 9, 15)},
    "eight": ({"server_max_window_bits": 8}, ["server_max_window_bits=8"]),
}


async def run_client(url, combo):
    failures = []

    def check(name, condition):
        print(("ok   " if condition else "FAIL ") + name, flush=True)
        if not condition:
            failures.append(name)

    params, expected = COMBOS[combo]
    factory = ClientPerMessageDeflateFactory(**params)
    async with websockets.connect(url, max_size=None, compression=None, extensions=[factory]) as ws:
        extensions = ws.response_headers.get("Sec-WebSocket-Extensions", "none")
        print("     (extensions in use: " + extensions + ")", flush=True)
        check("permessage-deflate negotiated as " + combo,
              extensions.startswith("permessage-deflate") and all(p in extensions for p in expected))
        for name, message in [("text", "hello from python"), ("empty text", ""),
                              ("binary", bytes(range(256)) * 4), ("1 MiB text", "x" * (1 << 20)),
                              ("utf-8 text", "κόσμε \U0001F600")]:
            await ws.send(message)
            check(name + " echoed", await ws.recv() == message)
        await ws.send(iter(["frag", "ment", "ed"]))  # an iterable goes out as fragments
        check("fragmented message echoed whole", await ws.recv() == "fragmented")
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 5)
        check("ping answered", True)
        await ws.close(4000, "python says bye")
        check("close code echoed", ws.close_code == 4000)
    print(f"{5 + 4 - len(failures)} passed, {len(failures)} failed", flush=True)
    return 1 if failures else 0


async def echo(ws, path=None):
    async for message in ws:
        if message == "fragments-please":
            await ws.send(iter(["frag", "ment", "ed"]))
        elif message == "close-please":
            await ws.close(4001, "as asked")
        else:
            await ws.send(message)


async def run_server(combo):
    params, _ = COMBOS[combo]
    factory = ServerPerMessageDeflateFactory(**params)
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=None, compression=None,
                                extensions=[factory]) as server:
        port = server.sockets[0].getsockname()[1]
        print(port, flush=True)
        await asyncio.sleep(60)  # the test ends us long before this


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "server":
        asyncio.run(run_server(sys.argv[2] if len(sys.argv) > 2 else "default"))
    elif len(sys.argv) >= 3 and sys.argv[1] == "client":
        sys.exit(asyncio.run(run_client(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "default")))
    else:
        sys.exit(__doc__)
