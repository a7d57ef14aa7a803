#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need, checks formatting and layering,
# builds, runs every test. Tests that need ../shared skip with a message where it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

# promtool validates /metrics (Tests/SlipwayHTTPTests/MonitoringServeTests); that test skips without it.
if ! command -v promtool >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "== installing promtool (Debian package prometheus)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } >/dev/null 2>&1 || echo "promtool not installed; the /metrics format test will skip"
fi

echo "== format (swift format lint, .swift-format)"
scripts/check-format.sh

echo "== layering (engine targets import nothing server-side)"
scripts/check-layering.sh

# The drift report test renders a page in headless Chromium; it skips when Chromium is absent.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "== chromium (drift report rendering test)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || echo "chromium not installed; that test will skip"
fi

echo "== build"
swift build --build-tests

echo "== tests"
swift test --skip-build --parallel 2>&1 | tee .build/test-output.txt

echo "== integration (the real binary driven by tritonclient[http], then schemathesis on /openapi.json)"
Tests/Integration/run.sh
