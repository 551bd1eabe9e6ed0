"""A second server on `init --demo` data: users of every role, ~200
complaints. Scoping, masking, pagination, search and timelines on realistic
data. Users are picked by role and department, not by name."""

import collections
import json
from urllib.parse import quote

from client import Fail, Server, User, check, expect, test

TEXT_FIELDS = ("subject", "content", "demands")


def demo_checks(s):
    admin = User(s, "admin")
    users = admin.list_all("/api/v1/users")
    depts = {d["id"]: d for d in admin.list_all("/api/v1/departments")}
    roles = collections.Counter(u["role"] for u in users)
    for role in ("agent", "handler", "manager", "approver", "analyst", "admin", "auditor"):
        check(roles[role] >= 1, f"demo has a user with role {role}", roles)
    by_code = {depts[u["department_id"]]["code"]: u for u in users
               if u["role"] == "handler" and u["department_id"]}
    check("after_sales" in by_code, "a handler of after_sales", by_code.keys())

    everything = admin.list_all("/api/v1/complaints")
    check(len(everything) >= 150, f"about 200 demo complaints ({len(everything)})")
    ids = [c["id"] for c in everything]
    check(len(ids) == len(set(ids)), "each complaint once in the admin's list")
    check(ids == [c["id"] for c in admin.list_all("/api/v1/complaints", limit=7)], "pages of 7 == pages of 500")
    statuses = collections.Counter(c["status"] for c in everything)
    for st in ("registered", "assigned", "in_progress", "pending_approval", "executing", "resolved",
               "transferred", "closed", "withdrawn", "merged"):
        check(statuses[st] >= 1, f"demo has a complaint in {st}", statuses)
        n = len(admin.list_all(f"/api/v1/complaints?status={st}"))
        check(n == statuses[st], f"status={st} filter gives {statuses[st]}", n)
    numbers = [c["number"] for c in everything]
    check(len(numbers) == len(set(numbers)), "numbers unique")

    # Every departmental user sees exactly its department's complaints.
    for u in users:
        if not u["active"] or u["role"] == "admin":
            continue
        me = User(s, u["username"])
        seen = {c["id"] for c in me.list_all("/api/v1/complaints")}
        if u["role"] in ("handler", "manager"):
            want = {c["id"] for c in everything if c["department_id"] == u["department_id"]}
        else:
            want = set(ids)
        check(seen == want, f"{u['username']} ({u['role']}, department {u['department_id']}) sees "
              f"exactly {len(want)} complaints, saw {len(seen)}")
        if u["role"] in ("analyst", "auditor"):
            items = me.list_all("/api/v1/complaints")
            leaked = [c["id"] for c in items if c["customer"]["phone"] and "****" not in c["customer"]["phone"]]
            check(not leaked, f"{u['username']}: every phone masked", leaked[:10])
        if u["role"] in ("handler", "manager") and want:
            other = next((c for c in everything if c["department_id"] not in (None, u["department_id"])), None)
            if other:
                r = me.get(f"/api/v1/complaints/{other['id']}")
                check(r.status in (403, 404), f"{u['username']} cannot open another department's", r)

    # Timelines make sense: oldest first, transitions chain, end at the status.
    for c in everything[::5]:
        ev = admin.list_all(f"/api/v1/complaints/{c['id']}/events")
        check(ev and ev[0]["type"] == "registered", f"{c['number']} starts registered", ev[:1])
        check(all(ev[i]["at"] <= ev[i + 1]["at"] for i in range(len(ev) - 1)), f"{c['number']} oldest first")
        moves = [e for e in ev if e["to_status"]]
        for a, b in zip(moves, moves[1:]):
            check(b["from_status"] == a["to_status"], f"{c['number']}: {b['type']} starts where "
                  f"{a['type']} ended", (a, b))
        check(moves[-1]["to_status"] == c["status"], f"{c['number']} timeline ends in {c['status']}", moves[-1])

    # One- and two-character searches find exactly the complaints containing them.
    chars, pairs = collections.Counter(), collections.Counter()
    for c in everything:
        text = "".join(c.get(f) or "" for f in TEXT_FIELDS)
        chars.update({ch for ch in text if "\u4e00" <= ch <= "\u9fff"})
        pairs.update({text[i:i + 2] for i in range(len(text) - 1)
                      if all("\u4e00" <= ch <= "\u9fff" for ch in text[i:i + 2])})
    n = len(everything)
    picks = [k for k, v in chars.most_common() if 3 <= v <= n // 3][:3] + \
            [k for k, v in pairs.most_common() if 3 <= v <= n // 3][:3]
    check(len(picks) == 6, "demo texts give search words", picks)
    for q in picks:
        found = {c["id"] for c in admin.list_all("/api/v1/complaints?q=" + quote(q))}
        must = {c["id"] for c in everything if any(q in (c.get(f) or "") for f in TEXT_FIELDS)}
        may = {c["id"] for c in everything if q in json.dumps(c, ensure_ascii=False)}
        check(must <= found, f"q={q!r} finds all {len(must)} containing it (missed {sorted(must - found)[:10]})")
        check(found <= may, f"q={q!r} finds only complaints containing it (extra {sorted(found - may)[:10]})")

    # Reports agree with the list.
    r = expect(admin.get("/api/v1/reports/summary?group_by=department"), 200).json()
    check(r["items"][-1]["total"] == n, "report total equals the list", r["items"][-1])


@test
def demo_data_scoping_masking_search_timelines(w):
    s = Server(w.s.binary, demo=True)
    failure = None
    try:
        s.start()
        demo_checks(s)
    except Exception as e:  # report it after the server's own health
        failure = e
    code = s.stop()
    errors = s.sanitizer_errors()
    log = s.log_text()
    s.cleanup()
    if errors:
        raise Fail("sanitizer errors in the demo server:\n  " + "\n  ".join(errors[:20]) + "\n" + log[-4000:]
                   + (f"\n(and the test failed: {failure})" if failure else ""))
    if failure is not None:
        raise failure
    if code not in (0, None):
        raise Fail(f"demo server exit code {code} on SIGTERM\n{log[-3000:]}")


@test
def demo_has_every_open_state_at_any_hour(w):
    """`init --demo` made at night or early in the morning (REDRESS_FAKE_NOW)
    still leaves an example in every open state: the examples' stories fit
    in staff hours that have passed."""
    import os
    import sqlite3
    import subprocess
    import tempfile
    names = ("registered", "assigned", "in_progress", "pending_approval", "executing",
             "resolved", "transferred")
    for hour in ("03:30", "09:30", "23:30"):
        d = tempfile.mkdtemp(prefix="redress-demo-hour-")
        now, pw, db = (os.path.join(d, n) for n in ("now", "pw", "x.db"))
        with open(now, "w") as f:
            f.write(f"2026-11-30T{hour}:00+08:00\n")
        with open(pw, "w") as f:
            f.write("demo-password-123\n")
        p = subprocess.run([w.s.binary, "init", "--db", db, "--demo", "--admin-password-file", pw],
                           env=dict(os.environ, REDRESS_FAKE_NOW=now), capture_output=True, timeout=300)
        check(p.returncode == 0, f"init --demo at {hour}", p.stderr.decode()[-500:])
        con = sqlite3.connect(db)
        have = {r[0] for r in con.execute("SELECT DISTINCT status FROM complaints")}
        con.close()
        missing = [n for i, n in enumerate(names) if i not in have]
        check(not missing, f"every open state at {hour}", missing)
        subprocess.run(["rm", "-rf", d])
