"""A workbook read once for a batch, its rows parsed where they are scored (the workbook's CsvUnits).

The parent does only what must be known before any unit is scored: the workbook's structure and every sheet's
extent, each sheet's header or form, which rows are units (every row skipped is warned as xlsx.py warns it) and
each unit's code (so that a code repeated anywhere in the batch is named on every row holding it). A sheet in
the plain shape (sheet_scan.py's IndexedSheet: every cell known to read without error) is kept as stored, each
row's place in it known: its first HEADER_SCAN_ROWS rows are read to find the header (FORM_SCAN_ROWS when those do
not settle whether it is a table or a form), and after that a row whose unit code cell holds plain digits is a
unit without any other cell of it being read. The rows' cells are read, and their records built, by
`WorkbookUnits.records`, in the worker process that scores them (engine/batch.py: a forked worker holds what the
parent read).

Everything else is read as read_xlsx_records reads it, its records kept: a sheet not in the plain shape, a form,
a table whose header runs past FORM_SCAN_ROWS, a table with cells merged down its rows. Records, warnings and
errors are read_xlsx_records' exactly (tests/test_xlsx_units.py compares both on every workbook the tests have).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterator

from engine.readers.openpyxl_import import import_openpyxl

import_openpyxl()  # before any module of openpyxl: it is imported without numpy (see there)
from openpyxl.utils import range_boundaries

from engine.criteria.model import CriteriaSet, default_criteria
from engine.messages import os_reason
from engine.readers.own_files import refuse, results_header
from engine.readers.records import InputFileError, Record, read_options, warn
from engine.readers.sheet_cells import _BYTE_COLUMNS, CellTypes, SheetCells, Workbook
from engine.readers.sheet_scan import (CELL_HEADS, CELLS, IndexedSheet, Unusual, _rows, cell, cell_of, column_cells,
                                       column_pattern, decoded, row_cells)
from engine.readers.xlsx import (BROKEN, FORM_SCAN_ROWS, HEADER_SCAN_ROWS, _check_extent, _check_size, _Columns,
                                 _layout, _Matcher, _not_a_workbook, _read_sheet, _row_score, _Table, cell_value,
                                 plain_code, show_row_percents)
from engine.text import Text


@dataclass
class _Sheet:
    """A sheet kept as stored, for its unit rows to be read later."""

    title: str
    body: bytes
    types: CellTypes

    def __post_init__(self):
        self.special = self.types.dates | self.types.percents  # styles whose numbers are read by CellTypes


@dataclass
class WorkbookUnits:
    """What the parent's read of a workbook found: per unit, in sheet then row order, either its record (a sheet
    read whole) or where its row is — (sheet, row number, where the row starts and ends, the columns it is read
    by) —
    and per unit its unit code cell's value and place."""

    source: str
    sheets: list[_Sheet]
    units: list
    codes: list[tuple[Any, int, str | None]]  # per unit: (its unit code's value, or None; row number; sheet)

    def records(self, start: int, stop: int) -> list[Record]:
        """Units start … stop - 1: a kept record as it is, a row read from the sheet as read_xlsx_records
        reads it."""
        out = []
        for unit in self.units[start:stop]:
            if isinstance(unit, Record):
                out.append(unit)
                continue
            index, number, start, stop, columns = unit
            out.append(_row_record(self.source, self.sheets[index], number, start, stop, columns))
        return out

    def places(self) -> Iterator[tuple[Any, Any]]:
        """(its unit code cell's value, its place: (file, row number, sheet)) per unit; a kept record's place
        is the record (its code read from it)."""
        for (code, number, title), unit in zip(self.codes, self.units):
            yield code, (unit if isinstance(unit, Record) else (self.source, number, title))


def _row_record(source: str, sheet: _Sheet, number: int, start: int, stop: int, columns: _Columns) -> Record:
    """Row `number` (body[start:stop]) read as read_xlsx_records reads it (sheet_cells.CellTypes.row, then
    xlsx.show_row_percents and cell_value), in one pass over its cells: a sheet's cells are all read here."""
    # The plan tried first is the one that has read the most rows: a national sheet's rows nearly all have one
    # shape, a few dozen rows each of some others mixed among them. (Taking the last row's plan instead sent
    # the row after each of those through a failed match and its shape's heads again: ~70 µs each.)
    plan = columns.plans.get(None)
    data = plan.read(sheet, start, stop) if plan else None
    if data is None:
        shape = tuple(CELL_HEADS.findall(sheet.body, start, stop))
        plan = columns.plans.get(shape)
        if plan is None:
            plan = columns.plans[shape] = _RowPlan.of(shape, columns, sheet) if len(columns.plans) < 100 else False
        data = plan.read(sheet, start, stop) if plan else None
        if data is not None:
            first = columns.plans.get(None)
            if first is None or plan.rows > first.rows:
                columns.plans[None] = plan
    if data is not None:
        return columns.record(source, sheet.title, number, data, [])
    types = sheet.types
    found: dict[int, Any] = {}
    formulas: list[int] = []
    exact: list[int] = []  # columns read by CellTypes.value, their value made a record's (cell_value) at the end
    percents: list[int] = []
    for letters, style, kind, formula, value, text, inline in CELLS.findall(sheet.body, start, stop):
        column = _BYTE_COLUMNS[letters]
        if formula:
            formulas.append(column)
        if not value:  # formatting only (openpyxl lets it empty the cell), or a formula without its value
            found[column] = None
            continue
        if kind == b"inlineStr":  # the sheet is an IndexedSheet: an inline string is always <is><t>…</t></is>
            got = _TEXTS[inline]
        elif (not kind or kind == b"n") and text and int(style or 0) not in sheet.special:
            got = float(text) if b"." in text or b"e" in text or b"E" in text else int(text)
            if type(got) is float and got.is_integer():
                got = int(got)
        elif kind == b"s" and text:
            got = cell_value(types.strings[int(text)])
        else:  # dates, percentages, booleans, formula text, errors: as CellTypes reads them
            _, kind_, style_, raw, _ = cell_of((letters, style, kind, formula, value, text, inline), _BYTE_COLUMNS)
            got = types.value(kind_, style_, raw)
            exact.append(column)
            if kind_ == "n" and style_ is not None and int(style_) in types.percents:
                percents.append(column)
        found[column] = got
    if percents:
        for column in percents:
            value = found.get(column)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                found[column] = f"{value * 100:.10g}%"
    for column in exact:
        found[column] = cell_value(found.get(column))
    data = {key: found.get(column + 1) for column, key in columns.columns.items()}
    pending = [key for column, key in columns.columns.items()
               if data[key] is None and column + 1 in formulas] if formulas else []
    return columns.record(source, sheet.title, number, data, pending)


class _Texts(dict):
    """Inline texts as records hold them, by their bytes: a short one (có, không, a district), which repeats, is
    read once (up to 10,000 kept); a row's texts are looked up by one map in C, Python called only for a text
    not kept."""

    def __missing__(self, raw: bytes) -> str:
        got = cell_value(decoded(raw))
        if len(raw) <= 64:
            if len(self) >= 10_000:
                self.clear()
            self[raw] = got
        return got


_TEXTS = _Texts()
# Digits → their number, for the whole numbers a sheet mostly holds ("0" … "9999", written without a sign or a
# leading zero): a dict lookup in C costs half of int() on bytes. Filled when a row plan is first made (a worker
# reading rows; ~1 ms), not when the parent imports this module.
_WHOLE: dict[bytes, int] = {}
_ATTRIBUTES = re.compile(rb'(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?(/?)')


class _RowPlan:
    """How to read the rows of one shape, when every cell of it is a number (not shown as a date or a
    percentage), an inline string or a shared string, without a formula, in increasing columns: a pattern
    matching such a row whole, its groups the values, and whose each value is, of which kind. The rows of a
    national workbook have one shape: each is read by one match and a few calls into C, not a Python step per
    cell. Any other row (or one whose number is not a whole one) is read cell by cell (_row_record)."""

    def __init__(self, pattern: bytes, template: dict, numbers: list[tuple[int, str]], texts: list[tuple[int, str]],
                 shared: list[tuple[int, str]]):
        self.pattern, self.template = re.compile(pattern), template
        self.number_keys = [key for _, key in numbers]
        self.numbers = _getter([index for index, _ in numbers])
        self.text_keys = [key for _, key in texts]
        self.texts = _getter([index for index, _ in texts])
        self.shared = shared
        self.rows = 0  # rows read by this plan (_row_record tries the plan that has read the most first)
        if not _WHOLE:
            _WHOLE.update(zip([b"%d" % number for number in range(10_000)], range(10_000)))

    @classmethod
    def of(cls, shape: tuple, columns: _Columns, sheet: _Sheet) -> "_RowPlan | bool":
        count, previous = 0, 0
        numbers, texts, shared = [], [], []
        pattern = [ROW_HEAD]
        for letters, attributes in shape:
            column = _BYTE_COLUMNS[letters]
            style, kind, empty = _ATTRIBUTES.fullmatch(attributes).groups()
            if column <= previous or (kind or b"n") not in (b"n", b"inlineStr", b"s"):
                return False
            previous = column
            pattern.append(b'<c r="' + letters + REFERENCE + re.escape(attributes) + b">")
            if empty:
                continue  # formatting only: the input stays empty
            if kind in (None, b"n") and int(style or 0) in sheet.special:
                return False
            pattern.append(INLINE_VALUE if kind == b"inlineStr" else VALUE)
            key = columns.columns.get(column - 1)
            if key is not None:
                (texts if kind == b"inlineStr" else shared if kind == b"s" else numbers).append((count, key))
            count += 1
        pattern.append(b"</row>")
        return cls(b"".join(pattern), dict.fromkeys(columns.columns.values()), numbers, texts, shared)

    def read(self, sheet: _Sheet, start: int, stop: int) -> dict | None:
        """The data of the row at body[start:stop], or None when it is not of this shape (or a number in it is
        not a whole one)."""
        found = self.pattern.match(sheet.body, start, stop)
        if found is None or found.end() != stop:
            return None
        values = found.groups()
        try:
            try:
                numbers = list(map(_WHOLE.__getitem__, self.numbers(values)))  # whole numbers under 10,000
            except KeyError:
                numbers = list(map(int, self.numbers(values)))
            shared = [(key, cell_value(sheet.types.strings[int(values[index])])) for index, key in self.shared]
        except ValueError:
            return None
        data = self.template.copy()
        data.update(zip(self.number_keys, numbers))
        data.update(zip(self.text_keys, map(_TEXTS.__getitem__, self.texts(values))))
        if shared:
            data.update(shared)
        self.rows += 1
        return data


# Written as sheet_scan.SHAPE_VALUES is, for the regex engine's speed: atomic alternatives, possessive repeats.
ROW_HEAD = rb'<row r="[0-9]{1,7}+"(?>>| [^<>/]*+>)'
REFERENCE = rb'[0-9]{1,7}+"'
VALUE = rb'<v>([^<]*+)</v></c>'
INLINE_VALUE = rb'<is><t(?>>| xml:space="preserve">)([^<]*+)</t></is></c>'


def _getter(indexes: list[int]):
    """values → the values at `indexes`, as a sequence (operator.itemgetter gives a lone value bare)."""
    if not indexes:
        return lambda values: ()
    if len(indexes) == 1:
        index = indexes[0]
        return lambda values: (values[index],)
    return itemgetter(*indexes)


def scan_xlsx(path: str | Path, criteria: CriteriaSet | None = None) -> WorkbookUnits:
    """The workbook read once, as read_xlsx_records reads it (the same warnings, in the same order; the same
    errors), each unit found and its code taken, the cells of most unit rows left unread."""
    path = Path(path)
    source = str(path)
    criteria = criteria or default_criteria()
    matcher = _Matcher(criteria)
    _check_size(path, source)
    sheets = _sheets(path, source, read_options().hidden_sheets)
    for title, grid, _ in sheets:  # cfc's own results given back: said as such, before any sheet is read
        if any(results_header(row, criteria) for row in grid[:HEADER_SCAN_ROWS]):
            raise refuse(source, "own_kind_xlsx", sheet=title)
    found = WorkbookUnits(source, [], [], [])
    recognised = []
    for title, grid, read in sheets:
        if isinstance(read, SheetCells):
            records = _read_sheet(source, title, grid, read, matcher)
        else:
            records = _scan_sheet(found, title, grid, read, matcher)
        if records is not None:
            recognised.append(title)
            found.units += records
            found.codes += [(None, 0, None)] * len(records)  # a kept record's code is read from it
    if not recognised:
        raise InputFileError("xlsx_no_header", file=source)
    if not found.units:
        raise InputFileError("xlsx_no_units", file=source, sheets=", ".join(f"'{title}'" for title in recognised))
    return found


@dataclass
class _Indexed:
    """A sheet in the plain shape as the parent holds it: kept whole, its first rows read (`head`)."""

    indexed: IndexedSheet
    types: CellTypes
    head: SheetCells


def _sheets(path: Path, source: str, hidden: bool) -> list[tuple[str, list[list], SheetCells | _Indexed]]:
    """xlsx._sheets, but a sheet in the plain shape is indexed, only its first HEADER_SCAN_ROWS rows read (title,
    those rows of values, the sheet as read): _scan_sheet reads more when they do not settle its layout."""
    try:
        with Workbook(path) as workbook:
            read = []
            for sheet in workbook.sheets:
                try:
                    indexed = workbook.indexed(sheet)
                except Unusual:  # read whole, measured exactly (and refused naming its last cell)
                    cells = workbook.cells(sheet)
                    _check_extent(source, sheet.title, *cells.extent)
                    read.append((sheet, cells, bool(cells.extent[0])))
                    continue
                types = workbook.types()
                read.append((sheet, _Indexed(indexed, types, _head(indexed, types, HEADER_SCAN_ROWS)),
                             bool(indexed.rows)))
    except OSError as error:
        raise InputFileError("file_cannot_read", file=source, reason=os_reason(error)) from error
    except BROKEN as error:
        raise _not_a_workbook(source, error) from error
    out = []
    for sheet, cells, filled in read:
        if sheet.state != "visible" and not (hidden and sheet.state == "hidden"):
            if sheet.state == "hidden":
                warn(source, Text.of(f"trang '{sheet.title}'", f"sheet '{sheet.title}'"), "hidden_sheet")
            continue
        if filled:
            out.append((sheet.title, (cells.head if isinstance(cells, _Indexed) else cells).grid(), cells))
    return out


def _head(indexed: IndexedSheet, types: CellTypes, rows: int) -> SheetCells:
    """The sheet's first `rows` rows read."""
    head = [row for row in indexed.rows if row[0] <= rows]
    return types.build(_rows(indexed.body, _BYTE_COLUMNS, head[0][1], head[-1][2]) if head else iter(()))


def _settled(layout: tuple[str, Any] | None, grid: list[list], matcher: _Matcher) -> bool:
    """Whether the sheet's first HEADER_SCAN_ROWS rows (`grid`) settle its layout as its first FORM_SCAN_ROWS
    would: a table whose header names every input the criteria know (a column of input names further down
    could name no more, and a form needs more to win: xlsx._layout), its header rows ending within them."""
    if layout is None or layout[0] != "table" or layout[1][-1] + 1 >= len(grid):
        return False
    return max(_row_score(row, matcher) for row in grid) >= matcher.count


def _scan_sheet(found: WorkbookUnits, title: str, grid: list[list], read: _Indexed,
                matcher: _Matcher) -> list[Record] | None:
    """An indexed sheet: its unit rows placed in `found` (and an empty list returned), or its records when it is
    read whole; None when it holds neither a table nor a form."""
    source, indexed, types = found.source, read.indexed, read.types
    layout = _layout(grid, read.head.percents, matcher)
    if not _settled(layout, grid, matcher):  # its first FORM_SCAN_ROWS rows read, as xlsx._sheets reads them
        read.head = _head(indexed, types, FORM_SCAN_ROWS)
        grid = read.head.grid()
        layout = _layout(grid, read.head.percents, matcher)
    if layout is None:
        return None
    kind, block = layout
    header = block[-1] + 1 if kind == "table" else 0  # the last header row's number
    if kind == "form" or header >= FORM_SCAN_ROWS or _merged_down(indexed.merged, header):
        cells = types.build(_rows(indexed.body, _BYTE_COLUMNS, indexed.rows[0][1], indexed.rows[-1][2]))
        cells.merged = indexed.merged
        return _read_sheet(source, title, cells.grid(), cells, matcher)
    table = _Table(source, title, grid, matcher, block)
    sheet = len(found.sheets)
    found.sheets.append(_Sheet(title, indexed.body, types))
    units, codes, body = found.units, found.codes, indexed.body
    previous, columns, code_cells, next_code, search = header, None, iter(()), None, None
    for number, start, stop in indexed.rows:
        if number <= header:
            continue
        if number > previous + 1:
            table.blank_run.extend(range(previous + 1, number))  # rows not written: blank
        previous = number
        if table.columns is not columns:  # the first row, or the header repeated above: its code column's cells
            columns = table.columns
            letters = columns.letters["unit_code"] if columns.code is not None else None
            # Rows whose cells' columns increase hold one code cell at most: it is looked for in the row alone
            # (a search stops there: ~8 ms for a national sheet against ~17 for every code cell of the sheet).
            search = column_pattern(letters).search if letters is not None and indexed.ordered else None
            code_cells = (column_cells(body, letters, start, indexed.rows[-1][2])
                          if letters is not None and search is None else iter(()))
            next_code = next(code_cells, None)
        # the row's unit code cell: the last one written in the row (as openpyxl keeps it)
        last = search(body, start, stop) if search is not None else None
        while next_code is not None and next_code.start() < stop:
            last, next_code = next_code, next(code_cells, None)
        inline = last.group(7) if last is not None else None  # <is><t>…</t></is>: the commonest code cell
        if inline is not None and inline.isdigit() and last.group(3) == b"inlineStr":
            code = inline.decode()  # ASCII digits (bytes.isdigit): a plain code, as _code and plain_code find it
        else:
            code = _code(last, types) if last is not None else None
        if plain_code(code):  # a unit, whatever its other cells hold: they are read where it is scored
            if table.blank_run:
                table.met()
            units.append((sheet, number, start, stop, columns))
            codes.append((code, number, title))
            continue
        values, _, formulas, percents = types.row(row_cells(body, _BYTE_COLUMNS, start))
        if percents:
            show_row_percents(values, percents)
        row = table.row(number, values, {(number, column) for column in formulas})
        if row is not None:
            units.append((sheet, number, start, stop, columns))
            codes.append((row[0].get("unit_code"), number, title))
    return []


def _code(found: re.Match, types: CellTypes) -> Any:
    """A unit code cell's value as the row's record will hold it, when it is text or a number not shown as a
    percentage (else None: the row is then read whole)."""
    _, kind, style, raw, _ = cell(found, _BYTE_COLUMNS)
    if kind is None or (kind == "n" and style is not None and int(style) in types.percents):
        return None
    return cell_value(types.value(kind, style, raw))


def _merged_down(merged: list[str], header: int) -> bool:
    """Whether a merged range spans several rows below the header (xlsx._fill_merged fills them)."""
    for ref in merged:
        try:
            _, low_row, _, high_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        if high_row != low_row and low_row > header:
            return True
    return False
