"""summary.xlsx: one sheet per summary table, finished for a provincial office (results/sheets.py: bold frozen
header, filters, widths, A4 landscape with the header on every page, formula-safe text, reproducible bytes).
Numbers stay numbers: rates rounded to two decimals and shown with two decimals (the reader's spreadsheet
program shows its own decimal separator)."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from engine.aggregate.tables import SHEETS, Summary

# Columns holding a rate, a difference of rates or a mean: two decimals. Others are counts or text.
DECIMAL_WORDS = ("(%)", "(điểm %)", "Điểm trung bình")


def _value(value):
    """A cell value openpyxl writes as the reader expects: NaN and None blank, numpy numbers as Python numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def write_workbook(summary: Summary, path: Path) -> Path:
    from openpyxl import Workbook

    from engine.results import sheets as look

    workbook = Workbook()
    workbook.remove(workbook.active)
    for key, sheet_name in SHEETS.items():
        table = summary.tables[key]
        sheet = workbook.create_sheet(sheet_name)
        columns = [str(c) for c in table.columns]
        sheet.append(columns)
        decimals = [any(word in column for word in DECIMAL_WORDS) for column in columns]
        for row in table.itertuples(index=False):
            values = [_value(v) for v in row]
            values = [round(v, 2) if d and isinstance(v, float) else v for v, d in zip(values, decimals)]
            sheet.append(values)
        for index, column in enumerate(columns, start=1):
            for cells in sheet.iter_cols(min_col=index, max_col=index, min_row=2):
                for cell in cells:
                    look.make_safe(cell)
                    if decimals[index - 1] and isinstance(cell.value, (int, float)):
                        cell.number_format = "0.00"
                    elif isinstance(cell.value, int):
                        cell.number_format = "#,##0"
        look.set_widths(sheet, [look.width_for(c, table[c].head(500).map(_value)) for c in table.columns])
        look.style_header(sheet, len(columns))
        look.finish_layout(sheet, len(columns))
        look.set_filter(sheet, len(columns), sheet.max_row)
        if key == "notes":  # sentences: one wide wrapped column
            sheet.column_dimensions["A"].width = 120
            for cell in sheet["A"][1:]:
                cell.alignment = look.WRAP
    workbook.properties.title = "Tổng hợp kết quả đánh giá xã, phường, thị trấn phù hợp với trẻ em"
    return look.save_workbook(workbook, path)
