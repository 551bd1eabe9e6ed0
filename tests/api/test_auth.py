"""Authentication: sessions, CSRF, API tokens, throttling."""

from client import PASSWORD, User, check, clocked_server, expect, expect_problem, test

CREATE = {"channel": "phone", "customer": {"name": "李四", "phone": "13600000000"},
          "content": "认证测试"}


def count_all(w):
    return len(w.admin.list_all("/api/v1/complaints"))


@test
def login_logout_me(w):
    r = w.s.request("POST", "/api/v1/auth/login", {"username": "t_handler_a", "password": PASSWORD})
    expect(r, 200, "login")
    body = r.json()
    check(isinstance(body.get("csrf_token"), str) and len(body["csrf_token"]) >= 16, "csrf_token given", r)
    check(body["user"]["username"] == "t_handler_a", "user in the login answer", r)
    check("hash" not in r.body.decode() and PASSWORD not in r.body.decode(), "no secret in the answer", r)
    cookie = r.headers.get("set-cookie", "")
    check("HttpOnly" in cookie and "SameSite=Strict" in cookie, "session cookie is HttpOnly and SameSite=Strict", r)

    u = User(w.s, "t_handler_a")
    me = expect(u.get("/api/v1/me"), 200).json()
    check(me["user"]["username"] == "t_handler_a" and me["user"]["role"] == "handler", "me: user and role", me)
    check(me["user"]["department_id"] == w.dept_a, "me: department", me)
    me = expect(w.agent.get("/api/v1/me"), 200).json()
    check(me["user"]["role"] == "agent", "me for the agent", me)
    expect(u.post("/api/v1/auth/logout"), (200, 204), "logout")
    expect_problem(u.get("/api/v1/me"), 401, what="after logout")
    expect(u.post("/api/v1/complaints", CREATE), 401, "a POST with the old session and its CSRF token")
    # The other session of the same user is untouched.
    expect(w.handler_a.get("/api/v1/me"), 200, "another session survives a logout")


@test
def wrong_password_and_unknown_user_401(w):
    r1 = expect_problem(w.s.request("POST", "/api/v1/auth/login",
                                    {"username": "t_auditor", "password": "wrong-password"}), 401)
    check("set-cookie" not in r1.headers or "=;" in r1.headers["set-cookie"]
          or "Max-Age=0" in r1.headers["set-cookie"], "no session for a wrong password", r1)
    r2 = expect_problem(w.s.request("POST", "/api/v1/auth/login",
                                    {"username": "no_such_user_x", "password": "wrong-password"}), 401)
    check(r1.json()["detail"] == r2.json()["detail"], "unknown user and wrong password look the same",
          (r1.json(), r2.json()))


@test
def no_credentials_401(w):
    cid = w.create()["id"]
    for method, path, body in (("GET", "/api/v1/complaints", None),
                               ("POST", "/api/v1/complaints", CREATE),
                               ("GET", "/api/v1/me", None),
                               ("GET", f"/api/v1/complaints/{cid}", None),
                               ("GET", f"/api/v1/complaints/{cid}/events", None),
                               ("POST", f"/api/v1/complaints/{cid}/actions/withdraw", {"reason": "x"}),
                               ("GET", "/api/v1/users", None),
                               ("GET", "/api/v1/reports/summary?group_by=channel", None)):
        expect_problem(w.s.request(method, path, body), 401, what=f"{method} {path} without credentials")
    expect(w.s.request("GET", "/api/v1/me", headers={"Cookie": "redress_session=" + "a" * 64}), 401,
           "a made-up session cookie")
    expect(w.s.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + "f" * 64}), 401,
           "a made-up bearer token")
    expect(w.s.request("GET", "/api/v1/me", headers={"Authorization": "Basic YWRtaW46eA=="}), 401,
           "Basic auth is not a credential")
    check(w.get(cid)["status"] == "registered" and w.get(cid)["version"] == 1, "nothing changed")


@test
def csrf_required_for_cookie_posts(w):
    before = count_all(w)
    cid = w.create()["id"]
    snap = w.snapshot(cid)
    for hdr in ({}, {"X-CSRF-Token": "0" * 64}, {"X-CSRF-Token": w.handler_a.csrf}):
        r = w.agent.call("POST", "/api/v1/complaints", CREATE, csrf=False, headers=hdr)
        expect_problem(r, 403, what=f"create with CSRF header {list(hdr.values())[:1]}")
        r = w.agent.call("POST", f"/api/v1/complaints/{cid}/actions/withdraw", {"reason": "x"},
                         csrf=False, headers=hdr)
        expect_problem(r, 403, what="action without a valid CSRF token")
        r = w.agent.call("PATCH", f"/api/v1/complaints/{cid}", {"subject": "x", "version": 1},
                         csrf=False, headers=hdr)
        expect_problem(r, 403, what="PATCH without a valid CSRF token")
    check(count_all(w) == before + 1, "nothing created without CSRF")
    check(w.snapshot(cid) == snap, "nothing changed without CSRF", (snap, w.snapshot(cid)))
    # GET needs no token.
    expect(w.agent.call("GET", "/api/v1/me", csrf=False), 200)


@test
def bearer_token_without_csrf(w):
    r = expect(w.agent.post("/api/v1/tokens", {"name": "integration"}), 201)
    secret = r.json().get("token") if isinstance(r.json().get("token"), str) else r.json().get("secret")
    check(isinstance(secret, str) and len(secret) >= 32, "the secret is shown at creation", r)
    h = {"Authorization": "Bearer " + secret}
    me = expect(w.s.request("GET", "/api/v1/me", headers=h), 200).json()
    check(me["user"]["username"] == "t_agent", "token acts as its user", me)
    created = expect(w.s.request("POST", "/api/v1/complaints",
                                 {"channel": "api", "customer": {"phone": "13900000001"},
                                  "content": "API令牌登记"}, headers=h), 201).json()
    check(created["status"] == "registered" and created["registered_by"] == w.agent.id,
          "registered by the token's user", created)
    w.created.append(created["id"])
    r = expect(w.s.request("POST", f"/api/v1/complaints/{created['id']}/actions/withdraw",
                           {"reason": "测试"}, headers=h), 200, "action by token without CSRF")
    check(r.json()["status"] == "withdrawn", "withdrawn", r)
    lst = expect(w.agent.get("/api/v1/tokens"), 200)
    check(secret not in lst.body.decode(), "the token list never shows the secret", lst)
    expect(w.s.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + secret[:-1] + "x"}), 401,
           "a token with one character changed")


@test(last=True)
def wrong_password_throttled_429(w):
    expect(w.admin.post("/api/v1/users", {"username": "t_throttle", "password": PASSWORD,
                                          "display_name": "限流", "role": "agent"}), 201)
    statuses = []
    for _ in range(12):
        statuses.append(w.s.request("POST", "/api/v1/auth/login",
                                    {"username": "t_throttle", "password": "wrong-password"}).status)
    check(statuses[0] == 401, f"wrong password gives 401: {statuses}")
    check(429 in statuses, f"throttled (429) after repeated failures: {statuses}")
    check(set(statuses) <= {401, 429}, f"only 401/429: {statuses}")
    first = statuses.index(429)
    check(all(s == 429 for s in statuses[first:]), f"stays throttled: {statuses}")
    r = w.s.request("POST", "/api/v1/auth/login", {"username": "t_throttle", "password": PASSWORD})
    expect_problem(r, 429, what="the right password while throttled (else guessing is not slowed)")


@test
def lockouts_back_off(w):
    """A user name locked for 5 failures in 15 minutes is free again when
    they are over; failing on after that locks it until the hour of its
    first failure is over (10 in an hour), then for the day (20): each
    lockout longer than the one before. A sign-in clears the counts."""
    def login(server, password, source):
        return server.request("POST", "/api/v1/auth/login",
                              {"username": "t_backoff", "password": password}, source=source)

    def fail_until_locked(server, clock, when, source):
        clock.set(when)
        statuses = [login(server, "wrong-password", source).status for _ in range(5)]
        check(statuses == [401] * 5, f"five wrong passwords at {when}: 401 each", statuses)
        r = login(server, PASSWORD, source)
        expect_problem(r, 429, what=f"then locked, right password or not ({when})")
        return int(r.headers["retry-after"])

    with clocked_server(w, "2026-11-23T10:00:00+08:00") as (server, clock):
        admin = User(server, "admin")
        expect(admin.post("/api/v1/users", {"username": "t_backoff", "password": PASSWORD,
                                            "display_name": "退避", "role": "agent"}), 201)
        # Each round from another address: the per-address limit is not what
        # is tested here.
        wait = fail_until_locked(server, clock, "2026-11-23T10:00:00+08:00", "127.0.9.1")
        check(0 < wait <= 15 * 60, "the first lockout lasts the 15-minute window", wait)

        # 16 minutes on: the first window is over, the hour's holds 5.
        wait = fail_until_locked(server, clock, "2026-11-23T10:16:00+08:00", "127.0.9.2")
        check(15 * 60 < wait <= 44 * 60, "the second lasts until the hour of the first failure "
              "is over (10 in an hour)", wait)
        clock.set("2026-11-23T10:32:00+08:00")
        expect_problem(login(server, PASSWORD, "127.0.9.3"), 429,
                       what="16 minutes later still locked, where 15 minutes would have freed it")

        # Past the hour: 10 more failures in two rounds fill the day's 20.
        wait = fail_until_locked(server, clock, "2026-11-23T11:01:00+08:00", "127.0.9.4")
        check(0 < wait <= 15 * 60, "a new hour: 15 minutes again", wait)
        wait = fail_until_locked(server, clock, "2026-11-23T11:17:00+08:00", "127.0.9.5")
        check(wait > 20 * 60 * 60, "20 failures in a day lock the name until the day is over", wait)
        clock.set("2026-11-23T13:00:00+08:00")
        expect_problem(login(server, PASSWORD, "127.0.9.6"), 429, what="hours later, still locked")

        # The day over, the right password signs in and clears every count:
        # four failures after it are not a lockout.
        clock.set("2026-11-24T10:01:00+08:00")
        expect(login(server, PASSWORD, "127.0.9.7"), 200, "a day later the right password works")
        for _ in range(4):
            expect(login(server, "wrong-password", "127.0.9.8"), 401)
        expect(login(server, PASSWORD, "127.0.9.8"), 200, "four failures after a sign-in lock nothing")
