"""Writers for the spreadsheet-shaped results: `cfc evaluate FILES --output DIR` (results.json, results.csv and
results.xlsx written in one pass) and `-o NAME.xlsx` / `-o NAME.csv`.

They take what SheetsRenderer produces (a head, one piece per unit, a tail). The workbook is streamed
(results/xlsx_writer.py: each row straight to XML, in a temporary file per sheet), looks finished
(results/sheets.py), keeps input text from ever becoming a formula, and is byte-identical for identical input.
`--output DIR`'s three files are written into a temporary directory beside DIR, which takes DIR's place only
when all three are complete (engine.atomic.atomic_directory): the set is all new or all old, never a new
results.json beside an old results.xlsx. A single file appears whole or not at all."""
from __future__ import annotations

import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace

from engine.atomic import atomic_directory, atomic_path, atomic_text
from engine.results import sheets as look
from engine.results.cells import csv_writer
from engine.results.render import labelled

NAMES = ("results.json", "results.csv", "results.xlsx")
BOM = "\ufeff".encode()  # at the start of the CSV for people: Excel reads the file as UTF-8 (Vietnamese intact)


class _Rows:
    """The rows of the results workbook and of the people's CSV, with codes replaced by the criteria file's
    labels (the head says which columns hold categories or input names).

    A header may depend on the units below it: "Huyện / khu vực" is "Khu vực" when every unit's period is after
    the 1 July 2025 reform (the spec's "header_after"; each unit's piece says whether it is). The workbook keeps
    its header rows until it is written. The people's CSV holds its lines back (a temporary file) only while
    every unit so far is after the reform: the first unit before it settles the header, which is written with
    the lines held and everything after streams as always (a file of the old map holds nothing back). A file of
    the new map alone is copied under its header at the end (~20 ms for 10,600 units).

    The CSV is written as bytes (`csv_handle` is binary): a batch's lines come encoded from the workers
    (render.joined); the head's and the header's lines are encoded here."""

    def __init__(self, xlsx: bool, csv_handle=None):
        self.workbook = look.new_workbook() if xlsx else None
        self.csv_handle = csv_handle
        # the CSV's lines while its header is not known, then None: the lines go to csv_handle
        self.pending = None
        if csv_handle is not None:
            self.pending = tempfile.TemporaryFile("w+b", buffering=1 << 16)
        self.csv = csv_writer(SimpleNamespace(write=self._people), lineterminator="\r\n")
        self.sheets: dict = {}
        self.specs: dict = {}
        self.labels: dict = {}
        self.csv_sheet = None
        self.started = False
        self.after = True  # every unit so far is after the reform (none yet: see _header)
        self.units = 0

    def _people(self, text: str | bytes) -> None:
        if type(text) is str:
            text = text.encode()
        if self.pending is not None:
            self.pending.write(text)
        elif self.csv_handle is not None:
            self.csv_handle.write(text)

    def take(self, piece: dict) -> None:
        """A piece of SheetsRenderer's output: the first is the head (sheets, labels, rows as they are), each next
        one a unit's rows (or a chunk's, joined), finished by the renderer: each workbook row encoded but for its
        number, the CSV lines written. The rows of a piece are numbered in one go (Sheet.append_rows)."""
        if not self.started:
            self.started = True
            self.head(piece)
            return
        if "after" in piece:  # a unit's piece (the tail's has no rows)
            self.units += 1
            if self.after and not piece["after"]:
                self.after = False
                self._csv_header()
        if self.workbook is not None:
            for name, rows in piece["sheets"].items():  # rows as wide as their sheet's header (SheetsRenderer)
                self.sheets[name].append_rows(rows, len(self.specs[name]["widths"]))
        if piece.get("csv"):
            self._people(piece["csv"])

    def head(self, piece: dict) -> None:
        self.labels = piece["labels"]
        self.csv_sheet = piece["csv_sheet"]
        for name, spec in piece["sheets"].items():
            self.specs[name] = spec
            if self.workbook is not None:
                self.sheets[name] = look.table(self.workbook, name, spec["header"], spec["widths"],
                                               spec.get("printed"))
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
            if name == self.csv_sheet:
                self.csv.writerow(row)

    def _header(self, name: str) -> list:
        spec = self.specs[name]
        after = self.after and self.units > 0 and "header_after" in spec
        return spec["header_after"] if after else spec["header"]

    def _csv_header(self) -> None:
        """The CSV's header, now that it is known, above the lines held back; from here on lines stream."""
        if self.pending is None:
            return
        pending, self.pending = self.pending, None
        if self.csv_sheet is not None:
            self.csv.writerow(self._header(self.csv_sheet))
        pending.seek(0)
        shutil.copyfileobj(pending, self.csv_handle, 1 << 16)
        pending.close()

    def finish(self) -> None:
        """The headers as the units decided them: reworded in the workbook, written above the people's CSV."""
        if self.workbook is not None:
            for name, sheet in self.sheets.items():
                if "header_after" in self.specs[name]:
                    sheet.reword_header(self._header(name))
        self._csv_header()

    def save(self, path: Path) -> None:
        self.workbook.write(path)

    def discard(self) -> None:
        if self.workbook is not None:  # drop the sheets' temporary files; nothing is saved
            self.workbook.close()
        if self.pending is not None:
            self.pending.close()


class DirectoryWriter:
    """results.json, results.csv (for people: UTF-8 with a BOM, labels in --lang) and results.xlsx."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.written = [self.directory / name for name in NAMES]

    def __enter__(self) -> "DirectoryWriter":
        self._stack = ExitStack()
        self._tmp = self._stack.enter_context(atomic_directory(self.directory, NAMES))
        # Large buffers: tens of megabytes go out in 64 KB writes rather than 8 KB ones (half the system calls' time).
        # Binary: a batch's text comes as the UTF-8 bytes of its file (render.joined).
        self._json = self._stack.enter_context(open(self._tmp / "results.json", "wb", buffering=1 << 16))
        csv_handle = self._stack.enter_context(open(self._tmp / "results.csv", "wb", buffering=1 << 16))
        csv_handle.write(BOM)
        self._rows = _Rows(xlsx=True, csv_handle=csv_handle)
        return self

    def write(self, piece: dict) -> None:
        text = piece["json"]  # a chunk's: bytes; the head's, the tail's, a unit's alone: str
        self._json.write(text if type(text) is bytes else text.encode())
        self._rows.take(piece)

    def __exit__(self, kind, error, trace) -> bool:
        try:
            if kind is None:
                self._rows.finish()
                self._rows.save(self._tmp / "results.xlsx")
            else:
                self._rows.discard()
        except BaseException as failure:
            self._rows.discard()
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
            handle = self._stack.enter_context(atomic_text(self.path)).buffer  # bytes only (see _Rows)
            handle.write(BOM)
        self._rows = _Rows(xlsx=self.xlsx, csv_handle=handle)
        return self

    def write(self, piece: dict) -> None:
        self._rows.take(piece)

    def __exit__(self, kind, error, trace) -> bool:
        try:
            if kind is not None:
                self._rows.discard()
            else:
                self._rows.finish()
                if self.xlsx:
                    with atomic_path(self.path) as tmp:
                        self._rows.save(tmp)
        except BaseException as failure:  # a CSV half written is not kept (atomic_text drops it)
            self._rows.discard()
            if not self._stack.__exit__(type(failure), failure, failure.__traceback__):
                raise
            return False
        self._stack.__exit__(kind, error, trace)
        return False
