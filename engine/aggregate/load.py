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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field

from engine.messages import Message, MessageError
from engine.results.cells import csv_unsafe
from engine.results.model import STATUSES
from engine.criteria.model import CriteriaSet

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


def load_targets(path: str | Path | None = None) -> Targets:
    path = Path(path) if path is not None else TARGETS_FILE
    return Targets.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- reading results

SCORE_COLUMNS = ("unit", "number", "points", "max_points", "complete")


@dataclass
class Results:
    units: pd.DataFrame    # one row per unit: source, where, unit_code, unit_name, province, district, period,
                           # category, status, total (None when the file shows none), threshold, criteria_set
    scores: pd.DataFrame   # one row per unit and criterion: unit (row of `units`), number, points, max_points
    criteria_ids: set[str] = field(default_factory=set)
    mixed_criteria: list[str] = field(default_factory=list)  # the sets, when mixing was allowed


def load_results(paths: Iterable[str | Path], criteria: CriteriaSet, allow_mixed: bool = False) -> Results:
    """Units and criterion points from result files. `criteria` gives each criterion's maximum for CSV results
    (which hold points only) and the names of criteria and categories."""
    units: list[dict] = []
    # one list per column (not a dict per score): a national pair of periods has a quarter of a million scores
    scores: dict[str, list] = {name: [] for name in SCORE_COLUMNS}
    ids: set[str] = set()
    seen: dict[Path, Path] = {}
    for path in map(Path, paths):
        same = seen.get(path.resolve())
        if same is not None:
            raise AggregateError("agg_same_file", path=str(path), other=str(same))
        seen[path.resolve()] = path
        if path.suffix.lower() == ".json":
            criteria_id = _read_json(path, units, scores)
        elif path.suffix.lower() == ".csv":
            criteria_id = _read_csv(path, criteria, units, scores)
        else:
            raise AggregateError("agg_not_results_file", path=str(path))
        if criteria_id:
            ids.add(criteria_id)
    if not units:
        raise AggregateError("agg_no_units")
    frame = pd.DataFrame(units)
    _check_cross_file_duplicates(frame)
    mixed = _check_criteria_sets(frame, allow_mixed)
    score_frame = pd.DataFrame(scores, columns=list(SCORE_COLUMNS))
    return Results(frame, score_frame, ids, mixed)


def _unit_row(path: Path, where: str, raw: dict, file_set: str | None) -> dict:
    status = raw.get("status")
    if status not in STATUSES:
        raise AggregateError("agg_bad_status", path=str(path), where=where, value=status, allowed=", ".join(STATUSES))
    row = {"source": str(path), "where": where}
    for key in ("unit_code", "unit_name", "province", "district", "period", "category"):
        value = raw.get(key)
        row[key] = None if value in (None, "") else csv_unsafe(str(value).strip())
    row["status"] = status
    total = raw.get("total")
    row["total"] = None if total in (None, "") else _int(path, where, "total", total)
    threshold = raw.get("threshold")
    row["threshold"] = None if threshold in (None, "") else _int(path, where, "threshold", threshold)
    row["criteria_set"] = _set_key(raw.get("criteria_set")) or file_set
    return row


def _set_key(value) -> str | None:
    """A criteria set as compared: its id, and its digest when the results carry one (an edited file with the
    same id is another set)."""
    if isinstance(value, dict):
        if not value.get("id"):
            return None
        return f"{value['id']} ({str(value['digest'])[:12]})" if value.get("digest") else str(value["id"])
    return str(value).strip() or None if value is not None else None


def _int(path: Path, where: str, name: str, value) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AggregateError("agg_not_number", path=str(path), where=where, name=name, value=value) from None
    if not number.is_integer():
        raise AggregateError("agg_not_whole", path=str(path), where=where, name=name, value=value)
    return int(number)


def _add_score(scores: dict[str, list], unit: int, number: int, points: int, max_points: int, complete: bool) -> None:
    for name, value in zip(SCORE_COLUMNS, (unit, number, points, max_points, complete)):
        scores[name].append(value)


def _read_json(path: Path, units: list[dict], scores: dict[str, list]) -> str | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AggregateError("agg_cannot_read", path=str(path), error=str(error)) from error
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise AggregateError("agg_no_units_list", path=str(path))
    file_set = _set_key({"id": data.get("criteria_id"), "digest": data.get("criteria_digest")})
    # Compact results give each criterion's maximum once, in the criteria metadata at the top.
    metadata = data.get("criteria") if isinstance(data.get("criteria"), dict) else {}
    maxima = {c.get("number"): c.get("max_points") for c in metadata.get("criteria", []) if isinstance(c, dict)}
    for index, raw in enumerate(data["units"], start=1):
        where = f"unit {index}"
        if not isinstance(raw, dict) or not isinstance(raw.get("criteria"), list):
            raise AggregateError("agg_not_unit", path=str(path), where=where)
        units.append(_unit_row(path, where, raw, file_set))
        unit = len(units) - 1
        for criterion in raw["criteria"]:
            number = int(criterion["number"])
            _add_score(scores, unit, number, int(criterion["points"]),
                       int(criterion.get("max_points", maxima.get(number))), bool(criterion["complete"]))
    return data.get("criteria_id")


def _people_columns(criteria: CriteriaSet) -> dict[str, str]:
    """Header of the CSV for people (either language) → the machine column it stands for."""
    from engine.results.render import unit_columns

    return {label: column.key for column in unit_columns(criteria) for label in (column.vi, column.en)}


def _people_values(criteria: CriteriaSet) -> dict[str, dict[str, str]]:
    """Labels written in the CSV for people → codes: statuses and categories, in either language."""
    statuses = {Message(f"status_{s}").render(lang): s for s in STATUSES for lang in ("vi", "en")}
    categories = {c.label(lang): c.id for c in criteria.categories for lang in ("vi", "en")}
    return {"status": statuses, "category": categories}


def _read_csv(path: Path, criteria: CriteriaSet, units: list[dict], scores: dict[str, list]) -> None:
    maxima = {c.number: c.max_points for c in criteria.criteria}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
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
            for line, cells in enumerate(reader, start=2):
                where = f"row {line}"
                raw = dict(zip(keys, cells))
                for key, mapping in values.items():
                    raw[key] = mapping.get(raw.get(key), raw.get(key))
                units.append(_unit_row(path, where, raw, None))
                unit = len(units) - 1
                for index, number in numbers.items():
                    cell = cells[index].strip() if index < len(cells) else ""
                    # A blank cell is an unscored criterion: missing, never 0.
                    points = int(cell) if cell.isascii() and cell.isdigit() else _int(path, where, keys[index], cell) if cell else 0
                    _add_score(scores, unit, number, points, maxima[number], bool(cell))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise AggregateError("agg_cannot_read", path=str(path), error=str(error)) from error
    return None


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
