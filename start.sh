#!/usr/bin/env bash
# Start the KBZ wijkdashboard on a fresh machine: virtual environment, packages, streamlit.
# Usage: ./start.sh [streamlit options]   (e.g. ./start.sh --server.port 8600)
# Which data: $KBZ_STORE or data/store when built; else a first-run build from $KBZ_SOURCES, data/sources or
# ../shared/sources; else the committed snapshot in data/snapshot. Nothing is downloaded: run
# `python -m kbz_data download` (or use the button on the Bronnen page) to fetch the sources yourself.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh

"$PY" -m kbz_data info | sed -n "1,2p" || true
exec "$PY" -m streamlit run app.py --server.address "${KBZ_ADDRESS:-127.0.0.1}" "$@"
