"""Scoring files whose units fall in different periods: each unit by the criteria set in force on the last day of
its period (engine/criteria/versions.py picks the set). Used by batches, documents and what-if."""
from __future__ import annotations


from engine.criteria.model import CriteriaSet
from engine.criteria.versions import PERIOD_INPUT, CriteriaLibrary, PeriodError
from engine.messages import Message
from engine.readers.records import DataError, Record
from engine.results.model import UnitResult
from engine.rules.evaluate import evaluate_units
from engine.units.validate import Unit, validate_records


def evaluate_records(library: CriteriaLibrary, records: list[Record], units: list[Unit] | None = None,
                     strict_units: bool = False) -> list[UnitResult]:
    """Each record validated and scored by the set of its period, results in input order (`units`, when given,
    receives each validated unit in the same order). A unit whose period cannot be dated is validated against
    the current set, which reports the period (engine/periods.py), and names no set; one whose period picks no
    set is reported invalid the same way. strict_units: a code or name not matching the official list of units
    is a data error (else a warning; engine/registry/checks.py)."""
    chosen: dict[str, tuple[CriteriaSet, Message | None, bool]] = {}  # by repr(period): a batch holds few periods
    by_set: dict[int, tuple[CriteriaSet, list[int]]] = {}  # the records each set validates, by the set's id
    picked: list[tuple[object, tuple[CriteriaSet, Message | None, bool]]] = []  # (period as given, its choice)
    for index, record in enumerate(records):
        period = record.data.get(PERIOD_INPUT) if isinstance(record.data, dict) else None
        key = repr(period)  # a period may be any value a file holds, a list included: repr is hashable
        if key not in chosen:
            try:
                chosen[key] = library.for_period(period), None, True
            except PeriodError as error:
                # A period that cannot be dated is reported by validation itself (the same data error wherever a
                # period is read); one that picks no set is reported here.
                message = (None if error.key == "period_format"
                           else Message(error.key, {"input": PERIOD_INPUT, **error.params}))
                chosen[key] = library.current(), message, False
        picked.append((period, chosen[key]))
        by_set.setdefault(id(chosen[key][0]), (chosen[key][0], []))[1].append(index)
    validated: list[Unit | None] = [None] * len(records)
    for criteria, indices in by_set.values():  # each set's records validated together (validate_records)
        for index, unit in zip(indices, validate_records(criteria, [records[i] for i in indices], strict_units)):
            validated[index] = unit
    groups: dict[str, tuple[CriteriaSet | None, list[int], list]] = {}
    for index, (unit, (period, (criteria, message, scored))) in enumerate(zip(validated, picked)):
        if message is not None:
            unit.errors.append(DataError(PERIOD_INPUT, unit.values.get(PERIOD_INPUT) or period, message))
        key = criteria.digest if scored else "unscored:" + criteria.digest
        group = groups.setdefault(key, (criteria, [], []))
        group[1].append(index)
        group[2].append(unit)
    results: list[UnitResult | None] = [None] * len(records)
    for key, (criteria, indices, group_units) in groups.items():
        unscored = key.startswith("unscored:")
        for index, result in zip(indices, evaluate_units(criteria, group_units)):
            if unscored:  # validated against the current set only to report its errors: no set scored it
                result.criteria_set = None
            results[index] = result
    if units is not None:
        units.extend(validated)
    return results
