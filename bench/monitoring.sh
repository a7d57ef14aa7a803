#!/usr/bin/env bash
# Monitoring benchmark (BENCHMARKS.md "Monitoring"): server throughput with the prediction log off (log: none)
# versus on (log: all), and the prediction log's rows/s and drops at that load, read from /metrics.
# Both servers run side by side (same demo model); wrk alternates between them, RUNS times each, so machine
# noise hits both alike; the script prints every run, the medians, the ratio on/off and the median of the
# per-run ratios (each run measures both servers back to back, in alternating order).
#   bench/monitoring.sh [runs=5] [seconds=8] [connections=64]
# Builds the release binary through the shared build lock (SLIPWAY_BIN=path skips that); needs wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
seconds=${2:-8}
connections=${3:-64}
SLIPWAY_BIN=$(bench/release-binary.sh)
work=$(mktemp -d)
trap 'for p in $(cat "$work"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"' EXIT

declare -A port
for mode in none all; do
    printf 'models:\n  iris:\n    log: %s\n' "$mode" > "$work/$mode.yaml"
    "$SLIPWAY_BIN" serve --demo --data-dir "$work/data-$mode" --port 0 --config "$work/$mode.yaml" > "$work/$mode.out" 2> "$work/$mode.err" &
    echo $! > "$work/$mode.pid"
    for _ in $(seq 300); do grep -q "serving on" "$work/$mode.out" 2>/dev/null && break; sleep 0.1; done
    port[$mode]=$(sed -n 's|^slipway serving on http://[^:]*:\([0-9]*\)$|\1|p' "$work/$mode.out" | head -1)
    [ -n "${port[$mode]}" ] || { cat "$work/$mode.err" >&2; echo "log=$mode: server did not start" >&2; exit 1; }
done

metric() { # metric MODE NAME: the sum of a metric's samples on that server's /metrics
    curl -s "http://127.0.0.1:${port[$1]}/metrics" | awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%d", s }'
}
load() { # load MODE SECONDS → "req/s non2xx"
    wrk -t2 -c"$connections" -d"$2s" -s bench/serve-iris-demo.lua "http://127.0.0.1:${port[$1]}/v2/models/iris/infer" \
        | awk '/Requests\/sec/ { r = $2 } /non2xx=/ { split($1, a, "="); n = a[2] } END { print r, n }'
}

for mode in none all; do load "$mode" 2 > /dev/null; done   # warm-up
sleep 1
rows_before=$(metric all slipway_prediction_log_rows_total)
for run in $(seq "$runs"); do
    # Each run measures both servers back to back, in alternating order (none-all, all-none, ...), so a drift in
    # the machine's speed hits both alike; the per-run ratios below pair the two measurements of one run.
    order="none all"; [ $((run % 2)) -eq 0 ] && order="all none"
    for mode in $order; do
        read -r rps non2xx < <(load "$mode" "$seconds")
        echo "run=$run log=$mode req/s=$rps non2xx=$non2xx" | tee -a "$work/results"
    done
done
sleep 2   # let the writer drain
rows=$(( $(metric all slipway_prediction_log_rows_total) - rows_before ))
echo "log=all rows_written=$rows rows_per_s=$(( rows / (runs * seconds) )) dropped=$(metric all slipway_prediction_log_dropped_total) queue_depth=$(metric all slipway_prediction_log_queue_depth)"
python3 - "$work/results" <<'PY'
import statistics, sys
rps = {"none": [], "all": []}
for line in open(sys.argv[1]):
    fields = dict(f.split("=") for f in line.split())
    rps[fields["log"]].append(float(fields["req/s"]))
off, on = statistics.median(rps["none"]), statistics.median(rps["all"])
print(f"median req/s: log none {off:,.0f}, log all {on:,.0f}; on/off = {on / off:.3f} (target >= 0.90)")
pairs = sorted(a / n for a, n in zip(rps["all"], rps["none"]))
print(f"per-run on/off: median {statistics.median(pairs):.3f} (runs: {', '.join(f'{r:.2f}' for r in pairs)})")
PY
