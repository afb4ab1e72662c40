"""Units checked against the official list of their period while they are validated: warnings, --strict-units
errors, names filled from the code, category sanity; in Vietnamese and English, through every output."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import main
from engine.criteria.model import load_criteria
from engine.readers.records import Record
from engine.units.validate import validate_record

ROOT = Path(__file__).resolve().parents[2]
SINGLE = yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


def unit(criteria, strict=False, **changes):
    data = {**SINGLE, **changes}
    return validate_record(criteria, Record("u.yaml", "", 0, data), strict)


def write(tmp_path, name="unit.yaml", **changes) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({**SINGLE, **changes}, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_unit_matches_the_list(criteria):
    checked = unit(criteria)
    assert checked.warnings == [] and checked.errors == [] and checked.filled == []


def test_a_name_that_is_not_the_codes_is_a_warning_naming_unit_code_and_list(criteria):
    checked = unit(criteria, unit_name="Xã Hòa Sơn")
    assert checked.errors == []
    [warning] = checked.warnings
    assert warning.input == "unit_name" and warning.value == "Xã Hòa Sơn"
    assert warning.message.render("vi") == (
        "09652 là Xã Thái Hòa, Huyện Ba Vì, Thành phố Hà Nội trong danh mục đơn vị hành chính trước ngày 01/7/2025 "
        "(63 tỉnh), không phải 'Xã Hòa Sơn'")
    assert warning.message.render("en") == (
        "09652 is Xã Thái Hòa, Huyện Ba Vì, Thành phố Hà Nội in the list of units before 1 July 2025 (63 provinces), "
        "not 'Xã Hòa Sơn'")


def test_strict_units_makes_it_a_data_error(criteria):
    checked = unit(criteria, strict=True, unit_name="Xã Hòa Sơn", province="Hải Phòng")
    assert checked.warnings == []
    assert [e.input for e in checked.errors] == ["unit_name", "province"]


def test_a_code_not_in_the_list_of_its_period_says_what_the_other_list_holds(criteria):
    after = unit(criteria, period="2025")   # 09652 is an old code that the new list does not keep
    [warning] = after.warnings
    text = warning.message.render("en")
    assert text.startswith("unit code '09652' is not in the list of units from 1 July 2025 (34 provinces); "
                           "in the list of units before 1 July 2025 (63 provinces) it is Xã Thái Hòa")
    assert "since 1 July 2025 part of" in text
    lost_zero = unit(criteria, unit_code="9652")
    assert "a leading zero lost? 09652 is Xã Thái Hòa" in lost_zero.warnings[0].message.render("en")
    assert "mất số 0 ở đầu? 09652 là Xã Thái Hòa" in lost_zero.warnings[0].message.render("vi")


def test_the_same_period_end_picks_the_map_as_it_picks_the_criteria(criteria):
    assert unit(criteria, period="2025-H1").warnings == []          # ends 30 June 2025: the old list
    assert unit(criteria, period="2025-06-30").warnings == []
    assert len(unit(criteria, period="2025-Q3").warnings) == 1       # ends 30 September 2025: the new list
    assert unit(criteria, period="2025-13").warnings == []            # unreadable: the period error says so


def test_blank_names_are_filled_from_the_code_and_marked(criteria):
    checked = unit(criteria, unit_name=None, district="", province=None)
    assert checked.filled == ["unit_name", "province", "district"]
    assert (checked.values["unit_name"], checked.values["district"], checked.values["province"]) == (
        "Xã Thái Hòa", "Huyện Ba Vì", "Thành phố Hà Nội")
    new = unit(criteria, unit_code="09574", period="2025", unit_name=None, district=None, province=None,
               category="urban_ward_central_city")
    assert new.filled == ["unit_name", "province"]          # no district after the reform
    assert new.values["unit_name"] == "Phường Sơn Tây" and new.values["district"] is None


def test_names_written_otherwise_are_the_same_name(criteria):
    assert unit(criteria, unit_name="thái hoà", province="TP Hà Nội", district="Ba Vì").warnings == []


def test_category_sanity(criteria):
    ward = unit(criteria, unit_code="09577", unit_name="Phường Phú Thịnh", district="Thị xã Sơn Tây",
                category="other")
    assert [w.input for w in ward.warnings] == ["category"]
    assert "a ward of a centrally governed city" in ward.warnings[0].message.render("en")
    commune = unit(criteria, category="urban_ward_central_city")
    assert [w.input for w in commune.warnings] == ["category"]
    assert "không phải phường của thành phố trực thuộc trung ương" in commune.warnings[0].message.render("vi")
    # the mountain and disadvantaged lists are other decisions: never guessed
    assert unit(criteria, category="mountain_island_disadvantaged").warnings == []
    # strict does not make a category an error
    assert unit(criteria, strict=True, category="urban_ward_central_city").errors == []


def test_outputs_show_warnings_and_filled_only_when_there_are_some(tmp_path):
    path = write(tmp_path, unit_name="Xã Hòa Sơn", province=None)
    runner = CliRunner()
    result = runner.invoke(main, ["evaluate", str(path), "--format", "json", "--lang", "en"])
    [data] = json.loads(result.stdout)["units"]
    assert data["filled"] == ["province"] and data["province"] == "Thành phố Hà Nội"
    assert [w["input"] for w in data["warnings"]] == ["unit_name"]
    clean = json.loads(runner.invoke(main, ["evaluate", str(write(tmp_path, "clean.yaml")), "--format", "json"]).stdout)
    assert "warnings" not in clean["units"][0] and "filled" not in clean["units"][0]
    table = runner.invoke(main, ["evaluate", str(path)])
    # people read the input's label in their language, never the field name (issue 23 item 6)
    assert "! 09652 là Xã Thái Hòa" in table.stdout
    assert "~ Tỉnh, thành phố: «Thành phố Hà Nội», điền từ danh mục đơn vị hành chính" in table.stdout
    english = runner.invoke(main, ["evaluate", str(path), "--lang", "en", "--detail"]).stdout
    assert "~ Province or city: 'Thành phố Hà Nội', filled from the list of administrative units" in english
    assert "~ province" not in table.stdout + english
    machine = runner.invoke(main, ["evaluate", str(path), "--format", "csv", "--lang", "en"])
    assert "warning: " in machine.stderr and "09652 is Xã Thái Hòa" in machine.stderr
    row = next(csv.DictReader(io.StringIO(machine.stdout)))
    assert row["province"] == "Thành phố Hà Nội"
    out = tmp_path / "board"
    assert runner.invoke(main, ["evaluate", str(path), "--output", str(out)]).exit_code == 0
    from openpyxl import load_workbook
    sheet = load_workbook(out / "results.xlsx")["Lỗi dữ liệu"]
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[2], r[3]) for r in rows] == [("09652", "Tên xã, phường, thị trấn", "Xã Hòa Sơn"),
                                                  ("09652", "Tỉnh, thành phố", "Thành phố Hà Nội")]
    assert rows[0][4].startswith("cảnh báo: 09652 là Xã Thái Hòa")
    assert rows[1][4] == "Tỉnh, thành phố: «Thành phố Hà Nội», điền từ danh mục đơn vị hành chính"
    assert runner.invoke(main, ["evaluate", str(path), "--output", str(tmp_path / "en"), "--lang", "en"]).exit_code == 0
    [_, filled] = load_workbook(tmp_path / "en" / "results.xlsx")["Data errors"].iter_rows(min_row=2, values_only=True)
    assert filled[2:] == ("Province or city", "Thành phố Hà Nội",
                          "Province or city: 'Thành phố Hà Nội', filled from the list of administrative units")


def test_strict_units_on_the_command_line_in_both_languages(tmp_path):
    path = write(tmp_path, unit_code="09999")
    runner = CliRunner()
    for lang, words in (("vi", "mã đơn vị '09999' không có trong danh mục"),
                        ("en", "unit code '09999' is not in the list of units before 1 July 2025")):
        plain = runner.invoke(main, ["evaluate", str(path), "--lang", lang])
        assert plain.exit_code == 0 and words in plain.stdout
        strict = runner.invoke(main, ["evaluate", str(path), "--strict-units", "--lang", lang, "--format", "json"])
        assert strict.exit_code == 1
        [data] = json.loads(strict.stdout)["units"]
        assert data["status"] == "invalid" and words in data["errors"][0]
        assert data["error_details"][0]["input"] == "unit_code"
