"""Every memo the engine keeps: what it saves, and the switch that turns it off.

The rules decide every value (engine/rules/rulesets.py); a memo only keeps what was already worked out from
their answers, so that a value seen again is not asked, measured or worded again. Every memo is bounded and can
be switched off — `CFC_MEMOS_OFF=decisions,indicator_views` in the environment, or `switched_off(...)` in a
program — and the results are the same either way (tests/test_memos.py), only slower. bench/memos.py measures
each one off against all on.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

MEMOS = {
    "decisions": "the rules' answer to each distinct question (an indicator's measure and a unit's figures by "
                 "the class of values their rules' bounds cannot tell apart, a criterion's points), and a "
                 "criterion's whole row of answers asked at once (engine/rules/decision_memo.py): durable is asked "
                 "each distinct question once",
    "indicator_views": "each distinct (indicator, inputs) measured, decided, explained and given its gap once, "
                       "shared by the units that give it; the indicators' shelves share one limit by how often "
                       "their keys come back (engine/rules/views.py, Shelves: 12% fewer views built on the "
                       "national batch than equal shares)",
    "criterion_views": "each distinct set of a criterion's indicator views summed, decided and built into its "
                       "result once; a criterion of one indicator keeps it on that indicator's view "
                       "(engine/rules/views.py)",
    "reaches": "the candidate values of an indicator at a denominator and points, and the band the rules put "
               "each in, read by gaps and plans (engine/rules/views.py, Reach in engine/rules/gaps.py)",
    "plan_options": "each action input's plan options per shape of its indicators (engine/rules/plan.py)",
    "wordings": "sentences worded once per indicator, band and figures: gaps, reasons, blocks, measures as shown "
                "(engine/rules/gaps.py, scoring.py, plan.py); the words of a result's source before its record's "
                "number, per file (evaluate.py)",
}

_off: set[str] = {name for name in os.environ.get("CFC_MEMOS_OFF", "").split(",") if name}
if _off - MEMOS.keys():
    raise SystemExit(f"CFC_MEMOS_OFF: unknown memo {sorted(_off - MEMOS.keys())}; known: {', '.join(MEMOS)}")


# The memos switched off now, for the few places that ask per question rather than per batch (the rules' memo is
# read ~11 times a unit by gaps and plans): `"decisions" not in memos.OFF` is on(), without a call (~4k
# instructions a unit). switched_off changes this set in place.
OFF = _off


def on(name: str) -> bool:
    """Whether memo `name` (one of MEMOS) keeps what it is given."""
    return name not in _off


def kept(name: str, store):
    """`store` while memo `name` is on; else an empty dict, which keeps nothing past the caller's use."""
    return store if name not in _off else {}


@contextmanager
def switched_off(*names: str) -> Iterator[None]:
    """Within the block, the named memos keep nothing (a memo already filled is not read)."""
    unknown = set(names) - MEMOS.keys()
    if unknown:
        raise ValueError(f"unknown memo {sorted(unknown)}")
    before = set(_off)
    _off.update(names)
    try:
        yield
    finally:
        _off.clear()
        _off.update(before)
