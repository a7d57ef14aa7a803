#!/usr/bin/env python3
"""Writes an ONNX model built only from Identity nodes, with a float32 initializer of about SIZE_MB
megabytes (0 for none): y = Identity(x) for x: FP32 [N, 4], and w = Identity(W) for the initializer.
Standard library only (the protobuf is encoded by hand), so the registry benchmark needs no onnx package.

usage: make_model.py OUT.onnx SIZE_MB [SEED]
"""
import random
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, wire, payload):
    key = varint((number << 3) | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def string(number, text):
    return field(number, 2, text.encode() if isinstance(text, str) else text)


def value_info(name, dims):
    shape = b"".join(field(1, 2, string(2, d) if isinstance(d, str) else field(1, 0, d)) for d in dims)
    tensor_type = field(1, 0, 1) + field(2, 2, shape)  # elem_type FLOAT, shape
    return string(1, name) + field(2, 2, field(1, 2, tensor_type))


def node(op, inputs, outputs, name):
    return b"".join(string(1, i) for i in inputs) + b"".join(string(2, o) for o in outputs) + string(3, name) + string(4, op)


def main():
    out, size_mb = sys.argv[1], float(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    count = int(size_mb * 1_000_000) // 4
    graph = string(2, "identity_graph")
    graph += field(1, 2, node("Identity", ["x"], ["y"], "copy_x"))
    graph += field(11, 2, value_info("x", ["N", 4]))
    graph += field(12, 2, value_info("y", ["N", 4]))
    if count > 0:
        rng = random.Random(seed)
        # A random prefix keeps models of different seeds distinct; the rest is a cheap repeated pattern.
        head = struct.pack("<256f", *[rng.random() for _ in range(256)])
        raw = (head * (count // 256 + 1))[: count * 4]
        tensor = field(1, 0, count) + field(2, 0, 1) + string(8, "W") + field(9, 2, raw)
        graph += field(5, 2, tensor)
        graph += field(1, 2, node("Identity", ["W"], ["w"], "copy_w"))
        graph += field(12, 2, value_info("w", [count]))
    model = field(1, 0, 8) + string(2, "slipway-bench") + field(8, 2, field(2, 0, 17)) + field(7, 2, graph)
    with open(out, "wb") as f:
        f.write(model)


if __name__ == "__main__":
    main()
