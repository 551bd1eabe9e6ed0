"""Business calendars over HTTP: create, read, replace (admin only), the
working-time arithmetic at /due and /elapsed, and sites and SLA policies
naming a calendar."""

from client import check, expect, expect_problem, test

OFFICE_DAY = [["09:00", "12:00"], ["13:30", "18:00"]]

# The 2026 schedule of the 国务院办公厅 notice of 2025-11-04.
HOLIDAYS_2026 = (
    ["2026-01-01", "2026-01-02", "2026-01-03"]
    + [f"2026-02-{d}" for d in range(15, 24)]
    + ["2026-04-04", "2026-04-05", "2026-04-06"]
    + [f"2026-05-0{d}" for d in range(1, 6)]
    + ["2026-06-19", "2026-06-20", "2026-06-21"]
    + ["2026-09-25", "2026-09-26", "2026-09-27"]
    + [f"2026-10-0{d}" for d in range(1, 8)]
)
WORKDAYS_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]


def office(name="总部工作日(测)"):
    return {
        "name": name,
        "timezone": "Asia/Shanghai",
        "week": {"mon": OFFICE_DAY, "tue": OFFICE_DAY, "wed": OFFICE_DAY,
                 "thu": OFFICE_DAY, "fri": OFFICE_DAY, "sat": [], "sun": []},
        "holidays": HOLIDAYS_2026,
        "workdays": WORKDAYS_2026,
        "workday_hours": OFFICE_DAY,
    }


def due(user, cal_id, frm, target):
    return user.post(f"/api/v1/calendars/{cal_id}/due", {"from": frm, "target": target})


@test
def calendar_crud_admin_only(w):
    a = w.admin
    before = len(a.list_all("/api/v1/calendars"))
    c = expect(a.post("/api/v1/calendars", office()), 201).json()
    check(c["name"] == "总部工作日(测)" and c["timezone"] == "Asia/Shanghai", "created", c)
    check(c["week"]["mon"] == OFFICE_DAY and c["week"]["sat"] == [], "week as sent", c)
    check(c["holidays"] == sorted(HOLIDAYS_2026) and c["workdays"] == WORKDAYS_2026, "dates as sent", c)
    check(c["working_day_minutes"] == 450 and c["version"] == 1, "a working day is 7.5 h", c)
    check(expect(w.agent.get(f"/api/v1/calendars/{c['id']}"), 200).json() == c, "anyone signed in reads it")
    check(len(a.list_all("/api/v1/calendars")) == before + 1, "listed")

    # A year's holidays entered at once, given out of order and with a repeat.
    body = {"holidays": ["2027-02-09", "2027-01-01", "2027-02-08", "2027-01-01"],
            "workdays": ["2027-02-07"]}
    r = expect(a.put(f"/api/v1/calendars/{c['id']}", body), 200).json()
    check(r["holidays"] == ["2027-01-01", "2027-02-08", "2027-02-09"], "sorted, once each", r)
    check(r["workdays"] == ["2027-02-07"] and r["week"] == c["week"] and r["version"] == 2,
          "the rest kept, version moved", r)

    for u in (w.agent, w.handler_a, w.manager_a, w.approver, w.analyst, w.auditor):
        expect_problem(u.post("/api/v1/calendars", office("X")), 403, what=u.username)
        expect_problem(u.put(f"/api/v1/calendars/{c['id']}", {"name": "篡改"}), 403, what=u.username)
    check(a.get(f"/api/v1/calendars/{c['id']}").json()["name"] == "总部工作日(测)", "refusals changed nothing")
    check(len(a.list_all("/api/v1/calendars")) == before + 1, "refusals created nothing")
    expect_problem(a.get("/api/v1/calendars/9999999"), 404)


@test
def calendar_bad_input_names_the_field(w):
    a = w.admin
    before = len(a.list_all("/api/v1/calendars"))
    cases = [
        (dict(office(), timezone="Asia/Beijing"), "timezone"),
        (dict(office(), timezone=8), "timezone"),
        (dict(office(), name=""), "name"),
        (dict(office(), week={"mon": [["09:00", "12:00"], ["11:00", "18:00"]]}), "week.mon"),
        (dict(office(), week={"mon": [["18:00", "09:00"]]}), "week.mon"),
        (dict(office(), week={"mon": [["09:00", "25:00"]]}), "week.mon"),
        (dict(office(), week={"mon": [["9:00", "12:00"]]}), "week.mon"),
        (dict(office(), week={"mon": [["24:00", "24:00"]]}), "week.mon"),
        (dict(office(), week={"monday": OFFICE_DAY}), "week.monday"),  # an unknown key, named
        (dict(office(), week={"sat": [], "sun": []}), "week"),
        (dict(office(), week=[OFFICE_DAY]), "week"),
        (dict(office(), holidays=["2026-02-30"]), "holidays"),
        (dict(office(), holidays="2026-10-01"), "holidays"),
        (dict(office(), workdays=["2026-10-01"]), "workdays"),  # also a holiday
        (dict(office(), workday_hours=[]), "workday_hours"),
    ]
    for body, field in cases:
        expect_problem(a.post("/api/v1/calendars", body), 422, field, what=str(body)[:80])
    expect_problem(a.post("/api/v1/calendars", None, raw=b"{not json"), 400)
    check(len(a.list_all("/api/v1/calendars")) == before, "nothing written")


@test
def due_and_elapsed(w):
    c = expect(w.admin.post("/api/v1/calendars", office("到期计算(测)")), 201).json()
    cid = c["id"]
    cases = [
        # API.md's example: Friday 17:50 + 30 working minutes
        ("2026-11-20T17:50:00+08:00", "30m", "2026-11-23T09:20:00+08:00"),
        # used up exactly at the end of the day
        ("2026-11-23T09:00:00+08:00", "1d", "2026-11-23T18:00:00+08:00"),
        # the lunch break
        ("2026-11-23T11:30:00+08:00", "1h", "2026-11-23T14:00:00+08:00"),
        # National Day, then the make-up Saturday 10-10
        ("2026-09-30T17:00:00+08:00", "2h", "2026-10-08T10:00:00+08:00"),
        ("2026-10-09T17:00:00+08:00", "2h", "2026-10-10T10:00:00+08:00"),
        # an instant in another offset; calendar days ignore holidays
        ("2026-11-20T09:50:00Z", "30m", "2026-11-23T09:20:00+08:00"),
        ("2026-09-30T10:00:00+08:00", "15cd", "2026-10-15T10:00:00+08:00"),
    ]
    for frm, target, want in cases:
        got = expect(due(w.agent, cid, frm, target), 200).json()
        check(got == {"due_at": want}, f"{frm} + {target}", got)

    el = expect(w.agent.post(f"/api/v1/calendars/{cid}/elapsed",
                             {"from": "2026-11-20T17:50:00+08:00", "to": "2026-11-23T09:20:00+08:00"}), 200).json()
    check(el == {"working_seconds": 1800}, "elapsed over a weekend", el)
    el = expect(w.agent.post(f"/api/v1/calendars/{cid}/elapsed",
                             {"from": "2026-02-13T09:00:00+08:00", "to": "2026-02-24T09:00:00+08:00"}), 200).json()
    check(el == {"working_seconds": 2 * 27000}, "elapsed over a make-up day and the Spring Festival", el)

    for body, field in [({"from": "2026-11-20T17:50:00+08:00"}, "target"),
                        ({"target": "30m"}, "from"),
                        ({"from": "2026-11-20 17:50", "target": "30m"}, "from"),
                        ({"from": "2026-11-20T17:50:00+08:00", "target": "30"}, "target"),
                        ({"from": "2026-11-20T17:50:00+08:00", "target": "0m"}, "target"),
                        ({"from": "2026-11-20T17:50:00+08:00", "target": "-1h"}, "target"),
                        ({"from": "2026-11-20T17:50:00+08:00", "target": 30}, "target")]:
        expect_problem(w.agent.post(f"/api/v1/calendars/{cid}/due", body), 422, field, what=str(body))
    expect_problem(w.agent.post(f"/api/v1/calendars/{cid}/elapsed",
                                {"from": "2026-11-23T09:20:00+08:00", "to": "2026-11-20T17:50:00+08:00"}), 422, "to")
    expect_problem(due(w.agent, 9999999, "2026-11-20T17:50:00+08:00", "30m"), 404)


@test
def los_angeles_daylight_saving(w):
    day = [["09:00", "17:00"]]
    c = expect(w.admin.post("/api/v1/calendars", {
        "name": "LA office (test)", "timezone": "America/Los_Angeles",
        "week": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}}), 201).json()
    got = expect(due(w.agent, c["id"], "2026-03-06T16:00:00-08:00", "2h"), 200).json()
    check(got == {"due_at": "2026-03-09T10:00:00-07:00"}, "across spring forward, in the new offset", got)
    got = expect(due(w.agent, c["id"], "2026-10-31T10:00:00-07:00", "1cd"), 200).json()
    check(got == {"due_at": "2026-11-01T10:00:00-08:00"}, "a calendar day across fall back", got)


@test
def sites_and_policies_name_an_existing_calendar(w):
    a = w.admin
    c = expect(a.post("/api/v1/calendars", office("门店日历(测)")), 201).json()
    s = expect(a.post("/api/v1/sites", {"code": "t_cal01", "name": "日历门店", "calendar_id": c["id"]}), 201).json()
    check(s["calendar_id"] == c["id"], "site on the calendar", s)
    expect_problem(a.post("/api/v1/sites", {"code": "t_cal02", "name": "X", "calendar_id": 9999999}),
                   422, "calendar_id")
    expect_problem(a.put(f"/api/v1/sites/{s['id']}", dict(s, calendar_id=9999999)), 422, "calendar_id")
    p = expect(a.post("/api/v1/sla-policies", {"name": "日历策略(测)", "priority": 900,
                                                "calendar_id": c["id"]}), 201).json()
    check(p["calendar_id"] == c["id"], "policy on the calendar", p)
    expect_problem(a.post("/api/v1/sla-policies", {"name": "X", "priority": 901, "calendar_id": 9999999}),
                   422, "calendar_id")
