"""The streamed workbooks (results.xlsx, summary.xlsx) read back with openpyxl: every cell's value and type,
the header's look, the frozen header, filters, widths and the print layout, formula-like text kept as text.

The writer replaced openpyxl's write-only mode; openpyxl is what reads the workbooks back here, so what
openpyxl (and a spreadsheet program) sees is what these tests pin down."""
from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cli import main
from engine.aggregate import SHEETS, aggregate, load_results, summarise
from engine.aggregate.workbook import DECIMAL_WORDS, _value as shown_in_width
from engine.criteria.model import load_criteria
from engine.results import sheets as look
from engine.results.cells import csv_unsafe, is_formula_like
from engine.results.render import (CRITERIA_COLUMNS, CRITERION_WIDTH, Column, ERROR_COLUMNS, GAP_COLUMNS, UNIT_AFTER,
                                  UNIT_BEFORE)
from engine.results.xlsx_writer import MAX_CELL_CHARS, _lines, column_letter, storable

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "evaluations" / "sample-area" / "units.csv"
FOURTEEN = ROOT / "tests" / "fixtures" / "criteria" / "with-14th-criterion.yaml"
HOSTILE_NAMES = ['=HYPERLINK("http://example.com/x","Bấm vào đây")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1:A2)",
                 "A & B <c> \"q\" 'x'", " lead and trail ", "esc\x1bape\x07", "\ttab first", "#N/A", "Đ" * 300]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """The sample area with hostile unit names (one per row), and with the 14th criterion's input."""
    rows = list(csv.reader(SAMPLE.open(encoding="utf-8")))
    header, rows = rows[0], rows[1:]
    folder = tmp_path_factory.mktemp("inputs")
    hostile = [list(row) for row in rows]
    for row, name in zip(hostile, HOSTILE_NAMES):
        row[header.index("unit_name")] = name
    hostile[0][header.index("births")] = "=1+1"  # a data error whose value is formula-like
    fourteen = [row + (["có"] if i == 0 else ["không"]) for i, row in enumerate(rows)]
    written = {}
    for name, head, body in (("hostile", header, hostile), ("fourteen", header + ["child_council"], fourteen)):
        path = written[name] = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([head, *body])
    return written


# ---------------------------------------------------------------- what every finished sheet has

def assert_finished(sheet, widths: list[float]) -> None:
    columns = len(widths)
    last = column_letter(columns)
    assert sheet.max_column == columns, sheet.title
    for column in range(1, columns + 1):
        cell = sheet.cell(1, column)
        assert cell.font.b and cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith("DDEBF7")
        assert cell.alignment.wrap_text and cell.alignment.vertical == "top" and cell.data_type == "s"
        assert sheet.column_dimensions[column_letter(column)].width == pytest.approx(widths[column - 1])
    for row in sheet.iter_rows(min_row=2):
        assert not any(cell.font.b or cell.fill.fill_type for cell in row), (sheet.title, row[0].row)
        # the quote prefix is on formula-like text and only there
        assert all(bool(cell.quotePrefix) == is_formula_like(cell.value) for cell in row), (sheet.title, row[0].row)
    # a header wider than its column wraps, and its row is made tall enough for the lines (no overlap in print)
    if any(len(str(sheet.cell(1, c).value)) > widths[c - 1] for c in range(1, columns + 1)):
        assert sheet.row_dimensions[1].height >= 2 * 15, sheet.title
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{last}{max(sheet.max_row, 1)}"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_options.gridLines


NUMBER_COLUMNS = {"total", "threshold", "shortfall", "gaps"}


def people_value(text: str, key: str):
    """A cell of the people's CSV as the workbook holds it: blank → None, counts and points as numbers."""
    if text == "":
        return None
    if key in NUMBER_COLUMNS or key.startswith("criterion_"):
        return int(text)
    return storable(csv_unsafe(text))  # the workbook's documented escaping (the CSV keeps controls raw)


@pytest.mark.parametrize("case", ["hostile", "fourteen"])
def test_results_workbook_cells_types_and_layout(inputs, tmp_path, case):
    args = ["--criteria", FOURTEEN] if case == "fourteen" else []
    out = tmp_path / "ket-qua"
    assert run("evaluate", inputs[case], *args, "--output", out).exit_code == 1
    workbook = load_workbook(out / "results.xlsx")
    assert workbook.sheetnames == ["Kết quả", "Cần cải thiện", "Lỗi dữ liệu", "Bộ tiêu chí"]
    criteria = load_criteria(FOURTEEN if case == "fourteen" else None)
    units = workbook["Kết quả"]
    unit_columns = (UNIT_BEFORE + [Column(f"criterion_{c.number}", "", "", CRITERION_WIDTH) for c in criteria.criteria]
                    + UNIT_AFTER)
    unit_widths = [c.width for c in unit_columns]
    for sheet, widths in zip(workbook.worksheets, (unit_widths, [c.width for c in GAP_COLUMNS],
                                                   [c.width for c in ERROR_COLUMNS],
                                                   [c.width for c in CRITERIA_COLUMNS])):
        assert_finished(sheet, widths)
    # Every cell of the results sheet is the people's CSV's cell (same rows), with its type: whole numbers
    # as numbers, text as text, blanks empty.
    people = list(csv.reader(io.StringIO((out / "results.csv").read_text(encoding="utf-8-sig"))))
    grid = [[cell for cell in row] for row in units.iter_rows()]
    assert len(grid) == len(people) == 16
    for row, expected in zip(grid, people):
        assert len(row) == len(expected) == len(unit_columns)
        for cell, text, column in zip(row, expected, unit_columns):
            value = text if cell.row == 1 else people_value(text, column.key)
            assert cell.value == value, (cell.coordinate, cell.value, text)
            assert cell.data_type == ("s" if isinstance(value, str) else "n"), cell.coordinate  # blank: 'n'
    criteria_rows = list(workbook["Bộ tiêu chí"].iter_rows(min_row=2, values_only=True))
    assert [row[:3] for row in criteria_rows] == [(c.number, c.name("vi"), c.max_points) for c in criteria.criteria]
    if case == "hostile":
        names = [units.cell(row, 2) for row in range(2, 2 + len(HOSTILE_NAMES))]
        shown = [name.strip()[:MAX_CELL_CHARS] for name in HOSTILE_NAMES]  # the reader strips names
        shown[HOSTILE_NAMES.index("esc\x1bape\x07")] = "esc\\x1bape\\x07"  # control characters: visible escapes
        assert [c.value for c in names] == shown
        assert [bool(c.quotePrefix) for c in names] == [True] * 4 + [False] * 6
        assert all(c.data_type == "s" for c in names)  # '#N/A' is a name, not an error value
        errors = [row for row in workbook["Lỗi dữ liệu"].iter_rows(min_row=2) if row[3].value == "=1+1"]
        assert errors and errors[0][3].data_type == "s" and errors[0][3].quotePrefix
        with zipfile.ZipFile(out / "results.xlsx") as package:
            xml = b"".join(package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/"))
        assert b"<f>" not in xml and b"<f " not in xml


# ---------------------------------------------------------------- summary.xlsx: every cell against its table

def expected_cell(value, column: str):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if any(word in column for word in DECIMAL_WORDS):
        return round(float(value), 2)
    if isinstance(value, str):
        return storable(value) or None
    return value


@pytest.mark.parametrize("case", ["hostile", "fourteen"])
def test_summary_workbook_holds_every_table_cell(inputs, tmp_path, case):
    args = ["--criteria", FOURTEEN] if case == "fourteen" else []
    results = tmp_path / "r.json"
    assert run("evaluate", inputs[case], *args, "--format", "json", "-o", results).exit_code == 1
    criteria = load_criteria(FOURTEEN if case == "fourteen" else None)
    out = tmp_path / "review"
    summary, _ = aggregate([results], out, criteria, by="district")
    workbook = load_workbook(out / "summary.xlsx")
    assert workbook.sheetnames == list(SHEETS.values())
    assert workbook.properties.title.startswith("Tổng hợp kết quả")
    for key, name in SHEETS.items():
        table, sheet = summary.tables[key], workbook[name]
        columns = [str(c) for c in table.columns]
        widths = [120] if key == "notes" else [look.width_for(c, table[c].head(500).map(shown_in_width))
                                                  for c in table.columns]
        assert [c.value for c in sheet[1]] == columns
        assert_finished(sheet, widths)
        assert sheet.max_row == len(table) + 1, name
        for row, cells in zip(table.astype(object).itertuples(index=False), sheet.iter_rows(min_row=2)):
            for value, column, cell in zip(row, columns, cells):
                expected = expected_cell(value, column)
                assert cell.value == expected, (name, cell.coordinate, cell.value, value)
                if isinstance(expected, bool):
                    assert cell.data_type == "b"
                elif isinstance(expected, (int, float)):
                    assert cell.data_type == "n", (name, cell.coordinate)
                elif expected is not None:
                    assert cell.data_type == "s", (name, cell.coordinate)
                if key == "notes":
                    assert cell.alignment.wrap_text
    if case == "fourteen":
        criteria_sheet = list(workbook[SHEETS["criteria"]].iter_rows(values_only=True))
        assert [row[1] for row in criteria_sheet[1:]] == list(range(1, 15))
    else:
        listed = workbook[SHEETS["units"]]
        column = [c.value for c in listed[1]].index("Tên đơn vị")
        names = {row[column].value: row[column] for row in listed.iter_rows(min_row=2)}
        assert names[HOSTILE_NAMES[0]].quotePrefix and names["esc\\x1bape\\x07"].data_type == "s"


def test_summary_of_many_units_is_the_same_bytes_twice(tmp_path):
    """Reproducible bytes straight from the writer (no rewrite of the package afterwards)."""
    criteria = load_criteria()
    results = tmp_path / "r.json"
    assert run("evaluate", SAMPLE, "--format", "json", "-o", results).exit_code == 1
    summary = summarise(load_results([results], criteria), criteria)
    from engine.aggregate.workbook import write_workbook

    first, second = write_workbook(summary, tmp_path / "a.xlsx"), write_workbook(summary, tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as package:
        assert {info.date_time for info in package.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert package.testzip() is None


# ---------------------------------------------------------------- the writer alone: values, types, text

def write_rows(path: Path, rows: list[list], header=("a", "b", "c")) -> None:
    workbook = look.new_workbook()
    sheet = look.table(workbook, "Trang 1", list(header), [10, 20.5, 30])
    for row in rows:
        sheet.append(row)
    look.save_streamed(workbook, path)


def test_every_kind_of_value_reads_back_with_its_type(tmp_path):
    rows = [[1, 2.5, "text"], [True, False, None], [-0.1, 10 ** 15, 1 / 3], ["", float("nan"), 12345678901234567],
            ["=1+1", "+1", "plain"], [None, None, None], [7]]
    write_rows(tmp_path / "t.xlsx", rows)
    sheet = load_workbook(tmp_path / "t.xlsx").active
    got = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows(min_row=2, max_col=3)]
    assert got == [
        [(1, "n"), (2.5, "n"), ("text", "s")],
        [(True, "b"), (False, "b"), (None, "n")],
        [(-0.1, "n"), (10 ** 15, "n"), (float("%.16g" % (1 / 3)), "n")],
        [(None, "n"), (None, "n"), (float("%.16g" % 12345678901234567), "n")],  # 16 digits, as openpyxl wrote
        [("=1+1", "s"), ("+1", "s"), ("plain", "s")],
        [(None, "n"), (None, "n"), (None, "n")],
        [(7, "n"), (None, "n"), (None, "n")]]
    assert [bool(c.quotePrefix) for c in sheet[6]] == [True, True, False]
    assert sheet.auto_filter.ref == "A1:C8" and sheet.max_row == 8
    assert [sheet.column_dimensions[x].width for x in "ABC"] == [10, 20.5, 30]


def test_wrapped_lines_are_estimated_by_words():
    assert _lines("Tỷ lệ đạt chuẩn (%)", 12) == 2  # "Tỷ lệ đạt" / "chuẩn (%)"
    assert _lines("Mã đơn vị", 11) == 1
    assert _lines("a\nb", 10) == 2 and _lines("x" * 25, 10) == 3 and _lines("", 10) == 1


def test_an_unknown_value_type_is_refused(tmp_path):
    sheet = look.table(look.new_workbook(), "x", ["a"], [10])
    with pytest.raises(TypeError, match="cannot hold"):
        sheet.append([object()])
    with pytest.raises(ValueError):
        look.new_workbook().add_sheet("a/b", [])


def test_a_failed_write_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "summary.xlsx"
    path.write_bytes(b"previous")
    workbook = look.new_workbook()
    look.table(workbook, "x", ["a"], [10]).append(["1"])
    monkeypatch.setattr("engine.results.xlsx_writer.Sheet._add_to", lambda self, package, name: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        look.save_streamed(workbook, path)
    assert path.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["summary.xlsx"]


# Any text python holds except lone surrogates, XML's specials, controls and long runs near the cell limit.
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.text(st.sampled_from("<>&\"'\r\n\t =+-@\x00\x1b\x7f\ufffe\uffff_x000D_ ạ𝔘"), max_size=30),
    st.sampled_from(["_x0041_", "a_x000D_b", "_x005F_x0041_", "__x0041__", "_x004_"]),
    st.builds(lambda piece, size: (piece * size)[:size], st.text(min_size=1, max_size=8),
              st.integers(MAX_CELL_CHARS - 5, MAX_CELL_CHARS + 5)))


def as_spreadsheets_read(value):
    """A cell's text as Excel and LibreOffice show it: each _xHHHH_ is the character U+HHHH (ECMA-376 ST_Xstring;
    openpyxl leaves inline strings undecoded)."""
    if value is None:
        return None
    return re.sub("_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=6))
def test_any_text_round_trips_through_the_writer(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("text") / "t.xlsx"
    write_rows(path, [[text, len(text), text] for text in texts])
    sheet = load_workbook(path).active
    for text, row in zip(texts, sheet.iter_rows(min_row=2, max_col=3)):
        expected = storable(text)  # the documented escaping: controls as \xNN, cut at 32,767 characters
        assert as_spreadsheets_read(row[0].value) == (expected or None)
        assert row[2].value == row[0].value and row[1].value == len(text)
        assert bool(row[0].quotePrefix) == is_formula_like(expected)
        assert len(expected) <= MAX_CELL_CHARS
        if not any(ord(c) < 32 and c not in "\t\n\r" or c in "\ufffe\uffff" for c in text):
            assert expected == text[:MAX_CELL_CHARS]  # nothing else is changed


# ---------------------------------------------------------------- rows numbered in blocks (Sheet.append_rows)

ROW_VALUES = st.lists(st.one_of(st.none(), st.integers(-3, 12), st.sampled_from(["a", "b <&>", "=1", " x ", ""]),
                                st.text(max_size=8)), min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(st.lists(ROW_VALUES, max_size=30), st.lists(st.integers(0, 7), max_size=12), st.integers(0, 2))
def test_rows_numbered_in_blocks_are_the_rows_numbered_one_by_one(tmp_path_factory, rows, blocks, headers):
    """append_rows numbers a block of encoded rows in one pass; the sheet holds what numbering each row by
    itself (the plain way: its NUMBER marks replaced by its number) gives, however the rows are split in blocks."""
    from engine.results.xlsx_writer import NUMBER, RowEncoder

    encoder = RowEncoder([10, 20, 30, 8, 6])
    encoded = [encoder(row)[0] for row in rows]
    workbook = look.new_workbook()
    sheet = workbook.add_sheet("x", [10, 20, 30, 8, 6])
    for number in range(headers):
        sheet.header([f"h{number}"] * 5)
    start = 0
    for size in [*blocks, len(encoded)]:
        sheet.append_rows(encoded[start:start + size], 5)
        start += size
    path = tmp_path_factory.mktemp("blocks") / "b.xlsx"
    workbook.write(path)
    with zipfile.ZipFile(path) as package:
        xml = package.read("xl/worksheets/sheet1.xml")
    body = xml[xml.index(b"<sheetData>") + len(b"<sheetData>"):xml.index(b"</sheetData>")]
    plain = b"".join(row.replace(NUMBER, str(headers + index + 1).encode()) for index, row in enumerate(encoded))
    assert body.endswith(plain) and body.count(b"<row ") == headers + len(rows)
    assert sheet.rows == headers + len(rows)
