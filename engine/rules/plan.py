"""An improvement plan per unit: the fewest changes to action inputs that together reach recognition.

Cost of a plan, compared in this order:
1. the number of changes (inputs changed) — each is a piece of work the commune must organise;
2. the effort: for a count, how many children, villages, cases or activities it adds or removes; a yes/no
   provision counts 1;
so among plans with as few changes as possible, the one that moves the fewest children wins. The changes are
listed cheapest first, each with the points it brings.

Only inputs with role `action` change. A change's target is the closest value that enters a better band (the
same candidates gap analysis uses); the band a candidate reaches, each criterion's outcome and the unit's
decision are asked of the compiled rules, so the plan reaches recognition exactly when the rules say so.
The search is a branch and bound over inputs (largest possible gain first) bounded by the category threshold;
it stops after SEARCH_BUDGET nodes and keeps the best plan found (the "everything at best" plan, checked
first, is always a valid fallback).

When even every possible change leaves the unit unrecognised, `blocked_by` names each criterion that cannot
be met and each indicator whose lost points no action can win back, and why: it counts past events, its
denominator is empty, or its input cannot reach a better band.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from engine.messages import both
from engine.results.model import Plan, PlanBlock, PlanChange
from engine.rules import memos
from engine.rules.compiled import CompiledRules
from engine.criteria.model import CriteriaSet
from engine.rules.gaps import Reach, Scored, candidates, measure_of
from engine.text import Text

SEARCH_BUDGET = 20_000


@dataclass(slots=True)  # never changed once made; not frozen (a frozen __init__ is slow: many per unit)
class Option:
    """One way to change one action input, and the points it brings to each indicator it moves."""

    input: str
    target: int | bool
    effort: int
    gains: tuple[tuple[int, int], ...]  # (indicator position, points gained)
    gain: int                           # their sum
    by_criterion: tuple[tuple[int, int], ...]  # (criterion index, points gained): what the search adds up


def options_by_input(criteria: CriteriaSet, rules: CompiledRules, scored: Scored,
                     memo: dict) -> dict[str, list[Option]]:
    """Every candidate change of every action input that gains points, cheapest first, dominated ones dropped.

    Which values an input can be changed to, and the points each brings, depend only on what its indicators'
    bands are measured against — each indicator's state, denominator and current points — not on the input's
    current value (a band's edge is a count of the denominator). An input that moves one indicator (every input
    of the 2019 set) reads them from that indicator's Reach, shared by views of that shape, and keeps its
    options on the view (the effort, how far from the current value, is the view's own); an input that moves
    several keeps them in `memo` per distinct shape of its indicators."""
    out: dict[str, list[Option]] = {}
    criterion_of = criteria.criterion_index_of
    for name, positions in _movable(criteria, scored):
        if len(positions) == 1:
            view = scored.views[positions[0]]
            kept = view.options if memos.on("plan_options") else None
            if kept is None:
                kept = _options(name, rules, scored, positions, memo, criterion_of)
                if memos.on("plan_options"):
                    view.options = kept
        else:
            kept = _options(name, rules, scored, positions, memo, criterion_of)
        if kept:
            out[name] = kept
    return out


def best_gains(criteria: CriteriaSet, rules: CompiledRules, scored: Scored, memo: dict) -> list[tuple]:
    """The gains (per indicator) of each action input's best change: what a plan can reach at most, before any
    search. An input that moves one indicator needs no options for this (the changes of its indicator's Reach
    say it, whatever its current value, and the Reach keeps it): a unit whose plan is blocked never builds them."""
    out = []
    views = scored.views
    kept = memos.on("plan_options")
    singles, several = criteria.action_positions_apart
    for position in singles:
        view = views[position]
        reach = view.reach
        if reach is None:  # no better band to reach
            continue
        best = reach.best if kept else None
        if best is None:
            best = _reach_best(reach, position, view.decision.points)
            if kept:
                reach.best = best
        if best:
            out.append(best)
    for name, positions in several:
        options = _options(name, rules, scored, positions, memo, criteria.criterion_index_of)
        if options:
            out.append(options[-1].gains)
    return out


def _reach_best(reach: Reach, position: int, points: int) -> tuple:
    """The gains of the first of the largest gains among _reach_changes (() when none gains), without building
    them: most units that ask are blocked, and never need the changes themselves."""
    best = 0
    for decision in reach.decisions:
        if decision.points - points > best:
            best = decision.points - points
    return ((position, best),) if best else ()


def _movable(criteria: CriteriaSet, scored: Scored) -> Iterator[tuple[str, list[int]]]:
    """Each action input and the indicators it moves, but an input whose one indicator has no better band to reach
    (no candidate value, no option: most indicators of a unit)."""
    for name, positions in criteria.action_positions.items():
        if len(positions) > 1 or scored.views[positions[0]].reach is not None:
            yield name, positions


def _single_changes(view) -> list[tuple]:
    """_changes of the input of a view's indicator, when it moves that indicator alone: from its Reach."""
    reach = view.reach
    if reach.changes is None or not memos.on("plan_options"):
        changes = _reach_changes(reach, view.position, view.decision.points)
        if not memos.on("plan_options"):
            return changes
        reach.changes = changes
    return reach.changes


def _options(name: str, rules: CompiledRules, scored: Scored, positions: list[int], memo: dict,
             criterion_of: list[int]) -> list[Option]:
    """The input's options cheapest first (effort, then the larger gain; in the changes' order when equal), each
    costlier one kept only when it brings more points than every cheaper one: a costlier option that does not is
    never worth choosing. `criterion_of`: each indicator position's criterion index."""
    if len(positions) == 1:  # its indicator's Reach has the candidates and their bands
        changes = _single_changes(scored.views[positions[0]])
    else:
        key = (name, *[scored.views[p].shape for p in positions])
        changes = memo.get(key)
        if changes is None:
            changes = memo[key] = _changes(rules, scored, positions)
    if not changes:
        return []
    current = scored.measures[changes[0][2]].inputs[name]
    # Sorted and filtered as (effort, -gain, order) first: only the options kept are made (sorted() is stable, so
    # equal keys keep the changes' order, as sorting the options themselves did).
    ranked = sorted((1 if isinstance(target, bool) else abs(target - current), -gain, order)
                    for order, (target, _, _, gain) in enumerate(changes))
    kept: list[Option] = []
    best = 0
    for effort, loss, order in ranked:
        if not kept or -loss > best:
            target, gains, _, gain = changes[order]
            kept.append(Option(name, target, effort, gains, gain, _by_criterion(gains, criterion_of)))
            best = gain
    return kept


def _by_criterion(gains: tuple[tuple[int, int], ...], criterion_of: list[int]) -> tuple[tuple[int, int], ...]:
    """An option's gains per indicator summed per criterion, in the order each criterion first appears."""
    if len(gains) == 1:
        return ((criterion_of[gains[0][0]], gains[0][1]),)
    by: dict[int, int] = {}
    for position, gain in gains:
        by[criterion_of[position]] = by.get(criterion_of[position], 0) + gain
    return tuple(by.items())


def _reach_changes(reach: Reach, position: int, points: int) -> list[tuple]:
    """_changes of an input that moves one indicator, read from that indicator's Reach."""
    return [(target, ((position, decision.points - points),), position, decision.points - points)
            for target, decision in zip(reach.targets, reach.decisions) if decision.points > points]


def _changes(rules: CompiledRules, scored: Scored, all_positions: list[int]) -> list[tuple]:
    """(target, gains per indicator, a position it moves, total gain) for each candidate value that gains."""
    positions = [p for p in all_positions if scored.measures[p].state == "value"]
    views = scored.views  # (each its indicator's measure and decision)
    targets = list(dict.fromkeys(t for p in positions
                                 for t in candidates(views[p], views[p].decision.points)))
    out = []
    for target in targets:
        gains = tuple((p, rules.band_of(p, measure_of(views[p], target)).points
                       - views[p].decision.points) for p in positions)
        gains = tuple(g for g in gains if g[1])
        gain = sum(g for _, g in gains)
        if gain > 0:
            out.append((target, gains, positions[0], gain))
    return out


class _Search:
    """Branch and bound over the inputs (largest possible gain first): take one of an input's options or
    leave it, pruning a branch when it already costs as much as the best plan found, when even its remaining
    inputs' best gains cannot reach the threshold, or when a criterion the rules say is not met has no input
    left that could raise it. Criterion sums and outcomes are kept up to date change by change."""

    def __init__(self, criteria: CriteriaSet, rules: CompiledRules, scored: Scored, groups: list[list[Option]],
                 criterion_of: list[int]):
        self.criteria, self.rules, self.scored, self.groups = criteria, rules, scored, groups
        self.threshold = criteria.category_by_id[scored.category].threshold
        self.figures = scored.fact[:3]  # the unit's data errors, indicators unscored and category, as asked
        self.prefix = [0]
        for group in groups:
            self.prefix.append(self.prefix[-1] + group[-1].gain)
        # The last group that can still raise each criterion (each option's gains per criterion: by_criterion).
        self.last_group = [-1] * len(criteria.criteria)
        for index, group in enumerate(groups):
            for option in group:
                for criterion, _ in option.by_criterion:
                    self.last_group[criterion] = index
        self.criterion_of = criterion_of
        self.outcome_of: dict[int, bool] = {}  # criterion points -> met, as the rules say
        self.best: tuple[int, int] | None = None
        self.best_choice: list[Option] = []
        self.nodes = 0

    def met(self, points: int) -> bool:
        known = self.outcome_of.get(points)
        if known is None:
            known = self.outcome_of[points] = self.rules.criterion_outcome(True, points) == "met"
        return known

    def run(self, points: list[int]) -> None:
        sums = [0] * len(self.criteria.criteria)
        for position, value in enumerate(points):
            sums[self.criterion_of[position]] += value
        self.sums = sums
        self.unmet = {c for c, total in enumerate(sums) if not self.met(total)}
        self._visit(0, sum(points), 0, 0, [])

    def _visit(self, index: int, total: int, changes: int, effort: int, chosen: list[Option]) -> None:
        self.nodes += 1
        best = self.best
        # (changes, effort) >= best, without a tuple a node
        if self.nodes > SEARCH_BUDGET or (best is not None and (changes > best[0] or changes == best[0]
                                                                and effort >= best[1])):
            return
        # The compiled rules recognise no unit with a criterion not met or a total under its category's
        # threshold; only a node past both is asked for the unit's decision (no criterion not met, as the rules'
        # outcomes kept above say).
        threshold = self.threshold
        if total >= threshold and not self.unmet:
            errors, unscored, category = self.figures
            decision = self.rules.unit(errors, unscored, category, total, 0)
            if decision.status == "recognized":
                self.best, self.best_choice = (changes, effort), list(chosen)
                return  # any further change would only cost more
        groups = len(self.groups)
        if index == groups:
            return
        more = groups - index if best is None else best[0] - changes
        prefix = self.prefix
        if more <= 0 or total + prefix[min(index + more, groups)] - prefix[index] < threshold:
            return
        last_group = self.last_group
        for criterion in self.unmet:
            if last_group[criterion] < index:
                return
        # Each option taken (sign 1: its points added to its criteria's sums, and which are not met kept up to
        # date), visited, then taken back (sign -1), inline: two calls a node cost more than their work.
        sums, unmet, outcome_of = self.sums, self.unmet, self.outcome_of
        for option in reversed(self.groups[index]):  # the largest gain first: few-change plans are found early
            gains = option.by_criterion
            for sign in (1, -1):
                for criterion, gain in gains:
                    points = sums[criterion] = sums[criterion] + sign * gain
                    met = outcome_of.get(points)
                    if met is None:
                        met = self.met(points)
                    if met:
                        unmet.discard(criterion)
                    else:
                        unmet.add(criterion)
                if sign == 1:
                    chosen.append(option)
                    self._visit(index + 1, total + option.gain, changes + 1, effort + option.effort, chosen)
                    chosen.pop()
        self._visit(index + 1, total, changes, effort, chosen)


def make_plan(criteria: CriteriaSet, rules: CompiledRules, scored: Scored, numbers: list[int],
              memo: dict) -> Plan | None:
    """The plan for a scored unit; None when its data is invalid or its category unknown.
    `numbers` is each indicator's criterion number; `memo` keeps each input's options (see options_by_input)."""
    status = scored.decision.status
    if status == "invalid" or scored.category is None:
        return None
    if status == "recognized":
        return Plan(True, [], [])  # (reaches_recognition, changes, blocked_by: positional, one a unit recognised)
    if status == "incomplete":
        blocks = [PlanBlock(
            criterion=number, indicator=m.indicator.id,
            reason=both("plan_block_missing", inputs=_labels(criteria, m.missing)))
            for m, number in zip(scored.measures, numbers) if m.state == "missing"]
        return Plan(reaches_recognition=False, changes=[], blocked_by=blocks)
    points = [view.decision.points or 0 for view in scored.views]
    best_points = list(points)
    criterion_of, criterion_gains = criteria.criterion_index_of, {}
    for gains in best_gains(criteria, rules, scored, memo):
        for position, gain in gains:
            best_points[position] += gain
            criterion_gains[criterion_of[position]] = criterion_gains.get(criterion_of[position], 0) + gain
    outcomes, decision = scored.decision_with(rules, criterion_gains)
    if decision.status != "recognized":
        return Plan(reaches_recognition=False, changes=[],
                         blocked_by=_blocks(criteria, scored, numbers, best_points, outcomes, memo))
    groups = sorted(options_by_input(criteria, rules, scored, memo).values(), key=lambda group: -group[-1].gain)
    search = _Search(criteria, rules, scored, groups, criteria.criterion_index_of)
    search.run(points)
    chosen = search.best_choice if search.best is not None else [group[-1] for group in groups]
    cheapest_first = sorted(chosen, key=lambda option: (option.effort, -option.gain))
    changes = [_change(criteria, scored, numbers, option) for option in cheapest_first]
    return Plan(reaches_recognition=True, changes=changes, blocked_by=[])


def _labels(criteria: CriteriaSet, names) -> Text:
    labels = [criteria.input_by_name[name].label for name in names]
    return Text.of(", ".join(label.vi for label in labels), ", ".join(label.en for label in labels))


def _change(criteria: CriteriaSet, scored: Scored, numbers: list[int], option: Option) -> PlanChange:
    position = max(option.gains, key=lambda g: g[1])[0]
    measure = scored.measures[position]
    return PlanChange(
        input=option.input, label=criteria.input_by_name[option.input].label,
        from_=measure.inputs[option.input], to=option.target, points=option.gain,
        criterion=numbers[position], indicator=measure.indicator.id)


def _blocks(criteria: CriteriaSet, scored: Scored, numbers: list[int], best_points: list[int],
            outcomes: list[str], memo: dict) -> list[PlanBlock]:
    """What stays short even at best: each indicator below its maximum that no action can raise further,
    said against its criterion (stays at 0) or the threshold (the total it caps)."""
    # The criteria that cannot be met are the blockers: say those first and only (their indicators are read, in
    # order); when every criterion can be met, each indicator that caps the total.
    unmet = [index for index, outcome in enumerate(outcomes) if outcome != "met"]
    positions = ([p for index in unmet for p in range(*criteria.criterion_spans[index])] if unmet
                 else range(len(best_points)))
    best_total = sum(best_points)
    threshold = criteria.category_by_id[scored.category].threshold
    blocks = []
    views = scored.views
    for position in positions:
        view = views[position]
        result = view.result  # (its id and points at most read from it: plain attributes, unlike the indicator's)
        if best_points[position] >= result.max_points:
            continue
        measure = view  # (a view is its indicator's measure)
        indicator = measure.indicator
        # A block is said from what its sentence names: why the indicator cannot gain (its state, band and
        # current value) and the unit's figures; built once per such key and shared. (Keys start with the
        # position, so they never equal an input's options key, which starts with the input's name.)
        decision = view.decision
        number = numbers[position]
        why_key = (position, measure.state, decision.band, measure.inputs.get(indicator.measured_input))
        lost = result.max_points - best_points[position]
        key = (*why_key, "zero", lost) if unmet else (*why_key, "short", lost, best_total, threshold)
        block = memo.get(key)
        if block is None:
            why = memo.get(why_key)
            if why is None:
                why = memo[why_key] = _why(criteria, measure, decision)
            params = {"number": number, "indicator": result.id, "lost": lost, "best": best_total,
                      "threshold": threshold}
            message = "plan_block_zero" if unmet else "plan_block_short"
            block = memo[key] = PlanBlock(criterion=number, indicator=result.id,
                                          reason=both(message, params, why=why, name=indicator.name))
        blocks.append(block)
    return blocks


def _why(criteria: CriteriaSet, measure, decision):
    indicator = measure.indicator
    name = indicator.measured_input
    band = indicator.band_text(decision.band)
    if measure.state == "empty":
        return both("plan_why_empty", {"denominator": indicator.measure.denominator, "points": decision.points})
    role = criteria.input_by_name[name].role
    if role == "event":
        return both("plan_why_event", {"current": measure.inputs[name]}, label=criteria.input_by_name[name].label,
                    band=band, prevention=indicator.prevention)
    return both("plan_why_unreachable", {"current": measure.inputs[name]},
                label=criteria.input_by_name[name].label, band=band)
