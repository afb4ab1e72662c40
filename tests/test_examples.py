"""The shipped example data (evaluations/) gives the outcomes its comments and README promise.

The expected points below were worked out by hand from the bands in the legal basis (docs/legal-basis.md,
§3) and the thresholds in §2, not copied from the engine's output. For an invalid or incomplete
unit the total is the sum of the indicators that could be scored (an unscored indicator adds nothing).
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from engine.criteria.model import load_criteria
from engine.api import evaluate_files

EVALUATIONS = Path(__file__).resolve().parents[1] / "evaluations"
SAMPLE_CSV = EVALUATIONS / "sample-area" / "units.csv"
SAMPLE_YAML = EVALUATIONS / "sample-area" / "units.yaml"
SINGLE = EVALUATIONS / "single-unit.yaml"

URBAN, OTHER, MOUNTAIN = "urban_ward_central_city", "other", "mountain_island_disadvantaged"

# unit_code: (category, status, total, points of criteria 1..13)
EXPECTED = {
    # 955 = 1000 - 25 (4: 1 offender of 3,420 = 0.29‰) - 20 (7: 64/66 = 96.97%)
    "09577": (URBAN, "recognized", 955, [100, 50, 100, 50, 100, 125, 30, 75, 50, 100, 50, 75, 50]),
    # 900 = 1000 - 40 (3: 1/2,860 = 0.35‰) - 40 (5: 5/2,860 = 1.75‰) - 20 (9: 2,030/2,400 = 84.6%); 7: 49/50 = 98% → 50
    "09586": (URBAN, "recognized", 900, [100, 50, 60, 75, 60, 125, 50, 75, 30, 100, 50, 75, 50]),
    # 895 = 1000 - 40 (3: 1/3,050) - 25 (4: 1/3,050) - 20 (7: 58/60 = 96.7%) - 20 (13: 170/220 = 77.3%)
    "09589": (URBAN, "not_recognized", 895, [100, 50, 60, 50, 100, 125, 30, 75, 50, 100, 50, 75, 30]),
    # 940 = 1000 - 40 (5: 4/2,540 = 1.57‰) - 20 (7: 45/46 = 97.8%); 6b: 0 of 0 cases → 75
    "09574": (URBAN, "recognized", 940, [100, 50, 100, 75, 60, 125, 30, 75, 50, 100, 50, 75, 50]),
    # 890 = 1000 - 20 (2: 40/41) - 40 (5: 4/2,180 = 1.83‰) - 15 (8a: 6.34%) - 15 (8b: 13.2%) - 20 (13: 78.7%)
    "09592": (OTHER, "recognized", 890, [100, 30, 100, 75, 60, 125, 50, 45, 50, 100, 50, 75, 30]),
    # 3: 3/2,430 = 1.23‰ > 1 → 0; 9: 1,730/2,050 = 84.4% → 30; 880 ≥ 850 but a criterion is at 0
    "09598": (OTHER, "not_recognized", 880, [100, 50, 0, 75, 100, 125, 50, 75, 30, 100, 50, 75, 50]),
    # 810 = 1000 - 20 (2) - 40 (3) - 40 (5: 6/2,650 = 2.26‰) - 20 (6a: 54/58 = 93.1%) - 20 (7) - 15 - 15 (8) - 20 (13)
    "09604": (OTHER, "not_recognized", 810, [100, 30, 60, 75, 60, 105, 30, 45, 50, 100, 50, 75, 30]),
    # checkup_done empty: criterion 9 unscored; everything else at its maximum
    "09610": (OTHER, "incomplete", 950, [100, 50, 100, 75, 100, 125, 50, 75, 0, 100, 50, 75, 50]),
    # age5_in_preschool "98,5": 10a unscored; 5: 5/2,300 = 2.17‰ → 60; 13: 120/160 = 75% → 30
    "09613": (OTHER, "invalid", 910, [100, 50, 100, 75, 60, 125, 50, 75, 50, 70, 50, 75, 30]),
    # 830 = 1000 - 20 (2) - 25 (4) - 40 (5: 7/3,120 = 2.24‰) - 20 (7) - 15 - 15 (8) - 20 (9: 84.8%) - 15 (10c: 93.5%)
    "09709": (MOUNTAIN, "recognized", 830, [100, 30, 100, 50, 60, 125, 30, 45, 30, 85, 50, 75, 50]),
    # 5: 11/1,870 = 5.88‰ > 5 → 0; 850 ≥ 800 but a criterion is at 0
    "09700": (MOUNTAIN, "not_recognized", 850, [100, 50, 100, 75, 0, 125, 30, 45, 50, 100, 50, 75, 50]),
    # 770 = 1000 - 15 (1b: 18/19) - 40 (2: 65/70 = 92.9%) - 40 (3) - 40 (5) - 20 (6a: 90.9%) - 20 (7) - 30 - 25 (8)
    "09706": (MOUNTAIN, "not_recognized", 770, [85, 10, 60, 75, 60, 105, 30, 20, 50, 100, 50, 75, 50]),
    # births_registered 64 > births 62: criterion 2 unscored
    "09697": (MOUNTAIN, "invalid", 805, [100, 0, 100, 75, 60, 125, 30, 45, 30, 85, 50, 75, 30]),
    # 835 = 1000 - 15 (1b: 15/16) - 25 (4) - 40 (5) - 20 (7) - 15 - 15 (8) - 15 (10c) - 20 (11b: no club)
    "09694": (MOUNTAIN, "recognized", 835, [85, 50, 100, 50, 60, 125, 30, 45, 50, 85, 30, 75, 50]),
    # 850 = 1000 - 40 (3) - 40 (5) - 20 (7) - 15 (8b) - 20 (9) - 15 (10a: 43/44 = 97.7%); 13: 120/150 = 80% → 50
    "09616": (OTHER, "recognized", 850, [100, 50, 60, 75, 60, 125, 30, 60, 30, 85, 50, 75, 50]),
}
THRESHOLDS = {URBAN: 900, OTHER: 850, MOUNTAIN: 800}


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


@pytest.fixture(scope="module")
def results(criteria):
    out = {}
    for path in (SAMPLE_CSV, SAMPLE_YAML):
        batch = evaluate_files(criteria, [path])
        assert batch.file_errors == []
        out[path.suffix] = batch.units
    return out


def by_code(units):
    return {u.unit_code: u for u in units}


def test_csv_headers_are_the_spec_inputs_in_order(criteria):
    with SAMPLE_CSV.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == [d.name for d in criteria.inputs]


def test_expected_points_add_up():
    for code, (category, status, total, points) in EXPECTED.items():
        assert len(points) == 13 and sum(points) == total, code
        if status == "recognized":
            assert total >= THRESHOLDS[category] and 0 not in points, code


@pytest.mark.parametrize("suffix", [".csv", ".yaml"])
def test_each_unit_scores_as_worked_out_by_hand(results, suffix):
    units = by_code(results[suffix])
    assert list(units) == list(EXPECTED)
    for code, (category, status, total, points) in EXPECTED.items():
        unit = units[code]
        assert unit.category == category, code
        assert unit.threshold == THRESHOLDS[category], code
        assert (unit.status, unit.total) == (status, total), code
        assert [c.points for c in unit.criteria] == points, code


def test_csv_and_yaml_give_identical_results(results):
    def summary(unit):
        return (unit.unit_code, unit.unit_name, unit.district, unit.province, unit.period, unit.category,
                unit.status, unit.total, unit.shortfall, [c.points for c in unit.criteria],
                [(i.id, i.state, i.points) for c in unit.criteria for i in c.indicators],
                [r.code for r in unit.reasons], unit.missing_inputs, len(unit.errors))
    assert [summary(u) for u in results[".csv"]] == [summary(u) for u in results[".yaml"]]


@pytest.mark.parametrize("suffix", [".csv", ".yaml"])
def test_every_outcome_is_demonstrated(results, suffix):
    units = results[suffix]

    def zero(unit):
        return [c.number for c in unit.criteria if c.complete and c.points == 0]

    recognised = [u for u in units if u.status == "recognized"]
    assert {u.category for u in recognised} == set(THRESHOLDS)
    assert any(u.total == u.threshold for u in recognised), "one unit recognised exactly at its threshold"

    # A criterion at 0 blocks recognition even with a total at or above the threshold.
    for number in (3, 5):
        blocked = [u for u in units if u.status == "not_recognized" and zero(u) == [number]]
        assert blocked, f"criterion {number} at 0"
        assert any(u.total >= u.threshold and [r.code for r in u.reasons] == ["zero_criterion"] for u in blocked)

    # No criterion at 0, total a few points short, and one change alone flips the decision.
    short = [u for u in units if u.status == "not_recognized" and not zero(u) and 0 < u.shortfall <= 10]
    assert short and all(any(g.flips_decision for g in u.gaps) for u in short)

    # An empty denominator (0 protection cases) still scores full points, in a recognised unit.
    empty = [(u, i) for u in recognised for c in u.criteria for i in c.indicators if i.state == "empty_denominator"]
    assert any(i.id == "6b" and i.inputs["protection_cases"] == 0 and i.points == i.max_points for _, i in empty)

    incomplete = [u for u in units if u.status == "incomplete"]
    assert [u.missing_inputs for u in incomplete] == [["checkup_done"]]

    invalid = {u.unit_code: " ".join(e.en for e in u.errors) for u in units if u.status == "invalid"}
    assert set(invalid) == {"09613", "09697"}
    assert "age5_in_preschool" in invalid["09613"] and "98,5" in invalid["09613"]
    assert "births_registered = 64 is greater than births = 62" in invalid["09697"]


def test_single_unit_self_check_is_a_few_points_short(criteria):
    batch = evaluate_files(criteria, [SINGLE])
    assert batch.file_errors == []
    [unit] = batch.units
    # 835 = 1000 - 20 (2: 45/46) - 40 (3: 1/2,340) - 15 (8a: 6.2%) - 25 (8b: 22.2%) - 15 (10a: 95.7%)
    #           - 15 (10b: 97.4%) - 15 (10c: 93.9%) - 20 (12b: 1 activity)
    assert (unit.status, unit.total, unit.threshold, unit.shortfall) == ("not_recognized", 835, 850, 15)
    assert [c.points for c in unit.criteria] == [100, 30, 60, 75, 100, 125, 50, 35, 50, 55, 50, 55, 50]
    flips = {g.indicator: g.flips_decision for g in unit.gaps}
    # 3 counts past abuse cases: explained, never asked lower, so it flips nothing
    assert flips == {"2": True, "3": False, "8a": True, "8b": False, "10a": True, "10b": True, "10c": True,
                     "12b": True}
