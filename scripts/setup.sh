#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh Debian machine (run as root, idempotent):
# real alembic + psycopg2 from Debian, Chromium for the real-VS-Code tests, and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
[ -x /usr/bin/alembic ] || need+=(alembic)
/usr/bin/python3 -c 'import psycopg2' 2>/dev/null || need+=(python3-psycopg2)
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
# code-server's first install (for the real-VS-Code tests) compiles native modules with node-gyp.
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  else
    echo "missing Debian packages: ${need[*]} (run: sudo apt-get install -y ${need[*]})" >&2
    exit 1
  fi
fi
npm ci --no-audit --no-fund
