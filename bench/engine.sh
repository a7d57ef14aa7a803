#!/usr/bin/env bash
# Engine latency: Slipway (`slipway bench`) beside onnxruntime (Python, 1 thread) on every model of
# ../shared/modelzoo at batch 1 and 64, in the same run. Prints a table; ratio = Slipway / onnxruntime
# median latency (lower is better; < 1 means Slipway is faster).
#
#   bench/engine.sh [--iterations N] [--rounds R] [--models "a b c"]
#
# Each (model, batch) is measured in R rounds (default 3), Slipway then onnxruntime in each round, each round
# N timed runs after 200 warm-up runs; the table shows the median over the rounds of each engine's median, so a
# burst of load on the shared machine during one round does not decide the ratio. SLIPWAY_BIN=path uses a built
# binary instead of building the release one (through the shared build lock).
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=1000
rounds=3
models=""
while [ $# -gt 0 ]; do
    case "$1" in
        --iterations) iterations="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --models) models="$2"; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 64 ;;
    esac
done
zoo="${SLIPWAY_SHARED:-../shared}/modelzoo"
[ -d "$zoo" ] || { echo "no model zoo at $zoo (set SLIPWAY_SHARED)" >&2; exit 1; }

venv=.venv-bench
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q numpy onnxruntime
fi
py="$venv/bin/python"
SLIPWAY_BIN=$(bench/release-binary.sh)
median_us() { "$py" -c 'import json,sys; print(json.load(sys.stdin)["median_us"])'; }

[ -n "$models" ] || models=$(cd "$zoo" && ls -d */ | tr -d / | tr '\n' ' ')
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg), $iterations runs x $rounds rounds, onnxruntime $("$py" -c 'import onnxruntime; print(onnxruntime.__version__)')"
printf "%-30s %6s %14s %14s %8s\n" model batch slipway_us ort_us ratio
for model in $models; do
    for batch in 1 64; do
        case_file="$zoo/$model/case_b$batch.json"
        [ -f "$case_file" ] || continue
        s_all=""; o_all=""
        for _ in $(seq "$rounds"); do
            s=$("$SLIPWAY_BIN" bench "$zoo/$model/model.onnx" --input "$case_file" --iterations "$iterations" --warmup 200 --json 2>/dev/null \
                | median_us || echo "error")
            o=$("$py" bench/ort_bench.py "$zoo/$model/model.onnx" "$case_file" --iterations "$iterations" --warmup 200 \
                | median_us || echo "error")
            s_all="$s_all $s"; o_all="$o_all $o"
        done
        "$py" - "$model" "$batch" "$s_all" "$o_all" <<'PY'
import statistics, sys
model, batch, s, o = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
try:
    sm, om = statistics.median(map(float, s)), statistics.median(map(float, o))
    print(f"{model:<30} {batch:>6} {sm:>14.3f} {om:>14.3f} {sm / om:>8.3f}")
except ValueError:
    print(f"{model:<30} {batch:>6} {'error':>14} {'error':>14} {'-':>8}")
PY
    done
done
