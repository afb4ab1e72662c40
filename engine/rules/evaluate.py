"""The pipeline: validated units → measures → durable rules → points, decision, gaps → results."""
from __future__ import annotations

import gc
import os
import threading
from contextlib import contextmanager
from itertools import islice
from operator import attrgetter
from typing import Iterable, Iterator

from engine.messages import both
from engine.results.model import DECIDED, CriteriaSetRef, ErrorDetail, Reason, UnitResult
from engine.rules import memos
from engine.rules.compiled import CompiledRules, rules_for
from engine.criteria.model import CriteriaSet
from engine.rules.gaps import Scored, find_gaps, input_labels
from engine.rules.plan import make_plan
from engine.rules.scoring import reasons_not_recognized
from engine.rules.views import Views, views_for
from engine.text import Text, nfc
from engine.units.validate import Unit

BATCH = 500  # units asked of the rules per call: bounds memory, amortises the call

_ONE_BATCH = threading.Lock()
# One batch at a time per process. The memos a batch reads (views, reaches, plans: engine/rules/memos.py) are
# plain dicts filled and trimmed by whoever asks: a second thread (cfc serve reads two uploads at once) could
# trim a view the first had just found (a KeyError, found by tests/web/test_web_limits.py). durable's core is
# serialised anyway (durable_core._LOCK). A fork waits for the batch, as for durable's lock.
os.register_at_fork(before=_ONE_BATCH.acquire, after_in_parent=_ONE_BATCH.release,
                    after_in_child=_ONE_BATCH.release)


def evaluate_units(criteria: CriteriaSet, units: Iterable[Unit]) -> Iterator[UnitResult]:
    """Results in input order. Units go through the rules in batches, so memory stays flat for any count."""
    units = iter(units)
    scored_by = criteria_set_ref(criteria)
    while batch := list(islice(units, BATCH)):
        with _ONE_BATCH, collector_paused(len(batch)):
            results = _evaluate_batch(criteria, batch)
        for result in results:
            result.criteria_set = scored_by
            yield result


def criteria_set_ref(criteria: CriteriaSet) -> CriteriaSetRef:
    """Which set scored a unit, as its result records it."""
    return CriteriaSetRef(id=criteria.instrument.id, effective=criteria.instrument.effective.isoformat(),
                          digest=criteria.digest)


PROMOTE_FROM = 200  # units in a batch from which what outlives it skips the young generations (see below)


@contextmanager
def collector_paused(units: int):
    """A batch allocates hundreds of thousands of small acyclic objects; Python's cyclic collector would
    otherwise walk every live object (memo included) many times per batch, and re-enabling it would walk
    everything the batch allocated at once (measured: 17% of the engine's time on a national batch).
    Reference counting frees nearly all of it. After a large batch, what outlives it (the memos, the results
    until they are written) is moved straight to the oldest generation — gc.freeze() then gc.unfreeze() —
    which full collections still visit. Small batches (a commune's file, a request to cfc serve, a long-lived
    process) leave the collector's bookkeeping as it is: the walk costs little there."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if units >= PROMOTE_FROM:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _evaluate_batch(criteria: CriteriaSet, units: list[Unit]) -> list[UnitResult]:
    """Each layer of rules is asked once for the whole batch (new indicator inputs with every candidate value
    gaps and plans will ask about, then criteria, then units), so the per-unit work below finds its answers
    memoised."""
    rules = rules_for(criteria)
    table = views_for(criteria, rules)
    columns = table.columns(units)
    rows = list(zip(*columns))  # each unit's views, in criteria order
    criteria_rows = list(zip(*table.criteria_columns(columns)))
    thresholds = table.thresholds
    facts = [(len(unit.errors), sum(map(_UNSCORED, unit_criteria)), _category(thresholds, unit),
              sum(map(_POINTS, unit_criteria)), sum(map(_NOT_MET, unit_criteria)))
             for unit, unit_criteria in zip(units, criteria_rows)]
    decisions = rules.units(facts)
    results = [build_result(criteria, rules, table, unit, Scored(fact[0], fact[2], decision, unit_criteria, fact, row))
               for unit, row, unit_criteria, decision, fact in zip(units, rows, criteria_rows, decisions, facts)]
    table.plan_options.trim()  # filled one option at a time by the plans (engine/rules/plan.py)
    return results


# What a unit's question collects from its criteria's views (C loops: many per unit).
_UNSCORED, _POINTS, _NOT_MET = attrgetter("unscored"), attrgetter("points"), attrgetter("not_met")


def _category(thresholds: dict[str, int], unit: Unit) -> str | None:
    """The unit's category when the set declares it (`thresholds`: by the set's categories, Views.thresholds)."""
    category = unit.values.get("category")
    return category if category in thresholds else None


def build_result(criteria: CriteriaSet, rules: CompiledRules, table: Views, unit: Unit, scored: Scored) -> UnitResult:
    unit_criteria = scored.criteria
    criteria_results = list(unit_criteria)  # (a criterion's view is its result)
    total = scored.fact[3]
    values = unit.values
    threshold = table.thresholds.get(scored.category)  # None: no category the set declares
    # Inputs are missing only where an indicator is unscored; a unit with none (nearly all) has no list to walk.
    missing = [name for c in unit_criteria if c.missing for name in c.missing] if scored.fact[1] else []
    if len(missing) > 1:
        missing = list(dict.fromkeys(missing))
    if threshold is None and not any(e.input == "category" for e in unit.errors):
        missing.append("category")
    status = scored.decision.status
    if unit.errors:
        errors = [Text.of(f"{unit.where('vi')}: {e.message.render('vi')}",
                          f"{unit.where('en')}: {e.message.render('en')}") for e in unit.errors]
        error_details = [ErrorDetail(input=e.input, value=_shown(e.value),
                                     message=Text.of(e.message.render("vi"), e.message.render("en")))
                         for e in unit.errors]
    else:
        errors, error_details = [], []
    if status == "invalid":
        reasons = [Reason(code="invalid", criterion=None,
                          message=both("reason_invalid", {"count": len(errors)}))]
    elif status == "incomplete":
        reasons = [Reason(code="missing", criterion=None,
                          message=both("reason_missing", {}, inputs=input_labels(criteria, missing)))]
        if threshold is None:
            reasons.append(Reason(code="missing_category", criterion=None,
                                  message=both("reason_missing_category")))
    elif status == "not_recognized":
        reasons = reasons_not_recognized(criteria, unit_criteria, scored.decision, total, threshold,
                                         memos.kept("wordings", table.reasons))
    else:
        reasons = []
    decidable = status in DECIDED
    return UnitResult(
        unit_code=values.get("unit_code"), unit_name=values.get("unit_name"),
        district=values.get("district"), province=values.get("province"), period=values.get("period"),
        category=values.get("category"),
        source=_source(unit.record), status=status, total=total,
        max_total=table.total_points, threshold=threshold,
        shortfall=max(threshold - total, 0) if decidable else None,
        criteria=criteria_results, reasons=reasons, gaps=find_gaps(rules, scored),
        missing_inputs=missing, provisional=[use for c in unit_criteria if c.provisional for use in c.provisional],
        errors=errors, ignored_inputs=unit.ignored, error_details=error_details,
        criteria_set=None, plan=make_plan(criteria, rules, scored, table.numbers,
                                          memos.kept("plan_options", table.plan_options)),
        warnings=[ErrorDetail(input=w.input, value=_shown(w.value),
                              message=Text.of(w.message.render("vi"), w.message.render("en"))) for w in unit.warnings]
        if unit.warnings else [],
        filled=unit.filled,
    )


# Per (file, sheet, kind of record): the words of Record.where before a record's number, in Vietnamese and English
# (memo "wordings": a batch's records share them; bounded). tests/test_evaluate_source.py compares with where.
_PLACES: dict[tuple, tuple[str, str]] = {}
_PLACES_LIMIT = 1_000


def _source(record) -> Text:
    """Where a unit came from, as Record.where words it in each language: its file's words kept, its number added."""
    if not record.kind or "wordings" in memos.OFF:
        return Text.of(record.where("vi"), record.where("en"))
    number = f" {record.number}"
    key = (record.source, record.sheet, record.kind)
    words = _PLACES.get(key)
    if words is None:
        vi, en = record.where("vi"), record.where("en")
        if not (vi.endswith(number) and en.endswith(number)):  # (never: where ends with the number)
            return Text.of(vi, en)
        if len(_PLACES) >= _PLACES_LIMIT:
            _PLACES.clear()
        words = _PLACES[key] = (vi[:-len(number)], en[:-len(number)])
    return Text.of(words[0] + number, words[1] + number)


def _shown(value):
    """A value as given, fit to show: numbers as they are, text in NFC like every other output."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return nfc(str(value))
