"""Warnings, breaches and escalation ladders over a moving clock.

A server of its own, whose "now" is the time written in a file
(REDRESS_FAKE_NOW): the test registers a complaint on Friday 17:50 Beijing
time and moves the clock through the following days, checking that each
escalation step notifies the right people once, never outside working time
unless the step says so, and that a kill -9 with a step due loses and
doubles nothing."""

import contextlib
import time

from client import User, World, check, clocked_server, expect, expect_problem, test

DAY = [["09:00", "12:00"], ["13:30", "18:00"]]

# resolve in 1 working day (7.5 h), warned at half of it: from Friday 17:50
# the warning falls on Monday 14:05 and the breach on Monday 17:50; the
# manager hears 2 working hours after it (Tuesday 10:50), the general
# manager 1 working day after it (Tuesday 17:50). The regulator's clock
# counts 1 calendar day and is breached on Saturday 17:50: the general
# manager is told at once ("anytime"), the department manager on Monday at
# 09:00, the next working moment.
CLOCKS = [{
    "name": "resolve", "start": "registered", "stop": "resolved", "target": "1d",
    "warn_at": 0.5,
    "escalate": [
        {"on": "warn", "notify": "assignee"},
        {"on": "breach", "notify": "assignee"},
        {"on": "breach", "after": "2h", "notify": "department_manager"},
        {"on": "breach", "after": "1d", "notify": "general_manager"},
    ],
}, {
    "name": "regulator", "start": "registered", "stop": "resolved", "target": "1cd",
    "escalate": [
        {"on": "breach", "notify": "general_manager", "anytime": True},
        {"on": "breach", "notify": "department_manager"},
    ],
}]


def notes(user, **q):
    query = "&".join(f"{k}={v}" for k, v in q.items())
    return expect(user.get("/api/v1/notifications" + ("?" + query if query else "")), 200).json()["items"]


def settle(w, seconds=2.5):
    """Lets the server's once-a-second sweep run at least twice."""
    time.sleep(seconds)


def people(server):
    """Signs the three recipients in again: moving the clock by days expires
    their sessions, as it would in an office."""
    return (User(server, "t_handler_a"), User(server, "t_manager_a"),
            User(server, "t_approver"), User(server, "t_manager_b"))


def sign_in_again(server, v):
    """Moving the clock by hours ends idle sessions (30 minutes unused):
    signs the World's users in again, as they would in an office."""
    for attr, name in (("admin", "admin"), ("agent", "t_agent"), ("handler_a", "t_handler_a"),
                       ("manager_a", "t_manager_a"), ("handler_b", "t_handler_b"),
                       ("manager_b", "t_manager_b"), ("approver", "t_approver")):
        setattr(v, attr, User(server, name))


@contextlib.contextmanager
def moving_clock(w, start, calendar_name):
    """A server of its own whose "now" starts at `start` and moves when the
    test says (REDRESS_FAKE_NOW), with the usual fixtures and an office
    calendar (weekdays 09:00-12:00, 13:30-18:00); its log is checked for
    sanitizer reports at the end."""
    with clocked_server(w, start) as (server, clock):
        v = World(server)
        cal = expect(v.admin.post("/api/v1/calendars", {
            "name": calendar_name, "timezone": "Asia/Shanghai",
            "week": {d: DAY for d in ("mon", "tue", "wed", "thu", "fri")}}), 201).json()
        yield server, clock, v, cal


def kinds(user):
    return sorted(n["kind"] for n in notes(user))


@test
def escalation_ladder_over_a_moving_clock(w):
    with moving_clock(w, "2026-11-20T17:50:00+08:00", "升级测试日历") as (server, clock, v, cal):  # a Friday evening
        a = v.admin
        expect(a.post("/api/v1/sla-policies", {
            "name": "升级测试", "priority": 0, "match": {"category_id": [v.cat]},
            "calendar_id": cal["id"], "clocks": CLOCKS}), 201)
        c = expect(v.agent.post("/api/v1/complaints", {
            "channel": "phone", "category_id": v.cat,
            "customer": {"name": "赵六", "phone": "13600002222"},
            "content": "周五傍晚投诉"}), 201).json()
        k = {x["name"]: x for x in c["clocks"]}
        check(k["resolve"]["due_at"] == "2026-11-23T17:50:00+08:00"
              and k["resolve"]["warn_at"] == "2026-11-23T14:05:00+08:00",
              "resolve due Monday 17:50, warned Monday 14:05", k["resolve"])
        check(k["regulator"]["due_at"] == "2026-11-21T17:50:00+08:00", "regulator due Saturday",
              k["regulator"])
        v.act(v.agent, c["id"], "triage", {"valid": True, "category_id": v.cat, "severity": 2,
                                          "department_id": v.dept_a,
                                          "assignee_id": v.ids["t_handler_a"]})

        # Saturday 18:00: the regulator's clock is breached. The general
        # manager is told at once (anytime); the department manager is not
        # disturbed on a weekend.
        clock.set("2026-11-21T18:00:00+08:00")
        settle(w)
        handler, manager, approver, manager_b = people(server)
        check(kinds(approver) == ["clock.breach"], "anytime step fired on Saturday", notes(approver))
        check(notes(manager) == [] and notes(handler) == [], "nobody else on a Saturday")
        clock.set("2026-11-22T03:00:00+08:00")  # Sunday, 3 a.m.
        settle(w)
        handler, manager, approver, manager_b = people(server)
        check(notes(manager) == [], "nor at 3 a.m. on Sunday")

        # Monday 09:01: the department manager hears of the regulator's breach.
        clock.set("2026-11-23T09:01:00+08:00")
        settle(w)
        handler, manager, approver, manager_b = people(server)
        check(kinds(manager) == ["clock.breach"], "manager told at the next working moment", notes(manager))
        check(notes(manager_b) == [], "not another department's manager")
        check(notes(handler) == [], "no warning before its point")

        # Monday 14:06: the warning, to the assignee only.
        clock.set("2026-11-23T14:06:00+08:00")
        settle(w)
        handler, manager, approver, manager_b = people(server)
        check(kinds(handler) == ["clock.warning"], "the assignee is warned", notes(handler))
        n = notes(handler)[0]
        check(n["complaint_id"] == c["id"] and n["data"]["clock"] == "resolve"
              and n["data"]["number"] == c["number"] and n["read_at"] is None, "what it says", n)

        # Monday 17:51: the breach, to the assignee.
        clock.set("2026-11-23T17:51:00+08:00")
        settle(w)
        handler, manager, approver, manager_b = people(server)
        check(kinds(handler) == ["clock.breach", "clock.warning"], "the assignee hears of the breach",
              notes(handler))
        got = expect(handler.get(f"/api/v1/complaints/{c['id']}"), 200).json()
        r = {x["name"]: x for x in got["clocks"]}["resolve"]
        check(r["state"] == "breached" and r["remaining_working_seconds"] == -60, "shown breached", r)

        # Monday 23:00: the manager's step (2 working hours after the breach)
        # waits for Tuesday morning.
        clock.set("2026-11-23T23:00:00+08:00")
        settle(w)
        handler, manager, approver, manager_b = people(server)
        check(len(notes(manager)) == 1, "no escalation at 23:00 on a Monday night", notes(manager))

        # Tuesday 10:51: the department manager.
        clock.set("2026-11-24T10:51:00+08:00")
        settle(w)
        handler, manager, approver, manager_b = people(server)
        check(kinds(manager) == ["clock.breach", "clock.breach"], "department manager escalated",
              notes(manager))

        # Tuesday 17:51, with a crash as the step falls due: the general
        # manager's step is delivered once, by whichever process fires it.
        clock.set("2026-11-24T17:51:00+08:00")
        time.sleep(0.3)
        server.kill()
        server.start()
        settle(w)
        handler, manager, approver, manager_b = people(server)
        check(kinds(approver) == ["clock.breach", "clock.breach"],
              "general manager escalated once across kill -9", notes(approver))

        # Days later: nothing fires twice.
        clock.set("2026-11-27T12:00:00+08:00")
        settle(w)
        handler, manager, approver, manager_b = people(server)
        check(kinds(handler) == ["clock.breach", "clock.warning"] and len(notes(manager)) == 2
              and len(notes(approver)) == 2, "each step fired exactly once")
        events = [e["type"] for e in expect(User(server, "admin").get(
            f"/api/v1/complaints/{c['id']}/events"), 200).json()["items"]]
        check(events.count("clock.warning") == 1 and events.count("clock.breach") == 5,
              "each step is on the timeline once", events)

        # Reading: marked read, filtered out, and only one's own.
        first = notes(handler)[0]
        expect(handler.post(f"/api/v1/notifications/{first['id']}/read"), 204)
        check([x["id"] for x in notes(handler, unread="true")] == [notes(handler)[1]["id"]],
              "unread=true leaves out the read one", notes(handler))
        check(notes(handler)[0]["read_at"] is not None, "read_at set")
        expect_problem(manager.post(f"/api/v1/notifications/{first['id']}/read"), 404)
        expect_problem(handler.get("/api/v1/notifications?unread=maybe"), 422, "unread")
        page = expect(handler.get("/api/v1/notifications?limit=1"), 200).json()
        check(len(page["items"]) == 1 and page["next_cursor"], "paged", page)
        rest = expect(handler.get("/api/v1/notifications?limit=1&cursor=" + page["next_cursor"]), 200).json()
        check(len(rest["items"]) == 1 and rest["items"][0]["id"] < page["items"][0]["id"]
              and rest["next_cursor"] is None, "next page", rest)



@test
def pause_for_approval_moves_the_deadline(w):
    with moving_clock(w, "2026-11-23T09:00:00+08:00", "暂停测试日历") as (server, clock, v, cal):  # a Monday morning
        a = v.admin
        expect(a.post("/api/v1/sla-policies", {
            "name": "暂停测试", "priority": 0, "match": {"category_id": [v.cat]},
            "calendar_id": cal["id"], "approval": {"always": True},
            "clocks": [{"name": "resolve", "start": "registered", "stop": "resolved",
                        "target": "3d", "pause_in": ["pending_approval"]}]}), 201)
        c = expect(v.agent.post("/api/v1/complaints", {
            "channel": "phone", "category_id": v.cat,
            "customer": {"name": "钱七", "phone": "13500003333"}, "content": "等待审批"}), 201).json()
        check(c["clocks"][0]["due_at"] == "2026-11-25T18:00:00+08:00", "3 working days", c["clocks"])
        v.to_in_progress(c["id"], category=v.cat)

        clock.set("2026-11-23T10:00:00+08:00")
        sign_in_again(server, v)
        r = v.act(v.handler_a, c["id"], "propose_plan", {"kind": "apology", "description": "道歉"}).json()
        check(r["status"] == "pending_approval", "the plan waits for the approver", r)
        k = r["clocks"][0]
        check(k["state"] == "paused" and k["remaining_working_seconds"] == 77400,
              "paused with 21.5 working hours left", k)

        clock.set("2026-11-23T12:00:00+08:00")
        r = expect(User(server, "t_approver").post(
            f"/api/v1/complaints/{c['id']}/actions/approve", {"note": "同意"}), 200).json()
        k = r["clocks"][0]
        check(k["state"] == "running" and k["due_at"] == "2026-11-26T11:00:00+08:00",
              "2 working hours paused: due Thursday 11:00 instead of Wednesday 18:00", k)
        events = expect(User(server, "admin").get(f"/api/v1/complaints/{c['id']}/events"),
                        200).json()["items"]
        paused = [e for e in events if e["type"] == "clock.paused"]
        check(len(paused) == 1 and paused[0]["data"]["paused_working_seconds"] == 7200
              and paused[0]["data"]["clock"] == "resolve", "the paused interval is on the timeline",
              paused)


@test
def major_complaint_out_of_hours_wakes_the_general_manager(w):
    with moving_clock(w, "2026-11-21T02:00:00+08:00", "夜间测试日历") as (server, clock, v, cal):  # Saturday, 2 a.m.
        a = v.admin
        expect(a.post("/api/v1/sla-policies", {
            "name": "夜间测试", "priority": 0, "match": {"category_id": [v.cat]},
            "calendar_id": cal["id"], "clocks": []}), 201)

        def register(severity):
            return expect(v.agent.post("/api/v1/complaints", {
                "channel": "phone", "category_id": v.cat, "severity": severity,
                "customer": {"name": "郑十一", "phone": "13100007777"},
                "content": "泳池救生员缺岗导致溺水险情"}), 201).json()

        minor = register(1)
        check(notes(v.approver) == [], "a general complaint at night waits for the morning")
        major = register(5)
        got = notes(v.approver)
        check([n["kind"] for n in got] == ["complaint.after_hours"] and got[0]["complaint_id"] == major["id"],
              "a major one notifies the general manager at once", got)
        check(notes(v.manager_a) == [], "only the general managers")
        types = [e["type"] for e in v.events(major["id"])]
        check("complaint.after_hours" in types, "on the timeline", types)
        check("complaint.after_hours" not in [e["type"] for e in v.events(minor["id"])], "not the minor one")

        # Triaged up to major at night: the same alert.
        v.act(v.agent, minor["id"], "triage", {"valid": True, "category_id": v.cat, "severity": 5,
                                              "department_id": v.dept_a})
        check(len(notes(v.approver)) == 2, "a triage that makes it major alerts too", notes(v.approver))

        # Monday morning, in working hours: no alert.
        clock.set("2026-11-23T10:00:00+08:00")
        approver = User(server, "t_approver")
        agent = User(server, "t_agent")
        expect(agent.post("/api/v1/complaints", {
            "channel": "phone", "category_id": v.cat, "severity": 5,
            "customer": {"name": "王十二", "phone": "13100008888"}, "content": "白天的重大投诉"}), 201)
        check(len(notes(approver)) == 2, "in working hours the clocks and people are there")


@test
def waiting_for_the_customer_pauses_the_clock(w):
    with moving_clock(w, "2026-11-23T09:00:00+08:00", "等待测试日历") as (server, clock, v, cal):  # a Monday morning
        a = v.admin
        expect(a.post("/api/v1/sla-policies", {
            "name": "等待测试", "priority": 0, "match": {"category_id": [v.cat]},
            "calendar_id": cal["id"],
            "clocks": [{"name": "resolve", "start": "registered", "stop": "resolved",
                        "target": "3d", "pause_in": ["waiting"]}]}), 201)
        c = expect(v.agent.post("/api/v1/complaints", {
            "channel": "phone", "category_id": v.cat,
            "customer": {"name": "冯十三", "phone": "13000009999"}, "content": "需要客户补充发票"}), 201).json()
        cid = c["id"]
        r = v.to_in_progress(cid, category=v.cat)
        check(r["waiting"] is None and "wait" in r["allowed_actions"]
              and "resume" not in r["allowed_actions"], "not waiting yet", r)

        clock.set("2026-11-23T10:00:00+08:00")
        sign_in_again(server, v)
        expect_problem(v.handler_a.post(f"/api/v1/complaints/{cid}/actions/wait", {}), 422, "reason")
        expect_problem(v.handler_b.post(f"/api/v1/complaints/{cid}/actions/wait",
                                        {"reason": "x"}), 404, what="another department")
        r = v.act(v.handler_a, cid, "wait", {"reason": "等待客户提供发票"}).json()
        check(r["status"] == "in_progress" and r["waiting"] == {
            "since": "2026-11-23T10:00:00+08:00", "reason": "等待客户提供发票"}, "waiting", r)
        check("resume" in r["allowed_actions"] and "wait" not in r["allowed_actions"], "resume offered", r)
        k = r["clocks"][0]
        check(k["state"] == "paused", "the resolve clock paused", k)
        expect_problem(v.handler_a.post(f"/api/v1/complaints/{cid}/actions/wait",
                                        {"reason": "再等"}), 422, what="already waiting")

        # The customer sends the invoice at 14:30: 3 working hours waited.
        clock.set("2026-11-23T14:30:00+08:00")
        sign_in_again(server, v)
        r = v.act(v.agent, cid, "resume", {"note": "客户已发来发票"}).json()
        k = r["clocks"][0]
        check(r["waiting"] is None and k["state"] == "running"
              and k["due_at"] == "2026-11-26T12:00:00+08:00",
              "due 3 working hours later: Thursday 12:00 instead of Wednesday 18:00", k)
        paused = [e for e in v.events(cid) if e["type"] == "clock.paused"]
        check(len(paused) == 1 and paused[0]["data"]["paused_working_seconds"] == 3 * 3600,
              "the wait is on the timeline", paused)
        resumed = [e for e in v.events(cid) if e["type"] == "resume"]
        check(len(resumed) == 1 and resumed[0]["note"] == "客户已发来发票",
              "resume's note is on the timeline", resumed)
        expect_problem(v.handler_a.post(f"/api/v1/complaints/{cid}/actions/resume", {}), 422,
                       what="resume without waiting")
