"""The signed-in user's own settings (PATCH /api/v1/me: the console's
language, remembered server-side) and today's counts by state
(reports/summary group_by=status) for the dashboard."""

import time

from client import PASSWORD, User, check, expect, expect_problem, test


@test
def me_language_is_remembered(w):
    u = w.analyst
    me = expect(u.get("/api/v1/me"), 200).json()
    check(me["language"] == "zh-CN" and me["user"]["locale"] == "zh-CN",
          "Chinese until the user chooses", me)
    check(isinstance(me.get("now"), str) and me["now"].endswith("+08:00"),
          "the server's clock, in the display zone", me)
    r = expect(u.patch("/api/v1/me", {"language": "en"}), 200, "set English").json()
    check(r["language"] == "en" and r["user"]["id"] == u.id and r["role"] == "analyst",
          "the answer is the user as GET /me gives it, in the new language", r)
    check(expect(u.get("/api/v1/me"), 200).json()["language"] == "en", "the session sees it at once")
    # Another session (another browser) of the same user: the same language.
    other = User(w.s, u.username)
    check(other.user["locale"] == "en", "sign-in returns it", other.user)
    check(expect(other.get("/api/v1/me"), 200).json()["language"] == "en", "so does /me elsewhere")
    # Only the caller changes: the admin's view of the user agrees, others keep theirs.
    check(expect(w.admin.get(f"/api/v1/users/{u.id}"), 200).json()["locale"] == "en",
          "stored on the user")
    check(expect(w.auditor.get("/api/v1/me"), 200).json()["language"] == "zh-CN",
          "another user untouched")
    expect(u.patch("/api/v1/me", {"language": "zh-CN"}), 200, "back to Chinese")
    check(expect(other.get("/api/v1/me"), 200).json()["language"] == "zh-CN", "and back")


@test
def me_language_is_validated(w):
    u = w.auditor
    for body in ({"language": "fr"}, {"language": "EN"}, {"language": ""}, {"language": 1},
                 {"language": None}, {}):
        expect_problem(u.patch("/api/v1/me", body), 422, "language", f"for {body}")
    expect_problem(u.call("PATCH", "/api/v1/me", raw=b"{not json",
                          headers={"Content-Type": "application/json"}), 400, what="malformed")
    check(expect(u.get("/api/v1/me"), 200).json()["language"] == "zh-CN", "nothing written")


@test
def me_patch_needs_csrf_and_a_user(w):
    u = w.auditor
    for hdr in ({}, {"X-CSRF-Token": "0" * 64}, {"X-CSRF-Token": w.agent.csrf}):
        r = u.call("PATCH", "/api/v1/me", {"language": "en"}, csrf=False, headers=hdr)
        expect_problem(r, 403, what="PATCH /me without its own CSRF token")
    expect_problem(w.s.request("PATCH", "/api/v1/me", {"language": "en"}), 401, what="signed out")
    check(expect(u.get("/api/v1/me"), 200).json()["language"] == "zh-CN", "nothing written")
    # An API token needs no CSRF token and may set its user's language too.
    tok = expect(u.post("/api/v1/tokens", {"name": "lang"}), 201).json()["token"]
    bearer = {"Authorization": f"Bearer {tok}"}
    r = expect(w.s.request("PATCH", "/api/v1/me", {"language": "en"}, headers=bearer), 200)
    check(r.json()["language"] == "en", "set by token", r)
    expect(u.patch("/api/v1/me", {"language": "zh-CN"}), 200)


@test
def report_by_status_counts_today(w):
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    q = f"/api/v1/reports/summary?group_by=status&from={today}&to={today}"
    before = {r["key"]: r["total"] for r in expect(w.analyst.get(q), 200).json()["items"]}
    a = w.create(content="今日统计 一")["id"]
    b = w.create(content="今日统计 二")["id"]
    w.triage(b)
    r = expect(w.analyst.get(q), 200).json()
    check(r["group_by"] == "status", "group_by echoed", r)
    rows = {x["key"]: x for x in r["items"]}
    check(rows["registered"]["total"] == before.get("registered", 0) + 1
          and rows["assigned"]["total"] == before.get("assigned", 0) + 1,
          "each new complaint counted under its current state", r)
    check(rows["registered"]["label"] == "registered", "the label is the state's name", r)
    keys = [x["key"] for x in r["items"]]
    check(keys[-1] == "total" and all(k in ("registered", "assigned", "in_progress", "pending_approval",
                                            "executing", "resolved", "transferred", "closed",
                                            "withdrawn", "merged") for k in keys[:-1]),
          "state names, then the total", keys)
    check(rows["total"]["total"] == sum(x["total"] for x in r["items"][:-1]), "the total adds up", r)
    # Scoped like every report: a handler of department B sees none of A's.
    rb = {x["key"]: x["total"] for x in expect(w.handler_b.get(q), 200).json()["items"]}
    all_b = [c for c in w.handler_b.list_all(f"/api/v1/complaints?from={today}&to={today}")]
    check(rb["total"] == len(all_b), "a department's count is its own", (rb, len(all_b)))
    check(a != b, "two complaints")
    expect_problem(w.analyst.get("/api/v1/reports/summary?group_by=state"), 422, "group_by")
