"""engine/results/xlsx_stream.py: the results workbook writer. What it writes opens in openpyxl and
python-calamine with the values given, text stays text (never a formula), and the same rows give the same
bytes."""
from __future__ import annotations

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from engine.results.xlsx_stream import XlsxStream

ROWS = [["Mã đơn vị", "Tổng điểm", "Đạt", "Ghi chú"],
        ["00123", 855, True, "=HYPERLINK(\"http://x\",\"bấm\")"],
        ["00124", 12.5, False, None],
        ["00125", None, None, "+cmd|' /C calc'!A0"],
        ["bell\x07 and NUL\x00", -1, None, "@SUM(A1:A2) & <tag> \"quoted\""]]


def write(path, rows=ROWS):
    stream = XlsxStream()
    for row in rows:
        stream.append("Kết quả", row)
    stream.append("Cần cải thiện", ["Mã đơn vị"])
    stream.save(path)
    stream.close()


def test_values_read_back_as_written(tmp_path):
    path = tmp_path / "r.xlsx"
    write(path)
    sheet = load_workbook(path)["Kết quả"]
    got = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert got[:4] == ROWS[:4]
    assert got[4] == ["bell\ufffd and NUL\ufffd", -1, None, "@SUM(A1:A2) & <tag> \"quoted\""]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula, ever
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert load_workbook(path).sheetnames == ["Kết quả", "Cần cải thiện"]
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Kết quả").to_python()
    assert rows[1][:3] == ["00123", 855, True] or rows[1][:3] == ["00123", 855.0, True]


def test_the_same_rows_give_the_same_bytes(tmp_path):
    write(tmp_path / "a.xlsx")
    write(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
