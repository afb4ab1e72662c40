"""The durable_rules engine and the independent reference evaluator (tests/reference.py) must agree.

A hypothesis property test draws thousands of random units, biased toward the values that land exactly on a
band's edge (or one count either side of it), and compares status, total, per-criterion and per-indicator
points. A deterministic test pins hand-picked edge units to hand-computed points, for both evaluators.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
for path in (HERE.parent, HERE):  # the repo (for `engine`) and tests/ (for `reference`), however pytest is run
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import reference  # noqa: E402
from strategies import DENOMINATORS, INDICATORS, MIN_OF, NUMERATOR_OF, RAW, unit  # noqa: E402
from engine.criteria.model import load_criteria  # noqa: E402
from engine.rules.evaluate import evaluate_units  # noqa: E402
from engine.readers.records import Record  # noqa: E402
from engine.units.validate import validate_record  # noqa: E402

CRITERIA = load_criteria()
def engine_results(units: list[dict]):
    validated = []
    for number, data in enumerate(units, start=1):
        record = Record(source="hyp", kind="item", number=number, data={"unit_code": f"H{number}", **data})
        checked = validate_record(CRITERIA, record)
        assert not checked.errors, (data, [e.message for e in checked.errors])
        validated.append(checked)
    return list(evaluate_units(CRITERIA, validated))


def summary_of_engine(result) -> tuple:
    return (result.status, result.total, {c.number: c.points for c in result.criteria},
            {i.id: i.points for c in result.criteria for i in c.indicators})


def summary_of_reference(result: reference.Result) -> tuple:
    return (result.status, result.total, result.criteria, result.indicators)


def assert_agree(units: list[dict]) -> None:
    for data, got in zip(units, engine_results(units), strict=True):
        want = reference.evaluate(RAW, data)
        assert summary_of_engine(got) == summary_of_reference(want), data


EXAMPLES = 500  # x 5..20 units each (hypothesis favours short lists): ~4,400 units in ~15 s, measured


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(unit(), min_size=5, max_size=20))
def test_engine_agrees_with_reference(units):
    assert_agree(units)


# ---------------------------------------------------------------- hand-picked edges

PERFECT = {
    "staff_assigned": True, "villages_total": 5, "villages_with_collaborator": 5, "board_meets_regularly": True,
    "has_funding": True, "births": 10, "births_registered": 10, "children_total": 1000, "children_abused": 0,
    "children_offending": 0, "children_injured": 0, "special_children": 10, "special_children_supported": 10,
    "protection_cases": 2, "protection_cases_with_plan": 2, "under1_total": 50, "under1_fully_vaccinated": 50,
    "under5_weighed": 100, "under5_underweight": 0, "under5_measured": 100, "under5_stunted": 0,
    "checkup_due": 10, "checkup_done": 10, "age5_total": 50, "age5_in_preschool": 50, "primary_age_total": 100,
    "primary_age_in_school": 100, "lower_secondary_age_total": 100, "lower_secondary_age_in_school": 100,
    "children_forum_held": True, "children_clubs_active": True, "play_place": True, "activities_held": 3,
    "survey_respondents": 10, "survey_satisfied": 10, "category": "other",
}
# 850 exactly: 0.5 and 1 per 1,000 (of 2,000), 95% births, 70% satisfied, one activity; 90% and 98% on the edge.
AT_850 = {**PERFECT, "children_total": 2000, "children_abused": 1, "children_offending": 2, "children_injured": 2,
          "births": 20, "births_registered": 19, "checkup_done": 9, "under1_fully_vaccinated": 49,
          "survey_satisfied": 7, "activities_held": 1}
AT_850_POINTS = {"2": 30, "3": 60, "4": 25, "5": 100, "7": 50, "9": 50, "12b": 15, "13": 30}
EMPTY = {**PERFECT, **{name: 0 for name in DENOMINATORS if MIN_OF.get(name, 0) == 0},
         **{name: 0 for name, den in NUMERATOR_OF.items() if MIN_OF.get(den, 0) == 0}}

CASES = [
    # (name, unit, indicator points that differ from the maximum, status, total)
    ("perfect", PERFECT, {}, "recognized", 1000),
    ("total exactly 850, other", AT_850, AT_850_POINTS, "recognized", 850),
    ("total 850, urban ward needs 900", {**AT_850, "category": "urban_ward_central_city"}, AT_850_POINTS,
     "not_recognized", 850),
    ("total 850, mountain needs 800", {**AT_850, "category": "mountain_island_disadvantaged"}, AT_850_POINTS,
     "recognized", 850),
    ("69% satisfied: 830 < 850", {**AT_850, "survey_respondents": 100, "survey_satisfied": 69},
     {**AT_850_POINTS, "13": 10}, "not_recognized", 830),
    ("just over 0.5 and 1 per 1,000 (of 1,999)",
     {**PERFECT, "children_total": 1999, "children_abused": 1, "children_injured": 2, "children_offending": 0},
     {"3": 30, "5": 60}, "recognized", 890),
    ("criterion 2 at 0 despite 950", {**PERFECT, "births_registered": 8}, {"2": 0}, "not_recognized", 950),
    ("percent edges", {**PERFECT, "under5_weighed": 20, "under5_underweight": 1, "under5_stunted": 25,
                       "age5_total": 20, "age5_in_preschool": 19, "primary_age_total": 50,
                       "primary_age_in_school": 49, "lower_secondary_age_total": 20,
                       "lower_secondary_age_in_school": 19, "special_children": 20,
                       "special_children_supported": 19, "protection_cases_with_plan": 1},
     {"8a": 40, "8b": 10, "10a": 15, "10b": 35, "10c": 35, "6a": 50, "6b": 0}, "recognized", 885),
    ("just over 5% underweight (1 of 19), one village uncovered",
     {**PERFECT, "under5_weighed": 19, "under5_underweight": 1, "villages_with_collaborator": 4},
     {"8a": 25, "1b": 0}, "recognized", 970),
    ("every denominator empty", EMPTY, {}, "recognized", 1000),
    ("missing input", {k: v for k, v in PERFECT.items() if k != "survey_satisfied"}, {"13": None},
     "incomplete", 950),
    ("missing category", {**PERFECT, "category": None}, {}, "incomplete", 1000),
]


@pytest.mark.parametrize("name,data,points,status,total", CASES, ids=[case[0] for case in CASES])
def test_edges_by_hand(name, data, points, status, total):
    want = reference.evaluate(RAW, data)
    expected_points = {str(ind["id"]): points.get(str(ind["id"]), ind["max_points"]) for ind in INDICATORS}
    assert (want.status, want.total, want.indicators) == (status, total, expected_points)
    assert_agree([data])
