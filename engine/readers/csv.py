"""CSV: one unit per row under a header row of input names or labels.

Read as written, and never silently differently:
- the text is UTF-8 (a byte-order mark is skipped) or UTF-16 with its byte-order mark (Excel's "Unicode
  text"); a line that is not valid text names its line;
- the delimiter (comma, semicolon, tab) is the one under which the header names the most inputs; Excel's
  `sep=;` first line is honoured;
- headers match input names or the template's labels (Vietnamese or English), case-insensitively; a column
  named twice is an error naming both columns; an unknown column is warned once, with the closest name;
- title rows above the header are skipped with a warning, and so is a second header row (the template's
  labels above names); the header repeated further down (two CSVs joined) is skipped with a warning, and the
  columns are read by it from there on; cfc's own results CSVs are refused, saying what they are;
- a quote that does not close must not swallow the rows after it: a record that spans lines without making a
  row as wide as the header (or spans more than MAX_CSV_RECORD_LINES) is re-read line by line, and the line
  with the unbalanced quote is a unit with a data error naming the line;
- blank, totals and notes rows are skipped with a warning naming the row; every other line is a unit;
- a cell written formula-safe ('=HYPERLINK(…), as cfc writes CSV) is read as the text it stands for.
"""
from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from itertools import chain, islice
from typing import IO, Iterator

from engine.forms.layout import header_index, header_key
from engine.messages import Message
from engine import limits
from engine.readers.own_files import refuse, results_header
from engine.readers.records import DataError, InputFileError, Record, row_place, warn
from engine.readers.rows import column_letter, skipped_kind
from engine.results.cells import csv_unsafe
from engine.criteria.model import CriteriaSet
from engine.text import Text, nfc

DELIMITERS = (",", ";", "\t")
HEADER_SCAN_LINES = 10
SHORT_ROWS_NAMED = 5  # rows named in the warning about rows with fewer cells than the header; the rest counted


class _Runaway(Exception):
    """A record took more lines than any real cell spans: an unbalanced quote."""


class _Lines:
    """Physical lines, numbered, remembering which ones the current record took."""

    def __init__(self, lines: Iterator[str]):
        self._lines = lines
        self.number = 0
        self.taken: list[tuple[int, str]] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if len(self.taken) >= limits.MAX_CSV_RECORD_LINES:
            raise _Runaway
        text = next(self._lines)
        self.number += 1
        self.taken.append((self.number, text))
        return text


class _ListedLines(_Lines):
    """A file's lines, all known (_listed_lines): read as _Lines reads them, and its rows of plain unit codes
    taken in one loop."""

    def __init__(self, lines: list[str]):
        super().__init__(iter(()))
        self._all = lines

    def __next__(self) -> str:
        if len(self.taken) >= limits.MAX_CSV_RECORD_LINES:
            raise _Runaway
        if self.number >= len(self._all):
            raise StopIteration
        text = self._all[self.number]
        self.number += 1
        self.taken.append((self.number, text))
        return text

    def units(self, probe: int, delimiter: str, keys: list, codes: list, found: list, short: list) -> int:
        """From the next line on, every line without a quote whose unit code cell (column `probe`) is plain ASCII
        digits: a unit, taken as _rows takes it (its code and place, its row short of the header's width or
        not) without splitting its cells. Stops before the first other line. How many units."""
        lines, number, width = self._all, self.number, len(keys)
        for text in islice(lines, number, None):
            if '"' in text:  # the csv module reads it (_rows), and maybe the lines after it
                break
            if probe == 0:
                end = text.find(delimiter)
                code = text[:end] if end >= 0 else text.rstrip("\r\n")
            else:
                cells = text.split(delimiter, probe + 1)
                if len(cells) <= probe:
                    break
                code = cells[probe] if len(cells) > probe + 1 else cells[probe].rstrip("\r\n")
            if not (code.isdigit() and code.isascii()):
                break
            number += 1
            codes.append((code, number))
            found.append((number, number, 1, False, keys))
            if text.count(delimiter) + 1 < width:
                short.append(number)
        taken, self.number = number - self.number, number
        return taken


def decoded_lines(source: str, handle: IO[bytes]) -> Iterator[str]:
    """Text lines (line endings kept) of a UTF-8 or UTF-16 file; a line that cannot be decoded is an error
    naming it."""
    start = handle.read(4)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = io.TextIOWrapper(io.BufferedReader(_Prefixed(start, handle)), encoding="utf-16", newline="")
        try:
            yield from text
        except UnicodeDecodeError:
            raise InputFileError("csv_not_utf16", file=source) from None
        return
    rest = iter(handle)
    first = start + next(rest, b"")
    if b"\x00" in first:
        raise InputFileError("csv_nul_bytes", file=source)
    for number, raw in enumerate(chain([first], rest), start=1):
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # Excel writes a byte-order mark before UTF-8 CSV (mid-file: two files joined)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputFileError("csv_not_utf8", file=source, line=number, byte=error.start + 1,
                                 value=raw[error.start:error.start + 1]) from None


class _Prefixed(io.RawIOBase):
    """A binary stream with bytes already read put back in front."""

    def __init__(self, prefix: bytes, rest: IO[bytes]):
        self._prefix, self._rest = prefix, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._prefix or self._rest.read(len(buffer))
        self._prefix = self._prefix[len(data):] if self._prefix else b""
        data = data[:len(buffer)]
        buffer[:len(data)] = data
        return len(data)


def _parse_line(text: str, delimiter: str) -> tuple[list[str], bool]:
    """One physical line alone: (cells, balanced). A line whose quotes do not balance is read with quotes as
    ordinary characters, so nothing after the quote is lost. A cell beyond the csv module's field limit is cut
    at the delimiters as written (validation then names it as too long)."""
    try:
        return next(csv.reader([text], delimiter=delimiter, strict=True), []), True
    except csv.Error as error:
        if "field limit" in str(error):
            return text.rstrip("\r\n").split(delimiter), True
    try:
        return next(csv.reader([text], delimiter=delimiter, quoting=csv.QUOTE_NONE), []), False
    except csv.Error:
        return text.rstrip("\r\n").split(delimiter), False


class _Header:
    def __init__(self, criteria: CriteriaSet):
        self.criteria = criteria
        self.names, self.labels = header_index(criteria)

    def input(self, cell: str) -> str | None:
        key = header_key(cell)
        return self.names.get(key) or self.labels.get(key)

    def score(self, cells: list[str]) -> int:
        """Distinct inputs a row names, when it names at least two (else 0). Unlike a workbook's, a CSV header
        may hold more unknown columns than inputs (an export with the office's own columns): all are warned."""
        found = {self.input(c) for c in cells if c.strip()} - {None}
        return len(found) if len(found) >= 2 else 0

    def suggest(self, cell: str) -> str | None:
        key = header_key(cell)
        match = difflib.get_close_matches(key, list(self.names) + list(self.labels), n=1, cutoff=0.75)
        return (self.names.get(match[0]) or self.labels.get(match[0])) if match else None


def _choose_delimiter(lines: list[str], header: _Header) -> tuple[str, int | None]:
    """(delimiter, index of the header line among `lines`) by which delimiter makes a header of most inputs."""
    best = (0, 0, ",", None)
    for delimiter in DELIMITERS:
        for index, text in enumerate(lines):
            cells, _ = _parse_line(text, delimiter)
            score = header.score(cells)
            if score and (score, -index) > (best[0], best[1]):
                best = (score, -index, delimiter, index)
                break
    return best[2], best[3]


def csv_records(source: str, handle: IO[bytes], criteria: CriteriaSet) -> Iterator[Record]:
    """Every unit of the file as a record, in order (read as it streams: a file of any size never sits in memory
    whole)."""
    for number, row, balanced, keys, _ in _units(source, decoded_lines(source, handle), criteria):
        yield _record(source, number, row, balanced, keys)


@dataclass
class CsvUnits:
    """What a scan of a CSV found — every line kept, each unit's place in them, its unit code as written — for
    its units to be read into records later, a few at a time, where they are scored (engine/loading.py)."""

    source: str
    lines: list[str]         # every physical line, line n at n - 1
    delimiter: str
    units: list[tuple]       # per unit: (row number, first line, lines, read alone, the column keys in force)
    codes: list[tuple]       # per unit: (its unit code's cell as written, or None; its row number)

    def records(self, start: int, stop: int) -> list[Record]:
        """Units start … stop - 1, read again from their lines exactly as the scan read them."""
        out = []
        for number, first, count, alone, keys in self.units[start:stop]:
            if alone:
                row, balanced = _parse_line(self.lines[first - 1], self.delimiter)
            else:  # a line without quotes is split as the scan split it; a record of quoted cells, by the csv module
                row = plain_cells(self.lines[first - 1], self.delimiter) if count == 1 else None
                if row is None:
                    row = next(csv.reader(self.lines[first - 1:first - 1 + count], delimiter=self.delimiter))
                balanced = True
            out.append(_record(self.source, number, row, balanced, keys))
        return out


def scan_csv(source: str, handle: IO[bytes], criteria: CriteriaSet) -> CsvUnits:
    """The file read once: its lines kept, its units found (with every warning and file error csv_records
    gives), their unit codes taken; no record built. A file of UTF-8 lines ended at "\n" (_listed_lines: most
    files) is decoded a block at a time and its rows of plain unit codes taken in one loop (_ListedLines.units),
    ~22 k instructions a line less than splitting each line's cells (bench/README.md, Session 13); any other
    file line by line, as csv_records reads it."""
    kept = _listed_lines(handle)
    if kept is None:
        kept = _Keeping(decoded_lines(source, handle))
    units, codes = [], []
    for _ in _units(source, kept, criteria, codes, units):
        pass
    return CsvUnits(source, kept.lines, kept.delimiter, units, codes)


PLAIN_BLOCK = 1 << 20  # bytes decoded at a time: the file's lines are kept, never its bytes or text whole
# What keeps a file off the listed path, besides a line ended otherwise than at "\n" (see _listed_lines): a NUL
# (the csv module reads such a line, not split: plain_cells) and a byte-order mark after the start (two files
# joined: decoded_lines strips it line by line). Looked for in the UTF-8 bytes (memchr; a mark's lead byte first,
# rare in Vietnamese text). Quotes are looked for line by line (_ListedLines.units): a file may hold a few quoted
# cells (a decimal comma) among plain rows.
_NOT_PLAIN = ((b"\x00", b"\x00"), (b"\xef", "\ufeff".encode()))


def _listed_lines(handle: IO[bytes]) -> "_Listed | None":
    """The file's lines (endings kept, as decoded_lines gives them) when the file is valid UTF-8 (a byte-order
    mark at the start skipped) and no line holds what _NOT_PLAIN finds or is as long as the csv module's field
    limit. Else None, with `handle` as it was (read from the start again: a file that cannot be read from its
    start is not taken this way)."""
    try:
        start = handle.tell()
    except (AttributeError, OSError, ValueError):
        return None
    lines: list[str] = []
    carry = b""
    first = True
    while True:
        block = handle.read(PLAIN_BLOCK)
        data = carry + block if carry else block
        if not block:
            cut = len(data)
        else:
            cut = data.rfind(b"\n") + 1
            if not cut:  # no line ends in this block yet
                carry = data
                continue
        piece, carry = data[:cut], data[cut:]
        if first:
            if piece.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: read as decoded_lines reads it
                break
            if piece.startswith(b"\xef\xbb\xbf"):
                piece = piece[3:]
            first = False
        if any(lead in piece and mark in piece for lead, mark in _NOT_PLAIN):
            break
        try:
            text = piece.decode("utf-8")
        except UnicodeDecodeError:  # said by decoded_lines, naming the line
            break
        found = text.splitlines(True)
        # str.splitlines ends a line at "\n" and "\r\n" as the file's own lines end, and also at a lone "\r", "\x0b",
        # "\x85", "\u2028"…: then it finds more lines than the piece holds "\n"s (its last line may end without).
        if len(found) != piece.count(b"\n") + (not piece.endswith(b"\n") and bool(piece)):
            break
        if found and max(map(len, found)) >= _FIELD_LIMIT:
            break
        lines += found
        if not block:
            return _Listed(lines)
    handle.seek(start)
    return None


class _Listed:
    """A file's lines, all decoded (_listed_lines), read in order like _Keeping's."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.delimiter = ","


class _Keeping:
    """Decoded lines, passed on and kept (with the delimiter they are read by, once known)."""

    def __init__(self, lines: Iterator[str]):
        self._lines, self.lines = lines, []
        self.delimiter = ","

    def __iter__(self):
        return self

    def __next__(self) -> str:
        text = next(self._lines)
        self.lines.append(text)
        return text


def _units(source: str, raw: "Iterator[str] | _Listed", criteria: CriteriaSet, codes: list | None = None,
           found: list | None = None) -> Iterator[tuple]:
    """(number, cells, balanced, column keys, (first line, lines, read alone)) of every unit row; `codes`, when
    given, receives each unit's (unit code cell as written or None, number). With `found` (a scan), each unit's
    (number, first line, lines, read alone, column keys) goes there instead of being yielded."""
    header = _Header(criteria)
    listed = raw.lines if isinstance(raw, _Listed) else None
    first = listed[:HEADER_SCAN_LINES] if listed is not None else [text for _, text in zip(range(HEADER_SCAN_LINES), raw)]
    if not any(text.strip() for text in first):
        raise InputFileError("csv_empty", file=source)
    skip = 0
    forced = None
    if first[0].strip().lower().startswith("sep=") and len(first[0].strip()) == 5:
        forced, skip = first[0].strip()[4], 1  # Excel's hint line: sep=;
    delimiter, at = _choose_delimiter(first[skip:], header)
    delimiter = forced or delimiter
    if at is None:
        shown = nfc(first[skip].strip())[:limits.SHOWN_CHARS]
        raise InputFileError("csv_no_header", file=source, lines=HEADER_SCAN_LINES, line=skip + 1, shown=shown)
    at += skip
    if at > skip:
        warn(source, Text.of(f"dòng {skip + 1}–{at}", f"lines {skip + 1}–{at}"), "rows_above_header", header=at + 1)
    lines = _Lines(chain(first[at:], raw)) if listed is None else _ListedLines(listed)
    lines.number = at
    if isinstance(raw, (_Keeping, _Listed)):
        raw.delimiter = delimiter
    yield from _rows(source, lines, delimiter, header, codes, found)


def _columns(source: str, cells: list[str], header: _Header) -> list[str | None]:
    """Each column's key: the input it names, the header as written when unknown, None when blank."""
    keys: list[str | None] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = header.input(cell)
        key = name or (nfc(cell).strip() or None)
        if key is not None:
            if key in seen:
                raise InputFileError("csv_same_column", file=source, first=column_letter(seen[key]),
                                     first_header=nfc(cells[seen[key]]).strip(), second=column_letter(index),
                                     second_header=nfc(cell).strip(), key=key)
            seen[key] = index
            if name is None:
                close = header.suggest(cell)
                hint = Text.of(f" (có phải {close}?)", f" (did you mean {close}?)") if close else ""
                warn(source, Text.of(f"cột {column_letter(index)}", f"column {column_letter(index)}"),
                     "unknown_column", column=key[:limits.SHOWN_CHARS], hint=hint)
        keys.append(key)
    return keys


def _rows(source: str, lines: _Lines, delimiter: str, header: _Header, codes: list | None,
          found_units: list | None = None) -> Iterator[tuple]:
    """The unit rows (see _units); the rows that are not units skipped with a warning."""
    cells, _ = _parse_line(next(lines), delimiter)
    if results_header(cells, header.criteria):
        raise refuse(source, "own_kind_csv")
    keys = _columns(source, cells, header)
    probe = _probe(keys)
    units = skipped = 0
    blank_run: list[int] = []
    short: list[int] = []  # unit rows with fewer cells than the header
    second_header_allowed = True
    while True:
        if (found_units is not None and type(lines) is _ListedLines and not second_header_allowed
                and not blank_run and probe is not None and keys[probe] == "unit_code"):
            # The rows of plain unit codes from here on, in one loop; the first other row is read below.
            units += lines.units(probe, delimiter, keys, codes, found_units, short)
        lines.taken = []
        try:
            text = next(lines)
        except StopIteration:
            break
        row = plain_cells(text, delimiter)
        if row is not None:  # most lines: no quote, so the line is one record, its cells between the delimiters
            found = [(lines.number, row, True, text, (lines.number, 1, False))]
        else:
            found = _quoted(source, text, lines, delimiter, len(keys))
        for number, row, balanced, text, span in found:
            if second_header_allowed and header.score(row):
                second_header_allowed = False  # the template's names under its labels: a second header row
                continue
            second_header_allowed = False
            if (probe is not None and probe < len(row) and not row[probe].isdigit() and header.input(row[probe])
                    and header.score(row)):
                # the header again (two CSVs joined into one): skipped, its columns read from here on
                warn(source, row_place(number), "repeated_header")
                keys = _columns(source, row, header)
                probe = _probe(keys)
                continue
            code = row[probe] if probe is not None and probe < len(row) and keys[probe] == "unit_code" else None
            # A row whose unit code is plain digits is a unit (engine/readers/rows.py): its cells are not looked at.
            plain = code is not None and code.isdigit() and code.isascii()
            kind = skipped_kind(_data(row, keys)) if balanced and not plain else None
            if kind == "blank" and not text.strip():  # blank as written: a lone quote is not a blank line
                blank_run.append(number)
                continue
            if blank_run:
                _warn_blank(source, blank_run)
                skipped += len(blank_run)
                blank_run = []
            if kind is not None and kind != "blank":
                warn(source, row_place(number), f"skipped_{kind}")
                skipped += 1
                continue
            if codes is not None:
                codes.append((_unsafe(code) if code is not None else None, number))
            if balanced and len(row) < len(keys):
                short.append(number)
            units += 1
            if found_units is not None:
                found_units.append((number, *span, keys))
            else:
                yield number, row, balanced, keys, span
    if short:
        _warn_short(source, short, len(keys))
    if not units:
        raise InputFileError("no_units_skipped" if skipped else "no_units_no_rows", file=source, skipped=skipped)


def plain_cells(text: str, delimiter: str) -> list[str] | None:
    """A line's cells as the csv module reads the line alone, when it holds no quote, no carriage return but at its
    end, no NUL and nothing near the field size limit — its cells are then simply between the delimiters, which
    this splits ~4 times faster than a csv reader steps through them (tests/test_csv_reading.py checks the two
    agree) — else None: the csv module reads it."""
    body = text.rstrip("\r\n")
    if '"' in body or "\r" in body or "\x00" in body or len(body) >= _FIELD_LIMIT:
        return None
    return body.split(delimiter) if body else []


_FIELD_LIMIT = csv.field_size_limit()


def _quoted(source: str, text: str, lines: _Lines, delimiter: str, width: int) -> list[tuple]:
    """The record starting at line `text` (already taken) read by the csv module: a quoted cell may take the lines
    after it. A quote that does not balance, or a record spanning lines that is not as wide as the header (`width`),
    is read line by line instead, each line a record of its own, so nothing after the quote is lost."""
    try:
        row = next(csv.reader(chain([text], lines), delimiter=delimiter))
    except (_Runaway, csv.Error):
        return _line_by_line(lines, delimiter)
    text = "".join(text for _, text in lines.taken)
    # A well-formed record has an even number of quotes; one spanning lines must also be as wide as the header.
    if text.count('"') % 2 or (len(lines.taken) > 1 and len(row) != width):
        return _line_by_line(lines, delimiter)
    first = lines.taken[0][0]
    if len(lines.taken) > 1:  # said, so that a quote closing far away cannot hide rows unseen
        last = lines.taken[-1][0]
        warn(source, Text.of(f"dòng {first}–{last}", f"lines {first}–{last}"), "multiline_row")
    return [(first, row, True, text, (first, len(lines.taken), False))]


def _line_by_line(lines: _Lines, delimiter: str) -> list[tuple]:
    """The lines the record took, each read alone as a record of its own (a quote that does not balance)."""
    return [(number, *_parse_line(text, delimiter), text, (number, 1, True)) for number, text in lines.taken]


def _data(row: list[str], keys: list[str | None]) -> dict[str, str]:
    # A leading quote before formula-like text is how cfc (and OWASP's advice) writes text that must not run as
    # a formula (the page's "data entered" CSV): read back as the text it stood for.
    return {key: _unsafe(cell) for key, cell in zip(keys, row) if key is not None}


def _unsafe(cell: str) -> str:
    return csv_unsafe(cell) if cell[:1] == "'" else cell


def _record(source: str, number: int, row: list[str], balanced: bool, keys: list[str | None]) -> Record:
    if None not in keys and len(row) <= len(keys):  # every column named, no cell beyond them: the usual row
        record = Record(source, "row", number, _data(row, keys) if "'" in "".join(row) else dict(zip(keys, row)))
        if not balanced:
            record.problems.append(DataError(None, None, Message("unbalanced_quote", {"line": number})))
        return record
    record = Record(source, "row", number, _data(row, keys))
    if not balanced:
        record.problems.append(DataError(None, None, Message("unbalanced_quote", {"line": number})))
    extra = [cell for key, cell in zip(keys, row) if key is None and cell.strip()]
    extra += [cell for cell in row[len(keys):] if cell.strip()]
    if extra:
        record.problems.append(DataError(None, extra, Message("extra_cells", {
            "value": extra, "cells": len(row), "headers": sum(1 for k in keys if k)})))
    return record


def _probe(keys: list[str | None]) -> int | None:
    """The column looked at first to tell a repeated header from a unit, one look per row: the unit code's,
    else the first input's (a header names an input there, a unit holds a code or a value)."""
    if "unit_code" in keys:
        return keys.index("unit_code")
    return next((index for index, key in enumerate(keys) if key is not None), None)


def _warn_short(source: str, numbers: list[int], columns: int) -> None:
    """Rows with fewer cells than the header (a row cut short, or typed only as far as its last value): their
    last inputs are blank, and the unit incomplete. Said once for the file, naming the first rows."""
    listed = ", ".join(str(n) for n in numbers[:SHORT_ROWS_NAMED])
    more = len(numbers) - SHORT_ROWS_NAMED
    place = Text.of(f"dòng {listed}" + (f" và {more} dòng khác" if more > 0 else ""),
                    ("row " if len(numbers) == 1 else "rows ") + listed + (f" and {more} more" if more > 0 else ""))
    warn(source, place, "short_rows", count=len(numbers), columns=columns)


def _warn_blank(source: str, numbers: list[int]) -> None:
    place = (row_place(numbers[0]) if len(numbers) == 1 else
             Text.of(f"dòng {numbers[0]}–{numbers[-1]}", f"rows {numbers[0]}–{numbers[-1]}"))
    warn(source, place, "skipped_blank")
