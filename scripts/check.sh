#!/usr/bin/env bash
# Runs every test suite and adds up their "RESULT <suite> passed=N failed=M"
# lines into one closing line "N passed, N failed". A suite that crashes or
# prints no RESULT line counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
log_dir=build/test-logs
mkdir -p "$log_dir"

# A throwaway PostgreSQL cluster for the suites that test that backend too
# (they read REDRESS_TEST_PG_URI); stopped and removed on any exit.
pg_start=$SECONDS
if pg_env=$(tests/pg/cluster.sh start 2>"$log_dir/pg_cluster.log"); then
  eval "$pg_env"
  trap 'tests/pg/cluster.sh stop "$REDRESS_TEST_PG_DIR"' EXIT
  echo "     PostgreSQL 15 throwaway cluster up in $((SECONDS - pg_start))s: $REDRESS_TEST_PG_URI"
else
  failed=$((failed + 1))
  echo "FAIL PostgreSQL throwaway cluster did not start (see $log_dir/pg_cluster.log)"
  unset REDRESS_TEST_PG_URI
fi

run_suite() {
  local name=$1; shift
  local log="$log_dir/$(echo "$name" | tr '/ ' '__').log"
  local start=$SECONDS
  "$@" >"$log" 2>&1
  local rc=$?
  local p=0 f=0 seen=0
  while read -r _ _ pv fv; do
    p=$((p + ${pv#passed=})); f=$((f + ${fv#failed=})); seen=1
  done < <(grep -E '^RESULT [^ ]+ passed=[0-9]+ failed=[0-9]+$' "$log")
  if [ $seen -eq 0 ] || { [ $rc -ne 0 ] && [ $f -eq 0 ]; }; then
    f=$((f + 1))
    echo "FAIL $name (exit $rc, see $log)"
    tail -n 30 "$log" | sed 's/^/    /'
  elif [ $f -gt 0 ]; then
    echo "FAIL $name: $p passed, $f failed ($((SECONDS - start))s, see $log)"
    grep -E '\[  FAILED  \]|^FAIL|^ERROR|Error|error:' "$log" | head -n 30 | sed 's/^/    /'
  else
    echo "ok   $name: $p passed ($((SECONDS - start))s)"
  fi
  passed=$((passed + p)); failed=$((failed + f))
}

for t in $(find build/tests -type f -perm -u+x -name 'test_*' | sort); do
  run_suite "${t#build/}" "$t"
done
for t in $(find build/asan/tests -type f -perm -u+x -name 'test_*' | sort); do
  run_suite "${t#build/}" "$t"
done
# Every server message has a Chinese translation that formats safely.
run_suite "messages (catalog)" python3 tests/check_messages.py
# libFuzzer targets (fuzz/, docs/fuzzing.md): each over its committed corpus
# plus a short session; a crash, leak or sanitizer report fails it.
run_suite "fuzz" scripts/fuzz.sh check
grep -E '^(ok  |FAIL) fuzz |^fuzz executions:' "$log_dir/fuzz.log" | sed 's/^/     /'
if [ -f tests/api/run.py ]; then
  run_suite "api (asan binary)" python3 tests/api/run.py --binary build/asan/redress
  if [ -n "${REDRESS_TEST_PG_URI:-}" ]; then
    REDRESS_API_PG_URI=$REDRESS_TEST_PG_URI \
      run_suite "api on PostgreSQL (asan binary)" python3 tests/api/run.py --binary build/asan/redress
  fi
fi
# The bad-input catalogue (tests/api/badinput_catalogue.py, docs/bad-input.md):
# hostile requests each refused with a 4xx problem+json, the database equal
# before and after, slow and silent clients cut; on both backends.
if [ -f tests/api/badinput_test.py ]; then
  run_suite "bad input (asan binary)" python3 tests/api/badinput_test.py --binary build/asan/redress
  grep -h '^bad inputs tried:' "$log_dir/bad_input_(asan_binary).log" | sed 's/^/     /'
  if [ -n "${REDRESS_TEST_PG_URI:-}" ]; then
    REDRESS_API_PG_URI=$REDRESS_TEST_PG_URI \
      run_suite "bad input on PostgreSQL (asan binary)" python3 tests/api/badinput_test.py --binary build/asan/redress
    grep -h '^bad inputs tried:' "$log_dir/bad_input_on_PostgreSQL_(asan_binary).log" | sed 's/^/     /'
  fi
fi
# The authorisation matrix: every route of openapi.json as every kind of
# caller against tests/api/authz_table.py, and department scope (no IDOR).
if [ -f tests/api/authz_test.py ]; then
  run_suite "authz matrix (asan binary)" python3 tests/api/authz_test.py --binary build/asan/redress
  grep -h -E '^(authorisation matrix|department scope):' "$log_dir/authz_matrix_(asan_binary).log" | sed 's/^/     /'
  if [ -n "${REDRESS_TEST_PG_URI:-}" ]; then
    REDRESS_API_PG_URI=$REDRESS_TEST_PG_URI \
      run_suite "authz matrix on PostgreSQL (asan binary)" python3 tests/api/authz_test.py --binary build/asan/redress
  fi
fi
# Two serving processes on one PostgreSQL database: numbers, sessions,
# idempotency and escalations exactly once across nodes, and a node killed
# mid-sweep. Without the cluster it cannot run: one more failure.
if [ -f tests/api/multinode_test.py ]; then
  if [ -n "${REDRESS_TEST_PG_URI:-}" ]; then
    run_suite "multinode (PostgreSQL)" python3 tests/api/multinode_test.py --binary build/asan/redress
  else
    failed=$((failed + 1))
    echo "FAIL multinode (PostgreSQL): no throwaway cluster to run on"
  fi
fi
if [ -f tests/browser/run.mjs ]; then
  run_suite "browser (chromium)" node tests/browser/run.mjs --binary build/redress
  echo "     screenshots of the console: build/browser-screenshots/"
fi
if [ -f tests/api/crash_test.py ]; then
  run_suite "crash (kill -9 under load)" python3 tests/api/crash_test.py --binary build/redress
  grep -h '^crash cycles:' "$log_dir/crash_(kill_-9_under_load).log" | sed 's/^/     /'
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
