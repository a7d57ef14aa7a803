"""Runs a command, prints its wall time (s) and peak resident memory (MiB) as JSON (bench/drift.sh).
usage: python drift_measure.py CMD [ARGS...]   (the command's stdout goes to stderr)
"""
import json
import resource
import subprocess
import sys
import time

t0 = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE)
wall = time.perf_counter() - t0
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(proc.stdout.decode(errors="replace"))
print(json.dumps({"wall_s": round(wall, 3), "peak_rss_mib": round(peak_kib / 1024, 1), "exit": proc.returncode}))
