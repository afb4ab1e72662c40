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
from typing import Any, Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_STARTS = frozenset(FORMULA_STARTS)


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

    A row is written as it is, then looked at: only when a field of the line starts with a formula's first
    character (after the delimiter, or the quote that opens a quoted field) is the row written again with each
    cell through csv_safe. One search per line costs less than a check per cell, and the line is the same (a field
    holding a formula-like text starts with its first character; a number that starts with a minus sign is
    written again, unchanged, as csv_safe leaves any number)."""

    __slots__ = ("_handle", "_buffer", "_writer", "_quote", "_maybe", "_formula")

    def __init__(self, handle, **options: Any):
        self._handle = handle
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

    def line(self, row: Iterable[Any]) -> str:
        """The row as this writer writes it, as text."""
        if type(row) is not list:
            row = list(row)
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        self._writer.writerow(row)
        text = buffer.getvalue()
        if (text[:1] in _STARTS or (text[:1] == self._quote and text[1:2] in _STARTS)
                or self._maybe.search(text) and self._formula.search(text)):
            buffer.seek(0)
            buffer.truncate()
            self._writer.writerow([csv_safe(cell) for cell in row])
            text = buffer.getvalue()
        return text

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._handle.write(self.line(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle, **options: Any) -> SafeCsvWriter:
    """The one CSV writer of cfc: `csv.writer(handle, **options)` with formula-like text quoted (a handle of None:
    rows as text only, by `line`)."""
    return SafeCsvWriter(handle, **options)
