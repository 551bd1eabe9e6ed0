#!/usr/bin/env python3
"""The authorisation matrix: every route, called by every kind of caller,
compared with the table in tests/api/authz_table.py.

The routes come from the server itself (GET /api/v1/openapi.json, which
src/http/openapi.c builds from the route table; the workflow's actions from
the enum of the {action} parameter). A route or action the table does not
list fails the test by name, and so does a table entry the server lacks.

Callers: no credentials; a session of each role (agent, handler, manager,
approver, analyst, auditor, admin; handler and manager of department A);
a handler and a manager of department B, for whom department A's complaints
must not exist (404: no IDOR); an API token (bearer, no CSRF needed); an
admin session without X-CSRF-Token and one with a wrong one (403 on unsafe
methods); a revoked API token, a logged-out session and a session past its
12 hours (the server's clock is a file the test moves: REDRESS_FAKE_NOW)
(401).

For each route and caller the test builds a request that succeeds for an
allowed caller (real ids of fixtures it made; a fresh fixture for each call
that changes or consumes something) and checks the answer: the route's
documented 2xx when allowed, the table's 401/403/404 when not.

Then the department-scope probes: lists (with filters and q= search),
the customer lookup and the report summaries as department B's handler
and manager must not show or count department A's complaints, while A's
staff see them (so a probe can fail).

Usage: python3 tests/api/authz_test.py --binary build/asan/redress
(REDRESS_API_PG_URI=postgresql://... runs it on PostgreSQL.)
Prints "authorisation matrix: R routes x C callers = N checks" and ends with
"RESULT authz passed=N failed=M" (exit 1 when M > 0): one check per
route x caller and one per probe."""

import argparse
import itertools
import os
import re
import sys
import time
import traceback
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import authz_table as table  # noqa: E402
from client import PASSWORD, Fail, Server, User, World, describe, expect  # noqa: E402

# Monday 10:00 in Beijing; moved two days on once the notification's clock
# is set (see Fixtures.make_notification).
T0 = "2026-11-23T10:00:00+08:00"
T1 = "2026-11-25T10:00:00+08:00"
# Thirteen hours before T1: a session signed in then (12 hours) has ended by T1.
T1_EARLY = "2026-11-24T21:00:00+08:00"

SAFE = ("GET", "HEAD")
SIGNED_OUT = ("anonymous", "revoked token", "logged-out session", "expired session")
BAD_CSRF = ("no CSRF token", "wrong CSRF token")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# Loopback addresses of their own for portal calls: its limits are per
# client address, and the matrix calls it many times.
_ips = (f"127.0.{n // 250}.{n % 250 + 2}" for n in itertools.count(1500))


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, cond, what, resp=None):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}" + ("\n" + describe(resp) if resp is not None else ""), flush=True)
        return cond


# ---- callers ------------------------------------------------------------------

class Caller:
    """Someone calling the API: a kind of credentials and, when signed in
    with valid ones, a role (and whether they belong to department B)."""

    def __init__(self, name, kind, role=None, foreign=False, user=None, secret=None):
        self.name = name
        self.kind = kind          # "session", "token", or a name of SIGNED_OUT / BAD_CSRF
        self.role = role
        self.foreign = foreign    # of department B: A's complaints are not theirs
        self.user = user          # a client.User (session kinds)
        self.secret = secret      # an API token (token kinds)

    def headers(self, method):
        h = {}
        if self.kind in ("token", "revoked token"):
            h["Authorization"] = "Bearer " + self.secret
        if self.user is not None:
            h["Cookie"] = self.user.cookie
            if method not in SAFE:
                if self.kind in ("session", "logged-out session", "expired session"):
                    h["X-CSRF-Token"] = self.user.csrf
                elif self.kind == "wrong CSRF token":
                    h["X-CSRF-Token"] = "0" * len(self.user.csrf)
        return h

    def request(self, server, method, spec):
        h = self.headers(method)
        h.update(spec.get("headers") or {})
        return server.request(method, spec["path"], body=spec.get("body"), raw=spec.get("raw"),
                              headers=h, source=spec.get("source"))

    def stand_in(self, fx):
        """The same kind of caller as a new user of the same role, for calls
        that end all of the user's sessions or change their password (the
        shared users must keep theirs for the other routes)."""
        if self.role is None:
            return self
        dept = None
        if self.role in ("handler", "manager"):
            dept = fx.w.dept_b if self.foreign else fx.w.dept_a
        name = fx.name("z_own")
        fx.new_user(name, self.role, dept)
        if self.kind == "token":
            return Caller(self.name, self.kind, self.role, self.foreign,
                          secret=fx.new_token(User(fx.s, name)))
        return Caller(self.name, self.kind, self.role, self.foreign, user=User(fx.s, name))

    def clone(self, fx):
        """The same caller with credentials of its own, for calls that end
        them (logout)."""
        if self.kind in ("session", *BAD_CSRF):
            return Caller(self.name, self.kind, self.role, self.foreign,
                          user=User(fx.s, self.user.username))
        if self.kind == "token":
            return Caller(self.name, self.kind, self.role, self.foreign,
                          secret=fx.new_token(fx.w.admin))
        return self


# Routes that end every session of the caller's user or change their
# password: called as a stand-in (Caller.stand_in).
OWN_ACCOUNT = ("POST /api/v1/auth/logout-all", "POST /api/v1/me/password")


# ---- fixtures -----------------------------------------------------------------

class Fixtures:
    """Everything the requests name, made through the API as the roles that
    may make it; a fresh one for each call that changes or consumes it."""

    def __init__(self, server, clock_path):
        self.s = server
        self.clock_path = clock_path
        self.w = World(server)
        self.seq = itertools.count(1)
        self.cache = {}
        w = self.w
        self.make_notification()
        self.refresh_sessions()
        self.calendar = w.admin.list_all("/api/v1/calendars")[0]["id"]
        # Department A's complaint every read names, with words and a phone
        # nobody else has (the scope probes look for them).
        self.word = "唯一关键词甲"
        self.phone_a = "13911112222"
        self.c_a = w.create(content=f"{self.word}：更衣柜坏了", customer={"name": "甲客户", "phone": self.phone_a})
        w.to_in_progress(self.c_a["id"])
        self.c_a = w.get(self.c_a["id"])
        self.attachment = expect(w.admin.call(
            "POST", f"/api/v1/complaints/{self.c_a['id']}/attachments?filename=a.txt",
            headers={"Content-Type": "text/plain"}, raw=b"receipt"), 201).json()["id"]
        # Department B's own complaint, for the other side of the probes.
        self.phone_b = "13933334444"
        self.c_b = w.create(content="乙部门的投诉", customer={"name": "乙客户", "phone": self.phone_b})
        w.to_in_progress(self.c_b["id"], dept=w.dept_b)
        self.merge_into = w.in_state("assigned", content="合并目标")
        self.resolved = w.in_state("resolved", content="待回访")
        self.survey_token = expect(w.agent.post(f"/api/v1/complaints/{self.resolved}/survey-link"),
                                   201).json()["token"]
        # Targets of the configuration writes, none of them anyone's own.
        a = w.admin
        self.dept = expect(a.post("/api/v1/departments", {"code": "z_dept", "name": "改名部门"}), 201).json()["id"]
        self.site = expect(a.post("/api/v1/sites", {"code": "z_site", "name": "改名门店"}), 201).json()["id"]
        self.cat = expect(a.post("/api/v1/categories", {"name": "改名分类", "parent_id": None}), 201).json()["id"]
        self.user = self.new_user("z_put", "analyst")
        self.new_user("z_owner", "analyst")
        self.new_user("z_login", "agent")
        self.owner = User(server, "z_owner")
        self.policy = expect(a.post("/api/v1/sla-policies", self.policy_body()), 201).json()["id"]
        self.asset = re.search(r'/assets/([^"\']+)', expect(server.request("GET", "/"), 200)
                               .body.decode("utf-8", "replace")).group(1)
        self.portal = self.portal_submit(next(_ips))

    # -- time and sessions

    def set_clock(self, when):
        tmp = self.clock_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(when + "\n")
        os.replace(tmp, self.clock_path)

    def refresh_sessions(self):
        """Signs World's users in again (moving the clock by days ends
        sessions, as it would in an office)."""
        w = self.w
        for attr, name in (("admin", "admin"), ("agent", "t_agent"), ("handler_a", "t_handler_a"),
                           ("manager_a", "t_manager_a"), ("handler_b", "t_handler_b"),
                           ("manager_b", "t_manager_b"), ("approver", "t_approver"),
                           ("analyst", "t_analyst"), ("auditor", "t_auditor")):
            setattr(w, attr, User(self.s, name))
        w.by_role = {"agent": w.agent, "handler": w.handler_a, "manager": w.manager_a,
                     "approver": w.approver, "analyst": w.analyst, "auditor": w.auditor,
                     "admin": w.admin}

    def make_notification(self):
        """A notification of department A's manager: a letter's one-day
        clock breached, which the server's sweep reports to the manager."""
        w = self.w
        expect(w.admin.post("/api/v1/sla-policies", {
            "name": "来信(权限测试)", "priority": 1, "match": {"channel": ["letter"]},
            "clocks": [{"name": "reply", "start": "registered", "stop": "resolved", "target": "1cd",
                        "escalate": [{"on": "breach", "notify": "department_manager",
                                      "anytime": True}]}]}), 201)
        c = w.create(channel="letter")
        w.triage(c["id"])
        self.set_clock(T1)
        deadline = time.time() + 120
        while True:
            items = expect(User(self.s, "t_manager_a").get("/api/v1/notifications"), 200).json()["items"]
            if items:
                self.notification = items[0]["id"]
                return
            if time.time() > deadline:
                raise Fail("the sweep never notified department A's manager of the breached clock")
            time.sleep(0.2)

    # -- makers

    def name(self, prefix):
        return f"{prefix}{next(self.seq)}"

    def new_user(self, username, role, dept=None):
        return expect(self.w.admin.post("/api/v1/users", {
            "username": username, "password": PASSWORD, "display_name": username,
            "role": role, "department_id": dept}), 201).json()["id"]

    def new_token(self, user, with_id=False):
        t = expect(user.post("/api/v1/tokens", {"name": self.name("t")}), 201).json()
        return (t["token"], t["id"]) if with_id else t["token"]

    def policy_body(self):
        return {"name": self.name("策略"), "priority": 90, "match": {"channel": ["internal"]},
                "clocks": [{"name": "resolve", "start": "registered", "stop": "resolved", "target": "3d"}]}

    def portal_submit(self, ip):
        r = expect(self.s.request("POST", "/api/v1/portal/complaints",
                                  {"name": "王女士", "phone": "13912345678", "content": "泳池更衣柜门坏了"},
                                  source=ip), 201).json()
        return {"number": r["number"], "upload": r["photos"]["token"]}

    def shared(self, key, make, fresh):
        """make() for a call that will change or consume it, else one kept
        under key (given up by the runner after a call that succeeded)."""
        if fresh:
            return make()
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def in_progress(self):
        cid = self.w.create(content="延期测试")["id"]
        self.w.to_in_progress(cid)
        return cid

    def extension(self):
        cid = self.in_progress()
        eid = expect(self.w.handler_a.post(f"/api/v1/complaints/{cid}/clocks/resolve/extensions",
                                           {"target": "5d", "reason": "需调查"}), 201).json()["id"]
        return cid, eid

    def in_state(self, state):
        w = self.w
        if state == "waiting":
            cid = w.in_state("in_progress", content="等待客户")
            w.act(w.handler_a, cid, "wait", {"reason": "等客户凭证"})
            return cid
        return w.in_state(state, content=f"动作测试 {state}")

    def survey(self):
        cid = self.w.in_state("resolved", content="问卷")
        return expect(self.w.agent.post(f"/api/v1/complaints/{cid}/survey-link"), 201).json()["token"]


# ---- one request per route that succeeds for an allowed caller -------------------

ACTION_STATE = {
    "triage": "registered", "explain": "transferred", "assign": "assigned", "contact": "assigned",
    "progress": "in_progress", "propose_plan": "in_progress", "approve": "pending_approval",
    "reject": "pending_approval", "resolve": "executing", "follow_up": "resolved",
    "close": "resolved", "withdraw": "assigned", "merge": "assigned", "wait": "in_progress",
    "resume": "waiting",
}


def action_body(fx, action):
    if action == "assign":
        return {"department_id": fx.w.dept_a, "assignee_id": fx.w.ids["t_handler_a"]}
    if action == "resume":
        return {}
    return fx.w.valid_body(action, merge_into=fx.merge_into)


def build(fx, key, fresh):
    """(request spec, cache key it used or None) for route key; fresh: the
    call is expected to succeed, so whatever it changes is its own."""
    w, c = fx.w, fx.c_a["id"]
    if key.startswith("action "):
        action = key.split()[1]
        cid = fx.shared(key, lambda: fx.in_state(ACTION_STATE[action]), fresh)
        return {"path": f"/api/v1/complaints/{cid}/actions/{action}",
                "body": action_body(fx, action)}, key
    n = fx.name
    simple = {
        "GET /": "/", "GET /healthz": "/healthz", "GET /metrics": "/metrics",
        "GET /api/v1/version": "/api/v1/version", "GET /api/v1/openapi.json": "/api/v1/openapi.json",
        "GET /portal": "/portal", "GET /api/v1/me": "/api/v1/me",
        "GET /api/v1/tokens": "/api/v1/tokens", "POST /api/v1/auth/logout": "/api/v1/auth/logout",
        "GET /api/v1/complaints": "/api/v1/complaints",
        "GET /api/v1/complaints/{id}": f"/api/v1/complaints/{c}",
        "GET /api/v1/complaints/{id}/events": f"/api/v1/complaints/{c}/events",
        "GET /api/v1/complaints/{id}/attachments": f"/api/v1/complaints/{c}/attachments",
        "GET /api/v1/attachments/{id}": f"/api/v1/attachments/{fx.attachment}",
        "GET /api/v1/attachments/{id}/content": f"/api/v1/attachments/{fx.attachment}/content",
        "GET /api/v1/complaints/{id}/extensions": f"/api/v1/complaints/{c}/extensions",
        "GET /api/v1/customers": f"/api/v1/customers?phone={fx.phone_a}",
        "GET /api/v1/reports/summary": "/api/v1/reports/summary?group_by=department",
        "GET /api/v1/notifications": "/api/v1/notifications",
        "GET /api/v1/audit": "/api/v1/audit?limit=5",
        "POST /api/v1/notifications/{id}/read": f"/api/v1/notifications/{fx.notification}/read",
        "POST /api/v1/complaints/{id}/survey-link": f"/api/v1/complaints/{fx.resolved}/survey-link",
        "GET /api/v1/portal/surveys/{token}": f"/api/v1/portal/surveys/{fx.survey_token}",
        "GET /api/v1/departments": "/api/v1/departments",
        "GET /api/v1/departments/{id}": f"/api/v1/departments/{fx.dept}",
        "GET /api/v1/sites": "/api/v1/sites", "GET /api/v1/sites/{id}": f"/api/v1/sites/{fx.site}",
        "GET /api/v1/categories": "/api/v1/categories",
        "GET /api/v1/categories/{id}": f"/api/v1/categories/{fx.cat}",
        "GET /api/v1/users": "/api/v1/users", "GET /api/v1/users/{id}": f"/api/v1/users/{fx.user}",
        "GET /api/v1/calendars": "/api/v1/calendars",
        "GET /api/v1/calendars/{id}": f"/api/v1/calendars/{fx.calendar}",
        "GET /api/v1/sla-policies": "/api/v1/sla-policies",
        "GET /api/v1/sla-policies/{id}": f"/api/v1/sla-policies/{fx.policy}",
    }
    if key in simple:
        return {"path": simple[key]}, None
    if key == "GET /assets/{name}":
        return {"path": f"/assets/{fx.asset}"}, None
    if key == "POST /api/v1/auth/login":
        return {"path": "/api/v1/auth/login", "body": {"username": "z_login", "password": PASSWORD}}, None
    if key == "POST /api/v1/auth/logout-all":
        return {"path": "/api/v1/auth/logout-all"}, None
    if key == "POST /api/v1/me/password":
        return {"path": "/api/v1/me/password",
                "body": {"current_password": PASSWORD, "new_password": "Matrix-new-pw-9"}}, None
    if key == "DELETE /api/v1/users/{id}/sessions":
        return {"path": f"/api/v1/users/{fx.user}/sessions"}, None
    if key == "PATCH /api/v1/me":
        return {"path": "/api/v1/me", "body": {"language": "zh-CN"}}, None
    if key == "POST /api/v1/tokens":
        return {"path": "/api/v1/tokens", "body": {"name": n("tok")}}, None
    if key == "DELETE /api/v1/tokens/{id}":
        def owned():
            return fx.new_token(fx.owner, with_id=True)[1]
        return {"path": f"/api/v1/tokens/{fx.shared(key, owned, fresh)}"}, key
    if key == "POST /api/v1/complaints":
        return {"path": "/api/v1/complaints",
                "body": {"channel": "phone", "customer": {"name": "张三", "phone": "13800138000"},
                         "content": "登记测试", "severity": 1}}, None
    if key == "PATCH /api/v1/complaints/{id}":
        def assigned():
            return w.in_state("assigned", content="修改测试")
        cid = fx.shared(key, assigned, fresh)
        version = w.get(cid)["version"]
        return {"path": f"/api/v1/complaints/{cid}", "body": {"subject": n("新主题"), "version": version}}, key
    if key == "POST /api/v1/complaints/{id}/notes":
        return {"path": f"/api/v1/complaints/{c}/notes", "body": {"note": "内部备注"}}, None
    if key == "POST /api/v1/complaints/{id}/attachments":
        return {"path": f"/api/v1/complaints/{c}/attachments?filename=n.txt",
                "headers": {"Content-Type": "text/plain"}, "raw": b"note"}, None
    if key == "POST /api/v1/complaints/{id}/clocks/{name}/extensions":
        cid = fx.shared(key, fx.in_progress, fresh)
        return {"path": f"/api/v1/complaints/{cid}/clocks/resolve/extensions",
                "body": {"target": "5d", "reason": "需调查"}}, key
    if key in ("POST /api/v1/complaints/{id}/extensions/{eid}/grant",
               "POST /api/v1/complaints/{id}/extensions/{eid}/refuse"):
        cid, eid = fx.shared(key, fx.extension, fresh)
        verb = key.rsplit("/", 1)[1]
        body = {"note": "同意"} if verb == "grant" else {"reason": "不同意"}
        return {"path": f"/api/v1/complaints/{cid}/extensions/{eid}/{verb}", "body": body}, key
    if key == "POST /api/v1/portal/complaints":
        return {"path": "/api/v1/portal/complaints", "source": next(_ips),
                "body": {"name": "李先生", "phone": "13912345679", "content": "门口地滑"}}, None
    if key == "POST /api/v1/portal/complaints/{number}/photos":
        ip = next(_ips)
        p = fx.portal_submit(ip)
        return {"path": f"/api/v1/portal/complaints/{p['number']}/photos?filename=p.png", "source": ip,
                "headers": {"Content-Type": "image/png", "X-Upload-Token": p["upload"]}, "raw": PNG}, None
    if key == "POST /api/v1/portal/progress":
        return {"path": "/api/v1/portal/progress", "source": next(_ips),
                "body": {"number": fx.portal["number"], "phone_last4": "5678"}}, None
    if key == "POST /api/v1/portal/surveys/{token}":
        # Answering uses the link up, whoever sends it: always a fresh one.
        return {"path": f"/api/v1/portal/surveys/{fx.survey()}", "source": next(_ips),
                "body": {"satisfied": True, "score": 5}}, None
    admin_writes = {
        "POST /api/v1/departments": lambda: ("/api/v1/departments", {"code": n("d"), "name": n("部门")}),
        "PUT /api/v1/departments/{id}": lambda: (f"/api/v1/departments/{fx.dept}", {"name": n("部门")}),
        "POST /api/v1/sites": lambda: ("/api/v1/sites", {"code": n("s"), "name": n("门店")}),
        "PUT /api/v1/sites/{id}": lambda: (f"/api/v1/sites/{fx.site}", {"name": n("门店")}),
        "POST /api/v1/categories": lambda: ("/api/v1/categories", {"name": n("分类"), "parent_id": None}),
        "PUT /api/v1/categories/{id}": lambda: (f"/api/v1/categories/{fx.cat}", {"name": n("分类")}),
        "POST /api/v1/users": lambda: ("/api/v1/users", {"username": n("u"), "password": PASSWORD,
                                                         "display_name": "新用户", "role": "agent"}),
        "PUT /api/v1/users/{id}": lambda: (f"/api/v1/users/{fx.user}", {"display_name": n("名")}),
        "POST /api/v1/calendars": lambda: ("/api/v1/calendars", {
            "name": n("日历"), "week": {"mon": [["09:00", "18:00"]]}}),
        "PUT /api/v1/calendars/{id}": lambda: (f"/api/v1/calendars/{fx.calendar}", {"name": n("日历")}),
        "POST /api/v1/calendars/{id}/due": lambda: (f"/api/v1/calendars/{fx.calendar}/due", {
            "from": "2026-11-20T17:50:00+08:00", "target": "30m"}),
        "POST /api/v1/calendars/{id}/elapsed": lambda: (f"/api/v1/calendars/{fx.calendar}/elapsed", {
            "from": "2026-11-20T09:00:00+08:00", "to": "2026-11-20T18:00:00+08:00"}),
        "POST /api/v1/sla-policies": lambda: ("/api/v1/sla-policies", fx.policy_body()),
        "PUT /api/v1/sla-policies/{id}": lambda: (f"/api/v1/sla-policies/{fx.policy}", {"name": n("策略")}),
    }
    if key in admin_writes:
        path, body = admin_writes[key]()
        return {"path": path, "body": body}, None
    raise Fail(f"the test has no request for {key}: add one to build() in authz_test.py")


# ---- the matrix ----------------------------------------------------------------

def server_routes(server):
    """({"METHOD /pattern": documented 2xx}, [actions]) from the OpenAPI document."""
    doc = expect(server.request("GET", "/api/v1/openapi.json"), 200).json()
    routes, actions = {}, []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method.upper() not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                continue
            codes = [int(k) for k in op.get("responses", {}) if k.isdigit() and k.startswith("2")]
            routes[f"{method.upper()} {path}"] = set(codes)
            for p in op.get("parameters", []):
                if p.get("name") == "action" and p.get("in") == "path":
                    actions = list(p["schema"]["enum"])
    return routes, actions


def expected(rule, method, caller, success):
    if rule.allow == table.PUBLIC:
        return success
    if caller.kind in SIGNED_OUT:
        return {401}
    if caller.kind in BAD_CSRF and method not in SAFE:
        return {403}
    if caller.foreign and rule.scoped:
        # Another department's: never there for them. A role refused the
        # route outright may be told so first.
        return {404} if caller.role in rule.allow else {rule.denial(caller.role), 404}
    return success if caller.role in rule.allow else {rule.denial(caller.role)}


def make_callers(fx):
    w = fx.w
    callers = [Caller("anonymous", "anonymous")]
    for role, u in w.by_role.items():
        callers.append(Caller(role + ("(A)" if role in ("handler", "manager") else ""), "session",
                              role, user=u))
    callers.append(Caller("handler(B)", "session", "handler", foreign=True, user=w.handler_b))
    callers.append(Caller("manager(B)", "session", "manager", foreign=True, user=w.manager_b))
    callers.append(Caller("admin token", "token", "admin", secret=fx.new_token(w.admin)))
    callers.append(Caller("no CSRF token", "no CSRF token", "admin", user=User(fx.s, "admin")))
    callers.append(Caller("wrong CSRF token", "wrong CSRF token", "admin", user=User(fx.s, "admin")))
    revoked, token_id = fx.new_token(w.admin, with_id=True)
    expect(w.admin.call("DELETE", f"/api/v1/tokens/{token_id}"), 204, "revoke")
    callers.append(Caller("revoked token", "revoked token", secret=revoked))
    gone = User(fx.s, "admin")
    expect(gone.post("/api/v1/auth/logout"), 204, "logout")
    callers.append(Caller("logged-out session", "logged-out session", user=gone))
    fx.set_clock(T1_EARLY)
    old = User(fx.s, "admin")
    fx.set_clock(T1)
    callers.append(Caller("expired session", "expired session", user=old))
    return callers


def run_matrix(fx, res):
    routes, actions = server_routes(fx.s)
    # Every route the server has is in the table, and only those.
    listed = set(table.ROUTES) | {table.ACTION_ROUTE}
    for key in sorted(set(routes) - listed):
        res.ok(False, f"route {key} is not in tests/api/authz_table.py: say who may call it")
    for key in sorted(listed - set(routes)):
        res.ok(False, f"tests/api/authz_table.py lists {key}, which the server does not have")
    for a in sorted(set(actions) - set(table.ACTIONS)):
        res.ok(False, f"action {a} is not in tests/api/authz_table.py ACTIONS: say who may take it")
    for a in sorted(set(table.ACTIONS) - set(actions)):
        res.ok(False, f"tests/api/authz_table.py lists action {a}, which the server does not have")

    cases = []  # (label, method, rule, success, build key)
    for key in sorted(set(routes) & listed):
        method = key.split()[0]
        if key == table.ACTION_ROUTE:
            for a in actions:
                if a in table.ACTIONS:
                    cases.append((f"{key} [{a}]", method, table.ACTIONS[a], routes[key], f"action {a}"))
        else:
            cases.append((key, method, table.ROUTES[key], routes[key], key))

    callers = make_callers(fx)
    print(f"{len(routes)} routes ({len(actions)} workflow actions), {len(callers)} callers", flush=True)
    checks = 0
    for label, method, rule, success, bkey in cases:
        bad = 0
        for caller in callers:
            want = expected(rule, method, caller, success)
            fresh = want == success
            try:
                spec, used = build(fx, bkey, fresh)
                if bkey == "POST /api/v1/auth/logout":
                    who = caller.clone(fx)
                elif bkey in OWN_ACCOUNT:
                    who = caller.stand_in(fx)
                else:
                    who = caller
                r = who.request(fx.s, method, spec)
            except Fail as e:
                res.ok(False, f"{label} as {caller.name}: could not build the request: {e}")
                bad += 1
                checks += 1
                continue
            if used and 200 <= r.status < 300:
                fx.cache.pop(used, None)
            checks += 1
            if not res.ok(r.status in want,
                          f"{label} as {caller.name}: expected {sorted(want)}, got {r.status}", r):
                bad += 1
        print(f"{'ok  ' if not bad else 'FAIL'} {label}: {len(callers) - bad}/{len(callers)} callers",
              flush=True)
    print(f"authorisation matrix: {len(cases)} routes x {len(callers)} callers = {checks} checks",
          flush=True)


# ---- department scope ---------------------------------------------------------------

def ids(resp):
    return {i["id"] for i in resp.json()["items"]}


def report_total(resp):
    rows = resp.json()["items"]
    total = [r for r in rows if r["key"] == "total"]
    return total[0]["total"] if total else None


def run_scope(fx, res):
    """Department B's handler and manager do not see, find or count
    department A's complaints by any route; A's own staff do (the control
    that lets each probe fail)."""
    w = fx.w
    a_id, a_num = fx.c_a["id"], fx.c_a["number"]
    b_id = fx.c_b["id"]
    word = quote(fx.word)
    lists = [
        ("list", "/api/v1/complaints?limit=500"),
        ("search q=", f"/api/v1/complaints?limit=500&q={word}"),
        ("department_id filter", f"/api/v1/complaints?limit=500&department_id={w.dept_a}"),
        ("customer_phone filter", f"/api/v1/complaints?limit=500&customer_phone={fx.phone_a}"),
        ("customer_id filter", f"/api/v1/complaints?limit=500&customer_id={fx.c_a['customer']['id']}"),
        ("search by number", f"/api/v1/complaints?limit=500&q={quote(a_num)}"),
        ("search by phone", f"/api/v1/complaints?limit=500&q={fx.phone_a}"),
        ("open, soonest due", "/api/v1/complaints?limit=500&status=open&sort=due"),
        ("overdue", "/api/v1/complaints?limit=500&overdue=true"),
    ]
    probes = 0
    for label, path in lists:
        for u in (w.handler_b, w.manager_b):
            r = u.get(path)
            res.ok(r.status == 200 and a_id not in ids(r),
                   f"scope: {label} as {u.username} leaves out department A's complaint", r)
            probes += 1
        if label != "overdue":
            r = w.handler_a.get(path)
            res.ok(r.status == 200 and a_id in ids(r), f"scope control: {label} as t_handler_a finds it", r)
            probes += 1
    for u in (w.handler_b, w.manager_b):
        for path in (f"/api/v1/complaints/{a_num}", f"/api/v1/complaints/{a_num.lower()}"):
            r = u.get(path)
            res.ok(r.status == 404, f"scope: {path} (by number) as {u.username} is 404", r)
            probes += 1
        r = u.get(f"/api/v1/customers?phone={fx.phone_a}")
        res.ok(r.status == 404, f"scope: department A's customer looked up by {u.username} is 404", r)
        probes += 1
        r = u.get(f"/api/v1/customers?phone={fx.phone_b}")
        res.ok(r.status == 200 and {c["id"] for c in r.json()["complaints"]} == {b_id},
               f"scope: {u.username} looks up department B's customer and sees only B's complaint", r)
        probes += 1
    r = w.handler_a.get(f"/api/v1/customers?phone={fx.phone_a}")
    res.ok(r.status == 200 and a_id in {c["id"] for c in r.json()["complaints"]},
           "scope control: t_handler_a looks up department A's customer", r)
    probes += 1
    r = w.handler_a.get(f"/api/v1/complaints/{b_id}")
    res.ok(r.status == 404, "scope: department B's complaint is 404 to t_handler_a", r)
    probes += 1
    # Reports count the caller's department only: B's staff count exactly
    # the complaints they can list, and no row of department A.
    for u in (w.handler_b, w.manager_b):
        visible = len(u.list_all("/api/v1/complaints"))
        for group in ("department", "status", "channel", "category", "month"):
            r = u.get(f"/api/v1/reports/summary?group_by={group}")
            ok = r.status == 200 and report_total(r) == visible
            if ok and group == "department":
                # Rows are keyed by department code; "" is "no department".
                ok = all(row["key"] in ("t_sales", "total") or
                         (row["key"] == "" and row["total"] == 0) for row in r.json()["items"])
            res.ok(ok, f"scope: report by {group} as {u.username} counts only its department "
                       f"({visible} complaints)", r)
            probes += 1
    everyone = len(w.admin.list_all("/api/v1/complaints"))
    r = w.admin.get("/api/v1/reports/summary?group_by=department")
    res.ok(r.status == 200 and report_total(r) == everyone,
           f"scope control: the admin's report counts all {everyone} complaints", r)
    probes += 1
    # A reference into another department is no way in either: department
    # A's manager cannot merge into B's complaint, and an extension is
    # decided only under its own complaint's id.
    mine = w.in_state("assigned", content="合并到别的部门")
    before = w.snapshot(b_id)
    r = w.manager_a.post(f"/api/v1/complaints/{mine}/actions/merge", {"into": b_id})
    res.ok(r.status in (404, 422) and w.get(mine)["status"] == "assigned" and w.snapshot(b_id) == before,
           "scope: t_manager_a cannot merge into department B's complaint", r)
    cid, eid = fx.extension()
    r = w.approver.post(f"/api/v1/complaints/{a_id}/extensions/{eid}/grant", {"note": "错号"})
    res.ok(r.status == 404, "an extension is not decided under another complaint's id", r)
    probes += 2
    # Someone else's API tokens are listed for administrators only.
    r = w.agent.get(f"/api/v1/tokens?user_id={fx.owner.id}")
    res.ok(r.status == 403, "another user's tokens are not listed to an agent", r)
    r = w.admin.get(f"/api/v1/tokens?user_id={fx.owner.id}")
    res.ok(r.status == 200 and r.json()["items"], "an admin lists another user's tokens", r)
    probes += 2
    print(f"department scope: {probes} probes", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    res = Results()
    t0 = time.time()
    server = Server(args.binary)
    clock = os.path.join(server.dir, "now")
    try:
        with open(clock, "w") as f:
            f.write(T0 + "\n")
        server.start(env={"REDRESS_FAKE_NOW": clock})
        fx = Fixtures(server, clock)
        run_matrix(fx, res)
        run_scope(fx, res)
    except Exception as e:  # the fixtures could not be built: nothing else can run
        res.ok(False, f"the test ran to its end ({type(e).__name__}: {e})")
        traceback.print_exc(file=sys.stdout)
        if server.last is not None:
            print("      last exchange:\n" + describe(server.last), flush=True)
    finally:
        code = server.stop()
        if code not in (0, None):
            res.ok(False, f"server exit code on SIGTERM: {code}\n{server.log_text()[-3000:]}")
        errors = server.sanitizer_errors()
        if errors:
            res.ok(False, "sanitizer reported errors:\n  " + "\n  ".join(errors[:20]))
            print(server.log_text()[-6000:])
        server.cleanup()
    print(f"authz test took {time.time() - t0:.1f}s", flush=True)
    print(f"RESULT authz passed={res.passed} failed={res.failed}")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
