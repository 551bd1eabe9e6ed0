"""Organisation (admin writes), reports, health, metrics, OpenAPI, the CLI."""

import re
from urllib.parse import quote

from client import PASSWORD, User, check, expect, expect_problem, test

NON_ADMINS = ("agent", "handler", "manager", "approver", "analyst", "auditor")


def non_admins(w):
    return [w.by_role[r] for r in NON_ADMINS]


def count(w, path):
    return len(w.admin.list_all(path))


@test
def departments_crud_admin_only(w):
    a = w.admin
    n = count(w, "/api/v1/departments")
    d = expect(a.post("/api/v1/departments", {"code": "t_finance", "name": "财务部(测)"}), 201).json()
    check(d["code"] == "t_finance" and d["name"] == "财务部(测)" and d["active"] is True, "created", d)
    check(expect(w.agent.get(f"/api/v1/departments/{d['id']}"), 200).json() == d, "GET by id", d)
    d2 = dict(d, name="财务部(改)")
    r = expect(a.put(f"/api/v1/departments/{d['id']}", d2), 200).json()
    check(r["name"] == "财务部(改)", "PUT renames", r)
    check(w.agent.get(f"/api/v1/departments/{d['id']}").json()["name"] == "财务部(改)", "rename persists")
    check(d["id"] in [x["id"] for x in w.agent.list_all("/api/v1/departments")], "listed")
    expect_problem(a.post("/api/v1/departments", {"code": "t_finance", "name": "重复"}), 409, what="duplicate code")
    expect_problem(a.post("/api/v1/departments", {"code": "Bad Code!", "name": "X"}), 422, "code")
    expect_problem(a.post("/api/v1/departments", {"code": "t_noname"}), 422, "name")
    expect_problem(a.post("/api/v1/departments", {"name": "无代码"}), 422, "code")
    for u in non_admins(w):
        expect_problem(u.post("/api/v1/departments", {"code": "x_" + u.username, "name": "X"}), 403,
                       what=f"{u.username} POST")
        expect_problem(u.put(f"/api/v1/departments/{d['id']}", dict(d, name="篡改")), 403, what=f"{u.username} PUT")
    check(count(w, "/api/v1/departments") == n + 1, "refusals created nothing")
    check(w.admin.get(f"/api/v1/departments/{d['id']}").json()["name"] == "财务部(改)", "refusals changed nothing")
    expect_problem(a.get("/api/v1/departments/9999999"), 404)


@test
def sites_crud_admin_only(w):
    a = w.admin
    n = count(w, "/api/v1/sites")
    s = expect(a.post("/api/v1/sites", {"code": "t_sh02", "name": "上海二店(测)", "calendar_id": None}), 201).json()
    check(s["code"] == "t_sh02" and s["name"] == "上海二店(测)" and s["active"] is True, "created", s)
    check(expect(w.agent.get(f"/api/v1/sites/{s['id']}"), 200).json() == s, "GET by id", s)
    r = expect(a.put(f"/api/v1/sites/{s['id']}", dict(s, name="上海二店(改)")), 200).json()
    check(r["name"] == "上海二店(改)", "PUT", r)
    expect_problem(a.post("/api/v1/sites", {"code": "t_sh02", "name": "重复"}), 409, what="duplicate code")
    expect_problem(a.post("/api/v1/sites", {"code": "t_sh03"}), 422, "name")
    for u in non_admins(w):
        expect_problem(u.post("/api/v1/sites", {"code": "x_" + u.username, "name": "X"}), 403, what=u.username)
        expect_problem(u.put(f"/api/v1/sites/{s['id']}", dict(s, name="篡改")), 403, what=u.username)
    check(count(w, "/api/v1/sites") == n + 1, "refusals created nothing")
    check(a.get(f"/api/v1/sites/{s['id']}").json()["name"] == "上海二店(改)", "refusals changed nothing")


@test
def categories_four_levels_admin_only(w):
    a = w.admin
    n = count(w, "/api/v1/categories")
    root = expect(a.post("/api/v1/categories", {"name": "服务态度(测)", "parent_id": None}), 201).json()
    check(root["level"] == 1 and root["parent_id"] is None, "level 1", root)
    parent = root["id"]
    chain = [root]
    for level in (2, 3, 4):
        c = expect(a.post("/api/v1/categories", {"name": f"第{level}级(测)", "parent_id": parent}), 201).json()
        check(c["level"] == level and c["parent_id"] == parent, f"level {level}", c)
        chain.append(c)
        parent = c["id"]
    expect_problem(a.post("/api/v1/categories", {"name": "第5级", "parent_id": parent}), 422, "parent_id",
                   "a fifth level")
    expect_problem(a.post("/api/v1/categories", {"name": "孤儿", "parent_id": 9999999}), 422, "parent_id",
                   "an unknown parent")
    expect_problem(a.post("/api/v1/categories", {"parent_id": None}), 422, "name")
    check(expect(w.agent.get(f"/api/v1/categories/{chain[2]['id']}"), 200).json() == chain[2], "GET by id")
    r = expect(a.put(f"/api/v1/categories/{chain[1]['id']}", dict(chain[1], name="第2级(改)")), 200).json()
    check(r["name"] == "第2级(改)" and r["level"] == 2, "PUT renames", r)
    # Moving the level-2 subtree (3 levels deep) under a level-3 node would make 6 levels.
    other = expect(a.post("/api/v1/categories", {"name": "别枝(测)", "parent_id": None}), 201).json()
    o2 = expect(a.post("/api/v1/categories", {"name": "别枝2(测)", "parent_id": other["id"]}), 201).json()
    r = a.put(f"/api/v1/categories/{chain[1]['id']}", dict(chain[1], name="第2级(改)", parent_id=o2["id"]))
    expect_problem(r, 422, "parent_id", "moving a subtree below level 4")
    r = a.put(f"/api/v1/categories/{root['id']}", dict(root, parent_id=chain[3]["id"]))
    expect_problem(r, 422, "parent_id", "a cycle")
    for u in non_admins(w):
        expect_problem(u.post("/api/v1/categories", {"name": "X", "parent_id": None}), 403, what=u.username)
        expect_problem(u.put(f"/api/v1/categories/{root['id']}", dict(root, name="篡改")), 403, what=u.username)
    check(count(w, "/api/v1/categories") == n + 6, "refusals created nothing")


@test
def users_crud_admin_only(w):
    a = w.admin
    n = count(w, "/api/v1/users")
    body = {"username": "t_newbie", "password": PASSWORD, "display_name": "新人", "role": "handler",
            "department_id": w.dept_b}
    u = expect(a.post("/api/v1/users", body), 201)
    check(PASSWORD not in u.body.decode() and "hash" not in u.body.decode(), "no password or hash", u)
    u = u.json()
    check(u["username"] == "t_newbie" and u["role"] == "handler" and u["department_id"] == w.dept_b
          and u["active"] is True, "created", u)
    check(expect(w.agent.get(f"/api/v1/users/{u['id']}"), 200).json() == u, "GET by id")
    lst = expect(w.agent.get("/api/v1/users?limit=500"), 200)
    check("argon2" not in lst.body.decode() and "$" not in lst.body.decode(), "no hashes in the list", lst)
    newbie = User(w.s, "t_newbie")
    check(expect(newbie.get("/api/v1/me"), 200).json()["user"]["department_id"] == w.dept_b, "logs in")
    r = expect(a.put(f"/api/v1/users/{u['id']}", dict(u, display_name="新人(改)")), 200).json()
    check(r["display_name"] == "新人(改)", "PUT", r)
    for bad, field in (({"role": "king"}, "role"), ({"username": "t_newbie"}, None),
                       ({"username": "bad name!"}, "username"), ({"password": "short"}, "password"),
                       ({"department_id": 9999999}, "department_id")):
        b = dict(body, username="t_other")
        b.update(bad)
        r = a.post("/api/v1/users", b)
        if field is None:
            expect_problem(r, 409, what="duplicate username")
        else:
            expect_problem(r, 422, field, f"user {bad}")
    r = a.post("/api/v1/users", {"username": "t_nodept", "password": PASSWORD, "role": "handler"})
    expect_problem(r, 422, "department_id", "a handler needs a department")
    for x in non_admins(w):
        expect_problem(x.post("/api/v1/users", dict(body, username="x_" + x.username, role="admin")), 403,
                       what=f"{x.username} creates a user")
        expect_problem(x.put(f"/api/v1/users/{u['id']}", dict(u, role="admin")), 403, what=f"{x.username} PUT")
    check(count(w, "/api/v1/users") == n + 1, "refusals created nothing")
    check(a.get(f"/api/v1/users/{u['id']}").json()["role"] == "handler", "no escalation")
    # Deactivation ends logins and sessions.
    cur = expect(a.get(f"/api/v1/users/{u['id']}"), 200).json()
    r = expect(a.put(f"/api/v1/users/{u['id']}", dict(cur, active=False)), 200).json()
    check(r["active"] is False, "deactivated", r)
    expect(newbie.get("/api/v1/me"), 401, "a deactivated user's session")
    r = w.s.request("POST", "/api/v1/auth/login", {"username": "t_newbie", "password": PASSWORD})
    check(r.status in (401, 403), "a deactivated user cannot log in", r)


@test
def cli_user_add_while_serving(w):
    pw = w.s.pwfile
    w.s.cli("user", "add", "--db", w.s.db, "--username", "t_cli_handler", "--role", "handler",
            "--department", "t_after_sales", "--password-file", pw)
    u = User(w.s, "t_cli_handler")
    me = expect(u.get("/api/v1/me"), 200).json()
    check(me["user"]["role"] == "handler" and me["user"]["department_id"] == w.dept_a,
          "the CLI user logs in with role and department", me)
    cid = w.in_state("assigned")
    expect(u.get(f"/api/v1/complaints/{cid}"), 200, "and sees department A's complaints")
    refused = False
    try:
        w.s.cli("user", "add", "--db", w.s.db, "--username", "t_cli_bad", "--role", "handler",
                "--password-file", pw)
    except AssertionError:
        refused = True
    check(refused, "user add of a handler without --department exits non-zero")
    r = w.s.request("POST", "/api/v1/auth/login", {"username": "t_cli_bad", "password": PASSWORD})
    expect(r, 401, "the refused user does not exist")


@test
def reports_summary(w):
    # Eight complaints received in a month no other test uses.
    made = []
    for i, ch in enumerate(("phone", "phone", "web", "email", "phone", "walk_in", "web", "phone")):
        made.append(w.create(content=f"报表测试 {i}", channel=ch, received_at=f"2024-06-{i + 10}T10:00:00+08:00")["id"])
    w.triage(made[0], severity=3)
    done = w.in_state("closed")  # received now, outside the range
    rng = "&from=" + quote("2024-06-01T00:00:00+08:00") + "&to=" + quote("2024-06-30T23:59:59+08:00")
    r = expect(w.analyst.get("/api/v1/reports/summary?group_by=channel" + rng), 200).json()
    rows = {x["key"]: x["total"] for x in r["items"]}
    check(rows == {"phone": 4, "web": 2, "email": 1, "walk_in": 1, "total": 8}, "counts by channel in range", r)
    r = expect(w.analyst.get("/api/v1/reports/summary?group_by=month" + rng), 200).json()
    check({x["key"]: x["total"] for x in r["items"]} == {"2024-06": 8, "total": 8}, "by month", r)
    r = expect(w.analyst.get("/api/v1/reports/summary?group_by=severity" + rng), 200).json()
    check(sum(x["total"] for x in r["items"] if x["key"] != "total") == 8, "by severity adds up", r)
    total = len(w.admin.list_all("/api/v1/complaints"))
    for g in ("category", "department", "site", "channel", "severity", "month"):
        r = expect(w.analyst.get(f"/api/v1/reports/summary?group_by={g}"), 200, g).json()
        rows = r["items"]
        check(rows and rows[-1]["key"] == "total", f"{g} has a total row", r)
        check(sum(x["total"] for x in rows[:-1]) == rows[-1]["total"] == total,
              f"{g}: rows add up to the {total} complaints", r)
    r = expect(w.analyst.get("/api/v1/reports/summary?group_by=channel"), 200).json()
    check(r["items"][-1]["closed"] >= 1 and r["items"][-1]["satisfied"] >= 1, "closed and satisfied counted", r)
    expect_problem(w.analyst.get("/api/v1/reports/summary?group_by=planet"), 422, "group_by")
    expect_problem(w.analyst.get("/api/v1/reports/summary?group_by=channel&from=junk"), 422, "from")
    check(done, "fixture")


@test
def health_and_metrics(w):
    expect(w.s.request("GET", "/healthz"), 200)

    def scrape():
        text = expect(w.s.request("GET", "/metrics"), 200).body.decode()
        vals = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, v = line.rpartition(" ")
                vals[name] = float(v)
        return text, vals

    text, m1 = scrape()
    check("# TYPE redress_http_requests_total counter" in text, "requests counter", text[:2000])
    check("redress_complaints" in text and "redress_http_request_duration_seconds" in text, "families", text[:2000])
    key = 'redress_http_requests_total{route="/healthz",method="GET",code="200"}'
    for _ in range(3):
        expect(w.s.request("GET", "/healthz"), 200)
    _, m2 = scrape()
    check(m2.get(key, 0) - m1.get(key, 0) >= 3, f"{key} counts requests", (m1.get(key), m2.get(key)))
    # The complaints gauge agrees with the store.
    items = w.admin.list_all("/api/v1/complaints")
    by_status = {}
    for i in items:
        by_status[i["status"]] = by_status.get(i["status"], 0) + 1
    for st, n in by_status.items():
        got = m2.get(f'redress_complaints{{status="{st}"}}')
        check(got == n, f"redress_complaints{{status={st}}} is {n}", got)
    check(sum(v for k, v in m2.items() if k.startswith("redress_complaints{")) == len(items),
          "gauge sums to the total")
    # Memory gauges: SQLite's page caches are in this process and have been
    # read into by the list above; PostgreSQL's are the server's, not ours.
    caches = {k: v for k, v in m2.items() if k.startswith("redress_store_cache_bytes")}
    if w.s.pg_db:
        check(not caches, "no cache gauge on PostgreSQL", caches)
    else:
        check(set(caches) == {f'redress_store_cache_bytes{{holder="{h}"}}'
                              for h in ("writer", "readers", "indexer")}
              and caches['redress_store_cache_bytes{holder="writer"}'] > 0
              and caches['redress_store_cache_bytes{holder="readers"}'] > 0,
              "SQLite's page caches are counted by holder", caches)
    check("redress_malloc_in_use_bytes" in m2 and "redress_malloc_free_bytes" in m2,
          "malloc gauges", text[-800:])


API_MD_ROUTES = [  # (method, path) of every table in API.md
    ("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/logout"), ("GET", "/api/v1/me"),
    ("POST", "/api/v1/complaints"), ("GET", "/api/v1/complaints"), ("GET", "/api/v1/complaints/{}"),
    ("PATCH", "/api/v1/complaints/{}"), ("POST", "/api/v1/complaints/{}/actions/{}"),
    ("GET", "/api/v1/complaints/{}/events"), ("POST", "/api/v1/complaints/{}/notes"),
    ("POST", "/api/v1/complaints/{}/attachments"),
    ("GET", "/api/v1/reports/summary"), ("GET", "/healthz"), ("GET", "/metrics"),
] + [(m, p) for r in ("departments", "sites", "categories", "users")
     for m, p in (("GET", f"/api/v1/{r}"), ("POST", f"/api/v1/{r}"),
                  ("GET", f"/api/v1/{r}/{{}}"), ("PUT", f"/api/v1/{r}/{{}}"))] + [
    ("GET", "/api/v1/sla-policies"), ("POST", "/api/v1/sla-policies"), ("PUT", "/api/v1/sla-policies/{}"),
]
# Calendars (with /due and /elapsed), rules and phrases are also in API.md's
# tables; they come with the working-time issue and get their tests there.


def openapi_routes(w):
    r = expect(w.s.request("GET", "/api/v1/openapi.json"), 200)
    doc = r.json()
    check(str(doc.get("openapi", "")).startswith("3.1"), "OpenAPI 3.1", doc.get("openapi"))
    check(isinstance(doc.get("info"), dict) and doc["info"].get("title"), "info.title", doc.get("info"))
    routes = set()
    for path, ops in doc["paths"].items():
        norm = re.sub(r"\{[^}]*\}", "{}", path)
        for m in ops:
            if m.lower() in ("get", "post", "put", "patch", "delete"):
                routes.add((m.upper(), norm))
                check(isinstance(ops[m].get("responses"), dict) and ops[m]["responses"],
                      f"{m.upper()} {path} documents its responses", ops[m])
    return routes


@test
def openapi_documents_every_route_of_api_md(w):
    routes = openapi_routes(w)
    missing = [f"{m} {p}" for m, p in API_MD_ROUTES if (m, p) not in routes]
    check(not missing, f"openapi.json lacks {missing}")
    # Every documented GET without parameters is routed.
    for m, p in sorted(routes):
        if m == "GET" and "{}" not in p:
            r = w.admin.get(p)
            check(r.status != 404 and r.status < 500, f"documented GET {p} is routed", r)
    expect_problem(w.s.request("GET", "/api/v1/nope"), 404)
    r = w.s.request("DELETE", "/healthz")
    check(r.status in (404, 405), "an unsupported method", r)
