#!/usr/bin/env bash
# Installs the Debian packages Redress needs to build, test and run.
# Idempotent and quiet: prints nothing when everything is already present.
set -euo pipefail

packages=(
  build-essential pkg-config
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libicu-dev
  libcmocka-dev
  python3 curl sqlite3 wrk
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
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
