"""Helpers for the black-box API tests: start the real binary on a temporary
database, sign users in, and make requests with their session and CSRF token."""

import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

PASSWORD = "Redress-test-pw-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class Server:
    """The redress binary serving a fresh database in a temporary folder."""

    def __init__(self, binary, demo=False):
        self.binary = os.path.abspath(binary)
        self.dir = tempfile.mkdtemp(prefix="redress-api-")
        self.db = os.path.join(self.dir, "test.db")
        self.pwfile = os.path.join(self.dir, "pw")
        with open(self.pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        args = [self.binary, "init", "--db", self.db, "--admin-password-file", self.pwfile]
        if demo:
            args.append("--demo")
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, timeout=300)
        self.proc = None
        self.log_path = os.path.join(self.dir, "server.log")

    def start(self):
        self.port = free_port()
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--listen", f"127.0.0.1:{self.port}"],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if self.request("GET", "/healthz").status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("server exited at start: " + self.log_text())
            time.sleep(0.05)
        raise RuntimeError("server did not answer /healthz")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def sanitizer_errors(self):
        text = self.log_text()
        return [line for line in text.splitlines()
                if "ERROR: AddressSanitizer" in line or "runtime error:" in line
                or "ERROR: LeakSanitizer" in line]

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method, path, body=None, headers=None, raw=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        hdrs = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
        try:
            try:
                conn.request(method, path, body=data, headers=hdrs)
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer (413) and close before reading a big
                # body; its answer is still waiting in the socket.
                pass
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()


class User:
    """A signed-in user: session cookie plus CSRF token on unsafe methods."""

    def __init__(self, server, username, password=PASSWORD):
        self.server = server
        self.username = username
        r = server.request("POST", "/api/v1/auth/login",
                           {"username": username, "password": password})
        if r.status != 200:
            raise AssertionError(f"login {username}: {r}")
        cookie = r.headers.get("set-cookie", "")
        self.cookie = cookie.split(";")[0]
        self.csrf = r.json()["csrf_token"]
        self.user = r.json()["user"]

    def call(self, method, path, body=None, headers=None, raw=None, csrf=True):
        hdrs = {"Cookie": self.cookie}
        if csrf and method not in ("GET", "HEAD"):
            hdrs["X-CSRF-Token"] = self.csrf
        hdrs.update(headers or {})
        return self.server.request(method, path, body=body, headers=hdrs, raw=raw)

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body=body, **kw)
