#!/usr/bin/env python3
"""bench/report.py OUT - the table of a bench/run.sh run.

Reads what run.sh left in OUT: the ceiling run (OUT/ceiling.0.txt) and, for
each store that ran (OUT/sqlite, OUT/pg1 = PostgreSQL with one node, OUT/pg2
= two nodes), the raw wrk output of get, queue and create (one file per wrk
process: NAME.<k>.txt), the CPU the nodes and the database server used
(NAME.cpu), the fsync count of the create run (fsync.txt), the machine load
and what the store was (info).

Several wrk processes (two nodes) are merged: requests and rates add up; the
latency percentiles come from their 999 quantiles each, weighted by the
requests each served, so p99 is that of all requests together.
"""
import glob
import os
import re
import sys

STORES = [("sqlite", "SQLite"), ("pg1", "PostgreSQL, 1 node"), ("pg2", "PostgreSQL, 2 nodes")]
BENCHES = [
    ("get", "get by id", 1 / 3),
    ("queue", "queue: sort=due, 2 statuses, dept", 1 / 3),
    ("create", "create (durable)", 1 / 10),
]
P99_LIMIT_MS = 50


def parse_wrk(path):
    """The BENCH and BENCH_QUANTILES lines of one wrk run."""
    text = open(path).read()
    m = re.search(r"^BENCH (.*)$", text, re.M)
    if not m:
        raise SystemExit(f"{path}: no result line; wrk said:\n{text}")
    row = dict(kv.split("=", 1) for kv in m.group(1).split())
    q = re.search(r"^BENCH_QUANTILES name=\S+ ms=(.*)$", text, re.M)
    row["quantiles"] = [float(v) for v in q.group(1).split(",")] if q else None
    s = re.search(r"^BENCH_SAMPLE .*$", text, re.M)
    row["sample"] = s.group(0) if s else None
    return row


def merge(rows):
    """One row from the runs of several wrk processes side by side."""
    if len(rows) == 1:
        r = rows[0]
        return {"rps": float(r["rps"]), "p50": float(r["p50_ms"]), "p99": float(r["p99_ms"]),
                "bad": bad_of(r), "requests": int(r["requests"]),
                "samples": [r["sample"]] if r["sample"] else []}
    points = []  # (latency ms, weight): each quantile stands for 1/999 of its run
    for r in rows:
        if r["quantiles"] is None:
            raise SystemExit("a run of several wrk processes needs BENCH_QUANTILES lines")
        w = int(r["requests"]) / len(r["quantiles"])
        points += [(v, w) for v in r["quantiles"]]
    points.sort()
    total = sum(w for _, w in points)

    def pct(p):
        acc = 0.0
        for v, w in points:
            acc += w
            if acc >= total * p:
                return v
        return points[-1][0]

    return {"rps": sum(float(r["rps"]) for r in rows), "p50": pct(0.50), "p99": pct(0.99),
            "bad": sum(bad_of(r) for r in rows),
            "requests": sum(int(r["requests"]) for r in rows),
            "samples": [r["sample"] for r in rows if r["sample"]]}


def bad_of(r):
    errors = sum(int(r[k]) for k in r if k.startswith("errors_") and k != "errors_status")
    return int(r["unexpected"]) + errors


def read_kv(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def cpu_note(path):
    c = read_kv(path)
    if not c:
        return ""
    tick = float(c["tick"])
    return f"nodes {int(c['nodes']) / tick:5.1f} s, database {int(c['database']) / tick:5.1f} s"


def fsyncs(path):
    if not os.path.exists(path):
        return None
    n = 0
    for line in open(path):
        if "sys_enter_f" in line:
            head = line.split(",", 1)[0]
            if head.strip().isdigit():
                n += int(head)
    return n


def main():
    out = sys.argv[1]
    ceiling_files = sorted(glob.glob(f"{out}/ceiling.*.txt"))
    ceiling = merge([parse_wrk(f) for f in ceiling_files]) if ceiling_files else None
    results = {}
    for key, _ in STORES:
        for name, _, _ in BENCHES:
            files = sorted(glob.glob(f"{out}/{key}/{name}.*.txt"))
            if files:
                results[(key, name)] = merge([parse_wrk(f) for f in files])

    sq = read_kv(f"{out}/sqlite/info")
    pg = read_kv(f"{out}/pg1/info")
    if sq:
        print(f"sqlite:     {sq.get('version', '?')}; journal_mode={sq.get('journal')}; "
              f"{sq.get('sync')} on every connection; group commit by the writer thread")
        print(f"            {sq.get('complaints_before')} complaints before the runs, "
              f"{sq.get('complaints_after')} after ({sq.get('gen')})")
        print(f"            search index: caught up {sq.get('search_start')} s after the server "
              f"started, {sq.get('search_after_create')} s after the create run")
    if pg:
        print(f"postgresql: {pg.get('version')}; {pg.get('settings')}; database "
              f"{pg.get('size')} after generation")
        print(f"            {pg.get('complaints_before')} complaints before the runs, "
              f"{pg.get('complaints_after')} after ({pg.get('gen')})")
    for key, label in STORES:
        load = read_kv(f"{out}/{key}/load")
        if load:
            print(f"load:       {label}: machine load average {load.get('load_before')} before, "
                  f"{load.get('load_after')} after")
    for key, label in STORES:
        n = fsyncs(f"{out}/{key}/fsync.txt")
        r = results.get((key, "create"))
        if n and r:
            print(f"durability: {label}: {n} fsync/fdatasync calls by the nodes and the database "
                  f"during the create run: {r['requests'] / n:.1f} acknowledged creates per sync")
    print()
    print(f"{'benchmark':34} {'store':20} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'ratio':>6} {'/SQLite':>7} {'target':>9} {'bad':>4}  cpu in the run")
    missed = 0
    if ceiling:
        print(f"{'ceiling: GET /api/v1/version':34} {'(no store)':20} {ceiling['rps']:8.0f} "
              f"{ceiling['p50']:7.2f} {ceiling['p99']:7.2f} {1:6.3f} {'-':>7} {'-':>9} "
              f"{ceiling['bad']:4d}  {cpu_note(out + '/ceiling.cpu')}")
    samples = []
    for name, label, target in BENCHES:
        for key, store in STORES:
            r = results.get((key, name))
            if r is None:
                continue
            ratio = r["rps"] / ceiling["rps"] if ceiling else 0.0
            base = results.get(("sqlite", name))
            vs = f"{r['rps'] / base['rps']:7.2f}" if base else f"{'-':>7}"
            ok = ratio >= target and r["p99"] < P99_LIMIT_MS and r["bad"] == 0
            missed += 0 if ok else 1
            verdict = ("ok" if ok else "MISSED") + (" 1/3" if target > 0.2 else " 1/10")
            print(f"{label:34} {store:20} {r['rps']:8.0f} {r['p50']:7.2f} {r['p99']:7.2f} "
                  f"{ratio:6.3f} {vs} {verdict:>9} {r['bad']:4d}  "
                  f"{cpu_note(f'{out}/{key}/{name}.cpu')}")
            samples += r["samples"]
    print(f"targets (issue 2): ratio to the ceiling as shown, p99 < {P99_LIMIT_MS} ms, no "
          "unexpected status (bad = unexpected statuses + socket errors); /SQLite: req/s "
          "against SQLite's in this run; cpu: CPU-seconds the redress node(s) and the "
          "PostgreSQL server used during the run (the machine has "
          f"{os.cpu_count()} cores)")
    for s in samples:
        print(s)
    print("all targets met" if missed == 0 else f"{missed} target(s) missed")


if __name__ == "__main__":
    main()
