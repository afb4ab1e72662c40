"""What-if: re-score units with some inputs changed and say what that changes, before a commune submits."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine import loading
from engine.criteria.model import CriteriaSet
from engine.rules.evaluate import evaluate_units
from engine.units.validate import validate_record
from engine.messages import Message, MessageError
from engine.readers.records import Record
from engine.results.model import Plan, UnitResult


class WhatIfError(MessageError, ValueError):
    """A --set that names no declared input or is not written name=value."""


def parse_changes(criteria: CriteriaSet, assignments: tuple[str, ...]) -> dict[str, str]:
    changes = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        name = name.strip()
        if not sep:
            raise WhatIfError("whatif_syntax", assignment=assignment)
        if name not in criteria.input_by_name:
            raise WhatIfError("whatif_unknown", assignment=assignment, name=name, criteria=criteria.instrument.id)
        changes[name] = value.strip()
    return changes


def with_changes(record: Record, changes: dict[str, str]) -> Record:
    """The record with `changes` written over its values (what --set does to every unit)."""
    if not isinstance(record.data, dict):
        return record
    return type(record)(record.source, record.kind, record.number, {**record.data, **changes}, list(record.problems))


def plan_assignments(plan: Plan) -> tuple[str, ...]:
    """A plan's changes as --set arguments: applying them re-scores the unit as the plan promises."""
    return tuple(f"{c.input}={('yes' if c.to else 'no') if isinstance(c.to, bool) else c.to}" for c in plan.changes)


@dataclass
class Comparison:
    before: UnitResult
    after: UnitResult


def compare(criteria: CriteriaSet, paths: list[str | Path], changes: dict[str, str]) -> tuple[list[Comparison], list[str]]:
    """Each unit scored as given and with `changes` applied (the same validation applies to both)."""
    plan = loading.plan(paths, criteria)
    records, file_errors = list(loading.records(plan)), plan.file_errors
    changed = [with_changes(r, changes) for r in records]
    before = evaluate_units(criteria, [validate_record(criteria, r) for r in records])
    after = evaluate_units(criteria, [validate_record(criteria, r) for r in changed])
    return [Comparison(b, a) for b, a in zip(before, after)], file_errors


def describe(comparison: Comparison, changes: dict[str, str], lang: str) -> list[str]:
    """The changed inputs, then every criterion and indicator whose points moved, then the decision."""
    before, after = comparison.before, comparison.after
    status = {s: Message(f"status_{s}").render(lang) for s in (before.status, after.status)}
    title = f"{after.unit_code or '?'} {after.unit_name or ''}".strip()
    lines = [f"{title}: {before.total} → {after.total}  ({status[before.status]} → {status[after.status]})"]
    old_inputs = {name: value for c in before.criteria for i in c.indicators for name, value in i.inputs.items()}
    for name, value in changes.items():
        lines.append(f"    {name}: {old_inputs.get(name, '?')} → {value}")
    old_indicators = {i.id: i for c in before.criteria for i in c.indicators}
    word = "tiêu chí" if lang == "vi" else "criterion"
    for old_criterion, new_criterion in zip(before.criteria, after.criteria):
        if old_criterion.points == new_criterion.points:
            continue
        lines.append(f"    {word} {new_criterion.number}: {old_criterion.points} → {new_criterion.points}")
        for indicator in new_criterion.indicators:
            old = old_indicators[indicator.id]
            if old.points != indicator.points:
                shown = lambda ind: ind.measure_display(lang) if ind.measure_display else "—"  # noqa: E731
                points = lambda ind: "—" if ind.points is None else ind.points  # noqa: E731
                lines.append(f"        {indicator.id}: {shown(old)} → {shown(indicator)}, "
                             f"{points(old)} → {points(indicator)}")
    lines += [f"    ✗ {error(lang)}" for error in after.errors]
    lines += [f"    • {reason.message(lang)}" for reason in after.reasons if reason.code != "invalid"]
    return lines
