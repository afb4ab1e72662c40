"""Text from input is data, never a formula, in every spreadsheet-shaped output (CSV and .xlsx).

A cell that starts with =, +, -, @, a tab or a carriage return can be run as a formula by a spreadsheet program
(a unit named =HYPERLINK("http://…","Bấm vào đây"), or -1+1). CSV: such text gets a leading single quote, as
the OWASP guidance on CSV injection recommends, so the program shows it as text. XLSX: see results/sheets.py.

Every CSV cfc writes is written by `csv_writer` below (results, the page's "data entered", the history export):
tests/test_safe_writers.py scans the code and fails on any other CSV or spreadsheet writer.
"""
from __future__ import annotations

import csv
import io
import re
from itertools import repeat
from typing import Any, Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each start is one character: text is formula-like when its first one is
_FIELD_KINDS = frozenset({str, int, type(None)})  # a row of these is written field by field (SafeCsvWriter.line)
# What a column's memo gives for a value it does not hold: a field's own kind (text, or UTF-8 for an encoded
# writer), so that counting them in a line compares like with like (an object compared with each text field went
# the long way round, through both types' comparisons). A field that happens to be equal to it is written again,
# the same.
_UNSEEN_TEXT = "\0"
_UNSEEN_BYTES = b"\0"
FIELDS_KEPT = 4_096  # distinct fields remembered per column (a column of names starts again when full)


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet program runs: formula-like text gets a leading single quote."""
    return "'" + value if is_formula_like(value) else value


def csv_unsafe(value: str) -> str:
    """The text a CSV cell written by csv_safe stood for (reading cfc's own files back)."""
    return value[1:] if value.startswith("'") and is_formula_like(value[1:]) else value


class SafeCsvWriter:
    """csv.writer whose every cell goes through csv_safe (None is an empty cell, as csv writes it).

    A row of text, whole numbers and None (every row cfc writes) is written field by field: each field's text depends
    only on its value, and most values repeat in their column (statuses, labels, points), so each column keeps the
    fields it wrote by value and a row is looked up in one pass (map over the columns' memos); a value not seen yet
    is written as csv.writer writes csv_safe of it — quoted when it holds the delimiter, the quote character or a
    character of the line terminator (the characters this writer quotes: tests/test_render.py checks them against
    every character), its quotes doubled. Any other row is written by csv.writer as it is, then looked at: only when
    a field of the line starts with a formula's first character (after the delimiter, or the quote that opens a
    quoted field) is the row written again with each cell through csv_safe. One search per line costs less than a
    check per cell, and the line is the same (a field holding a formula-like text starts with its first
    character; a number that starts with a minus sign is written again, unchanged, as csv_safe leaves any
    number).

    `encoded`: lines come as UTF-8 bytes, each field kept encoded (a line of a row of text, whole numbers and None is
    then joined from bytes: no text widened to hold its Vietnamese, no line encoded character by character)."""

    __slots__ = ("_handle", "_buffer", "_writer", "_quote", "_maybe", "_formula", "_fields", "_special",
                 "_delimiter", "_terminator", "_encoded", "_unseen", "_unseens", "_empty", "_breaks")

    def __init__(self, handle, encoded: bool = False, **options: Any):
        self._handle = handle
        self._encoded = encoded
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, **options)
        dialect = self._writer.dialect
        delimiter, starts = re.escape(dialect.delimiter), re.escape("".join(FORMULA_STARTS))
        self._quote = dialect.quotechar
        quote = re.escape(self._quote) if self._quote else ""
        # A field after the first that starts with a formula's first character or a quote: a line without one is
        # safe (one search for a literal then a class); with one, the exact search says.
        self._maybe = re.compile(f"{delimiter}[{starts}{quote}]")
        self._formula = re.compile(f"{delimiter}{quote}?[{starts}]" if quote else f"{delimiter}[{starts}]")
        # Field by field only in the dialect whose quoting is described above (the one cfc writes: commas, double
        # quotes doubled inside a quoted field, minimal quoting, no escape character).
        plain = (dialect.quoting == csv.QUOTE_MINIMAL and dialect.doublequote and dialect.escapechar is None
                 and dialect.quotechar == '"' and dialect.delimiter == "," and dialect.lineterminator in ("\n", "\r\n"))
        self._fields: list[dict] | None = [] if plain else None  # per column: value → its field's text
        self._special = re.compile("[" + re.escape(',"' + dialect.lineterminator) + "]")  # what makes a field quoted
        # ... but the quote character, as _fill looks for them (a few searches for a character cost less than a pattern's):
        # the comma in every field, the line terminator's characters (not printable) only in a field that is not
        self._breaks = tuple(dict.fromkeys(dialect.lineterminator))
        self._delimiter = dialect.delimiter.encode() if encoded else dialect.delimiter
        self._terminator = dialect.lineterminator.encode() if encoded else dialect.lineterminator
        self._unseen = _UNSEEN_BYTES if encoded else _UNSEEN_TEXT
        self._unseens = repeat(self._unseen)
        self._empty = b"" if encoded else ""

    def line(self, row: Iterable[Any]) -> str | bytes:
        """The row as this writer writes it, as text (UTF-8 bytes when `encoded`)."""
        if type(row) is not list:
            row = list(row)
        memos = self._fields
        # A row of one field is not written field by field: csv quotes an empty one ("" alone on its line).
        if memos is not None and len(row) > 1 and _FIELD_KINDS.issuperset(map(type, row)):
            if len(row) > len(memos):
                memos.extend({None: self._empty} for _ in range(len(row) - len(memos)))
            fields = list(map(dict.get, memos, row, self._unseens))
            unseen = fields.count(self._unseen)
            if unseen:
                self._fill(fields, row, unseen)
            return self._delimiter.join(fields) + self._terminator
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        self._writer.writerow(row)
        text = buffer.getvalue()
        if (text[:1] in FORMULA_FIRST or (text[:1] == self._quote and text[1:2] in FORMULA_FIRST)
                or self._maybe.search(text) and self._formula.search(text)):
            buffer.seek(0)
            buffer.truncate()
            self._writer.writerow([csv_safe(cell) for cell in row])
            text = buffer.getvalue()
        return text.encode() if self._encoded else text

    def _fill(self, fields: list, row: list, unseen: int) -> None:
        """The `unseen` fields not found in their column's memo written (see the class), and kept."""
        quote, breaks, marker = self._quote, self._breaks, self._unseen
        position = -1
        for _ in range(unseen):
            position = fields.index(marker, position + 1)
            value = row[position]
            if type(value) is str:
                field = "'" + value if value[:1] in FORMULA_FIRST else value  # each start is one character
                if quote in field:
                    field = quote + field.replace(quote, quote + quote) + quote
                elif "," in field or not field.isprintable() and any(map(field.__contains__, breaks)):
                    field = quote + field + quote
            else:  # a whole number (None is in every memo)
                field = int.__repr__(value)
            if self._encoded:
                field = field.encode()
            memo = self._fields[position]
            if len(memo) >= FIELDS_KEPT:
                memo.clear()
                memo[None] = self._empty
            fields[position] = memo[value] = field

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._handle.write(self.line(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle, encoded: bool = False, **options: Any) -> SafeCsvWriter:
    """The one CSV writer of cfc: `csv.writer(handle, **options)` with formula-like text quoted (a handle of None:
    rows as text only, by `line`; `encoded`: as UTF-8 bytes)."""
    return SafeCsvWriter(handle, encoded, **options)
