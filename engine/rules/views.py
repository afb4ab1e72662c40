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
from typing import Any

from engine.criteria.model import CriteriaSet
from engine.results.model import CriterionResult, Gap, IndicatorResult, ProvisionalUse, construct
from engine.rules.compile import BandDecision, CompiledRules
from engine.rules.gaps import band_gap, candidates, event_gap, measure_of, missing_gap
from engine.rules.measures import MeasureValue, measure_indicator
from engine.rules.scoring import criterion_result, indicator_result, rule_item
from engine.units.validate import Unit

LIMIT = 50_000  # entries kept per table; past it the tables start again (memory stays bounded at any size)


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
        self.criteria, self.rules = criteria, rules
        self.layout = [(indicator, indicator.measure.inputs) for _, indicator in criteria.indicators]
        self.numbers = [criterion.number for criterion, _ in criteria.indicators]
        self._views: dict[tuple, IndicatorView] = {}
        self._criteria: dict[tuple, CriterionView] = {}
        self.plan_options: dict[tuple, Any] = {}

    def rows(self, units: list[Unit]) -> list[list[IndicatorView]]:
        """Each unit's views in criteria order. New ones are asked of the rules together, in one call."""
        keys = [self._keys(unit) for unit in units]
        if max(len(self._views), len(self._criteria), len(self.plan_options)) > LIMIT:
            self.clear()
        known = self._views
        new = [key for key in dict.fromkeys(key for row in keys for key in row) if key not in known]
        if new:
            self._build(new)
        return [[known[key] for key in row] for row in keys]

    def criteria_rows(self, rows: list[list[IndicatorView]]) -> list[list[CriterionView]]:
        """Each unit's criteria in order: its points, whether every indicator was scored, the outcome the rules
        give that, and its result — shared by every unit whose indicators of that criterion selected the same
        views. New ones are asked of the rules together, in one call."""
        spans = list(enumerate(self.criteria.criterion_spans))
        keys = [[(index, *row[start:end]) for index, (start, end) in spans] for row in rows]
        known = self._criteria
        new = [key for key in dict.fromkeys(key for row in keys for key in row) if key not in known]
        if new:
            sums = []
            for key in new:
                points = [view.decision.points for view in key[1:]]
                sums.append((None not in points, sum(p for p in points if p is not None)))
            for key, (complete, points), outcome in zip(new, sums, self.rules.criteria_outcomes(sums)):
                result = criterion_result(self.criteria.criteria[key[0]], [view.result for view in key[1:]], outcome)
                known[key] = CriterionView(result, complete, points, outcome)
        return [[known[key] for key in row] for row in keys]

    def clear(self) -> None:
        self._views.clear()
        self._criteria.clear()
        self.plan_options.clear()

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

    def _build(self, keys: list[tuple]) -> None:
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
        for key, measure, decision in zip(keys, measures, decisions):
            position = key[0]
            result = indicator_result(measure, decision)
            self._views[key] = IndicatorView(position, measure, decision, result, self._gap(position, measure, result),
                                             _provisional(result) if result.status == "provisional" else None)

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
