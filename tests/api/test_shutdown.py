"""A stop on SIGTERM that finishes what it began (issue 6): new connections
are refused at once, a request whose body is still arriving is waited for,
answered and kept, and the server then exits 0."""

import http.client
import json
import signal
import socket
import time

from client import HOST, PASSWORD, Fail, Server, check, test


def in_flight(probe):
    """The server's count of requests begun and not yet answered, this one
    included (GET /metrics). `probe` is one keep-alive connection: the server
    finishes a request before it reads the next on the same connection, so
    no earlier probe of ours is still counted (on fresh connections one
    could be, and a stale 2 would pass for the request we wait for)."""
    probe.request("GET", "/metrics")
    r = probe.getresponse()
    body = r.read()
    for line in body.decode().splitlines():
        if line.startswith("redress_http_requests_in_flight "):
            return int(line.split()[1])
    raise Fail("no redress_http_requests_in_flight in /metrics")


def wait_in_flight(probe, predicate, what):
    for _ in range(500):
        if predicate(in_flight(probe)):
            return
        time.sleep(0.01)
    raise Fail(what)


def read_response(sock):
    """Status, headers (lower-case names) and body of one HTTP/1.1 answer
    with a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise Fail(f"connection closed before an answer: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


@test
def sigterm_waits_for_a_body_still_arriving(w):
    s = Server(w.s.binary)
    try:
        s.start()
        r = s.request("POST", "/api/v1/auth/login", {"username": "admin", "password": PASSWORD})
        check(r.status == 200, "sign in on the server to stop", r)
        cookie = r.headers["set-cookie"].split(";")[0]
        csrf = r.json()["csrf_token"]
        body = json.dumps({"channel": "phone", "customer": {"name": "赵先生", "phone": "13800001234"},
                           "content": "停机时仍在上传的投诉"}, ensure_ascii=False).encode()
        half = len(body) // 2

        probe = http.client.HTTPConnection(HOST, s.port, timeout=30)
        # Nothing but the probe itself (the sign-in has completed).
        wait_in_flight(probe, lambda n: n == 1, "requests stayed in flight before the test began")
        sock = socket.create_connection((HOST, s.port), timeout=30)
        try:
            sock.sendall((f"POST /api/v1/complaints HTTP/1.1\r\nHost: {HOST}\r\n"
                          f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                          f"Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n"
                          f"Idempotency-Key: shutdown-1\r\nAccept-Language: en\r\n\r\n").encode()
                         + body[:half])
            # Until the server has begun the request (it counts the /metrics
            # call itself too); no fixed sleep.
            wait_in_flight(probe, lambda n: n >= 2, "the half-sent request never showed as in flight")
            probe.close()

            s.proc.send_signal(signal.SIGTERM)
            refused = False
            for _ in range(500):
                try:
                    socket.create_connection((HOST, s.port), timeout=2).close()
                except (ConnectionRefusedError, ConnectionResetError):
                    # Reset: the connect raced the listening socket's close
                    # (queued, then dropped) -- turned away all the same.
                    refused = True
                    break
                time.sleep(0.01)
            check(refused, "a new connection is refused once SIGTERM arrived")
            check(s.proc.poll() is None, "the server waits for the request still arriving")

            sock.sendall(body[half:])
            status, headers, answer = read_response(sock)
            check(status == 201, "the request whose body arrived after SIGTERM is answered 201",
                  (status, answer[:300]))
            check(headers.get("connection", "").lower() == "close",
                  "its answer closes the connection (keep-alive clients go elsewhere)", headers)
            cid = json.loads(answer)["id"]
        finally:
            sock.close()
        code = s.proc.wait(timeout=60)
        check(code == 0, f"the server then exits 0 (got {code})", s.log_text()[-2000:])

        s.start()
        r = s.request("POST", "/api/v1/auth/login", {"username": "admin", "password": PASSWORD})
        got = s.request("GET", f"/api/v1/complaints/{cid}",
                        headers={"Cookie": r.headers["set-cookie"].split(";")[0]})
        check(got.status == 200 and got.json()["content"] == "停机时仍在上传的投诉",
              "the complaint is there after a restart", got)
        errs = s.sanitizer_errors()
        if errs:
            raise Fail("sanitizer: " + "\n".join(errs[:5]))
    finally:
        s.stop()
        s.cleanup()
