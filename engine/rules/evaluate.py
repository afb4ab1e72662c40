"""The pipeline: validated units → measures → durable rules → points, decision, gaps → results."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from itertools import islice
from typing import Iterable, Iterator

from engine.messages import both
from engine.results.model import DECIDED, BatchResult, CriteriaSetRef, ErrorDetail, ProvisionalUse, Reason, UnitResult, construct
from engine.rules.compile import CompiledRules, rules_for
from engine.criteria.model import CriteriaSet
from engine.rules.gaps import Scored, candidates, find_gaps, input_labels, measure_of
from engine.rules.measures import measure_unit
from engine.rules.plan import make_plan
from engine.rules.scoring import criterion_results, criterion_sums, indicator_result, reasons_not_recognized, rule_item
from engine.text import Text, nfc
from engine.units.validate import Unit

BATCH = 500  # units asked of the rules per call: bounds memory, amortises the call


def evaluate_units(criteria: CriteriaSet, units: Iterable[Unit]) -> Iterator[UnitResult]:
    """Results in input order. Units go through the rules in batches, so memory stays flat for any count."""
    units = iter(units)
    scored_by = criteria_set_ref(criteria)
    while batch := list(islice(units, BATCH)):
        with _collector_paused():
            results = _evaluate_batch(criteria, batch)
        for result in results:
            result.criteria_set = scored_by
            yield result


def criteria_set_ref(criteria: CriteriaSet) -> CriteriaSetRef:
    """Which set scored a unit, as its result records it."""
    return CriteriaSetRef(id=criteria.instrument.id, effective=criteria.instrument.effective.isoformat(),
                          digest=criteria.digest)


@contextmanager
def _collector_paused():
    """A batch allocates hundreds of thousands of small acyclic objects; Python's cyclic collector would
    otherwise walk every live object (memo included) many times per batch. Reference counting frees all of
    it; the collector runs again as soon as the batch is built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _evaluate_batch(criteria: CriteriaSet, units: list[Unit]) -> list[UnitResult]:
    """Each layer of rules is asked once for the whole batch (measures, criteria, units, then every candidate
    value gaps and plans will ask about), so the per-unit work below finds its answers memoised."""
    rules = rules_for(criteria)
    size = len(criteria.indicators)
    measures = [measure_unit(criteria, unit) for unit in units]
    decisions = rules.bands([rule_item(p, m) for unit_measures in measures for p, m in enumerate(unit_measures)])
    per_unit = [decisions[u * size:(u + 1) * size] for u in range(len(units))]
    sums = [criterion_sums(criteria, [d.points for d in unit_decisions]) for unit_decisions in per_unit]
    outcomes = rules.criteria_outcomes([s for unit_sums in sums for s in unit_sums])
    count = len(criteria.criteria)
    per_unit_outcomes = [outcomes[u * count:(u + 1) * count] for u in range(len(units))]
    facts = []
    for unit, unit_decisions, unit_sums, unit_outcomes in zip(units, per_unit, sums, per_unit_outcomes):
        facts.append((len(unit.errors), sum(1 for d in unit_decisions if d.points is None), _category(criteria, unit),
                      sum(points for _, points in unit_sums), sum(1 for o in unit_outcomes if o != "met")))
    unit_decisions = rules.units(facts)
    scored = [Scored(m, d, len(unit.errors), _category(criteria, unit), decision, unit_sums, unit_outcomes, fact)
              for unit, m, d, decision, unit_sums, unit_outcomes, fact
              in zip(units, measures, per_unit, unit_decisions, sums, per_unit_outcomes, facts)]
    _ask_candidates(rules, scored)
    return [build_result(criteria, rules, unit, s, o) for unit, s, o in zip(units, scored, per_unit_outcomes)]


def _category(criteria: CriteriaSet, unit: Unit) -> str | None:
    category = unit.values.get("category")
    return category if category in criteria.category_by_id else None


def _ask_candidates(rules: CompiledRules, scored: list[Scored]) -> None:
    """Every value a gap or a plan may ask about, asked in one call (the answers are memoised)."""
    items = []
    for unit in scored:
        if unit.decision.status not in DECIDED:
            continue
        for position, (measure, decision) in enumerate(zip(unit.measures, unit.decisions)):
            if measure.state == "value" and decision.points < measure.indicator.max_points:
                items += [(position, "value", measure_of(measure, t)) for t in candidates(measure, decision.points)]
    rules.bands(items)


def build_result(criteria: CriteriaSet, rules: CompiledRules, unit: Unit, scored: Scored,
                 outcomes: list[str]) -> UnitResult:
    indicators = [indicator_result(m, d) for m, d in zip(scored.measures, scored.decisions)]
    criteria_results = criterion_results(criteria, indicators, outcomes)
    numbers = [c.number for c in criteria_results for _ in c.indicators]
    total = sum(c.points for c in criteria_results)
    values = unit.values
    category = criteria.category_by_id.get(scored.category or "")
    threshold = category.threshold if category else None
    missing = list(dict.fromkeys(name for m in scored.measures for name in m.missing))
    if category is None and not any(e.input == "category" for e in unit.errors):
        missing.append("category")
    errors = [Text.of(f"{unit.where('vi')}: {e.message.render('vi')}", f"{unit.where('en')}: {e.message.render('en')}")
              for e in unit.errors]
    status = scored.decision.status
    if status == "invalid":
        reasons = [construct(Reason, code="invalid", criterion=None,
                                          message=both("reason_invalid", {"count": len(errors)}))]
    elif status == "incomplete":
        reasons = [construct(Reason, code="missing", criterion=None,
                                          message=both("reason_missing", {}, inputs=input_labels(criteria, missing)))]
        if category is None:
            reasons.append(construct(Reason, code="missing_category", criterion=None,
                                                  message=both("reason_missing_category")))
    elif status == "not_recognized":
        reasons = reasons_not_recognized(criteria, criteria_results, outcomes, scored.decision, threshold)
    else:
        reasons = []
    decidable = status in DECIDED
    gaps = find_gaps(criteria, rules, scored, indicators, numbers)
    provisional = [_provisional(i) for i in indicators if i.status == "provisional"]
    return construct(
        UnitResult, unit_code=values.get("unit_code"), unit_name=values.get("unit_name"),
        district=values.get("district"), province=values.get("province"), period=values.get("period"),
        category=values.get("category"),
        source=Text.of(unit.record.where("vi"), unit.record.where("en")), status=status, total=total,
        max_total=criteria.instrument.total_points, threshold=threshold,
        shortfall=max(threshold - total, 0) if decidable else None,
        criteria=criteria_results, reasons=reasons, gaps=gaps, missing_inputs=missing, provisional=provisional,
        errors=errors, ignored_inputs=unit.ignored,
        error_details=[construct(ErrorDetail, input=e.input, value=_shown(e.value),
                                 message=Text.of(e.message.render("vi"), e.message.render("en")))
                       for e in unit.errors],
        plan=make_plan(criteria, rules, scored, numbers),
    )


_PROVISIONAL: dict[tuple, ProvisionalUse] = {}


def _provisional(result) -> ProvisionalUse:
    """The provisional rule an indicator's points rest on: the same few for every unit, built once each."""
    key = (result.id, result.band.vi, result.band.en, result.points, result.citation)
    use = _PROVISIONAL.get(key)
    if use is None:
        if len(_PROVISIONAL) > 10_000:
            _PROVISIONAL.clear()
        use = _PROVISIONAL[key] = construct(ProvisionalUse, indicator=result.id, band=result.band,
                                            points=result.points, citation=result.citation)
    return use


def _shown(value):
    """A value as given, fit to show: numbers as they are, text in NFC like every other output."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return nfc(str(value))
