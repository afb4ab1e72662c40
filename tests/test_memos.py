"""The engine's memos (engine/rules/memos.py) save time and nothing else: with any of them switched off, or all,
every result is the same as with all of them on."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import unit  # noqa: E402
from engine import api  # noqa: E402
from engine.readers.records import Record  # noqa: E402
from engine.results.model import to_data  # noqa: E402
from engine.rules import memos  # noqa: E402

LIBRARY = api.load_criteria()
RNG = random.Random(24)
# Every outcome: recognised, not recognised (plans that reach recognition and blocked ones), incomplete, invalid,
# repeated values (what the memos keep) and new ones.
RECORDS = [Record("synthetic.csv", "row", n + 2, {key: str(value) for key, value in unit(RNG, n).items()})
           for n in range(300)]
RECORDS += api.read_files(LIBRARY, [ROOT / "evaluations" / "sample-area" / "units.csv"]).records


def results() -> list:
    return [to_data(result) for result in api.score(LIBRARY, RECORDS)]


EXPECTED = results()


def test_the_batch_covers_every_status():
    assert {unit["status"] for unit in EXPECTED} == {"recognized", "not_recognized", "incomplete", "invalid"}
    assert any(unit["plan"] and unit["plan"]["changes"] for unit in EXPECTED)
    assert any(unit["plan"] and unit["plan"]["blocked_by"] for unit in EXPECTED)


@pytest.mark.parametrize("off", [[name] for name in memos.MEMOS] + [list(memos.MEMOS)])
def test_results_are_the_same_with_a_memo_off(off):
    with memos.switched_off(*off):
        assert results() == EXPECTED
    assert results() == EXPECTED  # and on again


def test_an_unknown_memo_is_refused():
    with pytest.raises(ValueError, match="unknown memo"):
        with memos.switched_off("everything"):
            pass


def test_a_memo_switched_off_is_not_read(monkeypatch):
    from engine.rules import durable_core
    posted = []
    original = durable_core.post
    monkeypatch.setattr(durable_core, "post", lambda decides, handle, bodies: posted.extend(bodies)
                        or original(decides, handle, bodies))
    results()  # everything asked already: answered from the memo
    assert posted == []
    with memos.switched_off("decisions"):
        results()
    assert len(posted) > len(RECORDS)  # every question asked of durable again


def test_the_rules_one_question_reads_no_memo_switched_off(monkeypatch):
    """criterion_outcome and unit read memos.OFF (the set switched_off changes) instead of calling memos.on: with
    "decisions" off, a question already kept is asked of durable again."""
    from engine.criteria.model import load_criteria
    from engine.rules import durable_core
    from engine.rules.compiled import rules_for

    rules = rules_for(load_criteria())
    rules.criterion_outcome(True, 5), rules.unit(0, 0, "other", 900, 0)  # kept now
    posted = []
    original = durable_core.post
    monkeypatch.setattr(durable_core, "post", lambda decides, handle, bodies: posted.extend(bodies)
                        or original(decides, handle, bodies))
    kept = rules.criterion_outcome(True, 5), rules.unit(0, 0, "other", 900, 0)
    assert posted == [] and "decisions" not in memos.OFF
    with memos.switched_off("decisions"):
        assert "decisions" in memos.OFF
        assert (rules.criterion_outcome(True, 5), rules.unit(0, 0, "other", 900, 0)) == kept
    assert len(posted) == 2 and "decisions" not in memos.OFF
