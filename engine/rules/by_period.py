"""Scoring files whose units fall in different periods: each unit by the criteria set in force on the last day of
its period (engine/criteria/versions.py picks the set). Used by batches, documents and what-if."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from engine import loading
from engine.criteria.model import CriteriaSet
from engine.criteria.versions import PERIOD_INPUT, CriteriaLibrary, PeriodError, mixed_sets
from engine.messages import Message
from engine.readers.records import DataError, Record
from engine.results.model import BatchResult, UnitResult
from engine.rules.evaluate import evaluate_units
from engine.units.validate import validate_record


def evaluate_records(library: CriteriaLibrary, records: list[Record]) -> list[UnitResult]:
    """Each record validated and scored by the set of its period, results in input order. A unit whose
    period picks no set is validated against the current set, reported invalid, and names no set."""
    groups: dict[str, tuple[CriteriaSet | None, list[int], list]] = {}
    chosen: dict[str, tuple[CriteriaSet, Message | None]] = {}  # by repr(period): a batch holds few periods
    for index, record in enumerate(records):
        period = record.data.get(PERIOD_INPUT) if isinstance(record.data, dict) else None
        key = repr(period)  # a period may be any value a file holds, a list included: repr is hashable
        if key not in chosen:
            try:
                chosen[key] = library.for_period(period), None
            except PeriodError as error:
                chosen[key] = library.current(), Message(error.key, {"input": PERIOD_INPUT, **error.params})
        criteria, message = chosen[key]
        problem = None if message is None else DataError(PERIOD_INPUT, period, message)
        unit = validate_record(criteria, record)
        if problem:
            unit.errors.append(problem)
        key = criteria.digest if problem is None else "unscored:" + criteria.digest
        group = groups.setdefault(key, (criteria, [], []))
        group[1].append(index)
        group[2].append(unit)
    results: list[UnitResult | None] = [None] * len(records)
    for key, (criteria, indices, units) in groups.items():
        unscored = key.startswith("unscored:")
        for index, result in zip(indices, evaluate_units(criteria, units)):
            if unscored:  # validated against the current set only to report its errors: no set scored it
                result.criteria_set = None
            results[index] = result
    return results


def set_for_paths(library: CriteriaLibrary, paths: Iterable[str | Path]) -> CriteriaSet:
    """The one set scoring every unit of these files. Raises PeriodError or ValueError as for_periods."""
    records = list(loading.records(loading.plan(paths, library.current())))
    return library.for_periods(r.data.get(PERIOD_INPUT) for r in records if isinstance(r.data, dict))


def evaluate_paths(library: CriteriaLibrary, paths: Iterable[str | Path]) -> tuple[CriteriaSet, BatchResult]:
    """Every unit of these files scored by its period's set, for a document about them; returns the one set
    that scored them (the current set when none was scored). Raises ValueError when their periods need
    different sets: one document speaks of one set."""
    plan = loading.plan(paths, library.current())
    records, file_errors = list(loading.records(plan)), plan.file_errors
    units = evaluate_records(library, records)
    used = {unit.criteria_set.digest for unit in units if unit.criteria_set is not None}
    if len(used) > 1:
        raise mixed_sets(f"{u.criteria_set.id} ({u.criteria_set.effective})" for u in units if u.criteria_set)
    criteria = next((cs for cs in library.sets if cs.digest in used), library.current())
    return criteria, BatchResult(criteria_id=criteria.instrument.id, criteria_source=criteria.source,
                                 criteria_digest=criteria.digest, units=units, file_errors=file_errors)
