"""A record: one unit's raw data as read from a file, with where it came from and what the reader found
wrong with it. Readers make records; units/ validates them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.messages import Message


class InputFileError(Exception):
    """The file as a whole cannot be read: nothing in it can be evaluated."""


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
    cells: dict[str, str] = field(default_factory=dict)  # spreadsheets: input → the cell holding it ("H7")

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
