"""Reading result files of `cfc evaluate` (JSON, the machine CSV or the CSV for people) into one table of units
and one of criterion points, and the national targets they are compared with (engine/data/targets.yaml, with
their citation).

Two things would make every figure wrong without anyone noticing, so they are errors naming both sources: a
unit counted twice (the same file given twice, or the same unit and period in two files), and units scored by
different criteria sets compared as if they were the same (allowed only when asked, and then noted)."""
from __future__ import annotations

import csv
import json
import re
from operator import itemgetter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field

from engine.aggregate.checks import check_units_add_up
from engine.messages import Message, MessageError, os_reason
from engine.results.cells import csv_unsafe
from engine.results.model import STATUSES
from engine.criteria.model import CriteriaSet
from engine.periods import PERIOD_FORMATS, PeriodError, parse_period
from engine.text import SURROGATE, without_surrogates
from engine.units.codes import code_key

TARGETS_FILE = Path(__file__).resolve().parent.parent / "data" / "targets.yaml"


class AggregateError(MessageError):
    """A results file that cannot be used; the message names the file (and the row or unit). str() is English
    (for logs and tests); the command line shows render(lang)."""


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    year: int
    percent: float = Field(ge=0, le=100)


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    citation: str
    measure: str
    targets: list[Target] = Field(min_length=1)

    def in_force(self, year: int | None) -> Target | None:
        """The target a period ending in `year` is measured against: the latest one whose year it has reached
        (a target "by 2025" is due from 2025; a 2023 period is measured against none). None for a period
        that names no year."""
        due = [target for target in self.targets if year is not None and target.year <= year]
        return max(due, key=lambda target: target.year) if due else None


def load_targets(path: str | Path | None = None) -> Targets:
    path = Path(path) if path is not None else TARGETS_FILE
    return Targets.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- reading results

SCORE_COLUMNS = ("unit", "number", "points", "max_points", "complete")
UNIT_COLUMNS = ("source", "where", "unit_code", "unit_name", "province", "district", "period", "category", "status",
                "total", "threshold", "criteria_set")
TEXT_FIELDS = ("unit_code", "unit_name", "province", "district", "period", "category")


@dataclass
class Results:
    units: pd.DataFrame    # one row per unit: source, where, unit_code, unit_name, province, district, period,
                           # category, status, total (None when the file shows none), threshold, criteria_set
    scores: pd.DataFrame   # one row per unit and criterion: unit (row of `units`), number, points, max_points
    criteria_ids: set[str] = field(default_factory=set)
    mixed_criteria: list[str] = field(default_factory=list)  # the sets, when mixing was allowed


class _Block:
    """One file's units and criterion points as plain columns (lists; numpy arrays for the scores the column pass
    builds), unit numbers counted from 0 in the file.

    A national pair of periods is 21,200 units and a quarter of a million scores: they are built column by
    column (each distinct value converted once) and checked as a whole. A file the whole-column pass cannot
    take as it is (an unknown status, a total that is not a plain whole number, a ragged CSV...) is read again
    unit by unit, which finds the first problem and names it exactly as it always has."""

    def __init__(self):
        self.units: dict[str, list] = {name: [] for name in UNIT_COLUMNS}
        self.scores: dict[str, list] = {name: [] for name in SCORE_COLUMNS}

    def __len__(self) -> int:
        return len(self.units["status"])

    def add_unit(self, row: dict) -> int:
        for name in UNIT_COLUMNS:
            self.units[name].append(row[name])
        return len(self) - 1

    def add_score(self, unit: int, number: int, points: int, max_points: int, complete: bool) -> None:
        for name, value in zip(SCORE_COLUMNS, (unit, number, points, max_points, complete)):
            self.scores[name].append(value)


class _Unusual(Exception):
    """The whole-column pass met something it leaves to the unit-by-unit reading (which names the problem)."""


def load_results(paths: Iterable[str | Path], criteria: CriteriaSet, allow_mixed: bool = False,
                 fast: bool = True) -> Results:
    """Units and criterion points from result files. `criteria` gives each criterion's maximum for CSV results
    (which hold points only) and the names of criteria and categories. `fast=False` reads unit by unit only
    (the reference the whole-column reading is tested against)."""
    blocks: list[_Block] = []
    ids: set[str] = set()
    seen: dict[Path, Path] = {}
    for path in map(Path, paths):
        same = seen.get(path.resolve())
        if same is not None:
            raise AggregateError("agg_same_file", path=str(path), other=str(same))
        seen[path.resolve()] = path
        if path.suffix.lower() == ".json":
            block, criteria_id = _read_json(path, fast)
        elif path.suffix.lower() == ".csv":
            block, criteria_id = _read_csv(path, criteria, fast), None
        elif path.suffix.lower() in (".xlsx", ".xlsm"):  # cfc's results.xlsx, most likely: say what to give instead
            raise AggregateError("agg_workbook", path=str(path))
        else:
            raise AggregateError("agg_not_results_file", path=str(path))
        blocks.append(block)
        if criteria_id:
            ids.add(criteria_id)
    if not sum(map(len, blocks)):
        raise AggregateError("agg_no_units")
    frame = pd.DataFrame({name: [v for b in blocks for v in b.units[name]] for name in UNIT_COLUMNS})
    _canonical_identity(frame)
    scores = _score_frame(blocks)
    check_units_add_up(frame, scores, criteria, AggregateError)  # a hand-edited unit is never counted
    _check_cross_file_duplicates(frame)
    mixed = _check_criteria_sets(frame, allow_mixed)
    return Results(frame, scores, ids, mixed)


def _score_frame(blocks: list[_Block]) -> pd.DataFrame:
    """The blocks' scores in one frame, unit numbers made global (the row of the unit in the units frame).
    Columns go to pandas as numpy arrays: a frame built from lists of a quarter of a million Python ints
    costs more than reading the files."""
    filled = [(block, offset) for block, offset in zip(blocks, _offsets(blocks)) if len(block.scores["unit"])]
    if not filled:
        return pd.DataFrame({name: [] for name in SCORE_COLUMNS}, columns=list(SCORE_COLUMNS))
    columns = {}
    for name in SCORE_COLUMNS:
        parts = [np.asarray(block.scores[name]) for block, _ in filled]
        if name == "unit":
            parts = [part + offset for part, (_, offset) in zip(parts, filled)]
        columns[name] = np.concatenate(parts)
    return pd.DataFrame(columns, columns=list(SCORE_COLUMNS))


def _offsets(blocks: list[_Block]) -> list[int]:
    """Where each block's units start in the units frame."""
    starts, start = [], 0
    for block in blocks:
        starts.append(start)
        start += len(block)
    return starts


def _unit_row(path: Path, where: str, raw: dict, file_set: str | None) -> dict:
    status = raw.get("status")
    if status not in STATUSES:
        raise AggregateError("agg_bad_status", path=str(path), where=where, value=status, allowed=", ".join(STATUSES))
    row = {"source": str(path), "where": where}
    for key in TEXT_FIELDS:
        value = raw.get(key)
        row[key] = None if value in (None, "") else csv_unsafe(str(value).strip())
    row["status"] = status
    total = raw.get("total")
    row["total"] = None if total in (None, "") else _int(path, where, "total", total)
    threshold = raw.get("threshold")
    row["threshold"] = None if threshold in (None, "") else _int(path, where, "threshold", threshold)
    row["criteria_set"] = _set_key(raw.get("criteria_set")) or file_set
    return row


# How compact JSON and both CSVs name a set (engine/results/render.py set_key): "id@effective sha256:<12 hex>".
_SET_KEY_TEXT = re.compile(r"(?P<id>.+?)@\S* sha256:(?P<digest>[0-9a-fA-F]{12})")


def _set_key(value) -> str | None:
    """A criteria set as compared: its id, and its digest when the results carry one (an edited file with the
    same id is another set). The {id, digest} object of --detail JSON and the key text of compact JSON and CSV
    name the same set alike, so results of one set in any format combine."""
    if isinstance(value, dict):
        if not value.get("id"):
            return None
        return f"{value['id']} ({str(value['digest'])[:12]})" if value.get("digest") else str(value["id"])
    if value is None:
        return None
    text = str(value).strip()
    if match := _SET_KEY_TEXT.fullmatch(text):
        return f"{match['id']} ({match['digest'].lower()})"
    return text or None


def _whole(value) -> int | None:
    """`value` as a whole number, None when it is not one (the unit-by-unit reading then names it)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _int(path: Path, where: str, name: str, value) -> int:
    number = _whole(value)
    if number is None:
        try:
            float(value)
        except (TypeError, ValueError):
            raise AggregateError("agg_not_number", path=str(path), where=where, name=name, value=value) from None
        raise AggregateError("agg_not_whole", path=str(path), where=where, name=name, value=value)
    return number


# ------------------------------------------------ whole columns: each distinct value converted once

STATUS_SET = frozenset(STATUSES)


def _text(value: str | None) -> str | None:
    return None if value in (None, "") else csv_unsafe(str(value).strip())


def _number(value) -> int | None:
    """A total or threshold cell: blank is None; anything but a whole number is unusual."""
    if value in (None, ""):
        return None
    number = _whole(value)
    if number is None:
        raise _Unusual
    return number


def _points(cell: str) -> tuple[int, bool]:
    """A CSV criterion cell: (points, complete). A blank cell is an unscored criterion: missing, never 0."""
    cell = cell.strip()
    if not cell:
        return 0, False
    points = int(cell) if cell.isascii() and cell.isdigit() else _whole(cell)
    if points is None:
        raise _Unusual
    return points, True


def _distinct(values: list | tuple, text: bool = True) -> list:
    """The distinct values, in order of appearance. Text columns take only strings and None (1, 1.0 and True
    would be one distinct value); numbers take any value that converts to the same whole number whichever of
    those it is. (map and dict.fromkeys: a quarter of a million cells stay out of Python bytecode.)"""
    if text and not set(map(type, values)) <= {str, type(None)}:
        raise _Unusual
    try:
        return list(dict.fromkeys(values))
    except TypeError:  # a list or an object where a value belongs
        raise _Unusual from None


def _converted(values: list | tuple, convert, text: bool = True) -> list:
    """convert(value) for every value, computed once per distinct value."""
    table = {value: convert(value) for value in _distinct(values, text)}
    return list(map(table.__getitem__, values))


def _codes(values: list | tuple, distinct: list) -> np.ndarray:
    """For every value, the index of its distinct value."""
    index = {value: number for number, value in enumerate(distinct)}
    return np.fromiter(map(index.__getitem__, values), np.intp, len(values))


def _unit_columns(block: _Block, path: Path, columns: dict[str, list | tuple], count: int,
                  wheres: list[str], file_set: str | None) -> None:
    """The units' columns from the file's raw columns (a key absent from `columns` is missing for every unit)."""
    blank = [None] * count
    status = list(columns.get("status", blank))
    if not all(type(value) is str for value in status) or not STATUS_SET.issuperset(status):
        raise _Unusual
    units = block.units
    units["source"] = [str(path)] * count
    units["where"] = wheres
    for key in TEXT_FIELDS:
        units[key] = _converted(columns.get(key, blank), _text)
    units["status"] = status
    for key in ("total", "threshold"):
        units[key] = _converted(columns.get(key, blank), _number, text=False)
    units["criteria_set"] = [_set_key(value) or file_set for value in columns.get("criteria_set", blank)]


def _problem(error: Exception) -> Message:
    """Why a results file cannot be read, in the reader's language (not the library's English)."""
    if isinstance(error, OSError):
        return os_reason(error)
    if isinstance(error, UnicodeDecodeError):
        return Message("agg_not_utf8", {"byte": error.start + 1})
    if isinstance(error, json.JSONDecodeError):
        return Message("agg_not_json", {"line": error.lineno, "column": error.colno})
    return Message("agg_bad_csv", {"error": str(error)})


def _read_json(path: Path, fast: bool = True) -> tuple[_Block, str | None]:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AggregateError("agg_cannot_read", path=str(path), error=_problem(error)) from error
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise AggregateError("agg_no_units_list", path=str(path))
    file_set = _set_key({"id": data.get("criteria_id"), "digest": data.get("criteria_digest")})
    # Compact results give each criterion's maximum once, in the criteria metadata at the top.
    metadata = data.get("criteria") if isinstance(data.get("criteria"), dict) else {}
    maxima = {c.get("number"): c.get("max_points") for c in metadata.get("criteria", []) if isinstance(c, dict)}
    if fast:
        try:
            return _json_columns(path, data["units"], file_set, maxima), data.get("criteria_id")
        except _Unusual:
            pass
    return _json_units(path, data["units"], file_set, maxima), data.get("criteria_id")


def _json_columns(path: Path, raws: list, file_set: str | None, maxima: dict) -> _Block:
    if not all(type(raw) is dict and type(raw.get("criteria")) is list for raw in raws):
        raise _Unusual
    block = _Block()
    names = ("status", "total", "threshold", "criteria_set", *TEXT_FIELDS)
    columns = {name: [raw.get(name) for raw in raws] for name in names}
    _unit_columns(block, path, columns, len(raws), [f"unit {index}" for index in range(1, len(raws) + 1)], file_set)
    try:
        criteria = [criterion for raw in raws for criterion in raw["criteria"]]
        numbers = _whole_numbers([criterion["number"] for criterion in criteria])
        block.scores = {
            "unit": np.repeat(np.arange(len(raws), dtype=np.int64), [len(raw["criteria"]) for raw in raws]),
            "number": numbers,
            "points": _whole_numbers([criterion["points"] for criterion in criteria]),
            "max_points": _whole_numbers([criterion["max_points"] if "max_points" in criterion else maxima.get(number)
                                          for criterion, number in zip(criteria, numbers.tolist())]),
            "complete": np.array([bool(criterion["complete"]) for criterion in criteria], dtype=bool),
        }
    except Exception:  # noqa: BLE001 - whatever it is, the unit-by-unit reading meets it again, in order
        raise _Unusual from None
    return block


def _whole_numbers(values: list) -> np.ndarray:
    """int(value) of every value, as the unit-by-unit reading converts them."""
    array = np.array(values)
    return array if array.dtype == np.int64 else np.array([int(value) for value in values], dtype=np.int64)


def _json_units(path: Path, raws: list, file_set: str | None, maxima: dict) -> _Block:
    block = _Block()
    for index, raw in enumerate(raws, start=1):
        where = f"unit {index}"
        if not isinstance(raw, dict) or not isinstance(raw.get("criteria"), list):
            raise AggregateError("agg_not_unit", path=str(path), where=where)
        unit = block.add_unit(_unit_row(path, where, raw, file_set))
        for criterion in raw["criteria"]:
            number = int(criterion["number"])
            block.add_score(unit, number, int(criterion["points"]),
                            int(criterion.get("max_points", maxima.get(number))), bool(criterion["complete"]))
    return block


def _people_columns(criteria: CriteriaSet) -> dict[str, str]:
    """Header of the CSV for people (either language, any period: "Huyện / khu vực" or, after the 1 July 2025
    reform, "Khu vực") → the machine column it stands for."""
    from engine.results.render import unit_columns

    return {label: column.key for column in unit_columns(criteria) for label in column.labels}


def _people_values(criteria: CriteriaSet) -> dict[str, dict[str, str]]:
    """Labels written in the CSV for people → codes: statuses and categories, in either language."""
    statuses = {Message(f"status_{s}").render(lang): s for s in STATUSES for lang in ("vi", "en")}
    categories = {c.label(lang): c.id for c in criteria.categories for lang in ("vi", "en")}
    return {"status": statuses, "category": categories}


def _csv_layout(handle, criteria: CriteriaSet) -> tuple[str, int]:
    """(delimiter, lines before the header). cfc writes commas; Excel re-saves a CSV with its locale's list
    separator (a semicolon in Vietnamese, as in most of Europe), sometimes announced by a `sep=;` line: the
    delimiter is the one under which the header names a results file's columns. The handle is left at the
    header."""
    first = handle.readline()
    hint = first.strip()
    if hint.lower().startswith("sep=") and len(hint) == 5:
        return hint[4], 1
    handle.seek(0)
    people = _people_columns(criteria)
    for delimiter in (",", ";", "\t"):
        header = next(csv.reader([first], delimiter=delimiter), [])
        if {"unit_code", "status", "total"} <= {people.get(h, h) for h in header}:
            return delimiter, 0
    return ",", 0


def _read_csv(path: Path, criteria: CriteriaSet, fast: bool = True) -> _Block:
    maxima = {c.number: c.max_points for c in criteria.criteria}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            delimiter, skip = _csv_layout(handle, criteria)
            reader = csv.reader(handle, delimiter=delimiter)
            header = next(reader, [])
            people = {"unit_code", "status"} - set(header) and _people_columns(criteria)
            keys = [people.get(h, h) for h in header] if people else header
            if not {"unit_code", "status", "total"} <= set(keys):
                raise AggregateError("agg_csv_columns", path=str(path))
            values = _people_values(criteria) if people else {}
            numbers = {i: int(m.group(1)) for i, k in enumerate(keys) if (m := re.fullmatch(r"criterion_(\d+)", k))}
            unknown = sorted(n for n in numbers.values() if n not in maxima)
            if unknown:
                raise AggregateError("agg_unknown_criteria", path=str(path), numbers=unknown,
                                     criteria=criteria.source or criteria.instrument.id)
            rows = None
            if fast:
                try:
                    rows = list(reader)
                except (UnicodeDecodeError, csv.Error):
                    rows = None  # a row further on cannot be read: read unit by unit, to name the first problem
            if rows is not None and all(len(cells) == len(keys) for cells in rows):
                try:
                    return _csv_columns(path, keys, values, numbers, maxima, rows)
                except _Unusual:
                    pass
            if rows is None:
                handle.seek(0)
                for _ in range(skip):
                    handle.readline()
                reader = csv.reader(handle, delimiter=delimiter)
                next(reader, None)
                rows = reader
            return _csv_units(path, keys, values, numbers, maxima, rows)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise AggregateError("agg_cannot_read", path=str(path), error=_problem(error)) from error


def _csv_columns(path: Path, keys: list[str], values: dict, numbers: dict[int, int], maxima: dict,
                 rows: list[list[str]]) -> _Block:
    count = len(rows)
    # Only the columns read (not the inputs, reasons or gaps): a repeated header name stands for its last column,
    # as dict(zip(keys, cells)) makes it; a criterion column is taken by its position.
    wanted = {key: index for index, key in enumerate(keys) if key in UNIT_COLUMNS}
    positions = sorted(set(wanted.values()) | set(numbers))
    # (unit_code, status and total are there: itemgetter gives a tuple per row)
    by_index = dict(zip(positions, list(zip(*map(itemgetter(*positions), rows))) or [() for _ in positions]))
    columns = {key: by_index[index] for key, index in wanted.items()}
    for key, mapping in values.items():
        if key in columns:
            columns[key] = [mapping.get(value, value) for value in columns[key]]
    block = _Block()
    _unit_columns(block, path, columns, count, [f"row {line}" for line in range(2, count + 2)], None)
    points = np.zeros((count, len(numbers)), dtype=np.int64)
    complete = np.zeros((count, len(numbers)), dtype=bool)
    for column, index in enumerate(numbers):
        distinct = _distinct(by_index[index])
        codes = _codes(by_index[index], distinct)
        cells = [_points(cell) for cell in distinct]
        points[:, column] = np.array([p for p, _ in cells], dtype=np.int64)[codes]
        complete[:, column] = np.array([c for _, c in cells], dtype=bool)[codes]
    # unit after unit, criterion after criterion within a unit: the order of the unit-by-unit reading
    block.scores = {
        "unit": np.repeat(np.arange(count, dtype=np.int64), len(numbers)),
        "number": np.tile(np.array(list(numbers.values()), dtype=np.int64), count),
        "points": points.ravel(),
        "max_points": np.tile(np.array([maxima[n] for n in numbers.values()], dtype=np.int64), count),
        "complete": complete.ravel(),
    }
    return block


def _csv_units(path: Path, keys: list[str], values: dict, numbers: dict[int, int], maxima: dict,
               rows: Iterable[list[str]]) -> _Block:
    block = _Block()
    for line, cells in enumerate(rows, start=2):
        where = f"row {line}"
        raw = dict(zip(keys, cells))
        for key, mapping in values.items():
            raw[key] = mapping.get(raw.get(key), raw.get(key))
        unit = block.add_unit(_unit_row(path, where, raw, None))
        for index, number in numbers.items():
            cell = cells[index].strip() if index < len(cells) else ""
            # A blank cell is an unscored criterion: missing, never 0.
            points = int(cell) if cell.isascii() and cell.isdigit() else _int(path, where, keys[index], cell) if cell else 0
            block.add_score(unit, number, points, maxima[number], bool(cell))
    return block


def _canonical_identity(units: pd.DataFrame) -> None:
    """Every period in its canonical spelling and every unit code folded (engine/periods.py,
    engine/units/codes.py), so that "2024-h1" and "2024-H1", or a full-width code, are one period and one unit
    for the duplicate check, the tables and the change between periods. A period that cannot be dated is an
    error naming the file and unit: it could be ordered against no other. Each distinct value is read once."""
    periods = {}
    for value in units["period"].dropna().unique():
        try:
            periods[value] = parse_period(value).text
        except PeriodError:
            row = units[units["period"] == value].iloc[0]
            raise AggregateError("agg_bad_period", path=row["source"], where=row["where"], value=value,
                                 formats=PERIOD_FORMATS) from None
    units["period"] = units["period"].map(periods, na_action="ignore")
    codes = {value: code_key(value) for value in units["unit_code"].dropna().unique()}
    for value, code in codes.items():
        if code is None and isinstance(value, str) and SURROGATE.search(value):  # cfc writes none: damaged by hand
            row = units[units["unit_code"] == value].iloc[0]
            raise AggregateError("agg_code_not_text", path=row["source"], where=row["where"],
                                 value=without_surrogates(value))
    units["unit_code"] = units["unit_code"].map(codes, na_action="ignore")


def _check_cross_file_duplicates(units: pd.DataFrame) -> None:
    """The same unit and period in two files would be counted twice. (Repeats inside one file are already
    invalid units, marked by `cfc evaluate`.)"""
    coded = units.dropna(subset=["unit_code"])
    key = coded["unit_code"] + "\x00" + coded["period"].fillna("")
    repeated = coded[key.duplicated(keep=False)]
    if repeated.empty:
        return
    by_unit = repeated.groupby(["unit_code", repeated["period"].fillna("")], sort=False)
    twice = [(code, group) for code, group in by_unit if group["source"].nunique() > 1]
    if twice:
        (code, period), group = twice[0]
        first, second = (f"{row.source} ({row.where})" for row in group.drop_duplicates("source").head(2).itertuples())
        raise AggregateError("agg_duplicate_unit", code=code, period=period or "?", first=first, second=second,
                             count=len(twice))


def _check_criteria_sets(units: pd.DataFrame, allow_mixed: bool) -> list[str]:
    """Units scored by different criteria sets are not comparable: refused unless asked. Units whose results do
    not say which set scored them are taken to share the set of the others."""
    sets = units["criteria_set"].dropna()
    distinct = list(dict.fromkeys(sets))
    if len(distinct) <= 1:
        return []
    described = "; ".join(f"{name}: {', '.join(dict.fromkeys(units.loc[sets.index[sets == name], 'source']))}"
                          for name in distinct)
    if not allow_mixed:
        raise AggregateError("agg_mixed_criteria", sets=described)
    return distinct
