"""How long the official list of units takes to load (engine/registry), each figure in a fresh process, cold:

    python bench/bench_registry.py [--runs 7]

- first lookup: reading data/units.tsv and indexing one map's lines, then one unit (what a one-unit evaluation
  pays, once);
- the whole old map as objects (10,035 units: what a national batch's checks, a province template or --map 2025
  touch), the whole new map (3,321), the merge mapping both ways.
Medians of --runs runs, in milliseconds of processor time (the machine may be shared: wall time would
measure the neighbours).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = {
    "first lookup (old map)": "lookup('09652', dt.date(2024, 12, 31))",
    "first lookup (new map)": "lookup('09574', dt.date(2025, 12, 31))",
    "every unit of the old map": "admin_map('old').units",
    "every unit of the new map": "admin_map('2025').units",
    "merge mapping, both ways": "merge.predecessors('09574'); merge.successors('09652')",
}
CODE = """
import datetime as dt, sys, time
import engine.text  # pydantic: imported by every command anyway, not the registry's cost
t = time.process_time()
from engine.registry import admin_map, lookup, merge
{step}
print((time.process_time() - t) * 1000)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for name, step in STEPS.items():
        times = [float(subprocess.run([sys.executable, "-c", CODE.format(step=step)], cwd=ROOT, check=True,
                                      capture_output=True, text=True).stdout) for _ in range(args.runs)]
        print(f"{name:<30} {statistics.median(times):7.1f} ms  (min {min(times):.1f}, max {max(times):.1f})")


if __name__ == "__main__":
    main()
