"""Issue 21, class 5: combining results checks what it combines. A unit whose total, points, threshold and
status do not add up (hand-edited results: "recognized", total 5000 on a 1,000-point set, points summing below
its threshold) is never counted: aggregate stops naming it. The CSV for people re-saved by Excel with semicolons
(Vietnamese regional settings) is read like the one cfc wrote."""
from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.aggregate import load_results
from engine.criteria.model import load_criteria

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "issue21"
SAMPLE = ROOT / "evaluations" / "sample-area" / "units.csv"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def genuine(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("genuine")
    paths = {"json": folder / "results.json", "machine": folder / "machine.csv", "people": folder / "people.csv"}
    assert run("evaluate", SAMPLE, "--format", "json", "-o", paths["json"]).exit_code == 1
    assert run("evaluate", SAMPLE, "--format", "csv", "-o", paths["machine"]).exit_code == 1
    assert run("evaluate", SAMPLE, "-o", paths["people"]).exit_code == 1
    return paths


def refused(path: Path, tmp_path: Path, *why: str) -> str:
    out = tmp_path / "review"
    result = run("aggregate", path, "-o", out, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert not out.exists() or not any(out.iterdir())  # nothing written from figures that do not add up
    for words in why:
        assert words in result.stderr, result.stderr
    assert "were the results edited after cfc wrote them? Evaluate the data again" in result.stderr
    assert "Traceback" not in result.output
    return result.stderr


def test_the_hand_edited_unit_of_the_issue_is_refused(tmp_path):
    path = FIXTURES / "hand-edited-results.json"
    refused(path, tmp_path, f"Error: {path} unit 3, unit 09589: the total 5000 is above the most a unit can score, 1000")
    said = run("aggregate", path, "-o", tmp_path / "vi").stderr
    assert "tổng điểm 5000 cao hơn tổng điểm tối đa 1000" in said and "đơn vị 09589" in said


def _edited(genuine: dict[str, Path], tmp_path: Path, edit) -> Path:
    data = json.loads(genuine["json"].read_text(encoding="utf-8"))
    units = {u["unit_code"]: u for u in data["units"]}
    edit(units)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _set(unit: dict, number: int, points: int, complete: bool = True) -> None:
    for criterion in unit["criteria"]:
        if criterion["number"] == number:
            criterion["points"], criterion["complete"] = points, complete


# The sample area's first unit is recognised, 955 of 900; its third is not, 895 of 900 (both of category
# urban_ward_central_city): the edits below are made to them.
RECOGNISED, SHORT = "09577", "09589"

EDITS = {
    "recognised below its threshold": (lambda u: u[SHORT].update(status="recognized"),
                                       f"unit {SHORT}: recognised, but the total 895 is below the threshold 900"),
    "threshold lowered": (lambda u: u[SHORT].update(status="recognized", threshold=850),
                          f"unit {SHORT}: the threshold 850 is not that of its category urban_ward_central_city (900)"),
    "total not the sum": (lambda u: u[SHORT].update(total=905),
                          f"unit {SHORT}: the total 905 is not the sum of its criteria's points, 895"),
    "points above the maximum": (lambda u: (_set(u[RECOGNISED], 1, 200), u[RECOGNISED].update(total=1055)),
                                 f"unit {RECOGNISED}: criterion 1 has 200 points, outside 0–100"),
    "negative points": (lambda u: _set(u[RECOGNISED], 2, -5), f"unit {RECOGNISED}: criterion 2 has -5 points, outside 0–50"),
    "recognised with a criterion at 0": (lambda u: (_set(u[RECOGNISED], 2, 0), u[RECOGNISED].update(total=905)),
                                         f"unit {RECOGNISED}: recognised, but criterion 2 has fewer than 1 points"),
    "decided with a criterion not scored": (lambda u: _set(u[RECOGNISED], 4, 50, complete=False),
                                            f"unit {RECOGNISED}: the result is 'Recognised' but criterion 4 was not scored"),
    "category unknown to the set": (lambda u: u[RECOGNISED].update(category="martian"),
                                    f"unit {RECOGNISED}: the result is 'Recognised' but its category 'martian' is not "
                                    "one of the criteria set's (urban_ward_central_city, other, "
                                    "mountain_island_disadvantaged)"),
    "category removed": (lambda u: u[SHORT].update(category=None),
                         f"unit {SHORT}: the result is 'Not recognised' but its category '' is not one of"),
    "not recognised although met": (lambda u: u[RECOGNISED].update(status="not_recognized"),
                                    f"unit {RECOGNISED}: not recognised, but the total 955 reaches the threshold 900 and "
                                    "every criterion is met"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_a_unit_that_does_not_add_up_is_named(genuine, tmp_path, name):
    edit, why = EDITS[name]
    path = _edited(genuine, tmp_path, edit)
    refused(path, tmp_path, f"{path} unit ", why)


def test_every_unit_that_does_not_add_up_is_counted(genuine, tmp_path):
    def edit(units):
        units[SHORT]["status"] = "recognized"
        units[RECOGNISED]["total"] = 5000
    said = refused(_edited(genuine, tmp_path, edit), tmp_path, f"unit {RECOGNISED}", "and 1 more unit(s) that do not add up")
    assert said.count("Error:") == 1


def _edit_csv(source: Path, tmp_path: Path, code: str, column: str, value: str, delimiter: str = ",") -> Path:
    text = source.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    at = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == code:
            row[at] = value
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path = tmp_path / source.name
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    return path


def test_the_machine_csv_is_checked(genuine, tmp_path):
    path = _edit_csv(genuine["machine"], tmp_path, SHORT, "status", "recognized")
    refused(path, tmp_path, f"{path} row 4, unit {SHORT}: recognised, but the total 895 is below the threshold 900")


def test_the_csv_for_people_is_checked(genuine, tmp_path):
    path = _edit_csv(genuine["people"], tmp_path, SHORT, "Kết quả", "Đạt chuẩn")
    refused(path, tmp_path, f"unit {SHORT}: recognised, but the total 895 is below the threshold 900")


def test_excels_semicolons_are_read_and_checked(genuine, tmp_path):
    criteria = load_criteria()
    resaved = load_results([FIXTURES / "results-excel-semicolons.csv"], criteria)
    written = load_results([genuine["people"]], criteria)
    columns = ["unit_code", "status", "total", "threshold", "category", "period"]
    assert resaved.units[columns].equals(written.units[columns])
    assert resaved.scores.equals(written.scores)
    result = run("aggregate", FIXTURES / "results-excel-semicolons.csv", "-o", tmp_path / "ok", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Period 2024: 7/15 units recognised (46.67%)" in result.output
    edited = _edit_csv(FIXTURES / "results-excel-semicolons.csv", tmp_path, SHORT, "Kết quả", "Đạt chuẩn", ";")
    refused(edited, tmp_path, f"unit {SHORT}: recognised, but the total 895 is below the threshold 900")


def test_excels_sep_line_is_honoured(genuine, tmp_path):
    path = tmp_path / "sep.csv"
    path.write_bytes(b"sep=;\r\n" + (FIXTURES / "results-excel-semicolons.csv").read_bytes()[3:])
    assert len(load_results([path], load_criteria()).units) == 15


def test_genuine_results_in_every_format_add_up(genuine):
    criteria = load_criteria()
    for path in genuine.values():
        for fast in (True, False):
            assert len(load_results([path], criteria, fast=fast).units) == 15


def test_cfcs_own_workbook_is_named_for_what_it_is(tmp_path):
    """aggregate called cfc's results.xlsx "not a results file"; it says what to give instead."""
    folder = tmp_path / "results"
    assert run("evaluate", SAMPLE, "-o", folder).exit_code == 1
    result = run("aggregate", folder / "results.xlsx", "-o", tmp_path / "review", "--lang", "en")
    assert result.exit_code == 2 and not (tmp_path / "review").exists()
    assert "cfc aggregate does not read workbooks (results.xlsx is for people to read); use the .json or .csv" in result.stderr
    assert run("aggregate", folder / "results.json", "-o", tmp_path / "review").exit_code == 0


def test_a_unit_code_that_is_not_text_is_refused(genuine, tmp_path):
    """cfc writes no lone surrogate into results; one in a unit code (a damaged or hand-edited file) is named."""
    text = genuine["json"].read_text(encoding="utf-8").replace('"unit_code":"09577"', '"unit_code":"095\\ud80077"', 1)
    assert "\\ud800" in text
    path = tmp_path / "damaged.json"
    path.write_text(text, encoding="utf-8")
    result = run("aggregate", path, "-o", tmp_path / "review", "--lang", "en")
    assert result.exit_code == 2 and not (tmp_path / "review").exists()
    assert f"Error: {path} unit 1: the unit code '095\\ud80077' holds a lone surrogate, which is not text" in result.stderr
