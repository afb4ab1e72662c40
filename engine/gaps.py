"""What it takes to reach the next band of each indicator below its maximum, and whether that alone flips
the decision. Counts are solved exactly (fractions), then checked against the band the value would match."""
from __future__ import annotations

import math
from fractions import Fraction

from engine.criteria import RATE_SCALE, CriteriaSet, Indicator
from engine.measures import MeasureValue
from engine.messages import both
from engine.results import CriterionResult, Gap, IndicatorResult
from engine.scoring import is_recognized
from engine.text import Text


def next_band(indicator: Indicator, current_points: int) -> int | None:
    """The nearest band worth more points (bands are monotone, so it is the adjacent better one)."""
    better = [(band.points, i) for i, band in enumerate(indicator.scoring.bands) if band.points > current_points]
    return min(better)[1] if better else None


def _bound(indicator: Indicator, band: int) -> tuple[Fraction, bool]:
    """The edge of `band` a worse value must cross: its low edge if higher is better, else its high edge."""
    interval = indicator.intervals[band]
    if indicator.higher_is_better:
        return Fraction(str(interval.low)), interval.low_inclusive
    return Fraction(str(interval.high)), interval.high_inclusive


def needed_numerator(indicator: Indicator, band: int, denominator: int) -> int | None:
    """The numerator closest to the current one that puts the rate inside `band`; None if out of reach."""
    edge, inclusive = _bound(indicator, band)
    exact = edge * denominator / RATE_SCALE[indicator.measure.kind]
    if indicator.higher_is_better:
        target = math.ceil(exact) if inclusive else math.floor(exact) + 1
    else:
        target = math.floor(exact) if inclusive else math.ceil(exact) - 1
    return target if 0 <= target <= denominator else None


def needed_count(indicator: Indicator, band: int) -> int | None:
    edge, inclusive = _bound(indicator, band)
    if indicator.higher_is_better:
        return math.ceil(edge) if inclusive else math.floor(edge) + 1
    target = math.floor(edge) if inclusive else math.ceil(edge) - 1
    return target if target >= 0 else None


def unit_label(criteria: CriteriaSet, name: str, count: int) -> Text:
    unit = criteria.input_by_name[name].unit
    return unit.for_count(count) if unit else Text.of("đơn vị", "unit" if count == 1 else "units")


def band_gap(criteria: CriteriaSet, measure: MeasureValue, result: IndicatorResult, criterion: int) -> Gap | None:
    indicator = measure.indicator
    target_band = next_band(indicator, result.points)
    if target_band is None or measure.state != "value":
        return None
    gain = indicator.scoring.bands[target_band].points - result.points
    kind = indicator.measure.kind
    bound = indicator.band_text(target_band)
    name = indicator.measure.numerator if indicator.measure.is_rate else indicator.measure.input
    current = measure.inputs[name]
    target = change = None
    if kind == "yes_no":
        target = True
        message = both("gap_yes", {"input": name, "gain": gain})
    else:
        if kind == "count":
            target = needed_count(indicator, target_band)
        else:
            denominator = measure.inputs[indicator.measure.denominator]
            target = needed_numerator(indicator, target_band, denominator)
            if target is not None:
                # Check the solved count against the same computation the rules see.
                reached = indicator.band_for(target * RATE_SCALE[kind] / denominator)
                assert indicator.scoring.bands[reached].points >= indicator.scoring.bands[target_band].points, (
                    f"gap solver disagrees with the bands of indicator {indicator.id}")
        if target is None:
            message = both("gap_unreachable", {"numerator": name})
        else:
            change = target - current
            params = {"count": abs(change), "numerator": name, "input": name, "current": current, "target": target,
                      "gain": gain}
            key = "gap_count" if kind == "count" else ("gap_rate_more" if change > 0 else "gap_rate_fewer")
            message = both(key, params, unit=unit_label(criteria, name, abs(change)), bound=bound)
    return Gap(
        criterion=criterion, indicator=indicator.id, indicator_name=indicator.name, kind="band",
        current_points=result.points, next_points=result.points + gain, points_gain=gain,
        current_measure=result.measure_display, target=bound, input=name, current_value=current,
        target_value=target, change=change, message=message, flips_decision=False,
        status=indicator.scoring.band_status(target_band),
    )


def find_gaps(criteria: CriteriaSet, measures: list[MeasureValue], criteria_results: list[CriterionResult],
              threshold: int | None, decidable: bool, recognized: bool) -> list[Gap]:
    """Every indicator below its maximum, and every indicator that lacks data, in criterion order."""
    gaps: list[Gap] = []
    points = {c.number: c.points for c in criteria_results}
    position = 0
    for criterion in criteria_results:
        for result in criterion.indicators:
            measure = measures[position]
            position += 1
            if result.state == "missing":
                message = both("gap_missing", {"inputs": ", ".join(result.missing_inputs)})
                gaps.append(Gap(criterion=criterion.number, indicator=result.id, indicator_name=result.name,
                                kind="missing", current_points=None, next_points=None, points_gain=None,
                                current_measure=None, target=None, input=", ".join(result.missing_inputs),
                                message=message, flips_decision=False, status=None))
                continue
            if result.points is None or result.points >= result.max_points:
                continue
            gap = band_gap(criteria, measure, result, criterion.number)
            if gap is None:
                continue
            if decidable and not recognized and gap.points_gain:
                changed = dict(points)
                changed[criterion.number] += gap.points_gain
                gap.flips_decision = is_recognized(criteria, changed, threshold)
            gaps.append(gap)
    return gaps
