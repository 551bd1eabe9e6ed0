"""API tokens: revocation (DELETE /api/v1/tokens/{id}) by the owner or an
admin, effective at once even for a token the server has just cached."""

from client import check, expect, expect_problem, test


def bearer(secret):
    return {"Authorization": "Bearer " + secret}


def mint(user, name, **extra):
    r = expect(user.post("/api/v1/tokens", {"name": name, **extra}), 201, "token created")
    return r.json()["id"], r.json()["token"]


@test
def token_revoked_by_owner_gets_401_at_once(w):
    tid, secret = mint(w.agent, "revoke-me")
    # Used twice first, so that the credential cache holds it.
    for _ in range(2):
        expect(w.s.request("GET", "/api/v1/me", headers=bearer(secret)), 200, "token in use")
    expect(w.agent.call("DELETE", f"/api/v1/tokens/{tid}"), 204, "the owner revokes it")
    expect_problem(w.s.request("GET", "/api/v1/me", headers=bearer(secret)), 401,
                   what="the revoked token, at once")
    listed = [t for t in expect(w.agent.get("/api/v1/tokens"), 200).json()["items"] if t["id"] == tid]
    check(len(listed) == 1 and listed[0]["revoked"] is True, "listed as revoked", listed)
    expect(w.agent.call("DELETE", f"/api/v1/tokens/{tid}"), 204, "revoking twice is harmless")


@test
def token_revoke_by_others(w):
    tid, secret = mint(w.handler_a, "others")
    # Another user neither revokes it nor learns that it exists.
    expect_problem(w.agent.call("DELETE", f"/api/v1/tokens/{tid}"), 404,
                   what="someone else's token")
    expect(w.s.request("GET", "/api/v1/me", headers=bearer(secret)), 200, "still valid")
    # An admin may; the token's own bearer then gets 401.
    expect(w.admin.call("DELETE", f"/api/v1/tokens/{tid}"), 204, "an admin revokes it")
    expect_problem(w.s.request("GET", "/api/v1/me", headers=bearer(secret)), 401,
                   what="revoked by an admin")
    expect_problem(w.admin.call("DELETE", "/api/v1/tokens/999999"), 404, what="unknown id")
    expect_problem(w.admin.call("DELETE", "/api/v1/tokens/abc"), (400, 404, 422),
                   what="not an id")


@test
def token_revoke_needs_csrf_and_credentials(w):
    tid, secret = mint(w.agent, "csrf")
    expect_problem(w.agent.call("DELETE", f"/api/v1/tokens/{tid}", csrf=False), 403,
                   what="DELETE without the CSRF token")
    expect_problem(w.s.request("DELETE", f"/api/v1/tokens/{tid}"), 401, what="no credentials")
    expect(w.s.request("GET", "/api/v1/me", headers=bearer(secret)), 200, "not revoked")
    # A token may revoke itself (no CSRF with a bearer token); then it is done.
    expect(w.s.request("DELETE", f"/api/v1/tokens/{tid}", headers=bearer(secret)), 204,
           "a token revokes itself")
    expect_problem(w.s.request("GET", "/api/v1/me", headers=bearer(secret)), 401,
                   what="after revoking itself")
