"""The forms know the list: a province's several-units sheet pre-filled, the page's lookup, the benchmark data on
real codes (the district label after the reform: test_period_labels.py)."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from cli import main
from engine.criteria.model import load_criteria
from engine.forms.layout import FIRST_DATA_ROW, MANY_UNITS_SHEET, NAME_ROW
from engine.registry import admin_map, map_for

ROOT = Path(__file__).resolve().parents[2]


def many_rows(path: Path) -> list[dict]:
    sheet = load_workbook(path)[MANY_UNITS_SHEET]
    names = [cell.value for cell in sheet[NAME_ROW]]
    rows = []
    for values in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True):
        if any(v is not None for v in values):
            rows.append(dict(zip(names, values)))
    return rows


def test_a_provinces_template_holds_exactly_its_units(tmp_path):
    current = map_for()
    province = current.find_province("Hà Nội")
    expected = [unit for unit in current.units.values() if unit.province_code == province]
    out = tmp_path / "ha-noi.xlsx"
    done = CliRunner().invoke(main, ["template", "-o", str(out), "--province", "Hà Nội"])
    assert done.exit_code == 0, done.output
    rows = many_rows(out)
    assert [(r["unit_code"], r["unit_name"], r["province"]) for r in rows] == \
        [(u.code, u.name, u.province) for u in expected]
    # a ward of a centrally governed city can only be an urban ward; a xã is left for the board
    ward = next(c.label.vi for c in load_criteria().categories if c.id == "urban_ward_central_city")
    for row, unit in zip(rows, expected):  # as the dropdown offers it: the Vietnamese label, never the id
        assert row["category"] == (ward if unit.is_ward else None)
    evaluated = CliRunner().invoke(main, ["evaluate", str(out), "--format", "csv", "--lang", "en"])
    assert evaluated.exit_code == 0 and "warning" not in evaluated.stderr  # every code and name is the list's


def test_a_province_the_map_does_not_know_lists_those_it_does(tmp_path):
    for lang, words in (("vi", "không có tỉnh, thành phố 'Hà Giang'"), ("en", "no province 'Hà Giang'")):
        done = CliRunner().invoke(main, ["template", "-o", str(tmp_path / "x.xlsx"), "--province", "Hà Giang",
                                         "--lang", lang])
        assert done.exit_code == 2 and words in done.output and "Tỉnh Tuyên Quang" in done.output
        assert not (tmp_path / "x.xlsx").exists()


def test_the_benchmark_generator_uses_real_units_of_either_map(tmp_path):
    sys.path.insert(0, str(ROOT))
    from bench.generate import write

    for map_id, period, size in (("old", "2024", len(admin_map("old").units)), ("2025", "2025", 3321)):
        out = tmp_path / f"{map_id}.csv"
        write(out, 40, 1, map_id)
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert len(rows) == 40 and {r["period"] for r in rows} == {period}
        for row in rows:
            unit = admin_map(map_id).get(row["unit_code"])
            assert (unit.name, unit.province) == (row["unit_name"], row["province"])
            if unit.is_ward and unit.central_city and row["category"]:  # blank: an incomplete unit on purpose
                assert row["category"] == "urban_ward_central_city"
        assert size > 40


def test_a_commune_account_is_for_a_unit_of_the_list(tmp_path):
    db = str(tmp_path / "accounts.sqlite3")
    runner = CliRunner()
    for lang, words in (("vi", "không có trong danh mục"), ("en", "is in neither")):
        refused = runner.invoke(main, ["users", "add", f"xa.{lang}", "--role", "commune", "--unit", "99999",
                                       "--db", db, "--lang", lang], input="mật khẩu xã\n")
        assert refused.exit_code == 2 and words in refused.output
    added = runner.invoke(main, ["users", "add", "xa.thaihoa", "--role", "commune", "--unit", "09652", "--unit-name",
                                 "Xã Hòa Sơn", "--db", db, "--lang", "en"], input="mật khẩu xã\n")
    assert added.exit_code == 0, added.output
    assert "warning: 09652 is Xã Thái Hòa" in added.stderr and "not 'Xã Hòa Sơn'" in added.stderr
    listed = runner.invoke(main, ["users", "list", "--db", db])
    assert "xa.thaihoa" in listed.output and "xa.vi" not in listed.output
