#!/usr/bin/env python3
"""Rewrites docs/conformance.md from the conformance run's outputs.

Reads Tests/SlipwayONNXTests/Conformance/onnx-node.txt (passing tests) and onnx-node-failing.tsv (failing
tests with their error), both written by `SLIPWAY_CONFORMANCE_WRITE=1 swift test --filter backendNodeTests`,
and the manifest of ../shared/onnx-node-tests (or $SLIPWAY_SHARED/onnx-node-tests).
"""
import collections
import json
import os
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
shared = pathlib.Path(os.environ.get("SLIPWAY_SHARED", root.parent / "shared"))
manifest = json.loads((shared / "onnx-node-tests" / "manifest.json").read_text())["tests"]
conformance = root / "Tests" / "SlipwayONNXTests" / "Conformance"
failing = [line.split("\t", 1) for line in (conformance / "onnx-node-failing.tsv").read_text().splitlines() if line.strip()]
passing = [l for l in (conformance / "onnx-node.txt").read_text().splitlines() if l.strip() and not l.startswith("#")]
exotic = {"float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "float8e8m0", "uint4", "int4", "float4e2m1", "uint2", "int2"}


def element_types(test):
    found = set()
    for text in manifest[test]["inputs"] + manifest[test]["outputs"]:
        found.update(re.findall(r"tensor\((\w+)\)", text))
    return found


groups = collections.defaultdict(list)
other = []
for name, reason in failing:
    types = sorted(element_types(name) & exotic)
    if types:
        groups[(manifest[name]["op_type"], ", ".join(types))].append(name)
    else:
        other.append((name, reason))

lines = [
    "# ONNX conformance", "",
    "Slipway runs the official ONNX backend node tests (`../shared/onnx-node-tests`, 1011 tests from onnx 1.23) in",
    "`Tests/SlipwayONNXTests/Conformance/ONNXBackendTests.swift`. The support matrix is",
    "`Tests/SlipwayONNXTests/Conformance/onnx-node.txt` (tract style): every test listed there must pass, and",
    "the test suite fails on any regression.", "",
    f"**{len(passing)} of {len(passing) + len(failing)} pass.** Comparison: shapes and element types exactly; integers, booleans and",
    "strings exactly; floating point with rtol 1e-3, atol 1e-5 (NaN equals NaN); random Dropout masks by shape and type only.", "",
    "onnxruntime 1.32.0 passes 885 of the same tests (10 fail, 116 skipped). Slipway also passes the ones onnxruntime",
    "fails for missing kernels (`Max`/`Min` on int16/uint16, `Pow` with uint32/uint64 exponents, `TopK` on uint64,",
    "`ReduceMax` of an empty bool set) and the two Resize `align_corners` downsampling cases, where it follows the",
    "ONNX reference implementation (the spec) rather than onnxruntime.", "",
    "## Low-precision element types", "",
    "The 8-bit floats (`float8e4m3fn`, `float8e4m3fnuz`, `float8e5m2`, `float8e5m2fnuz`, `float8e8m0`), the 4-bit",
    "types (`int4`, `uint4`, `float4e2m1`) and the 2-bit types (`int2`, `uint2`) are stored one code per element",
    "(`TensorStorage.lowPrecision`, unpacked at import). `Cast`/`CastLike` convert them both ways following the ONNX",
    "reference implementation (`saturate`, `round_mode`, nearest-even rounding; see `LowPrecision` in SlipwayTensor);",
    "layout operators (Reshape, Transpose, Gather, Concat, Slice, ...) move their codes; other operators reject",
    "them with an error naming the type. Their results are compared code for code (any NaN equals any NaN).", "",
    f"## Exceptions ({len(failing)})", "",
]
if not failing:
    lines += ["None: every test passes."]
if groups:
    lines += [
        "Tests that feed or produce an element type Slipway does not store:", "",
        "| operator | exotic types in the test | tests |", "| --- | --- | --- |",
    ]
for (op, types), names in sorted(groups.items()):
    lines.append(f"| {op} | {types} | {len(names)}: {', '.join('`' + n + '`' for n in sorted(names))} |")
if other:
    lines += ["", "## Other failures", "", "| test | error |", "| --- | --- |"]
    lines += [f"| `{name}` | {reason} |" for name, reason in other]
lines += [
    "", "## Regenerating", "", "```sh",
    "SLIPWAY_CONFORMANCE_WRITE=1 swift test --filter backendNodeTests   # rewrites onnx-node.txt and onnx-node-failing.tsv",
    "python3 scripts/conformance-report.py                                 # rewrites this file",
    "```", "",
]
(root / "docs" / "conformance.md").write_text("\n".join(lines))
print(f"docs/conformance.md: {len(passing)} pass, {len(failing)} exceptions ({len(other)} not explained by element types)")
