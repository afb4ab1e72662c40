"""Compute each indicator's measure from a unit's validated inputs. Pure functions, no rules here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from engine.criteria.model import RATE_SCALE, Indicator, Measure

State = Literal["value", "empty", "missing", "invalid"]


@dataclass(slots=True)  # never changed once made (views share it); not frozen: a frozen __init__ costs 5x
class MeasureValue:
    """An indicator's measure for one unit: a number, an empty denominator, or why it cannot be computed."""

    indicator: Indicator
    state: State
    value: float | None
    inputs: dict[str, Any]
    missing: tuple[str, ...] = ()

    @property
    def denominator_value(self) -> Any:
        """A rate's denominator as given (None for a count or a provision): with the points, what every count
        that reaches a band depends on (gaps, plans and the candidates asked of the rules are kept by it)."""
        denominator = self.indicator.measure.denominator
        return self.inputs[denominator] if denominator else None


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


def measure_indicator(indicator: Indicator, names: tuple[str, ...], values: tuple, invalid: bool) -> MeasureValue:
    """An indicator's measure from the values of its inputs (`names`, in order); `invalid`: one of them is in
    error, so the indicator cannot be computed."""
    # A dict display for the usual one or two inputs (a third of dict(zip(...))'s time: many per unit).
    if len(names) == 2:
        inputs = {names[0]: values[0], names[1]: values[1]}
    elif len(names) == 1:
        inputs = {names[0]: values[0]}
    else:
        inputs = dict(zip(names, values))
    if invalid:
        return MeasureValue(indicator, "invalid", None, inputs)
    if None in values:
        return MeasureValue(indicator, "missing", None, inputs, tuple(n for n, v in zip(names, values) if v is None))
    state, value = compute(indicator.measure, inputs)
    return MeasureValue(indicator, state, value, inputs)
