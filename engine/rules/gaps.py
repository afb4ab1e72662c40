"""What it takes to reach the next band of each indicator below its maximum, and whether that alone flips the
decision. Counts are solved exactly (fractions); the band a candidate value reaches, and whether the unit would
then be recognised, are asked of the same rules that scored the unit.

An indicator that counts past events (its input has role `event`) never gets "fewer needed": its gap says
which band the count falls in and what the criterion is about preventing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from engine.messages import Wording, both
from engine.results.model import Gap, IndicatorResult
from engine.rules.compiled import CompiledRules
from engine.rules.rulesets import BandDecision, UnitDecision
from engine.criteria.model import RATE_SCALE, CriteriaSet, Indicator
from engine.rules.measures import MeasureValue
from engine.rules.worded import PENDING, WordedGap
from engine.text import Text

if TYPE_CHECKING:
    from engine.rules.views import CriterionView, IndicatorView


@dataclass(slots=True)  # one a unit: slotted, made without an instance dict
class Scored:
    """A unit as the rules scored it: what gaps and plans start from."""

    errors: int
    category: str | None
    decision: UnitDecision
    criteria: list[CriterionView]   # per criterion, in order: its points and outcome as the rules decided
    fact: tuple                     # (errors, unscored, category, total, criteria not met), as asked
    views: list[IndicatorView]      # per indicator: the shared view its inputs selected

    # Read by plans (units not recognised) only: built when first asked.
    @property
    def measures(self) -> list[IndicatorView]:
        """Per indicator, its measure (a view is its indicator's measure)."""
        return self.views

    @property
    def decisions(self) -> list[BandDecision]:  # (read by a plan's inputs that move several indicators only)
        return [view.decision for view in self.views]

    @property
    def outcomes(self) -> list[str]:
        return [criterion.outcome for criterion in self.criteria]

    def decision_with(self, rules: CompiledRules, gains: dict[int, int]) -> tuple[list[str], UnitDecision]:
        """Each criterion's outcome and the rules' decision were criteria (by index) to gain points (`gains`):
        only those criteria's outcomes are asked again, then the unit's."""
        outcomes = self.outcomes
        errors, unscored, category, total, not_met = self.fact
        criteria, outcome_of = self.criteria, rules.criterion_outcome
        for index, gain in gains.items():  # each gaining criterion's outcome asked again (a call each cost more)
            before = criteria[index]
            outcome = outcomes[index] = outcome_of(before.complete, before.points + gain)
            not_met += (outcome != "met") - (before.outcome != "met")
            total += gain
        return outcomes, rules.unit(errors, unscored, category, total, not_met)


def next_band(indicator: Indicator, current_points: int) -> int | None:
    """The nearest band worth more points (bands are monotone, so it is the adjacent better one)."""
    better = [(band.points, i) for i, band in enumerate(indicator.scoring.bands) if band.points > current_points]
    return min(better)[1] if better else None


# By (id of the indicator, band); the indicator is kept alongside so its id is never reused by another.
_EDGES: dict[tuple[int, int], tuple[Indicator, tuple[int, int, bool]]] = {}


def _bound(indicator: Indicator, band: int) -> tuple[int, int, bool]:
    """The edge of `band` a worse value must cross — its low edge if higher is better, else its high edge —
    as an exact fraction (numerator, denominator) read from the YAML's decimal, and whether it is inclusive."""
    key = (id(indicator), band)
    known = _EDGES.get(key)
    if known is None:
        interval = indicator.intervals[band]
        value, inclusive = ((interval.low, interval.low_inclusive) if indicator.higher_is_better
                            else (interval.high, interval.high_inclusive))
        exact = Fraction(str(value))
        known = _EDGES[key] = (indicator, (exact.numerator, exact.denominator, inclusive))
    return known[1]


def needed_numerator(indicator: Indicator, band: int, denominator: int) -> int | None:
    """The numerator closest to the current one that puts the rate inside `band`; None if out of reach.
    Exact integer arithmetic: the edge count is top / bottom = edge * denominator / scale."""
    p, q, inclusive = _bound(indicator, band)
    return numerator_at(p, q * RATE_SCALE[indicator.measure.kind], inclusive, indicator.higher_is_better, denominator)


def numerator_at(p: int, bottom: int, inclusive: bool, higher: bool, denominator: int) -> int | None:
    """needed_numerator from the edge as it reads it (p / bottom: the edge's fraction over the rate's scale,
    inclusive or not, higher better or not), for `denominator`; None if out of reach. _step gives it the edge it
    read once per indicator and band; candidates has it in line."""
    top = p * denominator
    if higher:
        target = -(-top // bottom) if inclusive else top // bottom + 1      # ceil, or the next whole above
    else:
        target = top // bottom if inclusive else -(-top // bottom) - 1     # floor, or the next whole below
    return target if 0 <= target <= denominator else None


def needed_count(indicator: Indicator, band: int) -> int | None:
    p, q, inclusive = _bound(indicator, band)
    if indicator.higher_is_better:
        return -(-p // q) if inclusive else p // q + 1
    target = p // q if inclusive else -(-p // q) - 1
    return target if target >= 0 else None


_UNIT_LABELS: dict[tuple[int, str, bool], tuple[CriteriaSet, Text]] = {}


def unit_label(criteria: CriteriaSet, name: str, count: int) -> Text:
    """What the input counts, singular or plural (built once per input; the criteria set is kept alongside so
    its id is never reused)."""
    key = (id(criteria), name, count == 1)
    known = _UNIT_LABELS.get(key)
    if known is None:
        unit = criteria.input_by_name[name].unit
        label = unit.for_count(count) if unit else Text.of("đơn vị", "unit" if count == 1 else "units")
        known = _UNIT_LABELS[key] = (criteria, label)
    return known[1]


def target_value(measure: MeasureValue, band: int) -> int | bool | None:
    """The input value closest to the current one that reaches `band` (None if that input cannot reach it)."""
    indicator = measure.indicator
    kind = indicator.measure.kind
    if kind == "yes_no":
        return bool(indicator.scoring.bands[band].is_)
    if kind == "count":
        return needed_count(indicator, band)
    return needed_numerator(indicator, band, measure.inputs[indicator.measure.denominator])


def measure_of(measure: MeasureValue, value: int | bool) -> float:
    """The measure once the measured input is changed to `value`: the same computation the rules see."""
    m = measure.indicator.measure
    if m.is_rate:
        return value * RATE_SCALE[m.kind] / measure.inputs[m.denominator]
    return float(value)


def candidates(measure: MeasureValue, current_points: int) -> list[int | bool]:
    """Every input value that is the closest way into some better band (what gaps and plans ask about), in the
    order of the bands."""
    indicator = measure.indicator
    key = (id(indicator), current_points)
    known = _BETTER.get(key)
    if known is None:
        known = _BETTER[key] = (indicator, _better_edges(indicator, current_points), indicator.measure.denominator,
                                indicator.higher_is_better)
    _, edges, denominator_input, higher = known
    out = []
    if edges is None:  # not a rate: a few targets, the same for every unit at these points
        for band, spec in enumerate(indicator.scoring.bands):
            if spec.points > current_points:
                target = target_value(measure, band)
                if target is not None and target not in out:
                    out.append(target)
        return out
    # A rate (nearly every new shape: its denominator is the unit's own): needed_numerator for each better band,
    # its edges read once per indicator and points (tests/test_gaps.py checks they agree), in one loop.
    denominator = measure.inputs[denominator_input]
    for p, bottom, inclusive in edges:  # numerator_at in line: a call a band cost ~3.7k instructions a unit (callgrind)
        top = p * denominator
        if higher:
            target = -(-top // bottom) if inclusive else top // bottom + 1
        else:
            target = top // bottom if inclusive else -(-top // bottom) - 1
        if 0 <= target <= denominator and target not in out:
            out.append(target)
    return out


# By (id of the indicator, points): a rate's better bands' edges as needed_numerator reads them (numerator,
# denominator times the rate's scale, inclusive), or None for another measure; the indicator kept alongside so its
# id is never reused, with the name of its denominator and whether higher is better (read once here: an attribute
# of the criteria model is read through pydantic's __getattr__ hook). Bounded by the indicators and their points.
_BETTER: dict[tuple[int, int], tuple[Indicator, list | None, str | None, bool]] = {}


def _better_edges(indicator: Indicator, current_points: int) -> list[tuple[int, int, bool]] | None:
    if not indicator.measure.is_rate:
        return None
    scale = RATE_SCALE[indicator.measure.kind]
    return [(p, q * scale, inclusive)
            for p, q, inclusive in (_bound(indicator, band) for band, spec in enumerate(indicator.scoring.bands)
                                    if spec.points > current_points)]


def event_gap(criteria: CriteriaSet, measure: MeasureValue, result: IndicatorResult, criterion: int,
              memo: dict) -> Gap:
    """The gap of an indicator that counts past events, its sentence worded when read (engine/rules/worded.py).
    `memo` keeps its wording per indicator and band, with the gap's fields that those fix."""
    # The result holds its indicator's id and name; the memo the measured input's name (an attribute of the
    # criteria model is read through pydantic's __getattr__ hook: a few times slower, and this is once a gap).
    key = ("event", result.id, result.band.vi, result.band.en)
    known = memo.get(key)
    if known is None:
        indicator = measure.indicator
        known = memo[key] = (Wording("gap_event", **_event_texts(criteria, indicator, result)),
                             indicator.measured_input)
    wording, name = known
    gap = WordedGap(criterion, result.id, result.name, "event", result.points, None, None, PENDING, None, name,
                    measure.inputs[name], None, None, PENDING, False, result.status)
    gap._wording, gap._result = wording, result
    return gap


def _event_texts(criteria: CriteriaSet, indicator: Indicator, result: IndicatorResult) -> dict[str, Text]:
    return {"label": criteria.input_by_name[indicator.measured_input].label, "band": result.band,
            "prevention": indicator.prevention}


@dataclass(slots=True)
class _Step:
    """The gap to an indicator's next band as far as it is the same for every unit at those points whose target
    reaches the same band: kept once per indicator, points and band reached (in band_gap's `wordings` memo) and
    shared by their Reaches; the target is each Reach's own (it depends on the denominator), how far a unit is from
    it, and so the message's figures, each unit's."""

    gain: int | None               # points the target brings
    bound: Text                    # the band the target reaches (the next band if out of reach), as people read it
    reached: int | None            # ... its index
    head: tuple                    # the gap's first fields (criterion … points_gain), the same for every unit
    status: str | None             # the status of the band it reaches
    message: Text | None           # the gap's sentence when the same for every unit (a yes/no, out of reach)
    input: str                     # the indicator's measured input, and its measure's kind (read once here)
    kind: str
    wordings: dict = field(default_factory=dict)  # the message's wording per (message, one or many of its unit)


_UNKNOWN = object()


@dataclass(slots=True)
class Reach:
    """Where an indicator's measured input can take it from its current points: each candidate value (the
    closest way into each better band, see candidates) and the band the rules put it in. It depends only on the
    indicator, its denominator and its points, so the units that share those share one (engine/rules/views.py
    keeps them per such shape); the gap's next step and a plan's options for that input are read from it."""

    targets: list
    decisions: list[BandDecision]
    step: object = _UNKNOWN       # _Step, or None when no band is better (worked out by band_gap when asked)
    target: int | bool | None = None  # the value that reaches the next band (None: out of reach by this input)
    changes: list | None = None   # the plan's candidate changes of its input (engine/rules/plan.py)
    best: tuple | None = None     # ... the gains of the one that gains most (None: not worked out; (): none gains)

    def decision_of(self, target: int | bool) -> BandDecision:
        return self.decisions[self.targets.index(target)]


def _step(criteria: CriteriaSet, reach: Reach, measure: MeasureValue, points: int, criterion: int,
          memo: dict, ident: str) -> _Step | None:
    """The Reach's next step: its target (set on it) and the step's shared part, from `memo` or built there.
    `ident` is the indicator's id (read from its result: the criteria model's attributes are slow to read)."""
    wanted_key = ("next band", ident, points)
    known = memo.get(wanted_key, _UNKNOWN)
    if known is _UNKNOWN:
        indicator = measure.indicator
        wanted = next_band(indicator, points)
        known = memo[wanted_key] = None if wanted is None else (wanted, _rate_edge(indicator, wanted))
    if known is None:
        return None
    wanted, edge = known
    if edge is None:
        target = target_value(measure, wanted)
    else:  # a rate: needed_numerator with the band's edge read once
        p, bottom, inclusive, higher, denominator_input = edge
        target = numerator_at(p, bottom, inclusive, higher, measure.inputs[denominator_input])
    reach.target = target
    # The smallest change that crosses the next band's edge can land beyond it (9 → 10 of 10 children jumps from
    # 90% to 100%): points, wording and the flip are those of the band the rules say it reaches.
    if target is None:
        key = ("step", ident, points, wanted, None, None)
        decision = None
    else:
        decision = reach.decisions[reach.targets.index(target)]  # (Reach.decision_of, inline)
        key = ("step", ident, points, wanted, decision.band, decision.points)
    step = memo.get(key)
    if step is None:
        step = memo[key] = _new_step(criteria, measure.indicator, points, wanted, decision, criterion)
    return step


def _rate_edge(indicator: Indicator, band: int) -> tuple[int, int, bool, bool, str] | None:
    """What needed_numerator reads to reach `band` of a rate (the edge's numerator, its denominator times the
    rate's scale, whether it is inclusive, whether higher is better, the denominator's input); None for another
    measure."""
    if not indicator.measure.is_rate:
        return None
    p, q, inclusive = _bound(indicator, band)
    return p, q * RATE_SCALE[indicator.measure.kind], inclusive, indicator.higher_is_better, indicator.measure.denominator


def _new_step(criteria: CriteriaSet, indicator: Indicator, points: int, wanted: int, decision: BandDecision | None,
              criterion: int) -> _Step:
    name = indicator.measured_input
    if decision is None:
        bound, status, gain, reached = indicator.band_text(wanted), indicator.scoring.band_status(wanted), None, None
        message = both("gap_unreachable", {}, numerator=input_labels(criteria, [name]))
    else:
        reached, gain = decision.band, decision.points - points
        bound, status = indicator.band_text(reached), indicator.scoring.band_status(reached)
        message = (both("gap_yes", {"gain": gain}, input=input_labels(criteria, [name]))
                   if indicator.measure.kind == "yes_no" else None)  # else worded per gap: its figures differ
    head = (criterion, indicator.id, indicator.name, "band", points, None if gain is None else points + gain, gain)
    return _Step(gain, bound, reached, head, status, message, name, indicator.measure.kind)


def band_gap(criteria: CriteriaSet, reach: Reach, measure: MeasureValue, result: IndicatorResult, criterion: int,
             wordings: dict) -> Gap | None:
    """The gap to an indicator's next band, from its Reach (its measure's shape: see Reach). `wordings` keeps
    each step's shared part, and with it the message's wording per band reached."""
    step = reach.step
    if step is _UNKNOWN:
        step = reach.step = _step(criteria, reach, measure, result.points, criterion, wordings, result.id)
    if step is None:
        return None
    name, kind = step.input, step.kind
    current = measure.inputs[name]
    target = reach.target
    if target is None or kind == "yes_no":  # its sentence the same for every unit
        gap = WordedGap(*step.head, PENDING, step.bound, name, current, target, None, step.message, False,
                        step.status)
        gap._result = result
        return gap
    change = target - current
    count = abs(change)
    key = "gap_count" if kind == "count" else ("gap_rate_more" if change > 0 else "gap_rate_fewer")
    # Worded once per indicator, band reached, message and number (one or many) of what it counts; its figures
    # filled when read (engine/rules/worded.py).
    wording = step.wordings.get((key, count == 1))
    if wording is None:
        label = input_labels(criteria, [name])  # people read the input's label, never its field name
        wording = step.wordings[(key, count == 1)] = Wording(key, unit=unit_label(criteria, name, count),
                                                             bound=step.bound, numerator=label, input=label)
    gap = WordedGap(*step.head, PENDING, step.bound, name, current, target, change, PENDING, False, step.status)
    gap._wording, gap._result = wording, result
    return gap


def input_labels(criteria: CriteriaSet, names) -> Text:
    """Inputs as people know them: their labels from the criteria file, in each language."""
    decls = [criteria.input_by_name.get(name) for name in names]
    if len(decls) == 1 and decls[0] is not None:
        return decls[0].label  # the usual case: one input, whose label is already a Text
    return Text.of(*(", ".join(d.label(lang) if d else name for d, name in zip(decls, names)) for lang in ("vi", "en")))


def missing_gap(criteria: CriteriaSet, result: IndicatorResult, criterion: int) -> Gap:
    """An indicator that lacks data: what to report."""
    return Gap(criterion, result.id, result.name, "missing", None, None, None, None, None,
               ", ".join(result.missing_inputs), None, None, None,
               both("gap_missing", {}, inputs=input_labels(criteria, result.missing_inputs)), False, None)


def find_gaps(rules: CompiledRules, scored: Scored) -> list[Gap]:
    """Every indicator below its maximum, and every indicator that lacks data, in criterion order (each
    indicator's gap is worked out once per distinct input, in engine/rules/views.py); for a unit not recognised,
    whether gaining that band alone would flip its decision."""
    views = scored.views
    if scored.decision.status != "not_recognized":
        return [views[position].gap for criterion in scored.criteria if criterion.gaps
                for position in criterion.gaps]
    gaps: list[Gap] = []
    # Scored.decision_if inline (a call a gap cost more than its work): the criterion's outcome were it to gain
    # the gap's points, then the unit's decision with that outcome and total.
    errors, unscored, category, total, not_met = scored.fact
    outcome_of, unit = rules.criterion_outcome, rules.unit
    for criterion in scored.criteria:
        for position in criterion.gaps:
            view = views[position]
            gap = view.gap
            gain = gap.points_gain
            if gain:
                outcome = outcome_of(criterion.complete, criterion.points + gain)
                if unit(errors, unscored, category, total + gain,
                        not_met + (outcome != "met") - (criterion.outcome != "met")).status == "recognized":
                    gap = view.flipped()
            gaps.append(gap)
    return gaps
