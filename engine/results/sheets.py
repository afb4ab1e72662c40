"""Every .xlsx cfc writes goes through here: cells that cannot turn into formulas, a sheet that looks finished
(bold header, frozen header row, filters, column widths, A4 landscape with the header repeated on every printed
page), and the same bytes for the same content (fixed document dates, fixed zip entry dates).

The workbooks written in bulk (results.xlsx, summary.xlsx) are streamed by results/xlsx_writer.py, which writes
the SpreadsheetML itself (openpyxl's write-only mode cost ~8 µs a cell, most of `--output DIR`'s time). The
small input form (forms/template.py: data validation, several styles) is built with openpyxl and saved by
`save_workbook`.

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

from engine.atomic import atomic_path
from engine.results.cells import is_formula_like
from engine.results.xlsx_writer import FIXED_TIMESTAMP, Sheet, StreamingWorkbook, zip_entry


def new_workbook(title: str | None = None) -> StreamingWorkbook:
    """A streamed workbook; `table` adds its sheets, `StreamingWorkbook.write` saves it to a (temporary) path."""
    return StreamingWorkbook(title)


def table(workbook: StreamingWorkbook, name: str, header: Iterable[Any], widths: Iterable[float],
          printed: int | None = None) -> Sheet:
    """A finished sheet with its header row written: append the data rows with `Sheet.append`. `printed`: the
    printed page holds the first `printed` columns only (wrap the rows, see Sheet.append)."""
    sheet = workbook.add_sheet(name, widths, printed)
    sheet.header(header)
    return sheet


def save_streamed(workbook: StreamingWorkbook, path: str | Path) -> Path:
    """Write a streamed workbook atomically: the file appears whole or not at all."""
    with atomic_path(path) as tmp:
        workbook.write(tmp)
    return Path(path)


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


def save_workbook(workbook, path: str | Path) -> Path:
    """Save atomically and reproducibly: the same workbook content gives the same bytes on every run."""
    data = workbook_bytes(workbook)
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(data)
    return Path(path)


def workbook_bytes(workbook) -> bytes:
    """An openpyxl workbook as .xlsx bytes, formula-safe and reproducible: the one way cfc saves one (the form
    of `cfc template` and of the page). openpyxl makes any text starting with = a formula: every formula-like
    text (results/cells.py) is made a text cell with the quote prefix, as in the streamed workbooks. cfc's
    openpyxl workbooks hold no formula of their own."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or is_formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    workbook.properties.creator = "cfc"
    workbook.properties.lastModifiedBy = "cfc"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible(buffer.getvalue())


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
            target.writestr(zip_entry(info.filename), content)
    return out.getvalue()
