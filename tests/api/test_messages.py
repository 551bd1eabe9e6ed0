"""Problem details in the user's language: Simplified Chinese by default,
English when the client asks for it (Accept-Language) or, with no header,
when the signed-in user chose English (users.locale). The field names and
problem types do not change with the language; Content-Language says which
one a problem is in. (client.py sends "Accept-Language: en" unless a test
passes None, which these tests do to see the server's default.)"""

import re

from client import PASSWORD, User, check, expect, expect_problem, test

HAN = re.compile(r"[\u4e00-\u9fff]")
NONE = {"Accept-Language": None}
EN = {"Accept-Language": "en"}


def problem(resp, status, lang, field=None, what=""):
    """resp is a problem with this status in lang ("zh-CN" or "en"); returns its body."""
    expect_problem(resp, status, field, what)
    body = resp.json()
    check(resp.headers.get("content-language") == lang,
          f"Content-Language {lang} {what}", resp)
    chinese = bool(HAN.search(body["title"])) and bool(HAN.search(body["detail"]))
    check(chinese == (lang == "zh-CN"), f"title and detail in {lang} {what}", resp)
    for e in body["errors"]:
        check(e["message"] == body["detail"], f"errors[].message is the detail {what}", resp)
    return body


def both(call, status, field=None, what=""):
    """call(headers) answered once without Accept-Language and once with en:
    (Chinese body, English body), with the same type, status and fields."""
    zh = problem(call(NONE), status, "zh-CN", field, what + " (no Accept-Language)")
    en = problem(call(EN), status, "en", field, what + " (Accept-Language: en)")
    check(zh["type"] == en["type"] and zh["status"] == en["status"]
          and [e["field"] for e in zh["errors"]] == [e["field"] for e in en["errors"]],
          f"only the words differ {what}", (zh, en))
    return zh, en


@test
def messages_404_in_both_languages(w):
    a = w.admin
    zh, en = both(lambda h: a.call("GET", "/api/v1/complaints/999999", headers=h), 404,
                  what="unknown complaint")
    check(zh["title"] == "未找到" and zh["detail"] == "没有这张投诉单", "the Chinese words", zh)
    check(en["title"] == "Not found" and en["detail"] == "no such complaint", "the English words", en)
    # A path no route has: the argument is kept in both.
    zh, en = both(lambda h: a.call("GET", "/api/v1/nothing-here", headers=h), 404, what="no route")
    check(zh["detail"] == "没有这个资源：/api/v1/nothing-here", "argument in the Chinese", zh)
    check(en["detail"] == "no such resource: /api/v1/nothing-here", "argument in the English", en)


@test
def messages_422_name_the_same_field(w):
    a = w.admin
    zh, en = both(lambda h: a.call("POST", "/api/v1/departments", {"code": "BAD CODE", "name": "x"},
                                   headers=h), 422, "code", "bad department code")
    check(zh["title"] == "输入有误" and en["title"] == "Invalid input", "the titles", (zh, en))
    check(en["detail"] == "code must be 1 to 32 of a-z, 0-9, _ and -", "English detail", en)
    check(zh["errors"] == [{"field": "code", "message": "代码必须为 1 至 32 个字符，只能使用 a-z、0-9、_ 和 -"}],
          "Chinese errors[] keeps the field", zh)
    # A format with arguments of several types: each lands in its place.
    cid = w.create()["id"]
    long_subject = "长" * 300
    zh, en = both(lambda h: w.agent.call("PATCH", f"/api/v1/complaints/{cid}",
                                         {"subject": long_subject, "version": 1}, headers=h),
                  422, "subject", "too long a subject")
    check(re.search(r"\b300\b", zh["detail"]) and re.search(r"\b300\b", en["detail"]),
          "the length in both", (zh, en))
    # An illegal transition (422 of another type): the API names it quotes
    # (action, state) are shown in Chinese too.
    aid = w.in_state("assigned")
    zh, en = both(lambda h: w.handler_a.call("POST", f"/api/v1/complaints/{aid}/actions/resolve",
                                             {"result": "x"}, headers=h), 422,
                  what="resolve from assigned")
    check(zh["type"].endswith("/illegal-transition"), "an illegal transition", zh)
    check(en["detail"] == "resolve is not allowed from assigned", "English names", en)
    check(zh["detail"] == "“处理完毕”操作不能在“已转交”状态下执行", "Chinese names", zh)
    zh, en = both(lambda h: w.agent.call("POST", f"/api/v1/complaints/{aid}/actions/resolve",
                                         {"result": "x"}, headers=h), 403,
                  what="a role that may never resolve")
    check(zh["detail"] == "“客服”角色不能执行“处理完毕”操作", "role and action in Chinese", zh)


@test
def messages_409_in_both_languages(w):
    a = w.admin
    expect(a.post("/api/v1/departments", {"code": "t_l10n_dup", "name": "重复测试"}), 201)
    zh, en = both(lambda h: a.call("POST", "/api/v1/departments", {"code": "t_l10n_dup", "name": "又一个"},
                                   headers=h), 409, "code", "duplicate code")
    check(zh["title"] == "记录重复" and zh["detail"] == "该值已被占用", "Chinese duplicate", zh)
    check(en["title"] == "Duplicate" and en["detail"] == "already taken", "English duplicate", en)
    # A stale version: the numbers are in both.
    cid = w.create()["id"]
    expect(w.agent.patch(f"/api/v1/complaints/{cid}", {"subject": "新", "version": 1}), 200)
    zh, en = both(lambda h: w.agent.call("PATCH", f"/api/v1/complaints/{cid}",
                                         {"subject": "旧", "version": 1}, headers=h), 409,
                  what="stale version")
    check(zh["title"] == "版本冲突" and en["title"] == "Version conflict", "the titles", (zh, en))
    check("2" in zh["detail"] and "1" in zh["detail"], "the versions in the Chinese", zh)


@test
def messages_signed_out_and_malformed(w):
    s = w.s
    zh, en = both(lambda h: s.request("GET", "/api/v1/me", headers=h), 401, what="signed out")
    check(zh["title"] == "未登录" and en["title"] == "Not signed in", "401 titles", (zh, en))
    zh, en = both(lambda h: s.request("POST", "/api/v1/auth/login", raw=b"{bad",
                                      headers=dict(h, **{"Content-Type": "application/json"})),
                  400, what="malformed JSON")
    check(zh["title"] == "请求格式错误" and "第 1 行" in zh["detail"], "400 in Chinese", zh)
    zh, en = both(lambda h: w.admin.call("DELETE", "/api/v1/me", headers=h), 405, what="405")
    check(zh["title"] == "不支持该请求方法" and "DELETE" in zh["detail"], "405 in Chinese", zh)


@test
def messages_follow_accept_language_q_values(w):
    a = w.admin
    path = "/api/v1/complaints/999999"
    for header, lang in [("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
                         ("zh-CN,zh;q=0.9,en-US;q=0.8,en;q=0.7", "zh-CN"),
                         ("zh;q=0.4, en;q=0.6", "en"),
                         ("fr-FR, en;q=0.5", "en"),
                         ("fr-FR", "zh-CN"),           # no choice: the user's (zh-CN)
                         ("*", "zh-CN"),
                         ("en;q=0, zh;q=0.1", "zh-CN"),
                         ("zh-TW", "zh-CN"),
                         ("en;q=garbage", "zh-CN")]:
        problem(a.call("GET", path, headers={"Accept-Language": header}), 404, lang,
                what=f"for Accept-Language: {header}")


@test
def messages_user_language_when_no_header(w):
    name = "t_l10n_en"
    expect(w.admin.post("/api/v1/users", {"username": name, "password": PASSWORD, "display_name": name,
                                           "role": "analyst", "department_id": None}), 201)
    u = User(w.s, name)
    path = "/api/v1/complaints/999999"
    problem(u.call("GET", path, headers=NONE), 404, "zh-CN", what="a new user: Chinese")
    expect(u.patch("/api/v1/me", {"language": "en"}), 200, "choose English")
    problem(u.call("GET", path, headers=NONE), 404, "en", what="the user's English, no header")
    problem(u.call("GET", path, headers={"Accept-Language": "fr"}), 404, "en",
            what="a header without zh or en: the user's English")
    # An explicit header wins over the stored language, both ways: the console
    # sends the language it shows; an integration asks for the one it parses.
    problem(u.call("GET", path, headers={"Accept-Language": "zh-CN"}), 404, "zh-CN",
            what="header zh-CN over the user's English")
    problem(w.analyst.call("GET", path, headers=EN), 404, "en",
            what="header en over the user's Chinese")
    # Through an API token too (the same principal).
    tok = expect(u.post("/api/v1/tokens", {"name": "l10n"}), 201).json()["token"]
    r = w.s.request("GET", path, headers={"Authorization": f"Bearer {tok}", "Accept-Language": None})
    problem(r, 404, "en", what="bearer token of the English user")
    expect(u.patch("/api/v1/me", {"language": "zh-CN"}), 200, "back to Chinese")
    problem(u.call("GET", path, headers=NONE), 404, "zh-CN", what="Chinese again at once")


@test
def messages_success_is_untouched(w):
    r = expect(w.admin.call("GET", "/api/v1/me", headers=NONE), 200)
    check(r.headers.get("content-type", "").startswith("application/json"), "JSON", r)
