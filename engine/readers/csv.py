"""CSV: one unit per row under a header row of input names."""
from __future__ import annotations

import csv
from typing import Iterator

from engine.messages import Message
from engine.readers.records import DataError, InputFileError, Record
from engine.text import nfc


def csv_records(source: str, lines) -> Iterator[Record]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header:
        raise InputFileError(f"{source}: empty file (no header row)")
    names = [nfc(h).strip() for h in header]
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines between blocks of units are common in hand-kept sheets
        record = Record(source, "row", number, {n: c for n, c in zip(names, row) if n})
        extra = [cell for cell in row[len(names):] if cell.strip()]
        if extra:
            record.problems.append(DataError(None, extra, Message("extra_cells", {
                "value": extra, "cells": len(row), "headers": len(names)})))
        yield record
