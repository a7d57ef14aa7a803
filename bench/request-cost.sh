#!/usr/bin/env bash
# Request cost in instructions (BENCHMARKS.md "Monitoring"): the release server's user-space instructions per
# iris request under callgrind, with the prediction log off (log: none) and on (log: all), and the ratio.
# Instruction counts do not depend on the other tenants of a shared machine, so this resolves differences of a
# few per cent that the throughput benchmarks (bench/monitoring.sh, bench/serve.sh) cannot. It does not see the
# kernel, wrk or cache effects: it complements them, it does not replace them.
#   bench/request-cost.sh [requests=3000]
# The server runs under valgrind (slow): 4 client connections, a warm-up of 300 requests, counters zeroed, then
# REQUESTS requests. The writer's commit interval is 1s there, so its transactions carry as many rows as at
# ~15k req/s with the default 20ms (under valgrind the server handles a few hundred requests per second).
# Builds the release binary through the shared build lock (SLIPWAY_BIN=path skips that); needs valgrind, python3.
set -euo pipefail
shopt -s inherit_errexit   # a failure inside cost() (run in a command substitution) stops the script
cd "$(dirname "$0")/.."
requests=${1:-3000}
command -v valgrind > /dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
SLIPWAY_BIN=$(bench/release-binary.sh)
work=$(mktemp -d)
trap 'kill "$(cat "$work/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT
# Valgrind 3.19 cannot read the DWARF 5 the toolchain writes: measure a copy without debug information.
strip --strip-debug -o "$work/slipway" "$SLIPWAY_BIN"

cost() { # cost MODE → instructions per request
    local mode=$1 data="$work/data-$1" port
    port=$((8900 + RANDOM % 90))
    printf 'prediction_log: {commit_interval: 1s}\nmodels:\n  iris:\n    log: %s\n' "$mode" > "$work/$mode.yaml"
    valgrind --tool=callgrind --callgrind-out-file="$work/cg-$mode.out" --dump-instr=no \
        "$work/slipway" serve --demo --data-dir "$data" --port "$port" --config "$work/$mode.yaml" > "$work/$mode.log" 2>&1 &
    echo $! > "$work/pid"
    for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/health/ready" && break; sleep 0.5; done
    python3 bench/request_cost_client.py "$port" 300 1 > /dev/null
    sleep 1
    callgrind_control -z "$(cat "$work/pid")" > /dev/null
    python3 bench/request_cost_client.py "$port" "$requests" 4 > /dev/null
    sleep 1.5   # the writer's last commit
    callgrind_control -d "$(cat "$work/pid")" > /dev/null
    sleep 1
    kill "$(cat "$work/pid")"
    wait "$(cat "$work/pid")" 2> /dev/null || true
    local total
    total=$(callgrind_annotate "$work/cg-$mode.out.1" 2> /dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
    echo $((total / requests))
}

none=$(cost none)
all=$(cost all)
echo "instructions per request: log none $none, log all $all; all/none = $(python3 -c "print(f'{$all / $none:.3f}')")"
