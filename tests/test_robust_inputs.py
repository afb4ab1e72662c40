"""Issue 10, inputs: nothing is read differently from what the file says, one bad value or file never costs the
others, and every row is evaluated or named. Each test reads a real file from tests/fixtures/robust (how the
workbooks were made: make_workbooks.py there)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine import batch
from engine.readers import read_records
from engine.readers.records import InputFileError, reading
from engine.criteria.model import load_criteria
from engine.api import evaluate_files

FIXTURES = Path(__file__).parent / "fixtures" / "robust"
CRITERIA = load_criteria()


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def evaluated(name: str, **options):
    with reading(**options) as read:
        result = evaluate_files(CRITERIA, [fixture(name)])
    return result, [w.render("en") for w in read.warnings.values()]


def by_code(result):
    return {u.unit_code: u for u in result.units}


# ---------------------------------------------------------------- one bad value: a data error on that unit only

BAD_VALUES = {
    "00501": ("births", "too large (more than 12 digits)"),
    "00502": ("births = 'NaN'", "not a number"),
    "00503": ("births = 'inf'", "not a number"),
    "00504": ("children_total = '1e300'", "not a whole number"),
    "00505": ("children_abused = '-2'", "cannot be negative"),
    "00506": ("births_registered = 47", "is greater than births = 46"),
    "00507": ("births = '١٢'", "digits other than 0-9"),
    "00508": ("births = '１２'", "digits other than 0-9"),
    "00509": ("births = '2024-01-05'", "a date where a count belongs"),
    "00510": ("births = 'true'", "not a whole number"),
    "00511": ("villages_total = '0'", "must be at least 1"),
}


def test_one_bad_value_is_an_error_on_its_unit_naming_file_row_input_and_value():
    result, _ = evaluated("one-bad-value-per-unit.csv")
    units = by_code(result)
    assert len(units) == len(BAD_VALUES) + 1 and result.file_errors == []
    for row, (code, (names, why)) in enumerate(BAD_VALUES.items(), start=2):
        [error] = units[code].errors
        assert units[code].status == "invalid"
        assert error.en.startswith(f"{fixture('one-bad-value-per-unit.csv')} row {row}, unit {code}: {names}")
        assert why in error.en
    assert units["00599"].status == "not_recognized" and units["00599"].errors == []
    assert "… (5,000 characters)" in units["00501"].errors[0].en  # the value is named, not printed whole


def test_a_cell_longer_than_the_csv_field_limit_is_an_error_on_its_unit(tmp_path):
    lines = (FIXTURES / "good.csv").read_text(encoding="utf-8").splitlines()
    huge = lines[1].replace("Xã Tốt", "Xã " + "A" * 200_000)
    path = tmp_path / "long-cell.csv"
    path.write_text("\n".join([lines[0], huge.replace("00801", "00802"), lines[1]]) + "\n", encoding="utf-8")
    units = by_code(evaluate_files(CRITERIA, [path]))
    assert units["00801"].status == "not_recognized"
    assert units["00802"].status == "invalid"
    assert "unit_name: the value is 200003 characters long, over the limit of 10000" in units["00802"].errors[0].en


def test_dates_and_booleans_in_count_cells_of_a_workbook():
    units = by_code(evaluated("dates-and-booleans.xlsx")[0])
    assert "births (cell L2) = '2024-01-05': a date where a count belongs" in units["05001"].errors[0].en
    assert "births_registered (cell M3) = True: not a whole number" in units["05002"].errors[0].en
    assert units["05003"].status == "not_recognized"


def test_nul_is_an_error_and_escapes_are_read_as_written():
    units = by_code(evaluated("control-characters.csv")[0])
    assert units["00601"].unit_name == "Xã \x1b[2J\x1b[31mĐỏ\x1b[0m"  # data is never altered...
    assert "births: the value holds a NUL character" in units["00602"].errors[0].en


def test_terminal_never_receives_control_characters():
    result = CliRunner().invoke(main, ["evaluate", fixture("control-characters.csv"), "--lang", "en"])
    assert "\x1b" not in result.stdout and "\x00" not in result.stdout
    assert "Xã \\x1b[2J\\x1b[31mĐỏ\\x1b[0m" in result.stdout  # ...only shown safely


# ---------------------------------------------------------------- CSV read as written

def test_semicolon_csv_with_bom_and_vietnamese_labels_in_any_case():
    units = by_code(evaluated("excel-vi-semicolon-bom.csv")[0])
    assert list(units) == ["00101", "00102"]
    first, second = units["00101"], units["00102"]
    assert first.errors == [] and second.errors == []
    assert first.category == "other" and second.category == "mountain_island_disadvantaged"  # by label
    assert first.threshold == 850 and second.threshold == 800


def test_yes_no_spellings_and_categories_by_label():
    units = read_records(fixture("excel-vi-semicolon-bom.csv"))
    from engine.units.validate import validate_record
    first, second = (validate_record(CRITERIA, r).values for r in units)
    assert (first["staff_assigned"], first["has_funding"], first["play_place"]) == (True, True, False)  # x, Có, khong
    assert (second["staff_assigned"], second["has_funding"], second["play_place"]) == (True, True, False)  # co, 1, không


def test_stray_quote_does_not_swallow_the_rows_after_it():
    result, _ = evaluated("stray-quote.csv")
    units = by_code(result)
    assert list(units) == ["00201", "00202", "00203", "00204"]
    assert units["00202"].status == "invalid"
    assert "line 3 has a quote that does not close" in units["00202"].errors[0].en
    assert all(units[c].status == "not_recognized" for c in ("00201", "00203", "00204"))


def test_duplicated_column_is_an_error_naming_it():
    with pytest.raises(InputFileError, match=r"columns L \('births'\) and AP \('Births'\) both hold births"):
        read_records(fixture("duplicate-column.csv"))


def test_unknown_column_is_warned_with_the_closest_name():
    _, warnings = evaluated("misspelt-column.csv")
    assert warnings == [f"{fixture('misspelt-column.csv')} column AP: column 'birth' is not an input of the criteria "
                        f"file: ignored (did you mean births?)"]


@pytest.mark.parametrize("name, why", [
    ("header-only.csv", "no units to evaluate: no rows under the header"),
    ("not-a-table.csv", "no header row of input names or labels"),
    ("windows-1258.csv", "line 2 is not UTF-8 text"),
])
def test_files_without_units_say_which_file_and_why(name, why):
    with pytest.raises(InputFileError, match=why) as error:
        read_records(fixture(name))
    assert str(error.value).startswith(fixture(name))


# ---------------------------------------------------------------- YAML and JSON

def test_yaml_codes_keep_leading_zeros_and_numbers_are_never_octal_or_sexagesimal():
    units = by_code(evaluated("leading-zeros.yaml")[0])
    assert list(units) == ["01234", "00902"]
    assert units["01234"].errors == []
    # "1:30" is read as the text it is (never 90), and as a period it cannot be dated: the one data error
    assert [(d.input, d.value) for d in units["00902"].error_details] == [("period", "1:30")]
    records = read_records(fixture("leading-zeros.yaml"))
    assert records[1].data["period"] == "1:30"  # never 90
    from engine.units.validate import validate_record
    values = [validate_record(CRITERIA, r).values for r in records]
    assert values[0]["births"] == 56 and values[0]["births_registered"] == 45  # 056 is 56, never 46


def test_repeated_key_is_an_error_naming_it():
    [unit] = evaluated("repeated-key.yaml")[0].units
    assert unit.status == "invalid"
    assert "births is written twice in the same unit (line 42)" in unit.errors[0].en


def test_json_numbers_as_written():
    units = by_code(evaluated("numbers.json")[0])
    assert units["1234"].errors == []  # a number code is its text as written
    assert "births = 'NaN': not a number" in units["01002"].errors[0].en
    assert "births = '1e999': not a whole number" in units["01003"].errors[0].en
    assert "too large" in units["01004"].errors[0].en


@pytest.mark.parametrize("name, why", [
    ("billion-laughs.yaml", "more than 2,000,000 values once aliases are expanded"),
    ("deep.json", "nested more than 32 levels deep"),
])
def test_hostile_documents_are_refused_quickly(name, why):
    with pytest.raises(InputFileError, match=why):
        read_records(fixture(name))


def test_yaml_nested_past_the_limit_is_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    with pytest.raises(InputFileError, match="nested more than 32 levels deep"):
        read_records(path)


# ---------------------------------------------------------------- spreadsheets

def test_totals_notes_and_spacer_rows_are_skipped_with_a_warning_and_counted_nowhere():
    result, warnings = evaluated("totals-rows.xlsx")
    assert [u.unit_code for u in result.units] == ["01001", "01002", "01003"]
    assert all(u.status == "not_recognized" for u in result.units)
    place = f"{fixture('totals-rows.xlsx')} sheet 'Huyện Đoài Sơn'"
    assert f"{place} row 5: blank row: skipped" in warnings
    for row in (7, 8, 9):
        assert f"{place} row {row}: totals row (no unit code): skipped, not counted as a unit" in warnings
    assert f"{place} row 10: notes row: skipped" in warnings


def test_hidden_sheets_are_read_only_when_asked():
    result, warnings = evaluated("hidden-sheet.xlsx")
    assert [u.unit_code for u in result.units] == ["02001"]
    assert warnings == [f"{fixture('hidden-sheet.xlsx')} sheet 'Bản cũ': hidden sheet: not read (use "
                        f"--hidden-sheets to read hidden sheets too)"]
    result, _ = evaluated("hidden-sheet.xlsx", hidden_sheets=True)
    assert [u.unit_code for u in result.units] == ["02001", "02002"]


@pytest.mark.parametrize("name, why", [
    ("far-cell.xlsx", "holds cells up to XFD1048576, beyond what cfc reads"),
    ("zip-bomb.xlsx", "workbook too large to read: xl/media/padding.bin is compressed"),
    ("corrupt.xlsx", "not a readable .xlsx workbook"),
    ("unsupported-zip-version.xlsx", r"not a readable .xlsx workbook \(zip file version"),  # found by the fuzz suite
    ("encrypted-part.xlsx", r"not a readable .xlsx workbook \(File .* is encrypted"),  # likewise
    ("password-protected.xlsx", "a password-protected workbook or an old .xls file"),
])
def test_workbooks_too_large_or_damaged_are_refused_before_loading(name, why):
    with pytest.raises(InputFileError, match=why):
        read_records(fixture(name))


# ---------------------------------------------------------------- one unreadable file among many

UNREADABLE = ["corrupt.xlsx", "windows-1258.csv", "not-a-table.csv", "billion-laughs.yaml", "header-only.csv"]


def test_batch_evaluates_every_readable_file_and_names_the_others():
    files = [fixture("good.csv")] + [fixture(n) for n in UNREADABLE] + [fixture("leading-zeros.yaml")]
    planned = batch.plan(files, CRITERIA)
    assert planned.count == 3 and len(planned.file_errors) == len(UNREADABLE)
    assert [e.split(":")[0] for e in planned.file_errors] == [fixture(n) for n in UNREADABLE]
    out = io.StringIO()
    summary = batch.run(planned, CRITERIA, "json", "en", out)
    assert [u["unit_code"] for u in json.loads(out.getvalue())["units"]] == ["00801", "01234", "00902"]
    assert summary.total == 3


def test_cli_evaluate_names_each_unreadable_file_prints_warnings_and_exits_2():
    files = [fixture("good.csv"), fixture("totals-rows.xlsx")] + [fixture(n) for n in UNREADABLE]
    result = CliRunner().invoke(main, ["evaluate", *files, "--format", "json", "--lang", "en"])
    assert result.exit_code == 2
    assert [u["unit_code"] for u in json.loads(result.stdout)["units"]] == ["00801", "01001", "01002", "01003"]
    for name in UNREADABLE:
        assert f"Error: {fixture(name)}: " in result.stderr
    assert "Warning: " + fixture("totals-rows.xlsx") + " sheet 'Huyện Đoài Sơn' row 7: totals row" in result.stderr


def test_a_quoted_cell_with_a_line_break_is_one_unit_and_said(tmp_path):
    header, good = (FIXTURES / "good.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "multiline.csv"
    path.write_text("\n".join([header, good.replace("Xã Tốt", '"Xã Tốt\n(thôn 1)"'), good.replace("00801", "00802")])
                    + "\n", encoding="utf-8")
    with reading() as read:
        records = read_records(path)
    assert [(r.number, r.data["unit_code"]) for r in records] == [(2, "00801"), (4, "00802")]
    assert records[0].data["unit_name"] == "Xã Tốt\n(thôn 1)"
    assert [w.render("en") for w in read.warnings.values()] == [
        f"{path} lines 2–3: are one row: a quoted cell holds line breaks"]


def test_cli_hidden_sheets_option_reads_them():
    result = CliRunner().invoke(main, ["evaluate", fixture("hidden-sheet.xlsx"), "--hidden-sheets", "--format", "json"])
    assert [u["unit_code"] for u in json.loads(result.stdout)["units"]] == ["02001", "02002"]
    assert "trang ẩn" not in result.stderr


def test_stderr_never_receives_control_characters(tmp_path):
    path = tmp_path / "x\x1b[2Jy.csv"
    path.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", str(path)])
    assert result.exit_code == 2 and "\x1b" not in result.stderr and "x\\x1b[2Jy.csv" in result.stderr


def test_gigantic_shared_strings_are_refused_before_loading(monkeypatch):
    from engine import limits

    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 100)  # the fixture's shared strings are a few kB
    with pytest.raises(InputFileError, match=r"too large to read: xl/sharedStrings.xml unpacks to"):
        read_records(FIXTURES.parent / "sample-area-saved-by-libreoffice.xlsx")


def test_nul_in_yaml_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "unit.yaml"
    path.write_text("unit_code: '00901'\nunit_name: Xã\x00 Nul\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="line 2: not valid YAML: character U\\+0000 is not allowed"):
        read_records(path)


def test_csv_header_with_more_unknown_columns_than_inputs(tmp_path):
    path = tmp_path / "export.csv"
    extra = ",".join(f"cột {i}" for i in range(8))
    path.write_text(f"unit_code,unit_name,category,{extra}\n00901,Xã A,other,{','.join('x' * 8)}\n", encoding="utf-8")
    with reading() as read:
        [record] = read_records(path)
    assert record.data["unit_code"] == "00901"
    assert len(read.warnings) == 8  # every unknown column said once


def test_a_quote_left_open_at_the_end_of_the_file_is_named(tmp_path):
    # found by the fuzz suite: the last line, a lone quote, was read as a blank row and dropped unseen
    header, good = (FIXTURES / "good.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "open-quote.csv"
    path.write_text(f'{header}\n{good}\n"\n', encoding="utf-8")
    records = read_records(path)
    assert [r.number for r in records] == [2, 3]
    assert [p.message.key for p in records[1].problems] == ["unbalanced_quote"]
