"""Compute each indicator's measure from a unit's validated inputs. Pure functions, no rules here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from engine.criteria.model import RATE_SCALE, CriteriaSet, Indicator, Measure
from engine.units.validate import Unit

State = Literal["value", "empty", "missing", "invalid"]


@dataclass(frozen=True)
class MeasureValue:
    """An indicator's measure for one unit: a number, an empty denominator, or why it cannot be computed."""

    indicator: Indicator
    state: State
    value: float | None
    inputs: dict[str, Any]
    missing: tuple[str, ...] = ()


def compute(measure: Measure, inputs: dict[str, Any]) -> tuple[State, float | None]:
    """The measure from inputs known to be present and valid.

    Rates are computed as numerator * scale / denominator in one float division: the result is the double
    nearest the exact quotient, so a value exactly on a threshold (49 of 50 = 98%) compares as equal to it.
    """
    if measure.is_rate:
        numerator, denominator = inputs[measure.numerator], inputs[measure.denominator]
        if denominator == 0:
            return "empty", None
        return "value", numerator * RATE_SCALE[measure.kind] / denominator
    value = inputs[measure.input]
    return "value", float(value)


def measure_unit(criteria: CriteriaSet, unit: Unit) -> list[MeasureValue]:
    bad = {error.input for error in unit.errors}
    values = unit.values
    out = []
    for indicator, names in _inputs_of(criteria):
        inputs = {name: values.get(name) for name in names}
        if None not in inputs.values() and not bad:  # the usual case: every input present and valid
            state, value = compute(indicator.measure, inputs)
            out.append(MeasureValue(indicator, state, value, inputs))
            continue
        missing = tuple(name for name in names if inputs[name] is None and name not in bad)
        if any(name in bad for name in names):
            out.append(MeasureValue(indicator, "invalid", None, inputs))
        elif missing:
            out.append(MeasureValue(indicator, "missing", None, inputs, missing))
        else:
            state, value = compute(indicator.measure, inputs)
            out.append(MeasureValue(indicator, state, value, inputs))
    return out


_INPUTS: dict[int, tuple[CriteriaSet, list[tuple[Indicator, tuple[str, ...]]]]] = {}


def _inputs_of(criteria: CriteriaSet) -> list[tuple[Indicator, tuple[str, ...]]]:
    """Each indicator with the inputs its measure reads, once per criteria set (kept alongside, so its id is
    never reused by another)."""
    known = _INPUTS.get(id(criteria))
    if known is None:
        known = _INPUTS[id(criteria)] = (criteria, [(ind, ind.measure.inputs) for _, ind in criteria.indicators])
    return known[1]
