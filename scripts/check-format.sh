#!/usr/bin/env bash
# Fails when `swift format` would change any hand-written Swift file (generated protobuf code excluded).
# Fix with: scripts/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files -co --exclude-standard 'Package.swift' 'Sources/*.swift' 'Tests/*.swift' | grep -v '/Generated/' || true)
if [ "${1:-}" = "--fix" ]; then
    echo "$files" | xargs swift format format -i
    exit 0
fi
out=$(echo "$files" | xargs swift format lint 2>&1 || true)
if [ -n "$out" ]; then
    echo "$out" | head -50
    echo "swift format found $(echo "$out" | wc -l) problem(s); run scripts/check-format.sh --fix" >&2
    exit 1
fi
echo "format ok"
