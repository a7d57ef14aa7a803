#!/usr/bin/env bash
# Drift benchmark (BENCHMARKS.md, "Drift"): `slipway drift` against Evidently's DataDriftPreset on the same
# files, in the same run. ROWS reference + ROWS current rows (default 1,000,000 each) of 20 numerical and
# 5 categorical columns (bench/drift_generate.py, seeded); both tools read the CSV files themselves.
# Prints wall time, CPU time and peak RSS of each, and the ratios.
# usage: bench/drift.sh [ROWS]   (SLIPWAY_BIN=path to use a built binary; DRIFT_VENV=path for the venv;
#                                  DRIFT_SKIP_EVIDENTLY=1 to time slipway only)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
venv=${DRIFT_VENV:-.build/bench-drift-venv}
data=.build/bench-drift/$rows
mkdir -p "$data"

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import evidently" 2>/dev/null; then
    echo "== venv $venv: evidently 0.7.23 (the oracle's version), pandas<3, numpy 2.4.6, scipy 1.17.1"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "evidently==0.7.23" "pandas<3" "numpy==2.4.6" "scipy==1.17.1"
fi
py="$venv/bin/python"
"$py" -c "import evidently, pandas, numpy, scipy; print('evidently', evidently.__version__, 'pandas', pandas.__version__, 'numpy', numpy.__version__, 'scipy', scipy.__version__)"

if [ ! -s "$data/current.csv" ]; then
    echo "== generating $rows + $rows rows in $data"
    "$py" bench/drift_generate.py "$data" "$rows"
fi
ls -l "$data"/*.csv | awk '{printf "   %s  %.0f MB\n", $NF, $5/1e6}'

SLIPWAY_BIN=$(bench/release-binary.sh)

echo "== slipway drift"
s=$("$py" bench/drift_measure.py "$SLIPWAY_BIN" drift --reference "$data/reference.csv" --current "$data/current.csv" \
    -o "$data/slipway.json" 2>/dev/null)
echo "   $s"
"$py" - "$data/slipway.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
tests = {}
for c in r["columns"]:
    tests[c["stattest"]] = tests.get(c["stattest"], 0) + 1
print("   tests:", tests, "drifted:", r["dataset"]["n_drifted"], "share:", r["dataset"]["share"])
PY

if [ "${DRIFT_SKIP_EVIDENTLY:-0}" = 1 ]; then exit 0; fi
echo "== evidently DataDriftPreset (read_csv + Report.run + snapshot.dict)"
e=$("$py" bench/drift_measure.py "$py" bench/drift_evidently.py "$data/reference.csv" "$data/current.csv" 2>"$data/evidently.out")
echo "   $e"
echo "   $(tail -1 "$data/evidently.out")"

"$py" - "$s" "$e" <<'PY'
import json, sys
s, e = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print()
print("| tool | wall (s) | CPU (s) | peak RSS (MiB) |")
print("|---|---:|---:|---:|")
print(f"| slipway drift | {s['wall_s']:.2f} | {s['cpu_s']:.2f} | {s['peak_rss_mib']:.0f} |")
print(f"| Evidently DataDriftPreset | {e['wall_s']:.2f} | {e['cpu_s']:.2f} | {e['peak_rss_mib']:.0f} |")
print(f"| ratio (Evidently / slipway) | {e['wall_s'] / s['wall_s']:.1f}x | {e['cpu_s'] / s['cpu_s']:.1f}x | {e['peak_rss_mib'] / s['peak_rss_mib']:.1f}x |")
with open("/proc/loadavg") as f:
    print("load average after the run:", " ".join(f.read().split()[:3]))
PY
