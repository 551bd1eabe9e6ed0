"""The complaint lifecycle: every action, the approval rule, illegal moves by
state and by role (422/403, nothing changes)."""

from client import (ACTIONS, LEGAL, OPEN_STATES, ROLES, TERMINAL_STATES, check, expect,
                    expect_problem, problem_fields, test)


def legal_from(state):
    return {a for a in ACTIONS if state in LEGAL[a]}


@test
def full_lifecycle_with_reject_and_reopen(w):
    c = w.create(content="车辆维修后发动机仍有异响", severity=1)
    cid = c["id"]
    check(c["number"].startswith("TS") and len(c["number"]) == 17 and c["number"][10] == "-",
          "number TS+YYYYMMDD+-+6 digits", c)
    check(c["version"] == 1 and c["status"] == "registered", "fresh record", c)
    check(c["registered_by"] == w.agent.id, "registered_by is the agent", c)
    # No category yet: the default policy of `redress init` applies, on its calendar.
    check(sorted(k["name"] for k in c["clocks"]) == ["forward", "resolve"]
          and all(k["state"] == "running" and k["run"] == 1 for k in c["clocks"]),
          "registration starts the default policy's forward and resolve clocks", c)
    check(c["reopen_count"] == 0 and c["plan"] is None and c["department_id"] is None, "defaults", c)
    H, A, P = w.handler_a, w.agent, w.approver
    steps = [
        (A, "triage", {"valid": True, "category_id": w.cat, "severity": 3, "department_id": w.dept_a}, "registered", "assigned"),
        (H, "contact", {"method": "phone", "note": "已致电客户"}, "assigned", "in_progress"),
        (H, "progress", {"note": "正在检查车辆"}, "in_progress", "in_progress"),
        (H, "propose_plan", {"kind": "compensation", "description": "赔偿维修费", "amount": 800}, "in_progress", "pending_approval"),
        (P, "reject", {"reason": "不符合原则"}, "pending_approval", "in_progress"),
        (H, "propose_plan", {"kind": "compensation", "description": "赔偿维修费", "amount": 600.5}, "in_progress", "pending_approval"),
        (P, "approve", {"note": "同意"}, "pending_approval", "executing"),
        (H, "progress", {"note": "赔付进行中"}, "executing", "executing"),
        (H, "resolve", {"result": "已赔付"}, "executing", "resolved"),
        (A, "follow_up", {"method": "phone", "reached": True, "satisfied": False, "score": 2,
                          "comment": "仍有异响"}, "resolved", "in_progress"),
        (H, "propose_plan", {"kind": "repair", "description": "免费返修"}, "in_progress", "executing"),
        (H, "resolve", {"result": "已返修"}, "executing", "resolved"),
        (A, "follow_up", {"method": "visit", "reached": True, "satisfied": True, "score": 5}, "resolved", "closed"),
    ]
    version = 1
    for i, (user, action, body, frm, to) in enumerate(steps):
        r = w.act(user, cid, action, body).json()
        version += 1
        check(r["status"] == to, f"step {i} {action}: {frm} -> {to}", r)
        check(r["version"] == version, f"step {i} {action} bumps version to {version}", r)
        if action == "triage":
            check(r["department_id"] == w.dept_a and r["severity"] == 3 and r["category_id"] == w.cat
                  and r["validity"] == "valid", "triage sets department, severity, category", r)
        if action == "contact":
            check(r["first_contact_at"] is not None, "first_contact_at set", r)
        if i == 3:
            check(r["plan"] == {"kind": "compensation", "description": "赔偿维修费", "amount": 800,
                                "needs_approval": True}, "plan recorded, needs approval (800 > 500)", r)
        if i == 5:
            check(r["plan"]["amount"] == 600.5, "amount in yuan with decimals", r)
        if action == "resolve":
            check(r["resolved_at"] is not None, "resolved_at set", r)
        if i == 9:
            check(r["reopen_count"] == 1, "unsatisfied follow-up reopens: reopen_count 1", r)
            check(r["plan"] is None, "reopening clears the plan", r)
            check(r["satisfaction"] == {"score": 2, "satisfied": False}, "unsatisfied recorded", r)
    final = w.get(cid, w.agent)
    check(final["status"] == "closed" and final["version"] == len(steps) + 1, "closed", final)
    check(final["reopen_count"] == 1, "reopened once", final)
    check(final["satisfaction"] == {"score": 5, "satisfied": True}, "satisfaction", final)
    check(final["closed_at"] is not None and final["allowed_actions"] == [], "closed_at, no more actions", final)
    ev = w.events(cid, w.agent)
    types = [e["type"] for e in ev]
    check(types == ["registered"] + [s[1] for s in steps], f"timeline order {types}")
    check(ev[0]["from_status"] is None and ev[0]["to_status"] == "registered", "registered event", ev[0])
    for e, (user, action, body, frm, to) in zip(ev[1:], steps):
        check((e["from_status"], e["to_status"]) == (frm, to), f"{action} event from/to", e)
        check(e["actor"]["id"] == user.id, f"{action} event actor", e)
        check(e["complaint_id"] == cid, "event complaint_id", e)
    check(ev[5]["note"] == "不符合原则" or ev[5]["data"].get("reason") == "不符合原则",
          "reject reason on the timeline", ev[5])
    check(ev[3]["note"] == "正在检查车辆", "progress note on the timeline", ev[3])
    check(all(ev[i]["at"] <= ev[i + 1]["at"] and ev[i]["id"] < ev[i + 1]["id"] for i in range(len(ev) - 1)),
          "oldest first", ev)


@test
def invalid_complaint_transferred_explained_closed(w):
    cid = w.create(content="泳池外停车场收费太贵")["id"]
    slip = {"to_party": "物业公司", "contact_person": "王经理", "contact_phone": "010-88886666",
            "contact_address": "北京市朝阳区1号"}
    r = w.act(w.agent, cid, "triage", {"valid": False, "reason": "停车场归物业管理", "transfer": slip}).json()
    check(r["status"] == "transferred" and r["validity"] == "invalid", "transferred", r)
    check(r["transfer"] == slip, "transfer slip kept verbatim", r)
    check(r["invalid_reason"] == "停车场归物业管理", "invalid_reason kept", r)
    check(r["department_id"] is None, "no department for an invalid complaint", r)
    r = w.act(w.agent, cid, "explain", {"note": "已告知客户物业联系方式"}).json()
    check(r["status"] == "closed" and r["version"] == 3, "closed after explanation", r)
    ev = w.events(cid)
    check([(e["type"], e["from_status"], e["to_status"]) for e in ev] ==
          [("registered", None, "registered"), ("triage", "registered", "transferred"),
           ("explain", "transferred", "closed")], "timeline", ev)


@test
def invalid_triage_needs_transfer_slip(w):
    cid = w.create()["id"]
    snap = w.snapshot(cid)
    r = w.act(w.agent, cid, "triage", {"valid": False, "reason": "x", "transfer": {"to_party": "物业"}}, 422)
    expect_problem(r, 422, "transfer.contact_person")
    r = w.act(w.agent, cid, "triage", {"valid": False, "transfer": {"to_party": "物业", "contact_person": "王",
                                                                   "contact_phone": "1", "contact_address": "1"}}, 422)
    expect_problem(r, 422, "reason")
    r = w.act(w.agent, cid, "triage", {"valid": False, "reason": "x"}, 422)
    check(any(f and f.startswith("transfer") for f in problem_fields(r)), "names transfer", r)
    check(w.snapshot(cid) == snap, "nothing changed")


@test
def plan_without_approval_goes_to_executing(w):
    cid = w.create()["id"]
    w.to_in_progress(cid)
    r = w.act(w.handler_a, cid, "propose_plan", {"kind": "apology", "description": "书面道歉"}).json()
    check(r["status"] == "executing", "no approval needed for an apology of severity 1", r)
    check(r["plan"]["needs_approval"] is False, "plan says so", r)
    ev = w.events(cid)[-1]
    check((ev["type"], ev["from_status"], ev["to_status"]) == ("propose_plan", "in_progress", "executing"),
          "event goes straight to executing", ev)
    # Severity 5 needs approval under the default policy (severity_at_least 5).
    cid = w.create()["id"]
    w.to_in_progress(cid, severity=5)
    r = w.act(w.handler_a, cid, "propose_plan", {"kind": "apology", "description": "道歉"}).json()
    check(r["status"] == "pending_approval", "severity 5 needs approval", r)


def policy(w, name, priority, category, approval, severity=None):
    body = {"name": name, "priority": priority,
            "match": {"severity": severity, "channel": None, "category_id": [category], "site_id": None},
            "calendar_id": None,
            "approval": dict({"always": False, "severity_at_least": None, "amount_over": None}, **approval),
            "clocks": []}
    return expect(w.admin.post("/api/v1/sla-policies", body), 201, "policy").json()


def new_category(w, name):
    return expect(w.admin.post("/api/v1/categories", {"name": name, "parent_id": None}), 201).json()["id"]


def plan_status(w, category, severity, plan):
    cid = w.create()["id"]
    w.to_in_progress(cid, severity=severity, category=category)
    return w.act(w.handler_a, cid, "propose_plan", plan).json()


@test
def approval_rule_from_policy(w):
    apology = {"kind": "apology", "description": "道歉"}
    # always: true makes even a severity-1 apology need approval.
    cat = new_category(w, "全部审批类(测)")
    p = policy(w, "全部审批(测)", 1, cat, {"always": True}, severity=[1])
    check(p["approval"]["always"] is True and p["match"]["category_id"] == [cat], "policy stored", p)
    got = expect(w.admin.get(f"/api/v1/sla-policies/{p['id']}"), 200).json()
    check(got == p, "GET by id gives the stored policy", (got, p))
    r = plan_status(w, cat, 1, apology)
    check(r["status"] == "pending_approval" and r["plan"]["needs_approval"] is True, "always:true", r)
    r = plan_status(w, cat, 2, apology)  # severity 2 is outside the match: default policy
    check(r["status"] == "executing", "the policy matches severity 1 only", r)

    # amount_over: strictly above.
    cat = new_category(w, "金额审批类(测)")
    policy(w, "金额审批(测)", 2, cat, {"amount_over": 500})
    r = plan_status(w, cat, 4, {"kind": "refund", "description": "退款", "amount": 500})
    check(r["status"] == "executing", "500 is not over 500", r)
    r = plan_status(w, cat, 4, {"kind": "refund", "description": "退款", "amount": 500.01})
    check(r["status"] == "pending_approval", "500.01 is over 500", r)
    r = plan_status(w, cat, 5, apology)
    check(r["status"] == "executing", "severity 5 without a severity rule needs no approval", r)

    # severity_at_least.
    cat = new_category(w, "严重度审批类(测)")
    policy(w, "严重度审批(测)", 3, cat, {"severity_at_least": 3})
    check(plan_status(w, cat, 3, apology)["status"] == "pending_approval", "severity 3 >= 3")
    check(plan_status(w, cat, 2, apology)["status"] == "executing", "severity 2 < 3")

    # Priority: the lowest matching priority wins; PUT changes it.
    cat = new_category(w, "优先级类(测)")
    lax = policy(w, "宽松(测)", 5, cat, {})
    policy(w, "严格(测)", 6, cat, {"always": True})
    r = plan_status(w, cat, 1, {"kind": "compensation", "description": "赔偿", "amount": 99999})
    check(r["status"] == "executing", "first policy by priority (no approval rule) applies", r)
    lax["priority"] = 7
    r = expect(w.admin.put(f"/api/v1/sla-policies/{lax['id']}", lax), 200, "PUT policy").json()
    check(r["priority"] == 7, "priority updated", r)
    check(plan_status(w, cat, 1, apology)["status"] == "pending_approval", "now the strict one applies")

    for u in (w.handler_a, w.manager_a, w.agent, w.approver, w.auditor):
        expect(u.post("/api/v1/sla-policies", {"name": "x", "priority": 3, "match": {},
                                               "approval": {"always": True}}), 403, "non-admin policy write")
        expect(u.put(f"/api/v1/sla-policies/{lax['id']}", lax), 403, "non-admin policy PUT")
    expect(w.analyst.get("/api/v1/sla-policies"), 200)


@test
def withdraw_and_merge_from_every_open_state(w):
    # In department A, so that A's manager may merge into it too.
    target = w.get(w.in_state("assigned", content="原始投诉"))
    for state in OPEN_STATES:
        for action in ("withdraw", "merge"):
            cid = w.in_state(state)
            v = w.get(cid)["version"]
            body = {"reason": "客户撤诉"} if action == "withdraw" else {"into": target["number"]}
            r = w.act(w.agent, cid, action, body).json()
            want = "withdrawn" if action == "withdraw" else "merged"
            check(r["status"] == want and r["version"] == v + 1, f"{action} from {state}", r)
            if action == "merge":
                check(r["merged_into"] == target["id"], "merged_into set from the number", r)
            ev = w.events(cid)[-1]
            check((ev["type"], ev["from_status"], ev["to_status"]) == (action, state, want),
                  f"{action} event from {state}", ev)
    # merge by id, by a handler's manager, and withdraw by the handler.
    cid = w.in_state("in_progress")
    r = w.act(w.manager_a, cid, "merge", {"into": target["id"]}).json()
    check(r["status"] == "merged" and r["merged_into"] == target["id"], "merge into by id", r)
    cid = w.in_state("in_progress")
    check(w.act(w.handler_a, cid, "withdraw", {"reason": "撤诉"}).json()["status"] == "withdrawn",
          "handler withdraws")
    cid = w.create()["id"]
    snap = w.snapshot(cid)
    expect_problem(w.act(w.agent, cid, "merge", {"into": cid}, 422), 422, "into", "merge into itself")
    r = w.agent.post(f"/api/v1/complaints/{cid}/actions/merge", {"into": "TS19990101-999999"})
    check(r.status in (404, 422), "merge into an unknown number", r)
    expect_problem(w.act(w.agent, cid, "merge", {}, 422), 422, "into", "merge without into")
    expect_problem(w.act(w.agent, cid, "withdraw", {}, 422), 422, "reason", "withdraw without reason")
    check(w.snapshot(cid) == snap, "refused merges changed nothing")


@test
def follow_up_unreached_then_close(w):
    cid = w.in_state("resolved")
    v = w.get(cid)["version"]
    r = w.act(w.agent, cid, "follow_up", {"method": "phone", "reached": False}).json()
    check(r["status"] == "resolved" and r["followup_attempts"] == 1 and r["version"] == v + 1,
          "unreached: stays resolved, attempt counted", r)
    r = w.act(w.agent, cid, "follow_up", {"method": "phone", "reached": False}).json()
    check(r["status"] == "resolved" and r["followup_attempts"] == 2, "second attempt", r)
    ev = w.events(cid)[-1]
    check((ev["type"], ev["from_status"], ev["to_status"]) == ("follow_up", "resolved", "resolved"),
          "follow_up event stays resolved", ev)
    r = w.act(w.agent, cid, "close", {"reason": "三次未接通"}).json()
    check(r["status"] == "closed" and r["close_reason"] == "三次未接通" and r["closed_at"], "closed", r)
    check(r["reopen_count"] == 0, "not reopened", r)


@test
def assign_and_progress_from_every_legal_state(w):
    cid = w.in_state("in_progress")
    r = w.act(w.manager_a, cid, "assign", {"department_id": w.dept_a, "assignee_id": w.ids["t_handler_a"]}).json()
    check(r["status"] == "assigned" and r["assignee_id"] == w.ids["t_handler_a"], "assign from in_progress", r)
    r = w.act(w.agent, cid, "assign", {"department_id": w.dept_b}).json()
    check(r["status"] == "assigned" and r["department_id"] == w.dept_b, "reassign to another department", r)
    expect(w.handler_b.get(f"/api/v1/complaints/{cid}"), 200, "the new department sees it")
    r = w.handler_a.get(f"/api/v1/complaints/{cid}")
    check(r.status in (403, 404), "the old department no longer sees it", r)
    cid = w.in_state("executing")
    r = w.act(w.handler_a, cid, "progress", {"note": "执行中"}).json()
    check(r["status"] == "executing", "progress keeps executing", r)


@test
def every_illegal_action_from_every_state_422_unchanged(w):
    target = w.create(content="合并目标")["id"]
    for state in OPEN_STATES + TERMINAL_STATES:
        cid = w.in_state(state, merge_target=target)
        c = w.get(cid)
        check(c["status"] == state, f"fixture in {state}", c)
        legal = legal_from(state)
        check(set(c["allowed_actions"]) == legal,
              f"allowed_actions for admin in {state} is {sorted(legal)}", c)
        snap = w.snapshot(cid)
        for action in ACTIONS:
            if action in legal:
                continue
            r = w.admin.post(f"/api/v1/complaints/{cid}/actions/{action}", w.valid_body(action, target))
            expect_problem(r, 422, what=f"{action} from {state}")
            check(r.json()["type"].endswith("/illegal-transition"), f"{action} from {state}: illegal-transition", r)
            # the agent (allowed for several) gets the same refusal
            if "agent" in ROLES[action]:
                r = w.agent.post(f"/api/v1/complaints/{cid}/actions/{action}", w.valid_body(action, target))
                expect(r, 422, f"agent {action} from {state}")
        check(w.snapshot(cid) == snap, f"nothing changed in {state}", (snap, w.snapshot(cid)))


@test
def wrong_role_403_unchanged(w):
    """Each action from a state where it is legal, by every role that may not
    take it: 403 (404 allowed for department roles that cannot see it)."""
    target = w.in_state("assigned", content="合并目标")  # visible to department A's roles
    state_for = {"triage": "registered", "explain": "transferred", "assign": "assigned",
                 "contact": "assigned", "progress": "in_progress", "propose_plan": "in_progress",
                 "approve": "pending_approval", "reject": "pending_approval", "resolve": "executing",
                 "follow_up": "resolved", "close": "resolved", "withdraw": "in_progress",
                 "merge": "in_progress", "wait": "in_progress"}
    for action in ACTIONS:
        cid = w.in_state(state_for[action], merge_target=target)
        snap = w.snapshot(cid)
        for role, user in w.by_role.items():
            if role == "admin" or role in ROLES[action]:
                continue
            r = user.post(f"/api/v1/complaints/{cid}/actions/{action}", w.valid_body(action, target))
            ok = (403, 404) if role in ("handler", "manager") and state_for[action] in ("registered", "transferred") else 403
            expect_problem(r, ok, what=f"{role} may not {action}")
        check(w.snapshot(cid) == snap, f"wrong roles changed nothing ({action})", (snap, w.snapshot(cid)))
    # Every allowed role can (fresh complaint each time).
    for action in ACTIONS:
        for role in sorted(ROLES[action] | {"admin"}):
            cid = w.in_state(state_for[action], merge_target=target)
            r = w.by_role[role].post(f"/api/v1/complaints/{cid}/actions/{action}", w.valid_body(action, target))
            expect(r, 200, f"{role} may {action} from {state_for[action]}")


@test
def actor_must_see_the_complaint(w):
    """A department role acting on another department's complaint: 404/403, unchanged."""
    cid = w.in_state("in_progress")
    snap = w.snapshot(cid)
    for u in (w.handler_b, w.manager_b):
        for action in ("progress", "propose_plan", "withdraw", "assign"):
            r = u.post(f"/api/v1/complaints/{cid}/actions/{action}", w.valid_body(action))
            check(r.status in (403, 404), f"{u.username} {action} on department A's complaint", r)
    check(w.snapshot(cid) == snap, "nothing changed", (snap, w.snapshot(cid)))
