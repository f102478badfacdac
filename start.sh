#!/usr/bin/env bash
# Start the KBZ wijkdashboard on a fresh machine: virtual environment, packages, data, streamlit.
# Usage: ./start.sh [streamlit options]   (e.g. ./start.sh --server.port 8600)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh

if [ -z "${KBZ_SOURCES:-}" ]; then
  if [ -d data/sources ] && [ -n "$(ls -A data/sources 2>/dev/null)" ]; then
    export KBZ_SOURCES="$PWD/data/sources"
  elif [ -d ../shared/sources ]; then
    export KBZ_SOURCES="$(cd ../shared/sources && pwd)"
  else
    echo "Geen bronbestanden gevonden; downloaden van CBS en PDOK naar data/sources ..."
    "$PY" -m kbz_data download --sources data/sources
    export KBZ_SOURCES="$PWD/data/sources"
  fi
fi
echo "Bronmap: $KBZ_SOURCES"
exec "$PY" -m streamlit run app.py --server.address "${KBZ_ADDRESS:-127.0.0.1}" "$@"
