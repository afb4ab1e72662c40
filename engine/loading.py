"""The one way files become records: batches, what-if, reports and a single unit all load through here.

Each file is read once (`plan`). A CSV is scanned: its lines kept, its units found (every warning and file
error said), each unit's code taken from its cell, no record built; its records are built later, a few at a time,
where they are scored (`Source.records`: in the worker process that scores them, engine/batch.py). A workbook
likewise (engine/readers/xlsx_units.py: its sheets kept as stored, its units and their codes found, most rows'
cells read only where they are scored). A YAML or JSON file is parsed whole by its reader: its records are kept. A unit code found twice in the batch must
name every row holding it, rows further down included: the codes are known before any unit is scored, so
`records` marks each repeated one as it builds it.
"""
from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, Iterator

from engine.criteria.model import CriteriaSet
from engine.messages import Said
from engine.readers import read_source
from engine.readers.records import InputFileError, Record
from engine.units.duplicates import group_duplicates, mark_duplicate, unit_code_of
from engine.units.values import ValueProblem, unit_code


@dataclass
class Plan:
    """What reading the files found: how many units, which codes repeat, which files cannot be read, and each
    readable file's units (`sources`, in order)."""

    count: int
    duplicates: dict[str, list[Record]]
    readable: list[str]
    file_errors: list[str]
    criteria: CriteriaSet | None = None  # whose input names and labels headers are matched against
    sources: tuple = ()  # per readable file: a CsvUnits (engine/readers/csv.py), a WorkbookUnits or Kept

    def records(self, part: tuple[int, int, int]) -> list[Record]:
        """The records of (source index, start, stop): units start … stop - 1 of that file, repeated codes
        marked."""
        index, start, stop = part
        found = self.sources[index].records(start, stop)
        if not self.duplicates:  # the usual batch: no code to look for (each record's code read: ~7.8k instructions)
            return found
        return [mark_duplicate(record, self.duplicates) for record in found]


@dataclass
class Kept:
    """A file parsed whole: its records."""

    kept: list[Record]

    @property
    def units(self) -> list[Record]:
        return self.kept

    def records(self, start: int, stop: int) -> list[Record]:
        return self.kept[start:stop]


def plan(paths: Iterable[str | Path], criteria: CriteriaSet | None = None) -> Plan:
    """Read every file once. A file that fails part-way is left out whole (and reported), so no unit of it is
    half-evaluated."""
    readable, file_errors, places, sources = [], [], [], []
    for path in paths:
        try:
            source = read_source(path, criteria)
        except InputFileError as error:
            file_errors.append(Said(error.message))  # English as a string; the command line says it in --lang
            continue
        if isinstance(source, list):
            source = Kept(source)
            places += [(unit_code_of(record), record) for record in source.kept]
        elif hasattr(source, "places"):  # a workbook's rows are placed by (file, row number, sheet)
            places += [(unit_code_of(place) if isinstance(place, Record) else _plain(code), place)
                       for code, place in source.places()]
        else:  # a scanned CSV's rows are placed by (file, row number): a Record is made only for a code that repeats
            # (_plain inline: a call a unit costs more than the test)
            name = source.source
            places += [(code if type(code) is str and code.isdigit() and code.isascii() else _folded(code), (name, number))
                       for code, number in source.codes]
        readable.append(str(path))
        sources.append(source)
    # Only the places of a code that repeats are kept (a record's place without its content). Most batches repeat
    # none: as many distinct codes as units, counted in C, and no code is looked at one by one.
    distinct = len(set(map(itemgetter(0), places)))
    grouped = group_duplicates(places) if distinct < len(places) else {}
    repeated = {code: [place.location() if isinstance(place, Record) else Record(place[0], "row", place[1], {},
                                                                                  sheet=place[2] if len(place) > 2 else None)
                       for place in found]
                for code, found in grouped.items()}
    return Plan(len(places), repeated, readable, file_errors, criteria, tuple(sources))


def _plain(code: Any) -> str | None:
    """A unit code cell as validation reads it: a code of plain ASCII digits is its own folded form."""
    return code if type(code) is str and code.isdigit() and code.isascii() else _folded(code)


def _folded(code: Any) -> str | None:
    """A unit code cell as validation reads it (folded: engine/units/codes.py); None when it is no code."""
    try:
        return unit_code(code) if code is not None else None
    except ValueProblem:
        return None


def parts(plan_: Plan, size: int) -> Iterator[tuple[int, tuple[int, int, int]]]:
    """The units in order, `size` at a time within a file: (index of the first unit in the batch, (source
    index, start, stop))."""
    first = 0
    for index, source in enumerate(plan_.sources):
        count = len(source.units)
        for start in range(0, count, size):
            stop = min(start + size, count)
            yield first, (index, start, stop)
            first += stop - start


def records(plan_: Plan) -> Iterator[Record]:
    """Every record the plan found, in file then row order, repeated unit codes marked."""
    for _, part in parts(plan_, 500):
        yield from plan_.records(part)
