#!/usr/bin/python3
"""An Autobahn-compatible fuzzing server for testing a WebSocket client (our
examples/autobahn_client): it serves /getCaseCount, /runCase?case=N&agent=A
(running conformance case N as the server, the client echoing) and
/updateReports?agent=A, then prints the report.

  fuzzing_server.py CLIENT [CASE_PREFIX ...]   starts CLIENT --url ws://127.0.0.1:PORT --agent asiows;
                                               exit 0 when no case FAILED"""
import socket
import subprocess
import sys
import time
import urllib.parse

import cases
import report
import wire


def main():
    client_path, prefixes = sys.argv[1], sys.argv[2:]
    selected = [c for c in cases.CASES if not prefixes or any(c[0].startswith(p) for p in prefixes)]
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(10)  # the client connects for each case at once; stop if it does not
    port = listener.getsockname()[1]
    client = subprocess.Popen([client_path, "--url", f"ws://127.0.0.1:{port}", "--agent", "asiows"])
    results, started, reported = [], time.monotonic(), False
    try:
        while not reported:
            try:
                sock, _ = listener.accept()
            except socket.timeout:
                print("the client stopped connecting", file=sys.stderr)
                break
            request_case = {}

            def choose(offer):
                deflate = request_case.get("deflate")
                if deflate is None:
                    return None
                answer, request_case["alternative"] = cases.answer_for(offer, deflate)
                return answer

            head = ""
            for _ in range(5000):  # the request line, peeked (server_accept reads the request itself)
                head = sock.recv(65536, socket.MSG_PEEK).decode("latin-1")
                if "\r\n" in head or not head:
                    break
                time.sleep(0.001)
            target = urllib.parse.urlsplit(head.split(" ")[1] if " " in head else "/")
            query = urllib.parse.parse_qs(target.query)
            if target.path == "/runCase":
                index = int(query["case"][0]) - 1
                request_case["deflate"] = selected[index][3]
            connection, _, offer, answer = wire.server_accept(sock, choose)
            if target.path == "/getCaseCount":
                connection.send_frame(wire.TEXT, str(len(selected)).encode())
                cases.run_case(connection, cases.close_normally)
            elif target.path == "/runCase":
                case_id, description, function, deflate = selected[index]
                if deflate is not None:
                    connection.deflate = cases.deflate_from_answer(answer, "server")
                    connection.other_side_choice = request_case.get("alternative")
                    if connection.deflate is None and offer is not None:
                        print(f"{case_id}: offer {offer!r} declined", file=sys.stderr)
                verdict, note = cases.run_case(connection, function)
                results.append((case_id, description, verdict, note))
            elif target.path == "/updateReports":
                cases.run_case(connection, cases.close_normally)
                reported = True
            else:
                connection.close_tcp()
    finally:
        try:
            client.wait(30)
        except subprocess.TimeoutExpired:
            client.kill()
    ok = report.print_report(f"asiows autobahn_client (client role), {time.monotonic() - started:.1f} s", results)
    complete = reported and len(results) == len(selected) and client.returncode == 0
    if not complete:
        print(f"incomplete: {len(results)} of {len(selected)} cases, client exit {client.returncode}")
    return 0 if ok and complete else 1


if __name__ == "__main__":
    sys.exit(main())
