"""An independent reference evaluator for the criteria file, used to cross-check the durable_rules engine.

Deliberately naive: raw dicts from yaml.safe_load, exact arithmetic with fractions.Fraction, one loop over
the bands. It imports nothing from `engine` and shares none of its code. Semantics follow the spec
(docs/legal-basis.md, §2 and §4):

- percent = 100 * numerator / denominator, per_1000 = 1000 * numerator / denominator, both exact;
- thresholds compared exactly (the YAML number read as Fraction(str(x)), so 0.5 is exactly 1/2);
- denominator 0: the indicator's `empty_denominator` policy (full_points: its max_points; zero_points: the
  lowest band's points);
- a missing input (absent or None): that indicator is unscored (None) and the unit is incomplete;
  a missing category also makes the unit incomplete;
- recognised iff complete, every criterion has >= recognition.min_points_per_criterion, and the total
  reaches the category's threshold (inclusive).

Units are dicts of already-typed values: int counts, bool yes/no, str category. Validation (numerator above
denominator, negative counts, ...) is not this module's job.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import yaml

SCALE = {"percent": 100, "per_1000": 1000}


def load(path) -> dict:
    """The criteria file as raw dicts, without the top-level `x-...` keys (YAML anchors, not rules)."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {key: value for key, value in data.items() if not str(key).startswith("x-")}


def exact(number) -> Fraction:
    """A YAML number as an exact fraction of what was written: Fraction(str(0.5)) == 1/2, never a float's error."""
    return Fraction(str(number))


def band_contains(band: dict, value) -> bool:
    """Whether value lies inside the band. Every bound present must hold; absent bounds do not restrict."""
    if "is" in band:  # yes/no band; yaml.safe_load reads `yes`/`no` as True/False
        return value is band["is"]
    checks = {
        "min": lambda bound: value >= bound,     # "từ ... trở lên": inclusive
        "above": lambda bound: value > bound,
        "max": lambda bound: value <= bound,
        "below": lambda bound: value < bound,    # "dưới": exclusive
        "equals": lambda bound: value == bound,
    }
    return all(check(exact(band[key])) for key, check in checks.items() if key in band)


def indicator_points(indicator: dict, unit: dict) -> int | None:
    """Points for one indicator, or None when any of its inputs is missing."""
    measure, bands = indicator["measure"], indicator["scoring"]["bands"]
    kind = measure["kind"]
    if kind in SCALE:
        numerator, denominator = unit.get(measure["numerator"]), unit.get(measure["denominator"])
        if numerator is None or denominator is None:
            return None
        if denominator == 0:
            policy = measure["empty_denominator"]
            assert policy in ("full_points", "zero_points"), policy
            return indicator["max_points"] if policy == "full_points" else min(b["points"] for b in bands)
        value = Fraction(SCALE[kind] * numerator, denominator)
    else:  # yes_no (a bool) or count (an int): compared as is
        value = unit.get(measure["input"])
        if value is None:
            return None
    matches = [band["points"] for band in bands if band_contains(band, value)]
    assert len(matches) == 1, f"indicator {indicator['id']}: value {value} matches {len(matches)} bands"
    return matches[0]


@dataclass
class Result:
    status: str                           # "recognized", "not_recognized" or "incomplete"
    total: int                            # sum of the points scored (missing indicators count 0)
    criteria: dict[int, int]              # criterion number -> points (sum of its scored indicators)
    indicators: dict[str, int | None]     # indicator id -> points, None when unscored


def evaluate(criteria: dict, unit: dict) -> Result:
    indicators: dict[str, int | None] = {}
    per_criterion: dict[int, int] = {}
    for criterion in criteria["criteria"]:
        for indicator in criterion["indicators"]:
            indicators[str(indicator["id"])] = indicator_points(indicator, unit)
        scored = [indicators[str(i["id"])] for i in criterion["indicators"]]
        per_criterion[criterion["number"]] = sum(p for p in scored if p is not None)
    total = sum(per_criterion.values())

    thresholds = {category["id"]: category["threshold"] for category in criteria["categories"]}
    category = unit.get("category")
    complete = None not in indicators.values() and category in thresholds
    if not complete:
        status = "incomplete"
    else:
        minimum = criteria["recognition"]["min_points_per_criterion"]
        every_criterion_met = all(points >= minimum for points in per_criterion.values())
        status = "recognized" if every_criterion_met and total >= thresholds[category] else "not_recognized"
    return Result(status, total, per_criterion, indicators)
