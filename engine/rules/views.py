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
from itertools import chain, islice
from operator import itemgetter
from dataclasses import dataclass, field, replace

from engine.criteria.model import CriteriaSet
from engine.results.model import CriterionResult, Gap, IndicatorResult, ProvisionalUse
from engine.rules import memos
from engine.rules.compiled import CompiledRules
from engine.rules.rulesets import BandDecision
from engine.rules.gaps import Reach, band_gap, candidates, event_gap, measure_of, missing_gap
from engine.rules.measures import MeasureValue, measure_indicator
from engine.rules.scoring import RULE_STATE, criterion_fields, criterion_result, indicator_result, result_fields
from engine.units.validate import Unit

# Entries kept per generation of each table (see Table). A view with its results and gap takes a few KB: this
# bounds a worker's tables near 60 MB at any batch size (measured at 100,000 units).
LIMIT = 10_000


class Table:
    """A memo that keeps what repeats. A new entry is young; one looked up again in a later batch moves to the
    old generation. A full young generation drops its oldest quarter (most of it is never seen again: a rate's
    exact numerator and denominator; dropping all of it rebuilt 5% more views on the national batch, measured),
    a full old one starts again. Memory stays bounded and the entries most units share survive (dropping
    everything at a limit instead cost a quarter of the engine's time, measured)."""

    def __init__(self, memo: str) -> None:
        self.memo = memo  # its switch (engine/rules/memos.py)
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
        young = self.young
        if len(young) >= LIMIT:  # the oldest quarter goes (a dict keeps insertion order): the newest stay
            for stale in list(islice(young, max(1, LIMIT // 4))):
                del young[stale]
        young[key] = value

    def __len__(self) -> int:
        return len(self.old) + len(self.young)

    def resolve(self, keys: list[list], build) -> list[list]:
        """Each row of keys as values. Each distinct key is looked up once (so a key repeated within one batch
        stays young); the missing ones are built together by `build(keys) -> values`."""
        found = dict.fromkeys(chain.from_iterable(keys))
        if not memos.on(self.memo):  # every key built again, none kept
            found.update(zip(found, build(list(found))))
            return [list(map(found.__getitem__, row)) for row in keys]
        old = self.old
        new = []
        for key in found:
            value = old.get(key)
            if value is None:
                value = self.get(key)  # young (then promoted), or not known
                if value is None:
                    new.append(key)
                    continue
            found[key] = value
        if new:
            for key, value in zip(new, build(new)):
                found[key] = self[key] = value
        look_up = found.__getitem__
        return [list(map(look_up, row)) for row in keys]


@dataclass(eq=False, slots=True)  # compared and hashed by identity: a tuple of views is a key of the tables below
class IndicatorView:
    position: int
    measure: MeasureValue
    decision: BandDecision
    result: IndicatorResult
    gap: Gap | None            # None: at its maximum, or nothing to say; never flips a decision (see flipped)
    provisional: ProvisionalUse | None  # the provisional band its points rest on, if they do
    reach: Reach | None = None  # where its measured input can take it (None: not a value, or at its maximum)
    _flipped: Gap | None = field(default=None, repr=False)
    options: list | None = field(default=None, repr=False)  # its input's plan options (engine/rules/plan.py)

    @property
    def shape(self) -> tuple:
        """What its plan options depend on (see engine/rules/plan.py, options_by_input)."""
        return self.measure.state, self.measure.denominator_value, self.decision.points

    def flipped(self) -> Gap:
        """The gap as a unit whose decision it flips shows it."""
        if self._flipped is None:
            self._flipped = replace(self.gap, flips_decision=True)
        return self._flipped


@dataclass(eq=False, slots=True)
class CriterionView:
    """A criterion as its indicators' views give it, and what a unit's result collects from them (worked out
    once per distinct set of views, so a unit's result is assembled per criterion, not per indicator)."""

    result: CriterionResult
    points: int
    outcome: str     # met, zero, below_minimum or unscored, as the rules decided
    unscored: int                             # indicators left unscored (a missing or invalid input)
    missing: tuple[str, ...]                  # inputs missing, in order
    provisional: tuple[ProvisionalUse, ...]   # provisional bands its points rest on
    gaps: tuple[IndicatorView, ...]           # its indicators that have a gap

    @property
    def complete(self) -> bool:
        """Every indicator scored."""
        return not self.unscored


class Views:
    """The views of one criteria set under one compiled ruleset, and what is built from whole rows of them."""

    def __init__(self, criteria: CriteriaSet, rules: CompiledRules):
        # A proxy: the table must not keep its ruleset alive (it is looked up by the ruleset, weakly).
        self.criteria, self.rules = criteria, weakref.proxy(rules)
        self.layout = [(indicator, indicator.measure.inputs) for _, indicator in criteria.indicators]
        # Each indicator's inputs read from a unit's values (which hold every declared input) in one call.
        self._readers = [itemgetter(*names) for _, names in self.layout]
        self._single = [len(names) == 1 for _, names in self.layout]
        self._counts_events = [criteria.input_by_name[indicator.measured_input].role == "event"
                               for indicator, _ in self.layout]
        self._results: dict[tuple, dict] = {}  # an indicator result's fields fixed by (position, state, band)
        self._reaches: dict[tuple, Reach] = {}  # per (position, denominator, points): see _build
        self._wordings: dict = {}  # gap messages' wording per indicator and band (engine/rules/gaps.py, band_gap)
        self.reasons: dict = {}  # why units are not recognised, per figures (engine/rules/scoring.py, _reason)
        self.numbers = [criterion.number for criterion, _ in criteria.indicators]
        self._criterion_fields = [criterion_fields(criterion) for criterion in criteria.criteria]
        self._views = Table("indicator_views")
        self._criteria = Table("criterion_views")
        self.plan_options = Table("plan_options")

    def rows(self, units: list[Unit]) -> list[list[IndicatorView]]:
        """Each unit's views in criteria order. New ones are asked of the rules together, in one call."""
        return self._views.resolve([self._keys(unit) for unit in units], self._build)

    def criteria_rows(self, rows: list[list[IndicatorView]]) -> list[list[CriterionView]]:
        """Each unit's criteria in order: its points, whether every indicator was scored, the outcome the rules
        give that, and its result — shared by every unit whose indicators of that criterion selected the same
        views. New ones are asked of the rules together, in one call."""
        # A criterion's key is the tuple of its views (each view belongs to one indicator, so to one criterion).
        spans = [slice(start, end) for start, end in self.criteria.criterion_spans]
        return self._criteria.resolve([[views[span] for span in spans] for views in map(tuple, rows)],
                                      self._build_criteria)

    def _build_criteria(self, keys: list[tuple]) -> list[CriterionView]:
        # One pass over each criterion's views collects what its view keeps (comprehensions per field cost
        # more than the work for the two or three views a criterion has).
        parts = []
        for key in keys:
            points = unscored = 0
            results, missing, provisional, gaps = [], (), (), ()
            for view in key:
                gained = view.decision.points
                if gained is None:
                    unscored += 1
                else:
                    points += gained
                results.append(view.result)
                if view.measure.missing:
                    missing += view.measure.missing
                if view.provisional is not None:
                    provisional += (view.provisional,)
                if view.gap is not None:
                    gaps += (view,)
            parts.append((points, unscored, results, missing, provisional, gaps))
        outcomes = self.rules.criteria_outcomes([(unscored == 0, points) for points, unscored, *_ in parts])
        fixed, criterion_of = self._criterion_fields, self.criteria.criterion_index_of
        return [CriterionView(criterion_result(fixed[criterion_of[key[0].position]], results, points, outcome),
                              points, outcome, unscored, missing, provisional, gaps)
                for key, (points, unscored, results, missing, provisional, gaps), outcome in zip(keys, parts, outcomes)]

    def _keys(self, unit: Unit) -> list[tuple]:
        # Validated values are typed per input (a count is an int, a provision a bool), so a value never
        # meets an equal-hashing value of another type under the same input (True would equal 1). An indicator
        # of one input keys on its value, of several on the tuple of them.
        values = unit.values
        if not unit.errors:
            return [(position, read(values), False) for position, read in enumerate(self._readers)]
        bad = {error.input for error in unit.errors}
        return [(position, read(values), any(name in bad for name in names))
                for position, (read, (_, names)) in enumerate(zip(self._readers, self.layout))]

    def _build(self, keys: list[tuple]) -> list[IndicatorView]:
        layout, single = self.layout, self._single
        measures = [measure_indicator(layout[position][0], layout[position][1],
                                      (inputs,) if single[position] else inputs, invalid)
                    for position, inputs, invalid in keys]
        # The question each measure asks the rules: (position, state as the rules name it, value or None).
        decisions = self.rules.bands([(key[0], RULE_STATE[measure.state], measure.value)
                                      for key, measure in zip(keys, measures)])
        # Where each measure below its maximum can reach (its Reach: every value a gap or a plan asks about, and
        # the band the rules put it in) depends on its indicator, denominator and points only: worked out once
        # per such shape, the new ones' candidate values asked of the rules in one call.
        reaches = memos.kept("reaches", self._reaches)
        if len(reaches) >= LIMIT:
            reaches.clear()
        shaped, new = [], {}
        for (position, _, _), measure, decision in zip(keys, measures, decisions):
            shape = None
            if measure.state == "value" and decision.points < measure.indicator.max_points:
                shape = (position, measure.denominator_value, decision.points)
                if shape not in reaches and shape not in new:
                    new[shape] = (measure, candidates(measure, decision.points))
            shaped.append(shape)
        if new:
            answers = iter(self.rules.bands([(shape[0], "value", measure_of(measure, target))
                                             for shape, (measure, targets) in new.items() for target in targets]))
            for shape, (_, targets) in new.items():
                reaches[shape] = Reach(targets, [next(answers) for _ in targets])
        built = []
        for (position, _, _), measure, decision, shape in zip(keys, measures, decisions, shaped):
            fixed, provisional = self._fixed(position, measure.state, decision.band)
            result = indicator_result(measure, decision, fixed)
            reach = reaches[shape] if shape is not None else None
            gap = self._gap(position, measure, decision.points, result, reach)
            built.append(IndicatorView(position, measure, decision, result, gap, provisional, reach))
        return built

    def _fixed(self, position: int, state: str, band: int | None) -> tuple[dict, ProvisionalUse | None]:
        """What an indicator's state and band fix in its result (the same for every unit), and the provisional
        rule its points then rest on, if they do: built once each."""
        key = (position, state, band)
        known = self._results.get(key)
        if known is None:
            fixed = result_fields(self.layout[position][0], state, band)
            provisional = None
            if fixed["status"] == "provisional":
                provisional = ProvisionalUse(indicator=fixed["id"], band=fixed["band"],
                                             points=self.layout[position][0].scoring.bands[band].points,
                                             citation=fixed["citation"])
            known = self._results[key] = (fixed, provisional)
        return known

    def _gap(self, position: int, measure: MeasureValue, points: int | None, result: IndicatorResult,
             reach: Reach | None) -> Gap | None:
        """Every indicator below its maximum, and every indicator that lacks data, has a gap."""
        if measure.state == "missing":
            return missing_gap(self.criteria, result, self.numbers[position])
        if points is None or points >= measure.indicator.max_points:
            return None
        wordings = memos.kept("wordings", self._wordings)
        if len(wordings) >= LIMIT:
            wordings.clear()
        if self._counts_events[position]:
            return event_gap(self.criteria, measure, result, self.numbers[position], wordings)
        if reach is None:
            return None
        return band_gap(self.criteria, reach, measure, result, self.numbers[position], wordings)


_TABLES: weakref.WeakKeyDictionary[CompiledRules, Views] = weakref.WeakKeyDictionary()


def views_for(criteria: CriteriaSet, rules: CompiledRules) -> Views:
    """One table per compiled ruleset, gone with it (a fresh ruleset, as in a new worker, starts empty)."""
    views = _TABLES.get(rules)
    if views is None:
        views = _TABLES[rules] = Views(criteria, rules)
    return views
