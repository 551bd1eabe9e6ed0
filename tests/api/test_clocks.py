"""SLA clocks on complaints: the policy that matches a complaint starts its
clocks at registration (counting from received_at) and the workflow stops,
restarts and starts them, on the policy's calendar."""

from client import check, expect, expect_problem, test

DAY = [["09:00", "12:00"], ["13:30", "18:00"]]

CLOCKS = [
    {"name": "forward", "start": "registered", "stop": "assigned", "target": "30m"},
    {"name": "first_contact", "start": "assigned", "stop": "in_progress", "target": "2h"},
    {"name": "resolve", "start": "registered", "stop": "resolved", "target": "3d", "warn_at": 0.8},
    {"name": "progress", "start": "assigned", "stop": ["resolved", "closed"], "target": "3d",
     "restart_on": "progress"},
]


def setup(w, tag):
    a = w.admin
    cal = expect(a.post("/api/v1/calendars", {
        "name": f"时限测试日历{tag}", "timezone": "Asia/Shanghai",
        "week": {d: DAY for d in ("mon", "tue", "wed", "thu", "fri")}}), 201).json()
    cat = expect(a.post("/api/v1/categories", {"name": f"时限测试类{tag}", "parent_id": None}), 201).json()
    pol = expect(a.post("/api/v1/sla-policies", {
        "name": f"时限测试{tag}", "priority": 0,
        "match": {"category_id": [cat["id"]]}, "calendar_id": cal["id"], "clocks": CLOCKS}), 201).json()
    return cal, cat, pol


def clocks(c):
    return {k["name"]: k for k in c["clocks"]}


@test
def friday_evening_forward_clock_due_monday(w):
    cal, cat, pol = setup(w, "(周五)")
    c = expect(w.agent.post("/api/v1/complaints", {
        "channel": "phone", "received_at": "2026-11-20T17:50:00+08:00",
        "category_id": cat["id"],
        "customer": {"name": "王五", "phone": "13700001111"},
        "content": "周五傍晚来电投诉维修质量"}), 201).json()
    k = clocks(c)
    check(sorted(k) == ["forward", "resolve"], "registration starts forward and resolve", c["clocks"])
    fw = k["forward"]
    check(fw["started_at"] == "2026-11-20T17:50:00+08:00", "counts from received_at", fw)
    check(fw["due_at"] == "2026-11-23T09:20:00+08:00", "30 working minutes: Monday 09:20", fw)
    check(fw["policy_id"] == pol["id"] and fw["calendar_id"] == cal["id"], "policy and calendar", fw)
    check(k["resolve"]["due_at"] == "2026-11-25T17:50:00+08:00", "3 working days", k["resolve"])
    check(k["resolve"]["warn_at"] == "2026-11-25T11:50:00+08:00", "warned at 80%", k["resolve"])
    # Today (the server's clock) is past Monday 09:20: the forward clock shows
    # breached, with negative remaining working time.
    check(fw["state"] == "breached" and fw["remaining_working_seconds"] < 0, "late by now", fw)
    check(expect(w.agent.get(f"/api/v1/complaints/{c['id']}"), 200).json()["clocks"] == c["clocks"],
          "GET shows the same clocks")
    # The complaint's deadline is its soonest running clock's: the queue's
    # sort=due and overdue=true follow the clocks.
    check(c["due_at"] == "2026-11-23T09:20:00+08:00", "due_at: the forward deadline", c["due_at"])
    late = [x["id"] for x in w.admin.list_all("/api/v1/complaints?overdue=true")]
    check(c["id"] in late, "listed as overdue")

    # Triage: forward stops (late), first_contact and progress start now.
    r = w.triage(c["id"], category=cat["id"])
    k = clocks(r)
    check(k["forward"]["state"] == "breached" and k["forward"]["stopped_at"] is not None
          and k["forward"]["remaining_working_seconds"] is None, "forward stopped, late", k["forward"])
    check(k["forward"]["department_id"] is None,
          "late before any department had it: customer service's breach", k["forward"])
    check(k["resolve"]["department_id"] is None,
          "resolve, already late when it was assigned, stays customer service's", k["resolve"])
    check(k["first_contact"]["department_id"] == w.dept_a, "first contact is the department's",
          k["first_contact"])
    check(k["first_contact"]["state"] in ("running", "breached") and k["first_contact"]["run"] == 1,
          "first contact started", k["first_contact"])
    check(k["progress"]["run"] == 1, "progress started", k["progress"])
    running = [x["due_at"] for x in k.values() if x["remaining_working_seconds"] is not None
               and x["state"] != "paused"]
    check(r["due_at"] == min(running), "due_at follows the soonest running clock", (r["due_at"], running))

    # Contact, then a progress report: progress runs again.
    r = w.act(w.handler_a, c["id"], "contact", {"method": "phone", "note": "已电话联系客户"}).json()
    check(clocks(r)["first_contact"]["state"] in ("met", "breached")
          and clocks(r)["first_contact"]["stopped_at"] is not None, "first contact stopped", r["clocks"])
    r = w.act(w.handler_a, c["id"], "progress", {"note": "配件已订购"}).json()
    p = clocks(r)["progress"]
    check(p["run"] == 2 and p["state"] in ("running", "breached"), "a progress report starts run 2", p)

    # Withdrawn: what still runs is cancelled (or breached, if already late).
    r = w.act(w.agent, c["id"], "withdraw", {"reason": "客户撤诉"}).json()
    for name, run in clocks(r).items():
        check(run["state"] in ("met", "breached", "cancelled") and run["remaining_working_seconds"] is None,
              f"{name} stopped at withdrawal", run)
    check(clocks(r)["resolve"]["state"] == "breached", "resolve was already late", clocks(r)["resolve"])


@test
def complaint_without_matching_clocks(w):
    # A category whose policy has no clocks: the complaint has none.
    a = w.admin
    cat = expect(a.post("/api/v1/categories", {"name": "无时限类(测)", "parent_id": None}), 201).json()
    expect(a.post("/api/v1/sla-policies", {"name": "无时限(测)", "priority": 0,
                                           "match": {"category_id": cat["id"]}, "clocks": []}), 201)
    c = w.create(category_id=cat["id"])
    check(c["clocks"] == [], "no clocks", c)


@test
def policy_clocks_are_checked(w):
    a = w.admin
    base = {"name": "坏时限(测)", "priority": 50}
    bad = [
        ([{"name": "x", "start": "registered", "stop": "assigned"}], "clocks[0].target"),
        ([{"name": "x", "start": "registered", "stop": "assigned", "target": "30"}], "clocks[0].target"),
        ([{"name": "x", "start": "registerd", "stop": "assigned", "target": "30m"}], "clocks[0].start"),
        ([{"name": "x", "start": "registered", "target": "30m"}], "clocks[0].stop"),
        ([{"name": "x", "start": "assigned", "stop": ["assigned"], "target": "30m"}], "clocks[0].stop"),
        ([{"name": "Forward!", "start": "registered", "stop": "assigned", "target": "30m"}], "clocks[0].name"),
        ([{"name": "x", "start": "registered", "stop": "assigned", "target": "30m", "warn_at": 1.5}],
         "clocks[0].warn_at"),
        ([{"name": "x", "start": "registered", "stop": "assigned", "target": "1h"},
          {"name": "x", "start": "registered", "stop": "resolved", "target": "1h"}], "clocks[1].name"),
        ([{"name": "x", "start": "registered", "stop": "assigned", "target": "1h", "restart_on": 3}],
         "clocks[0].restart_on"),
        ({"name": "x"}, "clocks"),
    ]
    before = len(a.list_all("/api/v1/sla-policies"))
    for clocks_, field in bad:
        expect_problem(a.post("/api/v1/sla-policies", dict(base, clocks=clocks_)), 422, field, what=str(clocks_))
    check(len(a.list_all("/api/v1/sla-policies")) == before, "nothing written")


@test
def deadline_extension_granted_by_an_approver(w):
    """The bank rule: decide within 15 calendar days, extendable to 30, then 60."""
    a = w.admin
    cat = expect(a.post("/api/v1/categories", {"name": "监管时限类(测)", "parent_id": None}), 201).json()
    expect(a.post("/api/v1/sla-policies", {
        "name": "监管时限(测)", "priority": 0, "match": {"category_id": [cat["id"]]},
        "clocks": [{"name": "decide", "start": "registered", "stop": "resolved", "target": "15cd",
                    "escalate": [{"on": "breach", "notify": "general_manager", "anytime": True}]}]}), 201)
    c = expect(w.agent.post("/api/v1/complaints", {
        "channel": "regulator", "received_at": "2026-11-25T10:00:00+08:00", "category_id": cat["id"],
        "customer": {"name": "孙八", "phone": "13400004444"}, "content": "银保监转来的投诉"}), 201).json()
    w.triage(c["id"], category=cat["id"])
    cid = c["id"]
    path = f"/api/v1/complaints/{cid}/clocks/decide/extensions"
    check(clocks(w.get(cid))["decide"]["due_at"] == "2026-12-10T10:00:00+08:00", "15 calendar days")

    expect_problem(w.handler_a.post(path, {"target": "10cd", "reason": "x"}), 422, "target",
                   what="not later than the deadline")
    expect_problem(w.handler_a.post(path, {"target": "30cd"}), 422, "reason")
    expect_problem(w.handler_a.post(f"/api/v1/complaints/{cid}/clocks/nope/extensions",
                                    {"target": "30cd", "reason": "x"}), 404, "clock")
    expect_problem(w.handler_b.post(path, {"target": "30cd", "reason": "x"}), 404,
                   what="another department's complaint")
    x = expect(w.handler_a.post(path, {"target": "30cd", "reason": "需调取监控录像"}), 201).json()
    check(x["state"] == "requested" and x["due_before"] == "2026-12-10T10:00:00+08:00"
          and x["due_after"] is None, "requested", x)
    expect_problem(w.handler_a.post(path, {"target": "60cd", "reason": "再延"}), 409, "clock",
                   what="one request waits at a time")
    check(clocks(w.get(cid))["decide"]["due_at"] == "2026-12-10T10:00:00+08:00", "not moved yet")

    grant = f"/api/v1/complaints/{cid}/extensions/{x['id']}/grant"
    for u in (w.handler_a, w.manager_a, w.agent, w.admin):
        expect_problem(u.post(grant, {"note": "自己批"}), 403, what=u.username)
    g = expect(w.approver.post(grant, {"note": "同意延期至30天"}), 200).json()
    check(g["state"] == "granted" and g["due_after"] == "2026-12-25T10:00:00+08:00"
          and g["decided_by"] == w.ids["t_approver"], "granted", g)
    check(clocks(w.get(cid))["decide"]["due_at"] == "2026-12-25T10:00:00+08:00",
          "the deadline moved to 30 days")
    expect_problem(w.approver.post(grant, {}), 409, what="decided once")

    # 60 days: refused, with a reason.
    y = expect(w.handler_a.post(path, {"target": "60cd", "reason": "客户补充材料"}), 201).json()
    refuse = f"/api/v1/complaints/{cid}/extensions/{y['id']}/refuse"
    expect_problem(w.approver.post(refuse, {}), 422, "reason")
    r = expect(w.approver.post(refuse, {"reason": "材料已齐，不再延期"}), 200).json()
    check(r["state"] == "refused" and r["due_after"] is None, "refused", r)
    check(clocks(w.get(cid))["decide"]["due_at"] == "2026-12-25T10:00:00+08:00", "unchanged")

    items = expect(w.manager_a.get(f"/api/v1/complaints/{cid}/extensions"), 200).json()["items"]
    check([i["state"] for i in items] == ["granted", "refused"], "both listed", items)
    types = [e["type"] for e in w.events(cid)]
    check(types.count("clock.extension_requested") == 2 and types.count("clock.extended") == 1
          and types.count("clock.extension_refused") == 1, "all on the timeline", types)


@test
def another_policy_recomputes_running_clocks(w):
    """Registered without a category, a complaint runs the default policy's
    clocks; filed under an urgent category, its resolve clock follows the
    urgent policy from its start, and the clock the urgent policy lacks is
    ended."""
    a = w.admin
    cat = expect(a.post("/api/v1/categories", {"name": "加急类(测)", "parent_id": None}), 201).json()
    expect(a.post("/api/v1/sla-policies", {
        "name": "加急(测)", "priority": 0, "match": {"category_id": [cat["id"]]},
        "clocks": [{"name": "resolve", "start": "registered", "stop": "resolved", "target": "1d"}]}), 201)
    c = expect(w.agent.post("/api/v1/complaints", {
        "channel": "phone", "received_at": "2026-11-23T09:00:00+08:00",
        "customer": {"name": "周九", "phone": "13300005555"}, "content": "先登记后分类"}), 201).json()
    k = clocks(c)
    check(k["resolve"]["due_at"] == "2026-11-25T18:00:00+08:00", "default: 3 working days", k)
    default_policy = k["resolve"]["policy_id"]

    r = expect(w.agent.patch(f"/api/v1/complaints/{c['id']}", {"category_id": cat["id"]},
                             headers={"If-Match": f'"{c["version"]}"'}), 200).json()
    k = clocks(r)
    check(k["resolve"]["due_at"] == "2026-11-23T18:00:00+08:00" and k["resolve"]["run"] == 1
          and k["resolve"]["policy_id"] != default_policy, "urgent: 1 working day from the start", k)
    check(k["forward"]["state"] in ("cancelled", "breached") and k["forward"]["stopped_at"],
          "the clock the urgent policy lacks is ended", k["forward"])
    events = [e for e in w.events(c["id"]) if e["type"] == "clock.recomputed"]
    check(len(events) == 1 and events[0]["data"]["clock"] == "resolve"
          and events[0]["data"]["due_before"] == "2026-11-25T10:00:00Z"
          and events[0]["data"]["due_after"] == "2026-11-23T10:00:00Z", "on the timeline", events)


@test
def report_on_time_rates_per_clock(w):
    a = w.admin
    cat = expect(a.post("/api/v1/categories", {"name": "准时率类(测)", "parent_id": None}), 201).json()
    expect(a.post("/api/v1/sla-policies", {
        "name": "准时率(测)", "priority": 0, "match": {"category_id": [cat["id"]]},
        "clocks": [{"name": "forward", "start": "registered", "stop": "assigned", "target": "30m"}]}), 201)
    late = [expect(w.agent.post("/api/v1/complaints", {
        "channel": "phone", "received_at": "2026-11-02T09:00:00+08:00", "category_id": cat["id"],
        "customer": {"name": "吴十", "phone": "1320000666%d" % i}, "content": "很早以前的投诉"}), 201).json()
        for i in range(2)]
    fresh = w.create(category_id=cat["id"])
    for c in late + [fresh]:
        w.triage(c["id"], category=cat["id"])
    rows = expect(a.get("/api/v1/reports/summary?group_by=category"), 200).json()["items"]
    row = [r for r in rows if r["key"] == str(cat["id"])]
    check(len(row) == 1, "the category's row", rows)
    fw = row[0]["clocks"].get("forward")
    check(fw == {"met": 1, "breached": 2, "on_time_rate": round(1 / 3, 4)} or
          (fw and fw["met"] == 1 and fw["breached"] == 2 and abs(fw["on_time_rate"] - 1 / 3) < 1e-3),
          "1 of 3 forwarded in time", fw)
    total = rows[-1]
    check(total["key"] == "total" and total["clocks"]["forward"]["breached"] >= 2, "in the total", total)
    # By department, a forward clock (due before any department had the
    # complaint) is customer service's: it counts under no department.
    rows = expect(a.get("/api/v1/reports/summary?group_by=department"), 200).json()["items"]
    none = [r for r in rows if r["key"] == ""]
    check(none and none[0]["clocks"]["forward"]["breached"] >= 2, "late forwards under no department", rows)
