"""Improvement plans: the fewest changes to action inputs that reach recognition, or what blocks it; and the
14th-criterion fixture and the memo, which the plan's search leans on.

Property: on random units, applying every change of a plan with what-if (the --set path) gives a recognised
unit, dropping any one change does not (no change is spare), and a plan never changes an event or context input.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from strategies import unit  # noqa: E402
from test_gaps import PERFECT  # noqa: E402

from engine.readers.records import Record  # noqa: E402
from engine.results.render import render_batch  # noqa: E402
from engine.results.model import BatchResult, to_data  # noqa: E402
from engine.rules import compiled as compiled_rules  # noqa: E402
from engine.rules import evaluate as evaluate_module  # noqa: E402
from engine.criteria.model import load_criteria  # noqa: E402
from engine.rules.evaluate import evaluate_units  # noqa: E402
from engine.rules.whatif import parse_changes, plan_assignments, with_changes  # noqa: E402
from engine.units.validate import validate_record  # noqa: E402

CRITERIA = load_criteria()
FOURTEEN = load_criteria(HERE / "fixtures" / "criteria" / "with-14th-criterion.yaml")


def records(units: list[dict]) -> list[Record]:
    return [Record("plan", "item", n, {"unit_code": f"P{n}", **data}) for n, data in enumerate(units, start=1)]


def evaluate(units: list[dict], criteria=CRITERIA):
    return list(evaluate_units(criteria, [validate_record(criteria, r) for r in records(units)]))


def one(data: dict, criteria=CRITERIA):
    return evaluate([data], criteria)[0]


def test_recognised_unit_needs_no_change():
    plan = one(PERFECT).plan
    assert (plan.reaches_recognition, plan.changes, plan.blocked_by) == (True, [], [])


def test_one_yes_no_provision_is_the_cheapest_plan():
    result = one({**PERFECT, "play_place": False, "activities_held": 0})  # criterion 12 at 0
    assert result.status == "not_recognized"
    plan = result.plan
    assert plan.reaches_recognition and plan.blocked_by == []
    assert [(c.input, c.from_, c.to, c.points, c.criterion, c.indicator) for c in plan.changes] == \
        [("play_place", False, True, 40, 12, "12a")]
    assert plan.changes[0].label.vi == "Có điểm vui chơi, giải trí cho trẻ em"
    dumped = to_data(plan)["changes"][0]
    assert (dumped["from"], dumped["to"]) == (False, True) and "from_" not in dumped


def test_fewest_changes_then_fewest_children():
    # Urban ward (900) at 840: births 90 of 100 (10 points), check-ups 70% (10), satisfaction 70% (30), one
    # activity (15), injuries 2 per 1,000 (60, past events: not in any plan). 60 points short; no single
    # change brings 60, so two: +40 for births (10 children) with +20 for one more activity (effort 1) is
    # cheaper than births with check-ups (10 more children).
    spoiled = {**PERFECT, "category": "urban_ward_central_city", "births_registered": 90, "children_injured": 4,
               "checkup_done": 70, "survey_satisfied": 70, "activities_held": 1}
    result = one(spoiled)
    assert (result.status, result.total) == ("not_recognized", 840)
    changes = [(c.input, c.from_, c.to, c.points) for c in result.plan.changes]
    assert changes == [("activities_held", 1, 2, 20), ("births_registered", 90, 100, 40)]  # cheapest first


def test_a_criterion_at_zero_from_past_events_blocks_the_plan():
    result = one({**PERFECT, "children_injured": 20})  # 10 per 1,000: criterion 5 at 0
    plan = result.plan
    assert (result.status, plan.reaches_recognition, plan.changes) == ("not_recognized", False, [])
    assert [(b.criterion, b.indicator) for b in plan.blocked_by] == [(5, "5")]
    reason = plan.blocked_by[0].reason
    assert "Tiêu chí 5" in reason.vi and "> 5‰" in reason.vi and "phòng ngừa tai nạn" in reason.vi
    assert "Criterion 5" in reason.en and "preventing accidents" in reason.en


def test_a_total_capped_by_past_events_names_what_caps_it():
    # Urban ward (900): 1 abused and 1 offending of 1,000 (1 per 1,000: 30 and 25 points), injuries 4 per 1,000
    # (30 points): 1000 - 70 - 50 - 70 = 810, and nothing the commune does this period wins those back.
    data = {**PERFECT, "category": "urban_ward_central_city", "children_total": 1000, "children_abused": 1,
            "children_offending": 1, "children_injured": 4}
    result = one(data)
    assert (result.status, result.total) == ("not_recognized", 810)
    plan = result.plan
    assert not plan.reaches_recognition
    assert [(b.criterion, b.indicator) for b in plan.blocked_by] == [(3, "3"), (4, "4"), (5, "5")]
    assert "810" in plan.blocked_by[0].reason.vi and "900" in plan.blocked_by[0].reason.vi


def test_missing_data_blocks_the_plan_and_invalid_data_has_none():
    data = {k: v for k, v in PERFECT.items() if k != "checkup_done"}
    plan = one(data).plan
    assert not plan.reaches_recognition and [(b.criterion, b.indicator) for b in plan.blocked_by] == [(9, "9")]
    assert "Số trẻ em được khám sức khỏe định kỳ" in plan.blocked_by[0].reason.vi
    invalid = validate_record(CRITERIA, records([{**PERFECT, "births_registered": 101}])[0])
    assert invalid.errors and list(evaluate_units(CRITERIA, [invalid]))[0].plan is None


def test_the_terminal_table_shows_the_plan():
    results = evaluate([{**PERFECT, "play_place": False, "activities_held": 0}, {**PERFECT, "children_injured": 20}])
    batch = BatchResult(criteria_id="x", criteria_source="x", criteria_digest="x", units=results)
    text = render_batch(batch, "table", "vi", detail=False)
    assert text.count("Kế hoạch để đạt chuẩn:") == 2
    assert "1. Có điểm vui chơi, giải trí cho trẻ em: không → có (+40 điểm, tiêu chí 12)" in text
    assert "Chưa thể đạt chuẩn trong kỳ này:" in text
    english = render_batch(batch, "table", "en", detail=False)
    assert "Plan to reach recognition:" in english and "no → yes (+40 points, criterion 12)" in english


# ---------------------------------------------------------------- the 14th criterion

def test_the_fourteenth_criterion_is_scored_and_planned():
    perfect = {**PERFECT, "child_council": True}
    result = one(perfect, FOURTEEN)
    assert (result.status, result.total, result.max_total, len(result.criteria)) == ("recognized", 1050, 1050, 14)
    assert result.criteria[13].points == 50 and result.criteria[13].met
    without = one({**perfect, "child_council": False}, FOURTEEN)
    assert (without.status, without.total) == ("not_recognized", 1000)
    assert [r.code for r in without.reasons] == ["zero_criterion"] and without.reasons[0].criterion == 14
    assert [(c.input, c.to, c.points, c.criterion) for c in without.plan.changes] == [("child_council", True, 50, 14)]


# ---------------------------------------------------------------- memo

@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(unit(), min_size=3, max_size=10))
def test_memo_gives_the_same_results_as_asking_durable_every_time(units):
    with_memo = [to_data(r) for r in evaluate(units)]
    fresh = compiled_rules.CompiledRules(CRITERIA, memo=False)
    original = evaluate_module.rules_for
    evaluate_module.rules_for = lambda criteria: fresh
    try:
        without = [to_data(r) for r in evaluate(units)]
    finally:
        evaluate_module.rules_for = original
    assert with_memo == without


@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(unit(), min_size=3, max_size=10))
def test_a_unit_at_its_best_is_decided_as_the_rules_decide_its_new_points(units):
    """A plan asks again only about the criteria its best changes raise (Scored.decision_with): every outcome and
    the decision are those the rules give, without a memo, about every criterion's new points and the unit's
    figures."""
    from engine.rules.gaps import Scored
    plain = compiled_rules.CompiledRules(CRITERIA, memo=False)
    checked = []
    original = Scored.decision_with

    def checking(self, rules, gains):
        outcomes, decision = original(self, rules, gains)
        sums = [(criterion.complete, sum(view.decision.points for view in self.views[start:end]) + gains.get(i, 0))
                for i, (criterion, (start, end)) in enumerate(zip(self.criteria, CRITERIA.criterion_spans))]
        want = plain.criteria_outcomes(sums)
        errors, unscored, category = self.fact[:3]
        assert outcomes == want
        assert decision == plain.units([(errors, unscored, category, sum(points for _, points in sums),
                                         len(want) - want.count("met"))])[0]
        checked.append(gains)
        return outcomes, decision

    Scored.decision_with = checking
    try:
        results = evaluate(units)
    finally:
        Scored.decision_with = original
    assert len(checked) == sum(result.status == "not_recognized" for result in results)


# ---------------------------------------------------------------- property

def apply_plan(data: dict, plan) -> dict:
    """The unit after `cfc evaluate --set INPUT=TO ...` for every change of the plan."""
    changes = parse_changes(CRITERIA, plan_assignments(plan))
    return with_changes(records([data])[0], changes).data


@settings(max_examples=120, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(unit(), min_size=2, max_size=8))
def test_applying_a_plan_reaches_recognition_with_no_spare_change(units):
    results = evaluate(units)
    applied, spare = [], []
    for data, result in zip(units, results):
        plan = result.plan
        if result.status == "invalid" or result.category is None:
            assert plan is None
            continue
        assert plan is not None
        for change in plan.changes:
            assert CRITERIA.input_by_name[change.input].role == "action", change
            assert change.points > 0
        if result.status == "recognized":
            assert plan.reaches_recognition and not plan.changes
        elif plan.reaches_recognition:
            assert plan.changes and not plan.blocked_by
            applied.append(apply_plan(data, plan))
            for dropped in range(len(plan.changes)):
                rest = replace(plan, changes=plan.changes[:dropped] + plan.changes[dropped + 1:])
                spare.append(apply_plan(data, rest))
        else:
            assert plan.blocked_by and not plan.changes
    if applied:
        for after in evaluate([{k: v for k, v in d.items() if k != "unit_code"} for d in applied]):
            assert after.status == "recognized", after.reasons
    if spare:
        for after in evaluate([{k: v for k, v in d.items() if k != "unit_code"} for d in spare]):
            assert after.status != "recognized"


def test_results_built_from_plain_data_validate_as_their_models():
    # The engine builds results as plain data, unchecked: every field must hold a value of its declared type,
    # which reading the JSON data back through the boundary (from_data, pydantic) checks.
    from engine.results.model import UnitResult, from_data
    data = [PERFECT, {**PERFECT, "play_place": False, "activities_held": 0}, {**PERFECT, "children_injured": 20},
            {k: v for k, v in PERFECT.items() if k != "checkup_done"}, {**PERFECT, "births_registered": 101}]
    for result in evaluate(data):
        dumped = to_data(result)
        assert to_data(from_data(UnitResult, dumped)) == dumped
        assert from_data(UnitResult, dumped) == result


# ---------------------------------------------------------------- the options' fast path against a plain one

def plain_options(name: str, changes: list[tuple], current: int) -> list[tuple]:
    """_options as first written: every option made, sorted cheapest first (then the larger gain; stable), and
    each costlier one kept only when it brings more points than the last kept."""
    options = sorted(((target, 1 if isinstance(target, bool) else abs(target - current), gains, gain)
                      for target, gains, _, gain in changes), key=lambda o: (o[1], -o[3]))
    kept: list[tuple] = []
    for option in options:
        if not kept or option[3] > kept[-1][3]:
            kept.append(option)
    return kept


@settings(max_examples=200, deadline=None, database=None)
@given(st.integers(0, 60), st.lists(st.tuples(st.integers(0, 60), st.lists(
    st.tuples(st.integers(0, 4), st.integers(1, 30)), min_size=1, max_size=3, unique_by=lambda g: g[0])),
    min_size=1, max_size=8, unique_by=lambda c: c[0]))
def test_options_are_the_plain_ones_with_their_gains_per_criterion(current, drawn):
    from types import SimpleNamespace
    from engine.rules import plan
    criterion_of = [0, 0, 1, 2, 2]
    changes = [(target, tuple(gains), gains[0][0], sum(g for _, g in gains)) for target, gains in drawn]
    views = [SimpleNamespace(shape=("shape", p), inputs={"x": current}) for p in range(5)]
    scored = SimpleNamespace(views=views, measures=views)
    positions = [0, 1, 2, 3, 4]
    memo = {("x", *[view.shape for view in views]): changes}
    options = plan._options("x", None, scored, positions, memo, criterion_of)
    assert [(o.target, o.effort, o.gains, o.gain) for o in options] == plain_options("x", changes, current)
    for option in options:
        by: dict[int, int] = {}
        for position, gain in option.gains:
            by[criterion_of[position]] = by.get(criterion_of[position], 0) + gain
        assert option.by_criterion == tuple(by.items())
