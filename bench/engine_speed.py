"""The engine alone, beside the reference scorer: µs per unit from validated units to results (scores,
decision, reasons, gaps and the improvement plan), and the same units through tests/reference.py.

    python bench/engine_speed.py                  # 2,000 generated units, best of 3 runs
    python bench/engine_speed.py --units 10600 --runs 1

Both run in this one process on the same validated units; the ratio is engine time / reference time. The
engine is warmed on a few units first (ruleset registered) but its memo starts empty in every run, as in a
fresh worker process. Times are this process's CPU time (time.process_time), which waiting for a core on a
shared machine does not inflate (contention for caches still does); wall time is printed beside it, with
the load average.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.generate import write  # noqa: E402


def measure(units_count: int, runs: int, seed: int) -> dict[str, float]:
    import reference
    from engine.readers import read_records
    from engine.rules import compiled as rules
    from engine.criteria.model import default_criteria_path, load_criteria
    from engine.rules.evaluate import evaluate_units
    from engine.units.validate import validate_record

    criteria = load_criteria()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "units.csv"
        write(path, units_count, seed)
        units = [validate_record(criteria, record) for record in read_records(path)]
    list(evaluate_units(criteria, units[:10]))  # warm: ruleset registered, models built
    posted = [0.0]
    original = rules.CompiledRules._post

    def timed_post(self, part, bodies):
        start = time.process_time()
        try:
            return original(self, part, bodies)
        finally:
            posted[0] += time.process_time() - start

    engine_times, wall_times, durable_times = [], [], []
    rules.CompiledRules._post = timed_post
    try:
        for _ in range(runs):
            rules._COMPILED.clear()  # an empty memo, as in a fresh worker
            posted[0] = 0.0
            start, wall = time.process_time(), time.perf_counter()
            planned = 0
            for result in evaluate_units(criteria, units):  # consumed as a worker does: rendered, then dropped
                planned += result.plan is not None and bool(result.plan.changes)
            engine_times.append(time.process_time() - start)
            wall_times.append(time.perf_counter() - wall)
            durable_times.append(posted[0])
    finally:
        rules.CompiledRules._post = original
    raw = reference.load(default_criteria_path())
    reference_times = []
    for _ in range(runs):
        start = time.process_time()
        for unit in units:
            reference.evaluate(raw, unit.values)
        reference_times.append(time.process_time() - start)
    n = len(units)
    best = min(range(runs), key=lambda i: engine_times[i])
    return {"units": n, "engine_us": engine_times[best] / n * 1e6, "wall_us": wall_times[best] / n * 1e6,
            "durable_us": durable_times[best] / n * 1e6, "reference_us": min(reference_times) / n * 1e6,
            "ratio": engine_times[best] / min(reference_times),
            "planned": planned}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    figures = measure(args.units, args.runs, args.seed)
    print(f"engine alone, {figures['units']:,} units (best of {args.runs}), load average {load:.1f} on "
          f"{os.cpu_count()} cores:")
    print(f"  engine    {figures['engine_us']:8.0f} µs/unit CPU  (scores, decision, gaps and plan; of which "
          f"durable_rules {figures['durable_us']:.0f} µs; wall {figures['wall_us']:.0f} µs)")
    print(f"  reference {figures['reference_us']:8.0f} µs/unit CPU  (tests/reference.py: scores and decision only)")
    print(f"  ratio     {figures['ratio']:8.1f}×   ({figures['planned']:,} units got a plan with changes)")


if __name__ == "__main__":
    main()
