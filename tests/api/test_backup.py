"""`redress backup` and `redress restore`: a round trip under load, and the
refusals.

The round trip: a server of its own registers and triages complaints from
four threads while `redress backup` copies its database; the backup is
restored with `redress restore` into a fresh file and served. Every
complaint acknowledged before the backup started is there with its
timeline, none acknowledged after it ended is (it is one snapshot), search
finds them once the index is rebuilt, and the file passes integrity_check.
The backup copied over the source with cp, beside the source's newer search
index, is served with an index rebuilt for it.
The refusals: each says what is wrong and writes nothing."""

import os
import shutil
import sqlite3
import subprocess
import threading
import time
from urllib.parse import quote

from client import Fail, Server, User, World, check, expect, test

THREADS = 4
MARK = "备份演练"   # in every complaint of the round trip: one search finds them all


def run_cli(binary, *args, timeout=120):
    """(exit code, stdout, stderr) of the binary; fails on a sanitizer report."""
    p = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    if "AddressSanitizer" in err or "runtime error:" in err or "LeakSanitizer" in err:
        raise Fail(f"sanitizer report from `redress {' '.join(args)}`:\n{err[-3000:]}")
    return p.returncode, out, err


def listing(d):
    """Every file in d with its size and mtime: what "nothing written" compares."""
    return {n: (os.stat(os.path.join(d, n)).st_size, os.stat(os.path.join(d, n)).st_mtime_ns)
            for n in sorted(os.listdir(d))}


def integrity(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return ([r[0] for r in db.execute("PRAGMA integrity_check")],
                db.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        db.close()


class Load:
    """Threads that register a complaint and triage it, again and again, and
    note when each was acknowledged (monotonic clock)."""

    def __init__(self, w):
        self.w = w
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.done = []      # (acknowledged_at, id, token): created and triaged
        self.errors = []
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(THREADS)]

    def run(self, t):
        w, i = self.w, 0
        while not self.stop.is_set():
            token = f"bk{t}x{i}"
            i += 1
            try:
                r = w.agent.post("/api/v1/complaints", {
                    "channel": "phone", "customer": {"name": "备份客户", "phone": f"1390000{t}{i % 1000:03d}"},
                    "subject": "备份", "content": f"{MARK} {token} 更衣柜损坏", "severity": 1})
                if r.status != 201:
                    raise Fail(f"create answered {r.status}: {r.body[:300]!r}")
                cid = r.json()["id"]
                r = w.agent.post(f"/api/v1/complaints/{cid}/actions/triage", {
                    "valid": True, "category_id": w.cat, "severity": 1, "department_id": w.dept_a})
                if r.status != 200:
                    raise Fail(f"triage answered {r.status}: {r.body[:300]!r}")
                with self.lock:
                    self.done.append((time.monotonic(), cid, token))
            except Exception as e:  # noqa: BLE001 - reported by the test
                with self.lock:
                    self.errors.append(f"{token}: {type(e).__name__}: {e}")
                return

    def __enter__(self):
        for th in self.threads:
            th.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for th in self.threads:
            th.join()


@test
def backup_round_trip_under_load(w):
    src = Server(w.s.binary, sqlite=True)
    dst = Server(w.s.binary, init=False, sqlite=True)
    backup = os.path.join(src.dir, "nightly.db")
    try:
        src.start()
        v = World(src)
        # Some megabytes of attachments, so the copy takes several steps
        # while the threads commit between them.
        first = v.create(content=f"{MARK} bkattach 附件")
        for k in range(4):
            expect(v.agent.call("POST", f"/api/v1/complaints/{first['id']}/attachments?filename=p{k}.png",
                                raw=b"\x89PNG\r\n\x1a\n" + os.urandom(1 << 20),
                                headers={"Content-Type": "image/png"}), 201, "attachment")
        with Load(v) as load:
            time.sleep(1.0)
            started = time.monotonic()
            code, out, err = run_cli(src.binary, "backup", "--db", src.db, "--to", backup)
            ended = time.monotonic()
            time.sleep(0.5)     # writes after the backup: must not be in it
        check(not load.errors, "the load ran without errors", load.errors[:5])
        check(code == 0, f"backup exits 0 while the server writes (got {code})", err)
        check("not copied" in out and "-search" in out, "the output says the search index is not copied", out)
        before = [(cid, tok) for at, cid, tok in load.done if at < started]
        after = [(cid, tok) for at, cid, tok in load.done if at > ended]
        check(len(before) >= 8 and after, f"complaints acknowledged before ({len(before)}) and after "
              f"({len(after)}) the backup")
        print(f"      {len(before)} acknowledged before the backup, {len(after)} after; "
              f"backup took {ended - started:.2f}s: {out.splitlines()[1].strip()}", flush=True)
        steps = [l for l in out.splitlines() if " step" in l]
        check(steps and " 1 step)" not in steps[0], "the copy took several steps", out)

        # What the backup must hold, read from the live server before it stops.
        timelines = {cid: [(e["type"], e.get("at")) for e in v.events(cid)] for cid, _ in before}
        numbers = {cid: v.get(cid)["number"] for cid, _ in before}
        check(src.stop() == 0, "the source server stops cleanly")
        check(not src.sanitizer_errors(), "no sanitizer report from the source server",
              src.sanitizer_errors()[:5])

        rows, mode = integrity(backup)
        check(rows == ["ok"], "the backup passes integrity_check", rows)
        check(mode == "delete", "the backup is one self-contained file (no WAL)", mode)
        check(oct(os.stat(backup).st_mode & 0o777) == "0o600", "the backup is readable by its owner only",
              oct(os.stat(backup).st_mode))
        check(sorted(f for f in os.listdir(src.dir) if f.startswith(".nightly")) == [],
              "no temporary file left beside the backup", os.listdir(src.dir))

        code, out, err = run_cli(dst.binary, "restore", "--from", backup, "--db", dst.db)
        check(code == 0, f"restore into a new file exits 0 (got {code})", err)
        dst.start()
        admin = User(dst, "admin")
        for cid, tok in before:
            r = expect(admin.get(f"/api/v1/complaints/{cid}"), 200, f"complaint {cid} acknowledged before "
                       "the backup is in it")
            c = r.json()
            check(c["number"] == numbers[cid] and c["status"] == "assigned",
                  f"complaint {cid} has its number and state", c)
            got = [(e["type"], e.get("at")) for e in
                   expect(admin.get(f"/api/v1/complaints/{cid}/events"), 200).json()["items"]]
            check(got == timelines[cid], f"complaint {cid} has its timeline", (got, timelines[cid]))
        for cid, _ in after:
            expect(admin.get(f"/api/v1/complaints/{cid}"), 404, "a complaint made after the backup")

        # Search works on the rebuilt index: each by its own word, all by the mark.
        for cid, tok in before[:: max(1, len(before) // 15)]:
            items = expect(admin.get(f"/api/v1/complaints?q={tok}"), 200, "search").json()["items"]
            check([c["id"] for c in items] == [cid], f"search for {tok} finds complaint {cid}", items)
        found = {c["id"] for c in admin.list_all("/api/v1/complaints?q=" + quote(MARK))}
        check({cid for cid, _ in before} <= found and not ({cid for cid, _ in after} & found),
              f"search for {MARK} finds every complaint of the backup and none after it")
        check(dst.stop() == 0, "the restored server stops cleanly")
        rows, _ = integrity(dst.db)
        check(rows == ["ok"], "the restored database passes integrity_check after serving", rows)
        errs = dst.sanitizer_errors()
        check(not errs, "no sanitizer report from the restored server", errs[:5])

        # Restored by hand with cp over the source, whose search index (ahead
        # of the backup, holding the complaints made after it) is left beside
        # it: the backup's own index identity makes the server rebuild it.
        # Trusted, it would not index the next complaint (its change number
        # is one the index believes it has) and would find that complaint by
        # the words of the one that had its id before.
        check(os.path.exists(src.db + "-search") and not os.path.exists(src.db + "-wal"),
              "the source's search index is there, its WAL is not")
        shutil.copyfile(backup, src.db)
        src.start()
        agent = User(src, "t_agent")
        new = expect(agent.post("/api/v1/complaints", {
            "channel": "phone", "customer": {"name": "恢复后", "phone": "13900009999"},
            "content": f"{MARK} bknew 恢复后新投诉"}), 201).json()
        items = expect(agent.get("/api/v1/complaints?q=bknew"), 200).json()["items"]
        check([c["id"] for c in items] == [new["id"]], "a complaint made after a restore by cp is found",
              items)
        stale = after[0][1]
        items = expect(agent.get(f"/api/v1/complaints?q={stale}"), 200).json()["items"]
        check(items == [], f"the words of a complaint the backup lacks ({stale}) find nothing", items)
        check(src.stop() == 0, "the source server stops cleanly after the restore by cp")
        errs = src.sanitizer_errors()
        check(not errs, "no sanitizer report from the source server", errs[:5])
    finally:
        src.stop()
        dst.stop()
        src.cleanup()
        dst.cleanup()


@test
def backup_refusals_write_nothing(w):
    # A SQLite server of its own: backup is SQLite's (the suite may run on
    # PostgreSQL).
    live = Server(w.s.binary, sqlite=True)
    live.start()
    try:
        refusals(live)
    finally:
        live.stop()
        live.cleanup()


def refusals(live):
    b, d = live.binary, live.dir
    target = os.path.join(d, "refusals.db")
    with open(target, "wb") as f:
        f.write(b"an older backup")
    cases = [
        ("destination exists, no --force", ["backup", "--db", live.db, "--to", target],
         ["already exists", "--force"]),
        ("destination directory missing", ["backup", "--db", live.db, "--to", os.path.join(d, "no", "x.db")],
         ["directory", "does not exist"]),
        # sysfs takes no new files, even from root (who passes every
        # permission check, so a chmod'ed folder would not do here)
        ("destination directory not writable", ["backup", "--db", live.db, "--to", "/sys/redress.db"],
         ["cannot", "/sys"]),
        ("destination directory is a file", ["backup", "--db", live.db, "--to", os.path.join(target, "x.db")],
         ["is not a directory"]),
        ("destination is a directory", ["backup", "--db", live.db, "--to", d + "/"],
         ["is a directory"]),
        ("destination is the database", ["backup", "--db", live.db, "--to", live.db, "--force"],
         ["is the database"]),
        ("destination is the database's WAL", ["backup", "--db", live.db, "--to", live.db + "-wal", "--force"],
         ["is the database"]),
        ("missing database", ["backup", "--db", os.path.join(d, "missing.db"), "--to", os.path.join(d, "m.db")],
         ["no database at", "missing.db"]),
        ("not a database", ["backup", "--db", target, "--to", os.path.join(d, "n.db")],
         ["not a SQLite database"]),
        ("PostgreSQL", ["backup", "--db", "postgresql://redress@db.internal/redress", "--to",
                        os.path.join(d, "pg.dump")],
         ["PostgreSQL", "pg_dump --format=custom --file=" + os.path.join(d, "pg.dump")
          + " postgresql://redress@db.internal/redress", "pg_restore"]),
        ("restore while the server runs", ["restore", "--from", target, "--db", live.db],
         ["-wal exists", "server running"]),
        ("restore of a missing backup", ["restore", "--from", os.path.join(d, "none.db"), "--db",
                                          os.path.join(d, "r.db")],
         ["no backup at"]),
        ("restore of something not a backup", ["restore", "--from", target, "--db", os.path.join(d, "r.db")],
         ["not a SQLite database"]),
    ]
    for what, args, needles in cases:
        before = listing(d)
        code, out, err = run_cli(b, *args)
        check(code == 1, f"{what}: exit 1 (got {code})", err)
        for n in needles:
            check(n in err, f"{what}: the message says {n!r}", err)
        check(err.startswith(f"redress: {args[0]}: "), f"{what}: one 'redress: {args[0]}:' line", err)
        check(out == "", f"{what}: nothing on stdout", out)
        after = listing(d)
        # The live database's own files move on with the server; nothing else may.
        moving = {os.path.basename(live.db) + s for s in ("", "-wal", "-shm", "-search", "-search-wal",
                                                           "-search-shm")} | {"server.log"}
        check({k: v for k, v in before.items() if k not in moving} ==
              {k: v for k, v in after.items() if k not in moving}, f"{what}: nothing written",
              (before, after))
    with open(target, "rb") as f:
        check(f.read() == b"an older backup", "the existing file is untouched")

    code, _, err = run_cli(b, "backup", "--db", live.db)
    check(code == 2 and "missing required option --to" in err, "a missing --to is a usage error (2)", err)
    code, out, _ = run_cli(b, "backup", "--help")
    check(code == 0 and all(s in out for s in ("--db FILE", "--to PATH", "--force", "search index",
                                               "pg_dump")), "backup --help", out)
    code, out, _ = run_cli(b, "--help")
    check(" backup " in out and " restore " in out, "the top help lists backup and restore", out)

    # --force replaces, and the replacement is a checked copy of the live database.
    code, out, err = run_cli(b, "backup", "--db", live.db, "--to", target, "--force")
    check(code == 0, f"--force replaces an existing file (got {code})", err)
    rows, _ = integrity(target)
    check(rows == ["ok"], "the replacement passes integrity_check", rows)
    os.unlink(target)
