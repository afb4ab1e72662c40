"""A workbook in a batch (engine/readers/xlsx_units.py): read once by the parent, which finds its units and their
codes, its rows' cells read where they are scored. What the batch gets must be exactly what reading the workbook
whole gives (engine/readers/xlsx.py): the same records (values, cells, problems), the same warnings in the same
order, the same errors — whichever rows go to which part, and in a forked worker."""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.styles import PatternFill

from engine import batch, loading
from engine.batch import Evaluated
from engine.criteria.model import load_criteria
from engine.readers import read_records, sheet_scan
from engine.readers.records import InputFileError, reading
from engine.readers.xlsx_units import WorkbookUnits
from engine.units.duplicates import mark_duplicate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_xlsx_cells import CELLS, PLAIN, STRINGS, handmade  # noqa: E402  (the workbooks other programs write)

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = load_criteria()
WORKBOOKS = sorted((ROOT / "tests").rglob("*.xlsx")) + sorted((ROOT / "evaluations").rglob("*.xlsx"))


def _key(records) -> list:
    return [(r.source, r.kind, r.number, r.sheet, r.data, {k: r.cells[k] for k in r.cells},
             [(p.input, p.value, p.message.key, p.message.params) for p in r.problems]) for r in records]


def read_whole(path: Path, hidden: bool = False):
    """(records, warnings) or the error, as read_records reads the workbook."""
    with reading(hidden_sheets=hidden) as options:
        try:
            records = read_records(path, CRITERIA)
        except InputFileError as error:
            return str(error)
    return _key(records), [w.render("en") for w in options.warnings.values()]


def read_in_parts(path: Path, size: int, hidden: bool = False):
    """The same through a batch's plan: its records built `size` units at a time."""
    with reading(hidden_sheets=hidden) as options:
        plan = loading.plan([path], CRITERIA)
        if plan.file_errors:
            return str(plan.file_errors[0])
        records = [r for _, (index, start, stop) in loading.parts(plan, size)
                   for r in plan.sources[index].records(start, stop)]
    return _key(records), [w.render("en") for w in options.warnings.values()]


def assert_read_in_parts_as_whole(path: Path, hidden: bool = False) -> None:
    """Whatever the size of the parts, and whether the parent checks a row by its shape's pattern from the
    first row of that shape (as from the SHAPE_FROM-th row of a long sheet) or by SAFE_ROW."""
    whole = read_whole(path, hidden)
    default = sheet_scan.SHAPE_FROM
    try:
        for shape_from in (default, 1):
            sheet_scan.SHAPE_FROM = shape_from
            sheet_scan._SHAPES.clear()
            for size in (1, 3, 250):
                assert read_in_parts(path, size, hidden) == whole, (path.name, size, shape_from)
    finally:
        sheet_scan.SHAPE_FROM = default


def test_every_workbook_the_tests_have_reads_in_parts_as_whole():
    assert len(WORKBOOKS) >= 10
    for path in WORKBOOKS:
        for hidden in (False, True):
            assert_read_in_parts_as_whole(path, hidden)


# Rows as officials and programs write them, in a sheet the parent indexes (every cell reads without error): the
# unit code as inline text, a shared string, a whole number, a number saved as 4.0, digits written as references,
# digits with spaces around; gaps, blank, totals and notes rows; formulas saved without their value (in the code
# cell and in another); the header repeated with its columns moved; a code cell written twice; a date-formatted
# count; a count of 1.5; an empty cell that is not self-closing; a code repeated further down.
TABLE = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Danh sách đơn vị</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>STT</t></is></c><c r="B2" t="inlineStr"><is><t>unit_code</t></is></c>'
    '<c r="C2" t="inlineStr"><is><t>births</t></is></c><c r="D2" t="s"><v>{registered}</v></c>'
    '<c r="E2" t="inlineStr"><is><t>staff_assigned</t></is></c><c r="F2" t="inlineStr"><is><t>ghi chú riêng</t></is></c></row>'
    '<row r="3"><c r="A3"><v>1</v></c><c r="B3" t="inlineStr"><is><t>00001</t></is></c><c r="C3"><v>10</v></c>'
    '<c r="D3"><v>9</v></c><c r="E3" t="inlineStr"><is><t>có</t></is></c></row>'
    '<row r="4"><c r="A4"><v>2</v></c><c r="B4" t="s"><v>{code}</v></c><c r="C4"><v>11</v></c><c r="D4"><v>9</v></c>'
    '<c r="E4" t="inlineStr"><is><t>không</t></is></c></row>'
    '<row r="5"><c r="A5"><v>3</v></c><c r="B5"><v>3</v></c><c r="C5"><v>12</v></c><c r="D5"><v>12</v></c></row>'
    '<row r="6"><c r="A6"><v>4</v></c><c r="B6"><v>4.0</v></c><c r="C6" s="5"><v>13</v></c></row>'
    '<row r="10"><c r="A10"><v>5</v></c><c r="B10" t="inlineStr"><is><t>&#48;&#48;&#48;&#48;5</t></is></c>'
    '<c r="C10"><v>5</v></c></row>'
    '<row r="11"><c r="B11" s="1"/><c r="C11" s="1"/></row>'
    '<row r="12"><c r="B12" t="inlineStr"><is><t>Tổng cộng</t></is></c><c r="C12"><v>51</v></c></row>'
    '<row r="13"><c r="A13" t="inlineStr"><is><t>Ghi chú: số liệu giả định</t></is></c></row>'
    '<row r="14"><c r="A14"><v>6</v></c><c r="B14" t="inlineStr"><is><t>00006</t></is></c><c r="C14"><f>1+1</f></c>'
    '<c r="D14"><f>C14</f><v>2</v></c></row>'
    '<row r="15"><c r="A15"><v>7</v></c><c r="B15"><f>A1</f></c><c r="C15"><v>7</v></c></row>'
    '<row r="16"><c r="A16" t="inlineStr"><is><t>unit_code</t></is></c><c r="B16" t="inlineStr"><is><t>births</t></is></c>'
    '<c r="C16" t="inlineStr"><is><t>births_registered</t></is></c></row>'
    '<row r="17"><c r="A17" t="inlineStr"><is><t>00008</t></is></c><c r="B17"><v>8</v></c><c r="C17"><v>8</v></c></row>'
    '<row r="18"><c r="A18"><v>1</v></c><c r="A18" t="inlineStr"><is><t>00009</t></is></c><c r="B18"><v>9</v></c></row>'
    '<row r="19"><c r="A19" t="inlineStr"><is><t xml:space="preserve"> 00010 </t></is></c><c r="B19" s="2"><v>45000</v></c></row>'
    '<row r="20"><c r="A20" t="inlineStr"><is><t>00011</t></is></c><c r="B20"><v>1.5</v></c><c r="C20" t="n"></c></row>'
    '<row r="21"><c r="A21" t="inlineStr"><is><t>00001</t></is></c><c r="B21"><v>1</v></c><c r="C21" s="3"/></row>'
    '<row r="22"><c r="A22" t="inlineStr"><is><t>00012</t></is></c><c r="B22"><v>2</v></c><c r="C22"><v>1</v></c></row>'
    '<row r="23"><c r="A23" t="inlineStr"><is><t>00013</t></is></c><c r="B23"><v>3</v></c><c r="C23"><v>2</v></c></row>'
    '<row r="24"><c r="A24" t="e"><v>#N/A</v></c><c r="B24"><v>3</v></c></row>'
    '<row r="30"><c r="A30" s="1"/></row>'
)
TABLE_STRINGS = STRINGS + "<si><t>births_registered</t></si><si><t>00002</t></si>"
TABLE = TABLE.format(registered=STRINGS.count("<si>"), code=STRINGS.count("<si>") + 1)


def test_the_turns_a_table_takes_read_in_parts_as_whole(tmp_path):
    path = handmade(tmp_path / "table.xlsx", [TABLE, PLAIN, CELLS], TABLE_STRINGS,
                    states=["visible", "visible", "hidden"])
    loaded = loading.plan([path], CRITERIA).sources[0]
    assert isinstance(loaded, WorkbookUnits) and len(loaded.sheets) == 1  # the first sheet indexed, the others not
    whole = read_whole(path)
    records = {record[2]: record for record in whole[0] if record[3] == "Trang 1"}
    assert [number for number in records] == [3, 4, 5, 6, 10, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24]
    assert records[4][4]["unit_code"] == "00002" and records[5][4]["unit_code"] == 3 and records[6][4]["unit_code"] == 4
    assert records[18][4]["unit_code"] == "00009" and records[10][4]["unit_code"] == "00005"
    assert records[19][4]["births"] == "2023-03-15" and records[20][4]["births"] == 1.5
    assert any(p[2] == "formula_no_value" for p in records[14][6]) and records[17][4]["births_registered"] == 8
    assert any("rows 7–9" in w for w in whole[1]) and any("repeated" in w or "header" in w for w in whole[1])
    for hidden in (False, True):
        assert_read_in_parts_as_whole(path, hidden)


def test_what_openpyxl_writes_reads_in_parts_as_whole(tmp_path):
    # Percentages (in a count and in the code column), dates, booleans, cells merged down the rows (read
    # whole), a form beside a table, two tables, and a sheet with its header alone.
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.append(["unit_code", "births", "births_registered", "staff_assigned", "period"])
    for number in range(1, 40):
        sheet.append([f"{number:05d}", number + 10, number + 5, "có" if number % 3 else "không", "2024"])
    sheet["B5"].number_format = "0%"
    sheet["A6"] = 7
    sheet["A6"].number_format = "0%"
    sheet["B7"] = dt.datetime(2024, 12, 31)
    sheet["C9"].fill = PatternFill("solid", fgColor="FFFF00")
    second = book.create_sheet("Thêm")
    second.append(["unit_code", "births"])
    second.append(["00001", 3])  # a code the first sheet holds too
    second.append(["00100", 4])
    second.append(["00101", True])  # a boolean: this sheet is read whole
    merged = book.create_sheet("Gộp")
    merged.append(["unit_code", "district", "births"])
    for number in range(200, 206):
        merged.append([f"{number:05d}", "Huyện A" if number == 200 else None, number])
    merged.merge_cells("B2:B7")
    form = book.create_sheet("Một đơn vị")
    form.append(["Tên trường", "Giá trị"])
    form.append(["unit_code", "00300"])
    form.append(["births", 12])
    form.append(["births_registered", 11])
    book.create_sheet("Trống").append(["unit_code", "births"])
    path = tmp_path / "openpyxl.xlsx"
    book.save(path)
    whole = read_whole(path)
    assert isinstance(whole, tuple) and len(whole[0]) == 39 + 3 + 6 + 1
    loaded = loading.plan([path], CRITERIA).sources[0]
    assert [sheet.title for sheet in loaded.sheets] == ["Sheet", "Trống"]  # the others read whole, records kept
    assert whole[0][3][4]["births"] == "1400%" and whole[0][4][4]["unit_code"] == "700%"
    assert_read_in_parts_as_whole(path)


def test_a_code_repeated_across_parts_and_workers_is_named_on_every_row(tmp_path, monkeypatch):
    # 600 units: the batch hands them to two forked workers, 250 at a time; row 3's code is repeated at row
    # 590 (another worker's part) and in a CSV beside the workbook. Each worker builds its records from the
    # rows the parent indexed: they are the records read whole, the repeated code named on all three rows.
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.append(["unit_code", "births", "births_registered", "period"])
    for number in range(1, 601):
        sheet.append([f"{number:05d}" if number != 589 else "00002", number, number - 1, "2024"])
    path = tmp_path / "units.xlsx"
    book.save(path)
    csv = tmp_path / "more.csv"
    csv.write_text("unit_code,births\n00002,5\n", encoding="utf-8")
    built = []

    def task(first: int, records: list) -> list[Evaluated]:  # runs in the worker, on the records it built
        text = "".join("@@" + json.dumps([r.source, r.sheet, r.number, r.data, [p.message.key for p in r.problems]],
                                         ensure_ascii=False, default=str) + "\n" for r in records)
        return [Evaluated(len(records), text, {}, 0)]

    monkeypatch.setattr(batch, "TASK", task)
    with reading():
        plan = loading.plan([path, csv], CRITERIA)
        assert batch.workers_for(plan.count, 2) == 2
        import io
        out = io.StringIO()
        batch.run(plan, CRITERIA, "json", "en", out, jobs=2)
        built = [json.loads(line[2:]) for line in out.getvalue().splitlines() if line.startswith("@@")]
    expected = [mark_duplicate(record, plan.duplicates)
                for record in read_records(path, CRITERIA) + read_records(csv, CRITERIA)]
    assert built == [[r.source, r.sheet, r.number, r.data, [p.message.key for p in r.problems]] for r in expected]
    named = [(Path(row[0]).name, row[2]) for row in built if "duplicate_unit" in row[4]]
    assert named == [("units.xlsx", 3), ("units.xlsx", 590), ("more.csv", 2)]


def test_a_plan_read_in_this_process_still_goes_to_a_new_interpreter(tmp_path):
    # A server's batch starts its workers as new interpreters: the plan is pickled, after records may have been
    # built from it here (what this process learnt about its rows' shapes is left behind).
    import pickle

    book = OpenpyxlWorkbook()
    book.active.append(["unit_code", "births"])
    book.active.append(["00001", 3])
    path = tmp_path / "one.xlsx"
    book.save(path)
    plan = loading.plan([path], CRITERIA)
    first = _key(loading.records(plan))
    again = pickle.loads(pickle.dumps(plan))
    assert _key(loading.records(again)) == first and first[0][4] == {"unit_code": "00001", "births": 3}


def test_rows_of_long_numbers_that_change_shape_at_their_end_read_as_whole(tmp_path):
    # The parent checks a row by the pattern of the row before's shape: each number has one way to match, so a
    # row that differs only in its last cell fails at once and is checked cell by cell (a pattern with several
    # ways to read a number would try them all, cell after cell, and never end).
    def row(number: int, last: str) -> str:
        cells = "".join(f'<c r="{chr(66 + i)}{number}"><v>{"1" * 15}</v></c>' for i in range(20))
        return f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{number:05d}</t></is></c>{cells}{last}</row>'

    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c><c r="B1" t="inlineStr"><is><t>births</t></is></c></row>'
    rows = [row(number, f'<c r="W{number}"><v>1</v></c>') for number in range(2, 6)]
    rows += [row(6, '<c r="W6" t="inlineStr"><is><t>x</t></is></c>'), row(7, '<c r="W7"><v>1.5e3</v></c>')]
    path = handmade(tmp_path / "long.xlsx", [header + "".join(rows)])
    assert len(loading.plan([path], CRITERIA).sources[0].sheets) == 1  # indexed: its rows checked by the parent
    assert_read_in_parts_as_whole(path)
    assert [record[4]["births"] for record in read_whole(path)[0]] == [111111111111111] * 6


LEAN_OPENPYXL = """
import json, sys, threading
if sys.argv[1] == "thread":  # a server: another thread could import numpy meanwhile, so nothing is hidden
    threading.Thread(target=threading.Event().wait, daemon=True).start()
from engine.readers import read_records
from engine.readers.records import InputFileError
from engine.criteria.model import load_criteria
import engine.readers.xlsx_units  # the batch's reader: it imports openpyxl first
import openpyxl
from openpyxl.compat import numbers
from openpyxl.drawing import image
hidden = "numpy" not in sys.modules and "PIL" not in sys.modules
assert hidden == (numbers.NUMPY is False) == (image.PILImage is False)
from engine.forms.template import write_template  # the one workbook cfc builds with openpyxl
criteria = load_criteria()
write_template(criteria, sys.argv[2])
def outcome(path):
    try:
        return [[r.sheet, r.number, r.data] for r in read_records(path, criteria)]
    except InputFileError as error:
        return str(error)
records = [outcome(path) for path in sys.argv[2:]]
import numpy, PIL.Image  # given back: they import as usual afterwards
print(json.dumps({"version": openpyxl.__version__, "hidden": hidden, "records": records}))
"""


def test_openpyxl_is_imported_without_numpy_and_pillow_which_import_afterwards(tmp_path):
    # engine/readers/openpyxl_import.py: openpyxl 3.1 takes numpy and Pillow as optional (not installed: plain
    # numbers, no images), 0.12 s of its import. A fresh interpreter reads workbooks and writes the input form
    # without them exactly as this process does with them, and imports both afterwards; with another thread
    # running, nothing is hidden.
    import subprocess

    def outcome(path: Path):
        try:
            return [[r.sheet, r.number, r.data] for r in read_records(path, CRITERIA)]
        except InputFileError as error:
            return str(error)

    expected = [outcome(path) for path in WORKBOOKS]
    assert "numpy" in sys.modules  # this process reads them with numpy imported (pandas, hypothesis)
    for threads, hidden in (("one", True), ("thread", False)):
        form = tmp_path / f"form-{threads}.xlsx"
        done = subprocess.run([sys.executable, "-c", LEAN_OPENPYXL, threads, str(form), *map(str, WORKBOOKS)],
                              capture_output=True, text=True, cwd=ROOT, check=True)
        got = json.loads(done.stdout)
        assert got["version"].startswith("3.1.")  # the behaviour relied on, checked above, is 3.1's
        assert got["hidden"] is hidden
        assert got["records"] == json.loads(json.dumps([outcome(form)] + expected))


def test_a_header_naming_every_input_settles_the_table_from_its_first_rows(tmp_path):
    # xlsx_units._settled: the parent reads a sheet's first 50 rows, and its first 500 only when those do not
    # settle its layout. A header naming every input settles it: a column of input names further down (beside
    # the table, rows 60 to 100) names no more, so the sheet is still a table. A table naming fewer, or whose
    # header rows run to the 50th, is decided on 500 rows, as read_xlsx_records decides it.
    names = [decl.name for decl in CRITERIA.inputs]
    for case in ("every input", "fewer inputs", "header to row 50"):
        book = OpenpyxlWorkbook()
        sheet = book.active
        header = names if case != "fewer inputs" else names[:len(names) // 2]
        if case == "header to row 50":
            for _ in range(49):
                sheet.append([f"Tiêu đề {_}"])
        sheet.append(header)
        for number in range(1, 120):
            sheet.append([f"{number:05d}"] + [number] * (len(header) - 1))
        for offset, name in enumerate(names):
            sheet.cell(row=60 + offset, column=len(header) + 3, value=name)
            sheet.cell(row=60 + offset, column=len(header) + 4, value=offset)
        path = tmp_path / f"{case}.xlsx"
        book.save(path)
        whole = read_whole(path)
        table = case != "fewer inputs"  # else the column of names wins: a form, read whole
        assert len(loading.plan([path], CRITERIA).sources[0].sheets) == table
        assert len(whole[0]) == (119 if table else 1), case
        assert_read_in_parts_as_whole(path)


def test_a_cell_beyond_the_columns_read_is_refused_or_read_as_whole(tmp_path, monkeypatch):
    # An indexed sheet's rightmost cell (IndexedSheet.width, from the heads of its rows' shapes): a value right
    # of the columns cfc reads is refused naming its cell, a cell holding only formatting there is not, in a
    # row whose shape every row has or in one row of its own.
    from engine import limits

    monkeypatch.setattr(limits, "MAX_SHEET_COLUMNS", 20)
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>births</t></is></c></row>')

    def unit(number: int, last: str) -> str:
        return (f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{number:05d}</t></is></c>'
                f'<c r="B{number}"><v>{number}</v></c>{last}</row>')

    for far, refused in (('<c r="U{}"><v>1</v></c>', True), ('<c r="U{}" s="1"/>', False),
                         ('<c r="T{}"><v>1</v></c>', False)):
        for every_row in (True, False):
            rows = "".join(unit(number, far.format(number) if every_row or number == 30 else "")
                           for number in range(2, 40))
            path = handmade(tmp_path / f"wide-{len(far)}-{every_row}.xlsx", [header + rows])
            whole = read_whole(path)
            assert ("holds cells up to U" in whole) if refused else len(whole[0]) == 38, (far, every_row)
            assert_read_in_parts_as_whole(path)


def test_a_shared_string_that_is_not_there_fails_the_workbook_in_parts_as_whole(tmp_path):
    # index_sheet checks the shared strings' indexes when a row's shape holds one (t="s"): an index past the
    # last string is openpyxl's IndexError, the workbook refused, in a row of the shape every row has or in
    # one row of its own (below the rows the parent reads to find the header, in a cell it does not read: not
    # the unit code's).
    strings = "<si><t>unit_code</t></si><si><t>births</t></si><si><t>00001</t></si>"
    header = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    for every_row in (True, False):
        for index in (2, 3):
            rows = "".join(f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{number:05d}</t></is></c>'
                           + (f'<c r="B{number}" t="s"><v>{index if number == 600 else 2}</v></c></row>'
                              if every_row or number == 600 else f'<c r="B{number}"><v>{number}</v></c></row>')
                           for number in range(2, 700))
            path = handmade(tmp_path / f"strings-{every_row}-{index}.xlsx", [header + rows], strings)
            whole = read_whole(path)
            assert ("not a readable .xlsx workbook" in whole) if index == 3 else len(whole[0]) == 698
            assert_read_in_parts_as_whole(path)


def test_a_control_character_anywhere_in_the_rows_sends_the_sheet_to_the_xml_parser(tmp_path):
    # index_sheet's patterns take no control character (sheet_scan.TEXT): one in a text, a formula's text, a
    # value or a row's attributes, in a row of the shape every row has or in one of its own, fails the
    # pattern, and the sheet is read by the XML parser (which refuses it, or reads a tab as it is).
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>district</t></is></c><c r="C1" t="inlineStr"><is><t>births</t></is></c></row>')

    def unit(number: int, district: str = "Huyện A", births: str = '<c r="C{}"><v>3</v></c>', row: str = "") -> str:
        return (f'<row r="{number}"{row}><c r="A{number}" t="inlineStr"><is><t>{number:05d}</t></is></c>'
                f'<c r="B{number}" t="inlineStr"><is><t>{district}</t></is></c>{births.format(number)}</row>')

    odd = {"text": {"district": "Huy\x01n A"}, "tab": {"district": "Huyện\tA"}, "return": {"district": "A\rB"},
           "formula": {"births": '<c r="C{}" t="str"><f>"a\x1fb"</f><v>ab</v></c>'},
           "value": {"births": '<c r="C{}" t="e"><v>#N/A\x0b</v></c>'}, "row": {"row": ' spans="1:3\x02"'}}
    for name, cells in odd.items():
        for every_row in (True, False):
            rows = "".join(unit(number, **cells) if every_row or number == 150 else unit(number)
                           for number in range(2, 200))
            path = handmade(tmp_path / f"control-{name}-{every_row}.xlsx", [header + rows])
            plan = loading.plan([path], CRITERIA)
            indexed = bool(plan.sources) and bool(plan.sources[0].sheets)
            assert indexed == (name == "tab"), (name, every_row)  # a tab is plain text; the others are not
            assert_read_in_parts_as_whole(path)


# The shape patterns as first written (sheet_scan before Session 10): each part the plain way, an optional group
# for xml:space and one alternation for a number. sheet_scan writes the same language for the regex engine's speed.
PLAIN_ROW_START = rb'<row r="([0-9]{1,7})"' + sheet_scan.SAFE_ATTRIBUTES + rb'>'
PLAIN_SHAPE_VALUES = {b"n": rb'<v>' + sheet_scan.NUMBER + rb'</v></c>', b"s": rb'<v>[0-9]{0,9}</v></c>',
                      b"inlineStr": rb'<is><t(?: xml:space="preserve")?>' + sheet_scan.TEXT + rb'*</t></is></c>',
                      b"str": rb'<v>' + sheet_scan.TEXT + rb'*</v></c>', b"e": rb'<v>' + sheet_scan.TEXT + rb'*</v></c>'}


def _plain_shape(heads: tuple):
    import re

    parts = [PLAIN_ROW_START]
    for letters, attributes in heads:
        kind = sheet_scan._KIND.search(attributes)
        kind = kind.group(1) if kind else b"n"
        if kind not in PLAIN_SHAPE_VALUES:
            return None
        parts.append(b'<c r="' + letters + b'[0-9]{1,7}"' + re.escape(attributes) + b">")
        if not attributes.endswith(b"/"):
            parts.append(PLAIN_SHAPE_VALUES[kind])
    return re.compile(b"".join(parts) + b"</row>")


def _odd_rows(count: int, seed: int) -> list[bytes]:
    """Rows as programs write them and bytes away from them: numbers of every form and almost-numbers, texts
    with references, xml:space and other attributes, empty cells, row attributes, long and odd references."""
    import random

    pick = random.Random(seed).choice
    numbers = [b"1", b"0", b"-3", b"+7", b"12.5", b"1.", b".5", b"1e5", b"1.5E-3", b"-.5e+2", b"", b"e5", b"1e",
               b"1.2.3", b"1 ", b" 1", b"0x1F", b"--1", b"1,5", b"99999999999999999999", b"\xd9\xa1", b"1<"]
    texts = [b"", b"c&#243;", b"Huy&#7879;n A", b"a&amp;b", b" x ", b"\t", b"a\x01b", b"a\rb", b"<", b"ok"]
    opens = [b"<t>", b'<t xml:space="preserve">', b'<t xml:space="default">', b"<t >", b"<t/>"]
    digits = [b"", b"7", b"1234567", b"12345678", b"x"]
    rows = []
    for _ in range(count):
        number = pick([b"2", b"10", b"1234567", b"12345678", b"", b"2a"])
        attributes = pick([b"", b' spans="1:3"', b' ht="15" customHeight="1"', b' spans="1/3"', b" ", b' x="\x02"'])
        cells = []
        for letters in (b"A", b"B", b"AB", b"C")[:pick([1, 2, 3, 4])]:
            reference = letters + pick([number, number, number, pick(digits)])
            style = pick([b"", b"", b' s="1"', b' s="12"'])
            kind = pick([b"", b' t="n"', b' t="inlineStr"', b' t="s"', b' t="str"', b' t="e"', b' t="b"'])
            head = b'<c r="' + reference + b'"' + style + kind
            if pick([True, False, False, False, False]):
                cells.append(head + b"/>")
            elif kind == b' t="inlineStr"':
                cells.append(head + b"><is>" + pick(opens) + pick(texts) + b"</t></is></c>")
            elif kind == b' t="s"':
                cells.append(head + b"><v>" + pick([b"0", b"12", b"", b"1.5", b"1234567890"]) + b"</v></c>")
            else:
                cells.append(head + b"><v>" + pick(numbers + texts) + b"</v></c>")
        rows.append(b'<row r="' + number + b'"' + attributes + b">" + b"".join(cells) + b"</row>")
    return rows


def test_the_shape_patterns_match_what_the_plain_ones_match():
    # sheet_scan.SHAPE_VALUES and ROW_START are written with atomic alternatives and possessive repeats: on
    # rows as programs write them and on rows a byte away, each row's shape pattern (from its own cells' heads)
    # matches exactly what the plain pattern matches — the same length, the same row number — followed by the
    # next row as index_sheet matches it, and whatever SAFE_ROW would take of such a row, it takes too.
    rows = _odd_rows(6000, seed=10)
    matched = failed = 0
    for row, after in zip(rows, rows[1:] + [b""]):
        heads = tuple(sheet_scan.CELL_HEADS.findall(row))
        fast, plain = sheet_scan._shape(heads), _plain_shape(heads)
        assert (fast is None) == (plain is None), row
        if fast is None:
            continue
        data = row + after
        got, expected = fast.match(data), plain.match(data)
        assert (got and (got.span(), got.group(1))) == (expected and (expected.span(), expected.group(1))), row
        if got:
            matched += 1
            safe = sheet_scan.SAFE_ROW.match(data)
            assert safe and safe.span() == got.span(), row
        else:
            failed += 1
    assert matched > 300 and failed > 300  # both met often


def test_the_row_plans_read_what_the_plain_patterns_read(monkeypatch):
    # xlsx_units._RowPlan's patterns (a worker reads each unit's row by one) are written the same way: on the
    # same rows, each shape's plan matches what the plan made of the plain parts matches, with the same values.
    from types import SimpleNamespace

    from engine.readers import xlsx_units
    from engine.readers.xlsx import _Columns

    columns, sheet = _Columns({0: "unit_code", 1: "births", 27: "staff_assigned", 2: "district"}), SimpleNamespace(special=set())
    plain = {"ROW_HEAD": rb'<row r="[0-9]{1,7}"(?: [^<>/]*)?>', "REFERENCE": rb'[0-9]{1,7}"',
             "VALUE": rb'<v>([^<]*)</v></c>', "INLINE_VALUE": rb'<is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>'}
    rows = _odd_rows(6000, seed=11)
    shapes = {tuple(sheet_scan.CELL_HEADS.findall(row)) for row in rows}
    fast = {shape: xlsx_units._RowPlan.of(shape, columns, sheet) for shape in shapes}
    with monkeypatch.context() as patched:
        for name, pattern in plain.items():
            patched.setattr(xlsx_units, name, pattern)
        slow = {shape: xlsx_units._RowPlan.of(shape, columns, sheet) for shape in shapes}
    matched = 0
    for row in rows:
        shape = tuple(sheet_scan.CELL_HEADS.findall(row))
        assert bool(fast[shape]) == bool(slow[shape])
        if fast[shape]:
            got, expected = fast[shape].pattern.match(row), slow[shape].pattern.match(row)
            assert (got and (got.span(), got.groups())) == (expected and (expected.span(), expected.groups())), row
            matched += bool(got)
    assert matched > 300


def test_the_checks_over_a_whole_sheet_find_what_the_plain_searches_find():
    # index_sheet's passes over the rows: RARE_REFERENCE with its commonest references first, and "xmlns"
    # looked for at each of its "x"s while they are few: the same answers as the plain pattern and `in`.
    import re

    plain = re.compile(rb'&(?!amp;|lt;|gt;|quot;|apos;|#(?:9|10|13|3[2-9]|[4-9][0-9]|[1-9][0-9]{2,3});)')
    references = [b"&#%d;" % code for code in range(0, 20001)] + [b"&#0%d;" % code for code in range(0, 200)]
    references += [b"&amp;", b"&lt;", b"&gt;", b"&quot;", b"&apos;", b"&amp", b"&#;", b"&#x41;", b"&nbsp;", b"&",
                   b"&#12a;", b"&#1234567;", b"a&#227;b&#7883;", b"&#9;&#10;&#13;&#31;"]
    for text in references:
        assert bool(sheet_scan.RARE_REFERENCE.search(text)) == bool(plain.search(text)), text
    assert sum(bool(plain.search(text)) for text in references) > 100  # both kinds

    for body in (b"", b"xmlns", b"<row>xmlns</row>", b"x" * 5000 + b"xmlns", b"x" * 5000, b"xxmlns", b"xmln",
                 b"ab" * 100 + b"xml" + b"x" * 1500, b"x&#227;" * 1200 + b' xmlns:a="b"', b"mlns" * 10):
        assert sheet_scan._holds(body, b"xmlns") == (b"xmlns" in body), body[:20]
        for places in (0, 1, 3):
            assert sheet_scan._holds(body, b"xmlns", places) == (b"xmlns" in body), (body[:20], places)


def test_sheets_inflated_ahead_read_as_whole_and_a_damaged_part_fails_as_before(tmp_path, monkeypatch):
    # engine/readers/sheets_ahead.py: a batch's plan inflates a workbook's worksheets in a thread while openpyxl
    # is imported. With every sheet inflated so (not only the large ones), every workbook the tests have reads in
    # parts as whole, the sheets read being those inflated ahead; a sheet whose bytes were changed after it was
    # written (its CRC-32 no longer right) fails the workbook as it does without them; and a part whose entry
    # differs from the one openpyxl's package holds (the file changed meanwhile) is not taken.
    import zipfile

    from engine.readers import sheets_ahead

    monkeypatch.setattr(sheets_ahead, "MIN_AHEAD", 0)
    taken = []
    take = sheets_ahead.take

    def counted(path, info):
        data = take(path, info)
        taken.append(data is not None)
        return data
    monkeypatch.setattr(sheets_ahead, "take", counted)
    for path in WORKBOOKS:
        assert read_in_parts(path, 250) == read_whole(path)
    assert sum(taken) >= 8 and all(taken)  # every indexed sheet was one inflated ahead

    good = handmade(tmp_path / "good.xlsx", [TABLE], TABLE_STRINGS)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info), compress_type=zipfile.ZIP_STORED)
    data = damaged.read_bytes()
    at = data.index(b"00006")  # a unit code in the sheet, stored as it is: its CRC-32 no longer matches
    damaged.write_bytes(data[:at] + b"00007" + data[at + 5:])
    whole = read_whole(damaged)
    assert "readable" in whole and read_in_parts(damaged, 250) == whole
    # Damaged twice, the sheet and the shared strings: the error said is the one reading whole meets first.
    data = damaged.read_bytes()
    at = data.index(b"<si><t>births_registered")
    damaged.write_bytes(data[:at] + b"<si><t>births_registerex" + data[at + 24:])
    whole = read_whole(damaged)
    assert "CRC" in whole and read_in_parts(damaged, 250) == whole

    with sheets_ahead.inflated_ahead(good), zipfile.ZipFile(good) as package:
        info = package.getinfo("xl/worksheets/sheet1.xml")
        info.CRC ^= 1
        assert sheets_ahead.take(good, info) is None
    assert sheets_ahead._AHEAD == {}


AHEAD_IN_A_NEW_PROCESS = """
import json, sys, threading, time
from engine.readers import sheets_ahead
if sys.argv[2] == "every":
    sheets_ahead.MIN_AHEAD = 0
waited = []
inflate = sheets_ahead._Ahead._inflate
def slow(self):  # still inflating while openpyxl is imported, as a national sheet is
    deadline = time.monotonic() + 10
    while "openpyxl.reader.excel" not in sys.modules and time.monotonic() < deadline:
        time.sleep(0.001)
    waited.append("openpyxl.reader.excel" in sys.modules)
    inflate(self)
sheets_ahead._Ahead._inflate = slow
from engine import batch, loading
from engine.criteria.model import load_criteria
plan = loading.plan([sys.argv[1]], load_criteria())
print(json.dumps({"count": plan.count, "waited": waited, "numpy": "numpy" in sys.modules,
                  "threads": threading.active_count(), "workers": batch._start_method().get_start_method()}))
"""


def test_the_thread_inflating_ahead_keeps_numpy_hidden_and_is_done_before_the_workers_fork(tmp_path):
    # A fresh process plans a workbook as a batch's parent does, a small one with every sheet inflated ahead
    # and one whose sheet is large enough to be (2,500 rows of random counts, as a province's): the thread ran
    # while openpyxl was imported, numpy was still hidden from openpyxl (the thread imports nothing:
    # openpyxl_import.IMPORTING_NOTHING), and the thread is over when the plan is made: the workers are forked
    # (batch._start_method), not started as new interpreters.
    import random
    import subprocess

    pick = random.Random(24)
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c>'
              + "".join(f'<c r="{letter}1" t="inlineStr"><is><t>{name}</t></is></c>'
                        for letter, name in zip("BCDE", ["births", "births_registered", "children_total", "survey_respondents"]))
              + "</row>")
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{n:05d}</t></is></c>'
                   + "".join(f'<c r="{letter}{n}"><v>{pick.randrange(10 ** 6)}</v></c>' for letter in "BCDE") + "</row>"
                   for n in range(2, 2502))
    large = handmade(tmp_path / "province.xlsx", [header + rows])
    small = handmade(tmp_path / "table.xlsx", [TABLE], TABLE_STRINGS)
    for path, which, count in ((small, "every", 15), (large, "large", 2500)):
        done = subprocess.run([sys.executable, "-c", AHEAD_IN_A_NEW_PROCESS, str(path), which], capture_output=True,
                              text=True, cwd=ROOT, check=True)
        assert json.loads(done.stdout) == {"count": count, "waited": [True], "numpy": False, "threads": 1,
                                           "workers": "fork"}, which


def test_texts_decoded_by_splitting_at_their_references_read_as_the_pattern_reads_them():
    # sheet_scan.decoded splits a text at each "&" instead of calling back from ENTITY.sub for each reference: on
    # texts as openpyxl and Excel write them and on references a byte away (unknown names, signs, spaces,
    # non-ASCII digits, no ";", "&" twice), the same text as ENTITY.sub with sheet_scan._entity, and the same
    # refusal (Unusual) of a reference to a character XML forbids.
    import random

    pick = random.Random(12)
    pieces = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#227;", "&#7883;", "&#x41;", "&#X41;", "&#xe3;", "&#0227;",
              "&amp", "&#;", "&#x;", "&nbsp;", "&", "&&", "&#12a;", "&# 12;", "&#+12;", "&#-12;", "&#1_0;", "&#١٢;",
              "&#x_1;", "&;", "&amp;lt;", ";", "#12;", "a", "Phường ", "Hà Nội", "x", " "]
    texts = ["".join(pick.choice(pieces) for _ in range(pick.randrange(1, 8))) for _ in range(5000)]
    texts += ["Ph&#432;&#7901;ng C&#7889;ng V&#7883;", "&#0;", "&#1;", "&#xD800;", "&#9;&#10;&#13;", "&#1114111;",
              "&#1114112;", "a&#65535;b", ""]
    refused = 0
    for text in texts:
        raw = text.encode()
        try:
            expected = sheet_scan.ENTITY.sub(sheet_scan._entity, text)
        except sheet_scan.Unusual:
            expected = sheet_scan.Unusual
        try:
            got = sheet_scan.decoded(raw)
        except sheet_scan.Unusual:
            got = sheet_scan.Unusual
        assert got == expected, text
        refused += expected is sheet_scan.Unusual
    assert refused >= 3
    assert sheet_scan.decoded("Ph&#432;&#7901;ng C&#7889;ng V&#7883;".encode()) == "Phường Cống Vị"


def test_rows_of_one_shape_read_in_parts_as_whole_whatever_their_numbers_and_texts(tmp_path):
    # A worker reads a row of a known shape by its row plan: its numbers by a table of "0" … "9999" (else int()),
    # its texts by one map over the kept ones. Rows of one shape whose counts are every kind of number a cell may
    # hold (whole ones under and over 10,000, leading zeros, signs, decimals, exponents, empty) and whose texts
    # repeat or not, with references, read in parts exactly as the workbook read whole; some of another shape
    # mixed among them.
    import random

    pick = random.Random(1212)
    numbers = ["0", "7", "42", "9999", "10000", "123456", "0012", "00", "-3", "+5", "4.0", "1.5", "1e3", "2E1", ".5",
               "", "9998", "1000"]
    texts = ["có", "không", "Qu&#7853;n Ba &#272;&#236;nh", "a &amp; b", " 00001 ", "&lt;x&gt;", "", "Phường X"]
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c>'
              + "".join(f'<c r="{letter}1" t="inlineStr"><is><t>{name}</t></is></c>'
                        for letter, name in zip("BCDEF", ["births", "births_registered", "district",
                                                          "children_total", "staff_assigned"]))
              + "</row>")
    rows = []
    for n in range(2, 1200):
        cells = [f'<c r="A{n}" t="inlineStr"><is><t>{n:05d}</t></is></c>',
                 f'<c r="B{n}"><v>{pick.choice(numbers)}</v></c>', f'<c r="C{n}"><v>{pick.choice(numbers)}</v></c>',
                 f'<c r="D{n}" t="inlineStr"><is><t>{pick.choice(texts + [f"Xã {n}"])}</t></is></c>',
                 f'<c r="E{n}" t="n"><v>{pick.randrange(20000)}</v></c>',
                 f'<c r="F{n}" t="inlineStr"><is><t xml:space="preserve">{pick.choice(texts)}</t></is></c>']
        if n % 37 == 0:
            del cells[4]  # another shape
        rows.append(f'<row r="{n}">' + "".join(cells) + "</row>")
    path = handmade(tmp_path / "numbers.xlsx", [header + "".join(rows)])
    whole = read_whole(path)
    assert isinstance(whole, tuple) and len(whole[0]) == 1198
    values = {value for record in whole[0] for value in record[4].values()}
    assert {0, 7, 9999, 10000, 123456, 12, -3, 5, 4, 1.5, 1000, 20, 0.5, "Quận Ba Đình", "a & b"} <= values
    for size in (1, 250):
        assert read_in_parts(path, size) == whole


def test_a_sheet_is_ordered_when_every_rows_cells_go_rightwards():
    # IndexedSheet.ordered: the parent then looks for a row's unit code cell in the row alone (one cell of a
    # column at most), else through every code cell of the sheet, the last of a row kept (as openpyxl keeps it).
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData>')
    rows = {True: '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="AB1"><v>3</v></c></row>'
                  '<row r="2"><c r="B2"><v>1</v></c></row><row r="3"/>',
            False: '<row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c></row>'}
    rows[False] = rows[True] + rows[False].replace('r="1"', 'r="4"').replace("A1", "A4")
    default = sheet_scan.SHAPE_FROM
    for ordered, written in rows.items():
        for shape_from in (1, default):  # rows checked by a shape's pattern, or by SAFE_ROW
            sheet_scan.SHAPE_FROM = shape_from
            try:
                indexed = sheet_scan.index_sheet((head + written + "</sheetData></worksheet>").encode(), 0)
            finally:
                sheet_scan.SHAPE_FROM = default
            assert indexed.ordered is ordered
    assert sheet_scan.index_sheet((head + '<row r="5"><c r="B5"><v>1</v></c><c r="A5"><v>1</v></c></row>'
                                   "</sheetData></worksheet>").encode(), 0).ordered is False


def test_a_row_holding_its_code_cell_twice_is_read_by_the_last(tmp_path):
    # openpyxl keeps the last cell written for a column: a row whose unit code cell comes twice has the second's
    # code (one also given further down: both rows named as repeated; a note, not the code written before it,
    # which is also given further down), in a sheet the parent indexes as in one read whole.
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>births</t></is></c></row>')
    rows = [f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{n:05d}</t></is></c><c r="B{n}"><v>{n}</v></c></row>'
            for n in range(2, 40)]
    rows[5] = ('<row r="7"><c r="A7" t="inlineStr"><is><t>00030</t></is></c><c r="B7"><v>7</v></c>'
               '<c r="A7" t="inlineStr"><is><t>00020</t></is></c></row>')
    rows[6] = ('<row r="8"><c r="A8" t="inlineStr"><is><t>00031</t></is></c><c r="B8"><v>8</v></c>'
               '<c r="A8" t="inlineStr"><is><t>Ghi chú</t></is></c></row>')
    path = handmade(tmp_path / "twice.xlsx", [header + "".join(rows)])
    whole = read_whole(path)
    assert isinstance(whole, tuple) and len(whole[0]) == 38
    assert read_in_parts(path, 250) == whole
    found = loading.plan([path], CRITERIA)
    assert [place.number for place in found.duplicates["00020"]] == [7, 20]
    assert "00030" not in found.duplicates and "00031" not in found.duplicates
