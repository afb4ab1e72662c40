"""A workbook's cells in one streaming pass per sheet, as openpyxl's read-only reader gives them, at a fraction
of its cost.

openpyxl still reads the workbook's structure (content types, workbook part, sheets and their states, the
stylesheet's date formats, the 1904 calendar), so damaged or unusual packages fail or pass exactly as before.
Only the two costly parts are read here: the shared strings and each sheet's <sheetData>. openpyxl builds a dict
and a rich-text object per cell and parses a sheet without a <dimension> element twice; a national workbook of
10,600 rows took twelve times as long to read as the same CSV. A sheet in the plain shape is read by the byte
scanner of sheet_scan.py, any other by the XML parser (xml.etree, element by element); both give (r, cells) rows
that `_build` places and types. The value rules are openpyxl 3.1's (worksheet/_reader.py `parse_cell`,
reader/strings.py, cell/text.py `Text.content`), line for line; the tests compare both ways with openpyxl cell
for cell.

Each sheet's extent (the last row and column holding anything) is found in the same pass, and rows are only
built while it stays within limits.py, so a value at XFD1048576 costs no memory before it is refused.

Beside the values (exactly openpyxl's), two things a value alone does not say are kept for the reader to name:
the cells whose number format shows a percentage (100% holds 1) and the merged ranges (a district merged down
several rows holds its value in the first cell only).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any, Iterator
from xml.etree.ElementTree import XMLPullParser

from engine.readers.openpyxl_import import import_openpyxl

import_openpyxl()  # before any module of openpyxl: it is imported without numpy (see there)
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, builtin_format_code
from openpyxl.styles.stylesheet import Stylesheet, apply_stylesheet
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import ARC_STYLE, SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring

from engine import limits
from engine.readers import sheets_ahead
from engine.readers.sheet_scan import IndexedSheet, Unusual, index_sheet, scanned_rows

MAIN = "{%s}" % SHEET_MAIN_NS
ROW, CELL, VALUE, FORMULA, INLINE, MERGE = (MAIN + tag for tag in ("row", "c", "v", "f", "is", "mergeCell"))
STRING_ITEM, TEXT = MAIN + "si", MAIN + "t"
CHUNK = 1 << 16
DIGITS = "0123456789"


@dataclass
class SheetPart:
    title: str
    state: str  # "visible", "hidden" or "veryHidden"
    path: str   # the worksheet's part in the zip


@dataclass
class SheetCells:
    """One sheet's values as rows (row 1 first; each row as long as its last cell read), the (row, column) of
    every formula cell (1-based), and its extent: the last row and column of a cell holding anything."""

    rows: list[list] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    extent: tuple[int, int] = (0, 0)
    percents: set[tuple[int, int]] = field(default_factory=set)  # numbers shown as a percentage (1 as 100%)
    merged: list[str] = field(default_factory=list)               # merged ranges as written: "C3:C7"

    def grid(self) -> list[list]:
        """The rows up to the extent, each exactly as wide as the extent: what openpyxl's
        `iter_rows(max_row=rows, max_col=columns, values_only=True)` gives, as lists."""
        height, width = self.extent
        grid = self.rows[:height]
        grid += [[] for _ in range(height - len(grid))]
        for row in grid:
            if len(row) < width:
                row.extend([None] * (width - len(row)))
            else:
                del row[width:]
        return grid


class Workbook:
    """An open workbook: `sheets` in workbook order (chart sheets left out, as openpyxl's `worksheets` does),
    and `cells(sheet)` to read one. Use it in a `with` block; every error is openpyxl's or zipfile's, for the
    caller to turn into one message."""

    def __init__(self, path: Path):
        self._path = path
        self._reader = reader = ExcelReader(path, read_only=True, data_only=True)
        try:
            # The steps of openpyxl's ExcelReader.read, but the shared strings and the worksheets: read here.
            for action, step in (("read manifest", reader.read_manifest), ("read workbook", reader.read_workbook),
                                 ("read properties", reader.read_properties),
                                 ("read custom properties", reader.read_custom), ("read theme", reader.read_theme),
                                 ("read stylesheet", lambda: apply_stylesheet(reader.archive, reader.wb))):
                try:
                    step()
                except ValueError as error:
                    raise ValueError(
                        f"Unable to read workbook: could not {action} from {reader.archive.filename}.\n"
                        "This is most probably because the workbook source files contain some invalid XML.\n"
                        "Please see the exception for more details.") from error
            self._epoch = reader.wb.epoch
            # The cell styles that show dates, durations and percentages, from openpyxl's own reading of the
            # stylesheet (its public Stylesheet: the same formats apply_stylesheet gives the workbook).
            styles = _stylesheet(reader.archive)
            cell_styles = styles.cell_styles if styles is not None else []
            self._dates = set(styles.date_formats) if cell_styles else set()
            self._durations = set(styles.timedelta_formats) if cell_styles else set()
            self._percents = _percent_styles(cell_styles, list(styles.number_formats) if cell_styles else [])
            self.sheets = [SheetPart(sheet.name, sheet.state, rel.target)
                           for sheet, rel in reader.parser.find_sheets()
                           if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
            self._strings: list[str] | None = None
            self._types: CellTypes | None = None
        except BaseException:
            reader.archive.close()
            raise

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *_) -> None:
        self._reader.archive.close()

    def shared_strings(self) -> list[str]:
        """openpyxl's `read_string_table`: each <si>'s text without formatting or phonetic runs."""
        if self._strings is None:
            self._strings = []
            part = self._reader.package.find(SHARED_STRINGS)
            if part is not None:
                with self._reader.archive.open(part.PartName[1:]) as source:
                    for element in _elements(source, STRING_ITEM):
                        self._strings.append(_text(element).replace("x005F_", ""))
                        element.clear()
        return self._strings

    def types(self) -> "CellTypes":
        """What gives each cell of this workbook its value (the shared strings read on the first call)."""
        if self._types is None:
            self._types = CellTypes(self.shared_strings(), self._epoch, self._dates, self._durations, self._percents)
        return self._types

    def cells(self, sheet: SheetPart) -> SheetCells:
        """The sheet's values, read once (by the quick scanner when the sheet is in the plain shape, else by
        the XML parser); rows stop being built (the extent is still measured to the end) once it passes what
        cfc reads, so the caller can refuse the sheet naming its last cell."""
        types = self.types()
        try:
            merged: list[str] = []
            with self._reader.archive.open(sheet.path) as source:
                cells = types.build(scanned_rows(source, _BYTE_COLUMNS, merged))
            cells.merged = merged
            return cells
        except (Unusual, UnicodeDecodeError):
            pass
        return self.parsed(sheet)

    def parsed(self, sheet: SheetPart) -> SheetCells:
        """The sheet's values by the XML parser (any sheet openpyxl reads)."""
        merged: list[str] = []
        with self._reader.archive.open(sheet.path) as source:
            cells = self.types().build(_tree_rows(source, merged))
        cells.merged = merged
        return cells

    def indexed(self, sheet: SheetPart) -> IndexedSheet:
        """The sheet kept as stored, each row's place in it known, its rows read later (xlsx_units.py); raises
        Unusual when the sheet is not in the plain shape, or may lie beyond limits.py (cells() then reads it
        and measures it exactly)."""
        with self._reader.archive.open(sheet.path) as source:  # a damaged package fails in the order it did:
            strings = len(self.shared_strings())                # the part's header, the strings, its CRC-32
            data = sheets_ahead.take(self._path, self._reader.archive.getinfo(sheet.path)) or source.read()
        indexed = index_sheet(data, strings)
        height = indexed.rows[-1][0] if indexed.rows else 0
        if height > limits.MAX_SHEET_ROWS or not indexed.within(
                min(limits.MAX_SHEET_COLUMNS, limits.MAX_SHEET_CELLS // max(height, 1))):
            raise Unusual
        return indexed

    def _build(self, found: Iterator[tuple[str | None, list[tuple]]], strings: list[str]) -> SheetCells:
        return CellTypes(strings, self._epoch, self._dates, self._durations, self._percents).build(found)


@dataclass
class CellTypes:
    """What gives a workbook's cells their values: its shared strings, its calendar, the cell styles that show
    dates, durations and percentages. Plain data: a worker forked after the workbook was read holds it."""

    strings: list[str]
    epoch: Any
    dates: set[int]
    durations: set[int]
    percents: set[int]

    def build(self, found: Iterator[tuple[str | None, list[tuple]]]) -> SheetCells:
        """Rows as openpyxl's read-only `iter_rows` places them, from (r, cells) as the readers give them."""
        out = SheetCells()
        rows, formulas, percents = out.rows, out.formulas, out.percents
        height = width = row_number = 0
        building = True
        for number, cells in found:
            row_number = row_number + 1 if number is None else _row_number(number)
            values, last, formula_columns, percent_columns = self.row(cells)
            for column in formula_columns:
                formulas.add((row_number, column))
            for column in percent_columns:
                percents.add((row_number, column))
            if last:
                height, width = max(height, row_number), max(width, last)
                if building and (height > limits.MAX_SHEET_ROWS or width > limits.MAX_SHEET_COLUMNS
                                 or height * width > limits.MAX_SHEET_CELLS):
                    building = False  # measured to the end for the message, never built
                    rows.clear()
            if building and len(rows) < row_number <= limits.MAX_SHEET_ROWS:
                # openpyxl skips a row numbered at or above one already read (out of order, repeated)
                rows.extend([] for _ in range(row_number - 1 - len(rows)))
                rows.append(values)
        out.extent = (height, width)
        return out

    def row(self, cells: list[tuple]) -> tuple[list, int, list[int], list[int]]:
        """One row's values as openpyxl places them (each as long as its last cell holding anything), the last
        such column (0: none), and the columns of its formulas and of its numbers shown as percentages."""
        values: list = []
        last = 0
        formulas: list[int] = []
        percents: list[int] = []
        value_of, percent_styles = self.value, self.percents
        for column, kind, style, raw, formula in cells:
            if kind is None:
                if column <= len(values):
                    values[column - 1] = None  # openpyxl lets an empty cell overwrite an earlier one
                continue  # <c r="B2" s="3"/>: formatting only, not part of the extent
            value = value_of(kind, style, raw)
            if formula:
                formulas.append(column)
            if percent_styles and kind == "n" and style is not None and int(style) in percent_styles:
                percents.append(column)
            if column > last:
                last = column
            if column == len(values) + 1:
                values.append(value)
            elif column > len(values):
                values.extend([None] * (column - 1 - len(values)))
                values.append(value)
            else:
                values[column - 1] = value
        return values, last, formulas, percents

    def value(self, kind: str, style: str | None, raw: str | None) -> Any:
        """openpyxl's `parse_cell` with data_only: the value saved with the file, typed by the cell's t."""
        if kind == "inlineStr" or raw is None:
            return raw
        if kind == "n":
            value = float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
            style_id = int(style) if style else 0  # no s: style 0, a date format in some workbooks
            if style_id in self.dates:
                try:
                    return from_excel(value, self.epoch, timedelta=style_id in self.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"  # a date serial out of range: openpyxl's error value
            return value
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        return raw  # "str" (a formula's text), "e" (#DIV/0!, #N/A …): the text as saved


def _stylesheet(archive) -> Stylesheet | None:
    """The workbook's stylesheet as openpyxl reads it (None: the workbook has none)."""
    try:
        source = archive.read(ARC_STYLE)
    except KeyError:
        return None
    return Stylesheet.from_tree(fromstring(source))


def _percent_styles(cell_styles, custom: list[str]) -> set[int]:
    """The cell styles (indexes of cellXfs) whose number format shows a number as a percentage: a % outside
    quotes and not escaped ("0%", "0.00%"; not 0"%" nor 0\\%, which only print the sign). `custom`: the
    stylesheet's own formats, numbered from BUILTIN_FORMATS_MAX_SIZE."""
    found = set()
    for index, style in enumerate(cell_styles):
        number = style.numFmtId
        code = builtin_format_code(number) if number < BUILTIN_FORMATS_MAX_SIZE else (
            custom[number - BUILTIN_FORMATS_MAX_SIZE] if number - BUILTIN_FORMATS_MAX_SIZE < len(custom) else None)
        if code and "%" in code:
            bare = re.sub(r'"[^"]*"|\\.', "", code)
            if "%" in bare:
                found.add(index)
    return found


def _tree_rows(source, merged: list[str] | None = None) -> Iterator[tuple[str | None, list[tuple]]]:
    """Each row as (r, [(column, t or None for a cell without content, s, value text, has a formula)]), by the
    XML parser: any sheet openpyxl reads. The merged ranges (after the rows) go into `merged`."""
    for row in _elements(source, (ROW, MERGE)):
        if row.tag == MERGE:
            if merged is not None and row.get("ref"):
                merged.append(row.get("ref"))
            continue
        cells = []
        column = 0
        for cell in row:
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip(DIGITS)
                column = (len(letters) < len(ref) and _COLUMNS.get(letters)) or coordinate_to_tuple(ref)[1]
            else:
                column += 1
            children = len(cell)
            if not children:
                cells.append((column, None, None, None, False))
                continue
            kind = cell.get("t", "n")
            if kind == "inlineStr":
                child = cell.find(INLINE)
                raw = None if child is None else _text(child)
            else:
                raw = cell.findtext(VALUE) or None
            formula = (children > 1 or raw is None) and cell.find(FORMULA) is not None
            cells.append((column, kind, cell.get("s"), raw, formula))
        yield row.get("r"), cells
        row.clear()


def _row_number(number: str) -> int:
    try:
        return int(number)
    except ValueError:
        as_float = float(number)  # openpyxl accepts r="7.0"
        if not as_float.is_integer():
            raise ValueError(f"{number} is not a valid row number") from None
        return int(as_float)


def _elements(source, tag: str | tuple[str, ...]):
    """Each complete `tag` element (or one of the tags) of an XML stream, parsed in C and handed over one at a
    time (the caller clears it, so a sheet never sits in memory as a tree)."""
    tags = (tag,) if isinstance(tag, str) else tag
    parser = XMLPullParser(("end",))
    while chunk := source.read(CHUNK):
        parser.feed(chunk)
        for _, element in parser.read_events():
            if element.tag in tags:
                yield element
    parser.close()
    for _, element in parser.read_events():
        if element.tag in tags:
            yield element


def _text(element) -> str:
    """openpyxl's `Text.from_tree(element).content`: the last <t> child, then each run's last <t>, joined;
    phonetic runs (<rPh>) left out. Children are matched by local name, whatever their namespace."""
    if len(element) == 1 and element[0].tag == TEXT:
        return element[0].text or ""  # the common case: one plain <t>
    plain, runs = None, []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            text = None
            for part in child:
                if _local(part.tag) == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    return (plain or "") + "".join(runs)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _column_names() -> dict[str, int]:
    """A → 1 … ZZZ → 18,278, the references openpyxl accepts."""
    letters = [chr(65 + i) for i in range(26)]
    names = [*letters, *map("".join, product(letters, repeat=2)), *map("".join, product(letters, repeat=3))]
    return dict(zip(names, range(1, len(names) + 1)))


_COLUMNS = _column_names()
_BYTE_COLUMNS = {name.encode(): number for name, number in _COLUMNS.items()}
