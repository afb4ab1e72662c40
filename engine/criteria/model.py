"""Schema of a criteria file and its loader.

A criteria file is the whole of a legal instrument's scoring rules as data. Loading checks two layers:
the shape (pydantic, unknown keys rejected) and the consistency (inputs exist, bands cover their range
without gaps or overlaps, points add up). Every problem names the file, the path inside it and its line.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, Strict, ValidationError, ValidationInfo,
                      field_validator)

from engine.messages import Message, Said, localised, os_reason
from engine.safe_yaml import CriteriaLoader, YamlProblem, load_yaml
from engine.text import Text, nfc, normalised
from engine.criteria.yaml_lines import format_path, line_of

Status = Literal["confirmed", "provisional"]
# What an input is to the commune: something it changes by its own work this period (action), a record of
# past events it must not be asked to report lower (event), or a description of the unit and its population
# (context: names, totals, denominators). Improvement plans change action inputs only.
Role = Literal["action", "event", "context"]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Str = Annotated[str, AfterValidator(lambda s: nfc(s).strip())]
LabelStr = Annotated[str, AfterValidator(normalised)]  # a label's wording: NFC, never empty (as a Text's)
# Bounds and points are numbers as written: "95" (quoted), yes/true or a date are refused, not converted.
Number = Annotated[float, Strict()]
Whole = Annotated[int, Strict()]

# The range each kind of measure can take; a band set must cover it exactly. None: no upper limit.
DOMAINS: dict[str, tuple[float, float | None]] = {
    "yes_no": (0, 1),
    "count": (0, None),
    "percent": (0, 100),
    "per_1000": (0, 1000),
}
INTEGER_KINDS = {"yes_no", "count"}
RATE_SCALE = {"percent": 100, "per_1000": 1000}


class _Model(BaseModel):
    # NaN and infinity are never a bound or a number of points: rejected with the path and line.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True, allow_inf_nan=False)


class Instrument(_Model):
    id: Str
    title: Text
    citation: Str
    effective: dt.date
    # Last day the set is in force (inclusive); None: until a later set replaces it. engine/criteria/versions.py
    # picks, for each unit, the set in force on the last day of its period.
    valid_until: dt.date | None = None
    replaces: Str | None = None
    total_points: Whole = Field(gt=0)

    @field_validator("valid_until")
    @classmethod
    def _not_before_effective(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        effective = info.data.get("effective")
        if value is not None and effective is not None and value < effective:
            raise ValueError(f"valid_until {value.isoformat()} is before effective {effective.isoformat()}")
        return value


class Category(_Model):
    id: Name
    label: Text
    threshold: Whole = Field(ge=0)


class Recognition(_Model):
    min_points_per_criterion: Whole = Field(ge=0)
    citation: Str
    status: Status


class UnitLabel(_Model):
    """What an input counts (trẻ em / children), with the English singular for "1 more child"."""

    vi: LabelStr
    en: LabelStr
    en_one: str | None = None

    def __call__(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en

    def for_count(self, count: int) -> Text:
        return Text.of(self.vi, self.en_one if count == 1 and self.en_one else self.en)


class InputDecl(_Model):
    name: Name
    type: Literal["text", "category", "yes_no", "count"]
    label: Text
    unit: UnitLabel | None = None
    min: Whole | None = Field(default=None, ge=0)
    required: bool = False
    # Defaults to context: an input no measure counts only describes the unit. Inputs a measure counts
    # must say whether they are actions or events (checked in check_consistency).
    role: Role = "context"


class Measure(_Model):
    kind: Literal["yes_no", "count", "percent", "per_1000"]
    input: Name | None = None
    numerator: Name | None = None
    denominator: Name | None = None
    empty_denominator: Literal["full_points", "zero_points"] | None = None

    # Cached: the engine reads these for every measure it computes (a property was 3% of its time).
    @cached_property
    def is_rate(self) -> bool:
        return self.kind in RATE_SCALE

    @cached_property
    def inputs(self) -> tuple[str, ...]:
        names = (self.numerator, self.denominator) if self.is_rate else (self.input,)
        return tuple(n for n in names if n)


@dataclass(frozen=True)
class Interval:
    """A band's range. `None` bounds are the edge of the measure's domain (open-ended for counts)."""

    low: float | None
    low_inclusive: bool
    high: float | None
    high_inclusive: bool


class Band(_Model):
    min: Number | None = None
    above: Number | None = None
    max: Number | None = None
    below: Number | None = None
    equals: Number | None = None
    is_: bool | None = Field(default=None, alias="is")
    points: Whole = Field(ge=0)
    status: Status | None = None
    # The clause this band encodes (Điều/khoản/điểm), when it is more precise than the indicator's citation: it
    # is then the citation of every result scored in this band (OpenFisca's per-value `reference`).
    reference: Str | None = None
    note: Text | None = None

    def interval(self) -> Interval:
        if self.is_ is not None:
            v = 1.0 if self.is_ else 0.0
            return Interval(v, True, v, True)
        if self.equals is not None:
            return Interval(self.equals, True, self.equals, True)
        low, low_inc = (self.min, True) if self.min is not None else (self.above, False)
        high, high_inc = (self.max, True) if self.max is not None else (self.below, False)
        return Interval(low, low_inc if low is not None else True, high, high_inc if high is not None else True)

    def describe(self, lang: str, symbol: str = "") -> str:
        """The band as a person reads it: '≥ 95%', '> 0,5‰ và ≤ 1‰' (decimal comma in Vietnamese), 'có'."""
        if self.is_ is not None:
            return ("có" if self.is_ else "không") if lang == "vi" else ("yes" if self.is_ else "no")
        if self.equals is not None:
            return f"= {_num(self.equals, lang)}{symbol}"
        parts = []
        for key, sign in (("min", "≥"), ("above", ">"), ("max", "≤"), ("below", "<")):
            value = getattr(self, key)
            if value is not None:
                parts.append(f"{sign} {_num(value, lang)}{symbol}")
        return (" và " if lang == "vi" else " and ").join(parts) or ("mọi giá trị" if lang == "vi" else "any value")


def _num(value: float, lang: str = "en") -> str:
    """A band's bound: 0.5 in English, 0,5 in Vietnamese (the decimal comma)."""
    text = str(int(value)) if float(value).is_integer() else repr(value)
    return text.replace(".", ",") if lang == "vi" else text


class Scoring(_Model):
    status: Status
    citation: Str
    note: Text | None = None
    bands: list[Band] = Field(min_length=1)

    def band_status(self, index: int) -> Status:
        return self.bands[index].status or self.status

    def band_citation(self, index: int) -> str:
        """What a result scored in this band cites: the band's own reference, else the indicator's citation."""
        return self.bands[index].reference or self.citation


class Indicator(_Model):
    id: Str
    name: Text
    max_points: Whole = Field(ge=0)
    measure: Measure
    scoring: Scoring
    # What the indicator is about preventing, for indicators that count past events: gaps and plans say this
    # instead of asking for a lower count. Required when the measured input has role `event`.
    prevention: Text | None = None

    @cached_property
    def measured_input(self) -> str:
        """The input whose value moves the measure (the numerator of a rate)."""
        return self.measure.numerator if self.measure.is_rate else self.measure.input

    @cached_property
    def intervals(self) -> list[Interval]:
        return [band.interval() for band in self.scoring.bands]

    @cached_property
    def higher_is_better(self) -> bool:
        """Direction of improvement, derived from the bands: the best band is the one worth most points."""
        best = max(range(len(self.intervals)), key=lambda i: self.scoring.bands[i].points)
        worst = min(range(len(self.intervals)), key=lambda i: self.scoring.bands[i].points)
        return _sort_key(self.intervals[best]) >= _sort_key(self.intervals[worst])

    @cached_property
    def band_texts(self) -> list[Text]:
        symbol = {"percent": "%", "per_1000": "‰"}.get(self.measure.kind, "")
        return [Text.of(band.describe("vi", symbol), band.describe("en", symbol)) for band in self.scoring.bands]

    def band_text(self, index: int) -> Text:
        return self.band_texts[index]


class Criterion(_Model):
    number: Whole = Field(ge=1)
    name: Text
    # The criterion as the instrument words it, as far as that wording is confirmed (see docs/legal-basis.md).
    text: Text | None = None
    max_points: Whole = Field(ge=0)
    citation: Str
    indicators: list[Indicator] = Field(min_length=1)


class CriteriaSet(_Model):
    instrument: Instrument
    categories: list[Category] = Field(min_length=1)
    recognition: Recognition
    inputs: list[InputDecl] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)
    # Filled by the loader: where the file came from and a digest of its content (names the compiled ruleset).
    source: str = ""
    digest: str = ""

    @cached_property
    def input_by_name(self) -> dict[str, InputDecl]:
        return {decl.name: decl for decl in self.inputs}

    @cached_property
    def category_by_id(self) -> dict[str, Category]:
        return {category.id: category for category in self.categories}

    @cached_property
    def indicators(self) -> list[tuple[Criterion, Indicator]]:
        return [(criterion, indicator) for criterion in self.criteria for indicator in criterion.indicators]

    @cached_property
    def criterion_spans(self) -> list[tuple[int, int]]:
        """Each criterion's (start, end) slice of the per-indicator list `indicators`."""
        spans, start = [], 0
        for criterion in self.criteria:
            spans.append((start, start + len(criterion.indicators)))
            start += len(criterion.indicators)
        return spans

    @cached_property
    def criterion_index_of(self) -> list[int]:
        """For each indicator (by position in `indicators`), the index of its criterion."""
        return [index for index, (start, end) in enumerate(self.criterion_spans) for _ in range(start, end)]

    @cached_property
    def action_positions(self) -> dict[str, list[int]]:
        """Each action input and the indicators (by position in `indicators`) whose measure it moves."""
        out: dict[str, list[int]] = {}
        for position, (_, indicator) in enumerate(self.indicators):
            if self.input_by_name[indicator.measured_input].role == "action":
                out.setdefault(indicator.measured_input, []).append(position)
        return out

    @cached_property
    def action_positions_apart(self) -> tuple[list[int], list[tuple[str, list[int]]]]:
        """action_positions in two: the position of each indicator moved by an action input that moves it alone,
        and (input, positions) of each input that moves several (a plan reads the first from the indicator's own
        Reach, and works the second out: engine/rules/plan.py)."""
        return ([positions[0] for positions in self.action_positions.values() if len(positions) == 1],
                [(name, positions) for name, positions in self.action_positions.items() if len(positions) > 1])

    @cached_property
    def rate_pairs(self) -> list[tuple[str, str]]:
        """(numerator, denominator) pairs: a numerator above its denominator is invalid data."""
        return list(dict.fromkeys(
            (ind.measure.numerator, ind.measure.denominator) for _, ind in self.indicators if ind.measure.is_rate
        ))


class CriteriaError(Exception):
    """A criteria file that cannot be used. `problems` holds (path, line, message) for each problem found; a
    path or message cfc words itself is Said (English as a string, rendered in the reader's language by render);
    pydantic's own messages stay as pydantic words them. str() is English."""

    def __init__(self, source: str, problems: list[tuple[str, int | None, str]]):
        self.source = source
        self.problems = problems
        super().__init__(self.render("en"))

    def render(self, lang: str = "vi") -> str:
        lines = [f"{self.source}:{line or '?'}: {localised(path, lang)}: {localised(message, lang)}"
                 for path, line, message in self.problems]
        head = Message("criteria_invalid", {"file": self.source, "count": len(self.problems)}).render(lang)
        return head + "\n  " + "\n  ".join(lines)


def file_problem(name: str, line: int | None = None, where: str = "criteria_at_file", /, **params) -> tuple:
    """A problem with the file as a whole (not at a path inside it), worded by cfc."""
    return Said(Message(where)), line, Said(Message(name, params))


def default_criteria_path() -> Path:
    """The newest criteria file shipped with cfc (files are named by effective date, so names sort by date)."""
    here = Path(__file__).resolve().parents[2] / "criteria"
    files = sorted(here.glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"no criteria files in {here}")
    return files[-1]


@lru_cache(maxsize=1)
def default_criteria() -> CriteriaSet:
    """The newest shipped set, loaded once: what a workbook's headers are matched against when no set is given."""
    return load_criteria()


def load_criteria(path: str | Path | None = None) -> CriteriaSet:
    path = Path(path) if path is not None else default_criteria_path()
    source = str(path)
    try:
        raw_bytes = path.read_bytes()
        text = raw_bytes.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = os_reason(error) if isinstance(error, OSError) else Message("criteria_not_utf8", {"error": error})
        raise CriteriaError(source, [file_problem("criteria_cannot_read", reason=reason)]) from error
    try:
        data = load_yaml(text, CriteriaLoader)
    except YamlProblem as error:
        raise CriteriaError(source, [file_problem("criteria_not_yaml", error.line, error=error.message)]) from None
    repeated = _repeated_keys(data)
    if repeated:
        raise CriteriaError(source, [file_problem("criteria_key_twice", line, key=key) for key, line in repeated])
    if not isinstance(data, dict):
        raise CriteriaError(source, [file_problem("criteria_not_mapping", 1, "criteria_at_top")])
    # Top-level keys starting with x- hold YAML anchors shared by several rules (as in OpenAPI); not rules.
    data = {key: value for key, value in data.items() if not str(key).startswith("x-")}
    try:
        criteria = CriteriaSet.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = [step for step in item["loc"] if not (isinstance(step, str) and step.startswith("function-"))]
            problems.append((format_path(loc), line_of(text, loc), item["msg"]))
        raise CriteriaError(source, problems) from None
    problems = [(format_path(p), line_of(text, p), m) for p, m in check_consistency(criteria)]
    if problems:
        raise CriteriaError(source, problems)
    return criteria.model_copy(update={"source": source, "digest": hashlib.sha256(raw_bytes).hexdigest()})


def _repeated_keys(value) -> list[tuple[str, int | None]]:
    """(key, line) of every key written twice in one mapping, anywhere in the document (YAML would keep the last
    silently, and a band's bound could change without anyone seeing it)."""
    found = list(getattr(value, "repeated", []))
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        found += _repeated_keys(child)
    return found


def check_consistency(cs: CriteriaSet) -> list[tuple[list, str]]:
    """Every rule the shape alone cannot express. Returns (path, message) pairs; empty when consistent."""
    problems: list[tuple[list, str]] = []
    _unique(problems, [(["inputs", i, "name"], d.name) for i, d in enumerate(cs.inputs)], "input name")
    _unique(problems, [(["categories", i, "id"], c.id) for i, c in enumerate(cs.categories)], "category id")
    _unique(problems, [(["criteria", i, "number"], c.number) for i, c in enumerate(cs.criteria)], "criterion number")
    _unique(problems, [(["criteria", ci, "indicators", ii, "id"], ind.id) for ci, c in enumerate(cs.criteria)
                       for ii, ind in enumerate(c.indicators)], "indicator id")
    for index, decl in enumerate(cs.inputs):
        if decl.type in ("text", "category") and decl.role != "context":
            problems.append((["inputs", index, "role"], f"input {decl.name!r} is {decl.type}: its role is context"))
    numbers = [c.number for c in cs.criteria]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append((["criteria"], f"criteria must be numbered 1..{len(numbers)} in order, found {numbers}"))
    total = sum(c.max_points for c in cs.criteria)
    most = min(total, cs.instrument.total_points)  # both are reported below when they differ
    for index, category in enumerate(cs.categories):
        if category.threshold > most:
            problems.append((["categories", index, "threshold"], _said(
                "criteria_threshold_unreachable", threshold=category.threshold, most=most, category=category.id)))
    problems += _check_minimum(cs)
    if total != cs.instrument.total_points:
        problems.append((["instrument", "total_points"],
                         f"criteria max_points add up to {total}, not {cs.instrument.total_points}"))
    for ci, criterion in enumerate(cs.criteria):
        subtotal = sum(i.max_points for i in criterion.indicators)
        if subtotal != criterion.max_points:
            problems.append((["criteria", ci, "max_points"],
                             f"criterion {criterion.number}: indicator max_points add up to {subtotal}, "
                             f"not {criterion.max_points}"))
        for ii, indicator in enumerate(criterion.indicators):
            path = ["criteria", ci, "indicators", ii]
            problems += _check_measure(cs, indicator.measure, path + ["measure"])
            problems += _check_roles(cs, indicator, path)
            problems += _check_bands(indicator, path + ["scoring", "bands"])
            if not any(p[0][:len(path)] == path for p in problems):
                problems += _check_reachable(cs, indicator, path)
    return problems


def _said(key: str, **params) -> Said:
    return Said(Message(key, params))


def _check_minimum(cs: CriteriaSet) -> list[tuple[list, str]]:
    """Recognition asks every criterion to reach min_points_per_criterion: a criterion whose maximum is lower
    can never be met, so no unit could ever be recognised."""
    minimum = cs.recognition.min_points_per_criterion
    short = [c for c in cs.criteria if c.max_points < minimum]
    if not short:
        return []
    if len(short) == len(cs.criteria):
        which = Message("criteria_which_every")
    else:
        which = Message("criteria_which_one" if len(short) == 1 else "criteria_which_some",
                        {"numbers": ", ".join(str(c.number) for c in short)})
    return [(["recognition", "min_points_per_criterion"], _said(
        "criteria_min_above_criterion", min=minimum, which=which, most=max(c.max_points for c in short)))]


def _check_reachable(cs: CriteriaSet, indicator: Indicator, path: list) -> list[tuple[list, str]]:
    """Bands well formed on their own that the measure can still never reach: a rate of an input over itself,
    a count band below the least value its input may take."""
    m = indicator.measure
    if m.is_rate and m.numerator == m.denominator:
        top = "100%" if m.kind == "percent" else "1000‰"
        return [(path + ["measure", "denominator"], _said("criteria_same_input_rate", input=m.numerator, top=top))]
    decl = cs.input_by_name.get(m.input) if m.kind == "count" else None
    if decl is None or not decl.min:
        return []
    problems = []
    for index, interval in enumerate(indicator.intervals):
        if _closed(interval, "count", 0, None)[1] < decl.min:
            problems.append((path + ["scoring", "bands", index], _said(
                "criteria_band_below_input_min", input=decl.name, min=decl.min,
                band=indicator.band_text(index))))
    return problems


def _unique(problems: list, located: list[tuple[list, object]], what: str) -> None:
    """Report each repeat of a value at its own path, naming where the value was first used."""
    first: dict[object, list] = {}
    for path, value in located:
        if value in first:
            problems.append((path, f"duplicate {what} {value!r} (first at {format_path(first[value])})"))
        else:
            first[value] = path


def _check_measure(cs: CriteriaSet, m: Measure, path: list) -> list[tuple[list, str]]:
    problems = []
    wanted = {"numerator", "denominator", "empty_denominator"} if m.is_rate else {"input"}
    for key in ("input", "numerator", "denominator", "empty_denominator"):
        present = getattr(m, key) is not None
        if present and key not in wanted:
            problems.append((path + [key], f"a {m.kind} measure does not take {key}"))
        if not present and key in wanted:
            problems.append((path, f"a {m.kind} measure needs {key}"))
    input_type = "yes_no" if m.kind == "yes_no" else "count"
    for key in ("input", "numerator", "denominator"):
        name = getattr(m, key)
        if name is None or key not in wanted:
            continue
        decl = cs.input_by_name.get(name)
        if decl is None:
            problems.append((path + [key], f"input {name!r} is not declared under inputs"))
        elif decl.type != input_type:
            problems.append((path + [key], f"input {name!r} is of type {decl.type}, a {m.kind} measure needs {input_type}"))
    return problems


# The roles each place in a measure may take: a plan changes what is measured (never who is counted), and an
# indicator counting past events explains what it prevents instead of asking for fewer.
ROLES_ALLOWED = {"measured": ("action", "event"), "denominator": ("context", "event")}


def _check_roles(cs: CriteriaSet, indicator: Indicator, path: list) -> list[tuple[list, str]]:
    problems = []
    m = indicator.measure
    places = [("measured", "numerator" if m.is_rate else "input", indicator.measured_input)]
    if m.is_rate:
        places.append(("denominator", "denominator", m.denominator))
    for place, key, name in places:
        decl = cs.input_by_name.get(name) if name else None
        if decl is None:
            continue  # reported by _check_measure
        if decl.role not in ROLES_ALLOWED[place]:
            index = cs.inputs.index(decl)
            what = "what a measure counts" if place == "measured" else "a denominator"
            problems.append((["inputs", index, "role"],
                             f"input {name!r} is {what} ({'/'.join([key] + [indicator.id])}) and must have role "
                             f"{' or '.join(ROLES_ALLOWED[place])}, not {decl.role}"))
        if place == "measured" and decl.role == "event" and indicator.prevention is None:
            problems.append((path, f"indicator {indicator.id} counts past events ({name}): "
                                   f"give `prevention` (what the criterion is about preventing)"))
    return problems


def _sort_key(interval: Interval) -> tuple[float, float]:
    low = -math.inf if interval.low is None else interval.low
    return (low, 0 if interval.low_inclusive else 1)


def _check_bands(indicator: Indicator, path: list) -> list[tuple[list, str]]:
    kind = indicator.measure.kind
    bands = indicator.scoring.bands
    problems = []
    for index, band in enumerate(bands):
        keys = [k for k in ("min", "above", "max", "below", "equals", "is_") if getattr(band, k) is not None]
        if kind == "yes_no" and keys != ["is_"]:
            problems.append((path + [index], "a yes_no band is written as `is: yes` or `is: no`"))
        elif kind != "yes_no" and "is_" in keys:
            problems.append((path + [index, "is"], f"`is` is only for yes_no measures, not {kind}"))
        elif ("min" in keys and "above" in keys) or ("max" in keys and "below" in keys):
            problems.append((path + [index], "a band has at most one lower bound (min/above) and one upper (max/below)"))
        elif "equals" in keys and len(keys) > 1:
            problems.append((path + [index], "`equals` cannot be combined with other bounds"))
        if band.points > indicator.max_points:
            problems.append((path + [index, "points"], f"{band.points} points is above the indicator's max of {indicator.max_points}"))
    if problems:
        return problems
    if max(b.points for b in bands) != indicator.max_points:
        problems.append((path, f"the best band gives {max(b.points for b in bands)} points, "
                               f"the indicator's max_points is {indicator.max_points}"))
    low, high = DOMAINS[kind]
    closed = [_closed(iv, kind, low, high) for iv in indicator.intervals]
    for index, (lo, hi) in enumerate(closed):
        interval = indicator.intervals[index]
        if lo == hi and kind not in INTEGER_KINDS and not (interval.low_inclusive and interval.high_inclusive):
            # {min: 90, below: 90}: one end excludes the only value the other allows
            low_text = f"{'≥' if interval.low_inclusive else '>'} {_num(lo)}"
            high_text = f"{'≤' if interval.high_inclusive else '<'} {_num(hi)}"
            problems.append((path + [index], _said("criteria_band_empty_edge", low=low_text, high=high_text)))
        elif lo > hi:
            problems.append((path + [index], "the band is empty"))
        elif lo < low or (high is not None and hi > high):
            problems.append((path + [index], f"the band reaches outside the range of a {kind} measure "
                                             f"({low} to {high if high is not None else 'any'})"))
    if problems:
        return problems
    order = sorted(range(len(bands)), key=lambda i: closed[i])
    if order not in (list(range(len(bands))), list(reversed(range(len(bands))))):
        problems.append((path, "list the bands in order of the measure (best to worst), each next to the previous"))
        return problems
    edge = "0" if low == 0 else str(low)
    if closed[order[0]][0] != low:
        problems.append((path + [order[0]], f"no band covers values from {edge}"))
    top = closed[order[-1]][1]
    if (high is None and top != math.inf) or (high is not None and top != high):
        problems.append((path + [order[-1]], f"no band covers values up to {high if high is not None else 'any value'}"))
    for a, b in zip(order, order[1:]):
        gap = _gap_between(indicator.intervals[a], indicator.intervals[b], kind)
        if gap:
            problems.append((path + [b], gap))
    points = [bands[i].points for i in order]
    if points != sorted(points) and points != sorted(points, reverse=True):
        problems.append((path, "points must rise (or fall) steadily with the measure, so the next band is clear"))
    return problems


def _closed(iv: Interval, kind: str, low: float, high: float | None) -> tuple[float, float]:
    """The interval as (lowest, highest) with unbounded ends replaced by the domain's edges."""
    lo = low if iv.low is None else iv.low
    hi = (math.inf if high is None else high) if iv.high is None else iv.high
    if kind in INTEGER_KINDS:
        lo = lo if (iv.low is None or iv.low_inclusive) and float(lo).is_integer() else math.floor(lo) + 1
        hi = hi if (iv.high is None or iv.high_inclusive) and (hi == math.inf or float(hi).is_integer()) else math.ceil(hi) - 1
    return lo, hi


def _gap_between(a: Interval, b: Interval, kind: str) -> str | None:
    """Bands a (lower) and b (next up) must meet exactly: one ends where the other starts, one side inclusive."""
    if kind in INTEGER_KINDS:
        a_hi = _closed(a, kind, 0, None)[1]
        b_lo = _closed(b, kind, 0, None)[0]
        if b_lo == a_hi + 1:
            return None
        return (f"bands overlap: {_num(b_lo)} to {_num(a_hi)} is in both" if b_lo <= a_hi
                else f"gap between bands: {_num(a_hi + 1)} to {_num(b_lo - 1)} match no band")
    if a.high is None or b.low is None or a.high > b.low:
        starts = "has no lower end" if b.low is None else f"starts at {_num(b.low)}"
        ends = "has no upper end" if a.high is None else f"ends at {_num(a.high)}"
        return f"bands overlap: this band {starts}, the band below it {ends}"
    if a.high < b.low:
        return f"gap between bands: values from {_num(a.high)} to {_num(b.low)} match no band"
    if a.high_inclusive and b.low_inclusive:
        return f"bands overlap: both include {_num(a.high)}; use min on one and below on the other (or max and above)"
    if not a.high_inclusive and not b.low_inclusive:
        return f"gap between bands: no band includes {_num(a.high)} itself"
    return None
