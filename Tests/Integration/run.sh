#!/usr/bin/env bash
# The integration test of `slipway serve` (run by scripts/test.sh after the Swift tests): starts the real
# debug binary on a fresh data directory with every model of ../shared/modelzoo registered, drives it with
# the Python tritonclient[http] (Tests/Integration/tritonclient_test.py), then runs schemathesis against
# /openapi.json (no 5xx on any documented route). Python packages go into .venv-test (PyPI only).
# Skips with a message when ../shared/modelzoo is absent.   env: SLIPWAY_SHARED (default ../shared),
# SCHEMATHESIS_MAX_EXAMPLES (default 50).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SHARED=${SLIPWAY_SHARED:-$ROOT/../shared}
ZOO=$SHARED/modelzoo
BIN=$ROOT/.build/debug/slipway
if [ ! -f "$ZOO/index.json" ]; then
  echo "integration: skipped: $ZOO is absent (clone the repository beside shared/ or set SLIPWAY_SHARED)"
  exit 0
fi
[ -x "$BIN" ] || { echo "integration: $BIN is missing; run swift build first" >&2; exit 1; }

VENV=$ROOT/.venv-test
if [ ! -x "$VENV/bin/st" ] || [ ! -f "$VENV/.slipway-pins" ] || ! cmp -s "$VENV/.slipway-pins" Tests/Integration/requirements.txt; then
  echo "== integration: installing Tests/Integration/requirements.txt into .venv-test"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r Tests/Integration/requirements.txt
  cp Tests/Integration/requirements.txt "$VENV/.slipway-pins"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/slipway-integration.XXXXXX")
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== integration: registering the zoo into $WORK/data"
for dir in "$ZOO"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/model.onnx" ] || continue
  "$BIN" models register "$name" "$dir/model.onnx" --data-dir "$WORK/data" --actor integration --description "zoo $name" > /dev/null \
    || { echo "integration: cannot register zoo model $name" >&2; exit 1; }
done

"$BIN" serve --data-dir "$WORK/data" --port 0 > "$WORK/serve.out" 2> "$WORK/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 300); do
  PORT=$(sed -n 's|^slipway serving on http://[^:]*:\([0-9]*\)$|\1|p' "$WORK/serve.out" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; echo "integration: slipway serve exited" >&2; exit 1; }
  sleep 0.2
done
[ -n "$PORT" ] || { echo "integration: slipway serve did not start" >&2; exit 1; }
echo "== integration: slipway serve (pid $SERVER_PID) on port $PORT"

status=0
echo "== integration: tritonclient[http]"
"$VENV/bin/python" Tests/Integration/tritonclient_test.py "127.0.0.1:$PORT" "$ZOO" || status=1

echo "== integration: schemathesis against /openapi.json (no 5xx)"
# From the scratch directory, where schemathesis keeps its cache.
(cd "$WORK" && "$VENV/bin/st" --config-file "$ROOT/Tests/Integration/schemathesis.toml" run "http://127.0.0.1:$PORT/openapi.json" --checks not_a_server_error \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-50}" --workers 1 --request-timeout 30 --no-color) \
  || status=1

kill -0 "$SERVER_PID" 2>/dev/null || { echo "integration: the server died during the run" >&2; status=1; }
exit $status
