#!/usr/bin/env python3
"""Prediction-log write cost by SQLite page size (the choice behind PredictionLogStore's 4 KiB pages).

Appends rows shaped like the prediction log's (request id, model, version, time, an input blob, an output blob; the
(model, request_id) and (model, version) indexes) in group commits of 230 rows, 16 rows per INSERT (as GroupedInsert),
WAL with synchronous=NORMAL and temp_store=MEMORY (as the server's writer), and prints CPU per row and bytes written per
row, for request ids that grow (the server's own) or are random (UUIDv4 sent by clients).

    python3 bench/prediction-log-pages.py [--rows N] [--pages 4096,16384,32768] [--sizes 200,4500]

4,500-byte blobs are a bc_rf batch-32 request's tensors, 200 bytes an iris request's. Python's sqlite3 is the same
library the server links; its own overhead is the same for every page size, so compare the columns, not the values.
"""
import argparse
import os
import sqlite3
import tempfile
import time
import uuid


def run(page, random_ids, rowsize, total, directory):
    path = os.path.join(directory, f"log-{page}.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA page_size={page}")
    db.execute("PRAGMA journal_mode=wal")
    db.execute("PRAGMA synchronous=normal")
    db.execute("PRAGMA temp_store=memory")
    db.execute(
        "CREATE TABLE prediction(id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, "
        "model TEXT NOT NULL CHECK (length(model) > 0), version INTEGER, arrived_at REAL, inputs BLOB NOT NULL, outputs BLOB NOT NULL)")
    db.execute("CREATE INDEX by_request ON prediction(model, request_id)")
    db.execute("CREATE INDEX by_version ON prediction(model, version)")
    blob = os.urandom(rowsize)
    written0 = int(open("/proc/self/io").read().split("wchar: ")[1].split("\n")[0])
    cpu0 = time.process_time()
    n = 0
    batch = 230
    while n < total:
        db.execute("BEGIN")
        rows = []
        for _ in range(batch):
            n += 1
            rid = str(uuid.uuid4()) if random_ids else f"01a21df0-0d8c-{n:016x}"
            rows.append((rid, "m", 1, time.time(), blob, b"x" * 100))
        for k in range(0, batch, 16):
            chunk = rows[k:k + 16]
            db.execute(
                "INSERT INTO prediction(request_id, model, version, arrived_at, inputs, outputs) VALUES "
                + ",".join(["(?,?,?,?,?,?)"] * len(chunk)), [v for r in chunk for v in r])
        db.execute("COMMIT")
    cpu = time.process_time() - cpu0
    written = int(open("/proc/self/io").read().split("wchar: ")[1].split("\n")[0]) - written0
    db.close()
    return cpu / n * 1e6, written / n / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--pages", default="4096,16384,32768")
    parser.add_argument("--sizes", default="200,4500")
    args = parser.parse_args()
    print(f"{'blob':>6} {'ids':>7} {'page':>6} {'cpu us/row':>11} {'KB written/row':>15}")
    for size in [int(s) for s in args.sizes.split(",")]:
        for random_ids in (False, True):
            for page in [int(p) for p in args.pages.split(",")]:
                with tempfile.TemporaryDirectory() as directory:
                    cpu, kb = run(page, random_ids, size, args.rows, directory)
                print(f"{size:>6} {'random' if random_ids else 'growing':>7} {page:>6} {cpu:>11.1f} {kb:>15.1f}")


if __name__ == "__main__":
    main()
