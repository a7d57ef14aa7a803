#!/usr/bin/env bash
# Monitoring benchmark (BENCHMARKS.md "Monitoring"): server throughput with the prediction log off (log: none)
# versus on (log: all), and the prediction log's rows/s and drops at that load, read from /metrics.
#   bench/monitoring.sh [runs=3] [seconds=8] [connections=64]
# Builds the release binary through the shared build lock; needs wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
seconds=${2:-8}
connections=${3:-64}
flock /tmp/slipway-swift-build.lock swift build -c release --product slipway > /tmp/slipway-bench-monitoring-build.log 2>&1 \
    || { tail -20 /tmp/slipway-bench-monitoring-build.log; exit 1; }
bin=.build/release/slipway
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

metric() { # metric NAME: the sum of a metric's samples on /metrics
    curl -s "http://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%d", s }'
}

for mode in none all; do
    printf 'models:\n  iris:\n    log: %s\n' "$mode" > "$work/$mode.yaml"
    rm -rf "$work/data"
    "$bin" serve --demo --data-dir "$work/data" --port 0 --config "$work/$mode.yaml" > "$work/out" 2> "$work/err" &
    server=$!
    for _ in $(seq 100); do grep -q "serving on" "$work/out" 2>/dev/null && break; sleep 0.1; done
    port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$work/out" | head -1)
    url="http://127.0.0.1:$port/v2/models/iris/infer"
    wrk -t2 -c"$connections" -d2s -s bench/serve-iris-demo.lua "$url" > /dev/null   # warm-up
    sleep 1
    rows_before=$(metric slipway_prediction_log_rows_total)
    for run in $(seq "$runs"); do
        rps=$(wrk -t2 -c"$connections" -d"${seconds}s" -s bench/serve-iris-demo.lua "$url" | awk '/Requests\/sec/ { print $2 }')
        echo "log=$mode run=$run req/s=$rps"
    done
    sleep 1   # let the writer drain
    rows=$(( $(metric slipway_prediction_log_rows_total) - rows_before ))
    echo "log=$mode rows_written=$rows rows_per_s=$(( rows / (runs * seconds) )) dropped=$(metric slipway_prediction_log_dropped_total) queue_depth=$(metric slipway_prediction_log_queue_depth)"
    kill -TERM $server; wait $server || true
done
