"""The pipeline: validated units → measures → durable rules → points, decision, gaps → results."""
from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator

from engine.rules.criteria import CriteriaSet
from engine.rules.gaps import find_gaps
from engine.units.validate import Unit
from engine.rules.measures import MeasureValue, measure_unit
from engine.messages import both
from engine.results.model import DECIDED, ErrorDetail, ProvisionalUse, Reason, UnitResult
from engine.rules.compile import rules_for
from engine.rules.scoring import criterion_results, decide, indicator_result
from engine.text import Text, nfc

BATCH = 500  # units matched per call into the rules: bounds memory, amortises the call


def evaluate_units(criteria: CriteriaSet, units: Iterable[Unit]) -> Iterator[UnitResult]:
    """Results in input order. Units go through the rules in batches, so memory stays flat for any count."""
    units = iter(units)
    while batch := list(islice(units, BATCH)):
        yield from _evaluate_batch(criteria, batch)


def _evaluate_batch(criteria: CriteriaSet, units: list[Unit]) -> list[UnitResult]:
    measures = [measure_unit(criteria, unit) for unit in units]
    items, owners = [], []
    for u, unit_measures in enumerate(measures):
        for position, measure in enumerate(unit_measures):
            if measure.state in ("value", "empty"):
                items.append((position, measure.state, measure.value))
                owners.append((u, position))
    bands: list[list[int | None]] = [[None] * len(criteria.indicators) for _ in units]
    for (u, position), band in zip(owners, rules_for(criteria).match(items)):
        bands[u][position] = band
    return [build_result(criteria, unit, m, b) for unit, m, b in zip(units, measures, bands)]


def build_result(criteria: CriteriaSet, unit: Unit, measures: list[MeasureValue],
                 bands: list[int | None]) -> UnitResult:
    indicators = [indicator_result(m, b) for m, b in zip(measures, bands)]
    criteria_results = criterion_results(criteria, indicators)
    total = sum(c.points for c in criteria_results)
    values = unit.values
    category = criteria.category_by_id.get(values.get("category") or "")
    threshold = category.threshold if category else None
    missing = list(dict.fromkeys(name for m in measures for name in m.missing))
    if category is None and not any(e.input == "category" for e in unit.errors):
        missing.append("category")
    errors = [Text.of(f"{unit.where('vi')}: {e.message.render('vi')}", f"{unit.where('en')}: {e.message.render('en')}")
              for e in unit.errors]
    if errors:
        status, reasons = "invalid", [Reason(code="invalid", message=both("reason_invalid", {"count": len(errors)}))]
    elif missing:
        status = "incomplete"
        reasons = [Reason(code="missing", message=both("reason_missing", {"inputs": ", ".join(missing)}))]
        if category is None:
            reasons.append(Reason(code="missing_category", message=both("reason_missing_category")))
    else:
        reasons = decide(criteria, {c.number: c.points for c in criteria_results}, threshold)
        status = "not_recognized" if reasons else "recognized"
    decidable = status in DECIDED
    gaps = find_gaps(criteria, measures, criteria_results, threshold, decidable, status == "recognized")
    provisional = [ProvisionalUse(indicator=i.id, band=i.band, points=i.points, citation=i.citation)
                   for i in indicators if i.status == "provisional"]
    return UnitResult(
        unit_code=values.get("unit_code"), unit_name=values.get("unit_name"), district=values.get("district"),
        province=values.get("province"), period=values.get("period"), category=values.get("category"),
        source=Text.of(unit.record.where("vi"), unit.record.where("en")), status=status, total=total, max_total=criteria.instrument.total_points,
        threshold=threshold, shortfall=max(threshold - total, 0) if decidable else None,
        criteria=criteria_results, reasons=reasons, gaps=gaps, missing_inputs=missing, provisional=provisional,
        errors=errors, ignored_inputs=unit.ignored,
        error_details=[ErrorDetail(input=e.input, value=_shown(e.value),
                                   message=Text.of(e.message.render("vi"), e.message.render("en")))
                       for e in unit.errors],
    )


def _shown(value):
    """A value as given, fit to show: numbers as they are, text in NFC like every other output."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return nfc(str(value))
