"""From the rules' decisions to result objects: indicator and criterion results, the unit's decision, reasons.

Nothing here decides: the band and its points, whether a criterion is met and the unit's status all come from
the compiled rules (engine/rules/rulesets.py). Python adds up points (what the rules are asked about next) and
words the results.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from engine.messages import both
from engine.results.model import Reason
from engine.rules.rulesets import UnitDecision
from engine.criteria.model import CriteriaSet, Indicator
from engine.text import Text

if TYPE_CHECKING:
    from engine.rules.views import CriterionView

# What each measure state is asked of the rules as (with its value, None unless a value): a missing or invalid
# input leaves the indicator unscored.
RULE_STATE = {"value": "value", "empty": "empty", "missing": "unscored", "invalid": "unscored"}
RESULT_STATE = {"value": "scored", "empty": "empty_denominator", "missing": "missing", "invalid": "invalid"}

def band_wording(indicator: Indicator, measure_state: str, band: int) -> Text:
    text = indicator.band_text(band)
    return both("band_empty_denominator", band=text) if measure_state == "empty" else text


@dataclass(frozen=True, slots=True)
class ResultFields:
    """An indicator result's fields that its indicator, its measure's state and its band fix (the same for every
    unit): the rest are the unit's own inputs, measure and points."""

    id: str
    name: Text
    measure_kind: str
    state: str
    band: Text | None
    max_points: int
    status: str | None
    citation: str


def result_fields(indicator: Indicator, measure_state: str, band: int | None) -> ResultFields:
    scoring = indicator.scoring
    return ResultFields(indicator.id, indicator.name, indicator.measure.kind, RESULT_STATE[measure_state],
                        band_wording(indicator, measure_state, band) if band is not None else None,
                        indicator.max_points, scoring.band_status(band) if band is not None else None,
                        scoring.band_citation(band) if band is not None else scoring.citation)


def _reason(memo: dict, code: str, criterion: int | None, key: str, params: dict, **texts: Text) -> Reason:
    """A reason, built once per (code, criterion, figures) in `memo` (one per criteria set: the same few
    sentences serve many units, criterion 3 at 0 or a total of 780 under 800) and shared."""
    memo_key = (code, criterion, *params.values())
    reason = memo.get(memo_key)
    if reason is None:
        reason = memo[memo_key] = Reason(code=code, criterion=criterion, message=both(key, params, **texts))
    return reason


def reasons_not_recognized(criteria: CriteriaSet, results: Sequence[CriterionView], decision: UnitDecision,
                           total: int, threshold: int, memo: dict) -> list[Reason]:
    """Why the rules did not recognise a complete unit: criteria at 0 first, then below the minimum, then the
    shortfall — each from the outcome the rules gave (`results`: each criterion's result with its outcome,
    engine/rules/views.py; `total`, the unit's points as the rules were asked). `memo` keeps the reasons of
    `criteria` (see _reason): a bounded few, its criteria's points and the totals under each threshold."""
    reasons = []
    not_met = [result for result in results if result.not_met]
    # A kept reason is looked up by _reason's key before its figures are gathered (most are kept: one or two
    # reasons a unit not recognised, from a few hundred distinct ones).
    for result in not_met:
        if result.outcome == "zero":
            number = result.number
            reason = memo.get(("zero_criterion", number, number))
            reasons.append(reason or _reason(memo, "zero_criterion", number, "reason_zero", {"number": number},
                                             name=result.name))
    for result in not_met:
        if result.outcome == "below_minimum":
            params = {"number": result.number, "points": result.points,
                      "min": criteria.recognition.min_points_per_criterion}
            reasons.append(_reason(memo, "criterion_below_minimum", result.number, "reason_below_min", params,
                                   name=result.name))
    if decision.below_threshold:
        reason = memo.get(("below_threshold", None, total, threshold, threshold - total))
        if reason is None:
            params = {"total": total, "threshold": threshold, "shortfall": threshold - total}
            reason = _reason(memo, "below_threshold", None, "reason_shortfall", params)
        reasons.append(reason)
    return reasons
