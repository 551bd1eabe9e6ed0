"""The public customer portal: a complaint submitted without signing in,
photos added with the upload token it answers with, progress by number and
the phone's last four digits (the same 404 for a wrong number and wrong
digits, and nothing internal in the timeline), the per-address rate limits,
and the one-time satisfaction survey link staff make once it is resolved.

Each test sends from its own loopback address (127.0.0.N): the limits are
per client address, and one test must not use up another's."""

import itertools
import json
import re
import secrets
import subprocess
from urllib.parse import quote

from client import (Fail, Server, User, World, check, clocked_server, expect, expect_problem,
                    own_server, problem_fields, test)

_ips = (f"127.0.{n // 250}.{n % 250 + 2}" for n in itertools.count(1000))


class Customer:
    """Someone on the portal: no cookie, no CSRF, one address."""

    def __init__(self, server):
        self.s = server
        self.ip = next(_ips)

    def call(self, method, path, body=None, headers=None, raw=None):
        return self.s.request(method, path, body=body, headers=headers, raw=raw, source=self.ip)

    def submit(self, status=201, key=None, **fields):
        body = {"name": "王女士", "phone": "13912345678", "content": "泳池更衣柜门坏了，手机被偷"}
        body.update(fields)
        body = {k: v for k, v in body.items() if v is not None}
        return expect(self.call("POST", "/api/v1/portal/complaints", body,
                                headers={"Idempotency-Key": key} if key else None),
                      status, "portal submit")

    def photo(self, number, token, data, filename="p.jpg", content_type="image/jpeg"):
        headers = {"Content-Type": content_type}
        if token is not None:
            headers["X-Upload-Token"] = token
        return self.call("POST", f"/api/v1/portal/complaints/{number}/photos?filename={quote(filename)}",
                         headers=headers, raw=data)

    def progress(self, number, last4):
        return self.call("POST", "/api/v1/portal/progress", {"number": number, "phone_last4": last4})

    def survey(self, token, answer=None):
        if answer is None:
            return self.call("GET", f"/api/v1/portal/surveys/{token}")
        return self.call("POST", f"/api/v1/portal/surveys/{token}", answer)


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x40\x00\x00\x00WEBPVP8 " + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64


def web_count(w):
    return len(w.admin.list_all("/api/v1/complaints?channel=web"))


def staff_view(w, number):
    return w.get(number)


def resolve(w, cid, plan="道歉并更换柜门"):
    """Brings a complaint of department A from registered to resolved."""
    w.triage(cid)
    w.act(w.handler_a, cid, "contact", {"method": "phone", "note": "已联系"})
    w.act(w.handler_a, cid, "propose_plan", {"kind": "apology", "description": plan})
    w.act(w.handler_a, cid, "resolve", {"result": "已更换新柜门并致歉"})


@test
def portal_submit_answers_with_the_number(w):
    cu = Customer(w.s)
    r = cu.submit(subject="更衣柜", demands="赔偿手机", email="wang@example.com").json()
    check(re.fullmatch(r"TS\d{8}-\d{6}", r["number"]), "a complaint number", r)
    check(r["status"] == "received" and r["received_at"], "received, with the time", r)
    p = r["photos"]
    check(re.fullmatch(r"[0-9a-f]{64}", p["token"]) and p["max_count"] == 5
          and p["upload_url"] == f"/api/v1/portal/complaints/{r['number']}/photos", "an upload link", p)
    c = staff_view(w, r["number"])
    check(c["channel"] == "web" and c["status"] == "registered" and c["registered_by"] is None
          and c["customer"]["phone"] == "13912345678" and c["customer"]["name"] == "王女士"
          and c["subject"] == "更衣柜" and c["demands"] == "赔偿手机", "staff see it as a web complaint", c)

    # A retried submission with the same key is the same complaint, with a new upload token.
    key = secrets.token_hex(8)
    first = cu.submit(key=key, content="重试测试").json()
    again = cu.submit(key=key, content="重试测试")
    check(again.headers.get("idempotent-replayed") == "true"
          and again.json()["number"] == first["number"], "replayed", again)
    check(again.json()["photos"]["token"] != first["photos"]["token"], "a fresh upload token")
    expect(cu.photo(first["number"], first["photos"]["token"], JPEG), 403, "the replaced token")
    expect(cu.photo(first["number"], again.json()["photos"]["token"], JPEG), 201, "the new one")
    expect_problem(cu.submit(key=key, content="另一内容", status=409), 409, "Idempotency-Key")


@test
def portal_validation_names_the_field_and_writes_nothing(w):
    cu = Customer(w.s)
    before = web_count(w)
    cases = [({"name": None}, "name"), ({"name": "   "}, "name"), ({"name": 12}, "name"),
             ({"phone": None}, "phone"), ({"phone": "12345"}, "phone"),
             ({"phone": "138abc45678"}, "phone"), ({"content": None}, "content"),
             ({"content": " \n "}, "content"), ({"content": ["x"]}, "content"),
             ({"email": "not-an-email"}, "email"), ({"subject": "长" * 201}, "subject"),
             ({"demands": "诉" * 4001}, "demands")]
    for fields, field in cases:
        expect_problem(cu.submit(status=422, **fields), 422, field, f"for {fields}")
    r = cu.call("POST", "/api/v1/portal/complaints", raw=b"{not json",
                headers={"Content-Type": "application/json"})
    expect_problem(r, 400)
    r = cu.call("POST", "/api/v1/portal/complaints",
                {"name": "王", "phone": "13912345678", "content": "x"},
                headers={"Idempotency-Key": "k" * 101})
    expect_problem(r, 422, "Idempotency-Key")
    check(web_count(w) == before, "nothing was written", (before, web_count(w)))


@test
def portal_photos_need_the_token_an_image_and_a_size(w):
    cu = Customer(w.s)
    r = cu.submit().json()
    n, tok = r["number"], r["photos"]["token"]
    other = Customer(w.s).submit().json()

    expect_problem(cu.photo(n, None, JPEG), 401, "X-Upload-Token")
    expect_problem(cu.photo(n, "0" * 64, JPEG), 403, "X-Upload-Token")
    expect_problem(cu.photo(n, "nonsense", JPEG), 403, "X-Upload-Token")
    expect_problem(cu.photo(other["number"], tok, JPEG), 403, "X-Upload-Token", "another complaint's token")
    # The bytes decide, not the Content-Type the client claims.
    expect_problem(cu.photo(n, tok, GIF, "a.gif", "image/gif"), 415, "body")
    expect_problem(cu.photo(n, tok, b"<html><script>alert(1)</script>", "x.png", "image/png"), 415, "body")
    expect_problem(cu.photo(n, tok, JPEG[:3] + b"\x00" * (5 * 1024 * 1024)), 413)
    expect_problem(cu.photo(n, tok, JPEG, "a/b.jpg"), 422, "filename")
    check(expect(w.admin.get(f"/api/v1/complaints/{n}/attachments"), 200).json()["items"] == [],
          "refused uploads stored nothing")

    got = [expect(cu.photo(n, tok, JPEG, "门.jpg"), 201).json(),
           expect(cu.photo(n, tok, PNG, "b.png", "application/octet-stream"), 201).json(),
           expect(cu.photo(n, tok, WEBP, "c.webp"), 201).json(),
           expect(cu.photo(n, tok, JPEG, "d.jpg"), 201).json(),
           expect(cu.photo(n, tok, JPEG, "e.jpg"), 201).json()]
    check([g["content_type"] for g in got] == ["image/jpeg", "image/png", "image/webp",
                                                "image/jpeg", "image/jpeg"]
          and [g["photos_left"] for g in got] == [4, 3, 2, 1, 0], "five photos, typed by their bytes", got)
    expect_problem(cu.photo(n, tok, JPEG, "f.jpg"), 403, "X-Upload-Token", "a sixth photo")
    items = expect(w.admin.get(f"/api/v1/complaints/{n}/attachments"), 200).json()["items"]
    check(len(items) == 5 and items[0]["filename"] == "门.jpg", "staff see the five photos", items)
    c = staff_view(w, n)
    att = [e for e in w.events(c["id"]) if e["type"] == "attachment"]
    check(len(att) == 5 and all(e["data"].get("via") == "portal" for e in att),
          "on the timeline, marked as from the portal", att)


@test
def portal_progress_by_number_and_last_four_digits(w):
    cu = Customer(w.s)
    r = cu.submit(phone="010-8888 6666", subject="<b>门</b>").json()
    n = r["number"]
    ok = expect(cu.progress(n.lower(), "6666"), 200).json()
    check(ok["number"] == n and ok["status"] == "received" and ok["subject"] == "<b>门</b>"
          and [s["step"] for s in ok["timeline"]] == ["registered"], "its progress", ok)

    wrong_digits = cu.progress(n, "6667")
    unknown = cu.progress("TS19990101-999999", "6666")
    expect_problem(wrong_digits, 404)
    expect_problem(unknown, 404)
    check(wrong_digits.body == unknown.body and wrong_digits.headers.get("content-type")
          == unknown.headers.get("content-type"),
          "a wrong number and wrong digits look the same", (wrong_digits.body, unknown.body))

    v = Customer(w.s)
    expect_problem(v.progress(n, "66a6"), 422, "phone_last4")
    expect_problem(v.progress(n, "666"), 422, "phone_last4")
    expect_problem(v.call("POST", "/api/v1/portal/progress", {"phone_last4": "6666"}), 422, "number")
    expect_problem(v.call("GET", f"/api/v1/portal/progress?number={n}&phone_last4=6666"), 405)


@test
def portal_timeline_shows_steps_never_internal_detail(w):
    cu = Customer(w.s)
    n = cu.submit(content="储物柜被撬").json()["number"]
    cid = staff_view(w, n)["id"]
    secret_texts = ["内部备注机密", "赔偿说明内部", "驳回理由内部", "批准意见内部", "联系记录内部"]
    expect(w.handler_a.post(f"/api/v1/complaints/{cid}/notes", {"note": "x"}), 404)  # not theirs yet
    expect(w.agent.post(f"/api/v1/complaints/{cid}/notes", {"note": secret_texts[0]}), 201)
    w.triage(cid)
    w.act(w.handler_a, cid, "contact", {"method": "phone", "note": secret_texts[4]})
    w.act(w.handler_a, cid, "propose_plan", {"kind": "compensation", "description": secret_texts[1],
                                            "amount": 888.88})
    w.act(w.approver, cid, "reject", {"reason": secret_texts[2]})
    w.act(w.handler_a, cid, "propose_plan", {"kind": "compensation", "description": secret_texts[1],
                                            "amount": 888.88})
    w.act(w.approver, cid, "approve", {"note": secret_texts[3]})

    r = expect(cu.progress(n, "5678"), 200)
    body = r.body.decode("utf-8")
    p = r.json()
    steps = [s["step"] for s in p["timeline"]]
    check(steps == ["registered", "accepted", "contacted", "executing"], "the public steps", p)
    check(p["status"] == "executing" and p["timeline"][1]["department"] == "售后服务部(测)",
          "status, and the department it went to", p)
    for bad in secret_texts + ["888.88", "88888", "compensation", "pending_approval", "t_handler_a",
                               "t_approver", "t_agent", "note", "reason", "amount", "actor"]:
        check(bad not in body, f"{bad!r} stays internal", body)
    check(set(p) == {"number", "subject", "status", "received_at", "timeline"}
          and all(set(s) == {"step", "at", "department"} for s in p["timeline"]),
          "only the public fields", p)


@test
def portal_rate_limits_answer_429(w):
    cu = Customer(w.s)
    n = cu.submit().json()["number"]
    for _ in range(10):
        expect(cu.progress(n, "5678"), 200)
    r = cu.progress(n, "5678")
    expect_problem(r, 429)
    check(int(r.headers.get("retry-after", "0")) > 0, "Retry-After", r.headers)
    expect(Customer(w.s).progress(n, "5678"), 200, "another address is not limited")

    # Ten failed guesses at one number, from ten addresses: the number is locked.
    target = Customer(w.s).submit(phone="13700001111").json()["number"]
    for i in range(10):
        expect(Customer(w.s).progress(target, f"{i:04d}"), 404)
    expect_problem(Customer(w.s).progress(target, "1111"), 429)
    expect_problem(Customer(w.s).progress(target.lower(), "1111"), 429, what="in lower case too")

    flood = Customer(w.s)
    before = web_count(w)
    for _ in range(10):
        flood.submit(content="刷单")
    expect_problem(flood.submit(status=429, content="刷单"), 429)
    check(web_count(w) == before + 10, "the refused one wrote nothing")


@test
def survey_link_for_staff_once_resolved(w):
    cu = Customer(w.s)
    n = cu.submit().json()["number"]
    cid = staff_view(w, n)["id"]
    link = f"/api/v1/complaints/{cid}/survey-link"
    expect_problem(w.agent.post(link), 422, "status", "not resolved yet")
    resolve(w, cid)
    for who in (w.handler_a, w.approver, w.analyst, w.auditor):
        expect_problem(who.post(link), 403, what=who.username)
    expect_problem(w.manager_b.post(link), 404, what="another department's manager")
    expect(w.agent.post(link, csrf=False), 403, "CSRF applies")
    expect(w.s.request("POST", link), 401)
    first = expect(w.manager_a.post(link), 201).json()
    second = expect(w.agent.post(link), 201).json()
    check(second["url"] == f"/portal#/survey/{second['token']}" and second["expires_at"], "a link", second)
    expect_problem(cu.survey(first["token"]), 404, what="the earlier link stopped working")
    s = expect(cu.survey(second["token"]), 200).json()
    check(s["number"] == n and s["result"] == "已更换新柜门并致歉" and s["status"] == "resolved"
          and not s["answered"], "what the survey shows", s)
    check(any(e["type"] == "survey_link" for e in w.events(cid)), "the link is on the timeline")

    before = w.snapshot(cid)
    for answer, field in (({"score": 5}, "satisfied"), ({"satisfied": True}, "score"),
                          ({"satisfied": True, "score": 6}, "score"),
                          ({"satisfied": True, "score": "5"}, "score"),
                          ({"satisfied": "yes", "score": 5}, "satisfied"),
                          ({"satisfied": True, "score": 5, "comment": "长" * 4001}, "comment")):
        expect_problem(cu.survey(second["token"], answer), 422, field, f"for {answer}")
    check(w.snapshot(cid) == before, "refused answers wrote nothing")

    done = expect(cu.survey(second["token"], {"satisfied": True, "score": 5,
                                              "comment": "<img src=x onerror=alert(1)>很满意"}), 200).json()
    check(done["status"] == "closed" and done["answered"], "closed", done)
    c = w.get(cid)
    check(c["status"] == "closed" and c["satisfaction"]["score"] == 5, "closed with the score", c)
    fu = [e for e in w.events(cid) if e["type"] == "follow_up"][-1]
    check(fu["data"]["method"] == "survey" and fu["data"]["reached"] is True
          and fu["data"]["via"] == "portal" and fu["note"] == "<img src=x onerror=alert(1)>很满意",
          "recorded as a follow-up by survey", fu)
    again = cu.survey(second["token"], {"satisfied": False, "score": 1})
    expect_problem(again, 409)
    check("answered" in again.json()["detail"], "says it was answered", again)
    expect_problem(cu.survey(second["token"]), 409)
    expect_problem(cu.survey(secrets.token_hex(32)), 404, what="an unknown token")
    expect_problem(cu.survey("not-a-token"), 404)
    # The customer's progress page shows the closing.
    steps = [x["step"] for x in expect(cu.progress(n, "5678"), 200).json()["timeline"]]
    check(steps[-2:] == ["resolved", "closed"], "resolved, then closed", steps)


@test
def survey_unsatisfied_reopens(w):
    cu = Customer(w.s)
    n = cu.submit().json()["number"]
    cid = staff_view(w, n)["id"]
    resolve(w, cid)
    tok = expect(w.agent.post(f"/api/v1/complaints/{cid}/survey-link"), 201).json()["token"]
    r = expect(cu.survey(tok, {"satisfied": False, "score": 2, "comment": "柜门还是坏的"}), 200).json()
    check(r["status"] == "processing", "reopened, as the customer sees it", r)
    c = w.get(cid)
    check(c["status"] == "in_progress" and c["reopen_count"] == 1, "reopened", c)
    expect_problem(cu.survey(tok), 409)
    # Resolved again: the old link does not ask about the new resolution.
    w.act(w.handler_a, cid, "propose_plan", {"kind": "repair", "description": "再修"})
    w.act(w.handler_a, cid, "resolve", {"result": "已修好"})
    expect_problem(cu.survey(tok), 409)
    tok2 = expect(w.agent.post(f"/api/v1/complaints/{cid}/survey-link"), 201).json()["token"]
    check(expect(cu.survey(tok2), 200).json()["result"] == "已修好", "a new link for the new result")
    steps = [x["step"] for x in expect(cu.progress(n, "5678"), 200).json()["timeline"]]
    check("reopened" in steps, "the reopening is public", steps)


@test
def portal_links_expire(w):
    with clocked_server(w, "2026-11-23T10:00:00+08:00") as (server, clock):
        v = World(server)
        cu = Customer(server)
        r = cu.submit().json()
        n, tok = r["number"], r["photos"]["token"]
        cid = v.get(n)["id"]
        resolve(v, cid)
        survey = expect(v.agent.post(f"/api/v1/complaints/{cid}/survey-link"), 201).json()["token"]
        clock.set("2026-11-23T11:01:00+08:00")  # read again by the server's next call
        expect_problem(cu.photo(n, tok, JPEG), 403, "X-Upload-Token", "an hour later")
        expect(cu.survey(survey), 200, "the survey still open")
        clock.set("2026-12-07T10:01:00+08:00")
        expect_problem(cu.survey(survey), 404, what="fourteen days later")
        expect_problem(cu.survey(survey, {"satisfied": True, "score": 5}), 404)
        admin = User(server, "admin")  # the old session expired with the days
        check(expect(admin.get(f"/api/v1/complaints/{n}"), 200).json()["status"] == "resolved",
              "the complaint still waits for its follow-up")


@test
def portal_page_is_served_with_its_strings(w):
    r = expect(w.s.request("GET", "/portal"), 200)
    html = r.body.decode("utf-8")
    csp = r.headers.get("content-security-policy", "")
    check(r.headers["content-type"].startswith("text/html") and "script-src 'self'" in csp
          and "'unsafe-inline'" not in csp and r.headers.get("cache-control") == "no-cache",
          "HTML with the console's CSP, revalidated", r.headers)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    check(scripts and all('src="' in a and not b.strip() for a, b in scripts), "no inline script", scripts)
    check("@asset(" not in html, "references resolved")
    main = re.search(r'src="(/assets/portal\.[0-9a-f]+\.js)"', html)
    check(main, "the portal's script", html[:600])
    todo, seen, js = [main.group(1)], set(), ""
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        text = expect(w.s.request("GET", url), 200).body.decode("utf-8")
        js += text
        todo += re.findall(r'from "(/assets/[\w.-]+\.js)"', text)
    catalogs = dict(re.findall(r'"?([\w-]+)"?: "(/assets/i18n-[\w-]+\.[0-9a-f]+\.json)"', js))
    keys = {lang: set(json.loads(expect(w.s.request("GET", u), 200).body)) for lang, u in catalogs.items()}
    check(set(keys) == {"zh-CN", "en"} and keys["zh-CN"] == keys["en"], "both catalogs, same keys",
          {k: len(v) for k, v in keys.items()})
    used = set(re.findall(r'data-i18n(?:-placeholder)?="([^"]+)"', html)) | \
        set(re.findall(r'\bt\("([\w.]+)"\)', js))
    check(used and used <= keys["en"], "every string of the portal is in the catalogs", used - keys["en"])
    check(any(k.startswith("portal.") for k in used), "the portal's own strings", used)
    check(problem_fields(expect(w.s.request("GET", "/portal/x"), 404)) is not None, "nothing else under /portal")


@test
def limits_count_the_client_behind_a_trusted_proxy(w):
    """Behind nginx every request comes from the proxy; serve --trusted-proxy
    makes the limits count the address nginx forwarded for, and nothing
    else believes X-Forwarded-For."""
    n = Customer(w.s).submit(phone="13600002222").json()["number"]
    body = {"number": n, "phone_last4": "2222"}

    # Without the option the header is ignored: changing it escapes nothing.
    ip = next(_ips)
    for i in range(10):
        expect(w.s.request("POST", "/api/v1/portal/progress", body, source=ip,
                           headers={"X-Forwarded-For": f"203.0.113.{i}"}), 200)
    expect_problem(w.s.request("POST", "/api/v1/portal/progress", body, source=ip,
                               headers={"X-Forwarded-For": "203.0.113.99"}), 429)

    with own_server(w, args=["--trusted-proxy", "127.0.0.1, ::1"]) as (server, _):
        n = Customer(server).submit(phone="13600003333").json()["number"]
        body = {"number": n, "phone_last4": "3333"}

        def via_proxy(forwarded_for):
            return server.request("POST", "/api/v1/portal/progress", body, source="127.0.0.1",
                                  headers={"X-Forwarded-For": forwarded_for})
        for _ in range(10):
            expect(via_proxy("203.0.113.5"), 200)
        expect_problem(via_proxy("203.0.113.5"), 429, what="the client behind the proxy")
        # What the client wrote itself (left of nginx's entry) changes nothing.
        expect_problem(via_proxy("198.51.100.1, 203.0.113.5"), 429, what="a spoofed entry")
        expect(via_proxy("203.0.113.6"), 200, "another client behind the same proxy")
        # From an address that is not the proxy the header is not believed.
        other = next(_ips)
        for _ in range(10):
            expect(server.request("POST", "/api/v1/portal/progress", body, source=other,
                                  headers={"X-Forwarded-For": "203.0.113.7"}), 200)
        expect_problem(server.request("POST", "/api/v1/portal/progress", body, source=other,
                                      headers={"X-Forwarded-For": "203.0.113.8"}), 429)

    bad = subprocess.run([w.s.binary, "serve", "--db", w.s.db, "--listen", "127.0.0.1:0",
                          "--trusted-proxy", "127.0.0.1,nginx"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    err = bad.stderr.decode("utf-8", "replace")
    check(bad.returncode == 2 and "--trusted-proxy" in err and "'nginx'" in err,
          "a proxy that is not an address is refused by name", (bad.returncode, err))


@test(postgresql_only=True)
def limits_are_shared_by_two_nodes_on_one_database(w):
    """Issue 5: behind a proxy any request may reach any node, so a limit
    counted per process would multiply by the nodes. A second `serve` on the
    same database: lookups and failed sign-ins alternate between the two and
    are refused exactly where one node alone would refuse them. PostgreSQL
    only: two servers on one SQLite file is not a supported deployment."""
    check(w.s.db.startswith(("postgresql://", "postgres://")),
          "run only on PostgreSQL", w.s.db)
    # A server on the same database: sqlite=True only stops it from creating
    # (and on cleanup dropping) a database of its own.
    other = Server(w.s.binary, init=False, sqlite=True)
    other.db = w.s.db
    try:
        other.start()
        nodes = [w.s, other]
        cu = Customer(w.s)
        n = cu.submit().json()["number"]
        for i in range(10):
            cu.s = nodes[i % 2]
            expect(cu.progress(n, "5678"), 200, f"lookup {i + 1} of 10 on node {i % 2}")
        for node in (1, 0):
            cu.s = nodes[node]
            r = cu.progress(n, "5678")
            expect_problem(r, 429, what=f"the 11th lookup, on node {node}")
            check(int(r.headers.get("retry-after", "0")) > 0, "Retry-After", r.headers)

        expect(w.admin.post("/api/v1/users", {"username": "t_two_nodes", "password": "x" * 11 + "-Y",
                                              "display_name": "两个节点", "role": "agent"}), 201)
        statuses = [nodes[i % 2].request("POST", "/api/v1/auth/login",
                                         {"username": "t_two_nodes", "password": "wrong-password"}).status
                    for i in range(6)]
        check(statuses == [401] * 5 + [429],
              f"five failures counted across both nodes, then 429 on either: {statuses}")
        check(other.request("POST", "/api/v1/auth/login",
                            {"username": "t_two_nodes", "password": "wrong-password"}).status == 429,
              "the other node refuses too")
        errs = other.sanitizer_errors()
        if errs:
            raise Fail("sanitizer (second node): " + "\n".join(errs[:5]))
    finally:
        other.stop()
        other.cleanup()
