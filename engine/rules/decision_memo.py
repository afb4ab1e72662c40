"""The rules' answers, kept: each distinct question asked of durable once per process (memo "decisions" of
engine/rules/memos.py).

Most questions repeat across a batch (counts, yes/no provisions, a criterion's points, a unit's figures), and gaps
and plans ask about candidate values one at a time, so a miss on a unit or criterion question asks the rules about
its whole row at once (every total a unit can score from the lowest asked up, for that category and number of
criteria not met; every point count of a criterion): one durable call instead of one per candidate.

A rate's measure is nearly always a value never seen before (97.826…% = 45 of 46). But an indicator's rules test
the measure only against a few constants (the bounds of its bands, read from the compiled rules themselves), so
two values that no bound separates — both equal to the same bound, or both strictly between the same two
neighbouring bounds — match the same rule: durable's answer for one is its answer for the other. Measures are kept
by that class (`Edges`), so durable is asked about each class once: at most twice the number of bounds plus one
questions per indicator over a whole run. (A ruleset whose conditions are not all such comparisons is kept by
exact value.)
"""
from __future__ import annotations

import math
from bisect import bisect_left
from functools import cached_property
from typing import Sequence

from engine.criteria.model import CriteriaSet

MEMO_LIMIT = 100_000  # answers kept per layer (~15 MB); past it the memo starts again (bounded memory at any size)
LAYERS = ("indicator", "criterion", "unit")


class DecisionMemo:
    """Answers per layer ("indicator", "criterion", "unit"), keyed by the question as asked (a tuple); an
    indicator's measure by its class (see Edges). `edges`: per indicator position, the bounds its rules compare
    the measure with (None: keep its measures by value)."""

    def __init__(self, criteria: CriteriaSet, edges: list[list[float] | None]):
        self.criteria = criteria
        self.edges = edges
        self.known: dict[str, dict] = {layer: {} for layer in LAYERS}

    def get(self, layer: str, item: tuple):
        return self.known[layer].get(self._key(item) if layer == "indicator" else item)

    def _key(self, item: tuple) -> tuple:
        """An indicator question as kept: (position, "class", class of the value) when its value can only fall
        in a class of its rules' bounds; the question itself otherwise (another state; no bounds known; a value
        that is not a finite number, which durable must be asked about — and refuse)."""
        position, state, value = item
        edges = self.edges[position]
        if state != "value" or edges is None or not math.isfinite(value):
            return item
        index = bisect_left(edges, value)
        return position, "class", 2 * index + 1 if index < len(edges) and edges[index] == value else 2 * index

    def _keys(self, items: Sequence[tuple]) -> list[tuple]:
        """_key of each item, in one loop (a call per item cost a third of the work: many per unit)."""
        keys, edges_of, finite = [], self.edges, math.isfinite
        for item in items:
            position, state, value = item
            edges = edges_of[position]
            if state != "value" or edges is None or not finite(value):
                keys.append(item)
            else:
                index = bisect_left(edges, value)
                keys.append((position, "class",
                             2 * index + 1 if index < len(edges) and edges[index] == value else 2 * index))
        return keys

    def look_up(self, layer: str, items: Sequence[tuple]) -> tuple[list, list[tuple], list]:
        """Each item's key in the memo, the questions to ask durable (each unknown key once, with the rest of its
        row for units and criteria; none when every item is known) and their keys: ask them, `keep` the answers,
        then read every item's `answers`."""
        memo = self.known[layer]
        if len(memo) > MEMO_LIMIT:  # cleared before looking: every item asked now is answered below
            memo.clear()
        keys = self._keys(items) if layer == "indicator" else list(items)
        unknown: dict[tuple, tuple] = {}  # key -> the first question asked with it
        for key, item in zip(keys, items):
            if key not in memo and key not in unknown:
                unknown[key] = item
        if unknown and layer == "unit":
            unknown = {key: key for key in self._unit_rows(list(unknown))}
        elif unknown and layer == "criterion":
            unknown = {key: key for key in self._criterion_rows(list(unknown))}
        return keys, list(unknown.values()), list(unknown)

    def keep(self, layer: str, keys: list, decisions: list) -> None:
        self.known[layer].update(zip(keys, decisions))

    def answers(self, layer: str, keys: list) -> list:
        memo = self.known[layer]
        return [memo[key] for key in keys]

    # For units and criteria, a question's key is the question itself.
    def _unit_rows(self, unknown: list[tuple]) -> list[tuple]:
        """With each decidable unit question (no errors, nothing unscored), every higher total of its row."""
        lowest: dict[tuple, int] = {}
        for errors, unscored, category, total, not_met in unknown:
            if errors == 0 and unscored == 0 and total < lowest.get((category, not_met), total + 1):
                lowest[(category, not_met)] = total
        known = self.known["unit"]
        expanded = [(0, 0, category, total, not_met) for (category, not_met), low in lowest.items()
                    for total in self.totals if total >= low]
        return list(dict.fromkeys(unknown + [item for item in expanded if item not in known]))

    def _criterion_rows(self, unknown: list[tuple]) -> list[tuple]:
        top = max(c.max_points for c in self.criteria.criteria)
        expanded = [(complete, p) for complete in {c for c, _ in unknown} for p in range(top + 1)]
        return list(dict.fromkeys(unknown + [i for i in expanded if i not in self.known["criterion"]]))

    @cached_property
    def totals(self) -> list[int]:
        """Every total a unit can score: sums of one band's points per indicator (201 values for 2019)."""
        sums = {0}
        for _, indicator in self.criteria.indicators:
            points = {band.points for band in indicator.scoring.bands}
            sums = {total + p for total in sums for p in points}
        return sorted(sums)
