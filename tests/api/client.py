"""Shared helpers for the black-box API tests (standard library only).

Server runs the real binary on a temporary database; User is a signed-in
session (cookie + CSRF token); check/expect raise Fail with the request and
the response that disproved the test; World builds the fixtures of a run
through the API as admin; `test` registers a test function for run.py."""

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

PASSWORD = "Redress-test-pw-1"
HOST = "127.0.0.1"

# ---- the test registry ------------------------------------------------------------

TESTS = []


def test(fn=None, *, last=False, postgresql_only=False):
    """Registers fn(world) as a test case; run.py runs them in definition order,
    those marked last=True (e.g. login throttling) after all the others.
    postgresql_only=True: the case needs what only PostgreSQL supports (e.g.
    two servers on one database); run.py leaves it out, uncounted, when the
    suite runs on SQLite, so a skip never passes for a pass."""
    def register(f):
        f.last = last
        f.postgresql_only = postgresql_only
        TESTS.append(f)
        return f
    return register(fn) if fn is not None else register


class Fail(AssertionError):
    pass


def describe(resp):
    """The request and the response of an exchange, for failure messages."""
    if not isinstance(resp, Response):
        text = repr(resp)
        return "      value: " + (text[:1500] + "..." if len(text) > 1500 else text)
    return "      request: " + resp.request_text() + "\n      response: " + resp.response_text()


def check(cond, what, resp=None):
    """Fails the test with `what` (and the exchange or value) unless cond holds."""
    if not cond:
        raise Fail(what + ("\n" + describe(resp) if resp is not None else ""))


def expect(resp, status, what=""):
    """Fails unless resp has this status (an int or a tuple of ints); returns resp."""
    ok = resp.status in status if isinstance(status, tuple) else resp.status == status
    check(ok, f"expected {status} {what}, got {resp.status}", resp)
    return resp


def problem_fields(resp):
    """The field names of a problem+json answer; fails if it is not problem+json."""
    check(resp.headers.get("content-type", "").startswith("application/problem+json"),
          "error is not application/problem+json", resp)
    body = resp.json()
    check(isinstance(body.get("errors"), list) and body.get("status") == resp.status
          and isinstance(body.get("type"), str) and isinstance(body.get("title"), str)
          and "detail" in body, "problem+json has type, title, status, detail, errors", resp)
    return [e.get("field") for e in body["errors"]]


problem_field = problem_fields  # the older name


def expect_problem(resp, status, field=None, what=""):
    """Expects a problem+json answer with this status naming `field` (if given)."""
    expect(resp, status, what)
    fields = problem_fields(resp)
    if field is not None:
        check(field in fields, f"the problem names {field!r} {what} (named {fields})", resp)
    return resp


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# ---- HTTP -------------------------------------------------------------------------

class Response:
    def __init__(self, status, headers, body, request):
        self.status = status
        self.headers = headers
        self.body = body
        self.request = request  # (method, path, headers, body bytes)

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError as e:
            raise Fail(f"response is not JSON: {e}\n" + describe(self))

    def request_text(self):
        method, path, headers, body = self.request
        shown = {k: v for k, v in headers.items() if k.lower() not in ("cookie", "authorization", "x-csrf-token")}
        text = f"{method} {path} {shown}"
        if body:
            b = body[:600].decode("utf-8", "replace")
            text += f" body({len(body)} bytes): {b}" + ("..." if len(body) > 600 else "")
        return text

    def response_text(self):
        b = self.body[:1200].decode("utf-8", "replace")
        ct = self.headers.get("content-type", "")
        return f"{self.status} [{ct}] {b}" + ("..." if len(self.body) > 1200 else "")

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class Server:
    """The redress binary serving a database in a temporary folder."""

    def __init__(self, binary, demo=False, init=True, sqlite=False):
        self.binary = os.path.abspath(binary)
        self.dir = tempfile.mkdtemp(prefix="redress-api-")
        # REDRESS_API_PG_URI (a PostgreSQL server's URI, e.g. the throwaway
        # cluster of tests/pg/cluster.sh): serve a new database there instead
        # of a file, to run the suite against that backend; sqlite=True keeps
        # a file (tests of what only SQLite has, such as redress backup).
        self.pg_db = None
        base = None if sqlite else os.environ.get("REDRESS_API_PG_URI")
        if base:
            self.pg_db = "rd_api_%d_%s" % (os.getpid(), os.path.basename(self.dir).replace("-", "_").lower())
            self.pg_sql(base, f"CREATE DATABASE {self.pg_db}")
            self.db = base.rsplit("/", 1)[0] + "/" + self.pg_db
        else:
            self.db = os.path.join(self.dir, "test.db")
        self.pwfile = os.path.join(self.dir, "pw")
        self.proc = None
        self.log = None
        self.port = None
        self.log_path = os.path.join(self.dir, "server.log")
        self.last = None  # the last Response, for failures without one
        with open(self.pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        if init:
            args = [self.binary, "init", "--db", self.db, "--admin-password-file", self.pwfile]
            if demo:
                args.append("--demo")
            self.init_output = self.cli(*args[1:], timeout=300)

    def cli(self, *args, timeout=60):
        """Runs the binary with these arguments; the CLI's stderr goes to the
        server log (it is checked for sanitizer reports too). Returns stdout;
        raises Fail on a non-zero exit."""
        with open(self.log_path, "ab") as log:
            log.write(("---- cli " + " ".join(args) + "\n").encode())
            log.flush()
            p = subprocess.run([self.binary, *args], stdout=subprocess.PIPE, stderr=log,
                               timeout=timeout)
        out = p.stdout.decode("utf-8", "replace")
        if p.returncode != 0:
            raise Fail(f"`redress {' '.join(args)}` exited {p.returncode}: {out[-500:]}"
                       f"\n{self.log_text()[-1500:]}")
        return out

    def start(self, env=None, args=None):
        """Serves on a free port; env adds environment variables
        (REDRESS_FAKE_NOW) and args options of serve; both are kept for
        restarts."""
        if env is not None:
            self.env = dict(os.environ, **env)
        if args is not None:
            self.serve_args = list(args)
        self.port = free_port()
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--listen", f"{HOST}:{self.port}",
             *getattr(self, "serve_args", [])],
            stdout=self.log, stderr=self.log, env=getattr(self, "env", None))
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited at start: " + self.log_text()[-3000:])
            try:
                if self.request("GET", "/healthz").status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not answer /healthz")

    def kill(self):
        """SIGKILL: a crash, as far as the database can tell."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.log:
            self.log.close()
            self.log = None

    def stop(self):
        """SIGTERM, then wait; returns the exit code (None if never started)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()
            self.log = None
        return self.proc.returncode if self.proc else None

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def sanitizer_errors(self):
        return [line for line in self.log_text().splitlines()
                if "ERROR: AddressSanitizer" in line or "runtime error:" in line
                or "ERROR: LeakSanitizer" in line]

    @staticmethod
    def pg_sql(uri, sql):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql],
                       check=True, stdout=subprocess.DEVNULL, timeout=60)

    def cleanup(self):
        if self.pg_db:
            self.pg_sql(os.environ["REDRESS_API_PG_URI"],
                        f"DROP DATABASE IF EXISTS {self.pg_db} WITH (FORCE)")
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method, path, body=None, headers=None, raw=None, source=None):
        """source: the client address to send from (any 127.x.y.z is this
        machine), for per-address limits."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60,
                                          source_address=(source, 0) if source else None)
        # English problem details by default, so tests can match them; a
        # header given as None is not sent (to see the server's default).
        hdrs = {"Accept-Language": "en", **(headers or {})}
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
        try:
            try:
                conn.request(method, path, body=data, headers=hdrs)
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer (413) and close before reading a big
                # body; its answer is still waiting in the socket.
                pass
            r = conn.getresponse()
            resp = Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read(),
                            (method, path, hdrs, data))
            self.last = resp
            return resp
        finally:
            conn.close()


class FakeClock:
    """A server's "now" as a file it reads (REDRESS_FAKE_NOW), which the test
    moves: set() writes a new instant (RFC 3339) with a new mtime."""

    def __init__(self, path, start):
        self.path = path
        self.set(start)

    def set(self, when):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write(when + "\n")
        os.replace(tmp, self.path)


@contextlib.contextmanager
def own_server(w, args=(), clock_start=None):
    """A server of its own beside the shared one, serving with these extra
    arguments; with clock_start, its clock starts there and moves when the
    test sets it. Yields (server, clock or None). Its log is checked for
    sanitizer reports at the end; it is stopped and removed either way."""
    server = Server(w.s.binary)
    clock = None if clock_start is None else FakeClock(os.path.join(server.dir, "now"), clock_start)
    try:
        server.start(env=clock and {"REDRESS_FAKE_NOW": clock.path}, args=list(args))
        yield server, clock
        errs = server.sanitizer_errors()
        if errs:
            raise Fail("sanitizer: " + "\n".join(errs[:5]))
    finally:
        server.stop()
        server.cleanup()


def clocked_server(w, start, args=()):
    """own_server whose clock starts at `start`: yields (server, clock)."""
    return own_server(w, args, clock_start=start)


class User:
    """A signed-in user: session cookie plus CSRF token on unsafe methods."""

    def __init__(self, server, username, password=PASSWORD):
        self.server = server
        self.username = username
        r = server.request("POST", "/api/v1/auth/login",
                           {"username": username, "password": password})
        check(r.status == 200, f"login {username}", r)
        cookie = r.headers.get("set-cookie", "")
        self.cookie = cookie.split(";")[0]
        self.csrf = r.json()["csrf_token"]
        self.user = r.json()["user"]
        self.id = self.user["id"]

    def call(self, method, path, body=None, headers=None, raw=None, csrf=True):
        hdrs = {"Cookie": self.cookie}
        if csrf and method not in ("GET", "HEAD"):
            hdrs["X-CSRF-Token"] = self.csrf
        hdrs.update(headers or {})
        return self.server.request(method, path, body=body, headers=hdrs, raw=raw)

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("PUT", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("PATCH", path, body=body, **kw)

    def list_all(self, path, limit=500):
        """Every item of a list endpoint, following next_cursor; fails on a
        repeated cursor or more than 1000 pages."""
        from urllib.parse import quote
        sep = "&" if "?" in path else "?"
        items, cursor, seen = [], None, set()
        for _ in range(1000):
            p = f"{path}{sep}limit={limit}" + (f"&cursor={quote(cursor, safe='')}" if cursor else "")
            page = expect(self.get(p), 200, "list page").json()
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items
            check(cursor not in seen, f"cursor repeats on {path}", cursor)
            seen.add(cursor)
        raise Fail(f"list {path} does not end")


# ---- fixtures ---------------------------------------------------------------------

# "resume" needs a complaint that waits: tests/api/test_clocks.py takes it.
ACTIONS = ("triage", "explain", "assign", "contact", "progress", "propose_plan", "approve",
           "reject", "resolve", "follow_up", "close", "withdraw", "merge", "wait")
OPEN_STATES = ("registered", "assigned", "in_progress", "pending_approval", "executing",
               "resolved", "transferred")
TERMINAL_STATES = ("closed", "withdrawn", "merged")
# Legal (action -> from states), API.md's action table.
LEGAL = {
    "triage": {"registered"}, "explain": {"transferred"},
    "assign": {"assigned", "in_progress"}, "contact": {"assigned"},
    "progress": {"in_progress", "executing"}, "propose_plan": {"in_progress"},
    "approve": {"pending_approval"}, "reject": {"pending_approval"},
    "resolve": {"executing"}, "follow_up": {"resolved"}, "close": {"resolved"},
    "withdraw": set(OPEN_STATES), "merge": set(OPEN_STATES),
    "wait": {"in_progress", "executing"},
}
# Roles that may take each action (admin may take every one), BRIEF.md.
ROLES = {
    "triage": {"agent"}, "explain": {"agent"}, "assign": {"agent", "manager"},
    "contact": {"handler", "manager"}, "progress": {"handler", "manager"},
    "propose_plan": {"handler", "manager"}, "resolve": {"handler", "manager"},
    "approve": {"approver"}, "reject": {"approver"}, "follow_up": {"agent"},
    "close": {"agent"}, "withdraw": {"agent", "handler", "manager"},
    "merge": {"agent", "manager"}, "wait": {"agent", "handler", "manager"},
}


class World:
    """Fixtures made through the API as admin: two departments, users of every
    role (departmental ones in both departments), a category and a site."""

    def __init__(self, server):
        self.s = server
        self.admin = User(server, "admin")
        a = self.admin
        self.dept_a = expect(a.post("/api/v1/departments", {"code": "t_after_sales", "name": "售后服务部(测)"}), 201).json()["id"]
        self.dept_b = expect(a.post("/api/v1/departments", {"code": "t_sales", "name": "销售部(测)"}), 201).json()["id"]
        self.cat = expect(a.post("/api/v1/categories", {"name": "维修质量(测)", "parent_id": None}), 201).json()["id"]
        self.site = expect(a.post("/api/v1/sites", {"code": "t_bj01", "name": "北京一店(测)"}), 201).json()["id"]
        users = [("t_agent", "agent", None), ("t_handler_a", "handler", self.dept_a),
                 ("t_manager_a", "manager", self.dept_a), ("t_handler_b", "handler", self.dept_b),
                 ("t_manager_b", "manager", self.dept_b),
                 ("t_approver", "approver", None), ("t_analyst", "analyst", None),
                 ("t_auditor", "auditor", None)]
        self.ids = {}
        for name, role, dept in users:
            r = expect(a.post("/api/v1/users", {"username": name, "password": PASSWORD,
                                                 "display_name": name, "role": role,
                                                 "department_id": dept}), 201)
            self.ids[name] = r.json()["id"]
        self.agent = User(server, "t_agent")
        self.handler_a = User(server, "t_handler_a")
        self.manager_a = User(server, "t_manager_a")
        self.handler_b = User(server, "t_handler_b")
        self.manager_b = User(server, "t_manager_b")
        self.approver = User(server, "t_approver")
        self.analyst = User(server, "t_analyst")
        self.auditor = User(server, "t_auditor")
        self.by_role = {"agent": self.agent, "handler": self.handler_a, "manager": self.manager_a,
                        "approver": self.approver, "analyst": self.analyst,
                        "auditor": self.auditor, "admin": self.admin}
        self.created = []  # ids of every complaint made through create()

    def create(self, content="更衣柜损坏导致物品丢失", user=None, **extra):
        body = {"channel": "phone", "customer": {"name": "张三", "phone": "13800138000"},
                "subject": "更衣柜", "content": content, "demands": "赔偿", "severity": 1}
        body.update(extra)
        c = expect((user or self.agent).post("/api/v1/complaints", body), 201, "create").json()
        self.created.append(c["id"])
        return c

    def act(self, user, cid, action, body, status=200):
        return expect(user.post(f"/api/v1/complaints/{cid}/actions/{action}", body), status,
                      f"{action}")

    def get(self, cid, user=None):
        return expect((user or self.admin).get(f"/api/v1/complaints/{cid}"), 200, "get").json()

    def triage(self, cid, dept=None, severity=1, category=None):
        return self.act(self.agent, cid, "triage", {"valid": True, "category_id": category or self.cat,
                                                    "severity": severity,
                                                    "department_id": dept or self.dept_a}).json()

    def to_in_progress(self, cid, dept=None, severity=1, category=None):
        self.triage(cid, dept, severity, category)
        handler = self.handler_b if dept == self.dept_b else self.handler_a
        return self.act(handler, cid, "contact", {"method": "phone", "note": "已联系"}).json()

    def events(self, cid, user=None):
        return expect((user or self.admin).get(f"/api/v1/complaints/{cid}/events"), 200).json()["items"]

    def snapshot(self, cid):
        """(version, status, number of events): what a refused request must not change."""
        c = self.get(cid)
        return (c["version"], c["status"], len(self.events(cid)))

    def in_state(self, state, content="状态测试", merge_target=None):
        """A new complaint of department A brought to `state` by the roles
        allowed to move it there; returns its id."""
        cid = self.create(content=content)["id"]
        if state == "registered":
            return cid
        if state in ("transferred",):
            self.act(self.agent, cid, "triage", {"valid": False, "reason": "不属于本公司",
                                                 "transfer": {"to_party": "物业公司", "contact_person": "王经理",
                                                              "contact_phone": "010-88886666",
                                                              "contact_address": "朝阳区1号"}})
            return cid
        if state == "withdrawn":
            self.act(self.agent, cid, "withdraw", {"reason": "客户撤诉"})
            return cid
        if state == "merged":
            into = merge_target or self.create(content="合并目标")["id"]
            self.act(self.agent, cid, "merge", {"into": into})
            return cid
        self.triage(cid)
        if state == "assigned":
            return cid
        self.act(self.handler_a, cid, "contact", {"method": "phone", "note": "已联系"})
        if state == "in_progress":
            return cid
        # 800 yuan is over the default policy's 500: the plan needs approval.
        self.act(self.handler_a, cid, "propose_plan",
                 {"kind": "compensation", "description": "赔偿", "amount": 800})
        if state == "pending_approval":
            return cid
        self.act(self.approver, cid, "approve", {"note": "同意"})
        if state == "executing":
            return cid
        self.act(self.handler_a, cid, "resolve", {"result": "已赔付"})
        if state == "resolved":
            return cid
        if state == "closed":
            self.act(self.agent, cid, "follow_up", {"method": "phone", "reached": True, "satisfied": True,
                                                    "score": 5})
            return cid
        raise ValueError(state)

    def valid_body(self, action, merge_into=None):
        """A body for `action` that passes field validation."""
        return {
            "triage": {"valid": True, "category_id": self.cat, "severity": 1, "department_id": self.dept_a},
            "explain": {"note": "已解释"},
            "assign": {"department_id": self.dept_a},
            "contact": {"method": "phone", "note": "已联系"},
            "progress": {"note": "进展"},
            "propose_plan": {"kind": "apology", "description": "道歉"},
            "approve": {"note": "同意"},
            "reject": {"reason": "不符合原则"},
            "resolve": {"result": "已处理"},
            "follow_up": {"method": "phone", "reached": True, "satisfied": True, "score": 5},
            "close": {"reason": "多次未接通"},
            "withdraw": {"reason": "客户撤诉"},
            "merge": {"into": merge_into},
            "wait": {"reason": "等待客户提供凭证"},
        }[action]
