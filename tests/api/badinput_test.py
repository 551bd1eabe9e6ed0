#!/usr/bin/env python3
"""The bad-input suite: every request of tests/api/badinput_catalogue.py is
refused with a 4xx problem+json naming the problem, none gets a 5xx or
crashes the server, and none writes anything: the whole database is dumped
before and after the catalogue and must be equal. Then slow and idle
clients: a body that trickles in is cut, and neither it nor a crowd of
silent connections keeps others from being answered.

Usage: python3 tests/api/badinput_test.py --binary build/asan/redress [-k TEXT]
On PostgreSQL when REDRESS_API_PG_URI is set (as run.py). Prints
"bad inputs tried: N" and ends with "RESULT badinput passed=N failed=M"
(one pass or failure per catalogue entry, plus the database compare, the
slow-client cases and the sanitizer check of the server's log)."""

import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from badinput_catalogue import catalogue  # noqa: E402
from client import HOST, Server, World, expect  # noqa: E402

# The server's idle timeout for these runs (serve --client-timeout): short,
# so the slow-client cases wait seconds, not the production 30.
CLIENT_TIMEOUT_S = 2

# Tables a refused request may legitimately change, and why.
EXCLUDED_TABLES = {
    # Rate-limit counters: counting hostile requests is their whole purpose
    # (a refused portal lookup or a failed sign-in must count towards the
    # per-address and per-number limits, or the limits could be probed for
    # free). They hold no business data.
    "rate_limits",
}


# ---- database snapshots -------------------------------------------------------------

def snapshot_sqlite(path):
    """{table: sorted rows} of every table, read through a read-only connection."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for t in tables:
            if t in EXCLUDED_TABLES:
                continue
            rows = db.execute(f'SELECT * FROM "{t}"').fetchall()
            out[t] = sorted(repr(r) for r in rows)
        return out
    finally:
        db.close()


def snapshot_pg(uri):
    """{table: sorted rows} of every table of the public schema, as COPY text.
    Sequences are left out: PostgreSQL does not roll back nextval, so an insert
    refused by a constraint advances one without any row changing."""
    def psql(sql):
        return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", uri,
                               "-c", sql], check=True, capture_output=True, timeout=120).stdout
    tables = psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                  "ORDER BY tablename").decode().split()
    out = {}
    for t in tables:
        if t in EXCLUDED_TABLES:
            continue
        rows = psql(f'COPY (SELECT * FROM "{t}") TO STDOUT').split(b"\n")
        out[t] = sorted(r for r in rows if r)
    return out


def snapshot(server):
    return snapshot_pg(server.db) if server.pg_db else snapshot_sqlite(server.db)


def unchained(server):
    """Audit rows waiting for the chainer (PostgreSQL; SQLite chains at once)."""
    if not server.pg_db:
        return 0
    out = subprocess.run(["psql", "-X", "-q", "-At", "-d", server.db, "-c",
                          "SELECT count(*) FROM audit_log WHERE seq IS NULL"],
                         check=True, capture_output=True, timeout=60).stdout
    return int(out.decode().strip())


def settled_snapshot(server):
    """snapshot() once the fixtures' audit rows have landed: staff reads'
    rows are written in batches shortly after the answer, and on PostgreSQL
    rows are linked into the chain (seq, hashes set) by the scheduler within
    about a second. Taken too early, the settling would pass for a change
    made by the catalogue. Polled until two snapshots agree with nothing
    left to chain (bounded; not a timing assertion)."""
    snap = snapshot(server)
    for _ in range(120):
        time.sleep(0.25)
        again = snapshot(server)
        if again == snap and unchained(server) == 0:
            return again
        snap = again
    return snap


def compare(before, after):
    """Human-readable differences between two snapshots (empty when equal)."""
    diffs = []
    for t in sorted(set(before) | set(after)):
        b, a = before.get(t), after.get(t)
        if b == a:
            continue
        if b is None or a is None:
            diffs.append(f"table {t} {'appeared' if b is None else 'vanished'}")
            continue
        gone = [r for r in b if r not in set(a)]
        new = [r for r in a if r not in set(b)]
        diffs.append(f"table {t}: {len(new)} rows new or changed, {len(gone)} gone or changed"
                     + "".join(f"\n        + {str(r)[:300]}" for r in new[:5])
                     + "".join(f"\n        - {str(r)[:300]}" for r in gone[:5]))
    return diffs


# ---- raw HTTP -------------------------------------------------------------------------

class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def __repr__(self):
        return f"{self.status} [{self.headers.get('content-type', '')}] {self.body[:400]!r}"


def read_answer(sock):
    """The answer on sock (None when the server closed without one)."""
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            chunk = b""
        if not chunk:
            return None if not data else Answer(0, {}, data)
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "-1") or -1)
    while length < 0 or len(rest) < length:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            chunk = b""
        if not chunk:
            break
        rest += chunk
    return Answer(status, headers, rest[:length] if length >= 0 else rest)


def exchange(port, data, source=None, timeout=60):
    """Sends data as it is and reads the answer (None: closed without one)."""
    sock = socket.create_connection((HOST, port), timeout=timeout,
                                    source_address=(source, 0) if source else None)
    try:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered (413) and closed before reading it all: the answer waits
        return read_answer(sock)
    finally:
        sock.close()


def header_bytes(name, value):
    v = value if isinstance(value, bytes) else value.encode("utf-8")
    return name.encode() + b": " + v + b"\r\n"


def request_bytes(entry, creds):
    """The raw request of a catalogue entry, credentials added."""
    if entry.raw is not None:
        return entry.raw
    body = entry.body_bytes()
    hdrs = {"Host": f"{HOST}", "Accept-Language": "en", "Connection": "close"}
    hdrs.update(creds.get(entry.who, {}))
    if entry.method not in ("GET", "HEAD", "DELETE") or body:
        hdrs["Content-Type"] = entry.content_type
        hdrs["Content-Length"] = str(len(body))
    hdrs.update(entry.headers)
    head = f"{entry.method} {entry.path} HTTP/1.1\r\n".encode("utf-8")
    for k, v in hdrs.items():
        head += header_bytes(k, v)
    return head + b"\r\n" + body


# ---- judging one entry ------------------------------------------------------------------

def judge(entry, ans):
    """'' when ans is a proper refusal of entry, else why not."""
    if ans is None:
        return "" if entry.protocol else "the connection closed without an answer"
    want = entry.status if isinstance(entry.status, tuple) else (entry.status,)
    if not 400 <= ans.status <= 499:
        return f"status {ans.status}, not a 4xx"
    if entry.status is not None and ans.status not in want:
        return f"status {ans.status}, expected {entry.status}"
    if entry.protocol and not ans.headers.get("content-type", "").startswith("application/problem+json"):
        return ""  # refused by libmicrohttpd itself, before any handler (see docs/bad-input.md)
    if not ans.headers.get("content-type", "").startswith("application/problem+json"):
        return "not application/problem+json"
    try:
        p = json.loads(ans.body.decode("utf-8"))
    except ValueError:
        return "problem body is not JSON"
    if not (isinstance(p.get("title"), str) and p["title"] and isinstance(p.get("detail"), str)
            and p["detail"] and p.get("status") == ans.status and isinstance(p.get("errors"), list)):
        return "problem+json lacks title, detail, status or errors"
    if entry.names:
        fields = [e.get("field") or "" for e in p["errors"]]
        text = p["detail"] + " " + " ".join(fields)
        if entry.names.lower() not in text.lower():
            return f"the problem does not name {entry.names!r}"
    return ""


def healthy(port):
    ans = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    return ans is not None and ans.status == 200


# ---- fixtures ------------------------------------------------------------------------------

class Fixtures:
    """What the catalogue's requests point at, made through the API."""

    def __init__(self, w):
        a = w.admin
        self.admin_id = w.admin.id
        self.agent_id = w.ids["t_agent"]
        self.dept, self.cat, self.site = w.dept_a, w.cat, w.site
        c = w.create()
        self.cid, self.cnum, self.cversion = c["id"], c["number"], c["version"]
        self.att = expect(w.agent.call("POST", f"/api/v1/complaints/{self.cid}/attachments?filename=a.png",
                                       raw=b"\x89PNG\r\n\x1a\n" + b"\0" * 16,
                                       headers={"Content-Type": "image/png"}), 201).json()["id"]
        self.cal = expect(a.post("/api/v1/calendars", {
            "name": "坏输入日历", "timezone": "Asia/Shanghai",
            "week": {"mon": [["09:00", "18:00"]]}}), 201).json()["id"]
        cat = expect(a.post("/api/v1/categories", {"name": "坏输入时限", "parent_id": None}), 201).json()["id"]
        self.pol = expect(a.post("/api/v1/sla-policies", {
            "name": "坏输入时限", "priority": 0, "match": {"category_id": [cat]},
            "clocks": [{"name": "decide", "start": "registered", "stop": "resolved",
                        "target": "15cd"}]}), 201).json()["id"]
        self.ext_cid = w.create(category_id=cat)["id"]
        w.triage(self.ext_cid, category=cat)
        self.ext_clock = "decide"
        self.ext_id = expect(w.handler_a.post(
            f"/api/v1/complaints/{self.ext_cid}/clocks/decide/extensions",
            {"target": "30cd", "reason": "调取录像"}), 201).json()["id"]
        self.tok_id = expect(a.post("/api/v1/tokens", {"name": "坏输入"}), 201).json()
        self.token = self.tok_id["token"]
        self.tok_id = self.tok_id["id"]
        resolved = w.in_state("resolved", content="待回访")
        self.survey = expect(w.agent.post(f"/api/v1/complaints/{resolved}/survey-link"),
                             201).json()["token"]
        p = expect(w.s.request("POST", "/api/v1/portal/complaints",
                               {"name": "李四", "phone": "13900139000", "content": "门店服务差"},
                               source="127.0.9.9"), 201).json()
        self.pnum, self.upload = p["number"], p["photos"]["token"]


# ---- slow and idle clients -------------------------------------------------------------------

def slow_body_is_cut(port):
    """A body that trickles in, a byte at a time just inside the idle timeout,
    is cut (the server stops waiting for it) while others are answered."""
    sock = socket.create_connection((HOST, port), timeout=120)
    try:
        sock.sendall(b"POST /api/v1/portal/progress HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
        answered_meanwhile = True
        cut = False
        for i in range(600):  # gives up after ~10 minutes: the body is never cut
            time.sleep(CLIENT_TIMEOUT_S / 2)
            answered_meanwhile = answered_meanwhile and healthy(port)
            try:
                sock.sendall(b" ")
            except (BrokenPipeError, ConnectionResetError):
                cut = True
                break
        return cut, answered_meanwhile, i + 1
    finally:
        sock.close()


def idle_headers_are_cut(port):
    """A request whose headers stop half-way is closed after the idle timeout."""
    sock = socket.create_connection((HOST, port), timeout=120)
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sock.settimeout(CLIENT_TIMEOUT_S * 30)
        try:
            rest = sock.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
        # MHD may answer 408 or just close; either ends the connection.
        while rest:
            try:
                rest = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
        return True
    finally:
        sock.close()


def silent_crowd(port, n=300):
    """n connections that send nothing; meanwhile others are answered."""
    socks = []
    try:
        for _ in range(n):
            socks.append(socket.create_connection((HOST, port), timeout=30))
        return healthy(port) and healthy(port)
    finally:
        for s in socks:
            s.close()


# ---- main -----------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("-k", help="run only the entries whose name contains this")
    args = ap.parse_args()
    passed = failed = 0
    t0 = time.time()
    server = Server(args.binary)

    def result(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {what}", flush=True)

    tried = 0
    try:
        server.start(args=["--client-timeout", str(CLIENT_TIMEOUT_S)])
        w = World(server)
        fx = Fixtures(w)
        creds = {
            None: {},
            "admin": {"Cookie": w.admin.cookie, "X-CSRF-Token": w.admin.csrf},
            "agent": {"Cookie": w.agent.cookie, "X-CSRF-Token": w.agent.csrf},
            "agent-no-csrf": {"Cookie": w.agent.cookie},
            "approver": {"Cookie": w.approver.cookie, "X-CSRF-Token": w.approver.csrf},
            "token": {"Authorization": f"Bearer {fx.token}"},
        }
        entries = catalogue(fx, w.admin.cookie, w.admin.csrf)
        if args.k:
            entries = [e for e in entries if args.k in e.name]
        names = [e.name for e in entries]
        dupes = sorted({n for n in names if names.count(n) > 1})
        result(not dupes, f"catalogue names are unique (repeated: {dupes[:5]})")
        before = settled_snapshot(server)
        for e in entries:
            tried += 1
            try:
                ans = exchange(server.port, request_bytes(e, creds), source=e.source)
                why = judge(e, ans)
            except OSError as ex:
                ans, why = None, f"{type(ex).__name__}: {ex}"
            if not why and not healthy(server.port):
                why = "the server stopped answering /healthz"
            result(not why, f"{e.name}: {why}\n      answer: {ans!r}")
            if why and not healthy(server.port):
                print("server is down; stopping", flush=True)
                break
        after = settled_snapshot(server)
        diffs = compare(before, after)
        result(not diffs, "the catalogue wrote to the database:\n      " + "\n      ".join(diffs))
        print(f"bad inputs tried: {tried}", flush=True)

        if not args.k:
            cut, meanwhile, steps = slow_body_is_cut(server.port)
            result(cut, f"a body trickling in for {steps} idle-timeout halves was never cut")
            result(meanwhile, "other requests went unanswered while a body trickled in")
            result("body still arriving" in server.log_text(),
                   "the trickling body was not cut by the body deadline (no log line)")
            result(idle_headers_are_cut(server.port),
                   "a request whose headers stopped half-way was not closed")
            result(silent_crowd(server.port), "300 silent connections kept /healthz from answering")
            result(snapshot(server) == after, "the slow clients wrote to the database")
    except Exception as ex:  # fixtures or the server: nothing else can be judged
        import traceback
        traceback.print_exc(file=sys.stdout)
        result(False, f"setup: {type(ex).__name__}: {ex}")
        if server.last is not None:
            print(f"      last exchange: {server.last!r}")
    finally:
        code = server.stop()
        result(code in (0, None), f"server exit code on SIGTERM: {code}\n{server.log_text()[-3000:]}")
        errors = server.sanitizer_errors()
        result(not errors, "sanitizer reported errors:\n  " + "\n  ".join(errors[:20])
               + "\n" + server.log_text()[-6000:])
        server.cleanup()
    print(f"bad input suite took {time.time() - t0:.1f}s", flush=True)
    print(f"RESULT badinput passed={passed} failed={failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
