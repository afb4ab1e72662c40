"""`cfc evaluate FILES --output DIR`: results.json, results.csv and results.xlsx written in one pass.

The workbook is streamed (engine/results/xlsx_stream.py) and every file appears whole or not at all."""
from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from engine.atomic import atomic_path, atomic_text
from engine.results.xlsx_stream import XlsxStream

NAMES = ("results.json", "results.csv", "results.xlsx")


class DirectoryWriter:
    """Takes what BundleRenderer produces (head, one piece per unit, tail) and writes the three files."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def __enter__(self) -> "DirectoryWriter":
        self.directory.mkdir(parents=True, exist_ok=True)
        self._stack = ExitStack()
        self._json = self._stack.enter_context(atomic_text(self.directory / "results.json"))
        self._csv = self._stack.enter_context(atomic_text(self.directory / "results.csv"))
        self._workbook = XlsxStream()
        return self

    def write(self, piece: dict) -> None:
        self._json.write(piece["json"])
        self._csv.write(piece["csv"])
        for name, rows in piece["sheets"].items():
            for row in rows:
                self._workbook.append(name, row)

    def __exit__(self, kind, error, trace) -> bool:
        failed = None
        try:
            if kind is None:
                try:
                    with atomic_path(self.directory / "results.xlsx") as tmp:
                        self._workbook.save(tmp)
                except BaseException as problem:  # without the workbook, json and csv must not be committed either
                    failed = problem
                    kind, error, trace = type(problem), problem, problem.__traceback__
        finally:
            self._workbook.close()
        self._stack.__exit__(kind, error, trace)  # commits json and csv only when nothing failed
        if failed is not None:
            raise failed
        return False
