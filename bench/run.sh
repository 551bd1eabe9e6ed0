#!/bin/sh
# bench/run.sh - the benchmark driver behind `make bench`.
#
# Builds the server and the dataset generator, makes a fresh database in
# bench/out/ with BENCH_COUNT (default 1,000,000) complaints, serves it on a
# free port, and drives it with wrk at concurrency 32 in one run: the no-store
# ceiling (GET /api/v1/version), get by id, the sort=due queue list and create.
# Prints requests/s, p50/p99 and the ratio to the ceiling for each, the
# machine, the SQLite version and the durability in force; the full output is
# also kept in bench/out/results.txt.
#
# Environment: BENCH_COUNT (complaints to generate), BENCH_DURATION (seconds
# per benchmark, default 20), BENCH_THREADS / BENCH_CONNECTIONS (wrk -t/-c,
# default 2/32), BENCH_SEED, BENCH_KEEP_DB=1 (reuse bench/out/bench.db when it
# exists instead of generating again).
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=bench/out
DB=$OUT/bench.db
COUNT=${BENCH_COUNT:-1000000}
DURATION=${BENCH_DURATION:-20}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-32}
SEED=${BENCH_SEED:-20261120}
SERVER_PID=

mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: > "$RESULTS"

say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    i=0
    while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt 100 ]; do
      sleep 0.1; i=$((i + 1))
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT INT TERM

command -v wrk >/dev/null || die "wrk is not installed (scripts/deps.sh installs it)"
command -v curl >/dev/null || die "curl is not installed"
command -v sqlite3 >/dev/null || die "the sqlite3 command-line tool is not installed"

# ---- build -------------------------------------------------------------------
make --no-print-directory -s build/redress build/bench/gen >/dev/null ||
  die "build failed"

# ---- the dataset ---------------------------------------------------------------
PW=$OUT/admin.pw
if [ "${BENCH_KEEP_DB:-0}" = 1 ] && [ -f "$DB" ] && [ -f "$PW" ] && [ -f "$OUT/gen.log" ]; then
  echo "bench: reusing $DB (BENCH_KEEP_DB=1)"
else
  rm -f "$DB" "$DB-wal" "$DB-shm" "$OUT/gen.log"
  python3 -c 'import secrets; print(secrets.token_urlsafe(18))' > "$PW"
  chmod 600 "$PW"
  build/redress init --db "$DB" --demo --admin-password-file "$PW" > "$OUT/init.log" 2>&1 ||
    { cat "$OUT/init.log" >&2; die "redress init failed"; }
  echo "bench: generating $COUNT complaints (bench/gen; progress below)"
  build/bench/gen --db "$DB" --count "$COUNT" --seed "$SEED" | tee "$OUT/gen.log" ||
    die "gen failed"
fi
ID_RANGE=$(sed -n 's/.*(ids \([0-9]*\)-\([0-9]*\),.*/\1 \2/p' "$OUT/gen.log" | tail -1)
[ -n "$ID_RANGE" ] || die "cannot read the generated id range from $OUT/gen.log"
ID_MIN=${ID_RANGE% *}
ID_MAX=${ID_RANGE#* }
GEN_LINE=$(grep '^gen: done' "$OUT/gen.log" | tail -1)
TOTAL=$(sqlite3 "$DB" 'SELECT count(*) FROM complaints')
DEPTS=$(sqlite3 "$DB" "SELECT group_concat(id) FROM departments d WHERE EXISTS
  (SELECT 1 FROM complaints c WHERE c.department_id = d.id AND c.status IN (1, 2))")
SITE_ID=$(sqlite3 "$DB" 'SELECT min(id) FROM sites')
[ -n "$DEPTS" ] || die "no department has open complaints"

# ---- the server -------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
build/redress serve --db "$DB" --listen "127.0.0.1:$PORT" > "$OUT/serve.log" 2>&1 &
SERVER_PID=$!
i=0
until curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; do
  i=$((i + 1))
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/serve.log" >&2; die "the server exited"; }
  [ $i -lt 300 ] || die "the server did not answer /healthz within 30 s"
  sleep 0.1
done

# An API token for the admin: log in, then POST /api/v1/tokens with the CSRF token.
JAR=$OUT/cookies.txt
rm -f "$JAR"
LOGIN=$(python3 -c 'import json, sys; print(json.dumps({"username": "admin", "password": open(sys.argv[1]).read().strip()}))' "$PW" |
  curl -fsS -c "$JAR" -H 'Content-Type: application/json' --data-binary @- "$BASE/api/v1/auth/login") ||
  die "login as admin failed"
CSRF=$(printf '%s' "$LOGIN" | python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])') ||
  die "no csrf_token in the login answer: $LOGIN"
TOKEN_JSON=$(curl -fsS -b "$JAR" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
  --data-binary '{"name":"bench"}' "$BASE/api/v1/tokens") ||
  die "POST /api/v1/tokens failed"
# The secret is the one string field that is not the name or a hash.
TOKEN=$(printf '%s' "$TOKEN_JSON" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("token", "secret", "api_token", "value"):
    v = d.get(k)
    if isinstance(v, dict):
        v = v.get("secret") or v.get("token")
    if isinstance(v, str) and v:
        print(v); sys.exit(0)
sys.exit(1)') || die "no token in the answer of POST /api/v1/tokens: $TOKEN_JSON"
rm -f "$JAR"
curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/complaints/$ID_MIN" ||
  die "the token does not read complaint $ID_MIN"

# ---- the runs ---------------------------------------------------------------------
export BENCH_TOKEN="$TOKEN" BENCH_ID_MIN="$ID_MIN" BENCH_ID_MAX="$ID_MAX" \
       BENCH_DEPTS="$DEPTS" BENCH_SITE_ID="$SITE_ID"

# run NAME SCRIPT SECONDS: one wrk run; its BENCH lines go to $OUT/NAME.txt.
run() {
  BENCH_NAME=$1 wrk -t"$THREADS" -c"$CONNS" -d"$3"s --timeout 10s --latency \
    -s "bench/$2.lua" "$BASE" > "$OUT/$1.txt" 2>&1 ||
    { cat "$OUT/$1.txt" >&2; die "wrk failed for $1"; }
}

# Seconds until a search is answered: the server's search waits (up to 10 s
# per request, then 503) until the full-text index, kept by a background
# thread, holds every committed change.
search_catch_up() {
  t0=$(date +%s.%N)
  n=0
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
      "$BASE/api/v1/complaints?q=%E9%80%80%E6%AC%BE&limit=1")" = 200 ]; do
    n=$((n + 1))
    [ $n -lt 120 ] || die "the search index did not catch up within 20 minutes"
  done
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}
echo "bench: waiting for the search index to hold every complaint"
INDEX_NOTE="caught up $(search_catch_up) s after the server started;"

echo "bench: warming up (5 s each, not counted)"
run warm-get get 5
run warm-queue queue 5

# CPU ticks ("id ticks" lines) of the whole server ("all", which keeps the
# time of connection threads that have ended) and of each live thread, to see
# after a run whether one thread (the store's writer) bounded it.
thread_ticks() {
  awk '{ print "all", $14 + $15 }' /proc/"$SERVER_PID"/stat
  for t in /proc/"$SERVER_PID"/task/*; do
    awk -v t="${t##*/}" '{ print t, $14 + $15 }' "$t/stat" 2>/dev/null || true
  done
}

# Other work on the machine skews every figure: wait (up to 2 min) for the
# 1-minute load average to fall below 1.5, and report it either way.
load1() { cut -d' ' -f1 /proc/loadavg; }
i=0
while [ $i -lt 24 ] && awk "BEGIN { exit !($(load1) >= 1.5) }"; do
  [ $i -eq 0 ] && echo "bench: waiting for the machine to be idle (load $(load1))"
  sleep 5; i=$((i + 1))
done
LOAD_BEFORE=$(load1)

FSYNC_NOTE="not measured (perf cannot count syscalls here)"
CPU_NOTE=""
TICK=$(getconf CLK_TCK)
for b in ceiling get queue create; do
  echo "bench: $b (${DURATION} s, -t$THREADS -c$CONNS)"
  thread_ticks > "$OUT/ticks-before.txt"
  if [ $b = create ] && perf stat -e syscalls:sys_enter_fdatasync -p "$SERVER_PID" -- true >/dev/null 2>&1; then
    perf stat -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync \
      -p "$SERVER_PID" -o "$OUT/fsync.txt" -- sleep "$DURATION" &
    PERF_PID=$!
    run create create "$DURATION"
    INDEX_NOTE="$INDEX_NOTE $(search_catch_up) s after the create run ended"
    wait "$PERF_PID" || true
    SYNCS=$(awk -F, '/sys_enter_f/ { n += $1 } END { print n + 0 }' "$OUT/fsync.txt")
    CREATED=$(sed -n 's/^BENCH name=create requests=\([0-9]*\).*/\1/p' "$OUT/create.txt")
    if [ "${SYNCS:-0}" -gt 0 ]; then
      FSYNC_NOTE="$SYNCS fsync/fdatasync calls by the server during the create run: $(awk "BEGIN { printf \"%.1f\", $CREATED / $SYNCS }") acknowledged creates per sync"
    else
      FSYNC_NOTE="0 fsync/fdatasync calls by the server during the create run"
    fi
  else
    run $b $b "$DURATION"
    [ $b != create ] || INDEX_NOTE="$INDEX_NOTE $(search_catch_up) s after the create run ended"
  fi
  thread_ticks > "$OUT/ticks-after.txt"
  CPU_NOTE="$CPU_NOTE$(awk -v name=$b -v tick="$TICK" -v secs="$DURATION" '
    NR == FNR { before[$1] = $2; next }
    $1 == "all" { total = $2 - before[$1]; next }
    ($1 in before) { d = $2 - before[$1]; if (d > top) top = d }
    END { printf "            %-8s server CPU %5.1f s in %d s; busiest lasting thread %5.1f s\n",
                 name, total / tick, secs, top / tick }' "$OUT/ticks-before.txt" "$OUT/ticks-after.txt")
"
done
LOAD_AFTER=$(load1)

JOURNAL=$(sqlite3 "$DB" 'PRAGMA journal_mode')
AFTER=$(sqlite3 "$DB" 'SELECT count(*) FROM complaints')
stop_server

# ---- the report -----------------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
SQLV=$(sqlite3 :memory: 'SELECT sqlite_version()')
SYNC_SRC=$(grep -ho 'PRAGMA synchronous *= *[A-Z]*' src/store/sqlite/*.c 2>/dev/null | head -1)

say ""
say "Redress benchmark - $(date -u '+%Y-%m-%d %H:%M UTC')"
say "machine:    $(nproc) CPUs, ${CPU:-unknown CPU}, $MEM RAM, $(uname -sr)"
say "sqlite:     $SQLV; journal_mode=$JOURNAL (read from $DB)"
say "durability: ${SYNC_SRC:-synchronous setting not found in src/store/sqlite} (set by the server on every connection)"
say "            $FSYNC_NOTE"
say "search:     the full-text index (its own thread and database, off the commit path)"
say "            $INDEX_NOTE"
say "dataset:    $TOTAL complaints before the runs ($GEN_LINE), $AFTER after"
say "load:       wrk -t$THREADS -c$CONNS -d${DURATION}s per benchmark, one server, one run;"
say "            machine load average $LOAD_BEFORE before, $LOAD_AFTER after"
say "cpu:        ($(nproc) cores = $(($(nproc) * DURATION)) CPU-s per run, shared with wrk; for create, the busiest"
say "            thread is the store's single writer: were it near ${DURATION} s, it would bound the rate)"
printf '%s' "$CPU_NOTE" | tee -a "$RESULTS"
say ""
python3 - "$OUT" <<'EOF' | tee -a "$RESULTS"
import re, sys
out = sys.argv[1]
rows = {}
samples = []
for name in ("ceiling", "get", "queue", "create"):
    text = open(f"{out}/{name}.txt").read()
    m = re.search(r"^BENCH (.*)$", text, re.M)
    if not m:
        print(f"{name}: no result line; wrk said:\n{text}")
        continue
    rows[name] = {k: v for k, v in (kv.split("=", 1) for kv in m.group(1).split())}
    s = re.search(r"^BENCH_SAMPLE .*$", text, re.M)
    if s:
        samples.append(s.group(0))
labels = {
    "ceiling": ("ceiling: GET /api/v1/version", None),
    "get": ("get by id", 1 / 3),
    "queue": ("queue: sort=due, 2 statuses, dept", 1 / 3),
    "create": ("create (durable, group commit)", 1 / 10),
}
ceiling = float(rows["ceiling"]["rps"]) if "ceiling" in rows else 0.0
print(f"{'benchmark':36} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} "
      f"{'target':>8} {'bad':>5}")
missed = 0
for name, (label, target) in labels.items():
    r = rows.get(name)
    if r is None:
        print(f"{label:36} {'-':>9}")
        missed += 1
        continue
    rps, p50, p99 = float(r["rps"]), float(r["p50_ms"]), float(r["p99_ms"])
    errors = sum(int(r[k]) for k in r if k.startswith("errors_") and k != "errors_status")
    bad = int(r["unexpected"]) + errors
    ratio = rps / ceiling if ceiling else 0.0
    if target is None:
        verdict = "-"
    else:
        ok = ratio >= target and p99 < 50 and bad == 0
        verdict = ("ok" if ok else "MISSED") + f" {'1/3' if target > 0.2 else '1/10'}"
        missed += 0 if ok else 1
    print(f"{label:36} {rps:9.0f} {p50:8.2f} {p99:8.2f} {ratio:6.3f} {verdict:>8} {bad:5d}")
print("targets: ratio to the ceiling as shown, p99 < 50 ms, no unexpected "
      "status (bad = non-expected statuses + socket errors)")
for s in samples:
    print(s)
print("all targets met" if missed == 0 else f"{missed} target(s) missed")
EOF
say "(raw wrk output: $OUT/*.txt; server log: $OUT/serve.log)"
