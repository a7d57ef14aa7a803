#!/usr/bin/env bash
# Dynamic batching gain: the same model served with and without `batching`, single-row requests from wrk at
# 64 connections, runs interleaved, medians reported.
#
#   swift build -c release --product slipway     (through the build lock)
#   [BATCH_DELAY_US=0] bench/serve-batching.sh [MODEL] [RUNS] [SECONDS]
#
# MODEL is a ../shared/modelzoo folder (default breast_cancer_random_forest); its case_b1.json is the body.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${1:-breast_cancer_random_forest}"
runs="${2:-3}"
seconds="${3:-8}"
delay="${BATCH_DELAY_US:-0}"   # max_queue_delay_us of the batching configuration
bin="${SLIPWAY_BIN:-$root/.build/release/slipway}"
zoo="/work/shared/modelzoo/$model"
work="$(mktemp -d /tmp/slipway-batching.XXXXXX)"
trap 'for p in $(cat "$work"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null || true; done' EXIT

"$bin" models register m "$zoo/model.onnx" --data-dir "$work/data" > /dev/null
python3 - "$zoo/case_b1.json" > "$work/body.lua" <<'PY'
import json, sys
case = json.load(open(sys.argv[1]))
inputs = [{"name": i["name"], "shape": i["shape"], "datatype": i["datatype"], "data": i["data"]} for i in case["inputs"]]
body = json.dumps({"inputs": inputs}, separators=(",", ":"))
print('wrk.method = "POST"')
print('wrk.body = [==[' + body + ']==]')
print('done = function(summary, latency, requests)')
print('  io.write(string.format("RESULT %.1f %.3f %.3f %d\\n", summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))')
print('end')
PY
printf 'models:\n  m:\n    batching: {max_batch_size: 64, max_queue_delay_us: %s}\n' "$delay" > "$work/batching.yaml"
printf 'models:\n  m:\n    max_queue: 256\n' > "$work/plain.yaml"

start() { # $1 = config name → port on stdout
    "$bin" serve --data-dir "$work/data" --port 0 --config "$work/$1.yaml" > "$work/$1.out" 2> "$work/$1.err" &
    echo $! > "$work/$1.pid"
    for _ in $(seq 100); do
        if grep -q "slipway serving on" "$work/$1.out"; then break; fi
        sleep 0.1
    done
    sed -n 's#.*http://127.0.0.1:\([0-9]*\).*#\1#p' "$work/$1.out" | head -1
}

declare -A port
for config in plain batching; do port[$config]="$(start $config)"; done
for run in $(seq "$runs"); do
    for config in plain batching; do
        line="$(wrk -t2 -c64 -d"${seconds}s" -s "$work/body.lua" "http://127.0.0.1:${port[$config]}/v2/models/m/infer" | grep RESULT)"
        echo "$config $line" | tee -a "$work/results.txt"
    done
done
for config in plain batching; do
    curl -s "http://127.0.0.1:${port[$config]}/v2/models/m/stats" | python3 -c "
import json, sys
s = json.load(sys.stdin)['model_stats'][0]
print('$config', 'inference_count', s['inference_count'], 'execution_count', s['execution_count'],
      'mean batch %.1f' % (s['inference_count'] / max(1, s['execution_count'])))"
done
python3 - "$work/results.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    config, _, rps, p50, p99, non2xx = line.split()
    rows.setdefault(config, []).append((float(rps), float(p50), float(p99), int(non2xx)))
print("| configuration | req/s (median) | p50 ms | p99 ms | non-2xx |")
print("| --- | --- | --- | --- | --- |")
for config in ("plain", "batching"):
    r = rows[config]
    print(f"| {config} | {statistics.median(x[0] for x in r):,.0f} | {statistics.median(x[1] for x in r):.2f} | "
          f"{statistics.median(x[2] for x in r):.2f} | {sum(x[3] for x in r)} |")
PY
