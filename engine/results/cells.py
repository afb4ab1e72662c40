"""Text from input is data, never a formula, in every spreadsheet-shaped output (CSV and .xlsx).

A cell that starts with =, +, -, @, a tab or a carriage return can be run as a formula by a spreadsheet program
(a unit named =HYPERLINK("http://…","Bấm vào đây"), or -1+1). CSV: such text gets a leading single quote, as
the OWASP guidance on CSV injection recommends, so the program shows it as text. XLSX: see results/sheets.py.
"""
from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet program runs: formula-like text gets a leading single quote."""
    return "'" + value if is_formula_like(value) else value


def csv_unsafe(value: str) -> str:
    """The text a CSV cell written by csv_safe stood for (reading cfc's own results back)."""
    return value[1:] if value.startswith("'") and is_formula_like(value[1:]) else value
