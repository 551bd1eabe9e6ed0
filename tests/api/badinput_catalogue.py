"""The bad-input catalogue: hostile or broken requests, each with the answer
it must get (docs/bad-input.md says how to add one).

catalogue(fx) returns a list of Entry; fx is the fixtures of
badinput_test.py (ids of a complaint, an attachment, a department..., and
the credentials to send). Every entry must be refused: a 4xx (the given
status when it is clear), application/problem+json with a title and a
detail, the detail or the errors naming `names` when given, and nothing
written. Entries marked protocol=True are broken HTTP that libmicrohttpd
refuses before the application sees a request: they must get a 4xx or a
closed connection (MHD's own answers are not problem+json; see the doc)."""

import json

# Where a refusal comes from, to check its detail names the problem. jansson's
# messages for the JSON-level refusals (400):
JSON_NUL = "NUL"            # "\u0000 is not allowed without JSON_ALLOW_NUL"
JSON_UNICODE = "Unicode"    # "invalid Unicode '\uD800'"
JSON_UTF8 = "decode byte"   # "unable to decode byte 0xff"
JSON_DUP = "duplicate"      # "duplicate object key"
JSON_BIG_INT = "too big"    # "too big integer"
JSON_BIG_REAL = "overflow"  # "real number overflow"
JSON_DEPTH = "depth"        # "maximum parsing depth reached"


class Entry:
    """One hostile request. body: bytes sent as they are, or a str (UTF-8),
    or any other value (JSON-encoded). who: 'admin', 'agent' (session cookie
    and CSRF token), 'token' (Bearer API token) or None. headers are sent as
    given (bytes values are sent raw). status: the expected status (an int,
    or a tuple of acceptable ones). names: text the problem's detail or one
    of its errors' fields must contain. raw: the whole request as bytes,
    sent as it is (method, path, who, headers and body are then unused)."""

    def __init__(self, name, method="GET", path="/", body=None, *, who="admin",
                 headers=None, status=None, names=None, raw=None, protocol=False,
                 source=None, content_type="application/json"):
        self.name = name
        self.method = method
        self.path = path
        self.body = body
        self.who = who
        self.headers = dict(headers or {})
        self.status = status
        self.names = names
        self.raw = raw
        self.protocol = protocol
        self.source = source  # client address (portal limits count per address)
        self.content_type = content_type

    def body_bytes(self):
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def with_field(base, path, value):
    """A copy of the JSON object base with the dotted key path set to value."""
    out = json.loads(json.dumps(base))
    keys = path.split(".")
    o = out
    for k in keys[:-1]:
        o = o.setdefault(k, {})
    o[keys[-1]] = value
    return out


def raw_json_with(base, path, raw_value):
    """base as JSON text with the key path's value replaced by raw_value, a
    piece of JSON text (bytes) that json.dumps cannot produce (a lone
    surrogate escape, an overflowing number, invalid UTF-8)."""
    marker = "\u2603MARK\u2603"
    text = json.dumps(with_field(base, path, marker), ensure_ascii=False).encode("utf-8")
    return text.replace(json.dumps(marker, ensure_ascii=False).encode("utf-8"), raw_value)


# Values that are no JSON a client could mean, for any field: each is
# refused by the parser (400) and the detail says why.
PARSER_VARIANTS = [
    ("NUL in string", b'"a\\u0000b"', 400, JSON_NUL),
    ("lone surrogate escape", b'"\\ud800x"', 400, JSON_UNICODE),
    ("invalid UTF-8 bytes", b'"\xff\xfe"', 400, JSON_UTF8),
    ("overlong UTF-8 encoding of /", b'"\xc0\xaf"', 400, JSON_UTF8),
    ("integer beyond 64 bits", b"123456789012345678901234567890", 400, JSON_BIG_INT),
    ("real number overflow", b"1e400", 400, JSON_BIG_REAL),
]


def field_variants(kind, maxlen=None):
    """(label, value, status) that a field of this kind must refuse by name
    (422). kind: string, level (1-5), id, bool, time."""
    if kind == "string":
        out = [("number", 12345), ("array", ["x"]), ("object", {"x": 1}), ("true", True)]
        if maxlen:
            out.append(("overlong", "长" * (maxlen + 1)))
        return [(l, v, 422) for l, v in out]
    if kind == "level":
        return [(l, v, 422) for l, v in [("string", "3"), ("zero", 0), ("six", 6), ("negative", -1),
                                           ("fraction", 2.5), ("beyond int", 2 ** 40), ("bool", True)]]
    if kind == "id":
        return [(l, v, 422) for l, v in [("zero", 0), ("negative", -7), ("string", "1"),
                                           ("fraction", 1.5), ("array", [1])]]
    if kind == "bool":
        return [(l, v, 422) for l, v in [("string", "true"), ("number", 1)]]
    if kind == "time":
        return [(l, v, 422) for l, v in [
            ("30 February", "2026-02-30T10:00:00+08:00"),
            ("month 13", "2026-13-01T10:00:00+08:00"),
            ("hour 25", "2026-01-01T25:00:00+08:00"),
            ("offset +25:00", "2026-01-01T10:00:00+25:00"),
            ("no offset", "2026-01-01T10:00:00"),
            ("zone name", "2026-01-01T10:00:00 Asia/Shanghai"),
            ("year 0", "0000-01-01T00:00:00Z"),
            ("far future", "9999-12-31T23:59:59Z"),
            ("empty", ""),
            ("number", 1767225600),
        ]]
    raise ValueError(kind)


def json_object_abuse(prefix, method, path, who="admin", names_required=None, source=None):
    """Malformed bodies any JSON route must refuse with 400 (422 for the
    empty object where a field is required)."""
    def e(label, body, status, names=None, headers=None):
        return Entry(f"{prefix}: {label}", method, path, body, who=who, status=status,
                     names=names, headers=headers, source=source)
    out = [
        e("not JSON", b"channel=phone&content=x", 400, "malformed JSON"),
        e("array, not object", b"[]", 400, "object"),
        e("string, not object", b'"hello"', 400, "expected"),
        e("truncated object", b'{"a": ', 400, "malformed JSON"),
        e("trailing garbage", b"{}x", 400, "malformed JSON"),
        e("duplicate keys", b'{"name": "a", "name": "b"}', 400, JSON_DUP),
        e("deep nesting", b"[" * 100000 + b"]" * 100000, 400, JSON_DEPTH),
        e("byte-order mark", b"\xef\xbb\xbf{}", 400, "malformed JSON"),
        e("NUL byte in the body", b'{"a":"b"}\x00', 400, "malformed JSON"),
    ]
    if names_required:
        out.append(e("empty object", b"{}", 422, names_required))
    return out


# ---- the catalogue ----------------------------------------------------------------

COMPLAINT_BASE = {"channel": "phone", "customer": {"name": "张三", "phone": "13800138000"},
                  "content": "更衣柜损坏", "severity": 2}

# complaint create: every field, its kind and its length limit (core/complaint.h).
COMPLAINT_FIELDS = [
    ("subject", "string", 200), ("content", "string", 20000), ("demands", "string", 4000),
    ("restatement", "string", 4000), ("external_ref", "string", 200),
    ("customer.name", "string", 100), ("customer.phone", "string", 32),
    ("customer.email", "string", 254), ("restatement_confirmed", "bool", None),
    ("site_id", "id", None), ("category_id", "id", None), ("severity", "level", None),
    ("anger", "level", None), ("received_at", "time", None),
]


def complaint_create(fx):
    out = []
    path = "/api/v1/complaints"
    for field, kind, maxlen in COMPLAINT_FIELDS:
        leaf = field.split(".")[-1]
        for label, value, status in field_variants(kind, maxlen):
            out.append(Entry(f"complaint create: {field} {label}", "POST", path,
                             with_field(COMPLAINT_BASE, field, value), who="agent",
                             status=status, names=field if kind != "time" or label != "far future"
                             else "received_at"))
        for label, raw, status, names in PARSER_VARIANTS:
            out.append(Entry(f"complaint create: {field} {label}", "POST", path,
                             raw_json_with(COMPLAINT_BASE, field, raw), who="agent",
                             status=status, names=names))
        del leaf
    for field, value, names in [
        ("channel", None, "channel"), ("channel", "fax", "channel"), ("channel", 3, "channel"),
        ("channel", "", "channel"), ("content", None, "content"), ("content", "", "content"),
        ("content", "   ", "content"), ("customer", None, "customer"),
        ("customer", "张三", "customer"), ("customer", {}, "customer"),
        ("customer.phone", "abc", "customer.phone"), ("customer.phone", "1", "customer.phone"),
        ("customer.phone", "138\n0013", "customer.phone"),
        ("customer.email", "a@b", "customer.email"),
        ("customer.email", "x@y.com\r\nBcc: z@w.com", "customer.email"),
        ("customer.refs", "not an object", "customer.refs"),
        ("tags", "vip", "tags"), ("tags", [1, 2], "tags"), ("tags", [["nested"]], "tags"),
        ("site_id", 999999, "site_id"), ("category_id", 999999, "category_id"),
    ]:
        out.append(Entry(f"complaint create: {field} = {json.dumps(value, ensure_ascii=False)[:40]}",
                         "POST", path, with_field(COMPLAINT_BASE, field, value), who="agent",
                         status=(422, 404), names=names))
    out += json_object_abuse("complaint create", "POST", path, who="agent",
                             names_required="channel")
    out += [
        Entry("complaint create: Idempotency-Key of 10000 characters", "POST", path,
              COMPLAINT_BASE, who="agent", headers={"Idempotency-Key": "k" * 10000},
              status=(400, 413, 422, 431), names=None, protocol=True),
        Entry("complaint create: Idempotency-Key of 300 characters", "POST", path,
              COMPLAINT_BASE, who="agent", headers={"Idempotency-Key": "k" * 300},
              status=422, names="Idempotency-Key"),
        Entry("complaint create: API token, severity 0", "POST", path,
              with_field(COMPLAINT_BASE, "severity", 0), who="token", status=422,
              names="severity"),
        Entry("complaint create: API token, invalid UTF-8 body", "POST", path,
              raw_json_with(COMPLAINT_BASE, "content", b'"\xed\xa0\x80"'), who="token",
              status=400, names=JSON_UTF8),
        Entry("complaint create: API token with CSRF-free session-style header only", "POST",
              path, COMPLAINT_BASE, who=None, headers={"X-CSRF-Token": "x"}, status=401),
        Entry("complaint create: no credentials", "POST", path, COMPLAINT_BASE, who=None,
              status=401),
        Entry("complaint create: session without CSRF token", "POST", path, COMPLAINT_BASE,
              who="agent-no-csrf", status=403, names="CSRF"),
        Entry("complaint create: forged session cookie", "POST", path, COMPLAINT_BASE,
              who=None, headers={"Cookie": "redress_session=" + "A" * 43}, status=401),
        Entry("complaint create: Bearer token garbage", "POST", path, COMPLAINT_BASE,
              who=None, headers={"Authorization": "Bearer ../../etc/passwd"}, status=401),
        Entry("complaint create: Bearer token with invalid UTF-8", "POST", path, COMPLAINT_BASE,
              who=None, headers={"Authorization": b"Bearer \xff\xfe\xfd"}, status=401),
        Entry("complaint create: Authorization scheme Basic", "POST", path, COMPLAINT_BASE,
              who=None, headers={"Authorization": "Basic YWRtaW46YWRtaW4="}, status=401),
        Entry("complaint create: body of 2 MiB", "POST", path,
              b'{"content":"' + b"x" * (2 << 20) + b'"}', who="agent", status=413,
              names="larger"),
        Entry("complaint create: Content-Length claims 10 GB", "POST", path, b"{}",
              who="agent", headers={"Content-Length": "10000000000"}, status=413,
              names="larger"),
    ]
    return out


def complaint_patch(fx):
    path = f"/api/v1/complaints/{fx.cid}"
    v = {"If-Match": f'"{fx.cversion}"'}
    out = []
    for field, kind, maxlen in [("subject", "string", 200), ("demands", "string", 4000),
                                ("external_ref", "string", 200), ("severity", "level", None),
                                ("anger", "level", None), ("category_id", "id", None),
                                ("restatement_confirmed", "bool", None)]:
        for label, value, status in field_variants(kind, maxlen)[:4]:
            out.append(Entry(f"complaint patch: {field} {label}", "PATCH", path, {field: value},
                             headers=v, status=status, names=field))
    out += [
        Entry("complaint patch: status", "PATCH", path, {"status": "closed"}, headers=v,
              status=422, names="status"),
        Entry("complaint patch: content", "PATCH", path, {"content": "改写"}, headers=v,
              status=422, names="content"),
        Entry("complaint patch: received_at null", "PATCH", path, {"received_at": None},
              headers=v, status=422, names="received_at"),
        Entry("complaint patch: received_at 31 April", "PATCH", path,
              {"received_at": "2026-04-31T09:00:00+08:00"}, headers=v, status=422,
              names="received_at"),
        Entry("complaint patch: no version", "PATCH", path, {"subject": "x"}, status=(422, 428),
              names="version"),
        Entry("complaint patch: stale version", "PATCH", path, {"subject": "x"},
              headers={"If-Match": '"99999"'}, status=409),
        Entry("complaint patch: If-Match garbage", "PATCH", path, {"subject": "x"},
              headers={"If-Match": "W/\"x\", *, \"-1\""}, status=(400, 422), names="If-Match"),
        Entry("complaint patch: version field negative", "PATCH", path,
              {"subject": "x", "version": -1}, status=422, names="version"),
        Entry("complaint patch: version field huge", "PATCH", path,
              {"subject": "x", "version": 2 ** 40}, status=422, names="version"),
        Entry("complaint patch: id not a number", "PATCH", "/api/v1/complaints/abc",
              {"subject": "x"}, headers=v, status=404),
        Entry("complaint patch: id beyond 64 bits", "PATCH",
              "/api/v1/complaints/99999999999999999999999", {"subject": "x"}, headers=v,
              status=404),
        Entry("complaint patch: id negative", "PATCH", "/api/v1/complaints/-1",
              {"subject": "x"}, headers=v, status=404),
    ]
    out += json_object_abuse("complaint patch", "PATCH", path)
    return out


def complaint_actions(fx):
    base = f"/api/v1/complaints/{fx.cid}/actions"
    triage = {"valid": True, "category_id": fx.cat, "severity": 1, "department_id": fx.dept}
    out = [
        Entry("action: unknown action", "POST", f"{base}/explode", {}, who="agent",
              status=(404, 422), names="explode"),
        Entry("action: path traversal in action", "POST", f"{base}/..%2f..%2fusers", {},
              who="agent", status=(404, 422)),
        Entry("action: illegal transition", "POST", f"{base}/close", {"reason": "x"},
              who="agent", status=422),
        Entry("action: triage valid as string", "POST", f"{base}/triage",
              dict(triage, valid="yes"), who="agent", status=422, names="valid"),
        Entry("action: triage department 0", "POST", f"{base}/triage",
              dict(triage, department_id=0), who="agent", status=422, names="department_id"),
        Entry("action: triage unknown department", "POST", f"{base}/triage",
              dict(triage, department_id=987654), who="agent", status=(404, 422),
              names="department_id"),
        Entry("action: triage severity 9", "POST", f"{base}/triage",
              dict(triage, severity=9), who="agent", status=422, names="severity"),
        Entry("action: triage transfer not object", "POST", f"{base}/triage",
              {"valid": False, "reason": "x", "transfer": "物业"}, who="agent", status=422,
              names="transfer"),
        Entry("action: triage reason overlong", "POST", f"{base}/triage",
              {"valid": False, "reason": "长" * 4001, "transfer": {"to_party": "x"}},
              who="agent", status=422, names="reason"),
        Entry("action: merge into itself", "POST", f"{base}/merge", {"into": fx.cid},
              who="agent", status=(409, 422), names="into"),
        Entry("action: merge into nothing", "POST", f"{base}/merge", {"into": 99999999},
              who="agent", status=(404, 422), names="into"),
        Entry("action: merge into array", "POST", f"{base}/merge", {"into": [1]},
              who="agent", status=422, names="into"),
        Entry("action: withdraw reason number", "POST", f"{base}/withdraw", {"reason": 7},
              who="agent", status=422, names="reason"),
        Entry("action: withdraw reason NUL", "POST", f"{base}/withdraw",
              b'{"reason":"a\\u0000b"}', who="agent", status=400, names=JSON_NUL),
        Entry("action: wait reason empty", "POST", f"{base}/wait", {"reason": ""},
              who="agent", status=422),
        Entry("action: propose_plan kind bogus", "POST", f"{base}/propose_plan",
              {"kind": "bribe", "description": "x"}, status=422, names="kind"),
        Entry("action: propose_plan amount negative", "POST", f"{base}/propose_plan",
              {"kind": "refund", "description": "x", "amount": -5}, status=422, names="amount"),
        Entry("action: propose_plan amount 3 decimals", "POST", f"{base}/propose_plan",
              {"kind": "refund", "description": "x", "amount": 1.005}, status=422, names="amount"),
        Entry("action: propose_plan amount huge", "POST", f"{base}/propose_plan",
              {"kind": "refund", "description": "x", "amount": 1e300}, status=422, names="amount"),
        Entry("action: propose_plan amount string", "POST", f"{base}/propose_plan",
              {"kind": "refund", "description": "x", "amount": "100"}, status=422, names="amount"),
        Entry("action: follow_up score 0", "POST", f"{base}/follow_up",
              {"method": "phone", "reached": True, "satisfied": True, "score": 0},
              who="agent", status=422),
        Entry("action: version stale", "POST", f"{base}/triage", triage, who="agent",
              headers={"If-Match": '"424242"'}, status=409),
        Entry("action: version as string", "POST", f"{base}/triage",
              dict(triage, version="1"), who="agent", status=422, names="version"),
    ]
    out += json_object_abuse("action triage", "POST", f"{base}/triage", who="agent")
    return out


def notes_and_attachments(fx):
    notes = f"/api/v1/complaints/{fx.cid}/notes"
    att = f"/api/v1/complaints/{fx.cid}/attachments"
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    out = [
        Entry("note: missing", "POST", notes, {}, status=422, names="note"),
        Entry("note: number", "POST", notes, {"note": 5}, status=422, names="note"),
        Entry("note: empty", "POST", notes, {"note": ""}, status=422, names="note"),
        Entry("note: overlong", "POST", notes, {"note": "长" * 4001}, status=422, names="note"),
        Entry("note: unknown complaint", "POST", "/api/v1/complaints/987654321/notes",
              {"note": "x"}, status=404),
    ]
    out += json_object_abuse("note", "POST", notes)
    for label, name in [
        ("parent directory", "../../etc/passwd"), ("absolute path", "/etc/passwd"),
        ("backslashes", "..\\..\\windows\\win.ini"), ("dot-dot alone", ".."), ("dot alone", "."),
        ("NUL", "a%00.png"), ("CRLF", "a%0d%0aSet-Cookie:%20x=1.png"),
        ("invalid UTF-8", "%ff%fe.png"), ("overlong", "a" * 201 + ".png"),
        ("empty", ""), ("tab", "a%09b.png"), ("encoded slash", "..%2f..%2fetc%2fpasswd"),
    ]:
        out.append(Entry(f"attachment: filename {label}", "POST", f"{att}?filename={name}", png,
                         content_type="image/png", status=422, names="filename"))
    out += [
        Entry("attachment: no filename", "POST", att, png, content_type="image/png",
              status=422, names="filename"),
        Entry("attachment: empty body", "POST", f"{att}?filename=a.png", b"",
              content_type="image/png", status=422),
        Entry("attachment: Content-Length claims 1 TB", "POST", f"{att}?filename=a.png", png,
              content_type="image/png", headers={"Content-Length": "1099511627776"}, status=413),
        Entry("attachment: negative Content-Length", "POST", f"{att}?filename=a.png", png,
              content_type="image/png", headers={"Content-Length": "-5"}, status=(400, 411, 413),
              protocol=True),
        Entry("attachment: Content-Type of 5000 characters", "POST", f"{att}?filename=a.png",
              png, content_type="image/" + "p" * 5000, status=(415, 422), names="type"),
        Entry("attachment: unknown complaint", "POST",
              "/api/v1/complaints/987654321/attachments?filename=a.png", png,
              content_type="image/png", status=404),
        Entry("attachment content: unknown id", "GET", "/api/v1/attachments/987654/content",
              status=404),
        Entry("attachment: id with traversal", "GET", "/api/v1/attachments/..%2f1/content",
              status=404),
    ]
    return out


def org(fx):
    out = []
    for kind, path, base, fields in [
        ("department", "/api/v1/departments", {"code": "t_x", "name": "部门"},
         [("code", "string", 64), ("name", "string", 100), ("active", "bool", None)]),
        ("site", "/api/v1/sites", {"code": "t_y", "name": "门店"},
         [("code", "string", 64), ("name", "string", 100), ("calendar_id", "id", None)]),
        ("category", "/api/v1/categories", {"name": "类别"},
         [("name", "string", 100), ("parent_id", "id", None)]),
        ("user", "/api/v1/users", {"username": "t_new", "password": "Redress-test-pw-1",
                                    "display_name": "新", "role": "agent"},
         [("username", "string", 64), ("display_name", "string", 100),
          ("department_id", "id", None), ("password", "string", None), ("locale", "string", None)]),
    ]:
        for field, fkind, maxlen in fields:
            for label, value, status in field_variants(fkind, maxlen)[:3]:
                out.append(Entry(f"{kind} create: {field} {label}", "POST", path,
                                 with_field(base, field, value), status=status, names=field))
        out.append(Entry(f"{kind} create: as agent", "POST", path, base, who="agent",
                         status=403))
        out += json_object_abuse(f"{kind} create", "POST", path)[:5]
    dept = f"/api/v1/departments/{fx.dept}"
    out += [
        Entry("department create: duplicate code", "POST", "/api/v1/departments",
              {"code": "t_after_sales", "name": "重复"}, status=(409, 422), names="code"),
        Entry("department put: code NUL", "PUT", dept, b'{"code":"a\\u0000"}', status=400,
              names=JSON_NUL),
        Entry("department put: name null", "PUT", dept, {"name": None}, status=422, names="name"),
        Entry("department put: unknown id", "PUT", "/api/v1/departments/987654",
              {"name": "x"}, status=404),
        Entry("category create: parent is unknown", "POST", "/api/v1/categories",
              {"name": "x", "parent_id": 987654}, status=(404, 422), names="parent_id"),
        Entry("category put: parent is itself", "PUT", f"/api/v1/categories/{fx.cat}",
              {"parent_id": fx.cat}, status=(409, 422), names="parent_id"),
        Entry("user create: role bogus", "POST", "/api/v1/users",
              {"username": "t_r", "password": "Redress-test-pw-1", "display_name": "r",
               "role": "root"}, status=422, names="role"),
        Entry("user create: password too short", "POST", "/api/v1/users",
              {"username": "t_p", "password": "x", "display_name": "p", "role": "agent"},
              status=422, names="password"),
        Entry("user create: username with slash", "POST", "/api/v1/users",
              {"username": "../admin", "password": "Redress-test-pw-1", "display_name": "p",
               "role": "agent"}, status=422, names="username"),
        Entry("user create: duplicate username", "POST", "/api/v1/users",
              {"username": "t_agent", "password": "Redress-test-pw-1", "display_name": "d",
               "role": "agent"}, status=(409, 422), names="username"),
        Entry("user put: locale bogus", "PUT", f"/api/v1/users/{fx.agent_id}",
              {"locale": "xx-YY\r\nSet-Cookie: a=b"}, status=422, names="locale"),
        Entry("user put: as agent", "PUT", f"/api/v1/users/{fx.agent_id}", {"role": "admin"},
              who="agent", status=403),
        Entry("me patch: language bogus", "PATCH", "/api/v1/me", {"language": "klingon"},
              status=422, names="language"),
        Entry("me patch: language number", "PATCH", "/api/v1/me", {"language": 1},
              status=422, names="language"),
    ]
    return out


def calendars(fx):
    path = "/api/v1/calendars"
    cal = f"/api/v1/calendars/{fx.cal}"
    base = {"name": "日历", "timezone": "Asia/Shanghai",
            "week": {"mon": [["09:00", "18:00"]]}}
    out = []
    for label, tz in [("unknown zone", "Mars/Olympus"), ("traversal", "../../../etc/passwd"),
                      ("offset +25", "+25:00"), ("empty", ""), ("NUL", None),
                      ("overlong", "A" * 5000), ("number", 8)]:
        body = (raw_json_with(base, "timezone", b'"Asia/Shang\\u0000hai"') if tz is None
                else with_field(base, "timezone", tz))
        out.append(Entry(f"calendar create: timezone {label}", "POST", path, body,
                         status=400 if tz is None else 422,
                         names=JSON_NUL if tz is None else "timezone"))
    for label, week in [("day name bogus", {"funday": {"start": "09:00", "end": "18:00"}}),
                        ("hour 25", {"mon": [["25:00", "26:00"]]}),
                        ("end before start", {"mon": [["18:00", "09:00"]]}),
                        ("minute 60", {"mon": [["09:60", "18:00"]]}),
                        ("not an object", ["mon"]), ("hours as numbers", {"mon": [[9, 18]]}),
                        ("hours as objects", {"mon": {"start": "09:00", "end": "18:00"}})]:
        out.append(Entry(f"calendar create: week {label}", "POST", path,
                         with_field(base, "week", week), status=422, names="week"))
    for label, dates in [("30 February", ["2026-02-30"]), ("month 0", ["2026-00-10"]),
                         ("not a date", ["yesterday"]), ("not a list", "2026-10-01"),
                         ("numbers", [20261001]), ("too many", ["2026-01-01"] * 5000)]:
        out.append(Entry(f"calendar create: holidays {label}", "POST", path,
                         with_field(base, "holidays", dates), status=(413, 422),
                         names=None if label == "too many" else "holidays"))
    out += json_object_abuse("calendar put", "PUT", cal)[:6]
    due = f"{cal}/due"
    for label, body, names in [
        ("target bogus", {"from": "2026-01-05T09:00:00+08:00", "target": "5 fortnights"}, "target"),
        ("target negative", {"from": "2026-01-05T09:00:00+08:00", "target": "-5d"}, "target"),
        ("target huge", {"from": "2026-01-05T09:00:00+08:00", "target": "99999999999999d"}, "target"),
        ("target zero", {"from": "2026-01-05T09:00:00+08:00", "target": "0m"}, "target"),
        ("from 29 February 2026", {"from": "2026-02-29T09:00:00+08:00", "target": "1d"}, "from"),
        ("from with offset -24:00", {"from": "2026-01-05T09:00:00-24:00", "target": "1d"}, "from"),
        ("from missing", {"target": "1d"}, "from"),
        ("target missing", {"from": "2026-01-05T09:00:00+08:00"}, "target"),
    ]:
        out.append(Entry(f"calendar due: {label}", "POST", due, body, status=422, names=names))
    el = f"{cal}/elapsed"
    for label, body, names in [
        ("from after to", {"from": "2026-01-06T09:00:00+08:00", "to": "2026-01-05T09:00:00+08:00"}, None),
        ("to impossible", {"from": "2026-01-05T09:00:00+08:00", "to": "2026-01-32T09:00:00+08:00"}, "to"),
        ("to number", {"from": "2026-01-05T09:00:00+08:00", "to": 5}, "to"),
        ("ten thousand years", {"from": "0001-01-01T00:00:00Z", "to": "9999-12-31T00:00:00Z"}, None),
    ]:
        out.append(Entry(f"calendar elapsed: {label}", "POST", el, body, status=422, names=names))
    out.append(Entry("calendar due: unknown calendar", "POST", "/api/v1/calendars/987654/due",
                     {"from": "2026-01-05T09:00:00+08:00", "target": "1d"}, status=404))
    return out


def policies_tokens_extensions(fx):
    pol = "/api/v1/sla-policies"
    base = {"name": "策略", "priority": 5}
    out = [Entry(f"policy create: {label}", "POST", pol, with_field(base, k, v), status=422,
                 names=n) for label, k, v, n in [
        ("priority string", "priority", "high", "priority"),
        ("priority beyond int", "priority", 2 ** 33, "priority"),
        ("match not object", "match", [1], "match"),
        ("match severity 7", "match", {"severity": [7]}, "match.severity"),
        ("match channel bogus", "match", {"channel": ["fax"]}, "match.channel"),
        ("approval not object", "approval", 5, "approval"),
        ("approval amount negative", "approval", {"amount_over": -1}, "approval.amount_over"),
        ("clocks not array", "clocks", {"x": 1}, "clocks"),
        ("clock target bogus", "clocks", [{"name": "first_response", "target": "soon"}], "clocks"),
        ("calendar_id zero", "calendar_id", 0, "calendar_id"),
    ]]
    out += json_object_abuse("policy put", "PUT", f"{pol}/{fx.pol}")[:4]
    tok = "/api/v1/tokens"
    out += [
        Entry("token create: name missing", "POST", tok, {}, status=422, names="name"),
        Entry("token create: name number", "POST", tok, {"name": 1}, status=422, names="name"),
        Entry("token create: name overlong", "POST", tok, {"name": "n" * 5000}, status=422,
              names="name"),
        Entry("token create: user_id negative", "POST", tok, {"name": "x", "user_id": -1},
              status=422, names="user_id"),
        Entry("token create: for another user as agent", "POST", tok,
              {"name": "x", "user_id": fx.admin_id}, who="agent", status=(403, 404)),
        Entry("token list: user_id garbage", "GET", f"{tok}?user_id=abc", status=422,
              names="user_id"),
        Entry("token revoke: id garbage", "DELETE", f"{tok}/abc", status=404),
        Entry("token revoke: another user's as agent", "DELETE", f"{tok}/{fx.tok_id}",
              who="agent", status=404),
    ]
    ext = f"/api/v1/complaints/{fx.ext_cid}"
    out += [
        Entry("extension: clock unknown", "POST", f"{ext}/clocks/bogus/extensions",
              {"target": "30cd", "reason": "x"}, who="agent", status=(404, 422), names="clock"),
        Entry("extension: clock traversal", "POST", f"{ext}/clocks/..%2f..%2fx/extensions",
              {"target": "30cd", "reason": "x"}, who="agent", status=(404, 422)),
        Entry("extension: target bogus", "POST", f"{ext}/clocks/{fx.ext_clock}/extensions",
              {"target": "forever", "reason": "x"}, who="agent", status=(409, 422)),
        Entry("extension: reason missing", "POST", f"{ext}/clocks/{fx.ext_clock}/extensions",
              {"target": "60cd"}, who="agent", status=(409, 422)),
        Entry("extension grant: as agent", "POST", f"{ext}/extensions/{fx.ext_id}/grant",
              {"note": "x"}, who="agent", status=403),
        Entry("extension grant: unknown id", "POST", f"{ext}/extensions/987654/grant",
              {"note": "x"}, who="approver", status=404),
        Entry("extension refuse: reason number", "POST", f"{ext}/extensions/{fx.ext_id}/refuse",
              {"reason": 5}, status=422, names="reason"),
        Entry("extension grant: eid garbage", "POST", f"{ext}/extensions/x/grant",
              {"note": "x"}, status=404),
    ]
    return out


def unknown_fields(fx):
    """A key the route does not take, top-level and nested, on every route
    family with a JSON body: refused (422) naming the key as sent, nothing
    written. Read-only keys GET shows are accepted only where a record is
    PUT back (organisation, calendars, policies); a complaint has none."""
    c = f"/api/v1/complaints/{fx.cid}"
    v = {"If-Match": f'"{fx.cversion}"'}
    cal = f"/api/v1/calendars/{fx.cal}"
    ext = f"/api/v1/complaints/{fx.ext_cid}"
    pol = {"name": "策略", "priority": 5}
    clock = {"name": "c", "start": "registered", "stop": "resolved", "target": "1d"}
    out = []
    for label, method, path, body, field, who, headers in [
        ("complaint create", "POST", "/api/v1/complaints",
         with_field(COMPLAINT_BASE, "severty", 3), "severty", "agent", None),
        ("complaint create, nested", "POST", "/api/v1/complaints",
         with_field(COMPLAINT_BASE, "customer.nmae", "张"), "customer.nmae", "agent", None),
        ("complaint create, a read-only key", "POST", "/api/v1/complaints",
         with_field(COMPLAINT_BASE, "number", "TS1"), "number", "agent", None),
        ("complaint create, API token", "POST", "/api/v1/complaints",
         with_field(COMPLAINT_BASE, "priority", "high"), "priority", "token", None),
        ("complaint patch", "PATCH", c, {"subjet": "x"}, "subjet", "admin", v),
        ("complaint patch, nested", "PATCH", c, {"customer": {"emial": "a@b.cn"}},
         "customer.emial", "admin", v),
        ("complaint patch, id", "PATCH", c, {"id": fx.cid, "subject": "x"}, "id", "admin", v),
        ("action", "POST", f"{c}/actions/triage",
         {"valid": True, "category_id": fx.cat, "severty": 1, "department_id": fx.dept},
         "severty", "agent", None),
        ("action, nested", "POST", f"{c}/actions/triage",
         {"valid": False, "reason": "x", "transfer": {"to_party": "物业", "phone": "1"}},
         "transfer.phone", "agent", None),
        # A field of another action: the workflow says what each one takes.
        ("action, another action's field", "POST", f"{c}/actions/triage",
         {"valid": True, "category_id": fx.cat, "severity": 1, "department_id": fx.dept,
          "score": 5}, "score", "agent", None),
        ("action, another action's text", "POST", f"{c}/actions/triage",
         {"valid": True, "category_id": fx.cat, "severity": 1, "department_id": fx.dept,
          "comment": "满意"}, "comment", "agent", None),
        ("action, a merge target on close", "POST", f"{c}/actions/close",
         {"reason": "x", "into": 1}, "into", "agent", None),
        ("note", "POST", f"{c}/notes", {"note": "x", "private": True}, "private", "admin", None),
        ("department create", "POST", "/api/v1/departments",
         {"code": "t_u", "name": "部门", "manager": 1}, "manager", "admin", None),
        ("department put", "PUT", f"/api/v1/departments/{fx.dept}", {"nmae": "x"}, "nmae",
         "admin", None),
        ("site create", "POST", "/api/v1/sites",
         {"code": "t_u", "name": "门店", "calender_id": 1}, "calender_id", "admin", None),
        ("category put", "PUT", f"/api/v1/categories/{fx.cat}", {"parent": 1}, "parent",
         "admin", None),
        ("user create", "POST", "/api/v1/users",
         {"username": "t_u", "password": "Redress-test-pw-1", "rol": "admin"}, "rol", "admin", None),
        ("user put", "PUT", f"/api/v1/users/{fx.agent_id}", {"roles": ["admin"]}, "roles",
         "admin", None),
        ("me patch", "PATCH", "/api/v1/me", {"languag": "en"}, "languag", "agent", None),
        ("calendar create", "POST", "/api/v1/calendars",
         {"name": "日历", "timezon": "Asia/Shanghai"}, "timezon", "admin", None),
        ("calendar put, nested", "PUT", cal, {"week": {"monday": [["09:00", "18:00"]]}},
         "week.monday", "admin", None),
        ("calendar due", "POST", f"{cal}/due",
         {"from": "2026-01-05T09:00:00+08:00", "target": "1d", "tz": "UTC"}, "tz", "admin", None),
        ("calendar elapsed", "POST", f"{cal}/elapsed",
         {"from": "2026-01-05T09:00:00+08:00", "until": "2026-01-06T09:00:00+08:00"}, "until",
         "admin", None),
        ("policy create", "POST", "/api/v1/sla-policies", dict(pol, priorty=1), "priorty",
         "admin", None),
        ("policy put, match", "PUT", f"/api/v1/sla-policies/{fx.pol}",
         {"match": {"sevrity": [1]}}, "match.sevrity", "admin", None),
        ("policy create, approval", "POST", "/api/v1/sla-policies",
         dict(pol, approval={"allways": True}), "approval.allways", "admin", None),
        ("policy create, clock", "POST", "/api/v1/sla-policies",
         dict(pol, clocks=[dict(clock, targte="2d")]), "clocks[0].targte", "admin", None),
        ("policy create, escalation step", "POST", "/api/v1/sla-policies",
         dict(pol, clocks=[dict(clock, warn_at=0.5,
                                escalate=[{"on": "warn", "notify": "assignee", "who": 1}])]),
         "clocks[0].escalate[0].who", "admin", None),
        ("token create", "POST", "/api/v1/tokens", {"name": "x", "expires": "2027-01-01"},
         "expires", "admin", None),
        ("extension request", "POST", f"{ext}/clocks/{fx.ext_clock}/extensions",
         {"target": "60cd", "reason": "x", "days": 30}, "days", "agent", None),
        ("extension refuse", "POST", f"{ext}/extensions/{fx.ext_id}/refuse",
         {"reason": "x", "comment": "y"}, "comment", "admin", None),
    ]:
        out.append(Entry(f"unknown field: {label}", method, path, body, who=who,
                         headers=headers, status=422, names=field))
    return out


def queries(fx):
    lst = "/api/v1/complaints"
    out = [Entry(f"complaint list: {label}", "GET", f"{lst}?{q}", status=422, names=n)
           for label, q, n in [
        ("limit 0", "limit=0", "limit"), ("limit 501", "limit=501", "limit"),
        ("limit negative", "limit=-1", "limit"), ("limit huge", "limit=99999999999999999999", "limit"),
        ("limit text", "limit=ten", "limit"), ("cursor garbage", "cursor=%00%ff", "cursor"),
        ("cursor forged", "cursor=eyJpZCI6LTF9", "cursor"), ("status bogus", "status=lost", "status"),
        ("cursor invalid UTF-8", "cursor=%ff%fe", "cursor"), ("severity 9", "severity=9", "severity"),
        ("severity text", "severity=high", "severity"), ("channel bogus", "channel=fax", "channel"),
        ("department_id text", "department_id=x", "department_id"),
        ("department_id negative", "department_id=-3", "department_id"),
        ("overdue maybe", "overdue=maybe", "overdue"), ("sort bogus", "sort=drop%20table", "sort"),
        ("from 30 February", "from=2026-02-30", "from"), ("to hour 24:61", "to=2026-01-01T24:61:00Z", "to"),
        ("from offset +99:00", "from=2026-01-01T00:00:00%2B99:00", "from"),
        ("q invalid UTF-8", "q=%ff%fe", "q"), ("q overlong", "q=" + "字" * 3000, "q"),
        ("customer_phone invalid UTF-8", "customer_phone=%c0%af", "customer_phone"),
    ]]
    out += [Entry(f"report: {label}", "GET", f"/api/v1/reports/summary?{q}", status=422, names=n)
            for label, q, n in [
        ("group_by bogus", "group_by=password", "group_by"), ("from impossible", "group_by=channel&from=2026-13-01", "from"),
        ("to before from", "group_by=channel&from=2026-06-01&to=2026-01-01", None),
    ]]
    out += [
        Entry("customers: phone invalid UTF-8", "GET", "/api/v1/customers?phone=%ff", status=(404, 422),
              names="phone"),
        Entry("notifications: unread maybe", "GET", "/api/v1/notifications?unread=maybe", status=422,
              names="unread"),
        Entry("complaint get: number with traversal", "GET", "/api/v1/complaints/..%2f..%2fetc",
              status=404),
        Entry("asset: traversal", "GET", "/assets/..%2f..%2f..%2fetc%2fpasswd", who=None, status=404),
        Entry("asset: NUL", "GET", "/assets/app.js%00.png", who=None, status=404),
        Entry("unknown path", "GET", "/api/v1/nothing-here", status=404),
        Entry("method not allowed", "DELETE", "/api/v1/complaints", status=405, names="DELETE"),
    ]
    return out


def portal(fx):
    out = []
    n = [0]

    def src():
        # A fresh client address per portal request: its per-address limits
        # (10 an hour) would otherwise answer 429 before validation.
        n[0] += 1
        return f"127.0.{n[0] // 250 + 10}.{n[0] % 250 + 1}"

    sub = "/api/v1/portal/complaints"
    base = {"name": "李四", "phone": "13900139000", "content": "门店服务差"}
    for field, maxlen in [("name", 100), ("phone", 32), ("content", 20000), ("email", 254),
                          ("subject", 200)]:
        for label, value, status in field_variants("string", maxlen):
            out.append(Entry(f"portal submit: {field} {label}", "POST", sub,
                             with_field(base, field, value), who=None, status=status,
                             names=field, source=src()))
    for label, body, names in [
        ("phone too short", dict(base, phone="12"), "phone"),
        ("phone letters", dict(base, phone="call me"), "phone"),
        ("content missing", {"name": "x", "phone": "13900139000"}, "content"),
        ("email CRLF", dict(base, email="a@b.com\r\nBcc: c@d.com"), "email"),
    ]:
        out.append(Entry(f"portal submit: {label}", "POST", sub, body, who=None, status=422,
                         names=names, source=src()))
    for e in json_object_abuse("portal submit", "POST", sub, who=None)[:6]:
        e.source = src()
        out.append(e)
    out.append(Entry("portal submit: Idempotency-Key overlong", "POST", sub, base, who=None,
                     headers={"Idempotency-Key": "k" * 101}, status=422, names="Idempotency-Key",
                     source=src()))
    photos = f"/api/v1/portal/complaints/{fx.pnum}/photos"
    jpeg = b"\xff\xd8\xff\xe0" + b"\0" * 64
    out += [
        Entry("portal photo: no token", "POST", photos, jpeg, who=None, content_type="image/jpeg",
              status=(401, 403), names="X-Upload-Token", source=src()),
        Entry("portal photo: forged token", "POST", photos, jpeg, who=None,
              content_type="image/jpeg", headers={"X-Upload-Token": "A" * 43},
              status=(401, 403), names="X-Upload-Token", source=src()),
        Entry("portal photo: token invalid UTF-8", "POST", photos, jpeg, who=None,
              content_type="image/jpeg", headers={"X-Upload-Token": b"\xff\xfe"},
              status=(401, 403), names="X-Upload-Token", source=src()),
        Entry("portal photo: not an image", "POST", photos, b"#!/bin/sh\nrm -rf /\n", who=None,
              content_type="image/jpeg", headers={"X-Upload-Token": fx.upload},
              status=415, names="body", source=src()),
        Entry("portal photo: empty", "POST", photos, b"", who=None, content_type="image/jpeg",
              headers={"X-Upload-Token": fx.upload}, status=422, names="body", source=src()),
        Entry("portal photo: 6 MiB", "POST", photos, jpeg + b"\0" * (6 << 20), who=None,
              content_type="image/jpeg", headers={"X-Upload-Token": fx.upload},
              status=413, source=src()),
        Entry("portal photo: filename traversal", "POST", photos + "?filename=../../x.jpg", jpeg,
              who=None, content_type="image/jpeg", headers={"X-Upload-Token": fx.upload},
              status=422, names="filename", source=src()),
        Entry("portal photo: number of another complaint", "POST",
              f"/api/v1/portal/complaints/{fx.cnum}/photos", jpeg, who=None,
              content_type="image/jpeg", headers={"X-Upload-Token": fx.upload},
              status=(403, 404), source=src()),
    ]
    prog = "/api/v1/portal/progress"
    out += [Entry(f"portal progress: {label}", "POST", prog, body, who=None, status=st,
                  names=nm, source=src()) for label, body, st, nm in [
        ("number missing", {"phone_last4": "9000"}, 422, "number"),
        ("number number", {"number": 5, "phone_last4": "9000"}, 422, "number"),
        ("phone_last4 NUL", b'{"number":"x","phone_last4":"90\\u000000"}', 400, JSON_NUL),
        ("wrong digits", {"number": fx.pnum, "phone_last4": "0000"}, 404, None),
        ("number overlong", {"number": "C" * 10000, "phone_last4": "9000"}, (404, 422), None),
    ]]
    sv = f"/api/v1/portal/surveys/{fx.survey}"
    out += [Entry(f"portal survey: {label}", "POST", sv, body, who=None, status=st, names=nm,
                  source=src()) for label, body, st, nm in [
        ("satisfied string", {"satisfied": "yes"}, 422, "satisfied"),
        ("score 11", {"satisfied": True, "score": 11}, 422, "score"),
        ("score huge", {"satisfied": True, "score": 2 ** 40}, 422, "score"),
        ("comment overlong", {"satisfied": True, "score": 5, "comment": "长" * 5000}, 422, "comment"),
        ("satisfied missing", {}, 422, "satisfied"),
    ]]
    out += [
        Entry("unknown field: portal submit", "POST", sub, dict(base, adress="x"), who=None,
              status=422, names="adress", source=src()),
        Entry("unknown field: portal progress", "POST", prog,
              {"number": fx.pnum, "phone_last4": "9000", "phone": "13900139000"}, who=None,
              status=422, names="phone", source=src()),
        Entry("unknown field: portal survey", "POST", sv,
              {"satisfied": True, "score": 5, "commment": "好"}, who=None, status=422,
              names="commment", source=src()),
    ]
    out += [
        Entry("portal survey: unknown token", "POST", "/api/v1/portal/surveys/" + "A" * 43,
              {"satisfied": True}, who=None, status=404, source=src()),
        Entry("portal survey: token traversal", "GET", "/api/v1/portal/surveys/..%2f..%2fadmin",
              who=None, status=404, source=src()),
    ]
    return out


def login(fx):
    path = "/api/v1/auth/login"
    out = [Entry(f"login: {label}", "POST", path, body, who=None, status=st, names=nm)
           for label, body, st, nm in [
        ("username number", {"username": 1, "password": "x"}, 422, "username"),
        ("password array", {"username": "nobody_x", "password": ["x"]}, 422, "password"),
        ("username missing", {"password": "x"}, 422, "username"),
        ("password null", {"username": "nobody_x", "password": None}, 422, "password"),
        ("username NUL", b'{"username":"admin\\u0000","password":"x"}', 400, JSON_NUL),
        ("username invalid UTF-8", b'{"username":"\xff","password":"x"}', 400, JSON_UTF8),
        ("unknown field", {"username": "nobody_x", "password": "x", "remember": True}, 422,
         "remember"),
    ]]
    out += json_object_abuse("login", "POST", path, who=None)[:5]
    return out


def http_level(fx, cookie, csrf):
    """Headers and framing: sent raw, since http.client would refuse or mend them."""
    def raw(name, data, status, protocol=False, names=None):
        return Entry(name, raw=data, status=status, protocol=protocol, names=names)
    auth = f"Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n".encode()
    body = json.dumps(COMPLAINT_BASE).encode()
    post = b"POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\n" + auth
    return [
        raw("http: CRLF injection in a header value (bare LF)",
            post + b"Content-Type: application/json\nX-Evil: 1\r\nContent-Length: 1\r\n\r\n{",
            (400,), protocol=True),
        raw("http: NUL in a header value",
            post + b"X-Note: a\x00b\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            (400, 422), protocol=True),
        raw("http: invalid UTF-8 in Accept-Language",
            post + b"Accept-Language: \xff\xfe\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            422, names="channel"),
        raw("http: Content-Length and chunked together",
            post + b"Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"2\r\n{}\r\n0\r\n\r\n", (400, 422), protocol=True),
        raw("http: two Content-Length headers that disagree",
            post + b"Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 200\r\n\r\n{}",
            (400, 422), protocol=True),
        raw("http: Content-Length not a number",
            post + b"Content-Type: application/json\r\nContent-Length: 12abc\r\n\r\n{}",
            (400, 411, 413), protocol=True),
        raw("http: chunk size not hex",
            post + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            (400,), protocol=True),
        raw("http: chunk size beyond 64 bits",
            post + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"fffffffffffffffffffff\r\n{}\r\n0\r\n\r\n", (400, 413), protocol=True),
        raw("http: chunked body over the JSON cap",
            post + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + (b"100000\r\n" + b" " * 0x100000 + b"\r\n") * 2 + b"0\r\n\r\n", 413, names="1048576"),
        raw("http: chunked body with a NUL",
            post + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"3\r\n{}\x00\r\n0\r\n\r\n", 400),
        raw("http: unknown transfer coding",
            post + b"Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n" + body,
            (400, 411, 415, 422, 501), protocol=True),
        raw("http: header line of 64 KiB",
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n",
            (400, 413, 431), protocol=True),
        raw("http: ten thousand headers",
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 10000 + b"\r\n",
            (400, 413, 431), protocol=True),
        raw("http: request line without version",
            b"GET /api/v1/me\r\n\r\n", (400, 505), protocol=True),
        raw("http: method of 10 KiB", b"X" * 10240 + b" / HTTP/1.1\r\nHost: x\r\n\r\n",
            (400, 405, 413, 414, 431), protocol=True),
        raw("http: path of 40 KiB", b"GET /" + b"a" * 40960 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            (400, 404, 413, 414, 431), protocol=True),
        raw("http: path with raw invalid UTF-8",
            b"GET /api/v1/complaints/\xff\xfe HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n", 404),
        raw("http: percent-encoded invalid UTF-8 in an id",
            b"GET /api/v1/complaints/%ff%fe/events HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n", 404,
            names="UTF-8"),
        raw("http: unknown path with raw invalid UTF-8",
            b"GET /api/v1/\xc0\xaf\xff HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n", 404,
            names="UTF-8"),
        raw("http: portal number with invalid UTF-8",
            b"POST /api/v1/portal/complaints/\xff/photos HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: image/jpeg\r\nContent-Length: 4\r\n\r\n\xff\xd8\xff\xe0", 404,
            names="UTF-8"),
        raw("http: path traversal to the database",
            b"GET /../../../../tmp/test.db HTTP/1.1\r\nHost: x\r\n\r\n", (400, 404)),
        raw("http: Host missing on HTTP/1.1",
            b"GET /api/v1/me HTTP/1.1\r\n\r\n", (400, 401), protocol=True),
        raw("http: header name with a space",
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", (400, 401),
            protocol=True),
        raw("http: JSON with Content-Type text/plain and garbage",
            post + b"Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc", (400, 415)),
        raw("http: X-Forwarded-For forged to dodge portal limits is ignored",
            b"POST /api/v1/portal/progress HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.2.3.4, \xff\r\n"
            b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", 422, names="number"),
        raw("http: Cookie header of garbage",
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: ;;;=;redress_session=\x01\x02\r\n\r\n", 401,
            protocol=False),
        raw("http: CSRF token with CRLF",
            b"POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nCookie: " + cookie.encode()
            + b"\r\nX-CSRF-Token: a\rb\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            (400, 403), protocol=True),
    ]


def catalogue(fx, cookie, csrf):
    return (complaint_create(fx) + complaint_patch(fx) + complaint_actions(fx)
            + notes_and_attachments(fx) + org(fx) + calendars(fx)
            + policies_tokens_extensions(fx) + unknown_fields(fx) + queries(fx) + portal(fx) + login(fx)
            + http_level(fx, cookie, csrf))
