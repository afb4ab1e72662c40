"""Fuzz the workbook reader: workbooks with hostile cells (typed numbers, NaN, dates, booleans, formulas,
long text), title, totals, notes and blank rows, hidden sheets; and valid workbooks with bytes changed. No
traceback; every data row is a unit or named in a warning (count in = count out)."""
from __future__ import annotations

import datetime as dt
import io

from hypothesis import given, strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from fuzz_support import CRITERIA, HOSTILE, INPUTS, UNIT, account, examples, warned_rows

LABELS = {decl.name: decl.label.vi for decl in CRITERIA.inputs}
cell_values = (st.sampled_from([h for h in HOSTILE if not ILLEGAL_CHARACTERS_RE.search(h)])
               | st.integers(-10**15, 10**15) | st.floats() | st.booleans()
               | st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)))
rows = st.lists(st.dictionaries(st.sampled_from(INPUTS), cell_values, max_size=5), min_size=1, max_size=5)
extras = st.lists(st.tuples(st.integers(0, 6), st.sampled_from(["blank", "totals", "notes", "sums", "header"])),
                  max_size=3)
# Cells as offices shape them (issue 21): merged down a column over units, formatted as percentages.
shapes = st.fixed_dictionaries({
    "merges": st.lists(st.tuples(st.integers(0, len(INPUTS) - 1), st.integers(0, 4), st.integers(2, 3)), max_size=2),
    "percents": st.lists(st.tuples(st.integers(0, 4), st.integers(0, len(INPUTS) - 1),
                                   st.sampled_from(["0%", "0.00%", '0"%"'])), max_size=3),
})


def _shape(sheet, data_rows: list[int], shapes: dict) -> None:
    for column, first, length in shapes["merges"]:
        rows = data_rows[first:first + length]
        if len(rows) == length and rows[-1] - rows[0] == length - 1:  # units one under the other
            sheet.merge_cells(start_row=rows[0], start_column=column + 1, end_row=rows[-1], end_column=column + 1)
    for at, column, fmt in shapes["percents"]:
        if at < len(data_rows):
            sheet.cell(data_rows[at], column + 1).number_format = fmt


def workbook(rows, extras, labels: bool, title: bool, hidden: bool, shapes: dict | None = None
             ) -> tuple[bytes, list[int]]:
    """The workbook's bytes and the sheet row numbers that hold a unit."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    if title:
        sheet.append(["Báo cáo tự đánh giá"])
    sheet.append([LABELS[n] if labels else n for n in INPUTS])
    lines = []
    for number, row in enumerate(rows):
        values = [UNIT[n] for n in INPUTS]
        values[0] = f"{number:05d}"
        for name, value in row.items():
            values[INPUTS.index(name)] = value
        lines.append(("unit", values))
    for at, kind in extras:
        values = {"blank": [], "totals": ["Tổng cộng"] + [10] * 5, "notes": ["Ghi chú: số liệu giả định"],
                  "sums": [None, None] + [10] * 5, "header": list(INPUTS)}[kind]
        lines.insert(min(at, len(lines)), (kind, values))
    data_rows = []
    for kind, values in lines:
        sheet.append(values)
        if kind == "unit":
            data_rows.append(sheet.max_row)
    if shapes:
        _shape(sheet, data_rows, shapes)
    if hidden:
        other = book.create_sheet("Ẩn")
        other.append(INPUTS)
        other.append([UNIT[n] for n in INPUTS])
        other.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), data_rows


@examples(40, share=0.1)
@given(rows=rows, extras=extras, labels=st.booleans(), title=st.booleans(), hidden=st.booleans(),
       read_hidden=st.booleans(), shapes=shapes)
def test_workbook_with_hostile_cells(tmp_path_factory, rows, extras, labels, title, hidden, read_hidden, shapes):
    data, data_rows = workbook(rows, extras, labels, title, hidden, shapes)
    path = tmp_path_factory.mktemp("xlsx") / "units.xlsx"
    path.write_bytes(data)
    found = account(path, hidden_sheets=read_hidden)
    assert found is not None
    records, warnings = found
    main = [r for r in records if r.sheet == "Danh sách"]
    numbers = {r.number for r in main}
    assert numbers <= set(data_rows)  # a totals, notes or blank row is never a unit
    assert set(data_rows) <= numbers | warned_rows(warnings)  # a unit row is evaluated or named
    assert len(records) - len(main) == (1 if hidden and read_hidden else 0)


@examples(40, share=0.1)
@given(rows=rows, flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1,
                                   max_size=8))
def test_workbook_bytes_changed(tmp_path_factory, rows, flips):
    data, _ = workbook(rows, [], False, False, False)
    data = bytearray(data)
    for where, byte in flips:
        data[int(where * len(data))] = byte
    path = tmp_path_factory.mktemp("xlsx") / "units.xlsx"
    path.write_bytes(bytes(data))
    account(path)
