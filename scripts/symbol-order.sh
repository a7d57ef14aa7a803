#!/usr/bin/env bash
# Regenerates scripts/symbol-order/serve.order, the order in which the release link (Package.swift,
# `releaseLinkSettings`) lays out code: the functions `slipway serve` runs with the whole model zoo loaded and
# answering (start-up, model loading and planning, one batch-1 and one batch-64 request per model, health and
# metadata), first and next to each other, so that their pages are resident and the rest stays on disk.
#   1. builds the release binary with a link map;
#   2. runs it under scripts/symbol-order/touchtrace.c (LD_PRELOAD), which records exactly the code pages used;
#   3. writes, in address order, one symbol per input section (a function, or an object file's whole .text for
#      dependencies compiled without function sections) that overlaps a used page.
# Run it after changes that move much code (new dependencies, a Swift upgrade); a stale order still links (unknown
# names are skipped) and new functions simply land after the ordered ones.
#   scripts/symbol-order.sh        (SLIPWAY_SHARED=path to the shared folder, default ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SLIPWAY_SHARED:-../shared}
zoo=$shared/modelzoo
[ -f "$zoo/index.json" ] || { echo "no model zoo at $zoo (set SLIPWAY_SHARED)" >&2; exit 1; }
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT

flock /tmp/slipway-swift-build.lock swift build -c release --product slipway -Xlinker -Map="$work/slipway.map" \
    > "$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
cp .build/release/slipway "$work/slipway"
cc -shared -fPIC -O1 -o "$work/touchtrace.so" scripts/symbol-order/touchtrace.c

for dir in "$zoo"/*/; do
    [ -f "$dir/model.onnx" ] || continue
    "$work/slipway" models register "$(basename "$dir")" "$dir/model.onnx" --data-dir "$work/data" > /dev/null
done
SWIFT_BACKTRACE=enable=no LD_PRELOAD="$work/touchtrace.so" "$work/slipway" serve --data-dir "$work/data" --port 0 \
    > "$work/out" 2> "$work/err" &
server=$!
port=""
for _ in $(seq 300); do
    port=$(sed -n 's|^slipway serving on http://[^:]*:\([0-9]*\)$|\1|p' "$work/out" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/err" >&2; echo "slipway serve did not start" >&2; exit 1; }
curl -s "http://127.0.0.1:$port/v2/health/ready" "http://127.0.0.1:$port/v2" > /dev/null
for dir in "$zoo"/*/; do
    name=$(basename "$dir")
    curl -s "http://127.0.0.1:$port/v2/models/$name" > /dev/null
    for case_file in "$dir"/case_b1.json "$dir"/case_b64.json; do
        [ -f "$case_file" ] || continue
        python3 - "$case_file" > "$work/body.json" <<'PY'
import json, sys
case = json.load(open(sys.argv[1]))
print(json.dumps({"inputs": [{k: i[k] for k in ("name", "shape", "datatype", "data")} for i in case["inputs"]]}))
PY
        curl -s -o /dev/null -H 'content-type: application/json' --data-binary @"$work/body.json" \
            "http://127.0.0.1:$port/v2/models/$name/infer"
    done
done
python3 - "$server" "$work/slipway" "$work/slipway.map" scripts/symbol-order/serve.order <<'PY'
import re, struct, sys
pid, binary, link_map, out = sys.argv[1:]
PAGE = 4096
# Pages of the executable present in the process (all of them used, thanks to touchtrace).
present, mappings = set(), []
for line in open(f"/proc/{pid}/maps"):
    fields = line.split()
    if len(fields) >= 6 and fields[5] == binary:
        start, end = (int(x, 16) for x in fields[0].split("-"))
        mappings.append((start, end, int(fields[2], 16)))
bias = min(start - offset for start, end, offset in mappings)
with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
    for start, end, _ in mappings:
        pagemap.seek(start // PAGE * 8)
        entries = pagemap.read((end - start) // PAGE * 8)
        for i in range(len(entries) // 8):
            if struct.unpack_from("<Q", entries, i * 8)[0] >> 63:
                present.add((start - bias) // PAGE + i)
# Input sections of .text in the lld map: "VMA LMA SIZE ALIGN" then, indented, "file:(section)" and its symbols.
row = re.compile(r"^\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ (.*)$")
sections, current, in_text = [], None, False
for line in open(link_map):
    match = row.match(line)
    if not match:
        continue
    address, size, rest = int(match.group(1), 16), int(match.group(2), 16), match.group(3)
    name = rest.strip()
    if not rest.startswith(" "):  # an output section
        if in_text:
            break
        in_text = name == ".text"
        continue
    if not in_text:
        continue
    if ":(" in name:
        current = [address, size, None]
        sections.append(current)
    elif current is not None and current[2] is None:
        current[2] = name
used = [name for address, size, name in sections
        if name and any(page in present for page in range(address // PAGE, (address + max(size, 1) - 1) // PAGE + 1))]
chosen = set(used)
hot = sum(size for address, size, name in sections if name in chosen)
with open(out, "w") as order:
    order.write("\n".join(used) + "\n")
print(f"{len(used)} of {len(sections)} .text input sections used by serve ({hot / 1048576:.1f} MiB) -> {out}")
PY
