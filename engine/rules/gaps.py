"""What it takes to reach the next band of each indicator below its maximum, and whether that alone flips
the decision. Counts are solved exactly (fractions), then checked against the band the value would match."""
from __future__ import annotations

import math
from fractions import Fraction

from engine.rules.criteria import RATE_SCALE, CriteriaSet, Indicator
from engine.rules.measures import MeasureValue
from engine.messages import both
from engine.results.model import CriterionResult, Gap, IndicatorResult
from engine.rules.scoring import is_recognized
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


def _target_value(measure: MeasureValue, band: int) -> int | bool | None:
    """The input value closest to the current one that reaches `band` (None if that input cannot reach it)."""
    indicator = measure.indicator
    kind = indicator.measure.kind
    if kind == "yes_no":
        return True
    if kind == "count":
        return needed_count(indicator, band)
    return needed_numerator(indicator, band, measure.inputs[indicator.measure.denominator])


def _measure_of(measure: MeasureValue, value: int | bool) -> float:
    """The measure once the input is changed to `value`: the same computation the rules see."""
    m = measure.indicator.measure
    if m.is_rate:
        return value * RATE_SCALE[m.kind] / measure.inputs[m.denominator]
    return float(value)


def band_gap(criteria: CriteriaSet, measure: MeasureValue, result: IndicatorResult, criterion: int) -> Gap | None:
    indicator = measure.indicator
    wanted = next_band(indicator, result.points)
    if wanted is None or measure.state != "value":
        return None
    m = indicator.measure
    name = m.numerator if m.is_rate else m.input
    current = measure.inputs[name]
    target = _target_value(measure, wanted)
    if target is None:
        return Gap(criterion=criterion, indicator=indicator.id, indicator_name=indicator.name, kind="band",
                   current_points=result.points, next_points=None, points_gain=None,
                   current_measure=result.measure_display, target=indicator.band_text(wanted), input=name,
                   current_value=current, message=both("gap_unreachable", {"numerator": name}),
                   flips_decision=False, status=indicator.scoring.band_status(wanted))
    # The smallest change that crosses the next band's edge can land beyond it (9 → 10 of 10 children
    # jumps from 90% to 100%): points, wording and the flip are those of the band actually reached.
    reached = indicator.band_for(_measure_of(measure, target))
    gain = indicator.scoring.bands[reached].points - result.points
    bound = indicator.band_text(reached)
    change = None if m.kind == "yes_no" else target - current
    if m.kind == "yes_no":
        message = both("gap_yes", {"input": name, "gain": gain})
    else:
        params = {"count": abs(change), "numerator": name, "input": name, "current": current, "target": target,
                  "gain": gain}
        key = "gap_count" if m.kind == "count" else ("gap_rate_more" if change > 0 else "gap_rate_fewer")
        message = both(key, params, unit=unit_label(criteria, name, abs(change)), bound=bound)
    return Gap(
        criterion=criterion, indicator=indicator.id, indicator_name=indicator.name, kind="band",
        current_points=result.points, next_points=result.points + gain, points_gain=gain,
        current_measure=result.measure_display, target=bound, input=name, current_value=current,
        target_value=target, change=change, message=message, flips_decision=False,
        status=indicator.scoring.band_status(reached),
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
