#!/usr/bin/env python3
"""Drives a running `slipway serve` with the unmodified Python tritonclient[http].

usage: tritonclient_test.py HOST:PORT ZOO_DIR

For every model of the zoo (ZOO_DIR/index.json) whose outputs are all tensors: is_server_live,
is_server_ready, is_model_ready, get_model_metadata (input and output names), then infer with JSON
tensors and with binary tensors (inputs and outputs) on every case file (batches 1, 7, 64), comparing each
output with the case's expected values within the case's tolerance (numpy isclose; exact for integers,
booleans and strings). Prints one line per check and 'N passed, N failed'; exits 1 on any failure.
"""
import json
import os
import sys

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException, triton_to_np_dtype


def to_numpy(tensor):
    if tensor["datatype"] == "BYTES":
        return np.array([str(x).encode("utf-8") for x in tensor["data"]], dtype=np.object_).reshape(tensor["shape"])
    return np.array(tensor["data"], dtype=triton_to_np_dtype(tensor["datatype"])).reshape(tensor["shape"])


def compare(name, actual, expected, tolerance):
    want = to_numpy(expected)
    if actual is None:
        return f"output {name} missing"
    if list(actual.shape) != list(want.shape):
        return f"output {name}: shape {list(actual.shape)}, expected {list(want.shape)}"
    if expected["datatype"] == "BYTES":
        got = [x if isinstance(x, bytes) else str(x).encode("utf-8") for x in actual.reshape(-1)]
        return None if got == list(want.reshape(-1)) else f"output {name}: strings differ"
    if expected["datatype"] in ("FP16", "FP32", "FP64"):
        close = np.isclose(actual.astype(np.float64), want.astype(np.float64), rtol=tolerance["rtol"], atol=tolerance["atol"])
        if not close.all():
            i = int(np.argmin(close.reshape(-1)))
            return f"output {name}: element {i} is {actual.reshape(-1)[i]}, expected {want.reshape(-1)[i]}"
        return None
    return None if np.array_equal(actual, want) else f"output {name}: values differ"


def infer(client, model, case, binary):
    inputs = []
    for tensor in case["inputs"]:
        item = httpclient.InferInput(tensor["name"], tensor["shape"], tensor["datatype"])
        item.set_data_from_numpy(to_numpy(tensor), binary_data=binary)
        inputs.append(item)
    outputs = [httpclient.InferRequestedOutput(t["name"], binary_data=binary) for t in case["outputs"]]
    result = client.infer(model, inputs, outputs=outputs, request_id=f"{model}-{case['batch_size']}")
    problems = []
    for expected in case["outputs"]:
        problem = compare(expected["name"], result.as_numpy(expected["name"]), expected, case["tolerance"])
        if problem:
            problems.append(problem)
    if result.get_response().get("id") != f"{model}-{case['batch_size']}":
        problems.append("the request id is not echoed")
    return problems


def main():
    url, zoo = sys.argv[1], sys.argv[2]
    index = json.load(open(os.path.join(zoo, "index.json")))
    client = httpclient.InferenceServerClient(url=url, network_timeout=120.0)
    passed, failed = 0, 0

    def check(label, problems):
        nonlocal passed, failed
        if problems:
            failed += 1
            print(f"FAIL {label}: {'; '.join(problems)}")
        else:
            passed += 1
            print(f"ok   {label}")

    check("is_server_live", [] if client.is_server_live() else ["not live"])
    check("is_server_ready", [] if client.is_server_ready() else ["not ready"])
    for model, info in sorted(index["models"].items()):
        if not all(o["onnx_type"].startswith("tensor(") for o in info["outputs"]):
            print(f"skip {model}: an output is not a tensor ({', '.join(o['onnx_type'] for o in info['outputs'])})")
            continue
        check(f"{model} is_model_ready", [] if client.is_model_ready(model) else ["not ready"])
        metadata = client.get_model_metadata(model)
        problems = []
        if sorted(t["name"] for t in metadata["inputs"]) != sorted(t["name"] for t in info["inputs"]):
            problems.append(f"inputs {[t['name'] for t in metadata['inputs']]}")
        if sorted(t["name"] for t in metadata["outputs"]) != sorted(t["name"] for t in info["outputs"]):
            problems.append(f"outputs {[t['name'] for t in metadata['outputs']]}")
        if metadata.get("platform") != "onnxruntime_onnx":
            problems.append(f"platform {metadata.get('platform')}")
        check(f"{model} get_model_metadata", problems)
        for case_file in sorted(f for f in os.listdir(os.path.join(zoo, model)) if f.startswith("case_")):
            case = json.load(open(os.path.join(zoo, model, case_file)))
            for binary in (False, True):
                label = f"{model} {case_file} infer {'binary' if binary else 'JSON'}"
                try:
                    check(label, infer(client, model, case, binary))
                except InferenceServerException as error:
                    check(label, [f"server error: {error}"])
    # An unknown model is a clean tritonclient error (a V2 error body), not a crash of the client.
    try:
        client.get_model_metadata("no-such-model")
        check("unknown model", ["no error"])
    except InferenceServerException as error:
        check("unknown model", [] if "no-such-model" in str(error) else [f"unexpected error {error}"])
    print(f"tritonclient: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
