"""`cfc evaluate FILES --output DIR`: results.json, results.csv and results.xlsx written in one pass.

The workbook is streamed (openpyxl's write-only mode). The three files are written into a temporary directory
beside DIR, which takes DIR's place only when all three are complete (engine.atomic.atomic_directory): the set
is all new or all old, never a new results.json beside an old results.xlsx."""
from __future__ import annotations

import re
from contextlib import ExitStack
from pathlib import Path

from engine.atomic import atomic_directory

NAMES = ("results.json", "results.csv", "results.xlsx")
# Characters an .xlsx cell cannot hold (XML 1.0 forbids most control characters): a unit name read from a file
# may carry them; they are written as visible escapes (\x1b) instead of failing the whole workbook.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(value):
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)
    return value


class DirectoryWriter:
    """Takes what BundleRenderer produces (head, one piece per unit, tail) and writes the three files."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def __enter__(self) -> "DirectoryWriter":
        from openpyxl import Workbook

        self._stack = ExitStack()
        self._tmp = self._stack.enter_context(atomic_directory(self.directory, NAMES))
        self._json = self._stack.enter_context(open(self._tmp / "results.json", "w", encoding="utf-8", newline=""))
        self._csv = self._stack.enter_context(open(self._tmp / "results.csv", "w", encoding="utf-8", newline=""))
        self._workbook = Workbook(write_only=True)
        self._sheets = {}
        return self

    def write(self, piece: dict) -> None:
        self._json.write(piece["json"])
        self._csv.write(piece["csv"])
        for name, rows in piece["sheets"].items():
            if name not in self._sheets:
                self._sheets[name] = self._workbook.create_sheet(name)
            for row in rows:
                self._sheets[name].append([_cell(value) for value in row])

    def __exit__(self, kind, error, trace) -> bool:
        try:
            if kind is None:
                self._workbook.save(self._tmp / "results.xlsx")
            else:
                for sheet in self._sheets.values():  # finish the sheets' temporary streams; nothing is saved
                    sheet.close()
        except BaseException as failure:
            if not self._stack.__exit__(type(failure), failure, failure.__traceback__):
                raise
            return False
        self._stack.__exit__(kind, error, trace)  # the directory takes DIR's place only when nothing failed
        return False
