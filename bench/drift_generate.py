"""Writes the drift benchmark's reference.csv and current.csv (bench/drift.sh).

ROWS rows each; 20 numerical columns (float, written with 6 decimals, as exported sensor or money data
usually is) and 5 categorical columns (strings); in current, 5 numerical and 2 categorical columns drift.
Seeded (7001 reference, 7002 current), so every run writes the same files.
usage: python drift_generate.py OUT_DIR ROWS
"""
import sys

import numpy as np
import pandas as pd


def table(rows: int, seed: int, drifted: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols = {}
    for i in range(20):
        loc, scale = float(i), 1.0 + i / 4
        if drifted and i < 5:
            loc += 0.5 * scale
        if i % 4 == 3:
            cols[f"num_{i:02d}"] = rng.exponential(scale, rows) + loc
        else:
            cols[f"num_{i:02d}"] = rng.normal(loc, scale, rows)
    levels = [f"level_{k}" for k in range(12)]
    for j in range(5):
        p = np.linspace(1.0, 2.0 + j, len(levels))
        if drifted and j < 2:
            p = p[::-1]
        p = p / p.sum()
        cols[f"cat_{j}"] = rng.choice(levels, size=rows, p=p)
    return pd.DataFrame(cols)


def main() -> None:
    out, rows = sys.argv[1], int(sys.argv[2])
    table(rows, 7001, False).to_csv(f"{out}/reference.csv", index=False, float_format="%.6f")
    table(rows, 7002, True).to_csv(f"{out}/current.csv", index=False, float_format="%.6f")


if __name__ == "__main__":
    main()
