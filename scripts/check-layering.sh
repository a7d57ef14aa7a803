#!/usr/bin/env bash
# Dependencies point one way (../shared/docs/style.md §7.2): the tensor and engine targets import
# nothing server-side, and no Unsafe pointer code outside a Kernels folder (the engine's kernels, the storage kernel, the JSON number kernel).
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(grep -rnE '^\s*(public |internal |@testable )?import (Foundation|FoundationEssentials|Glibc|NIO[A-Za-z]*|GRDB|Hummingbird[A-Za-z]*|Logging|Metrics|Prometheus|SwiftProtobuf|ArgumentParser)\b' \
    Sources/SlipwayTensor Sources/SlipwayEngine || true)
if [ -n "$bad" ]; then
    echo "$bad"
    echo "SlipwayTensor and SlipwayEngine may import only the standard library, RealModule and each other" >&2
    exit 1
fi
bad=$(grep -rnE '^\s*(public |internal |@testable )?import (GRDB|SlipwayEngine|SlipwayONNX|ArgumentParser|Prometheus)\b' Sources/SlipwayHTTP || true)
if [ -n "$bad" ]; then
    echo "$bad"
    echo "SlipwayHTTP reaches models through SlipwayRuntime only: no GRDB, engine, ONNX, ArgumentParser or Prometheus" >&2
    exit 1
fi
bad=$(grep -rnE '^\s*(public |internal |@testable )?import (Hummingbird[A-Za-z]*|Prometheus|ArgumentParser)\b' Sources/SlipwayRuntime || true)
if [ -n "$bad" ]; then
    echo "$bad"
    echo "SlipwayRuntime is transport-free: no Hummingbird, Prometheus or ArgumentParser" >&2
    exit 1
fi
unsafe=$(grep -rln 'Unsafe[A-Za-z]*Pointer\|withUnsafe' Sources --include='*.swift' | grep -vE '^Sources/(SlipwayEngine|SlipwayStorage|SlipwayRuntime)/Kernels/' | grep -v '/Generated/' || true)
if [ -n "$unsafe" ]; then
    echo "$unsafe"
    echo "Unsafe pointer code belongs in Sources/SlipwayEngine/Kernels/, Sources/SlipwayStorage/Kernels/ or Sources/SlipwayRuntime/Kernels/ only" >&2
    exit 1
fi
echo "layering ok"
