#!/usr/bin/env bash
# Registry benchmarks (BENCHMARKS.md, "Registry"):
#  1. register throughput for a 50 MB model, against plain `sha256sum` + `cp` of the same file;
#  2. `models list` / `models show` latency with 10,000 versions.
# usage: bench/registry.sh [RUNS]     (SLIPWAY_BIN=path to use a built binary; default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
SLIPWAY_BIN=$(bench/release-binary.sh)
work=$(mktemp -d /tmp/slipway-registry-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "== register a 50 MB model ($runs runs each; a fresh data directory per run)"
for i in $(seq "$runs"); do python3 bench/make_model.py "$work/m$i.onnx" 50 "$i"; done
size=$(stat -c %s "$work/m1.onnx")
: >"$work/reg.txt"; : >"$work/base.txt"
for i in $(seq "$runs"); do
    sync
    t0=$(now); "$SLIPWAY_BIN" models register big "$work/m$i.onnx" --data-dir "$work/data$i" >/dev/null; t1=$(now)
    echo "$t1 - $t0" | bc -l >>"$work/reg.txt"
    sync
    t0=$(now); sha256sum "$work/m$i.onnx" >/dev/null; cp "$work/m$i.onnx" "$work/copy$i.onnx"; sync -f "$work/copy$i.onnx"; t1=$(now)
    echo "$t1 - $t0" | bc -l >>"$work/base.txt"
done
reg=$(median <"$work/reg.txt"); base=$(median <"$work/base.txt")
printf 'model size            %d bytes\n' "$size"
printf 'slipway models register  median %.3f s  = %.0f MB/s\n' "$reg" "$(echo "$size / 1000000 / $reg" | bc -l)"
printf 'sha256sum + cp + sync    median %.3f s  = %.0f MB/s\n' "$base" "$(echo "$size / 1000000 / $base" | bc -l)"
printf 'ratio (register / baseline time) %.2f\n' "$(echo "$reg / $base" | bc -l)"

echo "== 10,000 versions: models list / show latency"
data="$work/many"
python3 bench/make_model.py "$work/tiny.onnx" 0
"$SLIPWAY_BIN" models register many "$work/tiny.onnx" --data-dir "$data" --alias production >/dev/null
# Clone version 1 9,999 times straight into SQLite (distinct fake hashes; list/show never open artifacts),
# with one version_created event each, as the store would write them.
python3 - "$data/registry.sqlite" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
cols = [r[1] for r in db.execute("PRAGMA table_info(version)") if r[1] not in ("id", "number", "artifact_sha256")]
row = db.execute(f"SELECT {', '.join(cols)} FROM version WHERE number = 1").fetchone()
model_id = row[cols.index("model_id")]
with db:
    for n in range(2, 10001):
        sha = hashlib.sha256(str(n).encode()).hexdigest()
        db.execute(f"INSERT INTO version (number, artifact_sha256, {', '.join(cols)}) VALUES (?, ?, {', '.join('?' * len(cols))})", (n, sha, *row))
        db.execute("INSERT INTO event (model_id, version_number, kind, detail, actor, at_ms) VALUES (?, ?, 'version_created', ?, 'bench', 0)",
                   (model_id, n, '{"sha256":"%s"}' % sha))
    for m in range(1, 100):  # 99 more models with one version each, so `list` has 100 rows
        db.execute("INSERT INTO model (name, description, created_at_ms, updated_at_ms) VALUES (?, '', 0, 0)", (f"model-{m:03d}",))
        mid = db.execute("SELECT last_insert_rowid()").fetchone()[0]
        vals = list(row); vals[cols.index("model_id")] = mid
        db.execute(f"INSERT INTO version (number, artifact_sha256, {', '.join(cols)}) VALUES (1, ?, {', '.join('?' * len(cols))})",
                   (hashlib.sha256(f"m{m}".encode()).hexdigest(), *vals))
print("versions:", db.execute("SELECT COUNT(*) FROM version").fetchone()[0])
PY
time_cmd() {  # median wall time of a command over 21 runs, in ms
    : >"$work/t.txt"
    for _ in $(seq 21); do t0=$(now); "$@" >/dev/null; t1=$(now); echo "($t1 - $t0) * 1000" | bc -l >>"$work/t.txt"; done
    median <"$work/t.txt"
}
for cmd in "models list" "models list --json" "models show many" "models show many:5000 --json" "models show many@production" \
    "models list many --limit 20" "models list many --json"; do
    # shellcheck disable=SC2086
    printf '%-34s median %7.1f ms\n' "slipway $cmd" "$(time_cmd "$SLIPWAY_BIN" $cmd --data-dir "$data")"
done
printf '%-34s median %7.1f ms\n' "slipway --version (process floor)" "$(time_cmd "$SLIPWAY_BIN" --version)"
