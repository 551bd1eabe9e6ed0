"""Personal data in lists and the retention policy (docs/retention.md):
lists mask every customer for every role; `redress retention run` and the
server's daily run (serve --retention-days) anonymise complaints closed
longer ago than the age, keep every figure of the reports, take the text
out of search, write one audit row per complaint, and do nothing the
second time. Time moves with REDRESS_FAKE_NOW."""

import contextlib
import os
import subprocess
import time
from urllib.parse import quote

from client import User, World, check, clocked_server, expect, expect_problem, test

START = "2026-01-05T10:00:00+08:00"
LATER = "2026-02-06T10:00:00+08:00"   # 32 days on
SECRET = "退休金存折密码XQZ"


@contextlib.contextmanager
def clocked_world(w, args=()):
    with clocked_server(w, START, args) as (server, clock):
        yield server, clock, World(server)


def retention(server, clock, *args):
    p = subprocess.run([server.binary, "retention", "run", "--db", server.db, *args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                       env=dict(os.environ, REDRESS_FAKE_NOW=clock.path))
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def closed_with_pii(v, phone, text):
    """A complaint of a customer with email and plate, a note and a
    restatement, followed up and closed; returns it."""
    c = v.create(content=text, subject="隐私" + text[:4], customer={
        "name": "赵六", "phone": phone, "email": "zhao@example.cn", "refs": {"plate": "京B99999"}},
        restatement="客户说" + text)
    expect(v.agent.post(f"/api/v1/complaints/{c['id']}/notes", {"note": "备注 " + text}), 201)
    v.triage(c["id"])
    v.act(v.handler_a, c["id"], "contact", {"method": "phone", "note": "已联系 " + text})
    v.act(v.handler_a, c["id"], "propose_plan", {"kind": "apology", "description": "道歉 " + text})
    v.act(v.handler_a, c["id"], "resolve", {"result": "已处理"})
    v.act(v.agent, c["id"], "follow_up", {"method": "phone", "reached": True, "satisfied": True,
                                           "score": 4, "comment": "满意 " + text})
    return c


def reports(user):
    return {g: expect(user.get(f"/api/v1/reports/summary?group_by={g}"), 200, g).json()
            for g in ("department", "category", "channel", "severity", "status", "month")}


@test
def lists_mask_every_customer_and_detail_reads_are_audited(w):
    phone = "1361234%04d" % (len(w.created) % 10000)
    c = w.create(customer={"name": "钱七", "phone": phone, "email": "qian@example.cn",
                           "refs": {"order": "SO-88"}})
    for u in (w.agent, w.admin, w.approver):
        for path in ("/api/v1/complaints?limit=500", f"/api/v1/complaints?q={phone}",
                     f"/api/v1/complaints?customer_phone={phone}",
                     f"/api/v1/customers?phone={phone}"):
            r = expect(u.get(path), 200, path)
            body = r.json()
            rows = body.get("items", body.get("complaints"))
            mine = [x for x in rows if x["id"] == c["id"]]
            check(len(mine) == 1, f"{path} lists it", body)
            m = mine[0]
            check(m["pii_masked"] is True and m["customer"]["phone"] == phone[:3] + "****" + phone[-4:]
                  and "qian@" not in m["customer"]["email"] and m["customer"]["refs"] == {"order": "***"},
                  f"{u.username}: masked in {path}", m)
        full = expect(u.get(f"/api/v1/complaints/{c['id']}"), 200).json()
        check(full["pii_masked"] is False and full["customer"]["phone"] == phone
              and full["customer"]["refs"] == {"order": "SO-88"}, f"{u.username}: full on the detail", full)
    rows = expect(w.auditor.get(f"/api/v1/audit?action=complaint.read&object=complaint:{c['id']}"),
                  200).json()["items"]
    check(rows and all(r["detail"] == {"pii": True} for r in rows),
          "the detail read is recorded as a read of personal data", rows)
    expect(w.auditor.get(f"/api/v1/complaints/{c['id']}"), 200)
    rows = expect(w.auditor.get(f"/api/v1/audit?action=complaint.read&object=complaint:{c['id']}"
                                f"&user_id={w.auditor.id}"), 200).json()["items"]
    check(rows and rows[0]["detail"] == {"pii": False}, "a masked read says so", rows)


@test
def retention_cli_anonymises_old_closed_complaints_once(w):
    with clocked_world(w) as (server, clock, v):
        old = closed_with_pii(v, "13655550001", SECRET)
        gone = v.in_state("withdrawn", content="撤回的投诉ABCWQ")
        newer = v.create(content="新的投诉仍在处理", customer={"name": "赵六", "phone": "13655550001"})
        att = expect(v.agent.call("POST", f"/api/v1/complaints/{old['id']}/attachments?filename=zhao.txt",
                                  headers={"Content-Type": "text/plain"}, raw=b"private bytes"), 201).json()
        code, out, err = retention(server, clock, "--older-than", "30", "--dry-run")
        check(code == 0 and out.startswith("would anonymise 0 complaints"), "nothing is old yet", out + err)

        clock.set(LATER)
        a = User(server, "admin")
        before = reports(a)
        code, out, err = retention(server, clock, "--older-than", "30", "--dry-run")
        check(code == 0 and out.startswith("would anonymise 2 complaints"), "dry run counts two", out + err)
        check(expect(a.get(f"/api/v1/complaints/{old['id']}"), 200).json()["anonymised_at"] is None,
              "a dry run changes nothing", None)
        code, out, err = retention(server, clock, "--older-than", "30")
        check(code == 0 and out.startswith("anonymised 2 complaints closed before 2026-01-07T10:00:00+08:00"),
              "two anonymised", out + err)
        code, out, err = retention(server, clock, "--older-than", "30")
        check(code == 0 and out.startswith("anonymised 0 complaints"), "the second run does nothing", out)

        check(reports(a) == before, "every report figure is the same after anonymisation", before)
        c = expect(a.get(f"/api/v1/complaints/{old['id']}"), 200).json()
        check(c["anonymised_at"] and c["content"] == "" and c["subject"] is None
              and c["restatement"] is None and c["customer"]["name"] is None
              and c["customer"]["phone"] is None and c["customer"]["refs"] is None
              and c["customer"]["id"] == old["customer"]["id"]
              and c["status"] == "closed" and c["satisfaction"]["score"] == 4
              and c["category_id"] == v.cat and c["department_id"] == v.dept_a, "anonymised, figures kept", c)
        body = expect(a.get(f"/api/v1/complaints/{old['id']}/events"), 200).body.decode()
        check(SECRET not in body and "13655550001" not in body, "the timeline holds no text of it", body)
        n = expect(a.get(f"/api/v1/complaints/{newer['id']}"), 200).json()
        check(n["customer"]["phone"] == "13655550001" and n["customer"]["name"] == "赵六",
              "the newer complaint keeps its customer", n)
        for q in (SECRET, "撤回的投诉ABCWQ"):
            check(not a.list_all("/api/v1/complaints?q=" + quote(q)), f"search no longer finds {q}", None)
        found = a.list_all("/api/v1/complaints?q=" + quote(old["number"]))
        check([x["id"] for x in found] == [old["id"]], "the number is still found", found)
        listed = {x["id"]: x for x in a.list_all("/api/v1/complaints")}
        check(listed[gone]["anonymised_at"] and listed[gone]["customer"]["name"] is None,
              "lists show it anonymised", listed.get(gone))
        expect_problem(a.get(f"/api/v1/attachments/{att['id']}/content"), 404)
        expect_problem(a.post(f"/api/v1/complaints/{old['id']}/notes", {"note": "新的个人信息"}), 422)
        aud = User(server, "t_auditor")
        rows = expect(aud.get("/api/v1/audit?action=complaint.anonymise&limit=100"), 200).json()["items"]
        check(sorted(r["object_id"] for r in rows) == sorted([old["id"], gone])
              and all(r["actor"] == "system" and r["detail"] == {"older_than_days": 30} for r in rows),
              "one audit row per complaint, without personal values", rows)


@test
def retention_cli_refuses_bad_input(w):
    for args in (["--older-than", "0"], ["--older-than", "-3"], ["--older-than", "abc"],
                 ["--older-than", "36501"], ["--older-than", "1.5"], []):
        p = subprocess.run([w.s.binary, "retention", "run", "--db", w.s.db, *args],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        check(p.returncode == 2 and b"--older-than" in p.stderr, f"refused: {args}", p.stderr)
    p = subprocess.run([w.s.binary, "serve", "--db", w.s.db, "--retention-days", "x"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 2 and b"--retention-days" in p.stderr, "serve refuses it too", p.stderr)


@test
def retention_runs_daily_in_the_server(w):
    with clocked_world(w, ["--retention-days", "30"]) as (server, clock, v):
        old = closed_with_pii(v, "13655550002", SECRET)
        clock.set(LATER)
        a = User(server, "admin")
        deadline = time.time() + 20
        while time.time() < deadline:
            c = expect(a.get(f"/api/v1/complaints/{old['id']}"), 200).json()
            if c["anonymised_at"]:
                break
            time.sleep(0.2)
        check(c["anonymised_at"] and c["customer"]["phone"] is None, "the scheduler anonymised it", c)
        check("retention anonymised 1 complaint" in server.log_text(), "and said so", None)
