"""Runs a command, prints its wall time (s), CPU time (user + system, s) and peak resident memory (MiB) as
JSON (bench/drift.sh). CPU time does not grow with the machine's load the way wall time does.
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
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak_kib = usage.ru_maxrss
cpu = usage.ru_utime + usage.ru_stime
sys.stderr.write(proc.stdout.decode(errors="replace"))
print(json.dumps({"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "peak_rss_mib": round(peak_kib / 1024, 1), "exit": proc.returncode}))
