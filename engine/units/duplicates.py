"""Unit codes seen more than once in a batch: which of the repeated rows is right is unknown, so each is
invalid and names the others."""
from __future__ import annotations

from typing import Iterable

from engine.messages import Message
from engine.readers.records import DataError, Record
from engine.text import Text, nfc
from engine.units.codes import UNIT_CODE_INPUT
from engine.units.values import ValueProblem, unit_code


def unit_code_of(record: Record) -> str | None:
    """The unit code as validation will read it (folded: engine/units/codes.py), without validating the rest
    of the record."""
    if not isinstance(record.data, dict):
        return None
    data = record.data
    if UNIT_CODE_INPUT in data:  # a reader's record: its keys are the declared names
        raw = data[UNIT_CODE_INPUT]
    else:
        raw = next((v for k, v in data.items() if nfc(str(k)).strip() == UNIT_CODE_INPUT), None)
    try:
        return unit_code(raw)
    except ValueProblem:
        return None


def find_duplicates(records: Iterable[Record]) -> dict[str, list[Record]]:
    """Unit codes that appear more than once, with the place of every record holding them."""
    return group_duplicates((unit_code_of(record), record.location()) for record in records)


def group_duplicates(places: Iterable[tuple[str | None, Record]]) -> dict[str, list[Record]]:
    """From (unit code, place) pairs: the codes seen more than once, with all their places. Keeps only places,
    never records' content: cheap on a national file."""
    first: dict[str, Record] = {}
    repeated: dict[str, list[Record]] = {}
    for code, place in places:
        if code is None:
            continue
        if code in first:
            repeated.setdefault(code, [first[code]]).append(place)
        else:
            first[code] = place
    return repeated


def mark_duplicate(record: Record, duplicates: dict[str, list[Record]]) -> Record:
    """Which of the repeated rows is right is unknown, so each is invalid, naming the others."""
    code = unit_code_of(record)
    if code in duplicates:
        others = [r for r in duplicates[code] if not r.same_place(record)]
        place = Text.of(*("; ".join(r.where(lang) for r in others) for lang in ("vi", "en")))
        record.problems.append(DataError("unit_code", code, Message("duplicate_unit", {"value": code, "other": place})))
    return record
