#!/usr/bin/env bash
# Regenerates Sources/SlipwayONNX/Generated/*.pb.swift from proto/onnx/*.proto.
#
# proto/onnx/onnx-ml.proto and onnx-data.proto are copied unchanged from the onnx 1.23.2 wheel.
# Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift from swift-protobuf 1.39.0,
# the same version Package.swift depends on. The generated file is committed: CI never runs this.
#
#   scripts/generate-onnx-proto.sh [PATH-TO-protoc-gen-swift]
set -euo pipefail
cd "$(dirname "$0")/.."
plugin="${1:-}"
if [ -z "$plugin" ]; then
    work="${TMPDIR:-/tmp}/slipway-protoc-gen-swift"
    if [ ! -x "$work/.build/release/protoc-gen-swift" ]; then
        rm -rf "$work"
        git clone -q https://github.com/apple/swift-protobuf.git "$work"
        git -C "$work" checkout -q 1.39.0
        (cd "$work" && swift build -c release --product protoc-gen-swift)
    fi
    plugin="$work/.build/release/protoc-gen-swift"
fi
command -v protoc >/dev/null || { echo "protoc not found: apt-get install protobuf-compiler" >&2; exit 1; }
protoc --plugin=protoc-gen-swift="$plugin" \
    --swift_out=Sources/SlipwayONNX/Generated \
    --swift_opt=Visibility=Public \
    --swift_opt=UseAccessLevelOnImports=true \
    -I proto proto/onnx/onnx-ml.proto proto/onnx/onnx-data.proto
ls Sources/SlipwayONNX/Generated
