#!/usr/bin/env python3
"""Multi-node test: two `redress serve` processes on one PostgreSQL database.

Both nodes serve the same fresh database (`redress init --demo` once), each
with its own fake clock file (REDRESS_FAKE_NOW), which the test moves. It
checks that
  1. complaints registered through both nodes at once get unique numbers,
     each readable from the other node, no number twice per day;
  2. a session made on node A works on node B (cookie + CSRF), and a logout
     on A reaches B within the credential cache's few seconds;
  3. an Idempotency-Key replayed on the other node returns the first
     complaint and creates nothing;
  4. escalation steps falling due while both nodes sweep fire exactly once:
     one timeline event and one set of notifications per step;
  5. node A killed with SIGKILL in the middle of a sweep transaction (found
     in pg_stat_activity by its application_name), several rounds: node B
     fires every due step, each exactly once, none left pending;
  6. node A frozen with SIGSTOP inside its sweep transaction (its
     connection and row locks stay): node B fires every other due step
     without waiting, A's batch once the server ends A's idle transaction
     (the lease, LEASE_S here), and A, woken, doubles nothing;
  7. the audit rows both nodes appended at once during test 1 (unchained,
     without a shared lock) are linked by the nodes' chainers into one
     gap-free chain holding every registration and every cross-node read,
     which `redress audit verify` accepts; and after the kills and freezes
     of tests 5 and 6 the chain still verifies.

Usage: REDRESS_TEST_PG_URI=postgresql://… python3 tests/api/multinode_test.py --binary build/redress
Ends with "RESULT multinode passed=N failed=M" (exit 1 when M > 0)."""

import argparse
import concurrent.futures
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from client import Fail, PASSWORD, Server, User, expect  # noqa: E402

T0 = 1795399200  # 2026-11-23T10:00:00+08:00, a Monday
ROUNDS = 3             # kill -9 rounds of test 5
PER_ROUND = 150        # complaints made due in each later round (4 steps each)
CONCURRENT = 300       # complaints of test 1 (also the first round's steps)
ALWAYS = [["00:00", "24:00"]]
LEASE_S = 3            # idle_in_transaction_session_timeout of the nodes' sessions
FREEZE_ATTEMPTS = 3    # tries at freezing node A while it holds a sweep's work


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t))


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
            d = detail if isinstance(detail, str) else repr(detail)
            print(f"FAIL {what}" + (f"\n      {d[:1500]}" if d else ""), flush=True)
        return ok


class Node(Server):
    """A serving process on a shared database (client.Server without its own
    database): its own folder, log, port and fake clock file."""

    def __init__(self, binary, db, name):
        self.binary = os.path.abspath(binary)
        self.name = name
        self.dir = tempfile.mkdtemp(prefix=f"redress-mn-{name}-")
        self.pg_db = None
        self.db = db
        self.pwfile = os.path.join(self.dir, "pw")
        self.proc = None
        self.log = None
        self.port = None
        self.log_path = os.path.join(self.dir, "server.log")
        self.last = None
        self.clock_path = os.path.join(self.dir, "now")
        self.now = None

    def set_clock(self, t):
        self.now = t
        tmp = self.clock_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(iso(t) + "\n")
        os.replace(tmp, self.clock_path)

    def serve(self):
        self.start(env={"REDRESS_FAKE_NOW": self.clock_path})


def psql(uri, sql):
    """Rows of a query as lists of strings (psql -At)."""
    out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                          "-d", uri, "-c", sql], check=True, stdout=subprocess.PIPE,
                         timeout=60).stdout.decode()
    return [line.split("\t") for line in out.splitlines() if line]


def with_app(uri, name):
    """The uri with an application_name (to find a node's sessions in
    pg_stat_activity) and a short lease (the time the server lets a session
    sit idle inside a transaction) for test 6."""
    return (uri + ("&" if "?" in uri else "?") + "application_name=" + name +
            "&options=-c%%20idle_in_transaction_session_timeout%%3D%d" % (LEASE_S * 1000))


def create(node, user, cat, tag, headers=None):
    body = {"channel": "phone", "category_id": cat,
            "customer": {"name": "多节点", "phone": "1390000%04d" % (zlib.crc32(tag.encode()) % 10000)},
            "subject": "多节点", "content": f"多节点测试 {tag}", "demands": "处理"}
    return user.server.request("POST", "/api/v1/complaints", body,
                               {"Cookie": user.cookie, "X-CSRF-Token": user.csrf,
                                **(headers or {})})


def as_user(user, node):
    """The same session (cookie + CSRF token) talking to another node."""
    u = object.__new__(User)
    u.__dict__.update(user.__dict__)
    u.server = node
    return u


def create_many(nodes, users, cat, n, tag):
    """n complaints registered through all nodes at once (8 threads);
    returns (acknowledged complaints, failures)."""
    def one(i):
        node = nodes[i % len(nodes)]
        r = create(node, users[node.name], cat, f"{tag}-{i}")
        return (node.name, r.status, r.json() if r.status == 201 else r.body[:300])
    made, bad = [], []
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        for name, status, body in ex.map(one, range(n)):
            (made if status == 201 else bad).append((name, body) if status == 201 else (status, body))
    return made, bad


def wait_until(cond, timeout, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(step)
    return cond()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    base = os.environ.get("REDRESS_TEST_PG_URI")
    res = Results()
    if not base:
        res.check(False, "REDRESS_TEST_PG_URI names a PostgreSQL server (tests/pg/cluster.sh)")
        print(f"RESULT multinode passed={res.passed} failed={res.failed}")
        return 1
    started = time.time()
    dbname = "rd_multinode_%d" % os.getpid()
    Server.pg_sql(base, f"CREATE DATABASE {dbname}")
    db = base.rsplit("/", 1)[0] + "/" + dbname
    a = Node(args.binary, with_app(db, "rd_mn_a"), "a")
    b = Node(args.binary, with_app(db, "rd_mn_b"), "b")
    nodes = [a, b]
    try:
        with open(a.pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        a.cli("init", "--db", db, "--admin-password-file", a.pwfile, "--demo", timeout=300)
        for n in nodes:
            n.set_clock(T0)
            n.serve()
        run(res, a, b, db)
    except Exception as e:  # a node that would not start, a broken fixture
        res.check(False, f"the test ran to its end ({type(e).__name__}: {e})",
                  traceback.format_exc())
    finally:
        for n in nodes:
            code = n.stop()
            if code not in (0, None):
                res.check(False, f"node {n.name} exits cleanly on SIGTERM (exit {code})",
                          n.log_text()[-2000:])
            errs = n.sanitizer_errors()
            if errs:
                res.check(False, f"node {n.name}: no sanitizer report", "\n".join(errs[:5]))
        if res.failed:
            for n in nodes:
                print(f"---- node {n.name} log (tail)\n" + n.log_text()[-3000:])
        for n in nodes:
            shutil.rmtree(n.dir, ignore_errors=True)
        try:
            Server.pg_sql(base, f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        except subprocess.SubprocessError:
            pass
    print(f"multinode: {time.time() - started:.1f}s")
    print(f"RESULT multinode passed={res.passed} failed={res.failed}")
    return 1 if res.failed else 0


def run(res, a, b, db):
    admin = User(a, "admin")
    # A round-the-clock calendar, two categories and two policies: "one"
    # (test 4) breaches 30 minutes after registration, "many" (tests 1 and
    # 5) an hour after, each step notifying the general managers (the
    # approvers) at the breach and 1, 2, 3 minutes after it.
    cal = expect(admin.post("/api/v1/calendars", {
        "name": "多节点全天", "timezone": "Asia/Shanghai",
        "week": {d: ALWAYS for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}), 201).json()
    cats = {}
    for key, target in (("one", "30m"), ("many", "1h")):
        cats[key] = expect(admin.post("/api/v1/categories", {"name": f"多节点{key}", "parent_id": None}),
                           201).json()["id"]
        expect(admin.post("/api/v1/sla-policies", {
            "name": f"多节点{key}", "priority": 0, "match": {"category_id": [cats[key]]},
            "calendar_id": cal["id"],
            "clocks": [{"name": "mn", "start": "registered", "stop": "resolved", "target": target,
                        "escalate": [{"on": "breach", "notify": "general_manager", "anytime": True,
                                      **({"after": f"{k}m"} if k else {})} for k in range(4)]}]}), 201)
    users = admin.list_all("/api/v1/users")
    approvers = sorted(u["id"] for u in users if u["role"] == "approver" and u["active"])
    res.check(len(approvers) >= 1, f"the demo has approvers to escalate to ({len(approvers)})")
    agent = next(u["username"] for u in users if u["role"] == "agent" and u["active"])

    # ---- 1. concurrent registrations through both nodes -------------------------
    sess = {"a": User(a, agent), "b": User(b, agent)}
    t = time.time()
    made, bad = create_many([a, b], sess, cats["many"], CONCURRENT, "并发")
    print(f"     {len(made)} complaints through both nodes in {time.time() - t:.1f}s")
    res.check(not bad and len(made) == CONCURRENT,
              f"{CONCURRENT} concurrent registrations through two nodes all acknowledged",
              bad[:5])
    numbers = [c["number"] for _, c in made]
    ids = [c["id"] for _, c in made]
    res.check(len(set(numbers)) == len(numbers) and len(set(ids)) == len(ids),
              "every acknowledged complaint has its own number and id")
    per_day = {}
    for num in numbers:
        day, _, seq = num.rpartition("-")
        per_day.setdefault(day, []).append(seq)
    res.check(all(len(s) == len(set(s)) for s in per_day.values()),
              f"no number twice within a day ({ {d: len(s) for d, s in per_day.items()} })")
    other = {"a": sess["b"], "b": sess["a"]}
    missing = []
    for name, c in made:
        r = other[name].get(f"/api/v1/complaints/{c['id']}")
        if r.status != 200 or r.json()["number"] != c["number"]:
            missing.append((name, c["id"], r.status))
    res.check(not missing, "every complaint is readable, with its number, on the other node",
              missing[:5])
    first_round = ids

    # ---- 7. one audit chain from both nodes -------------------------------------
    id_list = ",".join(str(i) for i in ids)

    def audit_done():
        rows = psql(db, "SELECT count(*) FILTER (WHERE seq IS NULL),"
                        " count(*) FILTER (WHERE action = 'complaint.create'"
                        f"   AND object_id IN ({id_list})),"
                        " count(*) FILTER (WHERE action = 'complaint.read'"
                        f"   AND object_id IN ({id_list}))"
                        " FROM audit_log")[0]
        return int(rows[0]) == 0 and int(rows[1]) == CONCURRENT and int(rows[2]) == CONCURRENT
    ok = wait_until(audit_done, 120, 0.2)
    res.check(ok, "both nodes' audit rows (a registration and a read per complaint) are all "
                  "written and chained by the chainers", psql(db, "SELECT count(*) FILTER"
                  " (WHERE seq IS NULL), count(*) FROM audit_log"))
    gaps = psql(db, "SELECT count(seq), coalesce(max(seq), 0), count(DISTINCT seq),"
                    " (SELECT seq FROM audit_head) FROM audit_log WHERE seq IS NOT NULL")[0]
    res.check(gaps[0] == gaps[1] == gaps[2] == gaps[3],
              "their seqs run 1..n without gaps or repeats, ending at the head", gaps)
    out = a.cli("audit", "verify", "--db", db)
    res.check("audit log OK" in out, "and `redress audit verify` accepts the chain", out)

    # ---- 2. one session, any node ------------------------------------------------
    on_a = User(a, agent)
    on_b = as_user(on_a, b)
    r = on_b.get("/api/v1/me")
    res.check(r.status == 200 and r.json().get("user", r.json()).get("username", agent) == agent,
              "a session made on node A is signed in on node B", r)
    r = create(b, on_b, cats["one"], "session", headers={})
    res.check(r.status == 201, "node B accepts an unsafe request with A's cookie and CSRF token", r)
    if r.status == 201:
        r2 = expect(on_a.get(f"/api/v1/complaints/{r.json()['id']}"), 200)
        res.check(r2.json()["number"] == r.json()["number"], "and node A reads what it made", r2)
    r = b.request("POST", "/api/v1/complaints", {"channel": "phone", "content": "x"},
                  {"Cookie": on_a.cookie, "X-CSRF-Token": "0" * 64})
    res.check(r.status == 403, "node B refuses A's session with a wrong CSRF token", r)
    expect(on_a.post("/api/v1/auth/logout"), 204)
    res.check(on_a.get("/api/v1/me").status == 401, "signed out on node A", on_a.server.last)
    # Node B may remember the credential for the cache's few seconds
    # (service/credcache.h, counted on the node's clock): move both on.
    for n in (a, b):
        n.set_clock(T0 + 10)
    ok = wait_until(lambda: on_b.get("/api/v1/me").status == 401, 5)
    res.check(ok, "the logout on A reaches node B within the cache's seconds", b.last)

    # ---- 3. an Idempotency-Key replayed on the other node ---------------------------
    key = "mn-" + uuid.uuid4().hex
    ua, ub = sess["a"], as_user(sess["a"], b)
    r1 = create(a, ua, cats["one"], "idem", {"Idempotency-Key": key})
    r2 = create(b, ub, cats["one"], "idem", {"Idempotency-Key": key})
    ok = r1.status == 201 and r2.status in (200, 201) and r2.json()["id"] == r1.json()["id"] \
        and r2.json()["number"] == r1.json()["number"]
    res.check(ok, "the key replayed on node B returns node A's complaint", (r1, r2))
    n_idem = len([c for c in admin.list_all("/api/v1/complaints?q=idem")
                  if c["content"].endswith(" idem")])
    res.check(n_idem == 1, f"and created nothing more ({n_idem} complaint)")
    key2 = "mn-" + uuid.uuid4().hex
    pool = concurrent.futures.ThreadPoolExecutor(2)
    fa = pool.submit(create, a, ua, cats["one"], "idem2", {"Idempotency-Key": key2})
    fb = pool.submit(create, b, ub, cats["one"], "idem2", {"Idempotency-Key": key2})
    ra, rb = fa.result(), fb.result()
    pool.shutdown()
    got = {r.json()["id"] for r in (ra, rb) if r.status in (200, 201)}
    res.check(len(got) == 1 and {ra.status, rb.status} <= {200, 201, 409},
              "one key sent to both nodes at once: one complaint", (ra, rb))

    # ---- 4. a breach falling due while both nodes sweep -----------------------------
    # 20 complaints of the 30-minute policy, made at T0+10: their 4 steps fall
    # due from T0+40min. Both clocks move there together.
    made4, bad4 = create_many([a, b], sess, cats["one"], 20, "同时")
    ids4 = [c["id"] for _, c in made4]
    res.check(not bad4, "20 more complaints for the breach", bad4[:3])
    for n in (a, b):
        n.set_clock(T0 + 10 + 33 * 60 + 30)
    admin = User(a, "admin")  # sessions may not outlive half an hour of the clock
    ok = wait_until(lambda: pending_due(db, ids4, T0 + 10 + 33 * 60 + 30) == 0, 20, 0.2)
    res.check(ok, "both nodes' sweeps fired every due step of the breach")
    time.sleep(1.2)  # one more sweep on each: nothing may fire again
    check_fired_once(res, db, ids4, 4, approvers, "the breach swept by both nodes")
    c = ids4[0]
    ev = expect(admin.get(f"/api/v1/complaints/{c}/events"), 200).json()["items"]
    steps = sorted(e["data"]["step"] for e in ev if e["type"] == "clock.breach")
    res.check(steps == [0, 1, 2, 3] or steps == [1, 2, 3, 4],
              f"its timeline shows each escalation step once ({steps})", ev[-6:])
    gm = as_user(User(a, next(u["username"] for u in users if u["id"] == approvers[0])), b)
    notes = gm.list_all("/api/v1/notifications")
    mine = [x for x in notes if x["complaint_id"] == c]
    res.check(len(mine) == 4 and len({x["data"]["step"] for x in mine}) == 4,
              f"a general manager has one notification per step ({len(mine)})", mine)

    # ---- 5. node A killed mid-sweep, node B finishes the job ------------------------
    now = T0 + 10 + 33 * 60 + 30
    due_ids = first_round
    caught = 0
    for rnd in range(ROUNDS):
        if rnd > 0:
            made5, bad5 = create_many([a, b], sess, cats["many"], PER_ROUND, f"轮{rnd}")
            res.check(not bad5, f"round {rnd + 1}: {PER_ROUND} complaints registered", bad5[:3])
            due_ids = [c["id"] for _, c in made5]
        # Only A's clock passes the deadline: A alone has the work; it is
        # killed once it is inside a sweep transaction (plus a random moment).
        now += 2 * 3600
        t = time.time()
        a.set_clock(now)
        # (or once a batch of A's has committed: a sweep quicker than the
        # polling is killed between its batches, or after them)
        total = len(due_ids) * 4
        inside = wait_until(lambda: sweeping(db, "rd_mn_a", due_ids, now, total), 15, 0.005)
        time.sleep(random.uniform(0, 0.1))
        a.kill()
        after_kill = len(due_ids) * 4 - pending_due(db, due_ids, now)
        caught += inside and after_kill < len(due_ids) * 4
        print(f"     round {rnd + 1}: A killed {'inside' if inside else 'outside'} a sweep "
              f"after {time.time() - t:.2f}s, {after_kill} of {len(due_ids) * 4} steps committed")
        b.set_clock(now)
        ok = wait_until(lambda: pending_due(db, due_ids, now) == 0, 30, 0.1)
        res.check(ok, f"round {rnd + 1}: node B fired every step A left "
                      f"({pending_due(db, due_ids, now)} pending)")
        time.sleep(1.2)
        check_fired_once(res, db, due_ids, 4, approvers, f"round {rnd + 1} after kill -9 of A")
        a.set_clock(now)
        a.serve()
        # Each node's sessions are good on the other; the agent's expire when
        # the clock moves by hours, so sign in again.
        sess = {"a": User(a, agent), "b": User(b, agent)}
    res.check(caught >= 1, f"A was killed inside a sweep transaction with work left "
                           f"in {caught} of {ROUNDS} rounds")
    res.check(not stale_claims(db), "no step claimed but not fired, none pending past due",
              stale_claims(db)[:5])

    # ---- 6. node A frozen mid-sweep (SIGSTOP: its connection stays open) ------------
    # A node that hangs, or loses the network, inside its sweep keeps its
    # transaction and the row locks of its batch. Node B must not wait for
    # it: it fires every other due step at once, and A's batch once the
    # server ends A's idle transaction (the lease: LEASE_S here).
    # Freezing A holding work takes luck with the timing (its sweep of 600
    # steps takes about a second, and a loaded machine may let it finish
    # between the poll and the signal): a freeze that caught nothing is
    # thawed, B finishes that round, and it is tried again with new work.
    ids6 = []
    for attempt in range(FREEZE_ATTEMPTS):
        made6, bad6 = create_many([a, b], sess, cats["many"], PER_ROUND, f"冻结{attempt}")
        res.check(not bad6, f"{PER_ROUND} complaints for the frozen node", bad6[:3])
        round_ids = [c["id"] for _, c in made6]
        ids6 += round_ids
        now += 2 * 3600
        a.set_clock(now)
        inside = wait_until(lambda: in_write(db, "rd_mn_a"), 15, 0.002)
        os.kill(a.proc.pid, signal.SIGSTOP)
        try:
            held = pending_due(db, round_ids, now)
            t = time.time()
            b.set_clock(now)
            locked = int(psql(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name ="
                                  " 'rd_mn_a' AND state LIKE 'idle in transaction%'")[0][0])
            print(f"     attempt {attempt + 1}: A frozen {'inside' if inside else 'outside'} a "
                  f"sweep ({locked} connection idle in a transaction), {held} steps pending")
            caught = inside and locked >= 1 and held > 0
            if caught:
                # B fires what A does not hold well before the lease ends...
                ok = wait_until(lambda: pending_due(db, round_ids, now) <= 500, LEASE_S - 0.5, 0.1)
                res.check(ok, f"node B fires the steps node A does not hold without waiting for A "
                              f"({pending_due(db, round_ids, now)} pending after "
                              f"{time.time() - t:.1f}s)")
                # ...and A's batch once A's transaction is ended for it.
                ok = wait_until(lambda: pending_due(db, round_ids, now) == 0, LEASE_S + 10, 0.1)
                res.check(ok, f"node B fires A's batch after the lease, A still frozen "
                              f"({time.time() - t:.1f}s, {pending_due(db, round_ids, now)} pending)")
        finally:
            os.kill(a.proc.pid, signal.SIGCONT)
        if caught:
            break
        wait_until(lambda: pending_due(db, round_ids, now) == 0, 30, 0.1)
        sess = {"a": User(a, agent), "b": User(b, agent)}  # the clock moved by hours
    res.check(caught, f"node A froze inside its sweep transaction, holding due steps "
                      f"(attempt {attempt + 1} of at most {FREEZE_ATTEMPTS})")
    time.sleep(2.5)  # A wakes, finds its transaction gone, sweeps again: nothing twice
    check_fired_once(res, db, ids6, 4, approvers, "after node A froze mid-sweep and woke")
    res.check(a.proc.poll() is None, "node A lives on after its connection was ended")
    # The kills and the freeze left the chain whole (rows of reads A answered
    # in its last batch interval before SIGKILL may be missing: the stated
    # loss window; what was written links and verifies).
    ok = wait_until(lambda: psql(db, "SELECT count(*) FROM audit_log WHERE seq IS NULL")[0][0] == "0",
                    60, 0.2)
    out = a.cli("audit", "verify", "--db", db)
    res.check(ok and "audit log OK" in out,
              "after the kills and the freeze every audit row is chained and the chain verifies",
              out)


def pending_due(db, ids, now):
    return int(psql(db, "SELECT count(*) FROM clock_steps s JOIN complaint_clocks c"
                        " ON c.id = s.clock_id WHERE s.state = 0 AND s.fire_at <= %d"
                        " AND c.complaint_id = ANY('{%s}'::bigint[])"
                        % (now, ",".join(map(str, ids))))[0][0])


def sweeping(db, app, ids=None, now=0, total=0):
    """Whether a connection of this node is inside a sweep's transaction
    (or, given ids, fewer than total of their steps due at now are pending:
    a batch has committed)."""
    rows = psql(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'"
                    " AND xact_start IS NOT NULL AND (query LIKE '%%clock_steps%%'"
                    " OR query LIKE 'INSERT INTO notifications%%'"
                    " OR query LIKE 'INSERT INTO complaint_events%%')" % app)
    if int(rows[0][0]) > 0:
        return True
    return bool(ids) and pending_due(db, ids, now) < total


def in_write(db, app):
    """Whether a connection of this node is inside a transaction that has
    written (the sweep's claims, notifications, events)."""
    rows = psql(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'"
                    " AND (state LIKE 'idle in transaction%%'"
                    " OR (xact_start IS NOT NULL AND (query LIKE 'UPDATE clock_steps%%'"
                    " OR query LIKE 'INSERT INTO notifications%%'"
                    " OR query LIKE 'INSERT INTO complaint_events%%')))" % app)
    return int(rows[0][0]) > 0


def stale_claims(db):
    return psql(db, "SELECT id, state, fired_at FROM clock_steps WHERE state = 1"
                    " AND fired_at IS NULL")


def check_fired_once(res, db, ids, n_steps, approvers, what):
    """Every step of these complaints' clocks fired once: state fired, one
    clock.breach event per (complaint, step), one notification per approver."""
    arr = "'{%s}'::bigint[]" % ",".join(map(str, ids))
    states = psql(db, "SELECT s.state, count(*) FROM clock_steps s JOIN complaint_clocks c"
                      f" ON c.id = s.clock_id WHERE c.complaint_id = ANY({arr}) GROUP BY 1")
    res.check(states == [["1", str(len(ids) * n_steps)]],
              f"{what}: all {len(ids) * n_steps} steps fired", states)
    events = psql(db, "SELECT complaint_id, data_json::json->>'step', count(*)"
                      f" FROM complaint_events WHERE type = 'clock.breach' AND complaint_id = ANY({arr})"
                      " GROUP BY 1, 2")
    twice = [e for e in events if e[2] != "1"]
    res.check(len(events) == len(ids) * n_steps and not twice,
              f"{what}: one timeline event per step ({len(events)} steps with events, "
              f"{len(twice)} more than once)", twice[:5])
    notes = psql(db, "SELECT n.step_id, count(*), string_agg(n.user_id::text, ',' ORDER BY n.user_id)"
                     " FROM notifications n JOIN clock_steps s ON s.id = n.step_id"
                     " JOIN complaint_clocks c ON c.id = s.clock_id"
                     f" WHERE c.complaint_id = ANY({arr}) GROUP BY 1")
    want = ",".join(map(str, approvers))
    wrong = [x for x in notes if x[2] != want]
    res.check(len(notes) == len(ids) * n_steps and not wrong,
              f"{what}: one set of notifications per step ({len(notes)} steps notified)", wrong[:5])


if __name__ == "__main__":
    sys.exit(main())
