#!/usr/bin/env python3
"""Soak test: a mixed load against one server for a long time, watching its
memory and open descriptors (issue 6). Not part of `make check`.

  make soak                      # a warm-up (10-30 minutes), then 30 measured
  make soak-valgrind             # 2 minutes of the same mix under valgrind
  python3 tests/soak/soak.py --binary build/redress --seconds 1800 [--warmup S] [--valgrind]

The mix, from 8 client threads with keep-alive connections: registrations
(with an Idempotency-Key), reads by id, the timeline, work-queue lists,
searches, workflow actions (triage, contact), internal notes,
customer-portal submissions and progress lookups from many client
addresses (127.x.y.z), and the health check; beside it, a staff sign-in
(a new session each) every half second.

Every second it samples the server's VmRSS, RssAnon (heap and stacks:
what a leak grows) and RssFile (SQLite's memory-mapped database: grows with
the file, which the load keeps growing), its open descriptors, and from
/metrics what the store's page caches hold and what malloc has handed out
and holds free. It prints every tenth sample, then each figure's first and
last quarter of the measured span (--seconds, after a warm-up that lasts
until the bounded page caches are full: they are most of the heap), by mean (the bar), median
and floor, and fails if the mean of RssAnon grew by 10% or more, if descriptors other
than the store's own database files grew (the SQLite read pool opens a
connection, the database and its WAL, when more requests read at once
than before, up to its bound), or if any request got a 5xx or no answer.

--valgrind runs the server under valgrind (memcheck, full leak check),
stops it with SIGTERM at the end and fails on any error or any byte
definitely or indirectly lost.

Ends with "RESULT soak passed=N failed=M".
"""
import argparse
import collections
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from crash_test import PASSWORD, Client, login_token, make_body, make_fixtures  # noqa: E402

HOST = "127.0.0.1"
THREADS = 8
# One sample a second: a sign-in's argon2id hash maps 64 MiB for the tens
# of milliseconds it runs (libsodium's interactive limit, outside malloc),
# so one sample differs from the next by multiples of 64 MiB; means of
# hundreds of samples per quarter bring that down to a few MiB. Every
# PRINT_EVERY-th sample is printed.
SAMPLE_EVERY = 1.0
PRINT_EVERY = 10
# A staff sign-in (a new session each) every half second, beside the mix.
SIGN_IN_PAUSE = 0.5
# The warm-up (see main).
WARMUP_MIN = 600.0
CACHE_WINDOW = 120.0
CACHE_STEADY = 0.01
# Sockets the server may hold at once: the listening one, one per client
# thread's staff and plain connection, portal ones in flight, and those the
# kernel has not finished closing.
SOCKETS_MAX = 1 + 3 * THREADS + 8
# The SQLite store's read pool (store/sqlite/backend.c, READERS_MAX).
SQLITE_READERS_MAX = 32
# /metrics gauges sampled beside /proc (http/metrics.c).
MEMORY_GAUGES = ("redress_store_cache_bytes", "redress_malloc_in_use_bytes",
                 "redress_malloc_free_bytes")


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, workdir, valgrind):
        self.binary = os.path.abspath(binary)
        self.dir = workdir
        self.db = os.path.join(workdir, "soak.db")
        self.valgrind_log = os.path.join(workdir, "valgrind.log")
        self.valgrind = valgrind
        self.proc = None
        self.port = None
        self.pid = None

    def init(self):
        pw = os.path.join(self.dir, "pw")
        with open(pw, "w") as f:
            f.write(PASSWORD + "\n")
        subprocess.run([self.binary, "init", "--db", self.db, "--admin-password-file", pw],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=120)

    def start(self):
        self.port = free_port()
        cmd = [self.binary, "serve", "--db", self.db, "--listen", f"{HOST}:{self.port}"]
        if self.valgrind:
            cmd = ["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect",
                   "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99",
                   "--num-callers=30", f"--log-file={self.valgrind_log}"] + cmd
        self.log = open(os.path.join(self.dir, "server.log"), "ab")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log)
        self.pid = self.proc.pid
        deadline = time.time() + (300 if self.valgrind else 30)
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited at start ({self.proc.returncode})")
            try:
                c = http.client.HTTPConnection(HOST, self.port, timeout=5)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    c.close()
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not answer /healthz")

    def stop(self):
        """SIGTERM; returns the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=600 if self.valgrind else 60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def sample(self):
        """(VmRSS, RssAnon, RssFile) in KiB, the open descriptors, those of
        them that are not sockets, and those by what they point to."""
        fields = {}
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "RssAnon", "RssFile"):
                    fields[k] = int(v.split()[0])
        fds = others = 0
        targets = collections.Counter()
        for fd in os.listdir(f"/proc/{self.pid}/fd"):
            try:
                target = os.readlink(f"/proc/{self.pid}/fd/{fd}")
            except OSError:
                continue  # closed meanwhile
            fds += 1
            if not target.startswith("socket:"):
                others += 1
                # pipes and event fds by kind, files by path
                targets[re.sub(r"[:\[].*", "", target)] += 1
        return (fields.get("VmRSS", 0), fields.get("RssAnon", 0), fields.get("RssFile", 0),
                fds, others, targets)

    def memory_gauges(self):
        """The server's own account of its memory, from /metrics, in KiB: the
        store's page caches (all holders), what malloc has handed out, what
        it holds free (each 0 when not reported), and the caches by holder."""
        c = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            c.request("GET", "/metrics")
            text = c.getresponse().read().decode()
        finally:
            c.close()
        vals, holders = {}, {}
        for line in text.splitlines():
            name, _, v = line.partition(" ")
            base, _, label = name.partition("{")
            if base in MEMORY_GAUGES:
                kib = int(float(v)) // 1024
                vals[base] = vals.get(base, 0) + kib
                if label:
                    holders[label.rstrip("}")] = kib
        return tuple(vals.get(n, 0) for n in MEMORY_GAUGES) + (holders,)


class Mix:
    """The load: THREADS workers picking a request by weight until stopped."""

    def __init__(self, server, auth, fixtures, tag):
        self.server = server
        self.auth = auth
        self.fixtures = fixtures
        self.tag = tag
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.ids = []           # complaints registered
        self.registered = []    # ... not yet acted on
        self.counts = {}        # kind -> requests
        self.bad = []           # (kind, status or error, detail): 5xx or no answer
        self.portal_seq = 0
        self.threads = []

    def count(self, kind, status, data=b""):
        with self.lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            if status is None or status >= 500:
                if len(self.bad) < 50:
                    self.bad.append((kind, status, data[:200]))

    def worker(self, tid):
        rng = random.Random(f"{self.tag}-{tid}")
        staff = Client(self.server, self.auth)
        plain = Client(self.server, {})
        kinds = [("create", 25), ("get", 20), ("events", 8), ("queue", 10), ("search", 7),
                 ("action", 10), ("note", 5), ("portal_submit", 3),
                 ("portal_progress", 4), ("healthz", 5)]
        names = [k for k, _ in kinds]
        weights = [w for _, w in kinds]
        n = 0
        while not self.stop.is_set():
            n += 1
            kind = rng.choices(names, weights)[0]
            try:
                st, data = self.one(kind, tid, n, rng, staff, plain)
            except (OSError, http.client.HTTPException) as e:
                if self.stop.is_set():
                    break
                self.count(kind, None, str(e).encode())
                continue
            self.count(kind, st, data)
        staff.close()
        plain.close()

    def signer(self):
        """Sign-ins at a steady pace, apart from the weighted mix: each
        hashes with argon2id in 64 MiB mapped for its duration, so as a
        share of a closed loop their overlap, and with it the resident
        size, would follow the machine's speed rather than the server."""
        plain = Client(self.server, {})
        while not self.stop.wait(SIGN_IN_PAUSE):
            try:
                st, data = self.one("login", 0, 0, None, None, plain)
            except (OSError, http.client.HTTPException) as e:
                if self.stop.is_set():
                    break
                self.count("login", None, str(e).encode())
                continue
            self.count("login", st, data)
        plain.close()

    def pick(self, rng):
        with self.lock:
            return rng.choice(self.ids) if self.ids else None

    def one(self, kind, tid, n, rng, staff, plain):
        if kind == "create" or (kind in ("get", "events", "note") and not self.ids):
            body = make_body(f"soak{self.tag}t{tid}n{n}", tid * 10000000 + n)
            st, _, data = staff.request("POST", "/api/v1/complaints", body,
                                        {"Idempotency-Key": f"soak-{self.tag}-{tid}-{n}"})
            if st == 201:
                cid = json.loads(data)["id"]
                with self.lock:
                    self.ids.append(cid)
                    self.registered.append(cid)
            return st, data
        if kind == "get":
            st, _, data = staff.request("GET", f"/api/v1/complaints/{self.pick(rng)}")
            return st, data
        if kind == "events":
            st, _, data = staff.request("GET", f"/api/v1/complaints/{self.pick(rng)}/events")
            return st, data
        if kind == "note":
            st, _, data = staff.request("POST", f"/api/v1/complaints/{self.pick(rng)}/notes",
                                        json.dumps({"note": "客户再次来电询问进度"}, ensure_ascii=False).encode())
            return st, data
        if kind == "queue":
            st, _, data = staff.request(
                "GET", "/api/v1/complaints?status=assigned,in_progress&sort=due&limit=50")
            return st, data
        if kind == "search":
            q = rng.choice(["%E6%9B%B4%E8%A1%A3%E6%9F%9C", "%E6%8D%9F%E5%9D%8F", "%E5%BC%A0"])
            st, _, data = staff.request("GET", f"/api/v1/complaints?q={q}&limit=20")
            return st, data
        if kind == "action":
            with self.lock:
                cid = self.registered.pop() if self.registered else None
            if cid is None:
                return staff.request("GET", "/healthz")[0], b""
            f = self.fixtures
            for action, body in (("triage", {"valid": True, "category_id": f["category"],
                                             "severity": 1, "department_id": f["department"]}),
                                 ("contact", {"method": "phone", "note": "已联系"})):
                st, _, data = staff.request("POST", f"/api/v1/complaints/{cid}/actions/{action}",
                                            json.dumps(body, ensure_ascii=False).encode())
                if st != 200:
                    return st, data
            return st, data
        if kind == "login":
            st, _, data = plain.request("POST", "/api/v1/auth/login",
                                        json.dumps({"username": "admin", "password": PASSWORD}).encode())
            plain.close()  # a browser's new session: drop the cookie-less connection
            return st, data
        if kind in ("portal_submit", "portal_progress"):
            # Many customers: a different address each time keeps the portal's
            # per-address limits out of the way (any 127.x.y.z is this host).
            with self.lock:
                self.portal_seq += 1
                k = self.portal_seq
            src = f"127.{1 + (k // 62500) % 250}.{(k // 250) % 250}.{1 + k % 250}"
            c = http.client.HTTPConnection(HOST, self.server.port, timeout=30,
                                           source_address=(src, 0))
            try:
                if kind == "portal_submit":
                    body = {"name": "李女士", "phone": "139%08d" % (k % 100000000),
                            "content": "泳池更衣柜损坏，物品丢失，希望尽快处理"}
                    c.request("POST", "/api/v1/portal/complaints",
                              json.dumps(body, ensure_ascii=False).encode(),
                              {"Content-Type": "application/json",
                               "Idempotency-Key": f"soakp-{self.tag}-{k}"})
                else:
                    c.request("POST", "/api/v1/portal/progress",
                              json.dumps({"number": f"TS20260101-{k % 1000000:06d}", "phone_last4": "0000"}).encode(),
                              {"Content-Type": "application/json"})
                r = c.getresponse()
                return r.status, r.read()
            finally:
                c.close()
        st, _, data = plain.request("GET", "/healthz")
        return st, data

    def start(self):
        for t in range(THREADS):
            th = threading.Thread(target=self.worker, args=(t,), daemon=True)
            th.start()
            self.threads.append(th)
        th = threading.Thread(target=self.signer, daemon=True)
        th.start()
        self.threads.append(th)

    def finish(self):
        self.stop.set()
        for th in self.threads:
            th.join(timeout=60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--seconds", type=float, default=1800, help="the measured span")
    ap.add_argument("--warmup", type=float, default=None,
                    help="seconds of load before the measured span (default: until the "
                         "page caches are full, see below)")
    ap.add_argument("--valgrind", action="store_true")
    args = ap.parse_args()
    # The warm-up lets the bounded things fill: the read pool, the
    # per-thread buffers and SQLite's page caches, most of the heap (the
    # writer's 64 MiB filled in 3 minutes at 500 requests/s, all of them in
    # 15). Unless --warmup fixes it, it lasts at least WARMUP_MIN, then until
    # the caches (/metrics) grew by less than CACHE_STEADY over the last
    # CACHE_WINDOW seconds, and at most as long as the measured span.
    warmup = args.warmup
    until = None if warmup is None else warmup + args.seconds
    warmup_min = min(WARMUP_MIN, args.seconds / 3)

    passed = failed = 0

    def check(ok, what, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"PASS {what}", flush=True)
        else:
            failed += 1
            print(f"FAIL {what}" + (f"\n      {detail}" if detail else ""), flush=True)

    workdir = tempfile.mkdtemp(prefix="redress-soak-")
    server = Server(args.binary, workdir, args.valgrind)
    tag = uuid.uuid4().hex[:6]
    # (t, rss, anon, file, fds, requests, fds that are not sockets, their
    # targets, page caches, malloc in use, malloc free, in use less caches,
    # page caches by holder)
    samples = []
    try:
        server.init()
        server.start()
        auth = {"Authorization": f"Bearer {login_token(server)}"}
        fixtures = make_fixtures(server, auth)
        mix = Mix(server, auth, fixtures, tag)
        t0 = time.time()
        mix.start()
        print(f"{'t s':>7} {'VmRSS KiB':>10} {'RssAnon':>9} {'RssFile':>9} {'fds':>5} {'requests':>9}"
              f" {'cache':>8} {'malloc':>8} {'free':>8}", flush=True)
        while True:
            t = time.time() - t0
            with mix.lock:
                total = sum(mix.counts.values())
            rss, anon, filek, fds, others, targets = server.sample()
            cache, in_use, free, holders = server.memory_gauges()
            samples.append((t, rss, anon, filek, fds, total, others, targets,
                            cache, in_use, free, in_use - cache, holders))
            if until is None and t >= warmup_min:
                back = [x for x in samples if x[0] >= t - CACHE_WINDOW][0]
                if (t - back[0] >= CACHE_WINDOW * 0.9 and cache < back[8] * (1 + CACHE_STEADY)) \
                        or t >= args.seconds:
                    warmup, until = t, t + args.seconds
                    print(f"warm-up over at {t:.0f} s: page caches {back[8]} -> {cache} KiB "
                          f"in the last {t - back[0]:.0f} s", flush=True)
            if len(samples) % PRINT_EVERY == 1 or (until is not None and t >= until):
                print(f"{t:7.0f} {rss:10d} {anon:9d} {filek:9d} {fds:5d} {total:9d}"
                      f" {cache:8d} {in_use:8d} {free:8d}", flush=True)
            if until is not None and t >= until:
                break
            time.sleep(SAMPLE_EVERY if until is None else min(SAMPLE_EVERY, max(0.1, until - t)))
        mix.finish()
        elapsed = time.time() - t0
        total = sum(mix.counts.values())
        print(f"requests: {total} in {elapsed:.0f} s ({total / elapsed:.0f}/s): " +
              ", ".join(f"{k} {v}" for k, v in sorted(mix.counts.items())), flush=True)
        check(not mix.bad, "no request got a 5xx or no answer", f"{mix.bad[:5]}")
        check(total > 0 and all(mix.counts.get(k, 0) > 0 for k in
                                ("create", "get", "queue", "search", "action", "login", "portal_submit")),
              "every kind of request in the mix ran", f"{mix.counts}")
        # Memory swings by 64 MiB between two samples when one catches a
        # sign-in's argon2id hash (libsodium's interactive memory limit,
        # mapped and unmapped per hash), and serve hands free memory back
        # to the system once a minute. So one sample against another says
        # little: the first quarter of the measured span is compared with
        # the last by their means (the bar), and their medians and floors
        # are printed beside them.
        span = [x for x in samples if x[0] >= warmup] or samples
        q = max(1, len(span) // 4)
        first, last = span[:q], span[-q:]

        def mean(rows, i):
            return sum(r[i] for r in rows) / len(rows)

        def median(rows, i):
            return statistics.median(r[i] for r in rows)

        def floor(rows, i):
            return min(r[i] for r in rows)

        def change(a, b):
            return f"{a:10.0f} -> {b:10.0f} KiB ({(b - a) * 100 / a:+.1f}%)"

        print(f"measured span: {span[0][0]:.0f} s to {span[-1][0]:.0f} s (warm-up {warmup:.0f} s); "
              f"its first and last quarter ({q} samples each):", flush=True)
        for label, i in (("VmRSS", 1), ("RssAnon", 2), ("RssFile", 3)):
            print(f"  {label:8} mean   {change(mean(first, i), mean(last, i))}")
            print(f"  {'':8} median {change(median(first, i), median(last, i))}")
            print(f"  {'':8} floor  {change(floor(first, i), floor(last, i))}")
        print(f"  (RssFile is the memory-mapped database; the file grew to "
              f"{os.path.getsize(server.db) // 1024} KiB)")
        # The server's own account (/metrics): SQLite's page caches are part
        # of what malloc has handed out; the rest is everything else the
        # server holds, where a leak would show.
        def report(label, a, b):
            print(f"  {label:18} mean {change(a, b)}" if a
                  else f"  {label:18} mean {a:.0f} -> {b:.0f} KiB")

        for label, i in (("page caches", 8), ("malloc in use", 9), ("malloc free", 10),
                         ("in use less caches", 11)):
            report(label, mean(first, i), mean(last, i))
        for h in sorted(span[-1][12]):
            report("  " + h.replace('holder=', '').strip('"'),
                   sum(r[12].get(h, 0) for r in first) / len(first),
                   sum(r[12].get(h, 0) for r in last) / len(last))
        print(f"  fds      {mean(first, 4):10.1f}     -> {mean(last, 4):10.1f}     "
              f"(sockets of open connections included: at most {SOCKETS_MAX} of them)", flush=True)
        print(f"  other fds (files, pipes, event fds): {first[0][6]} -> {last[-1][6]}", flush=True)
        if not args.valgrind:
            a, b = mean(first, 2), mean(last, 2)
            check(b < a * 1.10, "heap and stacks (RssAnon, mean of each quarter) grew by "
                  "less than 10% over the measured span", f"{a:.0f} -> {b:.0f} KiB")
            # Descriptors other than connections: only the read pool may add
            # any, a connection at a time when more requests read at once
            # than ever before, up to its bound. A reader holds the database,
            # its WAL and the attached search index and its WAL.
            grown = collections.Counter()
            for r in span:
                grown |= r[7] - first[0][7]
            reader_files = [server.db + suffix for suffix in ("", "-wal", "-search", "-search-wal")]
            print(f"  other fds grown over the span: {dict(grown) or 'none'}", flush=True)
            check(set(grown) <= set(reader_files)
                  and len({grown[f] for f in reader_files}) == 1
                  and grown[server.db] <= SQLITE_READERS_MAX,
                  "descriptors other than connections grew only by read-pool connections "
                  f"(each its four database files; at most {SQLITE_READERS_MAX} of them)",
                  f"{dict(grown)}; counts {[r[6] for r in span]}")
            check(max(r[4] - r[6] for r in span) <= SOCKETS_MAX,
                  f"open connections stayed under {SOCKETS_MAX}",
                  f"{[r[4] - r[6] for r in span]}")
        code = server.stop()
        check(code == 0, f"server exits 0 on SIGTERM (got {code})")
        if args.valgrind:
            text = open(server.valgrind_log, encoding="utf-8", errors="replace").read()
            summary = re.findall(r"(definitely lost|indirectly lost|possibly lost|still reachable): "
                                 r"([\d,]+) bytes", text)
            errors = re.search(r"ERROR SUMMARY: (\d+) errors", text)
            print("valgrind: " + "; ".join(f"{k} {v} bytes" for k, v in summary) +
                  (f"; {errors.group(1)} errors" if errors else ""), flush=True)
            lost = {k: int(v.replace(",", "")) for k, v in summary}
            check(errors is not None and errors.group(1) == "0",
                  "valgrind: no memory errors and no definite or indirect leak",
                  "\n".join(text.splitlines()[-60:]))
            check(lost.get("definitely lost", 0) == 0 and lost.get("indirectly lost", 0) == 0,
                  "valgrind: nothing definitely or indirectly lost", f"{lost}")
    except Exception as e:  # noqa: BLE001 - report, never end without RESULT
        check(False, "soak ran to the end", f"{type(e).__name__}: {e}")
        if server.proc and server.proc.poll() is None:
            server.proc.kill()
    finally:
        if not os.environ.get("SOAK_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"RESULT soak passed={passed} failed={failed}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
