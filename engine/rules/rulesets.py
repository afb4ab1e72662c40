"""The law as rules: a criteria set compiled into the durable_rules rulesets that decide everything it decides.

This module is the decision core, readable on its own. Python computes each indicator's measure and adds up
points; these rules decide, from those figures, every band, every point, whether each criterion is met and
whether the unit is recognised. Nothing else in cfc decides any of that (engine/rules/compiled.py asks these
rules; engine/rules/durable_core.py drives durable_rules for it).

Three layers, each over its own kind of fact (a fact carries `kind` and the fields its rules test, every
number as a float, every id as a string):

1. One ruleset per indicator, named after it ("indicator 7"), deciding its band and points. Its facts:
   {kind: "measure", indicator, value}  the measure computed from the unit's inputs (a rate in % or ‰, a
                                        count, or 1/0 for yes/no);
   {kind: "empty", indicator}           a rate whose denominator is 0;
   {kind: "unscored", indicator}        an input is missing or invalid.
   Rules — one per band of the criteria file, on the band's interval; one for an empty denominator (the
   indicator's declared policy); one for unscored (no points):
       indicator 7: 98% <= measure -> band 0, 50 points
       indicator 7: 95% <= measure < 98% -> band 1, 30 points
       indicator 7: denominator empty (full_points) -> band 0, 50 points
       indicator 7: input missing or invalid -> unscored, no points

2. One ruleset for criteria ("criterion"), deciding whether a criterion is met from its points and whether all
   its indicators were scored: {kind: "criterion", complete: 1 or 0, points}.
       criterion met: every indicator scored, points >= 1 (the minimum per criterion)
       criterion zero: every indicator scored, points = 0
       criterion below minimum: every indicator scored, 0 < points < 1
       criterion unscored: an indicator unscored

3. One ruleset for units ("unit"), deciding the unit's status: {kind: "unit", errors, unscored, category,
   total, not_met} — data errors, indicators unscored, its category ("" when unknown), its total and how many
   criteria are not met. One rule per category, its threshold compiled into the condition:
       unit invalid: data errors > 0
       unit incomplete: no data errors, indicators unscored > 0
       unit incomplete: no data errors, no category
       unit other: every criterion met, total >= 850 -> recognized
       unit other: a criterion not met, total >= 850 -> not recognized
       unit other: total < 850 -> not recognized, below the threshold

A rule's name says what it decides (the indicator's id, the band's bounds as the criteria file writes them,
the points); `decides` maps each name to the decision it stands for. Every rule of a ruleset must exclude every
other (durable stops an event at its first matching rule): engine/rules/facts.py probes each ruleset for
overlaps before it decides anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.criteria.model import CriteriaSet, Indicator
from engine.rules.durable_core import CHUNK

# Criterion outcomes, as the criterion rules name them.
CRITERION_OUTCOMES = ("met", "zero", "below_minimum", "unscored")
UNIT = {"percent": "%"}  # after each bound; per 1000 is said once, after them (rule names are ASCII)


@dataclass(frozen=True)
class BandDecision:
    """What the rules decided for one indicator: the band (None: unscored) and the points it gives."""

    band: int | None
    points: int | None


@dataclass(frozen=True)
class UnitDecision:
    status: str            # invalid, incomplete, recognized, not_recognized
    below_threshold: bool  # the total is below the category's threshold (a reason when not recognised)


def compile_rulesets(criteria: CriteriaSet) -> tuple[dict[str, dict[str, dict]], dict[str, Any]]:
    """durable's JSON rulesets (ruleset -> rule name -> {"all": [condition]}) — one per indicator, then
    "criterion" and "unit" — and what each rule decides (rule names are unique across them)."""
    rulesets: dict[str, dict[str, dict]] = {}
    decides: dict[str, Any] = {}
    for _, indicator in criteria.indicators:
        rules = rulesets[indicator_ruleset(indicator)] = {}
        same = {"indicator": indicator.id}
        for band, spec in enumerate(indicator.scoring.bands):
            name = f"indicator {indicator.id}: {_bounds(indicator, band)} -> band {band}, {spec.points} points"
            rules[name] = _rule({"kind": "measure"}, same, *_interval(indicator, band))
            decides[name] = BandDecision(band, spec.points)
        if indicator.measure.is_rate:
            band = empty_band(indicator)
            points = indicator.scoring.bands[band].points
            name = (f"indicator {indicator.id}: denominator empty ({indicator.measure.empty_denominator}) "
                    f"-> band {band}, {points} points")
            rules[name] = _rule({"kind": "empty"}, same)
            decides[name] = BandDecision(band, points)
        name = f"indicator {indicator.id}: input missing or invalid -> unscored, no points"
        rules[name] = _rule({"kind": "unscored"}, same)
        decides[name] = BandDecision(None, None)

    minimum = criteria.recognition.min_points_per_criterion
    least = float(minimum)
    rules = rulesets["criterion"] = {}
    criterion, scored = {"kind": "criterion"}, {"complete": 1.0}
    for name, outcome, conditions in (
            (f"criterion met: every indicator scored, points >= {minimum}", "met",
             (scored, {"$gte": {"points": least}})),
            ("criterion zero: every indicator scored, points = 0", "zero",
             (scored, {"$lt": {"points": least}}, {"points": 0.0})),
            (f"criterion below minimum: every indicator scored, 0 < points < {minimum}", "below_minimum",
             (scored, {"$lt": {"points": least}}, {"$gt": {"points": 0.0}})),
            ("criterion unscored: an indicator unscored", "unscored", ({"complete": 0.0},))):
        rules[name] = _rule(criterion, *conditions)
        decides[name] = outcome

    rules = rulesets["unit"] = {}
    unit = {"kind": "unit"}
    decided = (unit, {"errors": 0.0}, {"unscored": 0.0})  # valid and complete data
    for name, decision, conditions in (
            ("unit invalid: data errors > 0", UnitDecision("invalid", False), (unit, {"$gt": {"errors": 0.0}})),
            ("unit incomplete: no data errors, indicators unscored > 0", UnitDecision("incomplete", False),
             (unit, {"errors": 0.0}, {"$gt": {"unscored": 0.0}})),
            ("unit incomplete: no data errors, no category", UnitDecision("incomplete", False),
             (*decided, {"category": ""}))):
        rules[name] = _rule(*conditions)
        decides[name] = decision
    for category in criteria.categories:
        same, threshold = {"category": category.id}, category.threshold
        at_least = {"$gte": {"total": float(threshold)}}
        for name, decision, conditions in (
                (f"unit {category.id}: every criterion met, total >= {threshold} -> recognized",
                 UnitDecision("recognized", False), ({"not_met": 0.0}, at_least)),
                (f"unit {category.id}: a criterion not met, total >= {threshold} -> not recognized",
                 UnitDecision("not_recognized", False), ({"$gt": {"not_met": 0.0}}, at_least)),
                (f"unit {category.id}: total < {threshold} -> not recognized, below the threshold",
                 UnitDecision("not_recognized", True), ({"$lt": {"total": float(threshold)}},))):
            rules[name] = _rule(*decided, same, *conditions)
            decides[name] = decision
    return rulesets, decides


def indicator_ruleset(indicator: Indicator) -> str:
    """The name of an indicator's ruleset in compile_rulesets."""
    return f"indicator {indicator.id}"


def empty_band(indicator: Indicator) -> int:
    """The band an empty denominator scores as, by the indicator's declared policy."""
    points = [band.points for band in indicator.scoring.bands]
    if indicator.measure.empty_denominator == "full_points":
        return points.index(max(points))
    return points.index(min(points))


def _rule(*conditions: dict) -> dict:
    # "cap": a rule fires once per call with every fact it matched (up to CHUNK, the most a call posts), instead
    # of once per fact: one action to read per rule and call (measured: asking costs 5.0 µs per fact, not 6.5).
    return {"all": [{"m": {"$and": list(conditions)}}], "cap": CHUNK}


def _interval(indicator: Indicator, band: int) -> list[dict]:
    """A band's interval as conditions on the fact's value."""
    interval = indicator.intervals[band]
    conditions = []
    if interval.low is not None:
        conditions.append({"$gte" if interval.low_inclusive else "$gt": {"value": float(interval.low)}})
    if interval.high is not None:
        conditions.append({"$lte" if interval.high_inclusive else "$lt": {"value": float(interval.high)}})
    return conditions


def _bounds(indicator: Indicator, band: int) -> str:
    """A band's interval as its rule's name says it: "95% <= measure < 98%", "measure = yes"."""
    spec, kind = indicator.scoring.bands[band], indicator.measure.kind
    if spec.is_ is not None:
        return f"measure = {'yes' if spec.is_ else 'no'}"
    interval, unit = indicator.intervals[band], UNIT.get(kind, "")
    if interval.low is not None and interval.low == interval.high:
        text = f"measure = {_number(interval.low)}{unit}"
    else:
        low = (f"{_number(interval.low)}{unit} {'<=' if interval.low_inclusive else '<'} "
               if interval.low is not None else "")
        high = (f" {'<=' if interval.high_inclusive else '<'} {_number(interval.high)}{unit}"
                if interval.high is not None else "")
        text = f"{low}measure{high}"
    return text + (" (per 1000)" if kind == "per_1000" else "")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
