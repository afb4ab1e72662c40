"""The .xlsx path: the template is generated from the criteria file, reads back to the same results as the
CSV of the same data, and messy real-world workbooks either read correctly or fail naming sheet, row and cell.

The data is evaluations/sample-area/units.csv (15 units, two of them invalid on purpose, one incomplete).
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from cli import main
from engine.criteria.model import load_criteria
from engine.api import evaluate_files
from engine.readers import read_records
from engine.readers.records import InputFileError
from engine.units.validate import validate_record
from engine.forms.layout import MANY_UNITS_SHEET, ONE_UNIT_SHEET
from engine.readers.xlsx import read_xlsx_records
from engine.forms.template import write_template

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CSV = ROOT / "evaluations" / "sample-area" / "units.csv"
SHIPPED = ROOT / "criteria" / "qd06-2019-01-03.yaml"


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with SAMPLE_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def csv_results(criteria):
    batch = evaluate_files(criteria, [SAMPLE_CSV])
    assert batch.file_errors == []
    return {u.unit_code: u for u in batch.units}


def typed(criteria, name: str, text: str):
    """A CSV cell as a person would type it into a spreadsheet: counts as numbers, the rest as text."""
    if text == "":
        return None
    if criteria.input_by_name[name].type == "count" and text.isdigit():
        return int(text)
    return text


def summary(unit) -> tuple:
    return (unit.unit_code, unit.unit_name, unit.category, unit.status, unit.total, unit.threshold,
            [(c.number, c.points, c.complete) for c in unit.criteria],
            [(i.id, i.state, i.points) for c in unit.criteria for i in c.indicators],
            unit.missing_inputs, len(unit.errors))


def assert_same_as_csv(batch, csv_results, codes=None):
    assert batch.file_errors == []
    got = {u.unit_code: summary(u) for u in batch.units}
    want = {code: summary(u) for code, u in csv_results.items() if codes is None or code in codes}
    assert len(batch.units) == len(want)
    assert got == want


def fill_many(path: Path, out: Path, criteria, rows, edit=None) -> Path:
    """Fill the template's many-units sheet, keyed by the input names of row 2 (as a script would)."""
    workbook = load_workbook(path)
    sheet = workbook[MANY_UNITS_SHEET]
    names = [sheet.cell(2, c).value for c in range(1, sheet.max_column + 1)]
    for r, row in enumerate(rows, start=3):
        for c, name in enumerate(names, start=1):
            sheet.cell(r, c, typed(criteria, name, row[name]))
    if edit:
        edit(sheet, names)
    workbook.save(out)
    return out


@pytest.fixture(scope="module")
def template(criteria, tmp_path_factory) -> Path:
    return write_template(criteria, tmp_path_factory.mktemp("template") / "form.xlsx")


@pytest.fixture(scope="module")
def filled(template, criteria, rows, tmp_path_factory) -> Path:
    return fill_many(template, tmp_path_factory.mktemp("filled") / "units.xlsx", criteria, rows)


def one_unit_rows(sheet) -> dict[str, int]:
    """Input name → row on the one-unit sheet (column C holds the names)."""
    return {sheet.cell(r, 3).value: r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 3).value}


# ---------------------------------------------------------------- the template

def _validations(sheet) -> list[tuple[str, str, str, str]]:
    return [(dv.type, dv.operator or "", dv.formula1, str(dv.sqref)) for dv in sheet.data_validations.dataValidation]


def _covering(sheet, cell: str) -> list[tuple]:
    """(type, operator, formula) of every validation that applies to `cell`."""
    return [(t, op, f) for t, op, f, ranges in _validations(sheet) if _in_ranges(cell, ranges)]


def _in_ranges(cell: str, ranges: str) -> bool:
    target = CellRange(f"{cell}:{cell}")
    return any(CellRange(r).issuperset(target) for r in ranges.split())


def test_template_sheets_follow_the_criteria_inputs(template, criteria):
    workbook = load_workbook(template)
    assert workbook.sheetnames[:2] == [ONE_UNIT_SHEET, MANY_UNITS_SHEET]
    inputs = criteria.inputs
    many = workbook[MANY_UNITS_SHEET]
    assert [many.cell(2, c).value for c in range(1, len(inputs) + 1)] == [d.name for d in inputs]
    assert [many.cell(1, c).value for c in range(1, len(inputs) + 1)] == [d.label.vi for d in inputs]
    assert many.cell(2, 1).font.sz == 8  # the names row is small print
    one = workbook[ONE_UNIT_SHEET]
    at = one_unit_rows(one)
    names = [d.name for d in inputs]
    assert [n for n in at if n in names] == names
    for decl in inputs:
        assert one.cell(at[decl.name], 1).value == decl.label.vi
    text = " ".join(str(one.cell(r, 1).value) for r in range(1, 12))
    assert "Cách điền" in text and "Ô để trống" in text and criteria.categories[0].label.vi in text

    by_name = {d.name: (i, d) for i, d in enumerate(inputs, start=1)}
    for name, expected in [("staff_assigned", ("list", "", '"có,không"')),
                           ("births", ("whole", "greaterThanOrEqual", "0")),
                           ("villages_total", ("whole", "greaterThanOrEqual", "1")),
                           # the Vietnamese labels, listed on a very hidden sheet (a label holds commas)
                           ("category", ("list", "", f"'_danh_muc'!$A$1:$A${len(criteria.categories)}"))]:
        column = get_column_letter(by_name[name][0])
        assert _covering(many, f"{column}3") == [expected], name
        assert _covering(many, f"{column}500") == [expected], name
        assert _covering(one, f"D{at[name]}") == [expected], name
    assert _covering(many, "A3") == [] and _covering(one, f"D{at['unit_code']}") == []  # text: free
    # Codes keep their leading zero: text columns are formatted as text.
    assert many.column_dimensions["A"].number_format == "@"
    assert one.cell(at["unit_code"], 4).number_format == "@"


def test_template_follows_an_edited_criteria_file(tmp_path):
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["inputs"].append({"name": "children_disabled", "type": "count", "min": 0,
                           "label": {"vi": "Số trẻ em khuyết tật", "en": "Children with disabilities"}})
    data["inputs"] = [d for d in data["inputs"] if d["name"] != "district"]  # and one removed
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    custom = load_criteria(edited)
    path = write_template(custom, tmp_path / "form.xlsx")
    workbook = load_workbook(path)
    many = workbook[MANY_UNITS_SHEET]
    names = [many.cell(2, c).value for c in range(1, many.max_column + 1)]
    assert names == [d.name for d in custom.inputs]
    assert names[-1] == "children_disabled" and "district" not in names
    assert many.cell(1, len(names)).value == "Số trẻ em khuyết tật"
    assert _covering(many, f"{get_column_letter(len(names))}3") == [("whole", "greaterThanOrEqual", "0")]
    one = workbook[ONE_UNIT_SHEET]
    at = one_unit_rows(one)
    assert "children_disabled" in at and "district" not in at

    # The new input reads back, by its label with the edited criteria and by its name with any criteria.
    many.cell(3, 1, "09577")
    many.cell(3, len(names), 4)
    workbook.save(path)
    [record] = read_xlsx_records(path, custom)
    assert record.data["children_disabled"] == 4 and record.data["unit_code"] == "09577"
    assert validate_record(custom, record).values["children_disabled"] == 4
    [record] = read_xlsx_records(path)  # default criteria do not know the input: kept by name, listed as ignored
    assert record.data["children_disabled"] == 4


def test_template_write_is_atomic_and_regenerates(tmp_path, criteria):
    path = tmp_path / "form.xlsx"
    path.write_bytes(b"old")
    write_template(criteria, path)
    assert zipfile.is_zipfile(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.xlsx"]  # no temporary file left behind


def test_cli_template_refuses_to_overwrite_without_force(tmp_path):
    runner = CliRunner()
    path = tmp_path / "phieu.xlsx"
    result = runner.invoke(main, ["template", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert load_workbook(path).sheetnames[:2] == [ONE_UNIT_SHEET, MANY_UNITS_SHEET]
    path.write_bytes(b"a filled form")
    result = runner.invoke(main, ["template", "--output", str(path)])
    assert result.exit_code == 2 and "--force" in result.output
    assert path.read_bytes() == b"a filled form"
    assert runner.invoke(main, ["template", "--output", str(path), "--force"]).exit_code == 0
    assert zipfile.is_zipfile(path)


# ---------------------------------------------------------------- round trips

def test_many_units_sheet_gives_the_csv_results(filled, criteria, csv_results):
    assert_same_as_csv(evaluate_files(criteria, [filled]), csv_results)


def test_one_unit_sheet_gives_the_csv_results(template, criteria, rows, csv_results, tmp_path):
    for code in ("09589", "09610", "09697"):  # not recognised, incomplete, invalid
        row = next(r for r in rows if r["unit_code"] == code)
        workbook = load_workbook(template)
        sheet = workbook[ONE_UNIT_SHEET]
        at = one_unit_rows(sheet)
        for name, text in row.items():
            sheet.cell(at[name], 4, typed(criteria, name, text))
        path = tmp_path / f"{code}.xlsx"
        workbook.save(path)
        batch = evaluate_files(criteria, [path])
        assert_same_as_csv(batch, csv_results, {code})
        if code == "09697":
            cell = f"D{at['births_registered']}"
            [error] = batch.units[0].errors
            assert error.en == (f"{path} sheet '{ONE_UNIT_SHEET}', unit 09697: births_registered (cell {cell}) "
                                f"= 64 is greater than births = 62")
            assert error.vi.startswith(f"{path} trang '{ONE_UNIT_SHEET}', đơn vị 09697: births_registered (ô {cell})")


def test_empty_template_is_an_error_naming_the_file(template, criteria):
    with pytest.raises(InputFileError, match="no units to evaluate"):
        read_records(template)
    batch = evaluate_files(criteria, [template])
    assert batch.units == [] and len(batch.file_errors) == 1 and str(template) in batch.file_errors[0]


def test_errors_name_file_sheet_row_cell_input_and_value(filled, criteria):
    units = {u.unit_code: u for u in evaluate_files(criteria, [filled]).units}
    many = load_workbook(filled)[MANY_UNITS_SHEET]
    column = get_column_letter([many.cell(2, c).value for c in range(1, many.max_column + 1)].index("age5_in_preschool") + 1)
    row = next(r for r in range(3, many.max_row + 1) if many.cell(r, 1).value == "09613")
    [error] = units["09613"].errors
    assert error.en.startswith(f"{filled} sheet '{MANY_UNITS_SHEET}' row {row}, unit 09613: "
                               f"age5_in_preschool (cell {column}{row}) = '98,5'")
    assert error.vi.startswith(f"{filled} trang '{MANY_UNITS_SHEET}' dòng {row}, đơn vị 09613: "
                               f"age5_in_preschool (ô {column}{row}) = '98,5'")


# ---------------------------------------------------------------- messy workbooks

def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_messy_hand_made_sheet_reads_like_the_csv(criteria, rows, csv_results, tmp_path):
    """Merged title rows, Vietnamese labels (decomposed, odd case, trailing spaces) as headers, blank rows,
    numbers stored as text or as floats, decomposed có/không and names, a notes column without header."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo 2024"
    sheet["A1"] = "BÁO CÁO SỐ LIỆU XÃ, PHƯỜNG PHÙ HỢP VỚI TRẺ EM"
    sheet.merge_cells("A1:H1")
    sheet["A2"] = "Thị xã Đoài Sơn — kỳ 2024"
    sheet.merge_cells("A2:H2")
    names = [d.name for d in criteria.inputs]
    for c, decl in enumerate(criteria.inputs, start=1):
        # Half the headers are labels, decomposed, with trailing spaces and changed case; half are names.
        header = nfd(decl.label.vi).upper() + "  " if c % 2 else f" {decl.name} "
        sheet.cell(4, c, header)
    number = 5
    placed = {}
    for i, row in enumerate(rows):
        if i % 4 == 3:
            number += 2  # blank rows between blocks of units
        for c, name in enumerate(names, start=1):
            value = typed(criteria, name, row[name])
            if isinstance(value, int):
                value = (f" {value} " if c % 3 == 0 else float(value) if c % 3 == 1 else value)
            elif isinstance(value, str):
                value = nfd(value) + (" " if c % 2 else "")
            sheet.cell(number, c, value)
        sheet.cell(number, len(names) + 2, "ghi chú")  # beside the table, no header
        placed[row["unit_code"]] = number
        number += 1
    path = tmp_path / "messy.xlsx"
    workbook.save(path)

    records = read_records(path)
    assert [r.number for r in records] == [placed[r["unit_code"]] for r in rows]
    assert all(r.sheet == "Báo cáo 2024" and r.kind == "row" for r in records)
    batch = evaluate_files(criteria, [path])
    assert_same_as_csv(batch, csv_results)
    bad = next(u for u in batch.units if u.unit_code == "09697")
    assert bad.errors[0].en.startswith(f"{path} sheet 'Báo cáo 2024' row {placed['09697']}, unit 09697")


def test_floats_validate_as_counts_and_fractions_do_not(template, criteria, rows, tmp_path):
    def edit(sheet, names):
        sheet.cell(3, names.index("births") + 1, 64.0)
        sheet.cell(3, names.index("staff_assigned") + 1, 1.0)  # yes/no typed as 1
        sheet.cell(3, names.index("period") + 1, 2024.0)       # a text input typed as a number
        sheet.cell(4, names.index("births") + 1, 48.5)
    path = fill_many(template, tmp_path / "floats.xlsx", criteria, rows[:2], edit)
    first, second = evaluate_files(criteria, [path]).units
    assert first.errors == [] and first.status == "recognized"
    assert (first.period, first.total) == ("2024", 955)
    [error] = second.errors
    column = get_column_letter(criteria.inputs.index(criteria.input_by_name["births"]) + 1)
    assert f"births (cell {column}4) = 48.5" in error.en


def test_formula_without_saved_value_names_sheet_and_cell(template, criteria, rows, csv_results, tmp_path):
    column = get_column_letter([d.name for d in criteria.inputs].index("births") + 1)

    def edit(sheet, names):
        sheet[f"{column}7"] = "=60+2"  # openpyxl saves formulas without a computed value
    path = fill_many(template, tmp_path / "formulas.xlsx", criteria, rows, edit)
    units = {u.unit_code: u for u in evaluate_files(criteria, [path]).units}
    unit = units[rows[4]["unit_code"]]  # row 7 holds the fifth unit
    assert unit.status == "invalid"
    [error] = unit.errors
    assert f"sheet '{MANY_UNITS_SHEET}' cell {column}7" in error.en
    assert f"trang '{MANY_UNITS_SHEET}' ô {column}7" in error.vi
    assert error.en.startswith(f"{path} sheet '{MANY_UNITS_SHEET}' row 7, unit {unit.unit_code}: births:")
    others = {code: u for code, u in units.items() if code != unit.unit_code}
    assert {c: summary(u) for c, u in others.items()} == {c: summary(csv_results[c]) for c in others}


def test_duplicate_columns_and_unreadable_files_name_the_problem(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    for c, header in enumerate(["unit_code", "births", "Số trẻ em sinh ra trong kỳ"], start=1):
        sheet.cell(1, c, header)
    workbook.save(tmp_path / "dup.xlsx")
    with pytest.raises(InputFileError, match=r"dup\.xlsx sheet 'Data': columns B and C both hold births"):
        read_records(tmp_path / "dup.xlsx")

    other = Workbook()
    other.active["A1"] = "Danh sách cán bộ"
    other.active["A2"] = "Nguyễn Văn A"
    other.save(tmp_path / "other.xlsx")
    with pytest.raises(InputFileError, match=r"other\.xlsx: no sheet has a header row of input names"):
        read_records(tmp_path / "other.xlsx")

    (tmp_path / "fake.xlsx").write_bytes(b"unit_code,births\n1,2\n")
    with pytest.raises(InputFileError, match=r"fake\.xlsx: not a readable \.xlsx workbook"):
        read_records(tmp_path / "fake.xlsx")


# ---------------------------------------------------------------- files written by other programs

def handmade_xlsx(path: Path, sheet_name: str, grid: list[list], shared: bool) -> Path:
    """A workbook written without openpyxl: no styles, no dimension, strings inline or shared, formulas with
    their saved values (as Excel writes them). A cell given as ("=F", value) is a formula."""
    strings: list[str] = []

    def cell(ref: str, value) -> str:
        if value is None:
            return ""
        if isinstance(value, tuple):
            formula, cached = value
            return f'<c r="{ref}"><f>{escape(formula[1:])}</f><v>{cached}</v></c>'
        if isinstance(value, (int, float)):
            return f'<c r="{ref}"><v>{value}</v></c>'
        if shared:
            strings.append(value)
            return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'

    body = "".join(
        f'<row r="{r}">' + "".join(cell(f"{get_column_letter(c)}{r}", v) for c, v in enumerate(row, start=1)) + "</row>"
        for r, row in enumerate(grid, start=1) if any(v is not None for v in row))
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' if shared else "")
            + "</Types>"),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main_ns}" xmlns:r="{rel_ns}">'
            f'<sheets><sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' if shared else "")
            + "</Relationships>"),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main_ns}"><sheetData>{body}</sheetData></worksheet>'),
    }
    if shared:
        items = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
        parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main_ns}" '
                                         f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize("shared", [True, False], ids=["sharedStrings", "inlineStr"])
def test_workbook_written_by_another_program_reads(criteria, rows, csv_results, tmp_path, shared):
    names = [d.name for d in criteria.inputs]
    births = names.index("births")
    grid = [["Số liệu tự đánh giá"], [], names]
    for row in rows:
        values = [typed(criteria, n, row[n]) for n in names]
        for c, name in enumerate(names):
            # Numbers saved as floats ("12.0"): counts, yes/no as 1/0, and a period typed as a number.
            if isinstance(values[c], int) and c % 2:
                values[c] = float(values[c])
            elif criteria.input_by_name[name].type == "yes_no" and values[c] in ("có", "không"):
                values[c] = 1.0 if values[c] == "có" else 0.0
        values[names.index("period")] = float(values[names.index("period")])
        if isinstance(values[births], (int, float)):  # a formula, saved with its value as Excel does
            values[births] = (f"={int(values[births]) - 1}+1", float(values[births]))
        grid.append(values)
    path = handmade_xlsx(tmp_path / "excel.xlsx", "Sheet1", grid, shared)
    batch = evaluate_files(criteria, [path])
    assert_same_as_csv(batch, csv_results)
    assert read_records(path)[0].where("en") == f"{path} sheet 'Sheet1' row 4"


# The sample area filled into the template by openpyxl, with a formula (=58+4) in births of the first unit,
# then opened and saved by LibreOffice Calc 7.4 (soffice --headless --convert-to xlsx), which computes and
# saves formula values, rewrites the styles and shares the strings. Committed, so that this runs everywhere.
SAVED_BY_LIBREOFFICE = ROOT / "tests" / "fixtures" / "sample-area-saved-by-libreoffice.xlsx"


def test_workbook_saved_by_libreoffice_reads(criteria, csv_results):
    with zipfile.ZipFile(SAVED_BY_LIBREOFFICE) as archive:
        assert b"LibreOffice" in archive.read("docProps/app.xml")
        assert "xl/sharedStrings.xml" in archive.namelist()
        assert any(b"<f" in archive.read(name) for name in archive.namelist()
                   if name.startswith("xl/worksheets/"))  # the formula is still a formula
    assert_same_as_csv(evaluate_files(criteria, [SAVED_BY_LIBREOFFICE]), csv_results)


# ---------------------------------------------------------------- start-up cost

def test_cold_start_imports_no_spreadsheet_libraries():
    code = ("import sys, cli, engine.readers, engine.units.validate, engine.rules.evaluate; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'pandas', 'matplotlib'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"



def both_sheets(template, criteria, rows, path: Path) -> Path:
    """09577 and 09586 on the many-units sheet, and 09586 again on the one-unit sheet."""
    fill_many(template, path, criteria, rows[:2])
    workbook = load_workbook(path)
    one = workbook[ONE_UNIT_SHEET]
    at = one_unit_rows(one)
    for name, text in rows[1].items():
        one.cell(at[name], 4, typed(criteria, name, text))
    workbook.save(path)
    return path


def test_same_unit_on_both_sheets_is_a_duplicate_naming_each_sheet(template, criteria, rows, tmp_path):
    path = both_sheets(template, criteria, rows, tmp_path / "both.xlsx")
    units = evaluate_files(criteria, [path]).units
    assert [(u.unit_code, u.status) for u in units] == [("09586", "invalid"), ("09577", "recognized"),
                                                        ("09586", "invalid")]
    assert [e.en.split(": ", 1)[1] for e in units[0].errors] == [
        f"unit code '09586' duplicates {path} sheet '{MANY_UNITS_SHEET}' row 4"]
    assert [e.en.split(": ", 1)[1] for e in units[2].errors] == [
        f"unit code '09586' duplicates {path} sheet '{ONE_UNIT_SHEET}'"]


def test_cli_names_each_sheet_of_a_duplicate(template, criteria, rows, tmp_path):
    path = both_sheets(template, criteria, rows, tmp_path / "both.xlsx")
    result = CliRunner().invoke(main, ["evaluate", str(path), "--format", "json", "--lang", "en"])
    assert result.exit_code == 1
    units = json.loads(result.stdout)["units"]
    assert [e.split(": ", 1)[1] for e in units[0]["errors"]] == [
        f"unit code '09586' duplicates {path} sheet '{MANY_UNITS_SHEET}' row 4"]
    assert [e.split(": ", 1)[1] for e in units[2]["errors"]] == [
        f"unit code '09586' duplicates {path} sheet '{ONE_UNIT_SHEET}'"]


def test_headers_use_the_labels_of_the_criteria_file_given(criteria, rows, tmp_path):
    # A board's criteria file declares one more input; its workbook uses that input's Vietnamese label.
    data = yaml.safe_load((ROOT / "criteria" / "qd06-2019-01-03.yaml").read_text(encoding="utf-8"))
    data["inputs"].append({"name": "trainings_held", "type": "count",
                           "label": {"vi": "Số buổi tập huấn cho cán bộ", "en": "Trainings held"}})
    custom = tmp_path / "criteria.yaml"
    custom.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    workbook = Workbook()
    sheet = workbook.active
    names = [d.name for d in criteria.inputs]
    sheet.append(names + ["Số buổi tập huấn cho cán bộ"])
    sheet.append([typed(criteria, n, rows[0][n]) for n in names] + [3])
    path = tmp_path / "units.xlsx"
    workbook.save(path)
    ignored = lambda *args: json.loads(  # noqa: E731
        CliRunner().invoke(main, ["evaluate", str(path), "--format", "json", *args]).stdout)["units"][0]["ignored_inputs"]
    assert ignored("--criteria", str(custom)) == []
    assert ignored() == ["Số buổi tập huấn cho cán bộ"]  # unknown to the shipped criteria: listed, not lost
