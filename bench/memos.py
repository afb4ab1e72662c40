"""What each of the engine's memos saves (engine/rules/memos.py): the engine alone on the same validated units with
every memo on, then with each one off, then all off — µs per unit of this process's CPU, best of `--runs`, each
run with empty memos, as in a fresh worker (results are the same in every case: tests/test_memos.py).

    python bench/memos.py                  # 10,600 units, best of 3
    python bench/memos.py --units 2000 --runs 5

The cases take turns (on, one off, on, the next off, ...), so that a machine slowing down during the run shows
in every case alike; each "off" is printed against the "on" runs beside it.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import write  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_600)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from engine.criteria.model import load_criteria
    from engine.readers import read_records
    from engine.rules import compiled, memos
    from engine.rules.evaluate import evaluate_units
    from engine.units.validate import validate_record

    criteria = load_criteria()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "units.csv"
        write(path, args.units, args.seed)
        units = [validate_record(criteria, record) for record in read_records(path, criteria)]
    list(evaluate_units(criteria, units[:10]))  # warm: rulesets registered

    def engine(off: tuple[str, ...]) -> float:
        best = float("inf")
        for _ in range(args.runs):
            compiled._COMPILED.clear()  # empty memos, as in a fresh worker
            gc.collect()
            with memos.switched_off(*off):
                start = time.process_time()
                for _ in evaluate_units(criteria, units):
                    pass
                best = min(best, time.process_time() - start)
        return best / len(units) * 1e6

    print(f"engine alone, {len(units):,} units, µs per unit (best of {args.runs}), load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    cases = [(name,) for name in memos.MEMOS] + [tuple(memos.MEMOS)]
    for off in cases:
        before, without, after = engine(()), engine(off), engine(())
        on = min(before, after)
        label = "all off" if len(off) > 1 else f"{off[0]} off"
        print(f"  {label:<22} {without:8.0f} µs  against {on:6.0f} µs all on: it saves {without - on:6.0f} µs "
              f"({(without - on) / without:5.1%} of the engine without it)", flush=True)


if __name__ == "__main__":
    main()
