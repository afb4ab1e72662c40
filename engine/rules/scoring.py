"""Points, totals and the recognition decision, from the bands the rules matched. Plain Python."""
from __future__ import annotations

from engine.rules.criteria import CriteriaSet, Indicator
from engine.rules.measures import MeasureValue
from engine.messages import both
from engine.results.model import CriterionResult, IndicatorResult, Reason
from engine.text import Text


def display_measure(indicator: Indicator, value: float | None) -> Text | None:
    """For people: rounded to 2 decimals (comparisons always use the unrounded value)."""
    if value is None:
        return None
    kind = indicator.measure.kind
    if kind == "yes_no":
        return Text.of("có", "yes") if value else Text.of("không", "no")
    shown = str(int(value)) if kind == "count" else f"{value:.2f}{'%' if kind == 'percent' else '‰'}"
    return Text.of(shown, shown)


def indicator_result(measure: MeasureValue, band: int | None) -> IndicatorResult:
    indicator = measure.indicator
    scoring = indicator.scoring
    matched = scoring.bands[band] if band is not None else None
    state = {"value": "scored", "empty": "empty_denominator"}.get(measure.state, measure.state)
    band_text = None
    if matched is not None:
        band_text = indicator.band_text(band)
        if measure.state == "empty":
            band_text = both("band_empty_denominator", band=band_text)
    return IndicatorResult(
        id=indicator.id, name=indicator.name, inputs=measure.inputs, measure_kind=indicator.measure.kind,
        measure=measure.value, measure_display=display_measure(indicator, measure.value), state=state,
        band=band_text, points=matched.points if matched else None, max_points=indicator.max_points,
        status=scoring.band_status(band) if band is not None else None, citation=scoring.citation,
        missing_inputs=list(measure.missing),
    )


def criterion_results(criteria: CriteriaSet, indicators: list[IndicatorResult]) -> list[CriterionResult]:
    out, position = [], 0
    for criterion in criteria.criteria:
        mine = indicators[position:position + len(criterion.indicators)]
        position += len(criterion.indicators)
        points = sum(i.points or 0 for i in mine)
        complete = all(i.points is not None for i in mine)
        out.append(CriterionResult(
            number=criterion.number, name=criterion.name, points=points, max_points=criterion.max_points,
            complete=complete, met=complete and points >= criteria.recognition.min_points_per_criterion,
            indicators=mine,
        ))
    return out


def is_recognized(criteria: CriteriaSet, points: dict[int, int], threshold: int) -> bool:
    """The recognition condition for a unit with complete data (what `decide` explains when it fails)."""
    minimum = criteria.recognition.min_points_per_criterion
    return all(p >= minimum for p in points.values()) and sum(points.values()) >= threshold


def decide(criteria: CriteriaSet, points: dict[int, int], threshold: int) -> list[Reason]:
    """Reasons a complete unit is not recognised: criteria at 0 first, then the shortfall. Empty: recognised."""
    reasons = []
    minimum = criteria.recognition.min_points_per_criterion
    for criterion in criteria.criteria:
        got = points[criterion.number]
        if got == 0 and minimum > 0:
            reasons.append(Reason(code="zero_criterion", criterion=criterion.number,
                                  message=both("reason_zero", {"number": criterion.number}, name=criterion.name)))
    for criterion in criteria.criteria:
        got = points[criterion.number]
        if 0 < got < minimum:
            params = {"number": criterion.number, "points": got, "min": minimum}
            reasons.append(Reason(code="criterion_below_minimum", criterion=criterion.number,
                                  message=both("reason_below_min", params, name=criterion.name)))
    total = sum(points.values())
    if total < threshold:
        params = {"total": total, "threshold": threshold, "shortfall": threshold - total}
        reasons.append(Reason(code="below_threshold", message=both("reason_shortfall", params)))
    return reasons

