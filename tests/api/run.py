#!/usr/bin/env python3
"""Black-box API tests: the real binary, a temporary database, real HTTP.

Usage: python3 tests/api/run.py --binary build/asan/redress
Ends with "RESULT api passed=N failed=M"."""

import argparse
import hashlib
import sys
import time
import traceback
import uuid
from urllib.parse import quote

from client import PASSWORD, Server, User

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Fail(AssertionError):
    pass


def check(cond, what, resp=None):
    if not cond:
        raise Fail(what + (f"\n      response: {resp}" if resp is not None else ""))


def expect(resp, status, what=""):
    check(resp.status == status, f"expected {status} {what}, got {resp.status}", resp)
    return resp


def problem_field(resp):
    body = resp.json()
    check(resp.headers.get("content-type", "").startswith("application/problem+json"),
          "error is not problem+json", resp)
    fields = [e.get("field") for e in body.get("errors", [])]
    return fields


class World:
    """Fixtures made through the API as admin: two departments, users of every
    role, a category and a site."""

    def __init__(self, server):
        self.s = server
        self.admin = User(server, "admin")
        a = self.admin
        self.dept_a = expect(a.post("/api/v1/departments", {"code": "t_after_sales", "name": "售后服务部(测)"}), 201).json()["id"]
        self.dept_b = expect(a.post("/api/v1/departments", {"code": "t_sales", "name": "销售部(测)"}), 201).json()["id"]
        self.cat = expect(a.post("/api/v1/categories", {"name": "维修质量(测)", "parent_id": None}), 201).json()["id"]
        self.site = expect(a.post("/api/v1/sites", {"code": "t_bj01", "name": "北京一店(测)"}), 201).json()["id"]
        users = [("t_agent", "agent", None), ("t_handler_a", "handler", self.dept_a),
                 ("t_manager_a", "manager", self.dept_a), ("t_handler_b", "handler", self.dept_b),
                 ("t_approver", "approver", None), ("t_analyst", "analyst", None),
                 ("t_auditor", "auditor", None)]
        self.ids = {}
        for name, role, dept in users:
            r = expect(a.post("/api/v1/users", {"username": name, "password": PASSWORD,
                                                 "display_name": name, "role": role,
                                                 "department_id": dept}), 201)
            self.ids[name] = r.json()["id"]
        self.agent = User(server, "t_agent")
        self.handler_a = User(server, "t_handler_a")
        self.manager_a = User(server, "t_manager_a")
        self.handler_b = User(server, "t_handler_b")
        self.approver = User(server, "t_approver")
        self.analyst = User(server, "t_analyst")
        self.auditor = User(server, "t_auditor")

    def create(self, content="更衣柜损坏导致物品丢失", user=None, **extra):
        body = {"channel": "phone", "customer": {"name": "张三", "phone": "13800138000"},
                "subject": "更衣柜", "content": content, "demands": "赔偿", "severity": 1}
        body.update(extra)
        return expect((user or self.agent).post("/api/v1/complaints", body), 201, "create").json()

    def act(self, user, cid, action, body, status=200):
        return expect(user.post(f"/api/v1/complaints/{cid}/actions/{action}", body), status,
                      f"{action}")

    def triage(self, cid, dept=None, severity=1):
        return self.act(self.agent, cid, "triage", {"valid": True, "category_id": self.cat,
                                                    "severity": severity,
                                                    "department_id": dept or self.dept_a}).json()

    def to_in_progress(self, cid, dept=None, severity=1):
        self.triage(cid, dept, severity)
        handler = self.handler_b if dept == self.dept_b else self.handler_a
        return self.act(handler, cid, "contact", {"method": "phone", "note": "已联系"}).json()

    def events(self, cid, user=None):
        return expect((user or self.agent).get(f"/api/v1/complaints/{cid}/events"), 200).json()["items"]


# ---- authentication -----------------------------------------------------------

@test
def login_logout_me(w):
    u = User(w.s, "t_agent")
    me = expect(u.get("/api/v1/me"), 200).json()
    check(me["user"]["username"] == "t_agent" and me["user"]["role"] == "agent", "me", me)
    check("password_hash" not in str(me), "hash leaked")
    r = u.server.request("POST", "/api/v1/auth/login", {"username": "t_agent", "password": PASSWORD})
    cookie = r.headers["set-cookie"]
    check("HttpOnly" in cookie and "SameSite=Strict" in cookie, "cookie flags", cookie)
    expect(u.post("/api/v1/auth/logout"), 204)
    expect(u.get("/api/v1/me"), 401, "after logout")


@test
def wrong_password_and_throttling(w):
    statuses = []
    for _ in range(8):
        statuses.append(w.s.request("POST", "/api/v1/auth/login",
                                    {"username": "t_analyst", "password": "wrong-password"}).status)
    check(statuses[0] == 401, f"wrong password gives 401: {statuses}")
    check(429 in statuses, f"throttled after repeated failures: {statuses}")


@test
def no_credentials_401(w):
    expect(w.s.request("GET", "/api/v1/complaints"), 401)
    expect(w.s.request("POST", "/api/v1/complaints", {"channel": "phone"}), 401)


@test
def csrf_required_for_cookie_posts(w):
    before = expect(w.agent.get("/api/v1/complaints?limit=500"), 200).json()["items"]
    r = w.agent.call("POST", "/api/v1/complaints",
                     {"channel": "phone", "customer": {"name": "李四"}, "content": "CSRF测试"},
                     csrf=False)
    expect(r, 403, "without CSRF token")
    r = w.agent.call("POST", "/api/v1/complaints",
                     {"channel": "phone", "customer": {"name": "李四"}, "content": "CSRF测试"},
                     csrf=False, headers={"X-CSRF-Token": "0" * 64})
    expect(r, 403, "with a wrong CSRF token")
    after = expect(w.agent.get("/api/v1/complaints?limit=500"), 200).json()["items"]
    check(len(before) == len(after), "nothing created")


@test
def bearer_token_without_csrf(w):
    r = expect(w.agent.post("/api/v1/tokens", {"name": "integration"}), 201).json()
    secret = r["token"]  # the plain secret, shown this once
    h = {"Authorization": "Bearer " + secret}
    created = expect(w.s.request("POST", "/api/v1/complaints",
                                 {"channel": "api", "customer": {"phone": "13900000001"},
                                  "content": "API令牌登记"}, headers=h), 201).json()
    check(created["status"] == "registered", "registered", created)
    expect(w.s.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + "f" * 64}), 401)


# ---- the lifecycle ---------------------------------------------------------------

@test
def full_lifecycle_with_reject_and_reopen(w):
    c = w.create(content="车辆维修后发动机仍有异响", severity=1)
    cid = c["id"]
    check(c["number"].startswith("TS") and len(c["number"]) == 17, "number format", c)
    check(c["version"] == 1 and c["status"] == "registered", "fresh", c)
    check(c["clocks"] == [], "clocks empty until issue 3", c)
    steps = [
        (w.agent, "triage", {"valid": True, "category_id": w.cat, "severity": 3, "department_id": w.dept_a}, "assigned"),
        (w.handler_a, "contact", {"method": "phone", "note": "已致电客户"}, "in_progress"),
        (w.handler_a, "progress", {"note": "正在检查车辆"}, "in_progress"),
        (w.handler_a, "propose_plan", {"kind": "compensation", "description": "赔偿维修费", "amount": 800}, "pending_approval"),
        (w.approver, "reject", {"reason": "不符合原则"}, "in_progress"),
        (w.handler_a, "propose_plan", {"kind": "compensation", "description": "赔偿维修费", "amount": 600.5}, "pending_approval"),
        (w.approver, "approve", {"note": "同意"}, "executing"),
        (w.handler_a, "resolve", {"result": "已赔付"}, "resolved"),
        (w.agent, "follow_up", {"method": "phone", "reached": True, "satisfied": False, "score": 2}, "in_progress"),
        (w.handler_a, "propose_plan", {"kind": "repair", "description": "免费返修"}, "executing"),
        (w.handler_a, "resolve", {"result": "已返修"}, "resolved"),
        (w.agent, "follow_up", {"method": "phone", "reached": True, "satisfied": True, "score": 5}, "closed"),
    ]
    version = 1
    for user, action, body, status in steps:
        r = w.act(user, cid, action, body).json()
        version += 1
        check(r["status"] == status, f"{action} -> {status}", r)
        check(r["version"] == version, f"{action} bumps version to {version}", r)
    final = expect(w.agent.get(f"/api/v1/complaints/{cid}"), 200).json()
    check(final["reopen_count"] == 1, "reopened once", final)
    check(final["satisfaction"] == {"score": 5, "satisfied": True}, "satisfaction", final)
    ev = w.events(cid)
    types = [e["type"] for e in ev]
    check(types == ["registered"] + [s[1] for s in steps], f"timeline order {types}")
    check(ev[1]["from_status"] == "registered" and ev[1]["to_status"] == "assigned", "triage event", ev[1])
    check(ev[5]["note"] == "不符合原则", "reject reason on timeline", ev[5])
    check(all(ev[i]["at"] <= ev[i + 1]["at"] for i in range(len(ev) - 1)), "oldest first")


@test
def invalid_complaint_transferred_explained_closed(w):
    cid = w.create(content="泳池外停车场收费太贵")["id"]
    r = w.act(w.agent, cid, "triage", {"valid": False, "reason": "停车场归物业管理",
                                       "transfer": {"to_party": "物业公司", "contact_person": "王经理",
                                                    "contact_phone": "010-88886666",
                                                    "contact_address": "北京市朝阳区1号"}}).json()
    check(r["status"] == "transferred" and r["validity"] == "invalid", "transferred", r)
    check(r["transfer"]["to_party"] == "物业公司", "transfer slip kept", r)
    r = w.act(w.agent, cid, "explain", {"note": "已告知客户物业联系方式"}).json()
    check(r["status"] == "closed", "closed after explanation", r)


@test
def invalid_triage_needs_transfer_slip(w):
    cid = w.create()["id"]
    r = w.act(w.agent, cid, "triage", {"valid": False, "reason": "x",
                                       "transfer": {"to_party": "物业"}}, 422)
    check("transfer.contact_person" in problem_field(r), "names transfer.contact_person", r)


@test
def plan_without_approval_goes_to_executing(w):
    cid = w.create()["id"]
    w.to_in_progress(cid)
    r = w.act(w.handler_a, cid, "propose_plan", {"kind": "apology", "description": "书面道歉"}).json()
    check(r["status"] == "executing", "no approval needed for an apology", r)
    check(r["plan"]["needs_approval"] is False, "plan says so", r)


@test
def approval_rule_from_policy(w):
    p = expect(w.admin.post("/api/v1/sla-policies", {
        "name": "全部审批(测)", "priority": 1, "match": {"severity": [2], "channel": None,
                                                        "category_id": None, "site_id": None},
        "approval": {"always": True, "severity_at_least": None, "amount_over": None},
        "clocks": []}), 201).json()
    check(p["approval"]["always"] is True, "policy stored", p)
    cid = w.create()["id"]
    w.to_in_progress(cid, severity=2)
    r = w.act(w.handler_a, cid, "propose_plan", {"kind": "apology", "description": "道歉"}).json()
    check(r["status"] == "pending_approval", "always:true needs approval", r)
    expect(w.admin.post("/api/v1/sla-policies", {
        "name": "金额审批(测)", "priority": 2, "match": {"severity": 4},
        "approval": {"always": False, "severity_at_least": None, "amount_over": 500}}), 201)
    small = w.create()["id"]
    w.to_in_progress(small, severity=4)
    r = w.act(w.handler_a, small, "propose_plan", {"kind": "refund", "description": "退款", "amount": 500}).json()
    check(r["status"] == "executing", "500 is not over 500", r)
    big = w.create()["id"]
    w.to_in_progress(big, severity=4)
    r = w.act(w.handler_a, big, "propose_plan", {"kind": "refund", "description": "退款", "amount": 500.01}).json()
    check(r["status"] == "pending_approval", "500.01 is over 500", r)
    expect(w.handler_a.post("/api/v1/sla-policies", {"name": "x", "priority": 3}), 403, "non-admin policy write")


@test
def withdraw_and_merge_from_open_states(w):
    target = w.create(content="原始投诉")
    for state_setup in ("registered", "assigned", "in_progress"):
        for action in ("withdraw", "merge"):
            cid = w.create()["id"]
            if state_setup == "assigned":
                w.triage(cid)
            elif state_setup == "in_progress":
                w.to_in_progress(cid)
            body = {"reason": "客户撤诉"} if action == "withdraw" else {"into": target["number"]}
            r = w.act(w.agent, cid, action, body).json()
            want = "withdrawn" if action == "withdraw" else "merged"
            check(r["status"] == want, f"{action} from {state_setup}", r)
            if action == "merge":
                check(r["merged_into"] == target["id"], "merged_into set", r)
    cid = w.create()["id"]
    r = w.act(w.agent, cid, "merge", {"into": cid}, 422)
    check("into" in problem_field(r), "cannot merge into itself", r)


@test
def follow_up_unreached_and_close(w):
    cid = w.create()["id"]
    w.to_in_progress(cid)
    w.act(w.handler_a, cid, "propose_plan", {"kind": "explanation", "description": "解释"})
    w.act(w.handler_a, cid, "resolve", {"result": "已解释"})
    r = w.act(w.agent, cid, "follow_up", {"method": "phone", "reached": False}).json()
    check(r["status"] == "resolved" and r["followup_attempts"] == 1, "attempt counted", r)
    r = w.act(w.agent, cid, "close", {"reason": "三次未接通"}).json()
    check(r["status"] == "closed" and r["close_reason"] == "三次未接通", "closed", r)


@test
def illegal_state_422_changes_nothing(w):
    cid = w.create()["id"]
    bodies = {"explain": {"note": "x"}, "contact": {"method": "phone"}, "progress": {"note": "x"},
              "propose_plan": {"kind": "apology", "description": "x"}, "approve": {},
              "reject": {"reason": "x"}, "resolve": {"result": "x"},
              "follow_up": {"method": "phone", "reached": True, "satisfied": True},
              "close": {"reason": "x"}, "assign": {"department_id": w.dept_a}}
    before = w.agent.get(f"/api/v1/complaints/{cid}").json()
    n_events = len(w.events(cid))
    for action, body in bodies.items():
        user = w.handler_a if action in ("contact", "progress", "propose_plan", "resolve") else (
            w.approver if action in ("approve", "reject") else w.agent)
        # Department roles cannot see a registered complaint at all: use admin for them.
        if user is w.handler_a:
            user = w.admin
        r = w.act(user, cid, action, body, 422)
        check(r.json()["type"].endswith("illegal-transition"), f"{action} illegal-transition type", r)
    after = w.agent.get(f"/api/v1/complaints/{cid}").json()
    check(after["version"] == before["version"] and after["status"] == "registered", "unchanged", after)
    check(len(w.events(cid)) == n_events, "no new event")


@test
def wrong_role_403_changes_nothing(w):
    cid = w.create()["id"]
    before = w.agent.get(f"/api/v1/complaints/{cid}").json()
    for user in (w.approver, w.analyst, w.auditor):
        w.act(user, cid, "triage", {"valid": True, "category_id": w.cat, "severity": 1,
                                    "department_id": w.dept_a}, 403)
    w.triage(cid)
    w.act(w.agent, cid, "contact", {"method": "phone"}, 403)
    w.act(w.approver, cid, "contact", {"method": "phone"}, 403)
    w.act(w.handler_a, cid, "contact", {"method": "phone"})
    w.act(w.handler_a, cid, "propose_plan", {"kind": "compensation", "description": "x", "amount": 5000})
    w.act(w.handler_a, cid, "approve", {}, 403)
    w.act(w.manager_a, cid, "approve", {}, 403)
    after = w.agent.get(f"/api/v1/complaints/{cid}").json()
    check(after["status"] == "pending_approval" and after["version"] == before["version"] + 3,
          "only the legal moves happened", after)


@test
def department_scoping(w):
    c = w.create(content="部门隔离测试 独特词甲乙丙")
    cid, number = c["id"], c["number"]
    w.triage(cid, dept=w.dept_a)
    expect(w.handler_a.get(f"/api/v1/complaints/{cid}"), 200, "own department")
    for path in (f"/api/v1/complaints/{cid}", f"/api/v1/complaints/{number}",
                 f"/api/v1/complaints/{cid}/events", f"/api/v1/complaints/{cid}/attachments"):
        r = w.handler_b.get(path)
        check(r.status in (403, 404), f"other department on {path}", r)
    r = w.act(w.handler_b, cid, "contact", {"method": "phone"}, 404)
    r = w.handler_b.post(f"/api/v1/complaints/{cid}/notes", {"note": "偷看"})
    check(r.status in (403, 404), "note on another department's", r)
    for q in ("", "?q=" + quote("甲乙丙"), f"?department_id={w.dept_a}", "?status=assigned", "?sort=due",
              "?customer_phone=13800138000"):
        items = expect(w.handler_b.get("/api/v1/complaints" + q), 200).json()["items"]
        check(all(i["id"] != cid for i in items), f"not in list {q}")
        check(all(i["department_id"] == w.dept_b for i in items), f"only own department {q}")
    items = expect(w.handler_a.get("/api/v1/complaints?q=" + quote("甲乙丙")), 200).json()["items"]
    check(any(i["id"] == cid for i in items), "own department finds it")
    check(w.handler_b.get(f"/api/v1/complaints/{cid}").json().get("content") is None, "no content leak")


@test
def idempotency_key(w):
    key = str(uuid.uuid4())
    body = {"channel": "phone", "customer": {"name": "赵六", "phone": "13700000000"},
            "content": "幂等测试 " + key}
    r1 = expect(w.agent.post("/api/v1/complaints", body, headers={"Idempotency-Key": key}), 201).json()
    r2 = expect(w.agent.post("/api/v1/complaints", body, headers={"Idempotency-Key": key}), 201).json()
    check(r1["id"] == r2["id"] and r1["number"] == r2["number"], "same complaint", (r1, r2))
    found = w.agent.get("/api/v1/complaints?customer_phone=13700000000&limit=500").json()["items"]
    check(len([i for i in found if key in i["content"]]) == 1, "one complaint created")
    body2 = dict(body, content="另一个内容")
    expect(w.agent.post("/api/v1/complaints", body2, headers={"Idempotency-Key": key}), 409)


@test
def stale_version_409(w):
    cid = w.create()["id"]
    expect(w.agent.call("PATCH", f"/api/v1/complaints/{cid}", {"subject": "新标题"},
                        headers={"If-Match": '"1"'}), 200)
    n = len(w.events(cid))
    r = w.agent.call("PATCH", f"/api/v1/complaints/{cid}", {"subject": "旧版本"},
                     headers={"If-Match": '"1"'})
    expect(r, 409, "stale If-Match")
    r = w.agent.call("PATCH", f"/api/v1/complaints/{cid}", {"subject": "旧版本", "version": 1})
    expect(r, 409, "stale version field")
    w.act(w.agent, cid, "triage", {"valid": True, "category_id": w.cat, "severity": 1,
                                   "department_id": w.dept_a, "version": 1}, 409)
    cur = w.agent.get(f"/api/v1/complaints/{cid}").json()
    check(cur["subject"] == "新标题" and cur["version"] == 2, "nothing written", cur)
    check(len(w.events(cid)) == n, "no event")
    ev = w.events(cid)[-1]
    check(ev["type"] == "edited" and ev["data"]["subject"]["to"] == "新标题", "edit on timeline", ev)


@test
def malformed_json_400(w):
    for raw in (b"{", b"not json", b'{"channel": "phone",}', b"[1,2]", b"\xff\xfe"):
        r = w.agent.call("POST", "/api/v1/complaints", raw=raw,
                         headers={"Content-Type": "application/json"})
        expect(r, 400, f"for {raw!r}")
        check(r.headers["content-type"].startswith("application/problem+json"), "problem+json", r)


@test
def missing_and_bad_fields_422(w):
    cases = [
        ({"customer": {"name": "a"}, "content": "x"}, "channel"),
        ({"channel": "phone", "customer": {"name": "a"}}, "content"),
        ({"channel": "phone", "content": "x"}, "customer"),
        ({"channel": "fax", "customer": {"name": "a"}, "content": "x"}, "channel"),
        ({"channel": "phone", "customer": {"name": "a"}, "content": "x", "severity": "high"}, "severity"),
        ({"channel": "phone", "customer": {"name": "a"}, "content": "x", "severity": 9}, "severity"),
        ({"channel": "phone", "customer": {"name": "a", "phone": "abc"}, "content": "x"}, "customer.phone"),
        ({"channel": "phone", "customer": {"name": "a"}, "content": "x", "received_at": "yesterday"}, "received_at"),
    ]
    for body, field in cases:
        r = expect(w.agent.post("/api/v1/complaints", body), 422, f"for {body}")
        check(field in problem_field(r), f"names {field}", r)
    cid = w.create()["id"]
    r = w.act(w.agent, cid, "triage", {"valid": True, "severity": 1, "department_id": w.dept_a}, 422)
    check("category_id" in problem_field(r), "triage names category_id", r)


@test
def oversized_body_413(w):
    big = {"channel": "phone", "customer": {"name": "a"}, "content": "长" * 600000}
    r = w.agent.post("/api/v1/complaints", big)
    expect(r, 413, "2 MB body")


@test
def hostile_text_round_trips(w):
    texts = ["'; DROP TABLE complaints; -- \" \\ %_ ",
             "<script>alert(1)</script>",
             "更衣柜被撬😡👍🏽 👨‍👩‍👧 𠀀 \u200b end"]
    for t in texts:
        c = w.create(content=t, subject=t[:50], demands=t)
        got = w.agent.get(f"/api/v1/complaints/{c['id']}")
        check(got.json()["content"] == t and got.json()["demands"] == t, "get round-trips", got)
        check(c["content"] == t, "create echo round-trips", c)
        lst = w.agent.get("/api/v1/complaints?limit=500").json()["items"]
        check(any(i["id"] == c["id"] and i["content"] == t for i in lst), "list round-trips")
    tables = expect(w.agent.get("/api/v1/complaints?q=" + "DROP"), 200).json()["items"]
    check(any("DROP TABLE" in i["content"] for i in tables), "search finds the SQL text")
    r = w.agent.get("/api/v1/complaints?q=%22%27%29%28*%3A")
    check(r.status in (200, 422), "FTS syntax characters never 500", r)


@test
def chinese_search_one_and_two_characters(w):
    marker = "标" + uuid.uuid4().hex[:8]
    texts = {
        "a": f"{marker} 更衣柜门坏了",
        "b": f"{marker} 要求退款处理",
        "c": f"{marker} 快递包裹破损",
        "d": f"{marker} 柜台服务态度差 退款慢",
    }
    ids = {k: w.create(content=v, subject=marker)["id"] for k, v in texts.items()}

    def found(q):
        from urllib.parse import quote
        items = expect(w.agent.get(f"/api/v1/complaints?limit=500&q={quote(marker + ' ' + q)}"), 200).json()["items"]
        return {i["id"] for i in items}

    check(found("柜") == {ids["a"], ids["d"]}, f"one character 柜: {found('柜')} vs {ids}")
    check(found("退款") == {ids["b"], ids["d"]}, "two characters 退款")
    check(found("包裹") == {ids["c"]}, "two characters 包裹")
    check(found("破") == {ids["c"]}, "one character 破")
    check(found("态度差") == {ids["d"]}, "three characters 态度差")
    check(found("退货") == set(), "absent word finds nothing")
    num = w.agent.get(f"/api/v1/complaints/{ids['a']}").json()["number"]
    from urllib.parse import quote
    items = w.agent.get("/api/v1/complaints?q=" + quote(num)).json()["items"]
    check(any(i["id"] == ids["a"] for i in items), "number search")
    latin = w.create(content=f"{marker} iPhone screen cracked", subject=marker)["id"]
    check(found("iphone") == {latin}, "Latin word, case-insensitive")


@test
def list_filters_sort_and_cursor(w):
    phone = "1360000" + str(int(time.time()) % 10000).zfill(4)
    made = []
    for i in range(7):
        made.append(w.create(content=f"分页测试 {i}", customer={"name": "分页", "phone": phone},
                             channel="email" if i % 2 else "web")["id"])
    w.triage(made[0], severity=4)
    seen, cursor, pages = [], None, 0
    while True:
        q = f"/api/v1/complaints?customer_phone={phone}&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = expect(w.agent.get(q), 200).json()
        seen += [i["id"] for i in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
        check(pages < 10, "pagination terminates")
    check(sorted(seen) == sorted(made) and len(seen) == len(set(seen)), "every item once", seen)
    check(seen == sorted(seen, reverse=True), "newest first by default", seen)
    emails = w.agent.get(f"/api/v1/complaints?customer_phone={phone}&channel=email").json()["items"]
    check(len(emails) == 3 and all(i["channel"] == "email" for i in emails), "channel filter")
    sev = w.agent.get(f"/api/v1/complaints?customer_phone={phone}&severity=4").json()["items"]
    check([i["id"] for i in sev] == [made[0]], "severity filter", sev)
    st = w.agent.get(f"/api/v1/complaints?customer_phone={phone}&status=assigned").json()["items"]
    check([i["id"] for i in st] == [made[0]], "status filter", st)
    dept = w.agent.get(f"/api/v1/complaints?customer_phone={phone}&department_id={w.dept_a}").json()["items"]
    check([i["id"] for i in dept] == [made[0]], "department filter", dept)
    expect(w.agent.get("/api/v1/complaints?sort=due&status=open"), 200)
    expect(w.agent.get("/api/v1/complaints?from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z"), 200)
    none = w.agent.get(f"/api/v1/complaints?customer_phone={phone}&to=2001-01-01T00:00:00Z").json()["items"]
    check(none == [], "to filter excludes new ones")
    r = expect(w.agent.get("/api/v1/complaints?limit=501"), 422)
    check("limit" in problem_field(r), "limit named", r)
    expect(w.agent.get("/api/v1/complaints?cursor=garbage!"), 422)
    expect(w.agent.get("/api/v1/complaints?status=nonsense"), 422)


@test
def notes(w):
    cid = w.create()["id"]
    expect(w.agent.post(f"/api/v1/complaints/{cid}/notes", {"note": "客户情绪激动，需安抚"}), 201)
    ev = w.events(cid)
    check(ev[-1]["type"] == "note" and ev[-1]["note"] == "客户情绪激动，需安抚", "note on timeline", ev[-1])
    expect(w.auditor.post(f"/api/v1/complaints/{cid}/notes", {"note": "x"}), 403)
    r = expect(w.agent.post(f"/api/v1/complaints/{cid}/notes", {}), 422)
    check("note" in problem_field(r), "names note", r)


@test
def attachments(w):
    cid = w.create()["id"]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    r = expect(w.agent.call("POST", f"/api/v1/complaints/{cid}/attachments?filename=%E5%8F%91%E7%A5%A8.png",
                            raw=png, headers={"Content-Type": "image/png"}), 201).json()
    check(r["sha256"] == hashlib.sha256(png).hexdigest(), "sha256 reported", r)
    check(r["size"] == len(png) and r["filename"] == "发票.png", "size and name", r)
    lst = expect(w.agent.get(f"/api/v1/complaints/{cid}/attachments"), 200).json()["items"]
    check([a["id"] for a in lst] == [r["id"]], "listed")
    got = expect(w.agent.get(f"/api/v1/attachments/{r['id']}/content"), 200)
    check(got.body == png, "downloaded byte-exact")
    check(got.headers["content-type"].startswith("image/png"), "content type kept", got.headers)
    huge = b"\0" * (10 * 1024 * 1024 + 10)
    expect(w.agent.call("POST", f"/api/v1/complaints/{cid}/attachments?filename=big.bin",
                        raw=huge, headers={"Content-Type": "application/octet-stream"}), 413)


@test
def organisation_admin_only(w):
    for user in (w.agent, w.handler_a, w.approver, w.auditor):
        expect(user.post("/api/v1/departments", {"code": "x_" + user.username, "name": "X"}), 403)
    expect(w.admin.post("/api/v1/departments", {"code": "t_after_sales", "name": "重复"}), 409)
    r = expect(w.admin.post("/api/v1/departments", {"code": "Bad Code", "name": "X"}), 422)
    check("code" in problem_field(r), "names code", r)
    parent = w.cat
    for level in (2, 3, 4):
        c = expect(w.admin.post("/api/v1/categories", {"name": f"第{level}级", "parent_id": parent}), 201).json()
        check(c["level"] == level, f"level {level}", c)
        parent = c["id"]
    r = expect(w.admin.post("/api/v1/categories", {"name": "第5级", "parent_id": parent}), 422)
    check("parent_id" in problem_field(r), "fifth level names parent_id", r)
    d = expect(w.admin.get(f"/api/v1/departments/{w.dept_a}"), 200).json()
    d["name"] = "售后服务部(改)"
    expect(w.admin.call("PUT", f"/api/v1/departments/{w.dept_a}", d), 200)
    check(w.agent.get(f"/api/v1/departments/{w.dept_a}").json()["name"] == "售后服务部(改)", "renamed")
    users = expect(w.agent.get("/api/v1/users"), 200).json()["items"]
    check(all("password" not in str(u) for u in users), "no hashes in users")
    expect(w.agent.get("/api/v1/sites"), 200)
    expect(w.agent.get("/api/v1/categories"), 200)


@test
def reports_summary(w):
    for g in ("category", "department", "site", "channel", "severity", "month"):
        r = expect(w.analyst.get(f"/api/v1/reports/summary?group_by={g}"), 200, g).json()
        rows = r["items"]
        check(rows and rows[-1]["key"] == "total", f"{g} has a total row", r)
        check(sum(x["total"] for x in rows[:-1]) == rows[-1]["total"], f"{g} rows add up", r)
    r = expect(w.analyst.get("/api/v1/reports/summary?group_by=planet"), 422)
    check("group_by" in problem_field(r), "names group_by", r)


@test
def health_metrics_openapi(w):
    expect(w.s.request("GET", "/healthz"), 200)
    m = expect(w.s.request("GET", "/metrics"), 200).body.decode()
    check("redress_http_requests_total" in m and "redress_complaints" in m, "metrics families")
    doc = expect(w.s.request("GET", "/api/v1/openapi.json"), 200).json()
    check(doc["openapi"].startswith("3.1"), "OpenAPI 3.1")
    paths = doc["paths"]
    for p in ("/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/me", "/api/v1/complaints",
              "/api/v1/complaints/{id}", "/api/v1/complaints/{id}/actions/{action}",
              "/api/v1/complaints/{id}/events", "/api/v1/complaints/{id}/notes",
              "/api/v1/complaints/{id}/attachments", "/api/v1/departments", "/api/v1/users",
              "/api/v1/sites", "/api/v1/categories", "/api/v1/sla-policies",
              "/api/v1/reports/summary", "/healthz", "/metrics"):
        check(p in paths, f"{p} documented")
    expect(w.s.request("GET", "/api/v1/nope"), 404)
    expect(w.s.request("DELETE", "/healthz"), 405)


@test
def customer_lookup_and_pii_masking(w):
    phone = "13511112222"
    a = w.create(content="第一次投诉", customer={"name": "回头客", "phone": phone})
    b = w.create(content="第二次投诉", customer={"name": "回头客", "phone": phone})
    r = expect(w.agent.get(f"/api/v1/customers?phone={phone}"), 200).json()
    ids = [c["id"] for c in r["complaints"]]
    check(a["id"] in ids and b["id"] in ids, "both complaints of the repeat customer", r)
    check(a["customer"]["id"] == b["customer"]["id"], "one customer record")
    masked = expect(w.auditor.get(f"/api/v1/complaints/{a['id']}"), 200).json()
    check("****" in masked["customer"]["phone"] and masked["pii_masked"] is True, "masked for auditor", masked)
    plain = w.agent.get(f"/api/v1/complaints/{a['id']}").json()
    check(plain["customer"]["phone"] == phone, "plain for agent", plain)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("-k", help="run only tests whose name contains this")
    args = ap.parse_args()
    server = Server(args.binary)
    passed = failed = 0
    try:
        server.start()
        world = World(server)
        for fn in TESTS:
            if args.k and args.k not in fn.__name__:
                continue
            t0 = time.time()
            try:
                fn(world)
                passed += 1
                print(f"ok   {fn.__name__} ({time.time() - t0:.1f}s)", flush=True)
            except Exception as e:  # a failing test, or the server misbehaving
                failed += 1
                print(f"FAIL {fn.__name__}: {e}", flush=True)
                if not isinstance(e, Fail):
                    traceback.print_exc()
    except Exception:
        failed += 1
        traceback.print_exc()
    finally:
        server.stop()
        errors = server.sanitizer_errors()
        if errors:
            failed += 1
            print("FAIL sanitizer reported errors:\n  " + "\n  ".join(errors[:20]))
            print(server.log_text()[-4000:])
        if server.proc and server.proc.returncode not in (0, -15, None):
            print(f"server exit code {server.proc.returncode}")
        server.cleanup()
    print(f"RESULT api passed={passed} failed={failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
