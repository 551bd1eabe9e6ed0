#!/bin/sh
# bench/sweep.sh - the escalation sweep with 1,000,000 and 10,000,000 running
# clocks, 1,000 of them due: the sweep should touch about those 1,000 and
# take about the same time at both sizes. Results in bench/out/sweep.txt.
#   SWEEP_SIZES  space-separated run counts (default "1000000 10000000")
set -eu
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"
make --no-print-directory -s build/redress build/bench/sweep >/dev/null
PW=$OUT/sweep.pw
python3 -c 'import secrets; print(secrets.token_urlsafe(18))' > "$PW"
: > "$OUT/sweep.txt"
for n in ${SWEEP_SIZES:-1000000 10000000}; do
  DB=$OUT/sweep-$n.db
  rm -f "$DB" "$DB"-*
  build/redress init --db "$DB" --demo --admin-password-file "$PW" > "$OUT/sweep-init.log" 2>&1
  # 10,000 complaints, each with n / 10,000 runs
  build/bench/sweep --db "$DB" --runs "$n" --due 1000 --per-complaint $((n / 10000)) |
    tee -a "$OUT/sweep.txt"
  ls -l "$DB" | awk '{ printf "database %s: %.0f MB\n", $NF, $5 / 1048576 }' | tee -a "$OUT/sweep.txt"
  rm -f "$DB" "$DB"-*
done
