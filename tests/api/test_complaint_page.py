"""What the console's complaint page relies on: allowed_actions offers each
role exactly the workflow table's actions for the state (and no action it
offers not is accepted), and the page's policy lets it preview attachments
from blob: URLs without loosening anything else."""

from client import ACTIONS, LEGAL, OPEN_STATES, ROLES, TERMINAL_STATES, check, expect, test

# States in_state() reaches without a department: department staff see none.
UNASSIGNED = ("registered", "transferred", "withdrawn", "merged")
PAGE_ROLES = ("agent", "handler", "manager", "approver", "analyst", "auditor")


def expected(state, role):
    return {a for a in ACTIONS if state in LEGAL[a] and role in ROLES[a]}


@test
def allowed_actions_by_role_and_state(w):
    target = w.create(content="合并目标(页面)")["id"]
    for state in OPEN_STATES + TERMINAL_STATES:
        cid = w.in_state(state, content=f"页面操作 {state}", merge_target=target)
        for role in PAGE_ROLES:
            user = w.by_role[role]
            if role in ("handler", "manager") and state in UNASSIGNED:
                expect(user.get(f"/api/v1/complaints/{cid}"), 404, f"no department yet: {role} does not see it")
                continue
            c = expect(user.get(f"/api/v1/complaints/{cid}"), 200, f"{role} reads it").json()
            offered = set(c["allowed_actions"])
            check(offered == expected(state, role),
                  f"{role} in {state} is offered {sorted(expected(state, role))}, not {sorted(offered)}", c)
            # What is not offered is refused, and changes nothing.
            before = w.snapshot(cid)
            for action in ACTIONS:
                if action in offered:
                    continue
                r = user.post(f"/api/v1/complaints/{cid}/actions/{action}", w.valid_body(action, target))
                check(r.status in (403, 422), f"{role} {action} from {state} refused", r)
            check(w.snapshot(cid) == before, f"nothing changed in {state} by {role}")


@test
def allowed_actions_follow_the_department(w):
    cid = w.in_state("assigned", content="页面操作 部门")
    check(set(w.get(cid, w.handler_a)["allowed_actions"]) == {"contact", "withdraw"},
          "the department's handler may contact", w.get(cid, w.handler_a))
    r = w.handler_b.get(f"/api/v1/complaints/{cid}")
    check(r.status == 404, "another department's handler is offered nothing: not found", r)
    # Reassigned: the offer moves with it.
    w.act(w.agent, cid, "assign", {"department_id": w.dept_b})
    check("contact" in w.get(cid, w.handler_b)["allowed_actions"], "the new department may contact")
    # Waiting for the customer: resume instead of wait.
    cid = w.in_state("in_progress", content="页面操作 等待")
    w.act(w.handler_a, cid, "wait", {"reason": "等客户提供发票"})
    offered = set(w.get(cid, w.handler_a)["allowed_actions"])
    check("resume" in offered and "wait" not in offered, "resume offered while waiting", offered)
    check("resume" not in w.get(cid, w.approver)["allowed_actions"], "not to the approver")


@test
def console_policy_allows_blob_images_only(w):
    r = w.s.request("GET", "/")
    csp = {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else ""
           for d in (p.strip() for p in r.headers.get("content-security-policy", "").split(";")) if d}
    check("blob:" in csp.get("img-src", "").split(), "img-src allows blob: previews", csp)
    for d in ("script-src", "default-src", "connect-src", "style-src"):
        check(csp.get(d) == "'self'", f"{d} stays 'self'", csp)
    check(csp.get("object-src") == "'none'" and csp.get("frame-ancestors") == "'none'", "no plugins, no framing", csp)


@test
def complaints_of_one_customer_by_id(w):
    """customer_id lists one customer's complaints, within what the caller
    may see, also for roles that see the phone masked."""
    phone = "13700009999"
    first = w.create(content="第一次投诉(客户)", customer={"name": "钱先生", "phone": phone})
    second = w.create(content="第二次投诉(客户)", customer={"name": "钱先生", "phone": phone})
    w.create(content="别人的投诉", customer={"name": "孙女士", "phone": "13700008888"})
    cust = first["customer"]["id"]
    check(second["customer"]["id"] == cust, "one customer record for one phone", second)
    w.triage(second["id"])  # to department A
    ids = lambda user: [c["id"] for c in expect(user.get(f"/api/v1/complaints?customer_id={cust}"), 200).json()["items"]]
    check(sorted(ids(w.agent)) == sorted([first["id"], second["id"]]), "both, for customer service")
    check(ids(w.handler_a) == [second["id"]], "department A sees the one it handles")
    check(ids(w.handler_b) == [], "department B sees none")
    got = expect(w.analyst.get(f"/api/v1/complaints?customer_id={cust}"), 200).json()["items"]
    check(len(got) == 2 and all("****" in c["customer"]["phone"] for c in got),
          "the analyst lists them, phones masked", got)
    for bad in ("abc", "0", "-1"):
        r = w.agent.get(f"/api/v1/complaints?customer_id={bad}")
        check(r.status == 422 and "customer_id" in [e["field"] for e in r.json()["errors"]],
              f"customer_id={bad} refused, naming the field", r)
