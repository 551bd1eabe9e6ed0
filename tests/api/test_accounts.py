"""Sessions and accounts: idle and absolute session expiry, logging out
everywhere, an administrator ending a user's sessions (also by deactivating
them or setting their password), the password policy and changing one's own
password. Expiry runs on a clock the test moves (REDRESS_FAKE_NOW)."""

import contextlib
import os
import sqlite3
import subprocess

from client import PASSWORD, User, check, clocked_server, expect, expect_problem, test

NEW_PASSWORD = "Another-test-pw-2"
EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": None}  # not sent: the server's default language


def new_user(w, name, role="agent", password=PASSWORD):
    return expect(w.admin.post("/api/v1/users", {"username": name, "password": password,
                                                 "display_name": name, "role": role}),
                  201).json()["id"]


def audit_actions(w, action):
    return [e for e in expect(w.admin.get(f"/api/v1/audit?action={action}"), 200).json()["items"]]


def last_seen(server, user_id):
    """Every session's last_seen_at of the user, read from the SQLite file
    (None on PostgreSQL: the test then checks behaviour only)."""
    if server.pg_db:
        return None
    with contextlib.closing(sqlite3.connect(server.db)) as db:
        return sorted(r[0] for r in db.execute(
            "SELECT last_seen_at FROM sessions WHERE user_id = ?", (user_id,)))


@test
def idle_session_ends(w):
    # 10:00 sign-in; the default idle limit is 30 minutes.
    with clocked_server(w, "2026-11-23T10:00:00+08:00") as (server, clock):
        u = User(server, "admin")
        t0 = last_seen(server, u.id)
        clock.set("2026-11-23T10:00:30+08:00")
        expect(u.get("/api/v1/me"), 200, "used half a minute later")
        check(last_seen(server, u.id) == t0, "use within the minute is not written", last_seen(server, u.id))
        clock.set("2026-11-23T10:29:00+08:00")
        expect(u.get("/api/v1/me"), 200, "29 minutes after the last use")
        if t0 is not None:
            check(last_seen(server, u.id)[0] == t0[0] + 29 * 60, "the use is recorded",
                  last_seen(server, u.id))
        clock.set("2026-11-23T10:58:00+08:00")
        expect(u.get("/api/v1/me"), 200, "29 minutes after that: still in use")
        clock.set("2026-11-23T11:28:01+08:00")
        r = expect_problem(u.call("GET", "/api/v1/me", headers=ZH), 401,
                           what="30 minutes and a second unused")
        check("长时间未操作" in r.json()["detail"], "the reason, in Chinese by default", r)
        r = expect_problem(u.call("GET", "/api/v1/me", headers=EN), 401)
        check(r.json()["detail"] == "the session was idle too long; sign in again",
              "the reason, in English on request", r)
        expect(u.post("/api/v1/complaints", {"channel": "phone", "content": "x",
                                              "customer": {"phone": "13800000000"}}), 401,
               "nor may it write")
        expect(User(server, "admin").get("/api/v1/me"), 200, "signing in again works")


@test
def session_limits_are_options(w):
    # 20 minutes idle, 1 hour in all: used every 15 minutes, it still ends
    # at the hour.
    with clocked_server(w, "2026-11-23T10:00:00+08:00",
                        args=["--session-idle", "20", "--session-max", "1"]) as (server, clock):
        u = User(server, "admin")
        for minute in ("15", "30", "45"):
            clock.set(f"2026-11-23T10:{minute}:00+08:00")
            expect(u.get("/api/v1/me"), 200, f"used at 10:{minute}")
        clock.set("2026-11-23T11:00:01+08:00")
        r = expect_problem(u.call("GET", "/api/v1/me", headers=EN), 401, what="past the hour")
        check(r.json()["detail"] == "the session has expired; sign in again", "the absolute limit", r)
        v = User(server, "admin")
        clock.set("2026-11-23T11:20:02+08:00")
        r = expect_problem(v.call("GET", "/api/v1/me", headers=EN), 401, what="20 minutes unused")
        check("idle" in r.json()["detail"], "the idle limit", r)
    for bad in (["--session-idle", "0"], ["--session-idle", "ten"], ["--session-max", "-1"],
                ["--session-max", "10000"]):
        p = subprocess.run([w.s.binary, "serve", "--db", w.s.db, *bad], capture_output=True,
                           text=True, timeout=30)
        check(p.returncode == 2 and bad[0] in p.stderr, f"serve {' '.join(bad)} is refused", p.stderr)


@test
def logout_everywhere(w):
    uid = new_user(w, "t_everywhere")
    one, two = User(w.s, "t_everywhere"), User(w.s, "t_everywhere")
    token = expect(one.post("/api/v1/tokens", {"name": "script"}), 201).json()["token"]
    other = User(w.s, "t_agent")
    r = expect(one.post("/api/v1/auth/logout-all"), 204, "logout-all")
    check("Max-Age=0" in r.headers.get("set-cookie", ""), "the cookie is cleared", r)
    expect_problem(one.get("/api/v1/me"), 401, what="this session")
    expect_problem(two.get("/api/v1/me"), 401, what="the other browser's session")
    expect(w.s.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + token}), 200,
           "API tokens are not sessions: revoked apart")
    expect(other.get("/api/v1/me"), 200, "another user's session is untouched")
    rows = [e for e in audit_actions(w, "logout.all") if e["user_id"] == uid]
    check(len(rows) == 1 and rows[0]["object_id"] == uid, "in the audit log", rows)
    expect(User(w.s, "t_everywhere").get("/api/v1/me"), 200, "signing in again works")
    expect(one.post("/api/v1/auth/logout-all"), 401, "an ended session cannot call it")


@test
def admin_ends_a_users_sessions(w):
    uid = new_user(w, "t_ended")
    one, two = User(w.s, "t_ended"), User(w.s, "t_ended")
    expect_problem(w.agent.call("DELETE", f"/api/v1/users/{uid}/sessions"), 403, what="an agent")
    expect_problem(one.call("DELETE", f"/api/v1/users/{uid}/sessions"), 403, what="the user themself")
    expect(one.get("/api/v1/me"), 200, "refused calls ended nothing")
    expect_problem(w.admin.call("DELETE", "/api/v1/users/999999/sessions"), 404, what="no such user")
    expect(w.admin.call("DELETE", f"/api/v1/users/{uid}/sessions"), 204)
    expect_problem(one.get("/api/v1/me"), 401)
    expect_problem(two.get("/api/v1/me"), 401)
    expect(w.admin.get("/api/v1/me"), 200, "the administrator's own session stays")
    rows = [e for e in audit_actions(w, "user.sessions_end") if e["object_id"] == uid]
    check(len(rows) == 1 and rows[0]["user_id"] == w.admin.id, "in the audit log, by the admin", rows)
    expect(w.admin.call("DELETE", f"/api/v1/users/{uid}/sessions"), 204, "again: nothing to end")


@test
def deactivation_and_admin_reset_end_sessions(w):
    uid = new_user(w, "t_reset")
    u = User(w.s, "t_reset")
    expect(w.admin.put(f"/api/v1/users/{uid}", {"display_name": "改名"}), 200)
    expect(u.get("/api/v1/me"), 200, "an edit without a password keeps the session")
    expect(w.admin.put(f"/api/v1/users/{uid}", {"password": NEW_PASSWORD}), 200)
    expect_problem(u.get("/api/v1/me"), 401, what="after the admin set a new password")
    expect(w.s.request("POST", "/api/v1/auth/login", {"username": "t_reset", "password": PASSWORD}),
           401, "the old password")
    u = User(w.s, "t_reset", NEW_PASSWORD)
    expect(w.admin.put(f"/api/v1/users/{uid}", {"active": False}), 200)
    expect_problem(u.get("/api/v1/me"), 401, what="deactivated")
    expect(w.admin.put(f"/api/v1/users/{uid}", {"active": True}), 200)
    expect_problem(u.get("/api/v1/me"), 401, what="reactivating brings no session back")
    expect(User(w.s, "t_reset", NEW_PASSWORD).get("/api/v1/me"), 200)


@test
def password_policy_on_user_writes(w):
    before = len(w.admin.list_all("/api/v1/users"))
    cases = (("Ab3-ab3-a", "10 to 1024"), ("abcdefghijkm", "two kinds"),
             ("my-t_policy-pw", "user name"), ("Password2024!", "most common"),
             ("1q2w3e4r5t", "most common"))
    for pw, words in cases:
        r = expect_problem(w.admin.call("POST", "/api/v1/users", {
            "username": "t_policy", "password": pw, "display_name": "策略", "role": "agent"},
            headers=EN), 422, "password", pw)
        check(words in r.json()["detail"], f"{pw!r}: the rule is named", r)
    r = expect_problem(w.admin.call("POST", "/api/v1/users", {
        "username": "t_policy", "password": "abcdefghijkm", "display_name": "策略", "role": "agent"},
        headers=ZH), 422, "password")
    check("两类字符" in r.json()["detail"], "in Chinese by default", r)
    check(len(w.admin.list_all("/api/v1/users")) == before, "nothing created")
    r = expect_problem(w.admin.put(f"/api/v1/users/{w.agent.id}", {"password": "password123"}),
                       422, "password")
    expect(w.agent.get("/api/v1/me"), 200, "a refused reset ends no session")
    User(w.s, "t_agent")  # the old password still signs in

    pw = os.path.join(w.s.dir, "weak-pw")
    with open(pw, "w") as f:
        f.write("qwertyuiop1\n")
    p = subprocess.run([w.s.binary, "user", "add", "--db", w.s.db, "--username", "t_weak",
                        "--role", "agent", "--password-file", pw], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode != 0 and "common" in p.stderr, "user add refuses a common password", p.stderr)
    expect(w.s.request("POST", "/api/v1/auth/login", {"username": "t_weak", "password": "qwertyuiop1"}),
           401, "and creates nobody")
    with open(pw, "w") as f:
        f.write("Admin-2026-pw\n")
    db = os.path.join(w.s.dir, "init-weak.db")
    p = subprocess.run([w.s.binary, "init", "--db", db, "--admin-password-file", pw],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode != 0 and "user name" in p.stderr,
          "init refuses an admin password holding the user name", p.stderr)


@test
def change_own_password(w):
    uid = new_user(w, "t_changer")
    me, elsewhere = User(w.s, "t_changer"), User(w.s, "t_changer")
    token = expect(me.post("/api/v1/tokens", {"name": "script"}), 201).json()["token"]
    r = expect_problem(me.call("POST", "/api/v1/me/password", {
        "current_password": "not-my-password", "new_password": NEW_PASSWORD}, headers=EN),
        403, "current_password")
    check(r.json()["detail"] == "the current password is wrong", "says why", r)
    for body, field in (({"current_password": PASSWORD, "new_password": "short1"}, "new_password"),
                        ({"current_password": PASSWORD, "new_password": "t_changer-2026"}, "new_password"),
                        ({"current_password": PASSWORD, "new_password": PASSWORD}, "new_password"),
                        ({"new_password": NEW_PASSWORD}, "current_password"),
                        ({"current_password": PASSWORD}, "new_password")):
        expect_problem(me.post("/api/v1/me/password", body), 422, field, str(body))
    expect(elsewhere.get("/api/v1/me"), 200, "refusals end no session")
    User(w.s, "t_changer")  # and the password is unchanged

    expect(me.post("/api/v1/me/password", {"current_password": PASSWORD,
                                           "new_password": NEW_PASSWORD}), 204)
    expect(me.get("/api/v1/me"), 200, "this session stays")
    expect_problem(elsewhere.get("/api/v1/me"), 401, what="the other sessions end")
    expect(w.s.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + token}), 200,
           "API tokens stay")
    expect(w.s.request("POST", "/api/v1/auth/login", {"username": "t_changer", "password": PASSWORD}),
           401, "the old password no longer signs in")
    User(w.s, "t_changer", NEW_PASSWORD)
    rows = [e for e in audit_actions(w, "user.password") if e["object_id"] == uid]
    check(len(rows) == 1 and rows[0]["user_id"] == uid, "in the audit log", rows)
    check(PASSWORD not in str(rows) and NEW_PASSWORD not in str(rows), "without the passwords", rows)


@test(last=True)
def wrong_current_password_is_throttled(w):
    new_user(w, "t_guesser")
    u = User(w.s, "t_guesser")
    statuses = [u.post("/api/v1/me/password", {"current_password": f"guess-{i}-Xy",
                                               "new_password": NEW_PASSWORD}).status
                for i in range(7)]
    check(statuses[0] == 403 and 429 in statuses, f"guessing through a session is limited: {statuses}")
    expect(u.post("/api/v1/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
           429, "even the right one while throttled")
