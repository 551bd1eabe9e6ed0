#!/usr/bin/env bash
# tests/pg/cluster.sh - a throwaway PostgreSQL 15 cluster for the tests.
#
#   eval "$(tests/pg/cluster.sh start)"   # sets REDRESS_TEST_PG_URI, REDRESS_TEST_PG_DIR
#   eval "$(tests/pg/cluster.sh start --durable)"   # for bench/: see below
#   tests/pg/cluster.sh stop "$REDRESS_TEST_PG_DIR"
#
# initdb into a fresh temporary directory, the server on 127.0.0.1 at a free
# port with its unix socket in that directory, durability off (fsync,
# full_page_writes: the data dies with the test run anyway), trust auth for
# the one role "redress", one database "redress". Never touches a system
# cluster. initdb refuses to run as root, so as root the server runs as the
# unprivileged "postgres" user (made by the Debian package) or "nobody".
#
# --durable (the benchmarks): what a production server would run with, so
# figures compare with SQLite's synchronous=FULL — fsync, full_page_writes
# and synchronous_commit on (every acknowledged COMMIT is on disk), 1 GB of
# shared buffers and room for WAL between checkpoints (a bulk load would
# otherwise checkpoint every few seconds).
set -euo pipefail

bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

start() {
  [ -x "$bindir/initdb" ] || { echo "cluster.sh: no $bindir/initdb (run scripts/deps.sh)" >&2; exit 1; }
  dir=$(mktemp -d /tmp/rd_pg.XXXXXX)
  owner=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    owner=postgres
    id -u postgres >/dev/null 2>&1 || owner=nobody
    chown "$owner" "$dir"
  fi
  chmod 700 "$dir"
  # Any failure from here on removes what was made.
  trap 'stop_dir "$dir"' ERR
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$bindir/initdb" -D "$dir/data" -U redress -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync --no-instructions >"$dir/initdb.log" 2>&1
  # One line each: pg_ctl hands -o to a shell, where a newline ends the command.
  local settings="-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c shared_buffers=32MB"
  if [ "$durable" = 1 ]; then
    settings="-c fsync=on -c full_page_writes=on -c synchronous_commit=on -c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=15min"
  fi
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 $settings" \
    start >/dev/null
  "$bindir/psql" -X -q -h "$dir" -p "$port" -U redress -d postgres \
    -c 'CREATE DATABASE redress' >/dev/null
  trap - ERR
  echo "REDRESS_TEST_PG_URI=postgresql://redress@127.0.0.1:$port/redress"
  echo "REDRESS_TEST_PG_DIR=$dir"
  echo "export REDRESS_TEST_PG_URI REDRESS_TEST_PG_DIR"
}

# Stops the server (immediately: nothing in it is kept) and removes the dir.
stop_dir() {
  local d=$1
  case "$d" in /tmp/rd_pg.*) ;; *) echo "cluster.sh: refusing to remove $d" >&2; return 1 ;; esac
  if [ -f "$d/data/postmaster.pid" ]; then
    owner=$(stat -c %U "$d")
    as_owner "$bindir/pg_ctl" -D "$d/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$d"
}

durable=0
case "${1:-}" in
  start)
    case "${2:-}" in
      --durable) durable=1 ;;
      "") ;;
      *) echo "usage: cluster.sh start [--durable] | stop DIR" >&2; exit 2 ;;
    esac
    start ;;
  stop) stop_dir "${2:?usage: cluster.sh stop DIR}" ;;
  *) echo "usage: cluster.sh start [--durable] | stop DIR" >&2; exit 2 ;;
esac
