#!/usr/bin/env bash
# Engine latency: Slipway (`slipway bench`) beside onnxruntime (Python, 1 thread) on every model of
# ../shared/modelzoo at batch 1 and 64, in the same run. Prints a table; ratio = Slipway / onnxruntime
# median latency (lower is better; < 1 means Slipway is faster).
#
#   bench/engine.sh [--iterations N] [--models "a b c"]
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=2000
models=""
while [ $# -gt 0 ]; do
    case "$1" in
        --iterations) iterations="$2"; shift 2 ;;
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
swift build -c release --product slipway >&2
slipway=$(swift build -c release --show-bin-path)/slipway

[ -n "$models" ] || models=$(cd "$zoo" && ls -d */ | tr -d / | tr '\n' ' ')
printf "%-30s %6s %14s %14s %8s\n" model batch slipway_us ort_us ratio
for model in $models; do
    for batch in 1 64; do
        case_file="$zoo/$model/case_b$batch.json"
        [ -f "$case_file" ] || continue
        s=$("$slipway" bench "$zoo/$model/model.onnx" --input "$case_file" --iterations "$iterations" --warmup 200 --json 2>/dev/null \
            | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["median_us"])' || echo "error")
        o=$("$venv/bin/python" bench/ort_bench.py "$zoo/$model/model.onnx" "$case_file" --iterations "$iterations" --warmup 200 \
            | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["median_us"])' || echo "error")
        ratio=$("$venv/bin/python" -c "import sys
try: print(f'{float(sys.argv[1])/float(sys.argv[2]):.3f}')
except Exception: print('-')" "$s" "$o")
        printf "%-30s %6s %14s %14s %8s\n" "$model" "$batch" "$s" "$o" "$ratio"
    done
done
