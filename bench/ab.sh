#!/bin/sh
# bench/ab.sh - two redress binaries side by side on copies of one SQLite
# database: wrk rounds of get by id, the queue list and create alternate
# between them, so the machine's noise falls on both.
#
#   bench/ab.sh OLD_BINARY NEW_BINARY [ROUNDS]
#
# The database is bench/run.sh's (bench/out/bench.db with its admin.pw and
# search index), copied to bench/out/ab-old.db and ab-new.db; each round
# runs `wrk -t2 -c16 -d8s` per request kind on each binary. Prints one line
# per run: round, request, which binary, requests/s and any non-2xx count.
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '2,12p' "$0"; exit 2; }
OLD=$1 NEW=$2 ROUNDS=${3:-3}
OUT=bench/out
[ -f $OUT/bench.db ] || { echo "bench/ab.sh: no $OUT/bench.db (run make bench first)" >&2; exit 1; }
PW=$(cat $OUT/admin.pw)
PIDS=
trap 'kill $PIDS 2>/dev/null || true' EXIT

start() { # binary name port
  cp $OUT/bench.db $OUT/ab-$2.db
  cp $OUT/bench.db-search $OUT/ab-$2.db-search
  "$1" serve --db $OUT/ab-$2.db --listen 127.0.0.1:$3 >$OUT/ab-$2.log 2>&1 &
  PIDS="$PIDS $!"
  i=0
  until curl -fs "http://127.0.0.1:$3/healthz" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 600 ] || { echo "bench/ab.sh: $1 did not start" >&2; exit 1; }
    sleep 0.2
  done
}

token() { # port: an admin API token
  jar=$OUT/ab-jar-$1
  login=$(curl -fs -c "$jar" -H 'Content-Type: application/json' \
    --data-binary "{\"username\":\"admin\",\"password\":\"$PW\"}" "http://127.0.0.1:$1/api/v1/auth/login")
  csrf=$(printf '%s' "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
  curl -fs -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    --data-binary '{"name":"ab"}' "http://127.0.0.1:$1/api/v1/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

start "$OLD" old 18001
start "$NEW" new 18002
T_old=$(token 18001) T_new=$(token 18002)
export BENCH_ID_MIN=$(sqlite3 $OUT/bench.db 'SELECT min(id) FROM complaints')
export BENCH_ID_MAX=$(sqlite3 $OUT/bench.db 'SELECT max(id) FROM complaints')
export BENCH_DEPTS="$(sqlite3 $OUT/bench.db 'SELECT group_concat(id, " ") FROM departments')"
export BENCH_SITE_ID=$(sqlite3 $OUT/bench.db 'SELECT min(id) FROM sites')
for round in $(seq "$ROUNDS"); do
  for script in get queue create; do
    for which in old new; do
      port=18001 tok=$T_old
      [ $which = old ] || { port=18002 tok=$T_new; }
      r=$(BENCH_TOKEN=$tok BENCH_NAME=$script wrk -t2 -c16 -d8s -s bench/$script.lua \
          "http://127.0.0.1:$port" 2>&1 | grep -E 'Requests/sec|Non-2xx' | tr -s ' \n' ' ')
      echo "round $round $script $which: $r"
    done
  done
done
