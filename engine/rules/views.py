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
from itertools import islice, repeat
from typing import Any
from operator import attrgetter, itemgetter
from dataclasses import dataclass, field, replace

from engine.criteria.model import RATE_SCALE, CriteriaSet, Indicator
from engine.results.model import CriterionResult, Gap, IndicatorResult, ProvisionalUse
from engine.rules import memos
from engine.rules.compiled import CompiledRules
from engine.rules.rulesets import BandDecision
from engine.rules.gaps import Reach, band_gap, candidates, event_gap, measure_of, missing_gap
from engine.rules.measures import MeasureValue, State, measure_indicator
from engine.rules.scoring import RULE_STATE, ResultFields, result_fields
from engine.rules.worded import PENDING, AsPlain, WordedResult, fields_of
from engine.units.validate import Unit

# Views kept by all the shelves of one set (see Shelves). A view with its results and gap takes a few KB: this
# bounds a worker's memory for them near 60 MB at any batch size.
LIMIT = 20_000
# A shelf is judged after SETTLED keys asked of it, and no longer kept when fewer than RARE of them were found
# (Shelves.settle): measured, building a view costs ~10x finding it, and keeping one ~1x.
SETTLED, RARE = 500, 0.05
_INVALID = object()  # beside an indicator's inputs in a key when one of them is in error
_CRITERION_VIEW = attrgetter("criterion_view")


class Shelf(dict):
    """A memo of what repeats: what was built for each key (the plan options by their shape). Past its LIMIT it
    drops its oldest entries down to three quarters of it (a dict keeps insertion order): most of those are never
    seen again, and what many units share is built again at once (dropping everything at a limit cost a quarter of
    the engine's time, measured). Filled as a plain dict; trimmed by whoever fills it (`trim`)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def trim(self) -> None:
        if len(self) > self.limit:
            _drop_oldest(self, len(self) - max(1, self.limit * 3 // 4))


def _drop_oldest(shelf: dict, count: int) -> None:
    for stale in list(islice(shelf, count)):
        del shelf[stale]


class Shelves(list):
    """One dict per indicator (its inputs as key) or per criterion (its indicators' views), sharing one `limit`
    of entries. Past it, they are trimmed down to three quarters of it, oldest entries first, each shelf keeping
    a share in proportion to how often its keys came back (lookups that found a view, per view built): an
    indicator of few distinct inputs (a provision, a denominator most units share) keeps all it uses, while one
    whose inputs are nearly always new (an exact numerator and denominator) keeps little (those views would not be
    asked for again). On the national batch, equal shares rebuilt 26,000 of 98,000 views; these ~14,000 fewer."""

    def __init__(self, count: int, limit: int):
        super().__init__({} for _ in range(count))
        self.limit = limit
        self.asked = [0] * count  # keys looked up, per shelf, over the process's life (a unit's row, each)
        self.built = [0] * count  # ... that were not on it
        # Whether each shelf is still kept: see settle.
        self.keeps = [True] * count

    def settle(self) -> None:
        """Stop keeping a shelf whose keys, after SETTLED of them, came back for fewer than RARE of them (an
        exact numerator and denominator: on the national batch, 7 of the 22 indicators' shelves and 2 of the 6
        criteria's): looking a key up, shelving what was built and trimming it cost more than building the few
        that came back again. Its rows are then built as they come (see resolve), for the rest of the process."""
        for index, (asked, built) in enumerate(zip(self.asked, self.built)):
            if self.keeps[index] and asked >= SETTLED and asked - built < RARE * asked:
                self.keeps[index] = False
                self[index].clear()

    def trim(self) -> None:
        sizes = [len(shelf) for shelf in self]
        if sum(sizes) <= self.limit:
            return
        weights = [(asked - built + 1) / (built + 1) for asked, built in zip(self.asked, self.built)]
        for shelf, size, level in zip(self, sizes, _levels(sizes, weights, max(1, self.limit * 3 // 4))):
            if size > level:
                _drop_oldest(shelf, size - level)


def _levels(sizes: list[int], weights: list[float], room: int) -> list[int]:
    """How many entries each shelf keeps: the most a level L allows (L × its weight, never more than it has),
    with L as high as `room` allows in total (water filling: the shelves under their share keep all they have,
    the rest split what is left by weight)."""
    order = sorted(range(len(sizes)), key=lambda i: sizes[i] / weights[i])
    left, weight = room, sum(weights)
    level = 0.0
    for position, i in enumerate(order):
        level = left / weight
        if sizes[i] > level * weights[i]:
            break
        left -= sizes[i]
        weight -= weights[i]
    else:
        return list(sizes)
    return [min(size, int(level * w)) for size, w in zip(sizes, weights)]


def resolve(shelves: Shelves, columns: list[list], build, memo: str) -> list[list]:
    """Each column of keys (column i: shelf i's key for each row) as what its shelf holds for them; what a shelf
    does not hold is built together by `build([(shelf index, key)]) -> values` (each distinct key once, shelf by
    shelf) and shelved. Column by column, so that a key found costs one lookup made by
    the interpreter's own loop (a row at a time, the bookkeeping cost as much as the building: measured). A shelf
    no longer kept (its keys nearly never come back: Shelves.settle) has every row built, in the same call. With
    memo `memo` off (engine/rules/memos.py), every key is built again and nothing is kept."""
    kept = memos.on(memo)
    if not kept:
        shelves = [{} for _ in shelves]
    new: list[tuple[int, object]] = []
    passed: list[int] = []  # shelves not kept: their rows follow `new` in the build, in order
    for index, (shelf, column) in enumerate(zip(shelves, columns)):
        if kept and not shelves.keeps[index]:
            passed.append(index)
            continue
        unknown = set(column).difference(shelf)
        if unknown:
            new += zip(repeat(index), unknown)
            if kept:
                shelves.built[index] += len(unknown)
        if kept:
            shelves.asked[index] += len(column)
    rows = [(index, key) for index in passed for key in columns[index]]
    built = build(new + rows if rows else new) if new or rows else []
    for (index, key), value in zip(new, built):
        shelves[index][key] = value
    found = [list(map(shelf.__getitem__, column)) if not passed or shelves.keeps[index] else None
             for index, (shelf, column) in enumerate(zip(shelves, columns))]
    start = len(new)
    for index in passed:
        found[index] = built[start:start + len(columns[index])]
        start += len(columns[index])
    if kept:
        shelves.settle()
        shelves.trim()
    return found


@dataclass(eq=False, slots=True)  # compared and hashed by identity: a tuple of views is a key of the tables below
class IndicatorView:
    """An indicator's measure (the fields of a MeasureValue, engine/rules/measures.py: a view is read wherever a
    measure is) and what the rules and the wordings made of it. Made by Views._build, measured first and filled
    with its decision, result and gap there (one object a new view rather than a measure and a view: most of a
    national batch's rates are new); shared and never changed once built, but for the memos below."""

    position: int
    indicator: Indicator
    state: State
    value: float | None
    inputs: dict[str, Any]
    missing: tuple[str, ...] = ()
    decision: BandDecision | None = None
    result: IndicatorResult | None = None
    gap: Gap | None = None      # None: at its maximum, or nothing to say; never flips a decision (see flipped)
    provisional: ProvisionalUse | None = None  # the provisional band its points rest on, if they do
    reach: Reach | None = None  # where its measured input can take it (None: not a value, or at its maximum)
    _flipped: Gap | None = field(default=None, repr=False)
    options: list | None = field(default=None, repr=False)  # its input's plan options (engine/rules/plan.py)
    # The view of its criterion when it is that criterion's only indicator (see Views.criteria_columns).
    criterion_view: CriterionView | None = field(default=None, repr=False)

    @property
    def measure(self) -> IndicatorView:
        """Its measure: itself."""
        return self

    denominator_value = MeasureValue.denominator_value

    @property
    def shape(self) -> tuple:
        """What its plan options depend on (see engine/rules/plan.py, options_by_input)."""
        return self.state, self.denominator_value, self.decision.points

    def flipped(self) -> Gap:
        """The gap as a unit whose decision it flips shows it."""
        if self._flipped is None:
            self._flipped = replace(self.gap, flips_decision=True)
        return self._flipped


class CriterionView(AsPlain, CriterionResult):
    """A criterion's result as its indicators' views give it, and what a unit's result and question collect from
    it (worked out once per distinct set of views, so a unit's result is assembled per criterion, not per
    indicator). One object: the result itself (equal to, pickled and copied as, a plain CriterionResult: see
    engine/rules/worded.py, AsPlain) with the rules' outcome and what it collects set after its fields."""

    __slots__ = ("outcome", "not_met", "unscored", "missing", "provisional", "gaps")
    _PLAIN = CriterionResult
    _NAMES = fields_of(CriterionResult)
    outcome: str     # met, zero, below_minimum or unscored, as the rules decided
    not_met: bool    # the outcome is not met (a unit's question counts these)
    unscored: int                             # indicators left unscored (a missing or invalid input)
    missing: tuple[str, ...]                  # inputs missing, in order
    provisional: tuple[ProvisionalUse, ...]   # provisional bands its points rest on
    # Its indicators that have a gap, by position: the views themselves would make a cycle with the view that
    # holds it (IndicatorView.criterion_view), which only the cyclic collector frees.
    gaps: tuple[int, ...]

    @property
    def result(self) -> CriterionResult:
        """Its result: itself."""
        return self


class Views:
    """The views of one criteria set under one compiled ruleset, and what is built from whole rows of them."""

    def __init__(self, criteria: CriteriaSet, rules: CompiledRules):
        # A proxy: the table must not keep its ruleset alive (it is looked up by the ruleset, weakly).
        self.criteria, self.rules = criteria, weakref.proxy(rules)
        self.layout = [(indicator, indicator.measure.inputs) for _, indicator in criteria.indicators]
        # Each indicator's inputs read from a unit's values (which hold every declared input) in one call.
        self._readers = [itemgetter(*names) for _, names in self.layout]
        # How _build measures each indicator: None, one input (no rate); a rate's scale (its inputs are its
        # numerator and denominator); 0, by engine/rules/measures.py (another shape).
        self._rates = [None if len(names) == 1 and not indicator.measure.is_rate
                       else RATE_SCALE[indicator.measure.kind] if indicator.measure.is_rate and len(names) == 2
                       else 0 for indicator, names in self.layout]
        self._denominators = [indicator.measure.denominator for indicator, _ in self.layout]
        self._counts_events = [criteria.input_by_name[indicator.measured_input].role == "event"
                               for indicator, _ in self.layout]
        # The criteria file's figures the builds below read for every new view, as plain lists: an attribute of a
        # criteria model is read through pydantic's __getattr__ hook (~4x a plain read; ~40 a unit were).
        self._max_points = [indicator.max_points for indicator, _ in self.layout]
        # Per indicator, its criterion's number, name and points at most (what a criterion result repeats).
        self._criterion_heads = [(criterion.number, criterion.name, criterion.max_points)
                                 for criterion in map(criteria.criteria.__getitem__, criteria.criterion_index_of)]
        self.thresholds = {category.id: category.threshold for category in criteria.categories}  # (a result's)
        self.total_points = criteria.instrument.total_points
        # Per indicator, its result's fields fixed by its band when measured (state "value"), else by (state, band):
        # no tuple made and hashed for nearly every new view (see _fixed).
        self._results: list[dict] = [{} for _ in self.layout]
        self._reaches: dict[tuple, Reach] = {}  # per (position, denominator, points): see _build
        self._wordings: dict = {}  # gap messages' wording per indicator and band (engine/rules/gaps.py, band_gap)
        self.reasons: dict = {}  # why units are not recognised, per figures (engine/rules/scoring.py, _reason)
        self.numbers = [criterion.number for criterion, _ in criteria.indicators]
        # LIMIT split between the indicators' views and the criteria's in proportion to their numbers.
        share = max(1, LIMIT // (len(self.layout) + len(criteria.criteria)))
        self._views = Shelves(len(self.layout), share * len(self.layout))
        spans = criteria.criterion_spans
        self._alone = [index for index, (start, end) in enumerate(spans) if end - start == 1]
        self._several = [index for index, (start, end) in enumerate(spans) if end - start > 1]
        self._criteria = Shelves(len(self._several), share * len(self._several))
        self.plan_options = Shelf(LIMIT)

    def columns(self, units: list[Unit]) -> list[list[IndicatorView]]:
        """Per indicator, in criteria order, each unit's view (a unit's row is the views at its place). New ones
        are asked of the rules together, in one call."""
        return resolve(self._views, self._keys(units), self._build, "indicator_views")

    def criteria_columns(self, columns: list[list[IndicatorView]]) -> list[list[CriterionView]]:
        """Per criterion, in order, each unit's: its points, whether every indicator was scored, the outcome the
        rules give that, and its result — shared by every unit whose indicators of that criterion selected the
        same views. New ones are asked of the rules together.

        A criterion of several indicators is keyed by the tuple of their views, on shelves (each view belongs to
        one indicator, so to one criterion). A criterion of one indicator keeps its view on that indicator's view
        (criterion_view): no key to build and hash, nothing to trim, gone with the indicator's view. On the national
        batch these are 7 of the 13 criteria, and their indicators' inputs are the ones most often new."""
        spans = self.criteria.criterion_spans
        out: list = [None] * len(spans)
        keys = [list(zip(*columns[spans[index][0]:spans[index][1]])) for index in self._several]
        for index, found in zip(self._several, resolve(self._criteria, keys, self._build_criteria,
                                                       "criterion_views")):
            out[index] = found
        kept = memos.on("criterion_views")
        alone = [columns[spans[index][0]] for index in self._alone]
        new: dict[IndicatorView, int] = {}
        for column in alone:
            for view in column:
                if view.criterion_view is None or not kept:
                    new[view] = 0
        if new:
            built = self._build_alone(list(new))
            if kept:
                for view, criterion_view in zip(new, built):
                    view.criterion_view = criterion_view
            else:
                by_view = dict(zip(new, built))
                for index, column in zip(self._alone, alone):
                    out[index] = [by_view[view] for view in column]
                return out
        for index, column in zip(self._alone, alone):
            out[index] = list(map(_CRITERION_VIEW, column))
        return out

    def _build_alone(self, views: list[IndicatorView]) -> list[CriterionView]:
        """_build_criteria of criteria of one indicator, one per view (7 of 13 on the national batch, and their
        indicators' inputs the ones most often new): no key tuple, no loop over a criterion's views, no parts
        collected first. tests/test_views.py compares each with _build_criteria's."""
        decisions = [view.decision for view in views]
        outcomes = self.rules.criteria_outcomes([(decision.points is not None, decision.points or 0)
                                                 for decision in decisions])
        heads = self._criterion_heads
        built = []
        for view, decision, outcome in zip(views, decisions, outcomes):
            number, name, max_points = heads[view.position]
            points = decision.points
            criterion = CriterionView(number, name, points or 0, max_points, outcome != "unscored", outcome == "met",
                                      [view.result])
            criterion.outcome, criterion.not_met = outcome, outcome != "met"
            criterion.unscored = 1 if points is None else 0
            criterion.missing = view.missing
            criterion.provisional = () if view.provisional is None else (view.provisional,)
            criterion.gaps = () if view.gap is None else (view.position,)
            built.append(criterion)
        return built

    def _build_criteria(self, shelved: list[tuple[int, tuple]]) -> list[CriterionView]:
        keys = [key for _, key in shelved]
        # One pass over each criterion's views collects what its view keeps (comprehensions per field cost
        # more than the work for the two or three views a criterion has). Criteria of one indicator: _build_alone.
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
                if view.missing:
                    missing += view.missing
                if view.provisional is not None:
                    provisional += (view.provisional,)
                if view.gap is not None:
                    gaps += (view.position,)
            parts.append((points, unscored, results, missing, provisional, gaps))
        outcomes = self.rules.criteria_outcomes([(part[1] == 0, part[0]) for part in parts])
        heads = self._criterion_heads
        built = []
        for key, (points, unscored, results, missing, provisional, gaps), outcome in zip(keys, parts, outcomes):
            number, name, max_points = heads[key[0].position]
            # Its result: met and complete as the rules' outcome says.
            view = CriterionView(number, name, points, max_points, outcome != "unscored", outcome == "met", results)
            view.outcome, view.not_met, view.unscored = outcome, outcome != "met", unscored
            view.missing, view.provisional, view.gaps = missing, provisional, gaps
            built.append(view)
        return built

    def _keys(self, units: list[Unit]) -> list[list]:
        """Per indicator, each unit's key: what its inputs hold. Validated values are typed per input (a count is
        an int, a provision a bool), so a value never meets an equal-hashing value of another type under the
        same input (True would equal 1). An indicator of one input keys on its value, of several on the tuple of
        them; one whose input is in error on that and _INVALID."""
        values = [unit.values for unit in units]
        columns = [list(map(read, values)) for read in self._readers]
        for row, unit in enumerate(units):
            if unit.errors:
                bad = {error.input for error in unit.errors}
                for column, (_, names) in zip(columns, self.layout):
                    if any(name in bad for name in names):
                        column[row] = (_INVALID, column[row])
        return columns

    def _build(self, shelved: list[tuple[int, object]]) -> list[IndicatorView]:
        layout, rates = self.layout, self._rates
        views, questions = [], []
        # Each view measured here for the usual shapes (one input; a rate's numerator and denominator), as
        # engine/rules/measures.py computes a measure (tests/test_views.py compares them), with the question it
        # asks the rules: (position, state as the rules name it, value or None). A call per view cost more than
        # the work.
        for position, key in shelved:
            indicator, names = layout[position]
            invalid = type(key) is tuple and len(key) == 2 and key[0] is _INVALID
            if invalid:
                key = key[1]
            scale = rates[position]
            if scale is None:  # one input, not a rate
                inputs = {names[0]: key}
                if invalid:
                    view = IndicatorView(position, indicator, "invalid", None, inputs)
                    question = (position, "unscored", None)
                elif key is None:
                    view = IndicatorView(position, indicator, "missing", None, inputs, names)
                    question = (position, "unscored", None)
                else:
                    value = float(key)
                    view = IndicatorView(position, indicator, "value", value, inputs)
                    question = (position, "value", value)
            elif scale:  # a rate: (numerator, denominator)
                numerator, denominator = key
                inputs = {names[0]: numerator, names[1]: denominator}
                if invalid:
                    view = IndicatorView(position, indicator, "invalid", None, inputs)
                    question = (position, "unscored", None)
                elif numerator is None or denominator is None:
                    view = IndicatorView(position, indicator, "missing", None, inputs,
                                         tuple(n for n, v in zip(names, key) if v is None))
                    question = (position, "unscored", None)
                elif denominator == 0:
                    view = IndicatorView(position, indicator, "empty", None, inputs)
                    question = (position, "empty", None)
                else:
                    value = numerator * scale / denominator
                    view = IndicatorView(position, indicator, "value", value, inputs)
                    question = (position, "value", value)
            else:
                measure = measure_indicator(indicator, names, (key,) if len(names) == 1 else key, invalid)
                view = IndicatorView(position, indicator, measure.state, measure.value, measure.inputs,
                                     measure.missing)
                question = (position, RULE_STATE[measure.state], measure.value)
            views.append(view)
            questions.append(question)
        decisions = self.rules.bands(questions)
        # Where each measure below its maximum can reach (its Reach: every value a gap or a plan asks about, and
        # the band the rules put it in) depends on its indicator, denominator and points only: worked out once
        # per such shape, the new ones' candidate values asked of the rules in one call.
        reaches = memos.kept("reaches", self._reaches)
        if len(reaches) >= LIMIT:
            reaches.clear()
        shaped, new = [], {}
        denominators, max_points = self._denominators, self._max_points
        for view, decision in zip(views, decisions):
            shape = None
            position = view.position
            if view.state == "value" and decision.points < max_points[position]:
                denominator = denominators[position]  # (MeasureValue.denominator_value, inline)
                shape = (position, view.inputs[denominator] if denominator else None, decision.points)
                if shape not in reaches and shape not in new:
                    new[shape] = (view, candidates(view, decision.points))
            shaped.append(shape)
        if new:
            questions = []
            for (position, denominator, _), (measure, targets) in new.items():
                scale = rates[position]
                if scale:  # a rate: measure_of (engine/rules/gaps.py) inline, the same computation
                    questions += [(position, "value", target * scale / denominator) for target in targets]
                else:
                    questions += [(position, "value", measure_of(measure, target)) for target in targets]
            answers, start = self.rules.bands(questions), 0
            for shape, (_, targets) in new.items():
                reaches[shape] = Reach(targets, answers[start:start + len(targets)])
                start += len(targets)
        wordings = memos.kept("wordings", self._wordings)
        if len(wordings) >= LIMIT:
            wordings.clear()
        fixed_of = self._results
        criteria, numbers, counts_events = self.criteria, self.numbers, self._counts_events
        for view, decision, shape in zip(views, decisions, shaped):
            position, state = view.position, view.state
            band = decision.band
            fixed, provisional = (fixed_of[position].get(band if state == "value" else (state, band))
                                  or self._fixed(position, state, band))
            # indicator_result (engine/rules/scoring.py), inline: one per new view.
            result = WordedResult(fixed.id, fixed.name, view.inputs, fixed.measure_kind, view.value, PENDING,
                                  fixed.state, fixed.band, decision.points, fixed.max_points, fixed.status,
                                  fixed.citation, list(view.missing) if view.missing else [])
            reach = reaches[shape] if shape is not None else None
            # Every indicator below its maximum, and every indicator that lacks data, has a gap (inline: a call
            # per view cost more than deciding that most have none).
            points = decision.points
            if state == "missing":
                gap = missing_gap(criteria, result, numbers[position])
            elif points is None or points >= max_points[position]:
                gap = None
            elif counts_events[position]:
                gap = event_gap(criteria, view, result, numbers[position], wordings)
            elif reach is None:
                gap = None
            else:
                gap = band_gap(criteria, reach, view, result, numbers[position], wordings)
            view.decision, view.result, view.gap = decision, result, gap
            view.provisional, view.reach = provisional, reach
        return views

    def _fixed(self, position: int, state: str, band: int | None) -> tuple[ResultFields, ProvisionalUse | None]:
        """What an indicator's state and band fix in its result (the same for every unit), and the provisional
        rule its points then rest on, if they do: built once each."""
        key = band if state == "value" else (state, band)  # (a band is an int or None: never equal to a tuple)
        known = self._results[position].get(key)
        if known is None:
            fixed = result_fields(self.layout[position][0], state, band)
            provisional = None
            if fixed.status == "provisional":
                provisional = ProvisionalUse(fixed.id, fixed.band, self.layout[position][0].scoring.bands[band].points,
                                             fixed.citation)
            known = self._results[position][key] = (fixed, provisional)
        return known


_TABLES: weakref.WeakKeyDictionary[CompiledRules, Views] = weakref.WeakKeyDictionary()


def views_for(criteria: CriteriaSet, rules: CompiledRules) -> Views:
    """One table per compiled ruleset, gone with it (a fresh ruleset, as in a new worker, starts empty)."""
    views = _TABLES.get(rules)
    if views is None:
        views = _TABLES[rules] = Views(criteria, rules)
    return views
