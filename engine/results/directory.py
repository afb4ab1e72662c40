"""Writers for the spreadsheet-shaped results: `cfc evaluate FILES --output DIR` (results.json, results.csv and
results.xlsx written in one pass) and `-o NAME.xlsx` / `-o NAME.csv`.

They take what SheetsRenderer produces (a head, one piece per unit, a tail). The workbook is streamed
(results/xlsx_writer.py: each row straight to XML, in a temporary file per sheet), looks finished
(results/sheets.py), keeps input text from ever becoming a formula, and is byte-identical for identical input.
`--output DIR`'s three files are written into a temporary directory beside DIR, which takes DIR's place only
when all three are complete (engine.atomic.atomic_directory): the set is all new or all old, never a new
results.json beside an old results.xlsx. A single file appears whole or not at all."""
from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from engine.atomic import atomic_directory, atomic_path, atomic_text
from engine.results import sheets as look
from engine.results.cells import csv_writer
from engine.results.render import labelled

NAMES = ("results.json", "results.csv", "results.xlsx")


class _Rows:
    """The rows of the results workbook and of the people's CSV, with codes replaced by the criteria file's
    labels (the head says which columns hold categories or input names)."""

    def __init__(self, xlsx: bool, csv_handle=None):
        self.workbook = look.new_workbook() if xlsx else None
        self.csv_handle = csv_handle
        self.csv = csv_writer(csv_handle, lineterminator="\r\n") if csv_handle is not None else None
        self.sheets: dict = {}
        self.specs: dict = {}
        self.labels: dict = {}
        self.csv_sheet = None
        self.started = False

    def take(self, piece: dict) -> None:
        """A piece of SheetsRenderer's output: the first is the head (sheets, labels, rows as they are), each next
        one a unit's rows, finished by the renderer: each workbook row encoded but for its number, the CSV lines
        written."""
        if not self.started:
            self.started = True
            self.head(piece)
            return
        if self.workbook is not None:
            for name, rows in piece["sheets"].items():
                sheet = self.sheets[name]
                for row, width in rows:
                    sheet.append_encoded(row, width)
        if self.csv_handle is not None and piece.get("csv"):
            self.csv_handle.write(piece["csv"])

    def head(self, piece: dict) -> None:
        self.labels = piece["labels"]
        self.csv_sheet = piece["csv_sheet"]
        for name, spec in piece["sheets"].items():
            self.specs[name] = spec
            if self.workbook is not None:
                self.sheets[name] = look.table(self.workbook, name, spec["header"], spec["widths"],
                                               spec.get("printed"))
        if self.csv is not None:
            self.csv.writerow(piece["sheets"][self.csv_sheet]["header"])
        for name, spec in piece["sheets"].items():
            self.rows(name, spec["rows"])

    def rows(self, name: str, rows: list[list]) -> None:
        """Rows as they are (the head's: the criteria sheet), their codes translated here."""
        translate = self.specs[name]["translate"]
        for row in rows:
            row = labelled(row, translate, self.labels)
            if self.workbook is not None:
                # A sheet with a print layout wraps its long text (reasons, names) instead of shrinking the page.
                self.sheets[name].append(row, wrap=self.specs[name].get("printed") is not None)
            if self.csv is not None and name == self.csv_sheet:
                self.csv.writerow(row)

    def save(self, path: Path) -> None:
        self.workbook.write(path)

    def discard(self) -> None:
        if self.workbook is not None:  # drop the sheets' temporary files; nothing is saved
            self.workbook.close()


class DirectoryWriter:
    """results.json, results.csv (for people: UTF-8 with a BOM, labels in --lang) and results.xlsx."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.written = [self.directory / name for name in NAMES]

    def __enter__(self) -> "DirectoryWriter":
        self._stack = ExitStack()
        self._tmp = self._stack.enter_context(atomic_directory(self.directory, NAMES))
        # Large buffers: tens of megabytes go out in 64 KB writes rather than 8 KB ones (half the system calls' time).
        self._json = self._stack.enter_context(open(self._tmp / "results.json", "w", encoding="utf-8", newline="",
                                                    buffering=1 << 16))
        csv_handle = self._stack.enter_context(open(self._tmp / "results.csv", "w", encoding="utf-8", newline="",
                                                    buffering=1 << 16))
        csv_handle.write("\ufeff")  # the BOM: Excel reads the file as UTF-8 (Vietnamese intact)
        self._rows = _Rows(xlsx=True, csv_handle=csv_handle)
        return self

    def write(self, piece: dict) -> None:
        self._json.write(piece["json"])
        self._rows.take(piece)

    def __exit__(self, kind, error, trace) -> bool:
        try:
            if kind is None:
                self._rows.save(self._tmp / "results.xlsx")
            else:
                self._rows.discard()
        except BaseException as failure:
            if not self._stack.__exit__(type(failure), failure, failure.__traceback__):
                raise
            return False
        self._stack.__exit__(kind, error, trace)  # the directory takes DIR's place only when nothing failed
        return False


class SpreadsheetWriter:
    """`-o NAME.xlsx` (the results workbook) or `-o NAME.csv` (its results sheet, for people)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.xlsx = self.path.suffix.lower() == ".xlsx"
        self.written = [self.path]

    def __enter__(self) -> "SpreadsheetWriter":
        self._stack = ExitStack()
        handle = None
        if not self.xlsx:
            handle = self._stack.enter_context(atomic_text(self.path))
            handle.write("\ufeff")
        self._rows = _Rows(xlsx=self.xlsx, csv_handle=handle)
        return self

    def write(self, piece: dict) -> None:
        self._rows.take(piece)

    def __exit__(self, kind, error, trace) -> bool:
        try:
            if self.xlsx:
                if kind is None:
                    with atomic_path(self.path) as tmp:
                        self._rows.save(tmp)
                else:
                    self._rows.discard()
        finally:
            self._stack.__exit__(kind, error, trace)
        return False
