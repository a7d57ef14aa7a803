#!/usr/bin/env bash
# Serving benchmark: Slipway (release build) and the peers of ../shared/bench in one sitting, with wrk at
# 1, 16 and 64 connections on iris_lr batch 1 and bc_rf batch 1 and 32 (the bench's own body scripts).
#
# usage: bench/serve.sh [WORK_DIR]        (default ${TMPDIR:-/tmp}/slipway-serve-bench; venvs are reused)
# env:   DURATION (s per run, default 10), REPS (default 1), WARMUP (s, default 2),
#        PEERS (default "floor-parse:8090 fastapi-2w:8110 mlserver-default:8200 bentoml:8300 triton-pytriton:8400"),
#        SLIPWAY_PORT (default 8500), SLIPWAY_SHARED (default ../shared beside the repository),
#        SLIPWAY_BIN (a release binary to measure instead of building this checkout's),
#        PAYLOADS (default iris_b1,bc_b1,bc_b32) and CONNS (default 1,16,64): a subset of the cells, e.g. to repeat
#        one cell with REPS=7 (targets rotate their order every rep).
# Peers install from PyPI into venvs under WORK_DIR (pins of ../shared/bench/setup.sh); a peer that cannot be
# installed, built or started is reported as skipped with the reason, and the run goes on without it.
# Prints the table (req/s, p50, p99, non-2xx, RSS) and writes WORK_DIR/results.json and WORK_DIR/table.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SHARED=${SLIPWAY_SHARED:-$ROOT/../shared}
[ -d "$SHARED/bench" ] || { echo "serve.sh: $SHARED/bench is absent (set SLIPWAY_SHARED)" >&2; exit 1; }
W=${1:-${TMPDIR:-/tmp}/slipway-serve-bench}
mkdir -p "$W"; W=$(cd "$W" && pwd)
DURATION=${DURATION:-10}; REPS=${REPS:-1}; WARMUP=${WARMUP:-2}; SLIPWAY_PORT=${SLIPWAY_PORT:-8500}
PEERS=${PEERS:-"floor-parse:8090 fastapi-2w:8110 mlserver-default:8200 bentoml:8300 triton-pytriton:8400"}
LOCK=/tmp/slipway-swift-build.lock

# A writable copy of the shared harness (the shared folder is read-only).
rm -rf "$W/bench"; cp -r "$SHARED/bench" "$W/bench"; chmod -R u+w "$W/bench"
B=$W/bench
export RUN_DIR=$W/run MODELS_DIR=$W/run/models VENV=$W/venv-bench BENTO_VENV=$W/venv-bento TRITON_VENV=$W/venv-triton \
  FLOOR_BIN=$W/floor-build/release/Floor
mkdir -p "$RUN_DIR"
command -v wrk > /dev/null || { apt-get update -qq && apt-get install -y -qq wrk > /dev/null; }

declare -A skip=()
# venv NAME PACKAGES...: creates (or reuses) W/NAME with the packages; returns non-zero on failure.
venv() {
  local name=$1; shift
  [ -f "$W/$name/.installed" ] && return 0
  rm -rf "${W:?}/$name"
  python3 -m venv "$W/$name" && "$W/$name/bin/pip" install -q "$@" > "$W/$name.log" 2>&1 && touch "$W/$name/.installed"
}
reason() { tail -n 3 "$1" 2> /dev/null | tr '\n' ' ' | cut -c1-200; }

echo "== peers: installing (PyPI)"
if ! venv venv-bench "mlserver==1.7.1" "mlserver-sklearn==1.7.1" "uvloop<0.22" "uvicorn[standard]" "scikit-learn==1.9.1" \
  "skl2onnx==1.20.0" "onnxruntime==1.32.0" joblib; then
  for p in fastapi-1w fastapi-2w mlserver-default mlserver-batch mlserver-nodebug; do skip[$p]="pip install failed: $(reason "$W/venv-bench.log")"; done
fi
venv venv-bento "bentoml==1.4.40" "onnxruntime==1.32.0" || skip[bentoml]="pip install failed: $(reason "$W/venv-bento.log")"
venv venv-triton "nvidia-pytriton==0.7.0" "onnxruntime==1.32.0" || skip[triton-pytriton]="pip install failed: $(reason "$W/venv-triton.log")"

echo "== models: training iris_lr and bc_rf (../shared/bench/train_models.py)"
TRAIN_PY=$VENV/bin/python
if [ ! -f "$VENV/.installed" ]; then
  venv venv-train "scikit-learn==1.9.1" "skl2onnx==1.20.0" "onnxruntime==1.32.0" joblib || { echo "cannot install the training packages" >&2; exit 1; }
  TRAIN_PY=$W/venv-train/bin/python
fi
[ -f "$MODELS_DIR/bc_rf.onnx" ] || "$TRAIN_PY" "$B/train_models.py" "$MODELS_DIR" > "$W/train.log" 2>&1

echo "== builds: the Hummingbird floor and Slipway (release), through $LOCK"
if [ ! -x "$FLOOR_BIN" ] && ! (cd "$B/floor" && flock "$LOCK" swift build -c release --scratch-path "$W/floor-build" > "$W/floor-build.log" 2>&1); then
  for p in floor-parse floor-const floor-scan; do skip[$p]="floor build failed: $(reason "$W/floor-build.log")"; done
fi
SLIPWAY=${SLIPWAY_BIN:-$ROOT/.build/release/slipway}
if [ -z "${SLIPWAY_BIN:-}" ]; then
  flock "$LOCK" swift build -c release --product slipway > "$W/slipway-build.log" 2>&1 || { tail -20 "$W/slipway-build.log" >&2; exit 1; }
fi

started=()
SLIPWAY_PID=""
cleanup() {
  for p in "${started[@]}"; do "$B/servers/stop.sh" "$p" > /dev/null || true; done
  if [ -n "$SLIPWAY_PID" ]; then
    kill -TERM "$SLIPWAY_PID" 2> /dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SLIPWAY_PID" 2> /dev/null || break; sleep 0.2; done
  fi
}
trap cleanup EXIT

echo "== slipway: registering and serving on port $SLIPWAY_PORT"
rm -rf "$W/slipway-data"
for m in iris_lr bc_rf; do "$SLIPWAY" models register "$m" "$MODELS_DIR/$m.onnx" --data-dir "$W/slipway-data" --actor bench > /dev/null; done
"$SLIPWAY" serve --data-dir "$W/slipway-data" --port "$SLIPWAY_PORT" > "$RUN_DIR/slipway.log" 2>&1 &
SLIPWAY_PID=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$SLIPWAY_PORT/v2/models/bc_rf/ready" && break; sleep 0.2; done
curl -sf -o /dev/null "http://127.0.0.1:$SLIPWAY_PORT/v2/models/bc_rf/ready" || { cat "$RUN_DIR/slipway.log" >&2; exit 1; }
targets=(--target "slipway=http://127.0.0.1:$SLIPWAY_PORT,pid=$SLIPWAY_PID")

for pp in $PEERS; do
  peer=${pp%%:*}; port=${pp##*:}
  [ -n "${skip[$peer]:-}" ] && continue
  if pid=$("$B/servers/launch.sh" "$peer" "$port" 2> "$RUN_DIR/$peer.launch"); then
    started+=("$peer")
    targets+=(--target "$peer=http://127.0.0.1:$port,pid=$pid")
    echo "started $peer (pid $pid, port $port)"
  else
    skip[$peer]="did not start: $(reason "$RUN_DIR/$peer.launch") $(reason "$RUN_DIR/$peer.log")"
    "$B/servers/stop.sh" "$peer" > /dev/null 2>&1 || true
  fi
done

sleep 3
echo "== wrk: $((${#targets[@]} / 2)) targets, ${DURATION}s x ${REPS} rep(s) per cell; load before: $(cat /proc/loadavg)"
python3 "$B/bench.py" "${targets[@]}" --out "$W/results.json" --duration "$DURATION" --reps "$REPS" --warmup "$WARMUP" \
  --payloads "${PAYLOADS:-iris_b1,bc_b1,bc_b32}" --conns "${CONNS:-1,16,64}" > "$W/bench.log" 2>&1 \
  || { tail -20 "$W/bench.log" >&2; exit 1; }
baseline=slipway
grep -q '"floor-parse"' "$W/results.json" && baseline=floor-parse
python3 "$B/report.py" "$W/results.json" --baseline "$baseline" > "$W/table.md"
{
  echo
  for p in "${!skip[@]}"; do
    case " $PEERS " in *" $p:"*) echo "- skipped $p: ${skip[$p]}" ;; esac
  done
} >> "$W/table.md"
cat "$W/table.md"
echo "results: $W/results.json, table: $W/table.md"
