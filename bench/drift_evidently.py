"""Evidently's DataDriftPreset on the benchmark files (bench/drift.sh), as a user would run it:
read both CSV files with pandas, run the report, take the snapshot's dict. Prints one JSON line.
usage: python drift_evidently.py REFERENCE.csv CURRENT.csv
"""
import json
import sys
import time

import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset

t0 = time.perf_counter()
reference = pd.read_csv(sys.argv[1])
current = pd.read_csv(sys.argv[2])
t1 = time.perf_counter()
snapshot = Report([DataDriftPreset()]).run(current, reference)
result = snapshot.dict()
t2 = time.perf_counter()
drifted = None
for metric in result.get("metrics", []):
    if "DriftedColumnsCount" in str(metric.get("metric_name", "")):
        drifted = metric.get("value")
print(json.dumps({"read_csv_s": round(t1 - t0, 3), "report_s": round(t2 - t1, 3), "drifted_columns": drifted}))
