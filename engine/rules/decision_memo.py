"""The rules' answers, kept: each distinct question asked of durable once per process (memo "decisions" of
engine/rules/memos.py).

Most questions repeat across a batch (counts, yes/no provisions, a criterion's points, a unit's figures), and gaps
and plans ask about candidate values one at a time, so a miss on a unit or criterion question asks the rules about
its whole row at once (every total a unit can score from the lowest asked up, for that category and number of
criteria not met; every point count of a criterion): one durable call instead of one per candidate.
"""
from __future__ import annotations

from functools import cached_property
from typing import Callable, Sequence

from engine.criteria.model import CriteriaSet

MEMO_LIMIT = 100_000  # answers kept per layer (~15 MB); past it the memo starts again (bounded memory at any size)
LAYERS = ("indicator", "criterion", "unit")


class DecisionMemo:
    """Answers per layer ("indicator", "criterion", "unit"), keyed by the question as asked (a tuple)."""

    def __init__(self, criteria: CriteriaSet):
        self.criteria = criteria
        self.known: dict[str, dict] = {layer: {} for layer in LAYERS}

    def get(self, layer: str, item: tuple):
        return self.known[layer].get(item)

    def answer(self, layer: str, items: Sequence[tuple], decide: Callable[[list[tuple]], list]) -> list:
        """The answer to each item: from the memo, the unknown ones asked of `decide` together (with the rest of
        their row, for units and criteria)."""
        memo = self.known[layer]
        if len(memo) > MEMO_LIMIT:  # cleared before looking: every item asked now is answered below
            memo.clear()
        try:
            return [memo[item] for item in items]  # the usual case for criteria and units: all known
        except KeyError:
            pass
        unknown = list(dict.fromkeys(item for item in items if item not in memo))
        if layer == "unit":
            unknown = self._unit_rows(unknown)
        elif layer == "criterion":
            unknown = self._criterion_rows(unknown)
        memo.update(zip(unknown, decide(unknown)))
        return [memo[item] for item in items]

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
