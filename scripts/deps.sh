#!/usr/bin/env bash
# Installs the Debian packages Redress needs to build, test and run.
# Idempotent and quiet: prints nothing when everything is already present.
set -euo pipefail

packages=(
  build-essential pkg-config
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev libicu-dev
  postgresql-15
  libcmocka-dev
  clang libclang-rt-14-dev
  python3 curl sqlite3 wrk valgrind
  chromium fonts-wqy-microhei
)
# The browser tests run on Node.js and npm; a machine that has them (any
# recent version) keeps its own.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# PostgreSQL is here for the tests, which run their own throwaway cluster
# (tests/pg/cluster.sh): keep Debian's package from creating and starting
# a system cluster of its own when it is installed for the first time.
if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
  $sudo mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
