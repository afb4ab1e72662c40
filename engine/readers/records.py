"""A record: one unit's raw data as read from a file, with where it came from and what the reader found
wrong with it. Readers make records; units/ validates them."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Iterator

from engine.messages import Message, MessageError
from engine.text import Text


class InputFileError(MessageError):
    """The file as a whole cannot be read: nothing in it can be evaluated. A catalog message naming the file."""


@dataclass
class DataError:
    input: str | None
    value: Any
    message: Message


@dataclass
class Record:
    source: str
    kind: str             # "row" for tables (spreadsheet numbering: the header is row 1), "item" in lists, "" alone
    number: int
    data: dict[str, Any]
    problems: list[DataError] = field(default_factory=list)  # found before validation: extra cells, duplicates
    sheet: str | None = None  # the workbook sheet a spreadsheet record came from
    cells: Mapping[str, str] = field(default_factory=dict)  # spreadsheets: input → the cell holding it ("H7")

    def where(self, lang: str = "en") -> str:
        place = self.source
        if self.sheet is not None:
            place += f" {'trang' if lang == 'vi' else 'sheet'} '{self.sheet}'"
        if not self.kind:
            return place
        word = {"row": ("dòng", "row"), "item": ("mục", "item")}[self.kind][lang != "vi"]
        return f"{place} {word} {self.number}"

    def location(self) -> "Record":
        """The record's place without its content (kept by the duplicate pass)."""
        return Record(self.source, self.kind, self.number, {}, sheet=self.sheet)

    def same_place(self, other: "Record") -> bool:
        return (self.source, self.sheet, self.kind, self.number) == (other.source, other.sheet, other.kind, other.number)


class RowCells(Mapping):
    """The cell holding each input of one row of a table: its column's letters (shared by every row of the
    sheet) and the row's number, written out only when asked (an error names one; most rows never need any, and
    a national workbook has 600,000 cells)."""

    __slots__ = ("letters", "number")

    def __init__(self, letters: dict[str, str], number: int):
        self.letters, self.number = letters, number

    def __getitem__(self, key: str) -> str:
        return f"{self.letters[key]}{self.number}"

    def __iter__(self) -> Iterator[str]:
        return iter(self.letters)

    def __len__(self) -> int:
        return len(self.letters)

    def __repr__(self) -> str:
        return repr(dict(self))


# ---------------------------------------------------------------- warnings and reading options

@dataclass(frozen=True)
class ReadWarning:
    """Something a reader skipped or ignored that the user must hear about (a totals row, an unknown column,
    a hidden sheet). Not an error: every unit is still evaluated or named in an error."""

    source: str
    place: Any  # Text ("dòng 7" / "row 7") or "" for the whole file
    message: Message

    def render(self, lang: str = "vi") -> str:
        place = self.place(lang) if callable(self.place) else self.place
        return f"{self.source}{' ' + place if place else ''}: {self.message.render(lang)}"


@dataclass
class ReadOptions:
    hidden_sheets: bool = False               # read hidden workbook sheets too
    warnings: dict[tuple, ReadWarning] | None = None  # None: nobody listens, warnings are dropped


_OPTIONS: ContextVar[ReadOptions] = ContextVar("cfc_read_options", default=ReadOptions())


@contextmanager
def reading(hidden_sheets: bool = False) -> Iterator[ReadOptions]:
    """Within the block, readers use these options and gather their warnings (each once, however many times
    a file is read: a batch reads every file twice) in `options.warnings`."""
    options = ReadOptions(hidden_sheets, {})
    token = _OPTIONS.set(options)
    try:
        yield options
    finally:
        _OPTIONS.reset(token)


def read_options() -> ReadOptions:
    return _OPTIONS.get()


def warn(source: str, place: Any, key: str, **params: Any) -> None:
    warning = ReadWarning(source, place, Message(key, params))
    sink = _OPTIONS.get().warnings
    if sink is not None:
        sink.setdefault((source, warning.render("en")), warning)


def row_place(number: int, sheet: str | None = None) -> Text:
    """ "trang 'X' dòng 7" / "sheet 'X' row 7" """
    vi = (f"trang '{sheet}' " if sheet is not None else "") + f"dòng {number}"
    en = (f"sheet '{sheet}' " if sheet is not None else "") + f"row {number}"
    return Text.of(vi, en)
