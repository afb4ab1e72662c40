"""The engine called from several threads at once, as `cfc serve` does (two uploads read together, page
evaluations in its thread pool): every answer is the one a lone call gives. The memos are shared and trimmed
as they fill, so the units here are many and varied enough to make them trim while other threads read."""
from __future__ import annotations

import random
import threading
from pathlib import Path

from engine import api

ROOT = Path(__file__).resolve().parent.parent


def _varied_units(count: int, seed: int) -> list[dict]:
    library = api.load_criteria()
    base = api.read_files(library, [ROOT / "evaluations" / "sample-area" / "units.csv"]).records[0].data
    rng = random.Random(seed)
    units = []
    for n in range(count):
        unit = dict(base, unit_code=f"9{seed}{n:04d}")
        for name, value in base.items():
            if isinstance(value, str) and value.isdigit() and name not in ("unit_code", "period"):
                unit[name] = str(rng.randint(0, 3000))
        units.append(unit)
    return units


def _answers(library, units) -> list[tuple]:
    return [(e.result.unit_code, e.result.status, e.result.total, tuple(c.points for c in e.result.criteria))
            for e in api.evaluate(library, units)]


def test_threads_at_once_give_what_one_call_gives():
    library = api.load_criteria()
    work = [_varied_units(600, seed) for seed in range(4)]
    expected = [_answers(library, units) for units in work]
    got: dict[int, list] = {}
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            for _ in range(2):
                got[index] = _answers(library, work[index])
        except BaseException as error:  # noqa: BLE001 - the thread's failure is the test's
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not failures, failures
    assert [got[i] for i in range(len(work))] == expected
    assert len({status for answers in expected for _, status, _, _ in answers}) > 1  # varied, not one answer
