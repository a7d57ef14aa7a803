#!/usr/bin/env bash
# Resident memory with the whole model zoo loaded (BENCHMARKS.md "Serving", target: ≤ 2× the sum of the model
# files + 50 MB). Registers every ../shared/modelzoo model into a fresh data directory, starts `slipway serve`
# (release build), sends each model its case_b1.json and case_b64.json once (so every plan has run and its
# buffers exist), then reads VmRSS and VmHWM from /proc. Also reports the same for a server with no model, the
# process's own floor.
#   bench/memory.sh            (SLIPWAY_BIN=path to use a built binary; SLIPWAY_SHARED=path to the shared folder)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SLIPWAY_SHARED:-../shared}
zoo=$shared/modelzoo
[ -f "$zoo/index.json" ] || { echo "no model zoo at $zoo (set SLIPWAY_SHARED)" >&2; exit 1; }
SLIPWAY_BIN=$(bench/release-binary.sh)
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT

serve() { # serve DATA_DIR → sets $server and $port
    "$SLIPWAY_BIN" serve --data-dir "$1" --port 0 > "$work/out" 2> "$work/err" &
    server=$!
    port=""
    for _ in $(seq 300); do
        port=$(sed -n 's|^slipway serving on http://[^:]*:\([0-9]*\)$|\1|p' "$work/out" | head -1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$work/err" >&2; echo "slipway serve did not start" >&2; exit 1; }
}
kib() { awk -v k="$1" '$1 == k ":" { print $2 }' "/proc/$server/status"; }

mkdir -p "$work/empty"
serve "$work/empty"
curl -s "http://127.0.0.1:$port/v2/health/ready" > /dev/null
empty_rss=$(kib VmRSS)
empty_anon=$(kib RssAnon)
empty_file=$(kib RssFile)
kill -TERM $server; wait $server || true

bytes=0
models=0
for dir in "$zoo"/*/; do
    name=$(basename "$dir")
    [ -f "$dir/model.onnx" ] || continue
    "$SLIPWAY_BIN" models register "$name" "$dir/model.onnx" --data-dir "$work/data" > /dev/null
    bytes=$(( bytes + $(stat -c %s "$dir/model.onnx") ))
    models=$(( models + 1 ))
done
serve "$work/data"
for dir in "$zoo"/*/; do
    name=$(basename "$dir")
    for case_file in "$dir"/case_b1.json "$dir"/case_b64.json; do
        [ -f "$case_file" ] || continue
        python3 - "$case_file" > "$work/body.json" <<'PY'
import json, sys
case = json.load(open(sys.argv[1]))
print(json.dumps({"inputs": [{k: i[k] for k in ("name", "shape", "datatype", "data")} for i in case["inputs"]]}))
PY
        code=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' --data-binary @"$work/body.json" \
            "http://127.0.0.1:$port/v2/models/$name/infer")
        [ "$code" = 200 ] || echo "  $name $(basename "$case_file"): HTTP $code" >&2
    done
done
rss=$(kib VmRSS)
hwm=$(kib VmHWM)
anon=$(kib RssAnon)
file=$(kib RssFile)
limit=$(( 2 * bytes / 1024 + 50 * 1024 ))
printf 'models loaded: %d, model files: %.2f MB\n' "$models" "$(echo "$bytes / 1000000" | bc -l)"
printf 'RSS with no model: %.1f MiB (anonymous %.1f MiB, file-backed %.1f MiB: the binary and its data)\n' \
    "$(echo "$empty_rss / 1024" | bc -l)" "$(echo "$empty_anon / 1024" | bc -l)" "$(echo "$empty_file / 1024" | bc -l)"
printf 'RSS with the zoo loaded, after one b1 and one b64 request each: %.1f MiB (peak %.1f MiB)\n' \
    "$(echo "$rss / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)"
printf '   of which anonymous %.1f MiB, file-backed %.1f MiB\n' "$(echo "$anon / 1024" | bc -l)" "$(echo "$file / 1024" | bc -l)"
printf 'target ≤ 2 × model files + 50 MB = %.1f MiB: %s\n' "$(echo "$limit / 1024" | bc -l)" \
    "$([ "$rss" -le "$limit" ] && echo met || echo "NOT met")"
