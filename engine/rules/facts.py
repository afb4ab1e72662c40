"""What is asked of the rules, as durable facts: each question written as the JSON its rules test
(engine/rules/rulesets.py), and the probe facts that check a ruleset before it decides anything.

Facts are written as JSON text without the closing brace (durable_core adds the fact's id): building dicts and
serialising them was a fifth of the cost of asking.
"""
from __future__ import annotations

import functools
import json
import math
from typing import Iterable

from engine.criteria.model import CriteriaSet, Indicator
from engine.rules.durable_core import EngineError

# What each indicator question's state is called in its fact.
KINDS = {"value": "measure", "empty": "empty", "unscored": "unscored"}


class IndicatorFacts:
    """The facts about one criteria set's indicators, by the indicator's position in `criteria.indicators`."""

    def __init__(self, criteria: CriteriaSet):
        self.ids = [indicator.id for _, indicator in criteria.indicators]
        # Each indicator's fact up to its value, per state.
        self.heads = [{state: f'{{"kind": "{kind}", "indicator": {json.dumps(indicator_id)}, "value": '
                       for state, kind in KINDS.items()} for indicator_id in self.ids]

    def fact(self, item: tuple[int, str, float | None]) -> str:
        """(position, state, value): state "value" with the measure, or "empty" / "unscored" (value None)."""
        position, state, value = item
        if state != "value":
            return f'{self.heads[position][state]}0.0'
        if not math.isfinite(value):  # never from validated inputs; JSON could not carry it
            raise EngineError(f"indicator {self.ids[position]}: measure {value!r} is not a finite number")
        return f'{self.heads[position]["value"]}{float(value)!r}'

    def probes(self, position: int, indicator: Indicator) -> list[str]:
        """Facts at every edge of the indicator's bands, between neighbouring edges and beyond both ends, and its
        empty and unscored facts."""
        edges = (float(edge) for interval in indicator.intervals for edge in (interval.low, interval.high)
                 if edge is not None)
        return ([self.fact((position, "value", value)) for value in around(edges)]
                + [self.fact((position, "empty", None)), self.fact((position, "unscored", None))])


def criterion_fact(item: tuple[bool, int]) -> str:
    """(every indicator scored, points)."""
    return f'{{"kind": "criterion", "complete": {float(item[0])!r}, "points": {float(item[1])!r}'


# A unit question's fields, in the order it is asked (unit_fact writes them under these names).
UNIT_FIELDS = ("errors", "unscored", "category", "total", "not_met")


def unit_fact(item: tuple[int, int, str | None, int, int]) -> str:
    """(data errors, indicators unscored, category or None, total, criteria not met)."""
    return (f'{{"kind": "unit", "errors": {float(item[0])!r}, "unscored": {float(item[1])!r}, '
            f'"category": {_json_string(item[2] or "")}, "total": {float(item[3])!r}, "not_met": {float(item[4])!r}')


@functools.lru_cache(maxsize=256)  # a criteria set's few category ids, written once each
def _json_string(text: str) -> str:
    return json.dumps(text)


def criterion_probes(criteria: CriteriaSet) -> list[str]:
    minimum = criteria.recognition.min_points_per_criterion
    top = max(criterion.max_points for criterion in criteria.criteria)
    return [criterion_fact((complete, points)) for complete in (True, False) for points in around([0, minimum, top])]


def unit_probes(criteria: CriteriaSet) -> list[str]:
    """Every category (and none), at every edge of the totals (0, each threshold, the maximum), around zero for
    the counts. Probes that match no rule are fine here (an unknown category): what is asked is checked for that
    on every call."""
    categories = [category.id for category in criteria.categories] + [None]
    totals = around([0, criteria.instrument.total_points, *(category.threshold for category in criteria.categories)])
    return [unit_fact((errors, unscored, category, total, not_met)) for errors in around([0])
            for unscored in around([0]) for category in categories for total in totals for not_met in around([0])]


def around(edges: Iterable[float]) -> list[float]:
    """Each edge, each midpoint between neighbouring edges, and a value beyond both ends. Every condition of the
    rules is an interval of one field (or an equality), so two rules overlap only if they share an edge or the
    stretch between two neighbouring edges: a fact at each of these points, which reaches every rule it matches,
    finds any overlap."""
    edges = sorted(set(edges)) or [0.0]
    return [*edges, *((low + high) / 2 for low, high in zip(edges, edges[1:])), edges[0] - 1, edges[-1] + 1]
