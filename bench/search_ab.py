"""bench/search_ab.py - search timings of two redress binaries side by side
on one database (PostgreSQL or SQLite): each query runs RUNS times (default
7) on each, interleaved so the machine's noise falls on both, and the
medians and their ratio are printed, with a warning if the two answers ever
differ.

  python3 bench/search_ab.py DB BEFORE_BINARY AFTER_BINARY ADMIN_PASSWORD_FILE

DB is what both serve (--db); the admin user's password is in the file.
Used for the PostgreSQL phrase-search windows (docs/store.md); the database
is typically bench/run.sh's, or one filled by bench/gen."""
import json, os, socket, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request

if len(sys.argv) != 5:
    sys.exit(__doc__)
uri, old_bin, new_bin, pwfile = sys.argv[1:5]
logdir = tempfile.mkdtemp(prefix="search_ab_")
pw = open(pwfile).read().strip()

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def start(binary):
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--db", uri, "--listen", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(logdir, f"serve-{port}.log"), "w"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read(); break
        except Exception:
            time.sleep(0.1)
    req = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
        data=json.dumps({"username": "admin", "password": pw}).encode(),
        headers={"Content-Type": "application/json"})
    r = urllib.request.urlopen(req)
    cookie = r.headers["Set-Cookie"].split(";")[0]
    return proc, base, cookie

def timed(base, cookie, qs):
    req = urllib.request.Request(base + "/api/v1/complaints?" + qs, headers={"Cookie": cookie})
    t = time.perf_counter()
    body = urllib.request.urlopen(req, timeout=120).read()
    ms = (time.perf_counter() - t) * 1000
    d = json.loads(body)
    items = d["items"] if isinstance(d, dict) else d
    return ms, [c["id"] for c in items]

old = start(old_bin); new = start(new_bin)
dept = json.loads(urllib.request.urlopen(urllib.request.Request(new[1] + "/api/v1/departments", headers={"Cookie": new[2]})).read())
dept = (dept["items"] if isinstance(dept, dict) else dept)[0]["id"]
Q = urllib.parse.quote
queries = [
    ("退 (1 char)", f"q={Q('退')}&limit=50"),
    ("退款 (2 chars)", f"q={Q('退款')}&limit=50"),
    ("退款迟迟未 (4% of rows)", f"q={Q('退款迟迟未')}&limit=50"),
    ("退款迟迟未, one department", f"q={Q('退款迟迟未')}&department_id={dept}&limit=50"),
    ("退款迟迟未, open states", f"q={Q('退款迟迟未')}&status=open&limit=50"),
    ("退款迟迟未, sort=due, open", f"q={Q('退款迟迟未')}&status=open&sort=due&limit=50"),
    ("退款迟迟未, oldest first", f"q={Q('退款迟迟未')}&sort=received_at&limit=50"),
    ("退款迟迟未 发动机 (two pieces)", f"q={Q('退款迟迟未 发动机')}&limit=50"),
    ("发动机在怠速时 (a problem phrase)", f"q={Q('发动机在怠速时')}&limit=50"),
    ("从未出现的短语 (nothing)", f"q={Q('从未出现的短语')}&limit=50"),
]
runs = int(os.environ.get("RUNS", "7"))
print(f"{'query':40s} {'before ms':>10s} {'after ms':>10s} {'ratio':>7s}  rows")
for name, qs in queries:
    a, b = [], []
    for i in range(runs):
        for (lst, srv) in ((a, old), (b, new)) if i % 2 == 0 else ((b, new), (a, old)):
            ms, ids = timed(srv[1], srv[2], qs)
            lst.append((ms, ids))
    same = all(x[1] == a[0][1] for x in a + b)
    ma = statistics.median(x[0] for x in a); mb = statistics.median(x[0] for x in b)
    print(f"{name:40s} {ma:10.1f} {mb:10.1f} {ma/mb:6.1f}x  {len(a[0][1])}{'' if same else '  DIFFERENT ANSWERS'}", flush=True)
for p in (old[0], new[0]):
    p.terminate(); p.wait()
print(f"(server logs: {logdir})")
