"""Lists (filters, sorts, cursors), department scoping, notes, attachments,
customers and PII masking."""

import hashlib
import random
from urllib.parse import quote

from client import check, expect, expect_problem, test


def ids_of(items):
    return [i["id"] for i in items]


@test
def list_filters(w):
    phone = "1360%07d" % random.randrange(10 ** 7)
    made = []
    for i in range(7):
        made.append(w.create(content=f"筛选测试 {i}", customer={"name": "筛选", "phone": phone},
                             channel="email" if i % 2 else "web", severity=None,
                             site_id=w.site if i < 2 else None,
                             received_at=f"2025-03-0{i + 1}T10:00:00+08:00")["id"])
    w.triage(made[0], severity=4)
    w.triage(made[1], severity=2, dept=w.dept_b)
    base = f"/api/v1/complaints?customer_phone={phone}"

    def q(extra):
        return sorted(ids_of(w.agent.list_all(base + extra)))

    check(q("") == sorted(made), "customer_phone finds all seven", q(""))
    check(q("&channel=email") == [made[1], made[3], made[5]], "channel filter")
    check(q("&severity=4") == [made[0]], "severity filter")
    check(q("&status=assigned") == sorted(made[:2]), "status filter assigned")
    check(q("&status=registered") == sorted(made[2:]), "status filter registered")
    check(q(f"&department_id={w.dept_a}") == [made[0]], "department filter")
    check(q(f"&category_id={w.cat}") == sorted(made[:2]), "category filter")
    check(q(f"&site_id={w.site}") == sorted(made[:2]), "site filter")
    check(q("&channel=web&status=registered") == [made[2], made[4], made[6]], "two filters together")
    check(q("&from=" + quote("2025-03-03T00:00:00+08:00") + "&to=" + quote("2025-03-05T23:00:00+08:00"))
          == made[2:5], "from/to on received_at")
    check(q("&from=" + quote("2025-03-06T00:00:00Z")) == made[5:], "from alone (UTC offset)")
    check(q("&to=" + quote("2025-03-01T23:59:59+08:00")) == made[:1], "to alone")
    check(q("&to=2001-01-01T00:00:00Z") == [], "to in the past excludes all")
    items = w.agent.list_all(base + "&sort=-received_at")
    check(ids_of(items) == made[::-1], "sort=-received_at: newest received first", ids_of(items))
    expect(w.agent.get(base + "&overdue=true"), 200, "overdue filter accepted")
    # Unfiltered lists are bounded by the default limit.
    page = expect(w.agent.get("/api/v1/complaints"), 200).json()
    total = len(w.agent.list_all("/api/v1/complaints"))
    check(len(page["items"]) == min(50, total), f"default limit 50 (total {total})", len(page["items"]))
    check((page["next_cursor"] is not None) == (total > 50), "next_cursor when more remain", page["next_cursor"])
    for bad, field in (("limit=501", "limit"), ("limit=0", "limit"), ("limit=abc", "limit"),
                       ("status=nonsense", "status"), ("severity=x", "severity"), ("channel=fax", "channel"),
                       ("from=yesterday", "from"), ("sort=bogus", "sort"), ("department_id=abc", "department_id")):
        expect_problem(w.agent.get("/api/v1/complaints?" + bad), 422, field, bad)
    r = w.agent.get("/api/v1/complaints?cursor=garbage!")
    check(r.status in (400, 422), "a garbage cursor is refused", r)


@test
def cursor_pagination_every_item_once(w):
    phone = "1361%07d" % random.randrange(10 ** 7)
    made = [w.create(content=f"分页 {i}", customer={"name": "分页", "phone": phone})["id"] for i in range(11)]
    for i in (2, 5, 7):
        w.triage(made[i], severity=i % 5 + 1)
    for extra in ("", "&sort=due", "&sort=-received_at", "&q=" + quote("分页"), "&sort=due&status=registered"):
        for limit in (1, 3, 4):
            items = w.agent.list_all(f"/api/v1/complaints?customer_phone={phone}{extra}", limit=limit)
            got = ids_of(items)
            want = [m for m in made if "status=registered" not in extra or m not in (made[2], made[5], made[7])]
            check(len(got) == len(set(got)) and sorted(got) == sorted(want),
                  f"every item exactly once with limit={limit}{extra}", got)
    # The whole table through pages of 7 equals one page of 500.
    all_small = ids_of(w.admin.list_all("/api/v1/complaints", limit=7))
    all_big = ids_of(w.admin.list_all("/api/v1/complaints", limit=500))
    check(all_small == all_big and len(all_big) == len(set(all_big)), "pages of 7 == pages of 500")


@test
def department_scoping(w):
    c = w.create(content="部门隔离测试 独特词甲乙丙", customer={"name": "隔离", "phone": "13312345678"})
    cid, number = c["id"], c["number"]
    w.triage(cid, dept=w.dept_a)
    att = expect(w.agent.call("POST", f"/api/v1/complaints/{cid}/attachments?filename=a.png",
                              raw=b"\x89PNG\r\n\x1a\nxx", headers={"Content-Type": "image/png"}), 201).json()
    unassigned = w.create(content="未分派 独特词甲乙丙")["id"]
    snap = w.snapshot(cid)
    for u in (w.handler_a, w.manager_a, w.agent, w.approver, w.analyst, w.auditor):
        expect(u.get(f"/api/v1/complaints/{cid}"), 200, f"{u.username} sees it")
        expect(u.get(f"/api/v1/complaints/{number}"), 200, f"{u.username} sees it by number")
    for u in (w.handler_b, w.manager_b):
        for path in (f"/api/v1/complaints/{cid}", f"/api/v1/complaints/{number}",
                     f"/api/v1/complaints/{cid}/events", f"/api/v1/complaints/{cid}/attachments",
                     f"/api/v1/attachments/{att['id']}", f"/api/v1/attachments/{att['id']}/content",
                     f"/api/v1/complaints/{unassigned}"):
            r = u.get(path)
            check(r.status in (403, 404), f"{u.username}: GET {path} is refused", r)
            check("甲乙丙" not in r.body.decode("utf-8", "replace") and "13312345678" not in r.body.decode(),
                  "the refusal leaks nothing", r)
        for action in ("contact", "withdraw", "assign", "merge"):
            r = u.post(f"/api/v1/complaints/{cid}/actions/{action}", w.valid_body(action, unassigned))
            check(r.status in (403, 404), f"{u.username}: {action} refused", r)
        for method, path, body, raw in (
                ("POST", f"/api/v1/complaints/{cid}/notes", {"note": "偷看"}, None),
                ("PATCH", f"/api/v1/complaints/{cid}", {"subject": "改", "version": snap[0]}, None),
                ("POST", f"/api/v1/complaints/{cid}/attachments?filename=b.png", None, b"\x89PNG\r\n\x1a\nyy")):
            r = u.call(method, path, body=body, raw=raw, headers={"Content-Type": "image/png"} if raw else None)
            check(r.status in (403, 404), f"{u.username}: {method} {path} refused", r)
        for q in ("", "?q=" + quote("甲乙丙"), f"?department_id={w.dept_a}", "?status=assigned", "?sort=due",
                  "?customer_phone=13312345678", "?sort=-received_at", f"?category_id={w.cat}",
                  "?severity=1&channel=phone"):
            items = u.list_all("/api/v1/complaints" + q)
            check(all(i["id"] not in (cid, unassigned) for i in items), f"{u.username}: not in list {q}")
            check(all(i["department_id"] == w.dept_b for i in items), f"{u.username}: only its department {q}",
                  [(i["id"], i["department_id"]) for i in items])
        r = u.get("/api/v1/customers?phone=13312345678")
        check(r.status in (200, 403, 404), "customer lookup answers", r)
        if r.status == 200:
            check(cid not in [x["id"] for x in r.json().get("complaints", [])],
                  f"{u.username}: customer lookup hides other departments' complaints", r)
    check(w.snapshot(cid) == snap, "nothing changed by the other department", (snap, w.snapshot(cid)))
    check(len(w.agent.get(f"/api/v1/complaints/{cid}/attachments").json()["items"]) == 1, "no upload")
    for u in (w.handler_a, w.manager_a):
        items = u.list_all("/api/v1/complaints?q=" + quote("甲乙丙"))
        check(ids_of(items) == [cid], f"{u.username} finds its own department's and not the unassigned one", items)
        check(cid in ids_of(u.list_all(f"/api/v1/complaints?department_id={w.dept_a}")), "own department filter")
        check(all(i["department_id"] == w.dept_a for i in u.list_all("/api/v1/complaints")),
              f"{u.username} lists only department A")


@test
def notes(w):
    cid = w.create()["id"]
    v = w.get(cid)["version"]
    r = expect(w.agent.post(f"/api/v1/complaints/{cid}/notes", {"note": "客户情绪激动，需安抚"}), 201).json()
    check(r["type"] == "note" and r["note"] == "客户情绪激动，需安抚" and r["actor"]["id"] == w.agent.id,
          "the note event is returned", r)
    ev = w.events(cid)
    check(ev[-1]["type"] == "note" and ev[-1]["note"] == "客户情绪激动，需安抚" and ev[-1]["id"] == r["id"],
          "note on the timeline", ev[-1])
    c = w.get(cid)
    check(c["status"] == "registered", "a note does not move the status", c)
    n = len(w.events(cid))
    expect(w.auditor.post(f"/api/v1/complaints/{cid}/notes", {"note": "x"}), 403, "the auditor is read-only")
    expect_problem(w.agent.post(f"/api/v1/complaints/{cid}/notes", {}), 422, "note")
    expect_problem(w.agent.post(f"/api/v1/complaints/{cid}/notes", {"note": ""}), 422, "note")
    expect(w.agent.post("/api/v1/complaints/99999999/notes", {"note": "x"}), 404)
    check(len(w.events(cid)) == n and w.get(cid)["version"] >= v, "refused notes wrote nothing")


@test
def attachments(w):
    cid = w.create()["id"]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40 + b"\r\n\x00\x1a"
    r = expect(w.agent.call("POST", f"/api/v1/complaints/{cid}/attachments?filename=%E5%8F%91%E7%A5%A8.png",
                            raw=png, headers={"Content-Type": "image/png"}), 201).json()
    check(r["sha256"] == hashlib.sha256(png).hexdigest(), "sha256 reported", r)
    check(r["size"] == len(png) and r["filename"] == "发票.png" and r["content_type"] == "image/png",
          "size, name and type", r)
    pdf = b"%PDF-1.4\n" + bytes(random.randrange(256) for _ in range(3000))
    r2 = expect(w.agent.call("POST", f"/api/v1/complaints/{cid}/attachments?filename=agreement.pdf",
                             raw=pdf, headers={"Content-Type": "application/pdf"}), 201).json()
    lst = expect(w.agent.get(f"/api/v1/complaints/{cid}/attachments"), 200).json()["items"]
    check(sorted(a["id"] for a in lst) == sorted([r["id"], r2["id"]]), "both listed", lst)
    for att, data, ctype in ((r, png, "image/png"), (r2, pdf, "application/pdf")):
        meta = expect(w.auditor.get(f"/api/v1/attachments/{att['id']}"), 200).json()
        check(meta["sha256"] == hashlib.sha256(data).hexdigest(), "metadata by id", meta)
        got = expect(w.agent.get(f"/api/v1/attachments/{att['id']}/content"), 200)
        check(got.body == data, "downloaded byte-exact")
        check(got.headers["content-type"].startswith(ctype), "content type kept", got.headers)
    # Same bytes again: same digest (content-addressed), a second attachment record.
    r3 = expect(w.agent.call("POST", f"/api/v1/complaints/{cid}/attachments?filename=copy.png",
                             raw=png, headers={"Content-Type": "image/png"}), 201).json()
    check(r3["sha256"] == r["sha256"] and r3["id"] != r["id"], "same content, same digest", r3)
    got = expect(w.agent.get(f"/api/v1/attachments/{r3['id']}/content"), 200)
    check(got.body == png, "the copy downloads byte-exact")
    # Oversize: 413 and nothing stored.
    huge = b"\0" * (32 * 1024 * 1024)
    expect_problem(w.agent.call("POST", f"/api/v1/complaints/{cid}/attachments?filename=big.bin",
                                raw=huge, headers={"Content-Type": "application/octet-stream"}), 413,
                   what="32 MiB attachment")
    for bad, field in (("", "filename"), ("?filename=..%2Fx.png", "filename")):
        expect_problem(w.agent.call("POST", f"/api/v1/complaints/{cid}/attachments{bad}", raw=b"abc",
                                    headers={"Content-Type": "image/png"}), 422, field, f"upload {bad!r}")
    lst = w.agent.get(f"/api/v1/complaints/{cid}/attachments").json()["items"]
    check(len(lst) == 3, "refused uploads stored nothing", lst)
    expect(w.auditor.call("POST", f"/api/v1/complaints/{cid}/attachments?filename=a.png", raw=b"abc",
                          headers={"Content-Type": "image/png"}), 403, "auditor may not upload")
    expect(w.agent.get("/api/v1/attachments/99999999/content"), 404)
    # A stored HTML file must not run in the browser.
    h = expect(w.agent.call("POST", f"/api/v1/complaints/{cid}/attachments?filename=x.html",
                            raw=b"<script>alert(1)</script>", headers={"Content-Type": "text/html"}), 201).json()
    got = expect(w.agent.get(f"/api/v1/attachments/{h['id']}/content"), 200)
    check(got.headers.get("content-disposition", "").startswith("attachment")
          or "sandbox" in got.headers.get("content-security-policy", ""),
          "HTML downloads as an attachment or sandboxed", got.headers)
    check(got.headers.get("x-content-type-options") == "nosniff", "nosniff", got.headers)


@test
def customer_lookup_and_pii_masking(w):
    phone = "1351111%04d" % random.randrange(10 ** 4)
    cust = {"name": "回头客", "phone": phone, "email": "huitou@example.cn", "refs": {"plate": "京A12345"}}
    a = w.create(content="第一次投诉", customer=cust)
    b = w.create(content="第二次投诉", customer=dict(cust, phone=phone))
    check(a["customer"]["id"] == b["customer"]["id"], "one customer record for the same phone", (a, b))
    r = expect(w.agent.get(f"/api/v1/customers?phone={phone}"), 200).json()
    ids = [c["id"] for c in r["complaints"]]
    check(sorted(ids) == sorted([a["id"], b["id"]]), "both complaints of the repeat customer", r)
    w.triage(a["id"])
    for u in (w.auditor, w.analyst):
        raw = expect(u.get(f"/api/v1/complaints/{a['id']}"), 200)
        m = raw.json()
        check("****" in m["customer"]["phone"] and m["pii_masked"] is True, f"phone masked for {u.username}", m)
        check(m["customer"]["phone"][:3] == phone[:3] and m["customer"]["phone"][-4:] == phone[-4:],
              "masked as 138****8000", m)
        check(m["customer"]["email"] != cust["email"], f"email masked for {u.username}", m)
        check("京A12345" not in raw.body.decode(), f"refs masked for {u.username}", m)
        check(m["content"] == "第一次投诉", "content is not PII", m)
        for path in (f"/api/v1/complaints?customer_phone={phone}", f"/api/v1/complaints?q={phone}",
                     f"/api/v1/complaints/{a['id']}/events", f"/api/v1/complaints/{a['number']}",
                     "/api/v1/complaints?limit=500"):
            r = expect(u.get(path), 200, path)
            body = r.body.decode()
            check(phone not in body and cust["email"] not in body, f"{u.username}: no plain phone/email in {path}", r)
        r = u.get(f"/api/v1/customers?phone={phone}")
        check(r.status in (200, 403), "customer lookup answers", r)
        check(phone not in r.body.decode() or r.status != 200, f"{u.username}: lookup masked", r)
    plain = w.get(a["id"], w.agent)
    check(plain["customer"] == dict(cust, id=a["customer"]["id"]) and plain["pii_masked"] is False,
          "plain for the agent", plain)
    plain = w.get(a["id"], w.handler_a)
    check(plain["customer"]["phone"] == phone, "plain for the handler", plain)
