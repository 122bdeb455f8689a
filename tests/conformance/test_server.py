#!/usr/bin/python3
"""Runs every conformance case against a WebSocket echo server (our
examples/echo_server): the peer is the client.

  test_server.py ECHO_SERVER [CASE_PREFIX ...]   exit 0 when no case FAILED"""
import re
import subprocess
import sys
import time

import cases
import report
import wire


def start(server_path):
    process = subprocess.Popen([server_path, "--port", "0"], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r":(\d+)/", line)
    if not match:
        process.kill()
        sys.exit(f"the echo server did not print its URL: {line!r}")
    return process, int(match.group(1))


def main():
    server_path, prefixes = sys.argv[1], sys.argv[2:]
    process, port = start(server_path)
    results = []
    started = time.monotonic()
    try:
        for case_id, description, function, deflate in cases.CASES:
            if prefixes and not any(case_id.startswith(p) for p in prefixes):
                continue
            if process.poll() is not None:
                results.append((case_id, description, cases.FAILED, "the server is gone"))
                continue
            try:
                offer = cases.offer_for(deflate) if deflate is not None else None
                connection, answer = wire.client_connect(port, offer)
            except (OSError, ConnectionError, TimeoutError) as e:
                results.append((case_id, description, cases.FAILED, f"handshake: {e}"))
                continue
            if deflate is not None:
                connection.deflate = cases.deflate_from_answer(answer, "client")
                connection.other_side_choice = cases.chosen_alternative(answer, deflate)
            verdict, note = cases.run_case(connection, function)
            results.append((case_id, description, verdict, note))
    finally:
        process.terminate()
        process.wait(5)
    ok = report.print_report(f"asiows echo_server (server role), {time.monotonic() - started:.1f} s", results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
