"""A unit's identity: its code, folded so that codes that only look alike are one code.

Officials type codes on phones, Macs and office PCs and paste them from Word: the same "09916" arrives with
full-width digits (０９９１６), a zero-width space copied along with it, a soft hyphen, or decomposed (NFD)
letters in a letter code. cfc folds what Unicode says is the same (NFKC) and drops invisible characters before
any comparison — the duplicate check in a batch, history and submissions, aggregation, the registry — so each
of those is the unit 09916. What remains different (a space inside the code, a letter O for a zero) stays
different: cfc never guesses.
"""
from __future__ import annotations

from typing import Any

from engine.periods import fold
from engine.text import SURROGATE

UNIT_CODE_INPUT = "unit_code"  # the identity input naming a unit


def normalise_code(code: str) -> str:
    """The code as cfc compares it: NFKC, without invisible characters, trimmed."""
    return fold(code)


def code_key(value: Any) -> str | None:
    """A unit code as a lookup key (history, submissions, aggregate): None when blank or not text — a lone
    surrogate (a command-line argument holding bytes that are not UTF-8, "\\ud800" in JSON) is no text, and no
    database can be asked for it."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or SURROGATE.search(value):
        return None
    code = normalise_code(value)
    return code or None
