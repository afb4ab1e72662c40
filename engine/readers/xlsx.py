"""Read units from an .xlsx workbook: the cfc template (either sheet) or any table with a header row.

Each sheet is read on its own and recognised by its content, not its name:

- a *table*: a header row whose cells are input names or their labels (possibly two header rows, labels above
  names, as in the template's "Nhiều đơn vị"), then one unit per row. Title rows above the header (merged or
  not) are skipped: the header is the first row where most filled cells are known inputs.
- a *form*: one unit, one input per row: a column of input names (or labels) and a value column, found by its
  header "Giá trị" (else the column right of the names), as in the template's "Một đơn vị".

Values are taken as stored: numbers stay numbers (12.0 becomes 12), text is NFC-normalised, dates become ISO
text. Formulas are never evaluated: the value the spreadsheet program saved with the file is used; a formula
saved without one (files written by scripts) is an error naming the sheet and cell. Every record knows its
sheet and the cell of every value, so validation errors point at a cell.
"""
from __future__ import annotations

import datetime as dt
import difflib
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

from engine.readers.openpyxl_import import import_openpyxl

import_openpyxl()  # before any module of openpyxl: it is imported without numpy (see there)
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from engine.criteria.model import CriteriaSet
from engine import limits
from engine.criteria.model import default_criteria
from engine.readers.records import DataError, InputFileError, Record, RowCells, read_options, row_place, warn
from engine.readers.rows import blank, skipped_kind
from engine.readers.own_files import refuse, results_header
from engine.readers.sheet_cells import SheetCells, Workbook
from engine.messages import Message, counted, os_reason
from engine.text import Text, nfc
from engine.forms.layout import VALUE_HEADERS, header_index, header_key

HEADER_SCAN_ROWS = 50     # a header row is looked for this far down (title and instruction rows above it)
FORM_SCAN_ROWS = 500      # a form's column of input names is looked for in this many rows


def read_xlsx_records(path: str | Path, criteria: CriteriaSet | None = None) -> list[Record]:
    """Every unit in every sheet, in sheet order then row order.

    `criteria` gives the input names and labels that headers are matched against (default: the newest
    shipped criteria file). A header that is neither is kept as written, so validation lists it as ignored,
    and an input added to a criteria file is read by its name even when the default criteria lack it.
    Raises InputFileError when the file is not a workbook or no sheet holds input names or labels.
    """
    path = Path(path)
    source = str(path)
    criteria = criteria or default_criteria()
    matcher = _Matcher(criteria)
    _check_size(path, source)
    hidden = read_options().hidden_sheets
    records: list[Record] = []
    recognised = []
    sheets = _sheets(path, source, hidden)
    for title, grid, _ in sheets:  # cfc's own results given back: said as such, before any sheet is read
        if any(results_header(row, criteria) for row in grid[:HEADER_SCAN_ROWS]):
            raise refuse(source, "own_kind_xlsx", sheet=title)
    for title, grid, cells in sheets:
        found = _read_sheet(source, title, grid, cells, matcher)
        if found is not None:
            recognised.append(title)
            records += found
    if not recognised:
        raise InputFileError("xlsx_no_header", file=source)
    if not records:
        sheets = ", ".join(f"'{title}'" for title in recognised)
        raise InputFileError("xlsx_no_units", file=source, sheets=sheets)
    return records


# ---------------------------------------------------------------- the workbook

# What openpyxl, zipfile and the XML parsers raise on a damaged workbook (a flipped byte, a truncated copy):
# all mean the same thing to the user (zipfile raises RuntimeError for a part marked encrypted).
BROKEN = (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, ValueError, TypeError, IndexError,
          AttributeError, SyntaxError, EOFError, OverflowError, struct.error, NotImplementedError, RuntimeError)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a password-protected workbook, or an old .xls


def _sheets(path: Path, source: str, hidden: bool) -> list[tuple[str, list[list], SheetCells]]:
    """(title, rows of values, the sheet's cells: formulas, percentages, merged ranges) of every sheet to read. Everything that parses the workbook
    happens here, so that a damaged workbook is one clear error whatever part of it is damaged. Every sheet is
    read once (sheet_cells.py), hidden ones too: a hidden sheet too large to read is refused like any other."""
    try:
        with Workbook(path) as workbook:
            read = []
            for sheet in workbook.sheets:
                cells = workbook.cells(sheet)
                _check_extent(source, sheet.title, *cells.extent)
                read.append((sheet, cells))
    except OSError as error:
        raise InputFileError("file_cannot_read", file=source, reason=os_reason(error)) from error
    except BROKEN as error:
        raise _not_a_workbook(source, error) from error
    out = []
    for sheet, cells in read:
        if sheet.state != "visible" and not (hidden and sheet.state == "hidden"):
            if sheet.state == "hidden":
                warn(source, Text.of(f"trang '{sheet.title}'", f"sheet '{sheet.title}'"), "hidden_sheet")
            continue  # veryHidden: a program's own lists (the template's dropdown values), never data
        if cells.extent[0]:
            out.append((sheet.title, cells.grid(), cells))
    return out


def _not_a_workbook(source: str, error: Exception) -> InputFileError:
    detail = str(error)[:limits.SHOWN_CHARS] or type(error).__name__
    return InputFileError("xlsx_not_workbook", file=source, detail=detail)


def _check_size(path: Path, source: str) -> None:
    """Refuse a workbook whose parts would take more memory than any real form before anything is parsed: the
    sizes come from the zip directory (reads are cut at the sizes declared there)."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(OLE_SIGNATURE)) == OLE_SIGNATURE:
                raise InputFileError("xlsx_encrypted", file=source)
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except OSError as error:
        raise InputFileError("file_cannot_read", file=source, reason=os_reason(error)) from error
    except BROKEN as error:
        raise _not_a_workbook(source, error) from error
    mb = 1024 * 1024
    total = sum(info.file_size for info in infos)
    if total > limits.MAX_XLSX_UNCOMPRESSED:
        raise _too_large(source, Message("xlsx_unpacks", {"size": counted(total // mb),
                                                          "limit": limits.MAX_XLSX_UNCOMPRESSED // mb}))
    for info in infos:
        limit = limits.MAX_SHARED_STRINGS if info.filename.endswith("sharedStrings.xml") else limits.MAX_XLSX_PART
        if info.file_size > limit:
            raise _too_large(source, Message("xlsx_part_unpacks", {"part": info.filename, "size": counted(info.file_size // mb),
                                                                   "limit": limit // mb}))
        if (info.file_size > limits.RATIO_CHECKED_FROM
                and info.file_size > limits.MAX_COMPRESSION_RATIO * max(info.compress_size, 1)):
            raise _too_large(source, Message("xlsx_part_ratio", {
                "part": info.filename, "ratio": counted(info.file_size // max(info.compress_size, 1))}))


def _too_large(source: str, why: Message) -> InputFileError:
    return InputFileError("xlsx_too_large", file=source, why=why)


def _check_extent(source: str, title: str, rows: int, columns: int) -> None:
    """Refuse a sheet whose last cell holding anything lies beyond what cfc reads: a styled empty cell at
    XFD1048576 (common after formatting whole columns) does not count; a value there does."""
    if rows > limits.MAX_SHEET_ROWS or columns > limits.MAX_SHEET_COLUMNS or rows * columns > limits.MAX_SHEET_CELLS:
        raise InputFileError("xlsx_far_cells", file=source, sheet=title, cell=_ref(rows, columns),
                             rows=counted(limits.MAX_SHEET_ROWS), columns=counted(limits.MAX_SHEET_COLUMNS),
                             cells=counted(limits.MAX_SHEET_CELLS))


def cell_value(value: Any) -> Any:
    """A stored cell value as the validators take it."""
    if value is None or type(value) is int:
        return value  # most cells: checked first, a table reads hundreds of thousands
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)  # Excel stores every number as a float: 12.0 is the count 12
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()  # a date typed in a cell (Excel stores it as a datetime): 2024-12-31
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return value


def _ref(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


# ---------------------------------------------------------------- headers

class _Matcher:
    def __init__(self, criteria: CriteriaSet):
        self.names, self.labels = header_index(criteria)
        self.count = len(set(self.names.values()) | set(self.labels.values()))  # the inputs a header may name
        self._keys: dict[str, str] = {}  # header_key of each text met: a sheet's first rows repeat their values

    def _key(self, value: str) -> str:
        key = self._keys.get(value)
        if key is None:
            if len(self._keys) >= 10_000:
                self._keys.clear()
            key = self._keys[value] = header_key(value)
        return key

    def name(self, value: Any) -> str | None:
        """The input a header cell holds by its exact name."""
        return self.names.get(self._key(value)) if isinstance(value, str) else None

    def input(self, value: Any) -> str | None:
        """The input a header cell holds, by name or label."""
        if not isinstance(value, str):
            return None
        key = self._key(value)
        return self.names.get(key) or self.labels.get(key)

    def suggest(self, value: str) -> str | None:
        """The input a header that matches none most likely meant (for the unknown-column warning)."""
        match = difflib.get_close_matches(header_key(value), list(self.names) + list(self.labels), n=1, cutoff=0.75)
        return (self.names.get(match[0]) or self.labels.get(match[0])) if match else None


def _row_score(row: list, matcher: _Matcher) -> int:
    """How many distinct inputs a row names, when most of its filled cells are inputs; else 0."""
    filled = [value for value in row if not blank(value)]
    inputs = {matcher.input(value) for value in filled} - {None}
    return len(inputs) if len(inputs) >= 2 and 2 * len(inputs) >= len(filled) else 0


def _column_scores(grid: list[list], matcher: _Matcher) -> tuple[int, int, int]:
    """(column index, distinct inputs named, of which by exact name) of the best column of input names."""
    best = (-1, 0, 0)
    width = max((len(row) for row in grid[:FORM_SCAN_ROWS]), default=0)
    for column in range(width):
        cells = [row[column] for row in grid[:FORM_SCAN_ROWS] if column < len(row)]
        by_name = {matcher.name(value) for value in cells} - {None}
        any_kind = {matcher.input(value) for value in cells} - {None}
        score = (len(by_name), len(any_kind))
        if score > (best[2], best[1]):
            best = (column, len(any_kind), len(by_name))
    return best


# ---------------------------------------------------------------- sheets

def _read_sheet(source: str, title: str, grid: list[list], cells: SheetCells,
                matcher: _Matcher) -> list[Record] | None:
    """The sheet's records, or None when it holds neither a table nor a form of inputs."""
    layout = _layout(grid, cells.percents, matcher)
    if layout is None:
        return None
    kind, where = layout
    if kind == "form":
        return _read_form(source, title, grid, cells.formulas, matcher, where)
    _fill_merged(source, title, grid, cells.merged, where[-1] + 1)
    return _read_table(source, title, grid, cells.formulas, matcher, where)


def _layout(grid: list[list], percents: set[tuple[int, int]], matcher: _Matcher) -> tuple[str, Any] | None:
    """("form", the column of input names) or ("table", the header rows' indexes), None when the sheet holds
    neither. Numbers shown as percentages are made so in `grid` first."""
    _show_percents(grid, percents)
    header_rows = [(index, _row_score(row, matcher)) for index, row in enumerate(grid[:HEADER_SCAN_ROWS])]
    table_score = max((score for _, score in header_rows), default=0)
    column, form_score, _ = _column_scores(grid, matcher)
    if max(table_score, form_score) < 2:
        return None
    if form_score > table_score:
        return "form", column
    first = next(index for index, score in header_rows if score)
    block = [first]
    while block[-1] + 1 < len(grid) and _row_score(grid[block[-1] + 1], matcher):
        block.append(block[-1] + 1)
    return "table", block


def _show_percents(grid: list[list], percents: set[tuple[int, int]]) -> None:
    """A number formatted as a percentage is what the sheet shows, "100%", not the 1 it holds: a count typed
    into a cell formatted as % is then an error naming the cell, as a date is (validation says why)."""
    for row, column in percents:
        if row <= len(grid):
            show_row_percents(grid[row - 1], [column])


def show_row_percents(row: list, columns: list[int]) -> None:
    """_show_percents for one row: `columns` (1-based) are its cells formatted as percentages."""
    for column in columns:
        if column <= len(row):
            value = row[column - 1]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                row[column - 1] = f"{value * 100:.10g}%"


def _fill_merged(source: str, title: str, grid: list[list], merged: list[str], first_data: int) -> None:
    """Cells merged down several rows of the table (a district or a category, as officials merge them) hold
    their value in the first cell only: every row of the range gets that value, and a warning names the range,
    the value and the rows. Ranges within one row (a note across the columns) are left as they are."""
    for ref in merged:
        try:
            low_col, low_row, high_col, high_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        if high_row == low_row or low_row <= first_data or low_row > len(grid):
            continue  # one row, or begun in the header or title rows: not a value of the units
        first = grid[low_row - 1]
        value = first[low_col - 1] if low_col <= len(first) else None
        if blank(value):
            continue
        last = min(high_row, len(grid))
        for row in range(low_row + 1, last + 1):
            if low_col <= len(grid[row - 1]):
                grid[row - 1][low_col - 1] = value
        shown = value if not isinstance(value, str) else value[:limits.SHOWN_CHARS]
        where = Text.of(f"trang '{title}' ô {ref}", f"sheet '{title}' cells {ref}")
        warn(source, where, "merged_cells_used", value=shown, cell=_ref(low_row, low_col), first=low_row, last=last)


def _read_table(source: str, title: str, grid: list[list], formulas: set[tuple[int, int]], matcher: _Matcher,
                block: list[int]) -> list[Record]:
    table = _Table(source, title, grid, matcher, block)
    records = []
    for index in range(block[-1] + 1, len(grid)):
        found = table.row(index + 1, grid[index], formulas)
        if found is not None:
            records.append(table.columns.record(source, title, index + 1, *found))
    return records


class _Columns:
    """The columns a table's rows are read by (from its header, or the header repeated further down): input
    (or header as written) by column index, and each input's column letters."""

    def __init__(self, columns: dict[int, str]):
        self.columns = columns
        self.letters = {key: get_column_letter(column + 1) for column, key in columns.items()}
        self.code = next((column for column, key in columns.items() if key == "unit_code"), None)
        self.plans: dict = {}  # how rows of each shape are read (engine/readers/xlsx_units.py), met in a process

    def __getstate__(self) -> dict:
        return {**self.__dict__, "plans": {}}  # a new process makes its own

    def read(self, number: int, row: list, formulas: set[tuple[int, int]]) -> tuple[dict, list[str]]:
        """(the row's data, the inputs whose cell holds a formula saved without its value)."""
        data = {key: cell_value(row[column]) if column < len(row) else None for column, key in self.columns.items()}
        pending = [key for column, key in self.columns.items()
                   if data[key] is None and (number, column + 1) in formulas] if formulas else []
        return data, pending

    def record(self, source: str, title: str, number: int, data: dict, pending: list[str]) -> Record:
        record = Record(source, "row", number, data, sheet=title, cells=RowCells(self.letters, number))
        for key in pending:
            _formula_without_value(record, key, title)
        return record


def plain_code(code: Any) -> bool:
    """A row whose unit code is plain digits (or a whole number) is a unit (engine/readers/rows.py): its other
    cells are not looked at to tell."""
    return type(code) is int or (type(code) is str and code.isdigit() and code.isascii())


class _Table:
    """A table's rows after its header, taken in order: which are units, and under which columns (`columns`);
    each row that is not one skipped with a warning as it is met."""

    def __init__(self, source: str, title: str, grid: list[list], matcher: _Matcher, block: list[int]):
        self.source, self.title, self.matcher = source, title, matcher
        self.blank_run: list[int] = []
        self._use(_table_columns(source, title, grid, matcher, block))

    def _use(self, columns: dict[int, str]) -> None:
        self.columns = _Columns(columns)
        self.probe = _probe_column(columns)

    def row(self, number: int, row: list, formulas: set[tuple[int, int]]) -> tuple[dict, list[str]] | None:
        """(data, inputs whose formula has no saved value) when row `number` is a unit, else None."""
        probe, matcher = self.probe, self.matcher
        if (probe is not None and probe < len(row) and isinstance(row[probe], str) and not row[probe].isdigit()
                and matcher.input(row[probe]) is not None and _row_score(row, matcher)):
            # the header again (tables pasted one under the other): skipped, and its columns read from here on
            warn(self.source, row_place(number, self.title), "repeated_header")
            self._use(_table_columns(self.source, self.title, [row], matcher, [0]))
            return None
        data, pending = self.columns.read(number, row, formulas)
        kind = None if pending or plain_code(data.get("unit_code")) else skipped_kind(data)
        if kind == "blank":
            self.blank_run.append(number)  # warned only when a unit follows: trailing empty rows are not spacers
            return None
        self.met()
        if kind is not None:
            _warn_rows(self.source, self.title, [number], f"skipped_{kind}")
            return None
        return data, pending

    def met(self) -> None:
        """A row other than a blank one: the blank rows above it are said."""
        if self.blank_run:
            _warn_rows(self.source, self.title, self.blank_run, "skipped_blank")
            self.blank_run = []


def _probe_column(columns: dict[int, str]) -> int | None:
    """The column whose cell is looked at first to tell a repeated header from a unit (one look per row: a
    national sheet has 10,600 rows): the unit code's, else the first input's. A header row names an input
    there; a unit holds a code or a value."""
    for column, key in columns.items():
        if key == "unit_code":
            return column
    return next(iter(columns), None)


def _table_columns(source: str, title: str, grid: list[list], matcher: _Matcher, block: list[int]) -> dict[int, str]:
    """Each column's input (or its header as written, when it names none) from the header rows `block`."""
    primary = max(block, key=lambda i: (sum(1 for v in grid[i] if matcher.name(v)), -i))
    width = max(len(grid[i]) for i in block)
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    for column in range(width):
        cells = [grid[i][column] if column < len(grid[i]) else None for i in [primary] + block]
        key = next((name for name in map(matcher.input, cells) if name), None)
        if key is None:
            key = next((nfc(str(v)).strip() for v in cells if not blank(v)), None)
            if key is not None:
                close = matcher.suggest(key)
                hint = Text.of(f" (có phải {close}?)", f" (did you mean {close}?)") if close else ""
                where = get_column_letter(column + 1)
                warn(source, Text.of(f"trang '{title}' cột {where}", f"sheet '{title}' column {where}"),
                     "unknown_column", column=key[:limits.SHOWN_CHARS], hint=hint)
        if key is None:
            continue  # no header: notes beside the table are not data
        if key in seen:
            raise InputFileError("xlsx_same_column", file=source, sheet=title, first=get_column_letter(seen[key] + 1),
                                 second=get_column_letter(column + 1), key=key)
        seen[key] = column
        columns[column] = key
    return columns


def _warn_rows(source: str, title: str, numbers: list[int], key: str) -> None:
    if len(numbers) == 1:
        place = row_place(numbers[0], title)
    else:
        place = Text.of(f"trang '{title}' dòng {numbers[0]}–{numbers[-1]}", f"sheet '{title}' rows {numbers[0]}–{numbers[-1]}")
    warn(source, place, key)


def _read_form(source: str, title: str, grid: list[list], formulas: set[tuple[int, int]], matcher: _Matcher,
               key_column: int) -> list[Record]:
    key_rows = [i for i, row in enumerate(grid) if key_column < len(row) and matcher.input(row[key_column])]
    first = key_rows[0]
    value_column = key_column + 1
    wanted = {header_key(h) for h in VALUE_HEADERS}
    for row in reversed(grid[:first]):
        hits = [c for c, v in enumerate(row) if isinstance(v, str) and header_key(v) in wanted]
        if hits:
            value_column = hits[0]
            break
    if value_column == key_column:
        raise InputFileError("xlsx_value_column", file=source, sheet=title, column=get_column_letter(key_column + 1))
    record = Record(source, "", 0, {}, sheet=title)
    where: dict[str, int] = {}
    filled = False
    for index in range(first, len(grid)):
        row, number = grid[index], index + 1
        raw_key = row[key_column] if key_column < len(row) else None
        if blank(raw_key):
            continue
        value = row[value_column] if value_column < len(row) else None
        pending = (number, value_column + 1) in formulas and value is None
        key = matcher.input(raw_key) or nfc(str(raw_key)).strip()
        if matcher.input(raw_key) is None and blank(value) and not pending:
            continue  # a note or sub-heading in the column of names, with nothing beside it
        if key in where:
            raise InputFileError("xlsx_repeated_input", file=source, sheet=title, key=key, first=where[key],
                                 second=number)
        where[key] = number
        record.cells[key] = _ref(number, value_column + 1)
        record.data[key] = _take(record, key, value, pending, title)
        filled = filled or not blank(value) or pending
    return [record] if filled else []


def _take(record: Record, key: str, value: Any, pending_formula: bool, title: str) -> Any:
    """The value to validate; a formula saved without its value becomes a problem of the record."""
    if pending_formula:
        _formula_without_value(record, key, title)
        return None
    return cell_value(value)


def _formula_without_value(record: Record, key: str, title: str) -> None:
    record.problems.append(DataError(key, None, Message("formula_no_value", {
        "name": key, "sheet": title, "cell": record.cells[key]})))
