#!/usr/bin/env bash
# Prints the path of the release `slipway` the benchmarks measure: $SLIPWAY_BIN when set, else this checkout's,
# built first through the shared build lock (one Swift build at a time on the machine). A failed build prints
# the end of its log on stderr and exits non-zero.
#   SLIPWAY_BIN=$(bench/release-binary.sh) || exit 1
set -euo pipefail
if [ -n "${SLIPWAY_BIN:-}" ]; then
    echo "$SLIPWAY_BIN"
    exit 0
fi
cd "$(dirname "$0")/.."
log=$(mktemp /tmp/slipway-bench-build.XXXXXX)
trap 'rm -f "$log"' EXIT
flock /tmp/slipway-swift-build.lock swift build -c release --product slipway > "$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
echo "$(swift build -c release --show-bin-path)/slipway"
