"""summary.xlsx: one sheet per summary table, finished for a provincial office (results/sheets.py: bold frozen
header, filters, widths, A4 landscape with the header on every page, formula-safe text, reproducible bytes).
Numbers stay numbers: rates rounded to two decimals and shown with two decimals (the reader's spreadsheet
program shows its own decimal separator)."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from engine.aggregate.tables import SHEETS, Summary
from engine.results.cells import is_formula_like

# Columns holding a rate, a difference of rates or a mean: two decimals. Others are counts or text.
DECIMAL_WORDS = ("(%)", "(điểm %)", "Điểm trung bình")


def _value(value):
    """A value as the column-width estimate sees it: NaN and None blank."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else value


def write_workbook(summary: Summary, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from engine.results import sheets as look

    workbook = Workbook(write_only=True)  # streamed: the national list of units is tens of thousands of rows
    for key, sheet_name in SHEETS.items():
        table = summary.tables[key]
        sheet = workbook.create_sheet(sheet_name)
        columns = [str(c) for c in table.columns]
        if key == "notes":  # sentences: one wide column, wrapped
            look.set_widths(sheet, [120])
        else:
            look.set_widths(sheet, [look.width_for(c, table[c].head(500).map(_value)) for c in table.columns])
        look.finish_layout(sheet, len(columns))  # a streamed sheet writes its views first
        sheet.append(look.header_row(sheet, columns))
        shown = table.copy()
        for column in shown.columns:
            if any(word in str(column) for word in DECIMAL_WORDS):
                shown[column] = pd.to_numeric(shown[column]).round(2)
        # Rows holding formula-like text, found column by column (a national list has tens of thousands of rows)
        risky = pd.Series(False, index=shown.index)
        for column in shown.columns:
            if not pd.api.types.is_numeric_dtype(shown[column]):
                risky |= shown[column].map(is_formula_like)
        # Python values, blanks as None: what openpyxl writes as numbers, text or an empty cell
        values_by_row = shown.astype(object).where(shown.notna(), None).to_numpy().tolist()
        for values, wrap in zip(values_by_row, risky.tolist()):
            if key == "notes":
                cell = WriteOnlyCell(sheet, values[0])
                cell.alignment = look.WRAP
                values = [cell]
            sheet.append(look.safe_row(sheet, values) if wrap or key == "notes" else values)
        look.set_filter(sheet, len(columns), len(table) + 1)
    workbook.properties.title = "Tổng hợp kết quả đánh giá xã, phường, thị trấn phù hợp với trẻ em"
    return look.save_workbook(workbook, path)
