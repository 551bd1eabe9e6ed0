"""Text: hostile input round-trips byte-exact; full-text search finds exactly
the complaints containing one- and two-character Chinese words, Latin words
and numbers."""

import random
import uuid
from urllib.parse import quote

from client import check, expect, test

HOSTILE = [
    "'; DROP TABLE complaints; --",
    "Robert'); DELETE FROM events WHERE ('1'='1",
    "\"double\" 'single' `back` \\backslash\\ \\\\ %_ 100% a_b LIKE '%'",
    "<script>alert(1)</script><img src=x onerror=alert(2)>&amp;&lt;",
    "更衣柜被撬😡👍🏽 家庭👨‍👩‍👧 古字𠀀 零宽\u200b连字 e\u0301 \u202eRTL",
    "line1\nline2\r\n\ttabbed  double  spaced ",
    "{\"json\": [1, 2]} \\u0041 \\n not escapes",
]


@test
def hostile_text_round_trips_byte_exact(w):
    made = []
    base = random.randrange(10 ** 5) * 10
    for i, t in enumerate(HOSTILE):
        r = w.agent.post("/api/v1/complaints", {
            "channel": "web", "customer": {"name": t[:40], "phone": "1391%07d" % (base + i), "refs": {"order": t}},
            "subject": t[:60], "content": t, "demands": t})
        expect(r, 201, f"create with {t!r}")
        check(r.headers.get("content-type", "").startswith("application/json"), "JSON content type", r)
        c = r.json()
        w.created.append(c["id"])
        made.append((t, c))
        check(c["content"] == t and c["demands"] == t and c["subject"] == t[:60]
              and c["customer"]["name"] == t[:40] and c["customer"]["refs"] == {"order": t},
              "create echo round-trips", r)
        for path in (f"/api/v1/complaints/{c['id']}", f"/api/v1/complaints/{quote(c['number'])}"):
            g = expect(w.agent.get(path), 200).json()
            check(g["content"] == t and g["demands"] == t and g["subject"] == t[:60]
                  and g["customer"]["name"] == t[:40] and g["customer"]["refs"] == {"order": t},
                  f"GET {path} round-trips", g)
        note = "备注:" + t
        expect(w.agent.post(f"/api/v1/complaints/{c['id']}/notes", {"note": note}), 201)
        ev = w.events(c["id"], w.agent)[-1]
        check(ev["note"] == note, "note round-trips on the timeline", ev)
    listed = {i["id"]: i for i in w.agent.list_all("/api/v1/complaints")}
    for t, c in made:
        check(c["id"] in listed and listed[c["id"]]["content"] == t, f"list round-trips {t!r}",
              listed.get(c["id"]))
        items = expect(w.agent.get("/api/v1/complaints?limit=500&q=" + quote(t)), 200, f"search {t!r}").json()["items"]
        hit = [i for i in items if i["id"] == c["id"]]
        check(hit and hit[0]["content"] == t, f"searching for the text itself finds it: {t!r}",
              [i["id"] for i in items])
    items = expect(w.agent.get("/api/v1/complaints?limit=500&q=DROP"), 200).json()["items"]
    check(made[0][1]["id"] in [i["id"] for i in items], "search for a word of the SQL text")
    for q in ('"', "'", "(", ")", "*", ":", "NEAR(", "AND", "OR NOT", "^", "-", "%", "_", "\\", "\x7f", "😡"):
        r = w.agent.get("/api/v1/complaints?q=" + quote(q))
        check(r.status in (200, 422), f"search syntax {q!r} never fails the server", r)
    check(len(w.admin.list_all("/api/v1/complaints")) >= len(made), "the complaints table is still there")


TEXTS = {
    "a": "更衣柜门坏了，物品丢失",
    "b": "要求退款处理，已经等了三天",
    "c": "快递包裹破损，里面的杯子碎了",
    "d": "柜台服务态度差，退款慢",
    "e": "要求退还押金",
    "f": "款式和图片不对",
    "g": "iPhone 15 screen CRACKED on delivery, order 87654321",
    "h": "投诉客服电话打不通",
}

QUERIES = {  # query -> the keys whose complaint contains it
    "柜": "ad", "退款": "bd", "退": "bde", "款": "bdf", "包裹": "c", "破": "c", "态度差": "d",
    "柜台": "d", "门坏": "a", "退货": "", "碎": "c", "电话": "h", "客服": "h",
    "iphone": "g", "IPHONE": "g", "screen": "g", "cracked": "g", "87654321": "g",
    "退款 柜台": "d", "退款 处理": "b",
}


@test
def chinese_search_finds_exactly_the_complaints_containing_the_word(w):
    tag = uuid.uuid4().hex[:6]
    ids = {}
    for k, text in TEXTS.items():
        phone = "1570%07d" % ((int(tag, 16) + ord(k)) % 10000000)
        c = w.create(content=text, subject="投诉", demands=None,
                     customer={"name": "搜索测试", "phone": phone})
        ids[k] = c
    mine = {c["id"]: k for k, c in ids.items()}

    def found(q):
        items = w.agent.list_all("/api/v1/complaints?q=" + quote(q))
        return "".join(sorted(mine[i["id"]] for i in items if i["id"] in mine))

    for q, want in QUERIES.items():
        got = found(q)
        check(got == want, f"q={q!r} finds exactly {want!r} of {TEXTS} but found {got!r}")
    for k, c in ids.items():
        check(found(c["number"]) == k, f"search by complaint number {c['number']}")
        check(found(c["customer"]["phone"]) == k, f"search by phone {c['customer']['phone']}")
    # Combined with a filter, and only visible complaints.
    items = w.agent.list_all("/api/v1/complaints?channel=phone&q=" + quote("退款"))
    check({mine[i["id"]] for i in items if i["id"] in mine} == {"b", "d"}, "q with a filter")
    items = w.handler_a.list_all("/api/v1/complaints?q=" + quote("退款"))
    check(not [i for i in items if i["id"] in mine], "handlers do not find unassigned complaints", items)


@test
def search_follows_edits(w):
    c = w.create(content="正文不变", subject="旧主题鹦鹉")
    cid = c["id"]

    def hits(q):
        return [i["id"] for i in w.agent.list_all("/api/v1/complaints?q=" + quote(q)) if i["id"] == cid]

    check(hits("鹦鹉") == [cid], "subject is searchable")
    expect(w.agent.patch(f"/api/v1/complaints/{cid}", {"subject": "新主题犀牛", "version": 1}), 200)
    check(hits("犀牛") == [cid], "the new subject is found after PATCH")
    check(hits("鹦鹉") == [], "the old subject is no longer found after PATCH")
