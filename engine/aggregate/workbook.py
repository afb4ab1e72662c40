"""summary.xlsx: one sheet per summary table, finished for a provincial office (results/sheets.py: bold frozen
header, filters, widths, A4 landscape with the header on every page, formula-safe text, reproducible bytes).
Numbers stay numbers: rates rounded to two decimals and shown with two decimals (the reader's spreadsheet
program shows its own decimal separator)."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from engine.aggregate.tables import Summary, sheets_of

# Columns holding a rate, a difference of rates or a mean: two decimals. Others are counts or text.
DECIMAL_WORDS = ("(%)", "(điểm %)", "Điểm trung bình")


def _value(value):
    """A value as the column-width estimate sees it: NaN and None blank."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else value


def write_workbook(summary: Summary, path: Path) -> Path:
    from engine.results import sheets as look

    # streamed: the national list of units is tens of thousands of rows
    workbook = look.new_workbook("Tổng hợp kết quả đánh giá xã, phường, thị trấn phù hợp với trẻ em")
    for key, sheet_name in sheets_of(summary.tables).items():
        table = summary.tables[key]
        columns = [str(c) for c in table.columns]
        if key == "notes":  # sentences: one wide column, wrapped
            widths = [120]
        else:
            widths = [look.width_for(c, table[c].head(500).map(_value)) for c in table.columns]
        sheet = look.table(workbook, sheet_name, columns, widths)
        shown = table.copy()
        for column in shown.columns:
            if any(word in str(column) for word in DECIMAL_WORDS):
                shown[column] = pd.to_numeric(shown[column]).round(2)
        # Python values, blanks as None: what the writer writes as numbers, text or an empty cell
        for values in shown.astype(object).where(shown.notna(), None).to_numpy().tolist():
            sheet.append(values, wrap=key == "notes")
    return look.save_streamed(workbook, path)
