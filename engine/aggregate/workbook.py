"""summary.xlsx: one sheet per summary table."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from engine.aggregate.tables import SHEETS, Summary
from engine.atomic import atomic_path


PERCENT_WORDS = ("(%)", "(điểm %)", "Điểm trung bình")


def write_workbook(summary: Summary, path: Path) -> Path:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for key, sheet_name in SHEETS.items():
                table = summary.tables[key]
                shown = table.copy()
                for column in shown.columns:
                    if any(word in str(column) for word in PERCENT_WORDS):
                        shown[column] = pd.to_numeric(shown[column]).round(2)
                shown.to_excel(writer, sheet_name=sheet_name, index=False)
                sheet = writer.sheets[sheet_name]
                for index, column in enumerate(shown.columns, start=1):
                    cell = sheet.cell(1, index)
                    cell.font = Font(bold=True)
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    width = max([len(str(column)) // 2 + 2] + [len(str(v)) + 2 for v in shown[column].head(200)])
                    sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 10), 90)
                sheet.freeze_panes = "A2"
    return path


