"""Readers: a file's bytes → records with their source (file, sheet, row). Each file type has its module;
`iter_records` picks one by the file's suffix. A bad row becomes a record with problems, a file that cannot be
read at all raises InputFileError, a row skipped or a column ignored is a warning (records.warn).

The file-type modules are imported when a file of their type is read: the criteria loader imports the safe YAML
reader from this package, and must not pull in the readers that need criteria."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from engine import limits
from engine.criteria.model import default_criteria
from engine.messages import Message, os_reason
from engine.readers.records import InputFileError, Record

if TYPE_CHECKING:
    from engine.criteria.model import CriteriaSet

XLSX_SUFFIXES = (".xlsx", ".xlsm")
SUFFIXES = (".csv", ".yaml", ".yml", ".json") + XLSX_SUFFIXES


def read_records(path: str | Path, criteria: "CriteriaSet | None" = None) -> list[Record]:
    return list(iter_records(path, criteria))


def iter_records(path: str | Path, criteria: "CriteriaSet | None" = None) -> Iterator[Record]:
    """Records one at a time (CSV is streamed: a national file never sits in memory whole).

    `criteria` names the inputs whose names or labels headers may use (default: the newest shipped criteria
    file). Raises InputFileError when the file as a whole cannot be read, or holds no unit; a bad row becomes a
    record with problems."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputFileError("file_type", file=str(path), suffix=suffix or Message("no_suffix"))
    criteria = criteria or default_criteria()
    if path.is_dir():
        raise InputFileError("file_is_folder", file=str(path))
    if suffix in XLSX_SUFFIXES:
        from engine.readers.xlsx import read_xlsx_records  # openpyxl loads only when a workbook is read

        yield from read_xlsx_records(path, criteria)
        return
    try:
        with path.open("rb") as handle:
            if suffix == ".csv":
                from engine.readers.csv import csv_records

                yield from csv_records(str(path), handle, criteria)
            else:
                from engine.readers.documents import document_records

                yield from document_records(str(path), _document_text(str(path), handle), suffix, criteria)
    except OSError as error:
        raise InputFileError("file_cannot_read", file=str(path), reason=os_reason(error)) from error


def read_source(path: str | Path, criteria: "CriteriaSet | None" = None):
    """The file read once, for records to be built from it later: a CSV's scan (engine/readers/csv.py,
    CsvUnits: its lines and where each unit is in them, its warnings said), a workbook's (xlsx_units.py,
    WorkbookUnits: likewise), any other file's records (a list).
    Raises InputFileError as iter_records does."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES and not path.is_dir():
        from engine.readers.sheets_ahead import inflated_ahead  # no openpyxl: it starts before openpyxl's import

        with inflated_ahead(path):
            from engine.readers.xlsx_units import scan_xlsx

            return scan_xlsx(path, criteria)
    if suffix != ".csv" or path.is_dir():
        return list(iter_records(path, criteria))
    from engine.readers.csv import scan_csv

    try:
        with path.open("rb") as handle:
            return scan_csv(str(path), handle, criteria or default_criteria())
    except OSError as error:
        raise InputFileError("file_cannot_read", file=str(path), reason=os_reason(error)) from error


def _document_text(source: str, handle) -> str:
    data = handle.read(limits.MAX_DOCUMENT_BYTES + 1)
    if len(data) > limits.MAX_DOCUMENT_BYTES:
        raise InputFileError("file_too_large_split", file=source, mb=limits.MAX_DOCUMENT_BYTES // (1024 * 1024))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise InputFileError("file_not_text", file=source, line=line, encoding=encoding.upper()[:6]) from None
