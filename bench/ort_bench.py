"""Times onnxruntime's session.run on a V2 request, as `slipway bench` times the Swift engine.

One intra-op and one inter-op thread, sequential execution, default graph optimisations; inputs are
built once; only the `session.run` call is timed. Prints one JSON line like `slipway bench --json`.

    python3 bench/ort_bench.py MODEL.onnx REQUEST.json [--iterations N] [--warmup N]
"""
import argparse
import json
import resource
import time

import numpy as np
import onnxruntime as ort

DTYPES = {
    "FP32": np.float32, "FP64": np.float64, "FP16": np.float16, "INT8": np.int8, "INT16": np.int16,
    "INT32": np.int32, "INT64": np.int64, "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32,
    "UINT64": np.uint64, "BOOL": np.bool_, "BYTES": object,
}

parser = argparse.ArgumentParser()
parser.add_argument("model")
parser.add_argument("request")
parser.add_argument("--iterations", type=int, default=1000)
parser.add_argument("--warmup", type=int, default=100)
args = parser.parse_args()

options = ort.SessionOptions()
options.intra_op_num_threads = 1
options.inter_op_num_threads = 1
options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
request = json.load(open(args.request))
feeds = {}
for spec in request["inputs"]:
    array = np.array(spec["data"], dtype=DTYPES[spec["datatype"]]).reshape(spec["shape"])
    feeds[spec["name"]] = array
for _ in range(args.warmup):
    session.run(None, feeds)
samples = []
for _ in range(args.iterations):
    start = time.perf_counter_ns()
    session.run(None, feeds)
    samples.append((time.perf_counter_ns() - start) / 1000)
samples = np.array(samples)
batch = request["inputs"][0]["shape"][0] if request["inputs"][0]["shape"] else 1
median = float(np.median(samples))
print(json.dumps({
    "model": args.model, "batch": batch, "iterations": args.iterations, "threads": 1,
    "median_us": round(median, 3), "p90_us": round(float(np.percentile(samples, 90)), 3),
    "p99_us": round(float(np.percentile(samples, 99)), 3), "mean_us": round(float(samples.mean()), 3),
    "rows_per_s": round(batch * 1e6 / median, 3) if median > 0 else 0,
    "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
