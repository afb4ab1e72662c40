"""Text from input is data, never a formula, in every spreadsheet-shaped output (CSV and .xlsx).

A cell that starts with =, +, -, @, a tab or a carriage return can be run as a formula by a spreadsheet program
(a unit named =HYPERLINK("http://…","Bấm vào đây"), or -1+1). CSV: such text gets a leading single quote, as
the OWASP guidance on CSV injection recommends, so the program shows it as text. XLSX: see results/sheets.py.

Every CSV cfc writes is written by `csv_writer` below (results, the page's "data entered", the history export):
tests/test_safe_writers.py scans the code and fails on any other CSV or spreadsheet writer.
"""
from __future__ import annotations

import csv
import re
from typing import Any, Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet program runs: formula-like text gets a leading single quote."""
    return "'" + value if is_formula_like(value) else value


def csv_unsafe(value: str) -> str:
    """The text a CSV cell written by csv_safe stood for (reading cfc's own files back)."""
    return value[1:] if value.startswith("'") and is_formula_like(value[1:]) else value


# A row whose cells are all of these kinds, written as text joined by NULs after a NUL, shows every cell that
# could be formula-like as a NUL followed by a formula start (and a few others: a negative number, a NUL inside a
# text): a row where none does needs no cell changed, which one search tells (cheaper than a check per cell).
_PLAIN = frozenset((str, int, float, type(None)))
_FORMULA_AFTER_NUL = re.compile("\0[" + re.escape("".join(FORMULA_STARTS)) + "]")


class SafeCsvWriter:
    """csv.writer whose every cell goes through csv_safe (None is an empty cell, as csv writes it)."""

    __slots__ = ("_writer",)

    def __init__(self, handle, **options: Any):
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        if type(row) is not list:
            row = list(row)
        if _PLAIN.issuperset(map(type, row)) and not _FORMULA_AFTER_NUL.search("\0" + "\0".join(map(str, row))):
            return self._writer.writerow(row)  # no cell is formula-like: each is as csv_safe would leave it
        return self._writer.writerow([csv_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle, **options: Any) -> SafeCsvWriter:
    """The one CSV writer of cfc: `csv.writer(handle, **options)` with formula-like text quoted."""
    return SafeCsvWriter(handle, **options)
