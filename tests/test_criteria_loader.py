"""A broken criteria file is rejected with the file and the path (and line) of the problem; a correct edit of
a band loads and changes results, so a board can correct a band by editing YAML alone."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from engine.criteria.model import CriteriaError, load_criteria
from engine.api import evaluate_files

SHIPPED = Path(__file__).resolve().parent.parent / "criteria" / "qd06-2019-01-03.yaml"
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")
SHIPPED_DATA = yaml.safe_load(SHIPPED_TEXT)

# Criterion 7 (index 6): {min 98 → 50}, {min 95 below 98 → 30}, {min 90 below 95 → 10}, {below 90 → 0}.
C7 = r"criteria\[6\]\.indicators\[0\]"
C7_BANDS = C7 + r"\.scoring\.bands"


def mutated(tmp_path: Path, mutate) -> Path:
    data = copy.deepcopy(SHIPPED_DATA)
    mutate(data)
    path = tmp_path / "criteria-edited.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def text_edit(tmp_path: Path, old: str, new: str) -> Path:
    assert SHIPPED_TEXT.count(old) == 1, f"edit target not unique: {old!r}"
    path = tmp_path / "criteria-edited.yaml"
    path.write_text(SHIPPED_TEXT.replace(old, new), encoding="utf-8")
    return path


def rejected(path: Path, pattern: str) -> CriteriaError:
    """load_criteria rejects `path`; a problem's YAML path fully matches `pattern`; str() names file and path."""
    with pytest.raises(CriteriaError) as info:
        load_criteria(path)
    error = info.value
    message = str(error)
    assert str(path) in message
    paths = [problem_path for problem_path, _, _ in error.problems]
    hits = [p for p in paths if re.fullmatch(pattern, p)]
    assert hits, f"no problem at a path matching {pattern!r}; problems: {error.problems}"
    assert all(hit in message for hit in hits)
    return error


def _line_of(needle: str) -> int:
    lines = [n for n, line in enumerate(SHIPPED_TEXT.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def c7_bands(data) -> list[dict]:
    return data["criteria"][6]["indicators"][0]["scoring"]["bands"]


# ---------------------------------------------------------------- baseline

def test_round_tripped_shipped_file_loads(tmp_path):
    """The mutation tests dump the parsed file back to YAML: unmutated, that must load (so every rejection
    below is due to the mutation alone)."""
    loaded = load_criteria(mutated(tmp_path, lambda data: None))
    assert len(loaded.criteria) == 13


# ---------------------------------------------------------------- shape

def test_unknown_key_in_a_band(tmp_path):
    path = mutated(tmp_path, lambda d: c7_bands(d)[1].update(weight=2))
    rejected(path, C7_BANDS + r"\[1\](\.weight)?")


def test_unknown_key_in_an_indicator(tmp_path):
    path = mutated(tmp_path, lambda d: d["criteria"][7]["indicators"][1].update(weigth=1))
    rejected(path, r"criteria\[7\]\.indicators\[1\](\.weigth)?")


def test_unknown_key_reports_its_line(tmp_path):
    old = "- {min: 95, below: 98, points: 30}"
    line = _line_of(old)
    path = text_edit(tmp_path, old, "- {min: 95, below: 98, points: 30, pionts: 30}")
    error = rejected(path, C7_BANDS + r"\[1\](\.pionts)?")
    assert f"{path}:{line}:" in str(error)


@pytest.mark.parametrize("where", ["scoring", "band"])
def test_status_must_be_confirmed_or_provisional(tmp_path, where):
    if where == "scoring":
        path = mutated(tmp_path, lambda d: d["criteria"][6]["indicators"][0]["scoring"].update(status="draft"))
        rejected(path, C7 + r"\.scoring\.status")
    else:
        path = mutated(tmp_path, lambda d: c7_bands(d)[1].update(status="tentative"))
        rejected(path, C7_BANDS + r"\[1\]\.status")


def test_invalid_yaml_syntax_reports_line(tmp_path):
    old = "  total_points: 1000"
    line = _line_of(old)
    path = text_edit(tmp_path, old, "  total_points: 1000: 5")
    with pytest.raises(CriteriaError) as info:
        load_criteria(path)
    assert f"{path}:{line}:" in str(info.value)
    assert any(problem_line == line for _, problem_line, _ in info.value.problems)


def test_invalid_yaml_unclosed_flow_mapping_reports_file_and_a_line(tmp_path):
    old = "- {min: 95, below: 98, points: 30}"
    path = text_edit(tmp_path, old, "- {min: 95, below: 98, points: 30")
    with pytest.raises(CriteriaError) as info:
        load_criteria(path)
    assert str(path) in str(info.value)
    assert all(isinstance(line, int) for _, line, _ in info.value.problems)


# ---------------------------------------------------------------- bands

def test_overlapping_bands(tmp_path):
    # {min 94 below 98} overlaps {min 90 below 95} on [94, 95).
    path = mutated(tmp_path, lambda d: c7_bands(d)[1].update(min=94))
    rejected(path, C7_BANDS + r"\[[12]\]")


def test_overlap_on_a_shared_edge(tmp_path):
    # {min 95 below 98} and {min 90 max 95}: both include 95.
    def mutate(d):
        band = c7_bands(d)[2]
        del band["below"]
        band["max"] = 95
    rejected(mutated(tmp_path, mutate), C7_BANDS + r"\[[12]\]")


def test_gap_between_bands(tmp_path):
    # {min 96 below 98} and {min 90 below 95}: nothing scores [95, 96).
    path = mutated(tmp_path, lambda d: c7_bands(d)[1].update(min=96))
    rejected(path, C7_BANDS + r"\[[12]\]")


def test_value_on_an_edge_in_no_band(tmp_path):
    # {above 95 below 98} and {min 90 below 95}: 95 itself is in no band.
    def mutate(d):
        band = c7_bands(d)[1]
        del band["min"]
        band["above"] = 95
    rejected(mutated(tmp_path, mutate), C7_BANDS + r"\[[12]\]")


def test_bands_not_covering_zero(tmp_path):
    path = mutated(tmp_path, lambda d: c7_bands(d)[3].update(min=10))
    rejected(path, C7_BANDS + r"\[3\]")


def test_bands_not_covering_100(tmp_path):
    path = mutated(tmp_path, lambda d: c7_bands(d)[0].update(max=99))
    rejected(path, C7_BANDS + r"\[0\]")


def test_per_1000_bands_not_covering_1000(tmp_path):
    # Criterion 3 (index 2): the worst band {above 1} capped at 500‰.
    path = mutated(tmp_path, lambda d: d["criteria"][2]["indicators"][0]["scoring"]["bands"][3].update(max=500))
    rejected(path, r"criteria\[2\]\.indicators\[0\]\.scoring\.bands\[3\]")


def test_bands_out_of_order(tmp_path):
    def mutate(d):
        bands = c7_bands(d)
        bands[1], bands[2] = bands[2], bands[1]
    rejected(mutated(tmp_path, mutate), C7_BANDS + r"(\[\d\])?")


def test_non_monotone_points(tmp_path):
    # 98+ → 50, 95–98 → 10, 90–95 → 30, <90 → 0
    def mutate(d):
        bands = c7_bands(d)
        bands[1]["points"], bands[2]["points"] = 10, 30
    rejected(mutated(tmp_path, mutate), C7_BANDS + r"(\[\d\])?")


def test_best_band_below_indicator_max(tmp_path):
    path = mutated(tmp_path, lambda d: c7_bands(d)[0].update(points=45))
    rejected(path, C7_BANDS + r"(\[0\](\.points)?)?|" + C7 + r"\.max_points")


def test_band_points_above_indicator_max(tmp_path):
    path = mutated(tmp_path, lambda d: c7_bands(d)[0].update(points=55))
    rejected(path, C7_BANDS + r"\[0\](\.points)?")


def test_is_on_a_percent_measure(tmp_path):
    path = mutated(tmp_path, lambda d: c7_bands(d).__setitem__(0, {"is": True, "points": 50}))
    rejected(path, C7_BANDS + r"\[0\](\.is)?")


def test_yes_no_band_with_a_threshold(tmp_path):
    # Indicator 1a (yes/no): a band written as `min: 1` instead of `is: yes`.
    def mutate(d):
        d["criteria"][0]["indicators"][0]["scoring"]["bands"][0] = {"min": 1, "points": 50}
    rejected(mutated(tmp_path, mutate), r"criteria\[0\]\.indicators\[0\]\.scoring\.bands\[0\]")


# ---------------------------------------------------------------- points

def test_indicator_points_not_adding_up_to_criterion_max(tmp_path):
    # Indicator 8a (criterion 8, index 7): max 40 → 45 with its best band, so only criterion 8's sum is off.
    def mutate(d):
        ind = d["criteria"][7]["indicators"][0]
        ind["max_points"] = 45
        ind["scoring"]["bands"][0]["points"] = 45
    error = rejected(mutated(tmp_path, mutate), r"criteria\[7\](\.max_points)?")
    assert not any(p.startswith("instrument") for p, _, _ in error.problems), error.problems


def test_criteria_not_adding_up_to_total_points(tmp_path):
    path = mutated(tmp_path, lambda d: d["instrument"].update(total_points=1100))
    rejected(path, r"instrument(\.total_points)?")


# ---------------------------------------------------------------- measures and inputs

def test_measure_uses_undeclared_input(tmp_path):
    path = mutated(tmp_path, lambda d: d["criteria"][1]["indicators"][0]["measure"].update(numerator="births_regstered"))
    rejected(path, r"criteria\[1\]\.indicators\[0\]\.measure\.numerator")


def test_yes_no_measure_uses_undeclared_input(tmp_path):
    path = mutated(tmp_path, lambda d: d["criteria"][0]["indicators"][2]["measure"].update(input="board_meets"))
    rejected(path, r"criteria\[0\]\.indicators\[2\]\.measure\.input")


def test_yes_no_measure_on_a_count_input(tmp_path):
    path = mutated(tmp_path, lambda d: d["criteria"][0]["indicators"][0]["measure"].update(input="villages_total"))
    rejected(path, r"criteria\[0\]\.indicators\[0\]\.measure\.input")


def test_rate_measure_on_a_yes_no_input(tmp_path):
    path = mutated(tmp_path, lambda d: d["criteria"][1]["indicators"][0]["measure"].update(denominator="staff_assigned"))
    rejected(path, r"criteria\[1\]\.indicators\[0\]\.measure\.denominator")


def test_duplicate_indicator_id(tmp_path):
    # Indicator 8b (criteria[7].indicators[1]) renamed to 8a: the problem is there, not elsewhere.
    path = mutated(tmp_path, lambda d: d["criteria"][7]["indicators"][1].update(id="8a"))
    rejected(path, r"criteria\[7\]\.indicators\[1\](\.id)?")


def test_duplicate_indicator_id_line_points_at_the_duplicate(tmp_path):
    old = "      - id: 8b\n"
    assert SHIPPED_TEXT.count(old) == 1
    line = SHIPPED_TEXT[:SHIPPED_TEXT.index(old)].count("\n") + 1
    path = text_edit(tmp_path, old, "      - id: 8a\n")
    with pytest.raises(CriteriaError) as info:
        load_criteria(path)
    lines = [problem_line for _, problem_line, message in info.value.problems if "8a" in message]
    assert lines and all(problem_line == line for problem_line in lines), info.value.problems


# ---------------------------------------------------------------- a board corrects a band in YAML alone

def _unit_file(tmp_path: Path, vaccinated: int, total: int) -> Path:
    unit = yaml.safe_load(_UNIT_YAML)
    unit.update(under1_total=total, under1_fully_vaccinated=vaccinated)
    path = tmp_path / f"unit-{vaccinated}-of-{total}.yaml"
    path.write_text(yaml.safe_dump(unit, allow_unicode=True), encoding="utf-8")
    return path


def test_correcting_a_band_in_yaml_changes_results(tmp_path):
    old = ("            - {min: 95, below: 98, points: 30}\n"
           "            - {min: 90, below: 95, points: 10}\n")
    new = ("            - {min: 96, below: 98, points: 30}\n"
           "            - {min: 90, below: 96, points: 10}\n")
    path = text_edit(tmp_path, old, new)
    shipped, edited = load_criteria(SHIPPED), load_criteria(path)
    assert edited.criteria[6].indicators[0].scoring.bands[1].min == 96
    assert edited.digest != shipped.digest

    def criterion_7(criteria, vaccinated, total):
        unit = evaluate_files(criteria, [_unit_file(tmp_path, vaccinated, total)]).units[0]
        assert unit.status in ("recognized", "not_recognized"), unit.errors
        return next(c.points for c in unit.criteria if c.number == 7), unit.total

    # 95.5%: 30 under the shipped bands, 10 after the correction; the total follows.
    (before, total_before), (after, total_after) = criterion_7(shipped, 191, 200), criterion_7(edited, 191, 200)
    assert (before, after) == (30, 10)
    assert total_before - total_after == 20
    # Thresholds stay inclusive: exactly 96% is in the corrected band, 95.99% is not.
    assert criterion_7(edited, 96, 100)[0] == 30
    assert criterion_7(edited, 2399, 2500)[0] == 10
    # The shipped set is unaffected by the edited one living in the same process.
    assert criterion_7(shipped, 191, 200)[0] == 30


# ---------------------------------------------------------------- the shipped file

def test_shipped_file_loads_with_status_and_citation_everywhere():
    cs = load_criteria(SHIPPED)
    assert [c.number for c in cs.criteria] == list(range(1, 14))
    assert sum(c.max_points for c in cs.criteria) == cs.instrument.total_points == 1000
    assert {c.id: c.threshold for c in cs.categories} == {
        "urban_ward_central_city": 900, "mountain_island_disadvantaged": 800, "other": 850}
    for criterion in cs.criteria:
        assert criterion.citation.strip()
        for ind in criterion.indicators:
            assert ind.scoring.citation.strip(), ind.id
            assert "06/QĐ-TTg" in ind.scoring.citation and "2019" in ind.scoring.citation, ind.id
            for index in range(len(ind.scoring.bands)):
                assert ind.scoring.band_status(index) in ("confirmed", "provisional"), (ind.id, index)


def test_shipped_file_marks_exactly_the_spec_confirmed_bands_as_confirmed():
    """Spec section 3: confirmed are 1a, 1c, 1d, 1b's 'all villages' band, and the top bands of 6a, 6b and 7."""
    cs = load_criteria(SHIPPED)
    confirmed = {(ind.id, index) for _, ind in cs.indicators for index in range(len(ind.scoring.bands))
                 if ind.scoring.band_status(index) == "confirmed"}
    assert confirmed == {("1a", 0), ("1a", 1), ("1b", 0), ("1c", 0), ("1c", 1), ("1d", 0), ("1d", 1),
                         ("6a", 0), ("6b", 0), ("7", 0)}


def test_shipped_file_loads_from_its_own_path_with_source_and_digest():
    cs = load_criteria(SHIPPED)
    assert cs.source == str(SHIPPED)
    assert re.fullmatch(r"[0-9a-f]{64}", cs.digest)


_UNIT_YAML = """\
unit_code: "26734"
unit_name: Xã Đường Lâm
province: Phú Thọ
district: Thanh Sơn
period: "2024"
category: mountain_island_disadvantaged
staff_assigned: có
villages_total: 12
villages_with_collaborator: 12
board_meets_regularly: yes
has_funding: yes
births: 80
births_registered: 78
children_total: 2150
children_abused: 1
children_offending: 0
children_injured: 3
special_children: 40
special_children_supported: 38
protection_cases: 1
protection_cases_with_plan: 1
under1_total: 82
under1_fully_vaccinated: 79
under5_weighed: 410
under5_underweight: 30
under5_measured: 410
under5_stunted: 70
checkup_due: 1800
checkup_done: 1500
age5_total: 95
age5_in_preschool: 94
primary_age_total: 700
primary_age_in_school: 699
lower_secondary_age_total: 520
lower_secondary_age_in_school: 500
children_forum_held: yes
children_clubs_active: yes
play_place: yes
activities_held: 1
survey_respondents: 200
survey_satisfied: 150
"""


# ---------------------------------------------------------------- input roles

def _input(data, name) -> dict:
    return next(decl for decl in data["inputs"] if decl["name"] == name)


def test_every_measured_input_of_the_shipped_files_has_a_sensible_role():
    for path in (SHIPPED, SHIPPED.parent.parent / "tests" / "fixtures" / "criteria" / "with-14th-criterion.yaml"):
        cs = load_criteria(path)
        for _, indicator in cs.indicators:
            assert cs.input_by_name[indicator.measured_input].role in ("action", "event"), indicator.id
            if indicator.measure.is_rate:
                assert cs.input_by_name[indicator.measure.denominator].role in ("context", "event"), indicator.id
    cs = load_criteria(SHIPPED)
    assert {d.name for d in cs.inputs if d.role == "event"} == {
        "children_abused", "children_offending", "children_injured", "protection_cases"}
    assert cs.input_by_name["births_registered"].role == "action" and cs.input_by_name["births"].role == "context"


def test_a_numerator_cannot_be_context(tmp_path):
    path = mutated(tmp_path, lambda d: _input(d, "births_registered").update(role="context"))
    error = rejected(path, r"inputs\[\d+\]\.role")
    assert "must have role action or event" in str(error)


def test_a_denominator_cannot_be_an_action(tmp_path):
    # A plan must never "improve" a rate by changing who is counted.
    path = mutated(tmp_path, lambda d: _input(d, "births").update(role="action"))
    assert "must have role context or event" in str(rejected(path, r"inputs\[\d+\]\.role"))


def test_a_name_or_category_is_context(tmp_path):
    path = mutated(tmp_path, lambda d: _input(d, "category").update(role="action"))
    assert "its role is context" in str(rejected(path, r"inputs\[\d+\]\.role"))


def test_an_unknown_role_is_rejected(tmp_path):
    rejected(mutated(tmp_path, lambda d: _input(d, "births_registered").update(role="target")),
             r"inputs\[\d+\]\.role")


def test_an_event_indicator_says_what_it_prevents(tmp_path):
    def drop(data):
        del data["criteria"][2]["indicators"][0]["prevention"]
    error = rejected(mutated(tmp_path, drop), r"criteria\[2\]\.indicators\[0\]")
    assert "prevention" in str(error)


def test_role_defaults_to_context_for_an_input_no_measure_counts(tmp_path):
    def add(data):
        data["inputs"].append({"name": "trainings_held", "type": "count",
                               "label": {"vi": "Số buổi tập huấn", "en": "Trainings held"}})
    assert load_criteria(mutated(tmp_path, add)).input_by_name["trainings_held"].role == "context"
