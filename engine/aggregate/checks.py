"""Results are checked before they are combined: each unit's total, points, threshold and status must be what
cfc would have written. A results file is plain text that anyone can edit; a unit marked "recognized" with a
total of 5000 on a 1,000-point set, or whose points add up below its threshold, must not raise a province's
rate. Nothing is corrected or guessed: the first unit that does not add up is named (file, row or unit, code,
what does not add up), with how many more there are, and the aggregate stops, as it does for a unit counted twice.

What is checked, per unit (vectorised: a national pair of periods is 21,200 units and a quarter of a million
criterion points):
- every criterion's points lie between 0 and its maximum;
- the total is at most the sum of the criteria's maxima; a decided unit's (recognised or not) total is the sum
  of its criteria's points, and every criterion was scored; an undecided unit's total is at least the points
  of its scored criteria (its unscored ones carry partial points in JSON, none in CSV);
- a recognised unit has a threshold, reaches it, and every criterion reaches the set's minimum; a unit not
  recognised falls short somewhere;
- the threshold is its category's in the criteria set, when the unit was scored by that set (by --criteria); a
  decided unit's category is one of that set's (cfc decides no unit whose category it does not know).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from engine.criteria.model import CriteriaSet
from engine.messages import Message

DECIDED = ("recognized", "not_recognized")


def set_key(criteria: CriteriaSet) -> str:
    """The criteria set as load.py names a unit's set: its id and the start of its digest."""
    return f"{criteria.instrument.id} ({criteria.digest[:12]})" if criteria.digest else criteria.instrument.id


def check_units_add_up(units: pd.DataFrame, scores: pd.DataFrame, criteria: CriteriaSet, error: type) -> None:
    """Raise `error` (AggregateError) naming the first unit whose figures do not add up; see the module."""
    count = len(units)
    if not count:
        return
    unit = scores["unit"].to_numpy(dtype=np.int64)
    points = scores["points"].to_numpy(dtype=np.int64)
    maxima = scores["max_points"].to_numpy(dtype=np.int64)
    complete = scores["complete"].to_numpy(dtype=bool)
    minimum = criteria.recognition.min_points_per_criterion
    total_points = np.bincount(unit, weights=points, minlength=count)
    scored_points = np.bincount(unit, weights=points * complete, minlength=count)
    most = np.bincount(unit, weights=maxima, minlength=count)
    unscored = np.bincount(unit, weights=~complete, minlength=count) > 0
    out_of_range = np.bincount(unit, weights=(points < 0) | (points > maxima), minlength=count) > 0
    below = np.bincount(unit, weights=complete & (points < minimum), minlength=count) > 0

    status = units["status"].to_numpy(dtype=object)
    total = pd.to_numeric(units["total"], errors="coerce").to_numpy(dtype=float)
    threshold = pd.to_numeric(units["threshold"], errors="coerce").to_numpy(dtype=float)
    shown = ~np.isnan(total)
    decided = np.isin(status, DECIDED)
    recognised = status == "recognized"
    # the set's own rules (minimum, thresholds) apply to the units it scored, or whose set is not recorded
    ours = units["criteria_set"].isna().to_numpy() | (units["criteria_set"].to_numpy(dtype=object) == set_key(criteria))
    expected = units["category"].map({c.id: float(c.threshold) for c in criteria.categories}).to_numpy(dtype=float)

    def criterion_out_of_range(i: int) -> Message:
        row = np.flatnonzero((unit == i) & ((points < 0) | (points > maxima)))[0]
        return Message("agg_why_criterion_points", {"number": int(scores["number"].iat[row]),
                                                    "points": int(points[row]), "max": int(maxima[row])})

    problems = [
        (out_of_range, criterion_out_of_range),
        (shown & (total > most), lambda i: Message("agg_why_above_most", {"total": _int(total[i]), "most": _int(most[i])})),
        (decided & unscored, lambda i: Message("agg_why_decided_unscored", {
            "status": Message(f"status_{status[i]}"), "number": _first(scores, unit, ~complete, i)})),
        (shown & decided & (total != total_points), lambda i: Message("agg_why_not_sum", {
            "total": _int(total[i]), "sum": _int(total_points[i])})),
        (shown & ~decided & (total < scored_points), lambda i: Message("agg_why_below_scored", {
            "total": _int(total[i]), "sum": _int(scored_points[i])})),
        (recognised & np.isnan(threshold), lambda i: Message("agg_why_no_threshold")),
        (recognised & shown & (total < threshold), lambda i: Message("agg_why_below_threshold", {
            "total": _int(total[i]), "threshold": _int(threshold[i])})),
        (recognised & ours & below, lambda i: Message("agg_why_recognised_below_min", {
            "number": _first(scores, unit, complete & (points < minimum), i), "min": minimum})),
        (decided & ~recognised & ~unscored & shown & ~np.isnan(threshold) & (total >= threshold) & ours & ~below,
         lambda i: Message("agg_why_not_recognised_but_met", {"total": _int(total[i]), "threshold": _int(threshold[i])})),
        (decided & ours & np.isnan(expected), lambda i: Message("agg_why_unknown_category", {
            "status": Message(f"status_{status[i]}"), "category": _text(units["category"].iat[i]),
            "known": ", ".join(c.id for c in criteria.categories)})),
        (ours & ~np.isnan(threshold) & ~np.isnan(expected) & (threshold != expected), lambda i: Message(
            "agg_why_wrong_threshold", {"threshold": _int(threshold[i]), "category": units["category"].iat[i],
                                        "expected": _int(expected[i])})),
    ]
    wrong = np.zeros(count, dtype=bool)
    for found, _ in problems:
        wrong |= found
    if not wrong.any():
        return
    first = int(np.argmax(wrong))
    why = next(describe(first) for found, describe in problems if found[first])
    row = units.iloc[first]
    more = int(wrong.sum()) - 1
    raise error("agg_does_not_add_up", path=row["source"], where=row["where"], code=row["unit_code"], why=why,
                more=Message("agg_more_units", {"count": more}) if more else "")


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _int(value: float) -> int:
    return int(value)


def _first(scores: pd.DataFrame, unit: np.ndarray, mask: np.ndarray, index: int) -> int:
    """The number of the first criterion of unit `index` where `mask` holds."""
    rows = np.flatnonzero((unit == index) & mask)
    return int(scores["number"].iat[rows[0]]) if len(rows) else 0
