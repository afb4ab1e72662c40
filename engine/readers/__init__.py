"""Readers: a file's bytes → records with their source (file, sheet, row). Each file type has its module;
`iter_records` picks one by the file's suffix. A bad row becomes a record with problems, a file that cannot be
read at all raises InputFileError."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from engine.readers.csv import csv_records
from engine.readers.documents import document_records
from engine.readers.records import InputFileError, Record
from engine.rules.criteria import CriteriaSet

XLSX_SUFFIXES = (".xlsx", ".xlsm")


def read_records(path: str | Path, criteria: CriteriaSet | None = None) -> list[Record]:
    return list(iter_records(path, criteria))


def iter_records(path: str | Path, criteria: CriteriaSet | None = None) -> Iterator[Record]:
    """Records one at a time (CSV is streamed: a national file never sits in memory whole).

    `criteria` names the inputs whose names or labels a workbook's headers may use (default: the newest shipped
    criteria file). Raises InputFileError when the file as a whole cannot be read; a bad row becomes a record
    with problems."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        from engine.readers.xlsx import read_xlsx_records  # openpyxl loads only when a workbook is read

        yield from read_xlsx_records(path, criteria)
        return
    if suffix not in (".csv", ".yaml", ".yml", ".json"):
        raise InputFileError(f"{path}: unsupported file type {suffix or '(none)'}; "
                             f"use .csv, .xlsx, .yaml, .yml or .json")
    try:
        # utf-8-sig: Excel writes a byte-order mark before UTF-8 CSV
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            if suffix == ".csv":
                yield from csv_records(str(path), handle)
            else:
                yield from document_records(str(path), handle.read(), suffix)
    except UnicodeDecodeError as error:
        raise InputFileError(f"{path}: not UTF-8 text (byte {error.start}); save the file as UTF-8") from error
    except OSError as error:
        raise InputFileError(f"{path}: cannot read: {error.strerror or error}") from error
