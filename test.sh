#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: virtual environment, packages, Chromium for the browser tests.
# Integration tests on the real raw files run when KBZ_SOURCES points at them (.ci/run sets it).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Chromium installeren (Debian-pakket) voor de browsertests ..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Let op: /usr/bin/chromium ontbreekt; installeer het Debian-pakket 'chromium' voor de browsertests." >&2
  fi
fi
exec "$PY" -m pytest -q "$@"
