"""The rules' answers, kept: each distinct question asked of durable once per process (memo "decisions" of
engine/rules/memos.py).

Most questions repeat across a batch (counts, yes/no provisions, a criterion's points, a unit's figures), and gaps
and plans ask about candidate values one at a time, so a miss on a criterion question asks the rules about its
whole row at once (every point count of a criterion): one durable call instead of one per candidate.

A rate's measure is nearly always a value never seen before (97.826…% = 45 of 46). But an indicator's rules test
the measure only against a few constants (the bounds of its bands, read from the compiled rules themselves), so
two values that no bound separates — both equal to the same bound, or both strictly between the same two
neighbouring bounds — match the same rule: durable's answer for one is its answer for the other. Measures are kept
by that class, so durable is asked about each class once: at most twice the number of bounds plus one
questions per indicator over a whole run. (A ruleset whose conditions are not all such comparisons is kept by
exact value.) A unit's question is kept the same way, field by field (errors, unscored and criteria not met
against 0, the total against each category's threshold, the category by value): durable is asked about a handful
of classes per run, where asking each (category, criteria not met) row of totals at once asked ~3,000 questions in
the first 2,000 units (~5 µs a unit). The questions as asked are kept too (in front of their classes), so that
one asked again — gaps' flips and plans ask thousands — is one lookup.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from typing import Sequence

from engine.criteria.model import CriteriaSet

MEMO_LIMIT = 100_000  # answers kept per layer (~15 MB); past it the memo starts again (bounded memory at any size)
LAYERS = ("indicator", "criterion", "unit")


class DecisionMemo:
    """Answers per layer ("indicator", "criterion", "unit"), keyed by the question as asked (a tuple); an
    indicator's measure by its class (see Edges). `edges`: per indicator position, the bounds its rules compare
    the measure with (None: keep its measures by value)."""

    def __init__(self, criteria: CriteriaSet, edges: list[list[float] | None],
                 unit_edges: list[list[float] | None] | None = None):
        self.criteria = criteria
        self.edges = edges
        # Per field of a unit question, the bounds its rules compare it with (None: a text, kept by value); None
        # when the unit rules are not all such comparisons (then unit questions are kept as asked only).
        self.unit_edges = unit_edges
        self.known: dict[str, dict] = {layer: {} for layer in LAYERS}
        self.unit_classes: dict[tuple, object] = {}  # a unit question's class -> the rules' answer

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

    def keys(self, layer: str, items: Sequence[tuple]) -> list[tuple]:
        """Each item's key in the memo (an indicator's measure by its class)."""
        return self._keys(items) if layer == "indicator" else list(items)

    def all_known(self, layer: str, keys: list[tuple]) -> list | None:
        """Every key's answer when each is kept (nearly every call past a process's first batches: one C loop
        instead of look_up's and answers' two Python ones), else None. Not for units (kept by class too)."""
        memo = self.known[layer]
        found = list(map(memo.get, keys))
        return found if all(found) else None  # (an answer is a decision or an outcome's name: never false)

    def look_up(self, layer: str, items: Sequence[tuple], keys: list[tuple] | None = None) -> tuple[list, list[tuple], list]:
        """Each item's key in the memo (`keys`, when worked out already), the questions to ask durable (each
        unknown key once, with the rest of its row for criteria, one per unknown class for units; none when every
        item is known) and their keys: ask them, `keep` the answers, then read every item's `answers`."""
        memo = self.known[layer]
        if len(memo) > MEMO_LIMIT:  # cleared before looking: every item asked now is answered below
            memo.clear()
        if keys is None:
            keys = self.keys(layer, items)
        unknown: dict[tuple, tuple] = {}  # key -> the first question asked with it
        for key, item in zip(keys, items):
            if key not in memo and key not in unknown:
                unknown[key] = item
        if unknown and layer == "unit" and self.unit_edges is not None:
            return keys, *self._unit_asked(unknown)
        if unknown and layer == "criterion":
            unknown = {key: key for key in self._criterion_rows(list(unknown))}
        return keys, list(unknown.values()), list(unknown)

    def _unit_class(self, item: tuple) -> tuple:
        """A unit question's class: each number by where it falls among its field's bounds (2i: below bound i,
        between bounds i-1 and i; 2i+1: equal to it), a text as it is."""
        key = []
        for value, edges in zip(item, self.unit_edges):
            if edges is None:
                key.append(value)
            else:
                index = bisect_left(edges, value)
                key.append(2 * index + 1 if index < len(edges) and edges[index] == value else 2 * index)
        return tuple(key)

    def unit_by_class(self, item: tuple):
        """A unit question's answer from its class, then kept as asked too; None when its class was never asked
        (gaps' flips and plans ask one question at a time, most of them new as asked but not as a class)."""
        if self.unit_edges is None:
            return None
        decision = self.unit_classes.get(self._unit_class(item))
        if decision is not None:
            memo = self.known["unit"]
            if len(memo) > MEMO_LIMIT:
                memo.clear()
            memo[item] = decision
        return decision

    def _unit_asked(self, unknown: dict[tuple, tuple]) -> tuple[list[tuple], list]:
        """Unit questions not yet kept: each whose class was answered is kept now; of the rest, one per class is
        to be asked (its key the class)."""
        memo, classes, asked = self.known["unit"], self.unit_classes, {}
        if len(classes) > MEMO_LIMIT:
            classes.clear()
        for item in unknown:
            key = self._unit_class(item)
            decision = classes.get(key)
            if decision is not None:
                memo[item] = decision
            elif key not in asked:
                asked[key] = item
        return list(asked.values()), [("class", key) for key in asked]

    def keep(self, layer: str, keys: list, decisions: list) -> None:
        if layer == "unit" and self.unit_edges is not None:  # keys are ("class", class of the question)
            self.unit_classes.update((key, decision) for (_, key), decision in zip(keys, decisions))
        else:
            self.known[layer].update(zip(keys, decisions))

    def answers(self, layer: str, keys: list) -> list:
        memo = self.known[layer]
        if layer == "unit" and self.unit_edges is not None:
            out = []
            for key in keys:  # a question asked in this call whose class was answered with it: kept now
                decision = memo.get(key)
                if decision is None:
                    decision = memo[key] = self.unit_classes[self._unit_class(key)]
                out.append(decision)
            return out
        return [memo[key] for key in keys]

    # For criteria, a question's key is the question itself.
    def _criterion_rows(self, unknown: list[tuple]) -> list[tuple]:
        top = max(c.max_points for c in self.criteria.criteria)
        expanded = [(complete, p) for complete in {c for c, _ in unknown} for p in range(top + 1)]
        return list(dict.fromkeys(unknown + [i for i in expanded if i not in self.known["criterion"]]))
