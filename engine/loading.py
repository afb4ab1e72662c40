"""The one way files become records: batches, what-if, reports and a single unit all load through here.

A first pass over the files counts the units and collects their codes (a repeated code must name every row
holding it, including rows further down); then `records` streams the records again, repeated codes marked.
A workbook, YAML or JSON file is parsed whole by its reader anyway: its records are kept from the first pass
and never parsed twice. CSV records are kept too while the batch holds at most KEEP_CSV_RECORDS of them (a
national file before the 2025 reform, about 35 MB); past that a CSV is read twice, row by row, so a file of
any size never sits in memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from engine.messages import Said
from engine.readers import iter_records
from engine.readers.records import InputFileError, Record
from engine.criteria.model import CriteriaSet
from engine.units.duplicates import group_duplicates, mark_duplicate, unit_code_of

STREAMED = (".csv",)  # read row by row; every other file type is parsed whole, once
KEEP_CSV_RECORDS = 12_000


@dataclass
class Plan:
    """What the first pass learnt: how many units, which codes repeat, which files cannot be read."""

    count: int
    duplicates: dict[str, list[Record]]
    readable: list[str]
    file_errors: list[str]
    criteria: CriteriaSet | None = None  # whose input names and labels workbook headers are matched against
    kept: dict[str, list[Record]] = field(default_factory=dict)  # records read once and held, by path


def plan(paths: Iterable[str | Path], criteria: CriteriaSet | None = None) -> Plan:
    """Read every file once, keeping each record's place and unit code (and the records themselves, but for
    CSVs past KEEP_CSV_RECORDS). A file that fails part-way is left out whole (and reported), so no unit of it is
    half-evaluated."""
    count, readable, file_errors, places, kept = 0, [], [], [], {}
    kept_csv = 0
    for path in paths:
        streamed = Path(path).suffix.lower() in STREAMED
        try:
            held: list[Record] | None = []
            found = []
            for record in iter_records(path, criteria):
                found.append((unit_code_of(record), record.location()))
                if held is not None:
                    held.append(record)
                    if streamed and kept_csv + len(held) > KEEP_CSV_RECORDS:
                        held = None  # too many to hold: this file is read again, row by row
        except InputFileError as error:
            file_errors.append(Said(error.message))  # English as a string; the command line says it in --lang
            continue
        if held is not None:
            kept[str(path)] = held
            kept_csv += len(held) if streamed else 0
        count += len(found)
        readable.append(str(path))
        places.extend(found)
    return Plan(count, group_duplicates(places), readable, file_errors, criteria, kept)


def records(plan_: Plan) -> Iterator[Record]:
    """Every record the plan found, in file then row order, repeated unit codes marked."""
    for path in plan_.readable:
        source = plan_.kept.get(path)
        for record in source if source is not None else iter_records(path, plan_.criteria):
            yield mark_duplicate(record, plan_.duplicates)
