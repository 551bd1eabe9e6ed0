"""Who may call which route: the expectation table of tests/api/authz_test.py.

One entry per route of src/http/routes.c ("METHOD /pattern", as the server
publishes it at /api/v1/openapi.json), and one per workflow action of
POST /api/v1/complaints/{id}/actions/{action}. A route the server has and
this table lacks fails the test by name; so does an entry for a route that
is gone. docs/authorisation.md says the same in prose: change both together.

Each entry is a Rule:
  allow   PUBLIC (no sign-in; credentials are ignored), or the set of roles
          that succeed (answer the route's documented 2xx);
  deny    the answer for a signed-in role not in allow: 403 by default;
          404 where the API hides that the thing exists from that caller
          (someone else's token or notification; a complaint that is not in
          a departmental role's department yet);
  scoped  the route reads or changes one complaint (or something of one
          person): a handler or manager of another department, calling it on
          department A's complaint, gets 404 (SPEC §4: "Department staff see
          their own department's complaints"; existence does not leak).

Signed-out callers (no credentials, a revoked API token, a logged-out
session) get 401 on every non-public route; a session with a missing or
wrong X-CSRF-Token gets 403 on every unsafe (non-GET) non-public route.
"""

ROLES = ("agent", "handler", "manager", "approver", "analyst", "auditor", "admin")
STAFF = frozenset(ROLES)
# Auditors read everything and change nothing (SPEC §4).
WRITERS = STAFF - {"auditor"}
ADMIN = frozenset({"admin"})
PUBLIC = "public"


class Rule:
    def __init__(self, allow, deny=None, scoped=False):
        self.allow = allow
        self.deny = deny or {}
        self.scoped = scoped

    def denial(self, role):
        return self.deny.get(role, 403)


def _roles(*names):
    return frozenset(names)


ROUTES = {
    # The console, health and the API description: anyone.
    "GET /": Rule(PUBLIC),
    "GET /assets/{name}": Rule(PUBLIC),
    "GET /healthz": Rule(PUBLIC),
    "GET /metrics": Rule(PUBLIC),
    "GET /api/v1/version": Rule(PUBLIC),
    "GET /api/v1/openapi.json": Rule(PUBLIC),

    # Signing in and out, one's own settings and API tokens: every role.
    "POST /api/v1/auth/login": Rule(PUBLIC),
    "POST /api/v1/auth/logout": Rule(STAFF),
    # Ending all of one's own sessions, changing one's own password: every
    # role (the test calls them as a throwaway user of the caller's role).
    "POST /api/v1/auth/logout-all": Rule(STAFF),
    "GET /api/v1/me": Rule(STAFF),
    "PATCH /api/v1/me": Rule(STAFF),
    "POST /api/v1/me/password": Rule(STAFF),
    "POST /api/v1/tokens": Rule(STAFF),
    "GET /api/v1/tokens": Rule(STAFF),
    # The target is another user's token: only an administrator revokes it;
    # to anyone else it does not exist.
    "DELETE /api/v1/tokens/{id}": Rule(ADMIN, deny={r: 404 for r in ROLES}, scoped=True),

    # Complaints. Anyone who receives a complaint records it (SPEC §2);
    # reads are department-scoped for handlers and managers.
    "POST /api/v1/complaints": Rule(WRITERS),
    "GET /api/v1/complaints": Rule(STAFF),
    "GET /api/v1/complaints/{id}": Rule(STAFF, scoped=True),
    # Approvers decide plans and analysts analyse: neither edits the record.
    "PATCH /api/v1/complaints/{id}": Rule(_roles("agent", "handler", "manager", "admin"), scoped=True),
    "GET /api/v1/complaints/{id}/events": Rule(STAFF, scoped=True),
    "POST /api/v1/complaints/{id}/notes": Rule(WRITERS, scoped=True),
    "POST /api/v1/complaints/{id}/attachments": Rule(WRITERS, scoped=True),
    "GET /api/v1/complaints/{id}/attachments": Rule(STAFF, scoped=True),
    "GET /api/v1/attachments/{id}": Rule(STAFF, scoped=True),
    "GET /api/v1/attachments/{id}/content": Rule(STAFF, scoped=True),
    "GET /api/v1/customers": Rule(STAFF, scoped=True),
    # Customer service sends the survey; the department's manager may.
    "POST /api/v1/complaints/{id}/survey-link": Rule(_roles("agent", "manager", "admin"), scoped=True),
    # The department or customer service asks; the general manager decides
    # (the administrator does not stand in for either: docs/sla.md).
    "POST /api/v1/complaints/{id}/clocks/{name}/extensions": Rule(_roles("agent", "handler", "manager"), scoped=True),
    "GET /api/v1/complaints/{id}/extensions": Rule(STAFF, scoped=True),
    "POST /api/v1/complaints/{id}/extensions/{eid}/grant": Rule(_roles("approver"), scoped=True),
    "POST /api/v1/complaints/{id}/extensions/{eid}/refuse": Rule(_roles("approver"), scoped=True),
    # Reports count what the caller may see (departmental roles: their own
    # department; the scope probes check the numbers).
    "GET /api/v1/reports/summary": Rule(STAFF),

    # The public portal: customers, no sign-in.
    "GET /portal": Rule(PUBLIC),
    "POST /api/v1/portal/complaints": Rule(PUBLIC),
    "POST /api/v1/portal/complaints/{number}/photos": Rule(PUBLIC),
    "POST /api/v1/portal/progress": Rule(PUBLIC),
    "GET /api/v1/portal/surveys/{token}": Rule(PUBLIC),
    "POST /api/v1/portal/surveys/{token}": Rule(PUBLIC),

    # Notifications are their recipient's: the target is department A's
    # manager's; anyone else is told it does not exist.
    # The audit log: administrators and auditors (docs/audit.md).
    "GET /api/v1/audit": Rule(_roles("admin", "auditor")),

    "GET /api/v1/notifications": Rule(STAFF),
    "POST /api/v1/notifications/{id}/read": Rule(_roles("manager"), deny={r: 404 for r in ROLES}, scoped=True),

    # Configuration: everyone reads it (intake needs categories, sites and
    # users), administrators write it (API.md "admin writes").
    "POST /api/v1/departments": Rule(ADMIN),
    "GET /api/v1/departments": Rule(STAFF),
    "GET /api/v1/departments/{id}": Rule(STAFF),
    "PUT /api/v1/departments/{id}": Rule(ADMIN),
    "POST /api/v1/sites": Rule(ADMIN),
    "GET /api/v1/sites": Rule(STAFF),
    "GET /api/v1/sites/{id}": Rule(STAFF),
    "PUT /api/v1/sites/{id}": Rule(ADMIN),
    "POST /api/v1/categories": Rule(ADMIN),
    "GET /api/v1/categories": Rule(STAFF),
    "GET /api/v1/categories/{id}": Rule(STAFF),
    "PUT /api/v1/categories/{id}": Rule(ADMIN),
    "POST /api/v1/users": Rule(ADMIN),
    "GET /api/v1/users": Rule(STAFF),
    "GET /api/v1/users/{id}": Rule(STAFF),
    "PUT /api/v1/users/{id}": Rule(ADMIN),
    # Ending another user's sessions is an administrator's (docs/security.md).
    "DELETE /api/v1/users/{id}/sessions": Rule(ADMIN),
    "POST /api/v1/calendars": Rule(ADMIN),
    "GET /api/v1/calendars": Rule(STAFF),
    "GET /api/v1/calendars/{id}": Rule(STAFF),
    "PUT /api/v1/calendars/{id}": Rule(ADMIN),
    # Working-time arithmetic changes nothing: anyone signed in.
    "POST /api/v1/calendars/{id}/due": Rule(STAFF),
    "POST /api/v1/calendars/{id}/elapsed": Rule(STAFF),
    "POST /api/v1/sla-policies": Rule(ADMIN),
    "GET /api/v1/sla-policies": Rule(STAFF),
    "GET /api/v1/sla-policies/{id}": Rule(STAFF),
    "PUT /api/v1/sla-policies/{id}": Rule(ADMIN),
}

ACTION_ROUTE = "POST /api/v1/complaints/{id}/actions/{action}"

# The workflow's roles (SPEC §2, core/workflow.c); the administrator may
# step in anywhere. Triage and explain work on complaints that no department
# has yet, so to handlers and managers those complaints do not exist (404).
_NOT_YET_THEIRS = {"handler": 404, "manager": 404}
ACTIONS = {
    "triage": Rule(_roles("agent", "admin"), deny=_NOT_YET_THEIRS, scoped=True),
    "explain": Rule(_roles("agent", "admin"), deny=_NOT_YET_THEIRS, scoped=True),
    "assign": Rule(_roles("agent", "manager", "admin"), scoped=True),
    "contact": Rule(_roles("handler", "manager", "admin"), scoped=True),
    "progress": Rule(_roles("handler", "manager", "admin"), scoped=True),
    "propose_plan": Rule(_roles("handler", "manager", "admin"), scoped=True),
    "approve": Rule(_roles("approver", "admin"), scoped=True),
    "reject": Rule(_roles("approver", "admin"), scoped=True),
    "resolve": Rule(_roles("handler", "manager", "admin"), scoped=True),
    "follow_up": Rule(_roles("agent", "admin"), scoped=True),
    "close": Rule(_roles("agent", "admin"), scoped=True),
    "withdraw": Rule(_roles("agent", "handler", "manager", "admin"), scoped=True),
    "merge": Rule(_roles("agent", "manager", "admin"), scoped=True),
    "wait": Rule(_roles("agent", "handler", "manager", "admin"), scoped=True),
    "resume": Rule(_roles("agent", "handler", "manager", "admin"), scoped=True),
}
