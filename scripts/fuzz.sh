#!/usr/bin/env bash
# Runs the libFuzzer targets (build/fuzz/fuzz_*, built by `make fuzz-build`;
# see docs/fuzzing.md).
#
#   scripts/fuzz.sh check   every target over its committed corpus
#                           (fuzz/corpus/<name>/) plus a short session of
#                           FUZZ_CHECK_SECONDS (default 8); what scripts/check.sh runs
#   scripts/fuzz.sh long    every target for FUZZ_SECONDS (default 60), keeping
#                           what it finds in build/fuzz/corpus/<name>/; with
#                           FUZZ_MERGE=1 the new inputs that add coverage are
#                           merged into the committed corpus afterwards
#
# Extra arguments name the targets to run (default: all). Each target prints
# how many inputs it executed; a crash, leak, timeout or sanitizer report
# fails it and leaves the input that did it in build/fuzz/crashes/. Ends with
# "RESULT fuzz passed=N failed=M" (one per target).
set -uo pipefail
cd "$(dirname "$0")/.."

mode=${1:-check}
shift || true
case $mode in
  check) seconds=${FUZZ_CHECK_SECONDS:-8} ;;
  long) seconds=${FUZZ_SECONDS:-60} ;;
  *) echo "usage: scripts/fuzz.sh check|long [target...]" >&2; exit 2 ;;
esac

# Every target with a source, so one that was not built fails instead of
# being left out.
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in fuzz/fuzz_*.c; do
    name=${src#fuzz/fuzz_}
    targets+=("${name%.c}")
  done
fi

mkdir -p build/fuzz/crashes build/fuzz/logs
passed=0 failed=0 total=0
for name in "${targets[@]}"; do
  bin=build/fuzz/fuzz_$name
  seeds=fuzz/corpus/$name
  log=build/fuzz/logs/$name.log
  if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
    echo "FAIL fuzz $name: no $bin or no $seeds"
    failed=$((failed + 1))
    continue
  fi
  # New inputs go to the first corpus directory: a fresh one for a check,
  # so the committed corpus only changes by FUZZ_MERGE=1.
  if [ "$mode" = check ]; then
    found=build/fuzz/session/$name
    rm -rf "$found"
  else
    found=build/fuzz/corpus/$name
  fi
  mkdir -p "$found"
  dict=()
  [ -f "fuzz/$name.dict" ] && dict=(-dict="fuzz/$name.dict")
  # -timeout: one input taking this long is a hang, reported like a crash.
  "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -detect_leaks=1 -print_final_stats=1 -max_len=8192 \
    -artifact_prefix="build/fuzz/crashes/$name-" "${dict[@]}" \
    "$found" "$seeds" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  added=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -n 1)
  runs=${runs:-0}
  total=$((total + runs))
  if [ $rc -eq 0 ] && ! grep -qE '^==[0-9]+==ERROR|^SUMMARY: |runtime error:' "$log"; then
    echo "ok   fuzz $name: $runs executions, ${added:-0} new inputs (seeds: $(ls "$seeds" | wc -l))"
    passed=$((passed + 1))
  else
    echo "FAIL fuzz $name: exit $rc after $runs executions (log: $log)"
    grep -E 'ERROR|SUMMARY|invariant broken|runtime error|Test unit written' "$log" | head -n 10 | sed 's/^/    /'
    failed=$((failed + 1))
  fi
  if [ "$mode" = long ] && [ "${FUZZ_MERGE:-}" = 1 ]; then
    "$bin" -merge=1 "$seeds" "$found" >>"$log" 2>&1 &&
      echo "     merged into $seeds: $(ls "$seeds" | wc -l) inputs"
  fi
done
echo "fuzz executions: $total in total over ${#targets[@]} targets (${seconds}s session each)"
echo "RESULT fuzz passed=$passed failed=$failed"
[ $failed -eq 0 ]
