# Sourced by start.sh and test.sh: create .venv once and keep it in step with requirements.txt.
VENV="${KBZ_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
stamp="$VENV/.requirements.sha256"
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Pakketten installeren uit requirements.txt ..."
  "$PY" -m pip install -q --upgrade pip >/dev/null
  "$PY" -m pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi
export PY
