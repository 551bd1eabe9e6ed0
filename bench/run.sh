#!/bin/sh
# bench/run.sh - the benchmark driver behind `make bench`.
#
# One run, side by side: the same requests against
#   - SQLite: a fresh database in bench/out/ with BENCH_COUNT (default
#     1,000,000) generated complaints, one `redress serve`;
#   - PostgreSQL, one node: a throwaway PostgreSQL 15 cluster with production
#     durability (tests/pg/cluster.sh start --durable), the same generated
#     complaints (same seed), one `redress serve`;
#   - PostgreSQL, two nodes: a second `redress serve` on the same database,
#     the load split between the two by two wrk processes (each half the
#     connections), their latency distributions merged.
# Each is driven with wrk at concurrency 32: the no-store ceiling
# (GET /api/v1/version, once), get by id, the sort=due queue list and create.
# The report (bench/report.py) prints requests/s, p50/p99, the ratio to the
# ceiling and to SQLite, the CPU the servers and the database used, the
# machine and the durability in force; everything is kept in bench/out/
# (results.txt, each run's raw wrk output, server logs, PostgreSQL's plans of
# the list and search statements at this size: pg-plans.txt).
#
# Environment: BENCH_COUNT (complaints to generate), BENCH_DURATION (seconds
# per benchmark, default 20), BENCH_THREADS / BENCH_CONNECTIONS (wrk -t/-c,
# default 2/32), BENCH_SEED, BENCH_BACKENDS (default "sqlite postgresql"),
# BENCH_KEEP_DB=1 (reuse bench/out/bench.db, the SQLite database, when it
# exists instead of generating again; PostgreSQL's is always made afresh).
set -eu

cd "$(dirname "$0")/.."
OUT=bench/out
DB=$OUT/bench.db
COUNT=${BENCH_COUNT:-1000000}
DURATION=${BENCH_DURATION:-20}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-32}
SEED=${BENCH_SEED:-20261120}
BACKENDS=${BENCH_BACKENDS:-sqlite postgresql}
NODE_PIDS=
PG_DIR=

mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: > "$RESULTS"

say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# Stops every node this run started (TERM, then KILL after 10 s).
stop_nodes() {
  for pid in $NODE_PIDS; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $NODE_PIDS; do
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
      sleep 0.1; i=$((i + 1))
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  NODE_PIDS=
}
cleanup() {
  stop_nodes
  [ -z "$PG_DIR" ] || tests/pg/cluster.sh stop "$PG_DIR" || true
}
trap cleanup EXIT INT TERM

command -v wrk >/dev/null || die "wrk is not installed (scripts/deps.sh installs it)"
command -v curl >/dev/null || die "curl is not installed"
command -v sqlite3 >/dev/null || die "the sqlite3 command-line tool is not installed"
case " $BACKENDS " in
  *" postgresql "*) command -v psql >/dev/null || die "psql is not installed (scripts/deps.sh installs it)" ;;
esac

# ---- build -------------------------------------------------------------------
make --no-print-directory -s build/redress build/bench/gen >/dev/null ||
  die "build failed"

PW=$OUT/admin.pw
[ -f "$PW" ] || { python3 -c 'import secrets; print(secrets.token_urlsafe(18))' > "$PW"; chmod 600 "$PW"; }

# ---- helpers -------------------------------------------------------------------

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_node DB LOG: serves DB on a free port; sets NODE_BASE and NODE_PID.
start_node() {
  port=$(free_port)
  NODE_BASE=http://127.0.0.1:$port
  build/redress serve --db "$1" --listen "127.0.0.1:$port" > "$2" 2>&1 &
  NODE_PID=$!
  NODE_PIDS="$NODE_PIDS $NODE_PID"
  i=0
  until curl -fsS -o /dev/null "$NODE_BASE/healthz" 2>/dev/null; do
    i=$((i + 1))
    kill -0 "$NODE_PID" 2>/dev/null || { cat "$2" >&2; die "the server exited"; }
    [ $i -lt 300 ] || die "the server did not answer /healthz within 30 s"
    sleep 0.1
  done
}

# api_token BASE: an admin API token (log in, then POST /api/v1/tokens with
# the CSRF token); printed.
api_token() {
  jar=$OUT/cookies.txt
  rm -f "$jar"
  login=$(python3 -c 'import json, sys; print(json.dumps({"username": "admin", "password": open(sys.argv[1]).read().strip()}))' "$PW" |
    curl -fsS -c "$jar" -H 'Content-Type: application/json' --data-binary @- "$1/api/v1/auth/login") ||
    die "login as admin failed"
  csrf=$(printf '%s' "$login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])') ||
    die "no csrf_token in the login answer: $login"
  curl -fsS -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    --data-binary '{"name":"bench"}' "$1/api/v1/tokens" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])' ||
    die "POST /api/v1/tokens gave no token"
  rm -f "$jar"
}

# id_range GENLOG: sets ID_MIN and ID_MAX from gen's "(ids A-B," line.
id_range() {
  r=$(sed -n 's/.*(ids \([0-9]*\)-\([0-9]*\),.*/\1 \2/p' "$1" | tail -1)
  [ -n "$r" ] || die "cannot read the generated id range from $1"
  ID_MIN=${r% *}
  ID_MAX=${r#* }
}

# cpu_ticks PID...: user+system clock ticks of the processes, all threads
# (ended ones too) added up.
cpu_ticks() {
  t=0
  for pid in "$@"; do
    v=$(awk '{ print $14 + $15 }' /proc/"$pid"/stat 2>/dev/null || echo 0)
    t=$((t + v))
  done
  echo $t
}

# The PostgreSQL server's processes (postmaster and its children: pooled
# backends live as long as the nodes' connections, so their time adds up).
pg_pids() {
  [ -n "$PG_DIR" ] || return 0
  pm=$(head -1 "$PG_DIR/data/postmaster.pid")
  echo "$pm" $(ps -o pid= --ppid "$pm")
}

# Other work on the machine skews every figure: wait (up to 2 min) for the
# 1-minute load average to fall below 1.5, and report it either way.
load1() { cut -d' ' -f1 /proc/loadavg; }
wait_idle() {
  i=0
  while [ $i -lt 24 ] && awk "BEGIN { exit !($(load1) >= 1.5) }"; do
    [ $i -eq 0 ] && echo "bench: waiting for the machine to be idle (load $(load1))"
    sleep 5; i=$((i + 1))
  done
}

# wrk_one NAME SCRIPT SECONDS BASE OUTFILE [CONNS THREADS WORKER]: one wrk run.
wrk_one() {
  BENCH_NAME=$1 BENCH_WORKER=${8:-0} BENCH_QUANTILES=1 \
    wrk -t"${7:-$THREADS}" -c"${6:-$CONNS}" -d"$3"s --timeout 10s --latency \
    -s "bench/$2.lua" "$4" > "$5" 2>&1 ||
    { cat "$5" >&2; die "wrk failed for $1"; }
}

# measure DIR NAME SCRIPT BASE...: the benchmark NAME against every node
# given (the connections split between one wrk per node, side by side);
# raw output in DIR/NAME.<k>.txt, CPU in DIR/NAME.cpu.
measure() {
  dir=$1 name=$2 script=$3
  shift 3
  n=$#
  echo "bench: $dir/$name (${DURATION} s, $n node(s), -c$CONNS in all)"
  rm -f "$dir/$name".*.txt
  before_nodes=$(cpu_ticks $NODE_PIDS_RUN)
  before_pg=$(cpu_ticks $(pg_pids))
  # The fsync/fdatasync calls of the nodes and the database server during a
  # create run (perf, when the kernel lets it count syscalls): how many
  # acknowledged creates shared one flush to disk.
  perf_pid=
  if [ "$name" = create ] &&
     perf stat -e syscalls:sys_enter_fdatasync -p "${NODE_PIDS_RUN%% *}" -- true >/dev/null 2>&1; then
    perf stat -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync \
      -p "$(echo $NODE_PIDS_RUN $(pg_pids) | tr ' ' ,)" -o "$dir/fsync.txt" -- sleep "$DURATION" &
    perf_pid=$!
  fi
  k=0 pids=
  for base in "$@"; do
    if [ "$n" -eq 1 ]; then
      wrk_one "$name" "$script" "$DURATION" "$base" "$dir/$name.$k.txt" &
    else
      wrk_one "$name" "$script" "$DURATION" "$base" "$dir/$name.$k.txt" \
        $((CONNS / n)) 1 "$k" &
    fi
    pids="$pids $!"
    k=$((k + 1))
  done
  for p in $pids; do wait "$p" || die "wrk failed for $dir/$name"; done
  [ -z "$perf_pid" ] || wait "$perf_pid" || true
  after_nodes=$(cpu_ticks $NODE_PIDS_RUN)
  after_pg=$(cpu_ticks $(pg_pids))
  tick=$(getconf CLK_TCK)
  printf 'nodes=%s\ndatabase=%s\ntick=%s\nseconds=%s\n' $((after_nodes - before_nodes)) \
    $((after_pg - before_pg)) "$tick" "$DURATION" > "$dir/$name.cpu"
}

# bench_store DIR GENLOG BASE...: get, queue and create against the nodes.
bench_store() {
  dir=$1 genlog=$2
  shift 2
  id_range "$genlog"
  export BENCH_TOKEN="$TOKEN" BENCH_ID_MIN="$ID_MIN" BENCH_ID_MAX="$ID_MAX" \
         BENCH_DEPTS="$DEPTS" BENCH_SITE_ID="$SITE_ID"
  for base in "$@"; do
    curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$base/api/v1/complaints/$ID_MIN" ||
      die "the token does not read complaint $ID_MIN on $base"
  done
  echo "bench: warming up $dir (5 s each, not counted)"
  for base in "$@"; do
    wrk_one warm get 5 "$base" "$dir/warm-get.txt"
    wrk_one warm queue 5 "$base" "$dir/warm-queue.txt"
  done
  wait_idle
  echo "load_before=$(load1)" > "$dir/load"
  for b in get queue create; do
    measure "$dir" $b $b "$@"
  done
  echo "load_after=$(load1)" >> "$dir/load"
}

# Seconds until a search is answered: SQLite's search waits (up to 10 s per
# request, then 503) until the full-text index, kept by a background thread,
# holds every committed change.
search_catch_up() {
  t0=$(date +%s.%N)
  n=0
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
      "$1/api/v1/complaints?q=%E9%80%80%E6%AC%BE&limit=1")" = 200 ]; do
    n=$((n + 1))
    [ $n -lt 120 ] || die "the search index did not catch up within 20 minutes"
  done
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

rm -rf "$OUT/sqlite" "$OUT/pg1" "$OUT/pg2" "$OUT/ceiling.0.txt" "$OUT/pg-plans.txt"

# ---- SQLite ----------------------------------------------------------------------
case " $BACKENDS " in *" sqlite "*)
  mkdir -p "$OUT/sqlite"
  if [ "${BENCH_KEEP_DB:-0}" = 1 ] && [ -f "$DB" ] && [ -f "$OUT/gen.log" ]; then
    echo "bench: reusing $DB (BENCH_KEEP_DB=1)"
  else
    rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-search" "$DB-search-wal" "$DB-search-shm" "$OUT/gen.log"
    build/redress init --db "$DB" --demo --admin-password-file "$PW" > "$OUT/init.log" 2>&1 ||
      { cat "$OUT/init.log" >&2; die "redress init failed"; }
    echo "bench: generating $COUNT complaints into SQLite (bench/gen; progress below)"
    build/bench/gen --db "$DB" --count "$COUNT" --seed "$SEED" | tee "$OUT/gen.log" ||
      die "gen failed"
  fi
  DEPTS=$(sqlite3 "$DB" "SELECT group_concat(id) FROM departments d WHERE EXISTS
    (SELECT 1 FROM complaints c WHERE c.department_id = d.id AND c.status IN (1, 2))")
  SITE_ID=$(sqlite3 "$DB" 'SELECT min(id) FROM sites')
  [ -n "$DEPTS" ] || die "no department has open complaints"
  echo "complaints_before=$(sqlite3 "$DB" 'SELECT count(*) FROM complaints')" > "$OUT/sqlite/info"
  echo "gen=$(grep '^gen: done' "$OUT/gen.log" | tail -1)" >> "$OUT/sqlite/info"

  start_node "$DB" "$OUT/sqlite/serve.log"
  NODE_PIDS_RUN=$NODE_PID
  TOKEN=$(api_token "$NODE_BASE")
  echo "bench: waiting for the search index to hold every complaint"
  echo "search_start=$(search_catch_up "$NODE_BASE")" >> "$OUT/sqlite/info"

  # The ceiling: the same binary and HTTP path, no store.
  wait_idle
  measure "$OUT" ceiling ceiling "$NODE_BASE"
  bench_store "$OUT/sqlite" "$OUT/gen.log" "$NODE_BASE"
  echo "search_after_create=$(search_catch_up "$NODE_BASE")" >> "$OUT/sqlite/info"
  {
    echo "journal=$(sqlite3 "$DB" 'PRAGMA journal_mode')"
    echo "complaints_after=$(sqlite3 "$DB" 'SELECT count(*) FROM complaints')"
    echo "version=$(sqlite3 :memory: 'SELECT sqlite_version()')"
    # The store's own connections (not the search index's, which is rebuilt
    # from the store, nor a backup's scratch copy).
    echo "sync=$(grep -ho 'PRAGMA synchronous *= *[A-Z]*' src/store/sqlite/conn.c | head -1)"
  } >> "$OUT/sqlite/info"
  stop_nodes
;; esac

# ---- PostgreSQL ------------------------------------------------------------------
case " $BACKENDS " in *" postgresql "*)
  mkdir -p "$OUT/pg1" "$OUT/pg2"
  eval "$(tests/pg/cluster.sh start --durable)"
  PG_DIR=$REDRESS_TEST_PG_DIR
  PGURI=$REDRESS_TEST_PG_URI
  psqlq() { psql -X -q -At "$PGURI" -c "$1"; }
  build/redress init --db "$PGURI" --demo --admin-password-file "$PW" > "$OUT/pg-init.log" 2>&1 ||
    { cat "$OUT/pg-init.log" >&2; die "redress init on PostgreSQL failed"; }
  echo "bench: generating $COUNT complaints into PostgreSQL (bench/gen; progress below)"
  build/bench/gen --db "$PGURI" --count "$COUNT" --seed "$SEED" --batch 256 | tee "$OUT/pg-gen.log" ||
    die "gen on PostgreSQL failed"
  psqlq 'VACUUM ANALYZE' >/dev/null
  DEPTS=$(psqlq "SELECT string_agg(id::text, ',' ORDER BY id) FROM departments d WHERE EXISTS
    (SELECT 1 FROM complaints c WHERE c.department_id = d.id AND c.status IN (1, 2))")
  SITE_ID=$(psqlq 'SELECT min(id) FROM sites')
  {
    echo "complaints_before=$(psqlq 'SELECT count(*) FROM complaints')"
    echo "gen=$(grep '^gen: done' "$OUT/pg-gen.log" | tail -1)"
    echo "version=$(psqlq 'SHOW server_version')"
    echo "settings=fsync=$(psqlq 'SHOW fsync') synchronous_commit=$(psqlq 'SHOW synchronous_commit') full_page_writes=$(psqlq 'SHOW full_page_writes') shared_buffers=$(psqlq 'SHOW shared_buffers')"
    echo "size=$(psqlq "SELECT pg_size_pretty(pg_database_size(current_database()))")"
  } > "$OUT/pg1/info"

  start_node "$PGURI" "$OUT/pg1/serve-a.log"
  NODE_A=$NODE_BASE
  NODE_PIDS_RUN=$NODE_PID
  TOKEN=$(api_token "$NODE_A")
  if ! [ -f "$OUT/ceiling.0.txt" ]; then
    wait_idle
    measure "$OUT" ceiling ceiling "$NODE_A"
  fi
  bench_store "$OUT/pg1" "$OUT/pg-gen.log" "$NODE_A"

  start_node "$PGURI" "$OUT/pg2/serve-b.log"
  NODE_PIDS_RUN="$NODE_PIDS_RUN $NODE_PID"
  bench_store "$OUT/pg2" "$OUT/pg-gen.log" "$NODE_A" "$NODE_BASE"
  echo "complaints_after=$(psqlq 'SELECT count(*) FROM complaints')" >> "$OUT/pg1/info"
  stop_nodes

  # The plans PostgreSQL chose for the statements the server runs on a list,
  # a search of 1, 2 and 6 characters and the overdue filter, at this size:
  # auto_explain logs them with their real timings for a fresh node's
  # sessions, then the setting is taken back.
  psqlq "ALTER DATABASE redress SET session_preload_libraries = 'auto_explain'" >/dev/null
  psqlq "ALTER DATABASE redress SET auto_explain.log_min_duration = 0" >/dev/null
  psqlq "ALTER DATABASE redress SET auto_explain.log_analyze = on" >/dev/null
  psqlq "ALTER DATABASE redress SET auto_explain.log_buffers = on" >/dev/null
  log_lines_before=$(wc -l < "$PG_DIR/server.log")
  start_node "$PGURI" "$OUT/pg1/serve-plans.log"
  dept=${DEPTS%%,*}
  for q in "sort=due&status=assigned,in_progress&department_id=$dept&limit=50" \
           "q=%E9%80%80&limit=50" "q=%E9%80%80%E6%AC%BE&limit=50" \
           "q=%E9%80%80%E6%AC%BE%E8%BF%9F%E8%BF%9F%E6%9C%AA&limit=50" \
           "overdue=true&sort=due&limit=50"; do
    echo "=== GET /api/v1/complaints?$q" >> "$OUT/pg-plans.txt"
    mark=$(wc -l < "$PG_DIR/server.log")
    curl -fsS -o "$OUT/pg-plans-answer.json" -w '%{http_code} %{time_total}s\n' \
      -H "Authorization: Bearer $TOKEN" "$NODE_BASE/api/v1/complaints?$q" >> "$OUT/pg-plans.txt"
    sleep 0.5
    tail -n +"$((mark + 1))" "$PG_DIR/server.log" | grep -v 'FROM users\|FROM api_tokens\|FROM sessions\|FROM settings\|rate_limits\|clock_steps\|complaint_clocks\|notifications' >> "$OUT/pg-plans.txt" || true
  done
  stop_nodes
  psqlq "ALTER DATABASE redress RESET ALL" >/dev/null
  [ "$(wc -l < "$PG_DIR/server.log")" -gt "$log_lines_before" ] || die "auto_explain logged nothing"
;; esac

# ---- the report ---------------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
say ""
say "Redress benchmark - $(date -u '+%Y-%m-%d %H:%M UTC')"
say "machine:    $(nproc) CPUs, ${CPU:-unknown CPU}, $MEM RAM, $(uname -sr)"
say "load:       wrk -t$THREADS -c$CONNS -d${DURATION}s per benchmark (two nodes: one wrk -t1 -c$((CONNS / 2)) per node, side by side)"
python3 bench/report.py "$OUT" | tee -a "$RESULTS"
say "(raw wrk output: $OUT/*/*.txt; server logs: $OUT/*/serve*.log; PostgreSQL plans: $OUT/pg-plans.txt)"
