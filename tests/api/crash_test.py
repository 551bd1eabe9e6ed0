#!/usr/bin/env python3
"""Crash test: kill -9 the server while 6 clients register complaints and 2
take workflow actions on them, at a random moment; check the files while
the server is down (PRAGMA integrity_check of the store and of the search
index; every complaint's status is where its timeline leads, and each step
of the timeline starts where the one before ended), restart it on the same
database and check that nothing acknowledged was lost (complaints with
their number and content, actions with the status they answered), that no
complaint number was handed out twice, and that a request whose answer was
lost can be retried with its Idempotency-Key and yields exactly one
complaint. Twenty kill/restart cycles on one database (issue 6).

Usage: python3 tests/api/crash_test.py --binary build/redress
Ends with "RESULT crash passed=N failed=M" (exit 1 when M > 0)."""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from urllib.parse import quote

PASSWORD = "Crash-test-pw-1"
CREATORS = 6
ACTORS = 2
CYCLES = 20
# The kill comes between these many seconds after the load starts.
KILL_AFTER = (0.4, 1.6)
# Acknowledged keys replayed after each restart (a sample: all would cost a
# request each, and the list check covers every complaint anyway).
REPLAY_SAMPLE = 100
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {what}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {what}" + (f"\n      {detail}" if detail else ""), flush=True)
        return ok


class Server:
    def __init__(self, binary, workdir):
        self.binary = os.path.abspath(binary)
        self.dir = workdir
        self.db = os.path.join(workdir, "crash.db")
        self.pwfile = os.path.join(workdir, "pw")
        self.log_path = os.path.join(workdir, "server.log")
        self.proc = None
        self.log = None
        self.port = None

    def init(self):
        with open(self.pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        subprocess.run([self.binary, "init", "--db", self.db,
                        "--admin-password-file", self.pwfile],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)

    def start(self, timeout=20):
        """Starts the server; returns None when it answers /healthz, else why not."""
        self.port = free_port()
        self.log = open(self.log_path, "ab")
        self.log.write(f"---- start on port {self.port}\n".encode())
        self.log.flush()
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--listen", f"{HOST}:{self.port}"],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return f"server exited with {self.proc.returncode} at start"
            try:
                c = http.client.HTTPConnection(HOST, self.port, timeout=2)
                try:
                    c.request("GET", "/healthz")
                    r = c.getresponse()
                    r.read()
                    if r.status == 200:
                        return None
                finally:
                    c.close()
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        return "server did not answer /healthz in time"

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.log:
            self.log.close()
            self.log = None

    def log_tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join("      | " + l for l in lines[-n:])
        except OSError:
            return ""


class Client:
    """One keep-alive connection that reconnects after an error."""

    def __init__(self, server, headers):
        self.server = server
        self.headers = headers
        self.conn = None

    def request(self, method, path, body=None, extra=None):
        """Returns (status, headers, body bytes); raises OSError/HTTPException
        when no answer came (the connection is dropped then)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.server.port, timeout=15)
        hdrs = dict(self.headers)
        if body is not None:
            hdrs["Content-Type"] = "application/json"
        hdrs.update(extra or {})
        try:
            self.conn.request(method, path, body=body, headers=hdrs)
            r = self.conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if r.will_close:
            self.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def login_token(server):
    c = Client(server, {})
    st, hd, data = c.request("POST", "/api/v1/auth/login",
                             json.dumps({"username": "admin", "password": PASSWORD}).encode())
    if st != 200:
        raise RuntimeError(f"login: {st} {data[:300]!r}")
    cookie = hd.get("set-cookie", "").split(";")[0]
    csrf = json.loads(data)["csrf_token"]
    st, hd, data = c.request("POST", "/api/v1/tokens", json.dumps({"name": "crash"}).encode(),
                             {"Cookie": cookie, "X-CSRF-Token": csrf})
    c.close()
    if st != 201:
        raise RuntimeError(f"token create: {st} {data[:300]!r}")
    j = json.loads(data)
    # {"token":{...},"secret":"..."} or the token's fields with "token": secret
    secret = j.get("secret") or (j.get("token") if isinstance(j.get("token"), str) else None)
    if not secret:
        raise RuntimeError(f"token create: no secret in {data[:300]!r}")
    return secret


def make_body(marker, seq):
    body = {"channel": "phone",
            "customer": {"name": "张三", "phone": "138%08d" % (seq % 100000000)},
            "content": f"崩溃测试 {marker} 更衣柜损坏"}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


# The actions the actors take on each complaint, in order, with the status
# each leads to. The admin token may take every action.
def action_steps(fixtures):
    return [("triage", {"valid": True, "category_id": fixtures["category"], "severity": 1,
                        "department_id": fixtures["department"]}, "assigned"),
            ("contact", {"method": "phone", "note": "已联系客户"}, "in_progress")]


class Load:
    """CREATORS threads registering complaints and ACTORS threads taking
    workflow actions on the ones registered, until stopped."""

    def __init__(self, server, auth, cycle, run_tag, fixtures):
        self.server = server
        self.auth = auth
        self.cycle = cycle
        self.tag = run_tag
        self.steps = action_steps(fixtures)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked = []      # (key, body, id, number, content)
        self.lost = []       # (key, body): no answer
        self.other = []      # (key, body, status, data): answered, but not 201
        self.to_act = []     # ids acknowledged and not yet taken by an actor
        # id -> (status the last acknowledged action answered, or
        #        "registered"; status the action sent without answer would
        #        lead to, or None)
        self.acted = {}
        self.action_other = []  # (id, action, status, data): answered, not 200
        self.threads = []

    def creator(self, tid):
        client = Client(self.server, self.auth)
        n = 0
        while not self.stop.is_set():
            n += 1
            marker = f"crashmk{self.tag}c{self.cycle}t{tid}n{n}"
            key = f"crash-{self.tag}-{self.cycle}-{tid}-{n}"
            body = make_body(marker, self.cycle * 1000000 + tid * 100000 + n)
            try:
                st, hd, data = client.request("POST", "/api/v1/complaints", body,
                                              {"Idempotency-Key": key})
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.lost.append((key, body))
                if not self.stop.is_set():
                    time.sleep(0.01)
                continue
            if st == 201:
                try:
                    j = json.loads(data)
                    rec = (key, body, j["id"], j["number"], j.get("content"))
                except (ValueError, KeyError) as e:
                    with self.lock:
                        self.other.append((key, body, st, data))
                    continue
                with self.lock:
                    self.acked.append(rec)
                    self.to_act.append(j["id"])
            else:
                with self.lock:
                    self.other.append((key, body, st, data))
        client.close()

    def actor(self, tid):
        """Takes a complaint registered this cycle through every step; an
        action without an answer leaves it, with the status it may or may
        not have reached."""
        client = Client(self.server, self.auth)
        while not self.stop.is_set():
            with self.lock:
                cid = self.to_act.pop() if self.to_act else None
                if cid is not None:
                    self.acted[cid] = ("registered", None)
            if cid is None:
                time.sleep(0.005)
                continue
            for action, body, status in self.steps:
                with self.lock:
                    self.acted[cid] = (self.acted[cid][0], status)
                try:
                    st, _, data = client.request(
                        "POST", f"/api/v1/complaints/{cid}/actions/{action}",
                        json.dumps(body, ensure_ascii=False).encode("utf-8"))
                except (OSError, http.client.HTTPException):
                    break  # unanswered: the pending status may have been reached
                with self.lock:
                    if st == 200:
                        self.acted[cid] = (status, None)
                    else:
                        self.acted[cid] = (self.acted[cid][0], None)
                        self.action_other.append((cid, action, st, data[:200]))
                if st != 200:
                    break
        client.close()

    def start(self):
        for t in range(CREATORS):
            th = threading.Thread(target=self.creator, args=(t,), daemon=True)
            th.start()
            self.threads.append(th)
        for t in range(ACTORS):
            th = threading.Thread(target=self.actor, args=(t,), daemon=True)
            th.start()
            self.threads.append(th)

    def finish(self):
        self.stop.set()
        for th in self.threads:
            th.join(timeout=20)
        return all(not th.is_alive() for th in self.threads)


def check_files(db):
    """What the files say while the server is down: (problems, counts).
    The store and its search index pass PRAGMA integrity_check; every
    complaint's status is the to_status of its last status-changing event;
    every status-changing event starts where the one before it ended."""
    problems = []
    for path in (db, db + "-search"):
        if not os.path.exists(path):
            problems.append(f"{os.path.basename(path)}: missing")
            continue
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
        finally:
            con.close()
        if rows != [("ok",)]:
            problems.append(f"{os.path.basename(path)} integrity_check: {rows[:5]}")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        complaints = con.execute("SELECT count(*) FROM complaints").fetchone()[0]
        off_timeline = con.execute(
            """SELECT c.id, c.status,
                      (SELECT e.to_status FROM complaint_events e
                        WHERE e.complaint_id = c.id AND e.to_status IS NOT NULL
                        ORDER BY e.id DESC LIMIT 1) AS last
                 FROM complaints c WHERE last IS NOT c.status LIMIT 5""").fetchall()
        broken_steps = con.execute(
            """SELECT complaint_id, id, from_status, prev FROM (
                 SELECT complaint_id, id, from_status,
                        lag(to_status) OVER (PARTITION BY complaint_id ORDER BY id) AS prev
                   FROM complaint_events WHERE to_status IS NOT NULL)
                WHERE prev IS NOT NULL AND from_status IS NOT prev LIMIT 5""").fetchall()
        events = con.execute("SELECT count(*) FROM complaint_events").fetchone()[0]
    finally:
        con.close()
    if off_timeline:
        problems.append(f"status not where the timeline leads (id, status, last to_status): "
                        f"{off_timeline}")
    if broken_steps:
        problems.append(f"a step not starting where the one before ended "
                        f"(complaint, event, from, previous to): {broken_steps}")
    return problems, (complaints, events)


def make_fixtures(server, auth):
    """A department and a category for the actors' triage."""
    c = Client(server, auth)
    out = {}
    for key, path, body in (("department", "/api/v1/departments", {"code": "crash", "name": "售后服务部"}),
                            ("category", "/api/v1/categories", {"name": "设施损坏", "parent_id": None})):
        st, _, data = c.request("POST", path, json.dumps(body, ensure_ascii=False).encode("utf-8"))
        if st != 201:
            raise RuntimeError(f"{path}: {st} {data[:300]!r}")
        out[key] = json.loads(data)["id"]
    c.close()
    return out


def list_all(client, query=""):
    """Every complaint through the list endpoint (query: more parameters),
    following cursors."""
    items = []
    cursor = None
    for _ in range(1000):
        path = "/api/v1/complaints?limit=500" + query
        if cursor:
            path += "&cursor=" + quote(cursor, safe="")
        st, _, data = client.request("GET", path)
        if st != 200:
            raise RuntimeError(f"list: {st} {data[:300]!r}")
        j = json.loads(data)
        items.extend(j["items"])
        cursor = j.get("next_cursor")
        if not cursor:
            return items
    raise RuntimeError("list: too many pages")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()

    res = Results()
    workdir = tempfile.mkdtemp(prefix="redress-crash-")
    server = Server(args.binary, workdir)
    tag = uuid.uuid4().hex[:8]
    seed = int(tag, 16)
    rng = random.Random(seed)
    print(f"seed {seed}", flush=True)
    t0 = time.time()
    all_acked = {}     # key -> (body, id, number, content)
    acted_total = 0
    try:
        server.init()
        why = server.start()
        if not res.check(why is None, "server starts on a fresh database", why or ""):
            return res
        secret = login_token(server)
        auth = {"Authorization": f"Bearer {secret}"}
        fixtures = make_fixtures(server, auth)

        for cycle in range(1, CYCLES + 1):
            load = Load(server, auth, cycle, tag, fixtures)
            load.start()
            pause = rng.uniform(*KILL_AFTER)  # a different moment each cycle
            time.sleep(pause)
            server.kill()                      # SIGKILL mid-flight
            stopped = load.finish()
            res.check(stopped, f"cycle {cycle}: client threads stop after the kill")
            print(f"cycle {cycle}: {len(load.acked)} acknowledged, {len(load.lost)} without answer, "
                  f"{len(load.other)} other answers, {len(load.acted)} complaints acted on "
                  f"(killed after {pause:.2f}s)", flush=True)
            res.check(len(load.acked) > 0, f"cycle {cycle}: the load got complaints registered")
            bad = [(k, st, d[:200]) for k, _, st, d in load.other if st < 500 and st != 429]
            res.check(not bad, f"cycle {cycle}: no 4xx answers under load",
                      f"{len(bad)} e.g. {bad[:3]}")
            bad = [a for a in load.action_other if a[2] < 500]
            res.check(not bad, f"cycle {cycle}: no 4xx answers to the actions",
                      f"{len(bad)} e.g. {bad[:3]}")

            # 0. The files as the kill left them, before anything repairs them.
            problems, (n_complaints, n_events) = check_files(server.db)
            res.check(not problems, f"cycle {cycle}: integrity_check clean on the store and the "
                      f"search index; {n_complaints} complaints' statuses agree with their "
                      f"{n_events} timeline events", "\n      ".join(problems))
            why = server.start()
            if not res.check(why is None, f"cycle {cycle}: server restarts after kill -9",
                             (why or "") + "\n" + server.log_tail()):
                break

            for key, body, cid, number, content in load.acked:
                all_acked[key] = (body, cid, number, content)

            client = Client(server, auth)
            # 1. Every acknowledged complaint (this cycle and earlier) survived,
            # and every acknowledged action: a complaint is in the status its
            # last acknowledged action answered, or in the one the action sent
            # without an answer would have led to.
            try:
                listed = {it["id"]: it for it in list_all(client)}
            except (RuntimeError, OSError, http.client.HTTPException, ValueError) as e:
                res.check(False, f"cycle {cycle}: list every complaint", str(e))
                break
            missing = []
            for key, (body, cid, number, content) in all_acked.items():
                want = json.loads(body)["content"]
                j = listed.get(cid)
                if j is None:
                    missing.append((key, cid, "not listed"))
                elif j.get("number") != number or j.get("content") != want:
                    missing.append((key, cid, f"got number {j.get('number')} content "
                                    f"{j.get('content')!r}, want {number} {want!r}"))
            res.check(not missing, f"cycle {cycle}: all {len(all_acked)} acknowledged "
                      f"complaints survive with their number and content",
                      f"{len(missing)} bad, e.g. {missing[:5]}")
            wrong = []
            for cid, (acked, pending) in load.acted.items():
                got = listed.get(cid, {}).get("status")
                if got != acked and got != pending:
                    wrong.append((cid, got, acked, pending))
            acted_total += len(load.acted)
            res.check(not wrong, f"cycle {cycle}: {len(load.acted)} complaints acted on are "
                      f"in the status their last acknowledged action gave (or the next one's)",
                      f"{len(wrong)} bad (id, status, acknowledged, pending), e.g. {wrong[:5]}")

            # 2. No number handed out twice among acknowledged ids.
            by_number = {}
            dup = []
            for key, (_, cid, number, _) in all_acked.items():
                prev = by_number.setdefault(number, cid)
                if prev != cid:
                    dup.append((number, prev, cid))
            res.check(not dup, f"cycle {cycle}: no number appears twice among acknowledged ids",
                      f"{dup[:5]}")

            # 3. Requests without an answer (or with a 5xx) retried: exactly one complaint.
            retry = [(k, b) for k, b in load.lost] + \
                    [(k, b) for k, b, _, _ in load.other]
            retry_bad = []
            committed = 0
            for key, body in retry:
                got = []
                for attempt in range(2):
                    try:
                        st, hd, data = client.request("POST", "/api/v1/complaints", body,
                                                      {"Idempotency-Key": key})
                    except (OSError, http.client.HTTPException) as e:
                        got.append(("noanswer", str(e), None))
                        continue
                    if st != 201:
                        got.append((st, data[:200], None))
                        continue
                    j = json.loads(data)
                    got.append((st, (j["id"], j["number"]), hd.get("idempotent-replayed")))
                # The contract: the same key and body answers the first response
                # again (same id and number); the replay header is a courtesy.
                ok = (len(got) == 2 and got[0][0] == 201 and got[1][0] == 201
                      and got[0][1] == got[1][1])
                if not ok:
                    retry_bad.append((key, got))
                    continue
                committed += got[0][2] == "true"
                cid, number = got[0][1]
                want = json.loads(body)["content"]
                all_acked[key] = (body, cid, number, want)
            print(f"cycle {cycle}: {committed} of {len(retry)} unanswered requests had "
                  f"committed before the kill (Idempotent-Replayed header)", flush=True)
            res.check(not retry_bad, f"cycle {cycle}: {len(retry)} unanswered requests retried "
                      f"with their key give one id (twice the same)",
                      f"{len(retry_bad)} bad, e.g. {retry_bad[:5]}")

            # 4. Retrying acknowledged keys of this cycle returns the same complaint.
            replay_bad = []
            for key, body, cid, number, _ in rng.sample(load.acked, min(REPLAY_SAMPLE, len(load.acked))):
                try:
                    st, hd, data = client.request("POST", "/api/v1/complaints", body,
                                                  {"Idempotency-Key": key})
                except (OSError, http.client.HTTPException) as e:
                    replay_bad.append((key, f"no answer: {e}"))
                    continue
                if st != 201:
                    replay_bad.append((key, st, data[:200]))
                    continue
                j = json.loads(data)
                if (j["id"], j["number"]) != (cid, number):
                    replay_bad.append((key, (j["id"], j["number"]), (cid, number),
                                       hd.get("idempotent-replayed")))
            res.check(not replay_bad, f"cycle {cycle}: acknowledged keys (up to {REPLAY_SAMPLE}) replay the same "
                      f"complaint after restart", f"{len(replay_bad)} bad, e.g. {replay_bad[:5]}")

            # 5. The whole table: each marker once, each number once, nothing unknown.
            try:
                items = list_all(client)
            except (RuntimeError, OSError, http.client.HTTPException, ValueError) as e:
                res.check(False, f"cycle {cycle}: list every complaint", str(e))
                client.close()
                continue
            by_content = {}
            numbers = {}
            for it in items:
                by_content.setdefault(it.get("content"), []).append(it["id"])
                numbers.setdefault(it.get("number"), []).append(it["id"])
            dup_content = {c: ids for c, ids in by_content.items() if len(ids) > 1}
            dup_numbers = {n: ids for n, ids in numbers.items() if len(ids) > 1}
            res.check(not dup_content, f"cycle {cycle}: no request made two complaints "
                      f"({len(items)} complaints listed)",
                      f"{len(dup_content)} duplicated, e.g. {list(dup_content.items())[:5]}")
            res.check(not dup_numbers, f"cycle {cycle}: every number is unique across all "
                      f"{len(items)} complaints",
                      f"{len(dup_numbers)} duplicated, e.g. {list(dup_numbers.items())[:5]}")
            wrong = []
            for key, (body, cid, number, _) in all_acked.items():
                want = json.loads(body)["content"]
                ids = by_content.get(want, [])
                if ids != [cid]:
                    wrong.append((key, cid, ids))
            res.check(not wrong, f"cycle {cycle}: each request's complaint is listed exactly "
                      f"once under its id", f"{len(wrong)} bad, e.g. {wrong[:5]}")

            # 6. The search index (its own database, written after each commit
            # by a background thread) finds every complaint after the kill.
            try:
                found = list_all(client, "&q=" + quote("崩溃测试 更衣柜"))
            except (RuntimeError, OSError, http.client.HTTPException, ValueError) as e:
                res.check(False, f"cycle {cycle}: search after restart", str(e))
                client.close()
                continue
            found_ids = sorted(it["id"] for it in found)
            res.check(found_ids == sorted(it["id"] for it in items),
                      f"cycle {cycle}: a search finds all {len(items)} complaints after the kill",
                      f"found {len(found_ids)}")
            client.close()
            print(f"cycle {cycle} done at {time.time() - t0:.1f}s", flush=True)
    except Exception as e:  # noqa: BLE001 - report, never crash without RESULT
        res.check(False, "crash test ran to the end", f"{type(e).__name__}: {e}\n" + server.log_tail())
    finally:
        server.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"total time {time.time() - t0:.1f}s", flush=True)
    print(f"crash cycles: {CYCLES} kills; {len(all_acked)} complaints acknowledged, "
          f"{acted_total} acted on, all checked after every kill", flush=True)
    return res


if __name__ == "__main__":
    r = main()
    print(f"RESULT crash passed={r.passed} failed={r.failed}", flush=True)
    sys.exit(1 if r.failed else 0)
