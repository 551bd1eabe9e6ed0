#!/usr/bin/env bash
# make lint: fails when an include crosses the layers of ARCHITECTURE.md the
# wrong way, when a library header leaks out of its one module, or when an
# unsafe libc call appears. Prints each violation as file:line: reason.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
complain() { echo "$1"; status=1; }

# Which project folders each layer may include ("" = none beyond itself).
allowed_for() {
  case "$1" in
    src/util/*)          echo "util" ;;
    src/core/*)          echo "util core" ;;
    src/store/sqlite/*)  echo "util core store" ;;
    src/store/pg/*)      echo "util core store" ;;
    src/store/*)         echo "util core store" ;;
    src/service/*)       echo "util core store service" ;;
    src/http/*)          echo "util core store service http" ;;
    src/jobs/*)          echo "util core store service jobs" ;;
    src/cli/*|src/main.c) echo "util core store service http jobs cli" ;;
    *)                   echo "" ;;
  esac
}

while IFS= read -r file; do
  allowed=$(allowed_for "$file")
  while IFS=: read -r line inc; do
    target=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$inc")
    top=${target%%/*}
    case " $allowed " in
      *" $top "*) ;;
      *) complain "$file:$line: includes $target, but ${file#src/} may include only: $allowed" ;;
    esac
    # Above the store, only the port is visible, never a backend's internals.
    case "$file" in src/store/*) ;; *)
      case "$target" in store/store.h) ;; store/*)
        complain "$file:$line: includes $target; outside src/store use store/store.h only" ;;
      esac ;;
    esac
  done < <(grep -n '#include "' "$file")

  # Each library header belongs to one module.
  while IFS=: read -r line inc; do
    case "$inc" in
      *"<sqlite3.h>"*) [[ $file == src/store/sqlite/* ]] || complain "$file:$line: <sqlite3.h> outside src/store/sqlite" ;;
      *"<libpq-fe.h>"*) [[ $file == src/store/pg/* ]] || complain "$file:$line: <libpq-fe.h> outside src/store/pg" ;;
      *"<microhttpd.h>"*) [[ $file == src/http/* ]] || complain "$file:$line: <microhttpd.h> outside src/http" ;;
    esac
  done < <(grep -n '#include <' "$file")

  # The domain core does no I/O and reads no clock.
  if [[ $file == src/core/* ]]; then
    grep -nE '\b(fopen|printf|fprintf|puts|time\(|clock_gettime|gettimeofday|getenv|rand\(|socket|read\(|write\()' "$file" |
      while IFS=: read -r line _; do echo "$file:$line: I/O or clock in the pure core"; done | grep . && status=1
  fi

  grep -nE '\b(sprintf|strcpy|strcat|gets|vsprintf)\(' "$file" |
    while IFS=: read -r line _; do echo "$file:$line: unbounded string function"; done | grep . && status=1
done < <(find src -name '*.[ch]' | sort)

if [ $status -eq 0 ]; then echo "lint: layers and includes clean"; fi
exit $status
