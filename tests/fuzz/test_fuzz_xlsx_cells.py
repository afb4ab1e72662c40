"""Fuzz the streaming cell reader against openpyxl's read-only reader (the reader it replaced): any cells, typed
or text, with number formats (dates, times, durations, percentages), formulas, gaps and hidden sheets, read
to the same values of the same types and the same formula cells."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from fuzz_support import HOSTILE, examples

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_xlsx_cells import assert_same_cells  # noqa: E402  (the comparison both test files make)

FORMATS = ["General", "0", "0.00", "0%", "dd/mm/yyyy", "yyyy-mm-dd hh:mm", "h:mm:ss", "[h]:mm", "@", "mm-dd-yy"]
values = (st.sampled_from([h for h in HOSTILE if not ILLEGAL_CHARACTERS_RE.search(h)])
          | st.integers(-10**15, 10**15) | st.floats(allow_nan=False, allow_infinity=False) | st.booleans()
          | st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1))
          | st.sampled_from(["=1+1", "=A1", "#DIV/0!", "#N/A", None]))
cells = st.dictionaries(st.tuples(st.integers(1, 30), st.integers(1, 12)), st.tuples(values, st.sampled_from(FORMATS)),
                        max_size=40)


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")  # openpyxl, the reference, says it
@examples(40, share=0.1)
@given(sheets=st.lists(cells, min_size=1, max_size=3), hidden=st.booleans())
def test_any_cells_read_as_openpyxl_reads_them(tmp_path_factory, sheets, hidden):
    book = Workbook()
    for index, content in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet(f"Trang {index}")
        for (row, column), (value, number_format) in sorted(content.items()):
            cell = sheet.cell(row, column, value)
            cell.number_format = number_format
        if index and hidden:
            sheet.sheet_state = "hidden"
    path = tmp_path_factory.mktemp("xlsx") / "cells.xlsx"
    book.save(path)
    assert_same_cells(path)
