"""What-if: re-score units with some inputs changed and say what that changes, before a commune submits."""
from __future__ import annotations

from dataclasses import dataclass

from engine.criteria.model import CriteriaSet
from engine.criteria.versions import CriteriaLibrary
from engine.messages import Message, MessageError
from engine.readers.records import Record
from engine.results.model import Plan, UnitResult


# Inputs a result keeps as fields of its own (not among any indicator's inputs).
IDENTITY = ("unit_code", "unit_name", "district", "province", "period", "category")


class WhatIfError(MessageError, ValueError):
    """A --set that names no declared input or is not written name=value."""


def parse_changes(library: CriteriaLibrary | CriteriaSet, assignments: tuple[str, ...]) -> dict[str, str]:
    """--set INPUT=VALUE arguments as {input: value}. An input is known when some set of the library declares
    it (the set that scores a unit is chosen by its period, which --set may change too)."""
    library = CriteriaLibrary.of(library)
    known = {name for criteria in library.sets for name in criteria.input_by_name}
    changes = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        name = name.strip()
        if not sep:
            raise WhatIfError("whatif_syntax", assignment=assignment)
        if name not in known:
            raise WhatIfError("whatif_unknown", assignment=assignment, name=name, criteria=library.id)
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


def describe(comparison: Comparison, changes: dict[str, str], lang: str) -> list[str]:
    """The changed inputs, then every criterion and indicator whose points moved, then the decision."""
    before, after = comparison.before, comparison.after
    status = {s: Message(f"status_{s}").render(lang) for s in (before.status, after.status)}
    title = f"{after.unit_code or '?'} {after.unit_name or ''}".strip()
    lines = [f"{title}: {before.total} → {after.total}  ({status[before.status]} → {status[after.status]})"]
    old_inputs = {name: value for c in before.criteria for i in c.indicators for name, value in i.inputs.items()}
    for name, value in changes.items():
        if name in IDENTITY:  # kept on the result as read: the period in its one spelling ("２０２４-h1" → 2024-H1)
            old, new = getattr(before, name), getattr(after, name)
            lines.append(f"    {name}: {'?' if old is None else old} → {value if new is None else new}")
        else:
            lines.append(f"    {name}: {old_inputs.get(name, '?')} → {value}")
    old_indicators = {i.id: i for c in before.criteria for i in c.indicators}
    old_criteria = {c.number: c for c in before.criteria}  # by number: a changed period may pick another set
    word = "tiêu chí" if lang == "vi" else "criterion"
    for new_criterion in after.criteria:
        old_criterion = old_criteria.get(new_criterion.number)
        old_points = old_criterion.points if old_criterion is not None else "—"
        if old_points == new_criterion.points:
            continue
        lines.append(f"    {word} {new_criterion.number}: {old_points} → {new_criterion.points}")
        for indicator in new_criterion.indicators:
            old = old_indicators.get(indicator.id)
            if old is None or old.points != indicator.points:
                shown = lambda ind: ind.measure_display(lang) if ind.measure_display else "—"  # noqa: E731
                points = lambda ind: "—" if ind.points is None else ind.points  # noqa: E731
                before_text = f"{shown(old)}" if old is not None else "—"
                before_points = points(old) if old is not None else "—"
                lines.append(f"        {indicator.id}: {before_text} → {shown(indicator)}, "
                             f"{before_points} → {points(indicator)}")
    lines += [f"    ✗ {error(lang)}" for error in after.errors]
    lines += [f"    • {reason.message(lang)}" for reason in after.reasons if reason.code != "invalid"]
    return lines
