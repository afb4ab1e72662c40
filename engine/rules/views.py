"""Indicator views: what one indicator's inputs give, worked out once per distinct set of inputs.

An indicator's measure, the band and points the rules give it, its explained result and its gap depend only on
the inputs it reads. Across a country most of those repeat (in the synthetic national batch, 69% of the
(indicator, inputs) pairs were seen before: yes/no provisions, small counts, the same denominators), so each
distinct pair is measured, asked of the rules, worded and given its gap once, and a unit's result is assembled
from the views its inputs select. The rules still decide every value (a view is built from their answer); this
only stops Python from wording the same answer again.

Views, and the criterion results and plan options built from them, are shared by every unit that selects them
and are never changed afterwards: a gap that would flip one unit's decision is copied for that unit.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from engine.criteria.model import CriteriaSet
from engine.results.model import CriterionResult, Gap, IndicatorResult, ProvisionalUse, construct
from engine.rules.compile import BandDecision, CompiledRules
from engine.rules.gaps import band_gap, candidates, event_gap, measure_of, missing_gap
from engine.rules.measures import MeasureValue, measure_indicator
from engine.rules.scoring import criterion_result, criterion_sum, indicator_result, rule_item
from engine.units.validate import Unit

# Entries kept per generation of each table (see Table). A view with its results and gap takes a few KB: this
# bounds a worker's tables near 60 MB at any batch size (measured at 100,000 units).
LIMIT = 10_000


class Table:
    """A memo that keeps what repeats. A new entry is young; one looked up again in a later batch moves to the
    old generation. A full young generation is dropped (most of it is never seen again: a rate's exact
    numerator and denominator), a full old one starts again. Memory stays bounded and the entries most units
    share survive (dropping everything at a limit instead cost a quarter of the engine's time, measured)."""

    def __init__(self) -> None:
        self.old: dict = {}
        self.young: dict = {}

    def get(self, key):
        found = self.old.get(key)
        if found is None:
            found = self.young.pop(key, None)
            if found is not None:
                if len(self.old) >= LIMIT:
                    self.old.clear()
                self.old[key] = found
        return found

    def __setitem__(self, key, value) -> None:
        if len(self.young) >= LIMIT:
            self.young.clear()
        self.young[key] = value

    def __len__(self) -> int:
        return len(self.old) + len(self.young)

    def resolve(self, keys: list[list], build) -> list[list]:
        """Each row of keys as values. Each distinct key is looked up once (so a key repeated within one batch
        stays young); the missing ones are built together by `build(keys) -> values`."""
        found = {key: self.get(key) for key in dict.fromkeys(key for row in keys for key in row)}
        new = [key for key, value in found.items() if value is None]
        if new:
            for key, value in zip(new, build(new)):
                found[key] = self[key] = value
        return [[found[key] for key in row] for row in keys]


@dataclass(eq=False)  # compared and hashed by identity: a tuple of views is a key of the tables below
class IndicatorView:
    position: int
    measure: MeasureValue
    decision: BandDecision
    result: IndicatorResult
    gap: Gap | None            # None: at its maximum, or nothing to say; never flips a decision (see flipped)
    provisional: ProvisionalUse | None  # the provisional band its points rest on, if they do
    _flipped: Gap | None = field(default=None, repr=False)

    def flipped(self) -> Gap:
        """The gap as a unit whose decision it flips shows it."""
        if self._flipped is None:
            self._flipped = construct(Gap, **{**self.gap.__dict__, "flips_decision": True})
        return self._flipped


@dataclass(eq=False)
class CriterionView:
    result: CriterionResult
    complete: bool   # every indicator scored
    points: int
    outcome: str     # met, zero, below_minimum or unscored, as the rules decided


class Views:
    """The views of one criteria set under one compiled ruleset, and what is built from whole rows of them."""

    def __init__(self, criteria: CriteriaSet, rules: CompiledRules):
        # A proxy: the table must not keep its ruleset alive (it is looked up by the ruleset, weakly).
        self.criteria, self.rules = criteria, weakref.proxy(rules)
        self.layout = [(indicator, indicator.measure.inputs) for _, indicator in criteria.indicators]
        self.numbers = [criterion.number for criterion, _ in criteria.indicators]
        self._views = Table()
        self._criteria = Table()
        self.plan_options = Table()

    def rows(self, units: list[Unit]) -> list[list[IndicatorView]]:
        """Each unit's views in criteria order. New ones are asked of the rules together, in one call."""
        return self._views.resolve([self._keys(unit) for unit in units], self._build)

    def criteria_rows(self, rows: list[list[IndicatorView]]) -> list[list[CriterionView]]:
        """Each unit's criteria in order: its points, whether every indicator was scored, the outcome the rules
        give that, and its result — shared by every unit whose indicators of that criterion selected the same
        views. New ones are asked of the rules together, in one call."""
        spans = list(enumerate(self.criteria.criterion_spans))
        return self._criteria.resolve([[(index, *row[start:end]) for index, (start, end) in spans] for row in rows],
                                      self._build_criteria)

    def _build_criteria(self, keys: list[tuple]) -> list[CriterionView]:
        sums = [criterion_sum([view.decision.points for view in key[1:]]) for key in keys]
        return [CriterionView(criterion_result(self.criteria.criteria[key[0]], [view.result for view in key[1:]],
                                               outcome), complete, points, outcome)
                for key, (complete, points), outcome in zip(keys, sums, self.rules.criteria_outcomes(sums))]

    def _keys(self, unit: Unit) -> list[tuple]:
        # Validated values are typed per input (a count is an int, a provision a bool), so a value never
        # meets an equal-hashing value of another type under the same input (True would equal 1).
        values = unit.values
        if not unit.errors:
            return [(position, tuple([values.get(name) for name in names]), False)
                    for position, (_, names) in enumerate(self.layout)]
        bad = {error.input for error in unit.errors}
        return [(position, tuple([values.get(name) for name in names]), any(name in bad for name in names))
                for position, (_, names) in enumerate(self.layout)]

    def _build(self, keys: list[tuple]) -> list[IndicatorView]:
        layout = self.layout
        measures = [measure_indicator(layout[position][0], layout[position][1], inputs, invalid)
                    for position, inputs, invalid in keys]
        decisions = self.rules.bands([rule_item(key[0], measure) for key, measure in zip(keys, measures)])
        # Every value a gap or a plan may ask about, asked in one call (the rules memoise the answers).
        asked = []
        for (position, _, _), measure, decision in zip(keys, measures, decisions):
            if measure.state == "value" and decision.points < measure.indicator.max_points:
                asked += [(position, "value", measure_of(measure, target))
                          for target in candidates(measure, decision.points)]
        self.rules.bands(asked)
        built = []
        for (position, _, _), measure, decision in zip(keys, measures, decisions):
            result = indicator_result(measure, decision)
            built.append(IndicatorView(position, measure, decision, result, self._gap(position, measure, result),
                                       _provisional(result) if result.status == "provisional" else None))
        return built

    def _gap(self, position: int, measure: MeasureValue, result: IndicatorResult) -> Gap | None:
        """Every indicator below its maximum, and every indicator that lacks data, has a gap."""
        number = self.numbers[position]
        if result.state == "missing":
            return missing_gap(self.criteria, result, number)
        if result.points is None or result.points >= result.max_points:
            return None
        if self.criteria.input_by_name[measure.indicator.measured_input].role == "event":
            return event_gap(self.criteria, measure, result, number)
        return band_gap(self.criteria, self.rules, position, measure, result, number)


_PROVISIONAL: dict[tuple, ProvisionalUse] = {}


def _provisional(result: IndicatorResult) -> ProvisionalUse:
    """The provisional rule an indicator's points rest on: the same few for every unit, built once each."""
    key = (result.id, result.band.vi, result.band.en, result.points, result.citation)
    use = _PROVISIONAL.get(key)
    if use is None:
        if len(_PROVISIONAL) > 10_000:
            _PROVISIONAL.clear()
        use = _PROVISIONAL[key] = construct(ProvisionalUse, indicator=result.id, band=result.band,
                                            points=result.points, citation=result.citation)
    return use


_TABLES: weakref.WeakKeyDictionary[CompiledRules, Views] = weakref.WeakKeyDictionary()


def views_for(criteria: CriteriaSet, rules: CompiledRules) -> Views:
    """One table per compiled ruleset, gone with it (a fresh ruleset, as in a new worker, starts empty)."""
    views = _TABLES.get(rules)
    if views is None:
        views = _TABLES[rules] = Views(criteria, rules)
    return views
