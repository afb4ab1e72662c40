"""The result of evaluating a unit: plain data. Every output format renders these classes.

Results are slotted dataclasses the engine builds directly (a national batch builds a few hundred thousand of
them, and nothing it computes needs checking again). They become JSON through one explicit serialiser,
`to_data`, and come back from JSON (cfc's own results read again: the history, a server) through
`from_data`, which checks every field with pydantic: the boundary, where data enters from outside.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_args, get_type_hints

from pydantic import Field, TypeAdapter

from engine.text import Text

UnitStatus = Literal["recognized", "not_recognized", "incomplete", "invalid"]
STATUSES: tuple[str, ...] = get_args(UnitStatus)
DECIDED = ("recognized", "not_recognized")  # the statuses that carry a decision (complete, valid data)
BandStatus = Literal["confirmed", "provisional"]

# Every class below is slotted (small, fast to build). The engine builds the parts of a result positionally (the
# fields in their order: a national batch builds a few hundred thousand); a unit's result by keyword, with the
# defaults that results written by an older cfc lack (from_data).
part = dataclass(slots=True)


@part
class IndicatorResult:
    id: str
    name: Text
    inputs: dict[str, Any]
    measure_kind: str
    measure: float | None
    measure_display: Text | None
    state: Literal["scored", "empty_denominator", "missing", "invalid"]
    band: Text | None
    points: int | None
    max_points: int
    status: BandStatus | None
    citation: str
    missing_inputs: list[str]


@part
class CriterionResult:
    number: int
    name: Text
    points: int
    max_points: int
    complete: bool
    met: bool
    indicators: list[IndicatorResult]


@part
class Gap:
    criterion: int
    indicator: str
    indicator_name: Text
    # band: a better band within reach of an action input; missing: data to report; event: the indicator counts
    # past events, so the gap says which band the count falls in and what the criterion prevents (never "fewer").
    kind: Literal["band", "missing", "event"]
    current_points: int | None
    next_points: int | None
    points_gain: int | None
    current_measure: Text | None
    target: Text | None
    input: str | None
    current_value: Any
    target_value: Any
    change: int | None
    message: Text
    flips_decision: bool
    status: BandStatus | None


@part
class Reason:
    code: str
    criterion: int | None
    message: Text


@part
class ProvisionalUse:
    indicator: str
    band: Text
    points: int
    citation: str


@part
class ErrorDetail:
    """A data error, structured: which input, the value given, and what is wrong with it."""

    input: str | None
    value: Any
    message: Text


@part
class CriteriaSetRef:
    """Which criteria set scored a unit: its instrument id, the day it took effect, the sha256 of its file."""

    id: str
    effective: str
    digest: str


@part
class PlanChange:
    """One change to an action input: set `input` from `from_` to `to` (JSON keys "from"/"to")."""

    input: str
    label: Text
    from_: Annotated[bool | int, Field(alias="from")]
    to: bool | int
    points: int
    criterion: int
    indicator: str


@part
class PlanBlock:
    """Why no plan reaches recognition: a criterion (and indicator) that changes to action inputs cannot fix."""

    criterion: int
    indicator: str | None
    reason: Text


@part
class Plan:
    """The fewest changes to action inputs that together reach recognition (see engine/rules/plan.py)."""

    reaches_recognition: bool
    changes: list[PlanChange]
    blocked_by: list[PlanBlock]


@dataclass(slots=True, kw_only=True)
class UnitResult:
    unit_code: str | None
    unit_name: str | None
    district: str | None
    province: str | None
    period: str | None
    category: str | None
    source: Text
    status: UnitStatus
    total: int
    max_total: int
    threshold: int | None
    shortfall: int | None
    criteria: list[CriterionResult]
    reasons: list[Reason]
    gaps: list[Gap]
    missing_inputs: list[str]
    provisional: list[ProvisionalUse]
    errors: list[Text]
    # (In this order: JSON with --detail writes the fields in it.)
    ignored_inputs: list[str] = field(default_factory=list)
    error_details: list[ErrorDetail] = field(default_factory=list)
    criteria_set: CriteriaSetRef | None = None  # None: no set scored it (its period picks none)
    # None for invalid data or an unknown category (nothing to plan against).
    plan: Plan | None = None
    # The official list of units (engine/registry): what in the unit does not match it, and the inputs (unit_name,
    # province, district) filled from it because they were blank. Outputs show them only when there are any.
    warnings: list[ErrorDetail] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class BatchResult:
    criteria_id: str
    criteria_source: str
    criteria_digest: str
    units: list[UnitResult]
    file_errors: list[str] = field(default_factory=list)  # kept as given: a Said error is shown in the reader's language

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for unit in self.units:
            out[unit.status] += 1
        return out


# ---------------------------------------------------------------- to and from JSON

def _keys(cls: type) -> tuple[tuple[str, str], ...]:
    """(attribute, JSON key) of each field of a result class, in order: the key is the field's alias if any."""
    hints = get_type_hints(cls, include_extras=True)
    out = []
    for f in dataclasses.fields(cls):
        alias = next((m.alias for m in getattr(hints[f.name], "__metadata__", ()) if getattr(m, "alias", None)),
                     None)
        out.append((f.name, alias or f.name))
    return tuple(out)


_KEYS: dict[type, tuple[tuple[str, str], ...]] = {}


def to_data(value: Any) -> Any:
    """Results as JSON data: each result as a mapping of its fields in order (PlanChange.from_ as "from"), each
    Text as {"vi", "en"}, a number that is not finite (a YAML .nan quoted in an error) as None. What every JSON
    output and the history store."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is Text:
        return {"vi": value.vi, "en": value.en}
    if kind is list or kind is tuple:
        return [to_data(item) for item in value]
    if kind is dict:
        return {key: to_data(item) for key, item in value.items()}
    if kind is float:
        return value if math.isfinite(value) else None
    keys = _KEYS.get(kind)
    if keys is None:
        if not dataclasses.is_dataclass(kind):
            return value  # a str subclass (a Said file error): JSON writes it as text
        keys = _KEYS[kind] = _keys(kind)
    return {key: to_data(getattr(value, name)) for name, key in keys}


_ADAPTERS: dict[type, TypeAdapter] = {}


def from_data(cls: type, data: Any) -> Any:
    """A result class from JSON data (to_data's, possibly from an older cfc: fields added since take their
    defaults), every field checked by its type. Raises pydantic.ValidationError naming each problem."""
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter.validate_python(data)


def localise(value: Any, lang: str) -> Any:
    """Replace every {vi, en} pair in dumped results by the text in one language."""
    if isinstance(value, dict):
        if set(value) == {"vi", "en"}:
            return value[lang]
        return {key: localise(item, lang) for key, item in value.items()}
    if isinstance(value, list):
        return [localise(item, lang) for item in value]
    return value
