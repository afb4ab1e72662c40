"""Every .xlsx cfc writes goes through here: cells that cannot turn into formulas, a sheet that looks finished
(bold header, frozen header row, filters, column widths, A4 landscape with the header repeated on every printed
page), and the same bytes for the same content (fixed document dates, fixed zip entry dates).

Text from input (a unit's name, a file name, a value given) is data, never a formula: a string that starts with
=, +, -, @ (or a tab or carriage return, which some programs strip before reading the rest) is stored as a text
cell with Excel's "quote prefix" style, so neither opening nor editing the cell evaluates it.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any, Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from engine.atomic import atomic_path
from engine.results.cells import is_formula_like

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")
# The date written into docProps/core.xml and on every zip entry: identical input gives identical bytes.
FIXED_TIMESTAMP = "2000-01-01T00:00:00Z"
FIXED_ZIP_DATE = (2000, 1, 1, 0, 0, 0)


def make_safe(cell) -> None:
    """A cell holding formula-like text keeps it as text (for a normal or a write-only cell)."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


# Characters an .xlsx cell cannot hold (XML 1.0 forbids most control characters): a unit name read from a file
# may carry them; they are written as visible escapes (\x1b) instead of failing the whole workbook.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _storable(value: Any) -> Any:
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)
    return value


def safe_row(sheet, values: Iterable[Any]) -> list:
    """A row for a write-only sheet: plain values (control characters escaped), with formula-like text wrapped
    in protected cells."""
    row = []
    for value in map(_storable, values):
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet, value)
            make_safe(cell)
            row.append(cell)
        else:
            row.append(value)
    return row


def header_row(sheet, labels: Iterable[str]) -> list:
    """Header cells for a write-only sheet: bold, shaded, wrapped."""
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, label)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        make_safe(cell)
        cells.append(cell)
    return cells


def width_for(label: str, values: Iterable[Any] = ()) -> float:
    """A column width (in characters) that shows the header on at most two lines and the values whole."""
    longest_word = max((len(word) for word in str(label).split()), default=0)
    header = max(longest_word, len(str(label)) / 2)
    content = max((len(_shown(v)) for v in values), default=0)
    return float(min(max(header, content, 6) + 2, 60))


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def set_widths(sheet, widths: Iterable[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def finish_layout(sheet, columns: int, header_rows: int = 1) -> None:
    """Freeze the header, repeat it on every printed page, A4 landscape fitted to the page width. For a
    write-only sheet call this before the first row is appended (the views are written first)."""
    sheet.freeze_panes = f"A{header_rows + 1}"
    sheet.print_title_rows = f"1:{header_rows}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.gridLines = True


def set_filter(sheet, columns: int, rows: int, header_row_number: int = 1) -> None:
    """Filters on the header row over every written row (a write-only sheet: call before saving)."""
    if columns:
        sheet.auto_filter.ref = f"A{header_row_number}:{get_column_letter(columns)}{max(rows, header_row_number)}"


def style_header(sheet, columns: int, row: int = 1) -> None:
    """Bold, shaded, wrapped header cells of a normal (not write-only) sheet."""
    for column in range(1, columns + 1):
        cell = sheet.cell(row, column)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN


def save_workbook(workbook, path: str | Path) -> Path:
    """Save atomically and reproducibly: the same workbook content gives the same bytes on every run."""
    workbook.properties.creator = "cfc"
    workbook.properties.lastModifiedBy = "cfc"
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = reproducible(buffer.getvalue())
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(data)
    return Path(path)


_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def reproducible(xlsx: bytes) -> bytes:
    """The same package with the document dates and every zip entry's date fixed (openpyxl stamps both with
    the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _DATES.sub(rb"\g<1>" + FIXED_TIMESTAMP.encode() + rb"\g<3>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()
