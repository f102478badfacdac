#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: virtual environment, packages, Chromium for the browser tests and
# the printed wijk card, poppler-utils to read that PDF back,
# PostgreSQL 15 for the practice-database tests (started by the tests themselves on a temporary folder and port).
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
if ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "poppler-utils installeren (Debian-pakket) voor de test van de wijkkaart (pdftotext, pdftoppm) ..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  else
    echo "Let op: pdftotext ontbreekt; installeer het Debian-pakket 'poppler-utils' voor de test van de wijkkaart." >&2
  fi
fi
if [ ! -x /usr/lib/postgresql/15/bin/pg_ctl ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "PostgreSQL 15 installeren (Debian-pakket) voor de databasetests ..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "Let op: PostgreSQL 15 ontbreekt; installeer het Debian-pakket 'postgresql' voor de databasetests" \
      "(zonder worden ze overgeslagen)." >&2
  fi
fi
# Two test processes where the machine has the cores (pytest-xdist; the browser tests wait on their servers and
# Chromium, so two of them overlap well): the whole suite took 21 min in one process on 2 cores, 15 min in two.
# KBZ_TEST_WORKERS overrides (1 = one process).
workers="${KBZ_TEST_WORKERS:-$("$PY" -c 'import os; print(max(1, min(2, os.cpu_count() or 1)))')}"
if [ "$workers" -gt 1 ]; then
  exec "$PY" -m pytest -q -n "$workers" "$@"
fi
exec "$PY" -m pytest -q "$@"
