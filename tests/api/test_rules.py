"""Refusals that write nothing: idempotency keys, stale versions, malformed
JSON, missing or invalid fields, oversized bodies."""

import http.client
import json
from urllib.parse import quote
import threading
import uuid

from client import HOST, Fail, check, expect, expect_problem, test


def count_all(w):
    return len(w.admin.list_all("/api/v1/complaints"))


def parallel(n, fn):
    """Runs fn(i) in n threads released together; returns the results by i."""
    barrier = threading.Barrier(n)
    out = [None] * n

    def run(i):
        barrier.wait()
        try:
            out[i] = fn(i)
        except Exception as e:  # reported as the result
            out[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


@test
def idempotency_key_same_body_one_complaint(w):
    key = str(uuid.uuid4())
    body = {"channel": "phone", "customer": {"name": "赵六", "phone": "13700000000"},
            "content": "幂等测试 " + key}
    before = count_all(w)
    r1 = expect(w.agent.post("/api/v1/complaints", body, headers={"Idempotency-Key": key}), 201)
    r2 = expect(w.agent.post("/api/v1/complaints", body, headers={"Idempotency-Key": key}), 201)
    j1, j2 = r1.json(), r2.json()
    check(j1["id"] == j2["id"] and j1["number"] == j2["number"], "same id and number", (j1, j2))
    check(count_all(w) == before + 1, "one complaint created")
    check(len(w.events(j1["id"])) == 1, "one registered event")
    # Same key, different body: 409 and nothing written.
    r = w.agent.post("/api/v1/complaints", dict(body, content="另一个内容"), headers={"Idempotency-Key": key})
    expect_problem(r, 409, what="same key, different body")
    check(count_all(w) == before + 1, "409 created nothing")
    # Another key, same body: a new complaint.
    r3 = expect(w.agent.post("/api/v1/complaints", body, headers={"Idempotency-Key": str(uuid.uuid4())}), 201).json()
    check(r3["id"] != j1["id"] and r3["number"] != j1["number"], "another key makes another complaint", r3)
    check(count_all(w) == before + 2, "two complaints now")
    w.created += [j1["id"], r3["id"]]


@test
def idempotency_key_concurrent_requests_one_complaint(w):
    key = str(uuid.uuid4())
    body = {"channel": "web", "customer": {"name": "并发", "phone": "13700000001"},
            "content": "并发幂等 " + key}
    before = count_all(w)
    res = parallel(8, lambda i: w.agent.post("/api/v1/complaints", body, headers={"Idempotency-Key": key}))
    check(all(not isinstance(r, Exception) for r in res), f"every request answered: {res}")
    ok = [r for r in res if r.status == 201]
    check(ok and all(r.status in (201, 409) for r in res), f"201 (or 409 while in flight): {res}")
    check(len({(r.json()["id"], r.json()["number"]) for r in ok}) == 1, "one id and number",
          [r.json()["id"] for r in ok])
    check(count_all(w) == before + 1, "one complaint created by 8 simultaneous requests")
    w.created.append(ok[0].json()["id"])


@test
def stale_version_409_writes_nothing(w):
    cid = w.create()["id"]
    r = expect(w.agent.patch(f"/api/v1/complaints/{cid}", {"subject": "新标题"}, headers={"If-Match": '"1"'}), 200).json()
    check(r["subject"] == "新标题" and r["version"] == 2, "PATCH with the current If-Match", r)
    snap = w.snapshot(cid)
    expect_problem(w.agent.patch(f"/api/v1/complaints/{cid}", {"subject": "旧版本"}, headers={"If-Match": '"1"'}),
                   409, what="stale If-Match")
    expect_problem(w.agent.patch(f"/api/v1/complaints/{cid}", {"subject": "旧版本", "version": 1}), 409,
                   what="stale version field")
    w.act(w.agent, cid, "triage", dict(w.valid_body("triage"), version=1), 409)
    expect_problem(w.agent.post(f"/api/v1/complaints/{cid}/actions/triage", w.valid_body("triage"),
                                headers={"If-Match": '"1"'}), 409, what="action with a stale If-Match")
    expect_problem(w.agent.patch(f"/api/v1/complaints/{cid}", {"subject": "无版本"}), 422, "version",
                   "PATCH without a version")
    cur = w.get(cid)
    check(cur["subject"] == "新标题" and cur["status"] == "registered", "nothing written", cur)
    check(w.snapshot(cid) == snap, "same version, no event", (snap, w.snapshot(cid)))
    ev = w.events(cid)[-1]
    check(ev["type"] == "edited" and ev["data"]["subject"]["to"] == "新标题", "the edit is on the timeline", ev)
    r = w.agent.post(f"/api/v1/complaints/{cid}/actions/triage", w.valid_body("triage"), headers={"If-Match": '"2"'})
    check(expect(r, 200, "action with the current If-Match").json()["version"] == 3, "version 3", r)


@test
def concurrent_updates_one_wins(w):
    cid = w.create()["id"]
    res = parallel(8, lambda i: w.agent.patch(f"/api/v1/complaints/{cid}", {"subject": f"并发{i}", "version": 1}))
    codes = sorted(r.status if not isinstance(r, Exception) else str(r) for r in res)
    check(codes == [200] + [409] * 7, f"one 200, seven 409: {codes}")
    c = w.get(cid)
    winner = [i for i, r in enumerate(res) if r.status == 200][0]
    check(c["version"] == 2 and c["subject"] == f"并发{winner}", "the winner's write, version 2", c)
    cid = w.in_state("in_progress")
    v = w.get(cid)["version"]
    res = parallel(8, lambda i: w.agent.post(f"/api/v1/complaints/{cid}/actions/withdraw", {"reason": f"撤{i}"}))
    codes = sorted(r.status if not isinstance(r, Exception) else str(r) for r in res)
    check(codes.count(200) == 1 and all(c in (200, 409, 422) for c in codes), f"one withdraw wins: {codes}")
    check(w.get(cid)["version"] == v + 1, "one version step")
    check([e["type"] for e in w.events(cid)].count("withdraw") == 1, "one withdraw event")


@test
def malformed_json_400(w):
    cid = w.create()["id"]
    snap = w.snapshot(cid)
    before = count_all(w)
    targets = [("POST", "/api/v1/complaints"), ("POST", f"/api/v1/complaints/{cid}/actions/triage"),
               ("PATCH", f"/api/v1/complaints/{cid}"), ("POST", f"/api/v1/complaints/{cid}/notes"),
               ("POST", "/api/v1/departments")]
    for raw in (b"{", b"not json", b'{"channel": "phone",}', b"\xff\xfe", b'{"a":1}{"b":2}', b""):
        for method, path in targets:
            user = w.admin
            r = user.call(method, path, raw=raw, headers={"Content-Type": "application/json",
                                                          "If-Match": '"1"'})
            if raw == b"":
                check(r.status in (400, 422), f"empty body on {method} {path}", r)
                continue
            expect_problem(r, 400, what=f"{raw!r} on {method} {path}")
    r = w.s.request("POST", "/api/v1/auth/login", raw=b'{"username":', headers={"Content-Type": "application/json"})
    expect_problem(r, 400, what="malformed login")
    # JSON that is not an object where an object is expected.
    for raw in (b"[1,2]", b'"text"', b"42", b"null"):
        r = w.agent.call("POST", "/api/v1/complaints", raw=raw, headers={"Content-Type": "application/json"})
        check(r.status in (400, 422), f"{raw!r} is not an object", r)
    check(count_all(w) == before, "nothing created")
    check(w.snapshot(cid) == snap, "nothing changed")


CREATE_CASES = [
    ({"customer": {"name": "a"}, "content": "x"}, "channel"),
    ({"channel": "phone", "customer": {"name": "a"}}, "content"),
    ({"channel": "phone", "customer": {"name": "a"}, "content": ""}, "content"),
    ({"channel": "phone", "content": "x"}, "customer"),
    ({"channel": "fax", "customer": {"name": "a"}, "content": "x"}, "channel"),
    ({"channel": 5, "customer": {"name": "a"}, "content": "x"}, "channel"),
    ({"channel": "phone", "customer": {"name": "a"}, "content": 123}, "content"),
    ({"channel": "phone", "customer": {"name": "a"}, "content": "x", "severity": "high"}, "severity"),
    ({"channel": "phone", "customer": {"name": "a"}, "content": "x", "severity": 9}, "severity"),
    ({"channel": "phone", "customer": {"name": "a"}, "content": "x", "severity": 0}, "severity"),
    ({"channel": "phone", "customer": {"name": "a"}, "content": "x", "anger": 6}, "anger"),
    ({"channel": "phone", "customer": {"name": "a", "phone": "abc"}, "content": "x"}, "customer.phone"),
    ({"channel": "phone", "customer": {"name": "a"}, "content": "x", "received_at": "yesterday"}, "received_at"),
    ({"channel": "phone", "customer": {"name": "a"}, "content": "x", "site_id": 987654}, "site_id"),
    ({"channel": "phone", "customer": {"name": "a"}, "content": "x", "category_id": 987654}, "category_id"),
    ({"channel": "phone", "customer": {"name": "a"}, "content": "x", "category_id": "x"}, "category_id"),
]


@test
def create_missing_or_bad_field_422_names_it(w):
    before = count_all(w)
    failures = []
    for body, field in CREATE_CASES:
        r = w.agent.post("/api/v1/complaints", body)
        try:
            expect_problem(r, 422, field, f"for {body}")
        except Fail as e:  # report every case, not just the first
            failures.append(str(e))
            if r.status == 201:
                w.created.append(r.json()["id"])
                before += 1
    check(not failures, f"{len(failures)} of {len(CREATE_CASES)} cases:\n" + "\n".join(failures))
    r = w.agent.post("/api/v1/complaints", {"channel": "phone", "customer": {}, "content": "x"})
    expect(r, 422, "a customer with neither name nor phone")
    check(any(f and f.startswith("customer") for f in [e["field"] for e in r.json()["errors"]]),
          "names customer", r)
    check(count_all(w) == before, "nothing created")


@test
def action_missing_or_bad_field_422_names_it(w):
    cases = [  # (state, action, body, field)
        ("registered", "triage", {"category_id": None, "severity": 1}, "valid"),
        ("registered", "triage", {"valid": "yes", "severity": 1}, "valid"),
        ("registered", "triage", {"valid": True, "severity": 1, "department_id": None}, "category_id"),
        ("registered", "triage", {"valid": True, "category_id": "CAT", "severity": 1}, "department_id"),
        ("registered", "triage", {"valid": True, "category_id": "CAT", "department_id": "DEPT"}, "severity"),
        ("registered", "triage", {"valid": True, "category_id": "CAT", "severity": 6, "department_id": "DEPT"}, "severity"),
        ("registered", "triage", {"valid": True, "category_id": "CAT", "severity": 1, "department_id": 987654}, "department_id"),
        ("registered", "triage", {"valid": True, "category_id": 987654, "severity": 1, "department_id": "DEPT"}, "category_id"),
        ("transferred", "explain", {}, "note"),
        ("assigned", "assign", {}, "department_id"),
        ("assigned", "contact", {"note": "x"}, "method"),
        ("assigned", "contact", {"method": "fax"}, "method"),
        ("in_progress", "progress", {}, "note"),
        ("in_progress", "progress", {"note": ""}, "note"),
        ("in_progress", "propose_plan", {"description": "x"}, "kind"),
        ("in_progress", "propose_plan", {"kind": "bribe", "description": "x"}, "kind"),
        ("in_progress", "propose_plan", {"kind": "apology"}, "description"),
        ("in_progress", "propose_plan", {"kind": "refund", "description": "x"}, "amount"),
        ("in_progress", "propose_plan", {"kind": "compensation", "description": "x", "amount": -5}, "amount"),
        ("in_progress", "propose_plan", {"kind": "compensation", "description": "x", "amount": "lots"}, "amount"),
        ("in_progress", "propose_plan", {"kind": "compensation", "description": "x", "amount": 1.234}, "amount"),
        ("pending_approval", "reject", {}, "reason"),
        ("executing", "resolve", {}, "result"),
        ("resolved", "follow_up", {"method": "phone"}, "reached"),
        ("resolved", "follow_up", {"method": "phone", "reached": True}, "satisfied"),
        ("resolved", "follow_up", {"method": "phone", "reached": True, "satisfied": True, "score": 6}, "score"),
        ("resolved", "follow_up", {"method": "pigeon", "reached": False}, "method"),
        ("resolved", "close", {}, "reason"),
        ("in_progress", "withdraw", {}, "reason"),
        ("in_progress", "merge", {}, "into"),
    ]
    fixtures = {}
    for state, action, body, field in cases:
        if state not in fixtures:
            fixtures[state] = w.in_state(state)
        cid = fixtures[state]
        body = {k: (w.cat if v == "CAT" else w.dept_a if v == "DEPT" else v) for k, v in body.items()}
        snap = w.snapshot(cid)
        r = w.admin.post(f"/api/v1/complaints/{cid}/actions/{action}", body)
        expect_problem(r, 422, field, f"{action} {body}")
        check(w.snapshot(cid) == snap, f"{action} refused: nothing changed", (snap, w.snapshot(cid)))


@test
def oversized_body_413(w):
    before = count_all(w)
    cid = w.create()["id"]
    snap = w.snapshot(cid)
    big = {"channel": "phone", "customer": {"name": "a"}, "content": "长" * 600000}  # 1.8 MB
    expect_problem(w.agent.post("/api/v1/complaints", big), 413, what="1.8 MB create")
    expect_problem(w.agent.post(f"/api/v1/complaints/{cid}/actions/withdraw", {"reason": "x" * (2 << 20)}), 413,
                   what="2 MB action")
    expect_problem(w.agent.patch(f"/api/v1/complaints/{cid}", {"subject": "x" * (2 << 20), "version": 1}), 413,
                   what="2 MB PATCH")
    expect(w.s.request("POST", "/api/v1/auth/login", {"username": "x" * (2 << 20), "password": "x"}), 413,
           "2 MB login")
    # Chunked, without Content-Length: the limit must hold while streaming.
    conn = http.client.HTTPConnection(HOST, w.s.port, timeout=60)
    try:
        conn.putrequest("POST", "/api/v1/complaints")
        for k, v in (("Cookie", w.agent.cookie), ("X-CSRF-Token", w.agent.csrf),
                     ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")):
            conn.putheader(k, v)
        conn.endheaders()
        try:
            head = b'{"channel":"phone","customer":{"name":"a"},"content":"'
            conn.send(b"%x\r\n" % len(head) + head + b"\r\n")
            chunk = b"a" * 16384
            for _ in range(100):  # 1.6 MB
                conn.send(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            conn.send(b'2\r\n"}\r\n0\r\n\r\n')
        except (BrokenPipeError, ConnectionResetError):
            pass
        r = conn.getresponse()
        check(r.status == 413, f"1.6 MB chunked body: got {r.status} {r.read()[:300]!r}")
    finally:
        conn.close()
    # Just under the limit is not "too large" (the content field may be too long: 422).
    r = w.agent.post("/api/v1/complaints", {"channel": "phone", "customer": {"name": "a"}, "content": "a" * 1000000})
    check(r.status in (201, 422), "a 1,000,000-byte body is within 1 MiB", r)
    if r.status == 201:
        w.created.append(r.json()["id"])
    check(count_all(w) == before + 1 + (r.status == 201), "no oversized request created anything")
    check(w.snapshot(cid) == snap, "no oversized request changed anything")
    expect(w.s.request("GET", "/healthz"), 200, "server still healthy")


@test
def strange_input_is_refused_cleanly(w):
    before = count_all(w)
    base = b'{"channel":"phone","customer":{"name":"x"},"content":"%s"}'
    for content in (b"abc\\u0000def", b"abc\xff", b"abc\\ud800", b"\xc0\xaf", b"\xed\xa0\x80"):
        r = w.agent.call("POST", "/api/v1/complaints", raw=base % content, headers={"Content-Type": "application/json"})
        if r.status == 201:  # a NUL may be stored only if it round-trips
            c = r.json()
            w.created.append(c["id"])
            before += 1
            check(c["content"] == json.loads(base % content)["content"], f"{content!r} round-trips", r)
        else:
            expect_problem(r, 400, what=f"content bytes {content!r}")
    r = w.agent.call("POST", "/api/v1/complaints", raw=b"[" * 100000 + b"]" * 100000,
                     headers={"Content-Type": "application/json"})
    expect_problem(r, 400, what="100000 nested arrays")
    r = w.agent.call("POST", "/api/v1/complaints", raw=b'{"channel":"phone","channel":"fax","customer":{"name":"x"},"content":"y"}',
                     headers={"Content-Type": "application/json"})
    check(r.status in (400, 422), "a duplicate key is refused", r)
    for body, field in (({"severity": 1.5}, "severity"), ({"severity": True}, "severity"),
                        ({"received_at": "2999-01-01T00:00:00+08:00"}, "received_at"),
                        ({"received_at": "2026-02-30T10:00:00+08:00"}, "received_at")):
        b = {"channel": "phone", "customer": {"name": "x"}, "content": "y"}
        b.update(body)
        expect_problem(w.agent.post("/api/v1/complaints", b), 422, field, f"{body}")
    for path in ("99999999999999999999", "-1", "1abc", "%2e%2e", "0", "TS", "TS20260101-00000x"):
        r = w.agent.get("/api/v1/complaints/" + path)
        expect_problem(r, 404, what=f"complaint {path!r}")
    r = w.agent.get("/api/v1/complaints?q=" + quote("退" * 1000))
    check(r.status in (200, 414, 422), "a 1000-character query", r)
    check(count_all(w) == before, "nothing created")


@test
def money_round_trips_to_the_fen(w):
    cids = []
    for amt in (19.99, 0.29, 1.15, 4.35, 0.57, 8.2, 9.95, 0.01, 123456789.99, 100):
        cid = w.in_state("in_progress")
        r = w.act(w.handler_a, cid, "propose_plan", {"kind": "refund", "description": "退款", "amount": amt}).json()
        check(r["plan"]["amount"] == amt, f"amount {amt} round-trips", r["plan"])
        check(r["plan"]["needs_approval"] is (amt > 500), f"{amt} > 500 decides approval", r["plan"])
        cids.append(cid)
    expect_problem(w.handler_a.post(f"/api/v1/complaints/{w.in_state('in_progress')}/actions/propose_plan",
                                    {"kind": "refund", "description": "x", "amount": 1.005}), 422, "amount")
