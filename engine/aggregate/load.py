"""Reading result files of `cfc evaluate` (JSON or CSV) into one table of units and one of criterion points,
and the national targets they are compared with (engine/data/targets.yaml, with their citation)."""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field

from engine.results.cells import csv_unsafe
from engine.results.model import STATUSES
from engine.rules.criteria import CriteriaSet

TARGETS_FILE = Path(__file__).resolve().parent.parent / "data" / "targets.yaml"


class AggregateError(Exception):
    """A results file that cannot be used; the message names the file (and the row or unit)."""


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    year: int
    percent: float = Field(ge=0, le=100)


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    citation: str
    measure: str
    targets: list[Target] = Field(min_length=1)


def load_targets(path: str | Path | None = None) -> Targets:
    path = Path(path) if path is not None else TARGETS_FILE
    return Targets.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- reading results

@dataclass
class Results:
    units: pd.DataFrame    # one row per unit: source, unit_code, unit_name, province, district, period, ...
    scores: pd.DataFrame   # one row per unit and criterion: unit (row of `units`), number, points, max_points
    criteria_ids: set[str] = field(default_factory=set)


def load_results(paths: Iterable[str | Path], criteria: CriteriaSet) -> Results:
    """Units and criterion points from result files. `criteria` gives each criterion's maximum for CSV results
    (which hold points only) and the Vietnamese names of criteria and categories."""
    units: list[dict] = []
    scores: list[dict] = []
    ids: set[str] = set()
    for path in map(Path, paths):
        if path.suffix.lower() == ".json":
            criteria_id = _read_json(path, units, scores)
        elif path.suffix.lower() == ".csv":
            criteria_id = _read_csv(path, criteria, units, scores)
        else:
            raise AggregateError(f"{path}: not a results file; use the .json or .csv written by "
                                 f"`cfc evaluate --format json|csv`")
        if criteria_id:
            ids.add(criteria_id)
    if not units:
        raise AggregateError("no units in the results files")
    frame = pd.DataFrame(units)
    _check_cross_file_duplicates(frame)
    score_frame = pd.DataFrame(scores, columns=["unit", "number", "points", "max_points", "complete"])
    return Results(frame, score_frame, ids)


def _unit_row(path: Path, where: str, raw: dict) -> dict:
    status = raw.get("status")
    if status not in STATUSES:
        raise AggregateError(f"{path} {where}: status {status!r} is not one of {', '.join(STATUSES)}")
    row = {"source": str(path), "where": where}
    for key in ("unit_code", "unit_name", "province", "district", "period", "category"):
        value = raw.get(key)
        row[key] = None if value in (None, "") else csv_unsafe(str(value).strip())
    row["status"] = status
    row["total"] = _int(path, where, "total", raw.get("total"))
    threshold = raw.get("threshold")
    row["threshold"] = None if threshold in (None, "") else _int(path, where, "threshold", threshold)
    return row


def _int(path: Path, where: str, name: str, value) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AggregateError(f"{path} {where}: {name} = {value!r} is not a number") from None
    if not number.is_integer():
        raise AggregateError(f"{path} {where}: {name} = {value!r} is not a whole number")
    return int(number)


def _read_json(path: Path, units: list[dict], scores: list[dict]) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AggregateError(f"{path}: cannot read: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise AggregateError(f"{path}: not a results file (no \"units\" list); write one with "
                             f"`cfc evaluate --format json`")
    for index, raw in enumerate(data["units"], start=1):
        where = f"unit {index}"
        if not isinstance(raw, dict) or not isinstance(raw.get("criteria"), list):
            raise AggregateError(f"{path} {where}: not a unit result (no \"criteria\" list)")
        units.append(_unit_row(path, where, raw))
        unit = len(units) - 1
        for criterion in raw["criteria"]:
            scores.append({"unit": unit, "number": int(criterion["number"]), "points": int(criterion["points"]),
                           "max_points": int(criterion["max_points"]), "complete": bool(criterion["complete"])})
    return data.get("criteria_id")


def _read_csv(path: Path, criteria: CriteriaSet, units: list[dict], scores: list[dict]) -> None:
    maxima = {c.number: c.max_points for c in criteria.criteria}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if not {"unit_code", "status", "total"} <= set(columns):
                raise AggregateError(f"{path}: not a results file (needs columns unit_code, status, total); "
                                     f"write one with `cfc evaluate --format csv`")
            numbers = {c: int(m.group(1)) for c in columns if (m := re.fullmatch(r"criterion_(\d+)", c))}
            unknown = sorted(n for n in numbers.values() if n not in maxima)
            if unknown:
                raise AggregateError(f"{path}: criteria {unknown} are not in {criteria.source or 'the criteria file'}")
            for line, raw in enumerate(reader, start=2):
                where = f"row {line}"
                units.append(_unit_row(path, where, raw))
                unit = len(units) - 1
                for column, number in numbers.items():
                    cell = (raw.get(column) or "").strip()
                    # A blank cell is an unscored criterion: missing, never 0.
                    scores.append({"unit": unit, "number": number,
                                   "points": _int(path, where, column, cell) if cell else 0,
                                   "max_points": maxima[number], "complete": bool(cell)})
    except (OSError, UnicodeDecodeError) as error:
        raise AggregateError(f"{path}: cannot read: {error}") from error
    return None


def _check_cross_file_duplicates(units: pd.DataFrame) -> None:
    """The same unit and period in two files would be counted twice. (Repeats inside one file are already
    invalid units, marked by `cfc evaluate`.)"""
    coded = units.dropna(subset=["unit_code"])
    files = coded.groupby(["unit_code", coded["period"].fillna("")])["source"].unique()
    twice = files[files.map(len) > 1]
    if len(twice):
        (code, period), sources = next(iter(twice.items()))
        raise AggregateError(f"unit {code} (period {period or '?'}) is in {' and '.join(sources)}: it would be "
                             f"counted twice ({len(twice)} such unit(s)); aggregate each file once")


