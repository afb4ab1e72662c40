"""The result of evaluating a unit: data first. Every output format renders these models."""
from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SkipValidation

from engine.text import Text

UnitStatus = Literal["recognized", "not_recognized", "incomplete", "invalid"]
STATUSES: tuple[str, ...] = get_args(UnitStatus)
DECIDED = ("recognized", "not_recognized")  # the statuses that carry a decision (complete, valid data)


_SET = object.__setattr__
_FIELDS_SET: dict[type, set[str]] = {}


def construct(cls: type[BaseModel], **values: Any) -> Any:
    """A result model from values the engine computed itself, every field given (or defaulted): what model_construct
    does, without its per-field alias and default handling (a national batch builds millions of these; this
    halves the engine's time). Nothing is validated here: the values come from the criteria file and the
    rules, and every output is written through the models' serialisers.

    Every model of a class shares one set of the fields it was given (all of them): pydantic only ever adds a
    field's name to it on assignment, which changes nothing here, and copies it when copying a model; a set per
    model was a third of a result's memory."""
    return construct_from(cls, values)


def construct_from(cls: type[BaseModel], values: dict[str, Any]) -> Any:
    """construct() from a dict the model then owns (not copied)."""
    model = cls.__new__(cls)
    fields = _FIELDS_SET.get(cls)
    if fields is None:
        fields = _FIELDS_SET[cls] = set(cls.model_fields)
    if len(values) != len(fields):  # a field added with a default since this call was written: its default
        for name in fields - values.keys():
            values[name] = cls.model_fields[name].get_default(call_default_factory=True)
    _SET(model, "__dict__", values)
    _SET(model, "__pydantic_fields_set__", fields)
    _SET(model, "__pydantic_extra__", None)
    _SET(model, "__pydantic_private__", None)
    return model


class IndicatorResult(BaseModel):
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
    status: Literal["confirmed", "provisional"] | None
    citation: str
    missing_inputs: list[str] = []


class CriterionResult(BaseModel):
    number: int
    name: Text
    points: int
    max_points: int
    complete: bool
    met: bool
    indicators: list[IndicatorResult]


class Gap(BaseModel):
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
    current_value: Any = None
    target_value: Any = None
    change: int | None = None
    message: Text
    flips_decision: bool
    status: Literal["confirmed", "provisional"] | None


class Reason(BaseModel):
    code: str
    criterion: int | None = None
    message: Text


class ProvisionalUse(BaseModel):
    indicator: str
    band: Text
    points: int
    citation: str


class ErrorDetail(BaseModel):
    """A data error, structured: which input, the value given, and what is wrong with it."""

    input: str | None
    value: Any = None
    message: Text


class CriteriaSetRef(BaseModel):
    """Which criteria set scored a unit: its instrument id, the day it took effect, the sha256 of its file."""

    id: str
    effective: str
    digest: str


class PlanChange(BaseModel):
    """One change to an action input: set `input` from `from_` to `to` (JSON keys "from"/"to")."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True, validate_by_alias=True)
    input: str
    label: Text
    from_: bool | int = Field(alias="from")
    to: bool | int
    points: int
    criterion: int
    indicator: str


class PlanBlock(BaseModel):
    """Why no plan reaches recognition: a criterion (and indicator) that changes to action inputs cannot fix."""

    criterion: int
    indicator: str | None
    reason: Text


class Plan(BaseModel):
    """The fewest changes to action inputs that together reach recognition (see engine/rules/plan.py)."""

    reaches_recognition: bool
    changes: list[PlanChange]
    blocked_by: list[PlanBlock]


class UnitResult(BaseModel):
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
    error_details: list[ErrorDetail] = []
    ignored_inputs: list[str] = []
    criteria_set: CriteriaSetRef | None = None  # None: no set scored it (its period picks none)
    # The official list of units (engine/registry): what in the unit does not match it, and the inputs (unit_name,
    # province, district) filled from it because they were blank. Outputs show them only when there are any.
    warnings: list[ErrorDetail] = []
    filled: list[str] = []
    # None for invalid data or an unknown category (nothing to plan against).
    plan: Plan | None = None


class BatchResult(BaseModel):
    criteria_id: str
    criteria_source: str
    criteria_digest: str
    units: list[UnitResult]
    file_errors: list[SkipValidation[str]] = []  # kept as given: a Said error is shown in the reader's language

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for unit in self.units:
            out[unit.status] += 1
        return out


def localise(value: Any, lang: str) -> Any:
    """Replace every {vi, en} pair in dumped results by the text in one language."""
    if isinstance(value, dict):
        if set(value) == {"vi", "en"}:
            return value[lang]
        return {key: localise(item, lang) for key, item in value.items()}
    if isinstance(value, list):
        return [localise(item, lang) for item in value]
    return value
