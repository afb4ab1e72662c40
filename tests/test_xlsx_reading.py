"""Workbooks are read once: values and their cell references are the ones the spreadsheet shows, wherever the
table starts, and a workbook in a batch is parsed a single time."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook, load_workbook

from engine import loading
from engine.readers import read_records, sheet_cells, xlsx
from engine.criteria.model import load_criteria

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = load_criteria()


def test_values_and_cells_match_openpyxl_wherever_the_table_starts(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Số liệu"
    sheet["A1"] = "Báo cáo năm 2024"
    sheet.merge_cells("A1:D1")
    names = ["unit_code", "unit_name", "births", "births_registered", "period", "staff_assigned"]
    for column, name in enumerate(names, start=3):  # the table starts at C4, below a title and blank rows
        sheet.cell(4, column, name)
    sheet.append([])
    rows = [["00123", "Xã A", 40, 41.0, dt.date(2024, 12, 31), True], ["00124", "Xã B", 12.5, "", None, "có"]]
    for number, row in enumerate(rows, start=6):
        for column, value in enumerate(row, start=3):
            sheet.cell(number, column, value)
    path = tmp_path / "offset.xlsx"
    workbook.save(path)
    records = read_records(path, CRITERIA)
    assert [r.number for r in records] == [6, 7]
    assert records[0].cells["births"] == "E6" and records[1].cells["unit_code"] == "C7"
    # Each row's cells are written out when asked, from letters shared by the sheet's rows: the same mapping a
    # dict would be, on both sides of a worker's pipe.
    import pickle
    assert dict(records[1].cells) == {name: f"{letter}7" for name, letter in zip(names, "CDEFGH")}
    assert records[1].cells.get("births") == "E7" and records[1].cells.get("nothing") is None
    assert records[0].cells.letters is records[1].cells.letters
    again = pickle.loads(pickle.dumps(records))
    assert [dict(r.cells) for r in again] == [dict(r.cells) for r in records] and again[1].cells == records[1].cells
    assert records[0].data["births_registered"] == 41  # Excel's 41.0 is the count 41
    assert records[0].data["period"] == "2024-12-31" and records[0].data["staff_assigned"] is True
    assert records[1].data["births"] == 12.5 and records[1].data["births_registered"] is None
    # The same grid openpyxl reads (the reader used before), cell for cell: openpyxl gives a date as a
    # datetime at midnight and pads nothing, so both are brought to one form first.
    def plain(value):
        return value.date() if isinstance(value, dt.datetime) and value.time() == dt.time() else value

    def trimmed(rows):
        rows = [[plain(v) for v in row] for row in rows]
        return [row[:max([i + 1 for i, v in enumerate(row) if v is not None], default=0)] for row in rows]
    grid = {title: grid for title, grid, _ in xlsx._sheets(path, str(path), False)}["Số liệu"]
    reference = load_workbook(path, read_only=True).active.iter_rows(values_only=True)
    assert trimmed(grid) == trimmed(reference)


def test_an_error_names_the_cell(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet["B3"], sheet["C3"], sheet["D3"] = "unit_code", "births", "births_registered"
    sheet["B4"], sheet["C4"], sheet["D4"] = "00001", 10, 11
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    unit = __import__("engine.api", fromlist=["evaluate_files"]).evaluate_files(CRITERIA, [path]).units[0]
    assert any("births_registered (cell D4)" in error("en") for error in unit.errors), unit.errors


def test_a_workbook_in_a_batch_is_parsed_once(tmp_path, monkeypatch):
    source = ROOT / "tests" / "fixtures" / "sample-area-saved-by-libreoffice.xlsx"
    calls = []
    original = sheet_cells.Workbook.__init__  # every way of reading a workbook opens it here
    monkeypatch.setattr(sheet_cells.Workbook, "__init__", lambda self, path: calls.append(path) or original(self, path))
    plan = loading.plan([source], CRITERIA)
    first = list(loading.records(plan))
    assert len(calls) == 1 and len(first) == plan.count > 0
    assert [r.where("en") for r in loading.records(plan)] == [r.where("en") for r in first]
    assert len(calls) == 1  # records built again from what the plan kept, the file not opened again
