"""The audit log (docs/audit.md): every change and every staff read of
personal data recorded with user, time, client address and action, read by
admins and auditors over GET /api/v1/audit; `redress audit verify` walks the
hash chain and names the first edited or deleted row."""

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time

from client import User, check, expect, expect_problem, own_server, test

PHONE = "13700001111"


def audit(w, user=None, **query):
    """Every audit row matching query (newest first), through the pages."""
    params = "&".join(f"{k}={v}" for k, v in query.items())
    rows, cursor = [], None
    while True:
        path = "/api/v1/audit?limit=100" + ("&" + params if params else "")
        if cursor:
            path += "&cursor=" + cursor
        page = expect((user or w.auditor).get(path), 200, "audit page").json()
        rows += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return rows


def db_rows(server, sql, args=()):
    """Rows of sql straight from the server's database (not over the API,
    whose audit list first writes what is queued): SQLite's file, or psql."""
    if not server.pg_db:
        db = sqlite3.connect(server.db, timeout=30)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()
    for a in args:   # integers only: inlined for psql
        sql = sql.replace("?", str(int(a)), 1)
    p = subprocess.run(["psql", "-X", "-q", "-At", "-F", "|", "-d", server.db, "-c", sql],
                       stdout=subprocess.PIPE, check=True, timeout=60)
    return [tuple(line.split("|")) for line in p.stdout.decode().splitlines() if line]


def read_rows(server, user_id, cid):
    return db_rows(server, "SELECT seq FROM audit_log WHERE action = 'complaint.read'"
                           " AND user_id = ? AND object_id = ?", (user_id, cid))


def one(rows, action, what):
    found = [r for r in rows if r["action"] == action]
    check(len(found) == 1, f"one {action} row for {what}", found or rows)
    return found[0]


@test
def audit_records_changes_with_user_address_action(w):
    c = w.create(customer={"name": "审计客户", "phone": PHONE})
    cid = c["id"]
    w.triage(cid)
    expect(w.agent.patch(f"/api/v1/complaints/{cid}", {"subject": "更衣柜门", "version": 2}),
           200, "edit")
    expect(w.agent.post(f"/api/v1/complaints/{cid}/notes", {"note": "已致电"}), 201, "note")
    rows = audit(w, object=f"complaint:{cid}", action="complaint.")
    create = one(rows, "complaint.create", "the registration")
    check(create["user_id"] == w.agent.id and create["actor"] == "user", "by the agent", create)
    check(create["client_addr"] == "127.0.0.1", "from the client's address", create)
    check(create["object_kind"] == "complaint" and create["object_id"] == cid, "on it", create)
    triage = one(rows, "complaint.action.triage", "the triage")
    check(triage["detail"] == {"from": "registered", "to": "assigned"}, "states moved", triage)
    edit = one(rows, "complaint.edit", "the edit")
    check(edit["detail"] == {"fields": ["subject"]}, "the field named, not its value", edit)
    one(rows, "complaint.note", "the note")
    # Newest first, in seq order, chained.
    seqs = [r["seq"] for r in rows]
    check(seqs == sorted(seqs, reverse=True), "newest first", seqs)
    for r in rows:
        check(len(r["hash"]) == 64 and len(r["prev_hash"]) == 64, "hashes", r)
        check(PHONE not in str(r["detail"]) and "审计客户" not in str(r["detail"]),
              "no personal values in details", r)


@test
def audit_records_staff_reads_once_per_request(w):
    cid = w.create(customer={"name": "读者", "phone": "13700002222"})["id"]
    att = expect(w.agent.call("POST", f"/api/v1/complaints/{cid}/attachments?filename=a.txt",
                              headers={"Content-Type": "text/plain"}, raw=b"hello"),
                 201, "attachment").json()
    before = audit(w, user_id=w.manager_a.id)
    expect(w.admin.get(f"/api/v1/complaints/{cid}"), 200, "read")
    expect(w.admin.get(f"/api/v1/complaints/{cid}/events"), 200, "timeline")
    expect(w.admin.get(f"/api/v1/attachments/{att['id']}/content"), 200, "content")
    expect(w.admin.get("/api/v1/customers?phone=13700002222"), 200, "lookup")
    listed = expect(w.admin.get("/api/v1/complaints?limit=3"), 200, "list").json()["items"]
    rows = audit(w, user_id=w.admin.id)
    read = one([r for r in rows if r["object_id"] == cid], "complaint.read", "the read")
    check(read["client_addr"] == "127.0.0.1" and read["user_id"] == w.admin.id, "who", read)
    one([r for r in rows if r["object_id"] == cid], "complaint.events.read", "the timeline")
    content = one([r for r in rows if r["object_id"] == att["id"]], "attachment.read", "content")
    check(content["detail"] == {"complaint_id": cid}, "of which complaint", content)
    lookup = [r for r in rows if r["action"] == "customer.lookup"][0]
    check(cid in lookup["detail"]["ids"], "the lookup names what it showed", lookup)
    lists = [r for r in rows if r["action"] == "complaint.list"]
    check(lists and lists[0]["detail"] == {"returned": len(listed),
                                           "ids": [c["id"] for c in listed]},
          "one row for the list request, naming its complaints", lists[:1])
    check(audit(w, user_id=w.manager_a.id) == before, "nothing for someone else", None)


@test
def audit_read_rows_written_in_the_background(w):
    """A read answers before its row is committed: the appender writes it
    within its batch interval, without anyone asking for the log. Polled
    with a generous bound (a loaded machine), not timed."""
    cid = w.create(customer={"name": "后台", "phone": "13700003333"})["id"]
    expect(w.handler_a.get(f"/api/v1/complaints/{cid}"), 404, "out of scope: no read")
    expect(w.admin.get(f"/api/v1/complaints/{cid}"), 200, "read")
    deadline = time.time() + 60
    rows = read_rows(w.s, w.admin.id, cid)
    while not rows and time.time() < deadline:
        time.sleep(0.1)
        rows = read_rows(w.s, w.admin.id, cid)
    check(len(rows) == 1, "the read's row reached the database on its own", rows)
    # On PostgreSQL the appender runs the chainer after each batch, and the
    # scheduler every second: the row gets its place in the chain too.
    deadline = time.time() + 60
    while not (rows and rows[0][0] not in (None, "")) and time.time() < deadline:
        time.sleep(0.1)
        rows = read_rows(w.s, w.admin.id, cid)
    check(rows[0][0] not in (None, ""), "and is chained", rows)


@test
def audit_reads_drained_at_shutdown(w):
    """Reads answered just before SIGTERM: the server writes their queued
    rows (and chains them) before it closes the database."""
    with own_server(w) as (s, _):
        admin = User(s, "admin")
        body = {"channel": "phone", "customer": {"name": "停机", "phone": "13700004444"},
                "content": "停机前读取", "severity": 1}
        cid = expect(admin.post("/api/v1/complaints", body), 201, "create").json()["id"]
        for _ in range(20):
            expect(admin.get(f"/api/v1/complaints/{cid}"), 200, "read")
        check(s.stop() == 0, "a clean exit", s.log_text()[-2000:])
        rows = read_rows(s, admin.id, cid)
        check(len(rows) == 20, "every read's row written before the store closed", rows)
        check(all(r[0] not in (None, "") for r in rows), "and chained", rows)
        code, out = verify(s.binary, s.db)
        check(code == 0 and "audit log OK" in out and "waiting" not in out,
              "the log verifies with nothing waiting", out)


@test
def audit_records_sign_ins_and_admin_writes(w):
    expect_problem(w.s.request("POST", "/api/v1/auth/login",
                               {"username": "t_agent", "password": "wrong-password"}),
                   401, what="a wrong password")
    failed = audit(w, action="login.failed", object=f"user:{w.agent.id}")
    check(failed and failed[0]["client_addr"] == "127.0.0.1", "a failed sign-in, from where",
          failed[:1])
    check("wrong-password" not in str(failed[0]), "no password in the log", failed[0])
    made = expect(w.admin.post("/api/v1/users", {"username": "t_audited", "password": "s3cret-pass!",
                                                  "display_name": "被审计", "role": "agent"}),
                  201, "user").json()
    row = one(audit(w, object=f"user:{made['id']}"), "user.create", "the new user")
    check(row["user_id"] == w.admin.id and row["detail"] == {"password_set": True},
          "by the admin; the password's fact, not its value", row)
    ok = audit(w, action="login.ok", user_id=w.admin.id)
    check(ok, "sign-ins recorded", None)


@test
def audit_records_the_portal_customer(w):
    r = expect(w.s.request("POST", "/api/v1/portal/complaints",
                           {"name": "网上客户", "phone": "13912340000", "content": "审计门户"},
                           source="127.0.0.77"), 201, "portal submit").json()
    staff = expect(w.admin.get(f"/api/v1/complaints/{r['number']}"), 200).json()
    row = one(audit(w, object=f"complaint:{staff['id']}"), "complaint.create", "the portal")
    check(row["actor"] == "customer" and row["user_id"] is None, "the customer, no user", row)
    check(row["client_addr"] == "127.0.0.77", "from the customer's address", row)


@test
def audit_api_access_and_bad_input(w):
    for role in ("agent", "handler", "manager", "approver", "analyst"):
        expect_problem(w.by_role[role].get("/api/v1/audit"), 403, what=f"{role} may not read it")
    expect(w.admin.get("/api/v1/audit?limit=1"), 200, "admin")
    page = expect(w.auditor.get("/api/v1/audit?limit=2"), 200, "auditor").json()
    check(len(page["items"]) == 2 and page["next_cursor"], "a page and a cursor", page)
    nxt = expect(w.auditor.get("/api/v1/audit?limit=2&cursor=" + page["next_cursor"]), 200).json()
    check(nxt["items"][0]["seq"] < page["items"][1]["seq"], "the next page goes on", nxt)
    read = audit(w, action="audit.read", user_id=w.auditor.id)
    check(read, "reading the log is recorded", None)
    for q, field in (("limit=0", "limit"), ("limit=501", "limit"), ("cursor=xyz", "cursor"),
                     ("object=Complaint:1", "object"), ("object=complaint:x", "object"),
                     ("user_id=abc", "user_id"), ("from=yesterday", "from")):
        expect_problem(w.auditor.get("/api/v1/audit?" + q), 422, field, what=q)
    # The auditor reads but never writes.
    expect_problem(w.auditor.post("/api/v1/complaints", {"channel": "phone", "content": "x",
                                                          "customer": {"name": "x", "phone": "13800000000"}}),
                   403, what="an auditor registering")


def verify(binary, db):
    p = subprocess.run([binary, "audit", "verify", "--db", db], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace")


@test
def audit_verify_cli_names_the_bad_row(w):
    """An unmodified log verifies; on a copy, an attacker with the file drops
    the triggers and edits one row, deletes another: verify exits 1 naming it.
    (PostgreSQL: the intact log is verified; tampering there is the store
    suite's test_audit_append_only_and_tamper.)"""
    w.create()   # at least a few rows
    code, out = verify(w.s.binary, w.s.db)
    check(code == 0 and "audit log OK" in out, "an intact log verifies", out)
    if w.s.pg_db:
        return
    d = tempfile.mkdtemp(prefix="redress-audit-")
    try:
        def copy(name):
            path = os.path.join(d, name)
            src = sqlite3.connect(w.s.db)
            dst = sqlite3.connect(path)
            src.backup(dst)
            src.close()
            dst.close()
            return path

        intact = copy("intact.db")
        code, out = verify(w.s.binary, intact)
        check(code == 0, "the copy verifies", out)
        n = sqlite3.connect(intact).execute("SELECT max(seq) FROM audit_log").fetchone()[0]
        check(n >= 10, "rows to tamper with", n)

        edited = copy("edited.db")
        db = sqlite3.connect(edited)
        try:
            db.execute("UPDATE audit_log SET detail = '{}' WHERE seq = 5")
            check(False, "the trigger refuses an update", None)
        except sqlite3.DatabaseError as e:
            check("append-only" in str(e), "refused as append-only", str(e))
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("UPDATE audit_log SET detail = '{\"fields\":[]}' WHERE seq = 5")
        db.commit()
        db.close()
        code, out = verify(w.s.binary, edited)
        check(code == 1 and "seq 5" in out and "edited" in out, "the edited row named", out)

        deleted = copy("deleted.db")
        db = sqlite3.connect(deleted)
        db.execute("DROP TRIGGER audit_log_no_delete")
        db.execute("DELETE FROM audit_log WHERE seq = 7")
        db.commit()
        db.close()
        code, out = verify(w.s.binary, deleted)
        check(code == 1 and "seq 7" in out and "deleted" in out, "the deleted row named", out)

        cut = copy("cut.db")
        db = sqlite3.connect(cut)
        db.execute("DROP TRIGGER audit_log_no_delete")
        db.execute("DELETE FROM audit_log WHERE seq = ?", (n,))
        db.commit()
        db.close()
        code, out = verify(w.s.binary, cut)
        check(code == 1 and f"seq {n}" in out, "a cut tail caught by the head", out)
    finally:
        shutil.rmtree(d, ignore_errors=True)
